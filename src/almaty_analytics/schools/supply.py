"""Supply: seats as planned by funding source, replaced by the places opened in years already past, the delivery draws
(share delivered, delay) and the seats they place in each school year."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..tablespec import TableSpec
from .pupils import school_year

PLAN_SOURCES = ("budget", "branch", "memorandum", "private")
FUNDING_SOURCES = (*PLAN_SOURCES, "post_2025", "private_post_2025")  # after 2025: budget schools and the private-investment stream
OPENED = "opened"  # places the city says opened in a year already past: observed, no delivery risk
SOURCES = (*FUNDING_SOURCES, OPENED)
COSTED_SOURCES = ("budget", "post_2025")  # sources built at the standard unit cost (the programme gives no other cost)


def plan_years(plan: pd.DataFrame) -> range:
    """The years of the programme's build plan: its first to its last yearly row (2022-2025)."""
    years = plan["year"].dropna().astype(int)
    return range(years.min(), years.max() + 1)


def planned_seats(plan: pd.DataFrame, last_year: int, *, rate_after_2025: float, school_size: int, private_after_2025: float = 0.0) -> pd.DataFrame:
    """Seats as planned by commissioning year and funding source: year, funding_source, schools, seats.

    The programme gives schools by year and seats per funding source for its plan years (2022-2025);
    a source's seats are spread over its years in proportion to the schools; sources with no yearly
    split (private) are spread evenly over the plan years. After the plan (2026 on), up to ``last_year``,
    ``rate_after_2025`` budget schools of ``school_size`` seats a year and ``private_after_2025`` places a year of the
    private-investment stream (no school count: its schools have no standard size).
    """
    years = plan_years(plan)
    rows = []
    for source in PLAN_SOURCES:
        rows_for = plan[plan["funding_source"] == source]
        total = rows_for[rows_for["year"].isna()]
        if total.empty:
            raise ValueError(f"build plan: no total row (empty year) for funding source {source!r}")
        seats = float(total["seats_thousand"].iloc[0]) * 1000
        yearly = rows_for.dropna(subset=["year"])
        if yearly.empty:
            yearly = pd.DataFrame({"year": years, "schools": float(total["schools"].iloc[0]) / len(years)})
        for _, row in yearly.iterrows():
            share = float(row["schools"]) / float(yearly["schools"].sum())
            rows.append({"year": int(row["year"]), "funding_source": source, "schools": float(row["schools"]), "seats": seats * share})
    for year in range(years[-1] + 1, last_year + 1):
        rows.append({"year": year, "funding_source": "post_2025", "schools": rate_after_2025, "seats": rate_after_2025 * school_size})
        if private_after_2025 > 0:
            rows.append({"year": year, "funding_source": "private_post_2025", "schools": np.nan, "seats": private_after_2025})
    return pd.DataFrame(rows, columns=["year", "funding_source", "schools", "seats"])


NEWER_PLAN_YEARS = (2024, 2025)  # the December 2023 plan: places to open in 2024-2025 (dated_statements, published 2023-12-21)
NEWER_PLAN = {  # funding source -> the dated_statements parts of that plan it replaces the programme's plan of those years with
    "budget": ("state_school_places_planned_2024_2025", "ppp_school_places_planned_2024_2025"),
    "memorandum": ("memorandum_school_places_planned_2024_2025",),
}


def newer_plan(statements: pd.DataFrame) -> dict[str, float]:
    """Seats of the December 2023 plan for 2024-2025 by funding source (``NEWER_PLAN``); empty unless ``statements`` hold every part."""
    values = statements.sort_values("date", kind="stable").groupby("indicator")["value"].last()
    if not all(name in values.index for names in NEWER_PLAN.values() for name in names):
        return {}
    return {source: float(values[list(names)].sum()) for source, names in NEWER_PLAN.items()}


def with_newer_plan(planned: pd.DataFrame, statements: pd.DataFrame) -> pd.DataFrame:
    """``planned`` with the budget and memorandum seats of 2024-2025 replaced by the December 2023 plan where the vintage's
    ``statements`` hold every part of it: 13 state schools for 23.1 thousand and a PPP school for 2 thousand (budget), 8
    memorandum schools for 12 thousand, half in each year (the statement gives no yearly split) and no school count (its
    schools are not of the standard size). Branches and private schools, which it does not name, keep the programme's plan;
    the plan keeps its delivery risk (a plan, not an opening)."""
    parts = newer_plan(statements)
    if not parts:
        return planned
    replaced = planned["funding_source"].isin(NEWER_PLAN) & planned["year"].isin(NEWER_PLAN_YEARS)
    newer = pd.DataFrame(
        [{"year": year, "funding_source": source, "schools": np.nan, "seats": seats / len(NEWER_PLAN_YEARS)} for source, seats in parts.items() for year in NEWER_PLAN_YEARS]
    )
    return pd.concat([planned[~replaced], newer], ignore_index=True).sort_values(["year", "funding_source"], kind="stable").reset_index(drop=True)


def with_openings(planned: pd.DataFrame, seat_year: int, opened: pd.Series) -> pd.DataFrame:
    """The plan after the seat base: rows of years up to ``seat_year`` are in the base; a year with places opened
    (``opened``: calendar year -> places, every source together) has one ``opened`` row instead of its plan."""
    kept = planned[(planned["year"] > seat_year) & ~planned["year"].isin(opened.index)]
    if opened.empty:
        return kept.reset_index(drop=True)
    observed = pd.DataFrame({"year": opened.index.astype(int), "funding_source": OPENED, "schools": np.nan, "seats": opened.to_numpy()})
    return pd.concat([kept, observed], ignore_index=True)


@dataclass(frozen=True)
class DeliveryRisk:
    share: float  # mean share of the planned seats ever delivered
    delay: float  # mean delay, years (Poisson)


def delivery_risks(params: dict) -> dict[str, DeliveryRisk]:
    """The delivery risk of every funding source from the parameters ``delivery_<source>`` and ``delay_<source>``; none for places opened."""
    unset = [name for s in FUNDING_SOURCES for name in (f"delivery_{s}", f"delay_{s}") if params.get(name) is None]
    if unset:
        raise ValueError(f"delivery: parameters {unset} unset; expected numbers (schools.delivery_parameters fills them from the vintage's fit)")
    return {s: DeliveryRisk(params[f"delivery_{s}"], params[f"delay_{s}"]) for s in FUNDING_SOURCES} | {OPENED: DeliveryRisk(1.0, 0.0)}


def draw_delivery(
    planned: pd.DataFrame, risks: dict[str, DeliveryRisk], concentration: float, n: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(n, rows) delivered shares and integer delays, one independent draw per planned row.

    Share ~ Beta(m * c, (1 - m) * c) with mean m = risk.share and concentration c (the
    share itself when m is 0 or 1); delay ~ Poisson(risk.delay) (0 when the mean is 0).
    """
    unknown = set(planned["funding_source"]) - set(risks)
    if unknown:
        raise ValueError(f"delivery: no risk for funding source(s) {sorted(unknown)}; expected {list(SOURCES)}")
    shares = np.empty((n, len(planned)))
    delays = np.empty((n, len(planned)), dtype=int)
    for j, source in enumerate(planned["funding_source"]):
        risk = risks[source]
        if 0 < risk.share < 1:
            shares[:, j] = rng.beta(risk.share * concentration, (1 - risk.share) * concentration, n)
        else:
            shares[:, j] = risk.share
        delays[:, j] = rng.poisson(risk.delay, n) if risk.delay > 0 else 0
    return shares, delays


def place_seats(planned: pd.DataFrame, shares: np.ndarray, delays: np.ndarray, years: list[int]) -> dict[str, np.ndarray]:
    """Seats first serving each school year, per funding source: (n, len(years)) arrays.

    Row j of ``planned`` delivers seats x shares[:, j] in year + delays[:, j]; seats that arrive
    before the first year are in service in it, those after the last year are outside the horizon.
    """
    first = years[0]
    out = {s: np.zeros((shares.shape[0], len(years))) for s in SOURCES}
    draws = np.arange(shares.shape[0])
    for j, (year, source, seats) in enumerate(planned[["year", "funding_source", "seats"]].itertuples(index=False)):
        index = np.maximum(int(year) + delays[:, j] - first, 0)
        inside = (index >= 0) & (index < len(years))
        np.add.at(out[source], (draws[inside], index[inside]), seats * shares[inside, j])
    return out


def expected_seats_per_rate(risk: DeliveryRisk, school_size: int, by_year: int, from_year: int) -> float:
    """Expected post-plan seats in service by ``by_year`` per school a year built from ``from_year`` (the year after the plan)."""
    total = 0.0
    for year in range(from_year, by_year + 1):
        k = by_year - year
        total += sum(math.exp(-risk.delay) * risk.delay**i / math.factorial(i) for i in range(k + 1))
    return risk.share * school_size * total


def pipeline_table(planned: pd.DataFrame, arrivals: dict[str, np.ndarray], years: list[int], unit_cost: float) -> pd.DataFrame:
    """The published ``school_build_pipeline``: seats planned and delivered (mean and 80% range) by school year and source."""
    rows = []
    plan = planned.set_index(["year", "funding_source"])
    for source in SOURCES:
        expected = arrivals[source].mean(axis=0)
        lo, hi = np.quantile(arrivals[source], [0.1, 0.9], axis=0)
        for i, year in enumerate(years):
            schools = float(plan["schools"].get((year, source), 0.0))
            seats = float(plan["seats"].get((year, source), 0.0))
            if seats == 0 and expected[i] == 0:
                continue
            cost = schools * unit_cost if source in COSTED_SOURCES else np.nan
            rows.append(
                {
                    "school_year": school_year(year),
                    "funding_source": source,
                    "schools_planned": round(schools, 2),
                    "seats_planned": round(seats),
                    "seats_expected": round(expected[i]),
                    "seats_lo_80": round(lo[i]),
                    "seats_hi_80": round(hi[i]),
                    "cost_bn_kzt": round(cost, 1),
                }
            )
    return pd.DataFrame(rows)


TABLES: dict[str, TableSpec] = {
    "school_build_pipeline": TableSpec(
        "Seats planned and seats expected after delivery risk, by school year and funding source",
        {
            "school_year": ("", "school year the new seats first serve (commissioned by September)"),
            "funding_source": (
                "",
                "budget, branch, memorandum, private (programme 2022-2025), post_2025 (budget build rate), private_post_2025 (private-investment stream, 130 bn to 2030) or opened (places the city says opened, replacing that year's plan)",
            ),
            "schools_planned": ("schools", "schools planned to open that year; empty for opened places (the statements count objects, not schools) and the private stream after 2025"),
            "seats_planned": ("seats", "seats planned to open that year (opened: the places opened)"),
            "seats_expected": ("seats", "seats first serving that year, mean over the delivery draws (late seats of earlier years included)"),
            "seats_lo_80": ("seats", "10th percentile over the delivery draws"),
            "seats_hi_80": ("seats", "90th percentile"),
            "cost_bn_kzt": (
                "billion KZT",
                "planned budget and post-2025 schools at the standard unit cost (construction + land); empty where the programme gives no cost",
            ),
        },
        "build plan: 001_22452510f78b59ea.txt:2918-2928 (data/raw/programme_school_build_plan.csv); places opened and delivery track record: data/raw/dated_statements.csv",
    ),
}
