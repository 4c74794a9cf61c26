"""Planner tables: the declared columns of every exported table, CSV and XLSX writers.

``TABLES`` is the contract with planners: each exported table has fixed columns with
units and descriptions, and ``write_table`` refuses a frame that does not match.
Every table gets a leading ``scenario`` column. The workbook has one sheet per table
plus a README sheet (data dictionary, parameters, input files, versions).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .io import atomic_write


@dataclass(frozen=True)
class TableSpec:
    title: str
    columns: dict[str, tuple[str, str]]  # column -> (unit, description), after `scenario`
    source: str


_POPULATION_SOURCE = (
    "cohort-component projection (population.py) from BNS population, age bands and life expectancy, WPP 2022 Kazakhstan schedules"
)
_SCHOOL_SOURCE = "cohort-survival projection (schools.py) on the population forecast; programme figures 001_22452510f78b59ea.txt:303, 2791-2801, 2918-2928"
SCENARIO_COLUMN = ("", "scenario the table was computed for (scenarios/<name>.yaml)")

TABLES: dict[str, TableSpec] = {
    "data_population_history": TableSpec(
        "Almaty population on 1 January, BNS, with level-shift segments",
        {
            "year": ("year", "population on 1 January of this year"),
            "sex": ("", "total, male or female"),
            "persons": ("persons", "resident population, city boundary of that date"),
            "segment": ("", "1, 2, ...: a new segment starts after each level shift (boundary change, census)"),
            "change_persons": ("persons", "change from the previous year; empty across a level shift"),
        },
        "BNS population on 1 January (data/raw/bns_population_1jan.csv); level shifts from data/raw/level_shifts.csv",
    ),
    "data_programme_figures": TableSpec(
        "Headline figures and targets of the Almaty development programme (2022)",
        {
            "domain": ("", "population, schools or emissions"),
            "figure_id": ("", "identifier in data/raw/programme_<domain>.csv"),
            "indicator": ("", "what the figure measures"),
            "ref_year": ("year", "year the figure refers to (target year for targets)"),
            "value": ("see unit", "value as printed in the programme"),
            "unit": ("", "unit of value"),
            "qualifier": ("", "exact, about, more_than, ..."),
            "source": ("", "programme text file and line"),
        },
        "Almaty development programme to 2025 with perspectives to 2030 (2022), lines as cited",
    ),
    "population_total": TableSpec(
        "Almaty population on 1 January: central projection with 80% and 95% Monte Carlo intervals",
        {
            "year": ("year", "population on 1 January of this year"),
            "value": ("persons", "central projection (central assumptions of the scenario)"),
            "lo_80": ("persons", "10th percentile of the simulated trajectories"),
            "hi_80": ("persons", "90th percentile"),
            "lo_95": ("persons", "2.5th percentile"),
            "hi_95": ("persons", "97.5th percentile"),
        },
        _POPULATION_SOURCE,
    ),
    "population_by_age_sex": TableSpec(
        "Almaty population on 1 January by single year of age and sex, with 80% intervals",
        {
            "year": ("year", "population on 1 January of this year"),
            "sex": ("", "male or female"),
            "age": ("years", "completed years of age; 100 means 100 and over"),
            "value": ("persons", "central projection"),
            "lo_80": ("persons", "10th percentile of the simulated trajectories"),
            "hi_80": ("persons", "90th percentile"),
        },
        _POPULATION_SOURCE,
    ),
    "population_by_district": TableSpec(
        "Almaty population on 1 January by district (central projection); districts add up to the city total",
        {
            "year": ("year", "population on 1 January of this year"),
            "district": ("", "district slug (alatau, almaly, auezov, bostandyk, zhetysu, medeu, nauryzbay, turksib)"),
            "value": ("persons", "district population, rounded so that districts add up to the city"),
        },
        "district shares from the programme (001_22452510f78b59ea.txt:3814-3825), moved by the growth weights; city total from population_total",
    ),
    "population_components": TableSpec(
        "Components of change of the central projection: value(year) - value(year-1) = births - deaths + net_migration",
        {
            "year": ("year", "population (value) on 1 January of this year; components are for the calendar year before"),
            "births": ("persons", "live births in the previous calendar year"),
            "deaths": ("persons", "deaths in the previous calendar year"),
            "net_migration": ("persons", "net migrants in the previous calendar year (absorbs rounding of at most 2 persons)"),
            "value": ("persons", "population on 1 January"),
        },
        _POPULATION_SOURCE,
    ),
    "population_variants": TableSpec(
        "Central population of each variant (medium, low, high, zero_migration) and the programme's stated path to 2.5 million in 2030",
        {
            "year": ("year", "population on 1 January of this year"),
            "variant": ("", "medium, low, high, zero_migration, or programme_target (straight line to the programme's 2030 target)"),
            "value": ("persons", "population on 1 January"),
        },
        _POPULATION_SOURCE + "; target: 001_22452510f78b59ea.txt:424",
    ),
    "population_backtest": TableSpec(
        "Rolling-origin backtest of benchmark forecasts of the total (origins 2008-2019, level shifts removed)",
        {
            "method": ("", "naive (last value), drift (mean change), damped_trend (ETS, additive damped trend)"),
            "horizon": ("years", "years ahead of the origin"),
            "mape": ("percent", "mean absolute percentage error"),
            "bias": ("percent", "mean signed percentage error; positive = over-forecast"),
            "coverage_80": ("share", "share of actual values inside the 80% interval (0-1; 0.8 is ideal)"),
        },
        "BNS population on 1 January 2000-2022 with the 2014/15 and 2021/22 level shifts removed",
    ),
    "population_benchmarks": TableSpec(
        "Benchmark forecasts of the total from the history (level shifts removed), for comparison with the cohort-component projection",
        {
            "year": ("year", "population on 1 January"),
            "method": ("", "naive, drift or damped_trend"),
            "value": ("persons", "point forecast"),
            "lo_80": ("persons", "80% interval, lower"),
            "hi_80": ("persons", "80% interval, upper"),
        },
        "BNS population on 1 January 2000-2022",
    ),
    # -- school tables (schools.py) --
    "school_seats": TableSpec(
        "State-school pupils, usable seats and the seat deficit by school year, under the current regime and a compared one",
        {
            "school_year": ("", "school year starting in September, e.g. 2025/26"),
            "pupils_state": ("pupils", "state-school pupils, central projection"),
            "pupils_private": ("pupils", "private-school pupils (private share plus new private places)"),
            "seats": ("seats", "usable state-school seats under the regime"),
            "deficit": ("seats", "pupils_state - seats; positive = shortage"),
            "deficit_lo_80": ("seats", "10th percentile over the population simulations"),
            "deficit_hi_80": ("seats", "90th percentile"),
            "p_deficit_over_0": ("probability", "share of simulations with a shortage"),
            "p_deficit_over_5000": ("probability", "share of simulations with a shortage above 5,000 seats"),
            "p_deficit_over_10000": ("probability", "share of simulations with a shortage above 10,000 seats"),
            "schools_needed": ("schools", "standard schools (school_size seats) that would close the central deficit"),
            "cost_bn_kzt": ("billion KZT", "their cost: construction plus land (programme unit costs, line 2803)"),
            "regime": ("", "current (seats as the programme counts them) or N_shift_M_per_class"),
        },
        _SCHOOL_SOURCE,
    ),
    "school_pupils_by_grade": TableSpec(
        "Pupils in all schools (state and private) by grade, central projection",
        {
            "school_year": ("", "school year starting in September"),
            "grade": ("", "grade 1-11"),
            "pupils": ("pupils", "pupils in all schools"),
        },
        _SCHOOL_SOURCE,
    ),
    "school_build_pipeline": TableSpec(
        "Seats assumed delivered by school year and funding source (after delivery shares and delays)",
        {
            "school_year": ("", "school year the new seats first serve (commissioned by September)"),
            "funding_source": ("", "budget, branch, memorandum, private (programme 2022-2025) or post_2025 (build rate)"),
            "schools": ("schools", "schools delivered (fractional when a share is delivered)"),
            "seats": ("seats", "seats delivered"),
            "cost_bn_kzt": ("billion KZT", "budget and post-2025 schools at the standard unit cost (construction + land); empty where the programme gives no cost"),
        },
        "build plan: 001_22452510f78b59ea.txt:2918-2928 (data/raw/programme_school_build_plan.csv)",
    ),
    "school_targets": TableSpec(
        "The programme's deficit targets against the projected deficit (current regime)",
        {
            "school_year": ("", "target school year"),
            "target_deficit": ("seats", "programme target"),
            "projected_deficit": ("seats", "central projection"),
            "gap": ("seats", "projected - target; positive = target missed"),
            "extra_schools": ("schools", "standard schools beyond the plan needed to meet the target"),
            "extra_cost_bn_kzt": ("billion KZT", "their cost (construction + land)"),
            "source": ("", "programme line of the target"),
        },
        "targets: 001_22452510f78b59ea.txt:2984",
    ),
    "school_district_deficits": TableSpec(
        "District deficits where planners filled data/raw/school_capacity_by_district.csv (never netted across districts)",
        {
            "school_year": ("", "school year"),
            "district": ("", "district slug"),
            "pupils_state": ("pupils", "state pupils in the district (city pupils by the district's population share)"),
            "seats": ("seats", "usable state seats from the planners' table"),
            "deficit": ("seats", "pupils_state - seats"),
            "shortage": ("seats", "deficit where positive, else 0: sum this, never the deficits"),
        },
        "data/raw/school_capacity_by_district.csv; population_by_district",
    ),
    # -- emission tables (emissions.py) --
}


def write_table(frame: pd.DataFrame, name: str, output_dir: str | Path, scenario: str) -> Path | None:
    """Check ``frame`` against ``TABLES[name]`` and write ``<output_dir>/tables/<name>.csv``.

    Returns the path, or None when ``output_dir`` is empty (an interactive session).
    """
    if name not in TABLES:
        raise KeyError(f"table {name!r} is not declared in export.TABLES")
    expected = list(TABLES[name].columns)
    if list(frame.columns) != expected:
        raise ValueError(f"table {name!r}: columns {list(frame.columns)} do not match the declared {expected}")
    if not output_dir:
        return None
    path = Path(output_dir) / "tables" / f"{name}.csv"
    table = frame.copy()
    table.insert(0, "scenario", scenario)
    atomic_write(path, lambda tmp: table.to_csv(tmp, index=False, encoding="utf-8"))
    return path


def data_dictionary(names: list[str]) -> pd.DataFrame:
    rows = []
    for name in names:
        spec = TABLES.get(name)
        if spec is None:
            continue
        for column, (unit, description) in ({"scenario": SCENARIO_COLUMN} | spec.columns).items():
            rows.append({"table": name, "column": column, "unit": unit, "description": description, "source": spec.source})
    return pd.DataFrame(rows, columns=["table", "column", "unit", "description", "source"])


def write_workbook(tables_dir: Path, path: Path, run_info: dict) -> None:
    """One sheet per CSV in ``tables_dir`` plus a README sheet, written atomically to ``path``."""
    csvs = sorted(tables_dir.glob("*.csv"))
    names = [p.stem for p in csvs]
    readme = [("almaty-analytics forecast tables", ""), ("", "")]
    readme += [(k, str(v)) for k, v in run_info.items() if not isinstance(v, dict)]
    for section in ("parameters", "input_hashes", "versions"):
        readme += [("", ""), (section.replace("_", " "), "")]
        readme += [(f"  {k}", str(v)) for k, v in run_info.get(section, {}).items()]

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xlsx:
            pd.DataFrame(readme, columns=["item", "value"]).to_excel(xlsx, sheet_name="README", index=False)
            data_dictionary(names).to_excel(xlsx, sheet_name="README", index=False, startrow=len(readme) + 3)
            for csv, name in zip(csvs, names, strict=True):
                pd.read_csv(csv).to_excel(xlsx, sheet_name=name[:31], index=False)

    atomic_write(path, write)
