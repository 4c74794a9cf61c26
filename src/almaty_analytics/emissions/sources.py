"""The vocabulary every emission module shares: the modelled sources, their boundaries, the years and scenarios.

Seven sources: five inside the programme's 2021 city inventory of 127 kt (boundary ``city``) and two outside
the city that the programme's measures count (TPP-3 and the agglomeration houses without gas, boundary
``city_plus``). Emissions are arrays (…, S, T): sources in ``SOURCE_IDS`` order by years. A boundary's total
is the sum over its sources. The years come from the data: the target year from the programme's target row
(``target_year``), the first year of BNS stationary emissions with TPP-2 inside the city from the series's
boundary shift (``tpp2_inside_from``); the inventory year is ``inventory.inventory_year``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

TARGET_FIGURE = "target_total_2030"  # programme_emissions.csv: the 78 kt target, its ref_year the target year (lines 433, 443)
STATIONARY_SERIES = "bns_stationary_emissions"  # the BNS series of the city's stationary sources (level_shifts.series)
EMISSION_SCENARIOS = ("baseline", "programme", "delayed")
BOUNDARIES = ("city", "city_plus")


class EmissionsError(ValueError):
    """An emission parameter or input is not acceptable."""


@dataclass(frozen=True)
class Source:
    boundary: str  # city (inside the 127 inventory) or city_plus (outside the city, counted by the measures)
    driver: str  # vehicles, chp, gas_houses, solid_houses, other or constant
    label: str
    iamc: str  # IAMC variable below "Emissions|Air pollutants"


SOURCES: dict[str, Source] = {
    "transport": Source("city", "vehicles", "road transport", "Transport|Road"),
    "tpp2": Source("city", "chp", "TPP-2 (coal CHP in the city)", "Energy|TPP-2"),
    "stationary_other": Source("city", "other", "other stationary (industry, boiler houses)", "Industry and other stationary"),
    "housing_gasified": Source("city", "gas_houses", "private houses on gas", "Residential|Gasified houses"),
    "housing_solid_fuel": Source("city", "solid_houses", "private houses and dachas on solid fuel", "Residential|Solid-fuel houses"),
    "tpp3": Source("city_plus", "chp", "TPP-3 (coal CHP outside the city)", "Energy|TPP-3"),
    "agglomeration_houses": Source("city_plus", "constant", "agglomeration houses without gas", "Residential|Agglomeration houses"),
}
SOURCE_IDS = tuple(SOURCES)
STATIONARY_SOURCES = ("tpp2", "stationary_other")  # the city's stationary sources: what BNS form OOS counts
REGIONS = {"city": "Almaty city", "city_plus": "Almaty city plus TPP-3 and agglomeration houses"}


def cited_lines(citation: str) -> str:
    """'001_x.txt:4253;001_x.txt:4255' -> '4253;4255'."""
    return ";".join(part.rsplit(":", 1)[1] for part in str(citation).split(";") if ":" in part)


def as_column(value) -> np.ndarray:
    """A scalar or an (n,) vector of draws as a column that broadcasts against (…, T)."""
    return np.asarray(value, dtype=float)[..., None]


def target_year(programme: pd.DataFrame) -> int:
    """Year of the programme's emission target: the ``ref_year`` of its target row (2030, heading at line 433)."""
    rows = programme[programme["figure_id"] == TARGET_FIGURE]
    if len(rows) != 1 or pd.isna(rows["ref_year"].iloc[0]):
        raise EmissionsError(f"programme_emissions: expected one row {TARGET_FIGURE!r} with a ref_year (the target year), found {len(rows)}")
    return int(rows["ref_year"].iloc[0])


def tpp2_inside_from(shifts: pd.DataFrame) -> int:
    """First year of BNS stationary emissions with TPP-2 inside the city: the year after the series's first
    ``boundary`` shift (level_shifts.csv: 2014, after the 2012-2014 boundary changes)."""
    rows = shifts[(shifts["series"] == STATIONARY_SERIES) & (shifts["kind"] == "boundary")]
    if rows.empty:
        raise EmissionsError(f"level_shifts: no boundary shift of {STATIONARY_SERIES!r}; expected the one that brought TPP-2 inside the city")
    return int(rows["first_year_after"].min())


def year_column(years: np.ndarray, year: int) -> int:
    """Position of ``year`` in the forecast's ``years``."""
    return int(np.searchsorted(years, year))


def boundary_sources(boundary: str) -> list[str]:
    """Sources inside a boundary: city = the 127 inventory; city_plus = city + TPP-3 + agglomeration houses."""
    if boundary not in BOUNDARIES:
        raise EmissionsError(f"unknown boundary {boundary!r}; expected one of {list(BOUNDARIES)}")
    return [s for s in SOURCE_IDS if boundary == "city_plus" or SOURCES[s].boundary == "city"]


def boundary_total(paths: np.ndarray, boundary: str) -> np.ndarray:
    """Total (…, T) over the sources of ``boundary`` from emissions (…, S, T)."""
    return paths[..., [SOURCE_IDS.index(s) for s in boundary_sources(boundary)], :].sum(axis=-2)

