"""Sensitivity of the 2030 city total to each driver parameter (the tornado).

Each driver parameter of ``TORNADO_RANGES`` is set to the low and then the high end of its range, the others
kept at the run's values, and the central path (central population, every measure as scheduled, no
Monte Carlo) is recomputed; the swing is |high − low| of the 2030 city total. The measure plan and inventory
(``measure_setup``) do not depend on the driver parameters: they are made once for all cases.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..tablespec import TableSpec
from .delivery import COMPLETENESS_RANGE, DELAY_RANGE
from .simulation import central_paths, measure_setup, simulate
from .sources import boundary_total, target_year, year_column

# Driver parameters of the tornado: (low, high, where the range comes from).
TORNADO_RANGES: dict[str, tuple[float, float, str]] = {
    "heat_elasticity": (0.0, 1.0, "0 = CHP heat flat; 1 = heat proportional to households"),
    "tpp2_capacity_headroom": (1.0, 1.3, "assumption: 0-30% spare CHP output (no capacity figure in the sources)"),
    "household_size_change": (-0.01, 0.01, "assumption: household size -1% to +1% a year"),
    "fleet_scrappage_rate": (0.016, 0.064, "half to twice the rate of the registers 2016-2022 (line 5315, Dec 2016 register)"),
    "old_vehicle_emission_ratio": (2.0, 5.6, "EMEP/EEA light petrol: Euro 3 vs Euro 5 (about 2) to Euro 1 vs Euro 5 (5.6)"),
    "motorisation_growth": (-0.03, 0.02, "vehicles per resident -3% a year (about the registers 2016-2022) to +2% (assumption)"),
    "inbound_vehicle_growth": (0.0, 0.03, "0 to about twice the 1.7% of 2007-2022 (line 2060)"),
    "private_house_growth": (0.0, 0.02, "assumption: 0-2% more private houses a year"),
    "solid_fuel_house_change": (-0.1, 0.02, "assumption: solid-fuel houses gasified at 10% a year to growing 2% a year"),
    "other_stationary_growth": (-0.01, 0.028, "BNS 2014-2021 trend ± 2 standard errors"),
}


PINNED = {"motorisation_growth": {"motorisation_basis": "parameter"}}  # what varying a parameter needs set to take effect


def tornado(
    params: dict, inputs: dict[str, pd.DataFrame], population_years, population_central, scenario: str = "programme"
) -> pd.DataFrame:
    """2030 city total (central) with each driver parameter at its low and high value, the others at ``params``."""
    setup = measure_setup(params, inputs)
    years, paths = central_paths(params, inputs, population_years, population_central, setup)
    column = year_column(years, target_year(inputs["programme_emissions"]))
    centre = float(boundary_total(paths[scenario], "city")[column])
    rows = []
    for name, (low, high, reason) in TORNADO_RANGES.items():
        value = {}
        for end, x in (("low", low), ("high", high)):
            _, p = central_paths(params | {name: type(params[name])(x)} | PINNED.get(name, {}), inputs, population_years, population_central, setup)
            value[end] = float(boundary_total(p[scenario], "city")[column])
        rows.append(
            {
                "emission_scenario": scenario,
                "parameter": name,
                "value": str(params[name]),
                "low": low,
                "high": high,
                "emissions_low_kt": round(value["low"], 4),
                "emissions_high_kt": round(value["high"], 4),
                "central_kt": round(centre, 4),
                "swing_kt": round(abs(value["high"] - value["low"]), 4),
                "range_basis": reason,
            }
        )
    return pd.DataFrame(rows).sort_values("swing_kt", ascending=False).reset_index(drop=True)


def delivery_range(params: dict, inputs: dict[str, pd.DataFrame], population_years, population_central, population_simulations) -> pd.DataFrame:
    """The city's programme median and chance of meeting the target in the target year and the two after it, with the
    classes without a dated record at each mean delay of ``DELAY_RANGE`` and every class at each mean completeness of
    ``COMPLETENESS_RANGE`` (the record's classes keep their fitted delay); the same seed for every pair."""
    target = float(inputs["programme_emissions"].set_index("figure_id").loc["target_total_2030", "value"])
    first = target_year(inputs["programme_emissions"])
    rows = []
    for delay in DELAY_RANGE:
        for completeness in COMPLETENESS_RANGE:
            run = params | {"measure_delay_mean_years": delay, "measure_completeness_mean": completeness}
            fc = simulate(run, inputs, population_years, population_central, population_simulations)
            city = boundary_total(fc.simulations["programme"], "city")
            for year in range(first, first + 3):
                if year in set(fc.years):
                    sims = city[:, year_column(fc.years, year)]
                    rows.append({"delay_mean_years": delay, "completeness_mean": completeness, "year": year,
                                 "median_kt": round(float(np.median(sims)), 4), "share_meeting_target": round(float((sims <= target).mean()), 4)})
    return pd.DataFrame(rows)


TABLES: dict[str, TableSpec] = {
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
}
