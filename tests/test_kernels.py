"""Real kernels: many started at once all reply (no port race), each over its own Unix sockets, removed afterwards;
one kernel runs a notebook for several languages in turn, each run starting from a clean namespace."""

from __future__ import annotations

import asyncio
import concurrent.futures as futures
import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
from jupyter_core.paths import jupyter_path
from jupyter_core.utils import ensure_event_loop

from almaty_analytics import runner
from almaty_analytics.runner import kernel
from conftest import ECHO_BODY, ECHO_PARAMETERS, make_notebook

KERNELS = 6
WHERE = "from ipykernel.kernelapp import IPKernelApp\napp = IPKernelApp.instance()\nprint(app.transport, app.ip)"


def test_many_kernels_started_at_once_all_reply_each_over_its_own_sockets(tmp_path):
    notebook = make_notebook(tmp_path / "00_where.ipynb", 'scenario = "default"', [WHERE])
    stagings = [tmp_path / f"staging{i}" for i in range(KERNELS)]
    for folder in stagings:
        folder.mkdir()
    with futures.ThreadPoolExecutor(KERNELS) as pool:
        results = [r for [r] in pool.map(lambda folder: runner.execute_notebook(notebook, [({}, folder)], False, 300), stagings)]
    assert [r.status for r in results] == ["ok"] * KERNELS, [r.error for r in results]
    printed = [nbformat.read(folder / "00_where.ipynb", as_version=4).cells[-1].outputs[0]["text"].split() for folder in stagings]
    assert {transport for transport, _ in printed} == {"ipc"}
    assert len({ip for _, ip in printed}) == KERNELS  # a socket folder per kernel
    assert not any(Path(ip).parent.exists() for _, ip in printed)  # removed with the kernel
    assert all(Path(ip).parent.name.startswith(f"{kernel.SOCKET_PREFIX}{os.getpid()}-") for _, ip in printed)  # named by their starter


def test_socket_folders_a_killed_run_left_are_removed_and_no_other(tmp_path):
    """A folder whose starting process is gone goes; one of a running process, or without a pid in its name, stays."""
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    folders = {
        "gone": tmp_path / f"{kernel.SOCKET_PREFIX}{ended.pid}-abc",
        "running": tmp_path / f"{kernel.SOCKET_PREFIX}{os.getpid()}-def",
        "older naming": tmp_path / f"{kernel.SOCKET_PREFIX}x1y2z3",
        "another program": tmp_path / "other-123-kernel",
    }
    for folder in folders.values():
        folder.mkdir()
        (folder / "kernel-1").write_text("")
    assert kernel.sweep_socket_folders(tmp_path) == [folders["gone"]]
    assert {name for name, folder in folders.items() if folder.exists()} == {"running", "older naming", "another program"}


WHO = "import os\nprint('RUN', language, os.getpid(), repr(globals().get('only_in_english')))"
ENGLISH_ONLY = "if language == 'en':\n    only_in_english = 'defined by the English run'"


def _printed(staging: Path, stem: str) -> list[str]:
    nb = nbformat.read(staging / f"{stem}.ipynb", as_version=4)
    return [o["text"] for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("name") == "stdout"]


def _gone(pids: set[int]) -> bool:
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        return False
    return True


def test_one_kernel_runs_a_notebook_for_several_languages_each_from_a_clean_namespace(project, tmp_path):
    notebook = make_notebook(project / "notebooks" / "00_echo.ipynb", ECHO_PARAMETERS, [*ECHO_BODY, WHO, ENGLISH_ONLY])
    languages = [("en", {"report_note": "only in English"}), ("kk", {}), ("ru", {"report_note": "FAIL"}), ("en", {})]
    runs = []
    for number, (language, overrides) in enumerate(languages):
        staging = tmp_path / f"{number}_{language}"
        (staging / "00_echo").mkdir(parents=True)
        runs.append(({"scenario": "default", "language": language, "overrides": overrides, "output_dir": str(staging / "00_echo")}, staging))
    results = runner.execute_notebook(notebook, runs, False, 300)
    assert [r.status for r in results] == ["ok", "ok", "failed", "ok"], [r.error for r in results]
    english, kazakh, russian, again = (staging for _, staging in runs)
    first, second, last = (next(t.split() for t in _printed(s, "00_echo") if t.startswith("RUN")) for s in (english, kazakh, again))
    assert first[:2] == ["RUN", "en"] and second[:2] == ["RUN", "kk"] and first[2] == second[2]  # one kernel for both
    assert second[3] == "None" and "'only in English'\n" in _printed(english, "00_echo") and "''\n" in _printed(kazakh, "00_echo")
    assert last[2] != second[2]  # the run after a failure gets a fresh kernel
    assert '<html lang="kk">' in (kazakh / "00_echo.html").read_text() and '<html lang="en">' in (english / "00_echo.html").read_text()
    assert (russian / "00_echo.failed.html").exists() and "asked to fail" in results[2].error
    counts = [c.execution_count for c in nbformat.read(kazakh / "00_echo.ipynb", as_version=4).cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))  # numbered as in a fresh kernel
    tables = [pd.read_csv(s / "00_echo" / "tables" / "data_population_history.csv") for s in (english, kazakh)]
    pd.testing.assert_frame_equal(*tables)
    assert _gone({int(first[2]), int(last[2])}), "a kernel still runs"  # every kernel is shut down at the end


SEEN = "import os\nprint('PID', os.getpid(), repr(globals().get('left_by_an_earlier_notebook')))\nleft_by_an_earlier_notebook = 1"


def test_the_notebooks_of_a_stage_share_each_workers_kernel_each_from_a_clean_namespace(project, tmp_path):
    """``execute_all``: with one job every notebook runs in one kernel, with two each worker keeps one kernel for the
    notebooks it is given; no notebook sees what an earlier one defined, and every kernel is shut down at the end."""
    notebooks = [make_notebook(project / "notebooks" / f"{n}0_seen.ipynb", 'scenario = "default"', [SEEN]) for n in range(4)]
    for jobs, kernels in ((1, {1}), (2, {1, 2})):
        todo = []
        for nb in notebooks:
            staging = tmp_path / f"jobs{jobs}" / nb.stem
            staging.mkdir(parents=True)
            todo.append((nb, [runner.execute.Run({}, staging, lambda m: None, lambda r: None)]))
        results = runner.execute.execute_all(todo, jobs, 300)
        assert [r.status for [r] in results] == ["ok"] * len(notebooks), [r.error for [r] in results]
        printed = [_printed(runs[0].staging, nb.stem)[0].split() for nb, runs in todo]
        assert {seen for _, _, seen in printed} == {"None"}  # a clean namespace every time
        pids = {int(pid) for _, pid, _ in printed}
        assert len(pids) in kernels, printed  # one kernel per worker (two when both workers got a notebook)
        assert _gone(pids), f"kernels {pids} still run"


def test_a_later_stage_of_one_notebook_runs_in_a_kernel_the_earlier_stage_started(project, tmp_path):
    """``execute_all`` with a run's ``workers``: the first stage (two notebooks, two jobs) starts the workers; the second
    (one notebook, as the late stage's summary) runs in one of their kernels, from a clean namespace, not in a new one;
    the kernels end with the block."""
    notebooks = [make_notebook(project / "notebooks" / f"{n}0_seen.ipynb", 'scenario = "default"', [SEEN]) for n in (0, 1, 9)]

    def stage(nbs):
        todo = []
        for nb in nbs:
            staging = tmp_path / nb.stem
            staging.mkdir()
            todo.append((nb, [runner.execute.Run({}, staging, lambda m: None, lambda r: None)]))
        results = runner.execute.execute_all(todo, min(2, len(todo)), 300, kept)
        assert [r.status for [r] in results] == ["ok"] * len(nbs), [r.error for [r] in results]
        return [_printed(runs[0].staging, nb.stem)[0].split() for nb, runs in todo]

    with runner.execute.workers() as kept:
        early, late = stage(notebooks[:2]), stage(notebooks[2:])
        assert {seen for _, _, seen in early + late} == {"None"}
        assert int(late[0][1]) in {int(pid) for _, pid, _ in early}
    assert kept.pool is None and _gone({int(pid) for _, pid, _ in early}), "a kernel still runs"


def test_a_stopped_runs_cell_is_ended_before_its_kernel_is_killed(caplog):
    """What a signal leaves on the loop (a cell awaiting its reply, which nbclient turns into DeadKernelError when
    cancelled, and the kernel poll) is cancelled and awaited: the poll never wakes, no exception is left unretrieved."""
    loop = ensure_event_loop()
    woke = []

    async def cell():
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            raise RuntimeError("Kernel died") from None  # as nbclient's async_execute_cell

    async def poll():
        await asyncio.sleep(0.2)
        woke.append("Kernel died while waiting for execute reply.")

    tasks = [loop.create_task(cell()), loop.create_task(poll())]
    kernel.end_interrupted_tasks()
    assert all(task.done() for task in tasks) and tasks[1].cancelled()
    del tasks
    gc.collect()  # an unretrieved exception is logged when its task is collected
    loop.run_until_complete(asyncio.sleep(0.3))
    assert woke == [] and "never retrieved" not in caplog.text


def test_make_kernel_registers_this_interpreter_for_the_user_where_jupyter_looks(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path))
    spec = kernel.register(user=True)
    assert spec.parent.parent == tmp_path / "kernels"
    argv = json.loads(spec.read_text())["argv"]
    assert argv[0] == sys.executable and argv.count(kernel.QUIET_KERNEL) == 1
    assert str(tmp_path / "kernels") in jupyter_path("kernels")  # where every Jupyter of this user looks
    assert "kernel:" in (Path(__file__).parents[1] / "Makefile").read_text()
