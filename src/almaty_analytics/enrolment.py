"""Enrolment from the population: children in each grade's age mix, coverage and 9->10 transition calibrated on one school
year, pupils by grade through grade progression (cohort survival, as used in school-place planning).

Method (the school model's, ``schools``): grade g holds ``ENTRY_SPLIT`` of the children aged 4+g on 1 January plus the
rest of those aged 5+g (``grade_cohorts``); the coverage (pupils per child of the grades' age mix) and the share continuing
from grade 9 to 10 are calibrated so that the base school year has the counted pupils and grade 1 is a stated multiple of
grade 11 (``calibrate``); later years carry every grade by its grade-progression ratio (``pupils_by_grade``).

It reads no other module of the package, so the school model and the population's migration fit (which reproduces pupil
growth through this same enrolment, ``population.child_share.school_pupils``) both import it at load without a cycle:
``schools`` reads the population forecast, so the population package cannot import ``schools``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GRADES = np.arange(1, 12)
ENTRY_SPLIT = 8 / 12  # share of grade-1 entrants aged 5 on 1 January (birthdays Jan-Aug, evenly spread)
UPPER_SECONDARY_GRADE = 10  # the transition 9 -> 10 is where pupils leave for colleges


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
