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
    """TPP-2 by fuel and pollutant, central, every scenario: ``year, emission_scenario, fuel, pollutant, emissions_kt``."""
    t = SOURCE_IDS.index("tpp2")
    timing = {"baseline": None, "programme": {}, "delayed": {"delays": fc.delayed["delays"], "completeness": fc.delayed["delivery"]}}
    rows = []
    for scenario in EMISSION_SCENARIOS:
        tpp2 = fc.central[scenario][t]
        if timing[scenario] is None:
            parts = {"coal": tpp2, "gas": np.zeros_like(tpp2)}
        else:
            parts = tpp2_by_fuel(tpp2, fc.wedge_plan, fc.years, programme, **timing[scenario])
        for fuel, values in parts.items():
            for pollutant in POLLUTANTS:
                share = float(shares.loc[f"tpp2_{fuel}", pollutant])
                rows.append(
                    pd.DataFrame(
                        {
                            "year": fc.years,
                            "emission_scenario": scenario,
                            "fuel": fuel,
                            "pollutant": pollutant,
                            "emissions_kt": (values * share).round(5),
                        }
                    )
                )
    return pd.concat(rows, ignore_index=True)


TABLES: dict[str, TableSpec] = {
    "emissions_pollutants": TableSpec(
        "TPP-2 emissions by fuel (coal, gas blocks) and pollutant, central, every emission scenario",
        {
            "year": ("year", "calendar year"),
            "emission_scenario": ("", "baseline, programme or delayed"),
            "fuel": ("", "coal (the coal boilers) or gas (the gas blocks, 0.83 kt each, line 4317)"),
            "pollutant": ("", "TSP (total suspended particulates), SOx (as SO2), NOx (as NO2), CO, NMVOC"),
            "emissions_kt": ("thousand t/yr", "the fuel's tonnes times the pollutant's share of its EMEP/EEA emission factors"),
        },
        "emissions/pollutants.py; data/raw/emep_eea_emission_factors.csv (EMEP/EEA guidebook 2019, tables 3-4 and 3-11)",
    ),
}
