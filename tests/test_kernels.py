"""Real kernels: many started at once all reply (no port race), each over its own Unix sockets, removed afterwards."""

from __future__ import annotations

import concurrent.futures as futures
from pathlib import Path

import nbformat

from almaty_analytics import runner
from conftest import make_notebook

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
