"""What a forecast takes from the data of its vintage, and each fallback where a series is older than the base year."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .calibration import Calibration
from .inputs import births_years, e0_year, wpp_series
from .years import control_years


@dataclass(frozen=True)
class DataUsed:
    """The years of the series behind one forecast; the report states each one older than the base year."""

    base_year: int  # the newest 1 January total of the vintage, or the scenario's earlier base year
    age_bands: int  # 1 January of the newest age detail (BNS bands) the single-age estimate is built on
    controls: tuple[int, ...]  # census-based 1 January totals by sex the carry-forward is controlled to, then the base year
    step_e0: tuple[tuple[int, int], ...]  # (calendar year, e0 year used) of carry-forward steps without their own BNS e0
    life_expectancy: int  # the BNS e0 year of the base year's default e0
    shock_years: tuple[int, ...]  # years after it, before the base year, skipped as depressed by a mortality shock
    births: int  # the calendar year of the births the TFR is calibrated on
    births_observed: tuple[int, ...]  # balance years with Almaty's observed births (others: the national share)
    balance: tuple[int, int]  # calendar years of the demographic balance behind the migration level
    wpp_projected: tuple[int, ...]  # balance years whose national births and deaths are WPP's medium projection
    district_source: str  # bns_population_districts (the bulletin of the base year) or programme_districts
    district_total: float  # persons in the districts of that table


def data_used(inputs: dict[str, pd.DataFrame], calibration: Calibration, districts: tuple[pd.Series, str]) -> DataUsed:
    """The ``DataUsed`` of a forecast on ``inputs`` (one vintage's raw tables) with ``calibration`` and ``districts``
    (``inputs.district_counts``)."""
    years = calibration.years
    life = inputs["bns_life_expectancy"]
    steps = [(y, e0_year(life, y)) for y in range(years.age_bands, years.base)]
    balance = range(years.balance[0], years.balance[1] + 1)
    estimated = wpp_series(inputs["wpp2022_kazakhstan_annual"], "deaths_thousands", "estimate").index
    return DataUsed(
        base_year=years.base,
        age_bands=years.age_bands,
        controls=(*control_years(years, years.base), years.base),
        step_e0=tuple((y, used) for y, used in steps if used != y),
        life_expectancy=years.life_expectancy,
        shock_years=tuple(y for y in range(years.life_expectancy + 1, years.base) if e0_year(life, y) == y),
        births=years.age_bands,
        births_observed=tuple(y for y in births_years(inputs["dated_statements"]) if y in balance),
        balance=years.balance,
        wpp_projected=tuple(y for y in balance if y > estimated.max()),
        district_source=districts[1],
        district_total=float(districts[0].sum()),
    )
