"""School-seat deficit: state-school pupils from the projected population against seats from the build programme.

Method (cohort survival, as used in school-place planning):

* **Pupils by grade.** Grade 1 in the school year starting in September t takes the
  children aged 6 on 1 September: ``entry_split`` of those aged 5 on 1 January t plus
  the rest of those aged 6. Grade g holds the same mix of ages 4+g and 5+g. A pupil in
  grade g moves to grade g+1 next year with the grade-progression ratio
  GPR_g(t) = cohort of grade g+1 in t+1 / cohort of grade g in t (taken from the
  population projection, so it carries the migration of children) times the retention
  at that step (1, except the 9→10 transition to upper secondary).
* **Calibration (base school year 2022/23).** The coverage of the cohorts and the 9→10
  transition are set so that all schools together hold the programme's 292 thousand
  state pupils plus the private share, and first-graders are about twice the graduates
  (programme, lines 303, 2791, 2793).
* **Extra inflow.** The population projection implies less growth of pupils than the
  programme reports (12–14 thousand state pupils a year, line 2793; 280 → 292 thousand,
  line 303): ``extra_pupil_inflow`` pupils a year (children of migrants beyond the
  migration age profile) close that gap in the first projected year; 0 keeps pupils
  strictly consistent with the population projection.
* **State and private.** Private pupils are ``private_share`` of all pupils plus the new
  private places of the build programme (assumed filled by pupils who would otherwise
  be in state schools).
* **Seats.** Usable state seats in 2021/22 are the state pupils minus the programme's
  deficit (280 − 19.6 thousand; lines 303, 2801), i.e. seats as the programme counts
  them under the current shift pattern and class sizes. New schools add their seats in
  the September of the year they are commissioned, times the delivery share, after the
  delay, for each funding source; after 2025 ``build_rate_after_2025`` standard schools a
  year. Under another regime usable seats scale by shifts/current_shifts and
  class size/current class size.
* **Deficit** = state pupils − usable seats (positive = shortage), per trajectory of the
  population simulation: intervals and probabilities of exceeding thresholds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

GRADES = np.arange(1, 12)
BASE_SCHOOL_YEAR = 2022  # 2022/23: the year of the programme's 292 thousand state pupils (line 303)
SEATS_YEAR = 2021  # 2021/22: the year of the 19.6 thousand seat deficit (line 2801)
FUNDING_SOURCES = ("budget", "branch", "memorandum", "private")
THRESHOLDS = (0, 5_000, 10_000)  # deficit thresholds for probabilities, seats
ENTRY_SPLIT = 8 / 12  # share of grade-1 entrants aged 5 on 1 January (birthdays Jan-Aug, evenly spread)
UPPER_SECONDARY_GRADE = 10  # the transition 9 -> 10 is where pupils leave for colleges


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


def pupils_by_grade(cohorts: np.ndarray, calibration: Calibration, extra_inflow: float = 0.0) -> np.ndarray:
    """(..., years, 11) pupils in all schools by the grade-progression method.

    Year 0 is the calibrated base year; grade 1 enters from its cohort, every other grade
    is last year's previous grade times its progression ratio. ``extra_inflow`` pupils a
    year arrive on top of the population cohorts, spread over the grades like the base year.
    """
    retention = np.where(GRADES[1:] == UPPER_SECONDARY_GRADE, calibration.transition, 1.0)
    weights = np.where(GRADES >= UPPER_SECONDARY_GRADE, calibration.transition, 1.0)
    pupils = np.empty_like(cohorts)
    pupils[..., 0, :] = calibration.coverage * cohorts[..., 0, :] * weights
    spread = weights / weights.sum()
    for t in range(1, cohorts.shape[-2]):
        progression = cohorts[..., t, 1:] / cohorts[..., t - 1, :-1] * retention
        pupils[..., t, 0] = calibration.coverage * cohorts[..., t, 0]
        pupils[..., t, 1:] = pupils[..., t - 1, :-1] * progression
        pupils[..., t, :] += extra_inflow * spread
    return pupils


def calibrate_extra_inflow(cohorts: np.ndarray, calibration: Calibration, private_share: float, state_growth: float) -> float:
    """Extra pupils a year so that state pupils grow by ``state_growth`` in the first projected year."""
    without = pupils_by_grade(cohorts[:2], calibration).sum(axis=-1)
    return float(state_growth / (1 - private_share) - (without[1] - without[0]))


def pipeline(
    plan: pd.DataFrame, years: range, *, delivery: dict[str, float], delay: dict[str, int], rate_after_2025: float, school_size: int
) -> pd.DataFrame:
    """Seats delivered by year (September) and funding source, after delivery shares and delays.

    The programme gives schools by year and seats per funding source for 2022-2025;
    a source's seats are spread over its years in proportion to the schools; sources
    with no yearly split (private) are spread evenly over 2022-2025. After 2025,
    ``rate_after_2025`` schools of ``school_size`` seats a year (state budget).
    """
    for mapping, name in ((delivery, "delivery"), (delay, "delay")):
        unknown = set(mapping) - set(FUNDING_SOURCES)
        if unknown:
            raise ValueError(f"{name}: unknown funding source(s) {sorted(unknown)}; expected {list(FUNDING_SOURCES)}")
    rows = []
    for source in FUNDING_SOURCES:
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
            rows.append(
                {
                    "year": int(row["year"]) + int(delay.get(source, 0)),
                    "funding_source": source,
                    "schools": float(row["schools"]) * delivery.get(source, 1.0),
                    "seats": seats * share * delivery.get(source, 1.0),
                }
            )
    for year in years:
        if year > 2025:
            rows.append({"year": year, "funding_source": "post_2025", "schools": rate_after_2025, "seats": rate_after_2025 * school_size})
    frame = pd.DataFrame(rows)
    return frame[frame["year"].isin(list(years))].reset_index(drop=True)


def deficits(state_pupils: np.ndarray, seats: np.ndarray) -> np.ndarray:
    """Pupils minus usable seats (positive = shortage); broadcasts over trajectories."""
    return state_pupils - seats


def regime_factor(shifts: float, class_size: float, current_shifts: float, current_class_size: float) -> float:
    """Usable seats under a regime relative to the current one."""
    return (shifts / current_shifts) * (class_size / current_class_size)


def schools_needed(deficit: float, school_size: int) -> int:
    return max(0, math.ceil(deficit / school_size))


def district_deficits(pupils_by_district: pd.DataFrame, capacity: pd.DataFrame) -> pd.DataFrame:
    """Deficit per district and year where capacity is given; a surplus never offsets another district.

    ``pupils_by_district``: school_year, district, pupils_state; ``capacity``: district,
    school_year, state_seats (empty = unknown). Returns school_year, district,
    pupils_state, seats, deficit, shortage (deficit where positive, else 0).
    """
    known = capacity.dropna(subset=["state_seats"])
    merged = pupils_by_district.merge(known, on=["district", "school_year"], how="inner")
    merged = merged.rename(columns={"state_seats": "seats"})
    merged["deficit"] = merged["pupils_state"] - merged["seats"]
    merged["shortage"] = merged["deficit"].clip(lower=0)
    return merged[["school_year", "district", "pupils_state", "seats", "deficit", "shortage"]]


# ---------------------------------------------------------------- the forecast as a whole

FIGURES = {  # programme_schools.csv figure ids the model uses
    "state_pupils_2021": "pupils_state_2021",
    "state_pupils_2022": "pupils_state_2022",
    "deficit_2021": "seat_deficit_2021_l2801",
    "first_to_last": "first_graders_to_graduates",
    "target_2025": "seat_deficit_target_2025",
    "target_2030": "seat_deficit_target_2030",
}


@dataclass
class SchoolForecast:
    school_years: list[int]
    calibration: Calibration
    tables: dict[str, pd.DataFrame]
    deficits: dict[str, np.ndarray]  # regime -> (n, years) simulated deficits


def programme_figure(figures: pd.DataFrame, key: str) -> float:
    """A programme figure by key of FIGURES, in persons/seats (thousands converted)."""
    row = figures.set_index("figure_id").loc[FIGURES[key]]
    return float(row["value"]) * (1000 if str(row["unit"]).startswith("thousand") else 1)


def forecast(params: dict, pop, figures: pd.DataFrame, plan: pd.DataFrame, capacity: pd.DataFrame) -> SchoolForecast:
    """Pupils, seats and deficits by school year from a population forecast (population.forecast)."""
    years = [int(y) for y in pop.years]
    if years[0] != BASE_SCHOOL_YEAR:
        raise ValueError(
            f"the school model is calibrated on {school_year(BASE_SCHOOL_YEAR)}: the population base_year must be {BASE_SCHOOL_YEAR}, got {years[0]}"
        )
    central = grade_cohorts(pop.central["population"][0])
    sims = grade_cohorts(pop.trajectories)
    calibration = calibrate(
        central[0], programme_figure(figures, "state_pupils_2022"), params["private_share"], programme_figure(figures, "first_to_last")
    )
    pupils_central = pupils_by_grade(central, calibration, params["extra_pupil_inflow"])
    pupils_sims = pupils_by_grade(sims, calibration, params["extra_pupil_inflow"])

    delivery = {s: params[f"delivery_{s}"] for s in FUNDING_SOURCES}
    delay = {s: params[f"delay_{s}"] for s in FUNDING_SOURCES}
    built = pipeline(
        plan,
        range(SEATS_YEAR, years[-1] + 1),
        delivery=delivery,
        delay=delay,
        rate_after_2025=params["build_rate_after_2025"],
        school_size=params["school_size"],
    )
    by_year = (
        built.pivot_table(index="year", columns="funding_source", values="seats", aggfunc="sum")
        .reindex(range(SEATS_YEAR, years[-1] + 1))
        .fillna(0)
    )
    state_sources = [c for c in by_year.columns if c != "private"]
    seats_2021 = programme_figure(figures, "state_pupils_2021") - programme_figure(figures, "deficit_2021")
    state_seats = (seats_2021 + by_year[state_sources].sum(axis=1).loc[SEATS_YEAR + 1 :].cumsum()).reindex(years).to_numpy()
    private_places = by_year.get("private", pd.Series(0.0, index=by_year.index)).cumsum().reindex(years).to_numpy()
    private_places = private_places - private_places[0]  # places open by the base year are in its 292 thousand already

    def split(total):
        private = params["private_share"] * total + private_places
        return total - private, private

    state_central, private_central = split(pupils_central.sum(axis=-1))
    state_sims, _ = split(pupils_sims.sum(axis=-1))
    regimes = {
        "current": 1.0,
        f"{params['school_shifts']}_shift_{params['class_size']}_per_class": regime_factor(
            params["school_shifts"], params["class_size"], params["current_shifts"], params["current_class_size"]
        ),
    }
    unit_cost = params["school_cost_bn"] + params["land_cost_bn"]
    rows, sims_by_regime = [], {}
    for regime, factor in regimes.items():
        seats = state_seats * factor
        central_deficit = deficits(state_central, seats)
        simulated = deficits(state_sims, seats)
        sims_by_regime[regime] = simulated
        lo, hi = np.quantile(simulated, [0.1, 0.9], axis=0)
        for i, year in enumerate(years):
            needed = schools_needed(central_deficit[i], params["school_size"])
            row = {
                "school_year": school_year(year),
                "pupils_state": round(state_central[i]),
                "pupils_private": round(private_central[i]),
                "seats": round(seats[i]),
                "deficit": round(central_deficit[i]),
                "deficit_lo_80": round(lo[i]),
                "deficit_hi_80": round(hi[i]),
            }
            row |= {f"p_deficit_over_{t}": round(float((simulated[:, i] > t).mean()), 3) for t in THRESHOLDS}
            row |= {"schools_needed": needed, "cost_bn_kzt": round(needed * unit_cost, 1), "regime": regime}
            rows.append(row)
    tables = {"school_seats": pd.DataFrame(rows)}
    tables["school_pupils_by_grade"] = pd.DataFrame(
        [
            {"school_year": school_year(y), "grade": int(g), "pupils": round(pupils_central[i, j])}
            for i, y in enumerate(years)
            for j, g in enumerate(GRADES)
        ]
    )
    shown = built[built["year"] >= BASE_SCHOOL_YEAR].copy()
    shown["school_year"] = shown["year"].map(school_year)
    shown["cost_bn_kzt"] = np.where(shown["funding_source"].isin(["budget", "post_2025"]), shown["schools"] * unit_cost, np.nan)
    tables["school_build_pipeline"] = shown[["school_year", "funding_source", "schools", "seats", "cost_bn_kzt"]].round(
        {"schools": 2, "seats": 0, "cost_bn_kzt": 1}
    )
    tables["school_targets"] = _targets(tables["school_seats"], figures, params, unit_cost)
    tables["school_district_deficits"] = district_deficits(_pupils_by_district(pop, state_central, years), capacity)
    return SchoolForecast(years, calibration, tables, sims_by_regime)


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


def _pupils_by_district(pop, state_pupils: np.ndarray, years: list[int]) -> pd.DataFrame:
    """State pupils split by each district's share of the city population (same age structure assumed)."""
    by_district = pop.tables["population_by_district"]
    shares = by_district.pivot(index="year", columns="district", values="value")
    shares = shares.div(shares.sum(axis=1), axis=0).reindex(years)
    rows = [
        {"school_year": school_year(y), "district": d, "pupils_state": round(state_pupils[i] * shares.loc[y, d])}
        for i, y in enumerate(years)
        for d in shares.columns
    ]
    return pd.DataFrame(rows)


def validate(params: dict) -> None:
    """Check the parameters the school model needs beyond the schema (run before any kernel starts)."""
    if int(params["base_year"]) != BASE_SCHOOL_YEAR:
        raise ValueError(
            f"parameter 'base_year': the school model is calibrated on {school_year(BASE_SCHOOL_YEAR)}; expected {BASE_SCHOOL_YEAR}, got {params['base_year']}"
        )
