"""What report 25 shows beside the published tables: the tables for reading (numbers written in the unit of their
row, sources and methods by name) and each paragraph's figures in the report's language (``*_values``)."""

from __future__ import annotations

import pandas as pd

from .. import i18n
from .model import PreschoolForecast

VALUE_COLUMNS = ("target_value", "projected", "lo_80", "hi_80")  # in the unit of the row's target: children or a share


def targets_table(targets: pd.DataFrame, t: i18n.Text) -> pd.DataFrame:
    """``preschool_targets`` as readers see it: the target by name, the queue's values in children ("3,800") and the
    coverage values as percentages with at most one decimal ("97%", "95.8%"), each in the language's separators; the other columns unchanged."""
    coverage = targets["target"].str.startswith("coverage")
    def write(value: float, share: bool) -> str:
        return t.pct(value, i18n.general_digits(100 * value, 1)) if share else t.num(value)

    written = {column: [write(v, share) for v, share in zip(targets[column], coverage, strict=True)] for column in VALUE_COLUMNS}
    return targets.assign(target=targets["target"].map(lambda name: t(f"preschool.target_{name}")), **written)


def _thousand(t: i18n.Text, value: float) -> str:
    return t.num(value / 1e3, 1)


def answer_values(fc: PreschoolForecast, params: dict, t: i18n.Text) -> dict[str, str]:
    """The figures of the answer (``preschool.answer``): the 2025 queue (thousand children, 80% range, target, chance of
    meeting it) and the coverage of 2025 and 2030 (share, 80% range, chance)."""
    queue, cov_2025, cov_2030 = (fc.target(name) for name in ("queue_2025", "coverage_2025", "coverage_2030"))
    values = {
        "n": t.num(params["n_simulations"]), "queue": _thousand(t, queue["projected"]), "queue_lo": _thousand(t, queue["lo_80"]),
        "queue_hi": _thousand(t, queue["hi_80"]), "queue_target": _thousand(t, queue["target_value"]), "p_queue": t.pct(queue["probability"]),
    }
    for name, row in (("cov_2025", cov_2025), ("cov_2030", cov_2030)):
        values |= {name: t.pct(row["projected"], 1), f"{name}_lo": t.pct(row["lo_80"], 1), f"{name}_hi": t.pct(row["hi_80"], 1), f"p_{name}": t.pct(row["probability"])}
    return values


def needed_values(fc: PreschoolForecast, params: dict, t: i18n.Text) -> dict[str, str]:
    """The figures of the places needed (``preschool.needed``): extra places and their cost for the 2025 queue (central and
    90th percentile) and for the 2030 coverage, and the cost of a place."""
    queue, coverage = fc.target("queue_2025"), fc.target("coverage_2030")
    return {
        "places": t.num(queue["extra_places"]), "cost": t.num(queue["cost_bn_kzt"], 1), "places_p90": t.num(queue["extra_places_p90"]),
        "cost_p90": t.num(queue["cost_bn_kzt_p90"], 1), "places_2030": t.num(coverage["extra_places"]), "cost_2030": t.num(coverage["cost_bn_kzt"], 1),
        "unit": t.num(params["preschool_place_cost_mn"], 2),
    }


def queue_values(fc: PreschoolForecast, t: i18n.Text) -> dict[str, str]:
    """The figures of the queue paragraph: the demand rates, the lowest share of ages 3-6, the uncovered children and the queue (thousand)."""
    base = fc.base
    return {
        "d_3_6": t.num(base.demand_rate("3_6"), 2), "d_1_6": t.num(base.demand_rate("1_6"), 2), "share_low": t.pct(base.share_3_6_low),
        "uncovered": _thousand(t, base.children_3_6 - base.covered_3_6), "queue": _thousand(t, base.queue_3_6),
    }


def places_values(params: dict, t: i18n.Text) -> dict[str, str]:
    """The figures of the places paragraph: the delivery shares, the state delay and the concentration in force."""
    return {
        "state": t.num(params["preschool_delivery_state"], 2), "state_delay": t.num(params["preschool_delay_state"], 2),
        "memorandum": t.num(params["preschool_delivery_memorandum"], 2), "order": t.num(params["preschool_delivery_state_order"], 2),
        "concentration": t.num(params["preschool_delivery_concentration"], 1),
    }


def base_values(fc: PreschoolForecast, t: i18n.Text) -> dict:
    """The figures of the base paragraph: its year, the children of ages 3-6 and 1-6, those covered and the coverage at age 2."""
    base = fc.base
    return {"year": base.year, "children_3_6": t.num(base.children_3_6), "children_1_6": t.num(base.children_1_6),
            "covered_3_6": t.num(base.covered_3_6), "age_2": t.pct(base.coverage_age_2)}


def named(table: pd.DataFrame, column: str, t: i18n.Text) -> pd.DataFrame:
    """``table`` with the values of ``column`` (``source`` of preschool_places and preschool_unit_costs, ``method`` of
    preschool_backtest) by their display names (``preschool.<column>_<value>``)."""
    return table.assign(**{column: table[column].map(lambda v: t(f"preschool.{column}_{v}"))})
