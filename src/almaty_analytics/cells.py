"""How a number in a report table is written: by the unit its column declares, in the reader's language.

Method: a table shown in a report (``Page.table``, ``Page.pivot``) gives each numeric column a formatter. A column the
notebook formats itself ("{:,.0f}", "{:.0%}", a function) keeps that format, written in the language's separators and
minus sign (``i18n.Text.formatter``). Any other numeric column is written by its unit, looked up by column name in the
table declarations (``export.TABLES``, ``tablespec.TableSpec.columns``): counts of persons, seats, pupils, places
(and any column of whole numbers) without decimals; thousand tonnes with one; shares and probabilities as percentages (``Text.pct``: "< 1%", "> 99%");
years without a thousands separator. A column of no single declared unit gets the fewest decimals, up to three
significant digits, that its values need; when its values differ by more than a factor ``SPREAD`` (parameters of
several units), each value gets its own. So no cell shows Python's raw float text ("280.000000", "0.0166").
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from functools import cache

import pandas as pd

from . import export, i18n

COUNT_UNITS = {"persons", "seats", "pupils", "children", "places", "vehicles", "count", "schools", "seats per year", "seats_per_year"}
DIGITS = {"thousand t/yr": 1, "billion KZT": 1, "million KZT": 2, "percent": 1, "%": 1, "years": 1, "schools per year": 2, "ratio": 2,
          "index": 3, "years per year": 2}
SHARE_DIGITS = {"share": 1, "probability": 0}  # shown as percentages
SIGNIFICANT = 3  # digits kept for a column of no declared unit
SPREAD = 100  # a column of no declared unit whose values differ more than this factor is written value by value


@cache
def column_units() -> dict[str, str]:
    """``{column: unit}`` for every column name that has one unit in every declaration that names it."""
    units: dict[str, set[str]] = {}
    for spec in export.TABLES.values():
        for column, (unit, _) in spec.columns.items():
            units.setdefault(column, set()).add(unit)
    return {column: next(iter(found)) for column, found in units.items() if len(found) == 1}


def is_year(name: str, values: pd.Series) -> bool:
    """A column of calendar years: declared with unit ``year``, or named for a year and holding whole numbers."""
    if column_units().get(name) == "year":
        return True
    whole = values.dropna()
    return "year" in name and pd.api.types.is_numeric_dtype(whole) and bool((whole == whole.round()).all())


def fewest_digits(values: pd.Series) -> int:
    """Decimals for a column of no declared unit: enough for ``SIGNIFICANT`` digits of its typical (median) size, no
    more than its values need (280.0 -> 0, 5.2 -> 1, 0.0166 -> 4)."""
    numbers = pd.to_numeric(values, errors="coerce").dropna().abs()
    numbers = numbers[numbers > 0]
    if numbers.empty:
        return 0
    size = max(0, SIGNIFICANT - 1 - math.floor(math.log10(float(numbers.median()))))
    return min(size, max(i18n.general_digits(float(v), size) for v in numbers))


def significant_digits(value: float) -> int:
    """Decimals for ``SIGNIFICANT`` significant digits of one value, no more than it needs (0.0319 -> 4, 1.1 -> 1, 280 -> 0)."""
    if value == 0 or not math.isfinite(value):
        return 0
    size = max(0, SIGNIFICANT - 1 - math.floor(math.log10(abs(value))))
    return i18n.general_digits(round(value, size), size)


def column_format(t: i18n.Text, name: str, values: pd.Series, precision: int | None = None) -> Callable[[object], str] | None:
    """The formatter of a column the notebook did not format (None for text columns): by unit, else ``precision``
    decimals when given, else ``fewest_digits``."""
    if pd.api.types.is_bool_dtype(values) or not (pd.api.types.is_numeric_dtype(values) or values.map(is_number).any()):
        return None
    if is_year(str(name), values):
        return t.formatter("{:.0f}")
    unit = column_units().get(str(name), "")
    if unit in SHARE_DIGITS:
        return t.formatter(f"{{:.{SHARE_DIGITS[unit]}%}}")
    numbers = pd.to_numeric(values, errors="coerce").dropna()
    if unit in COUNT_UNITS or (numbers == numbers.round()).all():  # whole numbers (counts, horizons) need no decimals
        return t.formatter("{:,.0f}")
    if unit in DIGITS:
        return t.formatter(f"{{:,.{DIGITS[unit]}f}}")
    if precision is not None:
        return t.formatter(f"{{:,.{precision}f}}")
    sizes = numbers[numbers != 0].abs()
    if not sizes.empty and sizes.max() > SPREAD * sizes.min():  # values of several units (a column of parameters): each its own digits
        return lambda value: value if isinstance(value, str) else t.num(float(value), significant_digits(float(value)))
    return t.formatter(f"{{:,.{fewest_digits(values)}f}}")


def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def as_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text column whose values all read as numbers ("0.0319", "1.1") turned into numbers, so it
    is written like any numeric column (a table of parameter values keeps them as text on disk)."""
    converted = frame.copy()
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values) or values.dropna().empty:
            continue
        parsed = pd.to_numeric(values, errors="coerce")
        if parsed[values.notna()].notna().all() and values.dropna().map(lambda v: isinstance(v, str | int | float)).all():
            converted[column] = parsed
    return converted


def escaped(write: Callable[[object], str]) -> Callable[[object], str]:
    """``write`` with its text of a number HTML-escaped ("< 1%"); a text cell reaches it already escaped by the Styler."""
    return lambda value: value if isinstance(value, str) else html.escape(write(value))


def formats(t: i18n.Text, frame: pd.DataFrame, given: dict[str, str | Callable] | None, precision: int | None = None) -> dict:
    """``{column: formatter}`` for every column of ``frame`` that holds numbers, each writing HTML-escaped text: ``given``
    ones in the language's separators (``Text.formatter``), the others by unit (``column_format``)."""
    given = given or {}
    shown = {}
    for column in frame.columns:
        chosen = given.get(column)
        if isinstance(chosen, str):
            shown[column] = escaped(t.formatter(chosen))
        elif chosen is not None:
            shown[column] = escaped(chosen)
        elif (found := column_format(t, column, frame[column], precision)) is not None:
            shown[column] = escaped(found)
    return shown
