"""Run the numbered notebooks for a scenario and publish their reports and tables.

Method: validate the scenario and the raw data (no kernel yet); for each notebook,
skip it when its fingerprint (notebook, its parameters, raw data, package code) matches
the last good run; otherwise execute it with papermill into a private staging folder
and render HTML with nbconvert (no code, nothing loaded from the internet). Only then
move the results into ``<output>/<scenario>/`` with atomic renames, under a lock per
scenario. A failed notebook gets ``<name>.failed.html`` beside its last good report,
which is left untouched.

Before any kernel: parameters, scenario, notebooks, raw data, the PRE_RUN_CHECKS of the
selected notebooks and the output folder are checked; a problem raises ParameterError,
DataError or SetupError (one line, exit 2 in the CLI). Each notebook has a wall-clock
budget (``timeout``): a hung cell is stopped, the kernel shut down and the notebook
reported as failed. Lock waits give up after ``lock_timeout`` seconds. Every staging
folder holds a lock file while its run lives; a run removes the staging folders nobody
holds (left by a killed run). The manifest and the workbook record, table by table, the
notebook run that produced it: a failed notebook's tables keep their last good run.
Notebooks never read each other's outputs (each calls the package), so they may run in
parallel: ``jobs`` defaults to the number of cores, at most the number of notebooks.
"""

from __future__ import annotations

import concurrent.futures as futures
import contextlib
import datetime as dt
import fcntl
import hashlib
import html
import importlib
import importlib.metadata
import json
import math
import multiprocessing
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__, export, i18n, io, page, paths, scenarios

KERNEL_NAME = "almaty-analytics"
# Checks that need data or hold for one notebook only, run before any kernel starts:
# notebook stem -> "module" (or a tuple of them) whose validate(params) raises ValueError naming the parameter.
PRE_RUN_CHECKS: dict[str, str | tuple[str, ...]] = {"20_school_seat_deficit": "schools", "30_emissions_forecast": "emissions"}
DEFAULT_TIMEOUT = 1800  # seconds a notebook may run: the full default run takes about a minute per notebook
DEFAULT_LOCK_TIMEOUT = 3600  # seconds to wait for another run of the same scenario (its notebooks time out first)
OWNER = ".owner"  # lock file inside each staging folder, held while its run lives
_NUMBERED = re.compile(r"^\d\d_[a-z0-9_]+\.ipynb$")
_VERSIONED = ("pandas", "numpy", "statsmodels", "seaborn", "matplotlib", "scikit-learn", "papermill", "nbconvert", "ipykernel")


class SetupError(ValueError):
    """The run cannot start: the output folder is unusable or another run holds the scenario too long."""


@dataclass
class Result:
    notebook: str
    status: str  # ok, failed, skipped
    seconds: float = 0.0
    error: str = ""


def discover() -> list[Path]:
    """The report notebooks: ``notebooks/NN_name.ipynb``, in order."""
    return sorted(p for p in paths.notebooks_dir().glob("*.ipynb") if _NUMBERED.match(p.name))


def select(names: list[str] | None) -> list[Path]:
    available = discover()
    if not names:
        return available
    by_name = {p.stem: p for p in available} | {p.name: p for p in available}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise scenarios.ParameterError(f"unknown notebook {unknown[0]!r}; available: {', '.join(p.stem for p in available)}")
    return [by_name[n] for n in dict.fromkeys(names)]


def declared_parameters(notebook: Path) -> list[str]:
    """Names in the notebook's cell tagged ``parameters`` (read without a kernel)."""
    import nbformat
    from papermill.translators import PythonTranslator

    try:
        nb = nbformat.read(notebook, as_version=4)
    except Exception as exc:
        raise scenarios.ParameterError(f"notebook {notebook.name}: cannot be read: {exc}") from None
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    if not cells:
        raise scenarios.ParameterError(f"notebook {notebook.name}: no cell tagged 'parameters'")
    return [p.name for p in PythonTranslator.inspect(cells[0])]


QUIET_KERNEL = "--IPKernelApp.log_level=CRITICAL"  # no start-up warnings, nor the "KeyboardInterrupt caught in kernel" ERROR
# logged when jupyter_client interrupts an idle kernel to shut it down; failures reach the run through nbclient


def ensure_kernel() -> None:
    """Register the kernel ``almaty-analytics`` for this interpreter, in this environment."""
    from ipykernel.kernelspec import install

    spec = Path(sys.prefix) / "share" / "jupyter" / "kernels" / KERNEL_NAME / "kernel.json"
    if spec.exists():
        argv = json.loads(spec.read_text()).get("argv", [])
        if argv[:1] == [sys.executable] and QUIET_KERNEL in argv:
            return
    install(kernel_name=KERNEL_NAME, display_name="Python (almaty-analytics)", prefix=sys.prefix)
    kernel = json.loads(spec.read_text())
    kernel["argv"].append(QUIET_KERNEL)
    spec.write_text(json.dumps(kernel, indent=1))


def markdown_escaped(source: str) -> str:
    """Markdown to HTML with raw HTML escaped and only data: images (for text shown at run time)."""
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    class Renderer(IPythonRenderer):
        def image(self, text: str, url: str, title: str | None = None) -> str:
            return super().image(text, url, title) if url.startswith("data:") else html.escape(f"![{text}]({url})")

    return MarkdownWithMath(renderer=Renderer(escape=True, allow_harmful_protocols=False)).render(source)


def render_html(notebook_path: Path, html_path: Path, *, show_code: bool = False) -> None:
    """Render an executed notebook to standalone HTML: no code cells unless asked, no stderr."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(notebook_path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and not show_code:
            cell.outputs = [o for o in cell.outputs if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    texts = [c.source for c in nb.cells if c.cell_type == "markdown"]  # the first "# " heading, written or displayed
    texts += [o["data"]["text/markdown"] for c in nb.cells if c.cell_type == "code" for o in c.outputs if "text/markdown" in o.get("data", {})]
    nb.metadata["title"] = next((line[2:].strip() for text in texts for line in text.splitlines() if line.startswith("# ")), notebook_path.stem)
    language = nb.metadata.get("papermill", {}).get("parameters", {}).get("language", "en")
    exporter = HTMLExporter(
        template_name="offline",
        extra_template_basedirs=[str(paths.package_dir() / "templates")],
        exclude_input=not show_code,
        exclude_input_prompt=not show_code,
        exclude_output_prompt=True,
        embed_images=True,
        filters={"markdown2html_escaped": markdown_escaped},
        language_code=language,
    )
    body, _ = exporter.from_notebook_node(nb)
    io.atomic_write_text(html_path, body)


def _execute(notebook: Path, parameters: dict[str, Any], staging: Path, progress: bool, timeout: float = DEFAULT_TIMEOUT) -> Result:
    """Execute and render one notebook into ``staging`` (runs in a worker process).

    The notebook gets ``timeout`` seconds in all: each cell may use what is left of them.
    """
    import papermill
    from nbclient.exceptions import CellTimeoutError

    stem = notebook.stem
    started = time.perf_counter()
    executed = staging / f"{stem}.ipynb"
    deadline = time.monotonic() + timeout
    try:
        papermill.execute_notebook(
            str(notebook),
            str(executed),
            parameters=parameters,
            kernel_name=KERNEL_NAME,
            language="python",
            cwd=str(paths.root()),
            progress_bar=progress,
            log_output=False,
            timeout_func=lambda cell: max(deadline - time.monotonic(), 0.1),
        )
        render_html(executed, staging / f"{stem}.html")
        return Result(stem, "ok", time.perf_counter() - started)
    except papermill.PapermillExecutionError as exc:
        error = f"cell {exc.exec_count}: {exc.ename}: {exc.evalue}"
    except CellTimeoutError:
        error = f"timed out: the notebook was still running after {timeout:g} s (--timeout); the kernel was stopped"
    except Exception as exc:  # kernel death, rendering: report, never crash the run
        error = f"{type(exc).__name__}: {exc}"
        if not executed.exists():
            return Result(stem, "failed", time.perf_counter() - started, error + "\n" + traceback.format_exc(limit=3))
    if executed.exists():
        render_html(executed, staging / f"{stem}.failed.html", show_code=True)
    return Result(stem, "failed", time.perf_counter() - started, error)


def fingerprint(notebook: Path, parameters: dict[str, Any], data_hashes: dict[str, str], code_hash: str) -> str:
    payload = json.dumps(
        {"notebook": hashlib.sha256(notebook.read_bytes()).hexdigest(), "parameters": parameters, "data": data_hashes, "code": code_hash},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def check_output(out: Path, given: Path | None = None) -> None:
    """Refuse an output folder the run could not write, before any kernel starts (SetupError naming it).

    ``given`` is the ``--output`` value ``out`` was built from, named in the message.
    """
    flag = f"--output {given if given is not None else out}"
    target = out
    while not target.exists():
        if target.is_symlink():
            raise SetupError(f"{flag}: {target} is a broken link; expected a folder")
        target = target.parent
    if not target.is_dir():
        raise SetupError(f"{flag}: {target} is a file, not a folder; expected a folder for reports")
    for sub in (out / "tables", out / ".staging"):
        if sub.exists() and not sub.is_dir():
            raise SetupError(f"{flag}: {sub} is a file, not a folder; remove it")
    try:
        with tempfile.TemporaryFile(dir=target, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise SetupError(f"{flag}: cannot write in {target}: {exc.strerror}; expected a writable folder") from None


@contextlib.contextmanager
def _scenario_lock(directory: Path, log, timeout: float):
    """Hold ``<directory>/.lock``: one run per output folder and scenario; wait at most ``timeout`` seconds."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "a+", encoding="utf-8") as handle:
        deadline, told = time.monotonic() + timeout, False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "another run"
                if time.monotonic() >= deadline:
                    raise SetupError(
                        f"{directory / '.lock'}: {holder} is still writing this scenario after {timeout:g} s (--lock-timeout); try later"
                    ) from None
                if not told:
                    log(f"{holder} is writing {directory}; waiting up to {timeout:g} s for it to finish")
                    told = True
                time.sleep(min(0.5, max(deadline - time.monotonic(), 0.01)))
        handle.seek(0)
        handle.truncate()
        handle.write(f"run pid {os.getpid()} started {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}")
        handle.flush()
        yield


def _new_staging(out: Path):
    """A fresh ``.staging/<id>/`` and the open lock file that marks it as owned by this run."""
    staging = out / ".staging" / uuid.uuid4().hex
    staging.mkdir(parents=True)
    owner = open(staging / OWNER, "w", encoding="utf-8")  # noqa: SIM115 - held until the run ends
    fcntl.flock(owner, fcntl.LOCK_EX)
    owner.write(str(os.getpid()))
    owner.flush()
    return staging, owner


def remove_stale_staging(out: Path, log) -> None:
    """Remove staging folders whose owner lock nobody holds (a killed run); never one a live run owns."""
    root = out / ".staging"
    if not root.is_dir():
        return
    for folder in sorted(root.iterdir()):
        owner = folder / OWNER
        if not folder.is_dir():
            folder.unlink(missing_ok=True)
            continue
        try:
            with open(owner, "a", encoding="utf-8") as handle:  # creates the lock file if the run died before it
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                shutil.rmtree(folder, ignore_errors=True)
        except BlockingIOError:
            continue  # a live run owns it
        except OSError:
            shutil.rmtree(folder, ignore_errors=True)
        log(f"removed {folder.name} in {root}: left by a run that did not finish")


def _git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=paths.root(), capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version(), "almaty-analytics": __version__}
    for name in _VERSIONED:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            versions[name] = importlib.metadata.version(name)
    return versions


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _publish(staging: Path, out: Path, result: Result, previous: dict, date: str) -> dict[str, str]:
    """Move one notebook's results into ``out``; return the published files with their SHA-256 (ok only).

    A successful notebook replaces its report and tables and removes the tables its previous
    good run wrote that this run no longer writes. A failed one only adds its failure report.
    Each table gets the data vintage and the run's ``date`` (export.stamp_table).
    """
    stem = result.notebook
    if result.status != "ok":
        for source, target in ((f"{stem}.failed.html", f"{stem}.failed.html"), (f"{stem}.ipynb", f"{stem}.failed.ipynb")):
            if (staging / source).exists():
                os.replace(staging / source, out / target)
        return {}
    published = {}
    for suffix in (".ipynb", ".html"):
        os.replace(staging / f"{stem}{suffix}", out / f"{stem}{suffix}")
        published[f"{stem}{suffix}"] = _sha256(out / f"{stem}{suffix}")
    for stale in (out / f"{stem}.failed.html", out / f"{stem}.failed.ipynb"):
        stale.unlink(missing_ok=True)
    tables = staging / stem / "tables"
    if tables.exists():
        (out / "tables").mkdir(exist_ok=True)
        for csv in sorted(tables.glob("*.csv")):
            export.stamp_table(csv, date)
            os.replace(csv, out / "tables" / csv.name)
            published[f"tables/{csv.name}"] = _sha256(out / "tables" / csv.name)
    for name in previous.get("outputs", {}):
        if name.startswith("tables/") and name not in published:
            (out / name).unlink(missing_ok=True)
    return published


STAGES = ("early", "late")
LATE_FROM = 90  # notebooks numbered 90 and above (the summary) read the published tables of the others
PREVIOUS = "previous"  # reports/<scenario>/previous/: the tables and manifest as they were before the last run that changed them


def language_folder(output_root: Path, language: str) -> Path:
    """Where a language's scenarios are published: the output root for English, ``<root>/<language>/`` otherwise."""
    return Path(output_root) if language == "en" else Path(output_root) / language


def _is_late(notebook: Path) -> bool:
    return int(notebook.name[:2]) >= LATE_FROM


def _table_hashes(language_root: Path) -> dict[str, str]:
    """SHA-256 of every published table of every scenario in the language's folder (the late notebooks' inputs)."""
    return {p.relative_to(language_root).as_posix(): _sha256(p) for p in sorted(language_root.glob("*/tables/*.csv"))}


def _keep_previous(out: Path) -> None:
    """Copy the published tables and manifest to ``<out>/previous/`` before a run replaces them (atomic swap)."""
    if not (out / "manifest.json").exists():
        return
    fresh = out / f".{PREVIOUS}.new"
    shutil.rmtree(fresh, ignore_errors=True)
    (fresh / "tables").mkdir(parents=True)
    shutil.copy2(out / "manifest.json", fresh / "manifest.json")
    for csv in sorted((out / "tables").glob("*.csv")):
        shutil.copy2(csv, fresh / "tables" / csv.name)
    old = out / f".{PREVIOUS}.old"
    shutil.rmtree(old, ignore_errors=True)
    if (out / PREVIOUS).exists():
        os.replace(out / PREVIOUS, old)
    os.replace(fresh, out / PREVIOUS)
    shutil.rmtree(old, ignore_errors=True)


def _unchanged(out: Path, entry: dict, fp: str) -> bool:
    """True when the last run of a notebook was good with this fingerprint and every file it published is intact."""
    outputs = entry.get("outputs")
    if entry.get("status") != "ok" or entry.get("fingerprint") != fp or not outputs:
        return False
    return all((out / name).is_file() and _sha256(out / name) == digest for name, digest in outputs.items())


def good_run(entry: dict) -> dict | None:
    """The notebook's last successful run: the entry itself, or the ``last_good`` kept beside a failure."""
    return entry if entry.get("status") == "ok" else entry.get("last_good")


def table_runs(entries: dict[str, dict]) -> dict[str, dict]:
    """Table name -> the notebook run that produced the published CSV: notebook, finished, parameters."""
    runs = {}
    for stem, entry in entries.items():
        good = good_run(entry) or {}
        for name in good.get("outputs", {}):
            if name.startswith("tables/") and name.endswith(".csv"):
                runs[name[len("tables/") : -len(".csv")]] = {
                    "notebook": stem,
                    "finished": good.get("finished", ""),
                    "parameters": good.get("parameters", {}),
                }
    return dict(sorted(runs.items()))


def pre_run_checks(notebooks: list[Path], parameters: dict[str, Any]) -> None:
    """Run the PRE_RUN_CHECKS of ``notebooks`` on ``parameters``; a problem raises ParameterError naming the notebook."""
    for nb in notebooks:
        modules = PRE_RUN_CHECKS.get(nb.stem, ())
        for name in (modules,) if isinstance(modules, str) else modules:
            module = importlib.import_module(f"{__package__}.{name}")
            try:
                module.validate(parameters)
            except ValueError as exc:
                raise scenarios.ParameterError(f"notebook {nb.stem}: {exc}") from None


def _comparison_html(root: Path, t: i18n.Text) -> str:
    """The scenarios side by side: key figures read from each scenario's published tables (summary.comparison)."""
    from . import summary

    table = summary.comparison(root, t)
    if table.empty:
        return ""
    head = "".join(f"<th>{html.escape(t(f'index.{c}'))}</th>" for c in table.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in table.itertuples(index=False))
    return (
        f"<h2>{html.escape(t('index.scenarios_heading'))}</h2><p>{html.escape(t('index.scenarios_intro'))}</p>"
        f"<table><tr>{head}</tr>{body}</table><h2>{html.escape(t('index.reports_heading'))}</h2>"
    )


def _language_links(root: Path, language: str) -> str:
    """Links to the index of every language that has been run (the English root holds the others' folders)."""
    english_root = root if language == "en" else root.parent
    links = []
    for other in i18n.LANGUAGES:
        index = language_folder(english_root, other) / "index.html"
        if other == language or not index.exists():
            continue
        links.append(f'<a href="{os.path.relpath(index, root)}" hreflang="{other}">{html.escape(i18n.NAMES[other])}</a>')
    if not links:
        return ""
    return f"<p>{html.escape(i18n.Text(language)('index.languages'))} <b>{html.escape(i18n.NAMES[language])}</b> · {' · '.join(links)}</p>"


def write_indexes(output_root: Path, language: str) -> None:
    """The index of ``language`` and of every other language already published, so each links all the others."""
    for other in i18n.LANGUAGES:
        root = language_folder(output_root, other)
        if other == language or (root / "index.html").exists():
            write_index(root, other)


def write_index(root: Path, language: str = "en") -> None:
    """``index.html`` of one language's folder: links to the other languages, the scenarios' key figures side by
    side, then every report with its date and status."""
    t = i18n.Text(language)
    rows = []
    for manifest_path in sorted(root.glob("*/manifest.json")):
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            continue
        scenario = manifest_path.parent.name
        for stem, entry in manifest.get("notebooks", {}).items():
            links = []
            if (manifest_path.parent / f"{stem}.html").exists():
                links.append(f'<a href="{scenario}/{stem}.html">{html.escape(t("index.report_link"))}</a>')
            if (manifest_path.parent / f"{stem}.failed.html").exists():
                links.append(f'<a href="{scenario}/{stem}.failed.html">{html.escape(t("index.failure_link"))}</a>')
            status = entry.get("status", "")
            rows.append(
                f"<tr><td>{html.escape(scenario)}</td><td>{html.escape(stem)}</td>"
                f"<td>{html.escape(t.term('status', status) if t.has(f'terms.status.{status}') else status)}</td>"
                f"<td>{html.escape(entry.get('finished', ''))}</td><td>{' · '.join(links)}</td></tr>"
            )
        xlsx = manifest_path.parent / "tables" / f"{scenario}.xlsx"
        if xlsx.exists():
            rows.append(
                f"<tr><td>{html.escape(scenario)}</td><td>{html.escape(t('index.tables'))}</td><td></td>"
                f"<td>{html.escape(manifest.get('finished', ''))}</td>"
                f'<td><a href="{scenario}/tables/{scenario}.xlsx">{html.escape(t("index.workbook"))}</a> · '
                f'<a href="{scenario}/manifest.json">{html.escape(t("index.manifest"))}</a></td></tr>'
            )
    heads = "".join(f"<th>{html.escape(t(f'index.{k}'))}</th>" for k in ("scenario", "report", "last_run", "finished", "files"))
    page = (
        f"<!DOCTYPE html><html lang='{language}'><head><meta charset='utf-8'><title>{html.escape(t('index.title'))}</title>"
        "<style>body{font-family:sans-serif;max-width:1200px;margin:2em auto}td,th{padding:4px 10px;text-align:left}"
        f"tr:nth-child(even){{background:#f3f3f3}}</style></head><body><h1>{html.escape(t('index.title'))}</h1>"
        + _language_links(root, language)
        + _comparison_html(root, t)
        + f"<table><tr>{heads}</tr>"
        + "".join(rows)
        + "</table></body></html>"
    )
    io.atomic_write_text(root / "index.html", page)


def run(
    scenario_name: str = "default",
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
    stages: tuple[str, ...] = STAGES,
) -> int:
    """Run the notebooks; return 0 (all good or skipped) or 1 (a notebook failed).

    Bad parameters, scenarios, notebooks, data or output folders raise ParameterError /
    DataError / SetupError before any kernel starts. ``log`` gets progress, ``err`` (default:
    standard error) the FAILED lines. ``jobs`` None: one process per core, at most one per notebook.
    ``stages``: "early" (the domain notebooks), "late" (notebooks numbered LATE_FROM and above, which read
    the published tables), or both in that order.
    """
    err = err or (lambda message: print(message, file=sys.stderr))
    typed = {k: scenarios.parse_cli_value(k, v) for k, v in (overrides or {}).items()}
    scenario = scenarios.load(scenario_name, typed)
    selected = select(notebooks)
    if not selected:
        raise scenarios.ParameterError(f"no notebooks to run in {paths.notebooks_dir()} (expected NN_name.ipynb)")
    declared = {nb.stem: declared_parameters(nb) for nb in selected}
    for stem, names in declared.items():
        unknown = [n for n in names if n not in page.NOTEBOOK_PARAMETERS]
        if unknown:
            raise scenarios.ParameterError(
                f"notebook {stem}: {unknown[0]!r} in its parameters cell is not a run parameter; expected only "
                f"{', '.join(page.NOTEBOOK_PARAMETERS)} (the notebook asks the package for the rest: page.Page)"
            )
    used = {nb.stem: page.parameter_names(nb.stem) for nb in selected}
    for name in typed:
        if name != "language" and not any(name in names for names in used.values()):  # language also sets the folder
            raise scenarios.ParameterError(f"parameter {name!r} is not used by the selected notebooks ({', '.join(declared)})")
    io.validate_all()
    pre_run_checks(selected, scenario.parameters)
    if jobs is not None and jobs < 1:
        raise scenarios.ParameterError(f"--jobs: expected a positive integer, got {jobs}")
    for flag, seconds in (("--timeout", timeout), ("--lock-timeout", lock_timeout)):
        if not (isinstance(seconds, int | float) and math.isfinite(seconds) and seconds > 0):
            raise scenarios.ParameterError(f"{flag}: expected a positive number of seconds, got {seconds!r}")

    if output_root is not None and not str(output_root).strip():
        raise SetupError("--output '': expected a folder name (an empty name would write into the current folder)")
    output_root = Path(output_root if output_root is not None else paths.reports_dir())
    language = scenario.parameters.get("language", "en")
    language_root = language_folder(output_root, language)
    out = language_root / scenario.name
    check_output(output_root)
    check_output(language_root, output_root)
    check_output(out, output_root)
    data_hashes, code_hash = io.file_hashes(), io.package_hash()
    data_hash = hashlib.sha256(json.dumps(data_hashes, sort_keys=True).encode()).hexdigest()
    ensure_kernel()
    executed: list[Result] = []
    with _scenario_lock(out, log, lock_timeout):
        remove_stale_staging(out, log)
        manifest_path = out / "manifest.json"
        previous = _read_manifest(manifest_path, log)
        entries = dict(previous.get("notebooks", {}))
        staging, owner = _new_staging(out)
        started = dt.datetime.now(dt.UTC)
        skipped: list[str] = []

        def plan(stage: list[Path], inputs: dict[str, str]) -> list:
            """The notebooks of ``stage`` to execute: changed since their last good run (``inputs`` are hashed in), or forced."""
            planned = []
            for nb in stage:
                params = {k: scenario.parameters[k] for k in used[nb.stem]}
                fp = fingerprint(nb, params, inputs, code_hash)  # the runner's folders are added below, per run
                last = entries.get(nb.stem, {})
                if not force and _unchanged(out, last, fp):
                    log(f"[{nb.stem}] unchanged since {last.get('finished', '?')}: skipped (use --force to re-run)")
                    skipped.append(nb.stem)
                    continue
                given = {"scenario": scenario.name, "language": language, "overrides": typed, "output_dir": str(staging / nb.stem),
                         "reports_dir": str(language_root)}
                planned.append((nb, params, {k: v for k, v in given.items() if k in declared[nb.stem]}, fp))
            return planned

        def execute_and_publish(planned: list) -> list[Result]:
            if not planned:
                return []
            workers = min(jobs or os.cpu_count() or 1, max(len(planned), 1))
            results = _execute_all(planned, staging, workers, log, timeout)
            done = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            for result, (nb, params, _, fp) in zip(results, planned, strict=True):
                last = entries.get(nb.stem, {})
                outputs = _publish(staging, out, result, good_run(last) or {}, export.run_date())
                entry = {
                    "status": result.status,
                    "seconds": round(result.seconds, 2),
                    "finished": done,
                    "parameters": {k: v for k, v in params.items() if k not in scenarios.RUNNER_PARAMETERS},
                    "data_hash": data_hash,
                    "code_hash": code_hash,
                }
                if result.status == "ok":
                    entry |= {"fingerprint": fp, "outputs": outputs}
                else:
                    entry["error"] = result.error
                    if good_run(last):
                        entry["last_good"] = good_run(last)
                entries[nb.stem] = entry
            return results

        def record(ran: list, executed: list[Result]) -> None:
            """Write the manifest, the workbook and the indexes when anything ran or one of them is missing."""
            workbook = out / "tables" / f"{scenario.name}.xlsx"
            tables = table_runs(entries)
            if not (ran or not manifest_path.exists() or (tables and not workbook.exists())):
                return
            current = skipped + [r.notebook for r in executed if r.status == "ok"]
            if "early" not in stages:  # a late pass (--all-scenarios): the early notebooks ran in this run's first pass
                current += [nb.stem for nb in selected if not _is_late(nb) and entries.get(nb.stem, {}).get("status") == "ok"]
            run_info = {
                "scenario": scenario.name,
                "description": scenario.description,
                "language": language,
                "started": started.isoformat(timespec="seconds"),
                "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "package_version": __version__,
                "git_commit": _git_commit(),
                "code_hash": code_hash,
                # only what the notebooks that are good in this run used; each table's own run is under "tables"
                "parameters": {k: v for stem in current for k, v in entries[stem]["parameters"].items()},
                "input_hashes": data_hashes,
                "versions": _versions(),
            }
            if tables:
                export.write_workbook(out / "tables", workbook, run_info, tables, language)
            io.atomic_write_text(manifest_path, json.dumps(run_info | {"tables": tables, "notebooks": entries}, indent=2, default=str))
            write_indexes(output_root, language)

        try:
            # Notebooks numbered LATE_FROM and above read the others' published tables and the manifest: they run
            # after the others have been recorded, and re-run whenever any scenario's tables change.
            todo = plan([nb for nb in selected if not _is_late(nb)], data_hashes) if "early" in stages else []
            if todo:
                _keep_previous(out)
            executed = execute_and_publish(todo)
            record(todo, executed)
            if "late" in stages:
                late = plan([nb for nb in selected if _is_late(nb)], data_hashes | _table_hashes(language_root))
                executed += execute_and_publish(late)
                record(late, executed)
        finally:
            owner.close()
            shutil.rmtree(staging, ignore_errors=True)
            with contextlib.suppress(OSError):
                (out / ".staging").rmdir()
    failed = [r for r in executed if r.status == "failed"]
    for r in failed:
        report = out / f"{r.notebook}.failed.html"
        where = f"see {report}" if report.exists() else "no failure report could be rendered"
        err(f"FAILED {r.notebook}: {r.error.splitlines()[0] if r.error else ''} — {where}; the last good report is unchanged")
    return 1 if failed else 0


def _read_manifest(path: Path, log) -> dict:
    """The previous manifest, or {} (with a note) when it is missing or unreadable: everything then re-runs."""
    if not path.exists():
        return {}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        manifest = None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("notebooks", {}), dict):
        log(f"{path} is unreadable; every notebook runs again")
        return {}
    return manifest


def _execute_all(todo: list, staging: Path, jobs: int, log, timeout: float) -> list[Result]:
    progress = sys.stderr.isatty() and jobs == 1
    results: dict[str, Result] = {}
    if jobs == 1 or len(todo) <= 1:
        for nb, _, params, _ in todo:
            log(f"[{nb.stem}] started")
            results[nb.stem] = result = _execute(nb, params, staging, progress, timeout)
            log(f"[{nb.stem}] {result.status} in {result.seconds:.1f} s")
    else:
        with futures.ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            pending = {}
            for nb, _, params, _ in todo:
                log(f"[{nb.stem}] queued ({jobs} at a time)")
                pending[pool.submit(_execute, nb, params, staging, False, timeout)] = nb.stem
            for future in futures.as_completed(pending):
                results[pending[future]] = result = future.result()
                log(f"[{result.notebook}] {result.status} in {result.seconds:.1f} s")
    return [results[nb.stem] for nb, *_ in todo]
