"""The delivery record of the school programme and the delivery parameters fitted on it.

**Record** (``delivery_record``): what was planned for a calendar year and what opened in it, by funding group, each
figure dated (the vintage reads only those published by its date):

* plans: the 13,000 state-school places announced for 2020-2021 (19 February 2020), half a year; the programme's
  2022-2025 plan by source (lines 2918-2928, published 12 September 2022), its years up to the last opening stated;
* openings: 5,100 places in state schools in 2021 and 2,656 in private schools (press, July 2022); 18,000 places of
  every source in 2022 (press, 2023); in 2023 1,500 in a state school plus 970 in annexes (budget) and 3,450 in private
  schools (press, December 2023).

Groups: ``budget`` (the budget schools and annexes; its fit also serves the budget schools after 2025) and
``private_investment`` (branches, developer memoranda and private schools: the 124 bn of private investment to 2025,
line 2966; its fit also serves the private stream after 2025). An opening stated for every source together (2022) is
compared with the sum of both groups.

**Model and fit** (``fit_delivery``): a planned year's seats open in the share ``s`` of the group after a delay of
``k`` years, Poisson with mean ``d`` (the delivery model of ``supply.draw_delivery`` in expectation), so the expected
opening of year y is s · Σ_p plan(p) · Pois(y − p; d). ``s`` in [0.05, 1] and ``d`` in [0, 5] minimise the sum of squared
log errors of the openings whose groups all have a plan by then (least squares on the log scale, bounded quasi-Newton,
L-BFGS-B, from a grid of starts). An opening with no plan before it (private schools in 2021) is shown, not fitted.

**Priors where the record is short.** A group with fewer than two fitted openings cannot identify both its share and its
delay (one opening fixes only their product). With one, its share is the group's prior and its delay is fitted; with
none, share and delay are the prior (``PRIORS``, each from a statement the mid-2022 vintage already holds, so no vintage
reads a later one): budget share 0.9 (judgement: state-funded schools are rarely dropped), private investment share
0.53 and delay 0 (the 13 private schools of 2021 opened 2,656 places, 204 a school, against the 385 a school the
programme plans, 10 thousand places in 26 schools, line 2928; 34 private schools opened in three years, line 2805).

**Defaults** (``delivery_parameters``): the delivery parameters left unset (None) take their group's fit on the
vintage's record, rounded to 2 decimals (branches, memoranda, private schools and the private stream after 2025: the
private-investment group; the budget schools after 2025: the budget group); a number given in a scenario is used as is.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import gammaln, xlogy

from ..tablespec import TableSpec
from .supply import DeliveryRisk

GROUPS = {"budget": ("budget",), "private_investment": ("branch", "memorandum", "private")}  # record group -> plan funding sources
ALL = "all"  # an opening stated for every source together
EARLY_PLAN = ("planned_state_school_places_2020_2021", (2020, 2021), "budget")  # dated plan before the programme: indicator, years, group
OPENINGS = (  # (group, calendar year, dated_statements indicators summed)
    ("budget", 2021, ("commissioned_state_school_places_2021",)),
    ("private_investment", 2021, ("commissioned_private_school_places_2021",)),
    (ALL, 2022, ("school_places_commissioned_2022",)),
    ("budget", 2023, ("state_school_places_opened_2023", "annex_places_opened_2023")),
    ("private_investment", 2023, ("private_school_places_opened_2023",)),
)
SHARE_BOUNDS, DELAY_BOUNDS = (0.05, 1.0), (0.0, 5.0)
PRIORS = {"budget": DeliveryRisk(0.9, 0.0), "private_investment": DeliveryRisk(0.53, 0.0)}  # a short record's fallback (module docstring)
FITTED, SHARE_FROM_PRIOR, PRIOR = "fit", "prior share, fitted delay", "prior"  # how a group's share and delay were set (fit_basis)
SOURCE_GROUPS = {  # delivery parameter source -> the record group whose fit is its default
    "budget": "budget", "post_2025": "budget",
    "branch": "private_investment", "memorandum": "private_investment", "private": "private_investment", "private_post_2025": "private_investment",
}
DECIMALS = 2  # of a default taken from the fit


def delivery_record(statements: pd.DataFrame, planned: pd.DataFrame, plan_published: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(plans, openings) of the record in ``statements`` (a vintage's dated statements) and ``planned`` (``supply.planned_seats``
    of the programme's plan, published ``plan_published``).

    plans: group, year, seats, source, stated (the date the plan was published); openings: group, year, places, source,
    stated. An opening is read when every statement it sums is in the vintage; the programme's plan years are kept up to
    the last opening read.
    """
    newest = statements.sort_values("date", kind="stable").groupby("indicator")[["value", "published"]].last()
    values = newest["value"].astype(float)
    openings = [
        {"group": group, "year": year, "places": float(values[list(names)].sum()), "source": " + ".join(names),
         "stated": str(newest.loc[list(names), "published"].max())}
        for group, year, names in OPENINGS
        if set(names) <= set(values.index)
    ]
    openings = pd.DataFrame(openings, columns=["group", "year", "places", "source", "stated"])
    plans = []
    indicator, years, group = EARLY_PLAN
    if indicator in values.index:
        stated = str(newest.loc[indicator, "published"])
        plans += [{"group": group, "year": y, "seats": values[indicator] / len(years), "source": indicator, "stated": stated} for y in years]
    last = openings["year"].max() if not openings.empty else -1
    for group, sources in GROUPS.items():
        rows = planned[planned["funding_source"].isin(sources) & (planned["year"] <= last)]
        for year, seats in rows.groupby("year")["seats"].sum().items():
            plans.append({"group": group, "year": int(year), "seats": float(seats), "source": "programme_school_build_plan", "stated": plan_published})
    return pd.DataFrame(plans, columns=["group", "year", "seats", "source", "stated"]), openings


def plan_lags(plans: pd.DataFrame, openings: pd.DataFrame) -> list[list[tuple[str, np.ndarray, np.ndarray]]]:
    """For each opening row, for each group it sums: (group, seats, years from plan to opening) of the group's plans up
    to the row's year; computed once per fit, so the loss evaluates plain arrays."""
    return [
        [
            (g, rows["seats"].to_numpy(), year - rows["year"].to_numpy())
            for g in (GROUPS if group == ALL else (group,))
            for rows in (plans[(plans["group"] == g) & (plans["year"] <= year)],)
        ]
        for group, year in openings[["group", "year"]].itertuples(index=False)
    ]


def expected_from_lags(lagged: list[list[tuple[str, np.ndarray, np.ndarray]]], risks: dict[str, DeliveryRisk]) -> np.ndarray:
    """Expected places opening in each row of ``plan_lags``: Σ over its groups of share · Σ_p plan(p) · Pois(year − p; delay)."""
    out = np.zeros(len(lagged))
    for i, parts in enumerate(lagged):
        for g, seats, lag in parts:
            out[i] += risks[g].share * float((seats * poisson_pmf(lag, risks[g].delay)).sum())
    return out


def poisson_pmf(k: np.ndarray, mu: float) -> np.ndarray:
    """P(K = k) for K ~ Poisson(mu) at integer ``k`` (0 below 0): scipy.stats.poisson's own formula,
    exp(k·ln mu − ln k! − mu), without its per-call checks (the fit evaluates it thousands of times)."""
    k = np.asarray(k, dtype=float)
    return np.where(k >= 0, np.exp(xlogy(k, mu) - gammaln(np.maximum(k, 0) + 1) - mu), 0.0)


def expected_openings(plans: pd.DataFrame, openings: pd.DataFrame, risks: dict[str, DeliveryRisk]) -> np.ndarray:
    """Expected places opening in each row's year: Σ over its groups of share · Σ_p plan(p) · Pois(year − p; delay)."""
    return expected_from_lags(plan_lags(plans, openings), risks)


def fitted_rows(plans: pd.DataFrame, openings: pd.DataFrame) -> np.ndarray:
    """Boolean mask of the openings the fit uses: every group of the row has a plan by the row's year."""
    has_plan = {g: plans.loc[plans["group"] == g, "year"].min() for g in GROUPS}
    return np.array([
        all(pd.notna(has_plan[g]) and has_plan[g] <= year for g in (GROUPS if group == ALL else (group,)))
        for group, year in openings[["group", "year"]].itertuples(index=False)
    ], dtype=bool)


def fit_basis(plans: pd.DataFrame, openings: pd.DataFrame) -> dict[str, str]:
    """How each group's share and delay are set: fitted (two or more fitted openings), prior share and fitted delay (one), prior (none)."""
    used = openings[fitted_rows(plans, openings)]
    counts = {g: sum(group in (g, ALL) for group in used["group"]) for g in GROUPS}
    return {g: FITTED if n >= 2 else SHARE_FROM_PRIOR if n == 1 else PRIOR for g, n in counts.items()}


def fit_delivery(plans: pd.DataFrame, openings: pd.DataFrame, priors: dict[str, DeliveryRisk] = PRIORS) -> dict[str, DeliveryRisk]:
    """Share and mean delay of every group, minimising the squared log errors of the fitted openings (module docstring);
    a group with too few of them keeps the parts of its prior ``priors`` the record cannot identify (``fit_basis``)."""
    basis = fit_basis(plans, openings)
    rows = openings[fitted_rows(plans, openings)]
    observed = np.log(rows["places"].to_numpy())
    free = [(g, part) for g in GROUPS for part in ("share", "delay") if basis[g] == FITTED or (basis[g] == SHARE_FROM_PRIOR and part == "delay")]

    def risks_of(x: np.ndarray) -> dict[str, DeliveryRisk]:
        values = {key: float(v) for key, v in zip(free, x, strict=True)}
        return {g: DeliveryRisk(values.get((g, "share"), priors[g].share), values.get((g, "delay"), priors[g].delay)) for g in GROUPS}

    if not free:
        return risks_of(np.array([]))

    lagged = plan_lags(plans, rows)

    def loss(x: np.ndarray) -> float:
        return float(((np.log(np.maximum(expected_from_lags(lagged, risks_of(x)), 1e-9)) - observed) ** 2).sum())

    grid = {"share": (0.3, 0.9), "delay": (0.1, 1.5)}
    starts = itertools.product(*(grid[part] for _, part in free))
    bounds = [SHARE_BOUNDS if part == "share" else DELAY_BOUNDS for _, part in free]
    best = min((minimize(loss, np.array(x0), method="L-BFGS-B", bounds=bounds) for x0 in starts), key=lambda r: r.fun)
    return risks_of(best.x)


def delivery_parameters(params: dict, fit: dict[str, DeliveryRisk]) -> dict[str, float]:
    """Every ``delivery_<source>`` and ``delay_<source>``: the value given in ``params``, or (None) its group's ``fit`` rounded."""
    out = {}
    for source, group in SOURCE_GROUPS.items():
        for name, fitted in ((f"delivery_{source}", fit[group].share), (f"delay_{source}", fit[group].delay)):
            out[name] = round(fitted, DECIMALS) + 0.0 if params.get(name) is None else float(params[name])
    return out


def record_table(plans: pd.DataFrame, openings: pd.DataFrame, fit: dict[str, DeliveryRisk]) -> pd.DataFrame:
    """The published ``school_delivery_record``: each opening against its plan and the fit's expectation."""
    risks = {g: fit.get(g, DeliveryRisk(0.0, 0.0)) for g in GROUPS}
    rows = [
        plans[plans["year"].eq(year) & (plans["group"].isin(GROUPS) if group == ALL else plans["group"].eq(group))]
        for group, year in openings[["group", "year"]].itertuples(index=False)
    ]
    return pd.DataFrame({
        "year": openings["year"].astype(int),
        "group": openings["group"],
        "planned_that_year": np.round([float(r["seats"].sum()) for r in rows]),
        "plan_stated": [", ".join(sorted(set(r["stated"]))) for r in rows],
        "opened": openings["places"].round(),
        "opened_stated": openings["stated"],
        "fitted": expected_openings(plans, openings, risks).round(),
        "in_fit": fitted_rows(plans, openings),
        "source": openings["source"],
    })


TABLES: dict[str, TableSpec] = {
    "school_delivery_record": TableSpec(
        "The school programme's delivery record: places opened each year against the plan and the fitted delivery model",
        {
            "year": ("year", "calendar year the places opened"),
            "group": ("", "budget, private_investment (branches, memoranda, private schools) or all (stated for every source together)"),
            "planned_that_year": ("seats", "places planned for that year (2020-2021: the February 2020 plan, half a year; 2022 on: the programme)"),
            "plan_stated": ("", "date the plan of that year was published (empty: no plan before the opening)"),
            "opened": ("seats", "places stated as opened"),
            "opened_stated": ("", "date the opening was published"),
            "fitted": ("seats", "expected opening under the fitted share and Poisson delay (late seats of earlier plans included)"),
            "in_fit": ("", "whether the row enters the fit (every group of the row has a plan by then)"),
            "source": ("", "dated_statements indicators of the opening"),
        },
        "data/raw/dated_statements.csv; programme_school_build_plan.csv (001_22452510f78b59ea.txt:2918-2928); fit: schools/delivery.py",
    ),
}
