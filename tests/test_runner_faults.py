"""Faults during a run: a killed runner, a hung cell, a partial failure, stale staging, deleted outputs, lock waits."""

from __future__ import annotations

import fcntl
import json
import os
import re
import signal
import subprocess
import sys
import time

import openpyxl
import pandas as pd
import pytest

from almaty_analytics import cli, runner
from almaty_analytics.runner import execute
from conftest import ECHO_BODY, ECHO_PARAMETERS, make_notebook

QUIET = {"log": lambda m: None, "err": lambda m: None}
SLOW_CELL = (
    "import os, pathlib, time\n"
    "if report_note in ('SLEEP', 'HANG'):\n"
    "    marker = os.environ.get('ALMATY_TEST_MARKER')\n"
    "    if marker:\n"
    "        pathlib.Path(marker).write_text(str(os.getpid()))\n"
    "    time.sleep(300)"
)


def _outputs(out):
    """The published reports and tables (the ``previous`` snapshot is not a publication)."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.suffix in (".html", ".csv") and runner.PREVIOUS not in p.relative_to(out).parts
    }


def test_sigkill_mid_notebook_keeps_the_last_good_outputs_and_the_next_run_cleans_up(project, in_process, tmp_path):
    make_notebook(project / "notebooks" / "00_echo.ipynb", ECHO_PARAMETERS, [*ECHO_BODY[:1], SLOW_CELL, *ECHO_BODY[1:]])
    assert runner.run(**QUIET) == 0
    out = project / "reports" / "default"
    good = _outputs(out)
    marker = tmp_path / "kernel.pid"
    proc = subprocess.Popen(
        [sys.executable, "-m", "almaty_analytics.cli", "run", "-p", "report_note=SLEEP"],
        env=os.environ | {"ALMATY_TEST_MARKER": str(marker)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists() or not marker.read_text():
            assert proc.poll() is None and time.monotonic() < deadline, "the slow cell never started"
            time.sleep(0.2)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    kernel = int(marker.read_text())
    try:
        os.kill(kernel, signal.SIGKILL)  # the kernel runs in its own session; it is ours to stop
    except ProcessLookupError:
        pass
    assert list((out / ".staging").iterdir())  # the killed run left its staging folder ...
    assert _outputs(out) == good  # ... and never touched the published report and tables
    messages = []
    assert runner.run(log=messages.append, err=messages.append) == 0
    assert not (out / ".staging").exists()
    assert any("did not finish" in m for m in messages)
    assert _outputs(out) == good


def test_a_hung_cell_ends_at_the_timeout_with_a_failed_report(project):
    make_notebook(project / "notebooks" / "00_echo.ipynb", ECHO_PARAMETERS, [*ECHO_BODY[:1], SLOW_CELL, *ECHO_BODY[1:]])
    failures = []
    started = time.monotonic()
    assert runner.run(overrides={"report_note": "HANG"}, timeout=4, log=lambda m: None, err=failures.append) == 1
    assert time.monotonic() - started < 60
    out = project / "reports" / "default"
    assert (out / "00_echo.failed.html").exists() and not (out / "00_echo.html").exists()
    assert len(failures) == 1 and "timed out" in failures[0] and "4 s" in failures[0]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["notebooks"]["00_echo"]["status"] == "failed"


PLAIN_TABLE = (
    "import pandas as pd\n"
    "from almaty_analytics import export\n"
    "from almaty_analytics.page import Page\n"
    "base_year = Page('10_fragile', scenario, '', overrides, output_dir)['base_year']\n"
    "if base_year == 2021:\n"
    "    raise RuntimeError('this notebook fails for 2021')\n"
    "frame = pd.DataFrame({'year': [base_year], 'variant': ['medium'], 'value': [base_year * 1000], 'share_of_simulations_at_or_below': [0.5]})\n"
    "export.write_table(frame, 'population_variants', output_dir, scenario)"
)


def test_a_partial_failure_leaves_every_sheet_with_the_run_that_produced_it(project, in_process):
    make_notebook(project / "notebooks" / "10_fragile.ipynb", ECHO_PARAMETERS, [PLAIN_TABLE])
    assert runner.run(jobs=1, **QUIET) == 0
    out = project / "reports" / "default"
    first = json.loads((out / "manifest.json").read_text())["notebooks"]["10_fragile"]["finished"]
    time.sleep(1.1)  # a later finish time for the second run
    assert runner.run(overrides={"base_year": "2021"}, jobs=1, **QUIET) == 1
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["parameters"]["base_year"] == 2021  # only the notebook that succeeded
    assert manifest["tables"]["data_population_history"]["parameters"]["base_year"] == 2021
    assert manifest["tables"]["population_variants"] == {"notebook": "10_fragile", "finished": first, "parameters": manifest["tables"]["population_variants"]["parameters"]}
    assert manifest["tables"]["population_variants"]["parameters"]["base_year"] == 2023  # the default: the newest 1 January total
    book = openpyxl.load_workbook(out / "tables" / "default.xlsx")
    readme = {r[0]: r[1] for r in book["README"].iter_rows(max_col=2, values_only=True) if r[0]}
    assert readme["  population_variants"] == f"10_fragile, {first}"
    rows = list(book["README"].iter_rows(max_col=2, values_only=True))
    at = rows.index((f"parameters of 10_fragile (run finished {first})", None))
    fragile = dict(rows[at + 1 : at + 1 + len(ECHO_PARAMETERS.splitlines())])
    assert fragile["  base_year"] == 2023  # a number, and the value that produced the sheet
    assert pd.read_excel(out / "tables" / "default.xlsx", sheet_name="population_variants")["value [persons]"].tolist() == [2023 * 1000]


def test_a_deleted_table_or_workbook_is_restored_by_the_next_run(project, in_process):
    assert runner.run(**QUIET) == 0
    out = project / "reports" / "default"
    table = out / "tables" / "data_population_history.csv"
    original = table.read_bytes()
    table.unlink()
    messages = []
    assert runner.run(log=messages.append) == 0
    assert table.read_bytes() == original and any("ok in" in m for m in messages)
    (out / "tables" / "default.xlsx").unlink()
    messages.clear()
    assert runner.run(log=messages.append) == 0
    assert any("skipped" in m for m in messages) and (out / "tables" / "default.xlsx").exists()


def test_an_edited_table_is_rewritten_by_the_next_run(project, in_process):
    assert runner.run(**QUIET) == 0
    table = project / "reports" / "default" / "tables" / "data_population_history.csv"
    original = table.read_bytes()
    table.write_bytes(original.replace(b"default", b"edited", 1))
    assert runner.run(**QUIET) == 0
    assert table.read_bytes() == original


def test_stale_staging_is_removed_but_never_a_live_runs(project, tmp_path):
    staging = tmp_path / "out" / ".staging"
    dead, live = staging / "dead", staging / "live"
    for folder in (dead, live):
        (folder / "partial").mkdir(parents=True)
    (dead / runner.OWNER).write_text("12345")
    with open(live / runner.OWNER, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        runner.remove_stale_staging(tmp_path / "out", lambda m: None)
        assert live.exists() and not dead.exists()
    runner.remove_stale_staging(tmp_path / "out", lambda m: None)
    assert not live.exists()


def test_a_lock_held_too_long_gives_exit_2_naming_the_lock(project, monkeypatch, capsys):
    monkeypatch.setattr(execute, "execute_all", lambda *a, **k: pytest.fail("no notebook may run"))
    out = project / "reports" / "default"
    out.mkdir(parents=True)
    with open(out / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.write("run pid 999 started earlier")
        handle.flush()
        started = time.monotonic()
        assert cli.main(["run", "--lock-timeout", "1"]) == 2
        assert time.monotonic() - started < 10
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and ".lock" in err[0] and "--lock-timeout" in err[0] and "run pid 999" in err[0]


def test_jobs_default_is_the_cores_at_most_the_notebooks(project, monkeypatch):
    seen = []
    def record(todo, jobs, timeout):
        seen.append(jobs)
        return [[runner.Result(nb.stem, "failed", error="not run") for _ in runs] for nb, runs in todo]

    monkeypatch.setattr(execute, "execute_all", record)
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    make_notebook(project / "notebooks" / "10_echo_two.ipynb", ECHO_PARAMETERS, ECHO_BODY[:3])
    runner.run(force=True, **QUIET)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    runner.run(force=True, **QUIET)
    runner.run(force=True, jobs=3, **QUIET)
    assert seen == [2, 1, 2]


def test_report_note_html_is_shown_as_text_and_nothing_is_loaded_from_the_internet(project, in_process):
    show_note = "from IPython.display import Markdown, display\nif report_note:\n    display(Markdown(f'> **Note:** {report_note}'))"
    make_notebook(project / "notebooks" / "00_echo.ipynb", ECHO_PARAMETERS, [ECHO_BODY[0], show_note])
    note = '<img src="http://example.invalid/x.png"> ![t](http://example.invalid/y.png) <script>alert(1)</script> **draft**'
    assert runner.run(overrides={"report_note": note}, **QUIET) == 0
    html = (project / "reports" / "default" / "00_echo.html").read_text()
    assert "<script>alert" not in html and not re.search(r"<[^>]+\ssrc=\"https?:", html)  # no tag loads anything
    assert "&lt;img" in html and "<strong>draft</strong>" in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html and "script-src 'none'" in html  # no script runs
    assert "script-src 'unsafe-inline'" not in html and "<script" not in html
    assert re.search(r"almaty-analytics \d+\.\d+\.\d+ · commit (unknown|[0-9a-f]{12})\s*</footer>", html)  # the code that made it


def test_reports_print_on_a4_with_charts_two_across(project, in_process):
    make_notebook(project / "notebooks" / "00_echo.ipynb", ECHO_PARAMETERS, ["print('hello')"])
    assert runner.run(**QUIET) == 0
    html = (project / "reports" / "default" / "00_echo.html").read_text()
    print_rules = html[html.index("@page") : html.index("</style>", html.index("@page"))]
    assert "size: A4" in print_rules and "@media print" in print_rules
    assert ".jp-OutputArea-child:has(.jp-RenderedImage)" in print_rules and "width: 49.5%" in print_rules
    assert html.index("@page") < html.index("<body")  # in the head, applied whatever the report holds


def test_a_run_keeps_the_tables_and_manifest_it_replaces_under_previous(project, in_process):
    assert runner.run(**QUIET) == 0
    out = project / "reports" / "default"
    table, manifest = (out / "tables" / "data_population_history.csv").read_bytes(), (out / "manifest.json").read_bytes()
    assert runner.run(force=True, overrides={"report_note": "second"}, **QUIET) == 0
    assert (out / runner.PREVIOUS / "tables" / "data_population_history.csv").read_bytes() == table
    assert (out / runner.PREVIOUS / "manifest.json").read_bytes() == manifest
    assert json.loads((out / "manifest.json").read_text())["parameters"]["report_note"] == "second"
