"""The population parameters checked before any kernel starts (``validate``): what the schema's ranges cannot see.

Method: the cohort model adds each year's net migrants at its end, spread by the age-sex profile, and where
emigrants outnumber the people of an age it empties that age (``model.cohort_step``): an outflow larger than the
city can give is applied only in part, silently (at the newest data, −50,000 a year falls short from 2028: 1,201
people by 1 January 2030, 12,772 in 2034 alone; −200,000, the parameter's range minimum, from 2024: half a million by
1 January 2030). ``validate`` projects the central path of the run's variant (``projection.project``'s central run:
the variant's TFR, e0 and migration level, the long-run paths) to the horizon and refuses a net migration of which
the model applies less than the stated figure, beyond ``MIGRATION_TOLERANCE``, in any year; the message gives the
first such year, the shortfall and the largest yearly outflow the model applies in full to that horizon (bisection
on the stated level, ``largest_outflow``: 30,100 a year to 2035, 20,500 to 2050 in the medium variant).

What is checked and what not:

* A stated path of zero or more never empties an age: nothing is computed. Its sign is the level's (``net_migration``)
  times the variant's factor 1 ± 1.28 · ``migration_sd`` (``model.assumption_paths``). An unset level or sd is
  the calibrated one (``calibrate``): the mean flow of the vintage's years, a gain at every vintage of data/raw
  (42,410 a year at mid-2022, 42,780 at the newest data), and an sd whose factors stay positive (0.509 and 0.514:
  0.34 and 1.66). Years are calendar years: the migrants of year t arrive by 1 January t + 1.
* Only the stated (central) path is checked: the Monte Carlo trajectories draw the level around it, and a draw in the
  tail of a large outflow may be applied in part, as may the other variants that report 10's variants table shows.

The projection's inputs that do not depend on the assumptions (``Basis``: the base population, the schedules, the
calibrated defaults and WPP's national paths) are kept in ``data/processed/population_basis/`` under a digest of the
vintage, the reconciliation, the base year, the raw tables and the package code (``io.processed_object``): once built
(1.2-1.7 s, a calibration), the check loads it in 4 ms and refuses in 10 ms (about ten central projections).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from .. import io
from .calibration import base_population, calibrate
from .inputs import INPUT_TABLES, read_inputs
from .long_run import LongRun, NationalPaths, national_paths
from .model import VARIANTS, Assumptions, Schedules, assumption_paths, assumptions_from, calibrated_defaults, run

MIGRATION_TOLERANCE = 0.005  # share of the stated yearly net migration the model may leave unapplied: under 150 people of
# −30,000 a year, less than 0.01 % of the city's population (at the newest data −30,000 falls 78 short in 2034)
OUTFLOW_STEP = 100  # people a year: the precision of the largest outflow the message gives (rounded towards zero)


@dataclass(frozen=True)
class Basis:
    """What a central projection of a vintage needs besides the assumptions (``basis``)."""

    base_year: int
    base: np.ndarray  # (2, 101) population on 1 January of the base year (``base_population``)
    schedules: Schedules  # with the fitted migration profile
    defaults: dict[str, float]  # the calibrated defaults, rounded (``calibrated_defaults``)
    national: NationalPaths  # WPP 2022 Kazakhstan medium and 80 % bounds (``long_run``)


def build_basis(vintage: str, reconciliation: str, base_year: int) -> Basis:
    """The ``Basis`` of a vintage, reconciliation and base year, calibrated on the vintage's data."""
    inputs = read_inputs(vintage)
    calibration = calibrate(inputs, reconciliation, base_year)
    year = calibration.years.base
    return Basis(
        year, base_population(inputs, calibration, year), calibration.schedules, calibrated_defaults(calibration.defaults),
        national_paths(inputs["wpp2022_kazakhstan_annual"]),
    )


def basis(params: dict) -> Basis:
    """The ``Basis`` of resolved ``params``, built once per vintage, reconciliation, base year, raw data and code."""
    key = {name: params[name] for name in ("vintage", "population_reconciliation", "base_year")}
    built, _ = io.processed_object(
        "population_basis", key, lambda: build_basis(params["vintage"], params["population_reconciliation"], int(params["base_year"])),
        list(INPUT_TABLES),
    )
    return built


def _factor(params: dict) -> float | None:
    """The variant's factor on the migration level, 1 + z · migration_sd; None when it needs the calibrated sd."""
    z = VARIANTS[params["population_variant"]]
    if z == 0:
        return 1.0
    return None if params["migration_sd"] is None else 1 + z * float(params["migration_sd"])


def may_leave(params: dict) -> bool:
    """Whether the stated path may be an outflow, judged on the given values alone (an unset level or sd is the
    calibrated one: a gain, and a factor above zero; see the module docstring)."""
    if params["population_variant"] == "zero_migration":
        return False
    net, factor = params["net_migration"], _factor(params)
    return (net is not None and net < 0) != (factor is not None and factor < 0)


def migration_factor(assumptions: Assumptions) -> float:
    """The variant's factor on the migration level of ``assumptions``: its stated path is net_migration times it."""
    return 1 + assumptions.variant_z * assumptions.migration_sd


def applied_migration(b: Basis, assumptions: Assumptions, horizon: int, long_run: LongRun) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The years, the stated and the applied net migration of the central run of ``assumptions`` (``model.run``)."""
    central = run(b.base, b.schedules, assumptions, b.base_year, horizon, long_run=long_run)
    years = central["years"][:-1]
    return years, assumption_paths(assumptions, years, b.base_year, long_run=long_run)[2][0], central["net_migration"][0]


def shortfall(b: Basis, assumptions: Assumptions, horizon: int, long_run: LongRun) -> tuple[int, float, float] | None:
    """The first year whose applied net migration falls short of the stated one beyond MIGRATION_TOLERANCE, with the
    stated and the applied figure; None when the model applies it to the horizon."""
    years, stated, applied = applied_migration(b, assumptions, horizon, long_run)
    short = np.flatnonzero(applied - stated > MIGRATION_TOLERANCE * np.abs(stated))
    return None if short.size == 0 else (int(years[short[0]]), float(stated[short[0]]), float(applied[short[0]]))


def largest_outflow(b: Basis, assumptions: Assumptions, horizon: int, long_run: LongRun) -> int:
    """The largest yearly outflow (people, a multiple of OUTFLOW_STEP) the model applies in full to the horizon, the rest of
    ``assumptions`` kept: bisection on the stated level between it and zero (more emigrants empty more ages)."""
    factor = migration_factor(assumptions)
    outflow = -assumptions.net_migration * factor
    honoured, refused = 0, int(np.ceil(outflow / OUTFLOW_STEP))  # in steps
    while refused - honoured > 1:
        middle = (honoured + refused) // 2
        trial = replace(assumptions, net_migration=-middle * OUTFLOW_STEP / factor)
        honoured, refused = (middle, refused) if shortfall(b, trial, horizon, long_run) is None else (honoured, middle)
    return honoured * OUTFLOW_STEP


def validate(params: dict) -> None:
    """Refuse a net migration the cohort model would not apply in full up to the horizon (ValueError naming the parameter).

    Computes nothing when the stated path cannot be an outflow (``may_leave``)."""
    if not may_leave(params):
        return
    b = basis(params)
    assumptions = assumptions_from(params, b.defaults)
    horizon, long_run = int(params["horizon"]), LongRun(b.national, int(params["long_run_from"]))
    found = shortfall(b, assumptions, horizon, long_run)
    if found is None:
        return
    year, stated, applied = found
    outflow, factor = largest_outflow(b, assumptions, horizon, long_run), migration_factor(assumptions)
    variant = params["population_variant"]
    if params["net_migration"] is not None and params["net_migration"] < 0:
        name, given = "net_migration", f"{params['net_migration']:,g} a year" + (f" (x {factor:.2f} in variant {variant}: {stated:,.0f})" if factor != 1 else "")
        bound = f" (net_migration >= {math.ceil(-outflow / factor):,}{'' if factor == 1 else f' in variant {variant}'})"
    else:  # a gain the variant's factor turns into an outflow
        name, bound = "migration_sd", ""
        given = f"{params['migration_sd']:g} in population_variant {variant} turns net migration {assumptions.net_migration:,.0f} into {stated:,.0f} a year"
    raise ValueError(
        f"parameter {name!r}: {given}: more than the cohort model can apply: in {year} emigrants outnumber the people of some ages "
        f"and it applies {applied:,.0f} ({applied - stated:,.0f} short); expected at most {outflow:,} people leaving a year, the "
        f"most it applies in full up to the horizon {horizon}{bound}"
    )
