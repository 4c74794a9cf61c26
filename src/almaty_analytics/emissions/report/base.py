"""What every part of report 30 reads: the run's forecast, parameters and labels, the target and the inventory year,
and the names of ids in the reader's language."""

from __future__ import annotations

import pandas as pd

from ... import i18n, io
from ..simulation import EmissionsForecast

INTERIM_YEAR = 2025  # by-source table column beside the inventory and target years and the horizon: the programme's interim year (line 4317)


class ReportBase:
    """The state every part of ``EmissionsReport`` reads (set once from ``emissions.results``) and its labels."""

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

    def _named(self, table: pd.DataFrame, *columns: str) -> pd.DataFrame:
        """``table`` with the ids in ``columns`` (measures, emission sources, boundaries, classes of measure, components, forms
        of effect, kinds of fleet row) in the reader's words (the CSV keeps the ids)."""
        t = self.t
        names = {"measure": self.measure_name, "source": self.source_name, "boundary": lambda b: t.term("boundary", b),
                 "measure_class": lambda c: t.term("measure_class", c), "component": lambda c: t.term("measure_component", c) if c else "",
                 "form": lambda f: " + ".join(t.term("effect_form", part) for part in f.split(" + ")), "kind": lambda k: t.term("fleet_kind", k)}
        return table.assign(**{column: table[column].map(names[column]) for column in columns})

    def chances_by_year(self, scenario: str) -> str:
        """The chance of meeting the target in the target year and the years after it, as 'year: share' joined."""
        rows = self.gap_by_year.loc[scenario]
        return ", ".join(f"{year}: {self.t.pct(share)}" for year, share in rows["share_meeting_target"].items())
