"""The ``almaty-analytics`` command: run reports, validate data and scenarios, list parameters.

Exit codes: 0 success (or nothing to do), 1 a notebook failed, 2 bad input (parameter,
scenario, notebook name or data file), reported in one line before any kernel starts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__, io, runner, scenarios


def _key_value(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key.strip(), value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="almaty-analytics", description="Forecasts for Almaty: population, school seats, emissions.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="execute the report notebooks and publish HTML, tables and a manifest")
    run.add_argument("--scenario", default="default", help="scenario name: scenarios/<NAME>.yaml (default: default)")
    run.add_argument("--notebook", action="append", metavar="NAME", help="run only this notebook (repeatable), e.g. 00_data_overview")
    run.add_argument(
        "-p",
        "--parameter",
        action="append",
        type=_key_value,
        default=[],
        metavar="KEY=VALUE",
        help="override one scenario parameter (repeatable)",
    )
    run.add_argument("--output", type=Path, metavar="DIR", help="output root (default: reports/)")
    run.add_argument("--jobs", type=_positive_int, default=1, metavar="N", help="notebooks to run in parallel processes (default 1)")
    run.add_argument("--force", action="store_true", help="re-run notebooks even when nothing changed")

    commands.add_parser("validate", help="check every raw data file and every scenario, then exit")
    commands.add_parser("params", help="list the parameters a scenario can set, with defaults")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "run":
            return runner.run(args.scenario, args.notebook, dict(args.parameter), args.output, args.jobs, args.force)
        if args.command == "validate":
            names = io.validate_all()
            checked = [scenarios.load(name).name for name in scenarios.available()]
            print(f"ok: {len(names)} data tables and {len(checked)} scenarios ({', '.join(checked)}) are valid")
            return 0
        for name, spec in scenarios.PARAMETERS.items():
            default = "required" if spec.required else f"default {spec.default!r}"
            print(f"{name}: {spec.expected()}; {default}. {spec.help}")
        return 0
    except (scenarios.ParameterError, io.DataError) as exc:
        print(f"almaty-analytics: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
