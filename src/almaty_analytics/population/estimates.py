"""The calibration's observed series and first estimates: ``calibration_data`` (the series of one vintage, the growth rate
and the female share of growth of the segment between the boundary change and the census, the census-reconciled totals),
``base_estimate`` (single ages on 1 January of the age bands with a migrant stock of a given profile), ``calibrated_tfr``
(the TFR reproducing Almaty's births of the age bands' year), the births and deaths of the demographic balance and
``demographic_balance`` itself (the net migration of each year as the residual of the reconciled series). The migration
fit (``child_share``) and ``calibrate`` (``calibration``) build on them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import io
from .base import estimate_single_ages
from .inputs import (
    almaty_births,
    almaty_e0,
    births_years,
    bns_series,
    observed_total,
    reconciled_total,
    sex_totals,
    wpp_estimate_then_medium,
    wpp_series,
)
from .model import Schedules, build_schedules, mortality_for, net_migration_profile, survival_ratios
from .years import CalibrationYears


@dataclass(frozen=True)
class CalibrationData:
    """The observed series the calibration steps read (``calibration_data``)."""

    years: CalibrationYears
    schedules: Schedules  # WPP shapes; migration profile not yet fitted
    total: pd.Series  # BNS Almaty total on 1 January
    reconciled: pd.DataFrame  # observed, correction, reconciled by year (reconciled_total)
    national_births: pd.Series  # WPP Kazakhstan births by year (estimates, then medium), persons
    national_deaths: pd.Series  # WPP Kazakhstan deaths by year (estimates, then medium), persons
    births: pd.Series  # Almaty births by year where the vintage has them (dated statements), persons
    national_total: pd.Series  # BNS Kazakhstan population on 1 January
    national_tfr: pd.Series  # WPP Kazakhstan TFR (estimate, then medium)
    life: pd.DataFrame  # BNS life expectancy
    bands: pd.DataFrame  # BNS Almaty age bands on 1 January ``years.age_bands``
    closure_by_sex: np.ndarray  # (2,) BNS Almaty by sex on 1 January ``years.closure``
    growth_rate: float  # mean yearly growth rate of the segment
    female_share: float  # women's share of the segment's growth



def calibration_data(inputs: dict[str, pd.DataFrame], years: CalibrationYears, reconciliation: str = "linear") -> CalibrationData:
    """The series the calibration reads, with the segment's growth rate and women's share of its growth."""
    bns, annual = inputs["bns_population_1jan"], inputs["wpp2022_kazakhstan_annual"]
    total = observed_total(inputs)
    first, last = years.segment
    segment = total.loc[first:last]
    female = bns_series(bns, "almaty", "female")
    return CalibrationData(
        years=years,
        schedules=build_schedules(inputs["wpp2022_kazakhstan_age_schedules"], years.base),
        total=total,
        reconciled=reconciled_total(inputs, reconciliation, years.earlier_census, years.closure),
        national_births=wpp_estimate_then_medium(annual, "births_thousands") * 1000,
        national_deaths=wpp_estimate_then_medium(annual, "deaths_thousands") * 1000,
        births=pd.Series({y: almaty_births(inputs["dated_statements"], y) for y in births_years(inputs["dated_statements"])}, dtype=float),
        national_total=bns_series(bns, "kazakhstan", "total"),
        national_tfr=wpp_series(annual, "tfr", "estimate").combine_first(wpp_series(annual, "tfr", "medium")),
        life=inputs["bns_life_expectancy"],
        bands=inputs["bns_population_age_bands"].query("year == @years.age_bands"),
        closure_by_sex=sex_totals(inputs, years.closure),
        growth_rate=float(segment.diff().mean() / segment.mean()),
        female_share=float((female[last] - female[first]) / (total[last] - total[first])),
    )


def base_estimate(data: CalibrationData, child_share: float) -> np.ndarray:
    """(2, 101) single ages on 1 January ``years.age_bands`` with a migrant stock of the profile of ``child_share``."""
    mortality = mortality_for(data.schedules, almaty_e0(data.life, data.years.life_expectancy))
    profile = net_migration_profile(child_share)
    on_year = data.years.age_bands
    children = int(data.bands.loc[data.bands["age_min"] == 0, "age_max"].max())  # the children's band: ages 0 to this
    births = city_births(data, np.arange(on_year - 1 - children, on_year))
    return estimate_single_ages(data.bands, data.national_births, mortality, data.growth_rate, profile, on_year, births=births)


def calibrated_tfr(schedules: Schedules, base: np.ndarray, births: float, mortality: np.ndarray) -> float:
    """The TFR at which the women of ``base`` (2, 101) give ``births`` in a year at death rates ``mortality`` (2, 101):
    births / Σ pattern_x·(W_x at the start + W_x at the end of the year) / 2, the exposure of ``cohort_step``."""
    survival, _ = survival_ratios(mortality[1])
    women_end = np.concatenate([[0.0], base[1, :-1] * survival[:-1]])
    women_end[-1] += base[1, -1] * survival[-1]
    return births / float(schedules.fertility_pattern @ ((base[1] + women_end) / 2))


def crude_death_rate(base: np.ndarray, mortality: np.ndarray) -> float:
    """Deaths per person in a year of ``base`` (2, 101) at death rates ``mortality`` (2, 101): Σ P·(1 − S) / Σ P (``survival_ratios``)."""
    return float((base * (1 - survival_ratios(mortality)[0])).sum() / base.sum())


def band_year_mortality(data: CalibrationData) -> np.ndarray:
    """(2, 101) death rates of Almaty in the calendar year of the age bands (its BNS e0)."""
    return mortality_for(data.schedules, almaty_e0(data.life, data.years.age_bands))


def band_year_births(data: CalibrationData) -> float:
    """Almaty's births in the calendar year of the age bands (the dated statements): the TFR is calibrated on them."""
    if data.years.age_bands not in data.births.index:
        raise io.DataError(f"dated_statements.csv: no Almaty births of {data.years.age_bands} (the age bands' year) in this vintage")
    return float(data.births[data.years.age_bands])


def city_births(data: CalibrationData, calendar: np.ndarray) -> pd.Series:
    """Almaty's births of the ``calendar`` years: observed where the vintage has them, else national births at
    Almaty's share of the age bands' year (``band_year_births``)."""
    share = band_year_births(data) / data.national_births[data.years.age_bands]
    estimated = pd.Series(share * data.national_births.reindex(calendar).to_numpy(), index=calendar)
    return data.births.reindex(calendar).fillna(estimated)


def demographic_balance(data: CalibrationData, base: np.ndarray) -> pd.DataFrame:
    """Net migration of each calendar year ``years.balance``: change of the reconciled series − (births − deaths).

    Births are Almaty's where the vintage has them, else national births at Almaty's share in
    ``years.age_bands`` (``band_year_births``); deaths follow Almaty's modelled crude death rate of that
    year on ``base``, moved with the national one (WPP estimates, then the medium projection).
    """
    years = data.years
    calendar = np.arange(years.balance[0], years.balance[1] + 1)
    rec = data.reconciled["reconciled"]
    births = city_births(data, calendar).to_numpy()
    rate = crude_death_rate(base, band_year_mortality(data))
    national_rate = data.national_deaths / data.national_total
    deaths = rate * rec.loc[calendar].to_numpy() * national_rate.loc[calendar].to_numpy() / national_rate[years.age_bands]
    change = rec.loc[calendar + 1].to_numpy() - rec.loc[calendar].to_numpy()
    return pd.DataFrame({"year": calendar, "change": change, "births": births, "deaths": deaths, "net_migration": change - (births - deaths)})
