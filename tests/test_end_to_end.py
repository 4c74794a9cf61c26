"""A scenario run end to end through the runner (conftest ``published``): every table, the same bytes for the same seed,
parallel notebooks, the summary's comparison and what a re-run changed."""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest

from almaty_analytics import export, io, runner
from almaty_analytics.runner import selection
from conftest import PUBLISHED_DATE, PUBLISHED_EPOCH, PUBLISHED_LANGUAGES, SMALL, visible_text


def _tables(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


def test_a_run_publishes_every_declared_table_with_scenario_vintage_and_run_date(published):
    tables = published / "default" / "tables"
    assert {p.stem for p in tables.glob("*.csv")} == set(export.TABLES) | {"emissions_iamc_meta", export.DICTIONARY}
    for path in export.published_tables(tables):
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), path.name
        table = pd.read_csv(path)
        if export.is_iamc(path.stem) or path.stem == "emissions_iamc_meta":
            continue  # test_the_iamc_file_holds_iamc_columns_only_and_its_run_facts_are_in_its_meta_file
        assert list(table.columns[-2:]) == ["data_vintage", "run_date"], path.name
        assert set(table["data_vintage"]) == {io.newest_release()} and set(table["run_date"]) == {PUBLISHED_DATE}, path.name
        assert table["scenario"].astype(str).str.startswith("default").all(), path.name
    assert (tables / "default.xlsx").exists()


def test_the_iamc_file_holds_iamc_columns_only_and_its_run_facts_are_in_its_meta_file(published):
    tables = published / "default" / "tables"
    iamc = pd.read_csv(tables / "emissions_iamc.csv", encoding="utf-8-sig")
    years = list(iamc.columns[len(export.IAMC_COLUMNS) :])
    assert list(iamc.columns[: len(export.IAMC_COLUMNS)]) == list(export.IAMC_COLUMNS) and all(y.isdigit() for y in years)
    meta = pd.read_csv(tables / "emissions_iamc_meta.csv", encoding="utf-8-sig")
    assert set(zip(meta["model"], meta["scenario"], strict=True)) == set(zip(iamc["model"], iamc["scenario"], strict=True))
    assert set(meta["data_vintage"]) == {io.newest_release()} and set(meta["run_date"]) == {PUBLISHED_DATE}


def test_the_data_dictionary_describes_every_published_column_and_the_columns_a_sum_must_fix(published):
    tables = published / "default" / "tables"
    dictionary = pd.read_csv(tables / f"{export.DICTIONARY}.csv", encoding="utf-8-sig", keep_default_na=False)
    for path in export.published_tables(tables):
        described = dictionary[dictionary["table"] == path.stem]["column"].tolist()
        columns = list(pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns)
        if export.is_iamc(path.stem):
            columns = [c for c in columns if not c.isdigit()] + [export.YEARS]
        assert described == columns, path.name
    rules = dictionary.set_index(["table", "column"])["filter_before_sum"]
    seats = pd.read_csv(tables / "school_seats.csv")
    assert seats["regime"].nunique() > 1 and not seats.duplicated(["school_year", "regime"]).any() and rules["school_seats", "regime"]
    by_source = pd.read_csv(tables / "emissions_by_source.csv")
    assert set(by_source["boundary"]) == {"city", "city_plus"} and rules["emissions_by_source", "boundary"]
    assert not by_source.duplicated(["year", "emission_scenario", "boundary", "source"]).any()
    for path in export.published_tables(tables):  # a total beside its parts is always flagged
        table = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
        for column in table.columns:
            if table[column].nunique() > 1 and table[column].str.lower().isin(["total", "all", "both", "city_plus"]).any():
                assert rules.get((path.stem, column)), (path.stem, column)


def test_the_domain_notebooks_ran_in_parallel_processes_and_the_summary_in_one_of_theirs(published):
    log = (published / "run.log").read_text().splitlines()
    early = [nb for nb in runner.discover() if not selection.is_late(nb)]  # 00, 10, 20, 25, 30; then the summary alone
    languages = len(PUBLISHED_LANGUAGES)  # one line per notebook and language
    assert len(early) >= 4  # the summary is queued to the workers the early stage started (their kernels kept)
    assert sum("queued (2 at a time)" in line for line in log) == (len(early) + 1) * languages
    assert sum(" ok in " in line for line in log) == (len(early) + 1) * languages


def test_the_same_seed_in_another_process_gives_byte_identical_tables(published, in_process_run):
    assert _tables(in_process_run.tables) == _tables(published / "default" / "tables")


def test_the_summary_leads_with_the_figures_of_the_published_tables(published):
    html = (published / "default" / "90_summary.html").read_text()
    assert html.count('src="data:image/png;base64,') == 3  # one chart per domain
    text = visible_text(html)
    total = pd.read_csv(published / "default" / "tables" / "population_total.csv").set_index("year")
    assert f"{total.loc[2030, 'value'] / 1e6:.3f} million" in text
    assert text.index("Key figures") < text.index("What changed") < text.index("Accuracy scorecard") < text.index("Sources")
    assert "first run of scenario default" in text
    card = pd.read_csv(published / "default" / "tables" / "accuracy_scorecard.csv")
    assert set(card["domain"]) == {"population", "schools", "emissions"}
    assert card.groupby(["domain", "horizon"])["best_at_horizon"].sum().eq(1).all()


def test_the_summary_says_what_changed_since_the_previous_run(published, in_process, tmp_path):
    root = tmp_path / "reports"
    shutil.copytree(published, root)
    previous = root / "default" / runner.PREVIOUS
    shutil.copytree(root / "default" / "tables", previous / "tables")
    total = pd.read_csv(previous / "tables" / "population_key_figures.csv")
    total.assign(value=total["value"] - 1000).to_csv(previous / "tables" / "population_key_figures.csv", index=False)
    manifest = json.loads((root / "default" / "manifest.json").read_text())
    manifest["notebooks"]["10_population_forecast"]["parameters"]["seed"] = 7
    (previous / "manifest.json").write_text(json.dumps(manifest))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", PUBLISHED_EPOCH)
        assert runner.run(notebooks=["90_summary"], overrides=SMALL, output_root=root, force=True, log=lambda m: None) == 0
    text = visible_text((root / "default" / "90_summary.html").read_text())
    assert "Key figures that changed" in text and "population_key_figures (changed)" in text
    assert "Parameters changed" in text and "seed" in text


def test_each_domains_key_figures_are_its_published_headline_rows(published):
    tables = published / "default" / "tables"
    read = lambda name: pd.read_csv(tables / f"{name}.csv", encoding="utf-8-sig")  # noqa: E731
    population, deficit, emission = (read(f"{name}_key_figures").set_index("year") for name in ("population", "school", "emission"))
    total = read("population_total").set_index("year")
    assert population[["value", "lo_80", "hi_80"]].equals(total[["value", "lo_80", "hi_80"]])
    seats = read("school_seats").query("regime == 'current'").set_index("school_year")
    assert deficit.loc[2030, ["value", "probability"]].tolist() == seats.loc["2030/31", ["deficit", "p_deficit_over_0"]].tolist()
    manifest = json.loads((published / "default" / "manifest.json").read_text())
    case = manifest["notebooks"]["30_emissions_forecast"]["parameters"]["emission_scenario"]
    gap = read("emissions_target_gap").query("emission_scenario == @case and boundary == 'city'").iloc[0]
    assert set(emission["case"]) == {case} and emission.loc[2030, ["value", "probability"]].tolist() == [gap["median_kt"], gap["share_meeting_target"]]


def test_the_emission_headline_is_the_same_median_in_the_report_the_csv_the_workbook_and_the_iamc_file(published):
    tables = published / "default" / "tables"
    gap = pd.read_csv(tables / "emissions_target_gap.csv", encoding="utf-8-sig")
    manifest = json.loads((published / "default" / "manifest.json").read_text())
    case = manifest["notebooks"]["30_emissions_forecast"]["parameters"]["emission_scenario"]
    headline = gap.query("emission_scenario == @case and boundary == 'city' and year == 2030").iloc[0]
    median, chance = headline["median_kt"], headline["share_meeting_target"]
    assert headline["gap_kt"] == pytest.approx(median - 78, abs=1e-3)  # the gap is the median's, not the as-scheduled path's
    sheet = pd.read_excel(tables / "default.xlsx", sheet_name="emissions_target_gap")
    sheet = sheet.set_axis(gap.columns, axis=1).query("emission_scenario == @case and boundary == 'city' and year == 2030").iloc[0]
    assert (sheet["median_kt"], sheet["share_meeting_target"]) == (median, chance)
    iamc = pd.read_csv(tables / "emissions_iamc.csv", encoding="utf-8-sig")
    city = iamc[(iamc["region"] == "Almaty city") & (iamc["variable"] == "Emissions|Air pollutants")].set_index("scenario")
    assert city.loc[f"default|{case}", "2030"] == median
    if case != "baseline":
        assert city.loc[f"default|{case}_as_scheduled", "2030"] == headline["scheduled_kt"]
    text = visible_text((published / "default" / "30_emissions_forecast.html").read_text())
    assert f"median in 2030 is {median:.1f} thousand t" in text and "target of 78 thousand t in 2030" in text and f"2030: {chance:.0%}" in text


def test_no_report_shows_raw_float_text_or_a_dash_beside_a_minus(published):
    reports = sorted((published / "default").glob("*.html"))
    assert sorted(r.stem for r in reports) == sorted([nb.stem for nb in runner.discover()] + ["index"])  # the scenario's own index too
    for report in reports:
        text = visible_text(report.read_text())
        assert not re.findall(r"\d[.,]\d{5,}", text), (report.name, re.findall(r".{30}\d[.,]\d{5,}.{10}", text)[:3])
        assert "-–-" not in text and not re.search(r"[-−]\d[\d.,\u202f]*–[-−+]?\d", text), report.name
