"""The 2021 inventory: what each modelled source emitted in the inventory year (kt), and that year (``inventory_year``).

The programme's city inventory (001_22452510f78b59ea.txt:4253-4255) prints transport 70, stationary 46 of
which TPP-2 36, private houses on gas 10.3 and on solid fuel 0.867. BNS (form OOS, stationary sources,
``bns_stationary_emissions``) prints 40.8 kt for Almaty in 2021, TPP-2 included; the programme's 46 is the
BNS figure of 2019 (46.1). ``reconciliation`` puts the two side by side by source for the inventory year and
says which one the baseline starts from and why (``stationary_inventory_basis``, default ``bns``): transport,
TPP-2 and private houses are the programme's (BNS has no mobile sources, no plant split, and its survey of
enterprises' stationary sources does not cover households); the stationary total is BNS's, the official
statistic of the year, so "other stationary" is 40.8 − 36 = 4.8 (with ``programme``: the unprinted remainder
46 − 36 = 10). The stationary backtest and its level error are calibrated on the BNS series, so with ``bns``
they apply to the level they were calibrated on. BNS's 2022 figure follows the survey scope of 2022
(category IV objects left out under the new Environmental Code, ``level_shifts``): a documented break of
definition, listed in the reconciliation, never read as a fall in emissions. TPP-3 (12.2 kt, line 4263) lies outside the city. The agglomeration houses without gas
have no printed base: it is the parameter ``agglomeration_houses_base_kt``, whose default
(``agglomeration_base_from_data``) is what gasifying all of them removes plus what they still emit on gas
at the city's rate per gasified house. Every printed value, used or not, is a row of
``data/raw/programme_emission_inventory.csv``; the ``used`` column marks the one the model takes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..params import Param
from ..tablespec import TableSpec
from .sources import SOURCES, STATIONARY_SERIES, EmissionsError, cited_lines


def used_row(table: pd.DataFrame, source_id: str) -> pd.Series:
    """The one row of the inventory marked ``used`` for ``source_id``."""
    rows = table[(table["source_id"] == source_id) & table["used"].astype(bool)]
    if len(rows) != 1:
        raise EmissionsError(f"programme_emission_inventory: expected one used row for {source_id!r}, found {len(rows)}")
    return rows.iloc[0]


def kilotonnes(row: pd.Series) -> float:
    """An inventory row's value in kt (rows in t/yr are divided by 1000)."""
    return float(row["value"]) / 1000 if row["unit"] == "t/yr" else float(row["value"])


def inventory(table: pd.DataFrame, agglomeration_base_kt: float, stationary_total_kt: float | None = None) -> pd.DataFrame:
    """Inventory-year emissions of every modelled source (kt): ``source, boundary, emissions_kt, basis, source_line``.

    ``stationary_total_kt`` is the stationary total other stationary is the remainder of (BNS: ``bns_stationary_total``);
    None takes the programme's printed 46."""
    if agglomeration_base_kt < 0:
        raise EmissionsError(f"parameter 'agglomeration_houses_base_kt': {agglomeration_base_kt} is negative; expected kt >= 0")
    rows = {sid: used_row(table, sid) for sid in ("transport", "stationary", "tpp2", "housing_gasified", "housing_solid_fuel", "tpp3")}
    tpp2 = kilotonnes(rows["tpp2"])
    if stationary_total_kt is None:
        other = (kilotonnes(rows["stationary"]) - tpp2, "derived: programme stationary - TPP-2", rows["stationary"]["source"])
    else:
        other = (stationary_total_kt - tpp2, "derived: BNS stationary - TPP-2 (programme)", f"{STATIONARY_SERIES}.csv;{rows['tpp2']['source']}")
    if other[0] < 0:
        raise EmissionsError(f"{STATIONARY_SERIES}: the stationary total {stationary_total_kt} is below TPP-2's {tpp2}; expected the total to include TPP-2")
    values = {
        "transport": (kilotonnes(rows["transport"]), "printed", rows["transport"]["source"]),
        "tpp2": (tpp2, "printed (36 of the 46 stationary)", rows["tpp2"]["source"]),
        "stationary_other": other,
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


def chp_share(levels: pd.Series) -> float:
    """TPP-2's share of the stationary level in the inventory year (``levels``: ``inventory``'s emissions_kt by source):
    tpp2 / (tpp2 + stationary_other), the CHP share of the driver method (36 / 40.8 with the BNS total)."""
    return float(levels["tpp2"] / (levels["tpp2"] + levels["stationary_other"]))


BASES = ("bns", "programme")  # where the inventory's stationary total comes from (parameter stationary_inventory_basis)


def bns_stationary_total(bns: pd.DataFrame, year: int) -> float:
    """BNS's stationary emissions of Almaty in ``year`` (kt, TPP-2 included); raises EmissionsError if the vintage lacks it."""
    rows = bns[(bns["area"] == "almaty") & (bns["year"] == year)]
    if len(rows) != 1:
        raise EmissionsError(f"{STATIONARY_SERIES}: expected one row for almaty in {year}, the inventory year, found {len(rows)}")
    return float(rows["emissions_kt"].iloc[0])


def stationary_total(params: dict, table: pd.DataFrame, bns: pd.DataFrame) -> float | None:
    """The stationary total the inventory starts from: BNS's of the inventory year (``bns``) or None, the programme's 46."""
    basis = params["stationary_inventory_basis"]
    if basis not in BASES:
        raise EmissionsError(f"parameter 'stationary_inventory_basis': unknown value {basis!r}; expected one of {list(BASES)}")
    return bns_stationary_total(bns, inventory_year(table)) if basis == "bns" else None


def reconciliation(table: pd.DataFrame, bns: pd.DataFrame, shifts: pd.DataFrame, basis: str) -> pd.DataFrame:
    """The programme's inventory and BNS side by side by source in the inventory year, with the value the baseline uses
    (``basis``: bns or programme for the stationary total) and why; then BNS's newer years, those after a change of
    survey scope marked as a break of definition (``level_shifts``). Used values add up to ``total``."""
    year = inventory_year(table)
    bns_total = bns_stationary_total(bns, year)
    programme = inventory(table, 0.0).set_index("source")["emissions_kt"]
    used = inventory(table, 0.0, bns_total if basis == "bns" else None).set_index("source")["emissions_kt"]
    almaty = bns[bns["area"] == "almaty"].set_index("year")["emissions_kt"]
    stationary = programme["tpp2"] + programme["stationary_other"]
    nearest = int((almaty - stationary).abs().idxmin())
    stationary_other_reason = (
        f"BNS, the official statistic of {year}: its {bns_total:g} includes TPP-2, so other stationary is the remainder; the "
        f"programme's {stationary:g} is nearest BNS's {nearest} figure ({almaty[nearest]:g}); the backtest and level error are "
        "calibrated on the BNS series"
        if basis == "bns"
        else "programme (parameter stationary_inventory_basis = programme): its unprinted remainder 46 - 36"
    )
    rows = [
        ("transport", programme["transport"], np.nan, used["transport"], "programme", "BNS form OOS counts stationary sources only"),
        ("tpp2", programme["tpp2"], np.nan, used["tpp2"], "programme", "BNS prints no plant split; 36 is the programme's plant figure that its measures act on (line 4317)"),
        ("stationary_other", programme["stationary_other"], bns_total - used["tpp2"], used["stationary_other"], basis, stationary_other_reason),
        ("stationary_total", programme["tpp2"] + programme["stationary_other"], bns_total, used["tpp2"] + used["stationary_other"], basis,
         "TPP-2 + other stationary"),
        ("housing_gasified", programme["housing_gasified"], np.nan, used["housing_gasified"], "programme",
         "households are not enterprises with emission permits, which the BNS survey covers (assumption)"),
        ("housing_solid_fuel", programme["housing_solid_fuel"], np.nan, used["housing_solid_fuel"], "programme", "as houses on gas"),
    ]
    city = [r for r in rows if r[0] != "stationary_total"]
    rows.append(("total", sum(r[1] for r in city), np.nan, sum(r[3] for r in city), "", "sum of the sources (printed: about 127)"))
    out = pd.DataFrame(rows, columns=["source", "programme_kt", "bns_kt", "used_kt", "used_from", "reason"]).assign(year=year, note="")
    scope = shifts[(shifts["series"] == STATIONARY_SERIES) & (shifts["kind"] == "scope")]
    later = bns[(bns["area"] == "almaty") & (bns["year"] > year)].sort_values("year")
    for row in later.itertuples(index=False):
        breaks = scope[(scope["first_year_after"] <= row.year) & (scope["last_year_before"] >= year)]
        note = f"after a change of survey scope ({'; '.join(breaks['reason'])}): a break of definition, not a fall in emissions" if len(breaks) else ""
        out.loc[len(out)] = {"source": "stationary_total", "programme_kt": np.nan, "bns_kt": float(row.emissions_kt), "used_kt": np.nan,
                             "used_from": "", "reason": "BNS, a later year (not used for the base)", "year": int(row.year), "note": note}
    out[["programme_kt", "bns_kt", "used_kt"]] = out[["programme_kt", "bns_kt", "used_kt"]].astype(float).round(4)
    return out[["year", "source", "programme_kt", "bns_kt", "used_kt", "used_from", "reason", "note"]]


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
    "stationary_inventory_basis": Param(
        str,
        "where the inventory's stationary total comes from: bns (BNS form OOS, 40.8 kt in 2021 with TPP-2 inside, so other stationary "
        "= 40.8 - 36) or programme (its printed 46, BNS's 2019 figure, so other stationary = 10); see emissions_inventory_reconciliation",
        "bns",
        choices=BASES,
    ),
    "agglomeration_houses_base_kt": Param(
        float,
        "2021 emissions of the 82 thousand agglomeration houses without gas (not printed): the 15.6 kt their gasification removes plus 82 thousand x 10.3 kt / 134 thousand on gas",
        21.9,
        min=0.0,
        max=200.0,
    ),
}


TABLES: dict[str, TableSpec] = {
    "emissions_inventory_reconciliation": TableSpec(
        "The programme's 2021 inventory and BNS side by side by source: the value the baseline starts from and why; BNS's later years with their breaks",
        {
            "year": ("year", "the inventory year (2021) or a later BNS year"),
            "source": ("", "emission source, stationary_total (TPP-2 + other stationary) or total (the city's sources)"),
            "programme_kt": ("thousand t/yr", "the programme's inventory (001_22452510f78b59ea.txt:4253-4255); other stationary = 46 - 36"),
            "bns_kt": ("thousand t/yr", "BNS form OOS, stationary sources of Almaty (other stationary = BNS total - TPP-2); empty: BNS does not count the source"),
            "used_kt": ("thousand t/yr", "the value the baseline starts from"),
            "used_from": ("", "programme or bns"),
            "reason": ("", "why that value"),
            "note": ("", "a break of definition in BNS's series (change of survey scope), if any"),
        },
        "emissions/inventory.py: data/raw/programme_emission_inventory.csv, bns_stationary_emissions.csv, level_shifts.csv",
    ),
}
