"""The what-if explorer: sliders for the assumptions a planner argues about and three charts against the scenario.

    from almaty_analytics.explorer import Explorer
    explorer = Explorer("default", n_simulations=100, language="en")
    explorer.show()                                  # the page of notebooks/explore.ipynb (JupyterLab, or `make explore`)
    explorer.update(net_migration=60_000)            # what a slider does; returns the three figures

Each slider starts at the scenario's value (where the scenario leaves a parameter to the data, the calibrated or
fitted value the model uses: ``whatif.WhatIf.starts``), steps at that value's precision (so the page never moves it)
and spans the range the parameter's declaration allows (``scenarios.PARAMETERS``; TPP-2's year from its first stage's).
Moving one calls ``update``: the values are checked as a scenario's are, so a bad one shows the one-line
``ParameterError`` and nothing is redrawn; the lines are recomputed (``whatif``: only the domains the change touches)
and only the charts whose lines changed are redrawn. ``timings`` records the seconds of each update. Every label comes
from the catalogues (section ``explorer``) of ``language``.
"""

from __future__ import annotations

import html
import io
from time import perf_counter
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import display

from . import i18n, plots, scenarios
from .emissions import EmissionsError
from .params import ParameterError
from .whatif import ASSUMPTIONS, WhatIf

# Slider step of each assumption: the precision of its scenario value (population.model.DEFAULT_DECIMALS, the delivery
# fit's 2 decimals, the declared defaults), so that a slider's start is one of its steps.
STEPS: dict[str, float] = {
    "net_migration": 10, "tfr": 0.001, "build_rate_after_2025": 0.01, "private_places_after_2025": 5, "delay_budget": 0.01,
    "delay_post_2025": 0.01, "tpp2_conversion_year": 1, "measure_delay_mean_years": 0.1,
}
READOUT = {"net_migration": ",.0f", "tfr": ".3f", "private_places_after_2025": ",.0f"}  # d3 formats; the others: ipywidgets' own
# chart -> (columns of its whatif.Lines series: x, y, interval low, high), the scale of its axis and the decimals of its ticks
CHARTS: dict[str, tuple[tuple[str, str, str, str], float, int]] = {
    "population": (("year", "value", "lo_80", "hi_80"), 1e6, 2),
    "deficit": (("school_year", "deficit", "deficit_lo_80", "deficit_hi_80"), 1e3, 0),
    "emissions": (("year", "median_kt", "lo_80", "hi_80"), 1.0, 0),
}
SLIDER_WIDTH = "420px"


class Explorer:
    """The widgets and charts of one scenario's what-if page; ``n_simulations`` per redraw (fewer than the reports')."""

    def __init__(self, scenario: str = "default", n_simulations: int = 100, language: str = "en"):
        self.t = i18n.Text(scenarios.check_value("language", language))
        plots.use_style(language)
        self.whatif = WhatIf(scenario, n_simulations)
        self.n_simulations = n_simulations
        self.values: dict[str, Any] = dict(self.whatif.starts)
        self.lines = self.whatif.default
        self.figures: dict[str, plt.Figure] = {}
        self.timings: list[tuple[str, float]] = []  # (the assumptions changed, seconds of the update)
        self.message = widgets.HTML()
        self.images = {chart: widgets.Image(format="png") for chart in CHARTS}
        self.sliders = {name: self._slider(name) for names in ASSUMPTIONS.values() for name in names}
        for name, slider in self.sliders.items():
            slider.observe(lambda change, name=name: self.update(**{name: change["new"]}), names="value")
        self._draw(list(CHARTS))

    def _slider(self, name: str) -> widgets.Widget:
        spec = scenarios.PARAMETERS[name]
        low = self.whatif.tpp2_first_year() if name == "tpp2_conversion_year" else spec.min
        kind = widgets.IntSlider if spec.type is int else widgets.FloatSlider
        options = {"readout_format": READOUT[name]} if name in READOUT else {}
        return kind(
            value=self.whatif.starts[name], min=low, max=spec.max, step=STEPS[name], continuous_update=False,
            layout=widgets.Layout(width=SLIDER_WIDTH), **options,
        )

    def overrides(self, values: dict[str, Any] | None = None) -> dict[str, Any]:
        """The assumptions of ``values`` (default: the current ones) that differ from the scenario's."""
        starts = self.whatif.starts
        return {name: value for name, value in (self.values if values is None else values).items() if name not in starts or value != starts[name]}

    def update(self, **values: Any) -> dict[str, plt.Figure]:
        """Set assumptions (``net_migration=60_000``) and redraw the charts they change; returns the three figures.
        A value that is not accepted leaves everything as it was and says why in ``message``."""
        started = perf_counter()
        proposed = self.values | values
        try:
            lines = self.whatif.lines(**self.overrides(proposed))
        except (ParameterError, EmissionsError) as exc:
            self.message.value = html.escape(self.t("explorer.not_redrawn", message=str(exc)))
            return self.figures
        self.values = proposed
        changed = [chart for chart in CHARTS if not getattr(lines, chart).equals(getattr(self.lines, chart))]
        self.lines = lines
        self._draw(changed)
        seconds = perf_counter() - started
        self.timings.append((", ".join(values), seconds))
        self.message.value = html.escape(self.t("explorer.redrawn", seconds=self.t.num(seconds, 2)))
        return self.figures

    def _draw(self, charts: list[str]) -> None:
        """Each chart as a PNG in its image widget: rendered once (the inline backend's tight bounding box renders twice)."""
        for chart in charts:
            figure = self.figure(chart)
            png = io.BytesIO()
            figure.savefig(png, format="png")
            plt.close(figure)
            self.images[chart].value = png.getvalue()
            self.figures[chart] = figure

    def figure(self, chart: str) -> plt.Figure:
        """Chart ``chart`` (of CHARTS) of the current values against the scenario's."""
        (x, y, lo, hi), scale, digits = CHARTS[chart]
        t, params = self.t, self.whatif.params
        scenario = self._scenario_name()
        shown = {"boundary": t.term("boundary", params["boundary"]), "emission_scenario": t.term("emission_scenario", params["emission_scenario"])}
        title = t(f"explorer.{chart}_title", **(shown if chart == "emissions" else {}))
        return plots.against_default(
            getattr(self.whatif.default, chart), getattr(self.lines, chart), x=x, y=y, lo=lo, hi=hi, scale=scale,
            labels={"changed": t("explorer.changed"), "band": t("explorer.band"), "default": t("explorer.default", scenario=scenario)},
            title=title, ylabel=t(f"explorer.{chart}_y"), xlabel=t("plots.school_year" if chart == "deficit" else "plots.year"),
            source=t("explorer.source", n=t.num(self.n_simulations)), number=lambda v: t.num(v, digits),
        )

    def _scenario_name(self) -> str:
        key = f"terms.scenario.{self.whatif.scenario}"
        return self.t(key) if self.t.has(key) else self.whatif.scenario

    def page(self) -> widgets.Widget:
        """The page: title, what it shows, the sliders (each under its label) beside the three charts."""
        t = self.t
        intro = t("explorer.intro", scenario=self._scenario_name(), n=t.num(self.n_simulations), n_reports=t.num(scenarios.PARAMETERS["n_simulations"].default))
        controls = [widgets.HTML(f"<b>{html.escape(t('explorer.assumptions'))}</b>")]
        for name, slider in self.sliders.items():
            controls += [widgets.HTML(html.escape(t(f"explorer.sliders.{name}")), layout=widgets.Layout(width=SLIDER_WIDTH)), slider]
        controls.append(self.message)
        return widgets.VBox([
            widgets.HTML(f"<h2>{html.escape(t('explorer.title'))}</h2><p>{html.escape(intro)}</p>"),
            widgets.HBox([
                widgets.VBox(controls, layout=widgets.Layout(flex="0 0 450px", min_width="450px")),
                widgets.VBox(list(self.images.values()), layout=widgets.Layout(flex="1 1 auto")),
            ]),
        ])

    def show(self) -> None:
        display(self.page())
