"""The Python API for analysts: one call gives a scenario's forecasts, with any assumption changed.

    import almaty_analytics as aa

    fc = aa.forecast(net_migration=20_000)          # scenario "default", one assumption changed
    fc.label                                        # 'default, net_migration=20000'
    fc.table("population_total")                    # a published table, as a DataFrame
    fc.plot("population_total")                     # a chart of it, titled with the label
    fc.population, fc.schools, fc.preschool, fc.emissions  # the typed results behind the tables

``forecast`` resolves the scenario exactly as the runner and the report notebooks do (``scenarios.load``: the
same defaults, the same checks, the same one-line ``ParameterError`` for a bad value), so the numbers are the
reports' numbers for the same parameters. Each domain is computed on first use and cached in ``data/processed/``
as the runner caches it: the first population forecast of a parameter set takes seconds, later ones load.
``aa.parameters()`` lists what can be changed, with defaults and ranges; ``aa.scenario_names()`` the scenario files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from . import export, i18n, page, plots, scenarios

DOMAINS = ("overview", "population", "schools", "preschool", "emissions")  # what forecast() computes (the summary reads published tables)
X_COLUMNS = ("year", "school_year", "horizon")  # the first of these a table has is a chart's x axis
Y_COLUMNS = ("value", "deficit", "queue_3_6", "median_kt", "emissions_kt", "wedge_kt", "pupils", "mape")  # and the first of these its y


@dataclass(frozen=True)
class Forecast:
    """A scenario's forecasts with ``overrides`` applied: ``parameters`` (every resolved value), the typed results
    of each domain (``population``, ``schools``, ``preschool``, ``emissions``, ``overview``; computed when first used) and
    ``table(name)`` / ``plot(name)`` for each published table."""

    scenario: str
    overrides: dict[str, Any]
    parameters: dict[str, Any] = field(repr=False)

    @property
    def label(self) -> str:
        """The scenario and every changed assumption, e.g. "default, net_migration=20000": on every table and chart."""
        return ", ".join([self.scenario, *(f"{k}={v}" for k, v in self.overrides.items())])

    @cached_property
    def overview(self):
        return page.DOMAINS["overview"][1](self.parameters)

    @cached_property
    def population(self):
        return page.DOMAINS["population"][1](self.parameters)

    @cached_property
    def schools(self):
        return page.DOMAINS["schools"][1](self.parameters)

    @cached_property
    def preschool(self):
        return page.DOMAINS["preschool"][1](self.parameters)

    @cached_property
    def emissions(self):
        return page.DOMAINS["emissions"][1](self.parameters)

    def tables(self) -> dict[str, list[str]]:
        """The table names of every domain (nothing is computed): ``{"population": ["population_total", ...], ...}``."""
        return {domain: list(page.DOMAINS[domain][0].TABLES) for domain in DOMAINS}

    def table(self, name: str) -> pd.DataFrame:
        """Table ``name`` as the reports publish it (without the run's stamp columns); ``.attrs["label"]`` says whose."""
        frame = getattr(self, _domain_of(name)).tables[name].copy()
        frame.attrs |= {"label": self.label, "table": name, "units": {c: u for c, (u, _) in export.TABLES[name].columns.items()}}
        return frame

    def plot(self, name: str, y: str | None = None, by: list[str] | None = None, language: str = "en") -> plt.Figure:
        """A chart of table ``name``: ``y`` (default: its first of Y_COLUMNS) against its year, one line per combination
        of ``by`` (default: every text column that varies in it), the 80% interval shaded where the table has one,
        titled with the label, the y axis in the column's unit; a table of one year gives bars."""
        frame = self.table(name)
        x = next((c for c in X_COLUMNS if c in frame), None)
        y = y or next((c for c in Y_COLUMNS if c in frame), None)
        columns = ", ".join(frame.columns)
        if x is None:
            raise ValueError(f"table {name!r} has no year column ({' or '.join(X_COLUMNS)}) to plot against (columns: {columns})")
        if y not in frame:
            given = f"y={y!r} is not one of its columns" if y else f"it has none of the default value columns {list(Y_COLUMNS)}"
            raise ValueError(f"table {name!r}: {given}; pass y= one of: {columns}")
        unknown = [c for c in by or [] if c not in frame]
        if unknown:
            raise ValueError(f"table {name!r}: by={unknown} not among its columns; expected some of: {columns}")
        by = by if by is not None else [c for c in frame if c != x and not pd.api.types.is_numeric_dtype(frame[c]) and frame[c].nunique() > 1]
        t = i18n.Text(language)
        plots.use_style(language)
        unit = export.unit_label(frame.attrs["units"].get(y, ""), t)
        return plots.lines(
            frame, x=x, y=y, by=by, title=f"{t.column(y)}: {self.label}", ylabel=f"{t.column(y)} [{unit}]" if unit else t.column(y),
            xlabel=t.column(x), source=f"almaty-analytics, table {name}", number=lambda v: t.num(v, 0 if abs(v) >= 100 or float(v).is_integer() else 1),
        )

def _domain_of(name: str) -> str:
    for domain in DOMAINS:
        if name in page.DOMAINS[domain][0].TABLES:
            return domain
    known = [n for d in DOMAINS for n in page.DOMAINS[d][0].TABLES]
    raise KeyError(f"unknown table {name!r}; forecast tables: {', '.join(known)}")


def forecast(scenario: str = "default", **overrides: Any) -> Forecast:
    """The forecasts of ``scenario`` (``scenarios/<name>.yaml``) with ``overrides`` replacing its parameters.

    ``forecast("high", tfr=1.9, vintage="2022-09-12")``; a value out of range or an unknown name raises
    ``scenarios.ParameterError`` naming it and what was expected.
    """
    resolved = scenarios.load(scenario, overrides)
    return Forecast(resolved.name, dict(overrides), resolved.parameters)


def parameters() -> pd.DataFrame:
    """Every parameter ``forecast`` accepts: its group, what values it takes, its default and what it means
    (what ``almaty-analytics params`` prints)."""
    group_of = {name: group for group, names in scenarios.GROUPS.items() for name in names}
    rows = [
        {"parameter": name, "group": group_of.get(name, ""), "expected": spec.expected(), "default": spec.default, "meaning": spec.help}
        for name, spec in scenarios.PARAMETERS.items()
    ]
    return pd.DataFrame(rows).set_index("parameter")


def scenario_names() -> list[str]:
    """The scenario files in ``scenarios/``."""
    return scenarios.available()
