"""Plausibility of the raw data, checked with every validation, before any kernel starts (``io.validate_all``).

Three kinds of check, each raising one ``DataError`` that names the file, the rows and what was expected:

* **No file cut short.** Every CSV ends with a line end: a file whose last line has none was cut during a copy
  or download, and its last value may look whole (``2161`` for ``2161797``).
* **Parts add up.** Males and females add up to the total of the same year, area and release (BNS publishes
  them exactly); the districts' totals add up to the city's 1 January total of the same year within
  ``DISTRICT_TOLERANCE`` (the district bulletin and the city table may be different releases).
* **No implausible step.** Between neighbouring years of one series (``STEP_BOUNDS``), inside a level-shift
  segment, the change stays within a bound set at about twice the largest step the BNS series show inside
  their segments up to March 2024 (population 3.8%, stationary emissions 18.7% in 2009, schools 5.7%, life
  expectancy 5.5 years in the 2022 rebound after COVID-19). A real break is accepted by adding its row to
  ``data/raw/level_shifts.csv`` (series, last year before, first year after, kind, reason, source).

Every release is checked: the table as known at each of its release dates (``io.as_of``), so a revision that
breaks a series is caught even when a later release mends it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .datapackage import RELEASE, DataError, Resource


@dataclass(frozen=True)
class StepBound:
    value: str  # the column of the figure
    by: tuple[str, ...]  # the columns that name one series
    year: str  # the column of the year
    bound: float  # largest change between neighbouring years: a share of the earlier value, or years when ``absolute``
    absolute: bool = False


STEP_BOUNDS: dict[str, StepBound] = {
    "bns_population_1jan": StepBound("persons", ("area", "sex"), "year", 0.08),
    "bns_population_districts": StepBound("persons", ("district", "sex"), "year", 0.15),  # districts gain from building: wider
    "bns_stationary_emissions": StepBound("emissions_kt", ("area",), "year", 0.40),
    "bns_schools": StepBound("schools", ("area",), "start_year", 0.15),
    "bns_life_expectancy": StepBound("life_expectancy_years", ("area", "sex"), "year", 8.0, absolute=True),
}
SEX_PARTS = {"bns_population_1jan": ("year", "area"), "bns_population_districts": ("year", "district")}
DISTRICT_TOLERANCE = 0.005  # districts' sum against the city total of the same year


def check_file_end(path: Path) -> None:
    """A CSV must end with a line end; otherwise its last line was cut short."""
    with open(path, "rb") as handle:
        handle.seek(0, 2)
        if handle.tell() == 0:
            return
        handle.seek(-1, 2)
        if handle.read(1) not in (b"\n", b"\r"):
            raise DataError(f"{path}: the last line has no line end: the file looks cut short; expected every row to end with a new line")


def release_views(frame: pd.DataFrame, resource: Resource, as_of) -> list[tuple[str, pd.DataFrame]]:
    """The table as known at each of its release dates (one view when it is not dated)."""
    if RELEASE not in frame.columns:
        return [("", frame)]
    return [(date, as_of(frame, resource, date)) for date in sorted(frame[RELEASE].unique())]


def check_sex_parts(name: str, view: pd.DataFrame, path: Path, release: str) -> None:
    """Males plus females equal the total, per year and area (or district)."""
    keys = list(SEX_PARTS[name])
    wide = view.pivot_table(index=keys, columns="sex", values="persons", aggfunc="first")
    if not {"male", "female", "total"} <= set(wide.columns):
        return
    wide = wide.dropna(subset=["male", "female", "total"])
    off = wide[wide["male"] + wide["female"] != wide["total"]]
    if not off.empty:
        key, row = off.index[0], off.iloc[0]
        raise DataError(
            f"{path}: {_named(keys, key)}{_seen(release)}: male {row['male']:,.0f} + "
            f"female {row['female']:,.0f} = {row['male'] + row['female']:,.0f}, not the total {row['total']:,.0f}; expected the parts to add up"
        )


def check_districts(districts: pd.DataFrame, city: pd.DataFrame, path: Path, release: str) -> None:
    """The districts' totals add up to the city's 1 January total of the same year, within DISTRICT_TOLERANCE."""
    sums = districts[districts["sex"] == "total"].groupby("year")["persons"].sum()
    totals = city[(city["area"] == "almaty") & (city["sex"] == "total")].set_index("year")["persons"]
    for year, parts in sums.items():
        if year in totals.index and abs(parts / totals[year] - 1) > DISTRICT_TOLERANCE:
            raise DataError(
                f"{path}: 1 January {year}{_seen(release)}: the districts add up to {parts:,.0f}, the city total is {totals[year]:,.0f} "
                f"({parts / totals[year] - 1:+.1%}); expected them to agree within {DISTRICT_TOLERANCE:.1%}"
            )


def shift_steps(shifts: pd.DataFrame, series: str) -> set[tuple[int, int]]:
    """The (last year before, first year after) pairs of a series' level shifts: steps that are breaks, not changes."""
    rows = shifts[shifts["series"] == series]
    return set(zip(rows["last_year_before"].astype(int), rows["first_year_after"].astype(int), strict=True))


def check_steps(name: str, view: pd.DataFrame, breaks: set[tuple[int, int]], path: Path, release: str) -> None:
    """No change between neighbouring years beyond the series' bound, except across a level shift."""
    rule = STEP_BOUNDS[name]
    for key, series in view.sort_values(rule.year).groupby(list(rule.by), sort=True):
        years, values = series[rule.year].astype(int).tolist(), series[rule.value].astype(float).tolist()
        for (y0, v0), (y1, v1) in zip(zip(years, values, strict=True), zip(years[1:], values[1:], strict=True), strict=False):
            if y1 != y0 + 1 or (y0, y1) in breaks or (not rule.absolute and v0 == 0):
                continue
            change = v1 - v0 if rule.absolute else v1 / v0 - 1
            if abs(change) > rule.bound:
                shown = f"{change:+.2f} years" if rule.absolute else f"{change:+.1%}"
                limit = f"±{rule.bound:g} years" if rule.absolute else f"±{rule.bound:.0%}"
                raise DataError(
                    f"{path}: {_named(rule.by, key)}{_seen(release)}: {rule.value} goes from {v0:,g} in {y0} to {v1:,g} in {y1} "
                    f"({shown}), beyond the plausible {limit} a year; expected a smaller step, or, if it is a real break, its row in "
                    f"data/raw/level_shifts.csv (series {name}, last_year_before {y0}, first_year_after {y1})"
                )


def _named(columns, key) -> dict:
    """A series' key as plain values by column, for messages ({'year': 2023, 'area': 'almaty'})."""
    values = key if isinstance(key, tuple) else (key,)
    return {c: v.item() if hasattr(v, "item") else v for c, v in zip(columns, values, strict=True)}


def _seen(release: str) -> str:
    return f" (as known on {release})" if release else ""
