"""School years, the backcast population, the components of pupil growth and the share check; grade cohorts, their
calibration and grade progression are ``enrolment`` (shared with the population's migration fit)."""

from __future__ import annotations

import numpy as np

from ..enrolment import GRADES, UPPER_SECONDARY_GRADE, Calibration

FIRST_MONTH = 9  # a school year starts in September: a date from September on is in the school year starting that year
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
