"""The baseline without new measures: each source follows its own driver, indexed to the inventory year (2021).

* *TPP-2 and TPP-3* (coal CHP) follow district-heat demand: households raised to ``heat_elasticity``,
  capped at ``tpp2_capacity_headroom`` times the inventory year. Households = population / household size, the size
  changing at ``household_size_change`` a year.
* *Private houses* follow the housing stock and gasification, not population: houses on gas grow at
  ``private_house_growth`` and take in the solid-fuel houses that are gasified; houses on solid fuel
  change at ``solid_fuel_house_change``.
* *Road transport* = vehicle activity × fleet emission factor. Activity mixes city vehicles (the fleet of the
  vintage stock–flow model, ``fleet.stock_flow``: population × vehicles per resident, the motorisation from the dated
  registers unless ``motorisation_basis`` is ``parameter``) and vehicles entering daily (``inbound_vehicle_growth``),
  weighted 470 : 230 (line 331); the factor is the fleet's by build year (pre-2010 vehicles emit
  ``old_vehicle_emission_ratio`` times a newer one), renewed only by the vehicles that enter to replace the
  ``fleet_scrappage_rate`` leaving and to follow the fleet's growth.
* *Other stationary* grows at ``other_stationary_growth``: the log-linear trend of BNS stationary emissions
  in the latest segment between level shifts that has at least ``TREND_MIN_YEARS`` years
  (``calibrate_other_stationary``): 2014-2021, after the 2013→2014 boundary shift; the 2022 figure follows
  the survey scope of 2022 (a change of definition) and is a segment of its own, too short for a trend.
  Agglomeration houses are constant.

Population is the population forecast on 1 January, its years taken from the forecast (``population_path``):
the observed BNS totals fill the years from the inventory year to the forecast's first year where they are on
the forecast's basis (after the 2021 census re-basing), and the years before that basis are carried back at the
first-year growth (``population_from_inventory_year``; 2021 on the 2022 post-census basis). The
``*_from_data`` functions derive the defaults of the driver parameters from data/raw (tests compare them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import history
from ..params import Param
from . import fleet
from .sources import SOURCE_IDS, SOURCES, STATIONARY_SERIES, EmissionsError, as_column

TREND_MIN_YEARS = 3  # years of one segment a log-linear trend of BNS stationary emissions needs


@dataclass(frozen=True)
class Drivers:
    """Baseline driver assumptions (scenario parameters of the same names, plus figures from data/raw)."""

    motorisation_growth: float  # change per year of vehicles per resident (from the registers or the parameter)
    inbound_vehicle_growth: float  # change per year of vehicles entering the city daily
    inbound_share: float  # share of inbound vehicles in daily traffic (230 of 470 + 230, line 331)
    cohorts: pd.Series  # the May 2022 register by build year (line 5315), the fleet's start
    fleet_scrappage_rate: float  # share of each cohort leaving the register a year
    used_import_share: float  # share of the vehicles entering that are used imports
    used_import_age: int  # their age on entry
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
    """Fleet age mix of Appendix 3 (line 5315): the share built before 2010 and the yearly net scrappage rate from the
    December 2016 register (529,295, National Environment Report; dated_statements.csv) and the May 2022 one by build year
    (``fleet.scrappage_from_registers``)."""
    f = programme.set_index("figure_id")["value"].astype(float)
    total = f["fleet_age_1980_2009"] + f["fleet_age_2010_2019"] + f["fleet_age_2020_2022"]
    return {"old_share": float(f["fleet_age_1980_2009"] / total)}


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
    """Log-linear trend of Almaty's BNS stationary emissions in the latest segment between level shifts that has at
    least ``TREND_MIN_YEARS`` years.

    Returns ``growth`` (exp(slope) - 1), ``sd`` (standard error of the slope), ``from_year``, ``to_year`` and
    ``newest_year``, the series' newest year. A newest year after ``to_year`` lies in a later segment too short for
    a trend (from 2022 a new survey scope, level_shifts.csv): the trend is then the segment before's, a fallback
    the report states.
    """
    marked = history.with_level_shifts(bns[bns["area"] == "almaty"], shifts, STATIONARY_SERIES, "emissions_kt")
    lengths = marked.groupby("segment")["year"].size()
    long_enough = lengths[lengths >= TREND_MIN_YEARS]
    if long_enough.empty:
        raise EmissionsError(
            f"bns_stationary_emissions: no segment between level shifts has {TREND_MIN_YEARS} years of Almaty; a trend needs at least {TREND_MIN_YEARS}"
        )
    segment = marked[marked["segment"] == long_enough.index.max()].set_index("year")["emissions_kt"].astype(float)
    fit = log_linear_trend(segment)
    return {
        "growth": float(np.expm1(fit["slope"])),
        "sd": fit["slope_se"],
        "from_year": int(segment.index.min()),
        "to_year": int(segment.index.max()),
        "newest_year": int(marked["year"].max()),
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


def population_sources(inventory_year: int, pop) -> dict:
    """Where the population of each year from ``inventory_year`` comes from, for the population forecast ``pop``
    (``population.PopulationForecast``): ``forecast_from``, the forecast's first year (its own, ``population_total``);
    ``observed``, the years before it on the forecast's basis (from its last level shift, ``pop.shifts``), taken from
    the BNS totals; ``carried``, the years before that shift (e.g. 2021, before the census re-basing), carried back."""
    first = int(pop.tables["population_total"]["year"].iloc[0])
    basis = max([inventory_year, *(int(y) for y in pop.shifts["first_year_after"] if y <= first)])
    return {"forecast_from": first, "observed": list(range(basis, first)), "carried": list(range(inventory_year, min(basis, first)))}


def population_path(inventory_year: int, pop) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Years, central (T,) and simulated (n, T) city totals on 1 January of the population forecast ``pop``
    (``population.PopulationForecast``), preceded by the observed ones between the inventory year and its first year.

    The forecast's years are its own (``population_total``); the ``observed`` years of ``population_sources`` are filled
    with the BNS totals (``pop.observed``), the same for every trajectory; the ``carried`` ones are left to
    ``population_from_inventory_year``, which carries them back.
    """
    total = pop.tables["population_total"]
    years, central, sims = total["year"].to_numpy(), total["value"].to_numpy(), pop.simulated_totals()
    gap = np.array(population_sources(inventory_year, pop)["observed"], dtype=int)
    missing = [int(y) for y in gap if y not in pop.observed.index]
    if missing:
        raise EmissionsError(
            f"bns_population_1jan: no Almaty total on 1 January {missing}; the emission drivers need the years from "
            f"the inventory year {inventory_year} to the population forecast's first year {int(years[0])}"
        )
    known = pop.observed.loc[gap].to_numpy(dtype=float)
    filled = np.broadcast_to(known, (sims.shape[0], gap.size))
    return np.concatenate([gap, years]), np.concatenate([known, central]), np.concatenate([filled, sims], axis=1)


def population_from_inventory_year(inventory_year: int, years: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Population (…, T) on 1 January from ``inventory_year``: the given years, years before them carried back.

    Each missing year before the first given one is the first value carried back one year at the first-year
    growth, values[0]² / values[1]. The given years start on the basis of the 2021 census (BNS level shift
    2021→2022, level_shifts.csv), so BNS 1 January 2021, on the pre-census basis, is not used: 2021 is put on
    the post-census basis. Given years before ``inventory_year`` are dropped.
    """
    years = np.asarray(years, dtype=int)
    values = np.asarray(values, dtype=float)
    if years.size < 2:
        raise EmissionsError(f"the population projection has {years.size} year(s); the emission drivers need at least 2")
    while years[0] > inventory_year:
        first = values[..., :1] ** 2 / values[..., 1:2]
        years, values = np.concatenate([[years[0] - 1], years]), np.concatenate([first, values], axis=-1)
    keep = years >= inventory_year
    return years[keep], values[..., keep]


def driver_indices(years: np.ndarray, population: np.ndarray, d: Drivers) -> dict[str, np.ndarray]:
    """Driver indices (…, T), 1 in the first of ``years`` (the inventory year), for population (…, T) on 1 January of ``years``.

    * vehicles = activity × fleet emission factor. Activity mixes city vehicles (the stock–flow fleet, ``vehicle_fleet``)
      and inbound vehicles; the factor is the fleet's by build year.
    * chp = min(households^heat_elasticity, tpp2_capacity_headroom); households = population / household size.
    * gas_houses / solid_houses = houses on gas / on solid fuel; gasified solid-fuel houses move to gas.
    * other = BNS stationary trend; constant = 1.
    """
    t = np.asarray(years, dtype=float) - years[0]
    pop = population / population[..., :1]
    fleet_path = vehicle_fleet(years, population, d)
    city_vehicles = fleet_path["stock"] / fleet_path["stock"][..., :1]
    activity = (1 - d.inbound_share) * city_vehicles + d.inbound_share * (1 + as_column(d.inbound_vehicle_growth)) ** t
    fleet_factor = fleet_path["factor"]
    households = pop * (1 + as_column(d.household_size_change)) ** -t
    chp = np.minimum(households ** as_column(d.heat_elasticity), as_column(d.tpp2_capacity_headroom))
    solid = (1 + as_column(d.solid_fuel_house_change)) ** t
    gasified = (1 + as_column(d.private_house_growth)) ** t + d.solid_per_gas_house * (1 - solid)
    other = (1 + as_column(d.other_stationary_growth)) ** t
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
    """Baseline emissions (…, S, T) in kt: each source's inventory-year level times its driver index."""
    return np.stack([levels[s] * indices[SOURCES[s].driver] for s in SOURCE_IDS], axis=-2)


def vehicle_fleet(years: np.ndarray, population: np.ndarray, d: Drivers) -> dict[str, np.ndarray]:
    """The city's fleet by build year (``fleet.stock_flow``) for population (…, T) on 1 January of ``years``."""
    return fleet.stock_flow(
        years, population, d.cohorts, d.motorisation_growth, d.fleet_scrappage_rate, d.used_import_share, d.used_import_age,
        d.old_vehicle_emission_ratio,
    )


MOTORISATION_BASES = ("registers", "parameter")


def motorisation_from_data(inputs: dict[str, pd.DataFrame]) -> float:
    """Vehicles per resident's yearly change from the dated registers of the vintage (``fleet.motorisation_from_registers``)."""
    register = fleet.registers(inputs["programme_emissions"], inputs["dated_statements"])
    growth = fleet.population_growth(inputs["bns_population_1jan"], inputs["level_shifts"], float(register["year"].iloc[0]))
    return fleet.motorisation_from_registers(register, growth)


def drivers_from(params: dict, inputs: dict[str, pd.DataFrame]) -> Drivers:
    programme = inputs["programme_emissions"]
    basis = params["motorisation_basis"]
    if basis not in MOTORISATION_BASES:
        raise EmissionsError(f"parameter 'motorisation_basis': unknown value {basis!r}; expected one of {list(MOTORISATION_BASES)}")
    motorisation = motorisation_from_data(inputs) if basis == "registers" else float(params["motorisation_growth"])
    return Drivers(
        motorisation_growth=motorisation,
        inbound_vehicle_growth=float(params["inbound_vehicle_growth"]),
        inbound_share=inbound_share_from_data(programme),
        cohorts=fleet.band_cohorts(programme),
        fleet_scrappage_rate=float(params["fleet_scrappage_rate"]),
        used_import_share=float(params["used_import_share"]),
        used_import_age=int(params["used_import_age"]),
        old_vehicle_emission_ratio=float(params["old_vehicle_emission_ratio"]),
        heat_elasticity=float(params["heat_elasticity"]),
        household_size_change=float(params["household_size_change"]),
        tpp2_capacity_headroom=float(params["tpp2_capacity_headroom"]),
        private_house_growth=float(params["private_house_growth"]),
        solid_fuel_house_change=float(params["solid_fuel_house_change"]),
        other_stationary_growth=float(params["other_stationary_growth"]),
        solid_per_gas_house=houses_from_data(programme),
    )


# Parameters of the baseline drivers (defaults and their sources).
PARAMETERS: dict[str, Param] = {
    "motorisation_basis": Param(
        str,
        "where the change of vehicles per resident comes from: registers (the log-linear growth of the dated registers of the vintage "
        "- 529,295 in Dec 2016, 547,834 in May 2022, about 617,000 in Oct 2023 - minus the population's growth) or parameter (motorisation_growth)",
        "registers",
        choices=MOTORISATION_BASES,
    ),
    "motorisation_growth": Param(
        float,
        "change per year of vehicles per resident when motorisation_basis = parameter (the registers give -2.4% a year at the mid-2022 "
        "vintage, -1.3% with the 2023 count)",
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
    "fleet_scrappage_rate": Param(
        float,
        "share of each build year's vehicles leaving the register a year, net of used imports of those years: the vehicles built by 2016 "
        "still registered in May 2022 (315,508 + 7/10 of 183,056, line 5315) against the 529,295 of Dec 2016, over 5.45 years",
        0.0319,
        min=0.0,
        max=0.3,
    ),
    "used_import_share": Param(
        float,
        "share of the vehicles entering the fleet that are used imports (assumption: 0; the registers do not separate them, and the "
        "scrappage rate is net of the used imports of the older build years)",
        0.0,
        min=0.0,
        max=1.0,
    ),
    "used_import_age": Param(int, "age of a used import on entry (assumption: 10 years)", 10, min=0, max=40),
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
}
