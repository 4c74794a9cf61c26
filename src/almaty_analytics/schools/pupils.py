"""Pupils by grade from the population: grade cohorts, calibration on the base school year, grade progression, the share check."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GRADES = np.arange(1, 12)
BASE_SCHOOL_YEAR = 2022  # 2022/23: the year of the programme's 292 thousand state pupils (line 303)
SEATS_YEAR = 2021  # 2021/22: the year of the 19.6 thousand seat deficit (line 2801), first row of the tables
ENTRY_SPLIT = 8 / 12  # share of grade-1 entrants aged 5 on 1 January (birthdays Jan-Aug, evenly spread)
UPPER_SECONDARY_GRADE = 10  # the transition 9 -> 10 is where pupils leave for colleges
SHARE_DRIFT_LIMIT = 0.015  # pupils / school-age children may move at most 1.5 points over the horizon


def school_year(start: int) -> str:
    """The label of the school year starting in September ``start``: 2025 -> "2025/26"."""
    return f"{start}/{(start + 1) % 100:02d}"


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


def calibrate(cohorts_base: np.ndarray, state_pupils: float, private_share: float, first_to_last: float) -> Calibration:
    """Coverage and 9->10 transition so that the base year has ``state_pupils`` and grade 1 = first_to_last x grade 11."""
    total = state_pupils / (1 - private_share)
    transition = cohorts_base[0] / first_to_last / cohorts_base[-1]
    if not 0 < transition <= 1:
        raise ValueError(f"first-graders/graduates ratio {first_to_last} implies a 9->10 transition of {transition:.2f}; expected (0, 1]")
    weights = np.where(GRADES >= UPPER_SECONDARY_GRADE, transition, 1.0)
    coverage = total / float((cohorts_base * weights).sum())
    return Calibration(coverage, transition, total, state_pupils)


def pupils_by_grade(cohorts: np.ndarray, calibration: Calibration) -> np.ndarray:
    """(..., years, 11) pupils in all schools by the grade-progression method.

    Year 0 is the calibrated base year; grade 1 enters from its cohort, every other grade
    is last year's previous grade times its progression ratio.
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
