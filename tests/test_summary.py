"""Key figures read back from published tables, and the scenarios side by side in the index."""

from __future__ import annotations

import pandas as pd

from almaty_analytics import i18n, runner, summary


def _publish(root, scenario, emission_case="programme"):
    tables = root / scenario / "tables"
    tables.mkdir(parents=True)
    pd.DataFrame({"year": [2030, 2035], "value": [2.6e6, 2.9e6], "lo_80": [2.4e6, 2.5e6], "hi_80": [2.8e6, 3.3e6]}).to_csv(
        tables / "population_total.csv", index=False
    )
    pd.DataFrame(
        {
            "school_year": ["2025/26", "2030/31", "2030/31"],
            "regime": ["current", "current", "1_shift_25_per_class"],
            "deficit": [17900, 30300, 150000],
            "deficit_lo_80": [8700, 10900, 140000],
            "deficit_hi_80": [26500, 49400, 160000],
            "p_deficit_over_0": [1.0, 0.98, 1.0],
        }
    ).to_csv(tables / "school_seats.csv", index=False)
    (root / scenario / "manifest.json").write_text(f'{{"parameters": {{"emission_scenario": "{emission_case}"}}}}')


def test_key_figures_come_from_the_published_tables(tmp_path):
    _publish(tmp_path, "default")
    figures = summary.key_figures(tmp_path / "default")
    assert figures["population_2030"] == "2030: 2.600 (2.400–2.800) million"
    assert figures["population_horizon"].startswith("2035: 2.900")
    assert figures["deficit_2030_31"] == "30.3 (10.9–49.4) thousand seats; P(shortage) 98%"  # the current regime, not the other
    assert figures["emissions_2030"] == "" and figures["missing"] == "emissions_target_gap"


def test_key_figures_in_russian_use_the_catalogue_and_decimal_commas(tmp_path):
    _publish(tmp_path, "default")
    figures = summary.key_figures(tmp_path / "default", i18n.Text("ru"))
    assert figures["population_2030"] == "2030: 2,600 (2,400–2,800) млн"
    assert figures["deficit_2030_31"] == "30,3 (10,9–49,4) тыс. мест; P(нехватки) 98%"


def test_emissions_show_the_scenarios_own_emission_case(tmp_path):
    _publish(tmp_path, "late", emission_case="delayed")
    rows = [("programme", 89.6), ("delayed", 106.4)]
    pd.DataFrame(
        {
            "year": 2030,
            "emission_scenario": [r[0] for r in rows],
            "boundary": "city",
            "median_kt": [r[1] for r in rows],
            "lo_80": [80.0, 95.5],
            "hi_80": [103.2, 118.9],
            "target_kt": 78.0,
            "share_meeting_target": [0.08, 0.0],
        }
    ).to_csv(tmp_path / "late" / "tables" / "emissions_target_gap.csv", index=False)
    assert summary.key_figures(tmp_path / "late")["emissions_2030"] == "delayed: 106.4 (95.5–118.9) kt; P(≤ 78 kt) 0%"


def test_a_scenario_without_tables_is_listed_with_what_is_missing(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "manifest.json").write_text("{}")
    table = summary.comparison(tmp_path)
    assert list(table["scenario"]) == ["empty"]
    assert table.loc[0, "missing"] == "population_total, school_seats, emissions_target_gap"


def test_index_puts_the_scenarios_side_by_side(tmp_path):
    _publish(tmp_path, "default")
    _publish(tmp_path, "high")
    runner.write_index(tmp_path)
    page = (tmp_path / "index.html").read_text()
    assert "Scenarios side by side" in page
    assert page.index("<td>default</td>") < page.index("<td>high</td>")
    assert "30.3 (10.9–49.4) thousand seats" in page


def test_all_scenarios_runs_every_scenario_file_and_indexes_them(project):
    from almaty_analytics import cli

    (project / "scenarios" / "second.yaml").write_text("description: a second scenario\nparameters:\n  base_year: 2022\n  horizon: 2035\n  report_note: second\n")
    assert cli.main(["run", "--all-scenarios", "--notebook", "00_echo"]) == 0
    scenario_names = sorted(p.stem for p in (project / "scenarios").glob("*.yaml"))
    for name in scenario_names:
        assert (project / "reports" / name / "00_echo.html").exists()
    page = (project / "reports" / "index.html").read_text()
    assert all(f"<td>{name}</td>" in page for name in scenario_names)
