"""Shared fixtures: a throw-away project root with the real raw data and small notebooks, and an in-process executor.

Orchestration tests run notebooks with ``in_process`` (runner.execute.execute_notebook replaced by
``execute_in_process``, as papermill's own tests replace their engine): the code cells run in the test
process, the report is rendered by the real nbconvert step, and no kernel starts. Only a few contract
tests start real kernels (tests/test_kernels.py, test_runner.py) and one end-to-end run (``published``).

``make test`` runs the files in parallel (pytest-xdist, ``-n auto --dist loadfile``: a file's tests share one
worker and its module fixtures); the end-to-end run is made once for all workers (``once_for_all_workers``).
"""

from __future__ import annotations

# isort: off
import almaty_analytics  # noqa: F401  first: it marks rfc3987_syntax absent before nbformat loads jsonschema (2 s per test process)
# isort: on
import base64
import fcntl
import io
import os
import pickle
import re
import shutil
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
from papermill.iorw import load_notebook_node
from papermill.parameterize import parameterize_notebook
from traitlets.config import Config

from almaty_analytics import export, i18n, page, paths, plots, runner
from almaty_analytics import io as data_io
from almaty_analytics.runner import execute
from almaty_analytics.runner import kernel as runner_kernel

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
language = ""  # the scenario's when empty
overrides = {}  # parameter values replacing the scenario's
output_dir = ""  # where the runner collects tables"""

ECHO_BODY = [
    "from almaty_analytics import export, history, io\nfrom almaty_analytics.page import Page\n"
    "page = Page('00_echo', scenario, language, overrides, output_dir)\nreport_note = page['report_note']",
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
    text = re.sub(r"<(style|script)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", "", text)


NO_HISTORY = Config({"HistoryManager": {"enabled": False}})  # the in-process shell writes nothing to ~/.ipython


def execute_in_process(notebook: Path, runs: list[tuple[dict, Path]], progress: bool = False, timeout: float = 0) -> list[runner.Result]:
    """Stand-in for runner.execute.execute_notebook: for each ``(parameters, staging)`` of ``runs`` in turn,
    papermill's parameter cell, then every code cell run here in a fresh namespace.

    An IPython shell in this process captures what a kernel would send: standard output, rich displays
    (IPython.utils.capture) and, at the end of each cell, every open matplotlib figure as PNG (as the inline
    backend does). The first exception stops the run as a failed cell does in a kernel (its report
    rendered with the code shown). ``progress`` and ``timeout`` are ignored.
    """
    return [_run_in_process(notebook, parameters, staging) for parameters, staging in runs]


def _run_in_process(notebook: Path, parameters: dict, staging: Path) -> runner.Result:
    started = time.perf_counter()
    nb = parameterize_notebook(load_notebook_node(str(notebook)), parameters, kernel_name=runner.KERNEL_NAME, language="python")
    InteractiveShell.instance(config=NO_HISTORY)  # display() publishes to the shell, which capture_output records
    namespace: dict = {"__name__": "__main__"}
    error = ""
    for number, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        cell.execution_count = number + 1
        with capture_output(stderr=False) as captured:
            try:
                exec(compile(cell.source, f"<cell {number + 1}>", "exec"), namespace)
            except Exception as exc:
                name, value = type(exc).__name__, str(exc)
                error = f"{runner.failed_cell_in(nb, number + 1)}: {name}: {value}"
                failure = nbformat.v4.new_output("error", ename=name, evalue=value, traceback=traceback.format_exc().splitlines())
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=captured.stdout)] if captured.stdout else []
        cell.outputs += [nbformat.v4.new_output("display_data", data=o.data, metadata=o.metadata) for o in captured.outputs]
        cell.outputs += [_figure_output(plt.figure(n)) for n in plt.get_fignums()]
        plt.close("all")
        if error:
            cell.outputs.append(failure)
            break
    nbformat.write(nb, staging / f"{notebook.stem}.ipynb")
    html = staging / f"{notebook.stem}{'.failed' if error else ''}.html"
    runner.render_html(staging / f"{notebook.stem}.ipynb", html, show_code=bool(error))
    return runner.Result(notebook.stem, "failed" if error else "ok", time.perf_counter() - started, error)


def _figure_output(figure) -> nbformat.NotebookNode:
    png = io.BytesIO()
    figure.savefig(png, format="png", **plots.AS_LAID_OUT)  # as the report kernel shows it (plots.show_as_laid_out)
    return nbformat.v4.new_output("display_data", data={"image/png": base64.b64encode(png.getvalue()).decode(), "text/plain": repr(figure)},
                                  metadata={"image/png": {"alt": plots.alt_text(figure)}})  # as plots.show_as_laid_out sends it


@pytest.fixture
def in_process(monkeypatch):
    """Notebooks run in this process, no kernel (pass jobs=1 / --jobs 1 when a stage has several notebooks)."""
    monkeypatch.setattr(execute, "execute_notebook", execute_in_process)


@pytest.fixture
def no_kernel(monkeypatch) -> list:
    """Spies on everything that would start a kernel: a call fails the test (the calls, for a test to check)."""
    started = []

    def spy(*args, **kwargs):
        started.append(args)
        raise AssertionError("a kernel was about to start although the input is bad")

    monkeypatch.setattr(execute, "execute_notebook", spy)
    monkeypatch.setattr(execute, "execute_all", spy)
    monkeypatch.setattr(runner_kernel, "ensure_kernel", spy)
    return started


SMALL = {"n_simulations": "200"}  # keeps every notebook fast; the reports stay complete
PUBLISHED_EPOCH, PUBLISHED_DATE = "1700000000", "2023-11-14"  # SOURCE_DATE_EPOCH of the end-to-end run, and its run date
PUBLISHED_LANGUAGES = ["en", "ru", "kk"]  # the end-to-end run's languages: ru and kk go to <root>/<language>/default


def once_for_all_workers(tmp_path_factory, name: str, build) -> Path:
    """``build(folder)`` run once for the whole session, whichever xdist worker asks first (the others wait on a lock
    and reuse the folder: pytest-xdist's documented pattern, with the basetemp all workers share)."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder, done = shared / name, shared / f"{name}.done"
    with open(shared / f"{name}.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # a build that failed in another worker
            folder.mkdir()
            build(folder)
            done.touch()
    return folder


def _published_run(root: Path) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", PUBLISHED_EPOCH)
        failures = []
        messages = []
        code = runner.run(overrides=SMALL, output_root=root, jobs=2, force=True, log=messages.append, err=failures.append, languages=PUBLISHED_LANGUAGES)
    assert code == 0, failures
    (root / "run.log").write_text("\n".join(messages))


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> Path:
    """The suite's one end-to-end run: every real notebook, default scenario, small, run date fixed, in English, Russian and
    Kazakh (each notebook's languages in turn in one kernel: ru and kk only present); its output root."""
    return once_for_all_workers(tmp_path_factory, "published", _published_run)


@dataclass
class InProcessRun:
    """An English run of the real notebooks in this process: the labels it looked up and the tables it wrote."""

    calls: list[tuple[str, dict]]  # (key, values) of every label looked up
    checked: list[str]  # every label checked for (Text.has)
    tables: Path  # every table the notebooks wrote, stamped with the end-to-end run's date


@pytest.fixture(scope="session")
def in_process_run(published, tmp_path_factory) -> InProcessRun:
    """The real notebooks run again in process (execute_in_process), English, against the end-to-end run's reports,
    with i18n.Text recording; nothing is published. Made once for all workers (``once_for_all_workers``: the lookups
    kept as a pickle beside the tables), as test_notebooks and test_end_to_end may run in different workers."""
    folder = once_for_all_workers(tmp_path_factory, "in_process", lambda folder: _in_process_run(published, folder))
    calls, checked = pickle.loads((folder / "lookups.pickle").read_bytes())
    return InProcessRun(calls, checked, folder / "tables")


def _in_process_run(published: Path, staging: Path) -> None:
    calls, checked = [], []
    call, has = i18n.Text.__call__, i18n.Text.has

    def recording_call(self, key, /, **values):
        calls.append((key, values))
        return call(self, key, **values)

    def recording_has(self, key):
        checked.append(key)
        return has(self, key)

    given = {"scenario": "default", "overrides": {k: int(v) for k, v in SMALL.items()}, "reports_dir": str(published)}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(i18n.Text, "__call__", recording_call)
        patch.setattr(i18n.Text, "has", recording_has)
        for notebook in runner.discover():
            declared = runner.declared_parameters(notebook)
            parameters = {k: v for k, v in given.items() if k in declared} | {"output_dir": str(staging)}
            [result] = execute_in_process(notebook, [(parameters, staging)])
            assert result.status == "ok", result.error
    for table in sorted((staging / "tables").glob("*.csv")):
        export.stamp_table(table, PUBLISHED_DATE, data_io.shown_vintage(""))
    export.write_data_dictionary(staging / "tables")  # as the runner does after its notebooks
    (staging / "lookups.pickle").write_bytes(pickle.dumps((calls, checked)))
