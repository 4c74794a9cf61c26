"""The population forecast of one parameter set: the central path, the Monte Carlo trajectories, the variants and
every table report 10 publishes (``TABLES``), computed once per parameter digest (``shared_forecast``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import evaluation, io, keyfigures
from ..tablespec import TableSpec
from .backtest import BENCHMARKS, backtest_accuracy, cohort_errors, combined_benchmark
from .calibration import Calibration, base_population, calibrate
from .inputs import INPUT_TABLES, district_counts, observed_total, population_shifts, read_inputs, shift_years
from .long_run import LongRun, national_paths
from .model import (
    AGES,
    PARAMETER_FIELDS,
    PARAMETER_NAMES,
    SEXES,
    VARIANTS,
    Z80,
    Assumptions,
    Schedules,
    assumptions_from,
    calibrated_defaults,
    run,
)
from .provenance import DataUsed, data_used

PERIPHERY = ("alatau", "nauryzbay")  # districts of mass housing construction on the city edge
PROGRAMME_TARGET = "population_target_2030"  # programme_population.csv figure id (its ref_year is the target's year)
KEY_FIGURES = "population_key_figures"  # the table of this domain the index and the summary read (keyfigures)
AGE_GROUPS = {"0-5": (0, 5), "6-17 (school ages)": (6, 17), "18-64": (18, 64), "65+": (65, 100)}


def quantiles(values: np.ndarray, axis: int = 0) -> dict[str, np.ndarray]:
    """80 % and 95 % interval bounds and the median along ``axis``."""
    q = np.quantile(values, [0.025, 0.1, 0.5, 0.9, 0.975], axis=axis)
    return {"lo_95": q[0], "lo_80": q[1], "median": q[2], "hi_80": q[3], "hi_95": q[4]}


def round_preserving_sum(values: np.ndarray, total: int) -> np.ndarray:
    """Integers that add up to ``total`` (largest remainders)."""
    floors = np.floor(values).astype(int)
    short = int(total - floors.sum())
    order = np.argsort(-(values - floors))
    floors[order[:short]] += 1
    return floors


def district_projection(totals: pd.Series, base_counts: pd.Series, periphery: tuple[str, ...], periphery_factor: float) -> pd.DataFrame:
    """District populations that add up exactly to the city ``totals`` (indexed by year).

    Start from the district shares of ``base_counts`` (``inputs.district_counts``); each year's city growth is shared in
    proportion to share × weight, where ``periphery`` districts (mass housing
    construction) have weight ``periphery_factor`` and the others 1.
    """
    weights = pd.Series(1.0, index=base_counts.index)
    weights[list(periphery)] = periphery_factor
    current = totals.iloc[0] * base_counts / base_counts.sum()
    rows = []
    for year, total in totals.items():
        if rows:
            growth = total - current.sum()
            allocation = current * weights
            current = current + growth * allocation / allocation.sum()
        rounded = round_preserving_sum(current.to_numpy(), int(round(total)))
        rows += [{"year": int(year), "district": d, "value": int(v)} for d, v in zip(current.index, rounded, strict=True)]
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class YearTotal:
    """The city on 1 January of one year: central projection and Monte Carlo interval bounds, persons."""

    year: int
    value: int
    lo_80: int
    hi_80: int
    lo_95: int
    hi_95: int


@dataclass(frozen=True)
class ProgrammeTarget:
    """The programme's stated population for a year."""

    year: int
    million: float  # persons, million, as printed
    source: str  # where the programme states it

    @property
    def persons(self) -> float:
        return self.million * 1e6


@dataclass
class PopulationForecast:
    """One parameter set's forecast. Arrays have named axes through the accessors; tables are what report 10 publishes."""

    years: np.ndarray  # 1 January of the base year to the horizon
    central: dict  # project_arrays output for the central path (n = 1)
    trajectories: np.ndarray  # (simulation, year, sex, age) Monte Carlo populations on 1 January
    assumptions: Assumptions
    calibration: Calibration
    tables: dict[str, pd.DataFrame]
    observed: pd.Series  # BNS total on 1 January by year (the history)
    shifts: pd.DataFrame  # level shifts of the BNS population series
    target: ProgrammeTarget
    data: DataUsed  # the years of the series behind it, for the report's fallbacks
    long_run: LongRun  # the WPP paths the TFR and e0 follow beyond the calibration horizon
    digest: str = ""  # of the parameters, raw inputs and code that produced it (run); printed by every report

    def central_population(self) -> np.ndarray:
        """(year, sex, age) central population on 1 January."""
        return self.central["population"][0]

    def simulated_population(self) -> np.ndarray:
        """(simulation, year, sex, age) Monte Carlo populations on 1 January."""
        return self.trajectories

    def simulated_totals(self) -> np.ndarray:
        """(simulation, year) Monte Carlo city totals on 1 January."""
        return self.trajectories.sum(axis=(2, 3))

    def year_index(self, year: int) -> int:
        """Position of 1 January ``year`` on the year axis; a year outside the projection is an error."""
        index = int(np.searchsorted(self.years, year))
        if index >= self.years.size or self.years[index] != year:
            raise ValueError(f"year {year} is outside the projection {self.years[0]}-{self.years[-1]}")
        return index

    def by_year(self, year: int) -> YearTotal:
        """Central total and 80 % / 95 % interval on 1 January ``year`` (population_total)."""
        self.year_index(year)
        row = self.tables["population_total"].set_index("year").loc[year]
        return YearTotal(int(year), *(int(row[c]) for c in ("value", "lo_80", "hi_80", "lo_95", "hi_95")))

    def age_group(self, name: str) -> pd.DataFrame:
        """value, lo_80, hi_80, lo_95, hi_95 of one broad age group (AGE_GROUPS) by year."""
        if name not in AGE_GROUPS:
            raise ValueError(f"unknown age group {name!r}; expected one of {list(AGE_GROUPS)}")
        groups = self.tables["population_age_groups"]
        return groups[groups["age_group"] == name].drop(columns="age_group").set_index("year")

    def sex(self, sex: str) -> pd.DataFrame:
        """value, lo_80, hi_80, lo_95, hi_95 of the total of one sex (male, female) by year."""
        if sex not in SEXES:
            raise ValueError(f"unknown sex {sex!r}; expected one of {list(SEXES)}")
        i = SEXES.index(sex)
        central = self.central_population()[:, i].sum(axis=1)
        return total_table(self.years, central, self.trajectories[:, :, i].sum(axis=2)).set_index("year")

    def quantile(self, q: float) -> pd.Series:
        """The ``q`` quantile (0-1) of the simulated city totals, by year."""
        if not 0.0 <= q <= 1.0:
            raise ValueError(f"quantile {q!r}: expected a probability in [0, 1]")
        return pd.Series(np.quantile(self.simulated_totals(), q, axis=0), index=pd.Index(self.years, name="year"))

    def share_at_least(self, year: int, threshold: float) -> float:
        """Share of simulated trajectories with at least ``threshold`` persons on 1 January ``year``."""
        return float((self.simulated_totals()[:, self.year_index(year)] >= threshold).mean())


def total_table(years, central_total, sim_totals) -> pd.DataFrame:
    """``population_total``: the central total by year with the 80% and 95% bounds of the simulated totals (n, year)."""
    q = quantiles(sim_totals)
    frame = pd.DataFrame({"year": years, "value": central_total})
    for key in ("lo_80", "hi_80", "lo_95", "hi_95"):
        frame[key] = q[key]
    return frame.round().astype("int64")


def _age_sex_table(years, central, trajectories) -> pd.DataFrame:
    q = quantiles(trajectories)
    index = pd.MultiIndex.from_product([years, SEXES, AGES], names=["year", "sex", "age"])
    values = {"value": central.reshape(-1), "lo_80": q["lo_80"].reshape(-1), "hi_80": q["hi_80"].reshape(-1)}
    return pd.DataFrame(values, index=index).round().astype("int64").reset_index()


def _age_group_table(years, central, trajectories) -> pd.DataFrame:
    """Totals of broad age groups with intervals from the summed trajectories (not summed quantiles)."""
    frames = []
    for label, (low, high) in AGE_GROUPS.items():
        table = total_table(years, central[..., low : high + 1].sum(axis=(-2, -1)), trajectories[..., low : high + 1].sum(axis=(-2, -1)))
        frames.append(table.assign(age_group=label))
    columns = ["year", "age_group", "value", "lo_80", "hi_80", "lo_95", "hi_95"]
    return pd.concat(frames, ignore_index=True)[columns]


def _components_table(years, central) -> pd.DataFrame:
    """Row t: population on 1 January t and the births, deaths and net migration during calendar year t.

    value(t + 1) = value(t) + births − deaths + net_migration (exact after rounding: net
    migration absorbs the rounding, at most a person or two); the last year has no events. Births and deaths are the
    cohort model's; where the central path combines it with a benchmark (``central_scale``) net migration is the rest
    of the combined change.
    """
    value = np.round(central["population"][0].sum(axis=(1, 2))).astype(int)
    births = np.round(central["births"][0]).astype(int)
    deaths = np.round(central["deaths"][0]).astype(int)
    migration = np.diff(value) - births + deaths
    return pd.DataFrame(
        {
            "year": years,
            "value": value,
            "births": pd.array([*births, pd.NA], dtype="Int64"),
            "deaths": pd.array([*deaths, pd.NA], dtype="Int64"),
            "net_migration": pd.array([*migration, pd.NA], dtype="Int64"),
        }
    )


def coverage_table(calibration: Calibration, total: pd.DataFrame | None = None) -> pd.DataFrame:
    """Coverage of the calibrated cohort intervals by horizon, against the official series.

    ``coverage_80`` / ``coverage_95``: leave-one-origin-out (out of sample);
    ``in_sample_80``: with the sds fitted on all origins (the calibration itself). With
    ``total`` (``population_total`` of a forecast), ``simulated_half_80_pct`` is the half
    width of that forecast's Monte Carlo 80 % interval h years ahead, % of the central value.
    """
    rows = cohort_errors(calibration.backtest)
    sd_base, sd_trend = calibration.interval_sd
    sd = np.sqrt(sd_base**2 + rows["horizon"] ** 2 * sd_trend**2) / 100
    inside_all = (rows["pct_error"] / 100).abs() <= Z80 * sd
    out = (
        rows.assign(
            in80=(rows["actual"] >= rows["lo_80"]) & (rows["actual"] <= rows["hi_80"]),
            in95=(rows["actual"] >= rows["lo_95"]) & (rows["actual"] <= rows["hi_95"]),
            all80=inside_all,
        )
        .groupby("horizon", as_index=False)
        .agg(coverage_80=("in80", "mean"), coverage_95=("in95", "mean"), in_sample_80=("all80", "mean"), n=("in80", "size"))
    )
    out.insert(1, "interval_sd_pct", np.sqrt(sd_base**2 + out["horizon"] ** 2 * sd_trend**2))
    if total is not None:
        by_year = total.set_index("year")
        years = by_year.index[0] + out["horizon"]
        half = (by_year["hi_80"] - by_year["lo_80"]) / 2 / by_year["value"] * 100
        out["simulated_half_80_pct"] = half.reindex(years).to_numpy()
    return out


MAPE_TO_HALF_80 = Z80 / np.sqrt(2 / np.pi)  # 80 % half width / mean absolute error of normal errors: 1.28 / 0.80 = 1.61


def published_error_comparison(total: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """Published ex-post errors of subnational projections (published_projection_errors) beside this forecast's
    80 % interval at the same horizon.

    A published mean absolute error (ape, mpad) is put on the scale of an 80 % half width as if the errors were normal
    (mean |e| = sd·√(2/π), so half width = 1.61 × mean |e|, ``MAPE_TO_HALF_80``); a largest error (max_ape) is shown as
    printed. ``model_half_80_pct``: half the width of ``total``'s (population_total) 80 % interval h years after its
    first year, % of the central value; empty where the forecast does not reach h.
    """
    by_year = total.set_index("year")
    half = ((by_year["hi_80"] - by_year["lo_80"]) / 2 / by_year["value"] * 100).to_numpy()
    horizons = published["horizon_years"].to_numpy(dtype=int)
    model = np.where(horizons < half.size, half[np.minimum(horizons, half.size - 1)], np.nan)
    scale = np.where(published["measure"] == "max_ape", np.nan, MAPE_TO_HALF_80)
    return pd.DataFrame(
        {
            "study_id": published["study_id"].to_numpy(),
            "areas": published["areas"].to_numpy(),
            "horizon": horizons,
            "error_measure": published["measure"].to_numpy(),
            "published_low": published["value_low"].to_numpy(dtype=float),
            "published_high": published["value_high"].to_numpy(dtype=float),
            "implied_half_80_low": published["value_low"].to_numpy(dtype=float) * scale,
            "implied_half_80_high": published["value_high"].to_numpy(dtype=float) * scale,
            "model_half_80_pct": model,
        }
    )


def key_figures_table(total: pd.DataFrame) -> pd.DataFrame:
    """The population's key figures (keyfigures layout): the central total on 1 January of every year with its 80% interval."""
    return keyfigures.table("population", "central", "persons", total[["year", "value", "lo_80", "hi_80"]])


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
        projected = run(base, schedules, medium.variant(name), base_year, horizon, long_run=long_run)
        path = projected["population"][0].sum(axis=(1, 2)) * (1.0 if scale is None else scale)
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


def project(
    params: dict, base: np.ndarray, calibration: Calibration, assumptions: Assumptions, long_run: LongRun, benchmarks: pd.DataFrame
) -> tuple[dict, dict, np.ndarray]:
    """The central path and the ``n_simulations`` Monte Carlo trajectories of ``assumptions`` from ``base`` (population on
    1 January of the calibration's base year) to the horizon, both scaled by year to the central method's total, and
    that scale. ``forecast`` and the what-if explorer (``whatif``) call it.

    The scale is ``central_scale`` of the cohort total of the *calibrated* assumptions (medium variant, no override):
    the combination with a benchmark corrects the calibrated model's total, as the backtest measured it, and that
    correction then applies unchanged to every variant and override. So a changed assumption moves the central path as
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
    central["population"] = central["population"] * scale[:, None, None]
    sims["population"] = sims["population"] * scale[:, None, None]
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
        "population_by_age_sex": _age_sex_table(years, central_pop, sims["population"]),
        "population_components": _components_table(years, central),
        "population_age_groups": _age_group_table(years, central_pop, sims["population"]),
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


TABLE_SOURCE = (
    "cohort-component projection (population.py) from BNS population, age bands and life expectancy, WPP 2022 Kazakhstan schedules"
)

# Tables this model publishes (export.TABLES composes them).
TABLES: dict[str, TableSpec] = {
    "population_total": TableSpec(
        "Almaty population on 1 January: central projection with 80% and 95% Monte Carlo intervals",
        {
            "year": ("year", "population on 1 January of this year"),
            "value": ("persons", "central projection (central assumptions of the scenario)"),
            "lo_80": ("persons", "10th percentile of the simulated trajectories"),
            "hi_80": ("persons", "90th percentile"),
            "lo_95": ("persons", "2.5th percentile"),
            "hi_95": ("persons", "97.5th percentile"),
        },
        TABLE_SOURCE,
    ),
    "population_by_age_sex": TableSpec(
        "Almaty population on 1 January by single year of age and sex, with 80% intervals",
        {
            "year": ("year", "population on 1 January of this year"),
            "sex": ("", "male or female"),
            "age": ("years", "completed years of age; 100 means 100 and over"),
            "value": ("persons", "central projection"),
            "lo_80": ("persons", "10th percentile of the simulated trajectories"),
            "hi_80": ("persons", "90th percentile"),
        },
        TABLE_SOURCE,
    ),
    "population_age_groups": TableSpec(
        "Almaty population on 1 January by broad age group, with 80% and 95% intervals of each group's total",
        {
            "year": ("year", "population on 1 January of this year"),
            "age_group": ("years", "0-5, 6-17 (school ages), 18-64, 65+"),
            "value": ("persons", "central projection"),
            "lo_80": ("persons", "10th percentile of the group total over the simulations"),
            "hi_80": ("persons", "90th percentile"),
            "lo_95": ("persons", "2.5th percentile"),
            "hi_95": ("persons", "97.5th percentile"),
        },
        TABLE_SOURCE,
    ),
    "population_by_district": TableSpec(
        "Almaty population on 1 January by district (central projection); districts add up to the city total",
        {
            "year": ("year", "population on 1 January of this year"),
            "district": ("", "district slug (alatau, almaly, auezov, bostandyk, zhetysu, medeu, nauryzbay, turksib)"),
            "value": ("persons", "district population, rounded so that districts add up to the city"),
        },
        "district shares of the base year from the BNS bulletin of that 1 January (bns_population_districts) where the vintage has it, else from the programme (001_22452510f78b59ea.txt:3814-3825), moved by the growth weights; city total from population_total",
    ),
    "population_components": TableSpec(
        "Components of change of the central projection by calendar year: value(year + 1) = value(year) + births - deaths + net_migration",
        {
            "year": ("year", "calendar year: value on 1 January of it, components during it"),
            "value": ("persons", "population on 1 January of this year"),
            "births": ("persons", "live births during this calendar year (empty for the last year)"),
            "deaths": ("persons", "deaths during this calendar year"),
            "net_migration": ("persons", "net migrants during this calendar year (absorbs rounding of at most 2 persons)"),
        },
        TABLE_SOURCE,
    ),
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
    "population_backtest": TableSpec(
        "Rolling-origin backtest of the cohort-component model, the benchmarks and their combination (origins from 2010 to three years before the base year, horizons 1-5, the series to each origin only)",
        {
            "target": (
                "",
                "official (BNS, boundary shift removed, census re-basing kept) or reconciled (census error spread over 2009-2021)",
            ),
            "method": (
                "",
                "naive, drift, log_drift (constant growth rate), damped_trend (ETS), cohort_component, combination (mean of cohort and best benchmark)",
            ),
            "horizon": ("years", "years ahead of the origin"),
            "mape": ("percent", "mean absolute percentage error"),
            "bias": ("percent", "mean signed percentage error; positive = over-forecast"),
            "mase": ("ratio", "mean absolute error / mean absolute yearly change of the training window"),
            "coverage_80": (
                "share",
                "share of actual values inside the 80% interval (0-1; 0.8 is ideal); cohort intervals leave-one-origin-out",
            ),
            "coverage_95": ("share", "share of actual values inside the 95% interval (0-1; 0.95 is ideal)"),
            "n": ("count", "forecasts scored"),
        },
        "BNS population on 1 January from 2000 to the base year (training: official series known at each origin)",
    ),
    "population_interval_coverage": TableSpec(
        "Calibrated intervals of the cohort-component model: error sd by horizon and its out-of-sample coverage",
        {
            "horizon": ("years", "years ahead"),
            "interval_sd_pct": (
                "percent",
                "sd of the percentage error of the total: sqrt(sd_base^2 + h^2 sd_trend^2), fitted on the backtest",
            ),
            "coverage_80": ("share", "share of backtest outcomes inside the 80% interval, sds fitted without that origin"),
            "coverage_95": ("share", "same for the 95% interval"),
            "in_sample_80": ("share", "coverage of the 80% interval with the sds fitted on all origins"),
            "n": ("count", "backtest outcomes"),
            "simulated_half_80_pct": (
                "percent",
                "half width of this forecast's Monte Carlo 80% interval h years after the base year, % of the central value",
            ),
        },
        "rolling-origin backtest (origins from 2010 to three years before the base year) against the official BNS series",
    ),
    "population_reconciliation": TableSpec(
        "Almaty population on 1 January: BNS estimate and the intercensal series reconciled with the 2021 census",
        {
            "year": ("year", "1 January of this year"),
            "observed": ("persons", "BNS estimate (city boundary of that date)"),
            "correction": ("persons", "share of the 2021 census's error of closure assigned to this year (linear spread 2009-2021)"),
            "reconciled": ("persons", "observed + correction"),
        },
        "BNS population on 1 January; error of closure = the 2021/22 census jump minus the expected change (population.closure_error)",
    ),
    "population_migration_fit": TableSpec(
        "Evidence the age profile of net migration is fitted to, with the fitted model's values",
        {
            "statistic": (
                "",
                "growth of pupils (school model enrolment) / of ages 0-7 per year 2020-2022 (thousand), mean age, share aged 14-35 (%), count aged 14-29 (thousand) in 2022; "
                "prior_0_17: share aged 0-17 of net migrants (%), the prior",
            ),
            "target": ("as statistic", "the programme's figure"),
            "tolerance": ("as statistic", "weight of the figure in the fit (deviation counted as one unit)"),
            "source": ("", "programme line and why the tolerance"),
            "in_fit": ("", "whether the row enters the fit's loss (false: shown as a check)"),
            "model": ("as statistic", "the fitted model's value"),
        },
        "programme 001_22452510f78b59ea.txt lines 226, 303, 2793, 3007, 3183, 3536; model: population.fit_child_share",
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
    "population_interval_vs_published": TableSpec(
        "Width of the forecast's 80% interval beside published ex-post errors of official subnational projections at the same horizon",
        {
            "study_id": ("", "row of published_projection_errors (source and quoted sentence there)"),
            "areas": ("", "the areas whose projections were evaluated"),
            "horizon": ("years", "years after the launch year (the forecast: after its base year)"),
            "error_measure": ("", "ape (absolute % error of each area; a range over the areas), mpad (population-weighted mean absolute % error), max_ape (largest)"),
            "published_low": ("percent", "published error, lower end of the range"),
            "published_high": ("percent", "published error, upper end"),
            "implied_half_80_low": ("percent", "80% half width of normal errors with that mean absolute error (1.61 x); empty for max_ape"),
            "implied_half_80_high": ("percent", "same for published_high"),
            "model_half_80_pct": ("percent", "half width of this forecast's 80% interval of the total at that horizon, % of the central value; empty beyond the horizon"),
        },
        "published_projection_errors (journal abstracts and article text, each row's source); the forecast's population_total",
    ),
    KEY_FIGURES: keyfigures.spec("Key figures: Almaty population on 1 January, central projection with the 80% interval", TABLE_SOURCE),
    # -- school tables (schools.py) --
}
