"""The page helper: how every report notebook starts, shows its text and tables, and publishes.

A notebook's ``parameters`` cell says only which run it is: ``scenario``, ``language`` (empty: the
scenario's), ``overrides`` (a mapping of parameter values) and ``output_dir`` (where the runner collects
tables; empty: nothing is written). ``Page`` resolves everything else through the package, exactly as
the runner does (``scenarios.load``), so plain papermill gives the runner's numbers:
``papermill notebooks/10_population_forecast.ipynb out.ipynb -p scenario high`` or
``-y 'overrides: {net_migration: 50000}'``, with the same one-line errors for a bad value.

``REPORTS`` says, for each report notebook, which parameter groups it uses (its fingerprint and the
manifest record those), which domain's tables it publishes and the last year it shows, which the horizon must
reach (checked before any kernel starts, ``runner.selection.check_horizon``). ``Page.forecast(domain)`` computes a
domain's results (each domain caches its own) and, for the notebook's own domain and when the runner
collects tables, writes every table the domain declares: a notebook itself computes nothing and
writes no file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from IPython.display import Markdown, display

from . import cells, emissions, export, i18n, io, overview, plots, population, preschool, scenarios, schools, summary

RAW_TEXT = ("figure_id", "topic", "indicator", "unit", "note")  # columns of data/raw rows written in English by their compilers
NOTEBOOK_PARAMETERS = ("scenario", "language", "overrides", "output_dir", "reports_dir")  # all a parameters cell may hold


def school_target_year(params: dict) -> tuple[int, str]:
    """Report 20 shows the build rate that closes the seat gap of the programme's target year (figure target_2030 of
    programme_schools): without it the report failed on a missing rate."""
    figures = io.read_tables(("programme_schools",), params["vintage"])["programme_schools"]
    return schools.figure_year(figures, "target_2030"), "the programme's target year whose seat gap the report shows the build rate for"


def preschool_target_year(params: dict) -> tuple[int, str]:
    """Report 25 shows every kindergarten target of the programme (preschool.TARGETS): without the last one's year the
    report failed on a missing target row."""
    year, figure = preschool.last_target(io.read_tables(preschool.INPUT_TABLES, params["vintage"])["programme_preschool"])
    return year, f"the year of the programme's last kindergarten target the report shows ({figure}, programme_preschool.csv)"


def emission_target_year(params: dict) -> tuple[int, str]:
    """Report 30 forecasts the emissions to the programme's target year (emissions.target_year), as its model requires."""
    programme = io.read_tables(("programme_emissions",), params["vintage"])["programme_emissions"]
    return emissions.target_year(programme), "the year of the programme's emission target, which the emission forecast must reach"


def summary_target_year(params: dict) -> tuple[int, str]:
    """Report 90's revisions table forecasts the emissions again (revisions.revisions): the emission target year."""
    year, why = emission_target_year(params)
    return year, f"{why} (the summary's revisions table forecasts the emissions again)"


@dataclass(frozen=True)
class Report:
    groups: tuple[str, ...]  # parameter groups of scenarios.GROUPS the notebook's results depend on
    domain: str | None = None  # the domain whose tables the notebook publishes
    last_year: Callable[[dict], tuple[int, str]] | None = None  # of resolved parameters: the year the horizon must reach, and why


REPORTS: dict[str, Report] = {
    "00_data_overview": Report(("common",), "overview"),
    "10_population_forecast": Report(("common", "population"), "population"),  # any horizon after the base year
    "20_school_seat_deficit": Report(("common", "population", "schools"), "schools", school_target_year),
    "25_preschool_places": Report(("common", "population", "preschool"), "preschool", preschool_target_year),
    "30_emissions_forecast": Report(("common", "population", "emissions"), "emissions", emission_target_year),
    # the revisions forecast again at mid-2022
    "90_summary": Report(("common", "population", "schools", "emissions"), "summary", summary_target_year),
}
# domain -> (module declaring its TABLES, function of the resolved parameters returning results with .tables)
DOMAINS: dict[str, tuple[Any, Callable[[dict], Any]]] = {
    "overview": (overview, overview.overview),
    "population": (population, population.results),
    "schools": (schools, schools.results),
    "preschool": (preschool, preschool.results),
    "emissions": (emissions, emissions.results),
    "summary": (summary, summary.results),
}


def parameter_names(notebook: str) -> list[str]:
    """The scenario parameters a report notebook's results depend on (every parameter for a notebook not in REPORTS)."""
    report = REPORTS.get(notebook)
    groups = report.groups if report else tuple(scenarios.GROUPS)
    return [name for group in groups for name in scenarios.GROUPS[group]]


def english_html(text) -> str:
    """An (already escaped) cell of English prose, marked as English for a Russian or Kazakh page."""
    return f'<span lang="en">{text}</span>' if text != "" else ""


class Page:
    """One report being built: its resolved parameters, its language's labels and display helpers.

    ``page = Page("10_population_forecast", scenario, language, overrides, output_dir)``;
    ``page["horizon"]`` is a parameter, ``page.t`` the labels, ``page.text(key, ...)`` shows a paragraph.
    """

    def __init__(
        self, notebook: str, scenario: str = "default", language: str = "", overrides: dict | None = None, output_dir: str = "",
        reports_dir: str = "",
    ):
        if overrides is not None and not isinstance(overrides, dict):
            raise scenarios.ParameterError(f"parameter 'overrides': expected a mapping of parameter names to values, got {overrides!r}")
        self.notebook = notebook
        self.overrides = dict(overrides or {}) | ({"language": language} if language else {})
        self.scenario = scenarios.load(scenario, self.overrides)
        self.params = self.scenario.parameters | ({"reports_dir": reports_dir} if reports_dir else {})  # given by the runner
        self.language = self.params["language"]
        self.t = i18n.Text(self.language)
        self.output_dir = output_dir
        plots.use_style(self.language)
        plots.show_as_laid_out()

    def __getitem__(self, name: str) -> Any:
        return self.params[name]

    def forecast(self, domain: str):
        """The results of ``domain`` for this page's parameters; the notebook's own domain's tables are published."""
        module, compute = DOMAINS[domain]
        results = compute(self.params)
        report = REPORTS.get(self.notebook)
        if report and report.domain == domain:
            self.publish(results.tables, module.TABLES)
        return results

    def publish(self, tables: dict[str, pd.DataFrame], declared: dict) -> None:
        """Write every declared table (when the runner collects tables: ``output_dir``); a declared table missing is an error,
        one the results hold as None is not published by this run (its inputs are missing)."""
        missing = [name for name in declared if name not in tables]
        if missing:
            raise KeyError(f"{self.notebook}: the results lack the declared table(s) {missing}")
        for name in declared:
            if tables[name] is not None:
                export.write_table(tables[name], name, self.output_dir, self.scenario.name)

    # -- display --
    def markdown(self, text: str) -> None:
        display(Markdown(text))

    def title(self, key: str) -> None:
        """The report's heading, then the data vintage and scenario it used."""
        self.markdown("# " + self.t(key))
        self.text("common.vintage", vintage=io.shown_vintage(self.params["vintage"]), scenario=self.t.scenario(self.scenario.name))

    def text(self, key: str, /, **values) -> None:
        """The catalogue's paragraph ``key`` with ``values`` filled in."""
        self.markdown(self.t(key, **values))

    def paragraphs(self, shown: list[tuple[str, dict] | pd.DataFrame]) -> None:
        """A section in turn (a domain's ``*_paragraphs``): each ``(key, values)`` the catalogue's paragraph ``key``, each
        frame a table the package has put in the reader's words (``shown``)."""
        for part in shown:
            if isinstance(part, pd.DataFrame):
                self.shown(part)
            else:
                self.text(part[0], **part[1])

    def note(self, key: str = "common.note") -> None:
        """The run's ``report_note``, when one is given."""
        if self.params["report_note"]:
            self.text(key, note=self.params["report_note"])

    def table(
        self, frame: pd.DataFrame, section: str | None = None, formats: dict[str, str | Callable] | None = None, header_values: dict | None = None,
        english: tuple[str, ...] = (), precision: int | None = None, na_rep: str = "–",
    ) -> None:
        """``frame`` with translated headers, without its index; ``formats`` maps a column (by its name on disk) to a format.

        Columns named by digits (years, horizons) keep their names, true/false columns show yes/no in the reader's
        language; ``header_values`` fill the placeholders of the translated headers (``{year}``). Numbers are written in
        the language's separators: a ``formats`` entry as given, any other numeric column by its declared unit or with
        ``precision`` decimals (``cells.formats``); missing values as ``na_rep``. Every cell and header is HTML-escaped
        (pandas Stylers do not escape by default), so text from data shows as text, never as markup.
        ``english``: columns of English prose written by the code (a parameter's meaning, why a figure was chosen), not in
        the catalogues; their cells are marked ``lang="en"`` so browsers, screen readers and the id check read them as English.
        """
        headers = {c: self._header(c, section, header_values) for c in frame.columns}
        frame = self._readable(cells.as_numbers(frame))
        shown = cells.formats(self.t, frame, formats, precision)
        style = frame.rename(columns=headers).style.hide(axis="index").format(escape="html", na_rep=na_rep)
        style = style.format_index(escape="html", axis=1)
        if shown:  # a dict resets the columns it does not name: the subsets below come after it
            style = style.format({headers[c]: f for c, f in shown.items()}, escape="html", na_rep=na_rep)
        flags = [headers[c] for c in frame.columns if pd.api.types.is_bool_dtype(frame[c])]  # yes / no, not True / False
        if flags:
            style = style.format(lambda v: self.t("common.yes") if v else self.t("common.no"), subset=flags)
        if english:
            style = style.format(english_html, subset=[headers[c] for c in english if c in headers], escape="html", na_rep="")
        display(style)

    def quoted(self, frame: pd.DataFrame, section: str | None = None) -> None:
        """Rows quoted from data/raw (the programme's figures, dated statements) as ``table`` shows them, the raw file's own
        text (identifiers, indicators, units, notes: English, as in the file) marked as English (RAW_TEXT)."""
        self.table(frame, section, english=RAW_TEXT)

    def technical(self, text: str) -> None:
        """A technical note kept in English (a module's docstring: the method as the code states it): Markdown whose output
        metadata says ``lang: en``, which the report template writes as ``lang="en"``."""
        display(Markdown(i18n.readable_sources(i18n.Text("en"), text)), metadata={"lang": "en"})

    def _header(self, column, section: str | None, values: dict | None):
        if str(column).isdigit():
            return column
        label = self.t.column(str(column), section)
        return label.format(**values) if values else label

    def pivot(self, frame: pd.DataFrame, formatter: str | None = None, caption: str = "", precision: int | None = None) -> None:
        """A display-ready frame whose labels are already translated, shown with its index (a pivot): one ``formatter``
        for its numbers ("{:,.0f}", in the language's separators; none: ``precision`` decimals, or as many as the values
        need) and an optional ``caption``; cells and labels are HTML-escaped, so text from data shows as text."""
        digits = precision if precision is not None else cells.fewest_digits(pd.Series(frame.to_numpy().ravel()))
        style = frame.style.format(cells.escaped(self.t.formatter(formatter or f"{{:,.{digits}f}}")), escape="html", na_rep="–")
        style = style.format_index(escape="html", axis=0).format_index(escape="html", axis=1)
        display(style.set_caption(caption) if caption else style)

    def shown(self, frame: pd.DataFrame) -> None:
        """A table the package has already put in the reader's words (headers and cells), without its index; cells escaped."""
        display(self._readable(frame).style.hide(axis="index").format(escape="html").format_index(escape="html", axis=1))

    def _readable(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with the citations of source files in its text cells named as a reader knows them (i18n.readable_sources)."""
        text = [c for c in frame.columns if pd.api.types.is_object_dtype(frame[c]) or pd.api.types.is_string_dtype(frame[c])]
        if not text:
            return frame
        out = frame.copy()
        for c in text:
            out[c] = frame[c].map(lambda v: i18n.readable_sources(self.t, v) if isinstance(v, str) else v)
        return out
