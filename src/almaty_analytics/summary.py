"""Key figures of a run, read back from the published tables of each scenario, to compare scenarios.

Method: nothing is recomputed. For one scenario folder (``reports/<scenario>/``) the figures come from
the tables its notebooks published: population on 1 January 2030 and at the horizon with the 80%
interval (``population_total``), the state-school seat deficit of 2025/26 and 2030/31 under the current
regime with its 80% interval and chance of a shortage (``school_seats``), and city emissions in 2030
for the scenario's emission case against the 78 kt target (``emissions_target_gap``). A table that is
missing (its notebook has not run or failed) gives empty figures and says which table, never an error.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

POPULATION_YEAR = 2030
SCHOOL_YEARS = ("2025/26", "2030/31")
EMISSION_YEAR = 2030
COLUMNS = [
    "scenario",
    "population_2030",
    "population_horizon",
    "deficit_2025_26",
    "deficit_2030_31",
    "emissions_2030",
    "missing",
]


def _read(tables: Path, name: str, missing: list[str]) -> pd.DataFrame | None:
    path = tables / f"{name}.csv"
    if not path.exists():
        missing.append(name)
        return None
    return pd.read_csv(path, encoding="utf-8-sig")


def _interval(value: float, lo: float, hi: float, scale: float, digits: int, unit: str) -> str:
    return f"{value / scale:,.{digits}f} ({lo / scale:,.{digits}f}–{hi / scale:,.{digits}f}) {unit}"


def key_figures(scenario_dir: Path) -> dict[str, str]:
    """The key figures of one scenario's published tables, as display text (empty where a table is missing)."""
    tables, missing = scenario_dir / "tables", []
    out = {"scenario": scenario_dir.name} | {c: "" for c in COLUMNS[1:]}
    population = _read(tables, "population_total", missing)
    if population is not None:
        by_year = population.set_index("year")
        for column, year in (("population_2030", POPULATION_YEAR), ("population_horizon", int(by_year.index.max()))):
            if year in by_year.index:
                row = by_year.loc[year]
                out[column] = f"{year}: " + _interval(row["value"], row["lo_80"], row["hi_80"], 1e6, 3, "M")
    seats = _read(tables, "school_seats", missing)
    if seats is not None:
        current = seats[seats["regime"] == "current"].set_index("school_year")
        for column, year in zip(("deficit_2025_26", "deficit_2030_31"), SCHOOL_YEARS, strict=True):
            if year in current.index:
                row = current.loc[year]
                text = _interval(row["deficit"], row["deficit_lo_80"], row["deficit_hi_80"], 1e3, 1, "thousand seats")
                out[column] = f"{text}; P(shortage) {row['p_deficit_over_0']:.0%}"
    gap = _read(tables, "emissions_target_gap", missing)
    if gap is not None:
        case = _emission_case(scenario_dir)
        rows = gap[(gap["emission_scenario"] == case) & (gap["boundary"] == "city") & (gap["year"] == EMISSION_YEAR)]
        if not rows.empty:
            row = rows.iloc[0]
            text = _interval(row["median_kt"], row["lo_80"], row["hi_80"], 1, 1, "kt")
            out["emissions_2030"] = f"{case}: {text}; P(≤ {row['target_kt']:g} kt) {row['share_meeting_target']:.0%}"
    out["missing"] = ", ".join(missing)
    return out


def _emission_case(scenario_dir: Path) -> str:
    """The emission case the scenario reports (its ``emission_scenario`` parameter; programme when unknown)."""
    try:
        manifest = json.loads((scenario_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return "programme"
    return str(manifest.get("parameters", {}).get("emission_scenario", "programme"))


def comparison(output_root: Path) -> pd.DataFrame:
    """One row of key figures per scenario folder under ``output_root`` that has a manifest."""
    rows = [key_figures(path.parent) for path in sorted(output_root.glob("*/manifest.json"))]
    return pd.DataFrame(rows, columns=COLUMNS)
