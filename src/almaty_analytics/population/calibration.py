"""Calibration of the cohort-component model on Almaty data: every default with its derivation, in named steps.

``calibrate`` runs them in order: ``calibration_data`` (``estimates``: the observed series, the growth rate and the
female share of growth of the segment between the boundary change and the census, the census-reconciled
totals); ``migration_fit`` (``child_share``: the child share of net migrants fitted to the evidence, ``fit_statistics``
for each trial share, cached in data/processed); ``base_estimate`` with the fitted profile,
``calibrated_tfr`` and ``demographic_balance`` (``estimates``: the migration level); ``fertility_assumptions`` and
``life_expectancy_assumptions`` (WPP 2022 Kazakhstan); the backtest (``backtest.backtest_table``) and the
interval sds fitted on it; ``migration_facts`` for the report. Every year it uses is a field of
``CalibrationYears``, derived from the data of the vintage and placed relative to the base year (``years``).
``base_population`` carries the single-age estimate forward to the base year with control totals.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .backtest import (
    BACKTEST_HORIZONS,
    CohortModel,
    IntervalSd,
    backtest_accuracy,
    backtest_table,
    central_method,
    cohort_errors,
    interval_sd,
)
from .child_share import PRIOR_CHILD_SHARE, WORKING_AGE_ARRIVALS, migration_fit
from .estimates import (
    CalibrationData,
    band_year_births,
    band_year_mortality,
    base_estimate,
    calibrated_tfr,
    calibration_data,
    demographic_balance,
)
from .inputs import ARRIVALS, almaty_e0, closure_error, e0_year, figure, sex_totals, shift_years, wpp_series
from .model import SEXES, Z80, Assumptions, Schedules, migration_profile, mortality_for, net_migration_profile, project_arrays
from .years import CalibrationYears, control_years, newest_total_year


@dataclass(frozen=True)
class MigrationFacts:
    """Figures the report prints about net migration, with the ceiling the fitted profile must respect."""

    child_share: float  # share of net migrants who are children moving with their families
    share_6_17: float  # share of net migrants aged 6-17
    net_children_0_17_per_year: float  # persons
    arrivals_per_year: float  # gross arrivals (programme, line 216)
    arrivals_not_working_age_per_year: float  # arrivals outside working age (line 218): a ceiling for net child migrants
    closure_error: float  # persons the 2021 census found above the expected growth


@dataclass(frozen=True)
class Calibration:
    """The model's defaults estimated from the data, with everything they were derived from."""

    defaults: Assumptions  # the central assumptions (the scenario defaults are these, rounded)
    base_estimate: np.ndarray  # (2, 101) single-age population on 1 January ``years.age_bands``
    schedules: Schedules  # with the fitted migration profile
    tfr_calibrated: float  # Almaty TFR reproducing the births of ``years.age_bands``
    balance: pd.DataFrame  # year, change, births, deaths, net_migration: the demographic balance behind the migration level
    growth_rate: float  # of the segment, for the stable shape of the oldest ages
    reconciliation: pd.DataFrame  # observed, correction, reconciled by year
    reconciliation_method: str  # linear or off
    migration_fit: pd.DataFrame  # statistic, target, tolerance, source, model
    migration_facts: MigrationFacts
    backtest: pd.DataFrame  # rows of every method and origin, both targets
    interval_sd: IntervalSd  # percent
    central_method: str  # the method with the lowest backtest MAPE (official series)
    years: CalibrationYears


def fertility_assumptions(annual: pd.DataFrame, national_tfr: pd.Series, tfr_calibrated: float, years: CalibrationYears) -> dict:
    """tfr, tfr_change and tfr_sd: the calibrated TFR moved to ``years.base`` and changed as the WPP Kazakhstan medium.

    tfr_sd is the WPP 80 % interval of ``years.uncertainty`` as a relative sd (half width / 1.28 / TFR).
    """
    base, end, ten = years.base, years.tfr_trend_end, years.uncertainty
    tfr = tfr_calibrated * national_tfr[base] / national_tfr[years.age_bands]
    change = tfr * (national_tfr[end] - national_tfr[base]) / (end - base) / national_tfr[base]
    spread = wpp_series(annual, "tfr", "pi80_upper")[ten] - wpp_series(annual, "tfr", "pi80_lower")[ten]
    return {"tfr": float(tfr), "tfr_change": float(change), "tfr_sd": float(spread / (2 * Z80) / national_tfr[ten])}


def life_expectancy_assumptions(annual: pd.DataFrame, life: pd.DataFrame, years: CalibrationYears) -> dict:
    """e0 by sex (BNS ``years.life_expectancy``), its gain per year (WPP medium over ``years.e0_gain``) and its sd
    (WPP 80 % interval of ``years.uncertainty`` / 2.56), both means over the sexes."""
    start, end, ten = *years.e0_gain, years.uncertainty
    gain = np.mean([(wpp_series(annual, f"e0_{s}", "medium")[end] - wpp_series(annual, f"e0_{s}", "medium")[start]) / (end - start) for s in SEXES])
    sd = np.mean(
        [(wpp_series(annual, f"e0_{s}", "pi80_upper")[ten] - wpp_series(annual, f"e0_{s}", "pi80_lower")[ten]) / (2 * Z80) for s in SEXES]
    )
    e0 = almaty_e0(life, years.life_expectancy)
    return {"life_expectancy_male": float(e0[0]), "life_expectancy_female": float(e0[1]), "life_expectancy_gain": float(gain), "life_expectancy_sd": float(sd)}


def migration_level_sd(sd_trend: float, population: float, yearly_change: float, net_migration: float) -> float:
    """Relative sd of the migration level whose error, h·N·sd / P_h, best matches h·sd_trend % at h = 1-5.

    P_h = population + h·yearly_change (the population the backtest errors are relative
    to grows); least squares over the backtest horizons.
    """
    h = np.asarray(BACKTEST_HORIZONS, dtype=float)
    effect = h * net_migration / (population + h * yearly_change)
    return float((effect * h * sd_trend / 100).sum() / (effect**2).sum())


def migration_facts(
    inputs: dict[str, pd.DataFrame], profile: np.ndarray, net_migration: float, child_share: float, closure: float, years: CalibrationYears
) -> MigrationFacts:
    """What the fitted age ``profile`` (101,) of ``net_migration`` migrants a year means, beside the programme's arrivals."""
    arrivals_share = figure(inputs, *WORKING_AGE_ARRIVALS) / 100
    arrivals_per_year = figure(inputs, *ARRIVALS) * 1e3 / (years.arrivals[1] - years.arrivals[0] + 1)
    return MigrationFacts(
        child_share=child_share,
        share_6_17=float(profile[6:18].sum()),
        net_children_0_17_per_year=float(profile[:18].sum() * net_migration),
        arrivals_per_year=arrivals_per_year,
        arrivals_not_working_age_per_year=(1 - arrivals_share) * arrivals_per_year,
        closure_error=closure,
    )


def backtest_model(data: CalibrationData, e0_gain: float) -> CohortModel:
    """The cohort model of the backtest origins, without the migration fit.

    The fit reads the programme's statements of 2022, which no origin knew, so the backtest's net migrants
    follow the fit's prior profile (``PRIOR_CHILD_SHARE``: the Rogers-Castro adult schedule) and its base
    shape and TFR are built with that profile. What it still takes from after its origins (the age bands and
    births of ``years.age_bands``, WPP 2022, the BNS series as compiled in 2022) the report lists.
    """
    schedules = replace(data.schedules, migration_profile_by_age=net_migration_profile(PRIOR_CHILD_SHARE))
    base = base_estimate(data, PRIOR_CHILD_SHARE)
    tfr = calibrated_tfr(schedules, base, band_year_births(data), band_year_mortality(data))
    return CohortModel(schedules, base, tfr, data.years.age_bands, data.national_tfr, data.life, data.female_share, e0_gain)


def calibrate(inputs: dict[str, pd.DataFrame], reconciliation: str = "linear", base_year: int = 0) -> Calibration:
    """Estimate the model's defaults from the data of one vintage (``inputs``) for ``base_year`` (0 = the newest total);
    every value comes with its derivation (the steps above)."""
    years = CalibrationYears.for_vintage(inputs, base_year)
    data = calibration_data(inputs, years, reconciliation)
    fit = migration_fit(inputs, data, reconciliation)
    child_share = float(fit["child_share"].iloc[0])
    schedules = replace(data.schedules, migration_profile_by_age=net_migration_profile(child_share))
    base = base_estimate(data, child_share)
    tfr = calibrated_tfr(schedules, base, band_year_births(data), band_year_mortality(data))
    balance = demographic_balance(data, base)
    net_migration = float(balance["net_migration"].mean())
    fertility = fertility_assumptions(inputs["wpp2022_kazakhstan_annual"], data.national_tfr, tfr, years)
    e0 = life_expectancy_assumptions(inputs["wpp2022_kazakhstan_annual"], data.life, years)
    model = backtest_model(data, e0["life_expectancy_gain"])
    backtest = backtest_table(inputs, model, data.reconciled, list(years.backtest_origins), years.closure, years.base)
    sd = interval_sd(cohort_errors(backtest))
    defaults = Assumptions(
        **fertility,
        **e0,
        net_migration=net_migration,
        migrant_female_share=data.female_share,
        migrant_child_share=child_share,
        migration_sd=migration_level_sd(sd.trend, float(data.total[years.base]), float(balance["change"].mean()), net_migration),
        migration_noise_sd=0.0,  # the calibrated level and base sds already carry the backtest errors
        base_population_sd=float(sd.base / 100),  # backtest error that does not grow with the horizon
    )
    closure = closure_error(data.total, shift_years(inputs), years.closure)
    return Calibration(
        defaults=defaults,
        base_estimate=base,
        schedules=schedules,
        tfr_calibrated=tfr,
        balance=balance,
        growth_rate=data.growth_rate,
        reconciliation=data.reconciled,
        reconciliation_method=reconciliation,
        migration_fit=fit.drop(columns=["child_share", "loss"]),
        migration_facts=migration_facts(inputs, schedules.migration_profile_by_age, net_migration, child_share, closure, years),
        backtest=backtest,
        interval_sd=sd,
        central_method=central_method(backtest_accuracy(backtest)),
        years=years,
    )


def base_population(inputs: dict[str, pd.DataFrame], calibration: Calibration, base_year: int) -> np.ndarray:
    """(2, 101) population on 1 January ``base_year``: the single-age estimate carried forward with control totals.

    A standard carry-forward with control totals: the estimate of the age bands' date is projected one year
    at a time (BNS e0 of each year, or the newest earlier one the vintage has; the calibrated TFR; the
    estimated net migration) and scaled, by sex, to the BNS totals of each 1 January on the newest census's
    basis before ``base_year`` (``years.control_years``) and of ``base_year``. Totals before the census are on the old basis and
    are not controls: the scaling at the census year absorbs the census level shift. So a base year without
    a published age structure (1 January 2023: totals by sex only) takes its ages from the model's one-year
    projection of the newest census-based year, controlled to its observed totals by sex.
    """
    first, last = calibration.years.age_bands, newest_total_year(inputs)
    if not first <= base_year <= last:
        raise ValueError(
            f"base_year {base_year}: single-age estimates exist for {first}-{last} (age bands of 1 January {first}, BNS totals to {last})"
        )
    population = calibration.base_estimate
    schedules, defaults = calibration.schedules, calibration.defaults
    controls = control_years(calibration.years, base_year)
    for year in range(first, base_year):
        step = project_arrays(
            population[None],
            (calibration.tfr_calibrated * schedules.fertility_pattern)[None, None],
            mortality_for(schedules, almaty_e0(inputs["bns_life_expectancy"], e0_year(inputs["bns_life_expectancy"], year)))[None, None],
            np.array([[defaults.net_migration]]),
            migration_profile(schedules, defaults.migrant_female_share),
        )
        population = step["population"][0, 1]
        if year + 1 in controls:
            population = controlled(population, sex_totals(inputs, year + 1))
    return controlled(population, sex_totals(inputs, base_year))


def controlled(population: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """``population`` (2, 101) scaled, by sex, to the control ``totals`` (2,)."""
    return population * (totals / population.sum(axis=1))[:, None]
