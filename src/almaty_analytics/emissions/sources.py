"""The vocabulary every emission module shares: the modelled sources, their boundaries, the years and scenarios.

Seven sources: five inside the programme's 2021 city inventory of 127 kt (boundary ``city``) and two outside
the city that the programme's measures count (TPP-3 and the agglomeration houses without gas, boundary
``city_plus``). Emissions are arrays (…, S, T): sources in ``SOURCE_IDS`` order by years. A boundary's total
is the sum over its sources.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BASE_YEAR = 2021  # year of the programme's inventory (001_22452510f78b59ea.txt:4253)
STATIONARY_SEGMENT_START = 2014  # first year of BNS stationary emissions with TPP-2 inside the city (level_shifts.csv)
TARGET_YEAR = 2030  # year of the programme's 78 kt target (heading at line 433, figure at line 443)
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
REGIONS = {"city": "Almaty city", "city_plus": "Almaty city plus TPP-3 and agglomeration houses"}


def cited_lines(citation: str) -> str:
    """'001_x.txt:4253;001_x.txt:4255' -> '4253;4255'."""
    return ";".join(part.rsplit(":", 1)[1] for part in str(citation).split(";") if ":" in part)


def as_column(value) -> np.ndarray:
    """A scalar or an (n,) vector of draws as a column that broadcasts against (…, T)."""
    return np.asarray(value, dtype=float)[..., None]


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

