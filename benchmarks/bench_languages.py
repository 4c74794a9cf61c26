"""Wall time of every scenario in English alone against every scenario in en, ru and kk in one run, and their ratio.

Both cases are ``almaty-analytics run --all-scenarios --force`` into a temporary output folder; the second
adds ``--language en,ru,kk`` (what ``make reports`` runs), where each notebook executes its three languages
in turn in one kernel. The forecasts cached in ``data/processed/`` are shared by both cases, as they are by
runs on one machine. Each case runs ``--repeat`` times (default 1; they take minutes), alternating; the table
shows the median and the fastest wall time and the median CPU time of the machine during the run (every process
it started, kernels included, and anything else running then), and the load average before and after: other work
on the machine stretches the wall times, much less the CPU times. ``--cold``: each run in a copy of the project
(raw data, notebooks, scenarios) with empty caches, as ``make reports`` in a fresh clone: the English run then
computes every forecast, the other languages of a three-language run find them computed. Usage: ``python benchmarks/bench_languages.py [--cold]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLI = [sys.executable, "-m", "almaty_analytics.cli", "run", "--all-scenarios", "--force"]
CASES = {"all scenarios, en": [], "all scenarios, en,ru,kk in one run": ["--language", "en,ru,kk"]}


def cpu() -> float:
    """CPU seconds the machine has spent so far (user and system time of every process, ``/proc/stat``): the run's,
    kernels included, when nothing else runs meanwhile. Reaped children alone (``RUSAGE_CHILDREN``) missed the kernels:
    they are the fork server's grandchildren, and the fork server outlives the runner, so no parent of ours reaps them.
    Where there is no ``/proc/stat``, the reaped children's."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        return used.ru_utime + used.ru_stime
    user, nice, system, _idle, _iowait, irq, softirq = (int(f) for f in fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


REPO = Path(__file__).resolve().parents[1]
PROJECT = ("data/raw", "notebooks", "scenarios")  # what a run reads from its root (paths.py); data/processed starts empty


def cold_root(folder: Path) -> Path:
    """A copy of the project's inputs in ``folder`` with no cached forecasts."""
    for part in PROJECT:
        shutil.copytree(REPO / part, folder / part)
    (folder / "data" / "processed").mkdir()
    return folder


def timed(args: list[str], root: Path | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of one run (in ``root``'s project when given)."""
    env = os.environ | {"PYTHONDONTWRITEBYTECODE": ""} | ({"ALMATY_ANALYTICS_ROOT": str(root)} if root else {})  # bytecode kept, as make reports
    start, start_cpu = time.perf_counter(), cpu()
    proc = subprocess.run(CLI + args, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"benchmark run failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    return elapsed, cpu() - start_cpu


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--cold", action="store_true", help="every run with empty caches, as in a fresh clone")
    args = parser.parse_args()
    before = load()
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in CASES}
    with tempfile.TemporaryDirectory() as tmp:
        for repeat in range(args.repeat):
            for number, (name, extra) in enumerate(CASES.items()):
                root = cold_root(Path(tmp) / f"root{repeat}-{number}") if args.cold else None
                times[name].append(timed([*extra, "--output", str(Path(tmp) / f"case{repeat}-{number}")], root))
    caches = "empty caches (--cold)" if args.cold else "the project's caches"
    print(f"{args.repeat} run(s) each, {caches}; {os.cpu_count()} cores; load average (1, 5, 15 min) before {before}, after {load()}")
    print(f"{'case':<36} {'median s':>9} {'min s':>7} {'CPU s':>7}")
    medians = {}
    for name, values in times.items():
        walls, cpus = [w for w, _ in values], [c for _, c in values]
        medians[name] = statistics.median(walls), statistics.median(cpus)
        print(f"{name:<36} {medians[name][0]:>9.1f} {min(walls):>7.1f} {medians[name][1]:>7.1f}")
    (english, english_cpu), (three, three_cpu) = medians.values()
    print(f"three languages / English alone: {three / english:.2f}x wall, {three_cpu / english_cpu:.2f}x CPU")


if __name__ == "__main__":
    main()
