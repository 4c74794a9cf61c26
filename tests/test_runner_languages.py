"""Several languages in one run: each notebook once per notebook for all its languages, in order, each language published apart."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from almaty_analytics import cli, runner
from almaty_analytics.runner import execute
from conftest import ECHO_BODY, ECHO_PARAMETERS, REPO, execute_in_process, make_notebook

QUIET = {"log": lambda m: None, "err": lambda m: None}
LANGUAGES = ["en", "ru", "kk"]


@pytest.fixture
def grouped(monkeypatch):
    """Notebooks run in this process (conftest.execute_in_process); every grouped call is recorded:
    (notebook stem, [(scenario, language, staging folder) of each run, in order])."""
    calls = []

    def recording(notebook, runs, progress=False, timeout=0):
        calls.append((notebook.stem, [(p.get("scenario"), p.get("language"), staging) for p, staging in runs]))
        return execute_in_process(notebook, runs, progress, timeout)

    monkeypatch.setattr(execute, "execute_notebook", recording)
    return calls


def _folders(project):
    reports = project / "reports"
    return {"en": reports / "default", "ru": reports / "ru" / "default", "kk": reports / "kk" / "default"}


def test_each_notebook_is_one_call_for_its_languages_in_order_each_published_in_its_own_folder(project, grouped):
    make_notebook(project / "notebooks" / "10_echo_two.ipynb", ECHO_PARAMETERS, ECHO_BODY[:3])
    lines = []
    assert runner.run(languages=LANGUAGES, jobs=1, log=lines.append) == 0
    assert [(stem, [language for _, language, _ in runs]) for stem, runs in grouped] == [("00_echo", LANGUAGES), ("10_echo_two", LANGUAGES)]
    folders = _folders(project)
    for _, runs in grouped:
        for _, language, staging in runs:
            assert staging.name == ".staging" and staging.parent.parent == runner.runs_dir(folders[language])  # each language's own
    for language, out in folders.items():
        assert f'<html lang="{language}">' in (out / "00_echo.html").read_text()
        manifest = json.loads((out / "manifest.json").read_text())
        assert manifest["language"] == language and [e["status"] for e in manifest["notebooks"].values()] == ["ok", "ok"]
        assert (out / "tables" / "data_population_history.csv").exists() and (out / "tables" / "default.xlsx").exists()
        assert (out.parent / "index.html").exists() and not list(out.glob(".staging"))
    assert [line.split(" done in ")[0] for line in lines if " done in " in line] == ["[default/en]", "[default/ru]", "[default/kk]"]
    assert all(re.match(r"\[default/(en|ru|kk)( [12]/2)?\] ", line) for line in lines)


def test_a_notebook_failing_in_one_language_leaves_the_other_languages_published(project, grouped):
    fails_in_russian = "if language == 'ru':\n    raise RuntimeError('fails in Russian')"
    make_notebook(project / "notebooks" / "00_echo.ipynb", ECHO_PARAMETERS, [ECHO_BODY[0], fails_in_russian, *ECHO_BODY[1:]])
    failures = []
    assert runner.run(languages=LANGUAGES, jobs=1, log=lambda m: None, err=failures.append) == 1
    folders = _folders(project)
    for language in ("en", "kk"):
        out = folders[language]
        assert (out / "00_echo.html").exists() and (out / "tables" / "data_population_history.csv").exists()
        assert json.loads((out / "manifest.json").read_text())["notebooks"]["00_echo"]["status"] == "ok"
    ru = folders["ru"]
    assert (ru / "00_echo.failed.html").exists() and not (ru / "00_echo.html").exists()
    assert json.loads((ru / "manifest.json").read_text())["notebooks"]["00_echo"]["status"] == "failed"
    assert len(failures) == 1 and "fails in Russian" in failures[0] and str(ru / "00_echo.failed.html") in failures[0]


def test_each_language_plans_on_its_own_so_only_the_changed_one_runs_again(project, grouped):
    assert runner.run(languages=["en", "ru"], jobs=1, **QUIET) == 0
    (_folders(project)["ru"] / "tables" / "data_population_history.csv").unlink()
    lines = []
    assert runner.run(languages=["en", "ru"], jobs=1, log=lines.append, err=lines.append) == 0
    assert [(stem, [language for _, language, _ in runs]) for stem, runs in grouped[1:]] == [("00_echo", ["ru"])]
    assert any(line.startswith("[default/en 1/1] 00_echo unchanged") for line in lines)
    assert (_folders(project)["ru"] / "tables" / "data_population_history.csv").exists()


def test_all_scenarios_in_several_languages_run_every_early_stage_then_every_summary(project, grouped):
    make_notebook(
        project / "notebooks" / "90_late.ipynb", 'scenario = "default"\nlanguage = ""\nreports_dir = ""',
        ["import pathlib\nprint('SEEN:' + ','.join(sorted({p.parent.parent.name for p in pathlib.Path(reports_dir).glob('*/tables/*.csv')})))"],
    )
    assert cli.main(["run", "--all-scenarios", "--language", "en,kk", "--jobs", "1"]) == 0
    names = sorted(p.stem for p in (project / "scenarios").glob("*.yaml"))
    calls = [(stem, [(scenario, language) for scenario, language, _ in runs]) for stem, runs in grouped]
    assert calls == [(stem, [(name, "en"), (name, "kk")]) for stem in ("00_echo", "90_late") for name in names]
    for root in (project / "reports", project / "reports" / "kk"):
        for name in names:  # every summary, in both languages, saw every scenario's tables of its language
            assert f"SEEN:{','.join(names)}" in (root / name / "90_late.html").read_text()


def test_make_reports_is_one_run_with_every_language():
    shown = subprocess.run(["make", "--no-print-directory", "-n", "-o", ".venv/.installed", "reports"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert [line.split() for line in shown.splitlines() if line.strip()] == [
        ["PYTHONDONTWRITEBYTECODE=", ".venv/bin/almaty-analytics", "run", "--all-scenarios", "--language", "en,ru,kk"]  # bytecode kept (Makefile)
    ]
