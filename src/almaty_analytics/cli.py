"""The ``almaty-analytics`` command: run reports, validate data and scenarios, list parameters.

Exit codes: 0 success (or nothing to do), 1 a notebook failed (its ``FAILED`` line goes to
standard error), 2 bad input (parameter, scenario, notebook name, data file, manifest,
command-line flag or output folder) or another run holding the scenario past
``--lock-timeout``: one line on standard error, before any kernel starts. 130 stopped by
SIGINT (Ctrl-C), 143 by SIGTERM: one line, the workers and kernels ended, the published
reports left whole.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import signal
import sys
from pathlib import Path

from . import __version__, io, paths, runner, scenarios


class UsageError(ValueError):
    """A command-line flag or argument is not acceptable."""


class Stopped(KeyboardInterrupt):
    """The run was asked to stop by a signal. A KeyboardInterrupt, so that no handler of errors keeps it, asyncio's
    included: with --jobs 1 the signal often lands inside a task or callback of nbclient's event loop, which stores any
    other BaseException on the task (or logs it) and runs on, so the run went on to the end of the cell (the stop test
    then timed out under load)."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _stop(signum: int, frame) -> None:
    for name in (signal.SIGINT, signal.SIGTERM):  # a second signal must not interrupt the clean-up
        signal.signal(name, signal.SIG_IGN)
    raise Stopped(signum)


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad flag in one line (no usage block) and lets main() return 2."""

    def error(self, message: str):
        raise UsageError(f"{self.prog}: {message}")


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


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value


def _languages(text: str) -> list[str]:
    languages = [language.strip() for language in text.split(",")]
    for language in languages:
        if language not in scenarios.LANGUAGES:
            raise argparse.ArgumentTypeError(f"expected languages among {', '.join(scenarios.LANGUAGES)} separated by commas, got {language!r}")
    if len(set(languages)) < len(languages):
        raise argparse.ArgumentTypeError(f"each language once, got {text!r}")
    return languages


def _folder(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a folder name, got '' (an empty name would write into the current folder)")
    return Path(text)


EXAMPLES = """examples:
  almaty-analytics run                                   every report of the default scenario, in English: reports/default/
  almaty-analytics run --all-scenarios --language en,ru,kk  every scenario in three languages (what `make reports` runs)
  almaty-analytics run --scenario high --notebook 20_school_seat_deficit -p report_note="draft"
  almaty-analytics run --vintage 2023-08-01 --output /tmp/as-of-august   as of a past date, elsewhere
  almaty-analytics validate                              check data and scenarios, start no kernel
  almaty-analytics params | head                         the parameters a scenario can set

a run appends its events to <output>/run-log.jsonl and writes <output>/status.json (make clean keeps both);
exit codes: 0 ok, 1 a notebook or its publication failed, 2 bad input, 130 / 143 stopped by SIGINT / SIGTERM"""


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="almaty-analytics",
        description="Forecasts for Almaty: population, school seats, emissions.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = commands.add_parser(
        "run", help="execute the report notebooks and publish HTML, tables and a manifest", epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    run.add_argument("--scenario", help="scenario name: scenarios/<NAME>.yaml (default: default)")
    run.add_argument("--all-scenarios", action="store_true", help="run every scenario in scenarios/, one after another (notebooks in parallel)")
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
    run.add_argument(
        "--vintage",
        metavar="YYYY-MM-DD",
        help="run as of this date: every model sees only the figures published by then (default: the newest data in data/raw; "
        "same as -p vintage=YYYY-MM-DD)",
    )
    run.add_argument(
        "--language",
        type=_languages,
        metavar="LANG[,LANG...]",
        help=(
            f"language of the reports and workbook headers, or several separated by commas ({','.join(scenarios.LANGUAGES)}: a run per language, "
            "each notebook running its languages in turn in one kernel); default: the scenario's, en; ru and kk go to <output>/<language>/"
        ),
    )
    run.add_argument("--output", type=_folder, metavar="DIR", help="output root (default: reports/)")
    run.add_argument(
        "--jobs", type=_positive_int, metavar="N", help="notebooks to run in parallel processes (default: one per core, at most one per notebook)"
    )
    run.add_argument("--force", action="store_true", help="re-run notebooks even when nothing changed")
    run.add_argument(
        "--timeout",
        type=_seconds,
        default=runner.DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"stop a notebook still running after this long and report it as failed (default {runner.DEFAULT_TIMEOUT})",
    )
    run.add_argument(
        "--lock-timeout",
        type=_seconds,
        default=runner.DEFAULT_LOCK_TIMEOUT,
        metavar="SECONDS",
        help=f"give up (exit 2) when another run of the scenario holds it longer than this (default {runner.DEFAULT_LOCK_TIMEOUT})",
    )

    commands.add_parser("validate", help="check every raw data file and every scenario (with each notebook's checks), then exit")
    commands.add_parser("params", help="list the parameters a scenario can set, with defaults")
    commands.add_parser("releases", help="list each data series' newest observation and the date it was released, then exit")
    return parser


def one_line(message: str) -> str:
    """An error message as one line, numpy scalars shown as plain numbers (np.int64(2000) -> 2000)."""
    message = re.sub(r"np\.(?:int|uint|float)\d*\(([^()]*)\)", r"\1", str(message))
    return " ".join(message.split())


def main(argv: list[str] | None = None) -> int:
    journal = None
    try:
        args = build_parser().parse_args(argv)
        if args.command == "run":
            journal = runner.RunLog(args.output if args.output is not None else paths.reports_dir(), list(sys.argv[1:] if argv is None else argv))
            code = _run(args, journal)
            _closing_line(journal, code)
            return code
        if args.command == "validate":
            runner.check_environment(dict(os.environ))
            names = io.validate_all()
            checked = runner.check_scenarios(scenarios.available(), runner.discover())
            print(f"ok: {len(names)} data tables and {len(checked)} scenarios ({', '.join(s.name for s in checked)}) are valid")
            return 0
        if args.command == "releases":
            print_releases(io.release_overview())
            return 0
        for name, spec in scenarios.PARAMETERS.items():
            default = "required" if spec.required else "default: from the data of the vintage" if spec.default is None else f"default {spec.default!r}"
            print(f"{name}: {spec.expected()}; {default}. {spec.help}")
        return 0
    except (UsageError, scenarios.ParameterError, io.DataError, runner.SetupError) as exc:
        print(f"almaty-analytics: error: {one_line(exc)}", file=sys.stderr)
        return _ended(journal, 2, one_line(exc))
    except Stopped as stop:
        print(f"almaty-analytics: stopped by {stop}; the workers and kernels are ended, the published reports are whole", file=sys.stderr)
        return _ended(journal, 128 + stop.signum, f"stopped by {stop}")
    except BrokenPipeError:  # the reader closed the pipe (`almaty-analytics params | head`): stop quietly, as the Python docs advise
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _run(args: argparse.Namespace, journal: runner.RunLog) -> int:
    if args.all_scenarios and args.scenario:
        raise UsageError("--scenario and --all-scenarios: give one or the other")
    overrides = dict(_unique(args.parameter))
    if args.language and "language" in overrides:
        raise UsageError("--language and -p language=...: give the language once")
    if args.vintage is not None:
        if "vintage" in overrides:
            raise UsageError("--vintage and -p vintage=...: give the vintage once")
        overrides["vintage"] = args.vintage
    names = scenarios.available() if args.all_scenarios else [args.scenario or "default"]
    handlers = {name: signal.signal(name, _stop) for name in (signal.SIGINT, signal.SIGTERM)}
    try:
        return runner.run_scenarios(
            names, args.notebook, overrides, args.output, jobs=args.jobs, force=args.force, timeout=args.timeout,
            lock_timeout=args.lock_timeout, languages=args.language, journal=journal,
        )
    finally:
        for name, handler in handlers.items():
            signal.signal(name, handler)


def _closing_line(journal: runner.RunLog, code: int) -> None:
    """The run's last line, over every scenario and language: totals and the exit code (also written to status.json)."""
    journal.end(code)
    totals, status = journal.status["totals"], journal.status
    runs = len({n["run"] for n in status["notebooks"]})
    print(
        f"almaty-analytics: finished: {totals['ok']} ran, {totals['failed']} failed, {totals['unchanged']} unchanged in {runs} "
        f"run{'s' if runs != 1 else ''}; exit code {code}; log {journal.root / runner.runlog.LOG}"
    )


def _ended(journal: runner.RunLog | None, code: int, message: str) -> int:
    if journal is not None:
        journal.end(code, message)
    return code


def print_releases(overview) -> None:
    """The release overview as aligned text: table, series, newest observation, its release date; the newest release last."""
    rows = [("table", "series", "newest", "published"), *overview.itertuples(index=False, name=None)]
    widths = [max(len(str(row[i])) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(str(value).ljust(width) for value, width in zip(row, widths, strict=True)).rstrip())
    print(f"newest release: {overview['published'].max()} (the vintage of a run on the newest data); data cutoff {io.DATA_CUTOFF}")


def _unique(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``-p`` pairs, refusing a parameter given twice (the last would silently win)."""
    seen = set()
    for key, _ in pairs:
        if key in seen:
            raise UsageError(f"-p {key}: parameter {key!r} is given twice; give each parameter once")
        seen.add(key)
    return pairs


if __name__ == "__main__":
    sys.exit(main())
