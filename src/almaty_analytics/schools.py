"""School-seat deficit: state-school pupils from the projected population against seats from what is built.

Method (cohort survival, as used in school-place planning):

* **Pupils by grade.** Grade 1 in the school year starting in September t takes the
  children aged 6 on 1 September: ``entry_split`` of those aged 5 on 1 January t plus
  the rest of those aged 6. Grade g holds the same mix of ages 4+g and 5+g. A pupil in
  grade g moves to grade g+1 next year with the grade-progression ratio
  GPR_g(t) = cohort of grade g+1 in t+1 / cohort of grade g in t (taken from the
  population projection, so it carries the migration of children) times the retention
  at that step (1, except the 9->10 transition to upper secondary). Every pupil is a
  child of the population forecast: nothing is added on top of it. The report shows
  pupils as a share of the children of school age, and ``check_share_drift`` fails when
  that share moves by more than 1.5 percentage points over the horizon.
* **Calibration (base school year 2022/23).** The coverage of the cohorts and the 9->10
  transition are set so that all schools together hold the programme's 292 thousand
  state pupils plus the private share, and first-graders are about twice the graduates
  (programme, lines 303, 2793).
* **State and private.** Private pupils are ``private_share`` of all pupils (dated:
  88 private schools in July 2022 times the BNS 2019/20 national pupils per private
  school, against the state pupils of 2021/22) plus the new private places delivered
  after 2022/23, times ``private_places_from_state`` (1 = each new private place takes
  one pupil from a state school).
* **Seat base (2021/22, the calibration year).** Usable state seats = state pupils
  minus the deficit, both uncertain within what the sources allow: pupils "more than
  280" thousand (line 303), uniform on [280, 280 + ``pupils_2021_excess_max``]; deficit
  uniform between the July 2022 press figure ("up to 19 thousand") and the programme's
  end-of-year 19.6 thousand (line 2801).
* **Supply.** The 2022-2025 programme by funding source (lines 2918-2928) and, after
  2025, ``build_rate_after_2025`` standard schools a year: by default what the 2026-2030
  budget funds (construction 108 + land 85 billion tenge, line 2980, at 5.2 + 5 billion
  a school, line 2803). The programme's "at least 6 a year" (line 2918) is a need; the
  report compares it with the rate that would close the 2030/31 gap.
* **Delivery risk.** For each funding source and each planned year, a Monte Carlo draw
  gives the share of the planned seats ever delivered, Beta with mean ``delivery_<s>``
  and concentration ``delivery_concentration``, and the delay in whole years, Poisson
  with mean ``delay_<s>``. Seats first serve the school year starting in the September
  of the year they are commissioned plus the delay. The defaults come from the track
  record in ``dated_statements``: 5,100 of the 13,000 places planned for 2020-2021 opened
  in 2021 (on time: share x P(delay = 0)); private schools opened at 204 places against
  385 planned per school. Zero risk (shares 1, delays 0) gives the plan exactly.
* **Deficit** = state pupils - usable seats (positive = shortage), per paired draw of a
  population trajectory and a delivery draw: the interval and the probabilities carry
  population, seat-base and delivery uncertainty together. The central deficit is the
  central population path minus the expected seats. Population and supply draws are
  independent, so the variance of the deficit is the sum of the three parts' variances;
  the report shows each part's share and its 80% width alone.
* **Regimes.** Under another regime usable seats scale by shifts/current_shifts and
  class size/current class size.
* **Districts.** City state pupils split by district population times a relative
  school-age share (``periphery_school_age_ratio`` for Alatau and Nauryzbay, 1
  elsewhere: the sources give no district age data). Deficits only where planners typed
  capacities in ``data/raw/school_capacity_by_district.csv``; a city total sums positive
  deficits only.
* **Backtest.** No series of Almaty pupils published by mid-2022 was found (data/raw, the
  reference data and a search of public data repositories and pages); the only school
  series is the BNS count of schools 2000-2021, backtested with naive, drift and
  log-linear drift from rolling origins (a supply-side check, not of the pupil method).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import evaluation, io, population
from .params import Param
from .tablespec import TableSpec

GRADES = np.arange(1, 12)
BASE_SCHOOL_YEAR = 2022  # 2022/23: the year of the programme's 292 thousand state pupils (line 303)
SEATS_YEAR = 2021  # 2021/22: the year of the 19.6 thousand seat deficit (line 2801), first row of the tables
PLAN_SOURCES = ("budget", "branch", "memorandum", "private")
FUNDING_SOURCES = (*PLAN_SOURCES, "post_2025")
FUNDED_YEARS = (2026, 2030)  # the programme's second money block: "to 2030" after the 2025 block (line 2980)
THRESHOLDS = (0, 5_000, 10_000)  # deficit thresholds for probabilities, seats
ENTRY_SPLIT = 8 / 12  # share of grade-1 entrants aged 5 on 1 January (birthdays Jan-Aug, evenly spread)
UPPER_SECONDARY_GRADE = 10  # the transition 9 -> 10 is where pupils leave for colleges
PERIPHERY = ("alatau", "nauryzbay")  # the districts annexed in 2012-2014, named for the highest child demand (line 3021)
SHARE_DRIFT_LIMIT = 0.015  # pupils / school-age children may move at most 1.5 points over the horizon
DELIVERY_SEED_OFFSET = 9  # the delivery draws use their own random stream (seed + 9), independent of the population's


def school_year(start: int) -> str:
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


# ---------------------------------------------------------------- figures from the sources

FIGURES = {  # programme_schools.csv figure ids the model uses
    "state_pupils_2021": "pupils_state_2021",
    "state_pupils_2022": "pupils_state_2022",
    "deficit_2021": "seat_deficit_2021_l2801",
    "first_to_last": "first_graders_to_graduates",
    "target_2025": "seat_deficit_target_2025",
    "target_2030": "seat_deficit_target_2030",
    "construction_2026_2030": "capex_education_2026_2030_construction",
    "land_2026_2030": "capex_education_2026_2030_land",
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
    "deficit_press_2022": "seat_shortage",
}


def programme_figure(figures: pd.DataFrame, key: str) -> float:
    """A programme figure by key of FIGURES, in persons/seats/billion tenge (thousands converted)."""
    row = figures.set_index("figure_id").loc[FIGURES[key]]
    return float(row["value"]) * (1000 if str(row["unit"]).startswith("thousand") else 1)


def statement(statements: pd.DataFrame, key: str) -> float:
    """A dated statement by key of STATEMENTS (the latest dated row of that indicator)."""
    rows = statements[statements["indicator"] == STATEMENTS[key]].sort_values("date")
    if rows.empty:
        raise ValueError(f"dated_statements.csv: no row with indicator {STATEMENTS[key]!r}")
    return float(rows["value"].iloc[-1])


def funded_build_rate(figures: pd.DataFrame) -> float:
    """Standard schools a year the 2026-2030 budget pays for: (construction + land) / (school + plot cost) / 5 years."""
    money = programme_figure(figures, "construction_2026_2030") + programme_figure(figures, "land_2026_2030")
    unit = programme_figure(figures, "school_cost") + programme_figure(figures, "land_cost")
    return money / unit / (FUNDED_YEARS[1] - FUNDED_YEARS[0] + 1)


def on_time_share(statements: pd.DataFrame) -> float:
    """Share of the places planned for 2020-2021 that opened by the end of 2021 (track record)."""
    return statement(statements, "opened_places_2021") / statement(statements, "planned_places_2020_2021")


def delay_from_track_record(on_time: float, share_mean: float) -> float:
    """Mean Poisson delay so that share x P(delay = 0) equals the on-time share: ln(share / on_time)."""
    return max(0.0, math.log(share_mean / on_time))


def private_delivery_share(statements: pd.DataFrame, figures: pd.DataFrame) -> float:
    """Places per private school opened in 2021 against places per planned private school (10,000 / 26)."""
    opened = statement(statements, "private_places_opened_2021") / statement(statements, "private_schools_opened_2021")
    planned = programme_figure(figures, "private_places_planned") / programme_figure(figures, "private_schools_planned")
    return min(1.0, opened / planned)


def private_share_from_statements(statements: pd.DataFrame, figures: pd.DataFrame) -> float:
    """Private pupils / all pupils in 2021/22: 88 private schools x BNS pupils per private school, against 280 thousand state pupils."""
    per_school = statement(statements, "private_pupils_kz") / statement(statements, "private_schools_kz")
    private = statement(statements, "private_schools") * per_school
    return private / (private + programme_figure(figures, "state_pupils_2021"))


def seat_base_ranges(figures: pd.DataFrame, statements: pd.DataFrame, pupils_excess_max: float) -> dict[str, tuple[float, float]]:
    """What the sources allow for 2021/22: state pupils [280, 280 + excess] thousand, deficit [press 19, programme 19.6] thousand."""
    pupils = programme_figure(figures, "state_pupils_2021")
    deficits = sorted([programme_figure(figures, "deficit_2021"), statement(statements, "deficit_press_2022")])
    return {"pupils": (pupils, pupils + pupils_excess_max), "deficit": (deficits[0], deficits[1])}


# ---------------------------------------------------------------- supply: plan, delivery draws, seats


def planned_seats(plan: pd.DataFrame, last_year: int, *, rate_after_2025: float, school_size: int) -> pd.DataFrame:
    """Seats as planned by commissioning year and funding source: year, funding_source, schools, seats.

    The programme gives schools by year and seats per funding source for 2022-2025;
    a source's seats are spread over its years in proportion to the schools; sources
    with no yearly split (private) are spread evenly over 2022-2025. After 2025,
    ``rate_after_2025`` schools of ``school_size`` seats a year up to ``last_year``.
    """
    rows = []
    for source in PLAN_SOURCES:
        rows_for = plan[plan["funding_source"] == source]
        total = rows_for[rows_for["year"].isna()]
        if total.empty:
            raise ValueError(f"build plan: no total row (empty year) for funding source {source!r}")
        seats = float(total["seats_thousand"].iloc[0]) * 1000
        yearly = rows_for.dropna(subset=["year"])
        if yearly.empty:
            yearly = pd.DataFrame({"year": range(2022, 2026), "schools": float(total["schools"].iloc[0]) / 4})
        for _, row in yearly.iterrows():
            share = float(row["schools"]) / float(yearly["schools"].sum())
            rows.append({"year": int(row["year"]), "funding_source": source, "schools": float(row["schools"]), "seats": seats * share})
    for year in range(2026, last_year + 1):
        rows.append({"year": year, "funding_source": "post_2025", "schools": rate_after_2025, "seats": rate_after_2025 * school_size})
    return pd.DataFrame(rows, columns=["year", "funding_source", "schools", "seats"])


@dataclass(frozen=True)
class DeliveryRisk:
    share: float  # mean share of the planned seats ever delivered
    delay: float  # mean delay, years (Poisson)


def delivery_risks(params: dict) -> dict[str, DeliveryRisk]:
    return {s: DeliveryRisk(params[f"delivery_{s}"], params[f"delay_{s}"]) for s in FUNDING_SOURCES}


def draw_delivery(
    planned: pd.DataFrame, risks: dict[str, DeliveryRisk], concentration: float, n: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(n, rows) delivered shares and integer delays, one independent draw per planned row.

    Share ~ Beta(m * c, (1 - m) * c) with mean m = risk.share and concentration c (the
    share itself when m is 0 or 1); delay ~ Poisson(risk.delay) (0 when the mean is 0).
    """
    unknown = set(planned["funding_source"]) - set(risks)
    if unknown:
        raise ValueError(f"delivery: no risk for funding source(s) {sorted(unknown)}; expected {list(FUNDING_SOURCES)}")
    shares = np.empty((n, len(planned)))
    delays = np.empty((n, len(planned)), dtype=int)
    for j, source in enumerate(planned["funding_source"]):
        risk = risks[source]
        if 0 < risk.share < 1:
            shares[:, j] = rng.beta(risk.share * concentration, (1 - risk.share) * concentration, n)
        else:
            shares[:, j] = risk.share
        delays[:, j] = rng.poisson(risk.delay, n) if risk.delay > 0 else 0
    return shares, delays


def place_seats(planned: pd.DataFrame, shares: np.ndarray, delays: np.ndarray, years: list[int]) -> dict[str, np.ndarray]:
    """Seats first serving each school year, per funding source: (n, len(years)) arrays.

    Row j of ``planned`` delivers seats x shares[:, j] in year + delays[:, j]; seats that
    arrive after the last year are outside the horizon.
    """
    first = years[0]
    out = {s: np.zeros((shares.shape[0], len(years))) for s in FUNDING_SOURCES}
    draws = np.arange(shares.shape[0])
    for j, (year, source, seats) in enumerate(planned[["year", "funding_source", "seats"]].itertuples(index=False)):
        index = int(year) + delays[:, j] - first
        inside = (index >= 0) & (index < len(years))
        np.add.at(out[source], (draws[inside], index[inside]), seats * shares[inside, j])
    return out


def expected_seats_per_rate(risk: DeliveryRisk, school_size: int, by_year: int) -> float:
    """Expected post-2025 seats in service by ``by_year`` per school a year built from 2026."""
    total = 0.0
    for year in range(2026, by_year + 1):
        k = by_year - year
        total += sum(math.exp(-risk.delay) * risk.delay**i / math.factorial(i) for i in range(k + 1))
    return risk.share * school_size * total


# ---------------------------------------------------------------- the forecast as a whole


@dataclass
class SchoolForecast:
    school_years: list[int]  # 2021 (calibration year) to the horizon
    calibration: Calibration
    tables: dict[str, pd.DataFrame]
    deficits: dict[str, np.ndarray]  # regime -> (n, years) simulated deficits, years from 2022
    rates: dict[str, float]  # build rates after 2025: funded, used, programme need, needed to close the 2030/31 gap
    pupil_share_drift: float
    population: object = None  # the population forecast the pupils come from (results)


def deficits(state_pupils: np.ndarray, seats: np.ndarray) -> np.ndarray:
    """Pupils minus usable seats (positive = shortage); broadcasts over trajectories."""
    return state_pupils - seats


def regime_factor(shifts: float, class_size: float, current_shifts: float, current_class_size: float) -> float:
    """Usable seats under a regime relative to the current one."""
    return (shifts / current_shifts) * (class_size / current_class_size)


def schools_needed(deficit: float, school_size: int) -> int:
    return max(0, math.ceil(deficit / school_size))


def _width(x: np.ndarray) -> np.ndarray:
    lo, hi = np.quantile(x, [0.1, 0.9], axis=0)
    return hi - lo


def forecast(
    params: dict, pop, figures: pd.DataFrame, plan: pd.DataFrame, capacity: pd.DataFrame, statements: pd.DataFrame
) -> SchoolForecast:
    """Pupils, seats and deficits by school year (2021/22 to the horizon) from a population forecast (population.forecast)."""
    years = [int(y) for y in pop.years]
    if years[0] != BASE_SCHOOL_YEAR:
        raise ValueError(
            f"the school model is calibrated on {school_year(BASE_SCHOOL_YEAR)}: the population base_year must be {BASE_SCHOOL_YEAR}, got {years[0]}"
        )
    check_capacity(capacity)
    private_share = params["private_share"]
    central_cohorts = grade_cohorts(pop.central_population())
    sim_cohorts = grade_cohorts(pop.simulated_population())
    calibration = calibrate(
        central_cohorts[0], programme_figure(figures, "state_pupils_2022"), private_share, programme_figure(figures, "first_to_last")
    )
    pupils_central = pupils_by_grade(central_cohorts, calibration)
    total_central = pupils_central.sum(axis=-1)
    total_sims = pupils_by_grade(sim_cohorts, calibration).sum(axis=-1)
    n = total_sims.shape[0]

    # supply draws: seat base 2021/22 and delivery, on their own random stream
    rng = np.random.default_rng(params["seed"] + DELIVERY_SEED_OFFSET)
    ranges = seat_base_ranges(figures, statements, params["pupils_2021_excess_max"])
    pupils_2021 = rng.uniform(*ranges["pupils"], n)
    deficit_2021 = rng.uniform(*ranges["deficit"], n)
    base_seats = pupils_2021 - deficit_2021
    planned = planned_seats(plan, years[-1], rate_after_2025=params["build_rate_after_2025"], school_size=params["school_size"])
    shares, delays = draw_delivery(planned, delivery_risks(params), params["delivery_concentration"], n, rng)
    arrivals = place_seats(planned, shares, delays, years)
    on_plan = place_seats(planned, np.ones((1, len(planned))), np.zeros((1, len(planned)), dtype=int), years)
    state_sources = [s for s in FUNDING_SOURCES if s != "private"]
    new_state = sum(arrivals[s] for s in state_sources).cumsum(axis=1)
    private_open = arrivals["private"].cumsum(axis=1)
    new_private = (private_open - private_open[:, :1]) * params["private_places_from_state"]  # places open by 2022/23 are in its 292 thousand

    state_sims_pop = total_sims * (1 - private_share)  # the population part
    state_central = total_central * (1 - private_share) - new_private.mean(axis=0)
    plan_private = on_plan["private"].cumsum(axis=1)[0]
    plan_seats = base_seats.mean() + sum(on_plan[s] for s in state_sources).cumsum(axis=1)[0]
    plan_state = total_central * (1 - private_share) - (plan_private - plan_private[0]) * params["private_places_from_state"]

    regimes = {
        "current": 1.0,
        f"{params['school_shifts']}_shift_{params['class_size']}_per_class": regime_factor(
            params["school_shifts"], params["class_size"], params["current_shifts"], params["current_class_size"]
        ),
    }
    unit_cost = params["school_cost_bn"] + params["land_cost_bn"]
    rows, sims_by_regime = [], {}
    for regime, factor in regimes.items():
        seats_sims = (base_seats[:, None] + new_state) * factor
        simulated = deficits(state_sims_pop - new_private, seats_sims)
        sims_by_regime[regime] = simulated
        seats_central = seats_sims.mean(axis=0)
        central = deficits(state_central, seats_central)
        on_plan_deficit = deficits(plan_state, plan_seats * factor)
        lo, hi = np.quantile(simulated, [0.1, 0.9], axis=0)
        seats_2021 = base_seats * factor
        first = deficits(pupils_2021, seats_2021)
        rows.append(
            _row(
                SEATS_YEAR,
                regime,
                pupils_2021.mean(),
                pupils_2021.mean() / (1 - private_share) * private_share,
                seats_2021.mean(),
                first,
                first.mean(),
                first.mean(),
                params["school_size"],
                unit_cost,
            )
        )
        for i, year in enumerate(years):
            private = total_central[i] - state_central[i]
            rows.append(
                _row(
                    year, regime, state_central[i], private, seats_central[i], simulated[:, i], central[i], on_plan_deficit[i],
                    params["school_size"], unit_cost, lo[i], hi[i],
                )
            )
    tables = {"school_seats": pd.DataFrame(rows)}
    tables["school_pupils_by_grade"] = pd.DataFrame(
        [
            {"school_year": school_year(y), "grade": int(g), "pupils": round(pupils_central[i, j])}
            for i, y in enumerate(years)
            for j, g in enumerate(GRADES)
        ]
    )
    shares_central = pupil_share(total_central, central_cohorts)
    tables["school_pupil_share"] = pd.DataFrame(
        {
            "school_year": [school_year(y) for y in years],
            "school_age_children": central_cohorts.sum(axis=-1).round(),
            "pupils_all": total_central.round(),
            "pupil_share": shares_central.round(4),
        }
    )
    drift = share_drift(shares_central)
    tables["school_uncertainty"] = _uncertainty(years, state_sims_pop, base_seats, new_state + new_private)
    tables["school_build_pipeline"] = _pipeline_table(planned, arrivals, years, unit_cost)
    tables["school_targets"] = _targets(tables["school_seats"], figures, params, unit_cost)
    rates = _rates(params, figures, tables["school_seats"], years)
    tables["school_build_rates"] = _rates_table(rates, params, tables["school_seats"], years)
    pupils_district = _pupils_by_district(pop, state_central, years, params["periphery_school_age_ratio"])
    tables["school_district_deficits"] = district_deficits(pupils_district, capacity)
    return SchoolForecast([SEATS_YEAR, *years], calibration, tables, sims_by_regime, rates, drift)


def _row(year, regime, pupils, private, seats, simulated, central, on_plan, school_size, unit_cost, lo=None, hi=None) -> dict:
    if lo is None:
        lo, hi = np.quantile(simulated, [0.1, 0.9])
    needed = schools_needed(central, school_size)
    row = {
        "school_year": school_year(year),
        "pupils_state": round(pupils),
        "pupils_private": round(private),
        "seats": round(seats),
        "deficit": round(central),
        "deficit_lo_80": round(lo),
        "deficit_hi_80": round(hi),
        "deficit_on_plan": round(on_plan),
    }
    row |= {f"p_deficit_over_{t}": round(float((simulated > t).mean()), 3) for t in THRESHOLDS}
    row |= {"schools_needed": needed, "cost_bn_kzt": round(needed * unit_cost, 1), "regime": regime}
    return row


def _uncertainty(years: list[int], pupils: np.ndarray, base: np.ndarray, delivered: np.ndarray) -> pd.DataFrame:
    """Variance shares and 80% widths of the deficit's three independent parts: population, seat base, delivery."""
    parts = {"population": pupils, "seat_base": np.broadcast_to(base[:, None], pupils.shape), "delivery": delivered}
    variances = {k: v.var(axis=0) for k, v in parts.items()}
    total = sum(variances.values())
    total = np.where(total > 0, total, 1.0)
    width = _width(pupils - base[:, None] - delivered)
    frame = pd.DataFrame({"school_year": [school_year(y) for y in years], "width_80": width.round()})
    for k, v in parts.items():
        frame[f"width_80_{k}_only"] = _width(v).round()
    for k, var in variances.items():
        frame[f"variance_share_{k}"] = (var / total).round(3)
    return frame


def _pipeline_table(planned: pd.DataFrame, arrivals: dict[str, np.ndarray], years: list[int], unit_cost: float) -> pd.DataFrame:
    rows = []
    plan = planned.set_index(["year", "funding_source"])
    for source in FUNDING_SOURCES:
        expected = arrivals[source].mean(axis=0)
        lo, hi = np.quantile(arrivals[source], [0.1, 0.9], axis=0)
        for i, year in enumerate(years):
            schools = float(plan["schools"].get((year, source), 0.0))
            seats = float(plan["seats"].get((year, source), 0.0))
            if seats == 0 and expected[i] == 0:
                continue
            cost = schools * unit_cost if source in ("budget", "post_2025") else np.nan
            rows.append(
                {
                    "school_year": school_year(year),
                    "funding_source": source,
                    "schools_planned": round(schools, 2),
                    "seats_planned": round(seats),
                    "seats_expected": round(expected[i]),
                    "seats_lo_80": round(lo[i]),
                    "seats_hi_80": round(hi[i]),
                    "cost_bn_kzt": round(cost, 1),
                }
            )
    return pd.DataFrame(rows)


def _targets(seats: pd.DataFrame, figures: pd.DataFrame, params: dict, unit_cost: float) -> pd.DataFrame:
    current = seats[seats["regime"] == "current"].set_index("school_year")
    rows = []
    for key, year in (("target_2025", 2025), ("target_2030", 2030)):
        label = school_year(year)
        if label not in current.index:
            continue
        target = programme_figure(figures, key)
        projected = float(current.loc[label, "deficit"])
        extra = schools_needed(projected - target, params["school_size"])
        source = figures.set_index("figure_id").loc[FIGURES[key], "source"]
        rows.append(
            {
                "school_year": label,
                "target_deficit": target,
                "projected_deficit": projected,
                "gap": projected - target,
                "extra_schools": extra,
                "extra_cost_bn_kzt": round(extra * unit_cost, 1),
                "source": source,
            }
        )
    return pd.DataFrame(
        rows, columns=["school_year", "target_deficit", "projected_deficit", "gap", "extra_schools", "extra_cost_bn_kzt", "source"]
    )


def _rates(params: dict, figures: pd.DataFrame, seats: pd.DataFrame, years: list[int]) -> dict[str, float]:
    """Build rates after 2025: the funded one, the one used, the programme's need and the one closing the 2030/31 gap."""
    rates = {
        "funded": funded_build_rate(figures),
        "used": params["build_rate_after_2025"],
        "programme_need": programme_figure(figures, "schools_needed_per_year"),
    }
    target_year = 2030
    if target_year in years:
        risk = delivery_risks(params)["post_2025"]
        per_rate = expected_seats_per_rate(risk, params["school_size"], target_year)
        deficit = float(seats.query("regime == 'current'").set_index("school_year").loc[school_year(target_year), "deficit"])
        rates["closes_2030_gap"] = max(0.0, params["build_rate_after_2025"] + deficit / per_rate) if per_rate > 0 else math.inf
    return rates


def _rates_table(rates: dict[str, float], params: dict, seats: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Deficit in 2030/31 and at the horizon under each build rate (linear in the rate: expected seats per school a year)."""
    current = seats.query("regime == 'current'").set_index("school_year")["deficit"]
    risk = delivery_risks(params)["post_2025"]
    notes = {
        "funded": "2026-2030 budget: construction + land (line 2980) / (5.2 + 5 bn a school, line 2803) / 5 years",
        "used": "build_rate_after_2025 in this run",
        "programme_need": "'at least 6 new schools a year' are needed (line 2918): a need, not a plan",
        "closes_2030_gap": "rate after 2025 that brings the central 2030/31 deficit to zero, with the same delivery risk",
    }
    rows = []
    for name, rate in rates.items():
        row = {"rate": name, "schools_per_year": round(rate, 2), "seats_per_year": round(rate * params["school_size"])}
        for label, year in (("deficit_2030_31", 2030), ("deficit_horizon", years[-1])):
            if year in years:
                per_rate = expected_seats_per_rate(risk, params["school_size"], year)
                row[label] = round(float(current[school_year(year)]) - (rate - params["build_rate_after_2025"]) * per_rate)
            else:
                row[label] = np.nan
        rows.append(row | {"note": notes[name]})
    return pd.DataFrame(rows)


def _pupils_by_district(pop, state_pupils: np.ndarray, years: list[int], periphery_ratio: float) -> pd.DataFrame:
    """State pupils split by district population times the district's relative school-age share."""
    by_district = pop.tables["population_by_district"]
    population = by_district.pivot(index="year", columns="district", values="value").reindex(years)
    weights = pd.Series({d: periphery_ratio if d in PERIPHERY else 1.0 for d in population.columns})
    children = population.mul(weights, axis=1)
    shares = children.div(children.sum(axis=1), axis=0)
    return pd.DataFrame(
        [
            {"school_year": school_year(y), "district": d, "pupils_state": round(state_pupils[i] * shares.loc[y, d])}
            for i, y in enumerate(years)
            for d in shares.columns
        ]
    )


TOTAL_ROW = "all_districts"


def district_deficits(pupils_by_district: pd.DataFrame, capacity: pd.DataFrame) -> pd.DataFrame:
    """Deficit per district and year; a surplus never offsets another district.

    ``pupils_by_district``: school_year, district, pupils_state; ``capacity``: district,
    school_year, state_seats (empty = unknown). Every district keeps its row; seats,
    deficit and shortage are empty where the capacity is unknown. Per school year a row
    ``all_districts`` sums the pupils, the known seats and the positive deficits only
    (its ``deficit`` stays empty: district deficits are never netted).
    """
    known = capacity.dropna(subset=["state_seats"])[["district", "school_year", "state_seats"]]
    merged = pupils_by_district.merge(known, on=["district", "school_year"], how="left").rename(columns={"state_seats": "seats"})
    merged["seats"] = merged["seats"].astype(float)
    merged["deficit"] = merged["pupils_state"] - merged["seats"]
    merged["shortage"] = merged["deficit"].clip(lower=0)
    totals = merged.groupby("school_year", sort=False).agg(
        pupils_state=("pupils_state", "sum"), seats=("seats", lambda s: s.sum(min_count=1)), shortage=("shortage", lambda s: s.sum(min_count=1))
    )
    totals = totals.reset_index().assign(district=TOTAL_ROW, deficit=np.nan)
    out = pd.concat([merged, totals], ignore_index=True)
    order = {y: i for i, y in enumerate(pd.unique(pupils_by_district["school_year"]))}
    out = out.sort_values("school_year", key=lambda c: c.map(order), kind="stable").reset_index(drop=True)
    return out[["school_year", "district", "pupils_state", "seats", "deficit", "shortage"]]


def missing_capacity(capacity: pd.DataFrame) -> list[str]:
    """Districts with no typed capacity for any school year."""
    known = set(capacity.dropna(subset=["state_seats"])["district"])
    return sorted(set(capacity["district"]) - known)


_SCHOOL_YEAR = re.compile(r"^(\d{4})/(\d{2})$")


def check_capacity(capacity: pd.DataFrame) -> None:
    """school_capacity_by_district.csv: school years written 2022/23 (consecutive years) from 2021/22 on."""
    for row, label in enumerate(capacity["school_year"], start=2):
        match = _SCHOOL_YEAR.match(str(label))
        if not match or (int(match[1]) + 1) % 100 != int(match[2]) or int(match[1]) < SEATS_YEAR:
            raise ValueError(
                f"data/raw/school_capacity_by_district.csv: row {row}, column 'school_year': {label!r}; expected a school year like 2022/23 from 2021/22 on"
            )


# ---------------------------------------------------------------- backtest of what history exists


def backtest_school_counts(counts: pd.DataFrame, break_year: int = 2014, horizons: tuple = (1, 2, 3, 4, 5)):
    """Rolling-origin backtest of naive, drift and log-linear drift on the BNS count of Almaty schools.

    The 2014/15 boundary change is a level shift: the series is cut there and each part is
    backtested on its own (every origin with at least five years before it; a forecast
    is scored only against a year of the same part), so no origin sees data after it and
    no jump is scored as an error. Returns (backtest rows, accuracy per method and horizon).
    """
    series = counts.query("area == 'almaty'").set_index("start_year")["schools"].astype(float)
    methods = {"naive": evaluation.forecast_naive, "drift": evaluation.forecast_drift, "log_drift": evaluation.forecast_log_drift}
    parts = [series.loc[: break_year - 1], series.loc[break_year:]]
    rows = pd.concat(
        [evaluation.rolling_origin_backtest(part, methods, list(part.index[:-1]), list(horizons)) for part in parts], ignore_index=True
    )
    return rows, evaluation.accuracy(rows)


def validate(params: dict) -> None:
    """Check the parameters and planner inputs the school model needs beyond the schema (run before any kernel starts)."""
    if int(params["base_year"]) != BASE_SCHOOL_YEAR:
        raise ValueError(
            f"parameter 'base_year': the school model is calibrated on {school_year(BASE_SCHOOL_YEAR)}; expected {BASE_SCHOOL_YEAR}, got {params['base_year']}"
        )
    check_capacity(io.read_table("school_capacity_by_district"))


def results(params: dict) -> SchoolForecast:
    """Every school table of a resolved scenario's ``params``: the forecast on the shared population forecast and the school-count backtest."""
    pop = population.results(params)
    fc = forecast(
        params, pop, io.read_table("programme_schools"), io.read_table("programme_school_build_plan"),
        io.read_table("school_capacity_by_district"), io.read_table("dated_statements"),
    )
    fc.tables["school_backtest"] = backtest_school_counts(io.read_table("bns_schools"))[1]
    fc.population = pop
    return fc


TABLE_SOURCE = "cohort-survival projection (schools.py) on the population forecast; programme figures 001_22452510f78b59ea.txt:303, 2791-2801, 2918-2928"

# Parameters of this model, composed into every scenario by scenarios.PARAMETERS.
PARAMETERS: dict[str, Param] = {
    # -- school parameters (schools.py) --
    "school_shifts": Param(int, "shifts per school day in the regime compared with the current one (the goal: 1)", 1, min=1, max=3),
    "class_size": Param(
        int, "pupils per class in the compared regime: the programme's norm is 25 (001_22452510f78b59ea.txt:2918)", 25, min=10, max=60
    ),
    "current_shifts": Param(
        float,
        "average shifts per school day today; not in the sources: assumption (city schools commonly teach in two shifts)",
        2.0,
        min=1.0,
        max=3.0,
    ),
    "current_class_size": Param(
        float, "average pupils per class today; not in the sources (40+ in 17 schools, line 2801): assumption", 25.0, min=10.0, max=60.0
    ),
    # Delivery risk (schools.draw_delivery): share ever delivered ~ Beta(mean delivery_<s>, delivery_concentration),
    # delay ~ Poisson(delay_<s>). Track record (data/raw/dated_statements.csv): 5,100 of the 13,000 places planned for
    # 2020-2021 opened in 2021 (on-time share 0.39 = share x P(delay 0)); tests/test_schools.py recomputes the defaults.
    "delivery_budget": Param(
        float,
        "mean share of the budget schools (16.9 thousand seats, line 2920) ever delivered: judgement (state-funded projects are rarely dropped); the track record sets the delay",
        0.9,
        min=0.0,
        max=1.0,
    ),
    "delay_budget": Param(
        float, "mean delay of the budget schools, years: ln(0.9 / 0.39), so that 39% open on time as in 2020-2021 (press 2020-02-19, 2022-07-28)", 0.83, min=0.0, max=10.0
    ),
    "delivery_branch": Param(float, "mean share of the 6 school branches (3.4 thousand seats, line 2922) delivered: no track record, as budget", 0.9, min=0.0, max=1.0),
    "delay_branch": Param(float, "mean delay of the branches, years: no track record, as budget", 0.83, min=0.0, max=10.0),
    "delivery_memorandum": Param(
        float, "mean share of the 16 developer-memorandum schools (16 thousand seats, line 2924) delivered: no track record, as budget", 0.9, min=0.0, max=1.0
    ),
    "delay_memorandum": Param(float, "mean delay of the memorandum schools, years: no track record, as budget", 0.83, min=0.0, max=10.0),
    "delivery_private": Param(
        float,
        "mean share of the 10 thousand private places (26 schools, line 2928) delivered: 2021 private schools opened with 2,656 / 13 = 204 places against 385 planned a school (press 2022-07-28)",
        0.53,
        min=0.0,
        max=1.0,
    ),
    "delay_private": Param(float, "mean delay of the private schools, years: 0, 34 private schools opened in 3 years (line 2805) against 26 planned in 4", 0.0, min=0.0, max=10.0),
    "delivery_post_2025": Param(float, "mean share of the post-2025 budget schools delivered: as budget", 0.9, min=0.0, max=1.0),
    "delay_post_2025": Param(float, "mean delay of the post-2025 budget schools, years: as budget", 0.83, min=0.0, max=10.0),
    "delivery_concentration": Param(
        float,
        "concentration of the Beta draw of each delivered share (sd 0.12 at a mean 0.9): judgement, about the five plan/outcome figures of the track record",
        5.0,
        min=0.1,
        max=10_000.0,
    ),
    "build_rate_after_2025": Param(
        float,
        "standard schools a year after 2025: what the 2026-2030 budget funds, (108 + 85) bn (line 2980) / (5.2 + 5) bn a school (line 2803) / 5 years; continued after 2030 (assumption). The 'at least 6' of line 2918 is a need",
        3.78,
        min=0.0,
        max=100.0,
    ),
    "school_size": Param(int, "seats of a standard school: 1,200 (line 2803)", 1200, min=100, max=5000),
    "school_cost_bn": Param(float, "construction cost of a standard school, billion tenge: 5.2 (line 2803)", 5.2, min=0.0, max=100.0),
    "land_cost_bn": Param(float, "cost of a 3 ha plot, billion tenge: about 5 (line 2803)", 5.0, min=0.0, max=100.0),
    "pupils_2021_excess_max": Param(
        float,
        "2021/22 state pupils are 'more than 280' thousand (line 303): drawn uniformly up to 280 thousand + this (judgement: a larger number would be printed as a higher round figure)",
        5000.0,
        min=0.0,
        max=12_000.0,
    ),
    "private_share": Param(
        float,
        "share of pupils in private schools, 2021/22: 88 private schools (press 2022-07-28) x 224 pupils a private school (BNS 2019/20, 42.3 thousand / 189) against 280 thousand state pupils (line 303)",
        0.0657,
        min=0.0,
        max=0.9,
    ),
    "private_places_from_state": Param(
        float,
        "state pupils each new private place takes (1 = one for one): per-capita funding follows the pupil and the programme counts private places against the deficit (line 2918)",
        1.0,
        min=0.0,
        max=1.0,
    ),
    "periphery_school_age_ratio": Param(
        float,
        "school-age children per resident in Alatau and Nauryzbay relative to the other districts: assumption, the sources give no district ages (younger: highest child demand, line 3021)",
        1.2,
        min=0.2,
        max=5.0,
    ),
}

# Tables this model publishes (export.TABLES composes them).
TABLES: dict[str, TableSpec] = {
    "school_seats": TableSpec(
        "State-school pupils, usable seats and the seat deficit by school year from 2021/22 (the calibration year, observed), under the current regime and a compared one",
        {
            "school_year": ("", "school year starting in September, e.g. 2025/26; 2021/22 is the observed calibration year"),
            "pupils_state": ("pupils", "state-school pupils, central projection (2021/22: middle of 'more than 280' thousand)"),
            "pupils_private": ("pupils", "private-school pupils (private share plus new private places)"),
            "seats": ("seats", "usable state-school seats under the regime, expected over the delivery draws"),
            "deficit": ("seats", "pupils_state - seats; positive = shortage (central population, expected delivery)"),
            "deficit_lo_80": ("seats", "10th percentile over paired population and delivery draws (population, seat base and delivery uncertainty)"),
            "deficit_hi_80": ("seats", "90th percentile, same draws"),
            "deficit_on_plan": ("seats", "deficit if every planned school opens on time (no delivery risk)"),
            "p_deficit_over_0": ("probability", "share of draws with a shortage"),
            "p_deficit_over_5000": ("probability", "share of draws with a shortage above 5,000 seats"),
            "p_deficit_over_10000": ("probability", "share of draws with a shortage above 10,000 seats"),
            "schools_needed": ("schools", "standard schools (school_size seats) that would close the central deficit"),
            "cost_bn_kzt": ("billion KZT", "their cost: construction plus land (programme unit costs, line 2803)"),
            "regime": ("", "current (seats as the programme counts them) or N_shift_M_per_class"),
        },
        TABLE_SOURCE,
    ),
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
    "school_uncertainty": TableSpec(
        "How much of the deficit's uncertainty comes from the population, the 2021/22 seat base and the delivery of schools",
        {
            "school_year": ("", "school year starting in September"),
            "width_80": ("seats", "width of the deficit's 80% interval, all parts together"),
            "width_80_population_only": ("seats", "80% width of state pupils over the population trajectories alone"),
            "width_80_seat_base_only": ("seats", "80% width of the 2021/22 seat base alone"),
            "width_80_delivery_only": ("seats", "80% width of the seats (and private places) delivered alone"),
            "variance_share_population": ("share", "population share of the deficit's variance (parts independent: shares add to 1)"),
            "variance_share_seat_base": ("share", "seat-base share of the variance"),
            "variance_share_delivery": ("share", "delivery share of the variance"),
        },
        TABLE_SOURCE,
    ),
    "school_build_pipeline": TableSpec(
        "Seats planned and seats expected after delivery risk, by school year and funding source",
        {
            "school_year": ("", "school year the new seats first serve (commissioned by September)"),
            "funding_source": ("", "budget, branch, memorandum, private (programme 2022-2025) or post_2025 (build rate)"),
            "schools_planned": ("schools", "schools planned to open that year"),
            "seats_planned": ("seats", "seats planned to open that year"),
            "seats_expected": ("seats", "seats first serving that year, mean over the delivery draws (late seats of earlier years included)"),
            "seats_lo_80": ("seats", "10th percentile over the delivery draws"),
            "seats_hi_80": ("seats", "90th percentile"),
            "cost_bn_kzt": (
                "billion KZT",
                "planned budget and post-2025 schools at the standard unit cost (construction + land); empty where the programme gives no cost",
            ),
        },
        "build plan: 001_22452510f78b59ea.txt:2918-2928 (data/raw/programme_school_build_plan.csv); delivery track record: data/raw/dated_statements.csv",
    ),
    "school_build_rates": TableSpec(
        "Schools a year after 2025: what is funded, what the programme says is needed, and what would close the 2030/31 gap",
        {
            "rate": ("", "funded, used (this run), programme_need or closes_2030_gap"),
            "schools_per_year": ("schools per year", "standard schools commissioned a year from 2026"),
            "seats_per_year": ("seats per year", "their seats"),
            "deficit_2030_31": ("seats", "central deficit in 2030/31 at this rate (expected delivery)"),
            "deficit_horizon": ("seats", "central deficit in the last school year at this rate"),
            "note": ("", "where the rate comes from"),
        },
        "001_22452510f78b59ea.txt:2803, 2918, 2980",
    ),
    "school_targets": TableSpec(
        "The programme's deficit targets against the projected deficit (current regime)",
        {
            "school_year": ("", "target school year"),
            "target_deficit": ("seats", "programme target"),
            "projected_deficit": ("seats", "central projection"),
            "gap": ("seats", "projected - target; positive = target missed"),
            "extra_schools": ("schools", "standard schools beyond the plan needed to meet the target"),
            "extra_cost_bn_kzt": ("billion KZT", "their cost (construction + land)"),
            "source": ("", "programme line of the target"),
        },
        "targets: 001_22452510f78b59ea.txt:2984",
    ),
    "school_district_deficits": TableSpec(
        "State pupils by district, and deficits where planners filled data/raw/school_capacity_by_district.csv (never netted across districts)",
        {
            "school_year": ("", "school year"),
            "district": ("", "district slug, or all_districts: pupils and known seats summed, positive deficits only"),
            "pupils_state": ("pupils", "state pupils in the district: city pupils by district population x relative school-age share"),
            "seats": ("seats", "usable state seats from the planners' table; empty = not filled in"),
            "deficit": ("seats", "pupils_state - seats; empty where seats are unknown and in the all_districts row"),
            "shortage": ("seats", "deficit where positive, else 0; all_districts: the sum of the districts' shortages"),
        },
        "data/raw/school_capacity_by_district.csv; population_by_district",
    ),
    "school_backtest": TableSpec(
        "Rolling-origin backtest of naive, drift and log-linear drift on the BNS count of Almaty schools (no pupil series exists to mid-2022)",
        {
            "method": ("", "naive, drift, log_drift"),
            "horizon": ("years", "years ahead of the origin"),
            "mape": ("percent", "mean absolute percentage error"),
            "bias": ("percent", "mean signed percentage error; positive = over-forecast"),
            "mase": ("ratio", "mean absolute error / mean absolute yearly change of the training window"),
            "coverage_80": ("share", "share of actual values inside the 80% interval (0-1; 0.8 is ideal)"),
            "coverage_95": ("share", "share of actual values inside the 95% interval (0-1; 0.95 is ideal)"),
            "n": ("count", "forecasts scored"),
        },
        "schools.backtest_school_counts on data/raw/bns_schools.csv (series cut at the 2014 boundary change)",
    ),
    # -- summary tables (summary.py, notebook 90_summary) --
}
