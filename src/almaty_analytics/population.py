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
* **Migration.** The level is the mean net flow of 2015–2020 from the demographic balance
  (change between the 2014/15 boundary change and the 2021 census, minus natural
  increase); the age profile
  is a Rogers–Castro model schedule; the sex split follows the growth of each sex 2015–2021.
* **Base population.** Almaty's age detail is three bands by sex on 1 January 2020.
  Children (0–15) are spread in proportion to national births of their birth year times
  survival (reverse survival); adults follow the same native shape (continued by the
  stable-population shape l(x)·e^(−r x) where births are unknown) plus, for the excess of
  each band over it, a migrant stock with the Rogers–Castro age profile. Band totals
  match the data exactly. The estimate is projected to the
  base year and scaled, by sex, to the BNS totals of that 1 January (this absorbs the 2021
  census level shift).
* **Uncertainty.** Monte Carlo: each trajectory draws a TFR, an e0 and a migration
  level deviation (normal, growing linearly with the horizon for TFR and e0) plus yearly
  migration noise. Variants low / high put all three at the 10th / 90th percentile.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from . import io

AGES = np.arange(101)  # 100 = 100 and over
SEXES = ("male", "female")
Z80 = 1.2815515655446004  # standard normal quantile 0.9
VARIANTS = {"medium": 0.0, "low": -Z80, "high": Z80, "zero_migration": 0.0}

# Defaults and where they come from (see also scenarios.PARAMETERS).
SEX_RATIO_AT_BIRTH = 1.06  # males per female at birth, the usual biological value
BIRTHS_2020 = 32_300 * 12 / 11  # 32.3 thousand in Jan-Nov 2020 (dated_statements.csv), scaled to the year
FERTILITY_PERIOD_FOR_BASE = "2020-2025"  # WPP pasfr period used for the age pattern
MORTALITY_SHAPE_PERIOD = "2015-2020"  # WPP death-rate period used for the age shape (pre-COVID)
ROGERS_CASTRO = {"a1": 0.0066, "alpha1": 0.10, "a2": 0.085, "alpha2": 0.11, "mu2": 21.0, "lambda2": 0.40, "c": 0.0005}
# Rogers & Castro (1981) model schedule with a labour peak at about 23; the child (a1) and
# constant (c) components are set so that 88.5 % of migrants are of working age (men 16-62,
# women 16-58), as the programme reports for 2021 arrivals (001_22452510f78b59ea.txt:218).


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

    def variant(self, name: str) -> Assumptions:
        """The assumptions of a named variant: medium, low, high or zero_migration."""
        if name not in VARIANTS:
            raise ValueError(f"unknown population variant {name!r}; expected one of {list(VARIANTS)}")
        if name == "zero_migration":
            return replace(self, net_migration=0.0)
        z = VARIANTS[name]
        return replace(
            self,
            tfr=self.tfr * (1 + z * self.tfr_sd),
            life_expectancy_gain=self.life_expectancy_gain + z * self.life_expectancy_sd / 10,
            net_migration=self.net_migration * (1 + z * self.migration_sd),
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


def build_schedules(wpp_schedules: pd.DataFrame) -> Schedules:
    shape = single_age_mortality(wpp_schedules)
    log_k = np.linspace(np.log(0.05), np.log(8.0), 800)
    e0 = np.stack([life_expectancy(shape[i] * np.exp(log_k)[:, None]) for i in range(2)])
    return Schedules(shape, fertility_pattern(wpp_schedules), rogers_castro(), e0, log_k)


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


def migration_profile(schedules: Schedules, female_share: float) -> np.ndarray:
    """(2, 101) share of net migrants by sex and age (age on arrival at the end of the year)."""
    return np.stack([(1 - female_share) * schedules.migration_profile_by_age, female_share * schedules.migration_profile_by_age])


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
    profile = migration_profile(schedules, assumptions.migrant_female_share)
    out = project_arrays(np.broadcast_to(base, (n, 2, AGES.size)), fertility, mortality, migration, profile)
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


def estimate_base_2020(
    bands: pd.DataFrame, national_births: pd.Series, mortality: np.ndarray, growth_rate: float, migrant_years: int = 15
) -> np.ndarray:
    """(2, 101) single-age estimate on 1 January 2020 whose band totals equal ``bands`` exactly.

    A "native" shape is national births of each birth year times survival (reverse
    survival) where births are known (ages up to 2019 − first birth year), continued
    by the stable shape l(x)·e^(−r x) beyond. Children (the band ending at 15) follow it
    scaled to their total; in each adult band the excess of the band total over the
    native shape at the children's scale is migrant stock: ``migrant_years`` years of
    Rogers–Castro arrivals, aged since (the open old-age band keeps the native shape).
    Bands are then scaled to their totals.
    """
    known = 2019 - int(national_births.index.min())
    base = np.zeros((2, AGES.size))
    stock = sum(np.concatenate([np.zeros(k), rogers_castro()[: AGES.size - k]]) for k in range(migrant_years))
    for i, sex in enumerate(SEXES):
        native = np.zeros(AGES.size)
        native[: known + 1] = reverse_survival_shape(national_births, mortality[i], 2020, AGES[: known + 1])
        tail = stable_shape(mortality[i], growth_rate, AGES[known:])
        native[known:] = native[known] * tail / tail[0]
        scale = None
        for _, band in bands[bands["sex"] == sex].sort_values("age_min").iterrows():
            top = 100 if pd.isna(band["age_max"]) else int(band["age_max"])
            ages = np.arange(int(band["age_min"]), top + 1)
            if scale is None:  # the children's band sets the scale of the native shape
                scale = band["persons"] / native[ages].sum()
                base[i, ages] = native[ages] * scale
                continue
            if pd.isna(band["age_max"]):  # the open old-age band: native shape only (migrants are young)
                shape = native[ages]
            else:
                excess = max(band["persons"] - scale * native[ages].sum(), 0.0)
                shape = scale * native[ages] + excess * stock[ages] / stock[ages].sum()
            base[i, ages] = band["persons"] * shape / shape.sum()
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
)
INPUT_TABLES = BASE_INPUTS + ("programme_districts", "programme_population")
CALIBRATION_YEARS = (2015, 2021)  # the segment between the 2014/15 boundary change and the 2021/22 census


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


def calibrate(inputs: dict[str, pd.DataFrame]) -> dict:
    """Estimate the model's defaults from the data; every value comes with its derivation.

    Returns ``defaults`` (the central assumptions, fields of ``Assumptions``), ``base_2020``
    (the single-age estimate), ``schedules``, ``tfr_2020`` and ``balance`` (the yearly
    demographic balance 2015-2020 behind the migration estimate).
    """
    schedules = build_schedules(inputs["wpp2022_kazakhstan_age_schedules"])
    annual, life = inputs["wpp2022_kazakhstan_annual"], inputs["bns_life_expectancy"]
    total = _bns(inputs["bns_population_1jan"], "almaty", "total")
    first, last = CALIBRATION_YEARS
    segment = total.loc[first:last]
    growth_rate = float(segment.diff().mean() / segment.mean())

    kz_births = _wpp(annual, "births_thousands", "estimate") * 1000
    mortality_2020 = mortality_for(schedules, _e0(life, 2020))

    def build_base() -> pd.DataFrame:
        base = estimate_base_2020(inputs["bns_population_age_bands"], kz_births, mortality_for(schedules, _e0(life, 2019)), growth_rate)
        return pd.DataFrame({"sex": np.repeat(SEXES, AGES.size), "age": np.tile(AGES, 2), "persons": base.reshape(-1)})

    # shared by every notebook through data/processed/, rebuilt when data/raw or the code changes
    base_table = io.processed_table("population_base_2020", build_base, list(BASE_INPUTS))
    base_2020 = base_table["persons"].to_numpy(dtype=float).reshape(2, AGES.size)
    tfr_2020 = BIRTHS_2020 / float(schedules.fertility_pattern @ base_2020[1])

    # Demographic balance 2015-2020: births follow national births at Almaty's 2020 share;
    # deaths follow Almaty's modelled 2020 crude death rate, moved with the national one.
    share = BIRTHS_2020 / kz_births[2020]
    kz_deaths = _wpp(annual, "deaths_thousands", "estimate") * 1000
    kz_total = _bns(inputs["bns_population_1jan"], "kazakhstan", "total")
    cdr_2020 = float((base_2020 * (1 - np.exp(-mortality_2020))).sum() / base_2020.sum())
    years = np.arange(first, last)
    births = share * kz_births.loc[years].to_numpy()
    deaths = (
        cdr_2020
        * total.loc[years].to_numpy()
        * (kz_deaths.loc[years] / kz_total.loc[years]).to_numpy()
        / (kz_deaths[2020] / kz_total[2020])
    )
    change = np.diff(total.loc[first:last].to_numpy())
    migration = change - (births - deaths)
    balance = pd.DataFrame({"year": years, "change": change, "births": births, "deaths": deaths, "net_migration": migration})

    female = _bns(inputs["bns_population_1jan"], "almaty", "female")
    tfr_kz = _wpp(annual, "tfr", "estimate").combine_first(_wpp(annual, "tfr", "medium"))
    base_year, ten = 2022, 2032
    tfr_base = tfr_2020 * tfr_kz[base_year] / tfr_kz[2020]
    tfr_change = tfr_base * (tfr_kz[2035] - tfr_kz[base_year]) / (2035 - base_year) / tfr_kz[base_year]
    tfr_sd = float((_wpp(annual, "tfr", "pi80_upper")[ten] - _wpp(annual, "tfr", "pi80_lower")[ten]) / (2 * Z80) / tfr_kz[ten])
    e0_gain = np.mean([(_wpp(annual, f"e0_{s}", "medium")[2035] - _wpp(annual, f"e0_{s}", "medium")[2030]) / 5 for s in SEXES])
    e0_sd = np.mean([(_wpp(annual, f"e0_{s}", "pi80_upper")[ten] - _wpp(annual, f"e0_{s}", "pi80_lower")[ten]) / (2 * Z80) for s in SEXES])
    e0_2019 = _e0(life, 2019)
    defaults = {
        "tfr": float(tfr_base),
        "tfr_change": float(tfr_change),
        "life_expectancy_male": float(e0_2019[0]),
        "life_expectancy_female": float(e0_2019[1]),
        "life_expectancy_gain": float(e0_gain),
        "net_migration": float(migration.mean()),
        "migrant_female_share": float((female[last] - female[first]) / (total[last] - total[first])),
        "tfr_sd": tfr_sd,
        "life_expectancy_sd": float(e0_sd),
        "migration_sd": float(migration.std(ddof=1) / migration.mean()),  # the future level is as uncertain as one year's flow
        "migration_noise_sd": float(migration.std(ddof=1) / migration.mean()),
    }
    return {
        "defaults": defaults,
        "base_2020": base_2020,
        "schedules": schedules,
        "tfr_2020": tfr_2020,
        "balance": balance,
        "growth_rate": growth_rate,
    }


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
BACKTEST_ORIGINS = list(range(2008, 2020))
BACKTEST_HORIZONS = [1, 2, 3, 4, 5]


def assumptions_from(params: dict) -> Assumptions:
    """The central assumptions from scenario parameters, then the chosen variant applied."""
    fields = {f: float(params[f]) for f in Assumptions.__dataclass_fields__}
    return Assumptions(**fields).variant(params["population_variant"])


@dataclass
class PopulationForecast:
    years: np.ndarray
    central: dict  # project_arrays output for the central path (n = 1)
    trajectories: np.ndarray  # (n, years, 2, 101) Monte Carlo populations on 1 January
    assumptions: Assumptions
    calibration: dict
    tables: dict[str, pd.DataFrame]


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
    value = np.round(central["population"][0].sum(axis=(1, 2))).astype(int)
    births = np.round(central["births"][0]).astype(int)
    deaths = np.round(central["deaths"][0]).astype(int)
    migration = np.diff(value) - births + deaths  # exact identity after rounding; absorbs at most a person or two
    frame = pd.DataFrame(
        {
            "year": years,
            "births": pd.array([pd.NA, *births], dtype="Int64"),
            "deaths": pd.array([pd.NA, *deaths], dtype="Int64"),
            "net_migration": pd.array([pd.NA, *migration], dtype="Int64"),
            "value": value,
        }
    )
    return frame


def forecast(params: dict, inputs: dict[str, pd.DataFrame]) -> PopulationForecast:
    """Everything the population report and the planner tables need, for one parameter set (inputs: read_inputs())."""
    from . import evaluation

    calibration = calibrate(inputs)
    base_year, horizon = int(params["base_year"]), int(params["horizon"])
    base = base_population(inputs, calibration, base_year)
    assumptions = assumptions_from(params)
    central = run(base, calibration["schedules"], assumptions, base_year, horizon)
    sims = run(base, calibration["schedules"], assumptions, base_year, horizon, n=int(params["n_simulations"]), seed=int(params["seed"]))
    years = central["years"]
    central_pop = central["population"][0]
    tables = {
        "population_total": _total_table(years, central_pop.sum(axis=(1, 2)), sims["population"].sum(axis=(2, 3))),
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
        variant_rows += [{"year": int(y), "variant": name, "value": round(float(v))} for y, v in zip(years, path, strict=True)]
    target_id, target_year = PROGRAMME_TARGET
    target = float(inputs["programme_population"].set_index("figure_id").loc[target_id, "value"]) * 1e6
    start = float(tables["population_total"]["value"].iloc[0])
    for y in range(base_year, target_year + 1):
        variant_rows.append(
            {
                "year": y,
                "variant": "programme_target",
                "value": round(start + (target - start) * (y - base_year) / (target_year - base_year)),
            }
        )
    tables["population_variants"] = pd.DataFrame(variant_rows)

    history_total = _bns(inputs["bns_population_1jan"], "almaty", "total")
    history_total = history_total[history_total.index <= base_year]
    shifts = inputs["level_shifts"]
    shift_years = sorted(int(y) for y in shifts.loc[shifts["series"] == "bns_population_1jan", "first_year_after"] if y <= base_year)
    adjusted = evaluation.adjust_level_shifts(history_total, shift_years)["adjusted"]
    backtest = evaluation.rolling_origin_backtest(adjusted, evaluation.BENCHMARKS, BACKTEST_ORIGINS, BACKTEST_HORIZONS)
    tables["population_backtest"] = evaluation.accuracy(backtest)[["method", "horizon", "mape", "bias", "coverage_80"]]
    benchmark_rows = []
    for name, method in evaluation.BENCHMARKS.items():
        fc = method(adjusted, horizon - base_year)
        benchmark_rows += [
            {"year": int(y), "method": name, "value": float(r["mean"]), "lo_80": float(r["lo_80"]), "hi_80": float(r["hi_80"])}
            for y, r in fc.iterrows()
        ]
    tables["population_benchmarks"] = pd.DataFrame(benchmark_rows).round().astype({"value": "int64", "lo_80": "int64", "hi_80": "int64"})
    return PopulationForecast(years, central, sims["population"], assumptions, calibration, tables)


def share_of_trajectories_at_least(fc: PopulationForecast, year: int, threshold: float) -> float:
    """Share of simulated trajectories with at least ``threshold`` persons on 1 January ``year``."""
    index = int(np.searchsorted(fc.years, year))
    if index >= fc.years.size or fc.years[index] != year:
        raise ValueError(f"year {year} is outside the projection {fc.years[0]}-{fc.years[-1]}")
    return float((fc.trajectories[:, index].sum(axis=(1, 2)) >= threshold).mean())


def assumptions_table(fc: PopulationForecast) -> pd.DataFrame:
    """The assumptions in force (after the variant) with the data they were calibrated on."""
    from .scenarios import PARAMETERS

    rows = [
        {
            "assumption": name,
            "value": round(getattr(fc.assumptions, name), 4),
            "default": PARAMETERS[name].default,
            "source": PARAMETERS[name].help,
        }
        for name in Assumptions.__dataclass_fields__
    ]
    return pd.DataFrame(rows)


def observed_total(inputs: dict[str, pd.DataFrame]) -> pd.Series:
    """BNS population of Almaty on 1 January, by year (with its level shifts)."""
    return _bns(inputs["bns_population_1jan"], "almaty", "total")
