"""The seat balance: the supply draws (seat base and delivery, one per population trajectory), state pupils against
usable seats under each regime, the ``school_seats`` rows with the gross shortfall, and the uncertainty's three parts."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..tablespec import TableSpec
from .base import SchoolBase
from .gross import SchoolLoads, two_group_shortfall
from .pupil_projection import TABLE_SOURCE, Pupils
from .pupils import school_year
from .supply import SOURCES, delivery_risks, draw_delivery, place_seats, planned_seats, with_newer_plan, with_openings

THRESHOLDS = (0, 5_000, 10_000)  # deficit thresholds for probabilities, seats
DELIVERY_SEED_OFFSET = 9  # the delivery draws use their own random stream (seed + 9), independent of the population's
CURRENT = "current"  # the regime of seats as the programme counts them


def deficits(state_pupils: np.ndarray, seats: np.ndarray) -> np.ndarray:
    """Pupils minus usable seats (positive = shortage); broadcasts over trajectories."""
    return state_pupils - seats


def regime_factor(shifts: float, current_shifts: float) -> float:
    """Usable seats under a hypothetical shift regime relative to the current one (no source gives today's shifts)."""
    return shifts / current_shifts


def schools_needed(deficit: float, school_size: int) -> int:
    return max(0, math.ceil(deficit / school_size))


def _width(x: np.ndarray) -> np.ndarray:
    lo, hi = np.quantile(x, [0.1, 0.9], axis=0)
    return hi - lo


@dataclass(frozen=True)
class Supply:
    """The supply draws, one per population trajectory: the seat base and the delivery of the build plan."""

    seat_pupils: np.ndarray  # (n,) state pupils in the seat-base year
    base_seats: np.ndarray  # (n,) usable state seats in the seat-base year
    planned: pd.DataFrame  # planned_seats after the seat base, places opened replacing their years' plans
    arrivals: dict[str, np.ndarray]  # source -> (n, years) seats first serving each school year
    new_state: np.ndarray  # (n, years) state seats (and places opened) added after the seat base, cumulative
    new_private: np.ndarray  # (n, years) state pupils taken by private places opened after the first projected year
    plan_seats: np.ndarray  # (years,) usable state seats if every school opens on time
    plan_private: np.ndarray  # (years,) state pupils taken by private places if they open on time


def draw_supply(params: dict, base: SchoolBase, plan: pd.DataFrame, years: list[int], n: int, statements: pd.DataFrame | None = None) -> Supply:
    """``n`` draws of the seat base (uniform within the sources' ranges) and of the delivery, on their own random stream (seed + 9).

    Places opened count one for one against the deficit, as state seats (the statements do not split them all by sector).
    The December 2023 plan replaces the programme's budget and memorandum plan of 2024-2025 where ``statements`` (the vintage's)
    hold it (``with_newer_plan``).
    """
    rng = np.random.default_rng(params["seed"] + DELIVERY_SEED_OFFSET)
    seat_pupils = rng.uniform(*base.seat_pupils, n)
    seat_deficit = rng.uniform(*base.seat_deficit, n)
    base_seats = seat_pupils - seat_deficit
    planned = planned_seats(
        plan, years[-1], rate_after_2025=params["build_rate_after_2025"], school_size=params["school_size"], private_after_2025=params["private_places_after_2025"]
    )
    planned = with_openings(planned if statements is None else with_newer_plan(planned, statements), base.seat_year, base.opened)
    shares, delays = draw_delivery(planned, delivery_risks(params), params["delivery_concentration"], n, rng)
    arrivals = place_seats(planned, shares, delays, years)
    on_plan = place_seats(planned, np.ones((1, len(planned))), np.zeros((1, len(planned)), dtype=int), years)
    state_sources = [s for s in SOURCES if s != "private"]
    private_open = arrivals["private"].cumsum(axis=1)
    plan_private = on_plan["private"].cumsum(axis=1)[0]
    taken = params["private_places_from_state"]
    return Supply(
        seat_pupils=seat_pupils,
        base_seats=base_seats,
        planned=planned,
        arrivals=arrivals,
        new_state=sum(arrivals[s] for s in state_sources).cumsum(axis=1),
        new_private=(private_open - private_open[:, :1]) * taken,  # places open in the first projected year are in its pupil base
        plan_seats=base_seats.mean() + sum(on_plan[s] for s in state_sources).cumsum(axis=1)[0],
        plan_private=(plan_private - plan_private[0]) * taken,
    )


def central_state_pupils(pupils: Pupils, supply: Supply, private_share: float) -> np.ndarray:
    """(years,) state pupils on the central path: the state share of all pupils less those the new private places take (expected)."""
    return pupils.total * (1 - private_share) - supply.new_private.mean(axis=0)


def seat_rows(
    params: dict, pupils: Pupils, supply: Supply, base: SchoolBase, years: list[int], regimes: dict[str, float], loads: SchoolLoads
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The ``school_seats`` table (the seat-base year, observed, when before the first projected year, then every projected
    year, per regime) and the simulated net deficits per regime.

    Each draw pairs a population trajectory with a supply draw; the central deficit is the central pupils
    minus the expected seats; usable seats scale by the regime's factor. The gross shortfall (``gross``) is shown
    under the current regime only (the hypothetical regime has no school-level statement).
    """
    private_share = base.private_share
    state_simulated = pupils.simulated_total * (1 - private_share) - supply.new_private
    state_central = central_state_pupils(pupils, supply, private_share)
    state_on_plan = pupils.total * (1 - private_share) - supply.plan_private
    unit_cost = params["school_cost_bn"] + params["land_cost_bn"]
    base_pupils, base_seats = supply.seat_pupils[:, None], supply.base_seats[:, None]

    def gross(pupils_state, seats, at_pupils=base_pupils, at_seats=base_seats, margin=params["operating_margin"]):
        return two_group_shortfall(pupils_state, seats, at_pupils, at_seats, loads, margin, params["seats_to_overloaded_ratio"])

    rows, simulated_by_regime = [], {}
    for regime, factor in regimes.items():
        seats_simulated = (base_seats + supply.new_state) * factor
        simulated = deficits(state_simulated, seats_simulated)
        simulated_by_regime[regime] = simulated
        seats_central = seats_simulated.mean(axis=0)
        central = deficits(state_central, seats_central)
        on_plan = deficits(state_on_plan, supply.plan_seats * factor)
        lo, hi = np.quantile(simulated, [0.1, 0.9], axis=0)
        shown = regime == CURRENT
        gross_simulated = gross(state_simulated, seats_simulated) if shown else None
        at_mean_base = (supply.seat_pupils.mean(), supply.base_seats.mean())
        gross_central = gross(state_central, seats_central, *at_mean_base) if shown else None
        programme_measure = gross(state_central, seats_central, *at_mean_base, margin=0.0) if shown else None  # the programme's: no margin
        if base.seat_year < years[0]:
            seats_base = supply.base_seats * factor
            observed = deficits(supply.seat_pupils, seats_base)
            seat_pupils = supply.seat_pupils.mean()
            at_base = (supply.seat_pupils, supply.base_seats)
            gross_base = gross(*at_base, *at_base) if shown else None
            programme_base = gross(*at_base, *at_base, margin=0.0) if shown else None
            rows.append(
                _row(
                    base.seat_year, regime, seat_pupils, seat_pupils / (1 - private_share) * private_share, seats_base.mean(), observed,
                    observed.mean(), observed.mean(), params["school_size"], unit_cost,
                )
                | _gross_columns(gross_base, None if gross_base is None else gross_base.mean(), None if programme_base is None else programme_base.mean())
            )
        for i, year in enumerate(years):
            rows.append(
                _row(
                    year, regime, state_central[i], pupils.total[i] - state_central[i], seats_central[i], simulated[:, i], central[i], on_plan[i],
                    params["school_size"], unit_cost, lo[i], hi[i],
                )
                | _gross_columns(
                    None if gross_simulated is None else gross_simulated[:, i], None if gross_central is None else gross_central[i],
                    None if programme_measure is None else programme_measure[i],
                )
            )
    return pd.DataFrame(rows), simulated_by_regime


def _gross_columns(simulated: np.ndarray | None, central: float | None, without_margin: float | None) -> dict:
    """The gross-shortfall columns of a ``school_seats`` row: central, 80% interval and chance of a shortfall, and the central
    gross shortfall without the operating margin, the programme's own measure (empty without draws)."""
    if simulated is None:
        return {"gross_shortfall": np.nan, "gross_lo_80": np.nan, "gross_hi_80": np.nan, "p_gross_over_0": np.nan, "gross_no_margin": np.nan}
    lo, hi = np.quantile(simulated, [0.1, 0.9])
    return {
        "gross_shortfall": round(float(central)), "gross_lo_80": round(lo), "gross_hi_80": round(hi), "p_gross_over_0": round(float((simulated > 0).mean()), 3),
        "gross_no_margin": round(float(without_margin)),
    }


def _row(year, regime, pupils, private, seats, simulated, central, on_plan, school_size, unit_cost, lo=None, hi=None) -> dict:
    if lo is None:
        lo, hi = np.quantile(simulated, [0.1, 0.9])
    needed = schools_needed(central, school_size)
    row = {
        "school_year": school_year(year),
        "pupils_state": round(pupils),
        "pupils_private": round(private),
        "seats": round(seats),
        "deficit": round(central),
        "deficit_lo_80": round(lo),
        "deficit_hi_80": round(hi),
        "deficit_on_plan": round(on_plan),
    }
    row |= {f"p_deficit_over_{t}": round(float((simulated > t).mean()), 3) for t in THRESHOLDS}
    row |= {"schools_needed": needed, "cost_bn_kzt": round(needed * unit_cost, 1), "regime": regime}
    return row


VARIANCE_FLOOR = 1e-6  # seats squared: a variance below this is rounding noise of identical draws (a year with no uncertainty)


def uncertainty_table(years: list[int], pupils: np.ndarray, base: np.ndarray, delivered: np.ndarray) -> pd.DataFrame:
    """Variance shares and 80% widths of the deficit's three independent parts: population, seat base, delivery."""
    parts = {"population": pupils, "seat_base": np.broadcast_to(base[:, None], pupils.shape), "delivery": delivered}
    variances = {k: np.where(v.var(axis=0) > VARIANCE_FLOOR, v.var(axis=0), 0.0) for k, v in parts.items()}  # noise of equal draws is 0
    total = sum(variances.values())
    total = np.where(total > 0, total, 1.0)
    width = _width(pupils - base[:, None] - delivered)
    frame = pd.DataFrame({"school_year": [school_year(y) for y in years], "width_80": width.round()})
    for k, v in parts.items():
        frame[f"width_80_{k}_only"] = _width(v).round()
    for k, var in variances.items():
        frame[f"variance_share_{k}"] = (var / total).round(3)
    return frame


# Tables of the balance (schools.TABLES composes them in the order of the report).
TABLES: dict[str, TableSpec] = {
    "school_seats": TableSpec(
        "State-school pupils, usable seats, the net seat balance and the gross shortfall by school year from the seat-base year (observed, when before the first projected year), under the current regime and a hypothetical shift regime",
        {
            "school_year": ("", "school year starting in September, e.g. 2025/26; the first row is the observed seat-base year when it precedes the projection"),
            "pupils_state": ("pupils", "state-school pupils, central projection (seat-base year: counted, or the middle of the programme's 'more than 280' thousand of 2021/22)"),
            "pupils_private": ("pupils", "private-school pupils (private share plus new private places)"),
            "seats": ("seats", "usable state-school seats under the regime, expected over the delivery draws"),
            "deficit": ("seats", "NET city balance: pupils_state - seats; positive = shortage (central population, expected delivery); a spare seat anywhere offsets a shortage anywhere"),
            "deficit_lo_80": ("seats", "10th percentile over paired population and delivery draws (population, seat base and delivery uncertainty)"),
            "deficit_hi_80": ("seats", "90th percentile, same draws"),
            "deficit_on_plan": ("seats", "deficit if every planned school opens on time (no delivery risk)"),
            "p_deficit_over_0": ("probability", "share of draws with a shortage"),
            "p_deficit_over_5000": ("probability", "share of draws with a shortage above 5,000 seats"),
            "p_deficit_over_10000": ("probability", "share of draws with a shortage above 10,000 seats"),
            "schools_needed": ("schools", "standard schools (school_size seats) that would close the central deficit"),
            "cost_bn_kzt": ("billion KZT", "their cost: construction plus land (programme unit costs, line 2803)"),
            "regime": ("", "current (seats as the programme counts them) or N_shift_hypothetical (seats scaled by N / current_shifts: no source gives today's shifts)"),
            "gross_shortfall": ("seats", "GROSS shortfall: sum of the shortfalls of the overloaded schools with the operating margin (schools/gross.py); current regime only"),
            "gross_lo_80": ("seats", "10th percentile of the gross shortfall over the same draws"),
            "gross_hi_80": ("seats", "90th percentile of the gross shortfall"),
            "p_gross_over_0": ("probability", "share of draws with a gross shortfall"),
            "gross_no_margin": (
                "seats",
                "central gross shortfall without the operating margin: the programme's own measure of its 19.6 thousand and of its deficit targets "
                "(lines 2801, 2984), which school_targets compares with; current regime only",
            ),
        },
        TABLE_SOURCE,
    ),
    "school_uncertainty": TableSpec(
        "How much of the deficit's uncertainty comes from the population, the seat base and the delivery of schools",
        {
            "school_year": ("", "school year starting in September"),
            "width_80": ("seats", "width of the deficit's 80% interval, all parts together"),
            "width_80_population_only": ("seats", "80% width of state pupils over the population trajectories alone"),
            "width_80_seat_base_only": ("seats", "80% width of the seat base alone"),
            "width_80_delivery_only": ("seats", "80% width of the seats (and private places) delivered alone"),
            "variance_share_population": ("share", "population share of the deficit's variance (parts independent: shares add to 1)"),
            "variance_share_seat_base": ("share", "seat-base share of the variance"),
            "variance_share_delivery": ("share", "delivery share of the variance"),
        },
        TABLE_SOURCE,
    ),
}
