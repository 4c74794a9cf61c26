"""Cohort-component projection of Almaty's population by single year of age (0-100+) and sex.

Method (the UN / national-statistics standard, one-year steps, population on 1 January):

* **Step.** Deaths among the population at the start of the year are P·(1 − e^(−m_x));
  survivors move up one year of age (100+ is open). Births are Σ f_x·W_x over women
  at the start of the year, split by the sex ratio at birth; newborns are exposed to half a
  year of infant mortality. Net migrants, spread by an age–sex profile, are added at the
  end of the year. So every year P(t+1) − P(t) = births − deaths + net migration exactly.
* **Fertility.** Single-age rates f_x = TFR · pasfr_g / 100 / 5 from the WPP 2022
  Kazakhstan age pattern (pasfr, % of TFR by 5-year group); the Almaty TFR level is
  calibrated so that the model reproduces Almaty's 2020 births (32.3 thousand in
  January–November, scaled to 12 months; 8.3 % of national births).
* **Mortality.** WPP 2022 Kazakhstan death rates for 2015–2020 (before COVID-19) by
  age and sex, log-linearly interpolated to single ages and scaled by one factor per sex
  so that life expectancy at birth equals Almaty's (BNS); e0 then rises by a gain per year.
* **Migration.** The 2021 census re-based 1 January 2022 about 66 thousand above one year's
  expected growth (the error of closure). It is spread evenly over 2009-2021 (intercensal
  reconciliation, ``population_reconciliation``), and the level is the mean net flow of the
  calendar years 2015-2021 from the demographic balance of the reconciled series. The age profile
  is adults (Rogers-Castro labour + constant) plus children moving with their families; the
  children's share is fitted (``fit_child_share``) to the growth of ages 6-17 (pupil growth,
  lines 303/2793), of ages 0-7 (line 3007), the mean age (226) and the 14-35 / 14-29 counts
  (3183, 3536). Line 218's 88.5 % working-age share is for arrivals, a ceiling, not a target.
  The sex split follows the growth of each sex 2015-2021.
* **Base population.** Almaty's age detail is three bands by sex on 1 January 2020. A prior
  is natives (national births of each birth year times survival, continued by the stable
  shape l(x)·e^(−r x) where births are unknown) plus a 15-year migrant stock with the profile,
  weighted to meet the children's and working-age bands; a penalised composite link
  correction (``smooth_band_split``) then meets all band totals exactly without steps at band
  edges. The estimate is projected to the base year and scaled, by sex, to the BNS totals.
* **Backtest.** Rolling origins 2010-2019, horizons 1-5: the cohort model (2020 age shape
  scaled to the origin's total, migration from the five years before it) against naive,
  drift, log-linear drift, damped trend and a combination, scored against the official and
  the reconciled series; the method with the lowest MAPE is the central path.
* **Uncertainty.** Monte Carlo: each trajectory draws a TFR and an e0 deviation (growing
  linearly from zero with the horizon), a migration level deviation and a base-population
  deviation. The last two are calibrated on the backtest errors: sd of the % error at
  horizon h = sqrt(sd_base² + h²·sd_trend²), so the 80 % interval covers about 80 % of the
  backtest outcomes (``coverage_table``). Variants low / high shift TFR, e0 and migration by
  ∓/± 1.28 sd along the same paths; the report prints where each lies among the simulations.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from . import evaluation, history, io
from .params import Param
from .tablespec import TableSpec

AGES = np.arange(101)  # 100 = 100 and over
SEXES = ("male", "female")
Z80 = 1.2815515655446004  # standard normal quantile 0.9
VARIANTS = {"medium": 0.0, "low": -Z80, "high": Z80, "zero_migration": 0.0}

# Defaults and where they come from (see also scenarios.PARAMETERS).
SEX_RATIO_AT_BIRTH = 1.06  # males per female at birth, the usual biological value
BIRTHS_2020 = 32_300 * 12 / 11  # 32.3 thousand in Jan-Nov 2020 (dated_statements.csv), scaled to the year
FERTILITY_PERIOD_FOR_BASE = "2020-2025"  # WPP pasfr period used for the age pattern
MORTALITY_SHAPE_PERIOD = "2015-2020"  # WPP death-rate period used for the age shape (pre-COVID)
ROGERS_CASTRO = {"a1": 0.0, "alpha1": 0.10, "a2": 0.085, "alpha2": 0.11, "mu2": 21.0, "lambda2": 0.40, "c": 0.0005}
# Rogers & Castro (1981) labour-force and constant components, labour peak at about 23: the
# adults of the net-migration profile. Children come in as their own family component
# (net_migration_profile), whose share is fitted to the evidence (fit_child_share).
FAMILY_CHILD_AGES = (0, 17)  # children who move with their parents
FAMILY_CHILD_DECAY = 0.10  # Rogers-Castro alpha1: the child component falls ~10 % per year of age


@dataclass(frozen=True)
class Assumptions:
    """Central assumptions of a projection; the scenario parameters map onto these fields."""

    tfr: float  # Almaty total fertility rate in the base year, children per woman
    tfr_change: float  # change of the TFR per year
    life_expectancy_male: float  # e0 in the base year, years
    life_expectancy_female: float
    life_expectancy_gain: float  # years of e0 gained per calendar year
    net_migration: float  # net migrants per year, persons
    migrant_female_share: float  # share of net migrants who are women
    tfr_sd: float = 0.0  # relative sd of the TFR at a 10-year horizon
    life_expectancy_sd: float = 0.0  # sd of e0 (years) at a 10-year horizon
    migration_sd: float = 0.0  # relative sd of the migration level
    migration_noise_sd: float = 0.0  # relative sd of yearly migration around its level
    migrant_child_share: float = 0.0  # share of net migrants who are children moving with their families
    base_population_sd: float = 0.0  # relative sd of the base-year total
    variant_z: float = 0.0  # not a parameter: TFR, e0 and migration deviations of a variant, in sds (see assumption_paths)

    def variant(self, name: str) -> Assumptions:
        """The assumptions of a named variant: medium, low, high or zero_migration.

        low / high shift TFR, e0 and the migration level by ∓/± 1.28 sd along their paths,
        so the TFR and e0 spreads grow from zero as in the simulations.
        """
        if name not in VARIANTS:
            raise ValueError(f"unknown population variant {name!r}; expected one of {list(VARIANTS)}")
        if name == "zero_migration":
            return replace(self, net_migration=0.0)
        return replace(self, variant_z=VARIANTS[name])


PARAMETER_FIELDS = tuple(f for f in Assumptions.__dataclass_fields__ if f != "variant_z")
# Every scenario parameter the population forecast reads: a notebook that uses the forecast declares them all,
# so the school and emission reports see exactly the population of the population report.
PARAMETER_NAMES = PARAMETER_FIELDS + (
    "population_variant",
    "population_reconciliation",
    "base_year",
    "horizon",
    "n_simulations",
    "seed",
    "periphery_growth_factor",
)


@dataclass(frozen=True)
class Schedules:
    """Age schedules that do not depend on the scenario (from WPP 2022, shapes only)."""

    mortality_shape: np.ndarray  # (2, 101) death rates by sex and age, Kazakhstan 2015-2020
    fertility_pattern: np.ndarray  # (101,) share of the TFR at each age, sums to 1
    migration_profile_by_age: np.ndarray  # (101,) Rogers-Castro, sums to 1
    e0_grid: np.ndarray  # (2, G) life expectancy for each mortality multiplier on the grid
    log_k_grid: np.ndarray  # (G,)


# ---------------------------------------------------------------- schedules


def single_age_mortality(schedules: pd.DataFrame, period: str = MORTALITY_SHAPE_PERIOD) -> np.ndarray:
    """(2, 101) death rates: WPP groups (0, 1-4, 5-9, ..., 100+) log-linearly interpolated to single ages."""
    out = np.empty((2, AGES.size))
    for i, sex in enumerate(SEXES):
        rows = schedules[(schedules["indicator"] == f"mx_{sex}") & (schedules["period"] == period)].sort_values("age_start")
        if rows.empty:
            raise ValueError(f"WPP schedules: no death rates for {sex} in period {period!r}")
        starts = rows["age_start"].to_numpy(dtype=float)
        rates = rows["value"].to_numpy(dtype=float)
        widths = np.diff(np.append(starts, 101.0))
        mids = np.where(starts >= 5, starts + widths / 2, starts)
        out[i] = np.exp(np.interp(AGES, mids, np.log(rates)))
        out[i, 0] = rates[0]
        out[i, 1:5] = rates[1]
    return out


def fertility_pattern(schedules: pd.DataFrame, period: str = FERTILITY_PERIOD_FOR_BASE) -> np.ndarray:
    """(101,) share of the TFR born to women at each single age (each 5-year group spread evenly)."""
    rows = schedules[(schedules["indicator"] == "pasfr_percent") & (schedules["period"] == period)]
    if rows.empty:
        raise ValueError(f"WPP schedules: no fertility pattern for period {period!r}")
    pattern = np.zeros(AGES.size)
    for start, percent in zip(rows["age_start"], rows["value"], strict=True):
        pattern[int(start) : int(start) + 5] = percent / 100 / 5
    return pattern / pattern.sum()


def rogers_castro(ages: np.ndarray = AGES, **params: float) -> np.ndarray:
    """Rogers-Castro model migration schedule (childhood + labour-force + constant), normalised to sum 1."""
    p = ROGERS_CASTRO | params
    x = ages.astype(float)
    child = p["a1"] * np.exp(-p["alpha1"] * x)
    labour = p["a2"] * np.exp(-p["alpha2"] * (x - p["mu2"]) - np.exp(-p["lambda2"] * (x - p["mu2"])))
    schedule = child + labour + p["c"]
    return schedule / schedule.sum()


def net_migration_profile(child_share: float, ages: np.ndarray = AGES) -> np.ndarray:
    """(101,) share of net migrants at each age: adults (Rogers-Castro labour + constant) and families' children.

    ``child_share`` of the net migrants are children aged 0-17 moving with their families,
    spread as the Rogers-Castro child component e^(-alpha1 x); the rest follow the adult
    schedule. Sums to 1.
    """
    if not 0.0 <= child_share < 1.0:
        raise ValueError(f"migrant child share {child_share!r}: expected a share in [0, 1)")
    low, high = FAMILY_CHILD_AGES
    child = np.where((ages >= low) & (ages <= high), np.exp(-FAMILY_CHILD_DECAY * ages.astype(float)), 0.0)
    return (1 - child_share) * rogers_castro(ages) + child_share * child / child.sum()


def life_expectancy(mx: np.ndarray) -> np.ndarray:
    """e0 from single-age death rates (last axis = age 0-100+): q = m/(1+a·m), a0 = 0.1, a = 0.5."""
    a = np.full(AGES.size, 0.5)
    a[0] = 0.1
    q = np.clip(mx / (1 + (1 - a) * mx), 0, 1)
    q[..., -1] = 1.0
    survivors = np.cumprod(np.concatenate([np.ones(mx.shape[:-1] + (1,)), 1 - q[..., :-1]], axis=-1), axis=-1)
    deaths = survivors * q
    person_years = survivors - (1 - a) * deaths
    person_years[..., -1] = survivors[..., -1] / np.maximum(mx[..., -1], 1e-12)
    return person_years.sum(axis=-1)


def build_schedules(wpp_schedules: pd.DataFrame, child_share: float = 0.0) -> Schedules:
    shape = single_age_mortality(wpp_schedules)
    log_k = np.linspace(np.log(0.05), np.log(8.0), 800)
    e0 = np.stack([life_expectancy(shape[i] * np.exp(log_k)[:, None]) for i in range(2)])
    return Schedules(shape, fertility_pattern(wpp_schedules), net_migration_profile(child_share), e0, log_k)


def mortality_for(schedules: Schedules, e0: np.ndarray) -> np.ndarray:
    """Death rates (…, 2, 101) whose life expectancy is ``e0`` (…, 2): one multiplier per sex."""
    e0 = np.asarray(e0, dtype=float)
    lo, hi = schedules.e0_grid[:, -1], schedules.e0_grid[:, 0]
    if np.any(e0 < lo - 1e-9) or np.any(e0 > hi + 1e-9):
        raise ValueError(
            f"life expectancy {e0.min():.1f}-{e0.max():.1f} is outside what the mortality model covers ({lo.min():.1f}-{hi.max():.1f})"
        )
    k = np.empty_like(e0)
    for i in range(2):  # e0 falls as the multiplier rises: interpolate on the reversed grid
        k[..., i] = np.exp(np.interp(e0[..., i], schedules.e0_grid[i, ::-1], schedules.log_k_grid[::-1]))
    return schedules.mortality_shape * k[..., None]


def migration_profile(schedules: Schedules, female_share: float, child_share: float | None = None) -> np.ndarray:
    """(2, 101) share of net migrants by sex and age (age on arrival at the end of the year).

    The age profile is the schedules' (fitted) one, or ``net_migration_profile(child_share)``.
    """
    by_age = schedules.migration_profile_by_age if child_share is None else net_migration_profile(child_share)
    return np.stack([(1 - female_share) * by_age, female_share * by_age])


# ---------------------------------------------------------------- projection core


def project_arrays(
    base: np.ndarray, fertility: np.ndarray, mortality: np.ndarray, migration: np.ndarray, profile: np.ndarray
) -> dict[str, np.ndarray]:
    """Vectorised cohort-component steps.

    base (n, 2, 101); fertility (n, T, 101) female rates; mortality (n, T, 2, 101);
    migration (n, T) net migrants per year; profile (2, 101) sums to 1.
    Returns population (n, T+1, 2, 101), births, deaths, net_migration (n, T).
    """
    n, steps = migration.shape
    population = np.empty((n, steps + 1, 2, AGES.size))
    population[:, 0] = base
    births = np.empty((n, steps))
    deaths = np.empty((n, steps))
    applied = np.empty((n, steps))
    male_share = SEX_RATIO_AT_BIRTH / (1 + SEX_RATIO_AT_BIRTH)
    sex_split = np.array([male_share, 1 - male_share])
    for t in range(steps):
        p = population[:, t]
        m = mortality[:, t]
        died = p * (1 - np.exp(-m))
        survivors = p - died
        born = (fertility[:, t] * p[:, 1]).sum(axis=1)
        newborns = born[:, None] * sex_split * np.exp(-0.5 * m[:, :, 0])
        nxt = np.empty_like(p)
        nxt[:, :, 0] = newborns
        nxt[:, :, 1:] = survivors[:, :, :-1]
        nxt[:, :, -1] += survivors[:, :, -1]
        moved = migration[:, t, None, None] * profile
        nxt += moved
        shortfall = np.maximum(-nxt, 0)  # more emigrants than people in a cell: emigration is capped
        nxt += shortfall
        population[:, t + 1] = nxt
        births[:, t] = born
        deaths[:, t] = died.sum(axis=(1, 2)) + (born[:, None] * sex_split - newborns).sum(axis=1)
        applied[:, t] = (moved + shortfall).sum(axis=(1, 2))
    return {"population": population, "births": births, "deaths": deaths, "net_migration": applied}


def assumption_paths(assumptions: Assumptions, years: np.ndarray, base_year: int, n: int = 1, rng: np.random.Generator | None = None):
    """TFR (n, T), e0 (n, T, 2) and migration (n, T) paths for the projection years.

    With ``rng`` the paths are drawn (Monte Carlo); without, they are the central paths.
    """
    h = (years - base_year).astype(float)  # 0 for the first projected year
    z = rng.standard_normal((n, 3)) if rng is not None else np.zeros((n, 3))
    z = z + assumptions.variant_z
    noise = rng.standard_normal((n, years.size)) * assumptions.migration_noise_sd if rng is not None else np.zeros((n, years.size))
    tfr = (assumptions.tfr + assumptions.tfr_change * h) * (1 + z[:, :1] * assumptions.tfr_sd * h / 10)
    e0_base = np.array([assumptions.life_expectancy_male, assumptions.life_expectancy_female])
    e0 = e0_base + (assumptions.life_expectancy_gain * h + z[:, 1:2] * assumptions.life_expectancy_sd * h / 10)[..., None]
    migration = assumptions.net_migration * (1 + z[:, 2:3] * assumptions.migration_sd + noise)
    return np.maximum(tfr, 0.0), e0, migration


def run(
    base: np.ndarray, schedules: Schedules, assumptions: Assumptions, base_year: int, horizon: int, n: int = 1, seed: int | None = None
):
    """Project ``base`` (2, 101) from 1 January ``base_year`` to 1 January ``horizon``.

    Central projection when ``seed`` is None, else ``n`` seeded Monte Carlo trajectories.
    """
    if horizon <= base_year:
        raise ValueError(f"horizon {horizon} must be after base_year {base_year}")
    years = np.arange(base_year, horizon)  # the years whose events are projected
    rng = np.random.default_rng(seed) if seed is not None else None
    tfr, e0, migration = assumption_paths(assumptions, years, base_year, n, rng)
    fertility = tfr[..., None] * schedules.fertility_pattern
    mortality = mortality_for(schedules, e0)
    profile = migration_profile(schedules, assumptions.migrant_female_share, assumptions.migrant_child_share)
    scale = 1 + (rng.standard_normal(n) * assumptions.base_population_sd if rng is not None else np.zeros(n))  # base-population uncertainty
    out = project_arrays(base * scale[:, None, None], fertility, mortality, migration, profile)
    out["years"] = np.arange(base_year, horizon + 1)
    return out


# ---------------------------------------------------------------- base population


def reverse_survival_shape(births_by_year: pd.Series, mortality: np.ndarray, on_year: int, ages: np.ndarray) -> np.ndarray:
    """Relative numbers at ``ages`` on 1 January ``on_year``: births of year on_year-1-x times survival to x."""
    survival = np.exp(-np.concatenate([[0.5 * mortality[0]], 0.5 * mortality[:-1] + 0.5 * mortality[1:]]).cumsum())
    born = births_by_year.reindex(on_year - 1 - ages).to_numpy(dtype=float)
    if np.isnan(born).any():
        raise ValueError(f"births missing for some of the years {on_year - 1 - ages.max()}-{on_year - 1}")
    return born * survival[ages]


def stable_shape(mortality: np.ndarray, growth_rate: float, ages: np.ndarray) -> np.ndarray:
    """Stable-population shape l(x)·e^(−r x) at ``ages``."""
    survival = np.exp(-np.concatenate([[0.0], mortality[:-1]]).cumsum())
    return survival[ages] * np.exp(-growth_rate * ages)


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


def estimate_base_2020(
    bands: pd.DataFrame, national_births: pd.Series, mortality: np.ndarray, growth_rate: float, profile: np.ndarray, migrant_years: int = 15
) -> np.ndarray:
    """(2, 101) single-age estimate on 1 January 2020 whose band totals equal ``bands`` exactly.

    A "native" shape is national births of each birth year times survival (reverse
    survival) where births are known (ages up to 2019 − first birth year), continued
    by the stable shape l(x)·e^(−r x) beyond. A migrant stock is ``migrant_years`` years
    of net migrants with the age ``profile`` (adults and their children), aged since.
    The prior is natives × a + stock × b, with a and b solved so that the children's band
    and the working-age band are met (b ≥ 0); the bands are then split smoothly with
    ``smooth_band_split`` (band totals exact, no steps at band edges).
    """
    known = 2019 - int(national_births.index.min())
    base = np.zeros((2, AGES.size))
    stock = sum(np.concatenate([np.zeros(k), profile[: AGES.size - k]]) for k in range(migrant_years))
    for i, sex in enumerate(SEXES):
        native = np.zeros(AGES.size)
        native[: known + 1] = reverse_survival_shape(national_births, mortality[i], 2020, AGES[: known + 1])
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
        base[i] = smooth_band_split(a * native + b * stock, ages, totals)
    covered = bands.groupby("sex")["persons"].sum()
    for i, sex in enumerate(SEXES):
        if not np.isclose(base[i].sum(), covered.get(sex, np.nan)):
            raise ValueError(f"age bands for {sex} do not cover ages 0-100 exactly once")
    return base


# ---------------------------------------------------------------- calibration on Almaty data

BASE_INPUTS = (  # the tables the single-age base estimate is built from
    "bns_population_1jan",
    "bns_population_age_bands",
    "bns_life_expectancy",
    "wpp2022_kazakhstan_annual",
    "wpp2022_kazakhstan_age_schedules",
    "level_shifts",
    "programme_population",
    "programme_schools",
)
INPUT_TABLES = BASE_INPUTS + ("programme_districts",)
CALIBRATION_YEARS = (2015, 2021)  # the segment between the 2014/15 boundary change and the 2021/22 census
EARLIER_CENSUS_YEAR = 2009  # 1 January 2009: the BNS series is based on the 2009 census (25 February 2009)
CLOSURE_YEAR = 2022  # first 1 January re-based on the 2021 census
BALANCE_YEARS = (2015, 2021)  # calendar years whose net migration sets the default level (inside the 2015-2022 territory)
# Evidence the net-migration age profile is fitted to: statistic -> (table, figure ids, tolerance, why this tolerance)
FIT_EVIDENCE = {
    "growth_6_17": (
        "programme_schools",
        ("pupil_growth_annual_low_l2793", "pupil_growth_annual_high_l2793"),
        1.0,
        "pupils grow 12-14 thousand a year (line 2793; 12-15 at line 303): the 6-17 population, all at school, grows alike; tolerance half the range",
    ),
    "growth_0_7": ("programme_population", ("children_0_7_growth_annual",), 1.5, "children 0-7 grow 'about 9 thousand' a year (line 3007)"),
    "mean_age": ("programme_population", ("average_age",), 0.3, "mean age 33.6 (line 226); tolerance a few tenths of a year"),
    "share_14_35": (
        "programme_population",
        ("youth_14_35_share_l3183",),
        1.0,
        "37 % aged 14-35 (line 3183, with '>692 thousand'); tolerance 1 point",
    ),
    "count_14_29": ("programme_population", ("youth_14_29_count",), 10.0, "440 thousand aged 14-29 (line 3536); tolerance 10 thousand"),
}
CHILD_SHARE_GRID = np.linspace(0.0, 0.4, 41)
WORKING_AGE_ARRIVALS = ("programme_population", "arrivals_working_age_share_2021")  # 88.5 % of ARRIVALS (gross), line 218
COHORT_BACKTEST_WINDOW = 5  # years of demographic balance before an origin that set its migration level


def read_inputs() -> dict[str, pd.DataFrame]:
    """The raw tables the population model uses, validated."""
    return {name: io.read_table(name) for name in INPUT_TABLES}


def _wpp(annual: pd.DataFrame, indicator: str, variant: str) -> pd.Series:
    rows = annual[(annual["indicator"] == indicator) & (annual["variant"] == variant)]
    return rows.set_index("year")["value"].astype(float)


def _bns(population: pd.DataFrame, area: str, sex: str) -> pd.Series:
    rows = population[(population["area"] == area) & (population["sex"] == sex)]
    return rows.set_index("year")["persons"].astype(float)


def _e0(life: pd.DataFrame, year: int) -> np.ndarray:
    rows = life[(life["area"] == "almaty") & (life["year"] == year)].set_index("sex")["life_expectancy_years"]
    return np.array([rows["male"], rows["female"]], dtype=float)


def _figure(inputs: dict[str, pd.DataFrame], table: str, figure_id: str) -> float:
    return float(inputs[table].set_index("figure_id").loc[figure_id, "value"])


def closure_error(total: pd.Series, shift_years: list[int]) -> float:
    """Error of closure at the 2021 census: the census jump of 1 January 2022 over the expected change.

    The expected change is the mean within-segment change of the three years before
    (``evaluation.adjust_level_shifts``); the census itself (1 October 2021, results
    published after mid-2022) is known to this model only through the re-based BNS value of 2022.
    """
    known = total.loc[:CLOSURE_YEAR]
    return float(evaluation.adjust_level_shifts(known, [s for s in shift_years if s <= CLOSURE_YEAR])["jump"][CLOSURE_YEAR])


def reconciled_total(inputs: dict[str, pd.DataFrame], method: str = "linear") -> pd.DataFrame:
    """BNS totals 2000-2022 with the 2021 census's error of closure spread back to 2009 (history.reconcile_intercensal)."""
    total = _bns(inputs["bns_population_1jan"], "almaty", "total")
    error = closure_error(total, _shift_years(inputs))
    return history.reconcile_intercensal(total, EARLIER_CENSUS_YEAR, CLOSURE_YEAR, error, method)


def _shift_years(inputs: dict[str, pd.DataFrame]) -> list[int]:
    shifts = inputs["level_shifts"]
    return sorted(int(y) for y in shifts.loc[shifts["series"] == "bns_population_1jan", "first_year_after"])


def fit_child_share(simulate, targets: dict[str, float], tolerances: dict[str, float], grid: np.ndarray = CHILD_SHARE_GRID) -> dict:
    """The child share of net migrants that best reproduces the evidence (least squares in tolerance units).

    ``simulate(share)`` returns the model's statistics; the loss is Σ((model − target) /
    tolerance)². A grid search is refined by golden-section search between the grid
    neighbours of the best point. Returns ``child_share``, ``loss`` and ``statistics``.
    """

    def loss(share: float) -> float:
        stats = simulate(share)
        return float(sum(((stats[k] - targets[k]) / tolerances[k]) ** 2 for k in targets))

    values = [loss(g) for g in grid]
    i = int(np.argmin(values))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)]
    ratio = (np.sqrt(5) - 1) / 2
    for _ in range(30):
        a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
        if loss(a) <= loss(b):
            hi = b
        else:
            lo = a
    best = (lo + hi) / 2
    return {"child_share": float(best), "loss": loss(best), "statistics": simulate(best)}


def interval_sd(errors: pd.DataFrame) -> tuple[float, float]:
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
    return float(np.sqrt(coef[0])), float(np.sqrt(coef[1]))


def migration_level_sd(sd_trend: float, population: float, yearly_change: float, net_migration: float) -> float:
    """Relative sd of the migration level whose error, h·N·sd / P_h, best matches h·sd_trend % at h = 1-5.

    P_h = population + h·yearly_change (the population the backtest errors are relative
    to grows); least squares over the backtest horizons.
    """
    h = np.asarray(BACKTEST_HORIZONS, dtype=float)
    effect = h * net_migration / (population + h * yearly_change)
    return float((effect * h * sd_trend / 100).sum() / (effect**2).sum())


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
        sd_base, sd_trend = interval_sd(others)
        mine = out["origin"] == origin
        sd = np.sqrt(sd_base**2 + out.loc[mine, "horizon"].to_numpy() ** 2 * sd_trend**2) / 100
        point = out.loc[mine, "forecast"].to_numpy()
        for level, z in (("80", Z80), ("95", 1.959963984540054)):  # bounds on the % error (forecast - actual) / actual
            out.loc[mine, f"lo_{level}"] = point / (1 + z * sd)
            out.loc[mine, f"hi_{level}"] = point / np.maximum(1 - z * sd, 1e-9)
    return out


def calibrate(inputs: dict[str, pd.DataFrame], reconciliation: str = "linear") -> dict:
    """Estimate the model's defaults from the data; every value comes with its derivation.

    Returns ``defaults`` (the central assumptions, fields of ``Assumptions``), ``base_2020``
    (the single-age estimate), ``schedules``, ``tfr_2020``, ``reconciliation`` (observed
    and reconciled totals), ``balance`` (the yearly demographic balance 2015-2021 behind
    the migration level), ``migration_fit`` (the child share and the evidence),
    ``backtest`` (rows of every method and origin) and ``interval_sd``.
    """
    wpp = inputs["wpp2022_kazakhstan_age_schedules"]
    schedules = build_schedules(wpp)
    annual, life = inputs["wpp2022_kazakhstan_annual"], inputs["bns_life_expectancy"]
    total = _bns(inputs["bns_population_1jan"], "almaty", "total")
    first, last = CALIBRATION_YEARS
    segment = total.loc[first:last]
    growth_rate = float(segment.diff().mean() / segment.mean())
    reconciled = reconciled_total(inputs, reconciliation)
    rec = reconciled["reconciled"]

    kz_births = _wpp(annual, "births_thousands", "estimate") * 1000
    kz_deaths = _wpp(annual, "deaths_thousands", "estimate") * 1000
    kz_total = _bns(inputs["bns_population_1jan"], "kazakhstan", "total")
    mortality_2019 = mortality_for(schedules, _e0(life, 2019))
    bands = inputs["bns_population_age_bands"]
    bns = inputs["bns_population_1jan"]
    bns_2022 = np.array([_bns(bns, "almaty", sex)[2022] for sex in SEXES])

    # Demographic balance of calendar years 2015-2021 on the reconciled series: births follow
    # national births at Almaty's 2020 share; deaths follow Almaty's modelled 2020 crude death
    # rate, moved with the national one.
    share = BIRTHS_2020 / kz_births[2020]
    years = np.arange(BALANCE_YEARS[0], BALANCE_YEARS[1] + 1)
    births = share * kz_births.loc[years].to_numpy()

    def crude_death_rate(base):
        return float((base * (1 - np.exp(-mortality_for(schedules, _e0(life, 2020))))).sum() / base.sum())

    def balance_for(base):
        deaths = (
            crude_death_rate(base)
            * rec.loc[years].to_numpy()
            * (kz_deaths.loc[years] / kz_total.loc[years]).to_numpy()
            / (kz_deaths[2020] / kz_total[2020])
        )
        change = rec.loc[years + 1].to_numpy() - rec.loc[years].to_numpy()
        return pd.DataFrame(
            {"year": years, "change": change, "births": births, "deaths": deaths, "net_migration": change - (births - deaths)}
        )

    female = _bns(bns, "almaty", "female")
    female_share = float((female[last] - female[first]) / (total[last] - total[first]))

    def base_for(child_share: float) -> np.ndarray:
        return estimate_base_2020(bands, kz_births, mortality_2019, growth_rate, net_migration_profile(child_share))

    def simulate(child_share: float) -> dict[str, float]:
        base = base_for(child_share)
        level = float(balance_for(base)["net_migration"].mean())
        tfr = BIRTHS_2020 / float(schedules.fertility_pattern @ base[1])
        profile = net_migration_profile(child_share)
        step = project_arrays(
            base[None],
            np.broadcast_to(tfr * schedules.fertility_pattern, (1, 2, AGES.size)),
            np.stack([mortality_for(schedules, _e0(life, y)) for y in (2020, 2021)])[None],
            np.full((1, 2), level),
            np.stack([(1 - female_share) * profile, female_share * profile]),
        )["population"][0]
        p2022 = step[2] * (bns_2022 / step[2].sum(axis=1))[:, None]  # on the census-based 2022 level
        by_age = p2022.sum(axis=0)
        return {
            "growth_6_17": float(step[2][:, 6:18].sum() - step[0][:, 6:18].sum()) / 2 / 1e3,
            "growth_0_7": float(step[2][:, 0:8].sum() - step[0][:, 0:8].sum()) / 2 / 1e3,
            "mean_age": float((by_age * (AGES + 0.5)).sum() / by_age.sum()),
            "share_14_35": float(100 * by_age[14:36].sum() / by_age.sum()),
            "count_14_29": float(by_age[14:30].sum() / 1e3),
        }

    targets, tolerances, evidence = {}, {}, []
    for stat, (table, ids, tolerance, why) in FIT_EVIDENCE.items():
        targets[stat] = float(np.mean([_figure(inputs, table, i) for i in ids]))
        tolerances[stat] = tolerance
        evidence.append({"statistic": stat, "target": targets[stat], "tolerance": tolerance, "source": why})

    def build_fit() -> pd.DataFrame:
        fit = fit_child_share(simulate, targets, tolerances)
        fitted = pd.DataFrame(evidence).assign(model=[fit["statistics"][e["statistic"]] for e in evidence])
        return fitted.assign(child_share=fit["child_share"], loss=fit["loss"])

    # shared by every notebook through data/processed/, rebuilt when data/raw or the code changes
    fit_table = io.processed_table(f"population_migration_fit_{reconciliation}", build_fit, list(BASE_INPUTS))
    child_share = float(fit_table["child_share"].iloc[0])
    schedules = replace(schedules, migration_profile_by_age=net_migration_profile(child_share))
    base_2020 = base_for(child_share)
    tfr_2020 = BIRTHS_2020 / float(schedules.fertility_pattern @ base_2020[1])
    balance = balance_for(base_2020)
    net_migration = float(balance["net_migration"].mean())
    profile = schedules.migration_profile_by_age

    tfr_kz = _wpp(annual, "tfr", "estimate").combine_first(_wpp(annual, "tfr", "medium"))
    base_year, ten = 2022, 2032
    tfr_base = tfr_2020 * tfr_kz[base_year] / tfr_kz[2020]
    tfr_change = tfr_base * (tfr_kz[2035] - tfr_kz[base_year]) / (2035 - base_year) / tfr_kz[base_year]
    tfr_sd = float((_wpp(annual, "tfr", "pi80_upper")[ten] - _wpp(annual, "tfr", "pi80_lower")[ten]) / (2 * Z80) / tfr_kz[ten])
    e0_gain = np.mean([(_wpp(annual, f"e0_{s}", "medium")[2035] - _wpp(annual, f"e0_{s}", "medium")[2030]) / 5 for s in SEXES])
    e0_sd = np.mean([(_wpp(annual, f"e0_{s}", "pi80_upper")[ten] - _wpp(annual, f"e0_{s}", "pi80_lower")[ten]) / (2 * Z80) for s in SEXES])
    e0_2019 = _e0(life, 2019)

    context = {
        "schedules": schedules,
        "base_2020": base_2020,
        "tfr_2020": tfr_2020,
        "tfr_kz": tfr_kz,
        "life": life,
        "female_share": female_share,
        "e0_gain": float(e0_gain),
    }
    backtest = backtest_table(inputs, context, reconciled)
    cohort = backtest[(backtest["method"] == "cohort_component") & (backtest["target"] == "official")]
    sd_base, sd_trend = interval_sd(cohort.dropna(subset=["actual"]))
    pop_base = float(total[base_year])

    arrivals_share = _figure(inputs, *WORKING_AGE_ARRIVALS) / 100
    arrivals_per_year = _figure(inputs, "programme_population", "migration_arrivals_2012_2021") * 1e3 / 10
    defaults = {
        "tfr": float(tfr_base),
        "tfr_change": float(tfr_change),
        "life_expectancy_male": float(e0_2019[0]),
        "life_expectancy_female": float(e0_2019[1]),
        "life_expectancy_gain": float(e0_gain),
        "net_migration": net_migration,
        "migrant_female_share": female_share,
        "migrant_child_share": child_share,
        "tfr_sd": tfr_sd,
        "life_expectancy_sd": float(e0_sd),
        "migration_sd": migration_level_sd(sd_trend, pop_base, float(balance["change"].mean()), net_migration),
        "migration_noise_sd": 0.0,  # the calibrated level and base sds already carry the backtest errors
        "base_population_sd": float(sd_base / 100),  # backtest error that does not grow with the horizon
    }
    return {
        "defaults": defaults,
        "base_2020": base_2020,
        "schedules": schedules,
        "tfr_2020": tfr_2020,
        "balance": balance,
        "growth_rate": growth_rate,
        "reconciliation": reconciled,
        "reconciliation_method": reconciliation,
        "migration_fit": fit_table.drop(columns=["child_share", "loss"]),
        "migration_facts": {
            "child_share": child_share,
            "share_6_17": float(profile[6:18].sum()),
            "net_children_0_17_per_year": float(profile[:18].sum() * net_migration),
            "arrivals_per_year": arrivals_per_year,
            "arrivals_not_working_age_per_year": (1 - arrivals_share) * arrivals_per_year,
            "closure_error": closure_error(total, _shift_years(inputs)),
        },
        "backtest": backtest,
        "interval_sd": (sd_base, sd_trend),
    }


def cohort_forecaster(context: dict):
    """The cohort-component method as a backtest forecaster ``method(train, h)``.

    Uses only what was known at the origin ``o`` (the last year of ``train``): base ages
    are the 2020 single-age shape scaled to the origin's total; the migration level is
    the mean demographic balance of the ``COHORT_BACKTEST_WINDOW`` years before the origin
    (change of ``train`` minus the model's natural increase with that year's BNS e0 and
    the TFR moved with the national one); TFR and e0 are those of the year before the
    origin, e0 then gains as in the forecast.
    """
    schedules, shape = context["schedules"], context["base_2020"] / context["base_2020"].sum()
    tfr_kz, life = context["tfr_kz"], context["life"]

    def assumptions(year: int, level: float) -> Assumptions:
        e0 = _e0(life, year)
        return Assumptions(
            tfr=context["tfr_2020"] * tfr_kz[year] / tfr_kz[2020],
            tfr_change=0.0,
            life_expectancy_male=e0[0],
            life_expectancy_female=e0[1],
            life_expectancy_gain=context["e0_gain"],
            net_migration=level,
            migrant_female_share=context["female_share"],
        )

    def method(train: pd.Series, h: int) -> pd.DataFrame:
        origin = int(train.index[-1])
        window = [y for y in range(origin - COHORT_BACKTEST_WINDOW, origin) if y in train.index]
        if not window:
            raise ValueError(f"cohort backtest: no balance year before origin {origin}")
        flows = []
        for y in window:
            step = run(shape * train[y], schedules, assumptions(y, 0.0), y, y + 1)
            natural = step["births"][0, 0] - step["deaths"][0, 0]
            flows.append(train[y + 1] - train[y] - natural)
        out = run(shape * train[origin], schedules, assumptions(origin - 1, float(np.mean(flows))), origin, origin + h)
        totals = out["population"][0].sum(axis=(1, 2))[1:]
        return evaluation._frame(origin, totals, np.zeros(h))

    return method


def backtest_table(inputs: dict[str, pd.DataFrame], context: dict, reconciled: pd.DataFrame) -> pd.DataFrame:
    """Rolling-origin backtest (origins 2010-2019, horizons 1-5) of the cohort model, the benchmarks and their combination.

    Every method is trained on the official BNS series known at the origin (the boundary
    shift removed inside the window); rows are scored against the official series (the
    census re-basing kept: it is an error the forecasts made) and against the reconciled
    one (``target``). Cohort intervals are calibrated leave-one-origin-out from the
    errors against the official series. The combination is the mean of the cohort model
    and the benchmark with the lowest MAPE (``evaluation.best_method``).
    """
    official = _bns(inputs["bns_population_1jan"], "almaty", "total").loc[:CLOSURE_YEAR]
    boundary = [s for s in _shift_years(inputs) if s != CLOSURE_YEAR]
    methods = dict(evaluation.BENCHMARKS) | {"cohort_component": cohort_forecaster(context)}
    rows = evaluation.rolling_origin_backtest(official, methods, BACKTEST_ORIGINS, BACKTEST_HORIZONS, shift_years=boundary)
    cohort = rows["method"] == "cohort_component"
    rows = pd.concat([rows[~cohort], with_calibrated_intervals(rows[cohort])], ignore_index=True)
    best = evaluation.best_method(evaluation.accuracy(rows), list(evaluation.BENCHMARKS))
    rows = evaluation.combine(rows, ["cohort_component", best], name=f"combination (cohort_component + {best})")
    frames = [rows.assign(target="official")]
    target = evaluation.adjust_level_shifts(reconciled["reconciled"].loc[:CLOSURE_YEAR], boundary)["adjusted"]
    other = rows.copy()
    other["actual"] = (other["origin"] + other["horizon"]).map(target)
    other["error"] = other["forecast"] - other["actual"]
    other["pct_error"] = 100 * other["error"] / other["actual"]
    frames.append(other.assign(target="reconciled"))
    return pd.concat(frames, ignore_index=True)


def backtest_accuracy(backtest: pd.DataFrame) -> pd.DataFrame:
    """Accuracy of every method by target (official / reconciled) and horizon."""
    tables = [evaluation.accuracy(rows).assign(target=target) for target, rows in backtest.groupby("target", sort=False)]
    columns = ["target", *evaluation.ACCURACY_COLUMNS]
    return pd.concat(tables, ignore_index=True)[columns]


def base_population(inputs: dict[str, pd.DataFrame], calibration: dict, base_year: int) -> np.ndarray:
    """(2, 101) population on 1 January ``base_year``: the 2020 estimate carried forward, scaled to BNS by sex.

    The years 2020.. base_year-1 use the observed Almaty life expectancy (BNS), the 2020
    TFR and the estimated net migration; the scaling absorbs the census level shift.
    """
    if not 2020 <= base_year <= 2022:
        raise ValueError(
            f"base_year {base_year}: single-age estimates exist for 2020-2022 (age bands of 1 January 2020, BNS totals to 2022)"
        )
    population = calibration["base_2020"]
    schedules, defaults = calibration["schedules"], calibration["defaults"]
    for year in range(2020, base_year):
        step = project_arrays(
            population[None],
            (calibration["tfr_2020"] * schedules.fertility_pattern)[None, None],
            mortality_for(schedules, _e0(inputs["bns_life_expectancy"], year))[None, None],
            np.array([[defaults["net_migration"]]]),
            migration_profile(schedules, defaults["migrant_female_share"]),
        )
        population = step["population"][0, 1]
    bns = inputs["bns_population_1jan"]
    target = np.array([_bns(bns, "almaty", sex)[base_year] for sex in SEXES])
    return population * (target / population.sum(axis=1))[:, None]


# ---------------------------------------------------------------- outputs


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

    Start from the programme's district shares; each year's city growth is shared in
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


# ---------------------------------------------------------------- the forecast as a whole

PERIPHERY = ("alatau", "nauryzbay")  # districts of mass housing construction on the city edge
PROGRAMME_TARGET = ("population_target_2030", 2030)  # programme_population.csv figure id, year
AGE_GROUPS = {"0-5": (0, 5), "6-17 (school ages)": (6, 17), "18-64": (18, 64), "65+": (65, 100)}
BACKTEST_ORIGINS = list(range(2010, 2020))
BACKTEST_HORIZONS = [1, 2, 3, 4, 5]


def assumptions_from(params: dict) -> Assumptions:
    """The central assumptions from scenario parameters, then the chosen variant applied."""
    fields = {f: float(params[f]) for f in PARAMETER_FIELDS}
    return Assumptions(**fields).variant(params["population_variant"])


@dataclass
class PopulationForecast:
    years: np.ndarray
    central: dict  # project_arrays output for the central path (n = 1)
    trajectories: np.ndarray  # (n, years, 2, 101) Monte Carlo populations on 1 January
    assumptions: Assumptions
    calibration: dict
    tables: dict[str, pd.DataFrame]
    digest: str = ""  # of the parameters, raw inputs and code that produced it (results); printed by every report

    # Accessors with named axes: callers outside this module use these, never array positions.
    def central_population(self) -> np.ndarray:
        """Central path on 1 January: axes (year, sex, age), years ``self.years``, sexes ``SEXES``, ages ``AGES``."""
        return self.central["population"][0]

    def simulated_population(self) -> np.ndarray:
        """Monte Carlo populations on 1 January: axes (simulation, year, sex, age)."""
        return self.trajectories

    def simulated_totals(self) -> np.ndarray:
        """Monte Carlo totals on 1 January: axes (simulation, year)."""
        return self.trajectories.sum(axis=(2, 3))


def _total_table(years, central_total, sim_totals) -> pd.DataFrame:
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
        table = _total_table(years, central[..., low : high + 1].sum(axis=(-2, -1)), trajectories[..., low : high + 1].sum(axis=(-2, -1)))
        frames.append(table.assign(age_group=label))
    columns = ["year", "age_group", "value", "lo_80", "hi_80", "lo_95", "hi_95"]
    return pd.concat(frames, ignore_index=True)[columns]


def _components_table(years, central) -> pd.DataFrame:
    """Row t: population on 1 January t and the births, deaths and net migration during calendar year t.

    value(t + 1) = value(t) + births − deaths + net_migration (exact after rounding: net
    migration absorbs the rounding, at most a person or two); the last year has no events.
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


def coverage_table(calibration: dict, total: pd.DataFrame | None = None) -> pd.DataFrame:
    """Coverage of the calibrated cohort intervals by horizon, against the official series.

    ``coverage_80`` / ``coverage_95``: leave-one-origin-out (out of sample);
    ``in_sample_80``: with the sds fitted on all origins (the calibration itself). With
    ``total`` (``population_total`` of a forecast), ``simulated_half_80_pct`` is the half
    width of that forecast's Monte Carlo 80 % interval h years ahead, % of the central value.
    """
    rows = calibration["backtest"]
    rows = rows[(rows["method"] == "cohort_component") & (rows["target"] == "official")].dropna(subset=["actual"])
    sd_base, sd_trend = calibration["interval_sd"]
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


def forecast(params: dict, inputs: dict[str, pd.DataFrame]) -> PopulationForecast:
    """Everything the population report and the planner tables need, for one parameter set (inputs: read_inputs())."""
    missing = [name for name in PARAMETER_NAMES if name not in params]
    if missing:
        raise ValueError(f"population forecast: parameters {missing} are missing; expected every name in population.PARAMETER_NAMES")
    calibration = calibrate(inputs, params["population_reconciliation"])
    base_year, horizon = int(params["base_year"]), int(params["horizon"])
    base = base_population(inputs, calibration, base_year)
    assumptions = assumptions_from(params)
    central = run(base, calibration["schedules"], assumptions, base_year, horizon)
    sims = run(base, calibration["schedules"], assumptions, base_year, horizon, n=int(params["n_simulations"]), seed=int(params["seed"]))
    years = central["years"]
    central_pop = central["population"][0]
    sim_totals = sims["population"].sum(axis=(2, 3))
    tables = {
        "population_total": _total_table(years, central_pop.sum(axis=(1, 2)), sim_totals),
        "population_by_age_sex": _age_sex_table(years, central_pop, sims["population"]),
        "population_components": _components_table(years, central),
        "population_age_groups": _age_group_table(years, central_pop, sims["population"]),
    }
    counts = inputs["programme_districts"].set_index("district")["population_persons"].astype(float)
    tables["population_by_district"] = district_projection(
        tables["population_total"].set_index("year")["value"], counts, PERIPHERY, float(params["periphery_growth_factor"])
    )
    variant_rows = []
    medium = assumptions_from(params | {"population_variant": "medium"})
    for name in VARIANTS:
        path = run(base, calibration["schedules"], medium.variant(name), base_year, horizon)["population"][0].sum(axis=(1, 2))
        below = (sim_totals <= path).mean(axis=0)  # where the variant lies among the simulated totals
        variant_rows += [
            {"year": int(y), "variant": name, "value": round(float(v)), "share_of_simulations_at_or_below": float(b)}
            for y, v, b in zip(years, path, below, strict=True)
        ]
    target_id, target_year = PROGRAMME_TARGET
    target = float(inputs["programme_population"].set_index("figure_id").loc[target_id, "value"]) * 1e6
    start = float(tables["population_total"]["value"].iloc[0])
    for y in range(base_year, target_year + 1):
        variant_rows.append(
            {
                "year": y,
                "variant": "programme_target",
                "value": round(start + (target - start) * (y - base_year) / (target_year - base_year)),
                "share_of_simulations_at_or_below": float("nan"),
            }
        )
    tables["population_variants"] = pd.DataFrame(variant_rows)

    accuracy = backtest_accuracy(calibration["backtest"])
    tables["population_backtest"] = accuracy
    tables["population_interval_coverage"] = coverage_table(calibration, tables["population_total"])
    tables["population_reconciliation"] = calibration["reconciliation"].reset_index().round().astype("int64")
    tables["population_migration_fit"] = calibration["migration_fit"]
    calibration["central_method"] = evaluation.best_method(accuracy[accuracy["target"] == "official"], list(pd.unique(accuracy["method"])))

    history_total = _bns(inputs["bns_population_1jan"], "almaty", "total")
    history_total = history_total[history_total.index <= base_year]
    shift_years = [y for y in _shift_years(inputs) if y <= base_year]
    adjusted = evaluation.adjust_level_shifts(history_total, shift_years)["adjusted"]
    benchmark_rows = []
    for name, method in evaluation.BENCHMARKS.items():
        fc = method(adjusted, horizon - base_year)
        benchmark_rows += [
            {"year": int(y), "method": name, "value": float(r["mean"]), "lo_80": float(r["lo_80"]), "hi_80": float(r["hi_80"])}
            for y, r in fc.iterrows()
        ]
    tables["population_benchmarks"] = pd.DataFrame(benchmark_rows).round().astype({"value": "int64", "lo_80": "int64", "hi_80": "int64"})
    return PopulationForecast(years, central, sims["population"], assumptions, calibration, tables)


def shared_forecast(params: dict) -> tuple[PopulationForecast, str]:
    """The forecast of ``params``, computed once and shared by every notebook of a run (and later runs).

    Kept in ``data/processed/population_forecast/`` under a digest of the population parameters
    (``PARAMETER_NAMES``), the raw tables and the package code (``io.processed_object``): the school and
    emission reports take the very trajectories the population report shows. Returns the forecast and
    its digest, which each report prints so a reader can check that they match.
    """
    key = {name: params[name] for name in PARAMETER_NAMES if name in params}
    return io.processed_object("population_forecast", key, lambda: forecast(params, read_inputs()), list(INPUT_TABLES))


def results(params: dict) -> PopulationForecast:
    """The population forecast of a resolved scenario's ``params``, computed once (``shared_forecast``), with its ``digest``."""
    fc, digest = shared_forecast(params)
    fc.digest = digest
    return fc


def share_of_trajectories_at_least(fc: PopulationForecast, year: int, threshold: float) -> float:
    """Share of simulated trajectories with at least ``threshold`` persons on 1 January ``year``."""
    index = int(np.searchsorted(fc.years, year))
    if index >= fc.years.size or fc.years[index] != year:
        raise ValueError(f"year {year} is outside the projection {fc.years[0]}-{fc.years[-1]}")
    return float((fc.trajectories[:, index].sum(axis=(1, 2)) >= threshold).mean())


def assumptions_table(fc: PopulationForecast) -> pd.DataFrame:
    """The assumptions in force (after the variant) with the data they were calibrated on."""
    rows = [
        {
            "assumption": name,
            "value": round(getattr(fc.assumptions, name), 4),
            "default": PARAMETERS[name].default,
            "source": PARAMETERS[name].help,
        }
        for name in PARAMETER_FIELDS
    ]
    return pd.DataFrame(rows)


def observed_total(inputs: dict[str, pd.DataFrame]) -> pd.Series:
    """BNS population of Almaty on 1 January, by year (with its level shifts)."""
    return _bns(inputs["bns_population_1jan"], "almaty", "total")


TABLE_SOURCE = (
    "cohort-component projection (population.py) from BNS population, age bands and life expectancy, WPP 2022 Kazakhstan schedules"
)

# Parameters of this model, composed into every scenario by scenarios.PARAMETERS.
PARAMETERS: dict[str, Param] = {
    # Population (population.py). Defaults are population.calibrate() on data/raw, rounded;
    # tests/test_population.py checks that they still agree with the calibration.
    "population_variant": Param(
        str,
        "medium, low / high (TFR, e0 and migration level all shifted by 1.28 sd along their paths; the report prints where each lies among the simulations) or zero_migration",
        "medium",
        choices=("medium", "low", "high", "zero_migration"),
    ),
    "n_simulations": Param(
        int,
        "Monte Carlo trajectories; at most 10,000: the population model holds every trajectory in memory "
        "(peak 1.3 GB at 10,000 and 0.2 GB at 1,000 to 2050: benchmarks/bench_memory.py)",
        1000,
        min=1,
        max=10_000,
    ),
    "seed": Param(int, "random seed: the same seed gives the same trajectories", 2022, min=0),
    "tfr": Param(
        float,
        "Almaty TFR in the base year: calibrated to 2020 births (35.2 thousand), moved to 2022 with the WPP Kazakhstan ratio",
        1.909,
        min=0.5,
        max=6.0,
    ),
    "tfr_change": Param(
        float, "change of the TFR per year: WPP 2022 Kazakhstan medium 2022-2035, scaled to Almaty", -0.0162, min=-0.2, max=0.2
    ),
    "life_expectancy_male": Param(
        float, "male e0 in the base year: BNS Almaty 2019, the last year before COVID-19", 71.3, min=50.0, max=95.0
    ),
    "life_expectancy_female": Param(float, "female e0 in the base year: BNS Almaty 2019", 78.88, min=50.0, max=95.0),
    "life_expectancy_gain": Param(float, "years of e0 gained per year: WPP 2022 Kazakhstan medium 2030-2035", 0.128, min=-0.5, max=1.0),
    "net_migration": Param(
        float,
        "net migrants per year: demographic balance 2015-2021 on the census-reconciled BNS series (births and deaths estimated)",
        42740.0,
        min=-200_000.0,
        max=300_000.0,
    ),
    "migrant_female_share": Param(
        float, "share of women among net migrants: female share of growth 2015-2021 (BNS)", 0.534, min=0.0, max=1.0
    ),
    "tfr_sd": Param(float, "relative sd of the TFR 10 years ahead: WPP 2022 Kazakhstan 80% interval for 2032", 0.111, min=0.0, max=1.0),
    "life_expectancy_sd": Param(
        float, "sd of e0 (years) 10 years ahead: WPP 2022 Kazakhstan 80% interval for 2032", 2.14, min=0.0, max=10.0
    ),
    "migration_sd": Param(
        float,
        "relative sd of the migration level: the cohort backtest's error growth (0.90% of the total a year, origins 2010-2019; conformal 80% quantile) as a migration level error",
        0.497,
        min=0.0,
        max=2.0,
    ),
    "migration_noise_sd": Param(
        float,
        "relative sd of each year's migration around its level: 0, the calibrated level and base sds carry the backtest errors",
        0.0,
        min=0.0,
        max=2.0,
    ),
    "migrant_child_share": Param(
        float,
        "share of net migrants who are children (0-17) moving with their families: fitted to pupil growth, children 0-7 growth and the programme's age figures (lines 226, 2793, 3007, 3183, 3536)",
        0.137,
        min=0.0,
        max=0.9,
    ),
    "base_population_sd": Param(
        float,
        "relative sd of the base-year total: the horizon-independent part of the cohort backtest error (0 fitted)",
        0.0,
        min=0.0,
        max=0.2,
    ),
    "population_reconciliation": Param(
        str,
        "spread of the 2021 census's error of closure over 2009-2021 before migration is estimated: linear or off (net_migration is then still the parameter's value)",
        "linear",
        choices=("linear", "off"),
    ),
    "periphery_growth_factor": Param(
        float,
        "growth weight of Alatau and Nauryzbay relative to other districts (Nauryzbay +4.4% vs city +3.2% a year, programme lines 3817, 5391)",
        1.4,
        min=0.0,
        max=10.0,
    ),
}

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
        "district shares from the programme (001_22452510f78b59ea.txt:3814-3825), moved by the growth weights; city total from population_total",
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
        "Rolling-origin backtest of the cohort-component model, the benchmarks and their combination (origins 2010-2019, horizons 1-5, no look-ahead)",
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
        "BNS population on 1 January 2000-2022 (training: official series known at each origin)",
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
        "rolling-origin backtest 2010-2019 against the official BNS series",
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
                "growth of ages 6-17 / 0-7 per year 2020-2022 (thousand), mean age, share aged 14-35 (%), count aged 14-29 (thousand) in 2022",
            ),
            "target": ("as statistic", "the programme's figure"),
            "tolerance": ("as statistic", "weight of the figure in the fit (deviation counted as one unit)"),
            "source": ("", "programme line and why the tolerance"),
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
        "BNS population on 1 January 2000-2022",
    ),
    # -- school tables (schools.py) --
}
