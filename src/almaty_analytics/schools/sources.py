"""The figures the school model reads from the programme and the dated press statements, and what its track record gives."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

FIGURES = {  # programme_schools.csv figure ids the model uses
    "state_pupils": "pupils_state_2022",  # counted state pupils of one school year (its ref_year), line 303
    "seat_base_pupils": "pupils_state_2021",  # state pupils 'more than 280' thousand of the programme's seat-base year
    "seat_base_deficit": "seat_deficit_2021_l2801",  # the seat deficit at the end of that school year, line 2801
    "first_to_last": "first_graders_to_graduates",
    "target_2025": "seat_deficit_target_2025",
    "target_2030": "seat_deficit_target_2030",
    "construction_funded": "capex_education_2026_2030_construction",  # the budget after the 2022-2025 plan, to its ref_year (line 2980)
    "land_funded": "capex_education_2026_2030_land",
    "school_cost": "school_construction_cost",
    "land_cost": "school_land_cost",
    "private_schools_planned": "private_schools_planned_2025",
    "private_places_planned": "private_school_pupils_planned_2025",
    "schools_needed_per_year": "new_schools_needed_per_year",
}

STATEMENTS = {  # dated_statements.csv indicators the model uses
    "planned_places_2020_2021": "planned_state_school_places_2020_2021",
    "opened_places_2021": "commissioned_state_school_places_2021",
    "private_schools_opened_2021": "commissioned_private_schools_2021",
    "private_places_opened_2021": "commissioned_private_school_places_2021",
    "private_schools": "private_schools",
    "private_schools_kz": "private_schools_kazakhstan_2019_20",
    "private_pupils_kz": "private_school_pupils_kazakhstan_2019_20",
    "deficit_press": "seat_shortage",
}
# Families of statements the base reads (schools.base), matched on the whole indicator; the figure's date gives its year.
SHORTAGE_STATEMENT = r"school_seat_shortage_end_\d{4}"  # the seat shortage at the date, after that year's commissioning
OPENED_STATEMENT = r"(school_places_commissioned|places_opened)_\d{4}"  # places opened in the date's calendar year, every source
NEWER_PLAN_STATEMENT = "places_planned_2024_2025"  # the newest plan: cited beside the programme's, not used (a plan, not an opening)
# Further school statements the report cites beside those the model reads (its sources section).
CITED_STATEMENTS = (
    "planned_schools_2020_2021",
    "planned_seats_2020_2021",
    "commissioned_state_schools_2021",
    "seat_shortage_before_2021_commissioning",
)
RAW_FILES = ("programme_school", "school_capacity", "bns_schools", "dated_statements")  # raw files of the sources list


def programme_figure(figures: pd.DataFrame, key: str) -> float:
    """A programme figure by key of FIGURES, in persons/seats/billion tenge (thousands converted)."""
    row = figures.set_index("figure_id").loc[FIGURES[key]]
    return float(row["value"]) * (1000 if str(row["unit"]).startswith("thousand") else 1)


def figure_year(figures: pd.DataFrame, key: str) -> int:
    """The year a programme figure (key of FIGURES) refers to (its ref_year)."""
    return int(figures.set_index("figure_id").loc[FIGURES[key], "ref_year"])


def statement(statements: pd.DataFrame, key: str) -> float:
    """A dated statement by key of STATEMENTS (the latest dated row of that indicator)."""
    rows = statements[statements["indicator"] == STATEMENTS[key]].sort_values("date")
    if rows.empty:
        raise ValueError(f"dated_statements.csv: no row with indicator {STATEMENTS[key]!r}")
    return float(rows["value"].iloc[-1])


def funded_build_rate(figures: pd.DataFrame, first_year: int) -> float:
    """Standard schools a year the budget after the plan pays for: (construction + land) / (school + plot cost) / its years.

    The money block runs from ``first_year`` (the year after the build plan) to the figure's year: 2026-2030, 5 years.
    """
    money = programme_figure(figures, "construction_funded") + programme_figure(figures, "land_funded")
    unit = programme_figure(figures, "school_cost") + programme_figure(figures, "land_cost")
    return money / unit / (figure_year(figures, "construction_funded") - first_year + 1)


def on_time_share(statements: pd.DataFrame) -> float:
    """Share of the places planned for 2020-2021 that opened by the end of 2021 (track record)."""
    return statement(statements, "opened_places_2021") / statement(statements, "planned_places_2020_2021")


def delay_from_track_record(on_time: float, share_mean: float) -> float:
    """Mean Poisson delay so that share x P(delay = 0) equals the on-time share: ln(share / on_time)."""
    return max(0.0, math.log(share_mean / on_time))


def private_places_per_school(statements: pd.DataFrame) -> float:
    """Places per private school opened in 2021."""
    return statement(statements, "private_places_opened_2021") / statement(statements, "private_schools_opened_2021")


def private_delivery_share(statements: pd.DataFrame, figures: pd.DataFrame) -> float:
    """Places per private school opened in 2021 against places per planned private school (10,000 / 26)."""
    planned = programme_figure(figures, "private_places_planned") / programme_figure(figures, "private_schools_planned")
    return min(1.0, private_places_per_school(statements) / planned)


def private_share_from_statements(statements: pd.DataFrame, figures: pd.DataFrame) -> float:
    """Private pupils / all pupils in 2021/22: 88 private schools x BNS pupils per private school, against 280 thousand state pupils."""
    per_school = statement(statements, "private_pupils_kz") / statement(statements, "private_schools_kz")
    private = statement(statements, "private_schools") * per_school
    return private / (private + programme_figure(figures, "seat_base_pupils"))


@dataclass(frozen=True)
class TrackRecord:
    """What the dated statements say about delivery, and the delivery parameters they imply."""

    planned_places: float  # state-school places planned for 2020-2021
    opened_places: float  # of them opened in 2021
    on_time: float  # opened / planned
    delivery_share: float  # the run's mean delivered share of the budget schools
    delay: float  # the mean delay that share implies: ln(share / on_time)
    private_places_per_school: float  # places per private school opened in 2021
    private_share: float  # private delivered share: those places against 385 planned a school


def track_record(statements: pd.DataFrame, figures: pd.DataFrame, delivery_share: float) -> TrackRecord:
    """The track record of ``statements`` with the delay implied for a mean delivered share ``delivery_share``."""
    on_time = on_time_share(statements)
    return TrackRecord(
        planned_places=statement(statements, "planned_places_2020_2021"),
        opened_places=statement(statements, "opened_places_2021"),
        on_time=on_time,
        delivery_share=delivery_share,
        delay=delay_from_track_record(on_time, delivery_share),
        private_places_per_school=private_places_per_school(statements),
        private_share=private_delivery_share(statements, figures),
    )


def cited_sources(figures: pd.DataFrame, statements: pd.DataFrame, files: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The report's sources: the programme figures used, the school statements cited, and the raw files read."""
    programme = figures.set_index("figure_id").loc[list(FIGURES.values()), ["indicator", "value", "unit", "source", "note"]].reset_index()
    read = statements["indicator"].str.fullmatch(f"{SHORTAGE_STATEMENT}|{OPENED_STATEMENT}")
    cited = (statements["indicator"].isin([*STATEMENTS.values(), *CITED_STATEMENTS, NEWER_PLAN_STATEMENT]) | read) & (statements["topic"] == "schools")
    read = files["file"].str.contains("|".join(RAW_FILES))
    return {"programme": programme, "statements": statements[cited], "files": files[read].drop(columns="licence")}
