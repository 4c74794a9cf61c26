"""The raw tables the population model reads, and the series it takes from them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import evaluation, history, io

BASE_INPUTS = (  # the tables the single-age base estimate is built from
    "bns_population_1jan",
    "bns_population_age_bands",
    "bns_life_expectancy",
    "wpp2022_kazakhstan_annual",
    "wpp2022_kazakhstan_age_schedules",
    "level_shifts",
    "programme_population",
    "programme_schools",
    "dated_statements",
)
INPUT_TABLES = BASE_INPUTS + ("bns_population_districts", "programme_districts", "published_projection_errors")
SHIFTED_SERIES = "bns_population_1jan"  # the level_shifts rows of the population series
ARRIVALS = ("programme_population", "migration_arrivals_2012_2021")  # thousand arrivals over CalibrationYears.arrivals, line 216
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def read_inputs(vintage: str) -> dict[str, pd.DataFrame]:
    """The raw tables the population model uses, validated, as of a scenario's ``vintage`` ('' = the newest data)."""
    return io.read_tables(INPUT_TABLES, vintage)


def wpp_series(annual: pd.DataFrame, indicator: str, variant: str) -> pd.Series:
    """One WPP 2022 Kazakhstan indicator of one variant (estimate, medium, pi80_lower ...) by year."""
    rows = annual[(annual["indicator"] == indicator) & (annual["variant"] == variant)]
    return rows.set_index("year")["value"].astype(float)


def wpp_estimate_then_medium(annual: pd.DataFrame, indicator: str) -> pd.Series:
    """A WPP 2022 Kazakhstan indicator by year: the estimates (to 2021), then the medium projection."""
    return wpp_series(annual, indicator, "estimate").combine_first(wpp_series(annual, indicator, "medium"))


def bns_series(population: pd.DataFrame, area: str, sex: str) -> pd.Series:
    """BNS population on 1 January of an area (almaty, kazakhstan) and sex (male, female, total) by year."""
    rows = population[(population["area"] == area) & (population["sex"] == sex)]
    return rows.set_index("year")["persons"].astype(float)


def almaty_e0(life: pd.DataFrame, year: int) -> np.ndarray:
    """BNS life expectancy at birth in Almaty in ``year``: (male, female)."""
    rows = life[(life["area"] == "almaty") & (life["year"] == year)].set_index("sex")["life_expectancy_years"]
    return np.array([rows["male"], rows["female"]], dtype=float)


def e0_year(life: pd.DataFrame, year: int) -> int:
    """``year`` if the vintage has Almaty's e0 of both sexes for it, else the newest earlier year that has (the fallback)."""
    rows = life[(life["area"] == "almaty") & life["sex"].isin(["male", "female"]) & (life["year"] <= year)]
    complete = [int(y) for y, g in rows.groupby("year") if g["sex"].nunique() == 2]
    if not complete:
        raise io.DataError(f"bns_life_expectancy.csv: no Almaty e0 of both sexes up to {year} in this vintage")
    return max(complete)


def sex_totals(inputs: dict[str, pd.DataFrame], year: int) -> np.ndarray:
    """(2,) BNS Almaty population (male, female) on 1 January ``year``."""
    bns = inputs["bns_population_1jan"]
    return np.array([bns_series(bns, "almaty", sex)[year] for sex in ("male", "female")])


def almaty_births(statements: pd.DataFrame, year: int) -> float:
    """Almaty's live births in ``year`` from the dated statements: ``births_YYYY``, or ``births_jan_MON_YYYY`` scaled to 12 months."""
    rows = statements[statements["topic"] == "population"].set_index("indicator")["value"].astype(float)
    if f"births_{year}" in rows.index:
        return float(rows[f"births_{year}"])
    for months, month in enumerate(MONTHS, start=1):
        if f"births_jan_{month}_{year}" in rows.index:
            return float(rows[f"births_jan_{month}_{year}"] * 12 / months)
    raise io.DataError(f"dated_statements.csv: no Almaty births of {year} in this vintage; expected indicator births_{year} or births_jan_MON_{year}")


def births_years(statements: pd.DataFrame) -> list[int]:
    """The years with Almaty births (full-year or part-year) in the dated statements, oldest first."""
    indicators = statements.loc[statements["topic"] == "population", "indicator"]
    found = indicators.str.extract(r"^births_(?:jan_[a-z]{3}_)?(\d{4})$")[0].dropna()
    return sorted({int(y) for y in found})


def district_counts(inputs: dict[str, pd.DataFrame], year: int) -> tuple[pd.Series, str]:
    """District populations the district shares start from, and their table: the BNS bulletin of 1 January ``year``
    (bns_population_districts) when the vintage has it, else the programme's undated table (programme_districts)."""
    programme = inputs["programme_districts"].set_index("district")["population_persons"].astype(float)
    bulletin = inputs["bns_population_districts"]
    rows = bulletin[(bulletin["year"] == year) & (bulletin["sex"] == "total")]
    if rows.empty:
        return programme, "programme_districts"
    return rows.set_index("district")["persons"].astype(float).reindex(programme.index), "bns_population_districts"  # the programme's order


def figure(inputs: dict[str, pd.DataFrame], table: str, figure_id: str) -> float:
    """A programme figure (``programme_*`` table) by its id."""
    return float(inputs[table].set_index("figure_id").loc[figure_id, "value"])


def observed_total(inputs: dict[str, pd.DataFrame]) -> pd.Series:
    """BNS population of Almaty on 1 January, by year (with its level shifts)."""
    return bns_series(inputs["bns_population_1jan"], "almaty", "total")


def population_shifts(inputs: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The level shifts of the BNS population series (rows of level_shifts)."""
    shifts = inputs["level_shifts"]
    return shifts[shifts["series"] == SHIFTED_SERIES]


def shift_years(inputs: dict[str, pd.DataFrame]) -> list[int]:
    """First years after each level shift of the BNS population series."""
    return sorted(int(y) for y in population_shifts(inputs)["first_year_after"])


def closure_error(total: pd.Series, shift_years: list[int], closure_year: int) -> float:
    """Error of closure at the census: the census jump of 1 January ``closure_year`` over the expected change.

    The expected change is the mean within-segment change of the three years before
    (``evaluation.adjust_level_shifts``); the census itself (1 October 2021, results
    published after mid-2022) is known to this model only through the re-based BNS value of 2022.
    """
    known = total.loc[:closure_year]
    return float(evaluation.adjust_level_shifts(known, [s for s in shift_years if s <= closure_year])["jump"][closure_year])


def reconciled_total(inputs: dict[str, pd.DataFrame], method: str, earlier_census: int, closure_year: int) -> pd.DataFrame:
    """BNS totals with the census's error of closure spread back to ``earlier_census`` (history.reconcile_intercensal)."""
    total = observed_total(inputs)
    error = closure_error(total, shift_years(inputs), closure_year)
    return history.reconcile_intercensal(total, earlier_census, closure_year, error, method)
