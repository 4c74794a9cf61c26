"""The school model's parameters: meaning, source of each default, bounds (composed into every scenario by scenarios.PARAMETERS)."""

from __future__ import annotations

from ..params import Param

PARAMETERS: dict[str, Param] = {
    "school_shifts": Param(int, "shifts per school day in the regime compared with the current one (the goal: 1)", 1, min=1, max=3),
    "class_size": Param(
        int, "pupils per class in the compared regime: the programme's norm is 25 (001_22452510f78b59ea.txt:2918)", 25, min=10, max=60
    ),
    "current_shifts": Param(
        float,
        "average shifts per school day today; not in the sources: assumption (city schools commonly teach in two shifts)",
        2.0,
        min=1.0,
        max=3.0,
    ),
    "current_class_size": Param(
        float, "average pupils per class today; not in the sources (40+ in 17 schools, line 2801): assumption", 25.0, min=10.0, max=60.0
    ),
    # Delivery risk (schools.draw_delivery): share ever delivered ~ Beta(mean delivery_<s>, delivery_concentration),
    # delay ~ Poisson(delay_<s>). Track record (data/raw/dated_statements.csv): 5,100 of the 13,000 places planned for
    # 2020-2021 opened in 2021 (on-time share 0.39 = share x P(delay 0)); tests/test_schools.py recomputes the defaults.
    "delivery_budget": Param(
        float,
        "mean share of the budget schools (16.9 thousand seats, line 2920) ever delivered: judgement (state-funded projects are rarely dropped); the track record sets the delay",
        0.9,
        min=0.0,
        max=1.0,
    ),
    "delay_budget": Param(
        float, "mean delay of the budget schools, years: ln(0.9 / 0.39), so that 39% open on time as in 2020-2021 (press 2020-02-19, 2022-07-28)", 0.83, min=0.0, max=10.0
    ),
    "delivery_branch": Param(float, "mean share of the 6 school branches (3.4 thousand seats, line 2922) delivered: no track record, as budget", 0.9, min=0.0, max=1.0),
    "delay_branch": Param(float, "mean delay of the branches, years: no track record, as budget", 0.83, min=0.0, max=10.0),
    "delivery_memorandum": Param(
        float, "mean share of the 16 developer-memorandum schools (16 thousand seats, line 2924) delivered: no track record, as budget", 0.9, min=0.0, max=1.0
    ),
    "delay_memorandum": Param(float, "mean delay of the memorandum schools, years: no track record, as budget", 0.83, min=0.0, max=10.0),
    "delivery_private": Param(
        float,
        "mean share of the 10 thousand private places (26 schools, line 2928) delivered: 2021 private schools opened with 2,656 / 13 = 204 places against 385 planned a school (press 2022-07-28)",
        0.53,
        min=0.0,
        max=1.0,
    ),
    "delay_private": Param(float, "mean delay of the private schools, years: 0, 34 private schools opened in 3 years (line 2805) against 26 planned in 4", 0.0, min=0.0, max=10.0),
    "delivery_post_2025": Param(float, "mean share of the post-2025 budget schools delivered: as budget", 0.9, min=0.0, max=1.0),
    "delay_post_2025": Param(float, "mean delay of the post-2025 budget schools, years: as budget", 0.83, min=0.0, max=10.0),
    "delivery_concentration": Param(
        float,
        "concentration of the Beta draw of each delivered share (sd 0.12 at a mean 0.9): judgement, about the five plan/outcome figures of the track record",
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
