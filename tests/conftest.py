"""Shared fixtures: a throw-away project root with the real raw data and small notebooks."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from almaty_analytics import page, paths

REPO = Path(__file__).resolve().parents[1]


def make_notebook(path: Path, parameters: str, body: list[str]) -> Path:
    """Write a notebook with a tagged parameters cell followed by ``body`` code cells."""
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell(f"# {path.stem}"))
    cell = nbformat.v4.new_code_cell(parameters)
    cell.metadata["tags"] = ["parameters"]
    nb.cells.append(cell)
    nb.cells += [nbformat.v4.new_code_cell(src) for src in body]
    nb.metadata["kernelspec"] = {"name": "almaty-analytics", "display_name": "Python (almaty-analytics)", "language": "python"}
    nbformat.write(nb, path)
    return path


ECHO_PARAMETERS = """scenario = "default"  # scenario name
overrides = {}  # parameter values replacing the scenario's
output_dir = ""  # where the runner collects tables"""

ECHO_BODY = [
    "from almaty_analytics import export, history, io\nfrom almaty_analytics.page import Page\n"
    "page = Page('00_echo', scenario, '', overrides, output_dir)\nreport_note = page['report_note']",
    'if report_note == "FAIL":\n    raise RuntimeError("asked to fail")',
    "print(repr(report_note))",
    "print('SECRET-CODE-MARKER-' + 'OUTPUT')",
    (
        "pop = io.read_table('bns_population_1jan').query(\"area == 'almaty'\").drop(columns='area')\n"
        "h = history.with_level_shifts(pop, io.read_table('level_shifts'), 'bns_population_1jan', 'persons', by=['sex'])\n"
        "h = h.rename(columns={'change': 'change_persons'})[list(export.TABLES['data_population_history'].columns)]\n"
        "export.write_table(h, 'data_population_history', output_dir, scenario)"
    ),
]


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A project root with the real data/raw and default scenario, and one echo notebook."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "data" / "raw", root / "data" / "raw")
    (root / "data" / "processed").mkdir(parents=True)
    shutil.copytree(REPO / "scenarios", root / "scenarios")
    (root / "notebooks").mkdir()
    make_notebook(root / "notebooks" / "00_echo.ipynb", ECHO_PARAMETERS, ECHO_BODY)
    monkeypatch.setenv(paths.ROOT_ENV, str(root))
    monkeypatch.setitem(page.REPORTS, "00_echo", page.Report(("common",)))  # its results depend on the run's common parameters only
    return root


def visible_text(html: str) -> str:
    """The text a reader sees: tags and style blocks removed, entities kept."""
    import re

    text = re.sub(r"<(style|script)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", "", text)
