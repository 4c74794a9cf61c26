"""The runner end to end: validation before kernels, outputs, failures, skips, locking."""

from __future__ import annotations

import concurrent.futures as futures
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from almaty_analytics import cli, export, page, runner
from almaty_analytics.runner import execute
from conftest import ECHO_BODY, ECHO_PARAMETERS, REPO, make_notebook, visible_text


@pytest.mark.parametrize(
    "argv, named",
    [
        (["run", "-p", "horizon=1990"], "horizon"),
        (["run", "-p", "bogus=1"], "bogus"),
        (["run", "-p", "base_year=twenty"], "base_year"),
        (["run", "-p", "base_year=2030"], "base_year"),
        (["run", "--scenario", "nosuch"], "nosuch"),
        (["run", "--notebook", "99_missing"], "99_missing"),
        (["run", "-p", "output_dir=/tmp/x"], "output_dir"),
        (["run", "-p", "districts=alatau,atlantis"], "districts"),
    ],
)
def test_bad_input_exits_2_with_one_message_before_any_kernel(project, no_kernel, capsys, argv, named):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("almaty-analytics: error:") and named in err[0]
    assert not (project / "reports" / "default" / "manifest.json").exists()


def test_parameter_not_used_by_selected_notebooks_is_refused(project, no_kernel, capsys):
    assert cli.main(["run", "-p", "net_migration=1000"]) == 2
    assert "'net_migration' is not used by the selected notebooks" in capsys.readouterr().err


def test_bad_data_file_exits_2_naming_file_row_and_column(project, no_kernel, capsys):
    path = project / "data" / "raw" / "bns_schools.csv"
    path.write_text(path.read_text().replace("2021/22,2021,almaty,317", "2021/22,2021,almaty,many"))
    assert cli.main(["run"]) == 2
    err = capsys.readouterr().err
    assert "bns_schools.csv" in err and "column 'schools'" in err and "row " in err


def test_real_exit_code_is_2_for_a_bad_parameter(project):
    proc = subprocess.run(
        [sys.executable, "-m", "almaty_analytics.cli", "run", "-p", "nope=1"], capture_output=True, text=True, env=os.environ
    )
    assert proc.returncode == 2
    assert "unknown parameter 'nope'" in proc.stderr


def test_run_writes_the_output_contract(project):
    assert runner.run(log=lambda m: None) == 0
    out = project / "reports" / "default"
    html = (out / "00_echo.html").read_text()
    assert (out / "00_echo.ipynb").exists()
    table = pd.read_csv(out / "tables" / "data_population_history.csv")
    assert list(table.columns)[0] == "scenario" and set(table["scenario"]) == {"default"}
    sheets = pd.read_excel(out / "tables" / "default.xlsx", sheet_name=None)
    assert set(sheets) == {"README", "data_population_history"}
    readme = sheets["README"].astype(str).to_string()
    assert "input hashes" in readme and "bns_population_1jan.csv" in readme and "persons" in readme
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["parameters"]["base_year"] == 2023  # the default: the newest 1 January total in data/raw
    assert manifest["tables"]["data_population_history"]["notebook"] == "00_echo"
    assert set(manifest["notebooks"]["00_echo"]["outputs"]) == {"00_echo.html", "00_echo.ipynb", "tables/data_population_history.csv"}
    assert manifest["notebooks"]["00_echo"]["status"] == "ok" and manifest["notebooks"]["00_echo"]["seconds"] > 0
    assert "bns_population_1jan.csv" in manifest["input_hashes"] and "pandas" in manifest["versions"]
    assert 'href="default/index.html"' in (project / "reports" / "index.html").read_text()  # the language's index links the scenario's
    assert 'href="00_echo.html"' in (out / "index.html").read_text()  # which is in its version, switched with it
    assert "SECRET-CODE-MARKER-OUTPUT" in html  # outputs are shown ...
    assert "SECRET-CODE-MARKER-' + 'OUTPUT" not in html  # ... code is not
    assert 'class="jp-CodeMirrorEditor' not in html and 'class="jp-InputPrompt' not in html
    assert "<script src" not in html and "cdnjs" not in html and "require.js" not in html
    assert not list(out.glob(".staging/*"))


def test_string_parameter_arrives_exactly_and_is_never_executed(project, in_process, tmp_path):
    marker = tmp_path / "pwned"
    note = f'He said "hi" and \'bye\'\nsecond line; __import__("pathlib").Path("{marker}").touch() # {{x}}'
    assert runner.run(overrides={"report_note": note}, log=lambda m: None) == 0
    executed = nbformat.read(project / "reports" / "default" / "00_echo.ipynb", as_version=4)
    printed = [o["text"] for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("name") == "stdout"]
    assert repr(note) + "\n" in printed
    assert not marker.exists()


def test_failing_notebook_exits_1_and_keeps_the_last_good_report(project, in_process, capsys):
    assert runner.run(log=lambda m: None) == 0
    out = project / "reports" / "default"
    good_html = (out / "00_echo.html").read_bytes()
    good_table = (out / "tables" / "data_population_history.csv").read_bytes()
    messages = []
    assert runner.run(overrides={"report_note": "FAIL"}, log=messages.append) == 1
    assert (out / "00_echo.html").read_bytes() == good_html
    assert (out / "tables" / "data_population_history.csv").read_bytes() == good_table
    failure = visible_text((out / "00_echo.failed.html").read_text())
    assert "RuntimeError: asked to fail" in failure and 'raise RuntimeError("asked to fail")' in failure  # the failing cell is shown
    assert not any("FAILED" in m for m in messages)  # the FAILED line goes to standard error
    failed_line = capsys.readouterr().err.strip().splitlines()
    assert len(failed_line) == 1 and failed_line[0].startswith("FAILED 00_echo") and "asked to fail" in failed_line[0]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["notebooks"]["00_echo"]["status"] == "failed"
    assert "failure" in (out / "index.html").read_text()
    # the next good run clears the failure report
    assert runner.run(log=lambda m: None) == 0
    assert not (out / "00_echo.failed.html").exists()


def test_unchanged_rerun_skips_and_force_reruns(project, in_process):
    assert runner.run(log=lambda m: None) == 0
    html = project / "reports" / "default" / "00_echo.html"
    first = html.stat().st_mtime_ns
    messages = []
    assert runner.run(log=messages.append) == 0
    assert any("skipped" in m for m in messages) and html.stat().st_mtime_ns == first
    messages.clear()
    assert runner.run(force=True, log=messages.append) == 0
    assert any("ok in" in m for m in messages) and html.stat().st_mtime_ns != first


def test_a_late_notebook_that_writes_tables_is_unchanged_at_the_next_run(project, in_process, monkeypatch):
    """Its own tables (and the data dictionary listing them) are not its inputs: the first unchanged re-run after a
    full run used to execute 90_summary again, since its fingerprint hashed the tables it had just written (issue 21)."""
    (project / "notebooks" / "00_echo.ipynb").rename(project / "notebooks" / "90_echo.ipynb")
    monkeypatch.setitem(page.REPORTS, "90_echo", page.Report(("common",)))
    assert runner.run(log=lambda m: None) == 0
    assert (project / "reports" / "default" / "tables" / "data_population_history.csv").exists()
    messages = []
    assert runner.run(log=messages.append) == 0
    assert any("90_echo unchanged since" in m for m in messages), messages


def test_a_run_of_both_stages_writes_its_workbook_once_after_the_late_stage(project, in_process, monkeypatch):
    """The early stage's record leaves the workbook to the late one (one write, not two, about 1 s each), and the
    previous run's workbook never stays in a new version: a re-run where only the early notebook runs rewrites it too."""
    make_notebook(project / "notebooks" / "90_late.ipynb", ECHO_PARAMETERS, ["print('late')"])
    monkeypatch.setitem(page.REPORTS, "90_late", page.Report(("common",)))
    written = []
    write_workbook = export.write_workbook
    monkeypatch.setattr(export, "write_workbook", lambda *args, **kwargs: written.append(args[1]) or write_workbook(*args, **kwargs))
    assert runner.run(log=lambda m: None, jobs=1) == 0
    assert len(written) == 1
    book = project / "reports" / "default" / "tables" / "default.xlsx"
    assert "data_population_history" in pd.read_excel(book, sheet_name=None)
    before = book.stat().st_ino
    assert runner.run(notebooks=["00_echo"], force=True, log=lambda m: None, jobs=1) == 0
    assert len(written) == 2 and book.exists() and book.stat().st_ino != before


def test_a_run_writes_the_data_dictionary_of_its_tables_beside_them(project, in_process):
    assert runner.run(log=lambda m: None) == 0
    tables = project / "reports" / "default" / "tables"
    dictionary = pd.read_csv(tables / f"{export.DICTIONARY}.csv", encoding="utf-8-sig", keep_default_na=False)
    assert set(dictionary["table"]) == {"data_population_history"}
    assert dictionary["column"].tolist() == list(pd.read_csv(tables / "data_population_history.csv", nrows=0, encoding="utf-8-sig").columns)
    assert dictionary.set_index("column").loc["persons", "unit"] == "persons"


def test_changed_raw_data_triggers_a_rerun(project, in_process):
    assert runner.run(log=lambda m: None) == 0
    path = project / "data" / "raw" / "dated_statements.csv"
    with path.open("a") as handle:
        handle.write("2022-07-29,schools,seat_shortage_test,1,seats,http://example.invalid,,2022-07-29\n")
    messages = []
    assert runner.run(log=messages.append) == 0
    assert any("ok in" in m for m in messages)


def test_two_runs_at_once_do_not_corrupt_each_other(project, in_process):
    with futures.ThreadPoolExecutor(2) as pool:  # the scenario lock is a file lock: two threads contend as two processes do
        codes = list(pool.map(lambda _: runner.run(force=True, log=lambda m: None), range(2)))
    assert codes == [0, 0]
    out = project / "reports" / "default"
    json.loads((out / "manifest.json").read_text())
    pd.read_csv(out / "tables" / "data_population_history.csv")
    pd.read_excel(out / "tables" / "default.xlsx", sheet_name=None)
    assert (out / "00_echo.html").read_text().rstrip().endswith("</html>")
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def test_output_option_writes_elsewhere(project, in_process, tmp_path):
    target = tmp_path / "elsewhere"
    assert cli.main(["run", "--output", str(target), "--jobs", "1"]) == 0
    assert (target / "default" / "00_echo.html").exists() and (target / "index.html").exists()
    assert not (project / "reports" / "default").exists()


def test_notebook_selection_by_name(project, in_process):
    make_notebook(project / "notebooks" / "10_echo_two.ipynb", ECHO_PARAMETERS, ECHO_BODY[:3])
    assert runner.run(notebooks=["10_echo_two"], log=lambda m: None) == 0
    out = project / "reports" / "default"
    assert (out / "10_echo_two.html").exists() and not (out / "00_echo.html").exists()


def test_kernel_is_registered_for_this_interpreter(project):
    runner.ensure_kernel()
    spec = json.loads((Path(sys.prefix) / "share" / "jupyter" / "kernels" / runner.KERNEL_NAME / "kernel.json").read_text())
    assert spec["argv"][0] == sys.executable and runner.QUIET_KERNEL in spec["argv"]


@pytest.mark.parametrize(
    "argv, named",
    [
        (["run", "-p", "horizon=2028", "--notebook", "30_emissions_forecast"], "notebook 30_emissions_forecast: parameter 'horizon'"),
        (["run", "-p", "measure_delays=tpp9=2"], "unknown measure 'tpp9'"),
        (["run", "-p", "measure_delivery=tpp2_coal_to_gas=1.5"], "parameter 'measure_delivery'"),
        (["run", "-p", "base_year=2021"], "notebook 20_school_seat_deficit: parameter 'base_year'"),
        (["run", "-p", "horizon=2024", "--notebook", "20_school_seat_deficit"], "notebook 20_school_seat_deficit: parameter 'horizon': 2024 ends before 2030"),
    ],
)
def test_domain_checks_of_the_real_notebooks_run_before_any_kernel(no_kernel, capsys, argv, named):
    assert cli.main(argv) == 2
    assert named in capsys.readouterr().err


def test_every_progress_line_names_its_scenario_and_language_and_a_closing_line_counts(project, in_process):
    make_notebook(project / "notebooks" / "10_echo_two.ipynb", ECHO_PARAMETERS, ECHO_BODY[:3])
    lines = []
    assert runner.run(log=lines.append, jobs=1) == 0
    assert lines and all(line.startswith(("[default/en] ", "[default/en 1/2] ", "[default/en 2/2] ")) for line in lines)
    assert [line for line in lines if re.match(r"\[default/en \d/2\] ", line)] == [
        line for line in lines if re.fullmatch(r"\[default/en [12]/2\] (00_echo|10_echo_two) ok in \d+\.\d s", line)
    ]
    assert lines[-1].startswith("[default/en] done in ") and lines[-1].endswith("2 ran, 0 failed, 0 unchanged")
    lines.clear()
    assert runner.run(log=lines.append, jobs=1) == 0
    assert lines[0].startswith("[default/en 1/2] 00_echo unchanged since ") and lines[1].startswith("[default/en 2/2] 10_echo_two unchanged")
    assert lines[-1].endswith("0 ran, 0 failed, 2 unchanged")


def test_a_run_writes_a_json_lines_log_and_a_status_file_with_its_exit_code(project, in_process, capsys):
    reports = project / "reports"
    assert cli.main(["run", "-p", "report_note=FAIL"]) == 1
    assert cli.main(["run", "-p", "base_year=1900"]) == 2
    assert cli.main(["run"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == f"almaty-analytics: finished: 1 ran, 0 failed, 0 unchanged in 1 run; exit code 0; log {reports / 'run-log.jsonl'}"
    events = [json.loads(line) for line in (reports / "run-log.jsonl").read_text().splitlines()]
    assert [e["event"] for e in events] == ["start", "notebook", "end", "start", "end", "start", "notebook", "end"]
    assert events[1] | {"time": 0, "pid": 0, "seconds": 0} == {
        "time": 0, "pid": 0, "event": "notebook", "run": "default/en", "notebook": "00_echo", "status": "failed", "seconds": 0,
        "error": "cell 3 (In [4]): RuntimeError: asked to fail",
    }
    assert events[2]["exit_code"] == 1 and events[4]["exit_code"] == 2 and "base_year" in events[4]["message"]
    status = json.loads((reports / "status.json").read_text())
    assert status["state"] == "finished" and status["exit_code"] == 0 and status["command"] == ["run"]
    assert [(n["notebook"], n["status"]) for n in status["notebooks"]] == [("00_echo", "ok")] and status["totals"]["ok"] == 1
    assert status["started"] <= status["finished"]
    clean = (REPO / "Makefile").read_text().split("\nclean:")[1].split("\n\n")[0]
    assert "! -name run-log.jsonl ! -name status.json" in clean  # make clean keeps them


def test_help_shows_examples():
    assert "examples:" in cli.build_parser().format_help() and "--all-scenarios --language en,ru,kk" in cli.build_parser().format_help()


def test_python_dash_m_is_the_command_and_a_closed_pipe_ends_quietly(capsys):
    """One real process (about 3 s of imports): ``python -m`` runs the command and a closed pipe ends it quietly;
    what ``params`` prints is checked in this process, through the same ``cli.main``."""
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line (as `| head` after its lines)
    try:
        done = subprocess.run([sys.executable, "-m", "almaty_analytics", "params"], stdout=write, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write)
    assert done.returncode == 0 and done.stderr == ""
    assert cli.main(["params"]) == 0 and capsys.readouterr().out.startswith("scenario: ")


@pytest.mark.parametrize(
    "argv, named",
    [
        (["run", "-p", "report_note=" + "x" * 120_000], "parameter 'report_note': 120000 characters; expected at most 1000"),
        (["run", "-p", "report_note=bell\x07"], "parameter 'report_note': control character '\\x07' at position 4"),
    ],
)
def test_free_text_is_bounded_and_printable_before_any_kernel(project, no_kernel, capsys, argv, named):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and named in err[0]


def test_a_scenario_description_too_long_is_refused_naming_the_file(project, no_kernel, capsys):
    (project / "scenarios" / "long.yaml").write_text(f"description: {'y' * 2001}\nparameters: {{horizon: 2035}}\n")
    assert cli.main(["run", "--scenario", "long"]) == 2
    assert "long.yaml: 'description': 2001 characters; expected at most 2000" in capsys.readouterr().err


@pytest.mark.parametrize(
    "variable, value", [("SOURCE_DATE_EPOCH", "1.7e9"), ("SOURCE_DATE_EPOCH", "-5"), ("SOURCE_DATE_EPOCH", "99999999999999"), ("ALMATY_ANALYTICS_ROOT", "/nonexistent/x")]
)
@pytest.mark.parametrize("command", ["run", "validate"])
def test_environment_variables_the_project_reads_are_checked_before_any_kernel(project, no_kernel, capsys, monkeypatch, variable, value, command):
    monkeypatch.setenv(variable, value)
    assert cli.main([command]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"environment variable {variable}={value!r}: expected" in err[0]


@pytest.mark.parametrize(
    "argv, named",
    [
        (["run", "-p", "tfr=0.5", "-p", "tfr_change=-0.2"], "parameter 'tfr_change': -0.2 a year from tfr 0.5 in 2023 reaches"),
        (["run", "-p", "tfr=5.9", "-p", "tfr_change=0.1", "-p", "horizon=2040"], "expected tfr to stay in [0.5, 6]"),
        (["run", "-p", "life_expectancy_male=94", "-p", "life_expectancy_gain=0.5"], "expected life_expectancy_male to stay in [50, 95]"),
        (["run", "-p", "population_variant=zero_migration", "-p", "net_migration=20000"], "parameter 'net_migration': 20000 would be ignored"),
    ],
)
def test_assumption_paths_leaving_their_range_and_parameters_a_variant_overrides_are_refused(project, no_kernel, capsys, argv, named):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and named in err[0], err


def test_a_path_within_range_over_the_horizon_is_accepted(project):
    assert runner.check_scenarios(["default"], runner.discover(), {"tfr": 1.8, "tfr_change": -0.01, "horizon": 2035})


def test_parallel_workers_share_the_cores_among_their_kernels_blas_threads_and_a_users_setting_is_kept(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    assert execute.thread_budget({}, 2) == dict.fromkeys(execute.THREAD_VARIABLES, "4")
    assert execute.thread_budget({}, 16) == dict.fromkeys(execute.THREAD_VARIABLES, "1")  # at least one each
    kept = execute.thread_budget({"OMP_NUM_THREADS": "3", "PATH": "/bin"}, 2)
    assert kept["OMP_NUM_THREADS"] == "3" and kept["OPENBLAS_NUM_THREADS"] == "4" and kept["PATH"] == "/bin"


def test_a_failed_cell_is_named_as_the_notebook_counts_it_not_with_the_injected_parameters():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# title"),
        nbformat.v4.new_code_cell("scenario = 'default'", metadata={"tags": ["parameters"]}, execution_count=1),
        nbformat.v4.new_code_cell("scenario = 'high'", metadata={"tags": ["injected-parameters"]}, execution_count=2),
        nbformat.v4.new_code_cell("raise RuntimeError('boom')", execution_count=3),
    ])
    assert runner.failed_cell_in(nb, 3) == "cell 2 (In [3])"  # the author's second code cell; its failed report shows In [3]
    assert runner.failed_cell_in(nb, 9) == "cell In [9]"
