"""Cohort-component projection of Almaty's population by single year of age (0-100+) and sex.

Method (the UN / national-statistics standard, one-year steps, population on 1 January):

* **Step.** Deaths among the population at the start of the year are P·(1 − e^(−m_x));
  survivors move up one year of age (100+ is open). Births are Σ f_x·W_x over women
  at the start of the year, split by the sex ratio at birth; newborns are exposed to half a
  year of infant mortality. Net migrants, spread by an age–sex profile, are added at the
  end of the year. So every year P(t+1) − P(t) = births − deaths + net migration exactly.
* **Fertility.** Single-age rates f_x = TFR · pasfr_g / 100 / 5 from the WPP 2022
  Kazakhstan age pattern (pasfr, % of TFR by 5-year group); the Almaty TFR level is
  calibrated so that the model reproduces Almaty's 2020 births (32.3 thousand in
  January–November, scaled to 12 months; 8.3 % of national births).
* **Mortality.** WPP 2022 Kazakhstan death rates for 2015–2020 (before COVID-19) by
  age and sex, log-linearly interpolated to single ages and scaled by one factor per sex
  so that life expectancy at birth equals Almaty's (BNS); e0 then rises by a gain per year.
* **Migration.** The 2021 census re-based 1 January 2022 about 66 thousand above one year's
  expected growth (the error of closure). It is spread evenly over 2009-2021 (intercensal
  reconciliation, ``population_reconciliation``), and the level is the mean net flow of the
  calendar years 2015-2021 from the demographic balance of the reconciled series. The age profile
  is adults (Rogers-Castro labour + constant) plus children moving with their families; the
  children's share is fitted (``fit_child_share``) to the growth of ages 6-17 (pupil growth,
  lines 303/2793), of ages 0-7 (line 3007), the mean age (226) and the 14-35 / 14-29 counts
  (3183, 3536). Line 218's 88.5 % working-age share is for arrivals, a ceiling, not a target.
  The sex split follows the growth of each sex 2015-2021.
* **Base population.** Almaty's age detail is three bands by sex on 1 January 2020. A prior
  is natives (national births of each birth year times survival, continued by the stable
  shape l(x)·e^(−r x) where births are unknown) plus a 15-year migrant stock with the profile,
  weighted to meet the children's and working-age bands; a penalised composite link
  correction (``smooth_band_split``) then meets all band totals exactly without steps at band
  edges. The estimate is projected to the base year and scaled, by sex, to the BNS totals.
* **Backtest.** Rolling origins 2010-2019, horizons 1-5: the cohort model (2020 age shape
  scaled to the origin's total, migration from the five years before it) against naive,
  drift, log-linear drift, damped trend and a combination, scored against the official and
  the reconciled series; the method with the lowest MAPE is the central path.
* **Uncertainty.** Monte Carlo: each trajectory draws a TFR and an e0 deviation (growing
  linearly from zero with the horizon), a migration level deviation and a base-population
  deviation. The last two are calibrated on the backtest errors: sd of the % error at
  horizon h = sqrt(sd_base² + h²·sd_trend²), so the 80 % interval covers about 80 % of the
  backtest outcomes (``coverage_table``). Variants low / high shift TFR, e0 and migration by
  ∓/± 1.28 sd along the same paths; the report prints where each lies among the simulations.
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
    with_calibrated_intervals,
)
from .base import estimate_single_ages, reverse_survival_shape, smooth_band_split, stable_shape
from .calibration import (
    BIRTHS_2020,
    FIT_EVIDENCE,
    YEARS,
    Calibration,
    CalibrationData,
    CalibrationYears,
    MigrationFacts,
    base_estimate,
    base_population,
    calibrate,
    calibrated_tfr,
    calibration_data,
    crude_death_rate,
    demographic_balance,
    fertility_assumptions,
    fit_child_share,
    fit_evidence,
    fit_statistics,
    life_expectancy_assumptions,
    migration_facts,
    migration_fit,
    migration_level_sd,
)
from .inputs import (
    BASE_INPUTS,
    INPUT_TABLES,
    almaty_e0,
    bns_series,
    closure_error,
    figure,
    observed_total,
    read_inputs,
    reconciled_total,
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
    fertility_pattern,
    life_expectancy,
    migration_profile,
    mortality_for,
    net_migration_profile,
    project_arrays,
    rogers_castro,
    run,
    single_age_mortality,
)
from .projection import (
    AGE_GROUPS,
    KEY_FIGURES,
    PERIPHERY,
    PROGRAMME_TARGET,
    TABLES,
    PopulationForecast,
    ProgrammeTarget,
    YearTotal,
    coverage_table,
    district_projection,
    forecast,
    key_figures_table,
    quantiles,
    results,
    round_preserving_sum,
    shared_forecast,
)
from .report import assumptions_table

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
    "BIRTHS_2020",
    "COHORT",
    "Calibration",
    "CalibrationData",
    "CalibrationYears",
    "CohortModel",
    "FIT_EVIDENCE",
    "INPUT_TABLES",
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
    "YEARS",
    "YearTotal",
    "Z80",
    "almaty_e0",
    "assumption_paths",
    "assumptions_from",
    "assumptions_table",
    "backtest_accuracy",
    "backtest_table",
    "base_estimate",
    "base_population",
    "beaten_by",
    "bns_series",
    "build_schedules",
    "calibrate",
    "calibrated_tfr",
    "calibration_data",
    "central_method",
    "closure_error",
    "cohort_forecaster",
    "coverage_table",
    "crude_death_rate",
    "demographic_balance",
    "district_projection",
    "fertility_assumptions",
    "fertility_pattern",
    "figure",
    "fit_child_share",
    "fit_evidence",
    "fit_statistics",
    "forecast",
    "interval_sd",
    "key_figures_table",
    "life_expectancy",
    "life_expectancy_assumptions",
    "mean_mape",
    "migration_facts",
    "migration_fit",
    "migration_level_sd",
    "migration_profile",
    "mortality_for",
    "net_migration_profile",
    "observed_total",
    "project_arrays",
    "quantiles",
    "read_inputs",
    "reconciled_total",
    "report",
    "results",
    "rogers_castro",
    "round_preserving_sum",
    "run",
    "shared_forecast",
    "shift_years",
    "single_age_mortality",
    "with_calibrated_intervals",
    "wpp_series",
]
