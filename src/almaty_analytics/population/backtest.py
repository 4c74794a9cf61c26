"""Rolling-origin backtest of the cohort-component model against the benchmarks, and its calibrated intervals.

Origins from the year after the 2009 census to three years before the base year (``CalibrationYears.backtest_origins``;
2010-2019 at base year 2022), horizons 1-5: the cohort model
(``cohort_forecaster``: the base age shape scaled to the origin's total, migration from the
``COHORT_BACKTEST_WINDOW`` years before it) against naive, drift, log-linear drift, damped trend, the
Smith-Tayman linear and exponential trends on 5- and 10-year base periods (``evaluation.SMITH_TAYMAN``) and a
combination (``evaluation.rolling_origin_backtest``), scored against the official and the reconciled
series. The sd of the cohort model's percentage error at horizon h is sqrt(sd_base² + h²·sd_trend²)
(``interval_sd``); its intervals are checked leave-one-origin-out (``with_calibrated_intervals``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from .. import evaluation
from .inputs import almaty_e0, observed_total, shift_years
from .model import Z80, Assumptions, Schedules, run

BACKTEST_HORIZONS = [1, 2, 3, 4, 5]
COHORT_BACKTEST_WINDOW = 5  # years of demographic balance before an origin that set its migration level
COHORT = "cohort_component"  # the method name of the cohort model in the backtest tables
BENCHMARKS = dict(evaluation.BENCHMARKS) | evaluation.SMITH_TAYMAN  # the population's: the shared ones and Smith-Tayman trends


class IntervalSd(NamedTuple):
    """sd of the cohort model's percentage error (percent): s_h² = base² + h²·trend²."""

    base: float
    trend: float

    def at(self, horizons) -> np.ndarray:
        """s_h, percent, at each of ``horizons`` (years ahead)."""
        return np.sqrt(self.base**2 + np.asarray(horizons) ** 2 * self.trend**2)

    def holds(self, rows: pd.DataFrame) -> pd.Series:
        """Whether each row's percentage error lies inside the centred 80 % interval, within ±1.28·s_h of its horizon."""
        return (rows["pct_error"] / 100).abs() <= Z80 * (self.at(rows["horizon"]) / 100)


@dataclass(frozen=True)
class CohortModel:
    """What the cohort model knows in every backtest origin: shapes and rates that do not look ahead."""

    schedules: Schedules
    base_shape: np.ndarray  # (2, 101) single-age estimate, scaled to each origin's total
    tfr: float  # Almaty TFR in ``tfr_year``, moved to other years with the national TFR
    tfr_year: int
    national_tfr: pd.Series  # WPP Kazakhstan TFR by year
    life: pd.DataFrame  # BNS life expectancy (bns_life_expectancy)
    female_share: float  # share of women among net migrants
    e0_gain: float  # years of e0 gained per calendar year


def cohort_forecaster(model: CohortModel):
    """The cohort-component method as a backtest forecaster ``method(train, h)``.

    Of the series it reads only the years up to the origin ``o`` (the last year of ``train``):
    base ages are the base shape scaled to the origin's total; the migration level is
    the mean demographic balance of the ``COHORT_BACKTEST_WINDOW`` years before the origin
    (change of ``train`` minus the model's natural increase with that year's BNS e0 and
    the TFR moved with the national one); TFR and e0 are those of the year before the
    origin, e0 then gains as in the forecast. The ``model`` itself carries what the data
    hold only from later years (``calibration.backtest_model``).
    """
    shape = model.base_shape / model.base_shape.sum()

    def assumptions(year: int, level: float) -> Assumptions:
        e0 = almaty_e0(model.life, year)
        return Assumptions(
            tfr=model.tfr * model.national_tfr[year] / model.national_tfr[model.tfr_year],
            tfr_change=0.0,
            life_expectancy_male=e0[0],
            life_expectancy_female=e0[1],
            life_expectancy_gain=model.e0_gain,
            net_migration=level,
            migrant_female_share=model.female_share,
        )

    def method(train: pd.Series, h: int) -> pd.DataFrame:
        origin = int(train.index[-1])
        window = [y for y in range(origin - COHORT_BACKTEST_WINDOW, origin) if y in train.index]
        if not window:
            raise ValueError(f"cohort backtest: no balance year before origin {origin}")
        flows = []
        for y in window:
            step = run(shape * train[y], model.schedules, assumptions(y, 0.0), y, y + 1)
            natural = step["births"][0, 0] - step["deaths"][0, 0]
            flows.append(train[y + 1] - train[y] - natural)
        out = run(shape * train[origin], model.schedules, assumptions(origin - 1, float(np.mean(flows))), origin, origin + h)
        totals = out["population"][0].sum(axis=(1, 2))[1:]
        return evaluation._frame(origin, totals, np.zeros(h))

    return method


def interval_sd(errors: pd.DataFrame) -> IntervalSd:
    """(sd_base, sd_trend) in percent from backtest percentage errors: s_h² = sd_base² + h²·sd_trend².

    s_h is the split-conformal 80 % quantile of |error| at horizon h (evaluation.conformal_quantile:
    the ⌈(n+1)·0.8⌉-th smallest of n) divided by 1.2816: for normal errors about the sd; for skewed
    or biased errors, the width a centred 80 % interval needs to hold a new origin's error with
    probability 80 %. Least squares relative to each horizon's size.
    """
    msq = errors.groupby("horizon")["pct_error"].apply(lambda e: float((evaluation.conformal_quantile(np.abs(e), 0.8) / Z80) ** 2))
    h = msq.index.to_numpy(dtype=float)
    design = np.column_stack([np.ones_like(h), h**2])
    weight = 1 / np.maximum(msq.to_numpy(), 1e-12)  # relative fit: every horizon counts alike
    coef = np.linalg.lstsq(design * weight[:, None], msq.to_numpy() * weight, rcond=None)[0]
    if coef[0] < 0:
        coef = np.array([0.0, float(h**2 @ msq.to_numpy() / (h**4).sum())])
    if coef[1] < 0:
        coef = np.array([float(msq.mean()), 0.0])
    return IntervalSd(float(np.sqrt(coef[0])), float(np.sqrt(coef[1])))


def with_calibrated_intervals(rows: pd.DataFrame) -> pd.DataFrame:
    """Cohort backtest rows with 80 %/95 % intervals from ``interval_sd`` fitted on the OTHER origins.

    The interval holds the actuals whose percentage error (forecast − actual) / actual is
    within ±z·sd: actual in [forecast / (1 + z·sd), forecast / (1 − z·sd)].

    Leave-one-origin-out: the coverage of these intervals is an honest out-of-sample
    check of the calibration used for the forecast.
    """
    out = rows.copy()
    for origin in out["origin"].unique():
        others = out[(out["origin"] != origin) & out["actual"].notna()]
        mine = out["origin"] == origin
        sd = interval_sd(others).at(out.loc[mine, "horizon"].to_numpy()) / 100
        point = out.loc[mine, "forecast"].to_numpy()
        for level, z in (("80", Z80), ("95", evaluation.Z95)):  # bounds on the % error (forecast - actual) / actual
            out.loc[mine, f"lo_{level}"] = point / (1 + z * sd)
            out.loc[mine, f"hi_{level}"] = point / np.maximum(1 - z * sd, 1e-9)
    return out


def real_time_inside(rows: pd.DataFrame) -> pd.Series:
    """For each scored cohort row (``cohort_errors``), whether its actual lies inside an 80 % interval calibrated only on
    the errors known at its origin (target years up to the origin: what a forecaster then had); NaN where fewer than
    two horizons were known. The real-time check of the calibration, which ``with_calibrated_intervals`` (other
    origins, later ones included) is not."""
    inside = pd.Series(np.nan, index=rows.index)
    for origin, mine in rows.groupby("origin"):
        known = rows[rows["origin"] + rows["horizon"] <= origin]
        if known["horizon"].nunique() < 2:
            continue
        inside[mine.index] = interval_sd(known).holds(mine).astype(float)
    return inside


def backtest_table(
    inputs: dict[str, pd.DataFrame], model: CohortModel, reconciled: pd.DataFrame, origins: list[int], closure_year: int, last_year: int
) -> pd.DataFrame:
    """Rolling-origin backtest (``origins``, horizons 1-5) of the cohort model, the benchmarks and their combination.

    Every method is trained on the official BNS series known at the origin (the boundary
    shift removed inside the window); rows are scored against the official series to
    ``last_year`` (the base year; the census re-basing of ``closure_year`` kept: it is an
    error the forecasts made) and against the reconciled one (``target``). Cohort intervals
    are calibrated leave-one-origin-out from the errors against the official series. The
    combination is the mean of the cohort model and the benchmark with the lowest MAPE
    (``evaluation.best_method``).
    """
    official = observed_total(inputs).loc[:last_year]
    boundary = [s for s in shift_years(inputs) if s != closure_year]
    methods = BENCHMARKS | {COHORT: cohort_forecaster(model)}
    rows = evaluation.rolling_origin_backtest(official, methods, origins, BACKTEST_HORIZONS, shift_years=boundary)
    cohort = rows["method"] == COHORT
    rows = pd.concat([rows[~cohort], with_calibrated_intervals(rows[cohort])], ignore_index=True)
    best = evaluation.best_method(evaluation.accuracy(rows), list(BENCHMARKS))
    rows = evaluation.combine(rows, [COHORT, best], name=f"combination ({COHORT} + {best})")
    frames = [rows.assign(target="official")]
    target = evaluation.adjust_level_shifts(reconciled["reconciled"].loc[:last_year], boundary)["adjusted"]
    other = rows.copy()
    other["actual"] = (other["origin"] + other["horizon"]).map(target)
    other["error"] = other["forecast"] - other["actual"]
    other["pct_error"] = 100 * other["error"] / other["actual"]
    frames.append(other.assign(target="reconciled"))
    return pd.concat(frames, ignore_index=True)


def cohort_errors(backtest: pd.DataFrame) -> pd.DataFrame:
    """The cohort model's scored rows against the official series (the errors its intervals are calibrated on)."""
    rows = backtest[(backtest["method"] == COHORT) & (backtest["target"] == "official")]
    return rows.dropna(subset=["actual"])


def backtest_accuracy(backtest: pd.DataFrame) -> pd.DataFrame:
    """Accuracy of every method by target (official / reconciled) and horizon."""
    tables = [evaluation.accuracy(rows).assign(target=target) for target, rows in backtest.groupby("target", sort=False)]
    columns = ["target", *evaluation.ACCURACY_COLUMNS]
    return pd.concat(tables, ignore_index=True)[columns]


def best_overall(accuracy: pd.DataFrame) -> str:
    """The method with the lowest backtest MAPE against the official series (mean over the horizons)."""
    official = accuracy[accuracy["target"] == "official"]
    return evaluation.best_method(official, list(pd.unique(accuracy["method"])))


def central_method(accuracy: pd.DataFrame) -> str:
    """The central path's method, chosen on the backtest: the cohort model where nothing beats it, else the combination
    of the cohort model and the best benchmark (``backtest_table``), also where the benchmark alone scores best: a
    benchmark forecasts a total only, the combination keeps the cohort model's ages and sexes for half its weight."""
    if best_overall(accuracy) == COHORT:
        return COHORT
    return next(m for m in pd.unique(accuracy["method"]) if m.startswith("combination ("))


def combined_benchmark(method: str) -> str | None:
    """The benchmark a central ``method`` combines with the cohort model ("combination (cohort_component + expo_10)"
    -> "expo_10"), or None for the cohort model alone."""
    if method == COHORT:
        return None
    members = method.partition(" (")[2].rstrip(")").split(" + ")
    return next(m for m in members if m != COHORT)


def mean_mape(accuracy: pd.DataFrame, target: str = "official") -> pd.Series:
    """Mean MAPE over the horizons of every method against ``target``, lowest first."""
    by_method = accuracy.groupby(["target", "method"])["mape"].mean().unstack(0)
    return by_method[target].sort_values()


def beaten_by(accuracy: pd.DataFrame, method: str = COHORT) -> list[str]:
    """The methods whose mean MAPE against the official series is below ``method``'s, best first."""
    scores = mean_mape(accuracy)
    return [m for m in scores.index if scores[m] < scores[method]]
