"""Key figures read back from published tables, and the scenarios side by side in the index."""

from __future__ import annotations

import json

import pandas as pd

from almaty_analytics import cli, emissions, export, i18n, keyfigures, population, preschool, runner, scenarios, schools, scorecard, summary
from conftest import make_notebook
from test_population import FROZEN_CENTRAL


def _publish(root, scenario):
    """The population, school and kindergarten key figures of ``scenario``, written as a run publishes them (export.write_table)."""
    population_series = pd.DataFrame({"year": [2030, 2035], "value": [2.6e6, 2.9e6], "lo_80": [2.4e6, 2.5e6], "hi_80": [2.8e6, 3.3e6]})
    deficit_series = pd.DataFrame(
        {"year": [2025, 2030], "value": [17900, 30300], "lo_80": [8700, 10900], "hi_80": [26500, 49400], "probability": [1.0, 0.98]}
    )
    for name, frame in (
        (population.KEY_FIGURES, keyfigures.table("population", "central", "persons", population_series)),
        (schools.KEY_FIGURES, keyfigures.table("deficit", "current", "seats", deficit_series)),
        (preschool.KEY_FIGURES, keyfigures.table("queue", "ages_3_6", "children", pd.DataFrame(
            {"year": [2025, 2030], "value": [18900, 15400], "lo_80": [13100, 300], "hi_80": [24200, 29700], "probability": [0.0, 0.41],
             "target": [3800, None]}))),
    ):
        export.write_table(frame, name, root / scenario, scenario)
    (root / scenario / "manifest.json").write_text('{"parameters": {}}')


def _emissions(root, scenario, median=(120.0, 90.0), case="programme", share=0.08):
    series = pd.DataFrame({"year": [2025, 2030], "value": list(median), "lo_80": [m - 10 for m in median], "hi_80": [m + 10 for m in median],
                           "probability": [None, share], "target": [None, 78.0]})
    export.write_table(keyfigures.table("emissions", case, "thousand t/yr", series), emissions.KEY_FIGURES, root / scenario, scenario)


def test_key_figures_come_from_the_published_tables(tmp_path):
    _publish(tmp_path, "default")
    figures = summary.key_figures(tmp_path / "default")
    assert figures["population_2030"] == "2030: 2.600 (2.400–2.800) million"
    assert figures["population_horizon"].startswith("2035: 2.900")
    assert figures["deficit_2030_31"] == "30.3 (10.9–49.4) thousand seats; P(shortage) 98%"
    assert figures["queue_2030"] == "15.4 (0.3–29.7) thousand children; P(target met) 41%"
    assert figures["emissions_2030"] == "" and figures["missing"] == "emission_key_figures"


def test_key_figures_in_russian_use_the_catalogue_and_decimal_commas(tmp_path):
    _publish(tmp_path, "default")
    figures = summary.key_figures(tmp_path / "default", i18n.Text("ru"))
    assert figures["population_2030"] == "2030: 2,600 (2,400–2,800) млн"
    assert figures["deficit_2030_31"] == "30,3 (10,9–49,4) тыс. мест; P(нехватки) 98%"


def test_emissions_show_the_emission_case_their_key_figures_carry(tmp_path):
    _publish(tmp_path, "late")
    _emissions(tmp_path, "late", median=(110.0, 106.4), case="delayed", share=0.0)
    assert summary.key_figures(tmp_path / "late")["emissions_2030"] == "delayed: 106.4 (96.4–116.4) kt; P(≤ 78 kt) 0%"
    assert summary.key_figures(tmp_path / "late", i18n.Text("ru"))["emissions_2030"].startswith(i18n.Text("ru").term("emission_scenario", "delayed"))


def test_the_one_reader_gives_every_domains_key_figures_and_names_the_missing_tables(tmp_path):
    _publish(tmp_path, "default")
    figures, missing = summary.read_key_figures(tmp_path / "default")
    assert missing == ["emission_key_figures"] and list(figures.columns) == list(keyfigures.COLUMNS)  # the scenario column is the folder's
    assert figures["indicator"].tolist() == ["population", "population", "deficit", "deficit", "queue", "queue"]
    assert figures.set_index(["indicator", "year"]).loc[("deficit", 2030), ["value", "probability"]].tolist() == [30300, 0.98]
    _emissions(tmp_path, "default")
    assert summary.read_key_figures(tmp_path / "default")[1] == []
    (tmp_path / "default" / "tables" / f"{population.KEY_FIGURES}.csv").unlink()
    figures, missing = summary.read_key_figures(tmp_path / "default")
    assert missing == ["population_key_figures"] and set(figures["indicator"]) == {"deficit", "queue", "emissions"}
    assert summary.domain_series(tmp_path, "population").empty and len(summary.domain_series(tmp_path, "emissions")) == 2
    empty, missing = summary.read_key_figures(tmp_path / "nowhere")
    assert empty.empty and missing == list(summary.KEY_FIGURE_TABLES)


def test_the_index_and_the_summary_read_the_same_numbers(tmp_path):
    _publish(tmp_path, "default")
    _emissions(tmp_path, "default")
    numbers, _ = summary.key_numbers(tmp_path / "default")
    deficit = numbers.set_index(["indicator", "year"]).loc[("deficit", 2030)]
    assert summary.key_figures(tmp_path / "default")["deficit_2030_31"].startswith(f"{deficit['value'] / 1e3:.1f} ")
    assert summary.key_figures(tmp_path / "default")["emissions_2030"] == "programme: 90.0 (80.0–100.0) kt; P(≤ 78 kt) 8%"


def test_a_scenario_without_tables_is_listed_with_what_is_missing(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "manifest.json").write_text("{}")
    table = summary.comparison(tmp_path)
    assert list(table["scenario"]) == ["empty"]
    assert table.loc[0, "missing"] == "population_key_figures, school_key_figures, preschool_key_figures, emission_key_figures"


def test_index_puts_the_scenarios_side_by_side(tmp_path):
    _publish(tmp_path, "default")
    _publish(tmp_path, "high")
    runner.write_scenario_index(tmp_path / "default", "default", tmp_path)
    page = (tmp_path / "default" / "index.html").read_text()
    assert "Scenarios side by side" in page
    t = i18n.Text("en")  # a shipped scenario by its display name
    assert page.index(f"<td>{t.scenario('default')}</td>") < page.index(f"<td>{t.scenario('high')}</td>") and t.scenario("high") != "high"
    assert "30.3 (10.9–49.4) thousand seats" in page


def test_all_scenarios_runs_every_scenario_file_and_indexes_them(project, in_process):
    (project / "scenarios" / "second.yaml").write_text("description: a second scenario\nparameters:\n  base_year: 2022\n  horizon: 2035\n  report_note: second\n")
    assert cli.main(["run", "--all-scenarios", "--notebook", "00_echo", "--jobs", "1"]) == 0
    scenario_names = sorted(p.stem for p in (project / "scenarios").glob("*.yaml"))
    for name in scenario_names:
        assert (project / "reports" / name / "00_echo.html").exists()
    page = (project / "reports" / "index.html").read_text()
    t = i18n.Text("en")  # a shipped scenario by its display name, the user's own ("second") by its file name
    assert all(f'<a href="{name}/index.html">{t.scenario(name)}</a>' in page for name in scenario_names) and ">second</a>" in page
    for name in scenario_names:  # each scenario's own index compares them all (the late pass sees every early one)
        own = (project / "reports" / name / "index.html").read_text()
        assert all(f"<td>{t.scenario(other)}</td>" in own for other in scenario_names) and 'href="../index.html"' in own


def test_key_numbers_give_2025_2030_and_the_horizon_with_intervals_and_probabilities(tmp_path):
    _publish(tmp_path, "default")
    _emissions(tmp_path, "default")
    figures, missing = summary.key_numbers(tmp_path / "default")
    assert missing == []
    by = figures.set_index(["indicator", "year"])
    assert by.loc[("population", 2030), "value"] == 2.6e6 and by.loc[("population", 2035), "hi_80"] == 3.3e6
    assert by.loc[("deficit", 2030), "value"] == 30300 and by.loc[("deficit", 2030), "probability"] == 0.98
    assert by.loc[("emissions", 2030), "probability"] == 0.08 and pd.isna(by.loc[("emissions", 2025), "probability"])
    lead = summary.format_lead(figures, i18n.Text("en")).set_index("indicator")
    assert lead.loc["seat deficit, thousand", "2030"] == "30.3 (10.9–49.4); P(shortage) 98%"
    assert lead.loc["population, million", "2025"] == "–"  # not in the table: shown as missing, not invented


def test_key_numbers_name_the_missing_tables_instead_of_failing(tmp_path):
    (tmp_path / "bare" / "tables").mkdir(parents=True)
    figures, missing = summary.key_numbers(tmp_path / "bare")
    assert figures.empty and missing == ["population_key_figures", "school_key_figures", "preschool_key_figures", "emission_key_figures"]


def test_changes_compare_the_previous_snapshot_ignoring_the_run_date(tmp_path):
    _publish(tmp_path, "default")
    previous = tmp_path / "default" / "previous"
    (previous / "tables").mkdir(parents=True)
    for name in (population.KEY_FIGURES, schools.KEY_FIGURES, preschool.KEY_FIGURES):
        table = pd.read_csv(tmp_path / "default" / "tables" / f"{name}.csv", encoding="utf-8-sig")
        table.assign(run_date="2026-01-01").to_csv(previous / "tables" / f"{name}.csv", index=False)
        table.assign(run_date="2026-02-02").to_csv(tmp_path / "default" / "tables" / f"{name}.csv", index=False)
    run = {"status": "ok", "parameters": {"seed": 1, "tfr": 1.9}}
    before = {"finished": "2026-01-01T10:00:00", "notebooks": {"10_population_forecast": run, "20_school_seat_deficit": run},
              "input_hashes": {"a.csv": "1"}, "code_hash": "x"}
    rerun = {"status": "ok", "parameters": {"seed": 2, "tfr": 1.9}}
    failed = {"status": "failed", "parameters": {"seed": 3, "tfr": 1.9}, "last_good": run}
    after = before | {"notebooks": {"10_population_forecast": rerun, "20_school_seat_deficit": failed}}
    (previous / "manifest.json").write_text(json.dumps(before))
    (tmp_path / "default" / "manifest.json").write_text(json.dumps(after))
    change = summary.changes(tmp_path / "default", previous)
    assert change["tables"].empty and not change["figures"]["moved"].any()  # a later run date alone is no change
    assert change["parameters"].values.tolist() == [["10_population_forecast", "seed", 1, 2]]  # a failed run's values produced no table
    assert change["inputs"] == [] and not change["code"]
    published = tmp_path / "default" / "tables" / f"{population.KEY_FIGURES}.csv"
    table = pd.read_csv(published, encoding="utf-8-sig")
    table.assign(value=table["value"] + 1000).to_csv(published, index=False)
    change = summary.changes(tmp_path / "default", previous)
    assert change["tables"].values.tolist() == [["population_key_figures", "changed"]]
    moved = change["figures"][change["figures"]["moved"]]
    assert moved[["indicator", "year", "change"]].values.tolist() == [["population", 2030, 1000.0], ["population", 2035, 1000.0]]
    assert summary.format_changes(moved, i18n.Text("en")).iloc[0].tolist() == [
        "population, million", 2030, "2.600 (2.400–2.800)", "2.601 (2.400–2.800)", "0.001"]
    assert summary.changes(tmp_path / "default", tmp_path / "nowhere") is None


def _backtests(tables):
    mapes = {"naive": (3.0, 6.0), "log_drift": (1.0, 1.8), "cohort_component": (0.8, 1.9)}  # cohort: best mean (1.35), beaten at h=2
    rows = [("official", m, h, mape[h - 1]) for m, mape in mapes.items() for h in (1, 2)]
    pd.DataFrame(rows, columns=["target", "method", "horizon", "mape"]).assign(bias=-1.0, coverage_80=0.8, n=10).to_csv(
        tables / "population_backtest.csv", index=False)
    pd.DataFrame({"method": ["driver", "driver", "naive", "naive", "driver"], "horizon": [1, 2, 1, 2, 0], "mape": [8.0, 9.0, 7.0, 10.0, 8.5],
                  "bias": 0.0, "coverage_80": 0.6, "n": 5}).to_csv(tables / "emissions_backtest.csv", index=False)
    pd.DataFrame({"horizon": [0, 1, 2], "in_sample": 0.8, "out_of_sample": [0.75, 1.0, 0.5], "n": [4, 2, 2]}).to_csv(
        tables / "emissions_interval_coverage.csv", index=False)


def test_the_scorecard_chooses_the_method_of_the_central_path_not_the_lowest_error(tmp_path):
    """Where a benchmark scores lowest the central path is its combination with the cohort model (population.central_method)."""
    mapes = {"expo_10": (0.5, 1.0), "cohort_component": (0.8, 1.9), "combination (cohort_component + expo_10)": (0.6, 1.4)}
    rows = [("official", m, h, mape[h - 1]) for m, mape in mapes.items() for h in (1, 2)]
    pd.DataFrame(rows, columns=["target", "method", "horizon", "mape"]).assign(bias=-1.0, coverage_80=0.8, n=10).to_csv(
        tmp_path / "population_backtest.csv", index=False)
    card, _ = summary.accuracy_scorecard(tmp_path)
    roles = card.drop_duplicates("method").set_index("method")["role"]
    assert roles.to_dict() == {"expo_10": "alternative", "cohort_component": "alternative", "combination (cohort_component + expo_10)": "chosen"}


def test_the_scorecard_marks_the_chosen_method_the_benchmarks_and_the_winner_per_horizon(tmp_path):
    _backtests(tmp_path)
    card, missing = summary.accuracy_scorecard(tmp_path)
    assert missing == ["school_backtest"] and list(card.columns) == scorecard.COLUMNS
    population = card[card["domain"] == "population"].set_index(["method", "horizon"])
    assert population.loc[("cohort_component", 1), "role"] == "chosen"  # the lowest mean MAPE, as population.forecast picks
    assert population.loc[("log_drift", 1), "role"] == "benchmark"
    assert population["best_at_horizon"].groupby(level="horizon").sum().tolist() == [1, 1]
    assert population.loc[("log_drift", 2), "best_at_horizon"] and population.loc[("cohort_component", 1), "best_at_horizon"]
    emissions = card[card["domain"] == "emissions"]
    assert 0 not in set(emissions["horizon"])  # the pooled row is not a horizon
    assert emissions.set_index(["method", "horizon"]).loc[("driver", 1), "role"] == "chosen"
    # coverage of the interval each forecast publishes where the backtest scores it, the method's own elsewhere
    by = card.set_index(["domain", "method", "horizon"])
    assert by.loc[("emissions", "driver", 2), ["coverage_80", "coverage_of", "coverage_n"]].tolist() == [0.5, "forecast_interval", 2]
    assert by.loc[("emissions", "naive", 2), ["coverage_80", "coverage_of", "coverage_n"]].tolist() == [0.6, "method_interval", 5]
    assert by.loc[("population", "cohort_component", 1), "coverage_of"] == "forecast_interval"
    shown = scorecard.formatted(card, i18n.Text("en")).set_index(["domain", "method"])["80% coverage, mean"]
    assert shown[("emissions", "driver model")] == "75% †"  # (1.0·2 + 0.5·2) / 4
    assert shown[("emissions", "naive (last value)")] == "60%"
    lines = scorecard.verdicts(card, i18n.Text("en"))
    assert "beaten at horizons 2 (by log-linear drift)" in lines[0] and "beaten at horizons 1 (by naive (last value))" in lines[1]
    assert lines[0].startswith("Population:") and scorecard.verdicts(card, i18n.Text("ru"))[1].startswith("Выбросы:")
    assert scorecard.formatted(card, i18n.Text("kk")).columns[0] == "бағыт"


LATE_PARAMETERS = 'scenario = "default"  # scenario name\nreports_dir = ""  # set by the runner'
LATE_BODY = ["import pathlib\nprint('SEEN:' + ','.join(sorted({p.parent.parent.name for p in pathlib.Path(reports_dir).glob('*/tables/*.csv')})))"]


def test_with_all_scenarios_every_summary_runs_after_every_scenarios_tables(project, in_process):
    make_notebook(project / "notebooks" / "90_late.ipynb", LATE_PARAMETERS, LATE_BODY)
    (project / "scenarios" / "another.yaml").write_text("description: another\nparameters:\n  base_year: 2022\n  horizon: 2035\n")
    assert cli.main(["run", "--all-scenarios", "--jobs", "1"]) == 0
    names = sorted(p.stem for p in (project / "scenarios").glob("*.yaml"))
    for name in names:  # the first scenario's summary already sees the last one's tables
        assert f"SEEN:{','.join(names)}" in (project / "reports" / name / "90_late.html").read_text()


def test_a_language_run_publishes_under_its_folder_and_the_indexes_link_each_other(project, in_process):
    assert cli.main(["run", "--language", "kk"]) == 0
    assert '<html lang="kk">' in (project / "reports" / "kk" / "default" / "00_echo.html").read_text()
    assert not (project / "reports" / "default").exists()
    kazakh = (project / "reports" / "kk" / "index.html").read_text()
    assert "<html lang='kk'>" in kazakh and "Есептер" in kazakh
    assert cli.main(["run"]) == 0
    english = (project / "reports" / "index.html").read_text()
    assert 'href="kk/index.html"' in english and "Қазақша" in english
    assert 'href="../index.html"' in (project / "reports" / "kk" / "index.html").read_text()
    assert cli.main(["run", "--language", "ru", "-p", "language=kk"]) == 2  # given twice


def test_a_late_pass_keeps_the_early_notebooks_parameters_in_the_manifest(project, in_process):
    make_notebook(project / "notebooks" / "90_late.ipynb", LATE_PARAMETERS, ["print('late')"])
    assert cli.main(["run", "--all-scenarios", "--jobs", "1"]) == 0
    manifest = json.loads((project / "reports" / "default" / "manifest.json").read_text())
    assert manifest["parameters"]["base_year"] == 2023  # a parameter of 00_echo, run in the first pass (the newest 1 January)


def test_the_summary_results_give_one_chart_per_published_domain_with_the_programme_target(tmp_path):
    _publish(tmp_path, "default")
    _emissions(tmp_path, "default")
    brief = summary.results(scenarios.load("default").parameters | {"reports_dir": str(tmp_path)})
    charts = brief.charts(i18n.Text("en"))
    assert [c["title"] for c in charts] == [i18n.Text("en")(f"summary.chart_{i}_title") for i in summary.CHARTS]
    assert [c["target"] for c in charts][:2] == [None, None] and charts[2]["target"][:2] == (2030, 78.0)
    assert brief.answer(i18n.Text("en"))["emissions"] == "90.0" and brief.change is None
    assert brief.tables["accuracy_scorecard"] is None  # no backtest published: no scorecard this run
    revised = brief.tables["forecast_revisions"].set_index("indicator")  # the default run: the newest data against mid-2022
    assert list(revised.index) == ["population", "deficit", "emissions"] and set(revised["vintage_now"]) == {"2024-01-31"}  # newest release
    assert revised.loc["population", "value_then"] == FROZEN_CENTRAL[2030]  # the mid-2022 central path of 2030 (issue 18)
    assert (revised["change"] != 0).all()  # the 1 January 2023 base, the newer statements and BNS figures move every headline
    # the tables each headline reads with rows released after 2022-09-12 (the `published` column of data/raw)
    read_by_all = ["bns_population_1jan", "bns_life_expectancy", "level_shifts", "dated_statements", "bns_population_districts"]
    behind = revised["new_releases"].map(lambda text: [part.split(" (")[0] for part in text.split("; ")])
    assert behind.to_dict() == {
        "population": read_by_all, "deficit": [*read_by_all, "bns_schools", "school_pupils"], "emissions": [*read_by_all, "bns_stationary_emissions"]}
    assert brief.tables["track_record"] is brief.record and not brief.record.empty  # computed from the raw data, not the tables

