"""Calibration of the cohort-component model on Almaty data: every default with its derivation, in named steps.

``calibrate`` runs them in order: ``calibration_data`` (the observed series, the growth rate and the
female share of growth of the segment between the boundary change and the census, the census-reconciled
totals); ``migration_fit`` (the child share of net migrants fitted to the evidence, ``fit_statistics``
for each trial share, cached in data/processed); ``base_estimate`` with the fitted profile,
``calibrated_tfr`` and ``demographic_balance`` (the migration level); ``fertility_assumptions`` and
``life_expectancy_assumptions`` (WPP 2022 Kazakhstan); the backtest (``backtest.backtest_table``) and the
interval sds fitted on it; ``migration_facts`` for the report. Every year it uses is a field of
``CalibrationYears``, derived from the data of the vintage and placed relative to the base year (``years``).
``base_population`` carries the single-age estimate forward to the base year with control totals.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .. import io
from .backtest import (
    BACKTEST_HORIZONS,
    CohortModel,
    IntervalSd,
    backtest_accuracy,
    backtest_table,
    central_method,
    cohort_errors,
    interval_sd,
)
from .base import estimate_single_ages
from .inputs import (
    ARRIVALS,
    BASE_INPUTS,
    almaty_births,
    almaty_e0,
    births_years,
    bns_series,
    closure_error,
    e0_year,
    figure,
    observed_total,
    reconciled_total,
    sex_totals,
    shift_years,
    wpp_estimate_then_medium,
    wpp_series,
)
from .model import (
    AGES,
    FAMILY_CHILD_AGES,
    ROGERS_CASTRO_FUNDAMENTAL,
    SEXES,
    Z80,
    Assumptions,
    Schedules,
    build_schedules,
    migration_profile,
    mortality_for,
    net_migration_profile,
    project_arrays,
    rogers_castro,
    survival_ratios,
)
from .years import CalibrationYears, control_years, newest_total_year

# Evidence the net-migration age profile is fitted to: statistic -> (table, figure ids, tolerance, why this tolerance, in the fit)
FIT_EVIDENCE = {
    "pupil_growth": (
        "programme_schools",
        ("pupil_growth_annual_low_l2793", "pupil_growth_annual_high_l2793"),
        1.0,
        "pupils grow 12-14 thousand a year (line 2793; 12-15 at line 303): the model's pupils through the school model's enrolment "
        "(schools.pupils.calibrate: coverage and 9->10 transition on the 292 thousand state pupils of 2022, line 303, and about 320 thousand "
        "in all schools, line 2791, first-graders twice the graduates, line 2793); tolerance half the range",
        True,
    ),
    "growth_0_7": (
        "programme_population", ("children_0_7_growth_annual",), 1.5, "children 0-7 grow 'about 9 thousand' a year (line 3007)", True,
    ),
    "mean_age": ("programme_population", ("average_age",), 0.3, "mean age 33.6 (line 226); tolerance a few tenths of a year", True),
    "share_14_35": (
        "programme_population",
        ("youth_14_35_share_l3183",),
        1.0,
        "37 % aged 14-35 (line 3183, with '>692 thousand'); tolerance 1 point; a check, not in the fit: 692 thousand is 37 % of "
        "1.87 million (Almaty of 2019-2020), not of the 2.10 million of 1 January 2022 where the statistic is measured",
        False,
    ),
    "count_14_29": (
        "programme_population", ("youth_14_29_count",), 10.0, "440 thousand aged 14-29 (line 3536); tolerance 10 thousand", True,
    ),
}
CHILD_SHARE_GRID = np.linspace(0.0, 0.15, 31)  # above the 11.5 % of arrivals outside working age (line 218); at 0.2 the
# school model's 9->10 transition would pass 1 (schools.pupils.calibrate)
PRIOR_CHILD_SHARE = float(CHILD_SHARE_GRID[0])  # the backtest's profile: the adult schedule, no family children
WORKING_AGE_ARRIVALS = ("programme_population", "arrivals_working_age_share_2021")  # 88.5 % of ARRIVALS (gross), line 218
PUPILS_STATE = ("programme_schools", "pupils_state_2022")  # 292 thousand state pupils in 2022 (line 303)
PUPILS_ALL = ("programme_schools", "pupils_all_schools_l2791")  # about 320 thousand in all schools (line 2791)
CHILD_PRIOR = "prior_0_17"  # the prior's row of the migration-fit table
CHILD_PRIOR_WEIGHT = 1.0  # weight of the prior in the fit's loss: as much as one evidence target
CHILD_PRIOR_TOLERANCE = 0.5  # the prior's tolerance, relative to its centre: arrivals are not net migrants


@dataclass(frozen=True)
class CalibrationData:
    """The observed series the calibration steps read (``calibration_data``)."""

    years: CalibrationYears
    schedules: Schedules  # WPP shapes; migration profile not yet fitted
    total: pd.Series  # BNS Almaty total on 1 January
    reconciled: pd.DataFrame  # observed, correction, reconciled by year (reconciled_total)
    national_births: pd.Series  # WPP Kazakhstan births by year (estimates, then medium), persons
    national_deaths: pd.Series  # WPP Kazakhstan deaths by year (estimates, then medium), persons
    births: pd.Series  # Almaty births by year where the vintage has them (dated statements), persons
    national_total: pd.Series  # BNS Kazakhstan population on 1 January
    national_tfr: pd.Series  # WPP Kazakhstan TFR (estimate, then medium)
    life: pd.DataFrame  # BNS life expectancy
    bands: pd.DataFrame  # BNS Almaty age bands on 1 January ``years.age_bands``
    closure_by_sex: np.ndarray  # (2,) BNS Almaty by sex on 1 January ``years.closure``
    growth_rate: float  # mean yearly growth rate of the segment
    female_share: float  # women's share of the segment's growth


@dataclass(frozen=True)
class MigrationFacts:
    """Figures the report prints about net migration, with the ceiling the fitted profile must respect."""

    child_share: float  # share of net migrants who are children moving with their families
    share_6_17: float  # share of net migrants aged 6-17
    net_children_0_17_per_year: float  # persons
    arrivals_per_year: float  # gross arrivals (programme, line 216)
    arrivals_not_working_age_per_year: float  # arrivals outside working age (line 218): a ceiling for net child migrants
    closure_error: float  # persons the 2021 census found above the expected growth


@dataclass(frozen=True)
class Calibration:
    """The model's defaults estimated from the data, with everything they were derived from."""

    defaults: Assumptions  # the central assumptions (the scenario defaults are these, rounded)
    base_estimate: np.ndarray  # (2, 101) single-age population on 1 January ``years.age_bands``
    schedules: Schedules  # with the fitted migration profile
    tfr_calibrated: float  # Almaty TFR reproducing the births of ``years.age_bands``
    balance: pd.DataFrame  # year, change, births, deaths, net_migration: the demographic balance behind the migration level
    growth_rate: float  # of the segment, for the stable shape of the oldest ages
    reconciliation: pd.DataFrame  # observed, correction, reconciled by year
    reconciliation_method: str  # linear or off
    migration_fit: pd.DataFrame  # statistic, target, tolerance, source, model
    migration_facts: MigrationFacts
    backtest: pd.DataFrame  # rows of every method and origin, both targets
    interval_sd: IntervalSd  # percent
    central_method: str  # the method with the lowest backtest MAPE (official series)
    years: CalibrationYears


def calibration_data(inputs: dict[str, pd.DataFrame], years: CalibrationYears, reconciliation: str = "linear") -> CalibrationData:
    """The series the calibration reads, with the segment's growth rate and women's share of its growth."""
    bns, annual = inputs["bns_population_1jan"], inputs["wpp2022_kazakhstan_annual"]
    total = observed_total(inputs)
    first, last = years.segment
    segment = total.loc[first:last]
    female = bns_series(bns, "almaty", "female")
    return CalibrationData(
        years=years,
        schedules=build_schedules(inputs["wpp2022_kazakhstan_age_schedules"], years.base),
        total=total,
        reconciled=reconciled_total(inputs, reconciliation, years.earlier_census, years.closure),
        national_births=wpp_estimate_then_medium(annual, "births_thousands") * 1000,
        national_deaths=wpp_estimate_then_medium(annual, "deaths_thousands") * 1000,
        births=pd.Series({y: almaty_births(inputs["dated_statements"], y) for y in births_years(inputs["dated_statements"])}, dtype=float),
        national_total=bns_series(bns, "kazakhstan", "total"),
        national_tfr=wpp_series(annual, "tfr", "estimate").combine_first(wpp_series(annual, "tfr", "medium")),
        life=inputs["bns_life_expectancy"],
        bands=inputs["bns_population_age_bands"].query("year == @years.age_bands"),
        closure_by_sex=sex_totals(inputs, years.closure),
        growth_rate=float(segment.diff().mean() / segment.mean()),
        female_share=float((female[last] - female[first]) / (total[last] - total[first])),
    )


def base_estimate(data: CalibrationData, child_share: float) -> np.ndarray:
    """(2, 101) single ages on 1 January ``years.age_bands`` with a migrant stock of the profile of ``child_share``."""
    mortality = mortality_for(data.schedules, almaty_e0(data.life, data.years.life_expectancy))
    profile = net_migration_profile(child_share)
    on_year = data.years.age_bands
    children = int(data.bands.loc[data.bands["age_min"] == 0, "age_max"].max())  # the children's band: ages 0 to this
    births = city_births(data, np.arange(on_year - 1 - children, on_year))
    return estimate_single_ages(data.bands, data.national_births, mortality, data.growth_rate, profile, on_year, births=births)


def calibrated_tfr(schedules: Schedules, base: np.ndarray, births: float, mortality: np.ndarray) -> float:
    """The TFR at which the women of ``base`` (2, 101) give ``births`` in a year at death rates ``mortality`` (2, 101):
    births / Σ pattern_x·(W_x at the start + W_x at the end of the year) / 2, the exposure of ``cohort_step``."""
    survival, _ = survival_ratios(mortality[1])
    women_end = np.concatenate([[0.0], base[1, :-1] * survival[:-1]])
    women_end[-1] += base[1, -1] * survival[-1]
    return births / float(schedules.fertility_pattern @ ((base[1] + women_end) / 2))


def crude_death_rate(base: np.ndarray, mortality: np.ndarray) -> float:
    """Deaths per person in a year of ``base`` (2, 101) at death rates ``mortality`` (2, 101): Σ P·(1 − S) / Σ P (``survival_ratios``)."""
    return float((base * (1 - survival_ratios(mortality)[0])).sum() / base.sum())


def band_year_mortality(data: CalibrationData) -> np.ndarray:
    """(2, 101) death rates of Almaty in the calendar year of the age bands (its BNS e0)."""
    return mortality_for(data.schedules, almaty_e0(data.life, data.years.age_bands))


def band_year_births(data: CalibrationData) -> float:
    """Almaty's births in the calendar year of the age bands (the dated statements): the TFR is calibrated on them."""
    if data.years.age_bands not in data.births.index:
        raise io.DataError(f"dated_statements.csv: no Almaty births of {data.years.age_bands} (the age bands' year) in this vintage")
    return float(data.births[data.years.age_bands])


def city_births(data: CalibrationData, calendar: np.ndarray) -> pd.Series:
    """Almaty's births of the ``calendar`` years: observed where the vintage has them, else national births at
    Almaty's share of the age bands' year (``band_year_births``)."""
    share = band_year_births(data) / data.national_births[data.years.age_bands]
    estimated = pd.Series(share * data.national_births.reindex(calendar).to_numpy(), index=calendar)
    return data.births.reindex(calendar).fillna(estimated)


def demographic_balance(data: CalibrationData, base: np.ndarray) -> pd.DataFrame:
    """Net migration of each calendar year ``years.balance``: change of the reconciled series − (births − deaths).

    Births are Almaty's where the vintage has them, else national births at Almaty's share in
    ``years.age_bands`` (``band_year_births``); deaths follow Almaty's modelled crude death rate of that
    year on ``base``, moved with the national one (WPP estimates, then the medium projection).
    """
    years = data.years
    calendar = np.arange(years.balance[0], years.balance[1] + 1)
    rec = data.reconciled["reconciled"]
    births = city_births(data, calendar).to_numpy()
    rate = crude_death_rate(base, band_year_mortality(data))
    national_rate = data.national_deaths / data.national_total
    deaths = rate * rec.loc[calendar].to_numpy() * national_rate.loc[calendar].to_numpy() / national_rate[years.age_bands]
    change = rec.loc[calendar + 1].to_numpy() - rec.loc[calendar].to_numpy()
    return pd.DataFrame({"year": calendar, "change": change, "births": births, "deaths": deaths, "net_migration": change - (births - deaths)})


def school_pupils(population: np.ndarray, state_pupils: float, private_share: float, first_to_last: float) -> np.ndarray:
    """Pupils in all schools of (years, 2, 101) ``population`` through the school model's enrolment: its coverage and
    9->10 transition calibrated on the last year (``schools.pupils.calibrate``: ``state_pupils`` and ``private_share``,
    grade 1 = ``first_to_last`` × grade 11), the grades carried by grade progression (``schools.pupils.pupils_by_grade``)."""
    from ..schools.pupils import calibrate as enrolment  # here: the school model reads population
    from ..schools.pupils import grade_cohorts, pupils_by_grade

    cohorts = grade_cohorts(population)
    return pupils_by_grade(cohorts, enrolment(cohorts[-1], state_pupils, private_share, first_to_last, 0)).sum(axis=-1)


def fit_enrolment(inputs: dict[str, pd.DataFrame]) -> tuple[float, float, float]:
    """State pupils, private share and first-graders to graduates of 2022 (the programme) for ``school_pupils``."""
    state = figure(inputs, *PUPILS_STATE) * 1e3
    return state, 1 - state / (figure(inputs, *PUPILS_ALL) * 1e3), figure(inputs, "programme_schools", "first_graders_to_graduates")


def child_share_prior(inputs: dict[str, pd.DataFrame], bands: pd.DataFrame, female_share: float) -> float:
    """The share aged 0-17 of net migrants the fit's prior is centred on: the arrivals outside working age of 2021
    (line 218: 100 − 88.5 %) split between children and pensioners as the Rogers-Castro fundamental schedule splits
    them (``ROGERS_CASTRO_FUNDAMENTAL``), by sex (the BNS working-age bands of ``bands``, weighted by ``female_share``).

    Children 0-15 of arrivals = outside × RC(0-15) / RC(outside); scaled to 0-17 by RC(0-17) / RC(0-15). The figure is
    for gross arrivals, not net migrants, hence the prior's wide tolerance (``CHILD_PRIOR_TOLERANCE``).
    """
    outside = 1 - figure(inputs, *WORKING_AGE_ARRIVALS) / 100
    schedule = rogers_castro(AGES, **ROGERS_CASTRO_FUNDAMENTAL)
    low, high = FAMILY_CHILD_AGES
    shares = []
    for sex in SEXES:
        rows = bands[bands["sex"] == sex]
        working = rows.loc[rows["age_min"] > 0, "age_min"].min()
        pension = rows.loc[rows["age_max"].isna(), "age_min"].min()
        shares.append(schedule[low : high + 1].sum() / (schedule[: int(working)].sum() + schedule[int(pension) :].sum()))
    return float(outside * ((1 - female_share) * shares[0] + female_share * shares[1]))


def children_of_profile(child_share: float) -> float:
    """The share aged 0-17 (``FAMILY_CHILD_AGES``) of the net-migration profile of ``child_share``: families' children
    and the few adult-schedule migrants of those ages."""
    low, high = FAMILY_CHILD_AGES
    return float(net_migration_profile(child_share)[low : high + 1].sum())


def fit_statistics(data: CalibrationData, child_share: float, enrolment: tuple[float, float, float]) -> dict[str, float]:
    """The model's values of the ``FIT_EVIDENCE`` statistics with net migrants of ``child_share``.

    The base estimate of that profile is projected from ``years.age_bands`` to ``years.closure`` with
    the balance's migration level, the calibrated TFR and the observed e0; growth is per year over
    those years, the age statistics on the census-based level of ``years.closure``; pupils as ``school_pupils`` with
    ``enrolment`` (state pupils, private share, first-graders to graduates) of ``years.closure``'s school year.
    """
    years = data.years
    steps = years.closure - years.age_bands
    base = base_estimate(data, child_share)
    level = float(demographic_balance(data, base)["net_migration"].mean())
    tfr = calibrated_tfr(data.schedules, base, band_year_births(data), band_year_mortality(data))
    profile = net_migration_profile(child_share)
    path = project_arrays(
        base[None],
        np.broadcast_to(tfr * data.schedules.fertility_pattern, (1, steps, AGES.size)),
        np.stack([mortality_for(data.schedules, almaty_e0(data.life, y)) for y in range(years.age_bands, years.closure)])[None],
        np.full((1, steps), level),
        np.stack([(1 - data.female_share) * profile, data.female_share * profile]),
    )["population"][0]
    last = path[steps] * (data.closure_by_sex / path[steps].sum(axis=1))[:, None]  # on the census-based level
    by_age = last.sum(axis=0)
    pupils = school_pupils(path, *enrolment)
    return {
        "pupil_growth": float(pupils[steps] - pupils[0]) / steps / 1e3,
        "growth_0_7": float(path[steps][:, 0:8].sum() - path[0][:, 0:8].sum()) / steps / 1e3,
        "mean_age": float((by_age * (AGES + 0.5)).sum() / by_age.sum()),
        "share_14_35": float(100 * by_age[14:36].sum() / by_age.sum()),
        "count_14_29": float(by_age[14:30].sum() / 1e3),
    }


def fit_evidence(inputs: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """statistic, target (mean of the programme figures), tolerance, source and in_fit of every ``FIT_EVIDENCE`` entry."""
    rows = [
        {"statistic": stat, "target": float(np.mean([figure(inputs, table, i) for i in ids])), "tolerance": tolerance, "source": why, "in_fit": fitted}
        for stat, (table, ids, tolerance, why, fitted) in FIT_EVIDENCE.items()
    ]
    return pd.DataFrame(rows)


def fit_child_share(
    simulate, targets: dict[str, float], tolerances: dict[str, float], penalty=None, grid: np.ndarray = CHILD_SHARE_GRID
) -> dict:
    """The child share of net migrants that best reproduces the evidence (least squares in tolerance units, plus a prior).

    ``simulate(share)`` returns the model's statistics; the loss is Σ((model − target) / tolerance)² over ``targets``
    plus ``penalty(share)`` (none when None). A grid search is refined by golden-section search between the grid
    neighbours of the best point. Returns ``child_share``, ``loss`` and ``statistics``.
    """

    def loss(share: float) -> float:
        stats = simulate(share)
        prior = 0.0 if penalty is None else penalty(share)
        return float(sum(((stats[k] - targets[k]) / tolerances[k]) ** 2 for k in targets) + prior)

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


def prior_penalty(centre: float, weight: float = CHILD_PRIOR_WEIGHT, tolerance: float = CHILD_PRIOR_TOLERANCE):
    """The prior's term of the loss: ``weight`` × ((share aged 0-17 of the profile − ``centre``) / (``tolerance`` × ``centre``))²."""
    return lambda share: weight * ((children_of_profile(share) - centre) / (tolerance * centre)) ** 2


def vintage_digest(inputs: dict[str, pd.DataFrame], years: CalibrationYears) -> str:
    """A short digest of the raw tables as of one vintage (``BASE_INPUTS``) and the calibration years."""
    digest = hashlib.sha256(repr(years).encode())
    for name in BASE_INPUTS:
        digest.update(pd.util.hash_pandas_object(inputs[name], index=False).to_numpy().tobytes())
    return digest.hexdigest()[:12]


def migration_fit(inputs: dict[str, pd.DataFrame], data: CalibrationData, reconciliation: str, prior_weight: float = CHILD_PRIOR_WEIGHT) -> pd.DataFrame:
    """The evidence with the fitted model's values, the prior's row (``CHILD_PRIOR``, percent aged 0-17), ``child_share``
    and ``loss`` (shared through data/processed/, one table per vintage's data and calibration years).

    The share is identified by what migrant children change: pupils through the school model's enrolment (the steepest:
    a point of child share moves pupil growth by about half a thousand a year), the growth of ages 0-7, and, through the
    migrant stock of the base estimate, the mean age and the 14-29 count; the prior (``child_share_prior``, weight
    ``prior_weight``) holds it to the age mix of observed arrivals where that evidence is weak. Rows with ``in_fit`` false
    are shown, not fitted.
    """

    def build() -> pd.DataFrame:
        evidence = fit_evidence(inputs)
        fitted = evidence[evidence["in_fit"]]
        targets = {row.statistic: row.target for row in fitted.itertuples()}
        tolerances = {row.statistic: row.tolerance for row in fitted.itertuples()}
        enrolment = fit_enrolment(inputs)
        centre = child_share_prior(inputs, data.bands, data.female_share)
        fit = fit_child_share(lambda share: fit_statistics(data, share, enrolment), targets, tolerances, prior_penalty(centre, prior_weight))
        prior = {
            "statistic": CHILD_PRIOR,
            "target": round(100 * centre, 2),  # percent, to the evidence rows' precision
            "tolerance": round(100 * CHILD_PRIOR_TOLERANCE * centre, 2),
            "source": f"prior, weight {prior_weight:g}: arrivals of 2021 outside working age (line 218) split by the Rogers-Castro fundamental "
            "schedule (Rogers & Castro 1981, IIASA RR-81-30); tolerance half the centre: arrivals are not net migrants",
            "in_fit": True,
            "model": 100 * children_of_profile(fit["child_share"]),
        }
        rows = evidence.assign(model=[fit["statistics"][s] for s in evidence["statistic"]])
        return pd.concat([rows, pd.DataFrame([prior])], ignore_index=True).assign(child_share=fit["child_share"], loss=fit["loss"])

    name = f"population_migration_fit_{reconciliation}_{vintage_digest(inputs, data.years)}"
    return io.processed_table(name, build, list(BASE_INPUTS))


def fit_misses(fit: pd.DataFrame) -> pd.DataFrame:
    """The rows of a migration-fit table whose model value is farther from the target than the tolerance."""
    return fit[(fit["model"] - fit["target"]).abs() > fit["tolerance"]]


def fertility_assumptions(annual: pd.DataFrame, national_tfr: pd.Series, tfr_calibrated: float, years: CalibrationYears) -> dict:
    """tfr, tfr_change and tfr_sd: the calibrated TFR moved to ``years.base`` and changed as the WPP Kazakhstan medium.

    tfr_sd is the WPP 80 % interval of ``years.uncertainty`` as a relative sd (half width / 1.28 / TFR).
    """
    base, end, ten = years.base, years.tfr_trend_end, years.uncertainty
    tfr = tfr_calibrated * national_tfr[base] / national_tfr[years.age_bands]
    change = tfr * (national_tfr[end] - national_tfr[base]) / (end - base) / national_tfr[base]
    spread = wpp_series(annual, "tfr", "pi80_upper")[ten] - wpp_series(annual, "tfr", "pi80_lower")[ten]
    return {"tfr": float(tfr), "tfr_change": float(change), "tfr_sd": float(spread / (2 * Z80) / national_tfr[ten])}


def life_expectancy_assumptions(annual: pd.DataFrame, life: pd.DataFrame, years: CalibrationYears) -> dict:
    """e0 by sex (BNS ``years.life_expectancy``), its gain per year (WPP medium over ``years.e0_gain``) and its sd
    (WPP 80 % interval of ``years.uncertainty`` / 2.56), both means over the sexes."""
    start, end, ten = *years.e0_gain, years.uncertainty
    gain = np.mean([(wpp_series(annual, f"e0_{s}", "medium")[end] - wpp_series(annual, f"e0_{s}", "medium")[start]) / (end - start) for s in SEXES])
    sd = np.mean(
        [(wpp_series(annual, f"e0_{s}", "pi80_upper")[ten] - wpp_series(annual, f"e0_{s}", "pi80_lower")[ten]) / (2 * Z80) for s in SEXES]
    )
    e0 = almaty_e0(life, years.life_expectancy)
    return {"life_expectancy_male": float(e0[0]), "life_expectancy_female": float(e0[1]), "life_expectancy_gain": float(gain), "life_expectancy_sd": float(sd)}


def migration_level_sd(sd_trend: float, population: float, yearly_change: float, net_migration: float) -> float:
    """Relative sd of the migration level whose error, h·N·sd / P_h, best matches h·sd_trend % at h = 1-5.

    P_h = population + h·yearly_change (the population the backtest errors are relative
    to grows); least squares over the backtest horizons.
    """
    h = np.asarray(BACKTEST_HORIZONS, dtype=float)
    effect = h * net_migration / (population + h * yearly_change)
    return float((effect * h * sd_trend / 100).sum() / (effect**2).sum())


def migration_facts(
    inputs: dict[str, pd.DataFrame], profile: np.ndarray, net_migration: float, child_share: float, closure: float, years: CalibrationYears
) -> MigrationFacts:
    """What the fitted age ``profile`` (101,) of ``net_migration`` migrants a year means, beside the programme's arrivals."""
    arrivals_share = figure(inputs, *WORKING_AGE_ARRIVALS) / 100
    arrivals_per_year = figure(inputs, *ARRIVALS) * 1e3 / (years.arrivals[1] - years.arrivals[0] + 1)
    return MigrationFacts(
        child_share=child_share,
        share_6_17=float(profile[6:18].sum()),
        net_children_0_17_per_year=float(profile[:18].sum() * net_migration),
        arrivals_per_year=arrivals_per_year,
        arrivals_not_working_age_per_year=(1 - arrivals_share) * arrivals_per_year,
        closure_error=closure,
    )


def backtest_model(data: CalibrationData, e0_gain: float) -> CohortModel:
    """The cohort model of the backtest origins, without the migration fit.

    The fit reads the programme's statements of 2022, which no origin knew, so the backtest's net migrants
    follow the fit's prior profile (``PRIOR_CHILD_SHARE``: the Rogers-Castro adult schedule) and its base
    shape and TFR are built with that profile. What it still takes from after its origins (the age bands and
    births of ``years.age_bands``, WPP 2022, the BNS series as compiled in 2022) the report lists.
    """
    schedules = replace(data.schedules, migration_profile_by_age=net_migration_profile(PRIOR_CHILD_SHARE))
    base = base_estimate(data, PRIOR_CHILD_SHARE)
    tfr = calibrated_tfr(schedules, base, band_year_births(data), band_year_mortality(data))
    return CohortModel(schedules, base, tfr, data.years.age_bands, data.national_tfr, data.life, data.female_share, e0_gain)


def calibrate(inputs: dict[str, pd.DataFrame], reconciliation: str = "linear", base_year: int = 0) -> Calibration:
    """Estimate the model's defaults from the data of one vintage (``inputs``) for ``base_year`` (0 = the newest total);
    every value comes with its derivation (the steps above)."""
    years = CalibrationYears.for_vintage(inputs, base_year)
    data = calibration_data(inputs, years, reconciliation)
    fit = migration_fit(inputs, data, reconciliation)
    child_share = float(fit["child_share"].iloc[0])
    schedules = replace(data.schedules, migration_profile_by_age=net_migration_profile(child_share))
    base = base_estimate(data, child_share)
    tfr = calibrated_tfr(schedules, base, band_year_births(data), band_year_mortality(data))
    balance = demographic_balance(data, base)
    net_migration = float(balance["net_migration"].mean())
    fertility = fertility_assumptions(inputs["wpp2022_kazakhstan_annual"], data.national_tfr, tfr, years)
    e0 = life_expectancy_assumptions(inputs["wpp2022_kazakhstan_annual"], data.life, years)
    model = backtest_model(data, e0["life_expectancy_gain"])
    backtest = backtest_table(inputs, model, data.reconciled, list(years.backtest_origins), years.closure, years.base)
    sd = interval_sd(cohort_errors(backtest))
    defaults = Assumptions(
        **fertility,
        **e0,
        net_migration=net_migration,
        migrant_female_share=data.female_share,
        migrant_child_share=child_share,
        migration_sd=migration_level_sd(sd.trend, float(data.total[years.base]), float(balance["change"].mean()), net_migration),
        migration_noise_sd=0.0,  # the calibrated level and base sds already carry the backtest errors
        base_population_sd=float(sd.base / 100),  # backtest error that does not grow with the horizon
    )
    closure = closure_error(data.total, shift_years(inputs), years.closure)
    return Calibration(
        defaults=defaults,
        base_estimate=base,
        schedules=schedules,
        tfr_calibrated=tfr,
        balance=balance,
        growth_rate=data.growth_rate,
        reconciliation=data.reconciled,
        reconciliation_method=reconciliation,
        migration_fit=fit.drop(columns=["child_share", "loss"]),
        migration_facts=migration_facts(inputs, schedules.migration_profile_by_age, net_migration, child_share, closure, years),
        backtest=backtest,
        interval_sd=sd,
        central_method=central_method(backtest_accuracy(backtest)),
        years=years,
    )


def base_population(inputs: dict[str, pd.DataFrame], calibration: Calibration, base_year: int) -> np.ndarray:
    """(2, 101) population on 1 January ``base_year``: the single-age estimate carried forward with control totals.

    A standard carry-forward with control totals: the estimate of the age bands' date is projected one year
    at a time (BNS e0 of each year, or the newest earlier one the vintage has; the calibrated TFR; the
    estimated net migration) and scaled, by sex, to the BNS totals of each 1 January on the newest census's
    basis before ``base_year`` (``years.control_years``) and of ``base_year``. Totals before the census are on the old basis and
    are not controls: the scaling at the census year absorbs the census level shift. So a base year without
    a published age structure (1 January 2023: totals by sex only) takes its ages from the model's one-year
    projection of the newest census-based year, controlled to its observed totals by sex.
    """
    first, last = calibration.years.age_bands, newest_total_year(inputs)
    if not first <= base_year <= last:
        raise ValueError(
            f"base_year {base_year}: single-age estimates exist for {first}-{last} (age bands of 1 January {first}, BNS totals to {last})"
        )
    population = calibration.base_estimate
    schedules, defaults = calibration.schedules, calibration.defaults
    controls = control_years(calibration.years, base_year)
    for year in range(first, base_year):
        step = project_arrays(
            population[None],
            (calibration.tfr_calibrated * schedules.fertility_pattern)[None, None],
            mortality_for(schedules, almaty_e0(inputs["bns_life_expectancy"], e0_year(inputs["bns_life_expectancy"], year)))[None, None],
            np.array([[defaults.net_migration]]),
            migration_profile(schedules, defaults.migrant_female_share),
        )
        population = step["population"][0, 1]
        if year + 1 in controls:
            population = controlled(population, sex_totals(inputs, year + 1))
    return controlled(population, sex_totals(inputs, base_year))


def controlled(population: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """``population`` (2, 101) scaled, by sex, to the control ``totals`` (2,)."""
    return population * (totals / population.sum(axis=1))[:, None]
