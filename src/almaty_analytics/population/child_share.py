"""The child share of net migrants fitted to the evidence (the migration fit of ``calibration.calibrate``).

``migration_fit`` fits ``fit_child_share`` (least squares in tolerance units, grid then golden-section search) over
``FIT_EVIDENCE``: pupil growth through the school model's enrolment (``school_pupils``, module ``enrolment``), the growth
of ages 0-7, the mean age and the 14-29 count, as ``fit_statistics`` computes them for each trial share, plus the prior on
the share aged 0-17 of net migrants (``child_share_prior``, ``prior_penalty``). The table is cached in data/processed, one
per vintage's data and calibration years (``vintage_digest``); ``fit_misses`` lists the targets missed beyond tolerance.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from .. import io
from ..enrolment import calibrate as enrolment
from ..enrolment import grade_cohorts, pupils_by_grade
from .estimates import CalibrationData, band_year_births, band_year_mortality, base_estimate, calibrated_tfr, demographic_balance
from .inputs import BASE_INPUTS, almaty_e0, figure
from .model import (
    AGES,
    FAMILY_CHILD_AGES,
    ROGERS_CASTRO_FUNDAMENTAL,
    SEXES,
    mortality_for,
    net_migration_profile,
    project_arrays,
    rogers_castro,
)
from .years import CalibrationYears

# Evidence the net-migration age profile is fitted to: statistic -> (table, figure ids, tolerance, why this tolerance, in the fit)
FIT_EVIDENCE = {
    "pupil_growth": (
        "programme_schools",
        ("pupil_growth_annual_low_l2793", "pupil_growth_annual_high_l2793"),
        1.0,
        "pupils grow 12-14 thousand a year (line 2793; 12-15 at line 303): the model's pupils through the school model's enrolment "
        "(enrolment.calibrate: coverage and 9->10 transition on the 292 thousand state pupils of 2022, line 303, and about 320 thousand "
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
# school model's 9->10 transition would pass 1 (enrolment.calibrate)
PRIOR_CHILD_SHARE = float(CHILD_SHARE_GRID[0])  # the backtest's profile: the adult schedule, no family children
WORKING_AGE_ARRIVALS = ("programme_population", "arrivals_working_age_share_2021")  # 88.5 % of ARRIVALS (gross), line 218
PUPILS_STATE = ("programme_schools", "pupils_state_2022")  # 292 thousand state pupils in 2022 (line 303)
PUPILS_ALL = ("programme_schools", "pupils_all_schools_l2791")  # about 320 thousand in all schools (line 2791)
CHILD_PRIOR = "prior_0_17"  # the prior's row of the migration-fit table
CHILD_PRIOR_WEIGHT = 1.0  # weight of the prior in the fit's loss: as much as one evidence target
CHILD_PRIOR_TOLERANCE = 0.5  # the prior's tolerance, relative to its centre: arrivals are not net migrants


def school_pupils(population: np.ndarray, state_pupils: float, private_share: float, first_to_last: float) -> np.ndarray:
    """Pupils in all schools of (years, 2, 101) ``population`` through the school model's enrolment: its coverage and
    9->10 transition calibrated on the last year (``enrolment.calibrate``: ``state_pupils`` and ``private_share``,
    grade 1 = ``first_to_last`` × grade 11), the grades carried by grade progression (``enrolment.pupils_by_grade``)."""
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
