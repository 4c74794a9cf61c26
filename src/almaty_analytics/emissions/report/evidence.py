"""What report 30 checks the forecast against: the stationary backtest and its calibrated coverage, the BNS history with
its level shifts, the inventory reconciliation and the forecast across the change of survey scope."""

from __future__ import annotations

import pandas as pd

from ..backtest import latest_segment_accuracy
from ..drivers import TREND_MIN_YEARS, calibrate_other_stationary
from ..sources import STATIONARY_SERIES, tpp2_inside_from
from .base import ReportBase

COVERAGE_TOO_NARROW = 0.7  # an 80% interval covering less than this in the backtest is called too narrow


class EvidencePart(ReportBase):
    """The backtest, the history and the reconciliation."""

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
