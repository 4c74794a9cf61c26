"""The what-if explorer: notebooks/explore.ipynb run headless in the project kernel, its sliders moved there as a page's
would be; and its lines, with the scenario's values, are the reports' numbers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import papermill
import pytest
from jupyter_core.paths import jupyter_path

from almaty_analytics import explorer, paths, runner, scenarios, whatif
from almaty_analytics.runner import kernel
from conftest import SMALL as END_TO_END

NOTEBOOK = paths.notebooks_dir() / "explore.ipynb"
SMALL = 50  # simulations per redraw in the test
# Each slider moved from its start, and the 2030 figure that must move with it: (name, new value, figure, +1 up / -1 down)
MOVES = [
    ("net_migration", 80_000.0, "population", 1),
    ("tfr", 1.5, "population", -1),
    ("build_rate_after_2025", 10.0, "deficit", -1),
    ("private_places_after_2025", 0.0, "deficit", 1),
    ("delay_budget", 3.0, "deficit", 1),
    ("delay_post_2025", 3.0, "deficit", 1),
    ("tpp2_conversion_year", 2033, "emissions", 1),
    ("measure_delay_mean_years", 3.0, "emissions", 1),
]
DOMAIN = {"population": "population", "deficit": "schools", "emissions": "emissions"}  # the whatif.ASSUMPTIONS group of each figure
# Appended to a copy of the notebook: move each slider as the page does (the widget's value), record, move it back.
DRIVE = """
import json
def at_2030(lines):
    return {"population": int(lines.population.set_index("year").loc[2030, "value"]),
            "deficit": int(lines.deficit.set_index("school_year").loc["2030/31", "deficit"]),
            "emissions": float(lines.emissions.set_index("year").loc[2030, "median_kt"])}
record = {"start": at_2030(explorer.lines), "moves": {}, "sliders": {}}
for name, slider in explorer.sliders.items():
    record["sliders"][name] = [slider.min, slider.value, slider.max, slider.step, explorer.whatif.starts[name]]
for name, value, *_ in MOVES:
    before = {chart: image.value for chart, image in explorer.images.items()}
    explorer.sliders[name].value = value
    redrawn = sorted(chart for chart, image in explorer.images.items() if image.value != before[chart])
    record["moves"][name] = {"at_2030": at_2030(explorer.lines), "redrawn": redrawn, "message": explorer.message.value}
    explorer.sliders[name].value = explorer.whatif.starts[name]
record["back"] = at_2030(explorer.lines)
explorer.update(tfr=99.0)
record["bad"] = {"message": explorer.message.value, "at_2030": at_2030(explorer.lines), "tfr": explorer.sliders["tfr"].value}
record["timings"] = explorer.timings
print("RECORD" + json.dumps(record))
"""


@pytest.fixture(scope="module")
def driven(tmp_path_factory) -> dict:
    """The notebook run by papermill in the almaty-analytics kernel with the sliders moved (DRIVE): what it recorded."""
    folder = tmp_path_factory.mktemp("explorer")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cell = nbformat.v4.new_code_cell(f"MOVES = {MOVES!r}\n{DRIVE}")
    cell.id = "drive"
    nb.cells.append(cell)
    nbformat.write(nb, folder / "explore.ipynb")
    with kernel.private_sockets() as sockets:
        out = papermill.execute_notebook(
            str(folder / "explore.ipynb"), str(folder / "out.ipynb"), parameters={"n_simulations": SMALL}, kernel_name=runner.KERNEL_NAME,
            progress_bar=False, config=sockets,
        )
    [text] = [o["text"] for o in out.cells[-1].outputs if o.get("name") == "stdout"]
    return json.loads(text.split("RECORD", 1)[1])


@pytest.mark.parametrize(("name", "value", "figure", "sign"), MOVES, ids=[m[0] for m in MOVES])
def test_moving_a_slider_moves_its_2030_figure_the_right_way_and_redraws_only_what_depends_on_it(driven, name, value, figure, sign):
    move, start = driven["moves"][name], driven["start"]
    assert (move["at_2030"][figure] - start[figure]) * sign > 0, (name, start, move["at_2030"])
    assert name in whatif.ASSUMPTIONS[DOMAIN[figure]]
    # the school and emission models read the population forecast: a population assumption redraws all three
    assert move["redrawn"] == (sorted(DOMAIN) if figure == "population" else [figure])
    assert move["message"].startswith("Redrawn in ")


def test_moving_every_slider_back_gives_the_scenario_again(driven):
    assert driven["back"] == driven["start"]


def test_a_bad_value_says_why_in_one_line_and_changes_nothing(driven):
    bad = driven["bad"]
    assert bad["message"].startswith("Not redrawn, the value is not accepted: ") and "tfr" in bad["message"] and "out of range" in bad["message"]
    assert "Traceback" not in bad["message"] and "\n" not in bad["message"]
    assert bad["at_2030"] == driven["start"] and bad["tfr"] == driven["sliders"]["tfr"][1]


def test_each_slider_starts_at_the_scenario_value_on_one_of_its_steps_within_the_declared_range(driven):
    for name, (low, value, high, step, start) in driven["sliders"].items():
        spec = scenarios.PARAMETERS[name]
        assert value == start and low <= value <= high and high == spec.max and low >= spec.min, name
        assert abs(round((value - low) / step) * step - (value - low)) < 1e-9 * max(1, abs(value)), (name, value, step)


def test_every_redraw_is_timed(driven):
    """Each move there and back is timed (the page says how long it took); how long is a benchmark's question
    (benchmarks/bench_explorer.py), not a test's."""
    seconds = [s for _, s in driven["timings"]]
    assert len(seconds) == 2 * len(MOVES) and all(s > 0 for s in seconds), seconds


def test_the_scenario_lines_are_the_reports_numbers(published):
    """With the scenario's values, the explorer's lines are the published tables of the suite's end-to-end run (same simulations)."""
    lines = whatif.WhatIf("default", n_simulations=int(END_TO_END["n_simulations"])).default
    tables = published / "default" / "tables"
    total = pd.read_csv(tables / "population_total.csv")[list(lines.population.columns)]
    pd.testing.assert_frame_equal(lines.population, total, check_dtype=False)
    seats = pd.read_csv(tables / "school_seats.csv").query("regime == 'current'")[list(lines.deficit.columns)].reset_index(drop=True)
    pd.testing.assert_frame_equal(lines.deficit, seats, check_dtype=False)
    emissions = pd.read_csv(tables / "emissions_by_source.csv").query("emission_scenario == 'programme' and boundary == 'city' and source == 'total'")
    pd.testing.assert_frame_equal(
        lines.emissions.round(4), emissions[list(lines.emissions.columns)].reset_index(drop=True), check_dtype=False, atol=1e-4
    )


def test_every_label_of_the_page_exists_in_every_language():
    for language in ("en", "ru", "kk"):
        text = explorer.i18n.Text(language)
        keys = [f"explorer.sliders.{name}" for names in whatif.ASSUMPTIONS.values() for name in names]
        keys += [f"explorer.{chart}_{part}" for chart in explorer.CHARTS for part in ("title", "y")]
        assert all(text.has(key) for key in keys), language


def test_the_readme_example_runs_as_written():
    section = (paths.root() / "README.md").read_text(encoding="utf-8").split("## What-if explorer", 1)[1].split("\n## ", 1)[0]
    [example] = [block.split("\n", 1)[1] for block in section.split("```")[1::2] if block.startswith("python")]
    namespace: dict = {}
    exec(compile(example, "README.md, what-if explorer example", "exec"), namespace)
    shown = namespace["explorer"]
    assert shown.t.language == "ru" and shown.overrides() == {"net_migration": 60_000}
    assert shown.lines.population["value"].iloc[-1] > shown.whatif.default.population["value"].iloc[-1]


def test_the_notebook_is_thin_committed_without_outputs_and_every_cell_has_an_id():
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert [i for i, cell in enumerate(cells) if "id" not in cell] == []
    assert all(not c.outputs and c.execution_count is None for c in nb.cells if c.cell_type == "code")
    assert nb.metadata["kernelspec"]["name"] == runner.KERNEL_NAME
    assert "parameters" in nb.cells[0].metadata["tags"] and set(papermill.inspect_notebook(str(NOTEBOOK))) == {"scenario", "language", "n_simulations"}
    assert sum(len(c.source.splitlines()) for c in nb.cells) < 10


def test_the_page_template_drops_every_stylesheet_and_script_voilas_lab_template_loads_from_the_internet():
    """`make explore` serves with share/jupyter/voila/templates/almaty: Voilà's lab template less its links to a CDN
    (checked by eye with the network blocked: the page loads nothing but from 127.0.0.1)."""
    [lab] = [Path(p) / "index.html.j2" for p in jupyter_path("voila", "templates", "lab") if (Path(p) / "index.html.j2").exists()][:1]
    internet = set(re.findall(r'<(?:link|script)\b[^>]*\b(?:href|src)="(https?://[^"]+)"', lab.read_text(encoding="utf-8")))
    ours = (paths.root() / "share" / "jupyter" / "voila" / "templates" / "almaty" / "index.html.j2").read_text(encoding="utf-8")
    cdn = re.search(r"set cdn = '([^']+)'", ours).group(1)
    assert internet and internet == {cdn + name for name in re.findall(r"~ cdn ~ '([^\"]+)\"", ours)}
