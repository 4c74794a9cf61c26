"""Air-pollutant emissions of Almaty: the 2021 inventory, a growth-driven baseline and the programme's measures as wedges.

Tonnages are the aggregate mass of all pollutants (thousand tonnes a year, kt), as the programme
prints them, except where split by pollutant (TPP-2); there are no greenhouse gases.

* **Inventory (2021).** The programme's city inventory (001_22452510f78b59ea.txt:4253-4255):
  transport 70, stationary 46 of which TPP-2 36, private housing about 11 (gasified houses
  10.3, solid-fuel houses and dachas 0.867). "Other stationary" is the unprinted remainder
  46 − 36 = 10. The components add up to 127.167 against the printed "about 127": the
  private sector is printed as "about 11" for 11.167. The model keeps the components.
  TPP-2 is also printed as 37, 37.3 and "more than 38"; the model uses the 36 that sits
  inside the 127 (every value is in ``data/raw/programme_emission_inventory.csv``).
* **Boundaries.** ``city`` is the 127 inventory. ``city_plus`` adds the two sources outside
  the city that the programme's measures count: TPP-3 (12.2 kt in 2021, line 4263) and the
  non-gasified houses of the agglomeration, whose emissions the programme never prints;
  their base is a parameter (default: the 15.6 kt the programme removes by gasifying all
  82 thousand houses plus what those houses still emit on gas at the city's rate per
  gasified house, 10.3 kt / 134 thousand houses).
* **Baseline (no new measures).** Each source follows its own driver, indexed to 2021
  (every driver parameter is named in ``scenarios.PARAMETERS`` with the source of its default):
  - *TPP-2 and TPP-3* (coal CHP) follow district-heat demand, households raised to
    ``heat_elasticity``, bounded by their capacity: output cannot exceed ``tpp2_capacity_headroom``
    times 2021. Households = population of the population forecast / household size, the size
    changing at ``household_size_change`` a year.
  - *Private houses* follow the housing stock and gasification, not population: houses on gas grow
    at ``private_house_growth`` and take in the solid-fuel houses that are gasified; houses on
    solid fuel change at ``solid_fuel_house_change`` (each at its 2021 emission per house,
    10.3 kt / 134 thousand and 0.867 kt / 3,241, line 4255).
  - *Road transport* = vehicle activity × fleet emission factor. Activity mixes city vehicles
    (population × motorisation, ``motorisation_growth``) and vehicles entering daily
    (``inbound_vehicle_growth``), weighted 470 : 230 (line 331). The emission factor falls as new
    vehicles replace pre-2010 ones: 58% of the fleet was built before 2010 (Appendix 3, line 5315),
    ``fleet_renewal_rate`` of the fleet is renewed a year (oldest first), and a pre-2010 vehicle
    emits ``old_vehicle_emission_ratio`` times a newer one per km (assumption: about Euro 2 against
    about Euro 5; EMEP/EEA light petrol vehicles, ``data/raw/emep_eea_emission_factors.csv``).
  - *Other stationary* grows at ``other_stationary_growth`` (log-linear trend of BNS stationary
    emissions 2014-2021, after the 2013→2014 level shift); agglomeration houses are constant.
  Population is the population forecast (1 January); 2021 is put on the 2022 post-census basis by
  carrying the projection's first-year growth one year back. The tornado (``tornado``) shows the
  2030 city total at the low and high end of each driver parameter.
* **Measures as printed.** Every measure is a row of ``data/raw/programme_emission_measures.csv``;
  ``effect_form`` records the form the programme prints its effect in, and the model uses that
  form: ``level`` (the source emits the printed level after the measure: TPP-2 2.5 kt in 2030,
  line 4317), ``reduction`` (the printed tonnes are removed) or ``share``. Unquantified measures
  have no effect and are flagged. TPP-2 is two steps: the coal boiler retired before 2024 (−4.5)
  with gas block 1 added (+0.83), a reduction; then the remaining gas blocks to the printed 2.5 kt
  in 2030, a level. Each measure ramps linearly from its start year (effect 0) to its full-effect
  year (effect 1); the programme prints the full-effect year, the ramp is an assumption per measure
  (``DEFAULT_TIMING``). Reductions of one source never remove more than the source. Wedges add up:
  baseline − scenario = Σ wedges, by source and year.
* **Scenarios.** ``baseline`` (no measures), ``programme`` (every quantified measure on time,
  fully delivered), ``delayed`` (a deterministic stress case: every measure ``measure_delay_years``
  late, with per-measure delays and delivery shares).
* **Uncertainty, with delivery risk.** Monte Carlo: each trajectory takes one population
  trajectory, draws the motorisation, inbound-traffic and other-stationary growth rates (normal), a
  level error of the stationary sources exp(N(0, ``stationary_level_sd``)) calibrated on the backtest
  (conformal 80% quantile of the driver method's |log error| after 2014; coverage in ``calibrated_coverage``),
  and draws each measure's delivery: a delay of Poisson(``measure_delay_mean_years``) whole years
  (never early) and a completeness from a Beta distribution with mean ``measure_completeness_mean``
  and concentration ``measure_completeness_concentration`` (never more than printed). The same
  draws apply to the programme and (on top of its fixed delays) the delayed scenario. Intervals are
  the 10th and 90th percentiles, the central estimate is their median (``median_kt``) and the
  probability of meeting 78 kt is the share of trajectories at or below it. ``emissions_kt`` is the
  deterministic path (central population, every measure as scheduled, no delivery risk): with
  one-sided delay risk it lies at or below the simulated range, so reports lead with the median.
* **Pollutants.** The programme's tonnages are aggregate masses. TPP-2 is split into its coal part
  and its gas blocks (0.83 kt each, line 4317) and each part by pollutant (TSP, SO2, NOx, CO,
  NMVOC) with EMEP/EEA 2019 emission factors for hard-coal boilers and gas (table
  ``emissions_pollutants``, IAMC ``Emissions|<pollutant>|Energy|TPP-2``). Road transport is not
  split: the programme gives no fuel use or vehicle-kilometres and a sourced road-transport split
  by fuel was not assembled, so transport stays ``Emissions|Air pollutants``. For the same reason
  costs are not divided into a cost per tonne: tonnes of different pollutants are not comparable.
* **Backtest.** ``backtest_stationary`` forecasts Almaty's BNS stationary emissions 2005-2021 from
  rolling origins, horizons 1-5, within the segments of the 2013→2014 level shift, with the
  baseline's method (CHP share on heat demand with its cap, the rest on the log-linear trend)
  against naive, drift and log drift; MAPE and 80% coverage in ``backtest_summary``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from statistics import NormalDist

import numpy as np
import pandas as pd

from . import evaluation, history, io, population
from .params import Param
from .tablespec import TableSpec

BASE_YEAR = 2021  # year of the programme's inventory (001_22452510f78b59ea.txt:4253)
STATIONARY_SEGMENT_START = 2014  # first year of BNS stationary emissions with TPP-2 inside the city (level_shifts.csv)
TARGET_YEAR = 2030  # year of the programme's 78 kt target (heading at line 433, figure at line 443)
EMISSION_SCENARIOS = ("baseline", "programme", "delayed")
BOUNDARIES = ("city", "city_plus")
POLLUTANTS = ("TSP", "SOx", "NOx", "CO", "NMVOC")  # EMEP/EEA names; SOx as SO2, NOx as NO2
Z80 = NormalDist().inv_cdf(0.90)
Z95 = NormalDist().inv_cdf(0.975)
PROGRAMME_FILE = "001_22452510f78b59ea.txt"


@dataclass(frozen=True)
class Source:
    boundary: str  # city (inside the 127 inventory) or city_plus (outside the city, counted by the measures)
    driver: str  # vehicles, chp, gas_houses, solid_houses, other or constant
    label: str
    iamc: str  # IAMC variable below "Emissions|Air pollutants"


SOURCES: dict[str, Source] = {
    "transport": Source("city", "vehicles", "road transport", "Transport|Road"),
    "tpp2": Source("city", "chp", "TPP-2 (coal CHP in the city)", "Energy|TPP-2"),
    "stationary_other": Source("city", "other", "other stationary (industry, boiler houses)", "Industry and other stationary"),
    "housing_gasified": Source("city", "gas_houses", "private houses on gas", "Residential|Gasified houses"),
    "housing_solid_fuel": Source("city", "solid_houses", "private houses and dachas on solid fuel", "Residential|Solid-fuel houses"),
    "tpp3": Source("city_plus", "chp", "TPP-3 (coal CHP outside the city)", "Energy|TPP-3"),
    "agglomeration_houses": Source("city_plus", "constant", "agglomeration houses without gas", "Residential|Agglomeration houses"),
}
SOURCE_IDS = tuple(SOURCES)
STATIONARY_SOURCES = ("tpp2", "stationary_other")  # the city's stationary sources: what BNS form OOS counts
REGIONS = {"city": "Almaty city", "city_plus": "Almaty city plus TPP-3 and agglomeration houses"}

# Inventory source of each measure (programme_emission_measures.source_id -> model source).
MEASURE_SOURCE = {
    "tpp2": "tpp2",
    "tpp3": "tpp3",
    "transport": "transport",
    "stationary": "stationary_other",
    "housing_solid_fuel": "housing_solid_fuel",
    "agglomeration_houses": "agglomeration_houses",
}

# Timing the programme does not print: (full-effect year if not printed, ramp years, reason).
# The start year is full-effect year - ramp: the last year without effect.
DEFAULT_TIMING: dict[str, tuple[int | None, int, str]] = {
    "tpp2_coal_to_gas/stage1": (None, 1, "coal boiler retired 'before 2024' with gas block 1 (line 4317): a step"),
    "tpp2_coal_to_gas/stage2": (None, 4, "first stage done before 2026 (line 1364), then 3 gas blocks phased in to 2030 (line 4317)"),
    "tpp3_reconstruction": (None, 1, "the reconstructed plant is commissioned in 2030 (line 4361): a step"),
    "bus_diesel_to_gas_electric": (2025, 3, "no year printed; bus fleet renewal 2023-2025 (line 1129), CNG depots by 2025 (line 1131)"),
    "communal_vehicles_gas_electric": (None, 3, "'by the end of 2025' (line 4313); switching from 2023"),
    "car_use_reduction": (None, 5, "'in 2030' (line 4367); BRT lanes 2024-2025, hubs and parking by 2030: from 2026"),
    "agglomeration_gasification_stage1": (None, 3, "'by 2025' (line 4329); KTGA programme 2022-2026 (line 4327): from 2023"),
    "agglomeration_gasification_stage2": (None, 5, "'by 2030' (line 4329), after stage 1: from 2026"),
}
TPP2_STAGES = ("tpp2_boiler1_reduction", "tpp2_gas_block1_emissions")  # programme_emissions.csv figures of stage 1


class EmissionsError(ValueError):
    """An emission parameter or input is not acceptable."""


# ---------------------------------------------------------------- inventory


def _used(table: pd.DataFrame, source_id: str) -> pd.Series:
    rows = table[(table["source_id"] == source_id) & table["used"].astype(bool)]
    if len(rows) != 1:
        raise EmissionsError(f"programme_emission_inventory: expected one used row for {source_id!r}, found {len(rows)}")
    return rows.iloc[0]


def _kt(row: pd.Series) -> float:
    return float(row["value"]) / 1000 if row["unit"] == "t/yr" else float(row["value"])


def _line(citation: str) -> str:
    """'001_x.txt:4253;001_x.txt:4255' -> '4253;4255'."""
    return ";".join(part.rsplit(":", 1)[1] for part in str(citation).split(";") if ":" in part)


def inventory(table: pd.DataFrame, agglomeration_base_kt: float) -> pd.DataFrame:
    """2021 emissions of every modelled source (kt): ``source, boundary, emissions_kt, basis, source_line``."""
    if agglomeration_base_kt < 0:
        raise EmissionsError(f"parameter 'agglomeration_houses_base_kt': {agglomeration_base_kt} is negative; expected kt >= 0")
    rows = {sid: _used(table, sid) for sid in ("transport", "stationary", "tpp2", "housing_gasified", "housing_solid_fuel", "tpp3")}
    values = {
        "transport": (_kt(rows["transport"]), "printed", rows["transport"]["source"]),
        "tpp2": (_kt(rows["tpp2"]), "printed (36 of the 46 stationary)", rows["tpp2"]["source"]),
        "stationary_other": (
            _kt(rows["stationary"]) - _kt(rows["tpp2"]),
            "derived: stationary - TPP-2",
            rows["stationary"]["source"],
        ),
        "housing_gasified": (_kt(rows["housing_gasified"]), "printed", rows["housing_gasified"]["source"]),
        "housing_solid_fuel": (_kt(rows["housing_solid_fuel"]), "printed (867 t)", rows["housing_solid_fuel"]["source"]),
        "tpp3": (_kt(rows["tpp3"]), "printed (outside the city)", rows["tpp3"]["source"]),
        "agglomeration_houses": (agglomeration_base_kt, "assumed: parameter agglomeration_houses_base_kt", "4269;4329 (no base printed)"),
    }
    return pd.DataFrame(
        [
            {"source": s, "boundary": SOURCES[s].boundary, "emissions_kt": v, "basis": basis, "source_line": _line(line) or line}
            for s, (v, basis, line) in values.items()
        ]
    )


def printed_total(table: pd.DataFrame) -> float:
    """The city total as printed in the inventory (about 127 kt)."""
    return _kt(_used(table, "total"))


def agglomeration_base_from_data(measures: pd.DataFrame, inventory_table: pd.DataFrame, programme: pd.DataFrame) -> float:
    """Default base of the agglomeration houses: what gasifying all of them removes plus what they still emit on gas.

    = Σ agglomeration measures (8 + 7.6) + 82 thousand houses × (10.3 kt / 134 thousand gasified city houses).
    """
    figures = programme.set_index("figure_id")["value"]
    removed = measures.loc[measures["source_id"] == "agglomeration_houses", "reduction_kt"].sum()
    per_house = _kt(_used(inventory_table, "housing_gasified")) / float(figures["houses_gasified"])
    return float(removed + float(figures["agglomeration_houses_not_gasified"]) * per_house)


# ---------------------------------------------------------------- drivers


@dataclass(frozen=True)
class Drivers:
    """Baseline driver assumptions (scenario parameters of the same names, plus figures from data/raw)."""

    motorisation_growth: float  # change per year of vehicles per resident
    inbound_vehicle_growth: float  # change per year of vehicles entering the city daily
    inbound_share: float  # share of inbound vehicles in daily traffic (230 of 470 + 230, line 331)
    old_vehicle_share: float  # share of vehicles built before 2010 in 2022 (315,508 of 547,834, line 5315)
    fleet_renewal_rate: float  # share of the fleet replaced by new vehicles a year (old ones leave first)
    old_vehicle_emission_ratio: float  # emissions per km of a pre-2010 vehicle / a newer one
    heat_elasticity: float  # CHP heat demand against households
    household_size_change: float  # change per year of persons per household
    tpp2_capacity_headroom: float  # CHP output reachable, relative to 2021 (the cap)
    private_house_growth: float  # change per year of the stock of private houses on gas
    solid_fuel_house_change: float  # change per year of houses on solid fuel (negative = gasified)
    other_stationary_growth: float  # change per year of other stationary emissions (BNS trend)
    solid_per_gas_house: float  # houses on solid fuel per house on gas in 2021 (3,241 / 134 thousand, line 4255)


def inbound_share_from_data(programme: pd.DataFrame) -> float:
    """Share of vehicles from outside in the daily traffic: 230 / (470 + 230) (line 331; 230 also line 4257)."""
    figures = programme.set_index("figure_id")["value"]
    inbound, city = float(figures["inbound_daily_4257"]), float(figures["city_vehicles_daily"])
    return inbound / (inbound + city)


def inbound_growth_from_data(programme: pd.DataFrame) -> float:
    """Yearly growth of the inbound flow: about 180 thousand fifteen years before 2022 -> 230 thousand (line 2060)."""
    figures = programme.set_index("figure_id")["value"]
    return float((figures["inbound_daily_4257"] / figures["inbound_daily_15y_earlier"]) ** (1 / 15) - 1)


def fleet_from_data(programme: pd.DataFrame) -> dict[str, float]:
    """Fleet age mix of Appendix 3 (line 5315): share built before 2010 and the yearly renewal rate.

    renewal = vehicles built 2010-2019 / 10 years / all registered: the share of the fleet
    that new vehicles made up each year in the last full decade.
    """
    f = programme.set_index("figure_id")["value"].astype(float)
    total = f["fleet_age_1980_2009"] + f["fleet_age_2010_2019"] + f["fleet_age_2020_2022"]
    return {"old_share": float(f["fleet_age_1980_2009"] / total), "renewal_rate": float(f["fleet_age_2010_2019"] / 10 / total)}


def houses_from_data(programme: pd.DataFrame) -> float:
    """Private houses on solid fuel per house on gas, 2021: 3,241 / 134 thousand (line 4255)."""
    f = programme.set_index("figure_id")["value"].astype(float)
    return float(f["houses_solid_fuel"] / (f["houses_gasified"] * 1000))


def old_vehicle_ratio_from_factors(factors: pd.DataFrame) -> float:
    """Emissions per km of an about-Euro-2 against an about-Euro-5 light petrol vehicle (CO + NOx + NMVOC, EMEP/EEA)."""
    rows = factors[factors["used_for"] == "old_vehicle_emission_ratio"]
    old = rows.loc[rows["technology"] == "Euro 2", "value"].sum()
    new = rows.loc[rows["technology"] == "Euro 5", "value"].sum()
    return float(old / new)


def calibrate_other_stationary(bns: pd.DataFrame, shifts: pd.DataFrame) -> dict[str, float]:
    """Log-linear trend of Almaty's BNS stationary emissions in the segment after the last level shift.

    Returns ``growth`` (exp(slope) - 1), ``sd`` (standard error of the slope), ``from_year``, ``to_year``.
    """
    marked = history.with_level_shifts(bns[bns["area"] == "almaty"], shifts, "bns_stationary_emissions", "emissions_kt")
    segment = marked[marked["segment"] == marked["segment"].max()].set_index("year")["emissions_kt"].astype(float)
    if len(segment) < 3:
        raise EmissionsError(f"BNS stationary emissions: {len(segment)} years after the level shift; a trend needs at least 3")
    fit = log_linear_trend(segment)
    return {
        "growth": float(np.expm1(fit["slope"])),
        "sd": fit["slope_se"],
        "from_year": int(segment.index.min()),
        "to_year": int(segment.index.max()),
    }


def log_linear_trend(y: pd.Series) -> dict[str, float]:
    """Least-squares line through log(y) against the year: slope, its standard error, residual sd, n, mean year, Sxx, last fitted log."""
    x = y.index.to_numpy(dtype=float)
    logs = np.log(y.to_numpy(dtype=float))
    slope, intercept = np.polyfit(x, logs, 1)
    residuals = logs - (intercept + slope * x)
    sxx = float(((x - x.mean()) ** 2).sum())
    sigma = float(np.sqrt(residuals @ residuals / max(len(x) - 2, 1)))
    return {
        "slope": float(slope),
        "intercept": float(intercept),
        "slope_se": sigma / np.sqrt(sxx),
        "sigma": sigma,
        "n": len(x),
        "x_mean": float(x.mean()),
        "sxx": sxx,
    }


def population_from_2021(years: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Population (…, T) on 1 January from 2021: the projection's years, with 2021 added when it starts in 2022.

    BNS 1 January 2021 is on the pre-census basis (level shift 2021→2022, level_shifts.csv), so
    2021 is the 2022 value carried back one year at the projection's first-year growth.
    """
    years = np.asarray(years, dtype=int)
    values = np.asarray(values, dtype=float)
    if years[0] > BASE_YEAR + 1 or years.size < 2:
        raise EmissionsError(f"the population projection starts in {years[0]}; emissions need it from {BASE_YEAR} or {BASE_YEAR + 1}")
    if years[0] == BASE_YEAR + 1:
        first = values[..., :1] ** 2 / values[..., 1:2]
        return np.concatenate([[BASE_YEAR], years]), np.concatenate([first, values], axis=-1)
    keep = years >= BASE_YEAR
    return years[keep], values[..., keep]


def _col(value) -> np.ndarray:
    """A scalar or an (n,) vector of draws as a column that broadcasts against (…, T)."""
    return np.asarray(value, dtype=float)[..., None]


def driver_indices(years: np.ndarray, population: np.ndarray, d: Drivers) -> dict[str, np.ndarray]:
    """Driver indices (…, T), 1 in 2021, for population (…, T) on 1 January of ``years``.

    * vehicles = activity × fleet emission factor. Activity mixes city vehicles (population ×
      motorisation) and inbound vehicles; the factor falls as new vehicles replace pre-2010 ones.
    * chp = min(households^heat_elasticity, tpp2_capacity_headroom); households = population / household size.
    * gas_houses / solid_houses = houses on gas / on solid fuel; gasified solid-fuel houses move to gas.
    * other = BNS stationary trend; constant = 1.
    """
    t = np.asarray(years, dtype=float) - BASE_YEAR
    pop = population / population[..., :1]
    activity = (1 - d.inbound_share) * pop * (1 + _col(d.motorisation_growth)) ** t + d.inbound_share * (
        1 + _col(d.inbound_vehicle_growth)
    ) ** t
    old = np.maximum(d.old_vehicle_share - _col(d.fleet_renewal_rate) * t, 0.0)
    ratio = _col(d.old_vehicle_emission_ratio)
    fleet_factor = (old * ratio + 1 - old) / (d.old_vehicle_share * ratio + 1 - d.old_vehicle_share)
    households = pop * (1 + _col(d.household_size_change)) ** -t
    chp = np.minimum(households ** _col(d.heat_elasticity), _col(d.tpp2_capacity_headroom))
    solid = (1 + _col(d.solid_fuel_house_change)) ** t
    gasified = (1 + _col(d.private_house_growth)) ** t + d.solid_per_gas_house * (1 - solid)
    other = (1 + _col(d.other_stationary_growth)) ** t
    indices = {
        "vehicles": activity * fleet_factor,
        "chp": chp,
        "gas_houses": gasified,
        "solid_houses": solid,
        "other": other,
    }
    shape = np.broadcast_shapes(*(v.shape for v in indices.values()))
    return {k: np.broadcast_to(v, shape) for k, v in indices.items()} | {"constant": np.ones(shape)}


def baseline(levels: pd.Series, indices: dict[str, np.ndarray]) -> np.ndarray:
    """Baseline emissions (…, S, T) in kt: each source's 2021 level times its driver index."""
    return np.stack([levels[s] * indices[SOURCES[s].driver] for s in SOURCE_IDS], axis=-2)


# ---------------------------------------------------------------- measures


def measure_plan(measures: pd.DataFrame, programme: pd.DataFrame) -> pd.DataFrame:
    """One row per wedge: every measure of the programme, TPP-2 split into its two printed steps.

    Columns: ``measure, component, source, boundary, form, effect, start_year, full_year,
    ramp_years, reduction_kt, cost_bn_kzt, quantified, timing_basis, source_line, note``.
    ``form`` is how the programme prints the effect (``effect_form`` in the CSV): ``level``
    (``effect`` = kt the source emits after the measure), ``reduction`` (kt removed) or
    ``share`` (of the source). ``reduction_kt`` is the printed cut against 2021, for the tables.
    TPP-2 stage 1 = the printed coal boiler cut minus the printed first gas block (4.5 − 0.83,
    a reduction); stage 2 = the remaining gas blocks bring the plant to the printed 2.5 (a level).
    """
    figures = programme.set_index("figure_id")
    rows = []
    for _, m in measures.iterrows():
        source = MEASURE_SOURCE.get(m["source_id"]) if isinstance(m["source_id"], str) else None
        reduction = m["reduction_kt"] if pd.notna(m["reduction_kt"]) else (m["reduction_t"] / 1000 if pd.notna(m["reduction_t"]) else 0.0)
        form = m["effect_form"] if isinstance(m["effect_form"], str) else ""
        quantified = bool(m["quantified"]) and form != ""
        base = {
            "measure": m["measure_id"],
            "source": source or "",
            "boundary": m["boundary"],
            "cost_bn_kzt": float(m["cost_bn_kzt"]) if pd.notna(m["cost_bn_kzt"]) else np.nan,
            "quantified": quantified,
            "source_line": _line(m["source"]),
            "note": m["note"] if isinstance(m["note"], str) else "",
        }
        printed_full = int(m["full_year"]) if pd.notna(m["full_year"]) else None
        printed_start = int(m["start_year"]) if pd.notna(m["start_year"]) else None
        if not quantified:
            rows.append(
                base
                | {
                    "component": "",
                    "form": "",
                    "effect": 0.0,
                    "start_year": printed_start,
                    "full_year": printed_full,
                    "ramp_years": None,
                    "reduction_kt": 0.0,
                    "timing_basis": "unquantified: no effect stated, modelled as zero",
                }
            )
            continue
        if form == "level" and pd.isna(m["target_level_kt"]):
            raise EmissionsError(f"programme_emission_measures: {m['measure_id']!r} has effect_form level but no target_level_kt")
        effect = {"level": m["target_level_kt"], "reduction": reduction, "share": reduction}[form]
        if m["measure_id"] == "tpp2_coal_to_gas":
            stage1 = float(figures.loc[TPP2_STAGES[0], "value"]) - float(figures.loc[TPP2_STAGES[1], "value"]) / 1000
            parts = [
                ("stage1", "reduction", stage1, stage1, int(figures.loc[TPP2_STAGES[0], "ref_year"])),
                ("stage2", form, float(effect), reduction - stage1, printed_full),
            ]
        else:
            parts = [("", form, float(effect), reduction, printed_full)]
        for component, part_form, value, printed_cut, stated_full in parts:
            key = f"{m['measure_id']}/{component}" if component else m["measure_id"]
            if key not in DEFAULT_TIMING:
                raise EmissionsError(f"measure {key!r} has a stated effect but no timing in emissions.DEFAULT_TIMING")
            full, ramp_years, reason = DEFAULT_TIMING[key]
            full_year = full if full is not None else stated_full
            if full_year is None:
                raise EmissionsError(f"measure {key!r}: no full-effect year printed or assumed")
            if printed_start is not None:
                ramp_years = full_year - printed_start
            rows.append(
                base
                | {
                    "component": component,
                    "form": part_form,
                    "effect": value,
                    "start_year": full_year - ramp_years,
                    "full_year": full_year,
                    "ramp_years": ramp_years,
                    "reduction_kt": float(printed_cut),
                    "timing_basis": f"full effect {full_year} {'assumed' if full is not None else 'printed'}; {reason}",
                }
            )
    plan = pd.DataFrame(rows)[PLAN_COLUMNS]
    for column in ("start_year", "full_year", "ramp_years"):
        plan[column] = plan[column].astype("Int64")
    return plan


PLAN_COLUMNS = [
    "measure",
    "component",
    "source",
    "boundary",
    "form",
    "effect",
    "start_year",
    "full_year",
    "ramp_years",
    "reduction_kt",
    "cost_bn_kzt",
    "quantified",
    "timing_basis",
    "source_line",
    "note",
]


def parse_overrides(items: list[str], known: list[str], parameter: str, *, kind: type, low: float, high: float) -> dict[str, float]:
    """Read ``["measure_id=value", ...]``; reject unknown measures, duplicates and values out of range."""
    out: dict[str, float] = {}
    what = "an integer" if kind is int else "a number"
    for item in items:
        name, sep, text = item.partition("=")
        name, text = name.strip(), text.strip()
        if not sep or not name or not text:
            raise EmissionsError(f"parameter {parameter!r}: {item!r} is not of the form measure_id=value")
        if name not in known:
            raise EmissionsError(f"parameter {parameter!r}: unknown measure {name!r}; expected one of {sorted(known)}")
        if name in out:
            raise EmissionsError(f"parameter {parameter!r}: measure {name!r} is given twice")
        try:
            value = kind(text)
        except ValueError:
            raise EmissionsError(f"parameter {parameter!r}: measure {name!r}: expected {what} in [{low}, {high}], got {text!r}") from None
        if not low <= value <= high:
            raise EmissionsError(f"parameter {parameter!r}: measure {name!r}: {value} is out of range; expected {what} in [{low}, {high}]")
        out[name] = value
    return out


def with_ramps(plan: pd.DataFrame, ramps: dict[str, float]) -> pd.DataFrame:
    """The plan with the ramp (start year = full-effect year - ramp) of the named measures replaced."""
    out = plan.copy()
    for measure, years in ramps.items():
        rows = out["measure"] == measure
        if not out.loc[rows, "quantified"].any():
            raise EmissionsError(f"parameter 'measure_ramps': measure {measure!r} has no stated effect, so it has no ramp")
        out.loc[rows, "ramp_years"] = int(years)
        out.loc[rows, "start_year"] = out.loc[rows, "full_year"] - int(years)
    return out


def ramp(years: np.ndarray, start, full) -> np.ndarray:
    """Share of the full effect in each year: 0 up to ``start``, linear, 1 from ``full`` on (a step when equal).

    ``start`` and ``full`` may be arrays (…,) of draws; the result is (…, T).
    """
    years = np.asarray(years, dtype=float)
    start, full = _col(start), _col(full)
    width = full - start
    linear = np.clip((years - start) / np.where(width > 0, width, 1.0), 0.0, 1.0)
    return np.where(width > 0, linear, (years >= full).astype(float))


def wedges(
    base: np.ndarray,
    plan: pd.DataFrame,
    years: np.ndarray,
    *,
    delays: np.ndarray | None = None,
    completeness: np.ndarray | None = None,
) -> np.ndarray:
    """Reduction of every wedge (…, M, T) in kt against the baseline ``base`` (…, S, T), each in its printed form.

    ``plan`` holds the quantified wedges (M rows). ``delays`` (…, M) shifts each ramp by years;
    ``completeness`` (…, M) is the share delivered (1 = all). Per source, reductions (printed
    tonnes) and shares (of the baseline) act first and are scaled down together where they
    would remove more than the source; then a level measure takes the source from what is left
    towards its printed level: wedge = ramp × completeness × max(left − level, 0). At full effect
    and full completeness the source emits exactly the printed level.
    """
    m = len(plan)
    lead = base.shape[:-2]
    delays = np.broadcast_to(np.zeros(m) if delays is None else np.asarray(delays, dtype=float), lead + (m,))
    completeness = np.broadcast_to(np.ones(m) if completeness is None else np.asarray(completeness, dtype=float), lead + (m,))
    years = np.asarray(years)
    out = np.zeros(lead + (m, years.size))
    for source in dict.fromkeys(plan["source"]):
        s = SOURCE_IDS.index(source)
        left = base[..., s, :].copy()
        rows = np.flatnonzero((plan["source"] == source).to_numpy())
        cuts = [j for j in rows if plan["form"].iat[j] != "level"]
        for j in cuts:
            row = plan.iloc[j]
            size = completeness[..., j, None] * ramp(years, row.start_year + delays[..., j], row.full_year + delays[..., j])
            out[..., j, :] = size * (row.effect if row.form == "reduction" else row.effect * base[..., s, :])
        if cuts:
            total = out[..., cuts, :].sum(axis=-2)
            factor = np.where(total > left, left / np.where(total > 0, total, 1.0), 1.0)
            out[..., cuts, :] *= factor[..., None, :]
            left = left - out[..., cuts, :].sum(axis=-2)
        for j in (j for j in rows if plan["form"].iat[j] == "level"):
            row = plan.iloc[j]
            size = completeness[..., j, None] * ramp(years, row.start_year + delays[..., j], row.full_year + delays[..., j])
            out[..., j, :] = size * np.maximum(left - row.effect, 0.0)
            left = left - out[..., j, :]
    return out


def apply_wedges(base: np.ndarray, plan: pd.DataFrame, cut: np.ndarray) -> np.ndarray:
    """Emissions (…, S, T) = baseline minus the wedges (…, M, T) of each source."""
    out = base.copy()
    for j, source in enumerate(plan["source"]):
        out[..., SOURCE_IDS.index(source), :] -= cut[..., j, :]
    return np.maximum(out, 0.0)  # wedges are capped at their source: this only removes rounding residue (~1e-15)


def delivery_draws(
    measure_ids: list[str], n: int, delay_mean: float, completeness_mean: float, concentration: float, rng
) -> dict[str, np.ndarray]:
    """Delivery risk per measure and trajectory (n, M), one-sided: never early, never more than printed.

    delay ~ Poisson(``delay_mean``) whole years; completeness ~ Beta with mean ``completeness_mean``
    and concentration ``concentration`` (a + b). Components of one measure share their draws.
    With delay_mean 0 and completeness_mean 1 every draw is 0 and 1 (no risk).
    """
    unique = list(dict.fromkeys(measure_ids))
    k = len(unique)
    delay = rng.poisson(delay_mean, size=(n, k)).astype(float) if delay_mean > 0 else np.zeros((n, k))
    if completeness_mean < 1:
        a, b = completeness_mean * concentration, (1 - completeness_mean) * concentration
        done = rng.beta(a, b, size=(n, k))
    else:
        done = np.ones((n, k))
    pick = [unique.index(mid) for mid in measure_ids]
    return {"delays": delay[:, pick], "completeness": done[:, pick]}


# ---------------------------------------------------------------- pollutants


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


# ---------------------------------------------------------------- the forecast as a whole


@dataclass
class EmissionsForecast:
    years: np.ndarray
    levels: pd.Series  # 2021 kt by source
    plan: pd.DataFrame  # every measure (quantified and not), programme timing
    central: dict[str, np.ndarray]  # scenario -> (S, T)
    central_wedges: dict[str, np.ndarray]  # programme / delayed -> (M, T) for the quantified wedges
    simulations: dict[str, np.ndarray]  # scenario -> (n, S, T), with delivery risk
    drivers: Drivers
    tables: dict[str, pd.DataFrame]
    backtest: pd.DataFrame | None = None  # the stationary backtest's rows (results)
    population: object = None  # the population forecast the drivers come from (results)


def _measure_vector(plan: pd.DataFrame, values: dict[str, float], default: float) -> np.ndarray:
    return plan["measure"].map(lambda m: values.get(m, default)).to_numpy(dtype=float)


def check_parameters(params: dict, measure_ids: list[str], quantified_ids: list[str]) -> dict:
    """The emission parameters read and checked; raises EmissionsError naming the parameter."""
    horizon = int(params["horizon"])
    if horizon < TARGET_YEAR:
        raise EmissionsError(
            f"parameter 'horizon': {horizon} ends before {TARGET_YEAR}, the year of the programme's target; expected >= {TARGET_YEAR}"
        )
    for name, choices in (("boundary", BOUNDARIES), ("emission_scenario", EMISSION_SCENARIOS)):
        if params[name] not in choices:
            raise EmissionsError(f"parameter {name!r}: unknown value {params[name]!r}; expected one of {list(choices)}")
    for name in ("vehicle_growth_sd", "other_stationary_growth_sd", "measure_delay_mean_years"):
        if float(params[name]) < 0:
            raise EmissionsError(f"parameter {name!r}: {params[name]} is negative; expected a value >= 0")
    if not 0 < float(params["measure_completeness_mean"]) <= 1:
        raise EmissionsError(
            f"parameter 'measure_completeness_mean': {params['measure_completeness_mean']} is not in (0, 1]; expected a share"
        )
    if float(params["tpp2_capacity_headroom"]) < 1:
        raise EmissionsError(
            f"parameter 'tpp2_capacity_headroom': {params['tpp2_capacity_headroom']} is below 1; the plants produced their 2021 output, expected >= 1"
        )
    return {
        "delays": parse_overrides(params["measure_delays"], quantified_ids, "measure_delays", kind=int, low=0, high=20),
        "delivery": parse_overrides(params["measure_delivery"], quantified_ids, "measure_delivery", kind=float, low=0.0, high=1.0),
        "ramps": parse_overrides(params["measure_ramps"], quantified_ids, "measure_ramps", kind=int, low=0, high=15),
    }


def drivers_from(params: dict, programme: pd.DataFrame) -> Drivers:
    fleet = fleet_from_data(programme)
    return Drivers(
        motorisation_growth=float(params["motorisation_growth"]),
        inbound_vehicle_growth=float(params["inbound_vehicle_growth"]),
        inbound_share=inbound_share_from_data(programme),
        old_vehicle_share=fleet["old_share"],
        fleet_renewal_rate=float(params["fleet_renewal_rate"]),
        old_vehicle_emission_ratio=float(params["old_vehicle_emission_ratio"]),
        heat_elasticity=float(params["heat_elasticity"]),
        household_size_change=float(params["household_size_change"]),
        tpp2_capacity_headroom=float(params["tpp2_capacity_headroom"]),
        private_house_growth=float(params["private_house_growth"]),
        solid_fuel_house_change=float(params["solid_fuel_house_change"]),
        other_stationary_growth=float(params["other_stationary_growth"]),
        solid_per_gas_house=houses_from_data(programme),
    )


def _setup(params: dict, inputs: dict[str, pd.DataFrame], population_years: np.ndarray):
    inventory_table, measures, programme = (
        inputs["programme_emission_inventory"],
        inputs["programme_emission_measures"],
        inputs["programme_emissions"],
    )
    full_plan, options = checked_plan(params, measures, programme)
    full_plan = with_ramps(full_plan, options["ramps"])
    plan = full_plan[full_plan["quantified"]].reset_index(drop=True)
    levels = inventory(inventory_table, float(params["agglomeration_houses_base_kt"])).set_index("source")["emissions_kt"]
    delayed = {
        "delays": _measure_vector(plan, options["delays"], int(params["measure_delay_years"])),
        "delivery": _measure_vector(plan, options["delivery"], 1.0),
    }
    return full_plan, plan, levels, delayed


def _population(params: dict, population_years, population) -> tuple[np.ndarray, np.ndarray]:
    years, pop = population_from_2021(population_years, population)
    horizon = int(params["horizon"])
    if years[-1] < horizon:
        raise EmissionsError(f"the population projection ends in {years[-1]}, before horizon {horizon}")
    keep = years <= horizon
    return years[keep], pop[..., keep]


def _scenarios(base, plan, years, delayed, risk=None) -> tuple[dict, dict]:
    """Baseline, programme and delayed paths (…, S, T) and the wedges, with optional delivery-risk draws."""
    risk = risk or {"delays": None, "completeness": None}
    extra = 0 if risk["delays"] is None else risk["delays"]
    done = 1 if risk["completeness"] is None else risk["completeness"]
    cuts = {
        "programme": wedges(base, plan, years, delays=risk["delays"], completeness=risk["completeness"]),
        "delayed": wedges(base, plan, years, delays=delayed["delays"] + extra, completeness=delayed["delivery"] * done),
    }
    return {"baseline": base} | {name: apply_wedges(base, plan, cut) for name, cut in cuts.items()}, cuts


def central_paths(params: dict, inputs: dict[str, pd.DataFrame], population_years, population_central) -> tuple[np.ndarray, dict]:
    """Years and the central paths (S, T) of every scenario, no Monte Carlo (used by the tornado)."""
    _, plan, levels, delayed = _setup(params, inputs, population_years)
    years, pop = _population(params, population_years, population_central)
    base = baseline(levels, driver_indices(years, pop, drivers_from(params, inputs["programme_emissions"])))
    paths, _ = _scenarios(base, plan, years, delayed)
    return years, paths


def forecast(
    params: dict,
    inputs: dict[str, pd.DataFrame],
    population_years: np.ndarray,
    population_central: np.ndarray,
    population_simulations: np.ndarray,
) -> EmissionsForecast:
    """Every scenario, the wedges, the Monte Carlo with delivery risk and the planner tables, for one parameter set.

    ``inputs`` holds the raw tables ``programme_emission_inventory``, ``programme_emission_measures``,
    ``programme_emissions`` and ``emep_eea_emission_factors``; population is on 1 January of
    ``population_years`` (central (T,), simulations (n, T)).
    """
    programme = inputs["programme_emissions"]
    full_plan, plan, levels, delayed = _setup(params, inputs, population_years)
    years, central_pop = _population(params, population_years, population_central)
    _, sims_pop = _population(params, population_years, population_simulations)
    drivers = drivers_from(params, programme)
    central, central_cuts = _scenarios(baseline(levels, driver_indices(years, central_pop, drivers)), plan, years, delayed)

    n = sims_pop.shape[0]
    rng = np.random.default_rng([int(params["seed"]), 30])
    sd_v, sd_o = float(params["vehicle_growth_sd"]), float(params["other_stationary_growth_sd"])
    sim_drivers = replace(
        drivers,
        motorisation_growth=drivers.motorisation_growth + sd_v * rng.standard_normal(n),
        inbound_vehicle_growth=drivers.inbound_vehicle_growth + sd_v * rng.standard_normal(n),
        other_stationary_growth=drivers.other_stationary_growth + sd_o * rng.standard_normal(n),
    )
    risk = delivery_draws(
        list(plan["measure"]),
        n,
        float(params["measure_delay_mean_years"]),
        float(params["measure_completeness_mean"]),
        float(params["measure_completeness_concentration"]),
        rng,
    )
    sim_base = baseline(levels, driver_indices(years, sims_pop, sim_drivers))
    level_error = np.exp(float(params["stationary_level_sd"]) * rng.standard_normal(n))  # calibrated on the stationary backtest
    sim_base[:, [SOURCE_IDS.index(s) for s in STATIONARY_SOURCES]] *= level_error[:, None, None]
    simulations, _ = _scenarios(sim_base, plan, years, delayed, risk)

    fc = EmissionsForecast(years, levels, full_plan, central, central_cuts, simulations, drivers, {})
    shares = pollutant_shares(inputs["emep_eea_emission_factors"])
    fc.tables = {
        "emissions_by_source": by_source_table(fc),
        "emissions_measures": measures_table(fc),
        "emissions_wedges": wedges_table(fc, plan),
        "emissions_target_gap": target_gap_table(fc, programme),
        "emissions_targets": target_arithmetic(inputs["programme_emission_inventory"], inputs["programme_emission_measures"], programme),
        "emissions_pollutants": pollutants_table(fc, plan, programme, shares, delayed),
    }
    fc.tables["emissions_iamc"] = iamc_table(fc.tables["emissions_by_source"], fc.tables["emissions_pollutants"])
    return fc


# ---------------------------------------------------------------- sensitivity

# Driver parameters of the tornado: (low, high, where the range comes from).
TORNADO_RANGES: dict[str, tuple[float, float, str]] = {
    "heat_elasticity": (0.0, 1.0, "0 = CHP heat flat; 1 = heat proportional to households"),
    "tpp2_capacity_headroom": (1.0, 1.3, "assumption: 0-30% spare CHP output (no capacity figure in the sources)"),
    "household_size_change": (-0.01, 0.01, "assumption: household size -1% to +1% a year"),
    "fleet_renewal_rate": (0.017, 0.045, "half the 2010-2019 rate to the 2020-2022 rate (line 5315)"),
    "old_vehicle_emission_ratio": (2.0, 5.6, "EMEP/EEA light petrol: Euro 3 vs Euro 5 (about 2) to Euro 1 vs Euro 5 (5.6)"),
    "motorisation_growth": (-0.01, 0.02, "assumption: vehicles per resident -1% to +2% a year"),
    "inbound_vehicle_growth": (0.0, 0.03, "0 to about twice the 1.7% of 2007-2022 (line 2060)"),
    "private_house_growth": (0.0, 0.02, "assumption: 0-2% more private houses a year"),
    "solid_fuel_house_change": (-0.1, 0.02, "assumption: solid-fuel houses gasified at 10% a year to growing 2% a year"),
    "other_stationary_growth": (-0.01, 0.028, "BNS 2014-2021 trend ± 2 standard errors"),
}


def tornado(
    params: dict, inputs: dict[str, pd.DataFrame], population_years, population_central, scenario: str = "programme"
) -> pd.DataFrame:
    """2030 city total (central) with each driver parameter at its low and high value, the others at ``params``."""
    years, paths = central_paths(params, inputs, population_years, population_central)
    column = int(np.searchsorted(years, TARGET_YEAR))
    centre = float(boundary_total(paths[scenario], "city")[column])
    rows = []
    for name, (low, high, reason) in TORNADO_RANGES.items():
        value = {}
        for end, x in (("low", low), ("high", high)):
            _, p = central_paths(params | {name: type(params[name])(x)}, inputs, population_years, population_central)
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


# ---------------------------------------------------------------- backtest of the stationary baseline


def stationary_driver_forecast(
    y: pd.Series, population: pd.Series, h: int, *, chp_share: float, heat_elasticity: float, headroom: float
) -> pd.DataFrame:
    """The baseline's method on a stationary series up to its last year, for ``h`` years ahead.

    forecast = last level × [chp_share × min((population growth)^heat_elasticity, headroom) + (1 − chp_share) × trend],
    trend = exp(slope × h) from the log-linear fit of ``y``; population growth = the mean yearly
    log growth of ``population`` (up to the same last year) carried forward. 80% interval from
    the log-linear fit's prediction standard error (95% likewise). Sees nothing after the last year of ``y``.
    """
    fit = log_linear_trend(y)
    last = int(y.index.max())
    pop = np.log(population.loc[:last].astype(float))
    growth = float(np.diff(pop.to_numpy()).mean()) if len(pop) > 1 else 0.0
    steps = np.arange(1, h + 1)
    chp = np.minimum(np.exp(growth * steps * heat_elasticity), headroom)
    mean = float(y.iloc[-1]) * (chp_share * chp + (1 - chp_share) * np.exp(fit["slope"] * steps))
    x = last + steps
    se = fit["sigma"] * np.sqrt(1 + 1 / fit["n"] + (x - fit["x_mean"]) ** 2 / fit["sxx"])
    index = pd.RangeIndex(last + 1, last + 1 + h, name="year")
    bounds = {f"{side}_{level}": mean * np.exp(sign * z * se) for level, z in (("80", Z80), ("95", Z95)) for side, sign in (("lo", -1), ("hi", 1))}
    return pd.DataFrame({"mean": mean} | bounds, index=index)


def backtest_stationary(
    bns: pd.DataFrame,
    shifts: pd.DataFrame,
    population: pd.DataFrame,
    *,
    chp_share: float,
    heat_elasticity: float,
    headroom: float,
    horizons: tuple[int, ...] = (1, 2, 3, 4, 5),
    min_train: int = 3,
) -> pd.DataFrame:
    """Rolling-origin backtest of Almaty's BNS stationary emissions: driver method against naive, drift and log drift.

    The 2013→2014 level shift is respected: every method is fitted on the origin's segment only
    (years since the last shift up to the origin), and only targets in the same segment are scored.
    Before the shift TPP-2 was outside the city, so the driver method's CHP share is 0 there.
    Population (BNS 1 January, its own level shifts respected the same way) feeds the CHP driver.
    Returns ``evaluation.BACKTEST_COLUMNS`` rows.
    """
    marked = history.with_level_shifts(bns[bns["area"] == "almaty"], shifts, "bns_stationary_emissions", "emissions_kt")
    series = marked.set_index("year")["emissions_kt"].astype(float)
    segment = marked.set_index("year")["segment"]
    pop_marked = history.with_level_shifts(
        population[(population["area"] == "almaty") & (population["sex"] == "total")], shifts, "bns_population_1jan", "persons"
    )
    last_segment = int(segment.max())
    rows = []
    for origin in series.index:
        seg = int(segment[origin])
        train = series[(segment == seg) & (series.index <= origin)]
        if len(train) < min_train:
            continue
        pop = pop_marked[
            (pop_marked["segment"] == pop_marked.loc[pop_marked["year"] == origin, "segment"].iloc[0]) & (pop_marked["year"] <= origin)
        ]
        pop = pop.set_index("year")["persons"].tail(5)
        share = chp_share if seg == last_segment else 0.0
        scale = float(train.diff().abs().mean())  # mean absolute yearly change of the training window (MASE)
        methods = {
            "driver": stationary_driver_forecast(
                train, pop, max(horizons), chp_share=share, heat_elasticity=heat_elasticity, headroom=headroom
            ),
            "naive": evaluation.forecast_naive(train, max(horizons)),
            "drift": evaluation.forecast_drift(train, max(horizons)),
            "log_drift": evaluation.forecast_log_drift(train, max(horizons)),
        }
        for h in horizons:
            target = origin + h
            if target not in series.index or int(segment[target]) != seg:
                continue
            for name, fc in methods.items():
                point = fc.loc[target]
                rows.append(
                    {
                        "method": name,
                        "origin": int(origin),
                        "horizon": h,
                        "forecast": float(point["mean"]),
                        "actual": float(series[target]),
                        "lo_80": float(point["lo_80"]),
                        "hi_80": float(point["hi_80"]),
                        "lo_95": float(point["lo_95"]),
                        "hi_95": float(point["hi_95"]),
                        "scale": scale,
                    }
                )
    out = pd.DataFrame(rows, columns=evaluation.BACKTEST_COLUMNS[:5] + ["lo_80", "hi_80", "lo_95", "hi_95", "scale"])
    out["error"] = out["forecast"] - out["actual"]
    out["pct_error"] = 100 * out["error"] / out["actual"]
    return out[evaluation.BACKTEST_COLUMNS]


def backtest_summary(backtest: pd.DataFrame) -> pd.DataFrame:
    """MAPE and 80% coverage per method and horizon (evaluation.accuracy), plus all horizons pooled (horizon 0)."""
    by_h = evaluation.accuracy(backtest)
    pooled = evaluation.accuracy(backtest.assign(horizon=0))
    return pd.concat([by_h, pooled], ignore_index=True)


def latest_segment_accuracy(backtest: pd.DataFrame) -> pd.DataFrame:
    """``evaluation.accuracy`` pooled over the horizons (horizon 0) for origins from ``STATIONARY_SEGMENT_START`` only:
    the segment with TPP-2 inside the city, which the forecast extends (before it the driver method is a trend)."""
    late = backtest[backtest["origin"] >= STATIONARY_SEGMENT_START]
    if late.dropna(subset=["actual"]).empty:
        raise EmissionsError(f"stationary backtest: no scored forecasts from origins {STATIONARY_SEGMENT_START} on")
    return evaluation.accuracy(late.assign(horizon=0))


def _latest_segment_errors(backtest: pd.DataFrame, method: str) -> pd.DataFrame:
    """``method``'s scored rows with origins in the latest segment, with the log error log(actual / forecast)."""
    rows = backtest[backtest["method"] == method].dropna(subset=["actual"])
    rows = rows[rows["origin"] >= STATIONARY_SEGMENT_START]
    return rows.assign(log_error=np.log(rows["actual"] / rows["forecast"]))


def _width_sd(log_errors: pd.Series) -> float:
    """The sd whose normal 80% interval is as wide as the split-conformal 80% quantile of |log error|
    (evaluation.conformal_quantile; heavy tails kept)."""
    return float(evaluation.conformal_quantile(log_errors.abs(), 0.8) / Z80)


def stationary_level_sd(backtest: pd.DataFrame, method: str = "driver") -> float:
    """Level-error sd of the stationary sources: conformal 80% quantile of |log(actual / forecast)| of ``method`` / 1.28,
    over every origin and horizon of the latest segment.

    After the 2013→2014 shift the stationary series moves as noise around its level (the errors do not grow
    with the horizon), so one level error per trajectory, exp(N(0, sd)), is the Monte Carlo's stationary
    uncertainty. Before 2014 TPP-2 was outside the city: those origins describe another mix and are left out.
    """
    errors = _latest_segment_errors(backtest, method)["log_error"]
    if errors.empty:
        raise EmissionsError(f"stationary backtest: no scored forecasts of {method!r} from {STATIONARY_SEGMENT_START}")
    return _width_sd(errors)


def calibrated_coverage(backtest: pd.DataFrame, sd: float, method: str = "driver") -> pd.DataFrame:
    """80% coverage by horizon (0 = pooled) of the interval forecast × exp(±1.28 sd) on the latest segment.

    ``in_sample`` uses ``sd`` (calibrated on all these errors); ``out_of_sample`` gives each origin the sd of
    the other origins' errors (leave one origin out), so no origin's interval has seen its own outcome.
    """
    rows = _latest_segment_errors(backtest, method)
    loo = {o: _width_sd(rows.loc[rows["origin"] != o, "log_error"]) for o in rows["origin"].unique()}
    rows = rows.assign(
        in_sample=rows["log_error"].abs() <= Z80 * sd,
        out_of_sample=rows["log_error"].abs() <= Z80 * rows["origin"].map(loo),
    )
    pooled = rows.assign(horizon=0)
    out = pd.concat([rows, pooled]).groupby("horizon").agg(
        in_sample=("in_sample", "mean"), out_of_sample=("out_of_sample", "mean"), n=("log_error", "size")
    )
    return out.reset_index().round({"in_sample": 3, "out_of_sample": 3})


# ---------------------------------------------------------------- tables


def boundary_sources(boundary: str) -> list[str]:
    """Sources inside a boundary: city = the 127 inventory; city_plus = city + TPP-3 + agglomeration houses."""
    if boundary not in BOUNDARIES:
        raise EmissionsError(f"unknown boundary {boundary!r}; expected one of {list(BOUNDARIES)}")
    return [s for s in SOURCE_IDS if boundary == "city_plus" or SOURCES[s].boundary == "city"]


def boundary_total(paths: np.ndarray, boundary: str) -> np.ndarray:
    """Total (…, T) over the sources of ``boundary`` from emissions (…, S, T)."""
    return paths[..., [SOURCE_IDS.index(s) for s in boundary_sources(boundary)], :].sum(axis=-2)


def by_source_table(fc: EmissionsForecast) -> pd.DataFrame:
    rows = []
    for scenario in EMISSION_SCENARIOS:
        central, sims = fc.central[scenario], fc.simulations[scenario]
        for boundary in BOUNDARIES:
            series = {s: (central[SOURCE_IDS.index(s)], sims[:, SOURCE_IDS.index(s)]) for s in boundary_sources(boundary)}
            series["total"] = (boundary_total(central, boundary), boundary_total(sims, boundary))
            for source, (value, sim) in series.items():
                lo, median, hi = np.quantile(sim, [0.1, 0.5, 0.9], axis=0)
                rows.append(
                    pd.DataFrame(
                        {
                            "year": fc.years,
                            "emission_scenario": scenario,
                            "boundary": boundary,
                            "source": source,
                            "emissions_kt": value,
                            "median_kt": median,
                            "lo_80": lo,
                            "hi_80": hi,
                        }
                    )
                )
    out = pd.concat(rows, ignore_index=True)
    out[["emissions_kt", "median_kt", "lo_80", "hi_80"]] = out[["emissions_kt", "median_kt", "lo_80", "hi_80"]].round(4)
    return out


def measures_table(fc: EmissionsForecast) -> pd.DataFrame:
    """One row per measure (TPP-2's two steps together): printed form and effect, timing, printed reduction, cost, modelled 2030 wedge.

    No cost per tonne: the tonnes are aggregate masses of pollutants that are not comparable
    (see the module docstring).
    """
    plan = fc.plan
    quantified = plan[plan["quantified"]].reset_index(drop=True)
    wedge_2030 = dict.fromkeys(plan["measure"], 0.0)
    column = int(np.searchsorted(fc.years, TARGET_YEAR))
    for j, measure in enumerate(quantified["measure"]):
        wedge_2030[measure] += float(fc.central_wedges["programme"][j, column])
    grouped = plan.groupby("measure", sort=False).agg(
        source=("source", "first"),
        boundary=("boundary", "first"),
        form=("form", lambda s: " + ".join(dict.fromkeys(s))),
        printed_effect=("effect", "last"),
        start_year=("start_year", "min"),
        full_year=("full_year", "max"),
        reduction_kt=("reduction_kt", "sum"),
        cost_bn_kzt=("cost_bn_kzt", "first"),
        source_line=("source_line", "first"),
        quantified=("quantified", "first"),
        timing_basis=("timing_basis", lambda s: " / ".join(dict.fromkeys(s))),
    )
    grouped = grouped.reset_index()
    grouped["wedge_2030_kt"] = grouped["measure"].map(wedge_2030).round(4)
    grouped["reduction_kt"] = grouped["reduction_kt"].round(4)
    columns = [
        "measure",
        "source",
        "boundary",
        "form",
        "printed_effect",
        "start_year",
        "full_year",
        "reduction_kt",
        "cost_bn_kzt",
        "source_line",
        "quantified",
        "wedge_2030_kt",
        "timing_basis",
    ]
    return grouped[columns].sort_values(["quantified", "reduction_kt"], ascending=[False, False]).reset_index(drop=True)


def pollutants_table(
    fc: EmissionsForecast, plan: pd.DataFrame, programme: pd.DataFrame, shares: pd.DataFrame, delayed: dict
) -> pd.DataFrame:
    """TPP-2 by fuel and pollutant, central, every scenario: ``year, emission_scenario, fuel, pollutant, emissions_kt``."""
    t = SOURCE_IDS.index("tpp2")
    timing = {"baseline": None, "programme": {}, "delayed": {"delays": delayed["delays"], "completeness": delayed["delivery"]}}
    rows = []
    for scenario in EMISSION_SCENARIOS:
        tpp2 = fc.central[scenario][t]
        if timing[scenario] is None:
            parts = {"coal": tpp2, "gas": np.zeros_like(tpp2)}
        else:
            parts = tpp2_by_fuel(tpp2, plan, fc.years, programme, **timing[scenario])
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


def wedges_table(fc: EmissionsForecast, plan: pd.DataFrame) -> pd.DataFrame:
    """Central wedges by measure and year (TPP-2's two steps added), for the programme and delayed scenarios."""
    rows = []
    for scenario in ("programme", "delayed"):
        frame = pd.DataFrame(fc.central_wedges[scenario], columns=fc.years)
        frame["measure"] = plan["measure"].to_numpy()
        frame = frame.groupby("measure", sort=False).sum()
        meta = plan.drop_duplicates("measure").set_index("measure")
        for measure, values in frame.iterrows():
            rows.append(
                pd.DataFrame(
                    {
                        "year": fc.years,
                        "emission_scenario": scenario,
                        "measure": measure,
                        "source": meta.loc[measure, "source"],
                        "boundary": meta.loc[measure, "boundary"],
                        "wedge_kt": values.to_numpy(dtype=float).round(4),
                    }
                )
            )
    return pd.concat(rows, ignore_index=True)


def target_gap_table(fc: EmissionsForecast, programme: pd.DataFrame) -> pd.DataFrame:
    """2030 emissions of every scenario and boundary against the 78 kt target (defined on the city's 127 only)."""
    target = float(programme.set_index("figure_id").loc["target_total_2030", "value"])
    column = int(np.searchsorted(fc.years, TARGET_YEAR))
    rows = []
    for scenario in EMISSION_SCENARIOS:
        for boundary in BOUNDARIES:
            value = float(boundary_total(fc.central[scenario], boundary)[column])
            sims = boundary_total(fc.simulations[scenario], boundary)[:, column]
            comparable = boundary == "city"
            rows.append(
                {
                    "year": TARGET_YEAR,
                    "emission_scenario": scenario,
                    "boundary": boundary,
                    "emissions_kt": round(value, 4),
                    "median_kt": round(float(np.quantile(sims, 0.5)), 4),
                    "lo_80": round(float(np.quantile(sims, 0.1)), 4),
                    "hi_80": round(float(np.quantile(sims, 0.9)), 4),
                    "target_kt": target if comparable else np.nan,
                    "gap_kt": round(value - target, 4) if comparable else np.nan,
                    "share_meeting_target": round(float((sims <= target).mean()), 4) if comparable else np.nan,
                }
            )
    return pd.DataFrame(rows)


def target_arithmetic(inventory_table: pd.DataFrame, measures: pd.DataFrame, programme: pd.DataFrame) -> pd.DataFrame:
    """The programme's 78, its '−55' and the sum of its own measures, each with its arithmetic and lines."""
    figures = programme.set_index("figure_id")
    fig = {
        k: float(figures.loc[k, "value"])
        for k in ("target_total_2030", "target_reduction_factor", "reduction_total_55", "reduction_mobile", "reduction_stationary")
    }
    line = {k: _line(figures.loc[k, "source"]) for k in ("target_total_2030", "reduction_total_55", "reduction_mobile")}
    total = printed_total(inventory_table)
    levels = inventory(inventory_table, 0.0).set_index("source")["emissions_kt"]
    city_sum = float(levels[[s for s in SOURCE_IDS if SOURCES[s].boundary == "city"]].sum())
    q = measures[measures["quantified"].astype(bool)].copy()
    q["kt"] = q["reduction_kt"].fillna(q["reduction_t"] / 1000)
    by = {sid: float(q.loc[q["source_id"] == sid, "kt"].sum()) for sid in ("tpp2", "transport", "tpp3", "agglomeration_houses")}
    city_measures = by["tpp2"] + by["transport"]
    transport_terms = " + ".join(f"{v:g}" for v in q.loc[q["source_id"] == "transport", "kt"])
    inv_line = _line(_used(inventory_table, "total")["source"])
    rows = [
        ("inventory_2021_printed", total, "printed: about 127 kt in 2021", inv_line),
        (
            "inventory_2021_components",
            city_sum,
            " + ".join(f"{levels[s]:g}" for s in levels.index if SOURCES[s].boundary == "city")
            + " (private housing printed as 'about 11' = 11.167)",
            "4253;4255",
        ),
        ("target_2030", fig["target_total_2030"], "printed: from 127 to 78 kt, '1.6 times'", line["target_total_2030"]),
        (
            "target_reduction_implied",
            total - fig["target_total_2030"],
            f"{total:g} - {fig['target_total_2030']:g}",
            line["target_total_2030"],
        ),
        (
            "level_from_factor",
            total / fig["target_reduction_factor"],
            f"{total:g} / {fig['target_reduction_factor']:g}: the printed factor agrees with 78 ({total:g} / {fig['target_total_2030']:g} = {total / fig['target_total_2030']:.2f})",
            line["target_total_2030"],
        ),
        (
            "reduction_55_printed",
            fig["reduction_total_55"],
            "printed: reduce harmful substances by 55 thousand t (no year, no boundary)",
            line["reduction_total_55"],
        ),
        (
            "level_after_55",
            total - fig["reduction_total_55"],
            f"{total:g} - {fig['reduction_total_55']:g}: disagrees with the 78 target",
            line["reduction_total_55"],
        ),
        (
            "reduction_55_split",
            fig["reduction_mobile"] + fig["reduction_stationary"],
            f"mobile about {fig['reduction_mobile']:g} + main stationary {fig['reduction_stationary']:g}",
            line["reduction_mobile"],
        ),
        ("measures_tpp2", by["tpp2"], "TPP-2 gas conversion: 36 -> 2.5 kt", "4317"),
        ("measures_transport", by["transport"], f"transport: {transport_terms} (vs 'about 10' for mobile sources)", "4309;4313;4371"),
        ("measures_tpp3", by["tpp3"], "TPP-3 reconstruction (outside the city)", "4319"),
        ("measures_agglomeration", by["agglomeration_houses"], "agglomeration gasification 8 + 7.6 (outside the city)", "4329"),
        ("measures_city", city_measures, f"{by['tpp2']:g} + {by['transport']:g}: the measures inside the 127", ""),
        (
            "measures_city_and_tpp3",
            city_measures + by["tpp3"],
            f"{city_measures:g} + {by['tpp3']:g}: the bookkeeping of the '55' (mobile + TPP-2 + TPP-3)",
            "",
        ),
        ("measures_all", city_measures + by["tpp3"] + by["agglomeration_houses"], "every quantified measure, both boundaries", ""),
        (
            "city_2021_minus_city_measures",
            total - city_measures,
            f"{total:g} - {city_measures:g}: the city in 2030 with every city measure and no growth",
            "",
        ),
        (
            "gap_city_measures_to_target",
            total - city_measures - fig["target_total_2030"],
            f"({total:g} - {city_measures:g}) - {fig['target_total_2030']:g}: the target is missed even without growth",
            "",
        ),
        (
            "reading_78",
            total - by["tpp2"] - by["agglomeration_houses"],
            f"{total:g} - {by['tpp2']:g} - {by['agglomeration_houses']:g}: TPP-2 + agglomeration gasification (the measures line 443 names) land on 78, but the agglomeration is outside the 127 (a reading, not stated)",
            "443",
        ),
    ]
    return pd.DataFrame(rows, columns=["item", "value_kt", "arithmetic", "source_line"]).assign(value_kt=lambda f: f["value_kt"].round(4))


def iamc_table(by_source: pd.DataFrame, pollutants: pd.DataFrame | None = None, model: str = "almaty-analytics") -> pd.DataFrame:
    """Central trajectories in the IAMC wide format: model, emission_scenario, region, variable, unit, <years>.

    Aggregate masses are ``Emissions|Air pollutants|<source>``; where split, pollutants are
    ``Emissions|<pollutant>|Energy|TPP-2`` (city region; SOx as SO2). ``export.write_table``
    turns ``emission_scenario`` into the IAMC ``scenario`` column as ``<project scenario>|<emission scenario>``.
    """
    frame = by_source.copy()
    frame["variable"] = frame["source"].map(
        lambda s: "Emissions|Air pollutants" if s == "total" else f"Emissions|Air pollutants|{SOURCES[s].iamc}"
    )
    frame["region"] = frame["boundary"].map(REGIONS)
    frame = frame[["emission_scenario", "region", "variable", "year", "emissions_kt"]]
    if pollutants is not None:
        split = pollutants.groupby(["emission_scenario", "pollutant", "year"], sort=False)["emissions_kt"].sum().reset_index()
        split["variable"] = "Emissions|" + split["pollutant"].map(IAMC_POLLUTANT) + "|Energy|TPP-2"
        split["region"] = REGIONS["city"]
        frame = pd.concat([frame, split[frame.columns]], ignore_index=True)
    wide = frame.pivot_table(
        index=["emission_scenario", "region", "variable"], columns="year", values="emissions_kt", sort=False
    ).reset_index()
    wide.columns = [str(c) for c in wide.columns]
    wide.insert(0, "model", model)
    wide.insert(4, "unit", "kt/yr")
    return wide


IAMC_POLLUTANT = {"TSP": "TSP", "SOx": "Sulfur", "NOx": "NOx", "CO": "CO", "NMVOC": "VOC"}  # IAMC species names


def checked_plan(params: dict, measures: pd.DataFrame, programme: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The measure plan and the emission parameters checked against it (see check_parameters)."""
    plan = measure_plan(measures, programme)
    quantified = sorted(set(plan.loc[plan["quantified"], "measure"]))
    return plan, check_parameters(params, sorted(set(plan["measure"])), quantified)


def validate(params: dict) -> None:
    """Check the emission parameters against the measures in data/raw (run before any kernel starts)."""
    checked_plan(params, io.read_table("programme_emission_measures"), io.read_table("programme_emissions"))


def results(params: dict) -> EmissionsForecast:
    """Every emission table of a resolved scenario's ``params``: the forecast on the shared population forecast,
    the tornado of both scenarios, the stationary backtest and its calibrated coverage."""
    pop = population.results(params)
    total = pop.tables["population_total"]
    inputs = {name: io.read_table(name) for name in INPUT_TABLES}
    years, central = total["year"].to_numpy(), total["value"].to_numpy()
    fc = forecast(params, inputs, years, central, pop.simulated_totals())
    bns = io.read_table("bns_stationary_emissions")
    backtest = backtest_stationary(
        bns, io.read_table("level_shifts"), io.read_table("bns_population_1jan"),
        chp_share=fc.levels["tpp2"] / (fc.levels["tpp2"] + fc.levels["stationary_other"]),
        heat_elasticity=params["heat_elasticity"], headroom=params["tpp2_capacity_headroom"],
    )
    fc.tables |= {
        "emissions_tornado": pd.concat([tornado(params, inputs, years, central, s) for s in ("baseline", "programme")], ignore_index=True),
        "emissions_backtest": backtest_summary(backtest),
        "emissions_interval_coverage": calibrated_coverage(backtest, params["stationary_level_sd"]),
    }
    fc.backtest = backtest
    fc.population = pop
    return fc


# Parameters of this model, composed into every scenario by scenarios.PARAMETERS.
PARAMETERS: dict[str, Param] = {
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

# Tables this model publishes (export.TABLES composes them).
TABLES: dict[str, TableSpec] = {
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

INPUT_TABLES = ("programme_emission_inventory", "programme_emission_measures", "programme_emissions", "emep_eea_emission_factors")
