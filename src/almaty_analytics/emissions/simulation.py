"""The three emission scenarios and their Monte Carlo with delivery risk.

* **Scenarios.** ``baseline`` (no measures), ``programme`` (every quantified measure on time, fully
  delivered), ``delayed`` (a deterministic stress case: every measure ``measure_delay_years`` late, with
  per-measure delays ``measure_delays`` and delivered shares ``measure_delivery``).
* **Monte Carlo.** Each trajectory takes one population trajectory, draws the motorisation, inbound-traffic
  and other-stationary growth rates (normal, sd ``vehicle_growth_sd`` and ``other_stationary_growth_sd``), a
  level error of the stationary sources exp(N(0, ``stationary_level_sd``)) calibrated on the backtest, and
  each measure's delivery (``delivery_draws``): a delay of Poisson(``measure_delay_mean_years``) whole years
  (never early) and a completeness from a Beta distribution with mean ``measure_completeness_mean`` and
  concentration ``measure_completeness_concentration`` (never more than printed). The same draws apply to the
  programme and (on top of its fixed delays) the delayed scenario. The random stream is seeded with
  (``seed``, ``RANDOM_STREAM``). The central paths (``central``) use the central population, every measure
  as scheduled and no delivery risk.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..params import Param
from .delivery import class_parameters
from .drivers import Drivers, baseline, driver_indices, drivers_from, population_from_inventory_year, vehicle_fleet
from .inventory import inventory, inventory_year, stationary_total
from .measures import apply_wedges, measure_plan, parse_overrides, wedges, with_ramps
from .schedule import Schedule, conversion_schedule, with_conversion_schedule
from .sources import BOUNDARIES, EMISSION_SCENARIOS, SOURCE_IDS, STATIONARY_SOURCES, EmissionsError, target_year

RANDOM_STREAM = 30  # second word of the emission Monte Carlo's seed: [seed, 30]


@dataclass
class EmissionsForecast:
    years: np.ndarray  # the inventory year to the horizon
    inventory_year: int  # the programme's inventory year (2021), the paths' first year
    target_year: int  # the year of the programme's target (2030)
    levels: pd.Series  # inventory-year kt by source
    plan: pd.DataFrame  # every measure (quantified and not), programme timing (TPP-2's stage 2 as ``schedule``)
    schedule: Schedule  # TPP-2's conversion year: the programme's or a newer dated one
    wedge_plan: pd.DataFrame  # the quantified rows of plan: one per wedge, in the order of the wedge arrays
    delayed: dict[str, np.ndarray]  # the delayed scenario's delay (years) and delivered share per wedge
    central: dict[str, np.ndarray]  # scenario -> (S, T)
    central_wedges: dict[str, np.ndarray]  # programme / delayed -> (M, T) for the quantified wedges
    simulations: dict[str, np.ndarray]  # scenario -> (n, S, T), with delivery risk
    drivers: Drivers
    tables: dict[str, pd.DataFrame]
    risk: dict[str, np.ndarray] | None = None  # the delivery draws of the Monte Carlo: delays and completeness (n, M)
    fleet: dict[str, np.ndarray] | None = None  # the city's vehicle fleet on the central population (drivers.vehicle_fleet)
    backtest: pd.DataFrame | None = None  # the stationary backtest's rows (results)
    population: object = None  # the population forecast the drivers come from (results)


def delivery_draws(
    measure_ids: list[str], n: int, delay_mean, completeness_mean, concentration: float, rng
) -> dict[str, np.ndarray]:
    """Delivery risk per measure and trajectory (n, M), one-sided: never early, never more than printed.

    delay ~ Poisson(``delay_mean``) whole years; completeness ~ Beta with mean ``completeness_mean``
    and concentration ``concentration`` (a + b). Each mean is one value for every measure or a dict by measure id
    (``delivery.class_parameters``). Components of one measure share their draws. A mean delay of 0 and a mean
    completeness of 1 draw 0 and 1 (no risk).
    """
    unique = list(dict.fromkeys(measure_ids))
    k = len(unique)
    by_measure = lambda value: np.array([value[m] if isinstance(value, dict) else value for m in unique], dtype=float)  # noqa: E731
    lam, mean = by_measure(delay_mean), by_measure(completeness_mean)
    delay = rng.poisson(lam, size=(n, k)).astype(float) if (lam > 0).any() else np.zeros((n, k))
    if (mean < 1).any():
        partial = np.minimum(mean, 1 - 1e-12)
        done = np.where(mean < 1, rng.beta(partial * concentration, (1 - partial) * concentration, size=(n, k)), 1.0)
    else:
        done = np.ones((n, k))
    pick = [unique.index(mid) for mid in measure_ids]
    return {"delays": delay[:, pick], "completeness": done[:, pick]}


def _measure_vector(plan: pd.DataFrame, values: dict[str, float], default: float) -> np.ndarray:
    return plan["measure"].map(lambda m: values.get(m, default)).to_numpy(dtype=float)


def check_parameters(params: dict, measure_ids: list[str], quantified_ids: list[str], target: int) -> dict:
    """The emission parameters read and checked against the measures and the ``target`` year; raises EmissionsError naming the parameter."""
    horizon = int(params["horizon"])
    if horizon < target:
        raise EmissionsError(f"parameter 'horizon': {horizon} ends before {target}, the year of the programme's target; expected >= {target}")
    for name, choices in (("boundary", BOUNDARIES), ("emission_scenario", EMISSION_SCENARIOS)):
        if params[name] not in choices:
            raise EmissionsError(f"parameter {name!r}: unknown value {params[name]!r}; expected one of {list(choices)}")
    for name in ("vehicle_growth_sd", "other_stationary_growth_sd", "measure_delay_mean_years"):
        if float(params[name]) < 0:
            raise EmissionsError(f"parameter {name!r}: {params[name]} is negative; expected a value >= 0")
    if not 0 < float(params["measure_completeness_mean"]) <= 1:
        raise EmissionsError(
            f"parameter 'measure_completeness_mean': {params['measure_completeness_mean']} is not in (0, 1]; expected a share"
        )
    if float(params["tpp2_capacity_headroom"]) < 1:
        raise EmissionsError(
            f"parameter 'tpp2_capacity_headroom': {params['tpp2_capacity_headroom']} is below 1; the plants produced their inventory-year output, expected >= 1"
        )
    return {
        "delays": parse_overrides(params["measure_delays"], quantified_ids, "measure_delays", kind=int, low=0, high=20),
        "delivery": parse_overrides(params["measure_delivery"], quantified_ids, "measure_delivery", kind=float, low=0.0, high=1.0),
        "ramps": parse_overrides(params["measure_ramps"], quantified_ids, "measure_ramps", kind=int, low=0, high=15),
    }


def checked_plan(params: dict, measures: pd.DataFrame, programme: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The measure plan and the emission parameters checked against it (see check_parameters)."""
    plan = measure_plan(measures, programme)
    quantified = sorted(set(plan.loc[plan["quantified"], "measure"]))
    return plan, check_parameters(params, sorted(set(plan["measure"])), quantified, target_year(programme))


def measure_setup(params: dict, inputs: dict[str, pd.DataFrame]):
    """The full and the quantified measure plan, the inventory levels by source, the delayed scenario's delays and
    delivery, and TPP-2's conversion schedule, for ``params``; the driver parameters (the tornado's) do not enter it."""
    inventory_table, measures, programme = (
        inputs["programme_emission_inventory"],
        inputs["programme_emission_measures"],
        inputs["programme_emissions"],
    )
    full_plan, options = checked_plan(params, measures, programme)
    schedule = conversion_schedule(full_plan, inputs["dated_statements"], int(params["tpp2_conversion_year"]))
    full_plan = with_ramps(with_conversion_schedule(full_plan, schedule), options["ramps"])
    plan = full_plan[full_plan["quantified"]].reset_index(drop=True)
    stationary = stationary_total(params, inventory_table, inputs["bns_stationary_emissions"])
    levels = inventory(inventory_table, float(params["agglomeration_houses_base_kt"]), stationary).set_index("source")["emissions_kt"]
    delayed = {
        "delays": _measure_vector(plan, options["delays"], int(params["measure_delay_years"])),
        "delivery": _measure_vector(plan, options["delivery"], 1.0),
    }
    return full_plan, plan, levels, delayed, schedule


def _population(params: dict, inputs: dict[str, pd.DataFrame], population_years, population) -> tuple[np.ndarray, np.ndarray]:
    years, pop = population_from_inventory_year(inventory_year(inputs["programme_emission_inventory"]), population_years, population)
    horizon = int(params["horizon"])
    if years[-1] < horizon:
        raise EmissionsError(f"the population projection ends in {years[-1]}, before horizon {horizon}")
    keep = years <= horizon
    return years[keep], pop[..., keep]


def _scenarios(base, plan, years, delayed, risk=None) -> tuple[dict, dict]:
    """Baseline, programme and delayed paths (…, S, T) and the wedges, with optional delivery-risk draws."""
    risk = risk or {"delays": None, "completeness": None}
    extra = 0 if risk["delays"] is None else risk["delays"]
    done = 1 if risk["completeness"] is None else risk["completeness"]
    cuts = {
        "programme": wedges(base, plan, years, delays=risk["delays"], completeness=risk["completeness"]),
        "delayed": wedges(base, plan, years, delays=delayed["delays"] + extra, completeness=delayed["delivery"] * done),
    }
    return {"baseline": base} | {name: apply_wedges(base, plan, cut) for name, cut in cuts.items()}, cuts


def central_paths(params: dict, inputs: dict[str, pd.DataFrame], population_years, population_central, setup=None) -> tuple[np.ndarray, dict]:
    """Years and the central paths (S, T) of every scenario, no Monte Carlo (used by the tornado); ``setup``: the
    ``measure_setup`` of ``params`` when the caller has it (the tornado varies only drivers, which it does not read)."""
    _, plan, levels, delayed, _ = setup or measure_setup(params, inputs)
    years, pop = _population(params, inputs, population_years, population_central)
    base = baseline(levels, driver_indices(years, pop, drivers_from(params, inputs)))
    paths, _ = _scenarios(base, plan, years, delayed)
    return years, paths


def simulate(
    params: dict,
    inputs: dict[str, pd.DataFrame],
    population_years: np.ndarray,
    population_central: np.ndarray,
    population_simulations: np.ndarray,
) -> EmissionsForecast:
    """Every scenario's central path and wedges and its Monte Carlo with delivery risk, for one parameter set (no tables).

    ``inputs`` holds the raw tables ``programme_emission_inventory``, ``programme_emission_measures``,
    ``programme_emissions``, ``emep_eea_emission_factors`` and ``dated_statements``; population is on 1 January of
    ``population_years`` (central (T,), simulations (n, T)), from the inventory year or the years after it.
    """
    programme = inputs["programme_emissions"]
    full_plan, plan, levels, delayed, schedule = measure_setup(params, inputs)
    years, central_pop = _population(params, inputs, population_years, population_central)
    _, sims_pop = _population(params, inputs, population_years, population_simulations)
    drivers = drivers_from(params, inputs)
    central, central_cuts = _scenarios(baseline(levels, driver_indices(years, central_pop, drivers)), plan, years, delayed)

    n = sims_pop.shape[0]
    rng = np.random.default_rng([int(params["seed"]), RANDOM_STREAM])
    sd_v, sd_o = float(params["vehicle_growth_sd"]), float(params["other_stationary_growth_sd"])
    sim_drivers = replace(
        drivers,
        motorisation_growth=drivers.motorisation_growth + sd_v * rng.standard_normal(n),
        inbound_vehicle_growth=drivers.inbound_vehicle_growth + sd_v * rng.standard_normal(n),
        other_stationary_growth=drivers.other_stationary_growth + sd_o * rng.standard_normal(n),
    )
    classes = class_parameters(plan, inputs["dated_statements"], params).set_index("measure")
    risk = delivery_draws(
        list(plan["measure"]),
        n,
        classes["delay_mean_years"].to_dict(),
        classes["completeness_mean"].to_dict(),
        float(params["measure_completeness_concentration"]),
        rng,
    )
    sim_base = baseline(levels, driver_indices(years, sims_pop, sim_drivers))
    level_error = np.exp(float(params["stationary_level_sd"]) * rng.standard_normal(n))  # calibrated on the stationary backtest
    sim_base[:, [SOURCE_IDS.index(s) for s in STATIONARY_SOURCES]] *= level_error[:, None, None]
    simulations, _ = _scenarios(sim_base, plan, years, delayed, risk)
    return EmissionsForecast(
        years=years, inventory_year=int(years[0]), target_year=target_year(programme), levels=levels, plan=full_plan, schedule=schedule,
        wedge_plan=plan, delayed=delayed, central=central, central_wedges=central_cuts, simulations=simulations, drivers=drivers, tables={},
        risk=risk, fleet=vehicle_fleet(years, central_pop, drivers),
    )


# Parameters of the Monte Carlo and its delivery risk.
PARAMETERS: dict[str, Param] = {
    "delivery_risk_basis": Param(
        str,
        "where the delay of a class of measure with a dated record comes from: record (the slippage fitted on the dated statements of "
        "its completion year, emissions.delivery) or assumption (measure_delay_mean_years for every class)",
        "record",
        choices=("record", "assumption"),
    ),
    "vehicle_growth_sd": Param(
        float,
        "sd of the motorisation and inbound growth rates (judgement: spans 0 to the 1.7% a year of the inbound flow)",
        0.01,
        min=0.0,
        max=0.2,
    ),
    "other_stationary_growth_sd": Param(
        float, "sd of the other-stationary growth rate: standard error of the BNS 2014-2021 trend", 0.0096, min=0.0, max=0.2
    ),
    "stationary_level_sd": Param(
        float,
        "sd of the log level of TPP-2 and other stationary sources around their driver path: conformal 80% quantile of the driver "
        "method's |log error| in the backtest of BNS stationary emissions 2014-2021, / 1.28 (emissions.stationary_level_sd), with TPP-2's "
        "share of the stationary level it is applied to (36 / 40.8, the BNS 2021 total: emissions_inventory_reconciliation)",
        0.0898,
        min=0.0,
        max=1.0,
    ),
    "measure_delay_mean_years": Param(
        float,
        "delivery risk: mean of the Poisson delay in years, never early, of the classes of measure without a dated record (judgement: "
        "1 year; 0 = on time; emissions_delivery_range shows 0-2); large plant conversion takes its record (delivery_risk_basis)",
        1.0,
        min=0.0,
        max=10.0,
    ),
    "measure_completeness_mean": Param(
        float,
        "delivery risk: mean share of each measure's printed effect delivered, Beta distributed, never above 1 (judgement: 0.9; 1 = complete)",
        0.9,
        min=0.01,
        max=1.0,
    ),
    "measure_completeness_concentration": Param(
        float, "delivery risk: concentration a + b of the completeness Beta distribution (judgement: 10; larger = less spread)", 10.0, min=0.5, max=1000.0
    ),
}
