"""The data overview: the observed series the forecasts start from and the programme's headline figures.

Method: BNS population on 1 January and stationary emissions with their level-shift segments
(``history.with_level_shifts``), the mean yearly change of the population within its last segment,
the BNS school counts, the programme's headline figures (``programme.headline_figures``), its 2021
emission inventory and its district table. ``overview`` returns every figure report 00 shows and the
tables it publishes; the notebook only presents them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import history, io, programme
from .tablespec import TableSpec


@dataclass(frozen=True)
class Overview:
    population_history: pd.DataFrame  # year, sex, persons, segment, change (BNS, with level shifts)
    trend: dict  # history.mean_annual_change of the total in its last segment
    base_population: int  # BNS total on 1 January of the base year
    emissions: pd.DataFrame  # BNS stationary emissions of Almaty
    emissions_history: pd.DataFrame  # the same with level-shift segments
    schools: pd.DataFrame  # BNS count of day schools by school year
    shifts: pd.DataFrame  # data/raw/level_shifts.csv
    headline: pd.DataFrame  # the programme's headline figures
    inventory: pd.DataFrame  # the programme's 2021 emission inventory (rows used)
    districts: pd.DataFrame  # the programme's district table with shares
    tables: dict[str, pd.DataFrame]  # what report 00 publishes

    def figure(self, figure_id: str) -> float:
        """A headline figure's value as printed."""
        return float(self.headline.set_index("figure_id").loc[figure_id, "value"])


INPUT_TABLES = (
    "level_shifts", "bns_population_1jan", "bns_stationary_emissions", "bns_schools", "programme_population", "programme_schools",
    "programme_emissions", "programme_emission_inventory", "programme_districts",
)


def overview(params: dict) -> Overview:
    """Every observed figure report 00 shows, for the run's ``base_year`` and ``districts``."""
    data = io.read_tables(INPUT_TABLES, params["vintage"])
    shifts = data["level_shifts"]
    population = data["bns_population_1jan"].query("area == 'almaty'").drop(columns="area")
    population_history = history.with_level_shifts(population, shifts, "bns_population_1jan", "persons", by=["sex"])
    total = population_history.query("sex == 'total'")
    emissions = data["bns_stationary_emissions"].query("area == 'almaty'").drop(columns="area")
    figures = {d: data[f"programme_{d}"] for d in ("population", "schools", "emissions")}
    headline = programme.headline_figures(figures, programme.HEADLINE_FIGURES)
    tables = {
        "data_population_history": population_history.rename(columns={"change": "change_persons"})[list(TABLES["data_population_history"].columns)],
        "data_programme_figures": headline[list(TABLES["data_programme_figures"].columns)],
    }
    return Overview(
        population_history=population_history,
        trend=history.mean_annual_change(total),
        base_population=int(total.loc[total["year"] == params["base_year"], "persons"].iloc[0]),
        emissions=emissions,
        emissions_history=history.with_level_shifts(emissions, shifts, "bns_stationary_emissions", "emissions_kt"),
        schools=data["bns_schools"].query("area == 'almaty'"),
        shifts=shifts,
        headline=headline,
        inventory=data["programme_emission_inventory"].query("used"),
        districts=programme.district_shares(data["programme_districts"], params["districts"]),
        tables=tables,
    )


# -- in the reader's words (the published tables keep the ids) --


def key_values(data: Overview, params: dict, scenario: str, t) -> dict:
    """The figures of the key numbers (``data.key_numbers``) in the report's language: the base population and the recent
    trend, the programme's growth, 2030 target and seat deficit, the 2021 inventory and its target, the newest BNS
    stationary emissions, the scenario and the number of level shifts."""
    return {
        "base_year": params["base_year"], "population": t.num(data.base_population), "from_year": data.trend["from_year"],
        "to_year": data.trend["to_year"], "growth": t.num(data.trend["mean_change"]), "programme_growth": t.num(data.figure("population_growth_avg_annual"), 0),
        "target": t.num(data.figure("population_target_2030"), 1), "deficit": t.num(data.figure("seat_deficit_2021_l2801"), 1),
        "emissions": t.num(float(data.inventory.query("source_id == 'total'")["value"].iloc[0]), 0), "emissions_target": t.num(data.figure("target_total_2030"), 0),
        "bns_year": int(data.emissions["year"].max()), "bns_emissions": t.num(float(data.emissions["emissions_kt"].iloc[-1]), 1),
        "scenario": t.scenario(scenario), "shifts": len(data.shifts),
    }


def headline_shown(data: Overview, t) -> pd.DataFrame:
    """The programme's headline figures for reading: domains, indicators and qualifiers by their display names."""
    shown = data.headline.drop(columns=["figure_id"])
    return shown.assign(domain=shown["domain"].map(lambda d: t.term("domain", d)), indicator=shown["indicator"].map(lambda i: t.term("programme_indicator", i)),
                        qualifier=shown["qualifier"].map(lambda q: t.term("qualifier", q)))


def population_shown(data: Overview, t) -> pd.DataFrame:
    """The population history for the chart: each sex by its display name, in a column named by its header (the legend's title)."""
    history = data.population_history
    return history.assign(sex=history["sex"].map(lambda s: t.term("sex", s))).rename(columns={"sex": t.column("sex")})


def districts_shown(data: Overview, t) -> pd.DataFrame:
    return data.districts.assign(district=data.districts["district"].map(lambda d: t.term("district", d)))


def shifts_shown(data: Overview, t) -> pd.DataFrame:
    """The level shifts without their sources, each kind by its display name (the reason stays in English)."""
    return data.shifts.drop(columns="source").assign(kind=data.shifts["kind"].map(lambda k: t.term("level_shift", k)))


# Tables report 00 publishes (export.TABLES composes them).
TABLES: dict[str, TableSpec] = {
    "data_population_history": TableSpec(
        "Almaty population on 1 January, BNS, with level-shift segments",
        {
            "year": ("year", "population on 1 January of this year"),
            "sex": ("", "total, male or female"),
            "persons": ("persons", "resident population, city boundary of that date"),
            "segment": ("", "1, 2, ...: a new segment starts after each level shift (boundary change, census)"),
            "change_persons": ("persons", "change from the previous year; empty across a level shift"),
        },
        "BNS population on 1 January (data/raw/bns_population_1jan.csv); level shifts from data/raw/level_shifts.csv",
    ),
    "data_programme_figures": TableSpec(
        "Headline figures and targets of the Almaty development programme (2022)",
        {
            "domain": ("", "population, schools or emissions"),
            "figure_id": ("", "identifier in data/raw/programme_<domain>.csv"),
            "indicator": ("", "what the figure measures"),
            "ref_year": ("year", "year the figure refers to (target year for targets)"),
            "value": ("see unit", "value as printed in the programme"),
            "unit": ("", "unit of value"),
            "qualifier": ("", "exact, about, more_than, ..."),
            "source": ("", "programme text file and line"),
        },
        "Almaty development programme to 2025 with perspectives to 2030 (2022), lines as cited",
    ),
}
