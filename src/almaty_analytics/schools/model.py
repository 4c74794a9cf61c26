"""The forecast as a whole: the delivery fit, pupils (``pupil_projection``), the supply draws and the seat balance
(``balance``), the build rates and targets (``targets``) and every table the school report publishes, by school year."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import keyfigures
from ..enrolment import Calibration
from ..tablespec import TableSpec
from . import sensitivity
from .balance import CURRENT, central_state_pupils, draw_supply, regime_factor, seat_rows, uncertainty_table
from .base import SchoolBase, school_base
from .delivery import delivery_parameters, delivery_record, fit_basis, fit_delivery, record_table
from .districts import district_deficits, missing_capacity, pupils_by_district
from .gross import SchoolLoads
from .pupil_projection import TABLE_SOURCE, grade_table, growth_components_table, project_pupils, pupil_growth, share_table
from .pupils import pupil_share, school_year_start, share_drift
from .sources import figure_year, school_loads
from .supply import NEWER_PLAN, NEWER_PLAN_YEARS, DeliveryRisk, newer_plan, pipeline_table, plan_years, planned_seats
from .targets import build_rates, build_rates_table, supply_cases, targets_table

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
    rates = build_rates(params, figures, seats, years, after_plan)
    district_pupils = pupils_by_district(pop.tables["population_by_district"], state_central, years, params["periphery_school_age_ratio"])
    tables = {
        "school_seats": seats,
        "school_pupils_by_grade": grade_table(pupils, years),
        "school_pupil_share": share_table(pupils, years, shares),
        "school_uncertainty": uncertainty_table(
            years, pupils.simulated_total * (1 - base.private_share), supply.base_seats, supply.new_state + supply.new_private
        ),
        "school_build_pipeline": pipeline_table(supply.planned, supply.arrivals, years, unit_cost),
        "school_targets": targets_table(seats, figures, params, unit_cost),
        "school_build_rates": build_rates_table(rates, params, seats, years, figure_year(figures, "target_2030"), after_plan),
        "school_supply_cases": supply_cases(params, seats, years, figure_year(figures, "target_2030"), after_plan),
        "school_delivery_record": record_table(record_plans, record_openings, fit),
        "school_district_deficits": district_deficits(district_pupils, capacity),
        "school_pupil_growth": pupil_growth(pupils, state_central, base, years, figures, statements, params["pupils_2021_excess_max"]),
        "school_pupil_growth_components": growth_components_table(pupils, base),
        "school_sensitivity": sensitivity.table(params, pupils, base, plan, years, statements, school_loads(figures), figure_year(figures, "target_2030")),
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


# Tables the forecast builds itself (schools.TABLES composes them with the pupil, balance, target, pipeline, district and backtest tables).
TABLES: dict[str, TableSpec] = {
    KEY_FIGURES: keyfigures.spec(
        "Key figures: the state-school seat deficit by school year under the current regime, with the 80% interval and the chance of a shortage",
        TABLE_SOURCE,
    ),
}
