"""Backtest of the stationary baseline on BNS stationary emissions, and the calibration of its level error.

``backtest_stationary`` forecasts Almaty's BNS stationary emissions from 2005 to the vintage's newest year from
rolling origins, horizons 1-5, within the segments between the series's level shifts
(``evaluation.rolling_origin_backtest`` on each segment): the 2013→2014 boundary shift (TPP-2 inside the city)
and the 2021→2022 change of survey scope (a change of definition: a 2022 figure is never scored against a
forecast from 2021 or earlier). The baseline's method (CHP share on heat demand with its cap, the rest on the
log-linear trend) runs against naive, drift and log drift; MAPE and 80% coverage in ``backtest_summary``. The
Monte Carlo's stationary level error sd (``stationary_level_sd``) is the split-conformal 80% quantile of the
driver method's |log error| on origins from the boundary shift (2014, ``sources.tpp2_inside_from``) divided by
``evaluation.Z80``; ``calibrated_coverage`` checks the resulting interval in and out of sample (each origin left
out in turn). ``baseline_path`` is the baseline's stationary forecast from the series's newest year with that interval,
as the track record keeps it at the model vintage.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd

from .. import evaluation, history
from ..tablespec import TableSpec
from .drivers import log_linear_trend
from .sources import STATIONARY_SERIES, EmissionsError, tpp2_inside_from


def stationary_driver_forecast(
    y: pd.Series, population: pd.Series, h: int, *, chp_share: float, heat_elasticity: float, headroom: float
) -> pd.DataFrame:
    """The baseline's method on a stationary series up to its last year, for ``h`` years ahead.

    forecast = last level × [chp_share × min((population growth)^heat_elasticity, headroom) + (1 − chp_share) × trend],
    trend = exp(slope × h) from the log-linear fit of ``y``; population growth = the mean yearly
    log growth of ``population`` (up to the same last year) carried forward. 80% interval from
    the log-linear fit's prediction standard error (95% likewise). Sees nothing after the last year of ``y``.
    """
    fit = log_linear_trend(y)
    last = int(y.index.max())
    pop = np.log(population.loc[:last].astype(float))
    growth = float(np.diff(pop.to_numpy()).mean()) if len(pop) > 1 else 0.0
    steps = np.arange(1, h + 1)
    chp = np.minimum(np.exp(growth * steps * heat_elasticity), headroom)
    mean = float(y.iloc[-1]) * (chp_share * chp + (1 - chp_share) * np.exp(fit["slope"] * steps))
    x = last + steps
    se = fit["sigma"] * np.sqrt(1 + 1 / fit["n"] + (x - fit["x_mean"]) ** 2 / fit["sxx"])
    index = pd.RangeIndex(last + 1, last + 1 + h, name="year")
    bounds = {f"{side}_{level}": mean * np.exp(sign * z * se) for level, z in (("80", evaluation.Z80), ("95", evaluation.Z95)) for side, sign in (("lo", -1), ("hi", 1))}
    return pd.DataFrame({"mean": mean} | bounds, index=index)


def driver_method(
    train: pd.Series, h: int, *, population: pd.DataFrame, chp_share: float, heat_elasticity: float, headroom: float
) -> pd.DataFrame:
    """``stationary_driver_forecast`` from the last year of ``train`` (the origin), with the population of the origin's
    level-shift segment up to the origin (its last five years): the driver method as ``evaluation.rolling_origin_backtest`` calls it."""
    origin = int(train.index.max())
    segment = population.loc[population["year"] == origin, "segment"].iloc[0]
    known = population[(population["segment"] == segment) & (population["year"] <= origin)]
    pop = known.set_index("year")["persons"].tail(5)
    return stationary_driver_forecast(train, pop, h, chp_share=chp_share, heat_elasticity=heat_elasticity, headroom=headroom)


def _marked(bns: pd.DataFrame, shifts: pd.DataFrame, population: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Almaty's BNS stationary emissions and 1 January population (total), each row marked with its level-shift segment."""
    marked = history.with_level_shifts(bns[bns["area"] == "almaty"], shifts, STATIONARY_SERIES, "emissions_kt")
    pop_marked = history.with_level_shifts(
        population[(population["area"] == "almaty") & (population["sex"] == "total")], shifts, "bns_population_1jan", "persons"
    )
    return marked, pop_marked


BENCHMARKS = {"naive": evaluation.forecast_naive, "drift": evaluation.forecast_drift, "log_drift": evaluation.forecast_log_drift}


def backtest_stationary(
    bns: pd.DataFrame,
    shifts: pd.DataFrame,
    population: pd.DataFrame,
    *,
    chp_share: float,
    heat_elasticity: float,
    headroom: float,
    horizons: tuple[int, ...] = (1, 2, 3, 4, 5),
    min_train: int = 3,
) -> pd.DataFrame:
    """Rolling-origin backtest of Almaty's BNS stationary emissions: driver method against naive, drift and log drift.

    The level shifts of the series (the 2013→2014 boundary shift, the 2021→2022 change of survey scope: every
    kind is a break) cut it into segments and ``evaluation.rolling_origin_backtest`` runs on each segment alone
    (as ``schools.backtest_school_counts`` does): every method is fitted on the origin's segment up to the origin
    (at least ``min_train`` years), and only targets in the same segment are scored. Before the boundary shift
    TPP-2 was outside the city, so the driver method's CHP share is 0 in segments that start before it. Population
    (BNS 1 January, its own level shifts respected the same way) feeds the CHP driver.
    Returns ``evaluation.BACKTEST_COLUMNS`` rows with an actual, by origin, horizon and method.
    """
    marked, pop_marked = _marked(bns, shifts, population)
    tpp2_from = tpp2_inside_from(shifts)
    parts = []
    for _, rows in marked.groupby("segment"):
        if len(rows) <= min_train:
            continue  # nothing to score: a segment too short for an origin and a target (the 2022 survey scope, so far)
        series = rows.set_index("year")["emissions_kt"].astype(float)
        driver = partial(
            driver_method,
            population=pop_marked,
            chp_share=chp_share if rows["year"].min() >= tpp2_from else 0.0,
            heat_elasticity=heat_elasticity,
            headroom=headroom,
        )
        methods = {"driver": driver} | BENCHMARKS
        parts.append(evaluation.rolling_origin_backtest(series, methods, list(series.index), list(horizons), min_train=min_train))
    scored = pd.concat(parts, ignore_index=True).dropna(subset=["actual"])
    return scored.sort_values(["origin", "horizon"], kind="stable").reset_index(drop=True)


def across_scope_changes(
    bns: pd.DataFrame, shifts: pd.DataFrame, population: pd.DataFrame, *, chp_share: float, heat_elasticity: float, headroom: float
) -> pd.DataFrame:
    """The mid-2022 baseline's method (and the benchmarks) scored one year across each change of survey scope of the
    series (from 2022 category IV objects are outside the BNS survey): forecast from the last year before the change,
    on the data of that segment only, against the first BNS figure after it. Not a backtest score: the forecast is on
    the old definition and the figure on the new one, which leaves objects out, so ``difference`` = BNS − forecast
    is a change of definition plus an error, and a forecast on the old definition is expected at or above it."""
    marked, pop_marked = _marked(bns, shifts, population)
    observed = marked.set_index("year")
    rows = []
    for change in shifts[(shifts["series"] == STATIONARY_SERIES) & (shifts["kind"] == "scope")].itertuples(index=False):
        origin, target = int(change.last_year_before), int(change.first_year_after)
        if target not in observed.index or origin not in observed.index:
            continue
        segment = observed.loc[origin, "segment"]
        train = observed[(observed["segment"] == segment) & (observed.index <= origin)]["emissions_kt"].astype(float)
        methods = {"driver": partial(driver_method, population=pop_marked, chp_share=chp_share, heat_elasticity=heat_elasticity, headroom=headroom)}
        for name, method in (methods | BENCHMARKS).items():
            forecast = float(method(train, 1)["mean"].iloc[0])
            actual = float(observed.loc[target, "emissions_kt"])
            rows.append({"method": name, "origin": origin, "year": target, "forecast_kt": round(forecast, 4), "bns_kt": actual,
                         "difference_kt": round(actual - forecast, 4), "break": str(change.reason)})
    return pd.DataFrame(rows, columns=["method", "origin", "year", "forecast_kt", "bns_kt", "difference_kt", "break"])


def backtest_summary(backtest: pd.DataFrame) -> pd.DataFrame:
    """MAPE and 80% coverage per method and horizon (evaluation.accuracy), plus all horizons pooled (horizon 0)."""
    by_h = evaluation.accuracy(backtest)
    pooled = evaluation.accuracy(backtest.assign(horizon=0))
    return pd.concat([by_h, pooled], ignore_index=True)


def latest_segment_accuracy(backtest: pd.DataFrame, from_year: int) -> pd.DataFrame:
    """``evaluation.accuracy`` pooled over the horizons (horizon 0) for origins from ``from_year`` only (the boundary
    shift, ``sources.tpp2_inside_from``): TPP-2 inside the city, as in the forecast (before it the driver method is a trend)."""
    late = backtest[backtest["origin"] >= from_year]
    if late.dropna(subset=["actual"]).empty:
        raise EmissionsError(f"stationary backtest: no scored forecasts from origins {from_year} on")
    return evaluation.accuracy(late.assign(horizon=0))


def _latest_segment_errors(backtest: pd.DataFrame, method: str, from_year: int) -> pd.DataFrame:
    """``method``'s scored rows with origins from ``from_year``, with the log error log(actual / forecast)."""
    rows = backtest[backtest["method"] == method].dropna(subset=["actual"])
    rows = rows[rows["origin"] >= from_year]
    return rows.assign(log_error=np.log(rows["actual"] / rows["forecast"]))


def _width_sd(log_errors: pd.Series) -> float:
    """The sd whose normal 80% interval is as wide as the split-conformal 80% quantile of |log error|
    (evaluation.conformal_quantile; heavy tails kept)."""
    return float(evaluation.conformal_quantile(log_errors.abs(), 0.8) / evaluation.Z80)


def stationary_level_sd(backtest: pd.DataFrame, from_year: int, method: str = "driver") -> float:
    """Level-error sd of the stationary sources: conformal 80% quantile of |log(actual / forecast)| of ``method`` / 1.28,
    over every origin from ``from_year`` (the boundary shift) and horizon.

    After the 2013→2014 shift the stationary series moves as noise around its level (the errors do not grow
    with the horizon), so one level error per trajectory, exp(N(0, sd)), is the Monte Carlo's stationary
    uncertainty. Before 2014 TPP-2 was outside the city: those origins describe another mix and are left out.
    """
    errors = _latest_segment_errors(backtest, method, from_year)["log_error"]
    if errors.empty:
        raise EmissionsError(f"stationary backtest: no scored forecasts of {method!r} from {from_year}")
    return _width_sd(errors)


def baseline_path(
    bns: pd.DataFrame, shifts: pd.DataFrame, population: pd.DataFrame, horizons: tuple[int, ...], *, chp_share: float,
    heat_elasticity: float, headroom: float, min_train: int = 3,
) -> pd.DataFrame:
    """The baseline's stationary forecast from the newest year of the series (the origin), as the track record keeps it.

    ``driver_method`` on the origin's level-shift segment up to the origin (CHP share 0 if the segment starts before the
    boundary shift, as in ``backtest_stationary``) at ``horizons``; 80% interval: the one the Monte Carlo gives the
    stationary level, forecast × exp(±Z80 × sd), sd = ``stationary_level_sd`` of ``backtest_stationary`` on the same data
    (origins from the boundary shift, targets up to the origin). Reads nothing the tables do not hold, so tables as of a
    vintage give the forecast of that vintage. Returns origin_year, year, horizon, forecast, lo_80, hi_80.
    """
    marked, pop_marked = _marked(bns, shifts, population)
    origin = int(marked["year"].max())
    segment = marked.loc[marked["year"] == origin, "segment"].iloc[0]
    train = marked[marked["segment"] == segment].set_index("year")["emissions_kt"].astype(float)
    if len(train) < min_train:
        raise EmissionsError(
            f"{STATIONARY_SERIES}: the segment ending in {origin} has {len(train)} years; expected at least {min_train} for the baseline's trend"
        )
    tpp2_from = tpp2_inside_from(shifts)
    share = chp_share if train.index.min() >= tpp2_from else 0.0
    path = driver_method(train, max(horizons), population=pop_marked, chp_share=share, heat_elasticity=heat_elasticity, headroom=headroom)
    mean = path["mean"].loc[[origin + h for h in horizons]].to_numpy()
    rows = backtest_stationary(bns, shifts, population, chp_share=chp_share, heat_elasticity=heat_elasticity, headroom=headroom, min_train=min_train)
    width = np.exp(evaluation.Z80 * stationary_level_sd(rows, tpp2_from))
    return pd.DataFrame({"origin_year": origin, "year": [origin + h for h in horizons], "horizon": list(horizons), "forecast": mean,
                         "lo_80": mean / width, "hi_80": mean * width})


def calibrated_coverage(backtest: pd.DataFrame, sd: float, from_year: int, method: str = "driver") -> pd.DataFrame:
    """80% coverage by horizon (0 = pooled) of the interval forecast × exp(±1.28 sd) on origins from ``from_year``.

    ``in_sample`` uses ``sd`` (calibrated on all these errors); ``out_of_sample`` gives each origin the sd of
    the other origins' errors (leave one origin out), so no origin's interval has seen its own outcome.
    """
    rows = _latest_segment_errors(backtest, method, from_year)
    loo = {o: _width_sd(rows.loc[rows["origin"] != o, "log_error"]) for o in rows["origin"].unique()}
    rows = rows.assign(
        in_sample=rows["log_error"].abs() <= evaluation.Z80 * sd,
        out_of_sample=rows["log_error"].abs() <= evaluation.Z80 * rows["origin"].map(loo),
    )
    pooled = rows.assign(horizon=0)
    out = pd.concat([rows, pooled]).groupby("horizon").agg(
        in_sample=("in_sample", "mean"), out_of_sample=("out_of_sample", "mean"), n=("log_error", "size")
    )
    return out.reset_index().round({"in_sample": 3, "out_of_sample": 3})


TABLES: dict[str, TableSpec] = {
    "emissions_scope_check": TableSpec(
        "The stationary forecast from the last year before BNS's change of survey scope against the first figure after it (not scored)",
        {
            "method": ("", "driver (the baseline's method) or a benchmark"),
            "origin": ("year", "last year before the change (the data a mid-2022 forecast had)"),
            "year": ("year", "first year after the change"),
            "forecast_kt": ("thousand t/yr", "forecast on the old definition"),
            "bns_kt": ("thousand t/yr", "BNS on the new definition"),
            "difference_kt": ("thousand t/yr", "BNS minus forecast: a change of definition plus an error, not an error alone"),
            "break": ("", "the change of survey scope (level_shifts.csv)"),
        },
        "emissions/backtest.py on data/raw/bns_stationary_emissions.csv, level_shifts.csv, bns_population_1jan.csv",
    ),
    "emissions_backtest": TableSpec(
        "Backtest of the stationary baseline on BNS stationary emissions from 2005: accuracy by method and horizon (0 = all horizons)",
        {
            "method": ("", "driver (the baseline's method), naive, drift, log_drift"),
            "horizon": ("years", "years ahead of the origin; 0 = all horizons pooled"),
            "mape": ("%", "mean absolute percentage error"),
            "bias": ("%", "mean signed percentage error (positive = over-forecast)"),
            "mase": ("ratio", "mean absolute error / mean absolute yearly change of the training window (below 1 beats a one-year naive step)"),
            "coverage_80": ("share", "share of actuals inside the 80% interval (0.8 = calibrated)"),
            "coverage_95": ("share", "share of actuals inside the 95% interval (0.95 = calibrated)"),
            "n": ("", "forecasts scored"),
        },
        "emissions.backtest_stationary on data/raw/bns_stationary_emissions.csv (level shifts respected: boundary 2013/14, survey scope 2021/22)",
    ),
    "emissions_interval_coverage": TableSpec(
        "Coverage of the emission forecast's calibrated 80% interval (driver model × exp(±1.28 stationary_level_sd)) in the backtest",
        {
            "horizon": ("years", "years ahead of the origin; 0 = all horizons pooled"),
            "in_sample": ("share", "share of actuals inside, sd calibrated on all these errors (0.8 = calibrated)"),
            "out_of_sample": ("share", "share of actuals inside, each origin's sd from the other origins' errors (0.8 = calibrated)"),
            "n": ("", "forecasts scored (origins from 2014, after the level shift)"),
        },
        "emissions.calibrated_coverage on emissions.backtest_stationary (data/raw/bns_stationary_emissions.csv)",
    ),
}
