"""Kindergarten places: the queue for pre-school places from the population trajectories, the plans and their delivery risk.

Method (a stock-flow model of places, as used in childcare sufficiency assessments):

* **Children.** Kindergarten year t (September t) takes the children of 1 January t, by single age, from every Monte Carlo
  trajectory of the population forecast, as the school model takes its pupils. The programme's "1 to 6" and "3 to 6"
  ("1 жастан 6 жасқа дейін", line 305) are read as completed ages 1-5 and 3-5: children of 6 enter grade 1 (the school
  model). Under this reading the 71% coverage of ages 2-6 and 91% of ages 3-6 (line 305) leave a coverage of about 11% at
  age 2; with age 6 included they leave almost none (the report shows the figure).
* **Base year 2022** (the programme's figures, published 2022-09-12). Covered children = coverage x children (ages 3-6:
  91%; ages 1-6: the 71% of ages 2-6, age 1 none stated, taken as 0). The queue is as printed: 43 thousand (ages 1-6) and
  18.8 thousand (ages 3-6). Demand is covered + queue, so places wanted per child, d = (covered + queue) / children, is
  1.1 at ages 3-6: the queue holds children who are counted as covered (the programme's coverage counts other forms of
  pre-school education, its 75.5 thousand children in kindergartens are fewer than the covered). When the base year
  precedes the population's first year, its children are the first year's backcast (Hamilton-Perry, reversed).
* **Queue arithmetic.** queue(t) = max(0, queue(2022) + d x (children(t) - children(2022)) - places added(t)): every new
  child wants a place at the base year's rate, every new place takes one child off the queue. Coverage(t) = min(places
  wanted, covered(2022) + places added(t)) / children(t), at most 1. New places reach ages 3-6 at a share drawn uniformly
  between their share of the queue (18.8 / 43) and 1: no source says how places are split by age.
* **Supply.** The programme's plans (lines 3037-3043, also 662): 10 state kindergartens with 2.3 thousand places by the end of
  2025, developer memoranda 10 thousand by 2025 and 5 thousand more by 2030, state-ordered places in private kindergartens
  15 thousand by 2025 and 5 thousand more by 2030, each total spread evenly over 2023-2025 or 2026-2030. Line 662 gives 10
  thousand state places, contradicting line 3037: both are in data/raw, 2.3 thousand is used (the report shows the cost per
  place each implies). Nothing is planned after 2030.
* **Delivery risk.** For each source and year a Monte Carlo draw gives the share ever delivered, Beta with mean
  ``preschool_delivery_<s>`` and concentration ``preschool_delivery_concentration``, and the delay in whole years, Poisson
  with mean ``preschool_delay_<s>``, as the school model. No record of kindergartens planned and opened was found; the
  state-ordered places have one: 13.7 to 35.7 thousand in 2017-2022 (line 3015), 4.4 thousand a year against the 5
  thousand planned, hence a share of 0.88 without delay. State and memorandum places take the school budget record.
* **Targets.** The queue of ages 3-6 at most 3.8 thousand and coverage 97% in 2025, coverage 99% in 2030 (line 3085); the
  chance of meeting each is the share of paired draws (population trajectory, delivery, age share) that meet it. Places
  beyond the plan = the queue above the target (or the children short of the coverage) / the share going to ages 3-6; money
  = places x ``preschool_place_cost_mn`` (85 bn / 15 thousand memorandum places, lines 3039, 3073).
* **Two targets, one demand.** At the base year's places wanted per child (1.1), a queue of 3.8 thousand leaves coverage
  capped at 100%, so the queue target of 2025 is stricter than its 97% coverage target; the programme's pair (line 3085)
  implies that the queue shrinks faster than the uncovered children, which no line explains. Both are scored.
* **Dated statements.** The city's later statements on kindergartens (data/raw/dated_statements.csv, topic preschool: 108
  kindergartens opened in 2022, 13 thousand children admitted to state kindergartens in 2023) give no places opened, so
  they calibrate nothing; the report lists them.
* **Backtest.** The only series is the enrolment, 64 thousand 5 years before 2022 and 75.5 thousand in 2022 (lines 3005,
  3007): the 2022 count forecast from 2017 by the naive benchmark and by the model's demographic method (enrolment per
  child held). A drift benchmark needs two observations up to the origin; the series has one, so it is not scored.
"""

from __future__ import annotations

from .. import io, population
from .backtest import TABLES as BACKTEST_TABLES
from .backtest import backtest_enrolment
from .model import (
    AGES_1_6,
    AGES_2_6,
    AGES_3_6,
    FIGURES,
    KEY_FIGURES,
    SOURCES,
    TARGETS,
    Base,
    PreschoolForecast,
    base_year,
    children,
    coverage,
    demand_rate,
    figure,
    forecast,
    last_target,
    planned_places,
    queue,
    unit_costs,
)
from .model import TABLES as MODEL_TABLES
from .parameters import PARAMETERS

__all__ = [
    "AGES_1_6", "AGES_2_6", "AGES_3_6", "FIGURES", "INPUT_TABLES", "KEY_FIGURES", "PARAMETERS", "PARAMETER_NAMES", "SOURCES", "TABLES",
    "TARGETS", "Base", "PreschoolForecast", "backtest_enrolment", "base_year", "children", "compute", "coverage", "demand_rate", "figure", "forecast",
    "last_target", "planned_places", "queue", "results", "unit_costs", "validate",
]

PARAMETER_NAMES = (*population.PARAMETER_NAMES, *PARAMETERS)  # the key of the cached results
INPUT_TABLES = ("programme_preschool",)


def validate(params: dict) -> None:
    """Check, before any kernel starts, that the vintage holds every programme figure the model reads."""
    figures = io.read_tables(INPUT_TABLES, params["vintage"])["programme_preschool"]
    missing = sorted(set(FIGURES.values()) - set(figures["figure_id"]))
    if missing:
        raise ValueError(f"parameter 'vintage' {params['vintage']!r}: data/raw/programme_preschool.csv lacks figure(s) {missing}")


def compute(params: dict) -> PreschoolForecast:
    """The pre-school forecast of ``params`` on the shared population forecast, with the enrolment backtest."""
    pop = population.results(params)
    figures = io.read_tables(INPUT_TABLES, params["vintage"])["programme_preschool"]
    fc = forecast(params, pop, figures)
    fc.tables["preschool_backtest"] = backtest_enrolment(pop, figures)
    fc.population_digest = pop.digest
    return fc


def results(params: dict) -> PreschoolForecast:
    """Every pre-school table of a resolved scenario's ``params``, computed once per digest (``io.processed_object``), and the sources."""
    key = {name: params[name] for name in PARAMETER_NAMES if name in params}
    fc, _ = io.processed_object("preschool_forecast", key, lambda: compute(params), [*population.INPUT_TABLES, *INPUT_TABLES])
    figures = io.read_tables(INPUT_TABLES, params["vintage"])["programme_preschool"]
    files = io.sources_table(vintage=io.vintage_date(params["vintage"]))
    statements = io.read_tables(("dated_statements",), params["vintage"])["dated_statements"]
    fc.sources = {
        "programme": figures[["figure_id", "indicator", "value", "unit", "source", "used", "note"]],
        "statements": statements[statements["topic"] == "preschool"][["date", "indicator", "value", "unit", "source_url", "note"]],
        "files": files[files["file"].str.contains("programme_preschool|dated_statements")].drop(columns="licence"),
    }
    return fc


_DECLARED = MODEL_TABLES | BACKTEST_TABLES
TABLES = {
    name: _DECLARED[name]
    for name in ("preschool_queue", "preschool_targets", "preschool_places", "preschool_unit_costs", "preschool_backtest", KEY_FIGURES)
}

