"""The kindergarten model: the queue arithmetic on a toy cohort, the supply from the cited lines, and the report in three languages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from almaty_analytics import i18n, io, population, preschool, runner, scenarios
from conftest import execute_in_process, visible_text


def test_queue_grows_with_children_at_the_base_rate_and_falls_one_for_one_with_places():
    # toy cohort: 100 children, 90 covered, 20 queueing -> 1.1 places wanted a child
    assert preschool.demand_rate(100, 90, 20) == pytest.approx(1.1)
    assert preschool.queue(110, 100, 90, 20, 0) == pytest.approx(31.0)  # 10 more children want 11 places
    assert preschool.queue(110, 100, 90, 20, 5) == pytest.approx(26.0)
    assert preschool.queue(100, 100, 90, 20, 50) == 0.0  # more places than the queue: no negative queue
    np.testing.assert_allclose(preschool.queue(np.array([[100, 120]]), 100, 90, 20, np.array([[0, 10]])), [[20, 32]])


def test_coverage_adds_places_up_to_the_places_wanted_and_every_child():
    assert preschool.coverage(100, 100, 90, 20, 5) == pytest.approx(0.95)
    assert preschool.coverage(100, 100, 90, 20, 50) == 1.0  # capped at every child although 1.1 places a child are wanted
    assert preschool.coverage(100, 100, 50, 10, 50) == pytest.approx(0.6)  # capped at the places wanted


def test_supply_and_targets_are_the_cited_lines():
    figures = io.read_table("programme_preschool")
    plan = preschool.planned_places(figures).groupby("source")["places"].sum()
    assert plan.to_dict() == pytest.approx({"state": 2300, "memorandum": 15000, "state_order": 20000})  # lines 3037, 3039, 3043
    assert preschool.figure(figures, "target_queue_2025") == 3800 and preschool.figure(figures, "target_coverage_2030") == pytest.approx(0.99)
    costs = preschool.unit_costs(figures).set_index("source")["cost_mn_kzt_per_place"]
    assert costs["memorandum"] == pytest.approx(85_000 / 15_000, abs=0.01)  # the default of preschool_place_cost_mn
    assert preschool.PARAMETERS["preschool_place_cost_mn"].default == pytest.approx(costs["memorandum"], abs=0.01)
    # the state-order delivery share: the 2017-2022 record (line 3015) against the 5 thousand a year planned to 2025
    ids = figures.set_index("figure_id")["value"]
    record = (ids["state_order_stock_2022"] - ids["state_order_stock_2017"]) * 1000 / 5  # thousand places a year
    assert preschool.PARAMETERS["preschool_delivery_state_order"].default == pytest.approx(record / 5000, abs=0.005)


def test_without_delivery_risk_the_queue_is_the_plan_and_every_planned_place_is_in_service_by_2030():
    no_risk = {f"preschool_delivery_{s}": 1.0 for s in preschool.SOURCES} | {f"preschool_delay_{s}": 0.0 for s in preschool.SOURCES}
    params = scenarios.load("default", {"n_simulations": 200} | no_risk).parameters
    fc = preschool.forecast(params, population.results(params), io.read_table("programme_preschool"))
    table = fc.tables["preschool_queue"].set_index("year")
    assert (table["queue_3_6"] == table["queue_3_6_on_plan"]).all()
    assert table.loc[2030, "places_added"] == 2300 + 15000 + 20000  # lines 3037, 3039, 3043
    assert table.loc[2022, "queue_3_6"] == 18800 and table.loc[2022, "queue_1_6"] == 43000  # the base year as printed (line 305)


def test_a_missing_figure_is_named():
    figures = io.read_table("programme_preschool").query("figure_id != 'queue_3_6_2022'")
    with pytest.raises(ValueError, match="queue_3_6_2022"):
        preschool.figure(figures, "queue_3_6")


def test_report_renders_in_three_languages(tmp_path):
    notebook = next(p for p in runner.discover() if p.stem == "25_preschool_places")
    for language in i18n.LANGUAGES:
        staging = tmp_path / language
        [result] = execute_in_process(notebook, [({"scenario": "default", "language": language, "overrides": {"n_simulations": 200},
                                                   "output_dir": str(staging)}, staging)])
        assert result.status == "ok", result.error
        text = visible_text((staging / "25_preschool_places.html").read_text())
        t = i18n.Text(language)
        assert t("preschool.title") in text and t("preschool.answer_heading").lstrip("# ") in text
        assert 'src="data:image/png;base64,' in (staging / "25_preschool_places.html").read_text()
        published = pd.read_csv(staging / "tables" / "preschool_key_figures.csv", encoding="utf-8-sig")
        assert set(published["indicator"]) == {"queue"} and published["probability"].notna().sum() == 2
