"""Air-pollutant emissions of Almaty: the 2021 inventory, a growth-driven baseline and the programme's measures as wedges.

Tonnages are the aggregate mass of all pollutants (thousand tonnes a year, kt), as the programme
prints them, except where split by pollutant (TPP-2); there are no greenhouse gases.

* **Inventory (2021).** The programme's city inventory (001_22452510f78b59ea.txt:4253-4255):
  transport 70, stationary 46 of which TPP-2 36, private housing about 11 (gasified houses
  10.3, solid-fuel houses and dachas 0.867). "Other stationary" is the unprinted remainder
  46 − 36 = 10. The components add up to 127.167 against the printed "about 127": the
  private sector is printed as "about 11" for 11.167. The model keeps the components.
  TPP-2 is also printed as 37, 37.3 and "more than 38"; the model uses the 36 that sits
  inside the 127 (every value is in ``data/raw/programme_emission_inventory.csv``). The
  inventory's year, the paths' first year, is the year of its used total row (``inventory_year``);
  the target year is the ``ref_year`` of the programme's 78 kt target row (``target_year``).
* **Boundaries.** ``city`` is the 127 inventory. ``city_plus`` adds the two sources outside
  the city that the programme's measures count: TPP-3 (12.2 kt in 2021, line 4263) and the
  non-gasified houses of the agglomeration, whose emissions the programme never prints;
  their base is a parameter (default: the 15.6 kt the programme removes by gasifying all
  82 thousand houses plus what those houses still emit on gas at the city's rate per
  gasified house, 10.3 kt / 134 thousand houses).
* **Baseline (no new measures).** Each source follows its own driver, indexed to 2021
  (every driver parameter is named in ``scenarios.PARAMETERS`` with the source of its default):
  - *TPP-2 and TPP-3* (coal CHP) follow district-heat demand, households raised to
    ``heat_elasticity``, bounded by their capacity: output cannot exceed ``tpp2_capacity_headroom``
    times the inventory year. Households = population of the population forecast / household size, the size
    changing at ``household_size_change`` a year.
  - *Private houses* follow the housing stock and gasification, not population: houses on gas grow
    at ``private_house_growth`` and take in the solid-fuel houses that are gasified; houses on
    solid fuel change at ``solid_fuel_house_change`` (each at its 2021 emission per house,
    10.3 kt / 134 thousand and 0.867 kt / 3,241, line 4255).
  - *Road transport* = vehicle activity × fleet emission factor (``fleet``: a stock–flow model of the city's
    fleet by build year). Activity mixes city vehicles (the fleet: population × vehicles per resident, the
    motorisation from the dated registers of the vintage, ``motorisation_basis``) and vehicles entering daily
    (``inbound_vehicle_growth``), weighted 470 : 230 (line 331). The fleet starts from the May 2022 register by
    build year (Appendix 3, line 5315); each year ``fleet_scrappage_rate`` of every cohort leaves (calibrated on
    the December 2016 and May 2022 registers), and what enters is the fleet needed minus the survivors: new
    vehicles and, a share ``used_import_share``, used imports. A pre-2010 vehicle emits
    ``old_vehicle_emission_ratio`` times a newer one per km (assumption: about Euro 2 against about Euro 5;
    EMEP/EEA light petrol vehicles, ``data/raw/emep_eea_emission_factors.csv``). No vehicle is counted twice.
  - *Other stationary* grows at ``other_stationary_growth`` (log-linear trend of BNS stationary
    emissions 2014-2021, after the 2013→2014 level shift: the latest segment with at least three
    years; the 2022 figure follows the survey scope of 2022, a change of definition, and stands alone);
    agglomeration houses are constant.
  Population is the population forecast (1 January), its years the forecast's own
  (``population_path``): the observed BNS totals fill the years from the inventory year to the
  forecast's first year on the post-census basis (2022 when the forecast starts in 2023), and 2021
  is put on that basis by carrying the first-year growth one year back. The tornado (``tornado``)
  shows the target-year city total at the low and high end of each driver parameter.
* **Measures as printed.** Every measure is a row of ``data/raw/programme_emission_measures.csv``;
  ``effect_form`` records the form the programme prints its effect in, and the model uses that
  form: ``level`` (the source emits the printed level after the measure: TPP-2 2.5 kt in 2030,
  line 4317), ``reduction`` (the printed tonnes are removed) or ``share``. Unquantified measures
  have no effect and are flagged. TPP-2 is two steps: the coal boiler retired before 2024 (−4.5)
  with gas block 1 added (+0.83), a reduction; then the remaining gas blocks to the printed 2.5 kt
  in 2030, a level. Each measure ramps linearly from its start year (effect 0) to its full-effect
  year (effect 1); the programme prints the full-effect year, the ramp is an assumption per measure
  (``DEFAULT_TIMING``). TPP-2's second step reaches full effect in ``tpp2_conversion_year``: by default
  the newest dated schedule newer than the programme that the vintage holds (completion by the end of
  2026, stated 3 November 2023), else the programme's 2030 (``schedule``). Reductions of one source never
  remove more than the source. Wedges add up: baseline − scenario = Σ wedges, by source and year.
* **Scenarios.** ``baseline`` (no measures), ``programme`` (every quantified measure on time,
  fully delivered), ``delayed`` (a deterministic stress case: every measure ``measure_delay_years``
  late, with per-measure delays and delivery shares).
* **Uncertainty, with delivery risk.** Monte Carlo: each trajectory takes one population
  trajectory, draws the motorisation, inbound-traffic and other-stationary growth rates (normal), a
  level error of the stationary sources exp(N(0, ``stationary_level_sd``)) calibrated on the backtest
  (conformal 80% quantile of the driver method's |log error| after 2014; coverage in ``calibrated_coverage``),
  and draws each measure's delivery (``delivery``, by class of measure): a delay of Poisson whole years (never
  early) whose mean is, for large plant conversion, the slippage of its dated record of completion years times the
  time left (``delivery_risk_basis``) and, for the classes without a record, ``measure_delay_mean_years`` (shown
  over 0-2 years in ``emissions_delivery_range``), and a completeness from a Beta distribution with mean ``measure_completeness_mean``
  and concentration ``measure_completeness_concentration`` (never more than printed). The same
  draws apply to the programme and (on top of its fixed delays) the delayed scenario. Intervals are
  the 10th and 90th percentiles, the central figure is their median (``median_kt``) in every table and
  file (the gap to the target, the pollutants and the IAMC export included) and the probability of
  meeting 78 kt is the share of trajectories at or below it, in 2030, 2031 and 2032. The as-scheduled
  path (central population, every measure on time and complete, no delivery risk) is the named column
  ``scheduled_kt`` (IAMC scenarios ``programme_as_scheduled`` and ``delayed_as_scheduled``): with
  one-sided delay risk it lies at or below the simulated range, so it is never the headline.
* **Pollutants.** The programme's tonnages are aggregate masses. TPP-2 is split into its coal part
  and its gas blocks (0.83 kt each, line 4317) and each part by pollutant (TSP, SO2, NOx, CO,
  NMVOC) in proportion to its emission factors (table ``emissions_pollutants``, IAMC
  ``Emissions|<pollutant>|Energy|TPP-2``): the coal boilers' TSP from the ash of their coal (AP-42
  5A kg/t uncontrolled, A = 42, at the coal's heating value) times 1 − ``tpp2_particulate_capture``, the
  other species EMEP/EEA 2019; gas EMEP/EEA. ``emissions_tpp2_species`` gives TSP, PM2.5, SO2 and NOx,
  baseline against programme; ``emissions_tpp2_capture_range`` the coal split over its assumptions;
  ``emissions_pollutant_checks`` TPP-2 from its fuel against the programme's tonnes and the gasified
  houses against EMEP Tier 1 (method: ``emissions.pollutants``). Road transport is not
  split: the programme gives no fuel use or vehicle-kilometres and a sourced road-transport split
  by fuel was not assembled, so transport stays ``Emissions|Air pollutants``. For the same reason
  costs are not divided into a cost per tonne: tonnes of different pollutants are not comparable.
* **Backtest.** ``backtest_stationary`` forecasts Almaty's BNS stationary emissions from 2005 to the
  newest year from rolling origins, horizons 1-5, within the segments of the level shifts (the
  2013→2014 boundary shift and the 2021→2022 change of survey scope, a change of definition), with the
  baseline's method (CHP share on heat demand with its cap, the rest on the log-linear trend)
  against naive, drift and log drift; MAPE and 80% coverage in ``backtest_summary``.
"""


from __future__ import annotations

from functools import partial

import pandas as pd

from .. import io, population
from ..params import Param
from ..tablespec import TableSpec
from . import backtest, delivery, iamc, pollutants, schedule, sensitivity, simulation, tables, targets
from . import inventory as inventory_module
from .backtest import (
    backtest_stationary,
    backtest_summary,
    calibrated_coverage,
    latest_segment_accuracy,
    stationary_driver_forecast,
    stationary_level_sd,
)
from .drivers import PARAMETERS as DRIVER_PARAMETERS
from .drivers import (
    Drivers,
    baseline,
    calibrate_other_stationary,
    driver_indices,
    fleet_from_data,
    houses_from_data,
    inbound_growth_from_data,
    inbound_share_from_data,
    log_linear_trend,
    old_vehicle_ratio_from_factors,
    population_from_inventory_year,
    population_path,
    population_sources,
)
from .iamc import iamc_table
from .inventory import PARAMETERS as INVENTORY_PARAMETERS
from .inventory import agglomeration_base_from_data, chp_share, inventory, inventory_year, printed_total, reconciliation
from .measures import DEFAULT_TIMING, MEASURE_SOURCE, apply_wedges, measure_plan, ramp, wedges, with_ramps
from .measures import PARAMETERS as MEASURE_PARAMETERS
from .pollutants import (
    POLLUTANTS,
    capture_range_table,
    checks_table,
    coal_properties,
    coal_tsp_factor,
    fine_shares,
    fuel_factors,
    pollutant_shares,
    pollutants_table,
    species_table,
    tpp2_by_fuel,
)
from .schedule import Schedule, conversion_schedule, with_conversion_schedule
from .sensitivity import TORNADO_RANGES, tornado
from .simulation import EmissionsForecast, central_paths, check_parameters, checked_plan, delivery_draws, simulate
from .sources import (
    BOUNDARIES,
    EMISSION_SCENARIOS,
    REGIONS,
    SOURCE_IDS,
    SOURCES,
    STATIONARY_SOURCES,
    EmissionsError,
    boundary_sources,
    boundary_total,
    target_year,
    tpp2_inside_from,
)
from .tables import by_source_table, fleet_table, measures_table, wedges_table
from .targets import KEY_FIGURES, key_figures_table, target_arithmetic, target_gap_table

__all__ = [
    "BOUNDARIES", "DEFAULT_TIMING", "EMISSION_SCENARIOS", "MEASURE_SOURCE", "POLLUTANTS", "REGIONS", "SOURCES", "SOURCE_IDS",
    "STATIONARY_SOURCES", "TORNADO_RANGES", "Drivers", "EmissionsError", "EmissionsForecast", "Schedule",
    "agglomeration_base_from_data", "apply_wedges", "backtest_stationary", "backtest_summary", "baseline", "boundary_sources",
    "boundary_total", "by_source_table", "checks_table", "chp_share", "fleet_table", "calibrate_other_stationary", "calibrated_coverage", "central_paths", "check_parameters",
    "checked_plan", "conversion_schedule", "delivery_draws", "driver_indices", "fleet_from_data", "houses_from_data", "iamc_table",
    "inbound_growth_from_data", "inbound_share_from_data", "inventory", "inventory_year", "latest_segment_accuracy", "reconciliation", "log_linear_trend",
    "measure_plan", "measures_table", "old_vehicle_ratio_from_factors", "pollutant_shares", "pollutants_table",
    "capture_range_table", "coal_properties", "coal_tsp_factor", "fine_shares", "fuel_factors", "species_table",
    "population_from_inventory_year", "population_path", "population_sources", "printed_total", "ramp", "simulate", "stationary_driver_forecast",
    "stationary_level_sd", "target_arithmetic", "target_gap_table", "target_year", "tornado", "tpp2_by_fuel", "tpp2_inside_from",
    "wedges", "wedges_table", "with_conversion_schedule", "with_ramps", "KEY_FIGURES", "key_figures_table",
    "PARAMETERS", "TABLES", "forecast", "results", "validate",
]

INPUT_TABLES = (
    "programme_emission_inventory", "programme_emission_measures", "programme_emissions", "emep_eea_emission_factors", "ap42_emission_factors",
    "dated_statements",
    "bns_stationary_emissions", "level_shifts", "bns_population_1jan",
)
BACKTEST_INPUTS = ("bns_stationary_emissions", "level_shifts", "bns_population_1jan")


def forecast(
    params: dict,
    inputs: dict[str, pd.DataFrame],
    population_years,
    population_central,
    population_simulations,
) -> EmissionsForecast:
    """Every scenario, the wedges, the Monte Carlo with delivery risk (``simulation.simulate``) and the planner tables
    built from them, for one parameter set. ``inputs`` holds the raw tables of ``INPUT_TABLES``; population is on
    1 January of ``population_years`` (central (T,), simulations (n, T))."""
    fc = simulation.simulate(params, inputs, population_years, population_central, population_simulations)
    programme = inputs["programme_emissions"]
    factors = inputs["emep_eea_emission_factors"]
    capture = params["tpp2_particulate_capture"]
    coal = coal_properties(inputs)
    shares = pollutant_shares(fuel_factors(factors, coal_tsp_factor(coal, capture)))
    fc.tables = {
        "emissions_by_source": by_source_table(fc),
        "emissions_fleet": fleet_table(fc, programme, inputs["dated_statements"]),
        "emissions_delivery": delivery.class_parameters(fc.wedge_plan, inputs["dated_statements"], params),
        "emissions_delivery_record": delivery.record_table(inputs["dated_statements"]),
        "emissions_inventory_reconciliation": reconciliation(
            inputs["programme_emission_inventory"], inputs["bns_stationary_emissions"], inputs["level_shifts"], params["stationary_inventory_basis"]
        ),
        "emissions_measures": measures_table(fc),
        "emissions_wedges": wedges_table(fc),
        "emissions_target_gap": target_gap_table(fc, programme),
        "emissions_targets": target_arithmetic(inputs["programme_emission_inventory"], inputs["programme_emission_measures"], programme),
        "emissions_pollutants": pollutants_table(fc, programme, shares),
    }
    split = fc.tables["emissions_pollutants"]
    fc.tables |= {
        "emissions_tpp2_species": species_table(split, fine_shares(factors), (fc.inventory_year, fc.target_year)),
        "emissions_pollutant_checks": checks_table(inputs, split, fc.inventory_year, capture, coal),
        "emissions_tpp2_capture_range": capture_range_table(coal, factors, split, fc.inventory_year, capture),
    }
    fc.tables["emissions_iamc"] = iamc_table(fc.tables["emissions_by_source"], fc.tables["emissions_pollutants"])
    return fc


def validate(params: dict) -> None:
    """Check the emission parameters against the measures and TPP-2's schedule in data/raw (run before any kernel starts)."""
    data = io.read_tables(("programme_emission_measures", "programme_emissions", "dated_statements"), params["vintage"])
    plan, _ = checked_plan(params, data["programme_emission_measures"], data["programme_emissions"])
    conversion_schedule(plan, data["dated_statements"], int(params["tpp2_conversion_year"]))


def compute(params: dict, pop: population.PopulationForecast) -> EmissionsForecast:
    """The forecast on the population forecast ``pop`` (its years, preceded by the observed years from the inventory
    year: ``population_path``), the tornado of the baseline and programme scenarios, the stationary backtest and its
    calibrated coverage: every table report 30 publishes."""
    inputs = io.read_tables(INPUT_TABLES, params["vintage"])
    years, central, sims = population_path(inventory_year(inputs["programme_emission_inventory"]), pop)
    fc = forecast(params, inputs, years, central, sims)
    series = io.read_tables(BACKTEST_INPUTS, params["vintage"])
    rows = backtest_stationary(
        *series.values(),
        chp_share=chp_share(fc.levels),
        heat_elasticity=params["heat_elasticity"],
        headroom=params["tpp2_capacity_headroom"],
    )
    fc.tables |= {
        "emissions_delivery_range": sensitivity.delivery_range(params, inputs, years, central, sims),
        "emissions_tornado": pd.concat([tornado(params, inputs, years, central, s) for s in ("baseline", "programme")], ignore_index=True),
        "emissions_backtest": backtest_summary(rows),
        "emissions_scope_check": backtest.across_scope_changes(
            *series.values(), chp_share=chp_share(fc.levels),
            heat_elasticity=params["heat_elasticity"], headroom=params["tpp2_capacity_headroom"],
        ),
        "emissions_interval_coverage": calibrated_coverage(rows, params["stationary_level_sd"], tpp2_inside_from(series["level_shifts"])),
    }
    fc.backtest = rows
    return fc


def results(params: dict) -> EmissionsForecast:
    """Every emission table of a resolved scenario's ``params`` (``compute``), computed once per ``RESULT_PARAMETERS``.

    Kept in ``data/processed/emission_forecast/`` under a digest of those parameters, the raw tables and the
    package code (``io.processed_object``, as ``population.shared_forecast``): a run in another language, or with
    another ``emission_scenario`` or ``boundary`` (which only choose what the report shows), only presents.
    ``population`` is the shared population forecast the drivers come from (not stored twice). The key figures are
    built here, after the cache, since they carry the ``emission_scenario`` the report shows.
    """
    pop = population.results(params)
    key = {name: params[name] for name in RESULT_PARAMETERS}
    inputs = list(dict.fromkeys(INPUT_TABLES + BACKTEST_INPUTS + tuple(population.INPUT_TABLES)))
    fc, _ = io.processed_object("emission_forecast", key, partial(compute, params, pop), inputs)
    fc.population = pop
    fc.tables[KEY_FIGURES] = key_figures_table(fc.tables["emissions_by_source"], fc.tables["emissions_target_gap"], params["emission_scenario"])
    return fc


# Parameters of this model, composed into every scenario by scenarios.PARAMETERS. Defaults come from data/raw where
# a figure exists; tests/test_emissions.py checks them against calibrate_other_stationary, inbound_growth_from_data,
# agglomeration_base_from_data and stationary_level_sd.
DISPLAY_PARAMETERS: dict[str, Param] = {
    "emission_scenario": Param(
        str,
        "emission scenario the by-source chart and table show (all three are always computed and exported)",
        "programme",
        choices=("baseline", "programme", "delayed"),
    ),
    "boundary": Param(
        str,
        "emission boundary the report shows: city (the 2021 inventory of 127 kt) or city_plus (adds TPP-3 and agglomeration houses)",
        "city",
        choices=("city", "city_plus"),
    ),
}
PARAMETERS: dict[str, Param] = (
    DISPLAY_PARAMETERS | MEASURE_PARAMETERS | schedule.PARAMETERS | DRIVER_PARAMETERS | INVENTORY_PARAMETERS | simulation.PARAMETERS
    | pollutants.PARAMETERS
)
# What the results depend on: the population forecast's parameters and every emission parameter but the display ones.
RESULT_PARAMETERS = tuple(dict.fromkeys(population.PARAMETER_NAMES + ("base_year", "horizon") + tuple(name for name in PARAMETERS if name not in DISPLAY_PARAMETERS)))

# Tables this model publishes (export.TABLES composes them), in the order of the report.
TABLES: dict[str, TableSpec] = (
    tables.TABLES | inventory_module.TABLES | delivery.TABLES | targets.TABLES | pollutants.TABLES | sensitivity.TABLES | backtest.TABLES | iamc.TABLES
)
