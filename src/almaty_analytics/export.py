"""Planner tables: the declared columns of every exported table, CSV and XLSX writers.

``TABLES`` is the contract with planners: each exported table has fixed columns with
units and descriptions, and ``write_table`` refuses a frame that does not match.
Every table gets a leading ``scenario`` column, except tables whose spec says where the
scenario goes instead (``scenario_into``, the IAMC layout). The workbook has one sheet per table
plus a README sheet (data dictionary, parameters, input files, versions).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter

from . import i18n
from .io import atomic_write

CSV_ENCODING = "utf-8-sig"  # UTF-8 with a byte-order mark: Excel then opens Cyrillic text correctly
DATA_VINTAGE = "2022-07-31"  # every figure in data/raw/ was published on or before this date (tested)
RUN_COLUMNS = {  # appended by the runner to every published table (stamp_table)
    "data_vintage": ("date", f"data published up to this date ({DATA_VINTAGE}); later figures are kept out to judge the forecasts"),
    "run_date": ("date", "UTC date of the run that produced the table (the date in SOURCE_DATE_EPOCH when that is set)"),
}
NUMBER_FORMATS = {  # Excel number format by unit
    "persons": "#,##0",
    "seats": "#,##0",
    "pupils": "#,##0",
    "schools": "#,##0.0",
    "count": "#,##0",
    "seats per year": "#,##0",
    "schools per year": "0.00",
    "year": "0",
    "years": "0",
    "share": "0.0%",
    "probability": "0%",
    "percent": "0.00",
    "%": "0.00",
    "ratio": "0.000",
    "thousand t/yr": "0.00",
    "billion KZT": "0.0",
}


@dataclass(frozen=True)
class TableSpec:
    title: str
    columns: dict[str, tuple[str, str]]  # column -> (unit, description), after `scenario`
    source: str
    # Wide (IAMC) tables: the declared columns are followed by one column per year ("2021", ...),
    # consecutive and increasing; which years depends on the run.
    year_columns: bool = False
    # Instead of a leading `scenario` column, write_table renames this declared column to
    # `scenario` in place, with values "<project scenario>|<value>" (IAMC: model, scenario, ...).
    scenario_into: str | None = None


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
    "population_age_groups": TableSpec(
        "Almaty population on 1 January by broad age group, with 80% and 95% intervals of each group's total",
        {
            "year": ("year", "population on 1 January of this year"),
            "age_group": ("years", "0-5, 6-17 (school ages), 18-64, 65+"),
            "value": ("persons", "central projection"),
            "lo_80": ("persons", "10th percentile of the group total over the simulations"),
            "hi_80": ("persons", "90th percentile"),
            "lo_95": ("persons", "2.5th percentile"),
            "hi_95": ("persons", "97.5th percentile"),
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
        "Components of change of the central projection by calendar year: value(year + 1) = value(year) + births - deaths + net_migration",
        {
            "year": ("year", "calendar year: value on 1 January of it, components during it"),
            "value": ("persons", "population on 1 January of this year"),
            "births": ("persons", "live births during this calendar year (empty for the last year)"),
            "deaths": ("persons", "deaths during this calendar year"),
            "net_migration": ("persons", "net migrants during this calendar year (absorbs rounding of at most 2 persons)"),
        },
        _POPULATION_SOURCE,
    ),
    "population_variants": TableSpec(
        "Central population of each variant (medium, low, high, zero_migration) and the programme's stated path to 2.5 million in 2030",
        {
            "year": ("year", "population on 1 January of this year"),
            "variant": ("", "medium, low, high, zero_migration, or programme_target (straight line to the programme's 2030 target)"),
            "value": ("persons", "population on 1 January"),
            "share_of_simulations_at_or_below": (
                "share",
                "share of the Monte Carlo totals of that year at or below the variant (0-1); empty for the target line",
            ),
        },
        _POPULATION_SOURCE + "; target: 001_22452510f78b59ea.txt:424",
    ),
    "population_backtest": TableSpec(
        "Rolling-origin backtest of the cohort-component model, the benchmarks and their combination (origins 2010-2019, horizons 1-5, no look-ahead)",
        {
            "target": (
                "",
                "official (BNS, boundary shift removed, census re-basing kept) or reconciled (census error spread over 2009-2021)",
            ),
            "method": (
                "",
                "naive, drift, log_drift (constant growth rate), damped_trend (ETS), cohort_component, combination (mean of cohort and best benchmark)",
            ),
            "horizon": ("years", "years ahead of the origin"),
            "mape": ("percent", "mean absolute percentage error"),
            "bias": ("percent", "mean signed percentage error; positive = over-forecast"),
            "mase": ("ratio", "mean absolute error / mean absolute yearly change of the training window"),
            "coverage_80": (
                "share",
                "share of actual values inside the 80% interval (0-1; 0.8 is ideal); cohort intervals leave-one-origin-out",
            ),
            "coverage_95": ("share", "share of actual values inside the 95% interval (0-1; 0.95 is ideal)"),
            "n": ("count", "forecasts scored"),
        },
        "BNS population on 1 January 2000-2022 (training: official series known at each origin)",
    ),
    "population_interval_coverage": TableSpec(
        "Calibrated intervals of the cohort-component model: error sd by horizon and its out-of-sample coverage",
        {
            "horizon": ("years", "years ahead"),
            "interval_sd_pct": (
                "percent",
                "sd of the percentage error of the total: sqrt(sd_base^2 + h^2 sd_trend^2), fitted on the backtest",
            ),
            "coverage_80": ("share", "share of backtest outcomes inside the 80% interval, sds fitted without that origin"),
            "coverage_95": ("share", "same for the 95% interval"),
            "in_sample_80": ("share", "coverage of the 80% interval with the sds fitted on all origins"),
            "n": ("count", "backtest outcomes"),
            "simulated_half_80_pct": (
                "percent",
                "half width of this forecast's Monte Carlo 80% interval h years after the base year, % of the central value",
            ),
        },
        "rolling-origin backtest 2010-2019 against the official BNS series",
    ),
    "population_reconciliation": TableSpec(
        "Almaty population on 1 January: BNS estimate and the intercensal series reconciled with the 2021 census",
        {
            "year": ("year", "1 January of this year"),
            "observed": ("persons", "BNS estimate (city boundary of that date)"),
            "correction": ("persons", "share of the 2021 census's error of closure assigned to this year (linear spread 2009-2021)"),
            "reconciled": ("persons", "observed + correction"),
        },
        "BNS population on 1 January; error of closure = the 2021/22 census jump minus the expected change (population.closure_error)",
    ),
    "population_migration_fit": TableSpec(
        "Evidence the age profile of net migration is fitted to, with the fitted model's values",
        {
            "statistic": (
                "",
                "growth of ages 6-17 / 0-7 per year 2020-2022 (thousand), mean age, share aged 14-35 (%), count aged 14-29 (thousand) in 2022",
            ),
            "target": ("as statistic", "the programme's figure"),
            "tolerance": ("as statistic", "weight of the figure in the fit (deviation counted as one unit)"),
            "source": ("", "programme line and why the tolerance"),
            "model": ("as statistic", "the fitted model's value"),
        },
        "programme 001_22452510f78b59ea.txt lines 226, 303, 2793, 3007, 3183, 3536; model: population.fit_child_share",
    ),
    "population_benchmarks": TableSpec(
        "Benchmark forecasts of the total from the history (level shifts removed), for comparison with the cohort-component projection",
        {
            "year": ("year", "population on 1 January"),
            "method": ("", "naive, drift, log_drift or damped_trend"),
            "value": ("persons", "point forecast"),
            "lo_80": ("persons", "80% interval, lower"),
            "hi_80": ("persons", "80% interval, upper"),
        },
        "BNS population on 1 January 2000-2022",
    ),
    # -- school tables (schools.py) --
    "school_seats": TableSpec(
        "State-school pupils, usable seats and the seat deficit by school year from 2021/22 (the calibration year, observed), under the current regime and a compared one",
        {
            "school_year": ("", "school year starting in September, e.g. 2025/26; 2021/22 is the observed calibration year"),
            "pupils_state": ("pupils", "state-school pupils, central projection (2021/22: middle of 'more than 280' thousand)"),
            "pupils_private": ("pupils", "private-school pupils (private share plus new private places)"),
            "seats": ("seats", "usable state-school seats under the regime, expected over the delivery draws"),
            "deficit": ("seats", "pupils_state - seats; positive = shortage (central population, expected delivery)"),
            "deficit_lo_80": ("seats", "10th percentile over paired population and delivery draws (population, seat base and delivery uncertainty)"),
            "deficit_hi_80": ("seats", "90th percentile, same draws"),
            "deficit_on_plan": ("seats", "deficit if every planned school opens on time (no delivery risk)"),
            "p_deficit_over_0": ("probability", "share of draws with a shortage"),
            "p_deficit_over_5000": ("probability", "share of draws with a shortage above 5,000 seats"),
            "p_deficit_over_10000": ("probability", "share of draws with a shortage above 10,000 seats"),
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
    "school_pupil_share": TableSpec(
        "Pupils as a share of the school-age population (the check that every pupil is a child of the population forecast)",
        {
            "school_year": ("", "school year starting in September"),
            "school_age_children": ("persons", "children of the grades' ages (grade g: 8/12 of age 4+g and 4/12 of age 5+g on 1 January)"),
            "pupils_all": ("pupils", "pupils in all schools, central projection"),
            "pupil_share": ("ratio", "pupils_all / school_age_children; may move at most 0.015 over the horizon without a sourced component"),
        },
        _SCHOOL_SOURCE,
    ),
    "school_uncertainty": TableSpec(
        "How much of the deficit's uncertainty comes from the population, the 2021/22 seat base and the delivery of schools",
        {
            "school_year": ("", "school year starting in September"),
            "width_80": ("seats", "width of the deficit's 80% interval, all parts together"),
            "width_80_population_only": ("seats", "80% width of state pupils over the population trajectories alone"),
            "width_80_seat_base_only": ("seats", "80% width of the 2021/22 seat base alone"),
            "width_80_delivery_only": ("seats", "80% width of the seats (and private places) delivered alone"),
            "variance_share_population": ("share", "population share of the deficit's variance (parts independent: shares add to 1)"),
            "variance_share_seat_base": ("share", "seat-base share of the variance"),
            "variance_share_delivery": ("share", "delivery share of the variance"),
        },
        _SCHOOL_SOURCE,
    ),
    "school_build_pipeline": TableSpec(
        "Seats planned and seats expected after delivery risk, by school year and funding source",
        {
            "school_year": ("", "school year the new seats first serve (commissioned by September)"),
            "funding_source": ("", "budget, branch, memorandum, private (programme 2022-2025) or post_2025 (build rate)"),
            "schools_planned": ("schools", "schools planned to open that year"),
            "seats_planned": ("seats", "seats planned to open that year"),
            "seats_expected": ("seats", "seats first serving that year, mean over the delivery draws (late seats of earlier years included)"),
            "seats_lo_80": ("seats", "10th percentile over the delivery draws"),
            "seats_hi_80": ("seats", "90th percentile"),
            "cost_bn_kzt": (
                "billion KZT",
                "planned budget and post-2025 schools at the standard unit cost (construction + land); empty where the programme gives no cost",
            ),
        },
        "build plan: 001_22452510f78b59ea.txt:2918-2928 (data/raw/programme_school_build_plan.csv); delivery track record: data/raw/dated_statements.csv",
    ),
    "school_build_rates": TableSpec(
        "Schools a year after 2025: what is funded, what the programme says is needed, and what would close the 2030/31 gap",
        {
            "rate": ("", "funded, used (this run), programme_need or closes_2030_gap"),
            "schools_per_year": ("schools per year", "standard schools commissioned a year from 2026"),
            "seats_per_year": ("seats per year", "their seats"),
            "deficit_2030_31": ("seats", "central deficit in 2030/31 at this rate (expected delivery)"),
            "deficit_horizon": ("seats", "central deficit in the last school year at this rate"),
            "note": ("", "where the rate comes from"),
        },
        "001_22452510f78b59ea.txt:2803, 2918, 2980",
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
        "State pupils by district, and deficits where planners filled data/raw/school_capacity_by_district.csv (never netted across districts)",
        {
            "school_year": ("", "school year"),
            "district": ("", "district slug, or all_districts: pupils and known seats summed, positive deficits only"),
            "pupils_state": ("pupils", "state pupils in the district: city pupils by district population x relative school-age share"),
            "seats": ("seats", "usable state seats from the planners' table; empty = not filled in"),
            "deficit": ("seats", "pupils_state - seats; empty where seats are unknown and in the all_districts row"),
            "shortage": ("seats", "deficit where positive, else 0; all_districts: the sum of the districts' shortages"),
        },
        "data/raw/school_capacity_by_district.csv; population_by_district",
    ),
    "school_backtest": TableSpec(
        "Rolling-origin backtest of naive, drift and log-linear drift on the BNS count of Almaty schools (no pupil series exists to mid-2022)",
        {
            "method": ("", "naive, drift, log_drift"),
            "horizon": ("years", "years ahead of the origin"),
            "mape": ("percent", "mean absolute percentage error"),
            "bias": ("percent", "mean signed percentage error; positive = over-forecast"),
            "mase": ("ratio", "mean absolute error / mean absolute yearly change of the training window"),
            "coverage_80": ("share", "share of actual values inside the 80% interval (0-1; 0.8 is ideal)"),
            "coverage_95": ("share", "share of actual values inside the 95% interval (0-1; 0.95 is ideal)"),
            "n": ("count", "forecasts scored"),
        },
        "schools.backtest_school_counts on data/raw/bns_schools.csv (series cut at the 2014 boundary change)",
    ),
    # -- summary tables (summary.py, notebook 90_summary) --
    "accuracy_scorecard": TableSpec(
        "Accuracy of every backtested forecast across the domains: the chosen method beside the benchmarks, winner per horizon marked",
        {
            "domain": ("", "population, schools or emissions"),
            "series": ("", "the observed series the forecasts are scored against"),
            "method": ("", "method as named in the domain's backtest table"),
            "role": ("", "chosen (the method the forecast uses), benchmark (naive, drift, log_drift, damped_trend) or alternative"),
            "horizon": ("years", "years ahead of the origin"),
            "mape": ("percent", "mean absolute percentage error"),
            "bias": ("percent", "mean signed percentage error; positive = over-forecast"),
            "coverage_80": ("share", "share of actual values inside the 80% interval named in coverage_of (0-1; 0.8 is ideal)"),
            "coverage_of": (
                "",
                "forecast_interval (the interval the forecast publishes, calibrated on the other origins: out of sample) or method_interval (the method's own)",
            ),
            "coverage_n": ("count", "forecasts scored for coverage_80 (the emission forecast's interval: origins after the 2014 shift only)"),
            "n": ("count", "forecasts scored"),
            "best_at_horizon": ("", "true for the lowest MAPE of the domain at this horizon"),
        },
        "population_backtest (official series), school_backtest, emissions_backtest (per horizon), emissions_interval_coverage of the same run: "
        "summary.accuracy_scorecard",
    ),
    # -- emission tables (emissions.py) --
    "emissions_by_source": TableSpec(
        "Air-pollutant emissions of Almaty by source: baseline, programme and delayed emission scenarios, two boundaries, with 80% intervals",
        {
            "year": ("year", "calendar year (2021 = the programme's inventory)"),
            "emission_scenario": (
                "",
                "baseline (no new measures), programme (all measures on time), delayed (measures late, see parameters)",
            ),
            "boundary": ("", "city (the 127 kt inventory) or city_plus (city + TPP-3 + agglomeration houses without gas)"),
            "source": (
                "",
                "transport, tpp2, stationary_other, housing_gasified, housing_solid_fuel, tpp3, agglomeration_houses, or total (the boundary's sum)",
            ),
            "emissions_kt": (
                "thousand t/yr",
                "all pollutants together; deterministic path: central population and assumptions, every measure as scheduled, no delivery risk",
            ),
            "median_kt": ("thousand t/yr", "median of the Monte Carlo trajectories (with delivery risk): the central estimate"),
            "lo_80": ("thousand t/yr", "10th percentile of the Monte Carlo trajectories"),
            "hi_80": ("thousand t/yr", "90th percentile"),
        },
        "emissions.py: inventory 001_22452510f78b59ea.txt:4253-4255, 4263; measures data/raw/programme_emission_measures.csv; population forecast",
    ),
    "emissions_measures": TableSpec(
        "The programme's air-quality measures as wedges: source, boundary, timing, stated reduction, cost (unquantified measures flagged, zero effect)",
        {
            "measure": ("", "measure id in data/raw/programme_emission_measures.csv"),
            "source": ("", "emission source it reduces (empty: none)"),
            "boundary": ("", "city or city_plus (source outside the city)"),
            "form": ("", "form the programme prints the effect in: level (source's level after), reduction (tonnes removed), share; TPP-2: reduction + level"),
            "printed_effect": ("thousand t/yr", "the printed level (form level) or reduction (form reduction) the model applies"),
            "start_year": ("year", "last year without effect (full-effect year minus the ramp); programme scenario"),
            "full_year": ("year", "year of full effect; programme scenario"),
            "reduction_kt": ("thousand t/yr", "reduction as printed, against 2021 levels (0 = no effect stated)"),
            "cost_bn_kzt": ("billion KZT", "investment as printed (empty: none stated; for buses only the 800 gas buses)"),
            "source_line": ("", "lines of 001_22452510f78b59ea.txt"),
            "quantified": ("", "true if the programme states an effect; false: listed with zero effect"),
            "wedge_2030_kt": ("thousand t/yr", "modelled reduction in 2030 against the baseline (central, programme scenario)"),
            "timing_basis": ("", "which timing is printed and which assumed, with the reason"),
        },
        "Almaty development programme 2022, section 5.1 and 1.3 (lines per row); timing assumptions in emissions.DEFAULT_TIMING",
    ),
    "emissions_wedges": TableSpec(
        "Reduction of each measure against the baseline by year (central); wedges add up to baseline minus scenario",
        {
            "year": ("year", "calendar year"),
            "emission_scenario": ("", "programme or delayed"),
            "measure": ("", "measure id"),
            "source": ("", "emission source it reduces"),
            "boundary": ("", "city or city_plus"),
            "wedge_kt": ("thousand t/yr", "baseline minus scenario emissions attributable to the measure"),
        },
        "emissions.py on data/raw/programme_emission_measures.csv",
    ),
    "emissions_target_gap": TableSpec(
        "2030 emissions of each emission scenario against the programme's 78 kt target (the target is defined on the city's 127 kt)",
        {
            "year": ("year", "target year"),
            "emission_scenario": ("", "baseline, programme or delayed"),
            "boundary": ("", "city or city_plus"),
            "emissions_kt": ("thousand t/yr", "deterministic path: every measure as scheduled, no delivery risk"),
            "median_kt": ("thousand t/yr", "median of the Monte Carlo trajectories (with delivery risk): the central estimate"),
            "lo_80": ("thousand t/yr", "10th percentile"),
            "hi_80": ("thousand t/yr", "90th percentile"),
            "target_kt": ("thousand t/yr", "78 (001_22452510f78b59ea.txt:443); empty for city_plus, which the target does not cover"),
            "gap_kt": ("thousand t/yr", "deterministic path minus target: positive = target missed even with every measure as scheduled"),
            "share_meeting_target": ("share", "share of Monte Carlo trajectories at or below the target (0-1)"),
        },
        "emissions.py; target 001_22452510f78b59ea.txt:433, 443",
    ),
    "emissions_targets": TableSpec(
        "The programme's arithmetic: 127, the 78 target, the '-55' and the sum of its own measures",
        {
            "item": ("", "what is computed"),
            "value_kt": ("thousand t/yr", "the figure"),
            "arithmetic": ("", "how it is computed from printed figures"),
            "source_line": ("", "lines of 001_22452510f78b59ea.txt"),
        },
        "001_22452510f78b59ea.txt:396, 443, 4253-4255, 4309-4371",
    ),
    "emissions_pollutants": TableSpec(
        "TPP-2 emissions by fuel (coal, gas blocks) and pollutant, central, every emission scenario",
        {
            "year": ("year", "calendar year"),
            "emission_scenario": ("", "baseline, programme or delayed"),
            "fuel": ("", "coal (the coal boilers) or gas (the gas blocks, 0.83 kt each, line 4317)"),
            "pollutant": ("", "TSP (total suspended particulates), SOx (as SO2), NOx (as NO2), CO, NMVOC"),
            "emissions_kt": ("thousand t/yr", "the fuel's tonnes times the pollutant's share of its EMEP/EEA emission factors"),
        },
        "emissions.py; data/raw/emep_eea_emission_factors.csv (EMEP/EEA guidebook 2019, tables 3-4 and 3-11)",
    ),
    "emissions_tornado": TableSpec(
        "2030 city emissions (central) with each driver parameter at the low and high end of its range",
        {
            "emission_scenario": ("", "baseline or programme"),
            "parameter": ("", "driver parameter (scenarios.PARAMETERS)"),
            "value": ("", "the run's value"),
            "low": ("", "low end"),
            "high": ("", "high end"),
            "emissions_low_kt": ("thousand t/yr", "2030 city total with the parameter at its low end"),
            "emissions_high_kt": ("thousand t/yr", "2030 city total with the parameter at its high end"),
            "central_kt": ("thousand t/yr", "2030 city total with the run's values"),
            "swing_kt": ("thousand t/yr", "|high - low|"),
            "range_basis": ("", "where the range comes from"),
        },
        "emissions.tornado",
    ),
    "emissions_backtest": TableSpec(
        "Backtest of the stationary baseline on BNS stationary emissions 2005-2021: accuracy by method and horizon (0 = all horizons)",
        {
            "method": ("", "driver (the baseline's method), naive, drift, log_drift"),
            "horizon": ("years", "years ahead of the origin; 0 = all horizons pooled"),
            "mape": ("%", "mean absolute percentage error"),
            "bias": ("%", "mean signed percentage error (positive = over-forecast)"),
            "mase": ("ratio", "mean absolute error / mean absolute yearly change of the training window (below 1 beats a one-year naive step)"),
            "coverage_80": ("share", "share of actuals inside the 80% interval (0.8 = calibrated)"),
            "coverage_95": ("share", "share of actuals inside the 95% interval (0.95 = calibrated)"),
            "n": ("", "forecasts scored"),
        },
        "emissions.backtest_stationary on data/raw/bns_stationary_emissions.csv (level shift 2013/14 respected)",
    ),
    "emissions_interval_coverage": TableSpec(
        "Coverage of the emission forecast's calibrated 80% interval (driver model × exp(±1.28 stationary_level_sd)) in the backtest",
        {
            "horizon": ("years", "years ahead of the origin; 0 = all horizons pooled"),
            "in_sample": ("share", "share of actuals inside, sd calibrated on all these errors (0.8 = calibrated)"),
            "out_of_sample": ("share", "share of actuals inside, each origin's sd from the other origins' errors (0.8 = calibrated)"),
            "n": ("", "forecasts scored (origins from 2014, after the level shift)"),
        },
        "emissions.calibrated_coverage on emissions.backtest_stationary (data/raw/bns_stationary_emissions.csv)",
    ),
    "emissions_iamc": TableSpec(
        "Emission trajectories (central) in the IAMC wide format; pyam.IamDataFrame reads the CSV as it is",
        {
            "model": ("", "almaty-analytics"),
            "emission_scenario": (
                "",
                "written as the IAMC `scenario` column: '<project scenario>|<emission scenario>', e.g. default|programme",
            ),
            "region": ("", "Almaty city (boundary city) or Almaty city plus TPP-3 and agglomeration houses (city_plus)"),
            "variable": (
                "",
                "Emissions|Air pollutants[|sector|source] (all pollutants together) or, where split, Emissions|<pollutant>|Energy|TPP-2 (TSP, Sulfur = SO2, NOx, CO, VOC)",
            ),
            "unit": ("", "kt/yr (thousand tonnes a year)"),
        },
        "emissions_by_source (central paths); one column per year follows",
        year_columns=True,
        scenario_into="emission_scenario",
    ),
}


def write_table(frame: pd.DataFrame, name: str, output_dir: str | Path, scenario: str) -> Path | None:
    """Check ``frame`` against ``TABLES[name]`` and write ``<output_dir>/tables/<name>.csv``.

    Returns the path, or None when ``output_dir`` is empty (an interactive session).
    A spec with ``year_columns`` accepts consecutive year columns after its declared ones; a
    spec with ``scenario_into`` gets no leading ``scenario`` column: that declared column is
    renamed ``scenario`` and holds ``<scenario>|<value>`` (the IAMC layout pyam reads).
    """
    if name not in TABLES:
        raise KeyError(f"table {name!r} is not declared in export.TABLES")
    spec = TABLES[name]
    expected = list(spec.columns)
    columns = list(frame.columns)
    if spec.year_columns:  # declared columns, then consecutive years as text: "2021", "2022", ...
        years = columns[len(expected) :]
        ok = bool(years) and all(str(y).isdigit() for y in years)
        if not ok or [int(y) for y in years] != list(range(int(years[0]), int(years[0]) + len(years))):
            raise ValueError(f"table {name!r}: after the declared columns expected consecutive year columns, got {years}")
        columns = columns[: len(expected)]
    if columns != expected:
        raise ValueError(f"table {name!r}: columns {list(frame.columns)} do not match the declared {expected}")
    if not output_dir:
        return None
    path = Path(output_dir) / "tables" / f"{name}.csv"
    table = frame.copy()
    if spec.scenario_into:
        table[spec.scenario_into] = scenario + "|" + table[spec.scenario_into].astype(str)
        table = table.rename(columns={spec.scenario_into: "scenario"})
    else:
        table.insert(0, "scenario", scenario)
    atomic_write(path, lambda tmp: table.to_csv(tmp, index=False, encoding=CSV_ENCODING))
    return path


def run_date() -> str:
    """The run's date (UTC, YYYY-MM-DD); ``SOURCE_DATE_EPOCH`` fixes it, as for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch.isdigit() else dt.datetime.now(dt.UTC)
    return moment.date().isoformat()


def stamp_table(path: Path, date: str) -> None:
    """Append ``data_vintage`` and ``run_date`` to a written table; every other cell is kept as written (read as text)."""
    table = pd.read_csv(path, encoding=CSV_ENCODING, dtype=str, keep_default_na=False)
    table = table.assign(data_vintage=DATA_VINTAGE, run_date=date)
    atomic_write(path, lambda tmp: table.to_csv(tmp, index=False, encoding=CSV_ENCODING))


def unit_label(unit: str, t: i18n.Text) -> str:
    """A unit as the reader's language prints it ('' for none)."""
    slug = "percent" if unit == "%" else re.sub(r"[^a-z0-9]+", "_", unit.lower()).strip("_")
    return t(f"units.{slug}") if slug else ""


def _column_specs(name: str) -> dict[str, tuple[str, str]]:
    spec = TABLES.get(name)
    return {"scenario": SCENARIO_COLUMN} | (spec.columns if spec else {}) | RUN_COLUMNS


def data_dictionary(names: list[str]) -> pd.DataFrame:
    rows = []
    for name in names:
        spec = TABLES.get(name)
        if spec is None:
            continue
        for column, (unit, description) in _column_specs(name).items():
            rows.append({"table": name, "column": column, "unit": unit, "description": description, "source": spec.source})
    return pd.DataFrame(rows, columns=["table", "column", "unit", "description", "source"])


def _cell(value):
    """A README value as Excel should hold it: numbers and booleans as themselves, lists joined, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def readme_rows(run_info: dict, table_runs: dict[str, dict]) -> list[tuple]:
    """README sheet rows: this run, then for every sheet the notebook run that produced it and its parameters.

    A table whose notebook failed in this run keeps its last good run, so a sheet's
    parameters are always the ones that produced its numbers.
    """
    rows = [("almaty-analytics forecast tables", ""), ("", "")]
    rows += [(k, _cell(v)) for k, v in run_info.items() if not isinstance(v, dict)]
    rows += [("", ""), ("sheets (table: notebook, run finished UTC)", "")]
    rows += [(f"  {name}", f"{run['notebook']}, {run['finished']}") for name, run in table_runs.items()]
    runs = {(run["notebook"], run["finished"]): run["parameters"] for run in table_runs.values()}
    for (notebook, finished), parameters in runs.items():
        rows += [("", ""), (f"parameters of {notebook} (run finished {finished})", "")]
        rows += [(f"  {k}", _cell(v)) for k, v in parameters.items()]
    for section in ("input_hashes", "versions"):
        rows += [("", ""), (section.replace("_", " "), "")]
        rows += [(f"  {k}", _cell(v)) for k, v in run_info.get(section, {}).items()]
    return rows


def header(name: str, column: str, t: i18n.Text) -> str:
    """A workbook header: the column's label in the reader's language with its unit, e.g. "80% interval, upper [persons]"."""
    specs = _column_specs(name)
    if column not in specs:  # year columns of IAMC tables, columns of an undeclared table: shown as written
        return column
    unit = specs[column][0]
    label = t.column(column)
    shown = unit_label(unit, t) if unit not in ("", "year", "see unit", "as statistic") else ""
    return f"{label} [{shown}]" if shown else label


def _format_sheet(sheet, name: str, columns: list[str]) -> None:
    """Frozen header row, a filter, number formats by unit, readable widths."""
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    specs = _column_specs(name)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        unit = "thousand t/yr" if column.isdigit() else specs.get(column, ("", ""))[0]  # year columns: IAMC emissions
        number_format = NUMBER_FORMATS.get(unit)
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                if isinstance(cell.value, int | float):
                    cell.number_format = number_format
        sheet.column_dimensions[letter].width = min(max(len(str(sheet.cell(1, index).value)), 10) + 2, 45)


def write_workbook(tables_dir: Path, path: Path, run_info: dict, table_runs: dict[str, dict], language: str = "en") -> None:
    """One sheet per CSV in ``tables_dir`` plus a README sheet, written atomically to ``path``.

    ``table_runs`` maps a table to the run that produced it: notebook, finished, parameters. Headers are in
    ``language`` with units (the CSVs keep their column names); the README's data dictionary maps one to the other.
    """
    t = i18n.Text(language)
    csvs = sorted(tables_dir.glob("*.csv"))
    names = [p.stem for p in csvs]
    readme = readme_rows(run_info, {n: r for n, r in table_runs.items() if n in names})
    dictionary = data_dictionary(names)
    dictionary["header"] = [header(n, c, t) for n, c in zip(dictionary["table"], dictionary["column"], strict=True)]

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xlsx:
            pd.DataFrame(readme, columns=["item", "value"], dtype=object).to_excel(xlsx, sheet_name="README", index=False)
            dictionary.to_excel(xlsx, sheet_name="README", index=False, startrow=len(readme) + 3)
            xlsx.sheets["README"].freeze_panes = "A2"
            xlsx.sheets["README"].column_dimensions["A"].width = 40
            xlsx.sheets["README"].column_dimensions["B"].width = 40
            for csv, name in zip(csvs, names, strict=True):
                table = pd.read_csv(csv, encoding=CSV_ENCODING)
                shown = table.rename(columns={c: header(name, str(c), t) for c in table.columns})
                shown.to_excel(xlsx, sheet_name=name[:31], index=False)
                _format_sheet(xlsx.sheets[name[:31]], name, [str(c) for c in table.columns])

    atomic_write(path, write)
