"""TPP-2 by fuel and pollutant: the programme's aggregate tonnes split with EMEP/EEA emission factors.

The programme's tonnages are aggregate masses of all pollutants. TPP-2 is split into its coal part and its
gas blocks (0.83 kt each, line 4317): gas = block 1 from stage 1 of the conversion plus the remaining
blocks up to the printed level from stage 2, each times its ramp and delivery; coal = the rest. Each part
splits by pollutant (TSP, SO2, NOx, CO, NMVOC) in proportion to its EMEP/EEA 2019 emission factors (hard-coal
boilers; natural gas). Road transport is not split: the programme gives no fuel use or vehicle-kilometres,
so it stays an aggregate; for the same reason costs are not divided into a cost per tonne.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..tablespec import TableSpec
from .measures import TPP2_STAGES, ramp
from .simulation import EmissionsForecast
from .sources import EMISSION_SCENARIOS, SOURCE_IDS

POLLUTANTS = ("TSP", "SOx", "NOx", "CO", "NMVOC")  # EMEP/EEA names; SOx as SO2, NOx as NO2


def pollutant_shares(factors: pd.DataFrame) -> pd.DataFrame:
    """Share of each pollutant in a fuel's aggregate mass (rows tpp2_coal / tpp2_gas, columns POLLUTANTS).

    share = factor / Σ factors over TSP, SOx, NOx, CO, NMVOC (EMEP/EEA, g/GJ); the programme's
    tonnages are sums of these pollutants, so a fuel's tonnes split in these proportions.
    """
    rows = factors[factors["used_for"].isin(["tpp2_coal", "tpp2_gas"])]
    table = rows.pivot_table(index="used_for", columns="pollutant", values="value", aggfunc="sum")[list(POLLUTANTS)]
    return table.div(table.sum(axis=1), axis=0)


def tpp2_by_fuel(
    tpp2: np.ndarray, plan: pd.DataFrame, years: np.ndarray, programme: pd.DataFrame, *, delays=None, completeness=None
) -> dict[str, np.ndarray]:
    """TPP-2 emissions (…, T) split into gas blocks and coal: gas = block 1 (0.83 kt, line 4317) from stage 1 plus the
    remaining blocks up to the printed level from stage 2, each times its ramp and completeness; coal = the rest."""
    block = float(programme.set_index("figure_id").loc[TPP2_STAGES[1], "value"]) / 1000
    gas = np.zeros_like(tpp2)
    m = len(plan)
    lead = tpp2.shape[:-1]
    delays = np.broadcast_to(np.zeros(m) if delays is None else np.asarray(delays, dtype=float), lead + (m,))
    completeness = np.broadcast_to(np.ones(m) if completeness is None else np.asarray(completeness, dtype=float), lead + (m,))
    for j, row in enumerate(plan.itertuples(index=False)):
        if row.measure != "tpp2_coal_to_gas":
            continue
        size = completeness[..., j, None] * ramp(years, row.start_year + delays[..., j], row.full_year + delays[..., j])
        gas += size * (block if row.component == "stage1" else row.effect - block)
    gas = np.minimum(gas, tpp2)
    return {"gas": gas, "coal": tpp2 - gas}


def pollutants_table(fc: EmissionsForecast, programme: pd.DataFrame, shares: pd.DataFrame) -> pd.DataFrame:
    """TPP-2 by fuel and pollutant, every scenario: ``year, emission_scenario, fuel, pollutant, median_kt, scheduled_kt``.

    ``median_kt`` is the median over the Monte Carlo trajectories (each split with its own delivery draws), the central
    figure as everywhere; ``scheduled_kt`` splits the as-scheduled path."""
    t = SOURCE_IDS.index("tpp2")
    risk = fc.risk or {"delays": None, "completeness": None}
    extra = 0 if risk["delays"] is None else risk["delays"]
    done = 1 if risk["completeness"] is None else risk["completeness"]
    timing = {
        "baseline": (None, None),
        "programme": ({}, {"delays": risk["delays"], "completeness": risk["completeness"]}),
        "delayed": (
            {"delays": fc.delayed["delays"], "completeness": fc.delayed["delivery"]},
            {"delays": fc.delayed["delays"] + extra, "completeness": fc.delayed["delivery"] * done},
        ),
    }

    def split(tpp2, when):
        if when is None:
            return {"coal": tpp2, "gas": np.zeros_like(tpp2)}
        return tpp2_by_fuel(tpp2, fc.wedge_plan, fc.years, programme, **when)

    rows = []
    for scenario in EMISSION_SCENARIOS:
        scheduled = split(fc.central[scenario][t], timing[scenario][0])
        simulated = split(fc.simulations[scenario][:, t], timing[scenario][1])
        for fuel in scheduled:
            for pollutant in POLLUTANTS:
                share = float(shares.loc[f"tpp2_{fuel}", pollutant])
                rows.append(
                    pd.DataFrame(
                        {
                            "year": fc.years,
                            "emission_scenario": scenario,
                            "fuel": fuel,
                            "pollutant": pollutant,
                            "median_kt": (np.median(simulated[fuel], axis=0) * share).round(5),
                            "scheduled_kt": (scheduled[fuel] * share).round(5),
                        }
                    )
                )
    return pd.concat(rows, ignore_index=True)


TABLES: dict[str, TableSpec] = {
    "emissions_pollutants": TableSpec(
        "TPP-2 emissions by fuel (coal, gas blocks) and pollutant, every emission scenario: median of the trajectories and as scheduled",
        {
            "year": ("year", "calendar year"),
            "emission_scenario": ("", "baseline, programme or delayed"),
            "fuel": ("", "coal (the coal boilers) or gas (the gas blocks, 0.83 kt each, line 4317)"),
            "pollutant": ("", "TSP (total suspended particulates), SOx (as SO2), NOx (as NO2), CO, NMVOC"),
            "median_kt": (
                "thousand t/yr",
                "median over the Monte Carlo trajectories of the fuel's tonnes times the pollutant's share of its EMEP/EEA emission factors: the central figure",
            ),
            "scheduled_kt": ("thousand t/yr", "the same split of the as-scheduled path (every measure on time and complete)"),
        },
        "emissions/pollutants.py; data/raw/emep_eea_emission_factors.csv (EMEP/EEA guidebook 2019, tables 3-4 and 3-11)",
    ),
}
