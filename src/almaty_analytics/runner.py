"""Run the numbered notebooks for a scenario and publish their reports and tables.

Method: validate the scenario and the raw data (no kernel yet); for each notebook,
skip it when its fingerprint (notebook, its parameters, raw data, package code) matches
the last good run; otherwise execute it with papermill into a private staging folder
and render HTML with nbconvert (no code, nothing loaded from the internet). Only then
move the results into ``<output>/<scenario>/`` with atomic renames, under a lock per
scenario. A failed notebook gets ``<name>.failed.html`` beside its last good report,
which is left untouched.
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
import multiprocessing
import os
import platform
import re
import shutil
import subprocess
import sys
import time
import traceback
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__, export, io, paths, scenarios

KERNEL_NAME = "almaty-analytics"
# Checks that need data or hold for one notebook only, run before any kernel starts:
# notebook stem -> "module" whose validate(params) raises ValueError naming the parameter.
PRE_RUN_CHECKS = {"20_school_seat_deficit": "schools", "30_emissions_forecast": "emissions"}
_NUMBERED = re.compile(r"^\d\d_[a-z0-9_]+\.ipynb$")
_VERSIONED = ("pandas", "numpy", "statsmodels", "seaborn", "matplotlib", "scikit-learn", "papermill", "nbconvert", "ipykernel")


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


QUIET_KERNEL = "--IPKernelApp.log_level=ERROR"  # hides ipykernel's start-up warnings from run logs


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


def render_html(notebook_path: Path, html_path: Path, *, show_code: bool = False) -> None:
    """Render an executed notebook to standalone HTML: no code cells unless asked, no stderr."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(notebook_path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and not show_code:
            cell.outputs = [o for o in cell.outputs if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    heading = next(
        (line[2:].strip() for c in nb.cells if c.cell_type == "markdown" for line in c.source.splitlines() if line.startswith("# ")),
        notebook_path.stem,
    )
    nb.metadata["title"] = heading
    exporter = HTMLExporter(
        template_name="offline",
        extra_template_basedirs=[str(paths.package_dir() / "templates")],
        exclude_input=not show_code,
        exclude_input_prompt=not show_code,
        exclude_output_prompt=True,
        embed_images=True,
    )
    body, _ = exporter.from_notebook_node(nb)
    io.atomic_write_text(html_path, body)


def _execute(notebook: Path, parameters: dict[str, Any], staging: Path, progress: bool) -> Result:
    """Execute and render one notebook into ``staging`` (runs in a worker process)."""
    import papermill

    stem = notebook.stem
    started = time.perf_counter()
    executed = staging / f"{stem}.ipynb"
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
        )
        render_html(executed, staging / f"{stem}.html")
        return Result(stem, "ok", time.perf_counter() - started)
    except papermill.PapermillExecutionError as exc:
        error = f"cell {exc.exec_count}: {exc.ename}: {exc.evalue}"
    except Exception as exc:  # kernel death, rendering: report, never crash the run
        error = f"{type(exc).__name__}: {exc}"
        if not executed.exists():
            return Result(stem, "failed", time.perf_counter() - started, error + "\n" + traceback.format_exc(limit=3))
    render_html(executed, staging / f"{stem}.failed.html", show_code=True)
    return Result(stem, "failed", time.perf_counter() - started, error)


def fingerprint(notebook: Path, parameters: dict[str, Any], data_hashes: dict[str, str], code_hash: str) -> str:
    payload = json.dumps(
        {"notebook": hashlib.sha256(notebook.read_bytes()).hexdigest(), "parameters": parameters, "data": data_hashes, "code": code_hash},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


@contextlib.contextmanager
def _scenario_lock(directory: Path, log):
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log(f"another run is writing {directory}; waiting for it to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


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


def _publish(staging: Path, out: Path, result: Result) -> None:
    stem = result.notebook
    if result.status == "ok":
        for suffix in (".ipynb", ".html"):
            os.replace(staging / f"{stem}{suffix}", out / f"{stem}{suffix}")
        for stale in (out / f"{stem}.failed.html", out / f"{stem}.failed.ipynb"):
            stale.unlink(missing_ok=True)
        tables = staging / stem / "tables"
        if tables.exists():
            (out / "tables").mkdir(exist_ok=True)
            for csv in sorted(tables.glob("*.csv")):
                os.replace(csv, out / "tables" / csv.name)
    else:
        for source, target in ((f"{stem}.failed.html", f"{stem}.failed.html"), (f"{stem}.ipynb", f"{stem}.failed.ipynb")):
            if (staging / source).exists():
                os.replace(staging / source, out / target)


def write_index(output_root: Path) -> None:
    """``index.html`` linking every scenario's reports with their date and status."""
    rows = []
    for manifest_path in sorted(output_root.glob("*/manifest.json")):
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        scenario = manifest_path.parent.name
        for stem, entry in manifest.get("notebooks", {}).items():
            links = []
            if (manifest_path.parent / f"{stem}.html").exists():
                links.append(f'<a href="{scenario}/{stem}.html">report</a>')
            if (manifest_path.parent / f"{stem}.failed.html").exists():
                links.append(f'<a href="{scenario}/{stem}.failed.html">failure</a>')
            rows.append(
                f"<tr><td>{html.escape(scenario)}</td><td>{html.escape(stem)}</td><td>{html.escape(entry.get('status', ''))}</td>"
                f"<td>{html.escape(entry.get('finished', ''))}</td><td>{' · '.join(links)}</td></tr>"
            )
        xlsx = manifest_path.parent / "tables" / f"{scenario}.xlsx"
        if xlsx.exists():
            rows.append(
                f"<tr><td>{html.escape(scenario)}</td><td>tables</td><td></td><td>{html.escape(manifest.get('finished', ''))}</td>"
                f'<td><a href="{scenario}/tables/{scenario}.xlsx">workbook</a> · <a href="{scenario}/manifest.json">manifest</a></td></tr>'
            )
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>almaty-analytics reports</title>"
        "<style>body{font-family:sans-serif;max-width:900px;margin:2em auto}td,th{padding:4px 10px;text-align:left}"
        "tr:nth-child(even){background:#f3f3f3}</style></head><body><h1>almaty-analytics reports</h1>"
        "<table><tr><th>scenario</th><th>report</th><th>last run</th><th>finished (UTC)</th><th>files</th></tr>"
        + "".join(rows)
        + "</table></body></html>"
    )
    io.atomic_write_text(output_root / "index.html", page)


def run(
    scenario_name: str = "default",
    notebooks: list[str] | None = None,
    overrides: dict[str, str] | None = None,
    output_root: Path | None = None,
    jobs: int = 1,
    force: bool = False,
    log=print,
) -> int:
    """Run the notebooks; return 0 (all good or skipped) or 1 (a notebook failed).

    Bad parameters, scenarios, notebooks or data raise ParameterError / DataError
    before any kernel starts.
    """
    typed = {k: scenarios.parse_cli_value(k, v) for k, v in (overrides or {}).items()}
    scenario = scenarios.load(scenario_name, typed)
    selected = select(notebooks)
    if not selected:
        raise scenarios.ParameterError(f"no notebooks to run in {paths.notebooks_dir()} (expected NN_name.ipynb)")
    declared = {nb.stem: declared_parameters(nb) for nb in selected}
    for stem, names in declared.items():
        unknown = [n for n in names if n not in scenarios.PARAMETERS]
        if unknown:
            raise scenarios.ParameterError(
                f"notebook {stem}: parameter {unknown[0]!r} in its parameters cell is not in the schema (scenarios.PARAMETERS)"
            )
    for name in typed:
        if not any(name in names for names in declared.values()):
            raise scenarios.ParameterError(f"parameter {name!r} is not used by the selected notebooks ({', '.join(declared)})")
    io.validate_all()
    for nb in selected:
        if nb.stem in PRE_RUN_CHECKS:
            module = importlib.import_module(f"{__package__}.{PRE_RUN_CHECKS[nb.stem]}")
            try:
                module.validate(scenario.parameters)
            except ValueError as exc:
                raise scenarios.ParameterError(f"notebook {nb.stem}: {exc}") from None
    if jobs < 1:
        raise scenarios.ParameterError(f"--jobs: expected a positive integer, got {jobs}")

    output_root = Path(output_root or paths.reports_dir())
    out = output_root / scenario.name
    data_hashes, code_hash = io.file_hashes(), io.package_hash()
    ensure_kernel()
    with _scenario_lock(out, log):
        manifest_path = out / "manifest.json"
        previous = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
        entries = dict(previous.get("notebooks", {}))
        staging = out / ".staging" / uuid.uuid4().hex
        staging.mkdir(parents=True)
        started = dt.datetime.now(dt.UTC)
        todo, skipped = [], []
        for nb in selected:
            params = {k: scenario.parameters[k] for k in declared[nb.stem] if k in scenario.parameters}
            fp = fingerprint(nb, params, data_hashes, code_hash)  # output_dir is added below, per run
            last = entries.get(nb.stem, {})
            if not force and last.get("status") == "ok" and last.get("fingerprint") == fp and (out / f"{nb.stem}.html").exists():
                log(f"[{nb.stem}] unchanged since {last.get('finished', '?')}: skipped (use --force to re-run)")
                skipped.append(Result(nb.stem, "skipped"))
                continue
            if "output_dir" in declared[nb.stem]:
                params["output_dir"] = str(staging / nb.stem)
            todo.append((nb, params, fp))
        try:
            executed = _execute_all(todo, staging, jobs, log)
            finished = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            for result, (nb, params, fp) in zip(executed, todo, strict=True):
                _publish(staging, out, result)
                entry = {
                    "status": result.status,
                    "seconds": round(result.seconds, 2),
                    "finished": finished,
                    "parameters": {k: v for k, v in params.items() if k != "output_dir"},
                }
                if result.status == "ok":
                    entry["fingerprint"] = fp
                else:
                    entry["error"] = result.error
                    if entries.get(nb.stem, {}).get("status") == "ok":
                        entry["last_good"] = entries[nb.stem]
                entries[nb.stem] = entry
            if todo:
                run_info = {
                    "scenario": scenario.name,
                    "description": scenario.description,
                    "started": started.isoformat(timespec="seconds"),
                    "finished": finished,
                    "package_version": __version__,
                    "git_commit": _git_commit(),
                    "code_hash": code_hash,
                    "parameters": {k: v for k, v in scenario.parameters.items() if k != "output_dir"},
                    "input_hashes": data_hashes,
                    "versions": _versions(),
                }
                if (out / "tables").exists() and any(r.status == "ok" for r in executed):
                    export.write_workbook(out / "tables", out / "tables" / f"{scenario.name}.xlsx", run_info)
                io.atomic_write_text(manifest_path, json.dumps(run_info | {"notebooks": entries}, indent=2, default=str))
                write_index(output_root)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            with contextlib.suppress(OSError):
                (out / ".staging").rmdir()
    failed = [r for r in executed if r.status == "failed"]
    for r in failed:
        report = out / f"{r.notebook}.failed.html"
        where = f"see {report}" if report.exists() else "no failure report could be rendered"
        log(f"FAILED {r.notebook}: {r.error.splitlines()[0] if r.error else ''} — {where}; the last good report is unchanged")
    return 1 if failed else 0


def _execute_all(todo: list, staging: Path, jobs: int, log) -> list[Result]:
    progress = sys.stderr.isatty() and jobs == 1
    results: dict[str, Result] = {}
    if jobs == 1 or len(todo) <= 1:
        for nb, params, _ in todo:
            log(f"[{nb.stem}] started")
            results[nb.stem] = result = _execute(nb, params, staging, progress)
            log(f"[{nb.stem}] {result.status} in {result.seconds:.1f} s")
    else:
        with futures.ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            pending = {}
            for nb, params, _ in todo:
                log(f"[{nb.stem}] queued ({jobs} at a time)")
                pending[pool.submit(_execute, nb, params, staging, False)] = nb.stem
            for future in futures.as_completed(pending):
                results[pending[future]] = result = future.result()
                log(f"[{result.notebook}] {result.status} in {result.seconds:.1f} s")
    return [results[nb.stem] for nb, _, _ in todo]
