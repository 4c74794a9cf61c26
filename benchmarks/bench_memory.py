"""Peak memory of the population Monte Carlo: the whole ``population.forecast`` at the 2050 horizon.

Each trajectory count runs in a fresh process (peak resident set size from ``getrusage``),
so the numbers include the interpreter and the data (the ``baseline`` row, n = 1).
The schema's ``n_simulations`` maximum is set from this table.
Usage: ``python benchmarks/bench_memory.py [--trajectories 1 1000 4000 10000]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

CHILD = """
import resource, sys
from almaty_analytics import population, scenarios
params = {n: s.default for n, s in scenarios.PARAMETERS.items() if not s.required}
params |= {"base_year": 2022, "horizon": int(sys.argv[2]), "n_simulations": int(sys.argv[1])}
population.forecast(params, population.read_inputs())
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trajectories", type=int, nargs="+", default=[1, 1000, 4000, 10000])
    parser.add_argument("--horizon", type=int, default=2050)
    args = parser.parse_args()
    print(f"population.forecast to {args.horizon}: peak resident memory by n_simulations")
    print(f"{'n_simulations':>13} {'peak MiB':>9} {'array MiB':>10}")
    for n in args.trajectories:
        out = subprocess.run([sys.executable, "-c", CHILD, str(n), str(args.horizon)], capture_output=True, text=True, check=True)
        peak_kib = int(out.stdout.split()[-1])
        array_mib = n * (args.horizon - 2022 + 1) * 2 * 101 * 8 / 2**20  # one (n, years, 2, 101) float64 array
        print(f"{n:>13} {peak_kib / 1024:>9.0f} {array_mib:>10.0f}")


if __name__ == "__main__":
    main()
