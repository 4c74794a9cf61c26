"""Monte Carlo speed of the cohort-component model: trajectories x 101 ages x 2 sexes to 2035.

Prints wall time (best of ``--repeat``) and peak memory of the simulation step alone
(calibration excluded, measured once). Usage: ``python benchmarks/bench_population.py``.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

from almaty_analytics import population


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trajectories", type=int, default=1000)
    parser.add_argument("--horizon", type=int, default=2035)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    inputs = population.read_inputs()
    started = time.perf_counter()
    calibration = population.calibrate(inputs)
    base = population.base_population(inputs, calibration, 2022)
    setup = time.perf_counter() - started
    assumptions = calibration.defaults

    def simulate():
        return population.run(base, calibration.schedules, assumptions, 2022, args.horizon, n=args.trajectories, seed=1)

    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        simulate()
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    simulate()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"calibration + base estimate: {setup:.2f} s (once per run)")
    print(
        f"{args.trajectories} trajectories x 101 ages x 2 sexes, 2022-{args.horizon}: best {min(times):.3f} s, median {sorted(times)[len(times) // 2]:.3f} s, peak memory {peak / 2**20:.0f} MiB"
    )


if __name__ == "__main__":
    main()
