"""The city's vehicle fleet by build year: a stock–flow model calibrated on the dated registers.

Method (the cohort stock model of fleet inventories, as COPERT/EMEP-EEA Tier 3 fleet files and LEAP's vintage stock
turnover): the fleet is a set of cohorts by build year. Each year every cohort loses ``fleet_scrappage_rate`` of its
vehicles (vehicles leaving the register: scrapped, exported, moved away); the fleet the city needs is population ×
vehicles per resident, the motorisation changing at a rate taken from the dated registers (``motorisation_from_registers``);
the vehicles entering are that fleet minus the survivors, never negative: new vehicles (build year = the year) and, a share
``used_import_share``, used imports ``used_import_age`` years old. Nothing else renews the fleet, so no vehicle is counted
twice: with the fleet flat and no scrappage nothing enters and the fleet's emission factor stays where it is.

* **Start.** The register of May 2022 by build year (Appendix 3, line 5315: 1980-2009, 2010-2019, 2020-2022), each band
  spread evenly over its years, stands for the inventory year's fleet.
* **Scrappage** (``scrappage_from_registers``): the vehicles built up to the year of an earlier register that are still
  registered in May 2022 (the bands, evenly spread) against that register's total (529,295 in December 2016, National
  Environment Report): (survivors / stock)^(1 / years between) = 1 − rate. The registers do not separate used imports,
  so the rate is net of the used imports of those build years that arrived in between. It is one rate for every age: two
  totals do not identify a profile by age.
* **Motorisation** (``motorisation_from_registers``): the log-linear growth of the registered fleet across the register
  dates the vintage holds, minus the population's growth over the same span (the log-linear trend of BNS 1 January totals
  in the segment between level shifts the first register falls in, so the 2021 census re-basing is not read as growth).
* **Emission factor by build year.** Two classes with the EMEP/EEA factors in data/raw: built before 2010 about Euro 2,
  2010 or later about Euro 5, a pre-2010 vehicle emitting ``old_vehicle_emission_ratio`` times a newer one per km (CO +
  NOx + NMVOC, light petrol vehicles). The fleet factor is the stock-weighted mean, indexed to the start.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import history
from .sources import EmissionsError, as_column

OLD_BEFORE = 2010  # build years before this are the pre-2010 class (about Euro 2; Appendix 3's band 1980-2009)
REGISTER_INDICATOR = "registered_vehicles"  # dated_statements.csv: a dated count of the vehicles registered in Almaty
PROGRAMME_REGISTER = ("fleet_registered_app3", "2022-05-15")  # Appendix 3's total, dated May 2022 by line 4257 (mid-month)
AGE_BANDS = {"fleet_age_1980_2009": (1980, 2009), "fleet_age_2010_2019": (2010, 2019), "fleet_age_2020_2022": (2020, 2022)}


def decimal_year(date: str) -> float:
    stamp = pd.Timestamp(date)
    return stamp.year + (stamp.day_of_year - 1) / (366 if stamp.is_leap_year else 365)


def registers(programme: pd.DataFrame, statements: pd.DataFrame) -> pd.DataFrame:
    """Dated counts of registered vehicles: ``date, year, vehicles, source`` (the programme's May 2022 total and every
    ``registered_vehicles`` statement of the vintage), oldest first."""
    figures = programme.set_index("figure_id")
    row = figures.loc[PROGRAMME_REGISTER[0]]
    rows = [{"date": PROGRAMME_REGISTER[1], "vehicles": float(row["value"]), "source": str(row["source"])}]
    dated = statements[statements["indicator"] == REGISTER_INDICATOR]
    rows += [{"date": str(r.date), "vehicles": float(r.value), "source": str(r.source_url)} for r in dated.itertuples(index=False)]
    out = pd.DataFrame(rows).sort_values("date", kind="stable").reset_index(drop=True)
    out.insert(1, "year", out["date"].map(decimal_year))
    return out


def band_cohorts(programme: pd.DataFrame) -> pd.Series:
    """Vehicles of the May 2022 register by build year, each band of Appendix 3 spread evenly over its years."""
    figures = programme.set_index("figure_id")["value"].astype(float)
    parts = [pd.Series(figures[k] / (b - a + 1), index=range(a, b + 1)) for k, (a, b) in AGE_BANDS.items()]
    return pd.concat(parts)


def scrappage_from_registers(cohorts: pd.Series, cohorts_date: str, earlier_total: float, earlier_date: str) -> float:
    """Yearly net scrappage: 1 − (vehicles built up to the earlier register's year and still registered / its total)^(1/Δt)."""
    span = decimal_year(cohorts_date) - decimal_year(earlier_date)
    survivors = float(cohorts[cohorts.index <= pd.Timestamp(earlier_date).year].sum())
    if span <= 0 or not 0 < survivors <= earlier_total:
        raise EmissionsError(
            f"vehicle registers: {survivors:.0f} vehicles built by {earlier_date[:4]} still registered in {cohorts_date} against "
            f"{earlier_total:.0f} registered on {earlier_date}; expected a later register holding no more of those build years"
        )
    return float(1 - (survivors / earlier_total) ** (1 / span))


def population_growth(bns_population: pd.DataFrame, shifts: pd.DataFrame, year: float) -> float:
    """Log-linear growth of Almaty's BNS 1 January totals in the segment between level shifts that ``year`` falls in."""
    rows = bns_population[(bns_population["area"] == "almaty") & (bns_population["sex"] == "total")]
    marked = history.with_level_shifts(rows, shifts, "bns_population_1jan", "persons")
    segment = marked.loc[marked["year"] <= int(year), "segment"].max()
    series = marked[marked["segment"] == segment].set_index("year")["persons"].astype(float)
    if len(series) < 2:
        raise EmissionsError(f"bns_population_1jan: fewer than 2 years of Almaty around {year:.0f}; the motorisation needs a population growth")
    return float(np.polyfit(series.index.to_numpy(dtype=float), np.log(series.to_numpy()), 1)[0])


def motorisation_from_registers(register: pd.DataFrame, population_log_growth: float) -> float:
    """Yearly change of vehicles per resident: exp(slope of log vehicles on the register dates − population log growth) − 1."""
    if len(register) < 2:
        raise EmissionsError("vehicle registers: fewer than 2 dated counts in the vintage; the motorisation needs two")
    slope = np.polyfit(register["year"].to_numpy(dtype=float), np.log(register["vehicles"].to_numpy(dtype=float)), 1)[0]
    return float(np.expm1(slope - population_log_growth))


def stock_flow(
    years: np.ndarray,
    population: np.ndarray,
    cohorts: pd.Series,
    motorisation_growth,
    scrappage_rate: float,
    used_import_share: float,
    used_import_age: int,
    old_ratio,
) -> dict[str, np.ndarray]:
    """The fleet (…, T) from the first of ``years``: ``stock`` (vehicles), ``entries``, ``scrapped``, ``old_share`` and
    ``factor`` (the fleet's emission factor indexed to the first year), for population (…, T) and the start ``cohorts``."""
    first = int(years[0])
    build = np.arange(min(int(cohorts.index.min()), first - used_import_age), int(years[-1]) + 1)
    start = np.zeros(build.size)
    start[np.searchsorted(build, cohorts.index.to_numpy())] = cohorts.to_numpy(dtype=float)
    lead = np.broadcast_shapes(np.shape(population)[:-1], np.shape(motorisation_growth), np.shape(old_ratio))
    stock = np.broadcast_to(start, lead + build.shape).copy()
    t = np.asarray(years, dtype=float) - first
    need = start.sum() * population / population[..., :1] * (1 + as_column(motorisation_growth)) ** t
    need = np.broadcast_to(need, lead + (len(years),))
    weight = np.where(build < OLD_BEFORE, np.asarray(old_ratio, dtype=float)[..., None], 1.0)
    out = {k: np.zeros(lead + (len(years),)) for k in ("stock", "entries", "scrapped", "old_share", "factor")}
    for i, year in enumerate(years):
        if i:
            scrapped = stock * scrappage_rate
            stock = stock - scrapped
            entries = np.maximum(need[..., i] - stock.sum(axis=-1), 0.0)
            stock[..., build == year] += ((1 - used_import_share) * entries)[..., None]
            stock[..., build == year - used_import_age] += (used_import_share * entries)[..., None]
            out["entries"][..., i], out["scrapped"][..., i] = entries, scrapped.sum(axis=-1)
        total = stock.sum(axis=-1)
        out["stock"][..., i] = total
        out["old_share"][..., i] = stock[..., build < OLD_BEFORE].sum(axis=-1) / total
        out["factor"][..., i] = (stock * weight).sum(axis=-1) / total
    out["factor"] = out["factor"] / out["factor"][..., :1]
    return out
