"""Where the test suite's CPU time goes, by process: the pytest workers themselves, the kernels, the CLI runs, the others.

Runs ``python -m pytest`` as ``make test`` does (``-n <cores> --dist loadfile``) with a ``sitecustomize`` module on
``PYTHONPATH`` that every Python process of the run imports (kernels and CLI subprocesses inherit the environment):
at exit each appends its CPU time (user + system, ``resource.getrusage``) and its command line to a file. A process
killed with SIGKILL, or one leaving through ``os._exit``, is not counted, so the total is a lower bound. Extra
arguments go to pytest, e.g. ``python benchmarks/bench_processes.py -- tests/test_kernels.py``.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import tempfile
from pathlib import Path

from bench_tests import PARALLEL, timed_run  # the suite run as make test runs it

SITECUSTOMIZE = """\
import atexit, json, os, resource, sys

def _record(path=os.environ["ALMATY_PROCESS_LOG"]):
    usage = resource.getrusage(resource.RUSAGE_SELF)
    with open(path, "a") as log:
        log.write(json.dumps({"argv": sys.argv[:3], "cpu": usage.ru_utime + usage.ru_stime}) + "\\n")

atexit.register(_record)
"""


def kind(argv: list[str]) -> str:
    """A process's kind from its command line: xdist worker or multiprocessing child (``-c``), kernel, CLI, pytest."""
    line = " ".join(argv)
    if "ipykernel" in line:
        return "kernel"
    if "almaty_analytics" in line or "almaty-analytics" in line:
        return "almaty-analytics CLI"
    if "pytest" in line:
        return "pytest (controller)"
    return "python -c (xdist workers, runner pool workers, forkserver)" if argv[:1] == ["-c"] else line[:60]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pytest_args", nargs="*", help="passed to pytest after --")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "sitecustomize.py").write_text(SITECUSTOMIZE)
        log = Path(tmp) / "processes.jsonl"
        environment = {"PYTHONPATH": os.pathsep.join(filter(None, [tmp, os.environ.get("PYTHONPATH")])), "ALMATY_PROCESS_LOG": str(log)}
        wall = timed_run(Path(tmp) / "junit.xml", [*PARALLEL, *args.pytest_args], environment)
        processes = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    totals: dict[str, list[float]] = collections.defaultdict(list)
    for row in processes:
        totals[kind(row["argv"])].append(row["cpu"])
    print(f"wall {wall:.1f} s; CPU of the processes that exited normally {sum(map(sum, totals.values())):.1f} s")
    for name, cpus in sorted(totals.items(), key=lambda item: -sum(item[1])):
        print(f"  {sum(cpus):7.1f} s CPU  {len(cpus):3d} processes  {name}")


if __name__ == "__main__":
    main()
