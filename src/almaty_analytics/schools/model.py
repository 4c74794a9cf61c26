"""The forecast as a whole: pupils, usable seats and the deficit by school year, with its intervals, regimes, targets and build rates."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import keyfigures
from ..enrolment import GRADES, Calibration, calibrate, grade_cohorts, pupils_by_grade
from ..tablespec import TableSpec
from . import sensitivity
from .base import SchoolBase, school_base
from .delivery import delivery_parameters, delivery_record, fit_basis, fit_delivery, record_table
from .districts import check_capacity, district_deficits, missing_capacity, pupils_by_district
from .gross import SchoolLoads, two_group_shortfall
from .pupils import (
    COMPONENTS,
    backcast_population,
    growth_components,
    pupil_share,
    school_year,
    school_year_start,
    share_drift,
)
from .sources import FIGURES, figure_year, funded_build_rate, programme_figure, school_loads
from .supply import (
    NEWER_PLAN,
    NEWER_PLAN_YEARS,
    SOURCES,
    DeliveryRisk,
    delivery_risks,
    draw_delivery,
    expected_seats_per_rate,
    newer_plan,
    pipeline_table,
    place_seats,
    plan_years,
    planned_seats,
    with_newer_plan,
    with_openings,
)

THRESHOLDS = (0, 5_000, 10_000)  # deficit thresholds for probabilities, seats
DELIVERY_SEED_OFFSET = 9  # the delivery draws use their own random stream (seed + 9), independent of the population's
CURRENT = "current"  # the regime of seats as the programme counts them
KEY_FIGURES = "school_key_figures"  # the table of this domain the index and the summary read (keyfigures)


@dataclass
class SchoolForecast:
    """Everything the school report shows: the published tables and the typed values behind them."""

    school_years: list[int]  # the seat-base year (when before the first projected year), then the population's years to the horizon
    calibration: Calibration
    tables: dict[str, pd.DataFrame]
    deficits: dict[str, np.ndarray]  # regime -> (n, years) simulated deficits, years from the population's first
    rates: dict[str, float]  # build rates after the plan: funded, used, programme need, needed to close the 2030/31 gap
    pupil_share_drift: float
    compared_regime: str  # the regime compared with the current one, e.g. 1_shift_25_per_class
    delivery_fit: dict[str, DeliveryRisk]  # record group -> share and delay fitted on the vintage's delivery record
    delivery_basis: dict[str, str]  # record group -> fit, prior share and fitted delay, or prior (delivery.fit_basis)
    delivery_parameters: dict[str, float]  # every delivery_<source> and delay_<source> in force: given, or the fit's default
    newer_plan: dict[str, float]  # funding source -> seats of the December 2023 plan for 2024-2025 replacing the programme's (empty: not in the vintage)
    programme_newer_years: dict[str, float]  # funding source -> the programme's seats of those years and sources (what the newer plan replaces)
    loads: SchoolLoads  # the school-level statements the gross shortfall is built from
    capacity_missing: list[str]  # districts with no typed capacity
    capacity_districts: int  # districts in the planners' capacity table
    base: SchoolBase  # what the vintage gave: base school year, private share, seat base, places opened
    population_digest: str = ""  # of the population forecast the pupils come from (set by compute)
    sources: dict[str, pd.DataFrame] = field(default_factory=dict)  # the report's cited sources (set by results)

    @property
    def first_year(self) -> int:
        """The first projected school year (its start): the population forecast's first year."""
        return school_year_start(self.tables["school_pupil_share"]["school_year"].iloc[0])

    def seats(self, regime: str = CURRENT) -> pd.DataFrame:
        """The ``school_seats`` rows of ``regime`` indexed by school year."""
        table = self.tables["school_seats"]
        return table[table["regime"] == regime].set_index("school_year")

    def deficit(self, label: str, regime: str = CURRENT) -> float:
        """The central deficit of school year ``label`` (e.g. "2030/31") under ``regime``."""
        return float(self.seats(regime).loc[label, "deficit"])


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
class Pupils:
    """Pupils in all schools by the grade-progression method, on the central path and on every population trajectory."""

    calibration: Calibration
    cohorts: np.ndarray  # (years, 11) children of each grade's age mix, central path
    by_grade: np.ndarray  # (years, 11) pupils, central path
    total: np.ndarray  # (years,) pupils, central path
    simulated_total: np.ndarray  # (n, years) pupils per population trajectory
    before_base: float  # all pupils the calibrated coverage gives the school year before the base one (its children backcast)
    path: np.ndarray  # (steps, 11) children of each grade's age mix from the school year before the base one, backcast, then the projection


def project_pupils(pop, figures: pd.DataFrame, base: SchoolBase) -> Pupils:
    """Pupils from the population forecast ``pop``, calibrated on the base school year's counted state pupils and the programme's first-to-last ratio.

    School year t/t+1 takes the population of 1 January t, from the forecast's first year. A base school year before
    it takes the first year's children backcast by the projection's own cohort change (``backcast_population``).
    """
    central_population, simulated_population = pop.central_population(), pop.simulated_population()
    cohorts = grade_cohorts(central_population)
    lead = int(pop.years[0]) - base.school_year
    cohorts_base = cohorts[0] if lead == 0 else grade_cohorts(backcast_population(central_population, lead))
    first_to_last = programme_figure(figures, "first_to_last")
    calibration = calibrate(cohorts_base, base.state_pupils, base.private_share, first_to_last, base.school_year)
    by_grade = pupils_by_grade(cohorts, calibration)
    simulated_total = pupils_by_grade(grade_cohorts(simulated_population), calibration).sum(axis=-1)
    backcast = np.stack([grade_cohorts(backcast_population(central_population, back)) for back in range(lead + 1, 0, -1)])
    before = pupils_by_grade(backcast[:1], calibration)[0].sum()
    return Pupils(calibration, cohorts, by_grade, by_grade.sum(axis=-1), simulated_total, float(before), np.concatenate([backcast, cohorts]))


PUPIL_GROWTH_STATEMENTS = (  # (dated_statements indicators low, high): restatements of the programme's yearly growth
    ("annual_pupil_inflow_statement_low", "annual_pupil_inflow_statement_high"),
    ("pupil_growth_per_year_statement_low", "pupil_growth_per_year_statement_high"),
)
PROJECTED_STEPS = 3  # first projected steps the growth table shows


def pupil_growth(pupils: Pupils, state_central: np.ndarray, base: SchoolBase, years: list[int], figures: pd.DataFrame, statements: pd.DataFrame, excess_max: float) -> pd.DataFrame:
    """The published ``school_pupil_growth``: the observed change of state pupils into the base school year, the model's
    change into it (its children backcast one year at the calibrated coverage) and its first projected steps, against the
    programme's 12-14 thousand a year (line 2793) and its dated restatements."""
    rows = []
    before = base.school_year - 1
    programme_year = figure_year(figures, "seat_base_pupils")
    state_before = pupils.before_base * (1 - base.private_share)
    if programme_year == before:
        low = programme_figure(figures, "seat_base_pupils")  # 'more than 280' thousand: the change is at most counted - 280k
        rows.append(_growth(before, "observed", "state", base.state_pupils - low - excess_max, base.state_pupils - low, "001_22452510f78b59ea.txt:303; school_pupils.csv"))
    rows.append(_growth(before, "model", "state", base.state_pupils - state_before, base.state_pupils - state_before, "backcast one year, calibrated coverage"))
    state = [base.state_pupils, *state_central] if base.school_year < years[0] else list(state_central)
    total = [base.state_pupils / (1 - base.private_share), *pupils.total] if base.school_year < years[0] else list(pupils.total)
    start = min(base.school_year, years[0])
    for k in range(PROJECTED_STEPS):
        rows.append(_growth(start + k, "model", "state", state[k + 1] - state[k], state[k + 1] - state[k], "school_seats"))
        rows.append(_growth(start + k, "model", "all", total[k + 1] - total[k], total[k + 1] - total[k], "school_pupil_share"))
    rows.append(_growth(None, "programme", "all", programme_figure(figures, "growth_low"), programme_figure(figures, "growth_high"), "001_22452510f78b59ea.txt:2793"))
    values = statements.sort_values("date").groupby("indicator")[["value", "date"]].last()
    for low, high in PUPIL_GROWTH_STATEMENTS:
        if {low, high} <= set(values.index):
            rows.append(_growth(None, "stated " + values.loc[low, "date"], "all", float(values.loc[low, "value"]), float(values.loc[high, "value"]), f"dated_statements: {low}, {high}"))
    return pd.DataFrame(rows)


def growth_components_table(pupils: Pupils, base: SchoolBase) -> pd.DataFrame:
    """The published ``school_pupil_growth_components``: the model's change of all pupils into the base school year and over
    its first projected steps, split into entrants, graduates, leavers after grade 9 and the cohort change (``growth_components``)."""
    path = pupils.path[: PROJECTED_STEPS + 2]
    parts = growth_components(path, pupils.calibration)
    start = base.school_year - 1
    return pd.DataFrame(
        [
            {"step": f"{school_year(start + k)} -> {school_year(start + k + 1)}", "kind": "backcast" if k == 0 else "projected", "change": round(float(row.sum()))}
            | {name: round(float(v)) for name, v in zip(COMPONENTS, row, strict=True)}
            for k, row in enumerate(parts)
        ]
    )


def _growth(start: int | None, kind: str, sector: str, low: float, high: float, source: str) -> dict:
    step = "" if start is None else f"{school_year(start)} -> {school_year(start + 1)}"
    return {"step": step, "kind": kind, "sector": sector, "change_low": round(low), "change_high": round(high), "source": source}


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

    def gross(pupils_state, seats, at_pupils=base_pupils, at_seats=base_seats):
        return two_group_shortfall(pupils_state, seats, at_pupils, at_seats, loads, params["operating_margin"], params["seats_to_overloaded_ratio"])

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
        gross_central = gross(state_central, seats_central, supply.seat_pupils.mean(), supply.base_seats.mean()) if shown else None
        if base.seat_year < years[0]:
            seats_base = supply.base_seats * factor
            observed = deficits(supply.seat_pupils, seats_base)
            seat_pupils = supply.seat_pupils.mean()
            gross_base = gross(supply.seat_pupils, supply.base_seats, supply.seat_pupils, supply.base_seats) if shown else None
            rows.append(
                _row(
                    base.seat_year, regime, seat_pupils, seat_pupils / (1 - private_share) * private_share, seats_base.mean(), observed,
                    observed.mean(), observed.mean(), params["school_size"], unit_cost,
                )
                | _gross_columns(gross_base, None if gross_base is None else gross_base.mean())
            )
        for i, year in enumerate(years):
            rows.append(
                _row(
                    year, regime, state_central[i], pupils.total[i] - state_central[i], seats_central[i], simulated[:, i], central[i], on_plan[i],
                    params["school_size"], unit_cost, lo[i], hi[i],
                )
                | _gross_columns(None if gross_simulated is None else gross_simulated[:, i], None if gross_central is None else gross_central[i])
            )
    return pd.DataFrame(rows), simulated_by_regime


def _gross_columns(simulated: np.ndarray | None, central: float | None) -> dict:
    """The gross-shortfall columns of a ``school_seats`` row: central, 80% interval and chance of a shortfall (empty without draws)."""
    if simulated is None:
        return {"gross_shortfall": np.nan, "gross_lo_80": np.nan, "gross_hi_80": np.nan, "p_gross_over_0": np.nan}
    lo, hi = np.quantile(simulated, [0.1, 0.9])
    return {"gross_shortfall": round(float(central)), "gross_lo_80": round(lo), "gross_hi_80": round(hi), "p_gross_over_0": round(float((simulated > 0).mean()), 3)}


def key_figures_table(seats: pd.DataFrame, school_years: list[int]) -> pd.DataFrame:
    """The schools' key figures (keyfigures layout): the state-school seat deficit under the current regime of every
    school year (``school_years``: the September it starts, the order of ``seats``), with its 80% interval and the
    probability of a shortage."""
    current = seats[seats["regime"] == CURRENT]
    series = pd.DataFrame({
        "year": school_years, "value": current["deficit"].to_numpy(), "lo_80": current["deficit_lo_80"].to_numpy(),
        "hi_80": current["deficit_hi_80"].to_numpy(), "probability": current["p_deficit_over_0"].to_numpy(),
    })
    return keyfigures.table("deficit", CURRENT, "seats", series)


def forecast(
    params: dict, pop, figures: pd.DataFrame, plan: pd.DataFrame, capacity: pd.DataFrame, statements: pd.DataFrame, counts: pd.DataFrame
) -> SchoolForecast:
    """Pupils, seats and deficits by school year (the seat-base year to the horizon) from a population forecast (population.forecast)
    and the vintage's ``school_base``: the delivery fit on the vintage's record (its unset delivery parameters), ``project_pupils``,
    ``draw_supply``, ``seat_rows``, then the tables that read them."""
    years = [int(y) for y in pop.years]
    check_capacity(capacity)
    programme_plan = planned_seats(plan, years[-1], rate_after_2025=0, school_size=params["school_size"])
    record_plans, record_openings = delivery_record(statements, programme_plan, str(plan["published"].max()))
    fit = fit_delivery(record_plans, record_openings)
    params = params | delivery_parameters(params, fit)  # unset delivery parameters: this vintage's fit
    base = school_base(counts, figures, statements, years[0], params["pupils_2021_excess_max"])
    pupils = project_pupils(pop, figures, base)
    supply = draw_supply(params, base, plan, years, pupils.simulated_total.shape[0], statements)
    compared = f"{params['school_shifts']}_shift_hypothetical"
    regimes = {CURRENT: 1.0, compared: regime_factor(params["school_shifts"], params["current_shifts"])}
    seats, simulated_by_regime = seat_rows(params, pupils, supply, base, years, regimes, school_loads(figures))
    unit_cost = params["school_cost_bn"] + params["land_cost_bn"]
    shares = pupil_share(pupils.total, pupils.cohorts)
    state_central = central_state_pupils(pupils, supply, base.private_share)
    after_plan = plan_years(plan)[-1] + 1
    rates = _rates(params, figures, seats, years, after_plan)
    district_pupils = pupils_by_district(pop.tables["population_by_district"], state_central, years, params["periphery_school_age_ratio"])
    tables = {
        "school_seats": seats,
        "school_pupils_by_grade": pd.DataFrame(
            [
                {"school_year": school_year(y), "grade": int(g), "pupils": round(pupils.by_grade[i, j])}
                for i, y in enumerate(years)
                for j, g in enumerate(GRADES)
            ]
        ),
        "school_pupil_share": pd.DataFrame(
            {
                "school_year": [school_year(y) for y in years],
                "school_age_children": pupils.cohorts.sum(axis=-1).round(),
                "pupils_all": pupils.total.round(),
                "pupil_share": shares.round(4),
            }
        ),
        "school_uncertainty": _uncertainty(
            years, pupils.simulated_total * (1 - base.private_share), supply.base_seats, supply.new_state + supply.new_private
        ),
        "school_build_pipeline": pipeline_table(supply.planned, supply.arrivals, years, unit_cost),
        "school_targets": _targets(seats, figures, params, unit_cost),
        "school_build_rates": _rates_table(rates, params, seats, years, figure_year(figures, "target_2030"), after_plan),
        "school_supply_cases": _supply_cases(params, seats, years, figure_year(figures, "target_2030"), after_plan),
        "school_delivery_record": record_table(record_plans, record_openings, fit),
        "school_district_deficits": district_deficits(district_pupils, capacity),
        "school_pupil_growth": pupil_growth(pupils, state_central, base, years, figures, statements, params["pupils_2021_excess_max"]),
        "school_pupil_growth_components": growth_components_table(pupils, base),
        "school_sensitivity": _sensitivity(params, pupils, base, plan, years, statements, school_loads(figures), figure_year(figures, "target_2030")),
    }
    school_years = [base.seat_year, *years] if base.seat_year < years[0] else years
    tables[KEY_FIGURES] = key_figures_table(seats, school_years)
    return SchoolForecast(
        school_years=school_years,
        calibration=pupils.calibration,
        tables=tables,
        deficits=simulated_by_regime,
        rates=rates,
        pupil_share_drift=share_drift(shares),
        compared_regime=compared,
        delivery_fit=fit,
        delivery_basis=fit_basis(record_plans, record_openings),
        delivery_parameters=delivery_parameters(params, fit),
        newer_plan=newer_plan(statements),
        programme_newer_years=programme_plan[programme_plan["year"].isin(NEWER_PLAN_YEARS) & programme_plan["funding_source"].isin(NEWER_PLAN)]
        .groupby("funding_source")["seats"].sum().to_dict(),
        loads=school_loads(figures),
        capacity_missing=missing_capacity(capacity),
        capacity_districts=capacity["district"].nunique(),
        base=base,
    )


def _sensitivity(params: dict, pupils: Pupils, base: SchoolBase, plan: pd.DataFrame, years: list[int], statements: pd.DataFrame, loads: SchoolLoads, year: int) -> pd.DataFrame:
    """The published ``school_sensitivity``: every case of ``sensitivity.cases`` rerun through ``draw_supply`` and ``seat_rows`` (current regime)."""
    rows = []
    for factor, case, value, overrides, reads_plan, headline in sensitivity.cases(params, statements):
        supply = draw_supply(params | overrides, base, plan, years, pupils.simulated_total.shape[0], statements if reads_plan else None)
        seats, _ = seat_rows(params | overrides, pupils, supply, base, years, {CURRENT: 1.0}, loads)
        rows.append(sensitivity.row(factor, case, value, seats, year, headline))
    return pd.DataFrame(rows)


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


def _uncertainty(years: list[int], pupils: np.ndarray, base: np.ndarray, delivered: np.ndarray) -> pd.DataFrame:
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


def _targets(seats: pd.DataFrame, figures: pd.DataFrame, params: dict, unit_cost: float) -> pd.DataFrame:
    current = seats[seats["regime"] == CURRENT].set_index("school_year")
    rows = []
    for key in ("target_2025", "target_2030"):
        label = school_year(figure_year(figures, key))
        if label not in current.index:
            continue
        target = programme_figure(figures, key)
        projected = float(current.loc[label, "deficit"])
        extra = schools_needed(projected - target, params["school_size"])
        source = figures.set_index("figure_id").loc[FIGURES[key], "source"]
        rows.append(
            {
                "school_year": label,
                "target_deficit": target,
                "projected_deficit": projected,
                "gap": projected - target,
                "extra_schools": extra,
                "extra_cost_bn_kzt": round(extra * unit_cost, 1),
                "source": source,
            }
        )
    return pd.DataFrame(
        rows, columns=["school_year", "target_deficit", "projected_deficit", "gap", "extra_schools", "extra_cost_bn_kzt", "source"]
    )


def _rates(params: dict, figures: pd.DataFrame, seats: pd.DataFrame, years: list[int], after_plan: int) -> dict[str, float]:
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


def _rates_table(rates: dict[str, float], params: dict, seats: pd.DataFrame, years: list[int], target_year: int, after_plan: int) -> pd.DataFrame:
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



def _supply_cases(params: dict, seats: pd.DataFrame, years: list[int], target_year: int, after_plan: int) -> pd.DataFrame:
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


TABLE_SOURCE = "cohort-survival projection (schools/model.py) on the population forecast; programme figures 001_22452510f78b59ea.txt:303, 2791-2801, 2918-2928"

# Tables the forecast builds (schools.TABLES composes them with the pipeline, district and backtest tables).
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
        },
        TABLE_SOURCE,
    ),
    "school_pupils_by_grade": TableSpec(
        "Pupils in all schools (state and private) by grade, central projection",
        {
            "school_year": ("", "school year starting in September"),
            "grade": ("", "grade 1-11"),
            "pupils": ("pupils", "pupils in all schools"),
        },
        TABLE_SOURCE,
    ),
    "school_pupil_share": TableSpec(
        "Pupils as a share of the school-age population (the check that every pupil is a child of the population forecast)",
        {
            "school_year": ("", "school year starting in September"),
            "school_age_children": ("persons", "children of the grades' ages (grade g: 8/12 of age 4+g and 4/12 of age 5+g on 1 January)"),
            "pupils_all": ("pupils", "pupils in all schools, central projection"),
            "pupil_share": ("ratio", "pupils_all / school_age_children; may move at most 0.015 over the horizon without a sourced component"),
        },
        TABLE_SOURCE,
    ),
    "school_pupil_growth": TableSpec(
        "Yearly change of pupils: observed into the base school year, the model's, its first projected steps, and the programme's 12-14 thousand a year",
        {
            "step": ("", "school years of the change (empty: a yearly average as stated)"),
            "kind": ("", "observed, model, programme (line 2793) or stated <date> (a dated restatement)"),
            "sector": ("", "state schools or all schools"),
            "change_low": ("pupils", "change, low end (observed: 2021/22 at 280 thousand + pupils_2021_excess_max)"),
            "change_high": ("pupils", "change, high end (observed: 2021/22 at 280 thousand, the 'more than' bound of line 303)"),
            "source": ("", "where the figure comes from"),
        },
        TABLE_SOURCE,
    ),
    "school_pupil_growth_components": TableSpec(
        "Why the yearly change of pupils falls: the model's change of all pupils split into who enters, who leaves and the cohort change",
        {
            "step": ("", "school years of the change (the first: into the base school year, its children backcast one year)"),
            "kind": ("", "backcast (into the base school year) or projected"),
            "change": ("pupils", "change of all pupils (state and private), the sum of the four parts"),
            "entrants": ("pupils", "grade-1 pupils of the later year (coverage x the children of grade 1's age mix)"),
            "graduates": ("pupils", "minus the grade-11 pupils of the earlier year"),
            "left_after_grade_9": ("pupils", "minus the grade-9 pupils of the earlier year not continuing to grade 10 (1 - the 9->10 transition)"),
            "migration_and_survival": ("pupils", "change of the cohorts moving up a grade: net migration less deaths of school-age children (population forecast)"),
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
        "001_22452510f78b59ea.txt:2966, 2980; schools/model.py",
    ),
    "school_targets": TableSpec(
        "The programme's deficit targets against the projected deficit (current regime)",
        {
            "school_year": ("", "target school year"),
            "target_deficit": ("seats", "programme target"),
            "projected_deficit": ("seats", "central projection"),
            "gap": ("seats", "projected - target; positive = target missed"),
            "extra_schools": ("schools", "standard schools beyond the plan needed to meet the target"),
            "extra_cost_bn_kzt": ("billion KZT", "their cost (construction + land)"),
            "source": ("", "programme line of the target"),
        },
        "targets: 001_22452510f78b59ea.txt:2984",
    ),
    KEY_FIGURES: keyfigures.spec(
        "Key figures: the state-school seat deficit by school year under the current regime, with the 80% interval and the chance of a shortage",
        TABLE_SOURCE,
    ),
}

