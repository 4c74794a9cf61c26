"""Planner tables: the declared columns of every exported table, CSV and XLSX writers.

``TABLES`` is the contract with planners: each exported table has fixed columns with
units and descriptions, and ``write_table`` refuses a frame that does not match.
Every table gets a leading ``scenario`` column, except tables whose spec says where the
scenario goes instead (``scenario_into``, the IAMC layout). The workbook has one sheet per table
plus a README sheet (data dictionary, parameters, input files, versions).

The tables describe themselves: ``tables/data_dictionary.csv`` (``write_data_dictionary``) gives each column of each
published file its unit, description and source, and says which columns hold alternatives (``CASE_COLUMNS``: a
regime, a boundary, a scenario, a method) that a sum must fix to one value. An IAMC table holds only the IAMC columns
(model, scenario, region, variable, unit, years), so ``pyam`` reads it and concatenates it with other IAMC data; the
run's facts (data vintage, run date) go to ``<table>_meta.csv``, keyed by model and scenario as pyam's meta table is.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pandas as pd
import xlsxwriter

from . import emissions, i18n, overview, population, preschool, schools, summary
from .io import atomic_write
from .tablespec import TableSpec

CSV_ENCODING = "utf-8-sig"  # UTF-8 with a byte-order mark: Excel then opens Cyrillic text correctly
RUN_COLUMNS = {  # appended by the runner to every published table (stamp_table)
    "data_vintage": ("date", "the run's data vintage: every figure it used was published on or before this date (the newest release of each)"),
    "run_date": ("date", "UTC date of the run that produced the table (the date in SOURCE_DATE_EPOCH when that is set)"),
}
NUMBER_FORMATS = {  # Excel number format by unit
    "persons": "#,##0",
    "seats": "#,##0",
    "pupils": "#,##0",
    "schools": "#,##0.0",
    "count": "#,##0",
    "seats per year": "#,##0",
    "schools per year": "0.00",
    "year": "0",
    "years": "0",
    "share": "0.0%",
    "probability": "0%",
    "percent": "0.00",
    "%": "0.00",
    "ratio": "0.000",
    "thousand t/yr": "0.00",
    "billion KZT": "0.0",
    "children": "#,##0",  # issue 19: pre-school
    "places": "#,##0",
    "million KZT": "0.00",
}


SCENARIO_COLUMN = ("", "scenario the table was computed for (scenarios/<name>.yaml)")
IAMC_COLUMNS = ("model", "scenario", "region", "variable", "unit")  # then one column per year: the IAMC wide format
YEARS = "<year>"  # the data dictionary's row for the year columns of an IAMC table
YEAR_COLUMN = ("see unit", "one column per year (2021, 2022, ...): the value in that year, in the row's unit")
META = "_meta"  # <IAMC table>_meta.csv: the run's facts for each model and scenario of the IAMC table
DICTIONARY = "data_dictionary"  # tables/data_dictionary.csv
# Columns whose values are alternatives of one quantity, not parts of a whole: rows must be filtered to one value of
# each before summing. In every table that has them, and in the dictionary (filter_before_sum).
CASE_COLUMNS = {
    "scenario": "the scenario (a file holds one; concatenated files hold several)",
    "regime": "the seat regime: current seats, or seats on the programme's plan (alternatives)",
    "boundary": "the inventory boundary: city, or city_plus (the city and TPP-3 and agglomeration houses; it includes city)",
    "emission_scenario": "the emission scenario (alternatives)",
    "variant": "the population variant (alternatives)",
    "method": "the forecasting method (alternatives)",
    "case": "the case the figures are of (alternatives)",
    "vintage": "the data vintage the forecast was made with (alternatives)",
    "region": "the IAMC region: Almaty city, or the city plus TPP-3 and agglomeration houses (it includes the city)",
}
# Columns of one table that hold a total beside its parts: a sum must keep either the total or the parts.
TOTAL_ROWS = {
    ("data_population_history", "sex"): "total beside male and female: keep total, or male and female",
    ("emissions_by_source", "source"): "total (the sum of the sources) beside the sources: keep total, or the sources",
    ("emissions_inventory_reconciliation", "source"): "total and stationary_total beside their parts: keep a total, or the parts",
    ("school_delivery_record", "group"): "all beside budget and private_investment: keep all, or the two groups",
    ("school_pupil_growth", "sector"): "all (state and private) beside state: keep one",
}
# Every published table, declared beside the code that builds it, in the workbook's sheet order.
TABLES: dict[str, TableSpec] = overview.TABLES | population.TABLES | schools.TABLES | preschool.TABLES | summary.TABLES | emissions.TABLES


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet reads a cell starting with these as a formula


def neutral_text(value):
    """``value`` safe to open in a spreadsheet: text that starts like a formula gets a leading apostrophe.

    The OWASP CSV-injection rule: a text cell starting with ``= + - @``, tab or carriage return is
    prefixed with ``'`` so that Excel, LibreOffice and Google Sheets show it instead of evaluating it.
    Numbers, and text that reads as a number (``-48.3``), are data and stay as they are.
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    try:
        float(value)
        return value
    except ValueError:
        return "'" + value


def original_text(value):
    """The text ``neutral_text`` was given, for a workbook cell: a string cell is never read as a formula, so the CSV's
    protective apostrophe would only show as part of the value. (A text that itself began with ``'=`` is read back
    without its apostrophe: the two cannot be told apart.)"""
    if isinstance(value, str) and value.startswith("'") and neutral_text(value[1:]) == value:
        return value[1:]
    return value


def neutral_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell passed through ``neutral_text`` (numeric columns untouched)."""
    text = frame.select_dtypes(include=["object", "string"]).columns
    return frame.assign(**{c: frame[c].map(neutral_text) for c in text}) if len(text) else frame


def write_table(frame: pd.DataFrame, name: str, output_dir: str | Path, scenario: str) -> Path | None:
    """Check ``frame`` against ``TABLES[name]`` and write ``<output_dir>/tables/<name>.csv``.

    Returns the path, or None when ``output_dir`` is empty (an interactive session).
    A spec with ``year_columns`` accepts consecutive year columns after its declared ones; a
    spec with ``scenario_into`` gets no leading ``scenario`` column: that declared column is
    renamed ``scenario`` and holds ``<scenario>|<value>`` (the IAMC layout pyam reads).
    """
    if name not in TABLES:
        raise KeyError(f"table {name!r} is not declared in export.TABLES")
    spec = TABLES[name]
    expected = list(spec.columns)
    columns = list(frame.columns)
    if spec.year_columns:  # declared columns, then consecutive years as text: "2021", "2022", ...
        years = columns[len(expected) :]
        ok = bool(years) and all(str(y).isdigit() for y in years)
        if not ok or [int(y) for y in years] != list(range(int(years[0]), int(years[0]) + len(years))):
            raise ValueError(f"table {name!r}: after the declared columns expected consecutive year columns, got {years}")
        columns = columns[: len(expected)]
    if columns != expected:
        raise ValueError(f"table {name!r}: columns {list(frame.columns)} do not match the declared {expected}")
    if not output_dir:
        return None
    path = Path(output_dir) / "tables" / f"{name}.csv"
    table = neutral_frame(frame.copy())
    if spec.scenario_into:
        table[spec.scenario_into] = scenario + "|" + table[spec.scenario_into].astype(str)
        table = table.rename(columns={spec.scenario_into: "scenario"})
    else:
        table.insert(0, "scenario", neutral_text(scenario))
    atomic_write(path, lambda tmp: table.to_csv(tmp, index=False, encoding=CSV_ENCODING))
    return path


def run_date() -> str:
    """The run's date (UTC, YYYY-MM-DD); ``SOURCE_DATE_EPOCH`` fixes it, as for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch.isdigit() else dt.datetime.now(dt.UTC)
    return moment.date().isoformat()


def is_iamc(name: str) -> bool:
    spec = TABLES.get(name)
    return bool(spec and spec.scenario_into)


def stamp_table(path: Path, date: str, vintage: str) -> list[Path]:
    """Record the run's ``data_vintage`` and ``run_date`` with a written table; the files written (the table first).

    A table gets them as two last columns, every other cell kept as written (read as text). An IAMC table is left as
    it is (only IAMC columns) and gets ``<name>_meta.csv``: model, scenario, data_vintage, run_date, a row per model
    and scenario it holds (pyam: ``IamDataFrame(path).set_meta(pd.read_csv(meta).set_index(["model", "scenario"]))``).
    """
    table = pd.read_csv(path, encoding=CSV_ENCODING, dtype=str, keep_default_na=False)
    if not is_iamc(path.stem):
        table = table.assign(data_vintage=vintage, run_date=date)
        atomic_write(path, lambda tmp: table.to_csv(tmp, index=False, encoding=CSV_ENCODING))
        return [path]
    meta = table[["model", "scenario"]].drop_duplicates().assign(data_vintage=vintage, run_date=date)
    meta_path = path.with_name(f"{path.stem}{META}.csv")
    atomic_write(meta_path, lambda tmp: meta.to_csv(tmp, index=False, encoding=CSV_ENCODING))
    return [path, meta_path]


def unit_label(unit: str, t: i18n.Text) -> str:
    """A unit as the reader's language prints it ('' for none)."""
    slug = "percent" if unit == "%" else re.sub(r"[^a-z0-9]+", "_", unit.lower()).strip("_")
    return t(f"units.{slug}") if slug else ""


def _meta_of(name: str) -> str | None:
    """The IAMC table whose meta file is ``name`` (None when ``name`` is no meta file)."""
    base = name.removesuffix(META)
    return base if base != name and is_iamc(base) else None


def _spec(name: str) -> TableSpec | None:
    """The declaration of a published file: a table of TABLES, or the meta file of an IAMC table."""
    base = _meta_of(name)
    return TableSpec(f"Run facts of {base} (pyam meta table)", {}, f"the run that wrote {base}.csv") if base else TABLES.get(name)


def _column_specs(name: str) -> dict[str, tuple[str, str]]:
    """Each column of a published file as it is on disk: (unit, description); empty for an undeclared file."""
    spec = TABLES.get(name)
    if is_iamc(name):
        columns = {("scenario" if c == spec.scenario_into else c): v for c, v in spec.columns.items()}
        return {c: columns[c] for c in IAMC_COLUMNS} | {YEARS: YEAR_COLUMN}
    if base := _meta_of(name):
        return {c: v for c, v in _column_specs(base).items() if c in ("model", "scenario")} | RUN_COLUMNS
    return {"scenario": SCENARIO_COLUMN} | (spec.columns if spec else {}) | RUN_COLUMNS


DICTIONARY_COLUMNS = ["table", "column", "unit", "description", "source", "filter_before_sum"]


def data_dictionary(names: list[str]) -> pd.DataFrame:
    """Every column of the published files ``names`` (undeclared ones skipped): unit, description, the table's source,
    and, for a column of CASE_COLUMNS or TOTAL_ROWS, what its values are: rows must be filtered before summing."""
    rows = []
    for name in names:
        spec = _spec(name)
        if spec is None:
            continue
        for column, (unit, description) in _column_specs(name).items():
            case = "" if _meta_of(name) else TOTAL_ROWS.get((name, column), CASE_COLUMNS.get(column, ""))
            rows.append(
                {"table": name, "column": column, "unit": unit, "description": description, "source": spec.source, "filter_before_sum": case}
            )
    return pd.DataFrame(rows, columns=DICTIONARY_COLUMNS)


def published_tables(tables_dir: Path) -> list[Path]:
    """The CSV files of a published ``tables/`` folder, without the data dictionary."""
    return [p for p in sorted(tables_dir.glob("*.csv")) if p.stem != DICTIONARY]


def write_data_dictionary(tables_dir: Path) -> Path:
    """``tables/data_dictionary.csv``: the data dictionary of every table in ``tables_dir``, written atomically."""
    path = tables_dir / f"{DICTIONARY}.csv"
    dictionary = neutral_frame(data_dictionary([p.stem for p in published_tables(tables_dir)]))
    atomic_write(path, lambda tmp: dictionary.to_csv(tmp, index=False, encoding=CSV_ENCODING))
    return path


def _cell(value):
    """A README value as Excel should hold it: numbers and booleans as themselves, lists joined, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def readme_rows(run_info: dict, table_runs: dict[str, dict]) -> list[tuple]:
    """README sheet rows: this run, then for every sheet the notebook run that produced it and its parameters.

    A table whose notebook failed in this run keeps its last good run, so a sheet's
    parameters are always the ones that produced its numbers.
    """
    rows = [("almaty-analytics forecast tables", ""), ("", "")]
    rows += [(k, _cell(v)) for k, v in run_info.items() if not isinstance(v, dict)]
    rows += [("", ""), ("sheets (table: notebook, run finished UTC)", "")]
    rows += [(f"  {name}", f"{run['notebook']}, {run['finished']}") for name, run in table_runs.items()]
    runs = {(run["notebook"], run["finished"]): run["parameters"] for run in table_runs.values()}
    for (notebook, finished), parameters in runs.items():
        rows += [("", ""), (f"parameters of {notebook} (run finished {finished})", "")]
        rows += [(f"  {k}", _cell(v)) for k, v in parameters.items()]
    for section in ("input_hashes", "versions"):
        rows += [("", ""), (section.replace("_", " "), "")]
        rows += [(f"  {k}", _cell(v)) for k, v in run_info.get(section, {}).items()]
    return rows


def header(name: str, column: str, t: i18n.Text) -> str:
    """A workbook header: the column's label in the reader's language with its unit, e.g. "80% interval, upper [persons]"."""
    specs = _column_specs(name)
    if column not in specs or column == YEARS:  # year columns of IAMC tables, columns of an undeclared table: shown as written
        return column
    unit = specs[column][0]
    label = t.column(column)
    shown = unit_label(unit, t) if unit not in ("", "year", "see unit", "as statistic") else ""
    return f"{label} [{shown}]" if shown else label


EXCEL_TEXT_LIMIT = 32_767  # characters Excel holds in one cell
EXACT_INTEGERS = 2**53  # an integer beyond this is not exact as an Excel number (a double): it is stored as text


class _Sheet:
    """One worksheet written cell by cell: text always as text (never a formula or a link), numbers with the
    number format of their column's unit, empty cells for missing values, a frozen header row with a filter,
    readable widths, and printing set up (landscape, A4, fit to one page wide, header row repeated)."""

    def __init__(self, book, name: str, formats: dict[str, object]):
        self.sheet, self.name, self.formats = book.add_worksheet(name), name, formats
        self.sheet.set_landscape()
        self.sheet.set_paper(9)
        self.sheet.fit_to_pages(1, 0)
        self.sheet.repeat_rows(0)

    def write(self, row: int, col: int, value, number_format: str | None = None) -> None:
        if value is None or value == "" or (isinstance(value, float) and value != value):
            return  # an empty cell
        if isinstance(value, bool):
            self.sheet.write_boolean(row, col, value)
        elif isinstance(value, int | float) and not (isinstance(value, int) and abs(value) > EXACT_INTEGERS):
            self.sheet.write_number(row, col, value, self.formats.get(number_format))
        else:
            text = original_text(str(value))
            if len(text) > EXCEL_TEXT_LIMIT:
                raise ValueError(
                    f"workbook sheet {self.name!r}, row {row + 1}, column {col + 1}: {len(text):,} characters of text; "
                    f"a spreadsheet cell holds at most {EXCEL_TEXT_LIMIT:,}"
                )
            self.sheet.write_string(row, col, text)

    def table(self, first_row: int, headers: list[str], rows, number_formats: list[str | None], bold) -> int:
        """Write a header row at ``first_row`` and ``rows`` under it; the number of rows written with the header."""
        for col, text in enumerate(headers):
            self.sheet.write_string(first_row, col, text, bold)
        count = 0
        for count, values in enumerate(rows, start=1):
            for col, value in enumerate(values):
                self.write(first_row + count, col, value.item() if hasattr(value, "item") else value, number_formats[col])
        return count + 1


def _number_formats(name: str, columns: list[str]) -> list[str | None]:
    """The Excel number format of each column, by its declared unit (year columns of IAMC tables: thousand t/yr)."""
    specs = _column_specs(name)
    return [NUMBER_FORMATS.get("thousand t/yr" if c.isdigit() else specs.get(c, ("", ""))[0]) for c in columns]


def write_workbook(tables_dir: Path, path: Path, run_info: dict, table_runs: dict[str, dict], language: str = "en") -> None:
    """One sheet per CSV in ``tables_dir`` plus a README sheet, written atomically to ``path``.

    ``table_runs`` maps a table to the run that produced it: notebook, finished, parameters. Headers are in
    ``language`` with units (the CSVs keep their column names); the README's data dictionary maps one to the other.
    Written with XlsxWriter cell by cell (about 0.5 s for a scenario's 40 tables; openpyxl through pandas took 3–8 s).
    """
    t = i18n.Text(language)
    csvs = published_tables(tables_dir)
    names = [p.stem for p in csvs]
    readme = readme_rows(run_info, {n: r for n, r in table_runs.items() if n in names})
    dictionary = data_dictionary(names)
    dictionary["header"] = [header(n, c, t) for n, c in zip(dictionary["table"], dictionary["column"], strict=True)]

    def write(tmp: Path) -> None:
        options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
        with xlsxwriter.Workbook(str(tmp), options) as book:
            formats = {f: book.add_format({"num_format": f}) for f in set(NUMBER_FORMATS.values())}
            bold = book.add_format({"bold": True})
            sheet = _Sheet(book, "README", formats)
            sheet.table(0, ["item", "value"], readme, [None, None], bold)
            sheet.table(len(readme) + 3, list(dictionary.columns), dictionary.itertuples(index=False), [None] * dictionary.shape[1], bold)
            sheet.sheet.freeze_panes(1, 0)
            sheet.sheet.set_column(0, 1, 40)
            for csv, name in zip(csvs, names, strict=True):
                table = pd.read_csv(csv, encoding=CSV_ENCODING)
                columns = [str(c) for c in table.columns]
                sheet = _Sheet(book, name[:31], formats)
                written = sheet.table(0, [header(name, c, t) for c in columns], table.itertuples(index=False), _number_formats(name, columns), bold)
                sheet.sheet.freeze_panes(1, 0)
                sheet.sheet.autofilter(0, 0, written - 1, len(columns) - 1)
                for col, text in enumerate(header(name, c, t) for c in columns):
                    sheet.sheet.set_column(col, col, min(max(len(text), 10) + 2, 45))

    atomic_write(path, write)
