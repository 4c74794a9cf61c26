"""Faults during a run: a killed runner, a hung cell, a partial failure, stale staging, deleted outputs, lock waits."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import json
import logging
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pandas as pd
import psutil
import pytest

from almaty_analytics import cli, i18n, paths, runner
from almaty_analytics.runner import execute, kernel, publish
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
    kernel_pid = int(marker.read_text())
    try:
        os.kill(kernel_pid, signal.SIGKILL)  # the kernel runs in its own session; it is ours to stop
    except ProcessLookupError:
        pass
    left = [p for p in runner.runs_dir(out).iterdir() if p.resolve() != out.resolve() and p.name != ".lock"]
    assert left  # the killed run left its new version ...
    assert _outputs(out) == good  # ... and never touched the published report and tables
    sockets = list(Path(tempfile.gettempdir()).glob(f"{kernel.SOCKET_PREFIX}{proc.pid}-*"))
    assert sockets  # and its kernel's socket folder
    messages = []
    assert runner.run(log=messages.append, err=messages.append) == 0
    assert not any(folder.exists() for folder in sockets)
    assert not any(p.exists() for p in left) and sorted(p.name for p in runner.runs_dir(out).iterdir()) == [".lock", out.resolve().name]
    assert any("did not finish" in m for m in messages)
    assert _outputs(out) == good


def test_a_hung_cell_ends_at_the_timeout_with_a_failed_report(project, capsys, caplog):
    """One FAILED line says it; nbclient's own "Timeout waiting for execute reply (0s)." no longer reaches standard error."""
    make_notebook(project / "notebooks" / "00_echo.ipynb", ECHO_PARAMETERS, [*ECHO_BODY[:1], SLOW_CELL, *ECHO_BODY[1:]])
    failures = []
    started = time.monotonic()
    assert runner.run(overrides={"report_note": "HANG"}, timeout=4, log=lambda m: None, err=failures.append) == 1
    assert time.monotonic() - started < 60
    assert capsys.readouterr().err == "" and not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
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


def test_a_folder_of_the_older_layout_becomes_the_first_version_and_leftovers_go(project, in_process):
    out = project / "reports" / "default"
    assert runner.run(**QUIET) == 0
    good = _outputs(out)
    target = out.resolve()
    out.unlink()
    os.replace(target, out)  # reports/default as a real folder, as before versions
    (runner.runs_dir(out) / "20260101T000000-deadbeef" / "tables").mkdir(parents=True)  # a dead run's version
    (runner.runs_dir(out) / "20260101T000000-deadbeef.view").mkdir()
    messages = []
    assert runner.run(log=messages.append) == 0
    assert out.is_symlink() and _outputs(out) == good and any("skipped" in m for m in messages)
    assert sorted(p.name for p in runner.runs_dir(out).iterdir()) == [".lock", out.resolve().name]
    assert sum("did not finish" in m for m in messages) == 2


def test_a_lock_held_too_long_gives_exit_2_naming_the_lock(project, monkeypatch, capsys):
    monkeypatch.setattr(execute, "execute_all", lambda *a, **k: pytest.fail("no notebook may run"))
    out = project / "reports" / "default"
    runner.runs_dir(out).mkdir(parents=True)
    with open(runner.runs_dir(out) / ".lock", "w") as handle:
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
    def record(todo, jobs, timeout, kept):
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


def test_reports_print_on_a4_with_charts_one_across_unbroken(project, in_process):
    make_notebook(project / "notebooks" / "00_echo.ipynb", ECHO_PARAMETERS, ["print('hello')"])
    assert runner.run(**QUIET) == 0
    html = (project / "reports" / "default" / "00_echo.html").read_text()
    print_rules = html[html.index("@page") : html.index("</style>", html.index("@page"))]
    assert "size: A4" in print_rules and "@media print" in print_rules
    assert ".jp-OutputArea-child:has(.jp-RenderedImage) { break-inside: avoid; }" in print_rules and "49.5%" not in print_rules
    assert html.index("@page") < html.index("<body")  # in the head, applied whatever the report holds


def test_a_run_keeps_the_tables_and_manifest_it_replaces_under_previous(project, in_process):
    make_notebook(project / "notebooks" / "10_fragile.ipynb", ECHO_PARAMETERS, [PLAIN_TABLE])
    assert runner.run(jobs=1, **QUIET) == 0
    out = project / "reports" / "default"
    table, manifest = (out / "tables" / "population_variants.csv").read_bytes(), (out / "manifest.json").read_bytes()
    assert runner.run(force=True, jobs=1, overrides={"report_note": "second", "base_year": "2022"}, **QUIET) == 0
    assert (out / runner.PREVIOUS / "tables" / "population_variants.csv").read_bytes() == table
    assert (out / runner.PREVIOUS / "manifest.json").read_bytes() == manifest
    assert json.loads((out / "manifest.json").read_text())["parameters"]["report_note"] == "second"


def _published_set(out):
    """The published set of ``out``, checked to be one run's: every file its manifest lists, with its SHA-256; the
    workbook written for that manifest; ``previous/`` a whole earlier manifest. Returns (note, previous note or None)."""
    manifest = json.loads((out / "manifest.json").read_text())
    for entry in manifest["notebooks"].values():
        for name, digest in runner.good_run(entry)["outputs"].items():
            assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest, f"{name} is not the manifest's"
    note = manifest["parameters"]["report_note"]
    assert repr(note) in (out / "00_echo.html").read_text()
    if (out / "tables" / "default.xlsx").is_file():  # (not when a test put a folder in its place)
        readme = {r[0]: r[1] for r in openpyxl.load_workbook(out / "tables" / "default.xlsx")["README"].iter_rows(max_col=2, values_only=True) if r[0]}
        assert readme["  report_note"] == note
    previous = out / runner.PREVIOUS / "manifest.json"
    return note, json.loads(previous.read_text())["parameters"]["report_note"] if previous.exists() else None


def _index_agrees(out):
    """What a reader sees through the index agrees with the published set of ``out``: every link of the language's
    index, and of the scenario pages it links to, resolves; every report of ``out`` is linked; each notebook's status
    and finish time shown are its manifest's."""
    pages, seen, shown, linked = [out.parent / "index.html"], set(), "", set()
    while pages:
        page = pages.pop()
        if page in seen:
            continue
        seen.add(page)
        text = page.read_text()
        shown += text
        for href in re.findall(r'href="([^"]+)"', text):
            target = Path(os.path.normpath(page.parent / unquote(href)))  # as a browser resolves it: "../" by name, not through links
            assert target.exists(), f"{page.name} links {href}, which is not there"
            linked.add(target.resolve())
            if target.name == "index.html" and target.resolve().is_relative_to(out.resolve()):
                pages.append(target)
    assert {p.resolve() for p in out.glob("*.html") if p.name != "index.html"} <= linked, "a report the index does not link"
    t = i18n.Text("en")
    for entry in json.loads((out / "manifest.json").read_text())["notebooks"].values():
        assert f"<td>{t.term('status', entry['status'])}</td><td>{entry['finished']}</td>" in shown, f"not the manifest's: {entry}"


def test_sigkill_at_random_points_of_the_publish_step_leaves_the_whole_old_or_the_whole_new_set(project, in_process):
    """A fault loop: each run is killed (SIGKILL, in a forked child) at a random moment after its notebooks ended;
    each run changes a table (base year 2022 / 2023 in turn), so a published run also rotates ``previous/``."""
    make_notebook(project / "notebooks" / "10_fragile.ipynb", ECHO_PARAMETERS, [PLAIN_TABLE])
    out = project / "reports" / "default"
    assert runner.run(overrides={"report_note": "run-first"}, jobs=1, **QUIET) == 0
    rng = random.Random(21)

    def forked(note: str, kill_after: float | None) -> float:
        other_year = {2022: "2023", 2023: "2022"}[json.loads((out / "manifest.json").read_text())["parameters"]["base_year"]]
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: a run that tells the parent when its notebooks are done
            os.close(read)
            execute_all = execute.execute_all

            def executed(*args, **kwargs):
                results = execute_all(*args, **kwargs)
                os.write(write, b"x")
                return results

            execute.execute_all = executed
            os._exit(runner.run(overrides={"report_note": note, "base_year": other_year}, force=True, jobs=1, **QUIET))
        os.close(write)
        assert os.read(read, 1) == b"x"
        os.close(read)
        started = time.monotonic()
        if kill_after is not None:
            time.sleep(kill_after)
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        return time.monotonic() - started

    publish_seconds = forked("run-measured", None)
    published = _published_set(out)
    assert published == ("run-measured", "run-first")
    outcomes = []
    # 12 kills at random points of the measured publish time, then (on a loaded machine a run takes longer than the one
    # measured) kills later and later until one lands after the switch too: the invariant is checked at every kill.
    delays = [rng.uniform(0, publish_seconds * 1.2) for _ in range(12)] + [publish_seconds * f for f in (1.5, 2, 3, 5, 8)]
    for i, delay in enumerate(delays):
        if i >= 12 and len(set(outcomes)) == 2:
            break
        note = f"run-{i}"
        forked(note, delay)
        now = _published_set(out)
        assert now in (published, (note, published[0])), f"kill {i}: a mixed set {now}"
        _index_agrees(out)
        outcomes.append(now == published)
        published = now
    assert runner.run(overrides={"report_note": "run-last"}, force=True, jobs=1, **QUIET) == 0
    assert _published_set(out)[0] == "run-last"
    _index_agrees(out)
    assert sorted(p.name for p in runner.runs_dir(out).iterdir()) == [".lock", out.resolve().name]
    assert not list(out.rglob("*.tmp")) and not list(out.parent.glob(".default.*"))
    assert set(outcomes) == {True, False}, f"the kills should land both before and after the switch: {outcomes}"


def test_sigkill_right_after_the_switch_leaves_an_index_that_shows_the_switched_set(project, in_process):
    """The moment the random kills rarely hit: just after ``reports/default`` links the new version, before anything
    else is written. The index a reader opens shows the failed notebook of the new version, not the old status."""
    out = project / "reports" / "default"
    assert runner.run(overrides={"report_note": "good"}, jobs=1, **QUIET) == 0
    _index_agrees(out)
    pid = os.fork()
    if pid == 0:  # the child: a run whose notebook fails, killed the moment its switch is done
        switch = publish.switch

        def switch_and_die(*args):
            switch(*args)
            os.kill(os.getpid(), signal.SIGKILL)

        publish.switch = switch_and_die
        os._exit(runner.run(overrides={"report_note": "FAIL"}, force=True, jobs=1, **QUIET))
    assert os.waitpid(pid, 0)[1] == signal.SIGKILL
    assert json.loads((out / "manifest.json").read_text())["notebooks"]["00_echo"]["status"] == "failed"  # switched
    _index_agrees(out)


def test_a_switch_link_left_by_a_killed_run_is_removed_by_the_next_run(project, in_process):
    """A run killed between making the link that switches ``reports/default`` and renaming it leaves the link (the
    random kills above found it); the next run removes it and says so."""
    out = project / "reports" / "default"
    assert runner.run(overrides={"report_note": "first"}, jobs=1, **QUIET) == 0
    stale = out.parent / ".default.0123abcd.link"
    stale.symlink_to(os.path.relpath(out.resolve(), out.parent))
    messages = []
    assert runner.run(overrides={"report_note": "second"}, force=True, jobs=1, log=messages.append, err=messages.append) == 0
    assert not stale.is_symlink() and _published_set(out)[0] == "second"
    assert any("] removed .default.0123abcd.link in " in m for m in messages), messages


def test_a_run_that_changes_no_table_keeps_previous_so_the_last_real_change_stays_on_record(project, in_process):
    make_notebook(project / "notebooks" / "10_fragile.ipynb", ECHO_PARAMETERS, [PLAIN_TABLE])
    out = project / "reports" / "default"
    assert runner.run(jobs=1, overrides={"base_year": "2022"}, **QUIET) == 0
    assert runner.run(jobs=1, **QUIET) == 0  # base year 2023: population_variants changes
    before = (out / runner.PREVIOUS / "manifest.json").read_bytes()
    assert json.loads(before)["parameters"]["base_year"] == 2022
    assert runner.run(jobs=1, force=True, overrides={"report_note": "FAIL"}, **QUIET) == 1  # 00_echo fails, no table changes
    assert runner.run(jobs=1, force=True, overrides={"report_note": "again"}, **QUIET) == 0  # the same tables again
    assert (out / runner.PREVIOUS / "manifest.json").read_bytes() == before


@pytest.mark.parametrize(
    "fault, named",
    [
        ("workbook_is_a_folder", "default.xlsx"),
        ("tables_read_only", "tables"),
        ("disk_full", "00_echo.html"),
        ("cross_device", "data_population_history.csv"),
    ],
)
def test_a_failure_while_publishing_gives_one_failed_line_naming_the_file_and_keeps_the_old_set(project, in_process, monkeypatch, fault, named):
    out = project / "reports" / "default"
    assert runner.run(overrides={"report_note": "good"}, **QUIET) == 0
    good, version = _outputs(out), out.resolve()
    if fault == "workbook_is_a_folder":
        (out / "tables" / "default.xlsx").unlink()
        (out / "tables" / "default.xlsx").mkdir()
        (out / "tables" / "default.xlsx" / "x").write_text("")
    elif fault == "tables_read_only":
        (out / "tables").chmod(0o555)
    else:
        replace = os.replace
        errno, suffix = {"disk_full": (28, "00_echo.html"), "cross_device": (18, "tables/data_population_history.csv")}[fault]

        def failing(source, target):
            if str(target).endswith(suffix) and "/.staging/" not in str(target):  # the move into the new version
                raise OSError(errno, os.strerror(errno), str(target))
            return replace(source, target)

        monkeypatch.setattr(os, "replace", failing)
    if fault == "tables_read_only" and os.access(out / "tables", os.W_OK):
        pytest.skip("running as a user who writes in read-only folders")
    err = []
    try:
        assert runner.run(overrides={"report_note": "new"}, force=True, log=lambda m: None, err=err.append) == 1
    finally:
        (out / "tables").chmod(0o755)
    assert len(err) == 1 and err[0].startswith("FAILED publishing default/en: ") and named in err[0] and "unchanged" in err[0], err
    assert out.resolve() == version and _published_set(out)[0] == "good"
    if fault != "workbook_is_a_folder":
        assert _outputs(out) == good
    assert sorted(p.name for p in runner.runs_dir(out).iterdir()) == [".lock", version.name]  # the new version is gone


def test_a_folder_named_manifest_json_gives_one_failed_line_and_keeps_the_old_version(project, in_process):
    out = project / "reports" / "default"
    assert runner.run(overrides={"report_note": "good"}, **QUIET) == 0
    version, good = out.resolve(), _outputs(out)
    (out / "manifest.json").unlink()
    (out / "manifest.json").mkdir()
    err = []
    assert runner.run(overrides={"report_note": "new"}, force=True, log=lambda m: None, err=err.append) == 1
    assert len(err) == 1 and err[0].startswith("FAILED publishing default/en: ") and "manifest.json" in err[0] and "unchanged" in err[0], err
    assert out.resolve() == version and _outputs(out) == good


def _ours(token: str) -> list[int]:
    """The processes whose environment holds ``token``: the runner's, its workers', their kernels'."""
    found = []
    for process in psutil.process_iter():
        try:
            if process.environ().get("ALMATY_TEST_TOKEN") == token:
                found.append(process.pid)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def _wait_until_gone(token: str, seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := _ours(token)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


STOPS = [  # stop, exit code, jobs, processes (the runner, its workers and their kernels, and the resource tracker)
    (signal.SIGTERM, 143, 2, 5), (signal.SIGINT, 130, 2, 5), (signal.SIGKILL, -9, 2, 5), (signal.SIGTERM, 143, 1, 2),
]


def test_a_stopped_runner_takes_its_workers_and_kernels_with_it(project, tmp_path):
    """Two slow notebooks in two worker processes, each with its kernel; the runner gets ``stop`` (SIGINT as Ctrl-C
    sends it: to the whole process group). SIGTERM and SIGINT: one line, exit 143 / 130, no traceback, nothing left
    running within a few seconds; SIGKILL: the workers and kernels notice their parent is gone and exit. The cases
    of ``STOPS`` run at once, each runner in its own copy of the project."""
    for stem in ("00_echo", "10_echo_two"):
        # only the slow cell: the package is not imported, so the seven kernels start quickly (what is stopped is the runner)
        make_notebook(project / "notebooks" / f"{stem}.ipynb", ECHO_PARAMETERS, ["report_note = overrides.get('report_note', '')", SLOW_CELL])
    cases = []
    for n, (stop, code, jobs, processes) in enumerate(STOPS):
        root = tmp_path / f"case{n}"
        shutil.copytree(project, root)
        (root / "markers").mkdir()
        token = f"stop-{os.getpid()}-{n}"
        env = os.environ | {paths.ROOT_ENV: str(root), "ALMATY_TEST_TOKEN": token, "ALMATY_TEST_MARKER": str(root / "markers" / "kernel.pid")}
        proc = subprocess.Popen(
            [sys.executable, "-m", "almaty_analytics", "run", "--jobs", str(jobs), "-p", "report_note=SLEEP"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
        )
        cases.append({"stop": stop, "code": code, "processes": processes, "root": root, "token": token, "proc": proc})
    try:
        deadline = time.monotonic() + 180
        for case in cases:  # a kernel of every runner is in its slow cell
            while len(_ours(case["token"])) < case["processes"] or not (case["root"] / "markers" / "kernel.pid").exists():
                assert case["proc"].poll() is None and time.monotonic() < deadline, f"{case['stop'].name}: the notebooks never started"
                time.sleep(0.2)
        time.sleep(0.5)  # and the other ones too
        for case in cases:
            case["stopped"] = time.monotonic()
            (os.killpg if case["stop"] == signal.SIGINT else os.kill)(case["proc"].pid, case["stop"])
        for case in cases:
            assert case["proc"].wait(timeout=30) == case["code"], case["stop"].name
            case["took"] = time.monotonic() - case["stopped"]
        for case in cases:
            case["left"] = _wait_until_gone(case["token"], 10)
    finally:
        for case in cases:
            for pid in _ours(case["token"]):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
    for case in cases:
        stop, err = case["stop"], case["proc"].stderr.read()
        assert not case["left"], f"{stop.name}: still running: {case['left']}"
        if stop != signal.SIGKILL:
            assert case["took"] < 10 and "Traceback" not in err and len(err.strip().splitlines()) == 1, f"{stop.name}: {err}"
            assert err.startswith(f"almaty-analytics: stopped by {stop.name}")
        out = case["root"] / "reports" / "default"
        assert not out.exists() and not [p for p in runner.runs_dir(out).iterdir() if p.name != ".lock" and stop != signal.SIGKILL], stop.name


def test_all_scenarios_with_one_scenario_locked_stops_before_any_kernel_and_publishes_nothing(project, monkeypatch, capsys):
    monkeypatch.setattr(execute, "execute_all", lambda *a, **k: pytest.fail("no notebook may run"))
    names = sorted(p.stem for p in (project / "scenarios").glob("*.yaml"))
    locked = project / "reports" / names[-1]  # the last in the order of locks: every other scenario's lock is taken first
    runner.runs_dir(locked).mkdir(parents=True)
    with open(runner.runs_dir(locked) / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.write("run pid 999 started earlier")
        handle.flush()
        assert cli.main(["run", "--all-scenarios", "--lock-timeout", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(runner.runs_dir(locked) / ".lock") in err[0] and "run pid 999" in err[0]
    assert not any((project / "reports" / name).exists() for name in names)


def test_a_stop_that_lands_inside_an_event_loop_task_stops_the_loop():
    """With --jobs 1 the runner waits in nbclient's asyncio loop; a signal there is often handled inside a task's step.
    asyncio keeps any BaseException on the task and runs on, but re-raises a KeyboardInterrupt: Stopped must be one."""
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}

    async def cell_still_running() -> str:
        async def stopped_here() -> None:
            cli._stop(signal.SIGTERM, None)  # the handler, called where the signal landed: inside this task

        asyncio.get_running_loop().create_task(stopped_here())
        await asyncio.sleep(0.2)
        return "ran on to the end"

    loop = asyncio.new_event_loop()
    try:
        with pytest.raises(cli.Stopped):
            loop.run_until_complete(cell_still_running())
    finally:
        loop.close()
        for s, handler in handlers.items():
            signal.signal(s, handler)
