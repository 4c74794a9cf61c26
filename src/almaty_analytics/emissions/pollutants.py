"""TPP-2 by fuel and pollutant: the programme's aggregate tonnes split with EMEP/EEA emission factors.

The programme's tonnages are aggregate masses of all pollutants. TPP-2 is split into its coal part and its
gas blocks (0.83 kt each, line 4317): gas = block 1 from stage 1 of the conversion plus the remaining
blocks up to the printed level from stage 2, each times its ramp and delivery; coal = the rest. Each part
splits by pollutant (TSP, SO2, NOx, CO, NMVOC) in proportion to its EMEP/EEA 2019 emission factors (hard-coal
boilers; natural gas). Road transport is not split: the programme gives no fuel use or vehicle-kilometres,
so it stays an aggregate; for the same reason costs are not divided into a cost per tonne.

Two checks of these figures against the fuel (``checks_table``, table ``emissions_pollutant_checks``):

* *TPP-2's particulates against its ash.* Uncontrolled particulates = coal burned × 5A kg a tonne (US EPA
  AP-42 section 1.1, Table 1.1-4, pulverized coal, dry bottom: 10A lb a short ton, A the ash percentage; A = 42,
  line 4263; coal 1.5 million t a heating season, statement of 16 November 2023). Set beside the TSP of the
  split in the inventory year, the capture the split implies is 1 − split / uncontrolled. The statement's ash
  (660 thousand t) is set beside the ash in the coal (coal × A). Before that statement (the mid-2022 vintage)
  there is no coal figure and only the residential check is shown.
* *Gasified houses against EMEP Tier 1.* The programme's 10.3 kt over 134 thousand gasified houses (line 4255)
  per house, the sum of the five EMEP/EEA Tier 1 factors for residential plants on gas (1.A.4.b.i, Table 3-4,
  g/GJ) and the gas a house would have to burn for the programme's figure at those factors (kg / (g/GJ)).
  The model keeps the programme's figure: it is the inventory the 78 kt target is set against.
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


def checks_table(
    inputs: dict[str, pd.DataFrame], pollutants: pd.DataFrame, inventory_year: int
) -> pd.DataFrame:
    """TPP-2's particulates against its ash and the gasified houses against EMEP Tier 1: ``check, quantity, value, unit``.

    ``inputs`` holds ``emep_eea_emission_factors``, ``ap42_emission_factors``, ``dated_statements``,
    ``programme_emissions`` and ``programme_emission_inventory``; ``pollutants`` is ``pollutants_table``'s frame.
    The method is the module's (TPP-2 rows only where the vintage holds the coal burned)."""
    programme = inputs["programme_emissions"].set_index("figure_id")["value"].astype(float)
    inventory = inputs["programme_emission_inventory"]
    gasified = inventory[(inventory["source_id"] == "housing_gasified") & inventory["used"]]
    per_house_kg = float(gasified["value"].iloc[0]) * 1e6 / (programme["houses_gasified"] * 1000)
    factors = inputs["emep_eea_emission_factors"]
    tier1 = float(factors.loc[factors["used_for"] == "residential_gas_check", "value"].sum())
    rows = [
        ("residential_gas", "programme_emission_per_gasified_house", per_house_kg, "kg/house/yr"),
        ("residential_gas", "emep_tier1_sum_of_factors", tier1, "g/GJ"),
        ("residential_gas", "gas_burned_per_house_implied_at_tier1", per_house_kg * 1000 / tier1, "GJ/house/yr"),
    ]
    statements = inputs["dated_statements"].set_index("indicator")["value"]
    if "tpp2_coal_burned_heating_season" in statements.index:
        coal_t = float(statements["tpp2_coal_burned_heating_season"])
        ash_pct = float(programme["tpp2_coal_ash"])
        pm_factor = float(inputs["ap42_emission_factors"].set_index("factor_id").loc["pc_dry_bottom_pm", "value"])
        uncontrolled_kt = coal_t * pm_factor * ash_pct / 1e6
        first = pollutants[(pollutants["year"] == inventory_year) & (pollutants["emission_scenario"] == "baseline")]
        split_kt = float(first.loc[first["pollutant"] == "TSP", "scheduled_kt"].sum())
        rows += [
            ("tpp2_particulates", "coal_burned", coal_t / 1000, "thousand t/yr"),
            ("tpp2_particulates", "ash_in_coal", coal_t * ash_pct / 100 / 1000, "thousand t/yr"),
            ("tpp2_particulates", "ash_produced_stated", float(statements.get("tpp2_ash_produced_heating_season", np.nan)) / 1000, "thousand t/yr"),
            ("tpp2_particulates", "uncontrolled_particulates_ap42", uncontrolled_kt, "thousand t/yr"),
            ("tpp2_particulates", "tsp_of_the_split", split_kt, "thousand t/yr"),
            ("tpp2_particulates", "capture_implied_by_the_split", 1 - split_kt / uncontrolled_kt, "share"),
        ]
    frame = pd.DataFrame(rows, columns=["check", "quantity", "value", "unit"])
    frame["value"] = frame["value"].round(6)
    return frame


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
    "emissions_pollutant_checks": TableSpec(
        "TPP-2's particulates against the ash of its coal (AP-42) and the gasified houses against EMEP/EEA Tier 1",
        {
            "check": ("", "tpp2_particulates (rows only where the vintage holds the coal burned) or residential_gas"),
            "quantity": (
                "",
                "coal_burned, ash_in_coal (coal x ash share, line 4263), ash_produced_stated, uncontrolled_particulates_ap42 "
                "(coal x 5A kg/t), tsp_of_the_split (inventory year), capture_implied_by_the_split (1 - split / uncontrolled); "
                "programme_emission_per_gasified_house (10.3 kt / 134 thousand houses), emep_tier1_sum_of_factors "
                "(TSP + SOx + NOx + CO + NMVOC, 1.A.4.b.i), gas_burned_per_house_implied_at_tier1 (kg / (g/GJ))",
            ),
            "value": ("in the unit of the row", "the quantity"),
            "unit": ("", "unit of the value"),
        },
        "emissions/pollutants.py; data/raw/ap42_emission_factors.csv (AP-42 1.1, Table 1.1-4); data/raw/emep_eea_emission_factors.csv "
        "(EMEP/EEA 2019, 1.A.4 Table 3-4); data/raw/dated_statements.csv (coal and ash, 16 November 2023)",
    ),
}
