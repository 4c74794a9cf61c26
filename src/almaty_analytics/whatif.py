"""What-if lines for the explorer: population, the state school seat deficit and emissions of one scenario with a few
assumptions changed, fast enough to follow a slider.

Method: the same models as the reports, on the same functions, without what a chart of three lines does not need
(backtests, tornado, district and pollutant tables). What does not depend on the explorer's assumptions is computed once
per scenario (``Basis``, kept in ``data/processed/explorer_basis/`` as the runner keeps its results): the population
calibration on the vintage's data (``population.calibrate``) and the school delivery fit on its record
(``schools.fit_delivery``). Each change then runs

* the population's central path and Monte Carlo (``population.projection.project``) from the calibrated base
  population, giving ``population_total``;
* the school model on that forecast (``project_pupils``, ``draw_supply``, ``seat_rows`` under the current regime),
  giving the central net deficit and its 80% interval by school year (``school_seats``);
* the emission Monte Carlo on that forecast (``emissions.simulate``), giving the median and 80% interval of the
  scenario's total (``emission_scenario``, ``boundary``), as ``emissions_by_source`` reports it.

With the same parameters these are the reports' numbers (tests/test_explorer.py checks it); the explorer runs fewer
simulations (``n_simulations``), so its bands are rougher. Results are kept in memory per domain, keyed by the
parameters the domain depends on, so a school or emission change leaves the population as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import emissions, io, population, scenarios, schools
from .emissions.schedule import MEASURE as TPP2_MEASURE
from .population.calibration import Calibration, base_population, calibrate
from .population.inputs import district_counts, observed_total, population_shifts
from .population.long_run import LongRun, national_paths
from .population.model import assumptions_from, calibrated_defaults
from .population.projection import benchmarks_table, programme_target, project
from .population.provenance import data_used
from .population.result import PopulationForecast, total_table
from .schools.balance import CURRENT, draw_supply, seat_rows
from .schools.pupil_projection import project_pupils
from .schools.supply import planned_seats

# The assumptions a planner argues about: what the explorer's widgets change, by domain.
ASSUMPTIONS: dict[str, tuple[str, ...]] = {
    "population": ("net_migration", "tfr"),
    "schools": ("build_rate_after_2025", "private_places_after_2025", "delay_budget", "delay_post_2025"),
    "emissions": ("tpp2_conversion_year", "measure_delay_mean_years"),
}
EMISSION_PARAMETERS = tuple(emissions.PARAMETERS)
BASIS_PARAMETERS = ("vintage", "base_year", "population_reconciliation", "horizon", "school_size")  # what the Basis depends on (_basis)


@dataclass(frozen=True)
class Basis:
    """What a change of the explorer's assumptions leaves as it is: the population calibration and the school delivery fit."""

    calibration: Calibration
    delivery_fit: dict


@dataclass(frozen=True)
class Lines:
    """The three charted series of one parameter set: ``population`` (year, value, lo_80, hi_80; persons on 1 January),
    ``deficit`` (school_year, deficit, deficit_lo_80, deficit_hi_80; state seats, current regime) and ``emissions``
    (year, median_kt, lo_80, hi_80; thousand tonnes)."""

    population: pd.DataFrame
    deficit: pd.DataFrame
    emissions: pd.DataFrame


def _basis(params: dict, pop_inputs: dict, school_inputs: dict) -> Basis:
    plan = school_inputs["programme_school_build_plan"]
    programme_plan = planned_seats(plan, int(params["horizon"]), rate_after_2025=0, school_size=params["school_size"])
    record = schools.delivery_record(school_inputs["dated_statements"], programme_plan, str(plan["published"].max()))
    return Basis(calibrate(pop_inputs, params["population_reconciliation"], int(params["base_year"])), schools.fit_delivery(*record))


class WhatIf:
    """The lines of ``scenario`` (run with ``n_simulations``) for any values of its parameters: ``lines(**values)``.

    ``starts`` holds the value each assumption of ASSUMPTIONS takes in the scenario (a calibrated or fitted one where
    the scenario leaves it to the data); ``default`` the scenario's own lines.
    """

    def __init__(self, scenario: str = "default", n_simulations: int = 100):
        self.scenario = scenario
        self.overrides = {"n_simulations": n_simulations}
        self.params = scenarios.load(scenario, self.overrides).parameters
        vintage = self.params["vintage"]
        self.pop_inputs = population.read_inputs(vintage)
        self.school_inputs = schools.read_inputs(io.vintage_date(vintage))
        self.emission_inputs = io.read_tables(emissions.INPUT_TABLES, vintage)
        key = {name: self.params[name] for name in BASIS_PARAMETERS}
        tables = list(dict.fromkeys([*population.INPUT_TABLES, *schools.INPUT_TABLES]))
        self.basis, _ = io.processed_object("explorer_basis", key, lambda: _basis(self.params, self.pop_inputs, self.school_inputs), tables)
        calibration = self.basis.calibration
        base_year = calibration.years.base
        self.base = base_population(self.pop_inputs, calibration, base_year)
        self.defaults = calibrated_defaults(calibration.defaults)
        self.long_run = LongRun(national_paths(self.pop_inputs["wpp2022_kazakhstan_annual"]), int(self.params["long_run_from"]))
        self.benchmarks = benchmarks_table(self.pop_inputs, base_year, int(self.params["horizon"]))
        inputs = self.pop_inputs  # what a PopulationForecast holds beside its paths: the history, the target, the data used, the long run
        districts = district_counts(inputs, base_year)
        self.history = (observed_total(inputs), population_shifts(inputs), programme_target(inputs), data_used(inputs, calibration, districts), self.long_run)
        self.school_base = schools.school_base(
            self.school_inputs["school_pupils"], self.school_inputs["programme_schools"], self.school_inputs["dated_statements"], base_year,
            self.params["pupils_2021_excess_max"],
        )
        self._cache: dict[tuple, Any] = {}
        self.default = self.lines()
        self.starts = self._starts()

    def _starts(self) -> dict[str, float]:
        assumptions = assumptions_from(self.params, self.defaults)
        delivery = schools.delivery_parameters(self.params, self.basis.delivery_fit)
        fc = self._emissions(self.params)
        return {
            "net_migration": assumptions.net_migration,
            "tfr": assumptions.tfr,
            "build_rate_after_2025": self.params["build_rate_after_2025"],
            "private_places_after_2025": self.params["private_places_after_2025"],
            "delay_budget": delivery["delay_budget"],
            "delay_post_2025": delivery["delay_post_2025"],
            "tpp2_conversion_year": fc.schedule.year,
            "measure_delay_mean_years": self.params["measure_delay_mean_years"],
        }

    def tpp2_first_year(self) -> int:
        """The earliest year TPP-2's conversion can reach full effect: its first stage's (``emissions.schedule``)."""
        plan = self._emissions(self.params).plan
        return int(plan.loc[(plan["measure"] == TPP2_MEASURE) & (plan["component"] == "stage1"), "full_year"].iloc[0])

    def resolve(self, values: dict[str, Any]) -> dict:
        """Every parameter of the scenario with ``values`` applied and checked (``scenarios.load``: a bad value raises
        ``ParameterError`` naming it)."""
        return scenarios.load(self.scenario, self.overrides | values).parameters

    def lines(self, **values: Any) -> Lines:
        """The three series with ``values`` replacing the scenario's parameters; a bad value raises ParameterError
        (or EmissionsError for a TPP-2 year before its first stage) and changes nothing."""
        params = self.resolve(values)
        pop = self._population(params)
        seats = self._seats(params)
        fc = self._emissions(params)
        totals = emissions.boundary_total(fc.simulations[params["emission_scenario"]], params["boundary"])
        lo, median, hi = np.quantile(totals, [0.1, 0.5, 0.9], axis=0)
        current = seats[seats["regime"] == CURRENT]
        return Lines(
            pop.tables["population_total"][["year", "value", "lo_80", "hi_80"]],
            current[["school_year", "deficit", "deficit_lo_80", "deficit_hi_80"]].reset_index(drop=True),
            pd.DataFrame({"year": fc.years, "median_kt": median, "lo_80": lo, "hi_80": hi}),
        )

    def _cached(self, domain: str, params: dict, names: tuple[str, ...], build):
        key = (domain, *(repr(params[n]) for n in names))
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    def _population(self, params: dict) -> PopulationForecast:
        return self._cached("population", params, population.PARAMETER_NAMES, lambda: self._project(params))

    def _project(self, params: dict) -> PopulationForecast:
        """The population forecast of ``params`` with only ``population_total`` among its tables (what the school and
        emission models read of it)."""
        calibration = self.basis.calibration
        assumptions = assumptions_from(params, self.defaults)
        central, sims, _ = project(params, self.base, calibration, assumptions, self.long_run, self.benchmarks)
        total = total_table(central["years"], central["population"][0].sum(axis=(1, 2)), sims["population"].sum(axis=(2, 3)))
        return PopulationForecast(central["years"], central, sims["population"], assumptions, calibration, {"population_total": total}, *self.history)

    def _seats(self, params: dict) -> pd.DataFrame:
        return self._cached("schools", params, schools.PARAMETER_NAMES, lambda: self._school_seats(params))

    def _school_seats(self, params: dict) -> pd.DataFrame:
        """``school_seats`` under the current regime, as ``schools.forecast`` computes it (its delivery parameters from the basis's fit)."""
        pop, inputs = self._population(params), self.school_inputs
        params = params | schools.delivery_parameters(params, self.basis.delivery_fit)
        years = [int(y) for y in pop.years]
        pupils = project_pupils(pop, inputs["programme_schools"], self.school_base)
        supply = draw_supply(
            params, self.school_base, inputs["programme_school_build_plan"], years, pupils.simulated_total.shape[0], inputs["dated_statements"]
        )
        seats, _ = seat_rows(params, pupils, supply, self.school_base, years, {CURRENT: 1.0}, schools.school_loads(inputs["programme_schools"]))
        return seats

    def _emissions(self, params: dict) -> emissions.EmissionsForecast:
        names = (*population.PARAMETER_NAMES, *EMISSION_PARAMETERS)
        return self._cached("emissions", params, names, lambda: self._simulate(params))

    def _simulate(self, params: dict) -> emissions.EmissionsForecast:
        pop, inputs = self._population(params), self.emission_inputs
        path = emissions.population_path(emissions.inventory_year(inputs["programme_emission_inventory"]), pop)
        return emissions.simulate(params, inputs, *path)

