"""The population forecast of one parameter set: the central path and the Monte Carlo trajectories of the cohort-component
model (``model.run``), scaled to the central method's total, the variants, the benchmarks and the programme's target,
then every table report 10 publishes (``tables``), computed once per parameter digest (``shared_forecast``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import evaluation, io
from ..tablespec import TableSpec
from .backtest import BENCHMARKS, backtest_accuracy, combined_benchmark
from .calibration import Calibration, base_population, calibrate
from .inputs import INPUT_TABLES, district_counts, observed_total, population_shifts, read_inputs, shift_years
from .long_run import LongRun, national_paths
from .model import PARAMETER_FIELDS, PARAMETER_NAMES, VARIANTS, Assumptions, Schedules, assumptions_from, calibrated_defaults, run
from .provenance import data_used
from .result import PopulationForecast, ProgrammeTarget, total_table
from .tables import (
    KEY_FIGURES,
    TABLE_SOURCE,
    age_group_table,
    age_sex_table,
    components_table,
    coverage_table,
    district_projection,
    key_figures_table,
    published_error_comparison,
)

PERIPHERY = ("alatau", "nauryzbay")  # districts of mass housing construction on the city edge
PROGRAMME_TARGET = "population_target_2030"  # programme_population.csv figure id (its ref_year is the target's year)


def programme_target(inputs: dict[str, pd.DataFrame]) -> ProgrammeTarget:
    """The programme's population target (PROGRAMME_TARGET) as printed, with its year and source."""
    row = inputs["programme_population"].set_index("figure_id").loc[PROGRAMME_TARGET]
    return ProgrammeTarget(int(row["ref_year"]), float(row["value"]), str(row["source"]))


def variants_table(
    base: np.ndarray, schedules: Schedules, medium: Assumptions, years: tuple[int, int], sim_totals: np.ndarray, target: ProgrammeTarget, start: float,
    scale: np.ndarray | None = None, long_run: LongRun | None = None,
) -> pd.DataFrame:
    """Central path of every variant of the ``medium`` assumptions over ``years`` (base year, horizon), where it lies
    among the simulated totals, and a straight line from ``start`` (the base year's central total) to the programme's target.
    ``scale`` (by year) moves each cohort path as the central one (``central_scale``)."""
    base_year, horizon = years
    rows = []
    for name in VARIANTS:
        variant = medium.variant(name)
        projected = run(base, schedules, variant, base_year, horizon, long_run=long_run)
        path = projected["population"][0].sum(axis=(1, 2)) * (1.0 if scale is None else applied_scale(scale, variant))
        below = (sim_totals <= path).mean(axis=0)  # where the variant lies among the simulated totals
        rows += [
            {"year": int(y), "variant": name, "value": round(float(v)), "share_of_simulations_at_or_below": float(b)}
            for y, v, b in zip(projected["years"], path, below, strict=True)
        ]
    for y in range(base_year, target.year + 1):
        rows.append(
            {
                "year": y,
                "variant": "programme_target",
                "value": round(start + (target.persons - start) * (y - base_year) / (target.year - base_year)),
                "share_of_simulations_at_or_below": float("nan"),
            }
        )
    return pd.DataFrame(rows)


def benchmarks_table(inputs: dict[str, pd.DataFrame], base_year: int, horizon: int) -> pd.DataFrame:
    """Every benchmark's forecast of the total from the history to ``base_year`` (level shifts removed)."""
    history_total = observed_total(inputs)
    history_total = history_total[history_total.index <= base_year]
    adjusted = evaluation.adjust_level_shifts(history_total, [y for y in shift_years(inputs) if y <= base_year])["adjusted"]
    rows = []
    for name, method in BENCHMARKS.items():
        path = method(adjusted, horizon - base_year)
        rows += [
            {"year": int(y), "method": name, "value": float(r["mean"]), "lo_80": float(r["lo_80"]), "hi_80": float(r["hi_80"])}
            for y, r in path.iterrows()
        ]
    return pd.DataFrame(rows).round().astype({"value": "int64", "lo_80": "int64", "hi_80": "int64"})


def central_scale(method: str, cohort_total: np.ndarray, benchmarks: pd.DataFrame) -> np.ndarray:
    """Factor by year on the cohort model's populations that gives the central ``method``'s total (``central_method``):
    1 for the cohort model; for a combination, the mean of the cohort total and the benchmark's (``benchmarks_table``)
    over the cohort total, so ages and sexes keep the cohort model's shape (the base year is observed: factor 1)."""
    benchmark = combined_benchmark(method)
    if benchmark is None:
        return np.ones(cohort_total.size)
    path = benchmarks[benchmarks["method"] == benchmark]["value"].to_numpy(dtype=float)
    combined = np.concatenate([[cohort_total[0]], (cohort_total[1:] + path) / 2])
    return combined / cohort_total


def applied_scale(scale: np.ndarray, assumptions: Assumptions) -> np.ndarray:
    """The combination's factor as it applies to ``assumptions``: unchanged, except with no net migration (the
    zero_migration variant, or net_migration 0), where it is 1. The components table books the correction as net
    migration (``components_table``), so a path without migrants takes none."""
    return np.ones_like(scale) if assumptions.net_migration == 0 else scale


def project(
    params: dict, base: np.ndarray, calibration: Calibration, assumptions: Assumptions, long_run: LongRun, benchmarks: pd.DataFrame
) -> tuple[dict, dict, np.ndarray]:
    """The central path and the ``n_simulations`` Monte Carlo trajectories of ``assumptions`` from ``base`` (population on
    1 January of the calibration's base year) to the horizon, both scaled by year to the central method's total, and
    the combination's factor (as measured; ``applied_scale`` says where it applies). ``forecast`` and the what-if explorer (``whatif``) call it.

    The scale is ``central_scale`` of the cohort total of the *calibrated* assumptions (medium variant, no override):
    the combination with a benchmark corrects the calibrated model's total, as the backtest measured it, and that
    correction then applies unchanged to every variant and override (``applied_scale``: not to a path without net
    migration, where the correction would be booked as migrants). So a changed assumption moves the central path as
    it moves the cohort model, ages included. (Recomputed on the changed model, the combination would halve any change
    of assumption, and more adult migrants would scale the children down: the benchmark does not see the assumptions.)
    """
    base_year, horizon = calibration.years.base, int(params["horizon"])
    central = run(base, calibration.schedules, assumptions, base_year, horizon, long_run=long_run)
    sims = run(
        base, calibration.schedules, assumptions, base_year, horizon, n=int(params["n_simulations"]), seed=int(params["seed"]), long_run=long_run
    )
    reference = assumptions_from({f: None for f in PARAMETER_FIELDS} | {"population_variant": "medium"}, calibrated_defaults(calibration.defaults))
    calibrated = central if reference == assumptions else run(base, calibration.schedules, reference, base_year, horizon, long_run=long_run)
    scale = central_scale(calibration.central_method, calibrated["population"][0].sum(axis=(1, 2)), benchmarks)
    applied = applied_scale(scale, assumptions)
    central["population"] = central["population"] * applied[:, None, None]
    sims["population"] = sims["population"] * applied[:, None, None]
    return central, sims, scale


def forecast(params: dict, inputs: dict[str, pd.DataFrame]) -> PopulationForecast:
    """Everything the population report and the planner tables need, for one parameter set (inputs: read_inputs(vintage))."""
    missing = [name for name in PARAMETER_NAMES if name not in params]
    if missing:
        raise ValueError(f"population forecast: parameters {missing} are missing; expected every name in population.PARAMETER_NAMES")
    calibration = calibrate(inputs, params["population_reconciliation"], int(params["base_year"]))
    base_year, horizon = calibration.years.base, int(params["horizon"])
    base = base_population(inputs, calibration, base_year)
    defaults = calibrated_defaults(calibration.defaults)
    assumptions = assumptions_from(params, defaults)
    long_run = LongRun(national_paths(inputs["wpp2022_kazakhstan_annual"]), int(params["long_run_from"]))
    benchmarks = benchmarks_table(inputs, base_year, horizon)
    central, sims, scale = project(params, base, calibration, assumptions, long_run, benchmarks)
    years = central["years"]
    central_pop = central["population"][0]
    sim_totals = sims["population"].sum(axis=(2, 3))
    target = programme_target(inputs)
    total = total_table(years, central_pop.sum(axis=(1, 2)), sim_totals)
    districts = district_counts(inputs, base_year)
    tables = {
        "population_total": total,
        "population_by_age_sex": age_sex_table(years, central_pop, sims["population"]),
        "population_components": components_table(years, central),
        "population_age_groups": age_group_table(years, central_pop, sims["population"]),
        "population_by_district": district_projection(total.set_index("year")["value"], districts[0], PERIPHERY, float(params["periphery_growth_factor"])),
        "population_variants": variants_table(
            base, calibration.schedules, assumptions_from(params | {"population_variant": "medium"}, defaults), (base_year, horizon), sim_totals,
            target, float(total["value"].iloc[0]), scale, long_run,
        ),
        "population_backtest": backtest_accuracy(calibration.backtest),
        "population_interval_coverage": coverage_table(calibration, total),
        "population_reconciliation": calibration.reconciliation.reset_index().round().astype("int64"),
        "population_migration_fit": calibration.migration_fit,
        "population_benchmarks": benchmarks,
        "population_interval_vs_published": published_error_comparison(total, inputs["published_projection_errors"]),
        KEY_FIGURES: key_figures_table(total),
    }
    return PopulationForecast(
        years, central, sims["population"], assumptions, calibration, tables, observed_total(inputs), population_shifts(inputs), target,
        data_used(inputs, calibration, districts), long_run,
    )


def shared_forecast(params: dict) -> tuple[PopulationForecast, str]:
    """The forecast of ``params``, computed once and shared by every notebook of a run (and later runs).

    Kept in ``data/processed/population_forecast/`` under a digest of the population parameters
    (``PARAMETER_NAMES``), the raw tables and the package code (``io.processed_object``): the school and
    emission reports take the very trajectories the population report shows. Returns the forecast and
    its digest, which each report prints so a reader can check that they match.
    """
    key = {name: params[name] for name in PARAMETER_NAMES if name in params}
    return io.processed_object("population_forecast", key, lambda: forecast(params, read_inputs(params["vintage"])), list(INPUT_TABLES))


def results(params: dict) -> PopulationForecast:
    """The population forecast of a resolved scenario's ``params``, computed once (``shared_forecast``), with its ``digest``."""
    fc, digest = shared_forecast(params)
    fc.digest = digest
    return fc


# Tables of the variants and the benchmarks (population.TABLES composes them with the tables of the paths in the order of the report).
TABLES: dict[str, TableSpec] = {
    "population_variants": TableSpec(
        "Central population of each variant (medium, low, high, zero_migration) and the programme's stated path to 2.5 million in 2030",
        {
            "year": ("year", "population on 1 January of this year"),
            "variant": ("", "medium, low, high, zero_migration, or programme_target (straight line to the programme's 2030 target)"),
            "value": ("persons", "population on 1 January"),
            "share_of_simulations_at_or_below": (
                "share",
                "share of the Monte Carlo totals of that year at or below the variant (0-1); empty for the target line",
            ),
        },
        TABLE_SOURCE + "; target: 001_22452510f78b59ea.txt:424",
    ),
    "population_benchmarks": TableSpec(
        "Benchmark forecasts of the total from the history (level shifts removed), for comparison with the cohort-component projection",
        {
            "year": ("year", "population on 1 January"),
            "method": ("", "naive, drift, log_drift or damped_trend"),
            "value": ("persons", "point forecast"),
            "lo_80": ("persons", "80% interval, lower"),
            "hi_80": ("persons", "80% interval, upper"),
        },
        "BNS population on 1 January from 2000 to the base year",
    ),
}
