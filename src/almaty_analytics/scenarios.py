"""Scenarios and the typed parameter schema shared by every notebook.

A scenario is a YAML file ``scenarios/<name>.yaml`` with a ``description`` and a
``parameters`` mapping. Parameters are checked against ``PARAMETERS`` before any
notebook runs: unknown names, missing required ones, wrong types, values out of range
and impossible combinations raise ``ParameterError`` naming the parameter.
YAML is read with the safe loader; command-line values are parsed by the declared
type, and strings are kept exactly as given.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import emissions, io, paths, population, preschool, schools
from .params import FROM_THE_DATA, Param, ParameterError

LANGUAGES = ("en", "ru", "kk")  # i18n.LANGUAGES; kept here so the schema has no import of the report layer
DISTRICTS = ("alatau", "almaly", "auezov", "bostandyk", "zhetysu", "medeu", "nauryzbay", "turksib")
RUNNER_PARAMETERS = ("scenario", "output_dir", "reports_dir")  # set by the runner, never by a user
SCENARIO_KEYS = ("description", "parameters")  # the only top-level keys of a scenario file
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
MAX_DESCRIPTION = 2000  # characters of a scenario's description (shown in reports, the index and the workbook)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # control characters but tab and newline: no report or workbook can show them


COMMON_PARAMETERS: dict[str, Param] = {
    "scenario": Param(str, "scenario name; set by the runner from --scenario", "default"),
    "output_dir": Param(str, "where the run writes tables; set by the runner ('' = do not write)", ""),
    "reports_dir": Param(str, "the output root holding every scenario's published reports; set by the runner ('' = reports/)", ""),
    "language": Param(
        str,
        "language of report text, chart labels and workbook headers (en, ru, kk); reports of ru/kk go to reports/<language>/<scenario>/",
        "en",
        choices=LANGUAGES,
    ),
    "vintage": Param(
        str,
        "as-of date of the data (YYYY-MM-DD): every model sees only the releases published by then, the newest of each figure; "
        f"'' = the newest data in data/raw; {io.FIRST_VINTAGE} = the mid-2022 data the forecasts were first made with",
        "",
    ),
    "report_note": Param(str, "free text shown at the top of every report (e.g. 'draft for the budget committee')", "", max_length=1000),
    "base_year": Param(
        int,
        "first year of the forecasts: population on 1 January; 0 = the newest 1 January Almaty total in the vintage "
        "(population.resolve_base_year); an earlier year from the BNS age bands' date to that one",
        0,
        min=0,
    ),
    "horizon": Param(int, "last forecast year", min=2023, max=2050),
    "districts": Param(list, "districts to show (slugs)", list(DISTRICTS), choices=DISTRICTS),
}
# Every parameter of a scenario: the run's own, then each domain's, declared beside its model.
PARAMETERS: dict[str, Param] = COMMON_PARAMETERS | population.PARAMETERS | schools.PARAMETERS | preschool.PARAMETERS | emissions.PARAMETERS
GROUPS: dict[str, dict[str, Param]] = {
    "common": COMMON_PARAMETERS,
    "population": population.PARAMETERS,
    "schools": schools.PARAMETERS,
    "preschool": preschool.PARAMETERS,
    "emissions": emissions.PARAMETERS,
}


def _check_combinations(values: dict[str, Any]) -> None:
    if "base_year" in values and "horizon" in values and values["horizon"] <= values["base_year"]:
        raise ParameterError(
            f"parameter 'horizon': {values['horizon']} is not after base_year {values['base_year']}; expected a later year"
        )
    problem = io.check_vintage(values["vintage"]) if "vintage" in values else None
    if problem:
        raise ParameterError(f"parameter 'vintage': {problem}")
    if "districts" in values and not values["districts"]:
        raise ParameterError("parameter 'districts': the list is empty; expected at least one district")
    if values.get("population_variant") == "zero_migration" and values.get("net_migration") is not None:
        raise ParameterError(
            f"parameter 'net_migration': {values['net_migration']:g} would be ignored, population_variant zero_migration sets net "
            "migration to 0; remove net_migration or choose another variant"
        )
    if values.get("base_year") and "horizon" in values:
        _check_paths(values)


# An assumption path that the model extends linearly from the base year: (level, change per year, the level's parameter)
_PATHS = (("tfr", "tfr_change"), ("life_expectancy_male", "life_expectancy_gain"), ("life_expectancy_female", "life_expectancy_gain"))


def _check_paths(values: dict[str, Any]) -> None:
    """A level and its change per year given together must stay in the level's valid range up to the horizon (the model
    would otherwise floor a TFR at 0 and publish no births, or extrapolate life expectancy beyond its range)."""
    for level, change in _PATHS:
        if values.get(level) is None or values.get(change) is None:
            continue  # an unset value is calibrated in the kernel on the vintage's data: not known here
        last = values["horizon"] - 1  # the last year whose events are projected
        reached = values[level] + values[change] * (last - values["base_year"])
        spec = PARAMETERS[level]
        if not spec.min <= reached <= spec.max:
            raise ParameterError(
                f"parameter {change!r}: {values[change]:g} a year from {level} {values[level]:g} in {values['base_year']} reaches "
                f"{reached:.2f} in {last}; expected {level} to stay in [{spec.min:g}, {spec.max:g}] up to the horizon {values['horizon']}"
            )


def plain(value: Any) -> Any:
    """``value`` with numpy scalars turned into Python ones (messages show 2000, not np.int64(2000))."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, list | tuple):
        return type(value)(plain(v) for v in value)
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items()}
    return value


def check_value(name: str, value: Any) -> Any:
    """Return ``value`` if it fits parameter ``name``; raise ParameterError otherwise.

    Numbers must be finite: NaN passes every comparison, so it is refused by name. None is the value of a
    parameter whose default is None (unset: the model calibrates it on the vintage's data).
    """
    if name not in PARAMETERS:
        raise ParameterError(f"unknown parameter {name!r}; known parameters: {', '.join(sorted(PARAMETERS))}")
    spec = PARAMETERS[name]
    if value is None and spec.default is None:
        return None
    value = plain(value)
    if spec.type is str and type(value) is dt.date:  # YAML reads an unquoted 2022-09-12 as a date: the date it means
        value = value.isoformat()
    ok = isinstance(value, spec.type) and not (spec.type in (int, float) and isinstance(value, bool))
    if spec.type is float and isinstance(value, int) and not isinstance(value, bool):
        value, ok = float(value), True
    if not ok:
        raise ParameterError(f"parameter {name!r}: expected {spec.expected()}, got {value!r} ({type(value).__name__})")
    if spec.type is float and not math.isfinite(value):
        raise ParameterError(f"parameter {name!r}: {value!r} is not a finite number; expected {spec.expected()}")
    if spec.type is str:
        check_text(f"parameter {name!r}", value, spec.max_length)
    if spec.type is list:
        bad = [item for item in value if not isinstance(item, str) or (spec.choices and item not in spec.choices)]
        if bad:
            raise ParameterError(f"parameter {name!r}: unknown item(s) {bad}; expected items from {list(spec.choices)}")
        repeated = sorted({item for item in value if value.count(item) > 1})
        if repeated:
            raise ParameterError(f"parameter {name!r}: {repeated} given more than once; expected each item once")
    elif spec.choices and value not in spec.choices:
        raise ParameterError(f"parameter {name!r}: unknown value {value!r}; expected one of {list(spec.choices)}")
    if (spec.min is not None and value < spec.min) or (spec.max is not None and value > spec.max):
        raise ParameterError(f"parameter {name!r}: {value!r} is out of range; expected {spec.expected()}")
    return value


def check_text(what: str, text: str, max_length: int | None) -> None:
    """Free text: no control character (but tab and newline), at most ``max_length`` characters (ParameterError naming ``what``)."""
    if (found := _CONTROL.search(text)) is not None:
        raise ParameterError(f"{what}: control character {found.group()!r} at position {found.start()}; expected printable text")
    if max_length is not None and len(text) > max_length:
        raise ParameterError(f"{what}: {len(text)} characters; expected at most {max_length}")


def check(**values: Any) -> dict[str, Any]:
    """Check the parameters a notebook received (each value, then combinations; a base year against the vintage's data)."""
    checked = {n: check_value(n, v) for n, v in values.items()}
    _check_combinations(checked)
    if checked.get("base_year"):
        population.resolve_base_year(checked["base_year"], checked.get("vintage", PARAMETERS["vintage"].default))
    return checked


def parse_cli_value(name: str, text: str) -> Any:
    """Turn the text of ``-p NAME=TEXT`` into a value of the parameter's type."""
    if name not in PARAMETERS:
        raise ParameterError(f"unknown parameter {name!r}; known parameters: {', '.join(sorted(PARAMETERS))}")
    spec = PARAMETERS[name]
    try:
        if spec.type is bool:
            value = {"true": True, "false": False, "yes": True, "no": False, "1": True, "0": False}[text.strip().lower()]
        elif spec.type is list:
            value = [item.strip() for item in text.split(",") if item.strip()]
        elif spec.type is str:
            value = text
        else:
            value = spec.type(text)
    except (KeyError, ValueError, OverflowError):
        raise ParameterError(f"parameter {name!r}: expected {spec.expected()}, got {text!r}") from None
    return check_value(name, value)


def resolve(values: dict[str, Any]) -> dict[str, Any]:
    """Check every value, add defaults, check combinations; raise on the first problem."""
    missing = [n for n, spec in PARAMETERS.items() if spec.required and n not in values]
    if missing:
        raise ParameterError(
            f"required parameter {missing[0]!r} is missing; expected {PARAMETERS[missing[0]].expected()} ({PARAMETERS[missing[0]].help})"
        )
    checked = {n: check_value(n, v) for n, v in values.items()}
    resolved = {n: copy.deepcopy(spec.default) for n, spec in PARAMETERS.items() if not spec.required} | checked
    _check_combinations(resolved)
    resolved["base_year"] = population.resolve_base_year(resolved["base_year"], resolved["vintage"])  # always a year from here on
    _check_combinations(resolved)
    return resolved


def available() -> list[str]:
    return sorted(p.stem for p in paths.scenarios_dir().glob("*.yaml"))


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    parameters: dict[str, Any]  # resolved: every parameter, defaults filled in
    path: Path


def load(name: str, overrides: dict[str, Any] | None = None) -> Scenario:
    """Load ``scenarios/<name>.yaml``, apply ``overrides`` and validate everything."""
    if not isinstance(name, str) or not _SLUG.match(name):
        raise ParameterError(f"scenario {name!r}: expected a lowercase name of letters, digits, '-' or '_'")
    if name in LANGUAGES:
        raise ParameterError(f"scenario {name!r}: the names {', '.join(LANGUAGES)} are reserved for the language folders of reports/")
    path = paths.scenarios_dir() / f"{name}.yaml"
    if not path.exists():
        raise ParameterError(f"unknown scenario {name!r}; available: {', '.join(available()) or 'none'} (files in {paths.scenarios_dir()})")
    doc = io.read_yaml(path, ParameterError)
    if not isinstance(doc, dict) or not isinstance(doc.get("parameters"), dict) or not isinstance(doc.get("description"), str):
        raise ParameterError(f"{path}: expected a mapping with 'description' (text) and 'parameters' (a mapping)")
    check_text(f"{path}: 'description'", doc["description"], MAX_DESCRIPTION)
    unknown = [k for k in doc if k not in SCENARIO_KEYS]
    if unknown:
        raise ParameterError(f"{path}: unknown top-level key {unknown[0]!r}; expected only {list(SCENARIO_KEYS)} (parameters go under 'parameters')")
    bad_names = [k for k in doc["parameters"] if not isinstance(k, str)]
    if bad_names:
        raise ParameterError(f"{path}: parameter name {bad_names[0]!r} is not text; expected a name such as 'horizon'")
    given = doc["parameters"] | (overrides or {})
    reserved = [n for n in RUNNER_PARAMETERS if n in given]
    if reserved:
        raise ParameterError(f"parameter {reserved[0]!r} is set by the runner and cannot be given in a scenario or with -p")
    try:
        resolved = resolve(given | {"scenario": name})
    except ParameterError as exc:
        raise ParameterError(f"scenario {name!r} ({path.name}): {exc}") from None
    return Scenario(name, doc["description"], resolved, path)


def parameters_table(values: dict[str, Any]) -> pd.DataFrame:
    """Parameters in force next to their defaults and what they mean (for reports)."""

    def shown(value: Any) -> str:
        return f"{value:g}" if isinstance(value, int | float) and not isinstance(value, bool) else str(value)

    rows = [
        {"parameter": n, "value": shown(v), "default": FROM_THE_DATA if PARAMETERS[n].default is None else shown(PARAMETERS[n].default),
         "meaning and source": PARAMETERS[n].help}
        for n, v in values.items()
    ]
    return pd.DataFrame(rows)
