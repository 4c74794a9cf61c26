"""Planner tables: the declared columns of every exported table, CSV and XLSX writers.

``TABLES`` is the contract with planners: each exported table has fixed columns with
units and descriptions, and ``write_table`` refuses a frame that does not match.
Every table gets a leading ``scenario`` column. The workbook has one sheet per table
plus a README sheet (data dictionary, parameters, input files, versions).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .io import atomic_write


@dataclass(frozen=True)
class TableSpec:
    title: str
    columns: dict[str, tuple[str, str]]  # column -> (unit, description), after `scenario`
    source: str


SCENARIO_COLUMN = ("", "scenario the table was computed for (scenarios/<name>.yaml)")

TABLES: dict[str, TableSpec] = {
    "data_population_history": TableSpec(
        "Almaty population on 1 January, BNS, with level-shift segments",
        {
            "year": ("year", "population on 1 January of this year"),
            "sex": ("", "total, male or female"),
            "persons": ("persons", "resident population, city boundary of that date"),
            "segment": ("", "1, 2, ...: a new segment starts after each level shift (boundary change, census)"),
            "change_persons": ("persons", "change from the previous year; empty across a level shift"),
        },
        "BNS population on 1 January (data/raw/bns_population_1jan.csv); level shifts from data/raw/level_shifts.csv",
    ),
    "data_programme_figures": TableSpec(
        "Headline figures and targets of the Almaty development programme (2022)",
        {
            "domain": ("", "population, schools or emissions"),
            "figure_id": ("", "identifier in data/raw/programme_<domain>.csv"),
            "indicator": ("", "what the figure measures"),
            "ref_year": ("year", "year the figure refers to (target year for targets)"),
            "value": ("see unit", "value as printed in the programme"),
            "unit": ("", "unit of value"),
            "qualifier": ("", "exact, about, more_than, ..."),
            "source": ("", "programme text file and line"),
        },
        "Almaty development programme to 2025 with perspectives to 2030 (2022), lines as cited",
    ),
}


def write_table(frame: pd.DataFrame, name: str, output_dir: str | Path, scenario: str) -> Path | None:
    """Check ``frame`` against ``TABLES[name]`` and write ``<output_dir>/tables/<name>.csv``.

    Returns the path, or None when ``output_dir`` is empty (an interactive session).
    """
    if name not in TABLES:
        raise KeyError(f"table {name!r} is not declared in export.TABLES")
    expected = list(TABLES[name].columns)
    if list(frame.columns) != expected:
        raise ValueError(f"table {name!r}: columns {list(frame.columns)} do not match the declared {expected}")
    if not output_dir:
        return None
    path = Path(output_dir) / "tables" / f"{name}.csv"
    table = frame.copy()
    table.insert(0, "scenario", scenario)
    atomic_write(path, lambda tmp: table.to_csv(tmp, index=False, encoding="utf-8"))
    return path


def data_dictionary(names: list[str]) -> pd.DataFrame:
    rows = []
    for name in names:
        spec = TABLES.get(name)
        if spec is None:
            continue
        for column, (unit, description) in ({"scenario": SCENARIO_COLUMN} | spec.columns).items():
            rows.append({"table": name, "column": column, "unit": unit, "description": description, "source": spec.source})
    return pd.DataFrame(rows, columns=["table", "column", "unit", "description", "source"])


def write_workbook(tables_dir: Path, path: Path, run_info: dict) -> None:
    """One sheet per CSV in ``tables_dir`` plus a README sheet, written atomically to ``path``."""
    csvs = sorted(tables_dir.glob("*.csv"))
    names = [p.stem for p in csvs]
    readme = [("almaty-analytics forecast tables", ""), ("", "")]
    readme += [(k, str(v)) for k, v in run_info.items() if not isinstance(v, dict)]
    for section in ("parameters", "input_hashes", "versions"):
        readme += [("", ""), (section.replace("_", " "), "")]
        readme += [(f"  {k}", str(v)) for k, v in run_info.get(section, {}).items()]

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xlsx:
            pd.DataFrame(readme, columns=["item", "value"]).to_excel(xlsx, sheet_name="README", index=False)
            data_dictionary(names).to_excel(xlsx, sheet_name="README", index=False, startrow=len(readme) + 3)
            for csv, name in zip(csvs, names, strict=True):
                pd.read_csv(csv).to_excel(xlsx, sheet_name=name[:31], index=False)

    atomic_write(path, write)
