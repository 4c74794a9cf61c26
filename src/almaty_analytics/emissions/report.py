"""What report 30 shows, in the reader's language: the values of its paragraphs, its display-ready frames and its charts' arguments.

``EmissionsReport(fc, params, t)`` reads the results of ``emissions.results`` (``fc``), the run's resolved
parameters and the language's labels (``i18n.Text``) and computes nothing new: it picks, formats and
arranges what the forecast computed. Every method returns either the keyword values of one catalogue
paragraph (``page.text(key, **values)``), a frame whose columns are table names or years (``page.table``
translates the headers), or the keyword arguments of one chart function of ``plots``. The answer table is a
frame of formatted cells; its headers are catalogue labels with the year and target filled in
(``answer_headers``). Verdicts (meets / misses, too narrow / close to nominal) are decided here.
"""

from __future__ import annotations

import pandas as pd

from .. import i18n, io, scenarios
from .backtest import latest_segment_accuracy
from .drivers import TREND_MIN_YEARS, calibrate_other_stationary, population_sources
from .schedule import PROGRAMME_PUBLISHED
from .simulation import EmissionsForecast
from .sources import EMISSION_SCENARIOS, STATIONARY_SERIES, tpp2_inside_from

# Parameters of the emission model the report lists under "Method and assumptions", in this order.
ASSUMPTIONS = (
    "heat_elasticity",
    "household_size_change",
    "tpp2_capacity_headroom",
    "private_house_growth",
    "solid_fuel_house_change",
    "fleet_scrappage_rate",
    "used_import_share",
    "used_import_age",
    "motorisation_basis",
    "old_vehicle_emission_ratio",
    "motorisation_growth",
    "inbound_vehicle_growth",
    "other_stationary_growth",
    "agglomeration_houses_base_kt",
    "stationary_inventory_basis",
    "measure_delay_years",
    "measure_delays",
    "measure_delivery",
    "measure_ramps",
    "measure_delay_mean_years",
    "measure_completeness_mean",
    "measure_completeness_concentration",
    "vehicle_growth_sd",
    "other_stationary_growth_sd",
)
TIMING_COLUMNS = ["measure", "component", "source", "start_year", "full_year", "ramp_years", "form", "effect", "timing_basis"]
INTERIM_YEAR = 2025  # by-source table column beside the inventory and target years and the horizon: the programme's interim year (line 4317)
BY_SOURCE_HEADROOM = 1.05  # the stacked chart's y axis reaches this times the highest total (the legend is below the plot)
SOURCES_SHOWN = "emission|level_shifts|bns_population|wpp2022|programme_population"  # data sources the report lists (file pattern)
COVERAGE_TOO_NARROW = 0.7  # an 80% interval covering less than this in the backtest is called too narrow


class EmissionsReport:
    """Report 30's content for one run: ``EmissionsReport(emissions.results(params), params, i18n.Text(language))``."""

    def __init__(self, fc: EmissionsForecast, params: dict, t: i18n.Text):
        self.fc, self.params, self.t = fc, params, t
        self.boundary = params["boundary"]
        gap = fc.tables["emissions_target_gap"]
        self.gap = gap[gap["year"] == fc.target_year].set_index(["emission_scenario", "boundary"])
        self.gap_by_year = gap[gap["boundary"] == "city"].set_index(["emission_scenario", "year"])
        self.arithmetic = fc.tables["emissions_targets"].set_index("item")["value_kt"]
        self.target = float(self.arithmetic["target_2030"])
        self.source = t("emissions.source")
        data = io.read_tables(("bns_stationary_emissions", "level_shifts"), params["vintage"])
        self.bns = data["bns_stationary_emissions"].query("area == 'almaty'")
        self.shifts = data["level_shifts"]
        self.target_year, self.inventory_year = fc.target_year, fc.inventory_year
        self.reconciled = fc.tables["emissions_inventory_reconciliation"]
        base = self.reconciled[self.reconciled["year"] == fc.inventory_year].set_index("source")
        self.programme_stationary = float(base.loc["stationary_total", "programme_kt"])

    # -- labels --
    def scenario_name(self, name: str) -> str:
        return self.t.term("emission_scenario", name)

    def measure_name(self, measure: str) -> str:
        return self.t.term("measure", measure)

    def source_name(self, source: str) -> str:
        return self.t(f"emissions.sources.{source}")

    def boundary_text(self, boundary: str) -> str:
        return self.t(f"emissions.boundary_{boundary}")

    def horizon_label(self, horizon: int) -> str:
        """A backtest horizon as shown: 0 (all horizons pooled) is 'all'."""
        return self.t("emissions.all") if horizon == 0 else str(horizon)

    def _target_marker(self, year_first: bool):
        """The target as a chart marker, only for the city boundary (the target does not cover city_plus)."""
        if self.boundary != "city":
            return None
        if year_first:
            return self.target_year, self.target, self.t("emissions.target_label", target=self.t.num(self.target), year=self.target_year)
        return self.target, self.t("emissions.waterfall_target", target=self.t.num(self.target))

    # -- the answer --
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

    def chances_by_year(self, scenario: str) -> str:
        """The chance of meeting the target in the target year and the years after it, as 'year: share' joined."""
        rows = self.gap_by_year.loc[scenario]
        return ", ".join(f"{year}: {self.t.pct(share)}" for year, share in rows["share_meeting_target"].items())

    # -- scenarios, tornado --
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

    # -- backtest --
    def _accuracy_by_horizon(self, value: str) -> pd.DataFrame:
        """``value`` (mape or coverage_80) of every method (rows, sorted by name) by horizon (columns 1-5, then all_horizons)."""
        accuracy = self.fc.tables["emissions_backtest"]
        shown = accuracy.assign(horizon=accuracy["horizon"].map(lambda h: "all_horizons" if h == 0 else str(h)))
        wide = shown.assign(method=shown["method"].map(lambda m: self.t.term("method", m))).pivot(index="method", columns="horizon", values=value)
        return wide.reset_index().rename_axis(columns=None)

    def horizon_formats(self, format_: str) -> dict[str, str]:
        """``format_`` for every horizon column of ``mape_table`` and ``coverage_table``."""
        return {column: format_ for column in self.mape_table().columns if column != "method"}

    def mape_table(self) -> pd.DataFrame:
        return self._accuracy_by_horizon("mape")

    def coverage_table(self) -> pd.DataFrame:
        return self._accuracy_by_horizon("coverage_80")

    def backtest_text(self) -> dict:
        t, num = self.t, self.t.num
        accuracy = self.fc.tables["emissions_backtest"]
        pooled = accuracy[accuracy["horizon"] == 0].set_index("method")
        best = pooled["mape"].idxmin()
        driver, naive = pooled.loc["driver"], pooled.loc["naive"]
        return {
            "n": int(pooled["n"].sum() / len(pooled)),
            "headroom": num(self.params["tpp2_capacity_headroom"], 1),
            "best": t.term("method", best),
            "best_mape": num(pooled.loc[best, "mape"], 1),
            "driver_mape": num(driver["mape"], 1),
            "winner": t("emissions.benchmark_wins") if best != "driver" else t("emissions.driver_wins"),
            "driver_coverage": t.pct(driver["coverage_80"]),
            "verdict": t("emissions.too_narrow") if driver["coverage_80"] < COVERAGE_TOO_NARROW else t("emissions.close_to_nominal"),
            "sd": num(self.params["stationary_level_sd"], 3),
            "driver_bias": num(driver["bias"], 1, signed=True),
            "naive_bias": num(naive["bias"], 1, signed=True),
        }

    def latest_segment_text(self) -> dict:
        num = self.t.num
        from_year = tpp2_inside_from(self.shifts)
        late = latest_segment_accuracy(self.fc.backtest, from_year).set_index("method")
        driver, naive = late.loc["driver"], late.loc["naive"]
        return {
            "from_year": from_year,
            "n": int(driver["n"]),
            "best": self.t.term("method", late["mape"].idxmin()),
            "driver_mape": num(driver["mape"], 1),
            "naive_mape": num(naive["mape"], 1),
            "driver_bias": num(driver["bias"], 1, signed=True),
            "naive_bias": num(naive["bias"], 1, signed=True),
        }

    def calibrated_coverage_table(self) -> pd.DataFrame:
        coverage = self.fc.tables["emissions_interval_coverage"]
        return coverage.assign(horizon=coverage["horizon"].map(self.horizon_label))

    # -- pollutants, sources, wedges --
    def pollutants_table(self) -> pd.DataFrame:
        """TPP-2 by pollutant and emission scenario (rows) in the base and target year (columns), all fuels together."""
        pollutants = self.fc.tables["emissions_pollutants"]
        shown = pollutants[pollutants["year"].isin([self.inventory_year, self.target_year])]
        shown = shown.assign(emission_scenario=shown["emission_scenario"].map(self.scenario_name))
        wide = shown.pivot_table(index=["pollutant", "emission_scenario"], columns="year", values="median_kt", aggfunc="sum", sort=False)
        return wide.reset_index().rename_axis(columns=None)

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

    # -- measures --
    def quantified_measures(self) -> pd.DataFrame:
        measures = self.fc.tables["emissions_measures"]
        return self._named(measures[measures["quantified"]].drop(columns=["quantified", "timing_basis"]), "measure", "source", "boundary", "form")

    def _named(self, table: pd.DataFrame, *columns: str) -> pd.DataFrame:
        """``table`` with the ids in ``columns`` (measures, emission sources, boundaries, classes of measure, components, forms
        of effect, kinds of fleet row) in the reader's words (the CSV keeps the ids)."""
        t = self.t
        names = {"measure": self.measure_name, "source": self.source_name, "boundary": lambda b: t.term("boundary", b),
                 "measure_class": lambda c: t.term("measure_class", c), "component": lambda c: t.term("measure_component", c) if c else "",
                 "form": lambda f: " + ".join(t.term("effect_form", part) for part in f.split(" + ")), "kind": lambda k: t.term("fleet_kind", k)}
        return table.assign(**{column: table[column].map(names[column]) for column in columns})

    def measures_text(self) -> dict:
        measures = self.fc.tables["emissions_measures"]
        flagged = measures[~measures["quantified"]]
        return {"n": len(flagged), "flagged": ", ".join(flagged["measure"].map(self.measure_name))}

    # -- history --
    def history_chart(self) -> dict:
        """Arguments of ``plots.series_with_shifts``: Almaty's BNS stationary emissions with their level shift."""
        return {
            "data": self.bns,
            "y": "emissions_kt",
            "ylabel": self.t("emissions.history_y"),
            "title": self.t("emissions.history_title"),
            "source": self.t("emissions.history_source"),
            "shifts": self.shifts[self.shifts["series"] == STATIONARY_SERIES],
        }

    def history_text(self) -> dict:
        t = self.t
        trend = calibrate_other_stationary(self.bns, self.shifts)
        observed = self.bns.set_index("year")["emissions_kt"]
        inside = tpp2_inside_from(self.shifts)
        return {
            "before": t.num(observed[inside - 1], 1),
            "after": t.num(observed[inside], 1),
            "shift_year": inside,
            "from_year": trend["from_year"],
            "to_year": trend["to_year"],
            "growth": t.pct(trend["growth"], 1, signed=True),
            "sd": t.pct(trend["sd"], 1),
            "inventory_year": self.inventory_year,
            "bns": t.num(observed[self.inventory_year], 1),
            "programme": t.num(self.programme_stationary, 1),
        }

    def history_notes(self) -> list[tuple[str, dict]]:
        """The paragraph on the newest BNS figure when it follows another definition than the trend's years (a level
        shift after them, e.g. the 2022 survey scope), as (key, values); empty when it follows the same one."""
        t = self.t
        trend = calibrate_other_stationary(self.bns, self.shifts)
        if trend["newest_year"] <= trend["to_year"]:
            return []
        observed = self.bns.set_index("year")["emissions_kt"]
        shifts = self.shifts[(self.shifts["series"] == STATIONARY_SERIES) & (self.shifts["first_year_after"] <= trend["newest_year"])]
        shift = shifts.sort_values("first_year_after").iloc[-1]
        values = {
            "year": trend["newest_year"],
            "value": t.num(observed[trend["newest_year"]], 1),
            "change": t.term("level_shift", shift["kind"]),
            "since": int(shift["first_year_after"]),
            "n": int((observed.index >= shift["first_year_after"]).sum()),
            "min_years": TREND_MIN_YEARS,
            "to_year": trend["to_year"],
            "inventory_year": self.inventory_year,
            "bns": t.num(observed[self.inventory_year], 1),
            "programme": t.num(self.programme_stationary, 1),
        }
        return [("emissions.history_new_definition", values)]

    def reconciliation_text(self) -> dict:
        base = self.reconciled[self.reconciled["year"] == self.inventory_year].set_index("source")
        num = self.t.num
        return {
            "year": self.inventory_year,
            "used": num(base.loc["total", "used_kt"], 3),
            "programme": num(base.loc["total", "programme_kt"], 3),
            "other": num(base.loc["stationary_other", "used_kt"], 1),
            "basis": self.t.term("basis", self.params["stationary_inventory_basis"]),
        }

    def scope_check_notes(self) -> list[tuple[str, dict]]:
        """The paragraph on the driver forecast across the change of survey scope (``emissions_scope_check``), if any."""
        table = self.fc.tables.get("emissions_scope_check")
        if table is None or table.empty:
            return []
        row = table[table["method"] == "driver"].iloc[0]
        num = self.t.num
        return [("emissions.scope_check_text", {"origin": int(row["origin"]), "year": int(row["year"]), "forecast": num(row["forecast_kt"], 1),
                                                "bns": num(row["bns_kt"], 1), "difference": num(row["difference_kt"], 1, signed=True)})]

    def reconciliation_table(self) -> pd.DataFrame:
        """The reconciliation as published (emissions_inventory_reconciliation), sources named in the reader's language."""
        table = self.reconciled
        return table.assign(source=table["source"].map(self.source_name), used_from=table["used_from"].map(lambda b: self.t.term("basis", b) if b else ""))

    # -- method --
    def assumptions(self) -> pd.DataFrame:
        """Each parameter of ``ASSUMPTIONS``: the run's value, the default and its source (scenarios.PARAMETERS)."""
        rows = [
            {
                "assumption": self.t.parameter(name),
                "value": self.t.parameter_value(name, self.params[name]),
                "default": self.t("common.from_the_data") if scenarios.PARAMETERS[name].default is None else self.t.parameter_value(name, scenarios.PARAMETERS[name].default),
                "source": scenarios.PARAMETERS[name].help,
            }
            for name in ASSUMPTIONS
        ]
        return pd.DataFrame(rows)

    def vehicles_text(self) -> dict:
        inbound = self.fc.drivers.inbound_share
        return {"city_share": self.t.pct(1 - inbound), "inbound_share": self.t.pct(inbound)}

    def fleet_text(self) -> dict:
        """The fleet paragraph: the registers, the calibrated rates, the fleet in the target year and the mobile-source
        reduction against the programme's own expectation (about 10 thousand t, line 4357)."""
        t, d, table = self.t, self.fc.drivers, self.fc.tables["emissions_fleet"]
        model = table[table["kind"] == "model"].set_index("year")
        registers = table[table["kind"] == "register"]
        by_source = self.fc.tables["emissions_by_source"]
        transport = by_source[(by_source["source"] == "transport") & (by_source["boundary"] == "city")]
        programme = transport[transport["emission_scenario"] == "programme"].set_index("year")
        base = float(programme.loc[self.inventory_year, "scheduled_kt"])
        expected = float(self.arithmetic.get("reduction_mobile_expected", float("nan")))
        return {
            "registers": "; ".join(f"{t.num(v)} ({t.num(y, 1, grouped=False)})" for y, v in zip(registers["year"], registers["vehicles"], strict=True)),
            "scrappage": t.pct(self.params["fleet_scrappage_rate"], 1),
            "motorisation": t.pct(d.motorisation_growth, 1, signed=True),
            "basis": self.t.term("basis", self.params["motorisation_basis"]),
            "year": self.target_year,
            "fleet": t.num(float(model.loc[self.target_year, "vehicles"])),
            "old_share": t.pct(model.loc[self.target_year, "old_share"]),
            "old_share_start": t.pct(model.loc[float(self.inventory_year), "old_share"]),
            "factor": t.num(float(model.loc[self.target_year, "emission_factor_index"]), 2),
            "reduction": t.num(base - float(programme.loc[self.target_year, "scheduled_kt"]), 1),
            "reduction_median": t.num(base - float(programme.loc[self.target_year, "median_kt"]), 1),
            "expected": t.num(expected, 0),
        }

    def delivery_text(self) -> dict:
        """The delivery paragraph: the record's fit (or that there is none), the years scored and the chances by year."""
        t, record = self.t, self.fc.tables["emissions_delivery_record"]
        classes = self.fc.tables["emissions_delivery"].set_index("measure")
        fitted = record.dropna(subset=["rate"])
        if fitted.empty:
            text = t("emissions.delivery_no_record")
        else:
            text = t("emissions.delivery_record", rate=t.num(float(fitted["rate"].iloc[0]), 2), n=len(fitted),
                     delay=t.num(float(classes.loc["tpp2_coal_to_gas", "delay_mean_years"]), 1))
        years = sorted(self.gap_by_year.loc["programme"].index)
        return {"record": text, "years": f"{years[0]}–{years[-1]}", "chances": self.chances_by_year("programme")}

    def delivery_range_table(self) -> pd.DataFrame:
        """The chance of meeting the target (rows: mean delay and completeness of the classes without a record; columns: years)."""
        table = self.fc.tables["emissions_delivery_range"]
        wide = table.pivot_table(index=["delay_mean_years", "completeness_mean"], columns="year", values="share_meeting_target", sort=False)
        wide.columns = [str(c) for c in wide.columns]
        return wide.reset_index()

    def delivery_record_table(self) -> pd.DataFrame:
        return self._named(self.fc.tables["emissions_delivery_record"], "measure_class")

    def delivery_table(self) -> pd.DataFrame:
        return self._named(self.fc.tables["emissions_delivery"], "measure", "measure_class")

    def fleet_table(self) -> pd.DataFrame:
        """The registers and the model's fleet in the inventory year, ``INTERIM_YEAR``, the target year and the horizon."""
        table = self.fc.tables["emissions_fleet"]
        years = [float(y) for y in dict.fromkeys([self.inventory_year, INTERIM_YEAR, self.target_year, self.params["horizon"]])]
        return self._named(table[(table["kind"] == "register") | table["year"].isin(years)].sort_values("year", kind="stable"), "kind")

    def timing(self) -> pd.DataFrame:
        """The timing of each wedge (programme scenario)."""
        plan = self.fc.plan
        return self._named(plan[plan["quantified"]][TIMING_COLUMNS], "measure", "component", "source", "form")

    def tpp2_timing(self) -> tuple[str, dict]:
        """The paragraph on TPP-2's conversion year, as (key, values): the programme's year, the newest dated schedule in
        the vintage and which one the run uses, and why (``schedule.conversion_schedule``)."""
        s = self.fc.schedule
        stage2 = self.fc.plan[(self.fc.plan["measure"] == "tpp2_coal_to_gas") & (self.fc.plan["component"] == "stage2")].iloc[0]
        statement = (
            self.t("emissions.tpp2_statement", year=s.statement_year, date=s.statement_date, source=s.statement_source)
            if s.statement_year is not None
            else self.t("emissions.tpp2_no_statement")
        )
        values = {
            "year": s.year,
            "programme_year": s.programme_year,
            "programme_date": PROGRAMME_PUBLISHED,
            "statement": statement,
            "start": int(stage2["start_year"]),
        }
        return f"emissions.tpp2_timing_{s.basis}", values

    def data_sources(self) -> pd.DataFrame:
        """The data sources the emission report draws on (io.sources_table at the run's vintage), without their licences."""
        sources = io.sources_table(vintage=io.vintage_date(self.params["vintage"]))
        return sources[sources["file"].str.contains(SOURCES_SHOWN)].drop(columns="licence")
