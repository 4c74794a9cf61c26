"""The central emission trajectories in the IAMC wide format (model, scenario, region, variable, unit, years).

Aggregate masses are ``Emissions|Air pollutants|<sector>|<source>``; where split (TPP-2), pollutants are
``Emissions|<pollutant>|Energy|TPP-2`` with the IAMC species names. ``pyam.IamDataFrame`` reads the CSV as
it is: ``export.write_table`` turns ``emission_scenario`` into the IAMC ``scenario`` column.
"""

from __future__ import annotations

import pandas as pd

from ..tablespec import TableSpec
from .sources import REGIONS, SOURCES

IAMC_POLLUTANT = {"TSP": "TSP", "SOx": "Sulfur", "NOx": "NOx", "CO": "CO", "NMVOC": "VOC"}  # IAMC species names


def iamc_table(by_source: pd.DataFrame, pollutants: pd.DataFrame | None = None, model: str = "almaty-analytics") -> pd.DataFrame:
    """Central trajectories in the IAMC wide format: model, emission_scenario, region, variable, unit, <years>.

    Aggregate masses are ``Emissions|Air pollutants|<source>``; where split, pollutants are
    ``Emissions|<pollutant>|Energy|TPP-2`` (city region; SOx as SO2). ``export.write_table``
    turns ``emission_scenario`` into the IAMC ``scenario`` column as ``<project scenario>|<emission scenario>``.
    """
    frame = by_source.copy()
    frame["variable"] = frame["source"].map(
        lambda s: "Emissions|Air pollutants" if s == "total" else f"Emissions|Air pollutants|{SOURCES[s].iamc}"
    )
    frame["region"] = frame["boundary"].map(REGIONS)
    frame = frame[["emission_scenario", "region", "variable", "year", "emissions_kt"]]
    if pollutants is not None:
        split = pollutants.groupby(["emission_scenario", "pollutant", "year"], sort=False)["emissions_kt"].sum().reset_index()
        split["variable"] = "Emissions|" + split["pollutant"].map(IAMC_POLLUTANT) + "|Energy|TPP-2"
        split["region"] = REGIONS["city"]
        frame = pd.concat([frame, split[frame.columns]], ignore_index=True)
    wide = frame.pivot_table(
        index=["emission_scenario", "region", "variable"], columns="year", values="emissions_kt", sort=False
    ).reset_index()
    wide.columns = [str(c) for c in wide.columns]
    wide.insert(0, "model", model)
    wide.insert(4, "unit", "kt/yr")
    return wide


TABLES: dict[str, TableSpec] = {
    "emissions_iamc": TableSpec(
        "Emission trajectories (central) in the IAMC wide format; pyam.IamDataFrame reads the CSV as it is",
        {
            "model": ("", "almaty-analytics"),
            "emission_scenario": (
                "",
                "written as the IAMC `scenario` column: '<project scenario>|<emission scenario>', e.g. default|programme",
            ),
            "region": ("", "Almaty city (boundary city) or Almaty city plus TPP-3 and agglomeration houses (city_plus)"),
            "variable": (
                "",
                "Emissions|Air pollutants[|sector|source] (all pollutants together) or, where split, Emissions|<pollutant>|Energy|TPP-2 (TSP, Sulfur = SO2, NOx, CO, VOC)",
            ),
            "unit": ("", "kt/yr (thousand tonnes a year)"),
        },
        "emissions_by_source (central paths); one column per year follows",
        year_columns=True,
        scenario_into="emission_scenario",
    ),
}
