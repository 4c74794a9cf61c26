"""Start-up time of the command line: ``import almaty_analytics.cli`` in a fresh interpreter, as every
``almaty-analytics`` command, the runner's worker server and each test subprocess pay it.

Two cases, each ``--repeat`` times (default 5), median and fastest: the package as it is (``rfc3987_syntax`` marked
absent by ``almaty_analytics/__init__.py``) and with that module imported first, as before the change (jsonschema
then registers its IRI checker and Lark compiles its grammar). Usage: ``python benchmarks/bench_startup.py``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

CASES = {
    "import almaty_analytics.cli": "import almaty_analytics.cli",
    "the same with rfc3987_syntax imported first": "import rfc3987_syntax; import almaty_analytics.cli",
}


def timed(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{'case':<48} {'median s':>9} {'fastest s':>10}")
    for name, code in CASES.items():
        times = [timed(code) for _ in range(args.repeat)]
        print(f"{name:<48} {statistics.median(times):>9.2f} {min(times):>10.2f}")


if __name__ == "__main__":
    main()
