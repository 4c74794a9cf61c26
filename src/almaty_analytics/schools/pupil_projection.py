"""Pupils from the population forecast: the grade-progression projection on the central path and every trajectory,
calibrated on the base school year (``enrolment``), and the tables of pupils by grade, their share of the school-age
children and their yearly change against the counts (``school_pupil_growth``, ``school_pupil_growth_components``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..enrolment import GRADES, Calibration, calibrate, grade_cohorts, pupils_by_grade
from ..tablespec import TableSpec
from .base import SchoolBase
from .pupils import COMPONENTS, backcast_population, growth_components, school_year
from .sources import figure_year, programme_figure

TABLE_SOURCE = "cohort-survival projection (schools/pupil_projection.py) on the population forecast; programme figures 001_22452510f78b59ea.txt:303, 2791-2801, 2918-2928"


@dataclass(frozen=True)
class Pupils:
    """Pupils in all schools by the grade-progression method, on the central path and on every population trajectory."""

    calibration: Calibration
    cohorts: np.ndarray  # (years, 11) children of each grade's age mix, central path
    by_grade: np.ndarray  # (years, 11) pupils, central path
    total: np.ndarray  # (years,) pupils, central path
    simulated_total: np.ndarray  # (n, years) pupils per population trajectory
    before_base: float  # all pupils the calibrated coverage gives the school year before the base one (its children backcast)
    path: np.ndarray  # (steps, 11) children of each grade's age mix from the school year before the base one, backcast, then the projection


def project_pupils(pop, figures: pd.DataFrame, base: SchoolBase) -> Pupils:
    """Pupils from the population forecast ``pop``, calibrated on the base school year's counted state pupils and the programme's first-to-last ratio.

    School year t/t+1 takes the population of 1 January t, from the forecast's first year. A base school year before
    it takes the first year's children backcast by the projection's own cohort change (``backcast_population``).
    """
    central_population, simulated_population = pop.central_population(), pop.simulated_population()
    cohorts = grade_cohorts(central_population)
    lead = int(pop.years[0]) - base.school_year
    cohorts_base = cohorts[0] if lead == 0 else grade_cohorts(backcast_population(central_population, lead))
    first_to_last = programme_figure(figures, "first_to_last")
    calibration = calibrate(cohorts_base, base.state_pupils, base.private_share, first_to_last, base.school_year)
    by_grade = pupils_by_grade(cohorts, calibration)
    simulated_total = pupils_by_grade(grade_cohorts(simulated_population), calibration).sum(axis=-1)
    backcast = np.stack([grade_cohorts(backcast_population(central_population, back)) for back in range(lead + 1, 0, -1)])
    before = pupils_by_grade(backcast[:1], calibration)[0].sum()
    return Pupils(calibration, cohorts, by_grade, by_grade.sum(axis=-1), simulated_total, float(before), np.concatenate([backcast, cohorts]))


PUPIL_GROWTH_STATEMENTS = (  # (dated_statements indicators low, high): restatements of the programme's yearly growth
    ("annual_pupil_inflow_statement_low", "annual_pupil_inflow_statement_high"),
    ("pupil_growth_per_year_statement_low", "pupil_growth_per_year_statement_high"),
)
PROJECTED_STEPS = 3  # first projected steps the growth table shows


def pupil_growth(pupils: Pupils, state_central: np.ndarray, base: SchoolBase, years: list[int], figures: pd.DataFrame, statements: pd.DataFrame, excess_max: float) -> pd.DataFrame:
    """The published ``school_pupil_growth``: the observed change of state pupils into the base school year, the model's
    change into it (its children backcast one year at the calibrated coverage) and its first projected steps, against the
    programme's 12-14 thousand a year (line 2793) and its dated restatements."""
    rows = []
    before = base.school_year - 1
    programme_year = figure_year(figures, "seat_base_pupils")
    state_before = pupils.before_base * (1 - base.private_share)
    if programme_year == before:
        low = programme_figure(figures, "seat_base_pupils")  # 'more than 280' thousand: the change is at most counted - 280k
        rows.append(_growth(before, "observed", "state", base.state_pupils - low - excess_max, base.state_pupils - low, "001_22452510f78b59ea.txt:303; school_pupils.csv"))
    rows.append(_growth(before, "model", "state", base.state_pupils - state_before, base.state_pupils - state_before, "backcast one year, calibrated coverage"))
    state = [base.state_pupils, *state_central] if base.school_year < years[0] else list(state_central)
    total = [base.state_pupils / (1 - base.private_share), *pupils.total] if base.school_year < years[0] else list(pupils.total)
    start = min(base.school_year, years[0])
    for k in range(PROJECTED_STEPS):
        rows.append(_growth(start + k, "model", "state", state[k + 1] - state[k], state[k + 1] - state[k], "school_seats"))
        rows.append(_growth(start + k, "model", "all", total[k + 1] - total[k], total[k + 1] - total[k], "school_pupil_share"))
    rows.append(_growth(None, "programme", "all", programme_figure(figures, "growth_low"), programme_figure(figures, "growth_high"), "001_22452510f78b59ea.txt:2793"))
    values = statements.sort_values("date").groupby("indicator")[["value", "date"]].last()
    for low, high in PUPIL_GROWTH_STATEMENTS:
        if {low, high} <= set(values.index):
            rows.append(_growth(None, "stated " + values.loc[low, "date"], "all", float(values.loc[low, "value"]), float(values.loc[high, "value"]), f"dated_statements: {low}, {high}"))
    return pd.DataFrame(rows)


def growth_components_table(pupils: Pupils, base: SchoolBase) -> pd.DataFrame:
    """The published ``school_pupil_growth_components``: the model's change of all pupils into the base school year and over
    its first projected steps, split into entrants, graduates, leavers after grade 9 and the cohort change (``growth_components``)."""
    path = pupils.path[: PROJECTED_STEPS + 2]
    parts = growth_components(path, pupils.calibration)
    start = base.school_year - 1
    return pd.DataFrame(
        [
            {"step": f"{school_year(start + k)} -> {school_year(start + k + 1)}", "kind": "backcast" if k == 0 else "projected", "change": round(float(row.sum()))}
            | {name: round(float(v)) for name, v in zip(COMPONENTS, row, strict=True)}
            for k, row in enumerate(parts)
        ]
    )


def _growth(start: int | None, kind: str, sector: str, low: float, high: float, source: str) -> dict:
    step = "" if start is None else f"{school_year(start)} -> {school_year(start + 1)}"
    return {"step": step, "kind": kind, "sector": sector, "change_low": round(low), "change_high": round(high), "source": source}


def grade_table(pupils: Pupils, years: list[int]) -> pd.DataFrame:
    """The published ``school_pupils_by_grade``: pupils in all schools by school year and grade, central path."""
    return pd.DataFrame(
        [
            {"school_year": school_year(y), "grade": int(g), "pupils": round(pupils.by_grade[i, j])}
            for i, y in enumerate(years)
            for j, g in enumerate(GRADES)
        ]
    )


def share_table(pupils: Pupils, years: list[int], shares: np.ndarray) -> pd.DataFrame:
    """The published ``school_pupil_share``: the children of the grades' ages, all pupils and their ``shares`` (``pupil_share``)."""
    return pd.DataFrame(
        {
            "school_year": [school_year(y) for y in years],
            "school_age_children": pupils.cohorts.sum(axis=-1).round(),
            "pupils_all": pupils.total.round(),
            "pupil_share": shares.round(4),
        }
    )


# Tables of the pupils (schools.TABLES composes them in the order of the report).
TABLES: dict[str, TableSpec] = {
    "school_pupils_by_grade": TableSpec(
        "Pupils in all schools (state and private) by grade, central projection",
        {
            "school_year": ("", "school year starting in September"),
            "grade": ("", "grade 1-11"),
            "pupils": ("pupils", "pupils in all schools"),
        },
        TABLE_SOURCE,
    ),
    "school_pupil_share": TableSpec(
        "Pupils as a share of the school-age population (the check that every pupil is a child of the population forecast)",
        {
            "school_year": ("", "school year starting in September"),
            "school_age_children": ("persons", "children of the grades' ages (grade g: 8/12 of age 4+g and 4/12 of age 5+g on 1 January)"),
            "pupils_all": ("pupils", "pupils in all schools, central projection"),
            "pupil_share": ("ratio", "pupils_all / school_age_children; may move at most 0.015 over the horizon without a sourced component"),
        },
        TABLE_SOURCE,
    ),
    "school_pupil_growth": TableSpec(
        "Yearly change of pupils: observed into the base school year, the model's, its first projected steps, and the programme's 12-14 thousand a year",
        {
            "step": ("", "school years of the change (empty: a yearly average as stated)"),
            "kind": ("", "observed, model, programme (line 2793) or stated <date> (a dated restatement)"),
            "sector": ("", "state schools or all schools"),
            "change_low": ("pupils", "change, low end (observed: 2021/22 at 280 thousand + pupils_2021_excess_max)"),
            "change_high": ("pupils", "change, high end (observed: 2021/22 at 280 thousand, the 'more than' bound of line 303)"),
            "source": ("", "where the figure comes from"),
        },
        TABLE_SOURCE,
    ),
    "school_pupil_growth_components": TableSpec(
        "Why the yearly change of pupils falls: the model's change of all pupils split into who enters, who leaves and the cohort change",
        {
            "step": ("", "school years of the change (the first: into the base school year, its children backcast one year)"),
            "kind": ("", "backcast (into the base school year) or projected"),
            "change": ("pupils", "change of all pupils (state and private), the sum of the four parts"),
            "entrants": ("pupils", "grade-1 pupils of the later year (coverage x the children of grade 1's age mix)"),
            "graduates": ("pupils", "minus the grade-11 pupils of the earlier year"),
            "left_after_grade_9": ("pupils", "minus the grade-9 pupils of the earlier year not continuing to grade 10 (1 - the 9->10 transition)"),
            "migration_and_survival": ("pupils", "change of the cohorts moving up a grade: net migration less deaths of school-age children (population forecast)"),
        },
        TABLE_SOURCE,
    ),
}
