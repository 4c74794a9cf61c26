"""The emission trajectories (median of the Monte Carlo, and as scheduled) in the IAMC wide format (model, scenario, region, variable, unit, years).

Aggregate masses are ``Emissions|Air pollutants|<sector>|<source>``; where split (TPP-2), pollutants are
``Emissions|<pollutant>|Energy|TPP-2`` with the IAMC species names. ``pyam.IamDataFrame`` reads the CSV as
it is: ``export.write_table`` turns ``emission_scenario`` into the IAMC ``scenario`` column.
"""

from __future__ import annotations

import pandas as pd

from ..tablespec import TableSpec
from .sources import REGIONS, SOURCES

IAMC_POLLUTANT = {"TSP": "TSP", "SOx": "Sulfur", "NOx": "NOx", "CO": "CO", "NMVOC": "VOC"}  # IAMC species names


AS_SCHEDULED = "_as_scheduled"  # suffix of the named scenarios that carry the as-scheduled paths (programme_as_scheduled, ...)
SCHEDULED_SCENARIOS = ("programme", "delayed")  # the emission scenarios with measures, whose as-scheduled path is exported


def _long(frame: pd.DataFrame, value: str, suffix: str = "") -> pd.DataFrame:
    return frame.assign(emission_scenario=frame["emission_scenario"] + suffix, value=frame[value])


def iamc_table(by_source: pd.DataFrame, pollutants: pd.DataFrame | None = None, model: str = "almaty-analytics") -> pd.DataFrame:
    """Trajectories in the IAMC wide format: model, emission_scenario, region, variable, unit, <years>.

    The scenarios ``baseline``, ``programme`` and ``delayed`` carry the median of the Monte Carlo trajectories, the
    central figure of every table; ``programme_as_scheduled`` and ``delayed_as_scheduled`` carry the as-scheduled paths
    (every measure on time and complete, no delivery risk). Aggregate masses are ``Emissions|Air pollutants|<source>``;
    where split, pollutants are ``Emissions|<pollutant>|Energy|TPP-2`` (city region; SOx as SO2). ``export.write_table``
    turns ``emission_scenario`` into the IAMC ``scenario`` column as ``<project scenario>|<emission scenario>``.
    """
    frame = by_source.copy()
    frame["variable"] = frame["source"].map(
        lambda s: "Emissions|Air pollutants" if s == "total" else f"Emissions|Air pollutants|{SOURCES[s].iamc}"
    )
    frame["region"] = frame["boundary"].map(REGIONS)
    scheduled = frame[frame["emission_scenario"].isin(SCHEDULED_SCENARIOS)]
    parts = [_long(frame, "median_kt"), _long(scheduled, "scheduled_kt", AS_SCHEDULED)]
    if pollutants is not None:
        split = pollutants.groupby(["emission_scenario", "pollutant", "year"], sort=False)[["median_kt", "scheduled_kt"]].sum().reset_index()
        split["variable"] = "Emissions|" + split["pollutant"].map(IAMC_POLLUTANT) + "|Energy|TPP-2"
        split["region"] = REGIONS["city"]
        parts += [_long(split, "median_kt"), _long(split[split["emission_scenario"].isin(SCHEDULED_SCENARIOS)], "scheduled_kt", AS_SCHEDULED)]
    long = pd.concat([p[["emission_scenario", "region", "variable", "year", "value"]] for p in parts], ignore_index=True)
    wide = long.pivot_table(index=["emission_scenario", "region", "variable"], columns="year", values="value", sort=False).reset_index()
    wide.columns = [str(c) for c in wide.columns]
    wide.insert(0, "model", model)
    wide.insert(4, "unit", "kt/yr")
    return wide


TABLES: dict[str, TableSpec] = {
    "emissions_iamc": TableSpec(
        "Emission trajectories in the IAMC wide format (median of the trajectories; *_as_scheduled: as scheduled); pyam.IamDataFrame reads the CSV as it is",
        {
            "model": ("", "almaty-analytics"),
            "emission_scenario": (
                "",
                "written as the IAMC `scenario` column: '<project scenario>|<emission scenario>', e.g. default|programme (median) or default|programme_as_scheduled",
            ),
            "region": ("", "Almaty city (boundary city) or Almaty city plus TPP-3 and agglomeration houses (city_plus)"),
            "variable": (
                "",
                "Emissions|Air pollutants[|sector|source] (all pollutants together) or, where split, Emissions|<pollutant>|Energy|TPP-2 (TSP, Sulfur = SO2, NOx, CO, VOC)",
            ),
            "unit": ("", "kt/yr (thousand tonnes a year)"),
        },
        "emissions_by_source (median_kt; scheduled_kt for *_as_scheduled) and emissions_pollutants; one column per year follows",
        year_columns=True,
        scenario_into="emission_scenario",
    ),
}
