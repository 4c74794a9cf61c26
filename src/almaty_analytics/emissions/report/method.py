"""How report 30's forecast is made: the measures, the fleet, the delivery of the measures, the assumptions, the timing of
each wedge and TPP-2's conversion year, and the data sources."""

from __future__ import annotations

import pandas as pd

from ... import io, scenarios
from ..schedule import PROGRAMME_PUBLISHED
from .base import INTERIM_YEAR, ReportBase

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
SOURCES_SHOWN = "emission|dated_statements|level_shifts|bns_population|wpp2022|programme_population"  # data sources the report lists (file pattern)


class MethodPart(ReportBase):
    """The measures, the fleet, delivery, the assumptions and timing, and the data sources."""

    def quantified_measures(self) -> pd.DataFrame:
        measures = self.fc.tables["emissions_measures"]
        return self._named(measures[measures["quantified"]].drop(columns=["quantified", "timing_basis"]), "measure", "source", "boundary", "form")

    def measures_text(self) -> dict:
        measures = self.fc.tables["emissions_measures"]
        flagged = measures[~measures["quantified"]]
        return {"n": len(flagged), "flagged": ", ".join(flagged["measure"].map(self.measure_name))}

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

    def fleet_table(self) -> pd.DataFrame:
        """The registers and the model's fleet in the inventory year, ``INTERIM_YEAR``, the target year and the horizon."""
        table = self.fc.tables["emissions_fleet"]
        years = [float(y) for y in dict.fromkeys([self.inventory_year, INTERIM_YEAR, self.target_year, self.params["horizon"]])]
        return self._named(table[(table["kind"] == "register") | table["year"].isin(years)].sort_values("year", kind="stable"), "kind")

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
