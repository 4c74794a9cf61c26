"""Backtests and accuracy metrics shared by the population, school and emission forecasts.

Every function is pure: tidy pandas frames in, tidy pandas frames out, no files and no
printing. A yearly series is a ``pd.Series`` indexed by integer year.

Methods
-------
**Level shifts.** A level shift (boundary change, census re-basing) is a jump in the
level of a series, not growth. ``adjust_level_shifts`` estimates the jump at each shift
year ``s`` as the observed change into ``s`` minus the *expected* change: the mean of the
within-segment year-on-year changes in up to ``window`` years on each side of the shift
(changes into ``s - window .. s - 1`` and into ``s + 1 .. s + window``, pooled, never
crossing another shift). The series is then expressed in the basis of the latest segment:
every value plus the sum of the jumps that happen after it. The adjusted series has no
jumps, so trends, growth rates and benchmarks can run across the shifts.

**Benchmarks** (Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed.,
section 5.2 and 5.5, chapter 8). Each returns the point forecast and normal 80 % and 95 %
prediction intervals for ``h`` years after the last year:

* ``forecast_naive``: the last value; random-walk intervals ``sigma * sqrt(h)``, with
  ``sigma`` the root mean square of the first differences (the naive residuals);
* ``forecast_drift``: the last value plus ``h`` times the mean yearly change; intervals
  ``sigma * sqrt(h * (1 + h / (T - 1)))``, ``T`` observations, ``sigma`` the standard
  deviation of the first differences (one parameter, the drift, estimated);
* ``forecast_log_drift``: log-linear drift (constant growth rate): the drift method on
  the logarithm of the series, transformed back (median forecast; intervals from the
  log-scale drift intervals, so they are asymmetric);
* ``forecast_damped_trend``: additive-error, additive damped-trend exponential smoothing
  (ETS(A,Ad,N), statsmodels ``ETSModel``) fitted by maximum likelihood, with its analytic
  prediction intervals.

**Rolling-origin backtest** (time-series cross-validation, fpp3 section 5.10). For each
origin year ``o`` every method is fitted on the series up to and including ``o`` only and
forecasts the following years; each forecast of year ``o + h`` is compared with the
actual value of that year when it exists. With ``shift_years`` the level shifts are
removed inside each training window, using only the years up to the origin (no
look-ahead); forecasts are then moved onto the basis of the scoring series by the jumps
that happen after the origin (a territorial or census re-basing is not a forecast error
of the method, unless the scoring series keeps it, as the official series does for the census).

**Accuracy** per method and horizon: MAPE (mean absolute percentage error, %), bias
(mean signed percentage error, %, positive = over-forecast), MASE (mean absolute error
scaled by the in-sample mean absolute yearly change of each training window, Hyndman &
Koehler 2006) and the empirical coverage of the 80 % and 95 % intervals (share of
actuals inside; 0.8 and 0.95 are well calibrated).

**Interval widths from backtest errors.** ``conformal_quantile`` is the split-conformal
finite-sample quantile (Vovk et al. 2005; Angelopoulos & Bates 2021): of n absolute errors,
the ⌈(n + 1)·level⌉-th smallest (the largest when that exceeds n). When a new forecast's
error is exchangeable with the n scored ones it falls within it with probability at least
``level``; the plain ``level`` quantile of few errors is too narrow out of sample.

**Combination.** ``combine`` averages the point forecasts (and interval bounds) of
named methods row by row; ``best_method`` picks the method with the lowest mean MAPE
over the horizons: both are computed from the backtest, never chosen by hand.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from statistics import NormalDist

import numpy as np
import pandas as pd
from statsmodels.tools.sm_exceptions import ConvergenceWarning
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

FORECAST_COLUMNS = ["mean", "lo_80", "hi_80", "lo_95", "hi_95"]
BACKTEST_COLUMNS = ["method", "origin", "horizon", "forecast", "actual", "lo_80", "hi_80", "lo_95", "hi_95", "scale", "error", "pct_error"]
ACCURACY_COLUMNS = ["method", "horizon", "mape", "bias", "mase", "coverage_80", "coverage_95", "n"]
MIN_ETS_POINTS = 6

Z80 = NormalDist().inv_cdf(0.90)  # standard normal quantile bounding a central 80% interval (every domain uses this one)
Z95 = NormalDist().inv_cdf(0.975)  # the same for a central 95% interval


# --- input checks -------------------------------------------------------------------


def _yearly(series: pd.Series, name: str, consecutive: bool) -> pd.Series:
    """``series`` as float values on a sorted integer-year index, or a ValueError naming ``name``."""
    if not isinstance(series, pd.Series):
        raise ValueError(f"{name}: expected a pandas Series indexed by year, got {type(series).__name__}")
    if series.empty:
        raise ValueError(f"{name}: the series is empty")
    if not pd.api.types.is_integer_dtype(series.index):
        raise ValueError(f"{name}: the index must be integer years, got dtype {series.index.dtype}")
    if series.index.has_duplicates:
        raise ValueError(f"{name}: duplicate years {sorted(set(series.index[series.index.duplicated()]))}")
    out = pd.Series(pd.to_numeric(series, errors="coerce").to_numpy(dtype=float), index=series.index.astype(int), name=series.name)
    out = out.sort_index()
    if out.isna().any():
        raise ValueError(f"{name}: missing or non-numeric values in years {out.index[out.isna()].tolist()}")
    if consecutive:
        gaps = sorted(set(range(out.index.min(), out.index.max() + 1)) - set(out.index))
        if gaps:
            raise ValueError(f"{name}: one value per consecutive year is required; missing years {gaps}")
    out.index.name = "year"
    return out


def _positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name}: expected an integer >= 1, got {value!r}")
    return int(value)


# --- level shifts -------------------------------------------------------------------


def adjust_level_shifts(series: pd.Series, shift_years: list[int], window: int = 3) -> pd.DataFrame:
    """Remove level shifts from a yearly series, expressing it in the basis of the latest segment.

    ``shift_years`` are the first years after each shift (``first_year_after`` in the
    ``level_shifts`` table). The jump at shift year ``s`` is the observed change
    ``y[s] - y[s - 1]`` minus the pooled mean of the within-segment changes into the
    years ``s - window .. s - 1`` and ``s + 1 .. s + window`` (a change into year ``t`` is
    within a segment when ``t - 1`` is observed and no shift falls in ``t``). One side may
    be empty, e.g. when the shift is in the last observed year (a census re-basing): the
    other side alone gives the expected change.

    A level shift is a jump, not growth: ``adjusted`` is each value plus the sum of the
    jumps in later years, so values of the latest segment are unchanged, earlier ones are
    lifted (or lowered) onto that basis, and the adjusted series has no jumps.

    Returns a frame indexed by ``year`` with columns ``observed``, ``adjusted`` and
    ``jump`` (the estimated jump in each shift year, 0 elsewhere).

    Raises ValueError when a shift year is not in the series or is its first year, or
    when no within-segment change exists on either side of a shift.
    """
    y = _yearly(series, "series", consecutive=False)
    window = _positive_int(window, "window")
    shifts = sorted({int(s) for s in shift_years})
    years = y.index
    for s in shifts:
        if s not in years:
            raise ValueError(f"shift_years: {s} is not a year of the series ({years.min()}-{years.max()})")
        if s - 1 not in years:
            raise ValueError(f"shift_years: {s} has no observed year before it in the series, so its jump cannot be measured")

    segment = pd.Series(np.searchsorted(shifts, years.to_numpy(), side="right"), index=years)
    previous = y.reindex(years - 1).to_numpy()
    change = pd.Series(y.to_numpy() - previous, index=years)  # NaN where year - 1 is not observed
    same_segment = segment.reindex(years - 1).to_numpy() == segment.to_numpy()
    within = change.where(same_segment)

    jump = pd.Series(0.0, index=years)
    for s in shifts:
        nearby = within[((years >= s - window) & (years < s)) | ((years > s) & (years <= s + window))].dropna()
        if nearby.empty:
            raise ValueError(
                f"shift_years: no within-segment change in the {window} years on either side of {s}; the expected change at the shift cannot be estimated"
            )
        jump[s] = change[s] - nearby.mean()

    later_jumps = jump[::-1].cumsum()[::-1].shift(-1, fill_value=0.0)  # sum of jumps strictly after each year
    out = pd.DataFrame({"observed": y, "adjusted": y + later_jumps, "jump": jump})
    out.index.name = "year"
    return out


# --- benchmark forecasters ----------------------------------------------------------


def _frame(last_year: int, mean: np.ndarray, sd: np.ndarray) -> pd.DataFrame:
    index = pd.RangeIndex(last_year + 1, last_year + 1 + len(mean), name="year")
    return pd.DataFrame(
        {"mean": mean, "lo_80": mean - Z80 * sd, "hi_80": mean + Z80 * sd, "lo_95": mean - Z95 * sd, "hi_95": mean + Z95 * sd},
        index=index,
    )


def _prepare(y: pd.Series, h: int, min_points: int, method: str) -> tuple[pd.Series, int]:
    y = _yearly(y, "y", consecutive=True)
    h = _positive_int(h, "h")
    if len(y) < min_points:
        raise ValueError(f"y: {method} needs at least {min_points} years, got {len(y)}")
    return y, h


def forecast_naive(y: pd.Series, h: int) -> pd.DataFrame:
    """Naive forecast: the last value, with random-walk intervals ``sigma * sqrt(h)``.

    ``sigma`` is the root mean square of the first differences. Needs two years.
    """
    y, h = _prepare(y, h, 2, "the naive forecast")
    diffs = np.diff(y.to_numpy())
    sigma = math.sqrt(float(np.mean(diffs**2)))
    steps = np.arange(1, h + 1)
    return _frame(int(y.index[-1]), np.full(h, y.iloc[-1]), sigma * np.sqrt(steps))


def forecast_drift(y: pd.Series, h: int) -> pd.DataFrame:
    """Drift forecast: last value + ``h`` x mean yearly change.

    Intervals ``sigma * sqrt(h * (1 + h / (T - 1)))`` (fpp3 table 5.2), ``T`` the number of
    years, ``sigma`` the standard deviation of the first differences. Needs three years.
    """
    y, h = _prepare(y, h, 3, "the drift forecast")
    diffs = np.diff(y.to_numpy())
    drift = float(diffs.mean())
    sigma = float(diffs.std(ddof=1))
    steps = np.arange(1, h + 1)
    mean = y.iloc[-1] + steps * drift
    return _frame(int(y.index[-1]), mean, sigma * np.sqrt(steps * (1 + steps / (len(y) - 1))))


def forecast_damped_trend(y: pd.Series, h: int) -> pd.DataFrame:
    """Damped-trend exponential smoothing, ETS(A,Ad,N), with its analytic prediction intervals.

    Fitted with statsmodels ``ETSModel(error="add", trend="add", damped_trend=True)`` by
    maximum likelihood on an integer-indexed copy of the series; convergence warnings
    and the numerical warnings of the optimizer's trial steps are suppressed (the fit is
    quiet). Intervals from ``get_prediction(...).summary_frame(alpha=...)``.

    Fallbacks: a series shorter than 6 years (too short to estimate the five ETS
    parameters) gets the drift forecast; a constant series (zero variance, undefined
    likelihood) gets its constant with zero-width intervals.
    """
    y, h = _prepare(y, h, 2, "the damped-trend forecast")
    if len(y) < MIN_ETS_POINTS:
        return forecast_drift(y, h)
    last_year = int(y.index[-1])
    values = y.to_numpy()
    if np.ptp(values) == 0:
        return _frame(last_year, np.full(h, values[-1]), np.zeros(h))

    endog = pd.Series(values, index=pd.RangeIndex(len(values)))
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        fit = ETSModel(endog, error="add", trend="add", damped_trend=True).fit(disp=False)
        prediction = fit.get_prediction(start=len(values), end=len(values) + h - 1)
        pi80 = prediction.summary_frame(alpha=0.20)
        pi95 = prediction.summary_frame(alpha=0.05)
    index = pd.RangeIndex(last_year + 1, last_year + 1 + h, name="year")
    return pd.DataFrame(
        {
            "mean": pi80["mean"].to_numpy(),
            "lo_80": pi80["pi_lower"].to_numpy(),
            "hi_80": pi80["pi_upper"].to_numpy(),
            "lo_95": pi95["pi_lower"].to_numpy(),
            "hi_95": pi95["pi_upper"].to_numpy(),
        },
        index=index,
    )


def forecast_log_drift(y: pd.Series, h: int) -> pd.DataFrame:
    """Log-linear drift (constant growth rate): ``forecast_drift`` on log(y), transformed back.

    The point forecast is the last value times (1 + mean growth)^h, i.e. exp of the log
    drift path (the median); interval bounds are the exponentials of the log-scale
    bounds. Needs three positive years. The logarithm and exponential are the C library's (``math``), element by
    element: numpy's own differ in the last bit on CPUs with AVX-512 (its SVML routines), which made a published
    backtest table's bytes depend on the machine that computed it.
    """
    y, h = _prepare(y, h, 3, "the log-linear drift forecast")
    if (y <= 0).any():
        raise ValueError("y: the log-linear drift forecast needs positive values")
    return forecast_drift(y.map(math.log), h).map(math.exp)


BENCHMARKS: dict[str, Callable[[pd.Series, int], pd.DataFrame]] = {
    "naive": forecast_naive,
    "drift": forecast_drift,
    "log_drift": forecast_log_drift,
    "damped_trend": forecast_damped_trend,
}


def trend_extrapolation(base_years: int, exponential: bool) -> Callable[[pd.Series, int], pd.DataFrame]:
    """Smith-Tayman trend extrapolation on a base period of ``base_years`` (Smith, Tayman & Swanson 2013, *A
    Practitioner's Guide to State and Local Population Projections*, ch. 8): LINE, the last value plus h times the
    mean yearly change of the base period, (P_t − P_(t−b)) / b; EXPO, the last value times the base period's
    growth, (P_t / P_(t−b))^(h/b). They are the drift and log-linear drift forecasts on the last b + 1 years (all the
    years there are when fewer), intervals included."""
    method = forecast_log_drift if exponential else forecast_drift

    def forecast(y: pd.Series, h: int) -> pd.DataFrame:
        return method(y.iloc[-(base_years + 1) :], h)

    return forecast


# Trend methods with short base periods, as the subnational projection literature benchmarks them (the population
# backtest and track record; Smith & Sincich 1990, J. Am. Stat. Assoc. 85: base periods of 5 and 10 years).
SMITH_TAYMAN: dict[str, Callable[[pd.Series, int], pd.DataFrame]] = {
    "line_5": trend_extrapolation(5, exponential=False),
    "line_10": trend_extrapolation(10, exponential=False),
    "expo_5": trend_extrapolation(5, exponential=True),
    "expo_10": trend_extrapolation(10, exponential=True),
}


# --- backtest and accuracy ----------------------------------------------------------


def rolling_origin_backtest(
    series: pd.Series,
    methods: dict[str, Callable[[pd.Series, int], pd.DataFrame]],
    origins: list[int],
    horizons: list[int],
    min_train: int = 5,
    shift_years: list[int] | tuple = (),
    actual: pd.Series | None = None,
) -> pd.DataFrame:
    """Forecast from each origin with each method and compare with what happened.

    For origin ``o`` each method sees only the years up to and including ``o`` and
    forecasts ``max(horizons)`` years; the forecast of ``o + h`` for every ``h`` in
    ``horizons`` becomes one row. Origins with fewer than ``min_train`` years of data are
    skipped. ``actual`` (and so ``error`` and ``pct_error``) is NaN where year ``o + h``
    is not observed yet; ``accuracy`` scores only the rows with an actual.

    ``shift_years``: level shifts of ``series``; each training window has the shifts up
    to its origin removed with ``adjust_level_shifts`` on that window alone, and the
    forecast is moved onto the latest basis by the jumps after the origin. ``actual``:
    the series to score against (default: ``series`` with all its shifts removed).

    Returns columns ``method, origin, horizon, forecast, actual, lo_80, hi_80, lo_95,
    hi_95``, ``scale`` (mean absolute yearly change of the training window, for MASE),
    ``error`` (forecast - actual) and ``pct_error`` (100 x error / actual).
    """
    y = _yearly(series, "series", consecutive=True)
    if not methods:
        raise ValueError("methods: at least one forecasting method is required")
    horizons = sorted({_positive_int(h, "horizons") for h in horizons})
    if not horizons:
        raise ValueError("horizons: at least one horizon is required")
    min_train = _positive_int(min_train, "min_train")
    origins = sorted({int(o) for o in origins})
    outside = [o for o in origins if o not in y.index]
    if outside:
        raise ValueError(f"origins: {outside} are not years of the series ({y.index.min()}-{y.index.max()})")
    shifts = sorted({int(s) for s in shift_years})
    full = adjust_level_shifts(y, shifts) if shifts else pd.DataFrame({"observed": y, "adjusted": y})
    target = full["adjusted"] if actual is None else _yearly(actual, "actual", consecutive=False)

    rows = []
    for origin in origins:
        raw = y.loc[:origin]
        if len(raw) < min_train:
            continue
        known = [s for s in shifts if s <= origin and s - 1 in raw.index]
        train = adjust_level_shifts(raw, known)["adjusted"] if known else raw
        offset = float(full["adjusted"][origin] - full["observed"][origin])  # jumps after the origin
        scale = float(np.mean(np.abs(np.diff(train.to_numpy()))))
        for name, method in methods.items():
            forecast = method(train, max(horizons)) + offset
            for h in horizons:
                point = forecast.loc[origin + h]
                rows.append(
                    {
                        "method": name,
                        "origin": origin,
                        "horizon": h,
                        "forecast": float(point["mean"]),
                        "actual": float(target.get(origin + h, np.nan)),
                    }
                    | {k: float(point[k]) for k in ("lo_80", "hi_80", "lo_95", "hi_95")}
                    | {"scale": scale}
                )
    out = pd.DataFrame(rows, columns=BACKTEST_COLUMNS[:-2])
    out["error"] = out["forecast"] - out["actual"]
    out["pct_error"] = 100 * out["error"] / out["actual"]
    out = out.astype({"origin": int, "horizon": int})
    return out[BACKTEST_COLUMNS]


def combine(backtest: pd.DataFrame, methods: list[str], name: str = "combination") -> pd.DataFrame:
    """Rows of a new method ``name``: the equal-weight mean of ``methods`` for each origin and horizon.

    Point forecasts and interval bounds are averaged; ``actual`` and ``scale`` are shared.
    """
    missing = sorted(set(methods) - set(backtest["method"]))
    if missing:
        raise ValueError(f"combine: methods {missing} are not in the backtest")
    rows = backtest[backtest["method"].isin(methods)]
    mean_cols = ["forecast", "lo_80", "hi_80", "lo_95", "hi_95"]
    out = rows.groupby(["origin", "horizon"], as_index=False).agg(
        **{c: (c, "mean") for c in mean_cols}, actual=("actual", "first"), scale=("scale", "first"), k=("method", "nunique")
    )
    if (out["k"] != len(set(methods))).any():
        raise ValueError(f"combine: not every origin and horizon has all of {methods}")
    out["method"] = name
    out["error"] = out["forecast"] - out["actual"]
    out["pct_error"] = 100 * out["error"] / out["actual"]
    return pd.concat([backtest, out[BACKTEST_COLUMNS]], ignore_index=True)


def conformal_quantile(values, level: float = 0.8) -> float:
    """The ⌈(n + 1)·level⌉-th smallest of n values (capped at the largest): split-conformal quantile."""
    ordered = np.sort(np.asarray(values, dtype=float))
    ordered = ordered[~np.isnan(ordered)]
    if ordered.size == 0:
        raise ValueError("conformal_quantile: no values")
    if not 0 < level < 1:
        raise ValueError(f"conformal_quantile: level {level} must lie in (0, 1)")
    rank = min(math.ceil((ordered.size + 1) * level), ordered.size)
    return float(ordered[rank - 1])


def best_method(accuracy_table: pd.DataFrame, candidates: list[str]) -> str:
    """The candidate with the lowest MAPE averaged over its horizons (ties: the first listed)."""
    mean = accuracy_table[accuracy_table["method"].isin(candidates)].groupby("method")["mape"].mean()
    missing = [c for c in candidates if c not in mean.index]
    if missing:
        raise ValueError(f"best_method: no accuracy rows for {missing}")
    return min(candidates, key=lambda c: (round(float(mean[c]), 9), candidates.index(c)))


def accuracy(backtest: pd.DataFrame) -> pd.DataFrame:
    """MAPE, bias and 80 % coverage per method and horizon from ``rolling_origin_backtest`` rows.

    Only rows with both a forecast and an actual are scored; ``n`` counts them (a method
    and horizon with nothing to score has no row).
    ``mape`` = mean |100 (forecast - actual) / actual| (%); ``bias`` = mean signed
    percentage error (%, positive = over-forecast); ``mase`` = mean |error| / ``scale``
    (NaN without a ``scale`` column); ``coverage_80`` / ``coverage_95`` = share of actuals
    inside the interval (0-1; NaN without the 95 % bounds).
    """
    needed = ["method", "horizon", "forecast", "actual", "lo_80", "hi_80"]
    missing = [c for c in needed if c not in backtest.columns]
    if missing:
        raise ValueError(f"backtest: missing columns {missing}; expected the output of rolling_origin_backtest")
    scored = backtest.dropna(subset=["forecast", "actual"])
    pct = 100 * (scored["forecast"] - scored["actual"]) / scored["actual"]
    inside = (scored["actual"] >= scored["lo_80"]) & (scored["actual"] <= scored["hi_80"])
    nan = pd.Series(np.nan, index=scored.index)
    inside95 = (scored["actual"] >= scored["lo_95"]) & (scored["actual"] <= scored["hi_95"]) if "hi_95" in scored else nan
    scaled = (scored["forecast"] - scored["actual"]).abs() / scored["scale"] if "scale" in scored else nan
    work = pd.DataFrame(
        {
            "method": scored["method"],
            "horizon": scored["horizon"],
            "ape": pct.abs(),
            "pe": pct,
            "ase": scaled,
            "inside": inside.astype(float),
            "inside95": inside95.astype(float),
        }
    )
    table = (
        work.groupby(["method", "horizon"], sort=False)
        .agg(
            mape=("ape", "mean"),
            bias=("pe", "mean"),
            mase=("ase", "mean"),
            coverage_80=("inside", "mean"),
            coverage_95=("inside95", "mean"),
            n=("pe", "size"),
        )
        .reset_index()
    )
    order = {m: i for i, m in enumerate(pd.unique(backtest["method"]))}
    table = table.sort_values(["method", "horizon"], key=lambda c: c.map(order) if c.name == "method" else c).reset_index(drop=True)
    return table.astype({"n": int})[ACCURACY_COLUMNS]
