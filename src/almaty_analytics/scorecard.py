"""The accuracy scorecard: every domain's backtest in one table, the chosen method beside the benchmarks.

Method: nothing is recomputed; each domain's published backtest table is scored as it stands (see ``combine``)
and ``best_at_horizon`` marks the lowest MAPE of each domain at each horizon. ``formatted`` and ``verdicts``
put it in the reader's words.
"""

from __future__ import annotations

import pandas as pd

from . import i18n
from .population.backtest import central_method
from .tablespec import TableSpec

COLUMNS = [
    "domain", "series", "method", "role", "horizon", "mape", "bias", "coverage_80", "coverage_of", "coverage_n", "n", "best_at_horizon",
]
BENCHMARKS = ("naive", "drift", "log_drift", "damped_trend")


def combine(
    population: pd.DataFrame | None, schools: pd.DataFrame | None, emissions: pd.DataFrame | None, calibrated: pd.DataFrame | None
) -> pd.DataFrame:
    """One accuracy table across the domains from their backtest tables (None: not published).

    Population: ``population`` (population_backtest) against the official BNS series; the chosen method is the one the
    forecast's central path uses (``population.central_method``: the cohort model where nothing beats it, else its
    combination with the best benchmark), even where a benchmark alone scores lower.
    Schools: ``schools`` (school_backtest) (benchmarks on the BNS count of schools: no pupil series exists to mid-2022,
    so the pupil model itself has no backtest). Emissions: ``emissions`` (emissions_backtest) per horizon (the pooled
    horizon 0 left out); the chosen method is ``driver``, the baseline's. ``best_at_horizon`` marks the lowest
    MAPE per domain and horizon.

    ``coverage_80`` is the coverage of the interval the forecast publishes where the backtest scores it
    (``coverage_of`` = forecast_interval): the cohort model's calibrated leave-one-origin-out intervals, and the
    driver model's calibrated interval from ``calibrated`` (emissions_interval_coverage) (out of sample, origins after the
    2014 shift, ``coverage_n`` forecasts); elsewhere the method's own interval (``coverage_n`` = ``n``).
    """
    parts = []
    if population is not None:
        official = population[population["target"] == "official"]
        chosen = central_method(official)
        role = official["method"].map(lambda m: "chosen" if m == chosen else "benchmark" if m in BENCHMARKS else "alternative")
        coverage_of = official["method"].map(lambda m: "forecast_interval" if m == "cohort_component" else "method_interval")
        parts.append(official.assign(domain="population", series="BNS population on 1 January (official)", role=role,
                                     coverage_of=coverage_of, coverage_n=official["n"]))
    if schools is not None:
        parts.append(schools.assign(domain="schools", series="BNS number of schools (no pupil series to mid-2022)", role="benchmark",
                                    coverage_of="method_interval", coverage_n=schools["n"]))
    if emissions is not None:
        per_horizon = emissions[emissions["horizon"] > 0]
        role = per_horizon["method"].map(lambda m: "chosen" if m == "driver" else "benchmark")
        part = per_horizon.assign(domain="emissions", series="BNS stationary-source emissions", role=role,
                                  coverage_of="method_interval", coverage_n=per_horizon["n"])
        if calibrated is not None:
            by_horizon = calibrated[calibrated["horizon"] > 0].set_index("horizon")
            driver = part["method"] == "driver"
            horizons = part.loc[driver, "horizon"]
            part.loc[driver, "coverage_80"] = horizons.map(by_horizon["out_of_sample"]).to_numpy()
            part.loc[driver, "coverage_n"] = horizons.map(by_horizon["n"]).fillna(0).to_numpy()
            part.loc[driver, "coverage_of"] = "forecast_interval"
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    card = pd.concat(parts, ignore_index=True)
    best = card.groupby(["domain", "horizon"])["mape"].transform("min")
    card = card.assign(best_at_horizon=card["mape"] == best, horizon=card["horizon"].astype(int), n=card["n"].astype(int),
                       coverage_n=card["coverage_n"].astype(int))
    return card[COLUMNS].reset_index(drop=True)


def formatted(card: pd.DataFrame, t: i18n.Text) -> pd.DataFrame:
    """The scorecard for reading: MAPE per method and horizon (✓ = best of its domain there), with mean bias and 80% coverage.

    The coverage is pooled over the horizons (weighted by ``coverage_n``); † marks the forecast's own published interval.
    """
    shown = card.assign(
        cell=[f"{t.num(m, 2)}{' ✓' if b else ''}" for m, b in zip(card["mape"], card["best_at_horizon"], strict=True)],
        domain=card["domain"].map(lambda d: t.term("domain", d)),
        method=card["method"].map(lambda m: t.method(m)),
        role=card["role"].map(lambda r: t.term("role", r) if t.has(f"terms.role.{r}") else r),
    )
    wide = shown.pivot_table(index=["domain", "method", "role"], columns="horizon", values="cell", aggfunc="first", sort=False)
    wide.columns = [t("summary.mape_at", h=h) for h in wide.columns]
    shown = shown.assign(covered=shown["coverage_80"].fillna(0) * shown["coverage_n"], forecast=shown["coverage_of"] == "forecast_interval")
    means = shown.groupby(["domain", "method", "role"], sort=False).agg(
        bias=("bias", "mean"), covered=("covered", "sum"), scored=("coverage_n", "sum"), forecast=("forecast", "any"))
    coverage = [f"{t.pct(c / n)}{' †' if f else ''}" if n else "–" for c, n, f in zip(means["covered"], means["scored"], means["forecast"], strict=True)]
    means = pd.DataFrame({t("summary.mean_bias"): means["bias"].map(lambda b: t.num(b, 2, signed=True)), t("summary.mean_coverage"): coverage},
                         index=means.index)
    table = wide.join(means).reset_index()
    return table.rename(columns={c: t.column(c, "summary") for c in ("domain", "method", "role")})


def verdicts(card: pd.DataFrame, t: i18n.Text) -> list[str]:
    """One sentence per domain with a chosen method: does it win at every horizon, or which methods beat it where."""
    lines = []

    def domain_name(domain: str) -> str:  # starts a sentence
        name = t.term("domain", domain)
        return name[:1].upper() + name[1:]

    for domain, rows in card.groupby("domain", sort=False):
        chosen = rows[rows["role"] == "chosen"]
        if chosen.empty:
            continue
        method = t.method(chosen["method"].iloc[0])
        lost = chosen[~chosen["best_at_horizon"]]["horizon"].tolist()
        if not lost:
            lines.append(t("summary.scorecard_won", domain=domain_name(domain), method=method))
            continue
        winners = rows[rows["best_at_horizon"] & rows["horizon"].isin(lost)]["method"].map(lambda m: t.method(m))
        lines.append(
            t("summary.scorecard_lost", domain=domain_name(domain), method=method, horizons=", ".join(map(str, lost)),
              winners=", ".join(dict.fromkeys(winners)))
        )
    return lines


# The table the summary report publishes (summary.TABLES; export.TABLES composes them).
TABLES: dict[str, TableSpec] = {
    "accuracy_scorecard": TableSpec(
        "Accuracy of every backtested forecast across the domains: the chosen method beside the benchmarks, winner per horizon marked",
        {
            "domain": ("", "population, schools or emissions"),
            "series": ("", "the observed series the forecasts are scored against"),
            "method": ("", "method as named in the domain's backtest table"),
            "role": ("", "chosen (the method the forecast uses), benchmark (naive, drift, log_drift, damped_trend) or alternative"),
            "horizon": ("years", "years ahead of the origin"),
            "mape": ("percent", "mean absolute percentage error"),
            "bias": ("percent", "mean signed percentage error; positive = over-forecast"),
            "coverage_80": ("share", "share of actual values inside the 80% interval named in coverage_of (0-1; 0.8 is ideal)"),
            "coverage_of": (
                "",
                "forecast_interval (the interval the forecast publishes, calibrated on the other origins: out of sample) or method_interval (the method's own)",
            ),
            "coverage_n": ("count", "forecasts scored for coverage_80 (the emission forecast's interval: origins after the 2014 shift only)"),
            "n": ("count", "forecasts scored"),
            "best_at_horizon": ("", "true for the lowest MAPE of the domain at this horizon"),
        },
        "population_backtest (official series), school_backtest, emissions_backtest (per horizon), emissions_interval_coverage of the same run: "
        "summary.accuracy_scorecard",
    ),
}
