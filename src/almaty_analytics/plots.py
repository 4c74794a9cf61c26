"""Charts for the reports: each function returns a matplotlib Figure with labelled units.

Shared rules, applied by ``_finish`` to every chart so no chart can miss one:

* **Legends outside the data.** Every legend entry of the figure's axes goes into one legend below the plot, laid out
  first, and the axes are fitted above it (``tight_layout`` with the legend's height kept free), so no legend covers
  a line, bar or band. Long entries wrap at ``LEGEND_WIDTH`` characters.
* **Years are whole numbers.** A year axis (``_year_axis``) ticks at integers only and writes them without a
  thousands separator (never 2007.5).
* **Numbers in the reader's language.** Every other numeric axis writes its ticks with ``i18n.Text.num``: comma
  decimals and narrow no-break thousands in Russian and Kazakh, the minus sign U+2212, as many decimals as the ticks need.
* **Targets look like targets.** The programme's targets are drawn with one style (``_target``: a black-edged gold
  star, a dotted black guide), never like a projection line, and appear in the legend as the target.
* **Print size is screen size.** Figures are 7.5 in wide at 100 dpi (750 px): printed one across an A4 page
  (190 mm between the margins) they keep about their nominal point sizes (legend ``LEGEND_SIZE`` pt).
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from IPython.core.interactiveshell import InteractiveShell
from IPython.core.pylabtools import print_figure
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, FuncFormatter, MaxNLocator, ScalarFormatter
from matplotlib_inline.config import InlineBackend

from . import i18n

SOURCE_NOTE_SIZE = 8
LEGEND_SIZE = 9
LEGEND_WIDTH = 42  # characters per line of a legend entry
ANNOTATION_SIZE = 8
SHIFT_LABEL_GAP = 8  # pixels kept between two level-shift reasons on one line; closer ones are stacked
FONT = "DejaVu Sans"  # ships with matplotlib; covers Cyrillic including the Kazakh letters (tested)
SIZE = (7.5, 3.9)  # inches, without the legend and source note below (_foot adds their height): one across an A4 page at about its nominal size
TARGET = {"marker": "*", "markersize": 16, "markerfacecolor": "gold", "markeredgecolor": "black", "markeredgewidth": 1.0, "color": "black",
          "linestyle": "none", "zorder": 6, "clip_on": False}
TARGET_GUIDE = {"color": "black", "linestyle": ":", "linewidth": 1.2}
_text = i18n.Text("en")  # the labels drawn by these functions; use_style(language) switches them


def use_style(language: str = "en") -> None:
    """Theme, size and font of every chart; the labels the chart functions draw themselves follow ``language``."""
    global _text
    _text = i18n.Text(language)
    sns.set_theme(style="whitegrid", context="notebook", font=FONT, font_scale=0.9)
    plt.rcParams.update({"figure.dpi": 100, "savefig.dpi": 100, "figure.figsize": SIZE, "axes.unicode_minus": True})


AS_LAID_OUT = {"bbox_inches": None}  # how a report shows a chart: the figure as _finish laid it out


def show_as_laid_out() -> None:
    """Reports show each chart as ``_finish`` laid it out (legend, source note and labels inside the figure), not
    cropped to a tight box: the inline backend's default ``bbox_inches="tight"`` draws every figure twice (once to
    measure it), about a tenth of a report's presentation time. Each chart goes out with its ``alt_text`` in the PNG's
    metadata, which the report template writes as the image's ``alt`` (nbconvert's own is "No description has been
    provided for this image"). Set on the inline backend and the display formatter of the running IPython shell
    (nothing happens outside one); an analyst's own session (``api``, the explorer) keeps the defaults."""
    InlineBackend.instance().print_figure_kwargs = dict(AS_LAID_OUT)
    if InteractiveShell.initialized():
        InteractiveShell.instance().display_formatter.formatters["image/png"].for_type(Figure, _png_with_alt_text)


def _png_with_alt_text(fig: plt.Figure) -> tuple[str, dict[str, str]]:
    """The PNG the inline backend would show (as laid out) and its metadata: an IPython formatter may return both."""
    return print_figure(fig, fmt="png", base64=True, **AS_LAID_OUT), {"alt": alt_text(fig)}


def alt_text(fig: plt.Figure) -> str:
    """What a chart shows, for a reader who cannot see it: the titles of its panels (their y labels where none has one)."""
    titles = [" ".join(ax.get_title().split()) for ax in fig.axes if ax.get_title()]
    return "; ".join(titles or [" ".join(ax.get_ylabel().split()) for ax in fig.axes if ax.get_ylabel()])


AXIS_LABEL_WIDTH = 38  # characters per line of a y label before the layout; _fit_labels then wraps to the room it got


class LocalNumbers(Formatter):
    """Tick labels in a language's separators (``i18n.Text.num``), with the fewest decimals that tell the ticks apart."""

    def __init__(self, text: i18n.Text, absolute: bool = False):
        self.text, self.absolute, self.digits = text, absolute, 0

    def set_locs(self, locs) -> None:
        self.digits = tick_digits(list(locs))

    def __call__(self, value, pos=None) -> str:
        return self.text.num(abs(value) if self.absolute else value, self.digits)


def tick_digits(ticks: list[float]) -> int:
    """The fewest decimals (at most 4) that write every tick exactly: [0, 0.5, 1] -> 1, [0, 25, 50] -> 0."""
    for digits in range(5):
        if all(abs(round(tick, digits) - tick) < 1e-9 * max(1.0, abs(tick)) for tick in ticks):
            return digits
    return 4


def _year_axis(axis) -> None:
    """Whole-year ticks written as years (2030, not 2,030 or 2030.0)."""
    axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.0f}"))


def _target(ax, x, y, label: str | None, guide: str | None = None) -> None:
    """The programme's target at (``x``, ``y``) in the one target style; ``guide`` "h" or "v" adds a dotted line through it."""
    if guide == "h":
        ax.axhline(y, **TARGET_GUIDE)
    elif guide == "v":
        ax.axvline(x, **TARGET_GUIDE)
    ax.plot(x, y, label=label, **TARGET)


def _overlaps(a, b, gap: float = 0.0) -> bool:
    """Whether two window extents overlap, or come closer than ``gap`` pixels side by side."""
    return a.x0 < b.x1 + gap and b.x0 < a.x1 + gap and a.y0 < b.y1 and b.y0 < a.y1


def _legend(fig: plt.Figure):
    """One legend for every labelled artist of the figure's axes (their own legends removed), None without any."""
    handles, labels = [], []
    for ax in fig.axes:
        if ax.get_legend():
            ax.get_legend().remove()
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    if not handles:
        return None
    wrapped = [textwrap.fill(label, LEGEND_WIDTH) for label in labels]
    columns = 1 if max(len(label) for label in labels) > 2 * LEGEND_WIDTH else min(len(labels), 2 if max(map(len, labels)) > 24 else 3)
    return fig.legend(handles, wrapped, loc="lower center", ncol=columns, fontsize=LEGEND_SIZE, frameon=False, borderaxespad=0.2)


def _source_note(fig: plt.Figure, source: str):
    """The source note at the foot of the figure, wrapped to its width."""
    width = int(fig.get_figwidth() * 72 / (SOURCE_NOTE_SIZE * 0.6))  # characters of about 0.6 em
    note = textwrap.fill(_text("plots.source", source=source), width)
    return fig.text(0.01, 0.01, note, fontsize=SOURCE_NOTE_SIZE, color="0.35", va="bottom")


def _foot(fig: plt.Figure, source: str) -> float:
    """Source note and legend below the plot: the figure grows by their height, so the plot keeps its size however
    long the legend; returns the figure fraction they take."""
    renderer = fig.canvas.get_renderer()
    note, legend = _source_note(fig, source), _legend(fig)
    pad = 0.06  # inches between the parts
    note_height = note.get_window_extent(renderer).height / fig.dpi + pad
    legend_height = legend.get_window_extent(renderer).height / fig.dpi + pad if legend else 0.0
    plot_height = fig.get_figheight()
    fig.set_figheight(plot_height + note_height + legend_height)
    note.set_y(pad / 2 / fig.get_figheight())
    if legend:
        legend.set_bbox_to_anchor((0.5, note_height / fig.get_figheight()), transform=fig.transFigure)
    return (note_height + legend_height) / fig.get_figheight()


def _wrap(text, width: int) -> str:
    """``text`` (re)wrapped to lines of at most ``width`` characters."""
    return textwrap.fill(text.get_text().replace("\n", " "), max(width, 12)) if text.get_text() else ""


def _fit_labels(fig: plt.Figure) -> bool:
    """Wrap each axes' title and x label to its width and its y label to its height (a short panel, a long Kazakh
    label), measured in characters of about 0.6 em of their font; whether any label changed."""
    scale = fig.dpi / 72
    changed = False
    for ax in fig.axes:
        box = ax.get_window_extent()
        for text, room in ((ax.title, box.width), (ax.xaxis.label, box.width), (ax.yaxis.label, box.height)):
            wrapped = _wrap(text, int(room / (text.get_fontsize() * scale * 0.6)))
            changed |= wrapped != text.get_text()
            text.set_text(wrapped)
    return changed


def _finish(fig: plt.Figure, source: str, margins: dict[str, float] | None = None) -> plt.Figure:
    """Write every remaining numeric axis in the language's numbers, gather the legends below the plot, add the source
    note, fit the layout above both, then wrap titles and axis labels to the room they got and fit again. With
    ``margins`` (the explorer's charts, redrawn while a slider moves): the source note, the subplot margins as given
    and the legend where the chart put it (outside the axes), no fitted layout, which would draw the chart again."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if type(axis.get_major_formatter()) is ScalarFormatter:
                axis.set_major_formatter(LocalNumbers(_text))
        ax.yaxis.label.set_text(_wrap(ax.yaxis.label, AXIS_LABEL_WIDTH))
    if margins:  # one line of source note, as the margins expect
        fig.text(0.01, 0.01, _text("plots.source", source=source), fontsize=SOURCE_NOTE_SIZE, color="0.35")
        fig.subplots_adjust(**margins)
        return fig
    bottom = _foot(fig, source)
    fig.tight_layout(rect=(0, bottom + 0.01, 1, 1))
    if _fit_labels(fig) or len(fig.axes) > 1:  # a label wrapped to the room it got, or panels whose y labels to align
        fig.align_ylabels(fig.axes)
        fig.tight_layout(rect=(0, bottom + 0.01, 1, 1))  # fit once more (test_plots: no text collides or leaves the figure)
    return fig


def series_with_shifts(
    data: pd.DataFrame, *, y: str, ylabel: str, title: str, source: str, shifts: pd.DataFrame, hue: str | None = None, scale: float = 1.0
) -> plt.Figure:
    """Yearly line chart with each level shift marked by a dashed line and its reason."""
    fig, ax = plt.subplots()
    plotted = data.assign(**{y: data[y] / scale})
    sns.lineplot(data=plotted, x="year", y=y, hue=hue, marker="o", ax=ax)
    low, high = ax.get_xlim()
    renderer, placed = fig.canvas.get_renderer(), []
    for x in sorted(shifts["first_year_after"] - 0.5):  # each reason above the plot, where it covers no point
        kind = shifts.loc[shifts["first_year_after"] - 0.5 == x, "kind"].iloc[0]
        ax.axvline(x, color="0.4", linestyle="--", linewidth=1)
        where = (x - low) / (high - low)
        reason = ax.annotate(_text("plots.level_shift", kind=_text.term("level_shift", kind)), (x, 1.0), xycoords=ax.get_xaxis_transform(),
                             xytext=(0, 3), textcoords="offset points", va="bottom", fontsize=ANNOTATION_SIZE, color="0.3",
                             ha="right" if where > 0.8 else "left" if where < 0.2 else "center")
        level = 0
        while any(_overlaps(reason.get_window_extent(renderer), box, SHIFT_LABEL_GAP) for box in placed):  # one line up
            level += 1
            reason.xyann = (0, 3 + level * (ANNOTATION_SIZE + 3))
        placed.append(reason.get_window_extent(renderer))
    lines = 1 + max((round((box.y0 - placed[0].y0) / ((ANNOTATION_SIZE + 3) * fig.dpi / 72)) for box in placed), default=-1)
    ax.set(xlabel=_text("plots.year"), ylabel=ylabel)
    ax.set_title(title, pad=(ANNOTATION_SIZE + 3) * lines + 6)
    _year_axis(ax.xaxis)
    return _finish(fig, source)


def bars(data: pd.DataFrame, *, x: str, y: str, xlabel: str, ylabel: str, title: str, source: str) -> plt.Figure:
    fig, ax = plt.subplots()
    sns.barplot(data=data, x=x, y=y, color=sns.color_palette()[0], ax=ax)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.tick_params(axis="x", rotation=45)
    return _finish(fig, source)


def fan_chart(total: pd.DataFrame, history: pd.Series, *, compare: pd.DataFrame, title: str, source: str) -> plt.Figure:
    """Central projection with 80% and 95% bands, the observed history and comparison lines (million persons)."""
    fig, ax = plt.subplots()
    m = 1e6
    ax.fill_between(total["year"], total["lo_95"] / m, total["hi_95"] / m, alpha=0.15, color="C0", label=_text("plots.interval_95"))
    ax.fill_between(total["year"], total["lo_80"] / m, total["hi_80"] / m, alpha=0.3, color="C0", label=_text("plots.interval_80"))
    ax.plot(total["year"], total["value"] / m, color="C0", linewidth=2, label=_text("plots.projection_central"))
    ax.plot(history.index, history.to_numpy() / m, color="black", marker="o", markersize=3, label=_text("plots.bns_1_january"))
    for i, (name, frame) in enumerate(compare[compare["variant"] != "programme_target"].groupby("variant", sort=False)):
        ax.plot(frame["year"], frame["value"] / m, linestyle="--", color=f"C{i + 1}", label=_text.term("variant", name))
    path = compare[compare["variant"] == "programme_target"].sort_values("year")
    if not path.empty:  # the straight line to the programme's target is a guide to the target, not a projection
        ax.plot(path["year"], path["value"] / m, **TARGET_GUIDE)
        _target(ax, path["year"].iloc[-1], path["value"].iloc[-1] / m, _text.term("variant", "programme_target"))
    ax.set(xlabel=_text("plots.year_1_january"), ylabel=_text("plots.population_million"), title=title)
    _year_axis(ax.xaxis)
    return _finish(fig, source)


def pyramid(by_age_sex: pd.DataFrame, years: list[int], *, title: str, source: str) -> plt.Figure:
    """Population pyramid: men to the left, women to the right, one outline per year (thousand persons)."""
    fig, ax = plt.subplots(figsize=(SIZE[0], 5.0))
    for i, year in enumerate(years):
        frame = by_age_sex[by_age_sex["year"] == year]
        for sex, sign in (("male", -1), ("female", 1)):
            part = frame[frame["sex"] == sex].sort_values("age")
            ax.step(sign * part["value"] / 1e3, part["age"], where="mid", color=f"C{i}", label=_text("plots.on_date", year=year) if sex == "male" else None)
            if i == 0:
                ax.fill_betweenx(part["age"], 0, sign * part["value"] / 1e3, step="mid", alpha=0.2, color="C0")
    ax.axvline(0, color="0.3", linewidth=0.8)
    limit = max(abs(v) for v in ax.get_xlim())
    ax.set_xlim(-limit, limit)
    ax.xaxis.set_major_formatter(LocalNumbers(_text, absolute=True))  # men to the left, written without a minus
    ax.set(xlabel=_text("plots.pyramid_x"), ylabel=_text("plots.age_years"), title=title)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    return _finish(fig, source)


def components(table: pd.DataFrame, *, title: str, source: str) -> plt.Figure:
    """Births, deaths (negative) and net migration per calendar year, thousand persons: a bar at ``year`` is what
    happened during that year (the table's ``year``: population on 1 January, components during the year)."""
    data = table.dropna(subset=["births"])
    fig, ax = plt.subplots()
    years = data["year"]
    ax.bar(years, data["births"] / 1e3, color="C2", label=_text("plots.births"))
    ax.bar(years, -data["deaths"] / 1e3, color="C3", label=_text("plots.deaths_negative"))
    ax.bar(years, data["net_migration"] / 1e3, bottom=data["births"] / 1e3, color="C0", label=_text("plots.net_migration_stacked"))
    ax.axhline(0, color="0.3", linewidth=0.8)
    ax.set(xlabel=_text("plots.calendar_year"), ylabel=_text("plots.thousand_persons_a_year"), title=title)
    _year_axis(ax.xaxis)
    return _finish(fig, source)


def stacked_area(
    data: pd.DataFrame, *, x: str, hue: str, y: str, scale: float, ylabel: str, title: str, source: str, xlabel: str | None = None
) -> plt.Figure:
    wide = data.pivot(index=x, columns=hue, values=y).fillna(0) / scale
    fig, ax = plt.subplots()
    ax.stackplot(wide.index, wide.T.to_numpy(), labels=wide.columns, alpha=0.85)
    ax.set(xlabel=xlabel or _text("plots.year"), ylabel=ylabel, title=title)
    _year_axis(ax.xaxis)
    return _finish(fig, source)


def pupils_vs_seats(seats: pd.DataFrame, pipeline: pd.DataFrame, *, title: str, source: str) -> plt.Figure:
    """State pupils and usable seats (current regime) by school year above; below, on its own axis, the state seats
    expected to open each year (after delivery risk), so the openings read at their own scale (thousand)."""
    current = seats[seats["regime"] == "current"]
    fig, (ax, low) = plt.subplots(2, 1, sharex=True, figsize=(SIZE[0], 5.0), gridspec_kw={"height_ratios": (2, 1)})
    x = list(range(len(current)))
    added = (
        pipeline[pipeline["funding_source"] != "private"].groupby("school_year")["seats_expected"].sum().reindex(current["school_year"]).fillna(0)
    )
    ax.plot(x, current["pupils_state"] / 1e3, color="C3", marker="o", label=_text("plots.state_pupils"))
    ax.plot(x, current["seats"] / 1e3, color="C0", marker="s", label=_text("plots.usable_seats"))
    ax.set(ylabel=_text("plots.thousand_pupils_seats"), title=title)
    low.bar(x, added.to_numpy() / 1e3, color="C2", alpha=0.7, label=_text("plots.seats_opening"))
    low.set_ylim(bottom=0)
    low.set_xticks(x, current["school_year"], rotation=45)
    low.set(xlabel=_text("plots.school_year"), ylabel=_text("plots.thousand_seats_opening"))
    return _finish(fig, source)


def deficit_fan(seats: pd.DataFrame, targets: pd.DataFrame, *, regime: str, title: str, source: str) -> plt.Figure:
    """Central net deficit with its 80% band, the deficit if every school opened on time, zero line, the gross shortfall
    without margin (when the table has it) and the programme's targets, which are on that measure (thousand seats)."""
    data = seats[seats["regime"] == regime].reset_index(drop=True)
    fig, ax = plt.subplots()
    x = list(range(len(data)))
    ax.fill_between(
        x, data["deficit_lo_80"] / 1e3, data["deficit_hi_80"] / 1e3, alpha=0.3, color="C3", label=_text("plots.deficit_interval")
    )
    ax.plot(x, data["deficit"] / 1e3, color="C3", marker="o", label=_text("plots.deficit_central"))
    ax.plot(x, data["deficit_on_plan"] / 1e3, color="C0", linestyle="--", label=_text("plots.on_plan"))
    if "gross_no_margin" in data and data["gross_no_margin"].notna().any():  # what the targets are measured on (schools.targets_table)
        ax.plot(x, data["gross_no_margin"] / 1e3, color="C1", linestyle=":", marker=".", label=_text("plots.gross_no_margin"))
    ax.axhline(0, color="0.3", linewidth=0.8)
    positions = {label: i for i, label in enumerate(data["school_year"])}
    shown = targets[targets["school_year"].isin(positions)]
    _target(ax, shown["school_year"].map(positions), shown["target_deficit"] / 1e3, _text("plots.programme_target"))
    ax.set_xticks(x, data["school_year"], rotation=45)
    ax.set(xlabel=_text("plots.school_year"), ylabel=_text("plots.deficit_thousand"), title=title)
    return _finish(fig, source)


def scenario_bands(
    data: pd.DataFrame, *, target: tuple[int, float, str] | None, ylabel: str, title: str, source: str, history: pd.Series | None = None
) -> plt.Figure:
    """Per ``emission_scenario``: the simulated median (``median_kt``) with its 80% band (``lo_80``, ``hi_80``), the
    deterministic as-scheduled path (``scheduled_kt``) dashed, and a target marker."""
    fig, ax = plt.subplots()
    for i, (name, frame) in enumerate(data.groupby("emission_scenario", sort=False)):
        ax.fill_between(frame["year"], frame["lo_80"], frame["hi_80"], alpha=0.2, color=f"C{i}")
        ax.plot(frame["year"], frame["median_kt"], color=f"C{i}", linewidth=2, label=_text("plots.scenario_median", scenario=_text.term("emission_scenario", name)))
        ax.plot(frame["year"], frame["scheduled_kt"], color=f"C{i}", linewidth=1, linestyle="--", label=_text("plots.scenario_scheduled", scenario=_text.term("emission_scenario", name)))
    if history is not None:
        ax.plot(history.index, history.to_numpy(), color="black", marker="o", markersize=3, label=history.name)
    if target is not None:
        year, value, label = target
        _target(ax, year, value, label, guide="h")
    ax.set(xlabel=_text("plots.year"), ylabel=ylabel, title=title)
    ax.set_ylim(bottom=0)
    _year_axis(ax.xaxis)
    return _finish(fig, source)


def waterfall(
    start: tuple[str, float],
    steps: pd.DataFrame,
    end: tuple[str, float],
    *,
    target: tuple[float, str] | None,
    ylabel: str,
    title: str,
    source: str,
) -> plt.Figure:
    """Horizontal bars from ``start`` (top) by each step (columns ``label``, ``value``; negative = reduction) to ``end``
    (bottom), with the target as a vertical line. Each bar has its own row, its label on the left and its value
    beyond its end, so labels cannot collide however small a step is. ``ylabel`` names the value axis."""
    labels = [start[0], *steps["label"], end[0]]
    fig, ax = plt.subplots(figsize=(SIZE[0], 0.42 * len(labels) + 1.5))
    rows = list(range(len(labels)))
    spans = [(0.0, start[1])]
    level = start[1]
    for value in steps["value"]:
        spans.append((level, value))
        level += value
    spans.append((0.0, end[1]))
    colours = ["0.55", *("C2" if v < 0 else "C3" for v in steps["value"]), "C0"]
    ax.barh(rows, [width for _, width in spans], left=[left for left, _ in spans], color=colours)
    pad = 0.01 * max(start[1], end[1])
    for row, (left, width) in zip(rows, spans, strict=True):
        is_step = 0 < row < len(labels) - 1
        ax.text(max(left, left + width) + pad, row, _text.num(width, 1, signed=is_step), va="center", ha="left", fontsize=ANNOTATION_SIZE,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0}, zorder=7)
    if target is not None:
        ax.axvline(target[0], label=target[1], **TARGET_GUIDE)
    ax.set_yticks(rows, [textwrap.fill(label, 32) for label in labels], fontsize=ANNOTATION_SIZE + 1)
    ax.invert_yaxis()
    ax.set_xlim(0, max(start[1], end[1]) * 1.12)
    ax.set(xlabel=ylabel, title=title)
    return _finish(fig, source)


def tornado(table: pd.DataFrame, *, xlabel: str, ylabel: str, title: str, source: str) -> plt.Figure:
    """Horizontal bars from the central value to the low-end and high-end results of each parameter (emissions.tornado rows)."""
    rows = table.sort_values("swing_kt")
    centre = float(rows["central_kt"].iloc[0])
    fig, ax = plt.subplots(figsize=(SIZE[0], 0.45 * len(rows) + 1.5))
    y = range(len(rows))
    ax.barh(y, rows["emissions_low_kt"] - centre, left=centre, color=sns.color_palette()[0], label=_text("plots.low_end"))
    ax.barh(y, rows["emissions_high_kt"] - centre, left=centre, color=sns.color_palette()[3], alpha=0.8, label=_text("plots.high_end"))
    ax.axvline(centre, color="black", linewidth=0.8)
    ax.set_yticks(list(y), rows["parameter"])
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    return _finish(fig, source)


def scenario_comparison(
    data: pd.DataFrame, *, highlight: str, scale: float, ylabel: str, title: str, source: str, target: tuple[int, float, str] | None = None
) -> plt.Figure:
    """Central path of every scenario (columns scenario, year, value, lo_80, hi_80), the highlighted one with its 80% band."""
    fig, ax = plt.subplots()
    for i, (name, frame) in enumerate(data.groupby("scenario", sort=True)):
        frame = frame.sort_values("year")
        mine = name == highlight
        if mine:
            ax.fill_between(frame["year"], frame["lo_80"] / scale, frame["hi_80"] / scale, alpha=0.2, color=f"C{i}")
        label = _text("plots.scenario_band", scenario=name) if mine else name
        ax.plot(frame["year"], frame["value"] / scale, color=f"C{i}", linewidth=2.5 if mine else 1.2, linestyle="-" if mine else "--", label=label)
    if target is not None:
        year, value, label = target
        _target(ax, year, value / scale, label)
    if (data["lo_80"] < 0).any():
        ax.axhline(0, color="0.3", linewidth=0.8)
    ax.set(xlabel=_text("plots.year"), ylabel=ylabel, title=title)
    _year_axis(ax.xaxis)
    return _finish(fig, source)


def lines(
    data: pd.DataFrame, *, x: str, y: str, by: list[str], title: str, ylabel: str, xlabel: str, source: str, number
) -> plt.Figure:
    """``y`` against ``x``, one line per combination of the ``by`` columns, with the 80% interval shaded where ``data``
    has one (``lo_80``/``hi_80`` or ``<y>_lo_80``/``<y>_hi_80``); a single ``x`` value gives horizontal bars with the
    interval as error bars. Whole-number year ticks, y values written by ``number`` (the language's separators),
    the legend outside the axes (the API's ``Forecast.plot``)."""
    lo, hi = next(((a, b) for a, b in (("lo_80", "hi_80"), (f"{y}_lo_80", f"{y}_hi_80")) if {a, b} <= set(data.columns)), (None, None))
    keyed = data.assign(_key=data[by].astype(str).agg(", ".join, axis=1) if by else "")
    fig, ax = plt.subplots()
    if keyed[x].nunique() == 1:
        err = None if lo is None else [keyed[y] - keyed[lo], keyed[hi] - keyed[y]]
        ax.barh(keyed["_key"], keyed[y], xerr=err, color=sns.color_palette()[0], capsize=3)
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(lambda v, _: number(v))
        ax.set(xlabel=ylabel, ylabel=", ".join(by), title=f"{title} ({xlabel} {keyed[x].iloc[0]})")
        return _finish(fig, source)
    for key, part in keyed.groupby("_key", sort=False):
        part = part.sort_values(x)
        line = ax.plot(part[x], part[y], marker="o", markersize=3, label=key or None)[0]
        if lo is not None and part[lo].notna().any():
            ax.fill_between(part[x], part[lo], part[hi], color=line.get_color(), alpha=0.2, linewidth=0)
    if pd.api.types.is_integer_dtype(data[x]):
        _year_axis(ax.xaxis)
    else:  # school years: "2030/31"
        ax.tick_params(axis="x", rotation=45)
    ax.yaxis.set_major_formatter(lambda v, _: number(v))
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    return _finish(fig, source)


def queue_fan(queue: pd.DataFrame, targets: pd.DataFrame, *, labels: dict[str, str], title: str, source: str) -> plt.Figure:
    """Kindergarten queue of ages 3-6 (thousand children): central path, its 80% band, the queue if every place opens on time and the
    programme's queue target (issue 19)."""
    fig, ax = plt.subplots()
    ax.fill_between(queue["year"], queue["queue_3_6_lo_80"] / 1e3, queue["queue_3_6_hi_80"] / 1e3, alpha=0.3, color="C2", label=labels["band"])
    ax.plot(queue["year"], queue["queue_3_6"] / 1e3, color="C2", marker="o", label=labels["central"])
    ax.plot(queue["year"], queue["queue_3_6_on_plan"] / 1e3, color="C0", linestyle="--", label=labels["on_plan"])
    goal = targets[targets["target"] == "queue_2025"]
    _target(ax, goal["year"], goal["target_value"] / 1e3, labels["target"])
    ax.set(xlabel=labels["x"], ylabel=labels["y"], title=title)
    ax.set_ylim(bottom=0)
    _year_axis(ax.xaxis)
    return _finish(fig, source)


def against_default(
    default: pd.DataFrame, changed: pd.DataFrame, *, x: str, y: str, lo: str, hi: str, scale: float, labels: dict[str, str], title: str,
    ylabel: str, xlabel: str, source: str, number, figsize: tuple[float, float] = (8.5, 3.3),
) -> plt.Figure:
    """The what-if explorer's chart: ``changed``'s ``y`` with its 80% band (``lo``, ``hi``) against ``default``'s ``y``
    (dashed), divided by ``scale``; ``labels`` names the lines (``changed``, ``band``, ``default``). Whole-number year
    ticks (school years as labels), y values written by ``number``, a zero line when the values cross it, the legend
    outside the axes; long titles and legend labels wrap. Fixed margins (room for the legend, rotated school years,
    a wrapped title and the source note) instead of a fitted layout, which would draw the chart twice."""
    fig, ax = plt.subplots(figsize=figsize)
    years = pd.api.types.is_integer_dtype(changed[x])
    positions = changed[x] if years else pd.Series(range(len(changed)))
    label = {key: textwrap.fill(text, EXPLORER_LEGEND_WIDTH) for key, text in labels.items()}
    band = ax.fill_between(positions, changed[lo] / scale, changed[hi] / scale, color="C0", alpha=0.2, linewidth=0, label=label["band"])
    (before,) = ax.plot(positions, default[y] / scale, color="0.35", linestyle="--", linewidth=1.5, label=label["default"])
    (after,) = ax.plot(positions, changed[y] / scale, color="C0", marker="o", markersize=3, linewidth=2, label=label["changed"])
    if years:
        _year_axis(ax.xaxis)
    else:  # school years: "2030/31"
        ax.set_xticks(list(positions), changed[x], rotation=45)
    if changed[lo].min() < 0 < changed[hi].max():
        ax.axhline(0, color="0.3", linewidth=0.8)
    ax.yaxis.set_major_formatter(lambda v, _: number(v))
    ax.legend(handles=[after, band, before], fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    title = textwrap.fill(title, TITLE_WIDTH)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    margins = {"left": 0.1, "right": 0.76, "top": 0.9 - 0.07 * title.count("\n"), "bottom": 0.22 if years else 0.33}
    return _finish(fig, source, margins)


TITLE_WIDTH, EXPLORER_LEGEND_WIDTH = 62, 22  # characters per line of the explorer charts' title and legend labels
