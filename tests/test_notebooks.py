"""Every report notebook: committed clean and thin, a parameters cell that only says which run it is, reports that read well.

The reports checked here are those of the one end-to-end run of the suite (conftest ``published``);
the labels of ru and kk are checked by recording what an English run looks up (``in_process_run``), not by
running every notebook again in every language.
"""

from __future__ import annotations

import ast
import json
import re

import nbformat
import pandas as pd
import papermill
import pytest

from almaty_analytics import i18n, page, population, runner, scenarios
from almaty_analytics.paths import language_folder
from almaty_analytics.runner import kernel
from conftest import REPO, visible_text

NOTEBOOKS = runner.discover()
RUN_NAMES = {"scenario", "language", "overrides", "output_dir"}  # every parameters cell holds these (90_summary also reports_dir)
# The catalogue section (locales/<language>.yaml) of each report; its `title` heads the report.
SECTIONS = {
    "00_data_overview": "data",
    "10_population_forecast": "population",
    "20_school_seat_deficit": "schools",
    "25_preschool_places": "preschool",
    "30_emissions_forecast": "emissions",
    "90_summary": "summary",
}
# Figures each report of the end-to-end run must show (from data/raw, so they change only with the data).
KEY_FIGURES: dict[str, list[str]] = {
    "00_data_overview": ["Key numbers", "2,161,797", "19.6 thousand seats", "Sources"],  # 1 January 2023 (BNS release of 2023-07-21)
    "10_population_forecast": ["The answer", "1 January 2030", "80% interval", "2.5 million in 2030", "Backtest", "Method and assumptions", "Sources"],
    "20_school_seat_deficit": [
        "The answer",
        "2025/26",
        "2030/31",
        "target 7.3 thousand",
        "chance of a shortage",
        "uncertainty from population",
        "Seat base 2022/23",  # the city's count of 292,015 state pupils and its stated end-2022 shortage (data/raw, 2023)
        "schools a year",
        "Capacity still missing",
        "share of the school-age",
        "Backtest",
        "Method and assumptions",
        "Sources",
    ],
    "25_preschool_places": ["The answer", "Queue of children aged 3–6 in 2025", "chance of meeting it", "bn KZT", "Backtest", "Method and assumptions", "Sources"],
    "30_emissions_forecast": [
        "The answer", "target of 78 thousand t in 2030", "127 − 41.82 = 85.18", "Wedges from baseline to programme", "The programme's arithmetic",
        "cost per tonne", "Method and assumptions", "Sources",
    ],
    "90_summary": ["Almaty forecasts in brief", "Key figures", "What changed", "Accuracy scorecard", "Track record", "What each backtest still takes", "Sources"],
}
# What a reader must never see in a report: local paths and Python's representation of objects.
LEAKS = re.compile(r"/tmp/|/work/|/home/|\.staging|PosixPath\(|<[\w.]+ object at 0x|\barray\(|dtype=|Traceback")
# What a notebook's code must not do: write files (the package publishes through Page.forecast) or open them.
WRITES = re.compile(r"write_table|\bopen\(|\.to_csv\(|\.to_excel\(|\.write_text\(|\.write_bytes\(|savefig\(|to_parquet\(|\.mkdir\(")


def _code(path):
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def _parameters_cell(path):
    return next(c for c in nbformat.read(path, as_version=4).cells if "parameters" in c.metadata.get("tags", []))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None
    assert nb.metadata["kernelspec"]["name"] == runner.KERNEL_NAME


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_cell_has_an_id(path):
    """A cell without an id makes nbformat warn (MissingIDFieldWarning) in every run's log."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    assert [i for i, cell in enumerate(cells) if "id" not in cell] == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_only_says_which_run_it_is_and_resolves(path):
    source = _parameters_cell(path).source
    values = {t.id: ast.literal_eval(node.value) for node in ast.parse(source).body for t in node.targets}
    assert set(papermill.inspect_notebook(str(path))) == set(values)
    assert RUN_NAMES <= set(values) <= set(page.NOTEBOOK_PARAMETERS)
    assert scenarios.load(values["scenario"], values["overrides"]).name == "default"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_notebook_code_writes_or_opens_a_file(path):
    for source in _code(path):
        assert not WRITES.search(source), source


def test_the_notebooks_together_hold_under_400_code_lines():
    """The package computes and words the figures, the notebooks call, display and chart (issue 16): they held 330
    lines after the split, 490 once later reports had put their paragraphs' figures in cells again."""
    lines = sum(len(source.splitlines()) for path in [*NOTEBOOKS, REPO / "notebooks" / "explore.ipynb"] for source in _code(path))
    assert lines < 400, f"{lines} code lines in notebooks/: move what a paragraph or table needs into the domain's report module"


def test_every_notebook_has_key_figures_a_report_entry_and_a_catalogue_section():
    assert {p.stem for p in NOTEBOOKS} == set(KEY_FIGURES) == set(SECTIONS) == set(page.REPORTS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_report_reads_well(published, path):
    html = (published / "default" / f"{path.stem}.html").read_text()
    assert 'class="jp-CodeMirrorEditor' not in html, "code is shown"
    assert 'data-mime-type="application/vnd.jupyter.stderr"' not in html
    assert "<script src" not in html
    text = visible_text(html)
    assert i18n.Text("en")(f"{SECTIONS[path.stem]}.title") in text
    for figure in KEY_FIGURES[path.stem]:
        assert figure in text, figure
    assert 'src="data:image/png;base64,' in html  # charts embedded, not linked


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_every_chart_has_its_title_as_alternative_text_in_the_reports_language(published, language):
    """A screen reader reads a chart's alt attribute: the report kernel sends each chart's titles with its PNG
    (plots.show_as_laid_out), never nbconvert's "No description has been provided for this image"."""
    folder = language_folder(published, language) / "default"
    alts = []
    for report in sorted(folder.glob("*.html")):
        for image in re.findall(r"<img\b[^>]*>", report.read_text(encoding="utf-8")):
            alt = re.search(r'\balt="([^"]+)"', image)
            assert alt and "No description" not in alt.group(1), (report.name, image[:120])
            alts.append(alt.group(1))
    assert len(alts) >= 10
    assert i18n.Text(language)("data.population_title") in alts  # the data overview's first chart


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_report_shows_a_path_or_a_python_representation(published, path):
    leaks = LEAKS.findall(visible_text((published / "default" / f"{path.stem}.html").read_text()))
    assert not leaks


def test_the_index_shows_no_path_or_python_representation(published):
    assert not LEAKS.findall(visible_text((published / "index.html").read_text()))


def test_population_school_and_emission_reports_show_one_set_of_trajectories(published):
    pattern = re.compile(r"Population trajectories ([0-9a-f]{24})")
    stems = ["10_population_forecast", "20_school_seat_deficit", "25_preschool_places", "30_emissions_forecast"]
    digests = {pattern.search(visible_text((published / "default" / f"{s}.html").read_text())).group(1) for s in stems}
    assert len(digests) == 1


def test_plain_papermill_gives_the_scenario_asked_for(tmp_path):
    notebook = next(p for p in NOTEBOOKS if p.stem == "10_population_forecast")
    small = {"n_simulations": 200}
    with kernel.private_sockets() as sockets:  # the runner's transport, so that no other process can take the kernel's ports
        papermill.execute_notebook(
            str(notebook), str(tmp_path / "out.ipynb"), parameters={"scenario": "high", "overrides": small, "output_dir": str(tmp_path)},
            progress_bar=False, config=sockets,
        )
    published = pd.read_csv(tmp_path / "tables" / "population_total.csv").set_index("year")["value"]
    high, default = (population.results(scenarios.load(name, small).parameters).tables["population_total"].set_index("year")["value"]
                     for name in ("high", "default"))
    assert published[2030] == pytest.approx(high[2030]) and published[2030] != pytest.approx(default[2030])


@pytest.mark.parametrize("language", [lang for lang in i18n.LANGUAGES if lang != "en"])
def test_every_label_a_run_looks_up_exists_and_fills_in_every_language(in_process_run, language):
    calls, checked = in_process_run.calls, in_process_run.checked
    assert len({key for key, _ in calls}) > 100
    t = i18n.Text(language)
    for key, values in calls:
        t(key, **values)  # a missing label raises MissingLabel, a missing placeholder KeyError
    english = i18n.Text("en")
    assert [key for key in checked if t.has(key) != english.has(key)] == []  # the same branches in every language
