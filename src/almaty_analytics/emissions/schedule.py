"""The timing of TPP-2's conversion to gas: the programme's full-effect year, or a newer dated schedule.

The programme (published 2022-09-12, ``io.FIRST_VINTAGE``) brings TPP-2 to its printed 2.5 kt in 2030 (line
4317): the coal boiler retired before 2024 (stage 1), then the remaining gas blocks to full gasification in 2030
(stage 2, line 1364). Dated statements published later restate the schedule (``data/raw/dated_statements.csv``,
indicator ``tpp2_conversion_schedule``: completion by the end of 2026, mgorod.kz, 3 November 2023).
``conversion_schedule`` chooses stage 2's full-effect year: the parameter ``tpp2_conversion_year`` when it is
set, else the newest such statement dated after the programme that the vintage holds, else the programme's
year. A completion 'by the end of' a year is full effect in that year, as the programme's own 'by the end of
2025' (communal vehicles, line 4313). ``with_conversion_schedule`` moves stage 2 there; its ramp keeps its
length (``DEFAULT_TIMING``) but starts no earlier than stage 1's step.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import io
from ..params import Param
from .sources import EmissionsError

SCHEDULE_INDICATOR = "tpp2_conversion_schedule"  # dated_statements.csv: the year TPP-2's conversion is to be complete
MEASURE = "tpp2_coal_to_gas"
PROGRAMME_PUBLISHED = io.FIRST_VINTAGE  # the programme's publication: a statement dated after it is newer


@dataclass(frozen=True)
class Schedule:
    year: int  # stage 2's full-effect year this run uses
    basis: str  # programme, statement or parameter: where the year comes from
    programme_year: int  # the programme's full-effect year (line 4317)
    statement_year: int | None  # the newest dated schedule newer than the programme in the vintage (None: none)
    statement_date: str  # its date ('' if none)
    statement_source: str  # its URL ('' if none)


def _stage(plan: pd.DataFrame, component: str) -> pd.Series:
    rows = plan[(plan["measure"] == MEASURE) & (plan["component"] == component)]
    if len(rows) != 1:
        raise EmissionsError(f"programme_emission_measures: expected one {MEASURE!r} row of {component}, found {len(rows)}")
    return rows.iloc[0]


def conversion_schedule(plan: pd.DataFrame, statements: pd.DataFrame, parameter: int) -> Schedule:
    """Stage 2's full-effect year: ``parameter`` if not 0, else the newest ``tpp2_conversion_schedule`` statement dated
    after the programme, else the programme's year; a year before stage 1's step is refused."""
    programme_year = int(_stage(plan, "stage2")["full_year"])
    newer = statements[(statements["indicator"] == SCHEDULE_INDICATOR) & (statements["date"] > PROGRAMME_PUBLISHED)]
    newest = newer.sort_values("date", kind="stable").iloc[-1] if not newer.empty else None
    statement = {
        "statement_year": None if newest is None else int(newest["value"]),
        "statement_date": "" if newest is None else str(newest["date"]),
        "statement_source": "" if newest is None else str(newest["source_url"]),
    }
    if parameter:
        year, basis = int(parameter), "parameter"
    elif newest is not None:
        year, basis = statement["statement_year"], "statement"
    else:
        year, basis = programme_year, "programme"
    stage1 = int(_stage(plan, "stage1")["full_year"])
    if year < stage1:
        where = "parameter 'tpp2_conversion_year'" if basis == "parameter" else f"dated_statements {SCHEDULE_INDICATOR} of {statement['statement_date']}"
        raise EmissionsError(f"{where}: {year} is before TPP-2's first stage ({stage1}); expected {stage1} or later")
    return Schedule(year, basis, programme_year, **statement)


def with_conversion_schedule(plan: pd.DataFrame, schedule: Schedule) -> pd.DataFrame:
    """The plan with stage 2 of TPP-2 at ``schedule.year`` (unchanged when the programme's year is used); the ramp keeps
    its length but starts no earlier than stage 1's full-effect year."""
    if schedule.basis == "programme":
        return plan
    out = plan.copy()
    row = (out["measure"] == MEASURE) & (out["component"] == "stage2")
    stage1 = int(_stage(plan, "stage1")["full_year"])
    ramp_years = min(int(_stage(plan, "stage2")["ramp_years"]), schedule.year - stage1)
    if schedule.basis == "statement":
        why = f"dated statement of {schedule.statement_date} ({schedule.statement_source}): completion by the end of {schedule.year}"
    else:
        why = "parameter tpp2_conversion_year"
    out.loc[row, ["full_year", "ramp_years", "start_year"]] = [schedule.year, ramp_years, schedule.year - ramp_years]
    out.loc[row, "timing_basis"] = (
        f"full effect {schedule.year} from the {why}, not the programme's {schedule.programme_year} (line 4317); "
        f"ramp {ramp_years} years from {schedule.year - ramp_years}, no earlier than stage 1 ({stage1})"
    )
    return out


PARAMETERS: dict[str, Param] = {
    "tpp2_conversion_year": Param(
        int,
        "year TPP-2's conversion to gas reaches full effect (the printed 2.5 kt): 0 = the newest dated schedule in the vintage newer "
        "than the programme (data/raw/dated_statements.csv, tpp2_conversion_schedule: 2026, published 2023-11-03), else the "
        "programme's 2030 (line 4317)",
        0,
        min=0,
        max=2050,
    ),
}
