"""TPP-2 by fuel and pollutant: the programme's aggregate tonnes split with the coal's own emission factors.

The programme's tonnages are aggregate masses of all pollutants. TPP-2 is split into its coal part and its
gas blocks (0.83 kt each, line 4317): gas = block 1 from stage 1 of the conversion plus the remaining
blocks up to the printed level from stage 2, each times its ramp and delivery; coal = the rest. Each part
splits by pollutant (TSP, SO2, NOx, CO, NMVOC) in proportion to its emission factors (g/GJ), so the parts
keep the programme's tonnes and no factor is fitted to them:

* *Gas blocks*: EMEP/EEA 2019 Tier 1 natural gas (1.A.1.a, Table 3-4).
* *Coal boilers*: particulates from the coal's ash, not a European plant's. Uncontrolled filterable PM
  = 5A kg a tonne of coal (US EPA AP-42 section 1.1, Table 1.1-4, pulverized coal, dry bottom; A = 42, the
  ash of TPP-2's Ekibastuz coal, line 4263), per GJ at the coal's heating value (the middle of 12.06-15.49
  MJ/kg, Mining Encyclopedia 1984), times 1 − ``tpp2_particulate_capture`` (the wet ash collectors;
  assumption 0.97 inside AP-42's estimated efficiencies of multiple cyclones, 0.94, and ESPs, 0.992: no
  efficiency for TPP-2 was published by 31 March 2024). SOx, NOx, CO and NMVOC keep EMEP/EEA's factors for
  dry-bottom hard-coal boilers (1.A.1.a, Table 3-11): TPP-2 has no desulphurisation or NOx control, and no
  sulphur content of its coal was found ("low-sulphur" is all the encyclopedia prints).

PM2.5 is a part of TSP, not added to the split: each fuel's TSP times its EMEP/EEA PM2.5 / TSP ratio (coal
3.4 / 11.4, the fine share of what leaves the collectors; gas 1). Table ``emissions_tpp2_species`` gives
TSP, PM2.5, SO2 and NOx in the inventory and target years, baseline against programme: the gas conversion's
effect on each. Road transport is not split: the programme gives no fuel use or vehicle-kilometres, so it
stays an aggregate; for the same reason costs are not divided into a cost per tonne.

Checks of these figures against the fuel (``checks_table``, table ``emissions_pollutant_checks``) and the
split over the range of its assumptions (``capture_range_table``, table ``emissions_tpp2_capture_range``):

* *TPP-2 from its fuel.* Where the vintage holds the coal burned (1.5 million t a heating season, statement
  of 16 November 2023), the fuel-based total = coal × heating value × Σ factors, set beside the programme's
  TPP-2 tonnes of the inventory year; the capture at which the two agree is shown, not used. The
  uncontrolled particulates (coal × 5A) and the capture the split implies (1 − split TSP / uncontrolled) and
  the statement's ash (660 thousand t) beside the ash in the coal (coal × A).
* *Gasified houses against EMEP Tier 1.* The programme's 10.3 kt over 134 thousand gasified houses (line 4255)
  per house, the sum of the five EMEP/EEA Tier 1 factors for residential plants on gas (1.A.4.b.i, Table 3-4,
  g/GJ) and the gas a house would have to burn for the programme's figure at those factors (kg / (g/GJ)).
  The model keeps the programme's figure: it is the inventory the 78 kt target is set against.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..params import Param
from ..tablespec import TableSpec
from .measures import TPP2_STAGES, ramp
from .simulation import EmissionsForecast
from .sources import EMISSION_SCENARIOS, SOURCE_IDS, EmissionsError

POLLUTANTS = ("TSP", "SOx", "NOx", "CO", "NMVOC")  # EMEP/EEA names; SOx as SO2, NOx as NO2
SPECIES = ("TSP", "PM2.5", "SOx", "NOx")  # what emissions_tpp2_species shows (PM2.5 a part of TSP)
FUELS = {"coal": "tpp2_coal", "gas": "tpp2_gas"}  # fuel -> used_for in emep_eea_emission_factors
HEATING_VALUE = ("ekibastuz_coal_heating_value_min", "ekibastuz_coal_heating_value_max")  # dated_statements, MJ/kg
CAPTURE_RANGE = ("multiple_cyclone_capture", "esp_capture")  # ap42_emission_factors: the capture range shown
COAL_BURNED = "tpp2_coal_burned_heating_season"  # dated_statements, t (statement of 16 November 2023)

PARAMETERS: dict[str, Param] = {
    "tpp2_particulate_capture": Param(
        float,
        "share of the particulates leaving TPP-2's coal boilers that its wet ash collectors (emulsifiers) catch (assumption: 0.97, "
        "inside AP-42's estimated efficiencies of multiple cyclones, 0.94, and ESPs, 0.992; no efficiency for TPP-2 was published by "
        "31 March 2024); the split over that range is in emissions_tpp2_capture_range",
        0.97,
        min=0.0,
        max=1.0,
        unit="share",
    ),
}


def coal_properties(inputs: dict[str, pd.DataFrame]) -> dict[str, float]:
    """What the coal part's particulates come from: ``ash`` (%, line 4263), ``pm_factor`` (AP-42 kg/t per % ash),
    ``heating_value`` (MJ/kg = GJ/t, the middle of the dated range) with ``heating_low`` / ``heating_high``, the
    capture range ``capture_low`` / ``capture_high`` (AP-42's multiple cyclones and ESPs) and ``coal_burned`` (t a
    heating season, NaN where the vintage has no coal figure)."""
    statements = inputs["dated_statements"].set_index("indicator")["value"].astype(float)
    missing = [name for name in HEATING_VALUE if name not in statements.index]
    if missing:
        raise EmissionsError(f"dated_statements: no {', '.join(missing)} (MJ/kg) in the vintage; TPP-2's coal split needs the heating value")
    ap42 = inputs["ap42_emission_factors"].set_index("factor_id")["value"].astype(float)
    low, high = (float(statements[name]) for name in HEATING_VALUE)
    return {
        "ash": float(inputs["programme_emissions"].set_index("figure_id").loc["tpp2_coal_ash", "value"]),
        "pm_factor": float(ap42["pc_dry_bottom_pm"]),
        "heating_value": (low + high) / 2,
        "heating_low": low,
        "heating_high": high,
        "capture_low": float(ap42[CAPTURE_RANGE[0]]),
        "capture_high": float(ap42[CAPTURE_RANGE[1]]),
        "coal_burned": float(statements.get(COAL_BURNED, np.nan)),
    }


def coal_tsp_factor(coal: dict[str, float], capture: float, heating_value: float | None = None) -> float:
    """TSP of the coal boilers, g/GJ: A × 5 kg/t (AP-42 Table 1.1-4, uncontrolled) × 1000 / heating value (GJ/t) × (1 − capture)."""
    return coal["ash"] * coal["pm_factor"] * 1000 / (heating_value or coal["heating_value"]) * (1 - capture)


def fuel_factors(factors: pd.DataFrame, coal_tsp: float) -> pd.DataFrame:
    """Emission factors (g/GJ) by fuel (rows coal, gas) and pollutant (columns ``POLLUTANTS``): EMEP/EEA's, with the coal's TSP
    replaced by ``coal_tsp`` (``coal_tsp_factor``)."""
    rows = factors[factors["used_for"].isin(FUELS.values()) & factors["pollutant"].isin(POLLUTANTS)]
    table = rows.pivot_table(index="used_for", columns="pollutant", values="value", aggfunc="sum")[list(POLLUTANTS)]
    table = table.rename(index={v: k for k, v in FUELS.items()}).loc[list(FUELS)]
    table.loc["coal", "TSP"] = coal_tsp
    return table


def pollutant_shares(factors: pd.DataFrame) -> pd.DataFrame:
    """Share of each pollutant in a fuel's aggregate mass (rows coal / gas, columns POLLUTANTS): factor / Σ factors
    (``fuel_factors``); the programme's tonnages are sums of these pollutants, so a fuel's tonnes split in these proportions."""
    return factors.div(factors.sum(axis=1), axis=0)


def fine_shares(factors: pd.DataFrame) -> dict[str, float]:
    """PM2.5 / TSP of each fuel from EMEP/EEA (coal 3.4 / 11.4 g/GJ, Table 3-11; gas 0.89 / 0.89, Table 3-4)."""
    out = {}
    for fuel, used_for in FUELS.items():
        rows = factors[factors["used_for"] == used_for].set_index("pollutant")["value"].astype(float)
        out[fuel] = float(rows["PM2.5"] / rows["TSP"])
    return out


def _fuel_based_total_kt(coal_t: float, heating_value: float, factors: pd.Series) -> float:
    """Coal burned (t) × heating value (GJ/t) × Σ factors (g/GJ), in thousand t."""
    return coal_t * heating_value * float(factors.sum()) / 1e9


def _baseline_in(pollutants: pd.DataFrame, year: int) -> pd.DataFrame:
    """The baseline rows of ``pollutants_table``'s frame in ``year`` (the inventory year: TPP-2's printed tonnes)."""
    return pollutants[(pollutants["year"] == year) & (pollutants["emission_scenario"] == "baseline")]


def checks_table(
    inputs: dict[str, pd.DataFrame], pollutants: pd.DataFrame, inventory_year: int, capture: float, coal: dict[str, float]
) -> pd.DataFrame:
    """TPP-2 from its fuel and the gasified houses against EMEP Tier 1: ``check, quantity, value, unit``.

    ``inputs`` holds ``emep_eea_emission_factors``, ``ap42_emission_factors``, ``dated_statements``,
    ``programme_emissions`` and ``programme_emission_inventory``; ``pollutants`` is ``pollutants_table``'s frame;
    ``capture`` the parameter ``tpp2_particulate_capture``; ``coal`` is ``coal_properties``. The method is the
    module's (TPP-2 rows only where the vintage holds the coal burned)."""
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
    coal_t = coal["coal_burned"]
    if not np.isnan(coal_t):
        uncontrolled_kt = coal_t * coal["pm_factor"] * coal["ash"] / 1e6
        first = _baseline_in(pollutants, inventory_year)
        split_kt = float(first.loc[first["pollutant"] == "TSP", "scheduled_kt"].sum())
        programme_kt = float(first["scheduled_kt"].sum())
        coal_factors = fuel_factors(factors, coal_tsp_factor(coal, capture)).loc["coal"]
        other = float(coal_factors.drop("TSP").sum())
        # capture at which coal x heating value x factors = the programme's tonnes (shown, not used)
        agreeing = 1 - (programme_kt * 1e9 / (coal_t * coal["heating_value"]) - other) / coal_tsp_factor(coal, 0.0)
        rows += [
            ("tpp2_fuel", "coal_burned", coal_t / 1000, "thousand t/yr"),
            ("tpp2_fuel", "heating_value_used", coal["heating_value"], "MJ/kg"),
            ("tpp2_fuel", "particulate_capture_used", capture, "share"),
            ("tpp2_fuel", "fuel_based_total", _fuel_based_total_kt(coal_t, coal["heating_value"], coal_factors), "thousand t/yr"),
            ("tpp2_fuel", "programme_tpp2_inventory_year", programme_kt, "thousand t/yr"),
            ("tpp2_fuel", "capture_at_which_fuel_based_total_is_the_programme", agreeing, "share"),
            ("tpp2_particulates", "ash_in_coal", coal_t * coal["ash"] / 100 / 1000, "thousand t/yr"),
            ("tpp2_particulates", "ash_produced_stated", float(statements.get("tpp2_ash_produced_heating_season", np.nan)) / 1000, "thousand t/yr"),
            ("tpp2_particulates", "uncontrolled_particulates_ap42", uncontrolled_kt, "thousand t/yr"),
            ("tpp2_particulates", "tsp_of_the_split", split_kt, "thousand t/yr"),
            ("tpp2_particulates", "capture_implied_by_the_split", 1 - split_kt / uncontrolled_kt, "share"),
        ]
    frame = pd.DataFrame(rows, columns=["check", "quantity", "value", "unit"])
    frame["value"] = frame["value"].round(6)
    return frame


def capture_range_table(
    coal: dict[str, float], factors: pd.DataFrame, pollutants: pd.DataFrame, inventory_year: int, capture: float
) -> pd.DataFrame:
    """The coal split over its assumptions: capture (AP-42's multiple cyclones, the parameter, ESPs) × heating value (low,
    middle, high of the dated range): ``capture, heating_value, coal_tsp_g_per_gj, coal_tsp_share, coal_tsp_kt, fuel_based_total_kt``.

    ``coal`` is ``coal_properties``, ``factors`` the EMEP/EEA table. ``coal_tsp_kt`` is the coal part's TSP in the
    inventory year at that split (its tonnes × the TSP share); ``fuel_based_total_kt`` = coal burned × heating value
    × Σ factors, empty where the vintage has no coal figure."""
    first = _baseline_in(pollutants, inventory_year)
    coal_kt = float(first.loc[first["fuel"] == "coal", "scheduled_kt"].sum())
    rows = []
    for level in sorted({coal["capture_low"], capture, coal["capture_high"]}):
        for heating in (coal["heating_low"], coal["heating_value"], coal["heating_high"]):
            tsp = coal_tsp_factor(coal, level, heating)
            coal_factors = fuel_factors(factors, tsp).loc["coal"]
            share = tsp / float(coal_factors.sum())
            rows.append((level, heating, tsp, share, coal_kt * share, _fuel_based_total_kt(coal["coal_burned"], heating, coal_factors)))
    frame = pd.DataFrame(rows, columns=["capture", "heating_value", "coal_tsp_g_per_gj", "coal_tsp_share", "coal_tsp_kt", "fuel_based_total_kt"])
    return frame.round(6)


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
                share = float(shares.loc[fuel, pollutant])
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


def species_table(pollutants: pd.DataFrame, fine_share: dict[str, float], years: tuple[int, int]) -> pd.DataFrame:
    """TSP, PM2.5, SO2 and NOx of TPP-2 (both fuels) in ``years`` (inventory, target), baseline against programme, the
    medians: ``year, pollutant, baseline_kt, programme_kt, conversion_effect_kt, conversion_effect_share``.

    PM2.5 = Σ over fuels of the fuel's TSP × its PM2.5 / TSP (``fine_shares``); the effect is programme − baseline
    (TPP-2's only measures are its boiler retirement and gas conversion), its share of the baseline."""
    shown = pollutants[pollutants["year"].isin(years) & pollutants["emission_scenario"].isin(["baseline", "programme"])]
    tsp = shown[shown["pollutant"] == "TSP"]
    pm25 = tsp.assign(pollutant="PM2.5", median_kt=tsp["median_kt"] * tsp["fuel"].map(fine_share))
    both = pd.concat([shown[shown["pollutant"].isin(SPECIES)], pm25])
    wide = both.pivot_table(index=["year", "pollutant"], columns="emission_scenario", values="median_kt", aggfunc="sum")
    wide = wide.reindex(pd.MultiIndex.from_product([sorted(years), list(SPECIES)], names=["year", "pollutant"]))
    table = pd.DataFrame({"baseline_kt": wide["baseline"], "programme_kt": wide["programme"]}).reset_index()
    table["conversion_effect_kt"] = table["programme_kt"] - table["baseline_kt"]
    table["conversion_effect_share"] = table["conversion_effect_kt"] / table["baseline_kt"]
    return table.round(5)


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
                "median over the Monte Carlo trajectories of the fuel's tonnes times the pollutant's share of its emission factors (coal TSP from the ash, AP-42; the rest EMEP/EEA): the central figure",
            ),
            "scheduled_kt": ("thousand t/yr", "the same split of the as-scheduled path (every measure on time and complete)"),
        },
        "emissions/pollutants.py; data/raw/emep_eea_emission_factors.csv (EMEP/EEA guidebook 2019, tables 3-4 and 3-11); "
        "data/raw/ap42_emission_factors.csv (AP-42 1.1, Table 1.1-4); data/raw/dated_statements.csv (heating value)",
    ),
    "emissions_pollutant_checks": TableSpec(
        "TPP-2 from its fuel (coal x heating value x factors against the programme's tonnes; particulates against the ash, AP-42) "
        "and the gasified houses against EMEP/EEA Tier 1",
        {
            "check": ("", "tpp2_fuel and tpp2_particulates (rows only where the vintage holds the coal burned) or residential_gas"),
            "quantity": (
                "",
                "coal_burned, heating_value_used (middle of 12.06-15.49 MJ/kg), particulate_capture_used (parameter "
                "tpp2_particulate_capture), fuel_based_total (coal x heating value x the split's factors), "
                "programme_tpp2_inventory_year (the programme's TPP-2 tonnes), capture_at_which_fuel_based_total_is_the_programme "
                "(shown, not used); ash_in_coal (coal x ash share, line 4263), ash_produced_stated, uncontrolled_particulates_ap42 "
                "(coal x 5A kg/t), tsp_of_the_split (inventory year), capture_implied_by_the_split (1 - split / uncontrolled); "
                "programme_emission_per_gasified_house (10.3 kt / 134 thousand houses), emep_tier1_sum_of_factors "
                "(TSP + SOx + NOx + CO + NMVOC, 1.A.4.b.i), gas_burned_per_house_implied_at_tier1 (kg / (g/GJ))",
            ),
            "value": ("in the unit of the row", "the quantity"),
            "unit": ("", "unit of the value"),
        },
        "emissions/pollutants.py; data/raw/ap42_emission_factors.csv (AP-42 1.1, Table 1.1-4); data/raw/emep_eea_emission_factors.csv "
        "(EMEP/EEA 2019, 1.A.1 Table 3-11, 1.A.4 Table 3-4); data/raw/dated_statements.csv (coal and ash, 16 November 2023; "
        "heating value, Mining Encyclopedia 1984)",
    ),
    "emissions_tpp2_species": TableSpec(
        "TPP-2's particulates (TSP, PM2.5), SO2 and NOx in the inventory and target years, baseline against programme: "
        "the gas conversion's effect on each (medians of the trajectories)",
        {
            "year": ("year", "the inventory year (2021) and the target year (2030)"),
            "pollutant": ("", "TSP (total suspended particulates), PM2.5 (a part of TSP), SOx (as SO2), NOx (as NO2)"),
            "baseline_kt": ("thousand t/yr", "baseline (no measures): median of the trajectories, coal and gas together"),
            "programme_kt": ("thousand t/yr", "programme (with delivery risk): median of the trajectories"),
            "conversion_effect_kt": ("thousand t/yr", "programme - baseline: the boiler retirement and the gas conversion"),
            "conversion_effect_share": ("share", "the effect as a share of the baseline"),
        },
        "emissions/pollutants.py (table emissions_pollutants; PM2.5 / TSP from data/raw/emep_eea_emission_factors.csv)",
    ),
    "emissions_tpp2_capture_range": TableSpec(
        "The coal part's particulates over the assumptions they rest on: the collectors' capture (AP-42's multiple cyclones, "
        "the parameter, ESPs) and the coal's heating value (low, middle, high of the dated range)",
        {
            "capture": ("share", "share of the boilers' particulates the collectors catch"),
            "heating_value": ("MJ/kg", "heating value of the coal (12.06-15.49, Mining Encyclopedia 1984)"),
            "coal_tsp_g_per_gj": ("g/GJ", "TSP of the coal boilers: A x 5 kg/t x 1000 / heating value x (1 - capture)"),
            "coal_tsp_share": ("share", "TSP's share of the coal part's tonnes (with EMEP/EEA's SOx, NOx, CO, NMVOC)"),
            "coal_tsp_kt": ("thousand t/yr", "the coal part's TSP in the inventory year at that split"),
            "fuel_based_total_kt": (
                "thousand t/yr",
                "coal burned x heating value x the coal factors (empty where the vintage has no coal figure): compare the programme's TPP-2 tonnes",
            ),
        },
        "emissions/pollutants.py; data/raw/ap42_emission_factors.csv; data/raw/emep_eea_emission_factors.csv; data/raw/dated_statements.csv",
    ),
}
