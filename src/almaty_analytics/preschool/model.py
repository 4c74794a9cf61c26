"""Pre-school places: children by single age from the population trajectories, the base year's coverage and queues,
places planned by source with delivery risk, and the queue, coverage and targets by kindergarten year."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import keyfigures
from ..schools.pupils import backcast_population
from ..schools.supply import DeliveryRisk, draw_delivery
from ..tablespec import TableSpec

# "from a to 6" read as completed ages a..5 on 1 January (children of 6 enter grade 1, enrolment.grade_cohorts): the reading under which
# the programme's 71% (ages 2-6) and 91% (ages 3-6) leave a positive coverage of age 2 (see Base.coverage_age_2)
AGES_1_6, AGES_2_6, AGES_3_6 = range(1, 6), range(2, 6), range(3, 6)
SOURCES = ("state", "memorandum", "state_order")
DELIVERY_SEED_OFFSET = 11  # the delivery draws use their own random stream (seed + 11), independent of the population's and the schools'
KEY_FIGURES = "preschool_key_figures"
# programme figures the model reads (data/raw/programme_preschool.csv figure_id)
FIGURES = {
    "coverage_3_6": "coverage_3_6_2022", "coverage_2_6": "coverage_2_6_2022", "queue_1_6": "queue_1_6_2022", "queue_3_6": "queue_3_6_2022",
    "target_queue_2025": "target_queue_3_6_2025", "target_coverage_2025": "target_coverage_2025", "target_coverage_2030": "target_coverage_2030",
    "state_2025": "state_places_2025", "memorandum_2025": "memorandum_places_2025", "memorandum_2030": "memorandum_places_2030",
    "state_order_2025": "state_order_places_2025", "state_order_2030": "state_order_places_2030",
    "enrolled": "enrolled_2022", "enrolled_before": "enrolled_2017",
    "cost_budget": "cost_construction_budget_2030", "cost_memorandum": "cost_construction_memorandum_2030", "cost_total": "cost_total_2030",
}
# what each source plans: (figure of the places, first and last year the places are commissioned, evenly)
PLAN = {
    "state": (("state_2025", 2023, 2025),),
    "memorandum": (("memorandum_2025", 2023, 2025), ("memorandum_2030", 2026, 2030)),
    "state_order": (("state_order_2025", 2023, 2025), ("state_order_2030", 2026, 2030)),
}
# the programme's targets the model scores and report 25 shows: (name, key of FIGURES, kind)
TARGETS = (("queue_2025", "target_queue_2025", "queue"), ("coverage_2025", "target_coverage_2025", "coverage"),
           ("coverage_2030", "target_coverage_2030", "coverage"))


def figure(figures: pd.DataFrame, key: str) -> float:
    """A programme figure by key of FIGURES in persons, places, shares (percent / 100) or billion KZT."""
    ids = figures.set_index("figure_id")
    if FIGURES[key] not in ids.index:
        raise ValueError(f"programme_preschool.csv: no row with figure_id {FIGURES[key]!r}")
    row = ids.loc[FIGURES[key]]
    unit = str(row["unit"])
    return float(row["value"]) * (1000 if unit.startswith("thousand") else 0.01 if unit == "percent" else 1)


def figure_year(figures: pd.DataFrame, key: str) -> int:
    return int(figures.set_index("figure_id").loc[FIGURES[key], "ref_year"])


def last_target(figures: pd.DataFrame) -> tuple[int, str]:
    """The year of the programme's last target (TARGETS) and its figure id: a projection to an earlier horizon cannot score it."""
    return max((figure_year(figures, key), FIGURES[key]) for _, key, _ in TARGETS)


def children(population: np.ndarray, ages: range) -> np.ndarray:
    """Children of completed ages ``ages`` on 1 January: (..., 2, 101) population -> (...)."""
    return population[..., list(ages)].sum(axis=(-2, -1))


def demand_rate(base_children: float, base_covered: float, base_queue: float) -> float:
    """Places wanted per child in the base year: children covered plus children queueing, per child of the ages."""
    return (base_covered + base_queue) / base_children


def queue(children_now, base_children: float, base_covered: float, base_queue: float, places_added):
    """The queue after the base year (the stock-flow identity demand = covered + queue, held at the base year's rate per child).

    queue(t) = max(0, base_queue + d x (children(t) - base_children) - places_added(t)), d = demand_rate: every new child wants a
    place at the base year's rate, every new place takes one child off the queue. Broadcasts over trajectories.
    """
    d = demand_rate(base_children, base_covered, base_queue)
    return np.maximum(0.0, base_queue + d * (np.asarray(children_now) - base_children) - places_added)


def coverage(children_now, base_children: float, base_covered: float, base_queue: float, places_added):
    """Children covered per child: the base year's covered plus the places added, at most the places wanted and every child."""
    wanted = demand_rate(base_children, base_covered, base_queue) * np.asarray(children_now)
    return np.minimum(1.0, np.minimum(wanted, base_covered + places_added) / children_now)


@dataclass(frozen=True)
class Base:
    """The base year (2022, the programme's figures) as the model reads it."""

    year: int
    children_1_6: float  # completed ages 1-5 on 1 January of the base year (central population, backcast when before it)
    children_3_6: float
    covered_1_6: float  # coverage of ages 2-6 x their children (age 1: none stated, taken as 0)
    covered_3_6: float
    queue_1_6: float
    queue_3_6: float
    coverage_age_2: float  # implied: (71% of ages 2-5 - 91% of ages 3-5) / age 2, the check of the age reading
    share_3_6_low: float  # lower bound of the share of new places going to ages 3-6: their share of the queue

    def demand_rate(self, group: str) -> float:
        return demand_rate(getattr(self, f"children_{group}"), getattr(self, f"covered_{group}"), getattr(self, f"queue_{group}"))


def base_population(pop, year: int) -> np.ndarray:
    """(2, 101) central population on 1 January ``year``: the projection's, or its first year's backcast (Hamilton-Perry reversed)."""
    years = [int(y) for y in pop.years]
    central = pop.central_population()
    if year in years:
        return central[years.index(year)]
    if year < years[0]:
        return backcast_population(central, years[0] - year)
    raise ValueError(f"pre-school base year {year} is after the population's first year {years[0]}; expected it at or before")


def base_year(pop, figures: pd.DataFrame) -> Base:
    year = figure_year(figures, "coverage_3_6")
    population = base_population(pop, year)
    n16, n26, n36 = (float(children(population, ages)) for ages in (AGES_1_6, AGES_2_6, AGES_3_6))
    covered_26, covered_36 = figure(figures, "coverage_2_6") * n26, figure(figures, "coverage_3_6") * n36
    q16, q36 = figure(figures, "queue_1_6"), figure(figures, "queue_3_6")
    age_2 = float(population[:, 2].sum())
    return Base(year, n16, n36, covered_26, covered_36, q16, q36, (covered_26 - covered_36) / age_2, q36 / q16)


def planned_places(figures: pd.DataFrame) -> pd.DataFrame:
    """Places planned by commissioning year and source (year, source, places): each stated total spread evenly over its years."""
    rows = []
    for source, parts in PLAN.items():
        for key, first, last in parts:
            total = figure(figures, key)
            rows += [{"year": y, "source": source, "places": total / (last - first + 1)} for y in range(first, last + 1)]
    return pd.DataFrame(rows, columns=["year", "source", "places"])


def risks(params: dict) -> dict[str, DeliveryRisk]:
    return {s: DeliveryRisk(params[f"preschool_delivery_{s}"], params[f"preschool_delay_{s}"]) for s in SOURCES}


def place_arrivals(planned: pd.DataFrame, shares: np.ndarray, delays: np.ndarray, years: list[int]) -> dict[str, np.ndarray]:
    """(n, len(years)) places first serving each kindergarten year, per source: row j delivers places x share in year + delay."""
    out = {s: np.zeros((shares.shape[0], len(years))) for s in SOURCES}
    draws = np.arange(shares.shape[0])
    for j, (year, source, places) in enumerate(planned[["year", "source", "places"]].itertuples(index=False)):
        index = np.maximum(int(year) + delays[:, j] - years[0], 0)
        inside = index < len(years)
        np.add.at(out[source], (draws[inside], index[inside]), places * shares[inside, j])
    return out


@dataclass
class PreschoolForecast:
    """Everything the pre-school report shows: the published tables and the typed values behind them."""

    base: Base
    years: list[int]  # the base year, then the projected years to the horizon
    tables: dict[str, pd.DataFrame]
    queue_3_6: np.ndarray  # (n, years) simulated queue of ages 3-6
    coverage_3_6: np.ndarray  # (n, years)
    population_digest: str = ""
    sources: dict[str, pd.DataFrame] = field(default_factory=dict)

    def target(self, name: str) -> pd.Series:
        """The ``preschool_targets`` row of target ``name`` (queue_2025, coverage_2025, coverage_2030)."""
        return self.tables["preschool_targets"].set_index("target").loc[name]


def _band(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = np.quantile(x, [0.1, 0.9], axis=0)
    return lo, hi


def forecast(params: dict, pop, figures: pd.DataFrame) -> PreschoolForecast:
    """The queue and coverage by kindergarten year, base year to horizon, on every population trajectory paired with a delivery draw."""
    base = base_year(pop, figures)
    pop_years = [int(y) for y in pop.years]
    projected = [y for y in pop_years if y > base.year]
    years = [base.year, *projected]
    index = [pop_years.index(y) for y in projected]
    simulated, central = pop.simulated_population()[:, index], pop.central_population()[index]
    n = simulated.shape[0]
    rng = np.random.default_rng(params["seed"] + DELIVERY_SEED_OFFSET)
    planned = planned_places(figures)
    shares, delays = draw_delivery(planned.rename(columns={"source": "funding_source"}), risks(params), params["preschool_delivery_concentration"], n, rng)
    arrivals = place_arrivals(planned, shares, delays, years)
    added = sum(arrivals.values()).cumsum(axis=1)  # (n, years) new places in service, the base year's column is 0
    share_3_6 = rng.uniform(base.share_3_6_low, 1.0, n)[:, None]  # share of new places going to ages 3-6: no source splits them

    def paths(group: str, ages: range, places: np.ndarray, mean_places: np.ndarray):
        base_n, base_c, base_q = getattr(base, f"children_{group}"), getattr(base, f"covered_{group}"), getattr(base, f"queue_{group}")
        n_sim = np.concatenate([np.full((n, 1), base_n), children(simulated, ages)], axis=1)
        n_central = np.concatenate([[base_n], children(central, ages)])
        sim = queue(n_sim, base_n, base_c, base_q, places), coverage(n_sim, base_n, base_c, base_q, places)
        mid = queue(n_central, base_n, base_c, base_q, mean_places), coverage(n_central, base_n, base_c, base_q, mean_places)
        return n_central, n_sim, sim, mid

    mean_share = (base.share_3_6_low + 1.0) / 2
    n16, _, (q16, _), (q16_c, _) = paths("1_6", AGES_1_6, added, added.mean(axis=0))
    n36, n36_sim, (q36, cov36), (q36_c, cov36_c) = paths("3_6", AGES_3_6, share_3_6 * added, mean_share * added.mean(axis=0))
    on_plan = sum(place_arrivals(planned, np.ones((1, len(planned))), np.zeros((1, len(planned)), dtype=int), years).values()).cumsum(axis=1)
    _, _, _, (q36_plan, _) = paths("3_6", AGES_3_6, mean_share * on_plan, mean_share * on_plan[0])
    rows = []
    for i, year in enumerate(years):
        row = {"year": year, "children_1_6": round(n16[i]), "children_3_6": round(n36[i]), "places_added": round(float(added[:, i].mean()))}
        for name, sim, mid in (("queue_1_6", q16, q16_c), ("queue_3_6", q36, q36_c)):
            lo, hi = np.quantile(sim[:, i], [0.1, 0.9])
            row |= {name: round(mid[i]), f"{name}_lo_80": round(lo), f"{name}_hi_80": round(hi)}
        lo, hi = np.quantile(cov36[:, i], [0.1, 0.9])
        row |= {"queue_3_6_on_plan": round(q36_plan[i])}
        row |= {"coverage_3_6": round(cov36_c[i], 4), "coverage_3_6_lo_80": round(lo, 4), "coverage_3_6_hi_80": round(hi, 4)}
        rows.append(row)
    queue_table = pd.DataFrame(rows)
    targets = _targets(params, figures, years, (n36, n36_sim), share_3_6, q36, q36_c, cov36, cov36_c, base)
    tables = {
        "preschool_queue": queue_table,
        "preschool_places": _places_table(planned, arrivals, years),
        "preschool_targets": targets,
        "preschool_unit_costs": unit_costs(figures),
    }
    tables[KEY_FIGURES] = key_figures_table(queue_table, targets)
    return PreschoolForecast(base, years, tables, q36, cov36)


def _targets(params, figures, years, n36: tuple[np.ndarray, np.ndarray], share, q36, q36_c, cov36, cov36_c, base: Base) -> pd.DataFrame:
    """Each target: the projection, the chance of meeting it, and the places (and money) beyond the plan it would take.

    Extra places per draw: the queue above the target, or the children short of the target coverage, divided by the draw's share of
    new places going to ages 3-6; "central" on the central path with the expected delivery and share, "p90" the 90th percentile.
    """
    cost = params["preschool_place_cost_mn"] / 1000  # billion KZT a place
    rows = []
    mean_share = (base.share_3_6_low + 1.0) / 2
    for name, key, kind in TARGETS:
        year, target = figure_year(figures, key), figure(figures, key)
        if year not in years:
            continue
        i = years.index(year)
        if kind == "queue":
            projected, sim, met = q36_c[i], q36[:, i], q36[:, i] <= target
            short_sim, short_c = np.maximum(0.0, sim - target), max(0.0, projected - target)
        else:
            projected, sim, met = cov36_c[i], cov36[:, i], cov36[:, i] >= target
            short_sim = np.maximum(0.0, target - sim) * n36[1][:, i]  # children of each trajectory
            short_c = max(0.0, target - projected) * n36[0][i]
        extra_sim, extra_c = short_sim / share[:, 0], short_c / mean_share
        lo, hi = np.quantile(sim, [0.1, 0.9])
        p90 = float(np.quantile(extra_sim, 0.9))
        source = figures.set_index("figure_id").loc[FIGURES[key], "source"]
        rows.append({
            "target": name, "year": year, "target_value": target, "projected": round(projected, 4), "lo_80": round(lo, 4), "hi_80": round(hi, 4),
            "probability": round(float(met.mean()), 3), "extra_places": round(extra_c), "extra_places_p90": round(p90),
            "cost_bn_kzt": round(extra_c * cost, 1), "cost_bn_kzt_p90": round(p90 * cost, 1), "source": source,
        })
    return pd.DataFrame(rows)


def _places_table(planned: pd.DataFrame, arrivals: dict[str, np.ndarray], years: list[int]) -> pd.DataFrame:
    rows = []
    plan = planned.groupby(["year", "source"])["places"].sum()
    for source in SOURCES:
        expected = arrivals[source].mean(axis=0)
        lo, hi = np.quantile(arrivals[source], [0.1, 0.9], axis=0)
        for i, year in enumerate(years):
            places = float(plan.get((year, source), 0.0))
            if places == 0 and expected[i] == 0:
                continue
            rows.append({"year": year, "source": source, "places_planned": round(places), "places_expected": round(expected[i]),
                         "places_lo_80": round(lo[i]), "places_hi_80": round(hi[i])})
    return pd.DataFrame(rows, columns=["year", "source", "places_planned", "places_expected", "places_lo_80", "places_hi_80"])


def unit_costs(figures: pd.DataFrame) -> pd.DataFrame:
    """The programme's cost per place under each reading: memorandum money / memorandum places, budget money / state places."""
    memorandum = figure(figures, "memorandum_2025") + figure(figures, "memorandum_2030")
    ids = figures.set_index("figure_id")
    state_l662 = float(ids.loc["state_places_2025_l662", "value"]) * 1000 if "state_places_2025_l662" in ids.index else np.nan
    rows = [
        ("memorandum", memorandum, figure(figures, "cost_memorandum"), "001_22452510f78b59ea.txt:3039; 3073"),
        ("state", figure(figures, "state_2025"), figure(figures, "cost_budget"), "001_22452510f78b59ea.txt:3037; 3073"),
        ("state_line_662", state_l662, figure(figures, "cost_budget"), "001_22452510f78b59ea.txt:662; 3073"),
    ]
    return pd.DataFrame(
        [{"source": s, "places": round(p), "cost_bn_kzt": c, "cost_mn_kzt_per_place": round(c * 1000 / p, 2), "citation": cite} for s, p, c, cite in rows]
    )


def key_figures_table(queue_table: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """The pre-school key figures (keyfigures layout): the queue of ages 3-6 by kindergarten year with its 80% interval; the chance of
    meeting the programme's target of the year (2025: the queue target, 2030: the coverage target) and the queue target."""
    by_year = targets.drop_duplicates("year").set_index("year")  # the first target of a year: 2025 the queue, 2030 the coverage
    years = queue_table["year"]
    series = pd.DataFrame({
        "year": years, "value": queue_table["queue_3_6"], "lo_80": queue_table["queue_3_6_lo_80"], "hi_80": queue_table["queue_3_6_hi_80"],
        "probability": years.map(by_year["probability"]).to_numpy(),
        "target": years.map(targets[targets["target"] == "queue_2025"].set_index("year")["target_value"]).to_numpy(),
    })
    return keyfigures.table("queue", "ages_3_6", "children", series)


TABLE_SOURCE = "stock-flow queue model (preschool/model.py) on the population forecast; programme figures 001_22452510f78b59ea.txt:305, 662, 3005-3085"
TABLES: dict[str, TableSpec] = {
    "preschool_queue": TableSpec(
        "Kindergarten queue and coverage by kindergarten year (September), the programme's base year 2022 then the projection",
        {
            "year": ("year", "kindergarten year starting in September; children on 1 January of that year; the first row is the base year 2022"),
            "children_1_6": ("persons", "children of completed ages 1-5 on 1 January (the programme's '1 to 6'), central projection"),
            "children_3_6": ("persons", "children of completed ages 3-5 on 1 January (the programme's '3 to 6'), central projection"),
            "places_added": ("places", "new places in service since the base year, all sources, expected over the delivery draws"),
            "queue_1_6": ("children", "queue of ages 1-6, central population and expected delivery (base year: line 305)"),
            "queue_1_6_lo_80": ("children", "10th percentile over paired population and delivery draws"),
            "queue_1_6_hi_80": ("children", "90th percentile"),
            "queue_3_6": ("children", "queue of ages 3-6, central; new places reach it at the drawn share (uniform between its share of the queue and 1)"),
            "queue_3_6_lo_80": ("children", "10th percentile"),
            "queue_3_6_hi_80": ("children", "90th percentile"),
            "queue_3_6_on_plan": ("children", "queue of ages 3-6 if every planned place opens on time (central population, mean share to ages 3-6)"),
            "coverage_3_6": ("share", "children of ages 3-6 covered per child, central (base year: 91%, line 305)"),
            "coverage_3_6_lo_80": ("share", "10th percentile"),
            "coverage_3_6_hi_80": ("share", "90th percentile"),
        },
        TABLE_SOURCE,
    ),
    "preschool_places": TableSpec(
        "New pre-school places planned and expected after delivery risk, by kindergarten year and source",
        {
            "year": ("year", "kindergarten year the places first serve (commissioned by September)"),
            "source": ("", "state (state kindergartens), memorandum (developer memoranda) or state_order (state-ordered places in private kindergartens)"),
            "places_planned": ("places", "places planned that year: each stated total spread evenly over 2023-2025 or 2026-2030"),
            "places_expected": ("places", "places first serving that year, mean over the delivery draws (late places of earlier years included)"),
            "places_lo_80": ("places", "10th percentile over the delivery draws"),
            "places_hi_80": ("places", "90th percentile"),
        },
        "plans: 001_22452510f78b59ea.txt:3037, 3039, 3043 (also 662); delivery record of state-ordered places: line 3015",
    ),
    "preschool_targets": TableSpec(
        "The programme's pre-school targets: projection, chance of meeting them, and the places and money beyond the plan they would take",
        {
            "target": ("", "queue_2025 (queue of ages 3-6 at most 3.8 thousand), coverage_2025 (97%) or coverage_2030 (99%)"),
            "year": ("year", "kindergarten year of the target"),
            "target_value": ("see target", "children (queue) or share (coverage)"),
            "projected": ("see target", "central projection"),
            "lo_80": ("see target", "10th percentile over the draws"),
            "hi_80": ("see target", "90th percentile"),
            "probability": ("probability", "share of draws meeting the target"),
            "extra_places": ("places", "places beyond the plan that would meet the target on the central path"),
            "extra_places_p90": ("places", "90th percentile of the extra places over the draws (meets the target in 9 draws of 10)"),
            "cost_bn_kzt": ("billion KZT", "extra_places x preschool_place_cost_mn"),
            "cost_bn_kzt_p90": ("billion KZT", "extra_places_p90 x preschool_place_cost_mn"),
            "source": ("", "programme line of the target"),
        },
        "targets: 001_22452510f78b59ea.txt:3085; unit cost: lines 3039, 3073",
    ),
    "preschool_unit_costs": TableSpec(
        "Cost per kindergarten place implied by the programme's money and places, under each reading of the state plan",
        {
            "source": ("", "memorandum, state (line 3037: 2.3 thousand places) or state_line_662 (10 thousand places)"),
            "places": ("places", "places planned to 2030"),
            "cost_bn_kzt": ("billion KZT", "their construction money (line 3073)"),
            "cost_mn_kzt_per_place": ("million KZT", "cost per place"),
            "citation": ("", "programme lines"),
        },
        "001_22452510f78b59ea.txt:662, 3037, 3039, 3073",
    ),
    KEY_FIGURES: keyfigures.spec(
        "Key figures: the kindergarten queue of ages 3-6 by kindergarten year, with the 80% interval and the chance of meeting the programme's target",
        TABLE_SOURCE,
    ),
}
