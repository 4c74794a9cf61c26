"""What closing the gap takes: build rates after the plan (funded, used, the programme's need, the rate that closes the
2030/31 gap), the deficit with and without the private-investment stream, and the programme's deficit targets."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..tablespec import TableSpec
from .balance import CURRENT, schools_needed
from .pupils import school_year
from .sources import FIGURES, figure_year, funded_build_rate, programme_figure
from .supply import delivery_risks, expected_seats_per_rate


def build_rates(params: dict, figures: pd.DataFrame, seats: pd.DataFrame, years: list[int], after_plan: int) -> dict[str, float]:
    """Build rates from ``after_plan`` (the year after the plan): the funded one, the one used, the programme's need and
    the one closing the gap of the programme's 2030 target year."""
    rates = {
        "funded": funded_build_rate(figures, after_plan),
        "used": params["build_rate_after_2025"],
        "programme_need": programme_figure(figures, "schools_needed_per_year"),
    }
    target_year = figure_year(figures, "target_2030")
    if target_year in years:
        risk = delivery_risks(params)["post_2025"]
        per_rate = expected_seats_per_rate(risk, params["school_size"], target_year, after_plan)
        deficit = float(seats[seats["regime"] == CURRENT].set_index("school_year").loc[school_year(target_year), "deficit"])
        rates["closes_2030_gap"] = max(0.0, params["build_rate_after_2025"] + deficit / per_rate) if per_rate > 0 else math.inf
    return rates


def build_rates_table(rates: dict[str, float], params: dict, seats: pd.DataFrame, years: list[int], target_year: int, after_plan: int) -> pd.DataFrame:
    """Deficit in the target year (2030/31) and at the horizon under each build rate (linear in the rate: expected seats per school a year)."""
    current = seats[seats["regime"] == CURRENT].set_index("school_year")["deficit"]
    risk = delivery_risks(params)["post_2025"]
    notes = {
        "funded": "2026-2030 budget: construction + land (line 2980) / (5.2 + 5 bn a school, line 2803) / 5 years",
        "used": "build_rate_after_2025 in this run",
        "programme_need": "'at least 6 new schools a year' are needed (line 2918): a need, not a plan",
        "closes_2030_gap": "rate after 2025 that brings the central 2030/31 deficit to zero, with the same delivery risk",
    }
    rows = []
    for name, rate in rates.items():
        row = {"rate": name, "schools_per_year": round(rate, 2), "seats_per_year": round(rate * params["school_size"])}
        for label, year in (("deficit_2030_31", target_year), ("deficit_horizon", years[-1])):
            if year in years:
                per_rate = expected_seats_per_rate(risk, params["school_size"], year, after_plan)
                row[label] = round(float(current[school_year(year)]) - (rate - params["build_rate_after_2025"]) * per_rate)
            else:
                row[label] = np.nan
        rows.append(row | {"note": notes[name]})
    return pd.DataFrame(rows)


def supply_cases(params: dict, seats: pd.DataFrame, years: list[int], target_year: int, after_plan: int) -> pd.DataFrame:
    """Deficit in the target year and at the horizon with the private-investment stream after 2025 as funded (this run) and without
    it, the budget-only stress case (linear in the stream: its expected places per place a year)."""
    current = seats[seats["regime"] == CURRENT].set_index("school_year")["deficit"]
    risk = delivery_risks(params)["private_post_2025"]
    rows = []
    for case, places in (("as_funded", params["private_places_after_2025"]), ("budget_only", 0.0)):
        row = {"case": case, "private_places_per_year": round(places)}
        for label, year in (("deficit_2030_31", target_year), ("deficit_horizon", years[-1])):
            per_place = expected_seats_per_rate(risk, 1, year, after_plan)
            row[label] = round(float(current[school_year(year)]) + (params["private_places_after_2025"] - places) * per_place) if year in years else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def targets_table(seats: pd.DataFrame, figures: pd.DataFrame, params: dict, unit_cost: float) -> pd.DataFrame:
    """The programme's deficit targets (2025/26, 2030/31) against the projected shortfall on the targets' own measure, with
    the standard schools beyond the plan that would meet each and their cost; a target year outside the projection has no row.

    The targets bring the programme's 19.6 thousand down to 7.3 and 4.3 thousand (line 2984): that figure is the overload
    of the 37 overloaded schools, a gross figure without a margin (``gross``), so each target is compared with the central
    gross shortfall without the operating margin (``gross_no_margin``), never with the net city balance, where a spare seat
    far from the centre would count against an overload it does not relieve. The schools that would meet a target are
    counted as built where the overload is (each seat relieves a seat of the shortfall): the fewest that could."""
    current = seats[seats["regime"] == CURRENT].set_index("school_year")
    rows = []
    for key in ("target_2025", "target_2030"):
        label = school_year(figure_year(figures, key))
        if label not in current.index:
            continue
        target = programme_figure(figures, key)
        projected = float(current.loc[label, "gross_no_margin"])
        extra = schools_needed(projected - target, params["school_size"])
        source = figures.set_index("figure_id").loc[FIGURES[key], "source"]
        rows.append(
            {
                "school_year": label,
                "target_deficit": target,
                "projected_gross": projected,
                "gap": projected - target,
                "extra_schools": extra,
                "extra_cost_bn_kzt": round(extra * unit_cost, 1),
                "source": source,
            }
        )
    return pd.DataFrame(
        rows, columns=["school_year", "target_deficit", "projected_gross", "gap", "extra_schools", "extra_cost_bn_kzt", "source"]
    )


# Tables of the build rates and targets (schools.TABLES composes them in the order of the report).
TABLES: dict[str, TableSpec] = {
    "school_build_rates": TableSpec(
        "Schools a year after 2025: what is funded, what the programme says is needed, and what would close the 2030/31 gap",
        {
            "rate": ("", "funded, used (this run), programme_need or closes_2030_gap"),
            "schools_per_year": ("schools per year", "standard schools commissioned a year from 2026"),
            "seats_per_year": ("seats per year", "their seats"),
            "deficit_2030_31": ("seats", "central deficit in 2030/31 at this rate (expected delivery)"),
            "deficit_horizon": ("seats", "central deficit in the last school year at this rate"),
            "note": ("", "where the rate comes from"),
        },
        "001_22452510f78b59ea.txt:2803, 2918, 2980",
    ),
    "school_supply_cases": TableSpec(
        "The deficit with the post-2025 private-investment stream as funded and without it (budget only, a stress case)",
        {
            "case": ("", "as_funded (private_places_after_2025 of this run) or budget_only (no private places after 2025)"),
            "private_places_per_year": ("seats_per_year", "private-investment places planned a year from 2026"),
            "deficit_2030_31": ("seats", "central net deficit in 2030/31 (expected delivery)"),
            "deficit_horizon": ("seats", "central net deficit in the last school year"),
        },
        "001_22452510f78b59ea.txt:2966, 2980; schools/targets.py",
    ),
    "school_targets": TableSpec(
        "The programme's deficit targets against the projected gross shortfall without margin, the targets' own measure (current regime)",
        {
            "school_year": ("", "target school year"),
            "target_deficit": ("seats", "programme target: the overload of the overloaded schools it aims at (gross, no margin)"),
            "projected_gross": ("seats", "central gross shortfall without the operating margin (school_seats.gross_no_margin), not the net balance"),
            "gap": ("seats", "projected_gross - target; positive = target missed"),
            "extra_schools": ("schools", "standard schools beyond the plan needed to meet the target, built where the overload is (the fewest that could)"),
            "extra_cost_bn_kzt": ("billion KZT", "their cost (construction + land)"),
            "source": ("", "programme line of the target"),
        },
        "targets: 001_22452510f78b59ea.txt:2984",
    ),
}
