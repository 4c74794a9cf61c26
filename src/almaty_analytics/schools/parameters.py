"""The school model's parameters: meaning, source of each default, bounds (composed into every scenario by scenarios.PARAMETERS)."""

from __future__ import annotations

from ..params import Param

FITTED = (
    "; default (unset): fitted on the delivery record of the scenario's vintage (schools.delivery), rounded to 2 decimals; "
    "where that record is too short, the group's prior (delivery.PRIORS)"
)

PARAMETERS: dict[str, Param] = {
    "school_shifts": Param(int, "shifts per school day in the HYPOTHETICAL regime compared with the current one (no source gives shifts)", 1, min=1, max=3),
    "current_shifts": Param(
        float,
        "average shifts per school day today: HYPOTHETICAL, no source gives shifts (the programme never mentions them for schools; the September 2022 press says 'one or two shifts')",
        2.0,
        min=1.0,
        max=3.0,
    ),
    "operating_margin": Param(
        float,
        "share of each school's seats kept free in the gross shortfall (pupil mobility, choice): 5%, England's planning convention, not an Almaty figure "
        "(no Kazakh norm found): DfE guidance as quoted by West Sussex County Council (February 2021), a surplus of places 'of no more than 5%', "
        "and London Councils' 'good practice recommended 5%' (September 2016; data/raw/school_planning_norms.csv, the used row). DfE's 5% is a ceiling "
        "on surplus places across an area, used here as the margin kept free in each school; table school_sensitivity shows the gross shortfall at 0%, 2% and 5%",
        0.05,
        min=0.0,
        max=0.2,
    ),
    "seats_to_overloaded_ratio": Param(
        float,
        "new seats serving the overloaded schools' catchments relative to their share of the pupils (gross shortfall): 1 = seats follow the pupils "
        "(judgement; land is short in the centre, line 2803, so below 1 is a stress case)",
        1.0,
        min=0.0,
        max=3.0,
    ),
    # Delivery risk (schools.draw_delivery): share ever delivered ~ Beta(mean delivery_<s>, delivery_concentration),
    # delay ~ Poisson(delay_<s>). Defaults None: fitted on the delivery record the scenario's vintage holds (schools.delivery:
    # data/raw/dated_statements.csv and the programme's plan, report table school_delivery_record), rounded to 2 decimals, with
    # the group's prior where that record is too short (delivery.PRIORS); tests/test_schools.py checks both vintages.
    "delivery_budget": Param(float, "mean share of the budget schools (16.9 thousand seats, line 2920) ever delivered: the budget group's fit" + FITTED, None, min=0.0, max=1.0),
    "delay_budget": Param(float, "mean delay of the budget schools, years: the budget group's fit" + FITTED, None, min=0.0, max=10.0),
    "delivery_branch": Param(float, "mean share of the 6 school branches (3.4 thousand seats, line 2922) delivered: the private-investment group's fit" + FITTED, None, min=0.0, max=1.0),
    "delay_branch": Param(float, "mean delay of the branches, years: the private-investment group's fit" + FITTED, None, min=0.0, max=10.0),
    "delivery_memorandum": Param(
        float, "mean share of the 16 developer-memorandum schools (16 thousand seats, line 2924) delivered: the private-investment group's fit" + FITTED, None, min=0.0, max=1.0
    ),
    "delay_memorandum": Param(float, "mean delay of the memorandum schools, years: the private-investment group's fit" + FITTED, None, min=0.0, max=10.0),
    "delivery_private": Param(
        float, "mean share of the 10 thousand private places (26 schools, line 2928) delivered: the private-investment group's fit" + FITTED, None, min=0.0, max=1.0
    ),
    "delay_private": Param(float, "mean delay of the private schools, years: the private-investment group's fit" + FITTED, None, min=0.0, max=10.0),
    "delivery_post_2025": Param(float, "mean share of the post-2025 budget schools delivered: the budget group's fit" + FITTED, None, min=0.0, max=1.0),
    "delay_post_2025": Param(float, "mean delay of the post-2025 budget schools, years: the budget group's fit" + FITTED, None, min=0.0, max=10.0),
    "delivery_private_post_2025": Param(float, "mean share of the post-2025 private-investment places delivered: the private-investment group's fit" + FITTED, None, min=0.0, max=1.0),
    "delay_private_post_2025": Param(float, "mean delay of the post-2025 private-investment places, years: the private-investment group's fit" + FITTED, None, min=0.0, max=10.0),
    "delivery_concentration": Param(
        float,
        "concentration of the Beta draw of each delivered share (sd 0.04 at a mean 0.99, 0.19 at 0.67): judgement, about the five openings of the delivery record",
        5.0,
        min=0.1,
        max=10_000.0,
    ),
    "build_rate_after_2025": Param(
        float,
        "standard schools a year after 2025: what the 2026-2030 budget funds, (108 + 85) bn (line 2980) / (5.2 + 5) bn a school (line 2803) / 5 years; continued after 2030 (assumption). The 'at least 6' of line 2918 is a need",
        3.78,
        min=0.0,
        max=100.0,
    ),
    "private_places_after_2025": Param(
        float,
        "places a year of the private-investment stream after 2025: 130 bn private investment to 2030 (line 2980) at the 2022-2025 private cost per place, "
        "124 bn (line 2966) / 29.4 thousand seats of branches, memoranda and private schools (lines 2922-2928), over 5 years; 0 = the budget-only stress case",
        6165.0,
        min=0.0,
        max=100_000.0,
    ),
    "school_size": Param(int, "seats of a standard school: 1,200 (line 2803)", 1200, min=100, max=5000),
    "school_cost_bn": Param(float, "construction cost of a standard school, billion tenge: 5.2 (line 2803)", 5.2, min=0.0, max=100.0),
    "land_cost_bn": Param(float, "cost of a 3 ha plot, billion tenge: about 5 (line 2803)", 5.0, min=0.0, max=100.0),
    "pupils_2021_excess_max": Param(
        float,
        "2021/22 state pupils are 'more than 280' thousand (line 303): drawn uniformly up to 280 thousand + this (judgement: a larger number would be printed as a higher round figure); used where the seat base is the programme's 2021/22 (a vintage without a newer stated shortage)",
        5000.0,
        min=0.0,
        max=12_000.0,
    ),
    "private_places_from_state": Param(
        float,
        "state pupils each new private place takes (1 = one for one): per-capita funding follows the pupil and the programme counts private places against the deficit (line 2918)",
        1.0,
        min=0.0,
        max=1.0,
    ),
    "periphery_school_age_ratio": Param(
        float,
        "school-age children per resident in Alatau and Nauryzbay relative to the other districts: assumption, the sources give no district ages (younger: highest child demand, line 3021)",
        1.2,
        min=0.2,
        max=5.0,
    ),
}
