"""The 2021 inventory: what each modelled source emitted in the inventory year (kt), and that year (``inventory_year``).

The programme's city inventory (001_22452510f78b59ea.txt:4253-4255) prints transport 70, stationary 46 of
which TPP-2 36, private houses on gas 10.3 and on solid fuel 0.867; "other stationary" is the unprinted
remainder 46 − 36. TPP-3 (12.2 kt, line 4263) lies outside the city. The agglomeration houses without gas
have no printed base: it is the parameter ``agglomeration_houses_base_kt``, whose default
(``agglomeration_base_from_data``) is what gasifying all of them removes plus what they still emit on gas
at the city's rate per gasified house. Every printed value, used or not, is a row of
``data/raw/programme_emission_inventory.csv``; the ``used`` column marks the one the model takes.
"""

from __future__ import annotations

import pandas as pd

from ..params import Param
from .sources import SOURCES, EmissionsError, cited_lines


def used_row(table: pd.DataFrame, source_id: str) -> pd.Series:
    """The one row of the inventory marked ``used`` for ``source_id``."""
    rows = table[(table["source_id"] == source_id) & table["used"].astype(bool)]
    if len(rows) != 1:
        raise EmissionsError(f"programme_emission_inventory: expected one used row for {source_id!r}, found {len(rows)}")
    return rows.iloc[0]


def kilotonnes(row: pd.Series) -> float:
    """An inventory row's value in kt (rows in t/yr are divided by 1000)."""
    return float(row["value"]) / 1000 if row["unit"] == "t/yr" else float(row["value"])


def inventory(table: pd.DataFrame, agglomeration_base_kt: float) -> pd.DataFrame:
    """2021 emissions of every modelled source (kt): ``source, boundary, emissions_kt, basis, source_line``."""
    if agglomeration_base_kt < 0:
        raise EmissionsError(f"parameter 'agglomeration_houses_base_kt': {agglomeration_base_kt} is negative; expected kt >= 0")
    rows = {sid: used_row(table, sid) for sid in ("transport", "stationary", "tpp2", "housing_gasified", "housing_solid_fuel", "tpp3")}
    values = {
        "transport": (kilotonnes(rows["transport"]), "printed", rows["transport"]["source"]),
        "tpp2": (kilotonnes(rows["tpp2"]), "printed (36 of the 46 stationary)", rows["tpp2"]["source"]),
        "stationary_other": (
            kilotonnes(rows["stationary"]) - kilotonnes(rows["tpp2"]),
            "derived: stationary - TPP-2",
            rows["stationary"]["source"],
        ),
        "housing_gasified": (kilotonnes(rows["housing_gasified"]), "printed", rows["housing_gasified"]["source"]),
        "housing_solid_fuel": (kilotonnes(rows["housing_solid_fuel"]), "printed (867 t)", rows["housing_solid_fuel"]["source"]),
        "tpp3": (kilotonnes(rows["tpp3"]), "printed (outside the city)", rows["tpp3"]["source"]),
        "agglomeration_houses": (agglomeration_base_kt, "assumed: parameter agglomeration_houses_base_kt", "4269;4329 (no base printed)"),
    }
    return pd.DataFrame(
        [
            {"source": s, "boundary": SOURCES[s].boundary, "emissions_kt": v, "basis": basis, "source_line": cited_lines(line) or line}
            for s, (v, basis, line) in values.items()
        ]
    )


def inventory_year(table: pd.DataFrame) -> int:
    """Year of the programme's inventory, the emission paths' first year: the year of its used total row (2021, line 4253)."""
    year = used_row(table, "total")["year"]
    if pd.isna(year):
        raise EmissionsError("programme_emission_inventory: the used 'total' row has no year; expected the inventory's year")
    return int(year)


def printed_total(table: pd.DataFrame) -> float:
    """The city total as printed in the inventory (about 127 kt)."""
    return kilotonnes(used_row(table, "total"))


def agglomeration_base_from_data(measures: pd.DataFrame, inventory_table: pd.DataFrame, programme: pd.DataFrame) -> float:
    """Default base of the agglomeration houses: what gasifying all of them removes plus what they still emit on gas.

    = Σ agglomeration measures (8 + 7.6) + 82 thousand houses × (10.3 kt / 134 thousand gasified city houses).
    """
    figures = programme.set_index("figure_id")["value"]
    removed = measures.loc[measures["source_id"] == "agglomeration_houses", "reduction_kt"].sum()
    per_house = kilotonnes(used_row(inventory_table, "housing_gasified")) / float(figures["houses_gasified"])
    return float(removed + float(figures["agglomeration_houses_not_gasified"]) * per_house)


PARAMETERS: dict[str, Param] = {
    "agglomeration_houses_base_kt": Param(
        float,
        "2021 emissions of the 82 thousand agglomeration houses without gas (not printed): the 15.6 kt their gasification removes plus 82 thousand x 10.3 kt / 134 thousand on gas",
        21.9,
        min=0.0,
        max=200.0,
    ),
}
