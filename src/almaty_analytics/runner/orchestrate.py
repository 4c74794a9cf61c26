"""One run of one scenario in one or several languages, and the passes of a run of several scenarios.

Method: ``prepare`` checks everything a run needs before any kernel starts (parameters, scenario,
notebooks, raw data, the PRE_RUN_CHECKS of the selected notebooks, flags, output folders): a problem
raises ParameterError, DataError or SetupError. A run in several languages prepares each language's run
first. Under each language's lock, each stage is ``plan`` (per language, the notebooks whose fingerprint
changed since their last good run, or all with ``force``), ``execute`` (execute.execute_all: each notebook
once, for the languages that planned it, in turn in one kernel, into each language's staging folder) and
``publish`` (per language: atomic moves, manifest entries), then ``record`` writes each language's manifest and
workbook; the scenario's index goes into the new version before the switch, each language's index (links only)
after it. The "early" stage runs the domain notebooks; the "late" stage (the summary) runs after
them, since it reads their published tables. ``run_scenarios`` runs several scenarios as the CLI's
``--all-scenarios``: every scenario is checked first, then the early stage of all of them together, then the
late stage of all of them together, so every summary compares them all.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import math
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__, export, io, page, paths, scenarios
from . import execute, index, kernel, manifest, publish, runlog, selection
from .execute import DEFAULT_TIMEOUT, Result
from .publish import DEFAULT_LOCK_TIMEOUT, SetupError


@dataclass
class Job:
    """A notebook to execute: the parameters its results depend on, what its parameters cell gets, its fingerprint."""

    notebook: Path
    parameters: dict[str, Any]
    given: dict[str, Any]
    fingerprint: str


@dataclass
class ScenarioRun:
    """Everything one run of one scenario knows, checked before any kernel starts (``prepare``)."""

    scenario: scenarios.Scenario
    overrides: dict[str, Any]  # typed values of -p and --language
    selected: list[Path]
    declared: dict[str, list[str]]  # notebook stem -> the names in its parameters cell
    used: dict[str, list[str]]  # notebook stem -> the scenario parameters its results depend on
    output_root: Path
    language_root: Path
    out: Path
    data_hashes: dict[str, str]
    code_hash: str
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    entries: dict[str, dict] = field(default_factory=dict)  # notebook stem -> its manifest entry
    skipped: list[str] = field(default_factory=list)
    executed: list[Result] = field(default_factory=list)
    current: Path | None = None  # the version published when the run started (publish.current_version)
    version: Path | None = None  # the new version the run publishes into; current after the switch
    view: Path | None = None  # what the late notebooks read: the other scenarios and this new version
    failure: publish.PublishError | None = None  # publishing failed: the new version is abandoned
    log: Callable[[str], None] = print  # a progress line of this run: "[scenario/language] ..."
    emit: Callable[[str], None] = print  # the run's log itself
    journal: runlog.RunLog | None = None
    total: int = 0  # the notebooks of this run's stages: each counted once when it ran, failed or was unchanged
    done: int = 0

    @property
    def name(self) -> str:
        return f"{self.scenario.name}/{self.language}"

    def counted(self, notebook: str, status: str, text: str, seconds: float = 0.0, error: str = "") -> None:
        """The progress line of a notebook that is done, "[default/en 3/5] 20_school_seat_deficit ok in 8.9 s", and its event."""
        self.done += 1
        self.emit(f"[{self.name} {self.done}/{self.total}] {notebook} {text}")
        if self.journal is not None:
            self.journal.notebook(self.name, notebook, status, seconds, error)

    def finished(self, result: Result) -> None:
        self.counted(result.notebook, result.status, f"{result.status} in {result.seconds:.1f} s", result.seconds, result.error.split("\n")[0])

    @property
    def staging(self) -> Path:
        return self.version / publish.STAGING

    @property
    def vintage(self) -> str:
        """The run's data vintage as printed: the scenario's date, or that of the newest release in data/raw."""
        return io.shown_vintage(self.scenario.parameters["vintage"])

    @property
    def language(self) -> str:
        return self.scenario.parameters.get("language", "en")

    @property
    def data_hash(self) -> str:
        return hashlib.sha256(json.dumps(self.data_hashes, sort_keys=True).encode()).hexdigest()


def run(
    scenario_name: str | list[str] = "default",
    notebooks: list[str] | None = None,
    overrides: dict[str, str] | None = None,
    output_root: Path | None = None,
    jobs: int | None = None,
    force: bool = False,
    log=print,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    err=None,
    stages: tuple[str, ...] = selection.STAGES,
    languages: list[str] | None = None,
    locked: bool = False,
    journal: runlog.RunLog | None = None,
    kept: execute.Workers | None = None,
) -> int:
    """Run the notebooks; return 0 (all good or skipped) or 1 (a notebook failed).

    Bad parameters, scenarios, notebooks, data or output folders raise ParameterError /
    DataError / SetupError before any kernel starts. ``log`` gets progress, ``err`` (default:
    standard error) the FAILED lines. ``jobs`` None: one process per core, at most one per notebook.
    ``stages``: "early" (the domain notebooks), "late" (notebooks numbered LATE_FROM and above, which read
    the published tables), or both in that order. ``languages`` (distinct): one run of the scenario per
    language, each with its own folder, lock, plan, manifest, workbook and index, and each notebook's
    languages executed in turn in one kernel; None: the one language of the scenario and ``overrides``.
    ``locked``: the caller holds the scenario locks (run_scenarios). ``journal``: where each notebook's result and a
    failed publication are recorded as events (runlog.RunLog, the CLI's). ``scenario_name`` may be a list (run_scenarios
    gives its scenarios for one stage): their runs are planned, executed and published together, so each stage
    keeps every worker busy across scenarios. ``kept``: workers (``execute.workers``) the caller keeps across its
    calls (run_scenarios's two passes); None: this run's own, shared by its stages.
    """
    names = [scenario_name] if isinstance(scenario_name, str) else list(scenario_name)
    states = [
        prepare(name, notebooks, _in_language(overrides, language), output_root, jobs=jobs, timeout=timeout, lock_timeout=lock_timeout)
        for name in names
        for language in languages or [None]
    ]
    kernel.ensure_kernel()
    kernel.sweep_socket_folders()
    clock = time.perf_counter()
    with contextlib.ExitStack() as held:
        for state in sorted(states, key=lambda s: str(s.out)):  # one order of locks for every run: none waits for another in a circle
            state.log, state.emit, state.journal = _scoped(log, state.name), log, journal  # every progress line names its run
            state.total = sum(selection.is_late(nb) == (stage == "late") for nb in state.selected for stage in stages)
            if not locked:
                held.enter_context(publish.scenario_lock(state.out, state.log, lock_timeout))
            state.started = dt.datetime.now(dt.UTC)
            state.current = publish.current_version(state.out)
            publish.remove_leftovers(state.out, state.current, state.log)
            state.entries = dict(manifest.read_manifest(state.out / "manifest.json", state.log).get("notebooks", {}))
            state.version = publish.new_version(state.out, state.current)
            held.callback(_abandon_unpublished, state)
            state.view = publish.view(state.out, state.version)
        kept = kept or held.enter_context(execute.workers())  # the stages share the workers and their kernels
        ordered = [s for s in selection.STAGES if s in stages]
        for stage in ordered:
            todos = [plan(state, stage, force) for state in states]
            execute_and_publish(states, todos, jobs, timeout, kept)
            for state, todo in zip(states, todos, strict=True):
                if stage == "early" and todo:
                    _publishing(state, lambda state=state: publish.keep_previous(state.current, state.version, state.data_hashes, state.code_hash))
                _publishing(state, lambda state=state, todo=todo, last=stage == ordered[-1]: record(state, todo, stages, workbook=last))
        for state in states:
            _publishing(state, lambda state=state: _write_scenario_index(state))
            _publishing(state, lambda state=state: publish.switch(state.out, state.version, state.current))
        for state in states:
            _publishing(state, lambda state=state: _write_indexes(state))
    codes, err = [], err or (lambda message: print(message, file=sys.stderr))
    for state in states:
        ok = sum(r.status == "ok" for r in state.executed)
        state.log(f"done in {time.perf_counter() - clock:.1f} s: {ok} ran, {len(state.executed) - ok} failed, {len(state.skipped)} unchanged")
        codes.append(report_failures(state, err))
        if state.failure is not None and journal is not None:
            journal.publish_failed(state.name, str(state.failure))
    return max(codes)


def _write_scenario_index(state: ScenarioRun) -> None:
    """The scenario's index in its new version, before the switch: it becomes current with the version, as one."""
    with publish.writing(state.version / "index.html"):
        index.write_scenario_index(state.version, state.scenario.name, state.view, state.language)


def _write_indexes(state: ScenarioRun) -> None:
    """The languages' indexes, after the switch: they only link the published scenarios' own indexes, so nothing in
    them depends on a run's results; a scenario's first run killed before them is listed by the next run."""
    with publish.writing(state.language_root / "index.html"):
        index.write_indexes(state.output_root, state.language)


def _abandon_unpublished(state: ScenarioRun) -> None:
    """At the end of a run (however it ends): remove its view, and its new version unless it became current."""
    publish.abandon(state.view)
    if state.version is not None and publish.current_version(state.out) != state.version.resolve():
        publish.abandon(state.version)


def _publishing(state: ScenarioRun, step: Callable[[], Any]) -> Any:
    """``step()`` unless publishing ``state`` failed before; keep its PublishError (its new version is then abandoned)."""
    if state.failure is not None:
        return None
    try:
        return step()
    except publish.PublishError as exc:
        state.failure = exc
        return None


def run_scenarios(names: list[str], notebooks: list[str] | None, overrides: dict[str, str], output_root: Path | None, **options) -> int:
    """Run every scenario of ``names``; the highest exit code of their runs (``options``: those of ``run``, ``languages`` too).

    With several scenarios, each is checked and the lock of every scenario and language is taken before the first
    kernel starts (SetupError when one stays held past ``lock_timeout``: nothing has run); then the domain notebooks
    of all of them run, then the summaries, so that each summary compares every scenario of this run.
    """
    if len(names) == 1:
        return run(names[0], notebooks, overrides, output_root, **options)
    selection.check_scenarios(names, selection.select(notebooks), _typed(overrides))
    log, lock_timeout = options.get("log", print), options.get("lock_timeout", DEFAULT_LOCK_TIMEOUT)
    with contextlib.ExitStack() as held:
        for out, run_name in _scenario_folders(names, overrides, output_root, options.get("languages")):
            held.enter_context(publish.scenario_lock(out, _scoped(log, run_name), lock_timeout))
        kept = held.enter_context(execute.workers())  # the late pass's summaries run in the kernels of the early pass
        return max(run(names, notebooks, overrides, output_root, stages=(stage,), locked=True, kept=kept, **options) for stage in selection.STAGES)


def _scenario_folders(names: list[str], overrides: dict[str, str], output_root: Path | None, languages: list[str] | None) -> list[tuple[Path, str]]:
    """The published folder of each scenario in each language, checked (SetupError), with its run's name
    (``scenario/language``), in the one order of locks."""
    root = Path(output_root if output_root is not None else paths.reports_dir())
    folders = {}
    for name in names:
        for language in languages or [None]:
            scenario = scenarios.load(name, _typed(_in_language(overrides, language)))
            language_root = paths.language_folder(root, scenario.parameters.get("language", "en"))
            for folder in (root, language_root, language_root / scenario.name):
                publish.check_output(folder, None if folder == root else root)
            folders[language_root / scenario.name] = f"{scenario.name}/{scenario.parameters.get('language', 'en')}"
    return sorted(folders.items(), key=lambda item: str(item[0]))


def _in_language(overrides: dict[str, str] | None, language: str | None) -> dict[str, str] | None:
    return overrides if language is None else (overrides or {}) | {"language": language}


def _scoped(log, run_name: str):
    return lambda message: log(f"[{run_name}] {message}")


def prepare(
    scenario_name: str, notebooks: list[str] | None, overrides: dict[str, str] | None, output_root: Path | None, *,
    jobs: int | None, timeout: float, lock_timeout: float,
) -> ScenarioRun:
    """Check the run before any kernel: scenario and overrides, notebooks, data, each notebook's checks, flags, output folders."""
    selection.check_environment(dict(os.environ))
    typed = _typed(overrides)
    scenario = scenarios.load(scenario_name, typed)
    selected = selection.select(notebooks)
    if not selected:
        raise scenarios.ParameterError(f"no notebooks to run in {paths.notebooks_dir()} (expected NN_name.ipynb)")
    declared = {nb.stem: selection.declared_parameters(nb) for nb in selected}
    selection.check_declared(declared)
    used = {nb.stem: page.parameter_names(nb.stem) for nb in selected}
    selection.check_overrides_used(typed, used)
    io.validate_all()
    selection.pre_run_checks(selected, scenario.parameters)
    _check_flags(jobs, timeout, lock_timeout)
    if output_root is not None and not str(output_root).strip():
        raise SetupError("--output '': expected a folder name (an empty name would write into the current folder)")
    root = Path(output_root if output_root is not None else paths.reports_dir())
    language_root = paths.language_folder(root, scenario.parameters.get("language", "en"))
    out = language_root / scenario.name
    for folder in (root, language_root, out):
        publish.check_output(folder, None if folder == root else root)
    return ScenarioRun(scenario, typed, selected, declared, used, root, language_root, out, io.file_hashes(), io.package_hash())


def _typed(overrides: dict[str, str] | None) -> dict[str, Any]:
    return {k: scenarios.parse_cli_value(k, v) for k, v in (overrides or {}).items()}


def _check_flags(jobs: int | None, timeout: float, lock_timeout: float) -> None:
    if jobs is not None and jobs < 1:
        raise scenarios.ParameterError(f"--jobs: expected a positive integer, got {jobs}")
    for flag, seconds in (("--timeout", timeout), ("--lock-timeout", lock_timeout)):
        if not (isinstance(seconds, int | float) and math.isfinite(seconds) and seconds > 0):
            raise scenarios.ParameterError(f"{flag}: expected a positive number of seconds, got {seconds!r}")


def plan(state: ScenarioRun, stage: str, force: bool) -> list[Job]:
    """The notebooks of ``stage`` to execute: changed since their last good run, or forced.

    Their fingerprints hash the raw data and, for the late stage, every published table of the language's folder.
    """
    late = stage == "late"
    inputs = state.data_hashes | (manifest.table_hashes(state.view) if late else {})
    todo = []
    for nb in (nb for nb in state.selected if selection.is_late(nb) == late):
        parameters = {k: state.scenario.parameters[k] for k in state.used[nb.stem]}
        fp = manifest.fingerprint(nb, parameters, inputs, state.code_hash)  # the runner's folders are not hashed: given per run
        last = state.entries.get(nb.stem, {})
        if not force and manifest.unchanged(state.version, last, fp):
            state.skipped.append(nb.stem)
            state.counted(nb.stem, "unchanged", f"unchanged since {last.get('finished', '?')}: skipped (use --force to re-run)")
            continue
        given = {"scenario": state.scenario.name, "language": state.language, "overrides": state.overrides,
                 "output_dir": str(state.staging / nb.stem), "reports_dir": str(state.view)}
        todo.append(Job(nb, parameters, {k: v for k, v in given.items() if k in state.declared[nb.stem]}, fp))
    return todo


def execute_and_publish(states: list[ScenarioRun], todos: list[list[Job]], jobs: int | None, timeout: float, kept: execute.Workers) -> None:
    """Execute the planned notebooks, each notebook of each scenario for every language that planned it in one kernel
    (the notebooks in their order, each for the scenarios in theirs, spread over ``jobs`` workers, ``kept`` from an
    earlier stage when it started them: ``execute.workers``); then move each run's results into its language's folder and record its
    manifest entry."""
    planned: dict[tuple[str, int], tuple[Path, list[tuple[ScenarioRun, Job]]]] = {}
    scenario_order = {name: number for number, name in enumerate(dict.fromkeys(state.scenario.name for state in states))}
    for state, todo in zip(states, todos, strict=True):
        for job in todo:
            key = (job.notebook.name, scenario_order[state.scenario.name])  # the notebooks in their order, then the scenarios
            planned.setdefault(key, (job.notebook, []))[1].append((state, job))
    if not planned:
        return
    grouped = [planned[key] for key in sorted(planned)]
    workers = min(jobs or os.cpu_count() or 1, len(grouped))
    todo = [(nb, [execute.Run(job.given, state.staging, state.log, state.finished) for state, job in runs]) for nb, runs in grouped]
    results = execute.execute_all(todo, workers, timeout, kept)
    finished = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    for (_, runs), notebook_results in zip(grouped, results, strict=True):
        for (state, job), result in zip(runs, notebook_results, strict=True):
            last = state.entries.get(job.notebook.stem, {})
            outputs = _publishing(state, lambda: publish.publish(state.staging, state.version, result, manifest.good_run(last) or {}, export.run_date(), state.vintage)) or {}  # noqa: B023
            hashes = {"data_hash": state.data_hash, "code_hash": state.code_hash}
            state.entries[job.notebook.stem] = manifest.notebook_entry(result, job.parameters, job.fingerprint, outputs, last, finished, hashes)
            state.executed.append(result)


def record(state: ScenarioRun, ran: list[Job], stages: tuple[str, ...], workbook: bool = True) -> None:
    """Write the new version's data dictionary, manifest and workbook when anything ran or one of them is missing (PublishError naming the file).

    ``workbook`` False: a later stage of this run records again before its version is published, so the workbook is
    left to it (about 1 s each); the previous run's copy in the new version is removed, as it no longer describes it.
    """
    manifest_path = state.version / "manifest.json"
    book = state.version / "tables" / f"{state.scenario.name}.xlsx"
    tables = manifest.table_runs(state.entries)
    if not (ran or not manifest_path.exists() or (workbook and tables and not book.exists())):
        return
    current = state.skipped + [r.notebook for r in state.executed if r.status == "ok"]
    if "early" not in stages:  # a late pass (run_scenarios): the early notebooks ran in this run's first pass
        current += [nb.stem for nb in state.selected if not selection.is_late(nb) and state.entries.get(nb.stem, {}).get("status") == "ok"]
    run_info = {
        "scenario": state.scenario.name,
        "description": state.scenario.description,
        "language": state.language,
        "started": state.started.isoformat(timespec="seconds"),
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "package_version": __version__,
        "git_commit": execute.git_commit(),
        "data_vintage": state.vintage,
        "code_hash": state.code_hash,
        # only what the notebooks that are good in this run used; each table's own run is under "tables"
        "parameters": {k: v for stem in current for k, v in state.entries[stem]["parameters"].items()},
        "input_hashes": state.data_hashes,
        "versions": manifest.versions(),
    }
    if tables:
        with publish.writing(state.version / "tables" / f"{export.DICTIONARY}.csv"):
            export.write_data_dictionary(state.version / "tables")
        with publish.writing(book):
            if workbook:
                export.write_workbook(state.version / "tables", book, run_info, tables, state.language)
            else:
                book.unlink(missing_ok=True)
    with publish.writing(manifest_path):
        io.atomic_write_text(manifest_path, json.dumps(run_info | {"tables": tables, "notebooks": state.entries}, indent=2, default=str))


def report_failures(state: ScenarioRun, err) -> int:
    """One FAILED line per failed notebook, or one for a failed publication, to ``err``; the run's exit code (1 when any failed)."""
    if state.failure is not None:
        switched = state.out.resolve() == state.version.resolve()
        kept = "the reports and their index are published, the language's list of scenarios is not" if switched else "the published reports are unchanged"
        err(f"FAILED publishing {state.scenario.name}/{state.language}: {state.failure.path}: {state.failure.cause}; {kept}")
        return 1
    failed = [r for r in state.executed if r.status == "failed"]
    for r in failed:
        report = state.out / f"{r.notebook}.failed.html"
        where = f"see {report}" if report.exists() else "no failure report could be rendered"
        err(f"FAILED {r.notebook}: {r.error.splitlines()[0] if r.error else ''} — {where}; the last good report is unchanged")
    return 1 if failed else 0
