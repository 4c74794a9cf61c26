"""Key figures: the one layout in which every domain publishes its headline series.

Method: each domain builds one key-figures table from its own forecast, beside the code that builds its other
tables (``population_key_figures``, ``school_key_figures``, ``preschool_key_figures``, ``emission_key_figures``): one row per year of its
headline series, with the central value, the 80% interval and, where the domain has them, a probability and the
programme's target. The index and the summary read these tables only (``summary.read_key_figures``), so they
need not know any domain's detailed tables. This module imports nothing of the package but ``tablespec``.
"""

from __future__ import annotations

import pandas as pd

from .tablespec import TableSpec

COLUMNS: dict[str, tuple[str, str]] = {
    "indicator": ("", "population (on 1 January), deficit (state-school seats, positive = shortage), queue (kindergarten queue of ages 3-6) or emissions (the city's 2021 inventory boundary)"),
    "case": ("", "what the figures are of: central (population), the seat regime (schools: current), the age group (queue: ages_3_6), the emission scenario (emissions)"),
    "year": ("year", "population: 1 January; deficit and queue: the school or kindergarten year starting that September (deficit 2021 = 2021/22, queue 2022: observed); emissions: calendar year (2021 = the inventory)"),
    "value": ("see unit", "central estimate (emissions: median of the Monte Carlo trajectories)"),
    "lo_80": ("see unit", "80% interval, lower (10th percentile)"),
    "hi_80": ("see unit", "80% interval, upper (90th percentile)"),
    "probability": ("probability", "deficit: share of draws with a shortage; queue: share of draws meeting the programme's target of that year (2025: queue, 2030: coverage); emissions: share of trajectories at or below the target; empty where none"),
    "target": ("see unit", "the programme's target where it sets one in the unit (queue in 2025, emissions in 2030); empty elsewhere"),
    "unit": ("", "unit of value, lo_80, hi_80 and target: persons, seats, children or thousand t/yr"),
}
SERIES = ["year", "value", "lo_80", "hi_80", "probability", "target"]  # what a domain's headline series gives


def spec(title: str, source: str) -> TableSpec:
    """The declaration of a domain's key-figures table: ``title`` and ``source`` are the domain's, the columns COLUMNS."""
    return TableSpec(title, COLUMNS, source)


def table(indicator: str, case: str, unit: str, series: pd.DataFrame) -> pd.DataFrame:
    """A key-figures table from a headline ``series`` (year, value, lo_80, hi_80 and, where the domain has them,
    probability and target; a column it lacks stays empty), in the COLUMNS order."""
    frame = series.reindex(columns=SERIES).reset_index(drop=True)
    return frame.assign(indicator=indicator, case=case, unit=unit)[list(COLUMNS)]
