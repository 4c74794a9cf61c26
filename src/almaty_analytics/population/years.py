"""The years the population model uses, derived from the data of a vintage: the base year and the calibration windows.

The base year is the newest 1 January Almaty total the vintage holds (``base_year_of``); every window of the
calibration is read from the data (the level shifts of the BNS series, the dates of the age bands and of the life
expectancies) or placed relative to the base year (``CalibrationYears.for_vintage``). No year is written here but
``EARLIER_CENSUS``, a fact about the series' history that no later release changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from .. import io
from ..params import ParameterError
from .inputs import ARRIVALS, SHIFTED_SERIES, observed_total

EARLIER_CENSUS = 2009  # the BNS series before the 2021 census is based on the census of 25 February 2009 (1 January 2009)
TREND_END = 13  # years after the base year where the TFR trend and the e0 gain are read from WPP (2035 at base 2022)
E0_GAIN_YEARS = 5  # the e0 gain per year is WPP's over the last five of those years
UNCERTAINTY_AHEAD = 10  # WPP 80 % intervals of TFR and e0 are read this many years after the base year
SCORED_HORIZONS = 3  # the last backtest origin is this many years before the base year: every origin has 3 or more outcomes
MORTALITY_SHOCK = 1.0  # years: e0 this far below the best of the SHOCK_WINDOW years before it is a mortality shock (COVID-19)
SHOCK_WINDOW = 5
PERIOD = re.compile(r"_(\d{4})_(\d{4})$")  # the years a programme figure covers, from its indicator name
YEAR_TABLES = ("bns_population_1jan", "bns_population_age_bands", "level_shifts")  # what the base year is read from


def newest_total_year(inputs: dict[str, pd.DataFrame]) -> int:
    """The newest 1 January with a BNS Almaty total (bns_population_1jan)."""
    years = observed_total(inputs).index
    if years.empty:
        raise io.DataError("bns_population_1jan.csv: no Almaty total in this vintage; expected rows with area almaty, sex total")
    return int(years.max())


def estimate_year(inputs: dict[str, pd.DataFrame]) -> int:
    """1 January of the single-age estimate: the newest BNS age bands on or before the newest census year (the migration
    fit projects the estimate from it to the census year)."""
    closure = int(level_shift(inputs, "census")["first_year_after"])
    bands = sorted(int(y) for y in inputs["bns_population_age_bands"]["year"].unique() if y <= closure)
    if not bands:
        raise io.DataError(f"bns_population_age_bands.csv: no age bands on or before the census year {closure} in this vintage")
    return bands[-1]


def base_year_of(inputs: dict[str, pd.DataFrame], requested: int = 0) -> int:
    """The base year: ``requested``, or the newest 1 January total of the vintage when ``requested`` is 0.

    A requested year must have a single-age estimate: from the age bands' date (``estimate_year``) to the newest total.
    """
    newest = newest_total_year(inputs)
    if not requested:
        return newest
    first = estimate_year(inputs)
    if not first <= requested <= newest:
        raise ParameterError(
            f"parameter 'base_year': {requested} is outside the years this vintage can start from; expected 0 (the newest 1 January) "
            f"or {first} (the age bands, bns_population_age_bands.csv) to {newest} (the newest total, bns_population_1jan.csv)"
        )
    return requested


def resolve_base_year(requested: int, vintage: str) -> int:
    """The base year of a scenario: ``base_year_of`` applied to the raw tables as of its ``vintage``."""
    return base_year_of(io.read_tables(YEAR_TABLES, vintage), requested)


def level_shift(inputs: dict[str, pd.DataFrame], kind: str) -> pd.Series:
    """The newest level shift of the BNS population series of ``kind`` (boundary, census): a row of level_shifts."""
    shifts = inputs["level_shifts"]
    rows = shifts[(shifts["series"] == SHIFTED_SERIES) & (shifts["kind"] == kind)]
    if rows.empty:
        raise io.DataError(f"level_shifts.csv: no {kind} shift of {SHIFTED_SERIES}; expected one (the calibration windows start or end there)")
    return rows.sort_values("first_year_after").iloc[-1]


def shocked(life: pd.DataFrame, year: int) -> bool:
    """Whether Almaty's e0 of ``year`` is depressed by a mortality shock: MORTALITY_SHOCK below the best of the
    SHOCK_WINDOW years before it, for either sex (COVID-19: 2020 and 2021)."""
    rows = life[life["area"] == "almaty"].pivot_table(index="year", columns="sex", values="life_expectancy_years")
    before = rows.loc[year - SHOCK_WINDOW : year - 1, ["male", "female"]]
    return bool((rows.loc[year, ["male", "female"]] < before.max() - MORTALITY_SHOCK).any())


def life_expectancy_year(life: pd.DataFrame, before: int) -> int:
    """The newest year before ``before`` with Almaty's e0 of both sexes that is not depressed by a mortality shock."""
    rows = life[(life["area"] == "almaty") & life["sex"].isin(["male", "female"])]
    years = sorted((int(y) for y, g in rows.groupby("year") if g["sex"].nunique() == 2 and y < before), reverse=True)
    for year in years:
        if not shocked(life, year):
            return year
    raise io.DataError(f"bns_life_expectancy.csv: no Almaty e0 of both sexes before {before} outside a mortality shock")


def programme_period(figures: pd.DataFrame, figure_id: str) -> tuple[int, int]:
    """The first and last year a programme figure covers, from its indicator name (``..._2012_2021``)."""
    indicator = str(figures.set_index("figure_id").loc[figure_id, "indicator"])
    match = PERIOD.search(indicator)
    if not match:
        raise io.DataError(f"programme_population.csv: figure {figure_id!r} names no period; expected an indicator ending _YYYY_YYYY")
    return int(match[1]), int(match[2])


@dataclass(frozen=True)
class CalibrationYears:
    """Every year the calibration uses, named in one place and derived from the vintage (``for_vintage``)."""

    segment: tuple[int, int]  # between the boundary change and the census: growth rate, female share
    balance: tuple[int, int]  # calendar years whose demographic balance sets the default migration level: the segment's start to base-1
    earlier_census: int  # 1 January of the census the running BNS series is based on (EARLIER_CENSUS)
    closure: int  # first 1 January re-based on the newest census (the error of closure)
    age_bands: int  # 1 January of the BNS age bands; births, TFR and death rate of this calendar year calibrate the model
    life_expectancy: int  # newest BNS e0 before the base year outside a mortality shock: the base estimate's mortality and the default e0
    base: int  # the base year: the TFR is moved to it (WPP ratio); the migration sd is relative to its population
    tfr_trend_end: int  # TFR change per year: WPP medium from ``base`` to this year
    e0_gain: tuple[int, int]  # e0 gain per year: WPP medium over these years
    uncertainty: int  # WPP 80% intervals of TFR and e0 this year (UNCERTAINTY_AHEAD years after ``base``)
    arrivals: tuple[int, int]  # the years the programme's arrivals figure covers
    backtest_origins: tuple[int, ...]  # after the earlier census to SCORED_HORIZONS years before the base year

    @classmethod
    def for_vintage(cls, inputs: dict[str, pd.DataFrame], base_year: int = 0) -> CalibrationYears:
        """The years of the calibration on ``inputs`` (the raw tables of one vintage) for ``base_year`` (0 = the newest total).

        The segment runs from the newest boundary change to the year before the newest census; the age bands are the newest
        on or before the census year (the migration fit projects them to it); the e0 year is ``life_expectancy_year``; the
        WPP years and the backtest origins are placed relative to the base year.
        """
        base = base_year_of(inputs, base_year)
        boundary, census = level_shift(inputs, "boundary"), level_shift(inputs, "census")
        start = int(boundary["first_year_after"])
        trend_end = base + TREND_END
        return cls(
            segment=(start, int(census["last_year_before"])),
            balance=(start, base - 1),
            earlier_census=EARLIER_CENSUS,
            closure=int(census["first_year_after"]),
            age_bands=estimate_year(inputs),
            life_expectancy=life_expectancy_year(inputs["bns_life_expectancy"], base),
            base=base,
            tfr_trend_end=trend_end,
            e0_gain=(trend_end - E0_GAIN_YEARS, trend_end),
            uncertainty=base + UNCERTAINTY_AHEAD,
            arrivals=programme_period(inputs[ARRIVALS[0]], ARRIVALS[1]),
            backtest_origins=tuple(range(EARLIER_CENSUS + 1, base - SCORED_HORIZONS + 1)),
        )


def control_years(years: CalibrationYears, base_year: int) -> list[int]:
    """The 1 January totals by sex the carry-forward to ``base_year`` is controlled to on its way: those on the newest
    census's basis before ``base_year`` (earlier totals are on the old basis, which the census corrected)."""
    return [y for y in range(years.age_bands + 1, base_year) if y >= years.closure]

