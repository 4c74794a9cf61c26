"""Seconds of each explorer redraw: every slider moved from its start and back, in this process (no kernel, no browser).

``explorer.Explorer`` on the default scenario with ``--simulations`` per redraw (default 100, as ``make explore``);
each move is an ``update`` as the slider's observer calls it, timed by the explorer itself (``Explorer.timings``:
the simulation of the changed domain and the charts it redraws). Prints the median and the slowest of ``--repeat``
rounds per slider, and the load average, since other work on the machine stretches them.
The page is meant to redraw in well under a second (README, "Explorer").
Usage: ``python benchmarks/bench_explorer.py [--simulations 100] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import collections
import os
import statistics

from almaty_analytics import explorer, whatif

MOVES = {  # a value away from each slider's start
    "net_migration": 80_000.0, "tfr": 1.5, "build_rate_after_2025": 10.0, "private_places_after_2025": 0.0,
    "delay_budget": 3.0, "delay_post_2025": 3.0, "tpp2_conversion_year": 2033, "measure_delay_mean_years": 3.0,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--simulations", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    page = explorer.Explorer(n_simulations=args.simulations)
    seconds = collections.defaultdict(list)
    for _ in range(args.repeat):
        for name, value in MOVES.items():
            for new in (value, page.whatif.starts[name]):
                page.update(**{name: new})
                seconds[name].append(page.timings[-1][1])
    load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"explorer redraws, {args.simulations} simulations, {args.repeat} round(s) there and back; load average after {load}")
    print(f"{'slider':<28} {'domain':<10} {'median s':>9} {'max s':>7}")
    domain = {name: group for group, names in whatif.ASSUMPTIONS.items() for name in names}
    for name, values in seconds.items():
        print(f"{name:<28} {domain[name]:<10} {statistics.median(values):>9.3f} {max(values):>7.3f}")


if __name__ == "__main__":
    main()
