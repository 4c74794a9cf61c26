"""Pupils by grade from the population: grade cohorts, calibration on the base school year, grade progression, the share check."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GRADES = np.arange(1, 12)
FIRST_MONTH = 9  # a school year starts in September: a date from September on is in the school year starting that year
ENTRY_SPLIT = 8 / 12  # share of grade-1 entrants aged 5 on 1 January (birthdays Jan-Aug, evenly spread)
UPPER_SECONDARY_GRADE = 10  # the transition 9 -> 10 is where pupils leave for colleges
SHARE_DRIFT_LIMIT = 0.015  # pupils / school-age children may move at most 1.5 points over the horizon


def school_year(start: int) -> str:
    """The label of the school year starting in September ``start``: 2025 -> "2025/26"."""
    return f"{start}/{(start + 1) % 100:02d}"


def school_year_start(label: str) -> int:
    """The September a school year label starts: "2025/26" -> 2025."""
    return int(str(label)[:4])


def school_year_of_date(date: str) -> int:
    """The school year (its start) a date YYYY-MM-DD falls in: 2022-12-31 -> 2022 (2022/23), 2023-06-16 -> 2022."""
    year, month = int(date[:4]), int(date[5:7])
    return year if month >= FIRST_MONTH else year - 1


def backcast_population(population: np.ndarray, years_back: int) -> np.ndarray:
    """(2, 101) population ``years_back`` years before year 0 of a (years, 2, 101) projection: its own cohort change, reversed.

    The cohort-change ratio method run backwards (Hamilton-Perry): age a one year earlier is age a + 1 in year 0
    divided by CCR(a) = P_1(a + 1) / P_0(a), the projection's first-year change of that cohort (survival and
    migration together), held for every year back. The open age group keeps year 0's count (no grade reads it).
    """
    if population.shape[0] < 2:
        raise ValueError(f"backcast: the projection has {population.shape[0]} year(s); expected at least 2 (the cohort change of its first year)")
    ratio = population[0, :, :-1] / population[1, :, 1:]
    earlier = population[0]
    for _ in range(years_back):
        earlier = np.concatenate([earlier[:, 1:] * ratio, earlier[:, -1:]], axis=1)
    return earlier


def grade_cohorts(population: np.ndarray, split: float = ENTRY_SPLIT) -> np.ndarray:
    """Children in each grade's age mix: (..., years, 2, 101) population -> (..., years, 11)."""
    both = population.sum(axis=-2)
    ages = GRADES + 4  # grade g: split of age 4+g plus the rest of age 5+g on 1 January
    return split * both[..., ages] + (1 - split) * both[..., ages + 1]


@dataclass(frozen=True)
class Calibration:
    coverage: float  # pupils (all schools) per child of the grade's age mix, grades 1-9
    transition: float  # share continuing from grade 9 to 10
    total_pupils: float  # all schools, base school year
    state_pupils: float
    school_year: int  # the base school year (its start), the year of the counted state pupils


def calibrate(cohorts_base: np.ndarray, state_pupils: float, private_share: float, first_to_last: float, school_year: int) -> Calibration:
    """Coverage and 9->10 transition so that base school year ``school_year`` has ``state_pupils`` and grade 1 = first_to_last x grade 11."""
    total = state_pupils / (1 - private_share)
    transition = cohorts_base[0] / first_to_last / cohorts_base[-1]
    if not 0 < transition <= 1:
        raise ValueError(f"first-graders/graduates ratio {first_to_last} implies a 9->10 transition of {transition:.2f}; expected (0, 1]")
    weights = np.where(GRADES >= UPPER_SECONDARY_GRADE, transition, 1.0)
    coverage = total / float((cohorts_base * weights).sum())
    return Calibration(coverage, transition, total, state_pupils, school_year)


def pupils_by_grade(cohorts: np.ndarray, calibration: Calibration) -> np.ndarray:
    """(..., years, 11) pupils in all schools by the grade-progression method.

    Year 0 is the first projected year, at the calibrated coverage; grade 1 enters from its cohort, every
    other grade is last year's previous grade times its progression ratio.
    """
    retention = np.where(GRADES[1:] == UPPER_SECONDARY_GRADE, calibration.transition, 1.0)
    weights = np.where(GRADES >= UPPER_SECONDARY_GRADE, calibration.transition, 1.0)
    pupils = np.empty_like(cohorts)
    pupils[..., 0, :] = calibration.coverage * cohorts[..., 0, :] * weights
    for t in range(1, cohorts.shape[-2]):
        progression = cohorts[..., t, 1:] / cohorts[..., t - 1, :-1] * retention
        pupils[..., t, 0] = calibration.coverage * cohorts[..., t, 0]
        pupils[..., t, 1:] = pupils[..., t - 1, :-1] * progression
    return pupils


COMPONENTS = ("entrants", "graduates", "left_after_grade_9", "migration_and_survival")  # of a yearly change of all pupils (growth_components)


def growth_components(cohorts: np.ndarray, calibration: Calibration) -> np.ndarray:
    """(steps, 4) parts of each yearly change of all pupils along a (steps + 1, 11) path of grade cohorts, at the calibrated
    coverage: grade-1 entrants, minus last year's grade 11 (graduates), minus last year's grade 9 not continuing to grade 10,
    plus the cohort change of the pupils moving up a grade (migration and deaths of school-age children). They sum to the
    change, because grade progression at constant coverage keeps every grade at coverage x its cohort (``pupils_by_grade``).
    """
    weights = np.where(GRADES >= UPPER_SECONDARY_GRADE, calibration.transition, 1.0)
    retention = np.where(GRADES[1:] == UPPER_SECONDARY_GRADE, calibration.transition, 1.0)
    pupils = calibration.coverage * cohorts * weights
    before, after = pupils[:-1], pupils[1:]
    moving = before[:, :-1] * retention * (cohorts[1:, 1:] / cohorts[:-1, :-1] - 1)
    return np.stack([after[:, 0], -before[:, -1], -before[:, 8] * (1 - calibration.transition), moving.sum(axis=1)], axis=1)


def pupil_share(pupils_all: np.ndarray, cohorts: np.ndarray) -> np.ndarray:
    """Pupils in all schools per child of the grades' ages (the school-age population)."""
    return pupils_all / cohorts.sum(axis=-1)


def share_drift(shares: np.ndarray) -> float:
    """Largest minus smallest share over the years (a fraction; 0.015 = 1.5 percentage points)."""
    return float(np.max(shares) - np.min(shares))


def check_share_drift(shares: np.ndarray, limit: float = SHARE_DRIFT_LIMIT, explained_by: str = "") -> float:
    """Raise unless the pupil share stays within ``limit``; a sourced component may explain a larger drift.

    ``explained_by`` names the sourced component (e.g. pupils living outside the city) that
    makes a drift legitimate; without one, a drift above the limit means pupils that are
    not children of the population forecast.
    """
    drift = share_drift(shares)
    if drift > limit and not explained_by:
        raise ValueError(
            f"pupils as a share of the school-age population drift by {100 * drift:.2f} points over the horizon; "
            f"expected at most {100 * limit:.1f} unless a sourced component explains it"
        )
    return drift
