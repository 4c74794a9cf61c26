"""Key figures of a run, read back from the key-figures tables of each scenario, to compare scenarios.

Method: nothing is recomputed. Every domain publishes its headline series in one layout (``keyfigures``):
``population_key_figures`` (population on 1 January with the 80% interval), ``school_key_figures`` (the
state-school seat deficit under the current regime with its 80% interval and chance of a shortage) and
``emission_key_figures`` (city emissions of the scenario's emission case against the 78 kt target).
``read_key_figures`` is the one reader of them; the index and the summary know no other domain table. A
table that is missing (its notebook has not run or failed) gives empty figures and says which table, never
an error. ``key_numbers`` gives the lead figures (2025, 2030 and the horizon) as numbers; the index's text
(``key_figures``) and the summary report (``results``, notebook 90_summary) both present what it reads. The summary
also shows the forecasts' own track record (``track_record``: re-forecast from real-time vintages of the raw data).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from . import emissions, i18n, io, keyfigures, paths, population, preschool, revisions, schools, scorecard, track_record

POPULATION_YEAR = 2030
SCHOOL_YEARS = (2025, 2030)  # the school years starting that September: 2025/26 and 2030/31
EMISSION_YEAR = 2030  # the programme's emission target year, as the emission tables hold it (emissions.target_year)
KEY_FIGURE_TABLES = (population.KEY_FIGURES, schools.KEY_FIGURES, preschool.KEY_FIGURES, emissions.KEY_FIGURES)  # what the index and the summary read
COLUMNS = [
    "scenario",
    "population_2030",
    "population_horizon",
    "deficit_2025_26",
    "deficit_2030_31",
    "queue_2025",
    "queue_2030",
    "emissions_2030",
    "missing",
]


def _read(tables: Path, name: str, missing: list[str]) -> pd.DataFrame | None:
    path = tables / f"{name}.csv"
    if not path.exists():
        missing.append(name)
        return None
    return pd.read_csv(path, encoding="utf-8-sig")  # the BOM of the planners' CSV (export.CSV_ENCODING)


def _interval(t: i18n.Text, row: pd.Series, scale: float, digits: int) -> dict[str, str]:
    return {"value": t.num(row["value"] / scale, digits), "lo": t.num(row["lo_80"] / scale, digits), "hi": t.num(row["hi_80"] / scale, digits)}


def key_figures(scenario_dir: Path, t: i18n.Text | None = None) -> dict[str, str]:
    """The key figures of one scenario's published tables (key_numbers) as the index's text (empty where a table is missing)."""
    t = t or i18n.Text("en")
    figures, missing = key_numbers(scenario_dir)
    by = figures.set_index(["indicator", "year"])
    out = {"scenario": t.scenario(scenario_dir.name)} | {c: "" for c in COLUMNS[1:]}
    persons = figures[figures["indicator"] == "population"]
    if not persons.empty:
        for column, year in (("population_2030", POPULATION_YEAR), ("population_horizon", int(persons["year"].max()))):
            if ("population", year) in by.index:
                out[column] = t("index.population_value", year=year, **_interval(t, by.loc[("population", year)], 1e6, 3))
    for column, year in zip(("deficit_2025_26", "deficit_2030_31"), SCHOOL_YEARS, strict=True):
        if ("deficit", year) in by.index:
            row = by.loc[("deficit", year)]
            out[column] = t("index.deficit_value", p=t.pct(row["probability"]), **_interval(t, row, 1e3, 1))
    for column, year in (("queue_2025", 2025), ("queue_2030", 2030)):  # kindergarten queue of ages 3-6, chance of meeting the year's target
        if ("queue", year) in by.index:
            row = by.loc[("queue", year)]
            out[column] = t("index.queue_value", p=t.pct(row["probability"]), **_interval(t, row, 1e3, 1))
    if ("emissions", EMISSION_YEAR) in by.index and pd.notna(by.loc[("emissions", EMISSION_YEAR), "probability"]):
        row = by.loc[("emissions", EMISSION_YEAR)]
        out["emissions_2030"] = t(
            "index.emissions_value", case=t.term("emission_scenario", row["case"]), target=t.num(row["target"]),
            p=t.pct(row["probability"]), **_interval(t, row, 1, 1),
        )
    out["missing"] = ", ".join(missing)
    return out


def comparison(output_root: Path, t: i18n.Text | None = None) -> pd.DataFrame:
    """One row of key figures per scenario folder under ``output_root`` that has a manifest."""
    rows = [key_figures(path.parent, t) for path in sorted(output_root.glob("*/manifest.json"))]
    return pd.DataFrame(rows, columns=COLUMNS)


# -- the planners' summary report (notebook 90_summary) --

LEAD_YEARS = (2025, 2030)  # and the horizon of the run
FIGURE_COLUMNS = ["scenario", "indicator", "case", "year", "value", "lo_80", "hi_80", "probability", "target"]


def _scenario_name(scenario_dir: Path) -> str:
    """The scenario a folder holds (its manifest's, so a ``previous`` snapshot names its own scenario)."""
    try:
        return str(json.loads((scenario_dir / "manifest.json").read_text(encoding="utf-8")).get("scenario", scenario_dir.name))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return scenario_dir.name


def read_key_figures(scenario_dir: Path) -> tuple[pd.DataFrame, list[str]]:
    """Every indicator's path in one scenario folder, from the key-figures tables it published (KEY_FIGURE_TABLES), as
    one frame of keyfigures.COLUMNS, and the tables that were missing: the one reader of the domains' tables for the
    index and the summary. Nothing is recomputed.

    ``population`` on 1 January (central, 80% interval); ``deficit``, the state-school seat deficit of the school
    year starting that September under the current regime (central, 80% interval, probability of a shortage);
    ``emissions`` of the city for the emission case the emission report showed (``case``; simulated median, 80%
    interval; where the programme sets one, the share of trajectories at or below the ``target`` in kt).
    """
    missing: list[str] = []
    frames = [_read(scenario_dir / "tables", name, missing) for name in KEY_FIGURE_TABLES]
    found = [frame[list(keyfigures.COLUMNS)] for frame in frames if frame is not None]
    return (pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=list(keyfigures.COLUMNS))), missing


def key_numbers(scenario_dir: Path) -> tuple[pd.DataFrame, list[str]]:
    """The lead figures of one scenario folder as numbers (read_key_figures for 2025, 2030 and the horizon of the
    population), and the key-figures tables that were missing."""
    figures, missing = read_key_figures(scenario_dir)
    horizon = figures.loc[figures["indicator"] == "population", "year"].max()
    years = sorted({*LEAD_YEARS, *([int(horizon)] if pd.notna(horizon) else [])})
    lead = figures[figures["year"].isin(years)].assign(scenario=_scenario_name(scenario_dir))
    return lead[FIGURE_COLUMNS].reset_index(drop=True), missing


def lead_table(language_root: Path) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Key numbers of every scenario published in one language's folder, and each scenario's missing tables."""
    frames, missing = [], {}
    for manifest in sorted(language_root.glob("*/manifest.json")):
        frame, lacking = key_numbers(manifest.parent)
        frames.append(frame)
        if lacking:
            missing[manifest.parent.name] = lacking
    return (pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=FIGURE_COLUMNS)), missing


def _table_text(path: Path) -> str:
    """A published table without its run-date column (a re-run on another day is not a change)."""
    table = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    return table.drop(columns=["run_date"], errors="ignore").to_csv(index=False)


def _manifest(folder: Path) -> dict:
    try:
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}


def _good_parameters(entry: dict) -> dict:
    """The parameters of a report's last good run (a failed run keeps its last good one under ``last_good``)."""
    good = entry if entry.get("status") == "ok" else entry.get("last_good") or {}
    return good.get("parameters", {})


def changes(scenario_dir: Path, previous_dir: Path) -> dict | None:
    """What changed since the previous run of the scenario (``previous_dir``: its tables and manifest as they were).

    Returns None when there is no previous run. Otherwise: ``finished`` (the previous run's end), ``figures``
    (key numbers then and now, with the change), ``tables`` (tables added, removed or with other numbers;
    the run date is ignored), ``parameters`` (changed values per report), ``inputs`` (raw files with other contents) and
    ``code`` (whether the package changed). ``figures.moved`` is true where the central value, the interval or the
    probability differs.
    """
    before, after = _manifest(previous_dir), _manifest(scenario_dir)
    if not before:
        return None
    old, _ = key_numbers(previous_dir)
    new, _ = key_numbers(scenario_dir)
    figures = new.drop(columns="scenario").merge(old.drop(columns="scenario"), on=["indicator", "year"], how="outer", suffixes=("", "_previous"))
    numbers = ["value", "lo_80", "hi_80", "probability"]
    same = [(figures[c] == figures[f"{c}_previous"]) | (figures[c].isna() & figures[f"{c}_previous"].isna()) for c in numbers]
    figures = figures.assign(change=figures["value"] - figures["value_previous"], moved=~pd.concat(same, axis=1).all(axis=1))
    names = sorted({p.name for p in (previous_dir / "tables").glob("*.csv")} | {p.name for p in (scenario_dir / "tables").glob("*.csv")})
    status = []
    for name in names:
        was, now = previous_dir / "tables" / name, scenario_dir / "tables" / name
        if not was.exists() or not now.exists():
            status.append((name[:-4], "added" if now.exists() else "removed"))
        elif _table_text(was) != _table_text(now):
            status.append((name[:-4], "changed"))
    parameters = []  # per report: the parameters of its last good run then and now
    runs_before, runs_after = before.get("notebooks", {}), after.get("notebooks", {})
    for notebook in sorted(set(runs_before) & set(runs_after)):  # a report new or gone shows as tables added or removed
        was, now = (_good_parameters(runs.get(notebook, {})) for runs in (runs_before, runs_after))
        parameters += [(notebook, k, was.get(k), now.get(k)) for k in sorted(set(was) | set(now)) if was.get(k) != now.get(k)]
    inputs_before, inputs_after = before.get("input_hashes", {}), after.get("input_hashes", {})
    return {
        "finished": before.get("finished", ""),
        "figures": figures.sort_values(["indicator", "year"]).reset_index(drop=True),
        "tables": pd.DataFrame(status, columns=["table", "status"]),
        "parameters": pd.DataFrame(parameters, columns=["report", "parameter", "previous", "current"]),
        "inputs": sorted(k for k in set(inputs_before) | set(inputs_after) if inputs_before.get(k) != inputs_after.get(k)),
        "code": before.get("code_hash") != after.get("code_hash"),
    }


def accuracy_scorecard(tables_dir: Path) -> tuple[pd.DataFrame, list[str]]:
    """The accuracy scorecard (scorecard.combine) of the backtests published in ``tables_dir``, and the backtest tables missing
    (emissions_interval_coverage is looked for when emissions_backtest is there)."""
    missing: list[str] = []
    population, schools, emissions = (_read(tables_dir, name, missing) for name in ("population_backtest", "school_backtest", "emissions_backtest"))
    calibrated = None if emissions is None else _read(tables_dir, "emissions_interval_coverage", missing)
    return scorecard.combine(population, schools, emissions, calibrated), missing


def domain_series(language_root: Path, indicator: str) -> pd.DataFrame:
    """One indicator's path for every scenario in the folder: scenario, year, value, lo_80, hi_80 (read_key_figures)."""
    frames = []
    for manifest in sorted(language_root.glob("*/manifest.json")):
        figures, _ = read_key_figures(manifest.parent)
        rows = figures[figures["indicator"] == indicator]
        if not rows.empty:
            frames.append(rows[["year", "value", "lo_80", "hi_80"]].assign(scenario=_scenario_name(manifest.parent)))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["year", "value", "lo_80", "hi_80", "scenario"])


SCALES = {"population": (1e6, 3), "deficit": (1e3, 1), "queue": (1e3, 1), "emissions": (1.0, 1)}  # display unit: million persons, thousand seats, kt


def format_lead(figures: pd.DataFrame, t: i18n.Text) -> pd.DataFrame:
    """The lead table as text: one row per scenario and indicator, one column per year, "central (low–high)" plus the probability."""
    rows = []
    for (scenario, indicator), group in figures.groupby(["scenario", "indicator"], sort=False):
        scale, digits = SCALES[indicator]
        row = {t("summary.lead_scenario"): t.scenario(scenario), t("summary.lead_indicator"): t(f"summary.indicator_{indicator}")}
        for r in group.itertuples():
            text = f"{t.num(r.value / scale, digits)} ({t.interval(r.lo_80 / scale, r.hi_80 / scale, digits)})"
            if pd.notna(r.probability):
                text += "; " + t(f"summary.probability_{indicator}", p=t.pct(r.probability))
            row[str(r.year)] = text
        rows.append(row)
    return pd.DataFrame(rows).fillna("–")


def run_facts(scenario_dir: Path, t: i18n.Text) -> dict[str, str]:
    """The scenario's description and the date of the run that produced its tables (from its manifest and tables).

    A shipped scenario's description comes from the catalogue (``summary.scenarios.<name>``), in the reader's
    language; a user's scenario shows the description of its file as written.
    """
    manifest = _manifest(scenario_dir)
    key = f"summary.scenarios.{scenario_dir.name}"
    dates = set()
    for path in sorted((scenario_dir / "tables").glob("*.csv")):
        table = pd.read_csv(path, encoding="utf-8-sig", usecols=lambda c: c == "run_date", dtype=str)
        dates |= set(table.get("run_date", pd.Series(dtype=str)).dropna())
    description = t(key) if t.has(key) else str(manifest.get("description", "")).strip()
    return {"description": description, "run_date": " / ".join(sorted(dates)) or "–"}


def answer_values(figures: pd.DataFrame, t: i18n.Text, year: int = 2030) -> dict[str, str] | None:
    """The placeholders of the one-sentence answer for ``year`` (None when one of the three figures is missing)."""
    values = {}
    for indicator, key in (("population", "population"), ("deficit", "deficit"), ("emissions", "emissions")):
        row = figures[(figures["indicator"] == indicator) & (figures["year"] == year)]
        if row.empty:
            return None
        r = row.iloc[0]
        scale, digits = SCALES[indicator]
        values |= {key: t.num(r["value"] / scale, digits), f"{key}_lo": t.num(r["lo_80"] / scale, digits), f"{key}_hi": t.num(r["hi_80"] / scale, digits)}
    probability = figures.set_index(["indicator", "year"])["probability"]
    values["p_deficit"] = t.pct(probability[("deficit", year)])
    values["p_target"] = t.pct(probability[("emissions", year)]) if pd.notna(probability[("emissions", year)]) else "–"
    return values


def format_revisions(revised: pd.DataFrame, t: i18n.Text) -> pd.DataFrame:
    """The revisions as text: headline, year, "central (80% interval)" at mid-2022 and now, the change, the new releases."""
    rows = []
    for r in revised.itertuples():
        scale, digits = SCALES[r.indicator]

        def text(value, lo, hi, scale=scale, digits=digits):
            return f"{t.num(value / scale, digits)} ({t.interval(lo / scale, hi / scale, digits)})"

        rows.append([t(f"summary.indicator_{r.indicator}"), r.year, text(r.value_then, r.lo_80_then, r.hi_80_then),
                     text(r.value_now, r.lo_80_now, r.hi_80_now), t.num(r.change / scale, digits, signed=True), r.new_releases or "–"])
    return pd.DataFrame(rows, columns=[t.column(c, "summary") for c in ("indicator", "year", "then", "now", "change", "new_releases")])


def format_changes(figures: pd.DataFrame, t: i18n.Text) -> pd.DataFrame:
    """Key figures then and now, "central (80% interval)" in display units (million persons, thousand seats, kt)."""
    rows = []
    for r in figures.itertuples():
        scale, digits = SCALES[r.indicator]

        def text(value, lo, hi, scale=scale, digits=digits):
            return "–" if pd.isna(value) else f"{t.num(value / scale, digits)} ({t.interval(lo / scale, hi / scale, digits)})"

        change = "–" if pd.isna(r.change) else t.num(r.change / scale, digits)
        rows.append([t(f"summary.indicator_{r.indicator}"), r.year, text(r.value_previous, r.lo_80_previous, r.hi_80_previous),
                     text(r.value, r.lo_80, r.hi_80), change])
    return pd.DataFrame(rows, columns=[t.column(c, "summary") for c in ("indicator", "year", "previous", "current", "change")])


def format_parameter_changes(parameters: pd.DataFrame, t: i18n.Text) -> pd.DataFrame:
    """The changed parameters (``changes``: report, parameter, previous, current) with reports and parameters by their
    display names (a notebook of the user's own keeps its name) and the values as text."""
    shown = parameters.astype(str)
    return shown.assign(report=shown["report"].map(t.report), parameter=shown["parameter"].map(t.parameter))


# -- the summary report's results (notebook 90_summary: page.forecast("summary")) --

CHARTS = ("population", "deficit", "emissions")  # one chart per domain, in this order; emissions with the programme's target


@dataclass
class Brief:
    """What the summary of one scenario shows, read from the published folder of its language (``results``)."""

    scenario: str
    figures: pd.DataFrame  # key_numbers of every scenario in the folder
    missing: dict[str, list[str]]  # scenario -> its tables not (yet) published
    run: dict[str, str]  # run_facts of this scenario: description, run_date
    change: dict | None  # changes since the previous run (None: the first run)
    card: pd.DataFrame  # accuracy_scorecard of this scenario
    card_missing: list[str]
    series: dict[str, pd.DataFrame]  # indicator -> every scenario's path (domain_series), non-empty only
    revised: pd.DataFrame  # revisions.revisions: the headlines at the mid-2022 vintage and at this run's
    record: pd.DataFrame  # the forecasts' own track record at the run's vintage (track_record)
    tables: dict[str, pd.DataFrame | None]  # the tables the summary publishes (None: not this run, its inputs are missing)

    @property
    def mine(self) -> pd.DataFrame:
        """The key numbers of this scenario."""
        return self.figures[self.figures["scenario"] == self.scenario]

    @property
    def previous_folder(self) -> str:
        """Where the previous run's tables are kept, relative to the language's folder (shown to readers)."""
        return f"{self.scenario}/{paths.PREVIOUS}/"

    def answer(self, t: i18n.Text) -> dict[str, str] | None:
        """The placeholders of the one-sentence answer for 2030 (answer_values), None when a figure is missing."""
        return None if self.mine.empty else answer_values(self.mine, t)

    def moved(self) -> pd.DataFrame:
        """The key figures that moved since the previous run (empty on a first run)."""
        return self.change["figures"][self.change["figures"]["moved"]] if self.change else pd.DataFrame()

    def charts(self, t: i18n.Text) -> list[dict[str, Any]]:
        """The arguments of plots.scenario_comparison for each domain that has published paths, in CHARTS order."""
        target = self.mine[(self.mine["indicator"] == "emissions") & (self.mine["year"] == EMISSION_YEAR)]["target"].dropna()
        targets = {"emissions": (EMISSION_YEAR, float(target.iloc[0]), t("summary.target_label"))} if not target.empty else {}
        return [
            {"data": self.series[indicator].assign(scenario=self.series[indicator]["scenario"].map(t.scenario)),
             "highlight": t.scenario(self.scenario), "scale": SCALES[indicator][0], "target": targets.get(indicator),
             "ylabel": t(f"summary.chart_{indicator}_y"), "title": t(f"summary.chart_{indicator}_title"), "source": t("summary.chart_source")}
            for indicator in CHARTS if indicator in self.series
        ]

    def lead_paragraphs(self, t: i18n.Text, vintage: str) -> list[tuple[str, dict]]:
        """The summary's opening: the scenario, its description, data vintage and run date; the one-sentence answer (or
        that no table of the scenario is published yet); the tables still missing of each scenario."""
        shown = [("summary.scenario_line", {"scenario": t.scenario(self.scenario), "description": self.run["description"],
                                            "vintage": io.shown_vintage(vintage), "run_date": self.run["run_date"]})]
        if self.mine.empty:
            shown.append(("summary.no_tables", {"folder": f"{self.scenario}/tables/", "scenario": self.scenario}))
        elif self.answer(t):
            shown.append(("summary.answer", {"scenario": t.scenario(self.scenario), **self.answer(t)}))
        return shown + [("summary.missing_tables", {"scenario": t.scenario(name), "tables": ", ".join(tables)}) for name, tables in self.missing.items()]

    def change_paragraphs(self, t: i18n.Text) -> tuple[list[tuple[str, dict] | pd.DataFrame], list[tuple[str, dict]]]:
        """What changed since the previous run, as two parts around the table of changed parameters: the previous run, the
        key figures that moved (``format_changes``) and the tables that changed; then whether the parameters, the raw
        inputs and the code changed. A first run: that there is no previous run."""
        change = self.change
        if change is None:
            return [("summary.no_previous", {"scenario": t.scenario(self.scenario)})], []
        moved = self.moved()
        before: list[tuple[str, dict] | pd.DataFrame] = [
            ("summary.previous_run", {"finished": change["finished"], "folder": self.previous_folder}),
            ("summary.figures_same" if moved.empty else "summary.figures_changed", {}),
        ]
        if not moved.empty:
            before.append(format_changes(moved, t))
        before.append(("summary.tables_changed" if self.changed_tables(t) else "summary.tables_same", {"tables": self.changed_tables(t)}))
        before.append(("summary.parameters_same" if change["parameters"].empty else "summary.parameters_changed", {}))
        after = [
            ("summary.inputs_changed" if change["inputs"] else "summary.inputs_same", {"files": ", ".join(change["inputs"])}),
            ("summary.code_changed" if change["code"] else "summary.code_same", {}),
        ]
        return before, after

    def revision_paragraphs(self, t: i18n.Text, vintage: str) -> list[tuple[str, dict] | pd.DataFrame]:
        """The revisions section: each headline forecast at the mid-2022 vintage (``io.FIRST_VINTAGE``) against this run's
        (``format_revisions``), or that this run is at that vintage."""
        if vintage == io.FIRST_VINTAGE:
            return [("summary.revisions_heading", {}), ("summary.revisions_none", {"then": io.FIRST_VINTAGE})]
        return [("summary.revisions_heading", {}), ("summary.revisions_intro", {"then": io.FIRST_VINTAGE, "now": io.shown_vintage(vintage)}),
                format_revisions(self.revised, t)]

    def changed_tables(self, t: i18n.Text) -> str:
        """The tables with other numbers, added or removed since the previous run, as a list for reading ("" when none)."""
        tables = self.change["tables"] if self.change else pd.DataFrame(columns=["table", "status"])
        return ", ".join(f"{r.table} ({t(f'summary.status_{r.status}')})" for r in tables.itertuples())


def results(params: dict[str, Any]) -> Brief:
    """The summary of ``params["scenario"]`` from the published folder of its language (``reports_dir``, given by the
    runner; empty: reports/ or reports/<language>/). Nothing published is recomputed; the revisions forecast the
    scenario once more at the mid-2022 vintage (``revisions``, each domain's cache); the track record re-forecasts every
    headline series at each real-time vintage (``track_record``, cached)."""
    root = Path(params["reports_dir"]) if params["reports_dir"] else paths.language_folder(paths.reports_dir(), params["language"])
    here = root / params["scenario"]
    figures, missing = lead_table(root)
    card, card_missing = accuracy_scorecard(here / "tables")
    series = {indicator: domain_series(root, indicator) for indicator in CHARTS}
    return Brief(
        scenario=params["scenario"],
        figures=figures,
        missing=missing,
        run=run_facts(here, i18n.Text(params["language"])),
        change=changes(here, here / paths.PREVIOUS),
        card=card,
        card_missing=card_missing,
        series={indicator: frame for indicator, frame in series.items() if not frame.empty},
        revised=(revised := revisions.revisions(params)),
        record=(record := track_record.cached_track_record(params["vintage"])),
        tables={"accuracy_scorecard": None if card.empty else card, "forecast_revisions": revised, "track_record": record},
    )


TABLES = scorecard.TABLES | revisions.TABLES | track_record.TABLES  # the scorecard, the revisions and the track record
