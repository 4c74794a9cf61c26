"""Revisions: how the newest forecast of each headline differs from the mid-2022 one, and which new figures are behind it.

Method: a scenario is forecast twice with every parameter the same but the data vintage: at the run's own vintage
and at ``io.FIRST_VINTAGE`` (the data of September 2022, when the programme was published: the forecasts the
project first made). Each domain's key-figures table gives the headline at both (``HEADLINES``: the population on
1 January 2030, the state-school seat deficit of 2030/31, the city's emissions in 2030), with the 80% interval.
The figures behind a revision are the raw rows released after the mid-2022 vintage and up to the run's, in the
tables each domain reads (``new_releases``); the revision of a headline is what all of them moved together, not
split among them (an attribution would need a forecast per release).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from . import emissions, io, population, scenarios, schools
from .datapackage import RELEASE
from .tablespec import TableSpec

HEADLINES = (("population", 2030), ("deficit", 2030), ("emissions", 2030))  # indicator, year (deficit: the school year from September)
DOMAIN_OF = {"population": population, "deficit": schools, "emissions": emissions}


def inputs_of(indicator: str) -> tuple[str, ...]:
    """The raw tables a headline depends on: its domain's and, for the deficit and emissions, the population's."""
    names = list(population.INPUT_TABLES)
    if indicator == "deficit":
        names += schools.INPUT_TABLES
    if indicator == "emissions":
        names += emissions.INPUT_TABLES + emissions.BACKTEST_INPUTS
    return tuple(dict.fromkeys(names))


def key_figures(params: dict[str, Any]) -> pd.DataFrame:
    """The key figures of the three domains for resolved ``params`` (each domain's cached results)."""
    return pd.concat(
        [population.results(params).tables[population.KEY_FIGURES], schools.results(params).tables[schools.KEY_FIGURES],
         emissions.results(params).tables[emissions.KEY_FIGURES]],
        ignore_index=True,
    )


def mid_2022_parameters(scenario: str, overrides: dict[str, Any]) -> dict[str, Any]:
    """The scenario's parameters with the data of ``io.FIRST_VINTAGE`` (everything else as given)."""
    return scenarios.load(scenario, {**overrides, "vintage": io.FIRST_VINTAGE}).parameters


def new_releases(names: tuple[str, ...], since: str, until: str | None) -> pd.DataFrame:
    """The figures of tables ``names`` as known at ``until`` (None: the newest data) whose release is after ``since``, one
    row per table: how many, the first and the last release date (a figure released twice counts once, as its newest)."""
    rows = []
    for name in names:
        frame = io.read_table(name, vintage=until, releases=True)
        if RELEASE not in frame.columns:
            continue
        new = frame[frame[RELEASE] > since]
        if not new.empty:
            rows.append({"table": name, "rows": len(new), "first": new[RELEASE].min(), "last": new[RELEASE].max()})
    return pd.DataFrame(rows, columns=["table", "rows", "first", "last"])


def revision_table(newest: pd.DataFrame, mid_2022: pd.DataFrame, vintage: str, releases: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per headline: the mid-2022 and the newest forecast (central, 80% interval), the change, and the tables with
    new releases behind it (``releases``: indicator -> new_releases)."""
    rows = []
    for indicator, year in HEADLINES:
        pick = [frame[(frame["indicator"] == indicator) & (frame["year"] == year)] for frame in (mid_2022, newest)]
        if any(p.empty for p in pick):
            continue
        then, now = (p.iloc[0] for p in pick)
        rows.append({
            "indicator": indicator, "year": year, "unit": now["unit"],
            "vintage_then": io.FIRST_VINTAGE, "value_then": then["value"], "lo_80_then": then["lo_80"], "hi_80_then": then["hi_80"],
            "vintage_now": vintage, "value_now": now["value"], "lo_80_now": now["lo_80"], "hi_80_now": now["hi_80"],
            "change": round(now["value"] - then["value"], 4),  # the key figures' own precision (4 decimals at most)
            "new_releases": "; ".join(f"{r.table} ({r.rows}, {r.first} to {r.last})" for r in releases[indicator].itertuples()),
        })
    return pd.DataFrame(rows, columns=list(TABLES["forecast_revisions"].columns))


def revisions(params: dict[str, Any]) -> pd.DataFrame:
    """The revisions table of a resolved scenario's ``params`` (the run's overrides kept; see the module docstring)."""
    overrides = {k: v for k, v in params.items() if k not in scenarios.RUNNER_PARAMETERS and k != "vintage"}
    then = mid_2022_parameters(params["scenario"], {k: v for k, v in overrides.items() if k != "base_year"})
    until = io.vintage_date(params["vintage"])
    every = new_releases(tuple(dict.fromkeys(n for i, _ in HEADLINES for n in inputs_of(i))), io.FIRST_VINTAGE, until)  # each table read once
    releases = {i: every[every["table"].isin(inputs_of(i))].reset_index(drop=True) for i, _ in HEADLINES}
    return revision_table(key_figures(params), key_figures(then), io.shown_vintage(params["vintage"]), releases)


TABLES: dict[str, TableSpec] = {
    "forecast_revisions": TableSpec(
        "How the newest forecast of each headline differs from the mid-2022 one (same parameters, data as of two vintages)",
        {
            "indicator": ("", "population (1 January), deficit (state-school seats, school year from September), emissions (city, the run's emission case)"),
            "year": ("year", "the headline's year"),
            "unit": ("", "persons, seats or thousand t/yr"),
            "vintage_then": ("date", "the mid-2022 vintage (io.FIRST_VINTAGE: the programme's publication)"),
            "value_then": ("see unit", "central forecast at the mid-2022 vintage"),
            "lo_80_then": ("see unit", "80% interval, lower, at the mid-2022 vintage"),
            "hi_80_then": ("see unit", "80% interval, upper, at the mid-2022 vintage"),
            "vintage_now": ("date", "the run's vintage (the newest data when none is given)"),
            "value_now": ("see unit", "central forecast at the run's vintage"),
            "lo_80_now": ("see unit", "80% interval, lower, at the run's vintage"),
            "hi_80_now": ("see unit", "80% interval, upper, at the run's vintage"),
            "change": ("see unit", "value_now - value_then"),
            "new_releases": ("", "raw tables with rows released between the two vintages: table (rows, first to last release)"),
        },
        "this run's key-figures tables at two vintages; data/raw release dates",
    ),
}
