"""Delivery risk by class of measure, set from the dated record of plans where one exists.

Each quantified measure belongs to a class (``MEASURE_CLASS``): large plant conversion, bus fleet, gas connections,
other. A class's delay is a Poisson number of whole years with mean ``delay_mean``; its completeness a Beta share with
mean ``completeness_mean`` (``simulation.delivery_draws``).

* **The record** (``record``): the dated statements of a class's completion year (``data/raw/dated_statements.csv``,
  indicator ``tpp2_conversion_schedule`` for large plant conversion: 'by 2025' on the CHP-2 hearings page of 2020,
  'completion by the end of 2026' when the contractor started on 3 November 2023). The programme's 2030 is the full
  effect of every gas block (line 4317), another milestone, and is not a point of the record.
* **The fit** (``fit_slippage``): the announced completion drifts with the date it is announced on (schedule slippage,
  as in reference-class forecasting of schedule overruns, Flyvbjerg 2006): least squares of the announced completion
  (end of the stated year) on the statement's date gives the slippage ``rate``, years of delay per year elapsed, never
  below 0. A measure of the class is expected to slip ``rate`` × (its completion − the newest statement's date) more:
  the Poisson mean. With fewer than two statements in the vintage the class has no record.
* **No record.** Completeness has no record for any class (no outcome of a partly delivered measure is dated), nor
  has the delay of the bus fleet, gas connections and other classes: they take the assumptions
  ``measure_delay_mean_years`` and ``measure_completeness_mean``, and ``emissions_delivery_range`` shows the chance of
  meeting 78 kt over a range of them (``DELAY_RANGE`` × ``COMPLETENESS_RANGE``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..tablespec import TableSpec
from .fleet import decimal_year
from .schedule import SCHEDULE_INDICATOR

CLASSES = ("plant_conversion", "bus_fleet", "gas_connections", "other")
MEASURE_CLASS = {  # the class of each quantified measure (data/raw/programme_emission_measures.csv); others: other
    "tpp2_coal_to_gas": "plant_conversion",
    "tpp3_reconstruction": "plant_conversion",
    "bus_diesel_to_gas_electric": "bus_fleet",
    "agglomeration_gasification_stage1": "gas_connections",
    "agglomeration_gasification_stage2": "gas_connections",
}
RECORD_INDICATORS = {"plant_conversion": SCHEDULE_INDICATOR}  # classes with a dated record of their completion year
DELAY_RANGE = (0.0, 1.0, 2.0)  # mean delays (years) the classes without a record are shown over
COMPLETENESS_RANGE = (0.8, 0.9, 1.0)  # and mean completeness


def measure_class(measure: str) -> str:
    return MEASURE_CLASS.get(measure, "other")


def record(statements: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """The dated statements of a completion year: ``date, year`` (decimal), ``completion`` (end of the stated year), source."""
    rows = statements[statements["indicator"] == indicator].sort_values("date", kind="stable")
    return pd.DataFrame(
        {
            "date": rows["date"].astype(str).to_numpy(),
            "year": rows["date"].map(decimal_year).to_numpy(dtype=float),
            "completion": rows["value"].to_numpy(dtype=float) + 1.0,
            "source": rows["source_url"].astype(str).to_numpy(),
        }
    )


def fit_slippage(points: pd.DataFrame) -> dict | None:
    """Least squares of the announced completion on the statement's date: ``rate`` (never below 0), ``intercept``,
    ``slope`` (as fitted), ``n``, ``latest`` (the newest statement's decimal date); None with fewer than two statements."""
    if len(points) < 2 or points["year"].nunique() < 2:
        return None
    slope, intercept = np.polyfit(points["year"].to_numpy(dtype=float), points["completion"].to_numpy(dtype=float), 1)
    return {"rate": float(max(slope, 0.0)), "slope": float(slope), "intercept": float(intercept), "n": len(points), "latest": float(points["year"].max())}


def class_parameters(plan: pd.DataFrame, statements: pd.DataFrame, params: dict) -> pd.DataFrame:
    """Per quantified measure: class, Poisson delay mean and completeness mean, and the basis of each (record or assumption)."""
    delay, completeness = float(params["measure_delay_mean_years"]), float(params["measure_completeness_mean"])
    fits = {c: fit_slippage(record(statements, ind)) for c, ind in RECORD_INDICATORS.items()} if params["delivery_risk_basis"] == "record" else {}
    rows = []
    for measure, full_year in plan.groupby("measure", sort=False)["full_year"].max().items():
        cls = measure_class(measure)
        fit = fits.get(cls)
        if fit is None:
            mean, basis = delay, "assumption: measure_delay_mean_years (no dated record of the class in the vintage)"
        else:
            mean = fit["rate"] * max(float(full_year) + 1 - fit["latest"], 0.0)
            basis = (f"record: slippage {fit['rate']:.2f} years a year from {fit['n']} dated statements x "
                     f"{max(float(full_year) + 1 - fit['latest'], 0.0):.2f} years from the newest to the end of {int(full_year)}")
        rows.append({"measure": measure, "measure_class": cls, "delay_mean_years": round(mean, 4), "completeness_mean": completeness,
                     "delay_basis": basis, "completeness_basis": "assumption: measure_completeness_mean (no dated outcome of any class)"})
    return pd.DataFrame(rows)


def record_table(statements: pd.DataFrame) -> pd.DataFrame:
    """Every class's record with the fitted completion at each statement's date (the fit shown)."""
    parts = []
    for cls, indicator in RECORD_INDICATORS.items():
        points = record(statements, indicator)
        fit = fit_slippage(points)
        fitted = np.nan if fit is None else fit["intercept"] + fit["slope"] * points["year"]
        parts.append(points.assign(measure_class=cls, fitted_completion=np.round(fitted, 3), rate=np.nan if fit is None else round(fit["rate"], 4)))
    out = pd.concat(parts, ignore_index=True)
    return out[["measure_class", "date", "year", "completion", "fitted_completion", "rate", "source"]].assign(year=lambda f: f["year"].round(3))


TABLES: dict[str, TableSpec] = {
    "emissions_delivery_record": TableSpec(
        "The dated record of completion years behind the delivery risk, with the fitted slippage (the fit shown)",
        {
            "measure_class": ("", "class of measure with a record: plant_conversion"),
            "date": ("date", "date of the statement"),
            "year": ("year", "the date as a decimal year"),
            "completion": ("year", "announced completion: the end of the stated year, as a decimal year"),
            "fitted_completion": ("year", "least-squares line of the completion on the date"),
            "rate": ("years per year", "slippage: years of delay per year elapsed (slope, never below 0); empty with fewer than 2 statements"),
            "source": ("", "where the statement is printed"),
        },
        "emissions/delivery.py on data/raw/dated_statements.csv (tpp2_conversion_schedule)",
    ),
    "emissions_delivery": TableSpec(
        "Delivery risk of each quantified measure: its class, Poisson delay mean and completeness mean, and where each comes from",
        {
            "measure": ("", "measure id"),
            "measure_class": ("", "plant_conversion, bus_fleet, gas_connections or other"),
            "delay_mean_years": ("years", "mean of the Poisson delay"),
            "completeness_mean": ("share", "mean of the Beta completeness"),
            "delay_basis": ("", "record (the fit) or assumption"),
            "completeness_basis": ("", "record or assumption"),
        },
        "emissions/delivery.py",
    ),
    "emissions_delivery_range": TableSpec(
        "Chance of meeting 78 kt (city, programme) in 2030-2032 over a range of delay and completeness for the classes without a record",
        {
            "delay_mean_years": ("years", "mean Poisson delay of the classes without a record"),
            "completeness_mean": ("share", "mean completeness of every class"),
            "year": ("year", "calendar year"),
            "median_kt": ("thousand t/yr", "median of the trajectories"),
            "share_meeting_target": ("share", "share of trajectories at or below 78 kt"),
        },
        "emissions/delivery.py; simulation.simulate with each pair",
    ),
}
