"""The tables report 10 publishes from one forecast's paths (``TABLES``): totals, ages and sexes, age groups, districts,
components of change, the calibrated intervals' coverage and the published errors they are set against, the key figures."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import keyfigures
from ..tablespec import TableSpec
from .backtest import cohort_errors, real_time_inside
from .calibration import Calibration
from .model import AGES, SEXES, Z80
from .result import AGE_GROUPS, quantiles, total_table

KEY_FIGURES = "population_key_figures"  # the table of this domain the index and the summary read (keyfigures)

TABLE_SOURCE = (
    "cohort-component projection (population/model.py) from BNS population, age bands and life expectancy, WPP 2022 Kazakhstan schedules"
)


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


def age_sex_table(years, central, trajectories) -> pd.DataFrame:
    q = quantiles(trajectories)
    index = pd.MultiIndex.from_product([years, SEXES, AGES], names=["year", "sex", "age"])
    values = {"value": central.reshape(-1), "lo_80": q["lo_80"].reshape(-1), "hi_80": q["hi_80"].reshape(-1)}
    return pd.DataFrame(values, index=index).round().astype("int64").reset_index()


def age_group_table(years, central, trajectories) -> pd.DataFrame:
    """Totals of broad age groups with intervals from the summed trajectories (not summed quantiles)."""
    frames = []
    for label, (low, high) in AGE_GROUPS.items():
        table = total_table(years, central[..., low : high + 1].sum(axis=(-2, -1)), trajectories[..., low : high + 1].sum(axis=(-2, -1)))
        frames.append(table.assign(age_group=label))
    columns = ["year", "age_group", "value", "lo_80", "hi_80", "lo_95", "hi_95"]
    return pd.concat(frames, ignore_index=True)[columns]


def components_table(years, central) -> pd.DataFrame:
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

    ``coverage_80`` / ``coverage_95``: leave-one-origin-out (the other origins, later ones included);
    ``in_sample_80``: with the sds fitted on all origins (the calibration itself); ``real_time_80`` over
    ``real_time_n`` forecasts: with the sds fitted on the errors known at each origin (``real_time_inside``). With
    ``total`` (``population_total`` of a forecast), ``simulated_half_80_pct`` is the half
    width of that forecast's Monte Carlo 80 % interval h years ahead, % of the central value.
    """
    rows = cohort_errors(calibration.backtest)
    inside_all = calibration.interval_sd.holds(rows)
    out = (
        rows.assign(
            in80=(rows["actual"] >= rows["lo_80"]) & (rows["actual"] <= rows["hi_80"]),
            in95=(rows["actual"] >= rows["lo_95"]) & (rows["actual"] <= rows["hi_95"]),
            all80=inside_all,
        )
        .groupby("horizon", as_index=False)
        .agg(coverage_80=("in80", "mean"), coverage_95=("in95", "mean"), in_sample_80=("all80", "mean"), n=("in80", "size"))
    )
    out.insert(1, "interval_sd_pct", calibration.interval_sd.at(out["horizon"]))
    real_time = real_time_inside(rows).groupby(rows["horizon"])
    out["real_time_80"] = out["horizon"].map(real_time.mean()).to_numpy()
    out["real_time_n"] = out["horizon"].map(real_time.count()).fillna(0).astype(int).to_numpy()
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



# Tables of the forecast's paths (population.TABLES composes them with the variants and benchmarks in the order of the report).
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
        "Calibrated intervals of the cohort-component model: error sd by horizon and its coverage, leave-one-origin-out and in real time",
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
            "real_time_80": ("share", "coverage of the 80% interval with the sds fitted only on the errors known at each origin (target years up to it): the real-time check"),
            "real_time_n": ("count", "backtest outcomes scored in real time (origins that knew errors at two horizons or more)"),
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
}
