"""School-seat deficit: state-school pupils from the projected population against seats from what is built.

Method (cohort survival, as used in school-place planning):

* **Pupils by grade.** Grade 1 in the school year starting in September t takes the
  children aged 6 on 1 September: ``entry_split`` of those aged 5 on 1 January t plus
  the rest of those aged 6. Grade g holds the same mix of ages 4+g and 5+g. A pupil in
  grade g moves to grade g+1 next year with the grade-progression ratio
  GPR_g(t) = cohort of grade g+1 in t+1 / cohort of grade g in t (taken from the
  population projection, so it carries the migration of children) times the retention
  at that step (1, except the 9->10 transition to upper secondary). Every pupil is a
  child of the population forecast: nothing is added on top of it. The report shows
  pupils as a share of the children of school age, and ``check_share_drift`` fails when
  that share moves by more than 1.5 percentage points over the horizon.
* **Base (as of the vintage, ``schools.base``).** School year t/t+1 takes the population of
  1 January t, from the population forecast's first year. The base school year is the
  newest with counted state pupils not after that year: the programme's 292 thousand of
  2022/23 (line 303) at the mid-2022 vintage, the city's count of 292,015 (June 2023) at
  the newest. When it precedes the population's first year, its children are the first
  year's backcast by the projection's own cohort change (Hamilton-Perry, reversed).
* **Calibration.** The coverage of the cohorts and the 9->10 transition are set so that
  all schools together hold the base year's state pupils plus the private share, and
  first-graders are about twice the graduates (programme, line 2793).
* **State and private.** Private pupils are the private share of all pupils (counted in
  one statement when the vintage has it: 28,586 of 320,601 in 2022/23; else the dated
  estimate: 88 private schools in July 2022 times the BNS 2019/20 national pupils per
  private school, against the state pupils of 2021/22) plus the new private places
  delivered after the first projected year, times ``private_places_from_state`` (1 = each
  new private place takes one pupil from a state school).
* **Seat base.** Usable state seats = state pupils minus the deficit of the seat-base
  year: the newest stated shortage after a year's commissioning with counted pupils (end
  of 2022: 19.1 thousand against 292,015), else the programme's 2021/22, both uncertain
  within what the sources allow: pupils "more than 280" thousand (line 303), uniform on
  [280, 280 + ``pupils_2021_excess_max``]; deficit uniform between the July 2022 press
  figure ("up to 19 thousand") and the programme's end-of-year 19.6 thousand (line 2801).
* **Supply.** Places the city says opened in a year after the seat base (2023: 5,920,
  every source together) replace that year's plan, without delivery risk; the other
  years keep the 2022-2025 programme by funding source (lines 2918-2928), except that the
  December 2023 plan (25.1 thousand places in 13 state schools and a PPP school, 12 thousand
  in 8 memorandum schools) replaces the budget and memorandum plan of 2024-2025 where the
  vintage holds it (``with_newer_plan``; branches and private schools, which it does not
  name, keep the programme's), as a plan: at the fitted delivered share and delay of its funding groups, not as opened
  (``sensitivity``: the 2030/31 balance with the plan at the 2021 record's 39% and with the programme's plan instead). After 2025, two
  streams as the programme funds them to 2030 (line 2980): ``build_rate_after_2025``
  budget schools a year (construction 108 + land 85 billion tenge at 5.2 + 5 billion a
  school, line 2803: 3.78) and ``private_places_after_2025`` places a year of private
  investment (130 billion at the 2022-2025 private cost per place, 124 billion for the
  29.4 thousand seats of branches, memoranda and private schools, lines 2922-2928, 2966:
  6,165). Without the private stream ("budget only", ``school_supply_cases``) is the
  stress case. The programme's "at least 6 a year" (line 2918) is a need; the report
  compares it with the rate that would close the 2030/31 gap.
* **Delivery risk.** For each funding source and each planned year, a Monte Carlo draw
  gives the share of the planned seats ever delivered, Beta with mean ``delivery_<s>``
  and concentration ``delivery_concentration``, and the delay in whole years, Poisson
  with mean ``delay_<s>``. Seats first serve the school year starting in the September
  of the year they are commissioned plus the delay. The defaults are fitted on the dated
  delivery record the scenario's vintage holds (``schools.delivery``: plans and openings by
  funding group, least squares on the log of the openings; table ``school_delivery_record``),
  so a mid-2022 run reads no later opening; a group with fewer than two fitted openings keeps
  its prior share (and, with none, its prior delay). A number given in a scenario overrides
  the fit. Zero risk (shares 1, delays 0) gives the plan exactly.
* **Net balance** = state pupils - usable seats (positive = shortage), per paired draw of a
  population trajectory and a delivery draw: the interval and the probabilities carry
  population, seat-base and delivery uncertainty together. The central deficit is the
  central population path minus the expected seats. Population and supply draws are
  independent, so the variance of the deficit is the sum of the three parts' variances;
  the report shows each part's share and its 80% width alone.
* **Gross shortfall** (``schools.gross``): the sum of the shortfalls of the overloaded
  schools with an operating margin (``operating_margin``, 5%: England's planning convention, not an Almaty figure;
  data/raw/school_planning_norms.csv), from the school-level
  statements (37 of 210 overloaded, line 2801), per draw; gross >= net always. The
  programme's 19.6 thousand is this gross figure (without a margin).
* **Regime (hypothetical).** Usable seats scale by ``school_shifts`` / ``current_shifts``;
  no source gives the shifts, so the regime is labelled hypothetical and has no gross.
* **Pupils against the counts** (``school_pupil_growth``): the observed change into the base
  school year, the model's, its first projected steps and the programme's 12-14 thousand;
  ``school_pupil_growth_components`` splits the model's steps into grade-1 entrants, grade-11
  graduates, leavers after grade 9 and the cohort change (migration less deaths): an identity,
  since at constant coverage every grade is coverage x its cohort. The steps shrink because
  the entrants stay flat while each year a larger cohort leaves, and the population forecast
  adds almost no school-age migrants.
* **Districts.** City state pupils split by district population times a relative
  school-age share (``periphery_school_age_ratio`` for Alatau and Nauryzbay, 1
  elsewhere: the sources give no district age data). Deficits only where planners typed
  capacities in ``data/raw/school_capacity_by_district.csv``; a city total sums positive
  deficits only.
* **Backtest.** No series of Almaty pupils published by mid-2022 was found (data/raw, the
  reference data and a search of public data repositories and pages); the only school
  series is the BNS count of schools 2000-2021, backtested with naive, drift and
  log-linear drift from rolling origins (a supply-side check, not of the pupil method).
"""

from __future__ import annotations

from .. import io, population
from ..enrolment import GRADES, Calibration, calibrate, grade_cohorts, pupils_by_grade
from .backtest import TABLES as BACKTEST_TABLES
from .backtest import BacktestSummary, backtest_school_counts, backtest_summary
from .balance import (
    CURRENT,
    DELIVERY_SEED_OFFSET,
    THRESHOLDS,
    Supply,
    central_state_pupils,
    deficits,
    draw_supply,
    regime_factor,
    schools_needed,
    seat_rows,
)
from .balance import TABLES as BALANCE_TABLES
from .base import SchoolBase, base_school_year, counted_state_pupils, opened_places, private_share, school_base
from .delivery import (
    FITTED,
    PRIOR,
    SHARE_FROM_PRIOR,
    delivery_parameters,
    delivery_record,
    expected_openings,
    fit_basis,
    fit_delivery,
    record_table,
)
from .delivery import PRIORS as DELIVERY_PRIORS
from .delivery import TABLES as DELIVERY_TABLES
from .districts import PERIPHERY, TOTAL_ROW, district_deficits, missing_capacity, pupils_by_district
from .districts import TABLES as DISTRICT_TABLES
from .gross import SchoolLoads, gross_shortfall, overload_lower_bound, two_group_shortfall
from .model import KEY_FIGURES, SchoolForecast, forecast, key_figures_table
from .model import TABLES as FORECAST_TABLES
from .parameters import PARAMETERS
from .pupil_projection import TABLES as PUPIL_TABLES
from .pupil_projection import Pupils, project_pupils
from .pupils import (
    COMPONENTS,
    SHARE_DRIFT_LIMIT,
    backcast_population,
    check_share_drift,
    growth_components,
    pupil_share,
    school_year,
    school_year_of_date,
    school_year_start,
    share_drift,
)
from .report import (
    GrowthFacts,
    Headline,
    Verdict,
    answer_formats,
    answer_rows,
    answer_uncertainty,
    answer_values,
    answer_years,
    backtest_values,
    base_paragraphs,
    delivery_fit_text,
    district_pupils_shown,
    districts_values,
    growth_components_values,
    growth_facts,
    growth_values,
    headline,
    known_district_deficits,
    newer_plan_values,
    observed_deficit_text,
    parameter_values,
    parameters_shown,
    pipeline_by_year,
    pipeline_shown,
    pupils_by_grade_shown,
    regime_deficits,
    regime_deficits_shown,
    sensitivity_shown,
    sensitivity_values,
    terms_shown,
    threshold_probabilities,
    verdicts,
)
from .sensitivity import TABLES as SENSITIVITY_TABLES
from .sources import (
    FIGURES,
    STATEMENTS,
    cited_sources,
    figure_year,
    funded_build_rate,
    private_cost_per_place,
    private_share_from_statements,
    private_stream_rate,
    programme_figure,
    school_loads,
    statement,
)
from .supply import (
    FUNDING_SOURCES,
    NEWER_PLAN,
    OPENED,
    PLAN_SOURCES,
    SOURCES,
    DeliveryRisk,
    delivery_risks,
    draw_delivery,
    expected_seats_per_rate,
    newer_plan,
    place_seats,
    plan_years,
    planned_seats,
    with_newer_plan,
    with_openings,
)
from .supply import TABLES as SUPPLY_TABLES
from .targets import TABLES as TARGET_TABLES

__all__ = [
    "seat_rows",
    "project_pupils",
    "draw_supply",
    "central_state_pupils",
    "Supply",
    "Pupils",
    "CURRENT",
    "DELIVERY_PRIORS",
    "DELIVERY_SEED_OFFSET",
    "FITTED",
    "PRIOR",
    "SHARE_FROM_PRIOR",
    "FIGURES",
    "FUNDING_SOURCES",
    "NEWER_PLAN",
    "COMPONENTS",
    "GRADES",
    "INPUT_TABLES",
    "DATED_INPUTS",
    "read_inputs",
    "KEY_FIGURES",
    "OPENED",
    "PARAMETERS",
    "PARAMETER_NAMES",
    "PERIPHERY",
    "PLAN_SOURCES",
    "SHARE_DRIFT_LIMIT",
    "SOURCES",
    "STATEMENTS",
    "TABLES",
    "THRESHOLDS",
    "TOTAL_ROW",
    "answer_formats",
    "answer_rows",
    "answer_values",
    "backtest_values",
    "base_paragraphs",
    "answer_uncertainty",
    "answer_years",
    "backcast_population",
    "backtest_school_counts",
    "base_school_year",
    "backtest_summary",
    "calibrate",
    "check_share_drift",
    "cited_sources",
    "compute",
    "counted_state_pupils",
    "deficits",
    "gross_shortfall",
    "overload_lower_bound",
    "two_group_shortfall",
    "school_loads",
    "SchoolLoads",
    "delivery_parameters",
    "delivery_record",
    "expected_openings",
    "fit_basis",
    "fit_delivery",
    "record_table",
    "private_cost_per_place",
    "private_stream_rate",
    "delivery_risks",
    "district_deficits",
    "district_pupils_shown",
    "districts_values",
    "draw_delivery",
    "expected_seats_per_rate",
    "figure_year",
    "forecast",
    "funded_build_rate",
    "grade_cohorts",
    "growth_components",
    "headline",
    "growth_components_values",
    "growth_facts",
    "growth_values",
    "GrowthFacts",
    "observed_deficit_text",
    "key_figures_table",
    "known_district_deficits",
    "newer_plan_values",
    "missing_capacity",
    "opened_places",
    "delivery_fit_text",
    "parameter_values",
    "pipeline_by_year",
    "pipeline_shown",
    "parameters_shown",
    "regime_deficits_shown",
    "sensitivity_shown",
    "sensitivity_values",
    "terms_shown",
    "place_seats",
    "plan_years",
    "planned_seats",
    "private_share",
    "private_share_from_statements",
    "programme_figure",
    "pupil_share",
    "pupils_by_district",
    "pupils_by_grade",
    "pupils_by_grade_shown",
    "regime_deficits",
    "regime_factor",
    "results",
    "school_base",
    "school_year",
    "school_year_of_date",
    "school_year_start",
    "schools_needed",
    "share_drift",
    "statement",
    "threshold_probabilities",
    "validate",
    "verdicts",
    "newer_plan",
    "with_newer_plan",
    "with_openings",
    "BacktestSummary",
    "Calibration",
    "DeliveryRisk",
    "Headline",
    "SchoolBase",
    "SchoolForecast",
    "Verdict",
]

# Every parameter the school results depend on: the population forecast's and the school model's own
# (never language, report_note, districts or output folders): the key of the cached results.
PARAMETER_NAMES = (*population.PARAMETER_NAMES, *PARAMETERS)
INPUT_TABLES = ("programme_schools", "programme_school_build_plan", "school_capacity_by_district", "dated_statements", "bns_schools", "school_pupils")
DATED_INPUTS = ("programme_school_build_plan", "dated_statements")  # read with their release dates: the delivery record dates each plan and opening


def read_inputs(vintage: str | None) -> dict:
    """The school model's raw tables as of ``vintage`` (a date, or None for the newest), the dated ones with their ``published``."""
    return {name: io.read_table(name, vintage=vintage, releases=name in DATED_INPUTS) for name in INPUT_TABLES}


def validate(params: dict) -> None:
    """Check the parameters and inputs the school model needs beyond the schema (run before any kernel starts): counted state
    pupils of a school year up to the population's first (``base_year``) in the vintage."""
    inputs = io.read_tables(("school_pupils", "programme_schools"), params["vintage"])
    try:
        base_school_year(counted_state_pupils(inputs["school_pupils"], inputs["programme_schools"]), int(params["base_year"]))
    except ValueError as exc:
        raise ValueError(f"parameter 'base_year' {params['base_year']}: {exc}") from None


def compute(params: dict) -> SchoolForecast:
    """The school forecast of ``params`` on the shared population forecast, with the school-count backtest.

    Fails (``check_share_drift``) when pupils stop being children of the population forecast.
    """
    pop = population.results(params)
    inputs = read_inputs(io.vintage_date(params["vintage"]))
    fc = forecast(
        params, pop, inputs["programme_schools"], inputs["programme_school_build_plan"],
        inputs["school_capacity_by_district"], inputs["dated_statements"], inputs["school_pupils"],
    )
    check_share_drift(fc.tables["school_pupil_share"]["pupil_share"].to_numpy())
    fc.tables["school_backtest"] = backtest_school_counts(inputs["bns_schools"])[1]
    fc.population_digest = pop.digest
    return fc


def results(params: dict) -> SchoolForecast:
    """Every school table of a resolved scenario's ``params``, computed once per digest (``io.processed_object``), and the cited sources.

    The key holds ``PARAMETER_NAMES`` only, the stamp the population's and the school model's raw inputs and the
    package code, so the ru and kk reports of a run load what the en report computed. The sources are read
    afresh (they list the data manifest, which the stamp does not cover).
    """
    key = {name: params[name] for name in PARAMETER_NAMES if name in params}
    fc, _ = io.processed_object("school_forecast", key, lambda: compute(params), [*population.INPUT_TABLES, *INPUT_TABLES])
    cited = io.read_tables(("programme_schools", "dated_statements"), params["vintage"])
    fc.sources = cited_sources(cited["programme_schools"], cited["dated_statements"], io.sources_table(vintage=io.vintage_date(params["vintage"])))
    return fc


_DECLARED = FORECAST_TABLES | PUPIL_TABLES | BALANCE_TABLES | TARGET_TABLES | SUPPLY_TABLES | DELIVERY_TABLES | DISTRICT_TABLES | BACKTEST_TABLES | SENSITIVITY_TABLES
# Tables this model publishes, each declared beside the code that builds it, in the order of the report (export.TABLES composes them).
TABLES = {
    name: _DECLARED[name]
    for name in (
        "school_seats", "school_pupils_by_grade", "school_pupil_share", "school_pupil_growth", "school_pupil_growth_components", "school_uncertainty", "school_build_pipeline", "school_delivery_record",
        "school_build_rates", "school_supply_cases", "school_sensitivity", "school_targets", "school_district_deficits", "school_backtest", KEY_FIGURES,
    )
}
