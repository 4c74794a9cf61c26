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

from . import i18n

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
    return pd.read_csv(path, encoding="utf-8-sig")  # the BOM of the planners' CSV (export.CSV_ENCODING)


def _interval(t: i18n.Text, value: float, lo: float, hi: float, scale: float, digits: int) -> dict[str, str]:
    return {"value": t.num(value / scale, digits), "lo": t.num(lo / scale, digits), "hi": t.num(hi / scale, digits)}


def key_figures(scenario_dir: Path, t: i18n.Text | None = None) -> dict[str, str]:
    """The key figures of one scenario's published tables, as display text (empty where a table is missing)."""
    t = t or i18n.Text("en")
    tables, missing = scenario_dir / "tables", []
    out = {"scenario": scenario_dir.name} | {c: "" for c in COLUMNS[1:]}
    population = _read(tables, "population_total", missing)
    if population is not None:
        by_year = population.set_index("year")
        for column, year in (("population_2030", POPULATION_YEAR), ("population_horizon", int(by_year.index.max()))):
            if year in by_year.index:
                row = by_year.loc[year]
                out[column] = t("index.population_value", year=year, **_interval(t, row["value"], row["lo_80"], row["hi_80"], 1e6, 3))
    seats = _read(tables, "school_seats", missing)
    if seats is not None:
        current = seats[seats["regime"] == "current"].set_index("school_year")
        for column, year in zip(("deficit_2025_26", "deficit_2030_31"), SCHOOL_YEARS, strict=True):
            if year in current.index:
                row = current.loc[year]
                figures = _interval(t, row["deficit"], row["deficit_lo_80"], row["deficit_hi_80"], 1e3, 1)
                out[column] = t("index.deficit_value", p=f"{row['p_deficit_over_0']:.0%}", **figures)
    gap = _read(tables, "emissions_target_gap", missing)
    if gap is not None:
        case = _emission_case(scenario_dir)
        rows = gap[(gap["emission_scenario"] == case) & (gap["boundary"] == "city") & (gap["year"] == EMISSION_YEAR)]
        if not rows.empty:
            row = rows.iloc[0]
            figures = _interval(t, row["median_kt"], row["lo_80"], row["hi_80"], 1, 1)
            out["emissions_2030"] = t(
                "index.emissions_value",
                case=t.term("emission_scenario", case),
                target=t.num(row["target_kt"]),
                p=f"{row['share_meeting_target']:.0%}",
                **figures,
            )
    out["missing"] = ", ".join(missing)
    return out


def _emission_case(scenario_dir: Path) -> str:
    """The emission case the scenario reports (its ``emission_scenario`` parameter; programme when unknown)."""
    try:
        manifest = json.loads((scenario_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return "programme"
    return str(manifest.get("parameters", {}).get("emission_scenario", "programme"))


def comparison(output_root: Path, t: i18n.Text | None = None) -> pd.DataFrame:
    """One row of key figures per scenario folder under ``output_root`` that has a manifest."""
    rows = [key_figures(path.parent, t) for path in sorted(output_root.glob("*/manifest.json"))]
    return pd.DataFrame(rows, columns=COLUMNS)
