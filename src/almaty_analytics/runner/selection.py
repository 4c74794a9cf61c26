"""Which notebooks a run executes and what they may be given, checked before any kernel starts.

Method: the report notebooks are ``notebooks/NN_name.ipynb``, in order. A notebook's cell tagged
``parameters`` may hold only the run's own names (page.NOTEBOOK_PARAMETERS: which run it is); the
rest it asks the package for. An override must be used by a selected notebook (page.parameter_names).
Checks that need data or hold for one notebook only run on the resolved parameters: the horizon must reach
the last year each selected report shows (page.Report.last_year), then each notebook's PRE_RUN_CHECKS,
each check once for the selection (the population's, net migration the model applies, serves five reports).
Notebooks numbered LATE_FROM and above (the summary) read the others' published tables: they run in
the "late" stage, after the "early" one has been published.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
from papermill.translators import PythonTranslator

from .. import emissions, page, paths, population, preschool, scenarios, schools

# notebook stem -> the checks whose validate(params) raises ValueError naming the parameter
PRE_RUN_CHECKS: dict[str, tuple[Callable[[dict], None], ...]] = {
    "10_population_forecast": (population.validate,),
    "20_school_seat_deficit": (population.validate, schools.validate),
    "25_preschool_places": (population.validate, preschool.validate),
    "30_emissions_forecast": (population.validate, emissions.validate),
    "90_summary": (population.validate,),
}
STAGES = ("early", "late")
LATE_FROM = 90  # notebooks numbered 90 and above (the summary) read the published tables of the others
_NUMBERED = re.compile(r"^\d\d_[a-z0-9_]+\.ipynb$")


ENVIRONMENT = {  # every environment variable the project reads: what it must hold
    "SOURCE_DATE_EPOCH": "a whole number of seconds since 1970-01-01 UTC (as reproducible builds define it), e.g. 1700000000",
    paths.ROOT_ENV: "an existing project folder",
}


def check_environment(environ: dict[str, str]) -> None:
    """Refuse an environment variable the project reads that holds what it cannot use (ParameterError naming it)."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch and not (epoch.isdigit() and int(epoch) < 253402300800):  # before the year 10000
        raise scenarios.ParameterError(f"environment variable SOURCE_DATE_EPOCH={epoch!r}: expected {ENVIRONMENT['SOURCE_DATE_EPOCH']}")
    root = environ.get(paths.ROOT_ENV)
    if root and not Path(root).is_dir():
        raise scenarios.ParameterError(f"environment variable {paths.ROOT_ENV}={root!r}: expected {ENVIRONMENT[paths.ROOT_ENV]}")


def discover() -> list[Path]:
    """The report notebooks: ``notebooks/NN_name.ipynb``, in order."""
    return sorted(p for p in paths.notebooks_dir().glob("*.ipynb") if _NUMBERED.match(p.name))


def select(names: list[str] | None) -> list[Path]:
    """The notebooks named (by stem or file name, in the order given), or every one; an unknown name is a ParameterError."""
    available = discover()
    if not names:
        return available
    by_name = {p.stem: p for p in available} | {p.name: p for p in available}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise scenarios.ParameterError(f"unknown notebook {unknown[0]!r}; available: {', '.join(p.stem for p in available)}")
    return [by_name[n] for n in dict.fromkeys(names)]


def is_late(notebook: Path) -> bool:
    return int(notebook.name[:2]) >= LATE_FROM


def declared_parameters(notebook: Path) -> list[str]:
    """Names in the notebook's cell tagged ``parameters`` (read without a kernel)."""
    try:
        nb = nbformat.read(notebook, as_version=4)
    except Exception as exc:
        raise scenarios.ParameterError(f"notebook {notebook.name}: cannot be read: {exc}") from None
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    if not cells:
        raise scenarios.ParameterError(f"notebook {notebook.name}: no cell tagged 'parameters'")
    return [p.name for p in PythonTranslator.inspect(cells[0])]


def check_declared(declared: dict[str, list[str]]) -> None:
    """Refuse a parameters cell that holds more than which run it is (``declared``: notebook stem -> its names)."""
    for stem, names in declared.items():
        unknown = [n for n in names if n not in page.NOTEBOOK_PARAMETERS]
        if unknown:
            raise scenarios.ParameterError(
                f"notebook {stem}: {unknown[0]!r} in its parameters cell is not a run parameter; expected only "
                f"{', '.join(page.NOTEBOOK_PARAMETERS)} (the notebook asks the package for the rest: page.Page)"
            )


def check_overrides_used(overrides: dict[str, Any], used: dict[str, list[str]]) -> None:
    """Refuse an override no selected notebook uses (``used``: notebook stem -> the parameters its results depend on)."""
    for name in overrides:
        if name != "language" and not any(name in names for names in used.values()):  # language also sets the folder
            raise scenarios.ParameterError(f"parameter {name!r} is not used by the selected notebooks ({', '.join(used)})")


def check_horizon(notebook: str, params: dict[str, Any]) -> None:
    """Refuse a horizon before the last year the report shows (page.Report.last_year; ValueError naming the parameter)."""
    report = page.REPORTS.get(notebook)
    if report is None or report.last_year is None:
        return
    year, why = report.last_year(params)
    if params["horizon"] < year:
        raise ValueError(f"parameter 'horizon': {params['horizon']} ends before {year}, {why}; expected >= {year}")


def pre_run_checks(notebooks: list[Path], parameters: dict[str, Any]) -> None:
    """Check the horizon each of ``notebooks`` needs, then run its PRE_RUN_CHECKS on ``parameters``, each check once for
    the selection; a problem raises ParameterError naming the (first) notebook that needs the check."""
    done: set[Callable[[dict], None]] = set()
    for nb in notebooks:
        try:
            check_horizon(nb.stem, parameters)
            for check in (c for c in PRE_RUN_CHECKS.get(nb.stem, ()) if c not in done):
                done.add(check)
                check(parameters)
        except ValueError as exc:
            raise scenarios.ParameterError(f"notebook {nb.stem}: {exc}") from None


def check_scenarios(names: list[str], notebooks: list[Path], overrides: dict[str, Any] | None = None) -> list[scenarios.Scenario]:
    """Load every scenario of ``names`` with the typed ``overrides`` and run the PRE_RUN_CHECKS of ``notebooks`` on it.

    A problem raises ParameterError naming the scenario (a scenario file's own errors name the file).
    """
    checked = []
    for name in names:
        scenario = scenarios.load(name, overrides)
        try:
            pre_run_checks(notebooks, scenario.parameters)
        except scenarios.ParameterError as exc:
            raise scenarios.ParameterError(f"scenario {name!r}: {exc}") from None
        checked.append(scenario)
    return checked
