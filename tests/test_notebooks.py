"""Every report notebook: committed clean, parameters parseable and valid, runs through the runner."""

from __future__ import annotations

import ast
import re

import nbformat
import papermill
import pytest

from almaty_analytics import i18n, population, runner, scenarios
from conftest import visible_text

NOTEBOOKS = runner.discover()
# The catalogue section (locales/<language>.yaml) of each report; its `title` heads the report.
SECTIONS = {
    "00_data_overview": "data",
    "10_population_forecast": "population",
    "20_school_seat_deficit": "schools",
    "30_emissions_forecast": "emissions",
    "90_summary": "summary",
}
# Parameters that keep each notebook fast in the suite; the report must still be complete.
SMALL_PARAMETERS: dict[str, dict[str, str]] = {
    "00_data_overview": {},
    "10_population_forecast": {"n_simulations": "200"},
    # -- 20_school_seat_deficit --
    "20_school_seat_deficit": {"n_simulations": "200"},
    # -- 30_emissions_forecast --
    "30_emissions_forecast": {"n_simulations": "200"},
    "90_summary": {},
}
# Figures each report must show (from data/raw, so they change only with the data).
KEY_FIGURES: dict[str, list[str]] = {
    "00_data_overview": ["Key numbers", "2,101,485", "19.6 thousand seats", "Sources"],
    "10_population_forecast": [
        "The answer",
        "1 January 2030",
        "80% interval",
        "2.5 million in 2030",
        "Backtest",
        "Method and assumptions",
        "Sources",
    ],
    # -- 20_school_seat_deficit --
    "20_school_seat_deficit": [
        "The answer",
        "2025/26",
        "2030/31",
        "target 7.3 thousand",
        "chance of a shortage",
        "uncertainty from population",
        "Calibration year 2021/22",
        "schools a year",
        "Capacity still missing",
        "share of the school-age",
        "Backtest",
        "Method and assumptions",
        "Sources",
    ],
    # -- 30_emissions_forecast --
    "30_emissions_forecast": [
        "The answer",
        "target of 78 thousand t in 2030",
        "127 − 41.82 = 85.18",
        "Wedges from baseline to programme",
        "The programme's arithmetic",
        "cost per tonne",
        "Method and assumptions",
        "Sources",
    ],
    # run alone it finds no published tables: it must say so and still render every section
    "90_summary": ["Almaty forecasts in brief", "No published tables were found", "What changed", "Accuracy scorecard", "Sources"],
}


# Reports that read other reports' tables: run alone (as below) they have none, so no charts; the end-to-end
# test (test_end_to_end.py) checks their charts.
READS_PUBLISHED_TABLES = {"90_summary"}


def _parameters_cell(nb):
    return next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None
    assert nb.metadata["kernelspec"]["name"] == runner.KERNEL_NAME


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_parameter_line_is_understood_by_papermill_and_valid(path):
    nb = nbformat.read(path, as_version=4)
    source = _parameters_cell(nb).source
    assigned = {t.id: ast.literal_eval(node.value) for node in ast.parse(source).body for t in node.targets}
    assert set(papermill.inspect_notebook(str(path))) == set(assigned)
    scenarios.check(**assigned)  # literals only, each within the schema


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_defaults_match_the_default_scenario(path):
    source = _parameters_cell(nbformat.read(path, as_version=4)).source
    defaults = {t.id: ast.literal_eval(node.value) for node in ast.parse(source).body for t in node.targets}
    resolved = scenarios.load("default").parameters
    for name, value in defaults.items():
        if name != "output_dir":
            assert resolved[name] == value, f"{path.name}: {name} = {value!r} but the default scenario says {resolved[name]!r}"


def test_every_notebook_has_small_parameters_key_figures_and_a_catalogue_section_declared():
    assert {p.stem for p in NOTEBOOKS} == set(SMALL_PARAMETERS) == set(KEY_FIGURES) == set(SECTIONS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_through_the_runner_and_reads_well(path, tmp_path):
    code = runner.run(notebooks=[path.stem], overrides=SMALL_PARAMETERS[path.stem], output_root=tmp_path, force=True, log=lambda m: None)
    assert code == 0
    html = (tmp_path / "default" / f"{path.stem}.html").read_text()
    assert 'class="jp-CodeMirrorEditor' not in html, "code is shown"
    assert 'data-mime-type="application/vnd.jupyter.stderr"' not in html and "Traceback" not in html
    assert "<script src" not in html
    text = visible_text(html)
    for figure in KEY_FIGURES[path.stem]:
        assert figure in text, figure
    assert path.stem in READS_PUBLISHED_TABLES or 'src="data:image/png;base64,' in html  # charts embedded, not linked


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_notebook_that_reads_the_population_forecast_declares_every_population_parameter(path):
    nb = nbformat.read(path, as_version=4)
    if any("population.shared_forecast" in c.source for c in nb.cells):
        assert set(population.PARAMETER_NAMES) <= set(runner.declared_parameters(path))


def test_population_school_and_emission_reports_show_one_set_of_trajectories(tmp_path):
    stems = ["10_population_forecast", "20_school_seat_deficit", "30_emissions_forecast"]
    code = runner.run(notebooks=stems, overrides={"n_simulations": "200"}, output_root=tmp_path, force=True, log=lambda m: None)
    assert code == 0
    pattern = re.compile(r"Population trajectories ([0-9a-f]{24})")
    digests = {pattern.search(visible_text((tmp_path / "default" / f"{s}.html").read_text())).group(1) for s in stems}
    assert len(digests) == 1


@pytest.mark.parametrize("language", [lang for lang in i18n.LANGUAGES if lang != "en"])
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_renders_in_every_language_without_a_missing_label(path, language, tmp_path):
    overrides = SMALL_PARAMETERS[path.stem] | {"language": language}
    code = runner.run(notebooks=[path.stem], overrides=overrides, output_root=tmp_path, force=True, log=lambda m: None)
    out = tmp_path / language / "default"
    failure = out / f"{path.stem}.failed.html"
    assert code == 0, visible_text(failure.read_text())[-600:] if failure.exists() else "failed"
    html = (out / f"{path.stem}.html").read_text()
    text = visible_text(html)
    assert i18n.Text(language)(f"{SECTIONS[path.stem]}.title") in text
    assert i18n.Text("en")(f"{SECTIONS[path.stem]}.title") not in text
    assert f'<html lang="{language}">' in html and "Traceback" not in html
    assert path.stem in READS_PUBLISHED_TABLES or 'src="data:image/png;base64,' in html
