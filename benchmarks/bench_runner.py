"""Wall time of the report runner: a full run with the default --jobs and with --jobs 1, an unchanged re-run, and the floor.

The floor is the same command on a project whose only notebook is empty (a parameters
cell): starting the CLI, validating data, starting a kernel and rendering HTML. Each
case runs ``--repeat`` times (default 3) into a temporary output folder; the table
shows the median and the fastest run. Usage: ``python benchmarks/bench_runner.py``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "almaty_analytics.cli", "run"]


def timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(CLI + args, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"benchmark run failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    return elapsed


def empty_project(root: Path) -> Path:
    shutil.copytree(REPO / "data" / "raw", root / "data" / "raw")
    shutil.copytree(REPO / "scenarios", root / "scenarios")
    (root / "notebooks").mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell('scenario = "default"  # scenario name')
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Empty"), cell]
    nbformat.write(nb, root / "notebooks" / "00_empty.ipynb")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        floor_env = env | {"ALMATY_ANALYTICS_ROOT": str(empty_project(tmp / "empty"))}
        cases = {
            "full run, default --jobs (--force)": lambda i: timed(["--output", str(tmp / "full"), "--force"], env),
            "full run, --jobs 1 (--force)": lambda i: timed(["--output", str(tmp / "full"), "--force", "--jobs", "1"], env),
            "unchanged re-run (skips)": lambda i: timed(["--output", str(tmp / "full")], env),
            "floor: empty notebook (--force)": lambda i: timed(["--output", str(tmp / "floor"), "--force"], floor_env),
        }
        rows = []
        for name, case in cases.items():
            times = [case(i) for i in range(args.repeat)]
            rows.append((name, statistics.median(times), min(times)))
    notebooks = ", ".join(p.stem for p in sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")))
    print(f"notebooks: {notebooks}; {args.repeat} runs each; {os.cpu_count()} cores (default --jobs: one per core, at most one per notebook)")
    print(f"{'case':<34} {'median s':>9} {'min s':>7}")
    for name, median, fastest in rows:
        print(f"{name:<34} {median:>9.2f} {fastest:>7.2f}")


if __name__ == "__main__":
    main()
