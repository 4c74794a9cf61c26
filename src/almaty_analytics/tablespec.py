"""Table declarations: each published table's columns, units and description, declared beside the code that builds it.

``TableSpec`` is the contract with planners. ``population.TABLES``, ``schools.TABLES``,
``emissions.TABLES``, ``overview.TABLES`` and ``summary.TABLES`` declare their tables; ``export.TABLES``
composes them and ``export.write_table`` refuses a frame that does not match its declaration.
This module imports nothing of the package, so every domain can use it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TableSpec:
    title: str
    columns: dict[str, tuple[str, str]]  # column -> (unit, description), after `scenario`
    source: str
    # Wide (IAMC) tables: the declared columns are followed by one column per year ("2021", ...),
    # consecutive and increasing; which years depends on the run.
    year_columns: bool = False
    # Instead of a leading `scenario` column, write_table renames this declared column to
    # `scenario` in place, with values "<project scenario>|<value>" (IAMC: model, scenario, ...).
    scenario_into: str | None = None
