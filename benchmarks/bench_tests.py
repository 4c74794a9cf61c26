"""Wall time of the test suite, and where it goes: seconds per test file (setup, call and teardown), slowest tests.

Runs ``python -m pytest`` as ``make test`` does (its files in parallel: ``-n <cores> --dist loadfile``; ``--serial``
for one process) from the repository ``--repeat`` times (default 1) with a JUnit report in a temporary folder and prints the median wall time, then the last run's seconds per file and its slowest
tests. Extra arguments go to pytest, e.g. ``python benchmarks/bench_tests.py -- tests/test_runner.py``.
The suite is meant to take at most 150 s on a quiet two-core machine (README, "Tests").
"""

from __future__ import annotations

import argparse
import collections
import os
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from almaty_analytics.runner.execute import THREAD_VARIABLES

REPO = Path(__file__).resolve().parents[1]
ONE_THREAD = dict.fromkeys(THREAD_VARIABLES, "1")  # the Makefile's ONE_THREAD
PARALLEL = ["-n", str(len(os.sched_getaffinity(0))), "--dist", "loadfile"]  # the cores nproc counts: the Makefile's TEST_WORKERS


def timed_run(report: Path, pytest_args: list[str], environment: dict[str, str] | None = None) -> float:
    """Wall seconds of one ``python -m pytest`` run (JUnit report to ``report``; ``environment`` added to this one's)."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}", *pytest_args],
        cwd=REPO, capture_output=True, text=True, env=os.environ | {"PYTHONDONTWRITEBYTECODE": ""} | ONE_THREAD | (environment or {}),  # as make test (WRITE_BYTECODE, ONE_THREAD)
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:  # every failure's traceback (from pytest's FAILURES section on), or the output's end
        failures = proc.stdout.find("= FAILURES =")
        sys.exit(f"the suite failed ({proc.returncode}):\n{proc.stdout[failures:] if failures >= 0 else proc.stdout[-3000:]}")
    return elapsed


def test_times(report: Path) -> list[tuple[str, str, float]]:
    """(file, test, seconds) of every test case in a JUnit report."""
    cases = ElementTree.parse(report).getroot().iter("testcase")
    return [(case.get("classname", "").rsplit(".", 1)[-1] + ".py", case.get("name", ""), float(case.get("time", 0))) for case in cases]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--slowest", type=int, default=10)
    parser.add_argument("--serial", action="store_true", help="one process, not make test's parallel files")
    parser.add_argument("pytest_args", nargs="*", help="passed to pytest (after --)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "junit.xml"
        pytest_args = args.pytest_args if args.serial else [*PARALLEL, *args.pytest_args]
        walls = [timed_run(report, pytest_args) for _ in range(args.repeat)]
        cases = test_times(report)
    per_file = collections.defaultdict(lambda: [0, 0.0])
    for file, _, seconds in cases:
        per_file[file][0] += 1
        per_file[file][1] += seconds
    print(f"suite: {len(cases)} tests; wall time median {statistics.median(walls):.1f} s over {args.repeat} run(s) (min {min(walls):.1f} s)")
    print(f"{'file':<30} {'tests':>6} {'seconds':>8}")
    for file, (count, seconds) in sorted(per_file.items(), key=lambda item: -item[1][1]):
        print(f"{file:<30} {count:>6} {seconds:>8.1f}")
    print(f"slowest {args.slowest} tests (with their fixtures' setup):")
    for file, name, seconds in sorted(cases, key=lambda case: -case[2])[: args.slowest]:
        print(f"  {seconds:7.1f} s  {file}::{name}")


if __name__ == "__main__":
    main()
