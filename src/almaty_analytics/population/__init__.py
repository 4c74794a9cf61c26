"""Cohort-component projection of Almaty's population by single year of age (0-100+) and sex.

Method: the single-year cohort-component method of the UN Population Division (``ccmpp``, S. Hertog's
``project_ccmpp_z_by_z`` with z = 1 and migrants at the end of the year; Preston, Heuveline & Guillot 2001,
*Demography*, ch. 6), population on 1 January, one-year steps (``model.cohort_step``):

* **Step.** Those aged x on 1 January are aged x + 1 a year later with the life-table survival
  S(x) = L(x+1)/L(x); ages 99 and 100+ enter the open group 100+ with T(100)/T(99). Births are the
  fertility rates times the mean of the women at the start and at the end of the year, split by the sex
  ratio at birth; L(0)/l(0) of them are aged 0 at the year's end (infant mortality counted once). Net
  migrants, spread by an age-sex profile, are added at the end of the year (the UN's "end" option: they
  neither bear nor die in the year of the move). So P(t+1) − P(t) = births − deaths + net migration
  exactly. The life table (``model.life_table``): q = m/(1 + (1 − a)m), a(0) = 0.1, a = 0.5 at other ages,
  L(100+) = l(100)/m(100). The step reproduces the UN's own single-year projection of Canada 1990-2020 from
  its inputs (tests/test_population_method.py: totals within 0.01 %, births 0.003 %, deaths 0.15 %), and a
  closed population at constant rates grows at Lotka's intrinsic rate of its net maternity function.
* **Years.** Every year comes from the data of the scenario's vintage (``years``): the base
  year is the newest 1 January Almaty total (``resolve_base_year``); the calibration windows
  are read from the level shifts of the BNS series, the dates of the age bands and of the
  life expectancies, or placed relative to the base year (``CalibrationYears.for_vintage``).
* **Fertility.** Single-age rates f_x = TFR · pasfr_g / 100 / 5 from the WPP 2022
  Kazakhstan age pattern of the base year's period (pasfr, % of TFR by 5-year group); the
  Almaty TFR level is calibrated so that the model reproduces Almaty's births of the age
  bands' year (2020: 32.3 thousand in January–November, scaled to 12 months), then moved to
  the base year with the national TFR.
* **Mortality.** WPP 2022 Kazakhstan death rates for 2015–2020 (before COVID-19) by
  age and sex, log-linearly interpolated to single ages and scaled by one factor per sex
  so that life expectancy at birth equals Almaty's (BNS: the newest year before the base
  year that no mortality shock depressed); e0 then rises by a gain per year.
* **Migration.** The 2021 census re-based 1 January 2022 about 66 thousand above one year's
  expected growth (the error of closure). It is spread evenly back to the 2009 census
  (intercensal reconciliation, ``population_reconciliation``), and the level is the mean net
  flow of the calendar years from the 2014/15 boundary change to the year before the base year
  from the demographic balance of the reconciled series. The age profile
  is adults (Rogers-Castro labour + constant) plus children moving with their families; the
  children's share is fitted (``fit_child_share``, least squares in tolerance units) to pupil growth (lines 303/2793;
  the model's pupils through the school model's own enrolment, ``enrolment.calibrate`` on the 292 thousand state
  and about 320 thousand pupils of 2022 and ``pupils_by_grade``: ``child_share.school_pupils``), the growth of ages 0-7
  (line 3007), the mean age (226) and the 14-29 count (3536), with a prior on the share aged 0-17 of net migrants
  (``child_share_prior``: the 11.5 % of 2021 arrivals outside working age, line 218, split between children and
  pensioners by the Rogers-Castro fundamental schedule, Rogers & Castro 1981; tolerance half its centre, weight
  ``CHILD_PRIOR_WEIGHT`` = 1). The 14-35 share (3183) is shown, not fitted: its printed pair (37 %, 692 thousand)
  describes 1.87 million people, not 2022's 2.10 million. The report lists each target missed beyond its tolerance, and why.
  The sex split follows the growth of each sex between the boundary change and the census.
* **Base population.** Almaty's age detail is three bands by sex on 1 January 2020. Ages 0-5
  are Almaty's births of the six years before by reverse survival (births × L(x)/l(0), plus the
  migrant stock; births observed or national births at Almaty's share, ``estimates.city_births``),
  the rest of the children's band is split from the same reverse-survived shape. For older ages a prior
  is natives (national births of each birth year times the life-table survival L(x)/l(0), reverse
  survival, continued by the stable shape L(x)·e^(−r(x+0.5)) where births are unknown) plus a 15-year migrant stock with the profile,
  weighted to meet the children's and working-age bands; a penalised composite link
  correction (``smooth_band_split``) then meets all band totals exactly without steps at band
  edges. The estimate is carried forward to the base year with control totals
  (``base_population``): one-year projections, scaled by sex to the BNS totals of every
  census-based 1 January on the way and of the base year. A base year without a published age
  structure (1 January 2023) so takes its ages from the model's one-year projection of the
  newest age-structured year (the census-based 1 January 2022), controlled to its totals by sex.
* **Backtest.** Rolling origins from 2010 to three years before the base year (2010-2019 at
  base year 2022), horizons 1-5, scored to the base year: the cohort model (the single-age
  shape of the age bands scaled to the origin's total, migration from the five years before it,
  migrants of the fit's prior age profile: the fit reads statements of 2022) against naive, drift, log-linear drift,
  damped trend, the Smith-Tayman LINE and EXPO trends on 5- and 10-year bases (Smith, Tayman & Swanson 2013, ch. 8)
  and the combination of the cohort model with the best benchmark, scored against the official and the reconciled
  series. The central path is chosen on it (``backtest.central_method``): the cohort model where nothing beats it,
  else the combination (the mean of the cohort total and the benchmark's, the cohort model's ages and sexes scaled to
  it, ``projection.central_scale``; also where the benchmark alone scores best, since a benchmark has no ages). The
  factor is measured on the calibrated assumptions and applied unchanged to every variant and override
  (``projection.project``), so a changed assumption moves the central path as it moves the cohort model; a path with
  no net migration (zero_migration) takes no factor, since the components book the correction as migrants.
* **Long run.** Past the calibration horizon (``long_run_from``, default 5 years: the backtest horizons) the TFR and
  e0 follow the change WPP 2022 projects for Kazakhstan (medium variant), keeping Almaty's differential to Kazakhstan
  of the join year, and their sds widen as WPP's 80 % probabilistic interval does (``long_run``: the "shift" method
  of the UN's subnational projections, bayesLife ``e0.predict.subnat``), not a straight-line extrapolation.
* **Uncertainty.** Monte Carlo: each trajectory draws a TFR and an e0 deviation (growing
  linearly from zero with the horizon, then as WPP's 80 % band, ``long_run``), a migration level deviation and a base-population
  deviation. The last two are calibrated on the backtest errors: sd of the % error at
  horizon h = sqrt(sd_base² + h²·sd_trend²), so the 80 % interval covers about 80 % of the
  backtest outcomes left out one origin at a time (``coverage_table``); calibrated in real time, on the errors known
  at each origin, it covers far fewer (``real_time_inside``: 57 % of 42 at today's data). Variants low / high shift TFR, e0 and migration by
  ∓/± 1.28 sd along the same paths; the report prints where each lies among the simulations. Past five years
  nothing here tests the interval: the report sets its width beside published ex-post errors of official
  subnational projections at 5 and 10 years (``published_projection_errors``, ``projection.published_error_comparison``).
* **Districts.** The district shares of the base year start from the BNS bulletin of that
  1 January (``bns_population_districts``) where the vintage has it, else from the programme's
  undated district table (``programme_districts``).
"""

from __future__ import annotations

from . import report
from .backtest import (
    BACKTEST_HORIZONS,
    COHORT,
    CohortModel,
    IntervalSd,
    backtest_accuracy,
    backtest_table,
    beaten_by,
    central_method,
    cohort_forecaster,
    interval_sd,
    mean_mape,
    real_time_inside,
    with_calibrated_intervals,
)
from .base import estimate_single_ages, reverse_survival_shape, smooth_band_split, stable_shape
from .calibration import (
    Calibration,
    MigrationFacts,
    base_population,
    calibrate,
    controlled,
    fertility_assumptions,
    life_expectancy_assumptions,
    migration_facts,
    migration_level_sd,
)
from .child_share import (
    CHILD_PRIOR_WEIGHT,
    FIT_EVIDENCE,
    child_share_prior,
    fit_child_share,
    fit_evidence,
    fit_misses,
    fit_statistics,
    migration_fit,
)
from .estimates import (
    CalibrationData,
    band_year_births,
    base_estimate,
    calibrated_tfr,
    calibration_data,
    crude_death_rate,
    demographic_balance,
)
from .inputs import (
    BASE_INPUTS,
    INPUT_TABLES,
    almaty_births,
    almaty_e0,
    births_years,
    bns_series,
    closure_error,
    district_counts,
    e0_year,
    figure,
    observed_total,
    read_inputs,
    reconciled_total,
    sex_totals,
    shift_years,
    wpp_series,
)
from .model import (
    AGES,
    PARAMETER_FIELDS,
    PARAMETER_NAMES,
    PARAMETERS,
    SEX_RATIO_AT_BIRTH,
    SEXES,
    VARIANTS,
    Z80,
    Assumptions,
    Schedules,
    assumption_paths,
    assumptions_from,
    build_schedules,
    calibrated_defaults,
    cohort_step,
    fertility_pattern,
    life_expectancy,
    life_table,
    migration_profile,
    mortality_for,
    net_migration_profile,
    project_arrays,
    rogers_castro,
    run,
    single_age_mortality,
    survival_ratios,
)
from .projection import PERIPHERY, PROGRAMME_TARGET, forecast, results, shared_forecast
from .projection import TABLES as VARIANT_TABLES
from .report import assumptions_table
from .result import AGE_GROUPS, PopulationForecast, ProgrammeTarget, YearTotal, quantiles
from .tables import KEY_FIGURES, coverage_table, district_projection, key_figures_table, round_preserving_sum
from .tables import TABLES as PATH_TABLES
from .validation import MIGRATION_TOLERANCE, validate
from .years import CalibrationYears, base_year_of, control_years, life_expectancy_year, newest_total_year, resolve_base_year

__all__ = [
    "estimate_single_ages",
    "reverse_survival_shape",
    "smooth_band_split",
    "stable_shape",
    "AGES",
    "AGE_GROUPS",
    "Assumptions",
    "BACKTEST_HORIZONS",
    "BASE_INPUTS",
    "COHORT",
    "Calibration",
    "CalibrationData",
    "CalibrationYears",
    "CohortModel",
    "FIT_EVIDENCE",
    "INPUT_TABLES",
    "MIGRATION_TOLERANCE",
    "IntervalSd",
    "KEY_FIGURES",
    "MigrationFacts",
    "PARAMETERS",
    "PARAMETER_FIELDS",
    "PARAMETER_NAMES",
    "PERIPHERY",
    "PROGRAMME_TARGET",
    "PopulationForecast",
    "ProgrammeTarget",
    "SEXES",
    "SEX_RATIO_AT_BIRTH",
    "Schedules",
    "TABLES",
    "VARIANTS",
    "YearTotal",
    "Z80",
    "almaty_births",
    "almaty_e0",
    "assumption_paths",
    "assumptions_from",
    "assumptions_table",
    "backtest_accuracy",
    "backtest_table",
    "band_year_births",
    "base_year_of",
    "base_estimate",
    "base_population",
    "beaten_by",
    "births_years",
    "bns_series",
    "build_schedules",
    "calibrate",
    "calibrated_tfr",
    "calibration_data",
    "calibrated_defaults",
    "control_years",
    "controlled",
    "central_method",
    "closure_error",
    "cohort_forecaster",
    "coverage_table",
    "crude_death_rate",
    "demographic_balance",
    "district_counts",
    "district_projection",
    "e0_year",
    "fertility_assumptions",
    "cohort_step",
    "fertility_pattern",
    "figure",
    "CHILD_PRIOR_WEIGHT",
    "child_share_prior",
    "fit_child_share",
    "fit_evidence",
    "fit_misses",
    "fit_statistics",
    "forecast",
    "interval_sd",
    "key_figures_table",
    "life_expectancy",
    "life_expectancy_assumptions",
    "life_table",
    "life_expectancy_year",
    "mean_mape",
    "migration_facts",
    "migration_fit",
    "migration_level_sd",
    "migration_profile",
    "mortality_for",
    "net_migration_profile",
    "newest_total_year",
    "observed_total",
    "project_arrays",
    "survival_ratios",
    "quantiles",
    "read_inputs",
    "reconciled_total",
    "report",
    "resolve_base_year",
    "results",
    "rogers_castro",
    "round_preserving_sum",
    "run",
    "shared_forecast",
    "sex_totals",
    "shift_years",
    "single_age_mortality",
    "validate",
    "real_time_inside",
    "with_calibrated_intervals",
    "wpp_series",
]

_DECLARED = PATH_TABLES | VARIANT_TABLES
# Tables this model publishes, each declared beside the code that builds it, in the order of the report (export.TABLES composes them).
TABLES = {
    name: _DECLARED[name]
    for name in (
        "population_total", "population_by_age_sex", "population_age_groups", "population_by_district", "population_components", "population_variants",
        "population_backtest", "population_interval_coverage", "population_reconciliation", "population_migration_fit", "population_benchmarks",
        "population_interval_vs_published", KEY_FIGURES,
    )
}
