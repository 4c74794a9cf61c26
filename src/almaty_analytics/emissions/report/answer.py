"""Report 30's answer and what it rests on: the chance of meeting the target by scenario, the scenario bands, the tornado,
the pollutants of TPP-2, the sources, the wedges from the baseline to the programme and the target arithmetic."""

from __future__ import annotations

import pandas as pd

from ..drivers import population_sources
from ..sources import EMISSION_SCENARIOS
from .base import INTERIM_YEAR, ReportBase

BY_SOURCE_HEADROOM = 1.05  # the stacked chart's y axis reaches this times the highest total (the legend is below the plot)


class AnswerPart(ReportBase):
    """The answer, the scenarios and tornado, the pollutants, the sources and the wedges."""

    def answer_intro(self) -> dict:
        p, t = self.params, self.t
        return {
            "year": self.target_year,
            "scenario": t.scenario(p["scenario"]),
            "variant": t.term("variant", p["population_variant"]),
            "n": t.num(p["n_simulations"]),
            "seed": p["seed"],
            "delay": p["measure_delay_years"],
            "delay_mean": t.num(p["measure_delay_mean_years"], 1),
            "completeness": t.pct(p["measure_completeness_mean"]),
        }

    def answer_table(self) -> pd.DataFrame:
        """One row per emission scenario: city median (80% interval), median gap to the target, chance of meeting it,
        the as-scheduled path, and city plus with its interval, as formatted cells."""
        num = self.t.num
        rows = []
        for name in EMISSION_SCENARIOS:
            city, plus = self.gap.loc[(name, "city")], self.gap.loc[(name, "city_plus")]
            gap = city["median_kt"] - self.target
            rows.append(
                {
                    "emission_scenario": self.scenario_name(name),
                    "answer_city": f"{num(city['median_kt'], 1)} ({self.t.interval(city['lo_80'], city['hi_80'], 1)})",
                    "answer_gap": num(gap, 1, signed=True),
                    "answer_chance": self.t.pct(city["share_meeting_target"]),
                    "answer_scheduled": num(city["scheduled_kt"], 1),
                    "answer_city_plus": f"{num(plus['median_kt'], 1)} ({self.t.interval(plus['lo_80'], plus['hi_80'], 1)})",
                }
            )
        return pd.DataFrame(rows)

    def answer_headers(self) -> dict:
        """The values the answer table's headers name: the target year and the target."""
        return {"year": self.target_year, "target": self.t.num(self.target)}

    def answer_text(self) -> dict:
        t, num, a = self.t, self.t.num, self.arithmetic
        programme, baseline, delayed = (self.gap.loc[(name, "city")] for name in ("programme", "baseline", "delayed"))
        meets = programme["gap_kt"] <= 0  # the median, the central figure
        due = self.fc.schedule.year
        tpp2 = (t("emissions.tpp2_due_in_target", year=self.target_year) if due >= self.target_year
                else t("emissions.tpp2_due_before", due=due, lead=self.target_year - due, year=self.target_year))
        return {
            "tpp2_clause": tpp2,
            "verdict": t("emissions.meets") if meets else t("emissions.misses"),
            "target": num(self.target),
            "year": self.target_year,
            "median": num(programme["median_kt"], 1),
            "gap": num(abs(programme["gap_kt"]), 1),
            "chances": self.chances_by_year("programme"),
            "scheduled": num(programme["scheduled_kt"], 1),
            "scheduled_verdict": t("emissions.meets") if programme["scheduled_gap_kt"] <= 0 else t("emissions.misses"),
            "side": t("emissions.below") if meets else t("emissions.above"),
            "chance": self.t.pct(programme["share_meeting_target"]),
            "baseline": num(baseline["median_kt"], 1),
            "delay": self.params["measure_delay_years"],
            "delayed": num(delayed["median_kt"], 1),
            "delayed_scheduled": num(delayed["scheduled_kt"], 1),
            "measures": num(a["measures_city"], 2),
            "remaining": num(a["city_2021_minus_city_measures"], 2),
            "short": num(a["gap_city_measures_to_target"], 2),
            "after_55": num(a["level_after_55"], 0),
            "with_tpp3": num(a["measures_city_and_tpp3"], 2),
            "boundary": self.boundary_text(self.boundary),
        }

    def bands(self) -> dict:
        """Arguments of ``plots.scenario_bands``: the boundary's total for every scenario."""
        by_source = self.fc.tables["emissions_by_source"]
        return {
            "data": by_source[(by_source["source"] == "total") & (by_source["boundary"] == self.boundary)],
            "target": self._target_marker(year_first=True),
            "ylabel": self.t("emissions.y_all"),
            "title": self.t("emissions.bands_title", boundary=self.boundary_text(self.boundary)),
            "source": self.source,
        }

    def bands_text(self) -> dict:
        return {"inventory": self.t.num(self.arithmetic["inventory_2021_components"], 3)}

    def base_notes(self) -> list[tuple[str, dict]]:
        """The paragraph on where the paths start, as (key, values), when the inventory is older than the population
        forecast's first year (a fallback): that year and where each year's population comes from
        (``drivers.population_sources``); empty otherwise."""
        t, sources = self.t, population_sources(self.inventory_year, self.fc.population)
        if sources["forecast_from"] <= self.inventory_year:
            return []
        parts = [
            t(f"emissions.population_{kind}", years=", ".join(str(y) for y in sources[kind])) for kind in ("carried", "observed") if sources[kind]
        ]
        parts.append(t("emissions.population_forecast", year=sources["forecast_from"]))
        values = {"inventory_year": self.inventory_year, "population_year": sources["forecast_from"], "population": "; ".join(parts)}
        return [("emissions.base_note", values)]

    def tornado_charts(self) -> list[dict]:
        """Arguments of ``plots.tornado`` for the baseline and the programme scenario."""
        table = self.fc.tables["emissions_tornado"]
        charts = []
        for name in ("baseline", "programme"):
            label = self.scenario_name(name)
            charts.append(
                {
                    "table": self._parameters_named(table[table["emission_scenario"] == name]),
                    "ylabel": "",
                    "xlabel": self.t("emissions.tornado_x", year=self.target_year, scenario=label),
                    "title": self.t("emissions.tornado_title", year=self.target_year, scenario=label),
                    "source": self.source,
                }
            )
        return charts

    def _parameters_named(self, table: pd.DataFrame) -> pd.DataFrame:
        return table.assign(parameter=table["parameter"].map(self.t.parameter))

    def tornado_table(self) -> pd.DataFrame:
        table = self._parameters_named(self.fc.tables["emissions_tornado"])
        return table.drop(columns=["central_kt"]).assign(emission_scenario=table["emission_scenario"].map(self.scenario_name))

    def species_table(self) -> pd.DataFrame:
        """TPP-2's TSP, PM2.5, SO2 and NOx in the inventory and target years, baseline against programme (table emissions_tpp2_species)."""
        return self.fc.tables["emissions_tpp2_species"]

    def pollutants_text(self) -> tuple[str, dict]:
        """The paragraph under the species table, as (key, values): the capture used and, where the vintage holds the coal
        burned, the fuel-based total beside the programme's TPP-2 tonnes and the capture at which they agree."""
        t, checks = self.t, self._pollutant_checks()
        species = self.species_table().set_index(["year", "pollutant"])
        values = {
            "capture": t.pct(self.params["tpp2_particulate_capture"], 1),
            "tsp": t.num(species.loc[(self.inventory_year, "TSP"), "baseline_kt"], 1),
            "year": self.inventory_year,
            "target_year": self.target_year,
            "tsp_cut": t.pct(-species.loc[(self.target_year, "TSP"), "conversion_effect_share"]),
            "nox_cut": t.pct(-species.loc[(self.target_year, "NOx"), "conversion_effect_share"]),
        }
        if "fuel_based_total" not in checks.index:
            return "emissions.pollutants_text_no_coal", values
        return "emissions.pollutants_text", values | {
            "fuel_total": t.num(checks["fuel_based_total"], 1),
            "programme": t.num(checks["programme_tpp2_inventory_year"], 1),
            "coal": t.num(checks["coal_burned"] / 1000, 1),
            "heating": t.num(checks["heating_value_used"], 2),
            "agreeing": t.pct(checks["capture_at_which_fuel_based_total_is_the_programme"], 1),
        }

    def residential_gas_text(self) -> dict:
        """The gasified houses against EMEP/EEA Tier 1 (table emissions_pollutant_checks): kg a house, the Tier 1 sum, the
        gas a house would burn at it."""
        checks = self._pollutant_checks()
        return {
            "kg": self.t.num(checks["programme_emission_per_gasified_house"]),
            "tier1": self.t.num(checks["emep_tier1_sum_of_factors"], 1),
            "gj": self.t.num(checks["gas_burned_per_house_implied_at_tier1"]),
        }

    def _pollutant_checks(self) -> pd.Series:
        """Table emissions_pollutant_checks as value by quantity."""
        return self.fc.tables["emissions_pollutant_checks"].set_index("quantity")["value"]

    def capture_range_table(self) -> pd.DataFrame:
        """The coal part's particulates over the capture and the heating value (table emissions_tpp2_capture_range)."""
        return self.fc.tables["emissions_tpp2_capture_range"]

    def _by_source(self) -> pd.DataFrame:
        by_source = self.fc.tables["emissions_by_source"]
        rows = by_source[
            (by_source["emission_scenario"] == self.params["emission_scenario"])
            & (by_source["boundary"] == self.boundary)
            & (by_source["source"] != "total")
        ]
        return rows.assign(source=rows["source"].map(lambda s: self.t(f"emissions.sources.{s}")))

    def by_source_chart(self) -> dict:
        """Arguments of ``plots.stacked_area``: the sources of the report's emission scenario and boundary (median of each)."""
        return {
            "data": self._by_source(),
            "x": "year",
            "hue": "source",
            "y": "median_kt",
            "scale": 1.0,
            "ylabel": self.t("emissions.y_all"),
            "title": self.t(
                "emissions.by_source_title",
                scenario=self.scenario_name(self.params["emission_scenario"]),
                boundary=self.t.term("boundary", self.boundary),
            ),
            "source": self.source,
        }

    def by_source_top(self) -> float:
        """Top of the stacked chart's y axis."""
        return float(self._by_source().groupby("year")["median_kt"].sum().max() * BY_SOURCE_HEADROOM)

    def by_source_table(self) -> pd.DataFrame:
        """Each source (rows) in the inventory year, ``INTERIM_YEAR``, the target year and the horizon (columns)."""
        rows = self._by_source()
        years = list(dict.fromkeys([self.inventory_year, INTERIM_YEAR, self.target_year, self.params["horizon"]]))
        wide = rows[rows["year"].isin(years)].pivot(index="source", columns="year", values="median_kt")
        return wide.reset_index().rename_axis(columns=None)

    def _totals(self) -> tuple[float, float]:
        """The waterfall's ends: baseline and programme as scheduled (the wedges are the as-scheduled reductions)."""
        return float(self.gap.loc[("baseline", self.boundary), "scheduled_kt"]), float(self.gap.loc[("programme", self.boundary), "scheduled_kt"])

    def waterfall(self) -> dict:
        """Arguments of ``plots.waterfall``: from the baseline to the programme in the target year, one bar per measure's wedge
        (the boundary's measures; city: the city's only), largest first."""
        wedges = self.fc.tables["emissions_wedges"]
        shown = wedges[(wedges["emission_scenario"] == "programme") & (wedges["year"] == self.target_year)]
        if self.boundary == "city":
            shown = shown[shown["boundary"] == "city"]
        shown = shown[shown["wedge_kt"] > 0].sort_values("wedge_kt", ascending=False)
        base, programme = self._totals()
        return {
            "start": (self.t("emissions.waterfall_baseline", year=self.target_year), base),
            "steps": shown.assign(label=shown["measure"].map(self.measure_name), value=-shown["wedge_kt"])[["label", "value"]],
            "end": (self.t("emissions.waterfall_programme", year=self.target_year), programme),
            "target": self._target_marker(year_first=False),
            "ylabel": self.t("emissions.y_kt"),
            "title": self.t("emissions.waterfall_title", year=self.target_year, boundary=self.t.term("boundary", self.boundary)),
            "source": self.source,
        }

    def wedges_text(self) -> dict:
        num = self.t.num
        base, programme = self._totals()
        plan = self.fc.plan
        return {
            "year": self.target_year,
            "base": num(base, 1),
            "programme": num(programme, 1),
            "difference": num(base - programme, 1),
            "tpp2": num(plan.loc[plan["measure"] == "tpp2_coal_to_gas", "reduction_kt"].sum(), 1),
        }

    def targets_table(self) -> pd.DataFrame:
        """``emissions_targets`` with its items by their display names (the arithmetic stays in English)."""
        table = self.fc.tables["emissions_targets"]
        return table.assign(item=table["item"].map(lambda i: self.t.term("emission_item", i)))

    def arithmetic_text(self) -> dict:
        num, a = self.t.num, self.arithmetic
        return {
            "implied": num(a["target_reduction_implied"], 0),
            "after_55": num(a["level_after_55"], 0),
            "city": num(a["measures_city"], 2),
            "with_tpp3": num(a["measures_city_and_tpp3"], 2),
            "all": num(a["measures_all"], 2),
            "reading": num(a["reading_78"], 1),
        }
