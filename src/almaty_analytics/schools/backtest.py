"""Backtest of the only school series published by mid-2022: the BNS count of Almaty schools."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import evaluation
from ..tablespec import TableSpec

BREAK_YEAR = 2014  # the 2014/15 boundary change: a level shift in the school count
HORIZONS = (1, 2, 3, 4, 5)
METHODS = {"naive": evaluation.forecast_naive, "drift": evaluation.forecast_drift, "log_drift": evaluation.forecast_log_drift}


def backtest_school_counts(counts: pd.DataFrame, break_year: int = BREAK_YEAR, horizons: tuple = HORIZONS):
    """Rolling-origin backtest of naive, drift and log-linear drift on the BNS count of Almaty schools.

    The 2014/15 boundary change is a level shift: the series is cut there and each part is
    backtested on its own (every origin with at least five years before it; a forecast
    is scored only against a year of the same part), so no origin sees data after it and
    no jump is scored as an error. Returns (backtest rows, accuracy per method and horizon).
    """
    series = counts.query("area == 'almaty'").set_index("start_year")["schools"].astype(float)
    parts = [series.loc[: break_year - 1], series.loc[break_year:]]
    rows = pd.concat(
        [evaluation.rolling_origin_backtest(part, METHODS, list(part.index[:-1]), list(horizons)) for part in parts], ignore_index=True
    )
    return rows, evaluation.accuracy(rows)


@dataclass(frozen=True)
class BacktestSummary:
    best: dict[int, str]  # horizon -> the method with the lowest MAPE
    coverage_80_low: float  # lowest and highest share of outcomes inside the methods' 80% intervals
    coverage_80_high: float


def backtest_summary(accuracy: pd.DataFrame) -> BacktestSummary:
    """The best method by horizon and the range of 80% coverage of an ``accuracy`` table (method, horizon, mape, coverage_80, ...)."""
    best = accuracy.loc[accuracy.groupby("horizon")["mape"].idxmin()].set_index("horizon")["method"].to_dict()
    return BacktestSummary(best, float(accuracy["coverage_80"].min()), float(accuracy["coverage_80"].max()))


TABLES: dict[str, TableSpec] = {
    "school_backtest": TableSpec(
        "Rolling-origin backtest of naive, drift and log-linear drift on the BNS count of Almaty schools (no pupil series exists to mid-2022)",
        {
            "method": ("", "naive, drift, log_drift"),
            "horizon": ("years", "years ahead of the origin"),
            "mape": ("percent", "mean absolute percentage error"),
            "bias": ("percent", "mean signed percentage error; positive = over-forecast"),
            "mase": ("ratio", "mean absolute error / mean absolute yearly change of the training window"),
            "coverage_80": ("share", "share of actual values inside the 80% interval (0-1; 0.8 is ideal)"),
            "coverage_95": ("share", "share of actual values inside the 95% interval (0-1; 0.95 is ideal)"),
            "n": ("count", "forecasts scored"),
        },
        "schools.backtest_school_counts on data/raw/bns_schools.csv (series cut at the 2014 boundary change)",
    ),
}
