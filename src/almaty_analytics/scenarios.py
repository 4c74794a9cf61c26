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
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import io, paths

LANGUAGES = ("en", "ru", "kk")  # i18n.LANGUAGES; kept here so the schema has no import of the report layer
DISTRICTS = ("alatau", "almaly", "auezov", "bostandyk", "zhetysu", "medeu", "nauryzbay", "turksib")
RUNNER_PARAMETERS = ("scenario", "output_dir", "reports_dir")  # set by the runner, never by a user
SCENARIO_KEYS = ("description", "parameters")  # the only top-level keys of a scenario file
_REQUIRED = object()
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class ParameterError(ValueError):
    """A scenario or parameter value is not acceptable."""


@dataclass(frozen=True)
class Param:
    type: type
    help: str
    default: Any = _REQUIRED
    min: float | None = None
    max: float | None = None
    choices: tuple | None = None  # allowed values (for lists: allowed items)

    @property
    def required(self) -> bool:
        return self.default is _REQUIRED

    def expected(self) -> str:
        kind = {int: "an integer", float: "a number", str: "a string", bool: "true or false", list: "a list"}[self.type]
        if self.choices:
            kind += f" from {list(self.choices)}"
        if self.min is not None or self.max is not None:
            kind += f" in [{self.min if self.min is not None else '-inf'}, {self.max if self.max is not None else 'inf'}]"
        return kind


PARAMETERS: dict[str, Param] = {
    "scenario": Param(str, "scenario name; set by the runner from --scenario", "default"),
    "output_dir": Param(str, "where the run writes tables; set by the runner ('' = do not write)", ""),
    "reports_dir": Param(str, "the output root holding every scenario's published reports; set by the runner ('' = reports/)", ""),
    "language": Param(
        str,
        "language of report text, chart labels and workbook headers (en, ru, kk); reports of ru/kk go to reports/<language>/<scenario>/",
        "en",
        choices=LANGUAGES,
    ),
    "report_note": Param(str, "free text shown at the top of every report (e.g. 'draft for the budget committee')", ""),
    "base_year": Param(
        int,
        "first year of the forecasts: population on 1 January (single-age estimates exist for 2020-2022; last BNS year is 2022)",
        min=2020,
        max=2022,
    ),
    "horizon": Param(int, "last forecast year", min=2023, max=2050),
    "districts": Param(list, "districts to show (slugs)", list(DISTRICTS), choices=DISTRICTS),
    # Population (population.py). Defaults are population.calibrate() on data/raw, rounded;
    # tests/test_population.py checks that they still agree with the calibration.
    "population_variant": Param(
        str,
        "medium, low / high (TFR, e0 and migration level all shifted by 1.28 sd along their paths; the report prints where each lies among the simulations) or zero_migration",
        "medium",
        choices=("medium", "low", "high", "zero_migration"),
    ),
    "n_simulations": Param(
        int,
        "Monte Carlo trajectories; at most 10,000: the population model holds every trajectory in memory "
        "(peak 1.3 GB at 10,000 and 0.2 GB at 1,000 to 2050: benchmarks/bench_memory.py)",
        1000,
        min=1,
        max=10_000,
    ),
    "seed": Param(int, "random seed: the same seed gives the same trajectories", 2022, min=0),
    "tfr": Param(
        float,
        "Almaty TFR in the base year: calibrated to 2020 births (35.2 thousand), moved to 2022 with the WPP Kazakhstan ratio",
        1.909,
        min=0.5,
        max=6.0,
    ),
    "tfr_change": Param(
        float, "change of the TFR per year: WPP 2022 Kazakhstan medium 2022-2035, scaled to Almaty", -0.0162, min=-0.2, max=0.2
    ),
    "life_expectancy_male": Param(
        float, "male e0 in the base year: BNS Almaty 2019, the last year before COVID-19", 71.3, min=50.0, max=95.0
    ),
    "life_expectancy_female": Param(float, "female e0 in the base year: BNS Almaty 2019", 78.88, min=50.0, max=95.0),
    "life_expectancy_gain": Param(float, "years of e0 gained per year: WPP 2022 Kazakhstan medium 2030-2035", 0.128, min=-0.5, max=1.0),
    "net_migration": Param(
        float,
        "net migrants per year: demographic balance 2015-2021 on the census-reconciled BNS series (births and deaths estimated)",
        42740.0,
        min=-200_000.0,
        max=300_000.0,
    ),
    "migrant_female_share": Param(
        float, "share of women among net migrants: female share of growth 2015-2021 (BNS)", 0.534, min=0.0, max=1.0
    ),
    "tfr_sd": Param(float, "relative sd of the TFR 10 years ahead: WPP 2022 Kazakhstan 80% interval for 2032", 0.111, min=0.0, max=1.0),
    "life_expectancy_sd": Param(
        float, "sd of e0 (years) 10 years ahead: WPP 2022 Kazakhstan 80% interval for 2032", 2.14, min=0.0, max=10.0
    ),
    "migration_sd": Param(
        float,
        "relative sd of the migration level: the cohort backtest's error growth (0.90% of the total a year, origins 2010-2019; conformal 80% quantile) as a migration level error",
        0.497,
        min=0.0,
        max=2.0,
    ),
    "migration_noise_sd": Param(
        float,
        "relative sd of each year's migration around its level: 0, the calibrated level and base sds carry the backtest errors",
        0.0,
        min=0.0,
        max=2.0,
    ),
    "migrant_child_share": Param(
        float,
        "share of net migrants who are children (0-17) moving with their families: fitted to pupil growth, children 0-7 growth and the programme's age figures (lines 226, 2793, 3007, 3183, 3536)",
        0.137,
        min=0.0,
        max=0.9,
    ),
    "base_population_sd": Param(
        float,
        "relative sd of the base-year total: the horizon-independent part of the cohort backtest error (0 fitted)",
        0.0,
        min=0.0,
        max=0.2,
    ),
    "population_reconciliation": Param(
        str,
        "spread of the 2021 census's error of closure over 2009-2021 before migration is estimated: linear or off (net_migration is then still the parameter's value)",
        "linear",
        choices=("linear", "off"),
    ),
    "periphery_growth_factor": Param(
        float,
        "growth weight of Alatau and Nauryzbay relative to other districts (Nauryzbay +4.4% vs city +3.2% a year, programme lines 3817, 5391)",
        1.4,
        min=0.0,
        max=10.0,
    ),
    # -- school parameters (schools.py) --
    "school_shifts": Param(int, "shifts per school day in the regime compared with the current one (the goal: 1)", 1, min=1, max=3),
    "class_size": Param(
        int, "pupils per class in the compared regime: the programme's norm is 25 (001_22452510f78b59ea.txt:2918)", 25, min=10, max=60
    ),
    "current_shifts": Param(
        float,
        "average shifts per school day today; not in the sources: assumption (city schools commonly teach in two shifts)",
        2.0,
        min=1.0,
        max=3.0,
    ),
    "current_class_size": Param(
        float, "average pupils per class today; not in the sources (40+ in 17 schools, line 2801): assumption", 25.0, min=10.0, max=60.0
    ),
    # Delivery risk (schools.draw_delivery): share ever delivered ~ Beta(mean delivery_<s>, delivery_concentration),
    # delay ~ Poisson(delay_<s>). Track record (data/raw/dated_statements.csv): 5,100 of the 13,000 places planned for
    # 2020-2021 opened in 2021 (on-time share 0.39 = share x P(delay 0)); tests/test_schools.py recomputes the defaults.
    "delivery_budget": Param(
        float,
        "mean share of the budget schools (16.9 thousand seats, line 2920) ever delivered: judgement (state-funded projects are rarely dropped); the track record sets the delay",
        0.9,
        min=0.0,
        max=1.0,
    ),
    "delay_budget": Param(
        float, "mean delay of the budget schools, years: ln(0.9 / 0.39), so that 39% open on time as in 2020-2021 (press 2020-02-19, 2022-07-28)", 0.83, min=0.0, max=10.0
    ),
    "delivery_branch": Param(float, "mean share of the 6 school branches (3.4 thousand seats, line 2922) delivered: no track record, as budget", 0.9, min=0.0, max=1.0),
    "delay_branch": Param(float, "mean delay of the branches, years: no track record, as budget", 0.83, min=0.0, max=10.0),
    "delivery_memorandum": Param(
        float, "mean share of the 16 developer-memorandum schools (16 thousand seats, line 2924) delivered: no track record, as budget", 0.9, min=0.0, max=1.0
    ),
    "delay_memorandum": Param(float, "mean delay of the memorandum schools, years: no track record, as budget", 0.83, min=0.0, max=10.0),
    "delivery_private": Param(
        float,
        "mean share of the 10 thousand private places (26 schools, line 2928) delivered: 2021 private schools opened with 2,656 / 13 = 204 places against 385 planned a school (press 2022-07-28)",
        0.53,
        min=0.0,
        max=1.0,
    ),
    "delay_private": Param(float, "mean delay of the private schools, years: 0, 34 private schools opened in 3 years (line 2805) against 26 planned in 4", 0.0, min=0.0, max=10.0),
    "delivery_post_2025": Param(float, "mean share of the post-2025 budget schools delivered: as budget", 0.9, min=0.0, max=1.0),
    "delay_post_2025": Param(float, "mean delay of the post-2025 budget schools, years: as budget", 0.83, min=0.0, max=10.0),
    "delivery_concentration": Param(
        float,
        "concentration of the Beta draw of each delivered share (sd 0.12 at a mean 0.9): judgement, about the five plan/outcome figures of the track record",
        5.0,
        min=0.1,
        max=10_000.0,
    ),
    "build_rate_after_2025": Param(
        float,
        "standard schools a year after 2025: what the 2026-2030 budget funds, (108 + 85) bn (line 2980) / (5.2 + 5) bn a school (line 2803) / 5 years; continued after 2030 (assumption). The 'at least 6' of line 2918 is a need",
        3.78,
        min=0.0,
        max=100.0,
    ),
    "school_size": Param(int, "seats of a standard school: 1,200 (line 2803)", 1200, min=100, max=5000),
    "school_cost_bn": Param(float, "construction cost of a standard school, billion tenge: 5.2 (line 2803)", 5.2, min=0.0, max=100.0),
    "land_cost_bn": Param(float, "cost of a 3 ha plot, billion tenge: about 5 (line 2803)", 5.0, min=0.0, max=100.0),
    "pupils_2021_excess_max": Param(
        float,
        "2021/22 state pupils are 'more than 280' thousand (line 303): drawn uniformly up to 280 thousand + this (judgement: a larger number would be printed as a higher round figure)",
        5000.0,
        min=0.0,
        max=12_000.0,
    ),
    "private_share": Param(
        float,
        "share of pupils in private schools, 2021/22: 88 private schools (press 2022-07-28) x 224 pupils a private school (BNS 2019/20, 42.3 thousand / 189) against 280 thousand state pupils (line 303)",
        0.0657,
        min=0.0,
        max=0.9,
    ),
    "private_places_from_state": Param(
        float,
        "state pupils each new private place takes (1 = one for one): per-capita funding follows the pupil and the programme counts private places against the deficit (line 2918)",
        1.0,
        min=0.0,
        max=1.0,
    ),
    "periphery_school_age_ratio": Param(
        float,
        "school-age children per resident in Alatau and Nauryzbay relative to the other districts: assumption, the sources give no district ages (younger: highest child demand, line 3021)",
        1.2,
        min=0.2,
        max=5.0,
    ),
    # -- emission parameters (emissions.py) --
    # Defaults come from data/raw where a figure exists; tests/test_emissions.py checks them
    # against emissions.calibrate_other_stationary, inbound_growth_from_data, agglomeration_base_from_data.
    "emission_scenario": Param(
        str,
        "emission scenario the by-source chart and table show (all three are always computed and exported)",
        "programme",
        choices=("baseline", "programme", "delayed"),
    ),
    "boundary": Param(
        str,
        "emission boundary the report shows: city (the 2021 inventory of 127 kt) or city_plus (adds TPP-3 and agglomeration houses)",
        "city",
        choices=("city", "city_plus"),
    ),
    "measure_delay_years": Param(int, "delayed emission scenario: years every measure is late (judgement)", 2, min=0, max=20),
    "measure_delays": Param(list, "delayed scenario, per measure: 'measure_id=years' overriding measure_delay_years", []),
    "measure_delivery": Param(
        list, "delayed scenario, per measure: 'measure_id=share' of the stated reduction delivered (0-1; default 1)", []
    ),
    "measure_ramps": Param(list, "per measure: 'measure_id=years' from start to full effect (defaults: emissions.DEFAULT_TIMING)", []),
    "motorisation_growth": Param(
        float,
        "change per year of vehicles per resident: none stated; 500 thousand vehicles in the city c.2019 (speech) vs 470 thousand in 2022 (line 331)",
        0.0,
        min=-0.2,
        max=0.2,
    ),
    "inbound_vehicle_growth": Param(
        float,
        "change per year of vehicles entering daily: about 180 -> 230 thousand over 15 years to 2022 (line 2060)",
        0.0165,
        min=-0.2,
        max=0.2,
    ),
    "heat_elasticity": Param(
        float,
        "district heat from TPP-2/TPP-3 against households (1 = proportional to households; assumption, tornado 0-1)",
        1.0,
        min=0.0,
        max=3.0,
    ),
    "household_size_change": Param(
        float, "change per year of persons per household (assumption: held at 2021; no household series in data/raw)", 0.0, min=-0.1, max=0.1
    ),
    "tpp2_capacity_headroom": Param(
        float,
        "CHP output (TPP-2, TPP-3) can reach at most this times 2021 (assumption: 10% spare; the sources print no capacity or output)",
        1.1,
        min=1.0,
        max=3.0,
    ),
    "private_house_growth": Param(
        float,
        "change per year of private houses on gas (assumption: 1%; line 1297 says private building goes on, no count given)",
        0.01,
        min=-0.1,
        max=0.2,
    ),
    "solid_fuel_house_change": Param(
        float,
        "change per year of houses on solid fuel without new measures (assumption: 0; the 1,054 unconnected houses, line 4267, get no dated effect)",
        0.0,
        min=-1.0,
        max=0.5,
    ),
    "fleet_renewal_rate": Param(
        float,
        "share of the vehicle fleet renewed a year, oldest first: 183,056 built 2010-2019 / 10 / 547,834 registered (line 5315)",
        0.0334,
        min=0.0,
        max=0.2,
    ),
    "old_vehicle_emission_ratio": Param(
        float,
        "emissions per km of a pre-2010 vehicle against a newer one: EMEP/EEA 2019 light petrol Euro 2 vs Euro 5, CO+NOx+NMVOC 3.97 / 1.18 g/km (assumption: pre-2010 about Euro 2)",
        3.36,
        min=1.0,
        max=20.0,
    ),
    "other_stationary_growth": Param(
        float,
        "change per year of other stationary emissions: log-linear trend of BNS stationary emissions 2014-2021",
        0.0091,
        min=-0.2,
        max=0.3,
    ),
    "agglomeration_houses_base_kt": Param(
        float,
        "2021 emissions of the 82 thousand agglomeration houses without gas (not printed): the 15.6 kt their gasification removes plus 82 thousand x 10.3 kt / 134 thousand on gas",
        21.9,
        min=0.0,
        max=200.0,
    ),
    "vehicle_growth_sd": Param(
        float,
        "sd of the motorisation and inbound growth rates (judgement: spans 0 to the 1.7% a year of the inbound flow)",
        0.01,
        min=0.0,
        max=0.2,
    ),
    "other_stationary_growth_sd": Param(
        float, "sd of the other-stationary growth rate: standard error of the BNS 2014-2021 trend", 0.0096, min=0.0, max=0.2
    ),
    "stationary_level_sd": Param(
        float,
        "sd of the log level of TPP-2 and other stationary sources around their driver path: conformal 80% quantile of the driver "
        "method's |log error| in the backtest of BNS stationary emissions 2014-2021, / 1.28 (emissions.stationary_level_sd)",
        0.0998,
        min=0.0,
        max=1.0,
    ),
    "measure_delay_mean_years": Param(
        float,
        "delivery risk: mean of each measure's Poisson delay in years, never early (judgement: 1 year; 0 = on time)",
        1.0,
        min=0.0,
        max=10.0,
    ),
    "measure_completeness_mean": Param(
        float,
        "delivery risk: mean share of each measure's printed effect delivered, Beta distributed, never above 1 (judgement: 0.9; 1 = complete)",
        0.9,
        min=0.01,
        max=1.0,
    ),
    "measure_completeness_concentration": Param(
        float, "delivery risk: concentration a + b of the completeness Beta distribution (judgement: 10; larger = less spread)", 10.0, min=0.5, max=1000.0
    ),
}


def _check_combinations(values: dict[str, Any]) -> None:
    if "base_year" in values and "horizon" in values and values["horizon"] <= values["base_year"]:
        raise ParameterError(
            f"parameter 'horizon': {values['horizon']} is not after base_year {values['base_year']}; expected a later year"
        )
    if "districts" in values and not values["districts"]:
        raise ParameterError("parameter 'districts': the list is empty; expected at least one district")


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

    Numbers must be finite: NaN passes every comparison, so it is refused by name.
    """
    if name not in PARAMETERS:
        raise ParameterError(f"unknown parameter {name!r}; known parameters: {', '.join(sorted(PARAMETERS))}")
    spec = PARAMETERS[name]
    value = plain(value)
    ok = isinstance(value, spec.type) and not (spec.type in (int, float) and isinstance(value, bool))
    if spec.type is float and isinstance(value, int) and not isinstance(value, bool):
        value, ok = float(value), True
    if not ok:
        raise ParameterError(f"parameter {name!r}: expected {spec.expected()}, got {value!r} ({type(value).__name__})")
    if spec.type is float and not math.isfinite(value):
        raise ParameterError(f"parameter {name!r}: {value!r} is not a finite number; expected {spec.expected()}")
    if spec.type is list:
        bad = [item for item in value if not isinstance(item, str) or (spec.choices and item not in spec.choices)]
        if bad:
            raise ParameterError(f"parameter {name!r}: unknown item(s) {bad}; expected items from {list(spec.choices)}")
    elif spec.choices and value not in spec.choices:
        raise ParameterError(f"parameter {name!r}: unknown value {value!r}; expected one of {list(spec.choices)}")
    if (spec.min is not None and value < spec.min) or (spec.max is not None and value > spec.max):
        raise ParameterError(f"parameter {name!r}: {value!r} is out of range; expected {spec.expected()}")
    return value


def check(**values: Any) -> dict[str, Any]:
    """Check the parameters a notebook received (each value, then combinations)."""
    checked = {n: check_value(n, v) for n, v in values.items()}
    _check_combinations(checked)
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
    if not _SLUG.match(name):
        raise ParameterError(f"scenario {name!r}: expected a lowercase name of letters, digits, '-' or '_'")
    if name in LANGUAGES:
        raise ParameterError(f"scenario {name!r}: the names {', '.join(LANGUAGES)} are reserved for the language folders of reports/")
    path = paths.scenarios_dir() / f"{name}.yaml"
    if not path.exists():
        raise ParameterError(f"unknown scenario {name!r}; available: {', '.join(available()) or 'none'} (files in {paths.scenarios_dir()})")
    doc = io.read_yaml(path, ParameterError)
    if not isinstance(doc, dict) or not isinstance(doc.get("parameters"), dict) or not isinstance(doc.get("description"), str):
        raise ParameterError(f"{path}: expected a mapping with 'description' (text) and 'parameters' (a mapping)")
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
        {"parameter": n, "value": shown(v), "default": shown(PARAMETERS[n].default), "meaning and source": PARAMETERS[n].help}
        for n, v in values.items()
    ]
    return pd.DataFrame(rows)
