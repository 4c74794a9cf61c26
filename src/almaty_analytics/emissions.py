"""Air-pollutant emissions of Almaty: the 2021 inventory, a growth-driven baseline and the programme's measures as wedges.

All tonnages are the aggregate mass of all pollutants (thousand tonnes a year, kt), as the
programme prints them; it gives no split by pollutant and no greenhouse gases.

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
* **Baseline (no new measures).** Each source follows a driver, indexed to 2021:
  transport follows vehicle activity, a mix of city vehicles (population × motorisation,
  growing at ``motorisation_growth``) and vehicles entering daily from outside (growing at
  ``inbound_vehicle_growth``), weighted by their shares of the daily traffic (470 and 230
  thousand, line 331), raised to ``transport_elasticity``; private housing, TPP-2 and TPP-3
  follow heat demand, households (∝ population, household size held constant) raised to
  ``heat_elasticity``; other stationary grows at ``other_stationary_growth`` (the log-linear
  trend of BNS stationary emissions 2014-2021, after the 2013→2014 level shift);
  agglomeration houses are held constant (a fixed stock of houses without gas).
  Population is the population forecast (1 January of each year); 2021 is put on the
  2022 post-census basis by carrying the projection's first-year growth one year back.
* **Measures as wedges.** Every measure of the programme is a row of
  ``data/raw/programme_emission_measures.csv``; unquantified ones have no effect and are
  flagged. The programme states reductions against 2021 levels. By default
  (``emissions_reduction_basis = share``) a reduction is converted into a share of its
  source's 2021 level and that share of the *baseline* is removed, so a measure keeps its
  stated 2021-level effect when its source does not grow and scales with the source when it
  does; ``absolute`` removes the printed tonnes instead. Each measure ramps linearly from
  its start year (effect 0) to its full-effect year (effect 1); the programme prints the
  full-effect year, the ramp (and so the start year) is an assumption per measure
  (``DEFAULT_TIMING``). TPP-2 is two steps: a coal boiler retired before 2024 (−4.5) with
  gas block 1 added (+0.83), then the remaining gas blocks to 2.5 kt in 2030 (−29.83).
  Wedges of one source never remove more than the source: when they would, they are
  scaled down together. So wedges are additive: baseline − scenario = Σ wedges, by source
  and year, with no measure counted twice (measures whose effect the programme includes in
  another measure are listed unquantified).
* **Scenarios.** ``baseline`` (no measures), ``programme`` (every quantified measure on time,
  fully delivered), ``delayed`` (every measure shifted by ``measure_delay_years``, with
  per-measure delays and delivery shares).
* **Uncertainty.** Monte Carlo: each trajectory takes one population trajectory and draws the
  motorisation, inbound-traffic and other-stationary growth rates (normal) and one
  effectiveness factor per measure (normal around 1, at least 0), the same draws for every
  scenario. Intervals are the 10th and 90th percentiles; the central line uses the central
  population and assumptions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import history

BASE_YEAR = 2021  # year of the programme's inventory (001_22452510f78b59ea.txt:4253)
TARGET_YEAR = 2030  # year of the programme's 78 kt target (heading at line 433, figure at line 443)
EMISSION_SCENARIOS = ("baseline", "programme", "delayed")
BOUNDARIES = ("city", "city_plus")
BASES = ("share", "absolute")
PROGRAMME_FILE = "001_22452510f78b59ea.txt"


@dataclass(frozen=True)
class Source:
    boundary: str  # city (inside the 127 inventory) or city_plus (outside the city, counted by the measures)
    driver: str  # vehicles, heat, other or constant
    label: str
    iamc: str  # IAMC variable below "Emissions|Air pollutants"


SOURCES: dict[str, Source] = {
    "transport": Source("city", "vehicles", "road transport", "Transport|Road"),
    "tpp2": Source("city", "heat", "TPP-2 (coal CHP in the city)", "Energy|TPP-2"),
    "stationary_other": Source("city", "other", "other stationary (industry, boiler houses)", "Industry and other stationary"),
    "housing_gasified": Source("city", "heat", "private houses on gas", "Residential|Gasified houses"),
    "housing_solid_fuel": Source("city", "heat", "private houses and dachas on solid fuel", "Residential|Solid-fuel houses"),
    "tpp3": Source("city_plus", "heat", "TPP-3 (coal CHP outside the city)", "Energy|TPP-3"),
    "agglomeration_houses": Source("city_plus", "constant", "agglomeration houses without gas", "Residential|Agglomeration houses"),
}
SOURCE_IDS = tuple(SOURCES)
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
class Growth:
    """Baseline growth assumptions (scenario parameters of the same names)."""

    motorisation_growth: float  # change per year of vehicles per resident
    inbound_vehicle_growth: float  # change per year of vehicles entering the city daily
    inbound_share: float  # share of inbound vehicles in daily traffic (230 of 470 + 230, line 331)
    transport_elasticity: float  # emissions per unit of vehicle activity
    heat_elasticity: float  # heat demand per household
    other_stationary_growth: float  # change per year of other stationary emissions


def inbound_share_from_data(programme: pd.DataFrame) -> float:
    """Share of vehicles from outside in the daily traffic: 230 / (470 + 230) (line 331; 230 also line 4257)."""
    figures = programme.set_index("figure_id")["value"]
    inbound, city = float(figures["inbound_daily_4257"]), float(figures["city_vehicles_daily"])
    return inbound / (inbound + city)


def inbound_growth_from_data(programme: pd.DataFrame) -> float:
    """Yearly growth of the inbound flow: about 180 thousand fifteen years before 2022 -> 230 thousand (line 2060)."""
    figures = programme.set_index("figure_id")["value"]
    return float((figures["inbound_daily_4257"] / figures["inbound_daily_15y_earlier"]) ** (1 / 15) - 1)


def calibrate_other_stationary(bns: pd.DataFrame, shifts: pd.DataFrame) -> dict[str, float]:
    """Log-linear trend of Almaty's BNS stationary emissions in the segment after the last level shift.

    Returns ``growth`` (exp(slope) - 1), ``sd`` (standard error of the slope), ``from_year``, ``to_year``.
    """
    marked = history.with_level_shifts(bns[bns["area"] == "almaty"], shifts, "bns_stationary_emissions", "emissions_kt")
    segment = marked[marked["segment"] == marked["segment"].max()].set_index("year")["emissions_kt"].astype(float)
    start = int(segment.index.min())
    if len(segment) < 3:
        raise EmissionsError(f"BNS stationary emissions: {len(segment)} years after the level shift; a trend needs at least 3")
    x = segment.index.to_numpy(dtype=float) - start
    y = np.log(segment.to_numpy())
    slope, intercept = np.polyfit(x, y, 1)
    residuals = y - (intercept + slope * x)
    se = float(np.sqrt(residuals @ residuals / (len(x) - 2) / ((x - x.mean()) ** 2).sum()))
    return {"growth": float(np.expm1(slope)), "sd": se, "from_year": start, "to_year": int(segment.index.max())}


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


def driver_indices(years: np.ndarray, population: np.ndarray, growth: Growth) -> dict[str, np.ndarray]:
    """Driver indices (…, T), 1 in 2021, for population (…, T) on 1 January of ``years``."""
    t = np.asarray(years, dtype=float) - BASE_YEAR
    pop = population / population[..., :1]
    motor = np.power(1 + np.asarray(growth.motorisation_growth, dtype=float)[..., None], t)
    inbound = np.power(1 + np.asarray(growth.inbound_vehicle_growth, dtype=float)[..., None], t)
    vehicles = (1 - growth.inbound_share) * pop * motor + growth.inbound_share * inbound
    other = np.power(1 + np.asarray(growth.other_stationary_growth, dtype=float)[..., None], t)
    shape = np.broadcast_shapes(pop.shape, vehicles.shape, other.shape)
    return {
        "vehicles": np.broadcast_to(vehicles**growth.transport_elasticity, shape),
        "heat": np.broadcast_to(pop**growth.heat_elasticity, shape),
        "other": np.broadcast_to(other, shape),
        "constant": np.ones(shape),
    }


def baseline(levels: pd.Series, indices: dict[str, np.ndarray]) -> np.ndarray:
    """Baseline emissions (…, S, T) in kt: each source's 2021 level times its driver index."""
    return np.stack([levels[s] * indices[SOURCES[s].driver] for s in SOURCE_IDS], axis=-2)


# ---------------------------------------------------------------- measures


def measure_plan(measures: pd.DataFrame, programme: pd.DataFrame) -> pd.DataFrame:
    """One row per wedge: every measure of the programme, TPP-2 split into its two printed steps.

    Columns: ``measure, component, source, boundary, start_year, full_year, ramp_years,
    reduction_kt, cost_bn_kzt, quantified, timing_basis, source_line, note``. Reductions are
    against 2021 levels as printed; unquantified measures have reduction 0.
    """
    figures = programme.set_index("figure_id")
    rows = []
    for _, m in measures.iterrows():
        source = MEASURE_SOURCE.get(m["source_id"]) if isinstance(m["source_id"], str) else None
        reduction = m["reduction_kt"] if pd.notna(m["reduction_kt"]) else (m["reduction_t"] / 1000 if pd.notna(m["reduction_t"]) else 0.0)
        quantified = bool(m["quantified"]) and reduction > 0
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
                    "start_year": printed_start,
                    "full_year": printed_full,
                    "ramp_years": None,
                    "reduction_kt": 0.0,
                    "timing_basis": "unquantified: no effect stated, modelled as zero",
                }
            )
            continue
        if m["measure_id"] == "tpp2_coal_to_gas":
            stage1 = float(figures.loc[TPP2_STAGES[0], "value"]) - float(figures.loc[TPP2_STAGES[1], "value"]) / 1000
            parts = [("stage1", stage1, int(figures.loc[TPP2_STAGES[0], "ref_year"])), ("stage2", reduction - stage1, printed_full)]
        else:
            parts = [("", reduction, printed_full)]
        for component, value, stated_full in parts:
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
                    "start_year": full_year - ramp_years,
                    "full_year": full_year,
                    "ramp_years": ramp_years,
                    "reduction_kt": float(value),
                    "timing_basis": f"full effect {full_year} {'assumed' if full is not None else 'printed'}; {reason}",
                }
            )
    columns = [
        "measure",
        "component",
        "source",
        "boundary",
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
    plan = pd.DataFrame(rows)[columns]
    for column in ("start_year", "full_year", "ramp_years"):
        plan[column] = plan[column].astype("Int64")
    return plan


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


def ramp(years: np.ndarray, start: float, full: float) -> np.ndarray:
    """Share of the full effect in each year: 0 up to ``start``, linear, 1 from ``full`` on (a step when equal)."""
    years = np.asarray(years, dtype=float)
    if full <= start:
        return (years >= full).astype(float)
    return np.clip((years - start) / (full - start), 0.0, 1.0)


def wedges(
    base: np.ndarray,
    plan: pd.DataFrame,
    levels: pd.Series,
    years: np.ndarray,
    *,
    delays: np.ndarray | None = None,
    delivery: np.ndarray | None = None,
    effectiveness: np.ndarray | None = None,
    basis: str = "share",
) -> np.ndarray:
    """Reduction of every wedge (…, M, T) in kt against the baseline ``base`` (…, S, T).

    ``plan`` holds the quantified wedges (M rows). ``delays`` (M,) shifts each ramp by whole
    years; ``delivery`` (M,) scales the stated reduction (0 = not delivered); ``effectiveness``
    (…, M) is the Monte Carlo factor. With ``basis='share'`` a wedge removes the share
    reduction / 2021 level of its source's baseline; with ``'absolute'`` the printed tonnes.
    Wedges of one source are scaled down together where they would remove more than the source.
    """
    if basis not in BASES:
        raise EmissionsError(f"parameter 'emissions_reduction_basis': unknown value {basis!r}; expected one of {list(BASES)}")
    m = len(plan)
    delays = np.zeros(m) if delays is None else np.asarray(delays, dtype=float)
    delivery = np.ones(m) if delivery is None else np.asarray(delivery, dtype=float)
    effectiveness = np.ones(m) if effectiveness is None else np.asarray(effectiveness, dtype=float)
    years = np.asarray(years)
    index = {s: i for i, s in enumerate(SOURCE_IDS)}
    raw = np.zeros(base.shape[:-2] + (m, years.size))
    for j, row in enumerate(plan.itertuples(index=False)):
        shape = ramp(years, row.start_year + delays[j], row.full_year + delays[j])
        size = delivery[j] * effectiveness[..., j, None] * shape
        if basis == "share":
            raw[..., j, :] = size * row.reduction_kt / levels[row.source] * base[..., index[row.source], :]
        else:
            raw[..., j, :] = size * row.reduction_kt
    out = raw.copy()
    for source in set(plan["source"]):
        cols = np.flatnonzero((plan["source"] == source).to_numpy())
        total = raw[..., cols, :].sum(axis=-2)
        available = base[..., index[source], :]
        factor = np.where(total > available, available / np.where(total > 0, total, 1.0), 1.0)
        out[..., cols, :] = raw[..., cols, :] * factor[..., None, :]
    return out


def apply_wedges(base: np.ndarray, plan: pd.DataFrame, cut: np.ndarray) -> np.ndarray:
    """Emissions (…, S, T) = baseline minus the wedges (…, M, T) of each source."""
    out = base.copy()
    for j, source in enumerate(plan["source"]):
        out[..., SOURCE_IDS.index(source), :] -= cut[..., j, :]
    return np.maximum(out, 0.0)  # wedges are capped at their source: this only removes rounding residue (~1e-15)


# ---------------------------------------------------------------- the forecast as a whole


@dataclass
class EmissionsForecast:
    years: np.ndarray
    levels: pd.Series  # 2021 kt by source
    plan: pd.DataFrame  # every measure (quantified and not), programme timing
    central: dict[str, np.ndarray]  # scenario -> (S, T)
    central_wedges: dict[str, np.ndarray]  # programme / delayed -> (M, T) for the quantified wedges
    simulations: dict[str, np.ndarray]  # scenario -> (n, S, T)
    growth: Growth
    tables: dict[str, pd.DataFrame]


def _measure_vector(plan: pd.DataFrame, values: dict[str, float], default: float) -> np.ndarray:
    return plan["measure"].map(lambda m: values.get(m, default)).to_numpy(dtype=float)


def check_parameters(params: dict, measure_ids: list[str], quantified_ids: list[str], agglomeration_removed: float) -> dict:
    """The emission parameters read and checked; raises EmissionsError naming the parameter."""
    horizon = int(params["horizon"])
    if horizon < TARGET_YEAR:
        raise EmissionsError(
            f"parameter 'horizon': {horizon} ends before {TARGET_YEAR}, the year of the programme's target; expected >= {TARGET_YEAR}"
        )
    for name, choices in (("boundary", BOUNDARIES), ("emission_scenario", EMISSION_SCENARIOS), ("emissions_reduction_basis", BASES)):
        if params[name] not in choices:
            raise EmissionsError(f"parameter {name!r}: unknown value {params[name]!r}; expected one of {list(choices)}")
    base = float(params["agglomeration_houses_base_kt"])
    if params["emissions_reduction_basis"] == "share" and base < agglomeration_removed:
        raise EmissionsError(
            f"parameter 'agglomeration_houses_base_kt': {base:g} kt is below the {agglomeration_removed:g} kt the programme's "
            "agglomeration gasification removes (line 4329); expected at least that"
        )
    for name in ("measure_effectiveness_sd", "vehicle_growth_sd", "other_stationary_growth_sd"):
        if float(params[name]) < 0:
            raise EmissionsError(f"parameter {name!r}: {params[name]} is negative; expected a standard deviation >= 0")
    return {
        "delays": parse_overrides(params["measure_delays"], quantified_ids, "measure_delays", kind=int, low=0, high=20),
        "delivery": parse_overrides(params["measure_delivery"], quantified_ids, "measure_delivery", kind=float, low=0.0, high=1.0),
        "ramps": parse_overrides(params["measure_ramps"], quantified_ids, "measure_ramps", kind=int, low=0, high=15),
    }


def growth_from(params: dict, programme: pd.DataFrame) -> Growth:
    return Growth(
        motorisation_growth=float(params["motorisation_growth"]),
        inbound_vehicle_growth=float(params["inbound_vehicle_growth"]),
        inbound_share=inbound_share_from_data(programme),
        transport_elasticity=float(params["transport_elasticity"]),
        heat_elasticity=float(params["heat_elasticity"]),
        other_stationary_growth=float(params["other_stationary_growth"]),
    )


def forecast(
    params: dict,
    inputs: dict[str, pd.DataFrame],
    population_years: np.ndarray,
    population_central: np.ndarray,
    population_simulations: np.ndarray,
) -> EmissionsForecast:
    """Every scenario, the wedges, the Monte Carlo and the planner tables, for one parameter set.

    ``inputs`` holds the raw tables ``programme_emission_inventory``, ``programme_emission_measures``
    and ``programme_emissions``; population is on 1 January of ``population_years`` (central (T,),
    simulations (n, T)).
    """
    inventory_table, measures, programme = (
        inputs["programme_emission_inventory"],
        inputs["programme_emission_measures"],
        inputs["programme_emissions"],
    )
    full_plan, options = checked_plan(params, measures, programme)
    full_plan = with_ramps(full_plan, options["ramps"])
    plan = full_plan[full_plan["quantified"]].reset_index(drop=True)

    horizon = int(params["horizon"])
    levels = inventory(inventory_table, float(params["agglomeration_houses_base_kt"])).set_index("source")["emissions_kt"]
    years_pop, central_pop = population_from_2021(population_years, population_central)
    _, sims_pop = population_from_2021(population_years, population_simulations)
    if years_pop[-1] < horizon:
        raise EmissionsError(f"the population projection ends in {years_pop[-1]}, before horizon {horizon}")
    keep = years_pop <= horizon
    years, central_pop, sims_pop = years_pop[keep], central_pop[keep], sims_pop[:, keep]

    growth = growth_from(params, programme)
    basis = params["emissions_reduction_basis"]
    delay_all = int(params["measure_delay_years"])
    delayed = {
        "delays": _measure_vector(plan, options["delays"], delay_all),
        "delivery": _measure_vector(plan, options["delivery"], 1.0),
    }

    def run(population: np.ndarray, g: Growth, effectiveness: np.ndarray | None):
        base = baseline(levels, driver_indices(years, population, g))
        cuts = {
            "programme": wedges(base, plan, levels, years, effectiveness=effectiveness, basis=basis),
            "delayed": wedges(base, plan, levels, years, effectiveness=effectiveness, basis=basis, **delayed),
        }
        paths = {"baseline": base} | {name: apply_wedges(base, plan, cut) for name, cut in cuts.items()}
        return paths, cuts

    central, central_cuts = run(central_pop, growth, None)

    n = sims_pop.shape[0]
    rng = np.random.default_rng([int(params["seed"]), 30])
    sd_v, sd_o = float(params["vehicle_growth_sd"]), float(params["other_stationary_growth_sd"])
    sim_growth = Growth(
        motorisation_growth=growth.motorisation_growth + sd_v * rng.standard_normal(n),
        inbound_vehicle_growth=growth.inbound_vehicle_growth + sd_v * rng.standard_normal(n),
        inbound_share=growth.inbound_share,
        transport_elasticity=growth.transport_elasticity,
        heat_elasticity=growth.heat_elasticity,
        other_stationary_growth=growth.other_stationary_growth + sd_o * rng.standard_normal(n),
    )
    measure_ids = list(dict.fromkeys(plan["measure"]))
    draws = np.maximum(1 + float(params["measure_effectiveness_sd"]) * rng.standard_normal((n, len(measure_ids))), 0.0)
    effectiveness = draws[:, [measure_ids.index(m) for m in plan["measure"]]]  # components of a measure share its draw
    simulations, _ = run(sims_pop, sim_growth, effectiveness)

    fc = EmissionsForecast(years, levels, full_plan, central, central_cuts, simulations, growth, {})
    fc.tables = {
        "emissions_by_source": by_source_table(fc),
        "emissions_measures": measures_table(fc),
        "emissions_wedges": wedges_table(fc, plan),
        "emissions_target_gap": target_gap_table(fc, programme),
        "emissions_targets": target_arithmetic(inventory_table, measures, programme),
    }
    fc.tables["emissions_iamc"] = iamc_table(fc.tables["emissions_by_source"])
    return fc


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
                lo, hi = np.quantile(sim, [0.1, 0.9], axis=0)
                rows.append(
                    pd.DataFrame(
                        {
                            "year": fc.years,
                            "emission_scenario": scenario,
                            "boundary": boundary,
                            "source": source,
                            "emissions_kt": value,
                            "lo_80": lo,
                            "hi_80": hi,
                        }
                    )
                )
    out = pd.concat(rows, ignore_index=True)
    out[["emissions_kt", "lo_80", "hi_80"]] = out[["emissions_kt", "lo_80", "hi_80"]].round(4)
    return out


def measures_table(fc: EmissionsForecast) -> pd.DataFrame:
    """One row per measure (TPP-2's two steps together): timing, printed reduction, cost, cost per tonne, modelled 2030 wedge."""
    plan = fc.plan
    quantified = plan[plan["quantified"]].reset_index(drop=True)
    wedge_2030 = dict.fromkeys(plan["measure"], 0.0)
    column = int(np.searchsorted(fc.years, TARGET_YEAR))
    for j, measure in enumerate(quantified["measure"]):
        wedge_2030[measure] += float(fc.central_wedges["programme"][j, column])
    grouped = plan.groupby("measure", sort=False).agg(
        source=("source", "first"),
        boundary=("boundary", "first"),
        start_year=("start_year", "min"),
        full_year=("full_year", "max"),
        reduction_kt=("reduction_kt", "sum"),
        cost_bn_kzt=("cost_bn_kzt", "first"),
        source_line=("source_line", "first"),
        quantified=("quantified", "first"),
        timing_basis=("timing_basis", lambda s: " / ".join(dict.fromkeys(s))),
    )
    grouped = grouped.reset_index()
    with np.errstate(divide="ignore", invalid="ignore"):
        per_tonne = grouped["cost_bn_kzt"] * 1e9 / (grouped["reduction_kt"] * 1000)
    grouped["cost_per_tonne_kzt"] = per_tonne.where(grouped["reduction_kt"] > 0).round(0)
    grouped["wedge_2030_kt"] = grouped["measure"].map(wedge_2030).round(4)
    grouped["reduction_kt"] = grouped["reduction_kt"].round(4)
    columns = [
        "measure",
        "source",
        "boundary",
        "start_year",
        "full_year",
        "reduction_kt",
        "cost_bn_kzt",
        "cost_per_tonne_kzt",
        "source_line",
        "quantified",
        "wedge_2030_kt",
        "timing_basis",
    ]
    return grouped[columns].sort_values(["quantified", "reduction_kt"], ascending=[False, False]).reset_index(drop=True)


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


def iamc_table(by_source: pd.DataFrame, model: str = "almaty-analytics") -> pd.DataFrame:
    """Central trajectories in the IAMC wide format: model, emission_scenario, region, variable, unit, <years>.

    ``export.write_table`` turns ``emission_scenario`` into the IAMC ``scenario`` column as
    ``<project scenario>|<emission scenario>``.
    """
    frame = by_source.copy()
    frame["variable"] = frame["source"].map(
        lambda s: "Emissions|Air pollutants" if s == "total" else f"Emissions|Air pollutants|{SOURCES[s].iamc}"
    )
    frame["region"] = frame["boundary"].map(REGIONS)
    wide = frame.pivot_table(
        index=["emission_scenario", "region", "variable"], columns="year", values="emissions_kt", sort=False
    ).reset_index()
    wide.columns = [str(c) for c in wide.columns]
    wide.insert(0, "model", model)
    wide.insert(4, "unit", "kt/yr")
    return wide


def checked_plan(params: dict, measures: pd.DataFrame, programme: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The measure plan and the emission parameters checked against it (see check_parameters)."""
    plan = measure_plan(measures, programme)
    quantified = sorted(set(plan.loc[plan["quantified"], "measure"]))
    removed = float(plan.loc[plan["source"] == "agglomeration_houses", "reduction_kt"].sum())
    return plan, check_parameters(params, sorted(set(plan["measure"])), quantified, removed)


def validate(params: dict) -> None:
    """Check the emission parameters against the measures in data/raw (run before any kernel starts)."""
    from . import io

    checked_plan(params, io.read_table("programme_emission_measures"), io.read_table("programme_emissions"))
