"""The figures the school model reads from the programme and the dated press statements, and what its track record gives."""

from __future__ import annotations

import pandas as pd

from .delivery import EARLY_PLAN, OPENINGS
from .gross import SchoolLoads

PRIVATE_INVESTMENT_SOURCES = ("branch", "memorandum", "private")  # build-plan sources paid by private investment (124 bn, line 2966)
FIGURES = {  # programme_schools.csv figure ids the model uses
    "state_pupils": "pupils_state_2022",  # counted state pupils of one school year (its ref_year), line 303
    "seat_base_pupils": "pupils_state_2021",  # state pupils 'more than 280' thousand of the programme's seat-base year
    "seat_base_deficit": "seat_deficit_2021_l2801",  # the seat deficit at the end of that school year, line 2801
    "first_to_last": "first_graders_to_graduates",
    "target_2025": "seat_deficit_target_2025",
    "target_2030": "seat_deficit_target_2030",
    "construction_funded": "capex_education_2026_2030_construction",  # the budget after the 2022-2025 plan, to its ref_year (line 2980)
    "land_funded": "capex_education_2026_2030_land",
    "private_funded": "capex_education_2026_2030_private",  # private investment after the plan, to its ref_year (line 2980)
    "private_invested_to_2025": "capex_managed_deficit_private_2025",  # private part of the 2022-2025 plan's cost (line 2966)
    "school_cost": "school_construction_cost",
    "land_cost": "school_land_cost",
    "private_schools_planned": "private_schools_planned_2025",
    "private_places_planned": "private_school_pupils_planned_2025",
    "schools_needed_per_year": "new_schools_needed_per_year",
    "growth_low": "pupil_growth_annual_low_l2793",  # pupils a year, the last 10 years (line 2793): compared with the projection
    "growth_high": "pupil_growth_annual_high_l2793",
    "state_schools": "schools_state",  # school-level statements of line 2801 (schools.gross)
    "overloaded_schools": "overloaded_state_schools",
    "schools_over_class_limit": "schools_class_size_over_40",
    "class_limit": "class_size_overcrowded_threshold",
    "class_norm": "class_size_target",
}

STATEMENTS = {  # dated_statements.csv indicators the model uses
    "private_schools": "private_schools",
    "private_schools_kz": "private_schools_kazakhstan_2019_20",
    "private_pupils_kz": "private_school_pupils_kazakhstan_2019_20",
    "deficit_press": "seat_shortage",
}
# Families of statements the base reads (schools.base), matched on the whole indicator; the figure's date gives its year.
SHORTAGE_STATEMENT = r"school_seat_shortage_end_\d{4}"  # the seat shortage at the date, after that year's commissioning
OPENED_STATEMENT = r"(school_places_commissioned|places_opened)_\d{4}"  # places opened in the date's calendar year, every source
NEWER_PLAN_STATEMENT = "places_planned_2024_2025"  # the newest plan, cited; its parts (supply.NEWER_PLAN) replace the programme's 2024-2025 budget and memorandum plan
# Further school statements the report cites beside those the model reads (its sources section).
CITED_STATEMENTS = (
    "planned_schools_2020_2021",
    "planned_seats_2020_2021",
    "commissioned_state_schools_2021",
    "seat_shortage_before_2021_commissioning",
    "state_school_places_planned_2024_2025",  # the parts of NEWER_PLAN_STATEMENT the supply reads (supply.NEWER_PLAN)
    "memorandum_school_places_planned_2024_2025",
    "ppp_school_places_planned_2024_2025",
)
RAW_FILES = ("programme_school", "school_capacity", "school_pupils", "bns_schools", "dated_statements", "school_planning_norms")  # raw files of the sources list


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


def school_loads(figures: pd.DataFrame) -> SchoolLoads:
    """The school-level statements of line 2801 and the class-size norm of line 2918, as the programme prints them."""
    return SchoolLoads(
        schools=int(programme_figure(figures, "state_schools")),
        overloaded=int(programme_figure(figures, "overloaded_schools")),
        over_class_limit=int(programme_figure(figures, "schools_over_class_limit")),
        class_limit=programme_figure(figures, "class_limit"),
        class_norm=programme_figure(figures, "class_norm"),
    )


def private_cost_per_place(figures: pd.DataFrame, plan: pd.DataFrame) -> float:
    """Private investment per place of the 2022-2025 plan, tenge: 124 bn (line 2966) over the seats of branches, memoranda and
    private schools (3.4 + 16 + 10 thousand, lines 2922-2928: the sources the private part pays for, L664 and the programme's note)."""
    totals = plan[plan["year"].isna() & plan["funding_source"].isin(PRIVATE_INVESTMENT_SOURCES)]
    return programme_figure(figures, "private_invested_to_2025") * 1e9 / (float(totals["seats_thousand"].sum()) * 1000)


def private_stream_rate(figures: pd.DataFrame, plan: pd.DataFrame, first_year: int) -> float:
    """Places a year of the private-investment stream after the plan: 130 bn (line 2980) at the 2022-2025 private cost per place,
    over the years from ``first_year`` (the year after the build plan) to the figure's year (2026-2030: 5)."""
    places = programme_figure(figures, "private_funded") * 1e9 / private_cost_per_place(figures, plan)
    return places / (figure_year(figures, "private_funded") - first_year + 1)


def private_share_from_statements(statements: pd.DataFrame, figures: pd.DataFrame) -> float:
    """Private pupils / all pupils in 2021/22: 88 private schools x BNS pupils per private school, against 280 thousand state pupils."""
    per_school = statement(statements, "private_pupils_kz") / statement(statements, "private_schools_kz")
    private = statement(statements, "private_schools") * per_school
    return private / (private + programme_figure(figures, "seat_base_pupils"))


def cited_sources(figures: pd.DataFrame, statements: pd.DataFrame, files: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The report's sources: the programme figures used, the school statements cited, and the raw files read."""
    programme = figures.set_index("figure_id").loc[list(FIGURES.values()), ["indicator", "value", "unit", "source", "note"]].reset_index()
    read = statements["indicator"].str.fullmatch(f"{SHORTAGE_STATEMENT}|{OPENED_STATEMENT}")
    record = [EARLY_PLAN[0], *(name for _, _, names in OPENINGS for name in names)]
    cited = (statements["indicator"].isin([*STATEMENTS.values(), *CITED_STATEMENTS, NEWER_PLAN_STATEMENT, *record]) | read) & (statements["topic"] == "schools")
    read = files["file"].str.contains("|".join(RAW_FILES))
    return {"programme": programme, "statements": statements[cited], "files": files[read].drop(columns="licence")}
