"""Execute one notebook with papermill into a staging folder and render its HTML report with nbconvert.

Method: ``execute_notebook`` is the one function that runs a kernel (orchestration tests replace it):
it runs one notebook for several runs (the languages of a scenario) in turn in one kernel
(kernel.SharedKernel, passed to papermill, which hands it to nbclient), so the second and later runs
find the package imported and the results computed; a run that fails gets its kernel shut down and
the next run a fresh one. Each run gets ``timeout`` seconds in all: each cell may use what is left of
them. The kernel talks over private Unix sockets (kernel.private_sockets), so parallel notebooks never
race for ports. The report shows outputs only (no code, no stderr), embeds
its images and loads nothing from the internet; a failed notebook's report shows the code, to find the cell.
"""

from __future__ import annotations

import concurrent.futures as futures
import contextlib
import functools
import html
import logging
import multiprocessing
import multiprocessing.forkserver
import multiprocessing.util
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import papermill
from nbclient.exceptions import CellTimeoutError
from nbconvert import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbformat.warnings import MissingIDFieldWarning

from .. import __version__, io, paths
from . import kernel

# papermill validates each notebook read, and nbformat warns once per process about cells without an id (it adds
# them to the executed copy): a stray line per worker on the run's standard error, nothing a reader can act on
warnings.filterwarnings("ignore", category=MissingIDFieldWarning)


class _NoTimeoutEcho(logging.Filter):
    """Drops nbclient's "Timeout waiting for execute reply (0s)." (logged through papermill's logger onto the run's
    standard error when a cell passes ``--timeout``): the run's one FAILED line says it, naming the report to read."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Timeout waiting for execute reply")


logging.getLogger("papermill").addFilter(_NoTimeoutEcho())

DEFAULT_TIMEOUT = 1800  # seconds a notebook may run: the full default run takes about a minute per notebook


@dataclass
class Result:
    notebook: str
    status: str  # ok, failed, skipped
    seconds: float = 0.0
    error: str = ""


@dataclass
class Run:
    """One run of a notebook: what its parameters cell gets, the staging folder it writes into, where its progress lines
    go (``log``) and who is told its result (``done``)."""

    parameters: dict[str, Any]
    staging: Path
    log: Callable[[str], None]
    done: Callable[[Result], None]


class _TextOnly(IPythonRenderer):
    """Markdown renderer for text shown at run time: raw HTML escaped, no link (a link shows as its markdown, an
    autolink or a bare URL as its text) and an image only when it is embedded (``data:``), any other as text."""

    def link(self, text: str, url: str, title: str | None = None) -> str:
        shown = html.escape(url)
        return text if text in (url, shown) else f"[{text}]({shown})"

    def image(self, text: str, url: str, title: str | None = None) -> str:
        return super().image(text, url, title) if url.startswith("data:") else html.escape(f"![{text}]({url})")


class _NoBareUrls(MarkdownWithMath):
    DEFAULT_PLUGINS = tuple(p for p in MarkdownWithMath.DEFAULT_PLUGINS if p != "url")  # "url" links every bare URL


def markdown_escaped(source: str) -> str:
    """Markdown to HTML for text shown at run time (it may carry free text from data, scenarios, report_note): raw
    HTML escaped, no live link, no bare URL made a link, only data: images."""
    return _NoBareUrls(renderer=_TextOnly(escape=True, allow_harmful_protocols=False)).render(source)


def _title(nb: nbformat.NotebookNode, fallback: str) -> str:
    """The first "# " heading of the notebook, written in a markdown cell or displayed by a code cell."""
    texts = [c.source for c in nb.cells if c.cell_type == "markdown"]
    texts += [o["data"]["text/markdown"] for c in nb.cells if c.cell_type == "code" for o in c.outputs if "text/markdown" in o.get("data", {})]
    return next((line[2:].strip() for text in texts for line in text.splitlines() if line.startswith("# ")), fallback)


def git_commit() -> str | None:
    """The project's git commit (None outside a git checkout): every manifest records it, every report's footer shows it."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=paths.root(), capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def render_html(notebook_path: Path, html_path: Path, *, show_code: bool = False) -> None:
    """Render an executed notebook to standalone HTML: no code cells unless asked, no stderr."""
    nb = nbformat.read(notebook_path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and not show_code:
            cell.outputs = [o for o in cell.outputs if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    nb.metadata["title"] = _title(nb, notebook_path.stem)
    nb.metadata["almaty_analytics"] = {"version": __version__, "commit": (git_commit() or "unknown")[:12]}  # the footer
    language = nb.metadata.get("papermill", {}).get("parameters", {}).get("language", "en")
    body, _ = _exporter(show_code, language).from_notebook_node(nb)
    io.atomic_write_text(html_path, body)


@functools.lru_cache(maxsize=16)
def _exporter(show_code: bool, language: str) -> HTMLExporter:
    """The report exporter for ``show_code`` and ``language``, made once per process: its templates are compiled
    on first use (about 0.2 s), and a worker renders every notebook and language it runs with it."""
    return HTMLExporter(
        template_name="offline",
        extra_template_basedirs=[str(paths.package_dir() / "templates")],
        exclude_input=not show_code,
        exclude_input_prompt=not show_code,
        exclude_output_prompt=True,
        embed_images=False,  # charts are outputs, already data: URIs; markdown shows only data: images (markdown_escaped), so nothing is left to embed
        filters={"markdown2html_escaped": markdown_escaped},
        language_code=language,
    )


def execute_notebook(notebook: Path, runs: list[tuple[dict[str, Any], Path]], progress: bool, timeout: float = DEFAULT_TIMEOUT) -> list[Result]:
    """Execute ``notebook`` once per ``(parameters, staging)`` of ``runs``, in turn, in one kernel; a result per run.

    Each run writes ``<stem>.ipynb`` and ``<stem>.html`` (or ``<stem>.failed.html``) into its ``staging`` and gets
    ``timeout`` seconds. The kernel's namespace is cleared between runs; a run that fails may leave its kernel hung
    or dead, so the next run gets a fresh kernel. Inside ``keeping_kernel`` (a worker, the notebooks of a stage run
    in the runner) the kernel is the one kept there and stays up for the next notebook; otherwise it is this call's
    own, shut down at the end.
    """
    kept = _kept()[-1] if _kept() else kernel.KeptKernel()
    results: list[Result] = []
    try:
        while len(results) < len(runs):
            km = kept.get()
            for parameters, staging in runs[len(results) :]:
                if km.clients and not km.fresh_namespace():
                    kept.discard()
                    break
                results.append(_execute(km, notebook, parameters, staging, progress, timeout))
                if results[-1].status != "ok":
                    kept.discard()
                    break
    except BaseException as exc:
        kept.discard(now=not isinstance(exc, Exception))
        raise
    if not _kept():
        kept.discard()
    return results


_KEPT = threading.local()  # .stack: the kernel this thread keeps from notebook to notebook (keeping_kernel), if any


def _kept() -> list[kernel.KeptKernel]:
    """This thread's stack of kept kernels: a worker's (its one thread runs its notebooks) or an ``execute_all`` in the
    runner's; threads of one process that run notebooks each keep their own, never one another's."""
    if not hasattr(_KEPT, "stack"):
        _KEPT.stack = []
    return _KEPT.stack


@contextlib.contextmanager
def keeping_kernel() -> Iterator[None]:
    """Within the block, ``execute_notebook`` runs every notebook in one kept kernel (a fresh namespace for each run),
    so the package is imported once, not once per notebook (about 2 s of CPU each); shut down on leaving (killed at
    once when the run is stopped)."""
    _kept().append(kernel.KeptKernel())
    try:
        yield
    except BaseException as exc:
        _kept().pop().discard(now=not isinstance(exc, Exception))
        raise
    _kept().pop().discard()


def _execute(km: kernel.SharedKernel, notebook: Path, parameters: dict[str, Any], staging: Path, progress: bool, timeout: float) -> Result:
    """One run of ``notebook`` in ``km`` (started by nbclient when it is not running yet), rendered into ``staging``."""
    stem = notebook.stem
    started = time.perf_counter()
    executed = staging / f"{stem}.ipynb"
    deadline = time.monotonic() + timeout
    try:
        papermill.execute_notebook(
            str(notebook),
            str(executed),
            parameters=parameters,
            kernel_name=kernel.KERNEL_NAME,
            language="python",
            cwd=str(paths.root()),
            progress_bar=progress,
            log_output=False,
            timeout_func=lambda cell: max(deadline - time.monotonic(), 0.1),
            km=km,
        )
        render_html(executed, staging / f"{stem}.html")
        return Result(stem, "ok", time.perf_counter() - started)
    except papermill.PapermillExecutionError as exc:
        error = f"{failed_cell(executed, exc.exec_count)}: {exc.ename}: {exc.evalue}"
    except CellTimeoutError:
        error = f"timed out: the notebook was still running after {timeout:g} s (--timeout); the kernel was stopped"
    except Exception as exc:  # kernel death, rendering: report, never crash the run
        error = f"{type(exc).__name__}: {exc}"
        if not executed.exists():
            return Result(stem, "failed", time.perf_counter() - started, error + "\n" + traceback.format_exc(limit=3))
    if executed.exists():
        render_html(executed, staging / f"{stem}.failed.html", show_code=True)
    return Result(stem, "failed", time.perf_counter() - started, error)


def failed_cell(executed: Path, exec_count: int | None) -> str:
    """The failed cell of the executed notebook at ``executed`` (``failed_cell_in``); its execution count alone when unreadable."""
    try:
        return failed_cell_in(nbformat.read(executed, as_version=4), exec_count)
    except (OSError, ValueError):
        return f"cell In [{exec_count}]"


def failed_cell_in(nb: nbformat.NotebookNode, exec_count: int | None) -> str:
    """The failed cell as the notebook's author counts it: its place among the notebook's own code cells (papermill's
    injected parameters cell not counted), with the execution count its failed report shows: "cell 2 (In [3])"."""
    cells = [c for c in nb.cells if c.cell_type == "code" and "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
    number = next((i for i, c in enumerate(cells, 1) if c.get("execution_count") == exec_count), None)
    return f"cell {number} (In [{exec_count}])" if number else f"cell In [{exec_count}]"


def execute_all(todo: list[tuple[Path, list[Run]]], jobs: int, timeout: float, kept: Workers | None = None) -> list[list[Result]]:
    """Execute each notebook of ``todo`` for its runs in one kernel (execute_notebook), ``jobs`` notebooks at a time
    (in worker processes when more than one); per notebook, a result per run.

    The workers are forked from multiprocessing's fork server (``WORKERS``), started once per runner process with
    this module imported, so a worker starts in milliseconds instead of importing papermill, nbconvert and pandas
    again (about 3.5 s of CPU each when spawned). The server is a fresh single-threaded process, so forking it is
    safe where forking the runner (threads, open files) is not. Each worker takes the runner's environment and
    working folder at its start (``_worker_start``): the server's are those of the moment it started.
    The worker processes die with the runner: each ignores Ctrl-C (the runner handles it) and exits when its parent
    is gone (the fork server, which exits when the runner does); when the runner stops (a signal, any exception) it
    ends them at once rather than waiting for their notebooks. A kernel exits when the process that started it is
    gone (ipykernel's parent poller, given the parent's pid by jupyter_client), so no kernel outlives its worker.
    ``kept``: the run's workers (``workers``), kept from stage to stage: once an earlier stage started them, a stage
    of one notebook runs there too, in a kernel that has imported the package and read the data already.
    """
    if (jobs == 1 or len(todo) <= 1) and (kept is None or kept.pool is None):
        progress = sys.stderr.isatty() and jobs == 1
        with keeping_kernel():
            return [_in_process(nb, runs, progress, timeout) for nb, runs in todo]
    if kept is None:
        with workers() as own:
            return execute_all(todo, jobs, timeout, own)
    results: dict[int, list[Result]] = {}
    try:
        pool = kept.start(jobs)
        pending = {}
        for number, (nb, runs) in enumerate(todo):
            for run in runs:
                run.log(f"{nb.stem} queued ({kept.jobs} at a time)")
            pending[pool.submit(execute_notebook, nb, [(run.parameters, run.staging) for run in runs], False, timeout)] = number, runs
        for future in futures.as_completed(pending):
            number, runs = pending[future]
            results[number] = future.result()
            _log_results(runs, results[number])
    except BaseException:
        kept.close(now=True)  # at once, before the run cleans up after its notebooks
        raise
    return [results[number] for number in range(len(todo))]


class Workers:
    """The worker processes of a run, started by its first stage that runs notebooks in parallel and kept for its later
    stages (``workers``), each with its kernel: the late stage's summary then runs in a kernel that has imported the
    package, instead of a new one (about 2.5 s less for its first language)."""

    def __init__(self) -> None:
        self.pool: futures.ProcessPoolExecutor | None = None
        self.jobs = 0

    def start(self, jobs: int) -> futures.ProcessPoolExecutor:
        """The pool, started with ``jobs`` workers unless it runs already (then with the number it started with)."""
        if self.pool is None:
            self.jobs = jobs
            environ = thread_budget(dict(os.environ), jobs)
            self.pool = futures.ProcessPoolExecutor(max_workers=jobs, mp_context=WORKERS, initializer=_worker_start, initargs=(environ, os.getcwd()))
        return self.pool

    def close(self, now: bool = False) -> None:
        """End the workers (and so their kernels): when their notebooks are done, or at once (``now``: the run is stopping)."""
        pool, self.pool = self.pool, None
        if pool is None:
            return
        if now:
            for process in list(pool._processes.values()):  # the executor has no public way to end running workers (3.14 adds one)
                process.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
        else:
            pool.shutdown()


@contextlib.contextmanager
def workers() -> Iterator[Workers]:
    """A run's ``Workers``, ended as the block ends: at once when it ends by an exception (a stop, a failure)."""
    kept = Workers()
    try:
        yield kept
    except BaseException:
        kept.close(now=True)
        raise
    kept.close()


THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")  # numpy's and scipy's BLAS, OpenMP


def thread_budget(environ: dict[str, str], jobs: int) -> dict[str, str]:
    """The environment for one of ``jobs`` workers that run at once: its kernel's BLAS and OpenMP threads limited to its
    share of the cores (cores // jobs, at least 1), as a variable the user set is kept. Without it each of the parallel
    kernels starts a BLAS thread per core, and on two cores the threads wait for each other: the test suite's
    computing tests took 137 s of CPU with them and 118 s without (benchmarks/bench_tests.py)."""
    threads = str(max(1, (os.cpu_count() or 1) // jobs))
    return {name: threads for name in THREAD_VARIABLES} | environ


PARENT_POLL = 0.5  # seconds between a worker's checks that its parent (the fork server) still lives
WORKERS = multiprocessing.get_context("forkserver")
WORKERS.set_forkserver_preload([__name__])


def _worker_start(environ: dict[str, str], cwd: str) -> None:
    """A worker's start: the runner's environment and folder; Ctrl-C is the runner's to handle; exit (ending the
    notebook) as soon as the parent is gone (the fork server exits when the runner does)."""
    os.environ.clear()
    os.environ.update(environ)
    os.chdir(cwd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _kept().append(kernel.KeptKernel())  # the worker's notebooks share one kernel, shut down as the worker ends
    multiprocessing.util.Finalize(None, _kept()[-1].discard, exitpriority=10)
    _let_the_fork_server_see_the_runner_go()
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _let_the_fork_server_see_the_runner_go() -> None:
    """Close the worker's copy of the pipe whose other end the fork server watches: multiprocessing hands every child
    it (so that a child could use the server too), and while any process holds it the server cannot see the runner
    die, so it and its workers would run on. Only the runner holds it then: when the runner goes, the server exits
    and its workers, whose parent it was, follow."""
    server = multiprocessing.forkserver._forkserver
    if getattr(server, "_forkserver_alive_fd", None) is not None:
        os.close(server._forkserver_alive_fd)
        server._forkserver_alive_fd = None


def _in_process(notebook: Path, runs: list[Run], progress: bool, timeout: float) -> list[Result]:
    for run in runs:
        run.log(f"{notebook.stem} started")
    results = execute_notebook(notebook, [(run.parameters, run.staging) for run in runs], progress, timeout)
    _log_results(runs, results)
    return results


def _log_results(runs: list[Run], results: list[Result]) -> None:
    for run, result in zip(runs, results, strict=True):
        run.done(result)
