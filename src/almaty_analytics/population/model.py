"""The cohort-component model: assumptions, age schedules and the vectorised projection."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..evaluation import Z80
from ..params import Param
from .long_run import LONG_RUN_FROM, LongRun, long_run_paths

AGES = np.arange(101)  # 100 = 100 and over
SEXES = ("male", "female")
VARIANTS = {"medium": 0.0, "low": -Z80, "high": Z80, "zero_migration": 0.0}

SEX_RATIO_AT_BIRTH = 1.06  # males per female at birth, the usual biological value
INFANT_SEPARATION = 0.1  # a(0): mean part of the year lived by infants who die in it (low infant mortality; PHG 2001, table 3.3)
MORTALITY_SHAPE_PERIOD = "2015-2020"  # WPP death-rate period used for the age shape: the last before COVID-19
ROGERS_CASTRO = {"a1": 0.0, "alpha1": 0.10, "a2": 0.085, "alpha2": 0.11, "mu2": 21.0, "lambda2": 0.40, "c": 0.0005}
# Rogers & Castro (1981) labour-force and constant components, labour peak at about 23: the
# adults of the net-migration profile. Children come in as their own family component
# (net_migration_profile), whose share is fitted to the evidence (fit_child_share).
FAMILY_CHILD_AGES = (0, 17)  # children who move with their parents
FAMILY_CHILD_DECAY = 0.10  # Rogers-Castro alpha1: the child component falls ~10 % per year of age
ROGERS_CASTRO_FUNDAMENTAL = {"a1": 0.02, "alpha1": 0.10, "a2": 0.06, "alpha2": 0.10, "mu2": 20.0, "lambda2": 0.40, "c": 0.003}
# The "fundamental" model schedule of Rogers & Castro (1981), Model Migration Schedules, IIASA RR-81-30 (the parameters
# as tabulated in the R package migest, rc9.fund): children, labour force and constant together. The migration fit's
# prior splits the arrivals outside working age between children and pensioners with it (child_share.child_share_prior).


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
    "vintage",
    "base_year",
    "horizon",
    "n_simulations",
    "seed",
    "periphery_growth_factor",
    "long_run_from",
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


def period_of(schedules: pd.DataFrame, indicator: str, year: int) -> str:
    """The WPP period label ("2020-2025") of ``indicator`` that holds ``year`` (start <= year < end)."""
    for period in schedules.loc[schedules["indicator"] == indicator, "period"].unique():
        start, end = (int(y) for y in str(period).split("-"))
        if start <= year < end:
            return str(period)
    raise ValueError(f"WPP schedules: no period of {indicator} holds {year}")


def fertility_pattern(schedules: pd.DataFrame, year: int) -> np.ndarray:
    """(101,) share of the TFR born to women at each single age (each 5-year group spread evenly), WPP's of the
    period holding ``year`` (the base year)."""
    period = period_of(schedules, "pasfr_percent", year)
    rows = schedules[(schedules["indicator"] == "pasfr_percent") & (schedules["period"] == period)]
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


def life_table(mx: np.ndarray, ax: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """l(x), L(x), T(x) of the single-age life table of death rates ``mx`` (last axis = age 0-100+), radix l(0) = 1.

    q = m / (1 + (1 − a)·m), d = l·q, L = l − (1 − a)·d. Without ``ax``: a = INFANT_SEPARATION at age 0, 0.5
    elsewhere, and the open group lives L = l / m. With ``ax`` (the UN's life tables) its last value is the open
    group's expectation of life, L = l·a (Preston, Heuveline & Guillot 2001, ch. 3).
    """
    mx = np.asarray(mx, dtype=float)
    if ax is None:
        a = np.full(mx.shape, 0.5)
        a[..., 0] = INFANT_SEPARATION
        open_years = 1 / np.maximum(mx[..., -1], 1e-12)
    else:
        a = np.broadcast_to(np.asarray(ax, dtype=float), mx.shape)
        open_years = a[..., -1]
    q = np.clip(mx / (1 + (1 - a) * mx), 0, 1)
    survivors = np.cumprod(np.concatenate([np.ones(mx.shape[:-1] + (1,)), 1 - q[..., :-1]], axis=-1), axis=-1)
    person_years = survivors - (1 - a) * survivors * q
    person_years[..., -1] = survivors[..., -1] * open_years
    return survivors, person_years, np.cumsum(person_years[..., ::-1], axis=-1)[..., ::-1]


def survival_ratios(mx: np.ndarray, ax: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """One year's life-table survival (S, S_birth) of death rates ``mx`` (…, 101); ``ax`` as in ``life_table``.

    S[…, x] is the share of those aged x on 1 January alive a year later, aged x + 1: L(x+1)/L(x); T(100)/T(99)
    for ages 99 and 100+, who are all 100+ a year later. S_birth = L(0)/l(0) is the share of a year's births alive
    at its end, aged 0. UN Population Division ccmpp; Preston, Heuveline & Guillot (2001), ch. 6.
    """
    _, person_years, total_years = life_table(mx, ax)
    ratios = np.empty_like(person_years)
    ratios[..., :-2] = person_years[..., 1:-1] / person_years[..., :-2]
    ratios[..., -2:] = (total_years[..., -1] / total_years[..., -2])[..., None]
    return ratios, person_years[..., 0]


def life_expectancy(mx: np.ndarray) -> np.ndarray:
    """e0 = T(0) of the life table of single-age death rates ``mx`` (last axis = age 0-100+; ``life_table``)."""
    return life_table(mx)[2][..., 0]


def build_schedules(wpp_schedules: pd.DataFrame, base_year: int, child_share: float = 0.0) -> Schedules:
    """The WPP shapes: pre-COVID death rates, the fertility pattern of the base year's period, a migration profile."""
    shape = single_age_mortality(wpp_schedules)
    log_k = np.linspace(np.log(0.05), np.log(8.0), 800)
    e0 = np.stack([life_expectancy(shape[i] * np.exp(log_k)[:, None]) for i in range(2)])
    return Schedules(shape, fertility_pattern(wpp_schedules, base_year), net_migration_profile(child_share), e0, log_k)


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


def cohort_step(
    population: np.ndarray, survival: np.ndarray, birth_survival: np.ndarray, fertility: np.ndarray, male_share: float | np.ndarray,
    migrants: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One year of the single-year cohort-component method (UN Population Division ccmpp, migrants at the year's end).

    population (n, 2, 101) on 1 January; survival (n, 2, 101) and birth_survival (n, 2) from ``survival_ratios``;
    fertility (n, 101) female rates; male_share of births; migrants (n, 2, 101) net migrants by age at the year's end.
    Those aged x move to x + 1 with S(x) (99 and 100+ into 100+); births are fertility times the mean of the women
    at the start and at the end of the year (before migrants), and S_birth of them are aged 0 at its end; net
    migrants are added at the end (they do not bear or die in the year of the move; where emigrants outnumber a
    cell it is emptied). Returns next year's population, the year's births, deaths and net migrants applied (n,).
    """
    survivors = population * survival
    nxt = np.zeros_like(population)
    nxt[:, :, 1:] = survivors[:, :, :-1]
    nxt[:, :, -1] += survivors[:, :, -1]
    births = (fertility * (population[:, 1] + nxt[:, 1]) / 2).sum(axis=1)
    by_sex = births[:, None] * np.stack(np.broadcast_arrays(male_share, 1 - np.asarray(male_share)), axis=-1)
    nxt[:, :, 0] = by_sex * birth_survival
    deaths = (population - survivors).sum(axis=(1, 2)) + (by_sex * (1 - birth_survival)).sum(axis=1)
    applied = np.maximum(migrants, -nxt)  # emigration is capped at the people in the cell
    return nxt + applied, births, deaths, applied.sum(axis=(1, 2))


def project_arrays(
    base: np.ndarray, fertility: np.ndarray, mortality: np.ndarray, migration: np.ndarray, profile: np.ndarray
) -> dict[str, np.ndarray]:
    """Cohort-component projection, one ``cohort_step`` a year.

    base (n, 2, 101); fertility (n, T, 101) female rates; mortality (n, T, 2, 101) death rates (life table:
    ``survival_ratios``); migration (n, T) net migrants per year; profile (2, 101) sums to 1.
    Returns population (n, T+1, 2, 101), births, deaths, net_migration (n, T): P(t+1) − P(t) = births − deaths + net migration.
    """
    n, steps = migration.shape
    population = np.empty((n, steps + 1, 2, AGES.size))
    population[:, 0] = base
    births = np.empty((n, steps))
    deaths = np.empty((n, steps))
    applied = np.empty((n, steps))
    survival, birth_survival = survival_ratios(mortality)
    male_share = SEX_RATIO_AT_BIRTH / (1 + SEX_RATIO_AT_BIRTH)
    for t in range(steps):
        population[:, t + 1], births[:, t], deaths[:, t], applied[:, t] = cohort_step(
            population[:, t], survival[:, t], birth_survival[:, t], fertility[:, t], male_share, migration[:, t, None, None] * profile
        )
    return {"population": population, "births": births, "deaths": deaths, "net_migration": applied}


def assumption_paths(
    assumptions: Assumptions, years: np.ndarray, base_year: int, n: int = 1, rng: np.random.Generator | None = None,
    long_run: LongRun | None = None,
):
    """TFR (n, T), e0 (n, T, 2) and migration (n, T) paths for the projection years.

    Central TFR and e0 change linearly (tfr_change, life_expectancy_gain); their sds grow linearly from zero
    (tfr_sd, life_expectancy_sd at 10 years). With ``long_run`` both follow WPP 2022 Kazakhstan beyond its start
    (``long_run.long_run_paths``). With ``rng`` the paths are drawn (Monte Carlo); without, they are the central paths.
    """
    h = (years - base_year).astype(float)  # 0 for the first projected year
    z = rng.standard_normal((n, 3)) if rng is not None else np.zeros((n, 3))
    z = z + assumptions.variant_z
    noise = rng.standard_normal((n, years.size)) * assumptions.migration_noise_sd if rng is not None else np.zeros((n, years.size))
    tfr = assumptions.tfr + assumptions.tfr_change * h
    tfr_sd = assumptions.tfr_sd * h / 10
    e0 = np.array([assumptions.life_expectancy_male, assumptions.life_expectancy_female]) + (assumptions.life_expectancy_gain * h)[:, None]
    e0_sd = np.repeat((assumptions.life_expectancy_sd * h / 10)[:, None], 2, axis=1)
    if long_run is not None:
        tfr, tfr_sd, e0, e0_sd = long_run_paths(tfr, tfr_sd, e0, e0_sd, years, base_year, long_run)
    migration = assumptions.net_migration * (1 + z[:, 2:3] * assumptions.migration_sd + noise)
    return np.maximum(tfr * (1 + z[:, :1] * tfr_sd), 0.0), e0 + z[:, 1:2, None] * e0_sd, migration


def run(
    base: np.ndarray, schedules: Schedules, assumptions: Assumptions, base_year: int, horizon: int, n: int = 1, seed: int | None = None,
    long_run: LongRun | None = None,
):
    """Project ``base`` (2, 101) from 1 January ``base_year`` to 1 January ``horizon``.

    Central projection when ``seed`` is None, else ``n`` seeded Monte Carlo trajectories; ``long_run`` as in ``assumption_paths``.
    """
    if horizon <= base_year:
        raise ValueError(f"horizon {horizon} must be after base_year {base_year}")
    years = np.arange(base_year, horizon)  # the years whose events are projected
    rng = np.random.default_rng(seed) if seed is not None else None
    tfr, e0, migration = assumption_paths(assumptions, years, base_year, n, rng, long_run)
    fertility = tfr[..., None] * schedules.fertility_pattern
    mortality = mortality_for(schedules, e0)
    profile = migration_profile(schedules, assumptions.migrant_female_share, assumptions.migrant_child_share)
    scale = 1 + (rng.standard_normal(n) * assumptions.base_population_sd if rng is not None else np.zeros(n))  # base-population uncertainty
    out = project_arrays(base * scale[:, None, None], fertility, mortality, migration, profile)
    out["years"] = np.arange(base_year, horizon + 1)
    return out


def calibrated_defaults(calibrated: Assumptions) -> dict[str, float]:
    """The scenario defaults of the assumptions: the calibrated values rounded (``DEFAULT_DECIMALS``)."""
    return {f: round(float(getattr(calibrated, f)), DEFAULT_DECIMALS[f]) + 0.0 for f in PARAMETER_FIELDS}


def assumptions_from(params: dict, defaults: dict[str, float]) -> Assumptions:
    """The central assumptions from scenario parameters (an unset one, None, takes its calibrated ``defaults`` value),
    then the chosen variant applied."""
    fields = {f: float(defaults[f] if params[f] is None else params[f]) for f in PARAMETER_FIELDS}
    return Assumptions(**fields).variant(params["population_variant"])


CALIBRATED = "; default (unset): calibrated on the data of the scenario's vintage (population.calibrate), rounded"
# Decimals of each calibrated default (calibrated_defaults): the precision the defaults have always been given with.
DEFAULT_DECIMALS = {
    "tfr": 3,
    "tfr_change": 4,
    "life_expectancy_male": 2,
    "life_expectancy_female": 2,
    "life_expectancy_gain": 3,
    "net_migration": -1,
    "migrant_female_share": 3,
    "tfr_sd": 3,
    "life_expectancy_sd": 2,
    "migration_sd": 3,
    "migration_noise_sd": 3,
    "migrant_child_share": 3,
    "base_population_sd": 3,
}

# Parameters of this model, composed into every scenario by scenarios.PARAMETERS.
PARAMETERS: dict[str, Param] = {
    # The assumptions' defaults are None: population.calibrate() on the vintage's data, rounded (calibrated_defaults);
    # tests/test_population.py checks them at the mid-2022 vintage (io.FIRST_VINTAGE) against the values they had before.
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
        "Almaty TFR in the base year: calibrated to the births of the age bands' year (dated statements) on the single-age "
        "estimate, moved to the base year with the WPP Kazakhstan ratio" + CALIBRATED,
        None,
        min=0.5,
        max=6.0,
    ),
    "tfr_change": Param(
        float, "change of the TFR per year to long_run_from: WPP 2022 Kazakhstan medium over the 13 years after the base year, scaled to Almaty" + CALIBRATED,
        None, min=-0.2, max=0.2,
    ),
    "life_expectancy_male": Param(
        float,
        "male e0 in the base year: BNS Almaty, the newest year before the base year not depressed by a mortality shock "
        "(COVID-19 2020-2021: more than 1 year below the best of the 5 years before)" + CALIBRATED,
        None,
        min=50.0,
        max=95.0,
    ),
    "life_expectancy_female": Param(float, "female e0 in the base year: BNS Almaty, the year of life_expectancy_male" + CALIBRATED, None, min=50.0, max=95.0),
    "life_expectancy_gain": Param(
        float, "years of e0 gained per year to long_run_from: WPP 2022 Kazakhstan medium over years 8-13 after the base year" + CALIBRATED, None, min=-0.5, max=1.0
    ),
    "net_migration": Param(
        float,
        "net migrants per year: mean demographic balance from the boundary change (2015) to the year before the base year on the "
        "census-reconciled BNS series (births observed or estimated, deaths estimated)" + CALIBRATED,
        None,
        min=-200_000.0,
        max=300_000.0,
    ),
    "migrant_female_share": Param(
        float, "share of women among net migrants: female share of growth between the boundary change and the census (BNS)" + CALIBRATED,
        None, min=0.0, max=1.0,
    ),
    "tfr_sd": Param(float, "relative sd of the TFR 10 years ahead: WPP 2022 Kazakhstan 80% interval 10 years after the base year" + CALIBRATED, None, min=0.0, max=1.0),
    "life_expectancy_sd": Param(
        float, "sd of e0 (years) 10 years ahead: WPP 2022 Kazakhstan 80% interval 10 years after the base year" + CALIBRATED, None, min=0.0, max=10.0
    ),
    "migration_sd": Param(
        float,
        "relative sd of the migration level: the cohort backtest's error growth (sd_trend, % of the total a year; conformal 80% quantile) "
        "as a migration level error" + CALIBRATED,
        None,
        min=0.0,
        max=2.0,
    ),
    "migration_noise_sd": Param(
        float,
        "relative sd of each year's migration around its level: 0, the calibrated level and base sds carry the backtest errors" + CALIBRATED,
        None,
        min=0.0,
        max=2.0,
    ),
    "migrant_child_share": Param(
        float,
        "share of net migrants who are children (0-17) moving with their families: fitted to pupil growth, children 0-7 growth and the "
        "programme's age figures (lines 226, 2793, 3007, 3183, 3536)" + CALIBRATED,
        None,
        min=0.0,
        max=0.9,
    ),
    "base_population_sd": Param(
        float,
        "relative sd of the base-year total: the horizon-independent part of the cohort backtest error" + CALIBRATED,
        None,
        min=0.0,
        max=0.2,
    ),
    "population_reconciliation": Param(
        str,
        "spread of the newest census's error of closure back to the 2009 census before migration is estimated: linear or off "
        "(net_migration is then still the parameter's value)",
        "linear",
        choices=("linear", "off"),
    ),
    "long_run_from": Param(
        int,
        "years after the base year from which the TFR and e0 follow WPP 2022 Kazakhstan's projected change (medium) and widen as "
        "its 80% interval, keeping Almaty's differential (population.long_run); before, the calibrated linear paths. Default: the "
        "backtest horizons the intervals are calibrated on; the horizon or later keeps the linear paths throughout",
        LONG_RUN_FROM,
        min=1,
        max=30,
    ),
    "periphery_growth_factor": Param(
        float,
        "growth weight of Alatau and Nauryzbay relative to other districts (Nauryzbay +4.4% vs city +3.2% a year, programme lines 3817, 5391)",
        1.4,
        min=0.0,
        max=10.0,
    ),
}
