"""The gross shortfall beside the net city balance: seats short in the overloaded schools, where a surplus elsewhere does not help.

Method (school-place planning counts shortfalls school by school: England's school capacity survey and local
scorecards, London's roll projections, New York's enrolment-capacity reports; a spare seat in one school never
offsets a shortfall in another):

* **Gross and net.** gross = Σ_i max(0, pupils_i − (1 − m) · seats_i) over the schools i, with an operating margin m
  (``operating_margin``: the seats kept free for pupil mobility and choice; 5%, England's planning convention, not an
  Almaty figure, no Kazakh norm was found: DfE guidance as quoted by West Sussex County Council, February 2021, and London
  Councils' "good practice 5%", data/raw/school_planning_norms.csv. DfE's 5% is a ceiling on surplus places across an area,
  used here as the margin kept free in each school; ``sensitivity`` shows 0, 2 and 5%); net = Σ pupils_i − Σ seats_i, the city
  balance the rest of the model projects. Each term of gross is at least pupils_i − seats_i, so gross ≥ net for any
  distribution of pupils and seats (and gross ≥ 0).
* **Schools from the statements.** No school's seats or pupils are published. The programme states, in one sentence,
  the shortage at the end of 2021/22 (19.6 thousand) and that 37 of the 210 state schools are overloaded (line 2801),
  and it speaks of surplus schools far from the centre (line 2986): its 19.6 thousand is the overload of the overloaded
  schools, a gross figure without a margin. So the schools are two groups of equal-size schools (210 at 1/210 of the
  seats each): the overloaded ones (37) hold the seat-base year's stated shortage as their overload, the others are at
  their seats (no surplus is stated: the smallest gross the statements allow). At the seat base, gross = the stated
  shortage + m · seats.
* **Projection.** Each group keeps its share of the state pupils (the catchments grow alike: no district ages are
  published); the new seats go to the overloaded group in its share of the pupils times ``seats_to_overloaded_ratio``
  (1 = new seats follow the pupils; below 1 = built where land is, away from the overloaded centre, line 2803).
* **Class-size check.** The 17 schools with more than 40 pupils a class (line 2801) at the norm of 25 (line 2918) hold at
  least 17 × mean seats × (40/25 − 1) pupils over their seats: ``overload_lower_bound``, which the stated shortage must
  not fall below for it to be the overload of the 37.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def gross_shortfall(pupils: np.ndarray, seats: np.ndarray, margin: float) -> np.ndarray:
    """Σ over the first axis (schools or school groups) of max(0, pupils − (1 − margin) · seats)."""
    return np.maximum(0.0, pupils - (1.0 - margin) * seats).sum(axis=0)


@dataclass(frozen=True)
class SchoolLoads:
    """The school-level statements the gross shortfall is built from (programme line 2801 and the class-size norm, line 2918)."""

    schools: int  # state schools (210)
    overloaded: int  # of them overloaded (37)
    over_class_limit: int  # schools above the class limit (17)
    class_limit: float  # pupils a class in those schools, lower bound (40)
    class_norm: float  # the norm seats are counted at (25)


def two_group_shortfall(
    pupils: np.ndarray, seats: np.ndarray, base_pupils: np.ndarray, base_seats: np.ndarray, loads: SchoolLoads, margin: float, seat_ratio: float
) -> np.ndarray:
    """Gross shortfall of the two school groups (module docstring) for state ``pupils`` and usable ``seats`` (any shape
    broadcasting with the base arrays), from the seat-base year's ``base_pupils`` and ``base_seats``."""
    seats_overloaded_base = base_seats * loads.overloaded / loads.schools
    share = (seats_overloaded_base + base_pupils - base_seats) / base_pupils  # the overloaded group's share of the pupils
    pupils_overloaded = share * pupils
    seats_overloaded = seats_overloaded_base + np.clip(share * seat_ratio, 0.0, 1.0) * (seats - base_seats)
    return gross_shortfall(np.stack([pupils_overloaded, pupils - pupils_overloaded]), np.stack([seats_overloaded, seats - seats_overloaded]), margin)


def overload_lower_bound(base_seats: float, loads: SchoolLoads) -> float:
    """Pupils over their seats in the schools above the class limit, at least: count × mean seats × (limit / norm − 1)."""
    return loads.over_class_limit * base_seats / loads.schools * (loads.class_limit / loads.class_norm - 1.0)
