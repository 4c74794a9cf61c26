"""What the school forecast starts from, as of the vintage: the base school year, the private share, the seat base, the places opened since.

Each figure is the newest the vintage holds, read as its source prints it, with a fallback (report 20 says which a run used):

* **Base school year**: the newest school year, not after the population forecast's first year, with counted state
  pupils: the city's count (``school_pupils``, kind ``counted``, sector ``state``), else the programme's exact figure
  (292 thousand in 2022/23, line 303). An ``expected`` figure (announced before the school year) is not a count, nor is
  the programme's "more than 280" thousand of 2021/22 (a lower bound).
* **Private share**: private / all pupils counted in one statement (same date and source), of the newest school year up
  to the base one; else the dated estimate of 2021/22 (``private_share_from_statements``, to its 3 significant digits:
  88 schools times a national mean size carry no more).
* **Seat base**: the newest school year, not after the first projected year, with a stated seat shortage after that
  year's commissioning (``school_seat_shortage_end_<year>``) and counted state pupils: usable seats = pupils - shortage.
  Else the programme's 2021/22: pupils "more than 280" thousand (drawn up to 280 thousand + ``pupils_2021_excess_max``),
  deficit between the press "up to 19" thousand and the programme's 19.6 (line 2801). Where the stated base replaces
  the programme's, ``carried_deficit`` is what the programme's base plus the places opened since would give instead.
* **Openings**: places the city says opened in a calendar year after the seat base (``school_places_commissioned_<year>``,
  ``places_opened_<year>``; state, private and annexes together, as printed) replace that year's plan (``supply``);
  a year without one keeps the plan and its delivery risk. A plan ("planned") is never an opening, a need never a plan.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .pupils import school_year, school_year_of_date, school_year_start
from .sources import FIGURES, OPENED_STATEMENT, SHORTAGE_STATEMENT, figure_year, private_share_from_statements, programme_figure, statement

ESTIMATE_DIGITS = 3  # significant digits of the dated private-share estimate


@dataclass(frozen=True)
class SchoolBase:
    """The base of the forecast at one vintage (``school_base``)."""

    school_year: int  # base school year (its start): counted state pupils
    state_pupils: float  # counted state pupils of the base school year
    pupils_counted_by_city: bool  # the city's count (school_pupils); else the programme's figure
    private_share: float  # private pupils / all pupils
    private_counted: bool  # counted in one statement; else the dated 2021/22 estimate
    seat_year: int  # school year of the seat base
    seat_pupils: tuple[float, float]  # state pupils of the seat-base year: the range the sources allow
    seat_deficit: tuple[float, float]  # its seat deficit: the range the sources allow
    seat_stated: bool  # a stated shortage of the vintage; else the programme's 2021/22 base
    opened: pd.Series  # places opened by calendar year after the seat-base year (observed, every source together)
    carried_opened: float | None  # places opened after the programme's seat base up to seat_year (None: not all stated, or no stated base)
    carried_deficit: float | None  # the deficit of seat_year they would give from the programme's base instead (None: as above)


def city_state_pupils(counts: pd.DataFrame) -> pd.Series:
    """State pupils the city counted (``school_pupils``, kind counted), by school year (its start)."""
    city = counts[(counts["kind"] == "counted") & (counts["sector"] == "state")]
    return pd.Series(city["pupils"].astype(float).to_numpy(), index=city["school_year"].map(school_year_start).to_numpy(), dtype=float)


def counted_state_pupils(counts: pd.DataFrame, figures: pd.DataFrame) -> pd.Series:
    """Counted state pupils by school year (its start): the city's count over the programme's exact figure of the same year."""
    row = figures.set_index("figure_id").loc[FIGURES["state_pupils"]]
    exact = row["qualifier"] == "exact"
    programme = {figure_year(figures, "state_pupils"): programme_figure(figures, "state_pupils")} if exact else {}
    return pd.Series(programme | city_state_pupils(counts).to_dict(), dtype=float).sort_index()


def base_school_year(counted: pd.Series, first_year: int) -> int:
    """The newest school year of ``counted`` (counted state pupils by start year) not after the population's ``first_year``."""
    known = counted[counted.index <= first_year]
    if known.empty:
        raise ValueError(
            f"school_pupils.csv, programme_schools.csv: no counted state pupils of a school year up to {school_year(first_year)} in the vintage; "
            "expected a count (kind 'counted', sector 'state') of the population's first school year or earlier"
        )
    return int(known.index.max())


def private_share(counts: pd.DataFrame, statements: pd.DataFrame, figures: pd.DataFrame, base_year: int) -> tuple[float, bool]:
    """Private / all pupils of one statement counting both, of the newest school year up to ``base_year``; else the dated estimate.

    Returns (share, counted).
    """
    counted = counts[(counts["kind"] == "counted") & (counts["school_year"].map(school_year_start) <= base_year)]
    pairs = []
    for (label, date, _), group in counted.groupby(["school_year", "date", "source"]):
        by_sector = group.set_index("sector")["pupils"].astype(float)
        if {"private", "all"} <= set(by_sector.index):
            pairs.append((label, date, float(by_sector["private"] / by_sector["all"])))
    if pairs:
        return max(pairs)[2], True
    return float(f"{private_share_from_statements(statements, figures):.{ESTIMATE_DIGITS}g}"), False


def opened_places(statements: pd.DataFrame) -> pd.Series:
    """Places the city says opened, by calendar year (the year of the figure's date; of two statements of a year, the later)."""
    rows = statements[statements["indicator"].str.fullmatch(OPENED_STATEMENT)].sort_values("date", kind="stable")
    return rows.groupby(rows["date"].str[:4].astype(int))["value"].last().astype(float)


def _programme_seat_base(figures: pd.DataFrame, statements: pd.DataFrame, excess_max: float) -> tuple[int, tuple, tuple]:
    """The programme's seat base: (school year, pupils 'more than' range, deficit range between the press and the programme)."""
    pupils = programme_figure(figures, "seat_base_pupils")
    deficits = sorted([programme_figure(figures, "seat_base_deficit"), statement(statements, "deficit_press")])
    return figure_year(figures, "seat_base_deficit"), (pupils, pupils + excess_max), (deficits[0], deficits[1])


def school_base(counts: pd.DataFrame, figures: pd.DataFrame, statements: pd.DataFrame, first_year: int, excess_max: float) -> SchoolBase:
    """The base of a forecast whose population starts on 1 January ``first_year`` (school year first_year/first_year+1)."""
    counted = counted_state_pupils(counts, figures)
    year = base_school_year(counted, first_year)
    share, share_counted = private_share(counts, statements, figures, year)
    opened = opened_places(statements)
    programme_year, programme_pupils, programme_deficit = _programme_seat_base(figures, statements, excess_max)
    shortages = statements[statements["indicator"].str.fullmatch(SHORTAGE_STATEMENT)]
    stated = {
        school_year_of_date(date): value
        for date, value in zip(shortages["date"], shortages["value"].astype(float), strict=True)
        if school_year_of_date(date) in counted.index and programme_year < school_year_of_date(date) <= first_year
    }
    carried_opened = carried = None
    if stated:
        seat_year = max(stated)
        pupils, deficit = (float(counted[seat_year]),) * 2, (stated[seat_year],) * 2
        between = range(programme_year + 1, seat_year + 1)
        if all(y in opened.index for y in between):
            carried_opened = float(sum(opened[y] for y in between))
            carried = float(counted[seat_year] - (sum(programme_pupils) / 2 - sum(programme_deficit) / 2 + carried_opened))
    else:
        seat_year, pupils, deficit = programme_year, programme_pupils, programme_deficit
    return SchoolBase(
        school_year=year,
        state_pupils=float(counted[year]),
        pupils_counted_by_city=year in city_state_pupils(counts).index,
        private_share=share,
        private_counted=share_counted,
        seat_year=seat_year,
        seat_pupils=pupils,
        seat_deficit=deficit,
        seat_stated=bool(stated),
        opened=opened[opened.index > seat_year],
        carried_opened=carried_opened,
        carried_deficit=carried,
    )
