"""Charts as a reader checks them: whole-year ticks, legends that cover no data, the language's numbers, targets drawn
as targets, the components at the years of their table. Every chart function runs on a tiny hand-made frame."""

from __future__ import annotations

import re

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.patches import Rectangle
from matplotlib_inline.config import InlineBackend

from almaty_analytics import plots

matplotlib.use("Agg")
YEARS = list(range(2021, 2036))
LONG_TITLE = "Шығарындылар барлығы, қала (2021 жылғы түгендеу, 127 мың т): базалық, бағдарламалық, кешіктірілген сценарийлер"
LONG_SOURCE = "Алматыны дамыту бағдарламасы 2022 (001_22452510f78b59ea.txt:4253-4371, 443); халық болжамы; almaty-analytics emissions"
LONG_Y = "шығарындылар, мың т/жыл (барлық ластаушы заттар)"
SCHOOL_YEARS = [f"{y}/{str(y + 1)[2:]}" for y in range(2022, 2031)]


def _total() -> pd.DataFrame:
    value = np.linspace(2.2e6, 2.6e6, len(YEARS))
    return pd.DataFrame({"year": YEARS, "value": value, "lo_80": value * 0.97, "hi_80": value * 1.03, "lo_95": value * 0.95, "hi_95": value * 1.05})


def _variants() -> pd.DataFrame:
    low = pd.DataFrame({"year": YEARS, "variant": "low", "value": np.linspace(2.2e6, 2.4e6, len(YEARS))})
    target = pd.DataFrame({"year": range(2021, 2031), "variant": "programme_target", "value": np.linspace(2.2e6, 2.5e6, 10)})
    return pd.concat([low, target], ignore_index=True)


def _seats() -> pd.DataFrame:
    n = len(SCHOOL_YEARS)
    deficit = np.linspace(60e3, 20e3, n)
    return pd.DataFrame({"regime": "current", "school_year": SCHOOL_YEARS, "pupils_state": np.linspace(300e3, 340e3, n),
                         "seats": np.linspace(240e3, 320e3, n), "deficit": deficit, "deficit_lo_80": deficit - 15e3,
                         "deficit_hi_80": deficit + 15e3, "deficit_on_plan": deficit - 10e3})


def _emission_paths() -> pd.DataFrame:
    rows = []
    for name, slope in (("baseline", 1.0), ("programme", -2.0)):
        median = 120 + slope * np.arange(len(YEARS))
        rows.append(pd.DataFrame({"emission_scenario": name, "year": YEARS, "median_kt": median, "lo_80": median - 8, "hi_80": median + 8,
                                  "scheduled_kt": median - 1}))
    return pd.concat(rows, ignore_index=True)


def _scenario_paths() -> pd.DataFrame:
    rows = []
    for name, level in (("default", 100.0), ("high", 110.0), ("low", 90.0)):
        value = level + np.arange(len(YEARS), dtype=float)
        rows.append(pd.DataFrame({"scenario": name, "year": YEARS, "value": value, "lo_80": value - 5, "hi_80": value + 5}))
    return pd.concat(rows, ignore_index=True)


def _components() -> pd.DataFrame:
    years = list(range(2022, 2036))
    return pd.DataFrame({"year": years, "value": np.linspace(2.2e6, 2.6e6, len(years)), "births": [40e3] * (len(years) - 1) + [np.nan],
                         "deaths": [14e3] * len(years), "net_migration": [20e3] * len(years)})


def charts() -> dict[str, plt.Figure]:
    """Every chart function of plots on a tiny frame, by name."""
    shifts = pd.DataFrame({"first_year_after": [2009], "kind": ["census"]})
    history = pd.DataFrame({"year": range(2005, 2011), "persons": np.linspace(1.3e6, 1.5e6, 6), "sex": "total"})
    pyramid = pd.DataFrame([{"year": y, "sex": s, "age": a, "value": 20e3 - 100 * a + 50 * (y - 2021)}
                            for y in (2021, 2035) for s in ("male", "female") for a in range(0, 100, 5)])
    pipeline = pd.DataFrame({"school_year": SCHOOL_YEARS[:4], "funding_source": "budget", "seats_expected": [1200.0, 5000.0, 300.0, 8000.0]})
    targets = pd.DataFrame({"school_year": [SCHOOL_YEARS[3], SCHOOL_YEARS[8]], "target_deficit": [30e3, 0.0]})
    by_source = pd.DataFrame([{"year": y, "source": s, "median_kt": v} for y in YEARS for s, v in (("heat", 50.0), ("roads", 30.0), ("other", 10.0))])
    steps = pd.DataFrame({"label": ["tpp2 coal to gas", "a very small measure", "another small one", "gasification of the agglomeration"],
                          "value": [-30.0, -0.2, -0.4, -12.0]})
    tornado = pd.DataFrame({"parameter": ["a_b", "c_d"], "central_kt": 100.0, "emissions_low_kt": [90.0, 97.0], "emissions_high_kt": [112.0, 101.0],
                            "swing_kt": [22.0, 4.0]})
    queue = pd.DataFrame({"year": range(2023, 2031), "queue_3_6": np.linspace(20e3, 5e3, 8)}).assign(
        queue_3_6_lo_80=lambda f: f["queue_3_6"] * 0.8, queue_3_6_hi_80=lambda f: f["queue_3_6"] * 1.2, queue_3_6_on_plan=lambda f: f["queue_3_6"] * 0.7)
    goals = pd.DataFrame({"target": ["queue_2025"], "year": [2025], "target_value": [0.0]})
    labels = {k: k for k in ("central", "band", "on_plan", "target", "x", "y")}
    common = {"title": LONG_TITLE, "source": LONG_SOURCE}
    return {
        "series_with_shifts": plots.series_with_shifts(history, y="persons", ylabel="y", shifts=shifts, scale=1e6, **common),
        "bars": plots.bars(pd.DataFrame({"school_year": SCHOOL_YEARS, "schools": range(9)}), x="school_year", y="schools", xlabel="x", ylabel="y",
                           **common),
        "fan_chart": plots.fan_chart(_total(), pd.Series([2.0e6, 2.1e6], index=[2019, 2020]), compare=_variants(), **common),
        "pyramid": plots.pyramid(pyramid, [2021, 2035], **common),
        "components": plots.components(_components(), **common),
        "stacked_area": plots.stacked_area(by_source, x="year", hue="source", y="median_kt", scale=1.0, ylabel=LONG_Y, **common),
        "pupils_vs_seats": plots.pupils_vs_seats(_seats(), pipeline, **common),
        "deficit_fan": plots.deficit_fan(_seats(), targets, regime="current", **common),
        "scenario_bands": plots.scenario_bands(_emission_paths(), target=(2030, 78.0, "programme target"), ylabel=LONG_Y, **common),
        "waterfall": plots.waterfall(("baseline 2030", 130.0), steps, ("programme 2030", 87.4), target=(78.0, "target"), ylabel="kt", **common),
        "tornado": plots.tornado(tornado, xlabel="x", ylabel="", **common),
        "scenario_comparison": plots.scenario_comparison(_scenario_paths(), highlight="default", scale=1.0, ylabel="y",
                                                         target=(2030, 95.0, "programme target"), **common),
        "lines": plots.lines(_scenario_paths(), x="year", y="value", by=["scenario"], title="t", ylabel="y", xlabel="year", source="s", number=str),
        "queue_fan": plots.queue_fan(queue, goals, labels=labels, **common),
        "against_default": plots.against_default(_scenario_paths().query("scenario == 'default'"), _scenario_paths().query("scenario == 'high'"),
                                                 x="year", y="value", lo="lo_80", hi="hi_80", scale=1.0, ylabel="y", xlabel="year",
                                                 labels={"changed": "changed", "band": "band", "default": "default"}, number=str, title=LONG_TITLE,
                                                 source="almaty-analytics, 100 simulations"),  # the explorer's short note
    }


YEAR_AXES = {"series_with_shifts", "fan_chart", "components", "stacked_area", "scenario_bands", "scenario_comparison", "lines", "queue_fan",
             "against_default"}
SCHOOL_YEAR_AXES = {"bars", "pupils_vs_seats", "deficit_fan"}


@pytest.fixture(scope="module", params=["en", "ru", "kk"])
def drawn(request) -> dict[str, plt.Figure]:
    """Every chart, drawn, in each language."""
    plots.use_style(request.param)
    figures = charts()
    for fig in figures.values():
        fig.canvas.draw()
    yield figures
    for fig in figures.values():
        plt.close(fig)
    plots.use_style("en")


def _tick_labels(axis) -> list[str]:
    return [label.get_text() for label in axis.get_ticklabels() if label.get_visible() and label.get_text()]


def test_every_chart_function_is_checked(drawn):
    names = {name for name in dir(plots) if callable(getattr(plots, name)) and not name.startswith("_")
             and getattr(getattr(plots, name), "__module__", "") == plots.__name__ and name[0].islower()}
    assert names - {"use_style", "tick_digits", "show_as_laid_out", "alt_text"} == set(drawn)


def test_a_charts_alternative_text_is_its_title_unwrapped(drawn):
    assert plots.alt_text(drawn["fan_chart"]) == LONG_TITLE  # wrapped on the chart, one line for a screen reader
    assert all(plots.alt_text(fig) and "\n" not in plots.alt_text(fig) for fig in drawn.values())
    fig, ax = plt.subplots()
    ax.set_ylabel("thousand\npersons")
    assert plots.alt_text(fig) == "thousand persons"  # no title: the y label
    plt.close(fig)


def test_year_axes_tick_whole_years_only(drawn):
    for name in YEAR_AXES:
        labels = _tick_labels(drawn[name].axes[0].xaxis)
        assert labels and all(re.fullmatch(r"\d{4}", label) for label in labels), (name, labels)
    for name in SCHOOL_YEAR_AXES:
        labels = _tick_labels(drawn[name].axes[-1].xaxis)
        assert labels and all(re.fullmatch(r"\d{4}/\d{2}", label) for label in labels), (name, labels)


def _data_extents(ax) -> list:
    """Window extents of what an axes plots: lines with data, bars and bands (PolyCollections), scatter points."""
    extents = []
    for line in ax.lines:
        xs, ys = line.get_xydata().T if len(line.get_xydata()) else ([], [])
        if len(xs) and line.get_transform() == ax.transData:
            extents.append(line.get_window_extent())
    extents += [patch.get_window_extent() for patch in ax.patches if isinstance(patch, Rectangle) and patch.get_width() and patch.get_height()]
    extents += [c.get_window_extent() for c in ax.collections if isinstance(c, PolyCollection) and len(c.get_paths())]
    return extents


def test_no_legend_covers_plotted_data(drawn):
    for name, fig in drawn.items():
        legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend()]
        for legend in legends:
            box = legend.get_window_extent()
            for ax in fig.axes:
                inside = box.intersection(box, ax.get_window_extent())
                if inside is None or inside.width <= 0 or inside.height <= 0:
                    continue  # outside this axes altogether
                covered = [e for e in _data_extents(ax) if (overlap := e.intersection(e, inside)) is not None and overlap.width > 0 and overlap.height > 0]
                assert not covered, f"{name}: the legend covers {len(covered)} plotted artist(s)"


def test_legends_stay_inside_the_figure_and_clear_of_the_axes_labels(drawn):
    for name, fig in drawn.items():
        for legend in fig.legends:
            box = legend.get_window_extent()
            assert box.x0 >= 0 and box.x1 <= fig.bbox.width and box.y0 >= 0, name
            for ax in fig.axes:
                assert box.y1 <= ax.get_tightbbox().y0 + 1, f"{name}: the legend runs into the axes or its tick labels"


def test_value_axes_use_the_languages_decimal_separator():
    for language, decimal, other in (("en", ".", ","), ("ru", ",", "."), ("kk", ",", ".")):
        plots.use_style(language)
        fig = plots.fan_chart(_total(), pd.Series([2.0e6], index=[2020]), compare=_variants(), title="t", source="s")
        fig.canvas.draw()
        labels = _tick_labels(fig.axes[0].yaxis)
        plt.close(fig)
        assert any(decimal in label for label in labels) and not any(other in label for label in labels), (language, labels)
    plots.use_style("en")


def test_negative_ticks_carry_the_minus_sign():
    plots.use_style("ru")
    fig = plots.components(_components(), title="t", source="s")
    fig.canvas.draw()
    labels = _tick_labels(fig.axes[0].yaxis)
    plt.close(fig)
    plots.use_style("en")
    assert any(label.startswith("\u2212") for label in labels) and not any("-" in label for label in labels), labels


def test_components_sit_at_the_years_of_their_table():
    table = _components()
    fig = plots.components(table, title="t", source="s")
    centres = sorted({round(bar.get_x() + bar.get_width() / 2) for bar in fig.axes[0].patches})
    plt.close(fig)
    assert centres == table.dropna(subset=["births"])["year"].tolist()


def test_targets_are_drawn_as_targets_never_as_a_projection(drawn):
    for name in ("fan_chart", "deficit_fan", "scenario_bands", "scenario_comparison", "queue_fan"):
        ax = drawn[name].axes[0]
        marked = [line for line in ax.lines if line.get_marker() == plots.TARGET["marker"] and line.get_markerfacecolor() == "gold"]
        assert marked and all(line.get_linestyle() == "None" for line in marked), name
        legend = drawn[name].legends[0]
        entries = dict(zip((text.get_text() for text in legend.get_texts()), legend.legend_handles, strict=True))
        assert entries[marked[0].get_label()].get_marker() == plots.TARGET["marker"], f"{name}: the target's legend entry is not the target"
    path = [line for line in drawn["fan_chart"].axes[0].lines if len(line.get_xdata()) == 10]  # the straight line to the target
    assert path and all(line.get_linestyle() == ":" and line.get_color() == "black" for line in path)


def test_the_seats_opening_have_their_own_axis():
    fig = plots.pupils_vs_seats(_seats(), pd.DataFrame({"school_year": SCHOOL_YEARS[:2], "funding_source": "budget", "seats_expected": [300.0, 900.0]}),
                                title="t", source="s")
    top, bottom = fig.axes
    plt.close(fig)
    assert len(bottom.patches) == len(SCHOOL_YEARS) and not top.patches
    assert bottom.get_ylim()[1] < 2  # thousand seats: 0.9 is readable, not a sliver under 340


def test_waterfall_labels_do_not_collide(drawn):
    fig = drawn["waterfall"]
    renderer = fig.canvas.get_renderer()
    boxes = [text.get_window_extent(renderer) for text in fig.axes[0].texts] + [label.get_window_extent(renderer) for label in fig.axes[0].get_yticklabels()]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            overlap = a.intersection(a, b)
            assert overlap is None or overlap.width <= 0 or overlap.height <= 0, (a, b)


@pytest.mark.parametrize(("ticks", "digits"), [([0.0, 0.5, 1.0], 1), ([0, 25, 50], 0), ([2.2, 2.25, 2.3], 2), ([2007.0, 2008.0], 0)])
def test_tick_digits_are_the_fewest_that_write_the_ticks(ticks, digits):
    assert plots.tick_digits(ticks) == digits


def test_level_shift_reasons_sit_above_the_plot_clear_of_the_data(drawn):
    fig = drawn["series_with_shifts"]
    ax = fig.axes[0]
    reasons = [text for text in ax.texts if text.get_text()]
    assert reasons
    for text in reasons:
        box = text.get_window_extent()
        assert box.y0 >= ax.get_window_extent().y1, "a level-shift reason inside the plot"
        assert box.y1 <= ax.title.get_window_extent().y0 + 1, "a level-shift reason runs into the title"


def _texts(fig) -> list:
    """Every text of a figure a reader reads: titles, axis labels, tick labels, annotations, legend entries, the source."""
    texts = list(fig.texts)
    for ax in fig.axes:
        texts += [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.texts]
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            texts += [tick.label1 for tick in axis.get_major_ticks() if low - 1e-9 <= tick.get_loc() <= high + 1e-9 and tick.label1.get_visible()]
    for legend in fig.legends:
        texts += legend.get_texts()
    return [text for text in texts if text.get_text()]


def test_no_two_texts_collide_and_all_stay_inside_the_figure(drawn):
    for name, fig in drawn.items():
        renderer = fig.canvas.get_renderer()
        texts = _texts(fig)
        boxes = [text.get_window_extent(renderer) for text in texts]
        for text, box in zip(texts, boxes, strict=True):
            assert box.x0 >= -1 and box.x1 <= fig.bbox.width + 1 and box.y0 >= -1 and box.y1 <= fig.bbox.height + 1, (name, text.get_text())
        ticks = {id(tick.label1) for ax in fig.axes for axis in (ax.xaxis, ax.yaxis) for tick in axis.get_major_ticks()}
        for i, (a, box_a) in enumerate(zip(texts, boxes, strict=True)):
            for b, box_b in list(zip(texts, boxes, strict=True))[i + 1:]:
                if id(a) in ticks and id(b) in ticks:
                    continue  # neighbouring (rotated) tick labels: their boxes touch, their letters do not
                overlap = box_a.intersection(box_a, box_b)
                assert overlap is None or overlap.width < 1 or overlap.height < 1, (name, a.get_text(), b.get_text())


def test_a_report_shows_its_charts_as_laid_out_not_cropped():
    """The inline backend draws a figure twice to crop it to a tight box; a report's charts are already laid out inside
    their figure (the test above), so the report kernel shows them as they are."""
    backend = InlineBackend.instance()
    before = dict(backend.print_figure_kwargs)
    try:
        plots.show_as_laid_out()
        assert backend.print_figure_kwargs == {"bbox_inches": None}
    finally:
        backend.print_figure_kwargs = before
