"""The single-age base population: age bands split into single years of age without steps at band edges."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .model import AGES, SEX_RATIO_AT_BIRTH, SEXES, life_table

CHILD_AGES_FROM_BIRTHS = 6  # ages 0-5 of the base: the births of the six years before, reverse-survived


def reverse_survival_shape(births_by_year: pd.Series, mortality: np.ndarray, on_year: int, ages: np.ndarray) -> np.ndarray:
    """Relative numbers at ``ages`` on 1 January ``on_year`` by reverse survival: the births of year on_year − 1 − x
    times L(x)/l(0), the share of a year's births alive x years after that year's end (the step's survival)."""
    survival = life_table(mortality)[1]
    born = births_by_year.reindex(on_year - 1 - ages).to_numpy(dtype=float)
    if np.isnan(born).any():
        raise ValueError(f"births missing for some of the years {on_year - 1 - ages.max()}-{on_year - 1}")
    return born * survival[ages]


def stable_shape(mortality: np.ndarray, growth_rate: float, ages: np.ndarray) -> np.ndarray:
    """Stable-population shape L(x)·e^(−r (x + 0.5)) at ``ages`` (1 January counts of a population growing at r)."""
    return life_table(mortality)[1][ages] * np.exp(-growth_rate * (ages + 0.5))


def children_from_births(
    band: np.ndarray, births: pd.Series, mortality: np.ndarray, stock: np.ndarray, on_year: int, sex: int
) -> tuple[np.ndarray, np.ndarray]:
    """The ages fixed by births (0 to CHILD_AGES_FROM_BIRTHS − 1) and the reverse-survived shape at the ``band`` of ages
    of one ``sex``: its share of ``births`` at the sex ratio at birth × L(x)/l(0), plus the migrant ``stock``."""
    young = AGES[:CHILD_AGES_FROM_BIRTHS]
    sex_share = SEX_RATIO_AT_BIRTH / (1 + SEX_RATIO_AT_BIRTH) if sex == 0 else 1 / (1 + SEX_RATIO_AT_BIRTH)
    return young, sex_share * reverse_survival_shape(births, mortality, on_year, band) + stock[band]


def smooth_band_split(prior: np.ndarray, bands: list[np.ndarray], totals: np.ndarray, iterations: int = 30) -> np.ndarray:
    """Single ages whose band sums equal ``totals`` exactly, as close to ``prior`` as a smooth factor allows.

    A penalised composite link model with an offset (Rizzi, Gampe & Eilers 2015): the
    result is ``prior * exp(eta)`` where ``eta`` has the least squared second differences
    (the smoothest multiplicative correction) among those that meet the band totals. Solved
    by sequential quadratic programming on the equality-constrained problem; a linear
    ``eta`` is free, so totals are met with no step at the band edges.
    """
    n = prior.size
    d2 = np.diff(np.eye(n), n=2, axis=0)
    penalty = d2.T @ d2
    membership = np.zeros((len(bands), n))
    for b, ages in enumerate(bands):
        membership[b, ages] = 1.0
    eta = np.zeros(n)

    def relative_gap(e: np.ndarray) -> np.ndarray:
        return (membership @ (prior * np.exp(e)) - totals) / totals

    for _ in range(iterations):
        gap = relative_gap(eta)
        if np.all(np.abs(gap) <= 1e-10):
            break
        jac = membership * (prior * np.exp(eta)) / totals[:, None]
        kkt = np.block([[penalty, jac.T], [jac, np.zeros((len(bands), len(bands)))]])
        target = np.linalg.solve(kkt, np.concatenate([np.zeros(n), jac @ eta - gap]))[:n]
        step = 1.0  # damped: halve the step until the band gaps shrink
        while step > 1e-4 and np.abs(relative_gap(eta + step * (target - eta))).max() >= np.abs(gap).max():
            step /= 2
        eta = eta + step * (target - eta)
    out = prior * np.exp(eta)
    return out * (membership.T @ (totals / (membership @ out)))  # removes the last rounding residue (< 1e-9)


def estimate_single_ages(
    bands: pd.DataFrame,
    national_births: pd.Series,
    mortality: np.ndarray,
    growth_rate: float,
    profile: np.ndarray,
    on_year: int,
    migrant_years: int = 15,
    births: pd.Series | None = None,
) -> np.ndarray:
    """(2, 101) single-age estimate on 1 January ``on_year`` (the date of ``bands``) whose band totals equal ``bands`` exactly.

    A "native" shape is national births of each birth year times survival (reverse
    survival) where births are known (ages up to on_year − 1 − first birth year), continued
    by the stable shape l(x)·e^(−r x) beyond. A migrant stock is ``migrant_years`` years
    of net migrants with the age ``profile`` (adults and their children), aged since.
    The prior is natives × a + stock × b, with a and b solved so that the children's band
    and the working-age band are met (b ≥ 0); the bands are then split smoothly with
    ``smooth_band_split`` (band totals exact, no steps at band edges).

    With ``births`` (the city's births by calendar year, persons, for the birth years of the first band) the
    youngest ``CHILD_AGES_FROM_BIRTHS`` ages are fixed first, by reverse survival: births of year on_year − 1 − x of the sex (sex ratio at birth) times
    L(x)/l(0), plus the migrant stock at that age (``children_from_births``); the rest of the children's band is
    split smoothly from the same reverse-survived shape (no step at age 5) and the older bands on their own, their
    smooth correction starting from the children's top age (so the children's correction does not reach the adults'
    ages, and the band edge has no step). So
    neighbouring child ages differ as the births that produced them do (issue 18: a shape from national births
    had put 30.2 thousand at age 0 against 33.3 thousand births the year before).
    """
    known = on_year - 1 - int(national_births.index.min())
    base = np.zeros((2, AGES.size))
    stock = sum(np.concatenate([np.zeros(k), profile[: AGES.size - k]]) for k in range(migrant_years))
    for i, sex in enumerate(SEXES):
        native = np.zeros(AGES.size)
        native[: known + 1] = reverse_survival_shape(national_births, mortality[i], on_year, AGES[: known + 1])
        tail = stable_shape(mortality[i], growth_rate, AGES[known:])
        native[known:] = native[known] * tail / tail[0]
        rows = bands[bands["sex"] == sex].sort_values("age_min")
        ages = [np.arange(int(r["age_min"]), 100 + 1 if pd.isna(r["age_max"]) else int(r["age_max"]) + 1) for _, r in rows.iterrows()]
        totals = rows["persons"].to_numpy(dtype=float)
        closed = [b for b, r in enumerate(rows["age_max"]) if not pd.isna(r)][:2]  # children and working ages
        design = np.array([[native[ages[b]].sum(), stock[ages[b]].sum()] for b in closed])
        a, b = np.linalg.solve(design, totals[closed]) if len(closed) == 2 else (totals[0] / native[ages[0]].sum(), 0.0)
        if b < 0 or a <= 0:  # the bands cannot be split into natives and migrants of this profile: natives only
            a, b = totals[closed[0]] / native[ages[closed[0]]].sum(), 0.0
        prior = a * native + b * stock
        if births is None:
            base[i] = smooth_band_split(prior, ages, totals)
            continue
        young, shape = children_from_births(ages[0], births, mortality[i], b * stock, on_year, i)
        rest = totals[0] - shape[young].sum()
        if rest <= 0:
            raise ValueError(f"age bands: births put {shape[young].sum():.0f} {sex} children at ages 0-{young[-1]}, more than the band's {totals[0]:.0f}")
        children = [np.array([x]) for x in young] + [ages[0][ages[0] > young[-1]]]
        base[i, ages[0]] = smooth_band_split(shape, children, np.concatenate([shape[young], [rest]]))
        # the older bands are split on their own, from the children's top age (held at its value) on: the children's
        # correction does not reach the adults' ages, and the adults' one starts where the children's ends (no step)
        top = ages[0][-1]
        above = smooth_band_split(prior[top:], [np.array([0])] + [band - top for band in ages[1:]], np.concatenate([[base[i, top]], totals[1:]]))
        base[i, top + 1 :] = above[1:]
    covered = bands.groupby("sex")["persons"].sum()
    for i, sex in enumerate(SEXES):
        if not np.isclose(base[i].sum(), covered.get(sex, np.nan)):
            raise ValueError(f"age bands for {sex} do not cover ages 0-100 exactly once")
    return base
