"""Official history series with their level shifts made explicit.

A level shift (boundary change, census re-basing, change of survey scope) is a jump in a series that is not
growth. ``with_level_shifts`` numbers the segments between shifts and gives the
year-on-year change only within a segment, so that growth rates and trends never
run across a shift.
"""

from __future__ import annotations

import pandas as pd


def with_level_shifts(frame: pd.DataFrame, shifts: pd.DataFrame, series: str, value: str, by: list[str] | None = None) -> pd.DataFrame:
    """Add ``segment`` (1, 2, ...) and ``change`` (empty across a shift) to a yearly series.

    ``shifts`` is the ``level_shifts`` table; only rows for ``series`` apply. ``by``
    names columns that identify separate series (e.g. ``sex``).
    """
    by = by or []
    breaks = sorted(shifts.loc[shifts["series"] == series, "first_year_after"].astype(int))
    out = frame.sort_values(by + ["year"]).reset_index(drop=True)
    out["segment"] = 1 + sum((out["year"] >= year).astype(int) for year in breaks)
    groups = out.groupby(by + ["segment"], sort=False) if by else out.groupby("segment", sort=False)
    out["change"] = groups[value].diff().astype(float)
    return out


def mean_annual_change(history: pd.DataFrame, value: str = "change") -> dict[str, float]:
    """Mean yearly change within the latest segment that has one (at least two years).

    A segment of a single year (e.g. the year of a census re-basing) has no change
    of its own, so the segment before it is used.
    """
    with_changes = history.dropna(subset=[value])
    if with_changes.empty:
        raise ValueError("no segment spans two years: a mean yearly change cannot be computed")
    last = history[history["segment"] == with_changes["segment"].max()]
    changes = last[value].dropna()
    return {"from_year": int(last["year"].min()), "to_year": int(last["year"].max()), "mean_change": float(changes.mean())}


RECONCILIATION_METHODS = ("linear", "off")


def reconcile_intercensal(
    series: pd.Series, start_year: int, closure_year: int, closure_error: float, method: str = "linear"
) -> pd.DataFrame:
    """Intercensal estimates that close on the later census (UN Manual X practice).

    ``series`` is the running 1 January estimate, census-based at ``start_year`` (the
    earlier census) and re-based on the later census from ``closure_year`` on.
    ``closure_error`` is how much the census-based value exceeds what the running
    estimate would have given (the error of closure). ``linear`` spreads it evenly over
    the intercensal years: year ``t`` gets ``closure_error * (t - start_year) /
    (closure_year - start_year)``, so every intercensal year's growth is raised by the
    same amount and the reconciled series joins the census value without a jump.
    ``off`` returns the series unchanged. Years outside ``start_year .. closure_year - 1``
    are not changed; level shifts inside the period (e.g. a boundary change) stay as they are.

    Returns a frame indexed by ``year`` with ``observed``, ``correction`` and ``reconciled``.
    """
    if method not in RECONCILIATION_METHODS:
        raise ValueError(f"reconciliation method {method!r}: expected one of {list(RECONCILIATION_METHODS)}")
    if closure_year <= start_year:
        raise ValueError(f"closure_year {closure_year} must be after start_year {start_year}")
    years = series.index.astype(int)
    inside = (years >= start_year) & (years < closure_year)
    weight = pd.Series(0.0, index=series.index)
    weight[inside] = (years[inside] - start_year) / (closure_year - start_year)
    correction = weight * (closure_error if method == "linear" else 0.0)
    out = pd.DataFrame({"observed": series.astype(float), "correction": correction, "reconciled": series.astype(float) + correction})
    out.index.name = "year"
    return out
