"""Execute one notebook with papermill into a staging folder and render its HTML report with nbconvert.

Method: ``execute_notebook`` is the one function that runs a kernel (orchestration tests replace it).
The notebook gets ``timeout`` seconds in all: each cell may use what is left of them; a hung cell
is stopped and the kernel shut down. The kernel talks over private Unix sockets (kernel.private_sockets),
so parallel notebooks never race for ports. The report shows outputs only (no code, no stderr), embeds
its images and loads nothing from the internet; a failed notebook's report shows the code, to find the cell.
"""

from __future__ import annotations

import concurrent.futures as futures
import html
import multiprocessing
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import papermill
from nbclient.exceptions import CellTimeoutError
from nbconvert import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

from .. import io, paths
from .kernel import KERNEL_NAME, private_sockets

DEFAULT_TIMEOUT = 1800  # seconds a notebook may run: the full default run takes about a minute per notebook


@dataclass
class Result:
    notebook: str
    status: str  # ok, failed, skipped
    seconds: float = 0.0
    error: str = ""


class _DataImagesOnly(IPythonRenderer):
    """Markdown renderer that shows an image only when it is embedded (``data:``); any other is shown as text."""

    def image(self, text: str, url: str, title: str | None = None) -> str:
        return super().image(text, url, title) if url.startswith("data:") else html.escape(f"![{text}]({url})")


def markdown_escaped(source: str) -> str:
    """Markdown to HTML with raw HTML escaped and only data: images (for text shown at run time)."""
    return MarkdownWithMath(renderer=_DataImagesOnly(escape=True, allow_harmful_protocols=False)).render(source)


def _title(nb: nbformat.NotebookNode, fallback: str) -> str:
    """The first "# " heading of the notebook, written in a markdown cell or displayed by a code cell."""
    texts = [c.source for c in nb.cells if c.cell_type == "markdown"]
    texts += [o["data"]["text/markdown"] for c in nb.cells if c.cell_type == "code" for o in c.outputs if "text/markdown" in o.get("data", {})]
    return next((line[2:].strip() for text in texts for line in text.splitlines() if line.startswith("# ")), fallback)


def render_html(notebook_path: Path, html_path: Path, *, show_code: bool = False) -> None:
    """Render an executed notebook to standalone HTML: no code cells unless asked, no stderr."""
    nb = nbformat.read(notebook_path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and not show_code:
            cell.outputs = [o for o in cell.outputs if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    nb.metadata["title"] = _title(nb, notebook_path.stem)
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


def execute_notebook(notebook: Path, parameters: dict[str, Any], staging: Path, progress: bool, timeout: float = DEFAULT_TIMEOUT) -> Result:
    """Execute and render one notebook into ``staging``: ``<stem>.ipynb`` and ``<stem>.html`` (or ``<stem>.failed.html``)."""
    stem = notebook.stem
    started = time.perf_counter()
    executed = staging / f"{stem}.ipynb"
    deadline = time.monotonic() + timeout
    try:
        with private_sockets() as kernel_config:
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
                config=kernel_config,
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


def execute_all(todo: list[tuple[Path, dict[str, Any]]], staging: Path, jobs: int, log, timeout: float) -> list[Result]:
    """Execute ``(notebook, notebook parameters)`` pairs, ``jobs`` at a time (in spawned processes when more than one)."""
    if jobs == 1 or len(todo) <= 1:
        progress = sys.stderr.isatty() and jobs == 1
        return [_in_process(nb, params, staging, progress, log, timeout) for nb, params in todo]
    results: dict[str, Result] = {}
    with futures.ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        pending = {}
        for nb, params in todo:
            log(f"[{nb.stem}] queued ({jobs} at a time)")
            pending[pool.submit(execute_notebook, nb, params, staging, False, timeout)] = nb.stem
        for future in futures.as_completed(pending):
            results[pending[future]] = result = future.result()
            log(f"[{result.notebook}] {result.status} in {result.seconds:.1f} s")
    return [results[nb.stem] for nb, _ in todo]


def _in_process(notebook: Path, parameters: dict[str, Any], staging: Path, progress: bool, log, timeout: float) -> Result:
    log(f"[{notebook.stem}] started")
    result = execute_notebook(notebook, parameters, staging, progress, timeout)
    log(f"[{notebook.stem}] {result.status} in {result.seconds:.1f} s")
    return result
