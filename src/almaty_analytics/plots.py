"""Charts for the reports: each function returns a matplotlib Figure with labelled units."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from . import i18n

SOURCE_NOTE_SIZE = 8
FONT = "DejaVu Sans"  # ships with matplotlib; covers Cyrillic including the Kazakh letters (tested)
_text = i18n.Text("en")  # the labels drawn by these functions; use_style(language) switches them


def use_style(language: str = "en") -> None:
    """Theme, size and font of every chart; the labels the chart functions draw themselves follow ``language``."""
    global _text
    _text = i18n.Text(language)
    sns.set_theme(style="whitegrid", context="notebook", font=FONT)
    plt.rcParams.update({"figure.dpi": 100, "savefig.dpi": 100, "figure.figsize": (9, 4.5)})


AXIS_LABEL_WIDTH = 38  # characters per line of an axis label; longer labels (Kazakh, Russian) wrap instead of overrunning the plot


def _finish(fig: plt.Figure, source: str, margins: dict[str, float] | None = None) -> plt.Figure:
    """Wrap long axis labels, add the source note, fit the layout (or, faster, set the given subplot ``margins``)."""
    for ax in fig.axes:
        for label, setter in ((ax.get_ylabel(), ax.set_ylabel), (ax.get_xlabel(), ax.set_xlabel)):
            if len(label) > AXIS_LABEL_WIDTH:
                setter(textwrap.fill(label, AXIS_LABEL_WIDTH))
    fig.text(0.01, 0.01, _text("plots.source", source=source), fontsize=SOURCE_NOTE_SIZE, color="0.35")
    if margins:
        fig.subplots_adjust(**margins)
    else:
        fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def series_with_shifts(
    data: pd.DataFrame, *, y: str, ylabel: str, title: str, source: str, shifts: pd.DataFrame, hue: str | None = None, scale: float = 1.0
) -> plt.Figure:
    """Yearly line chart with each level shift marked by a dashed line and its reason."""
    fig, ax = plt.subplots()
    plotted = data.assign(**{y: data[y] / scale})
    sns.lineplot(data=plotted, x="year", y=y, hue=hue, marker="o", ax=ax)
    for _, shift in shifts.iterrows():
        x = shift["first_year_after"] - 0.5
        ax.axvline(x, color="0.4", linestyle="--", linewidth=1)
        ax.annotate(_text("plots.level_shift", kind=_text.term("level_shift", shift["kind"])), (x, ax.get_ylim()[1]), rotation=90, va="top", ha="right", fontsize=8, color="0.3")
    ax.set(xlabel=_text("plots.year"), ylabel=ylabel, title=title)
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
    for i, (name, frame) in enumerate(compare.groupby("variant", sort=False)):
        ax.plot(frame["year"], frame["value"] / m, linestyle="--", color=f"C{i + 1}", label=_text.term("variant", name))
    ax.set(xlabel=_text("plots.year_1_january"), ylabel=_text("plots.population_million"), title=title)
    ax.legend(fontsize=8, loc="upper left")
    return _finish(fig, source)


def pyramid(by_age_sex: pd.DataFrame, years: list[int], *, title: str, source: str) -> plt.Figure:
    """Population pyramid: men to the left, women to the right, one outline per year (thousand persons)."""
    fig, ax = plt.subplots(figsize=(9, 6))
    for i, year in enumerate(years):
        frame = by_age_sex[by_age_sex["year"] == year]
        for sex, sign in (("male", -1), ("female", 1)):
            part = frame[frame["sex"] == sex].sort_values("age")
            ax.step(sign * part["value"] / 1e3, part["age"], where="mid", color=f"C{i}", label=f"{year}" if sex == "male" else None)
            if i == 0:
                ax.fill_betweenx(part["age"], 0, sign * part["value"] / 1e3, step="mid", alpha=0.2, color="C0")
    ax.axvline(0, color="0.3", linewidth=0.8)
    limit = max(abs(v) for v in ax.get_xlim())
    ax.set_xlim(-limit, limit)
    ticks = ax.get_xticks()
    ax.set_xticks(ticks, [f"{abs(t):g}" for t in ticks])
    ax.set(xlabel=_text("plots.pyramid_x"), ylabel=_text("plots.age_years"), title=title)
    ax.legend(title=_text("plots.on_1_january"))
    return _finish(fig, source)


def components(table: pd.DataFrame, *, title: str, source: str) -> plt.Figure:
    """Births, deaths (negative) and net migration per year, thousand persons."""
    data = table.dropna(subset=["births"])
    fig, ax = plt.subplots()
    years = data["year"] - 1
    ax.bar(years, data["births"] / 1e3, color="C2", label=_text("plots.births"))
    ax.bar(years, -data["deaths"] / 1e3, color="C3", label=_text("plots.deaths_negative"))
    ax.bar(years, data["net_migration"] / 1e3, bottom=data["births"] / 1e3, color="C0", label=_text("plots.net_migration_stacked"))
    ax.axhline(0, color="0.3", linewidth=0.8)
    ax.set(xlabel=_text("plots.calendar_year"), ylabel=_text("plots.thousand_persons_a_year"), title=title)
    ax.legend(fontsize=8)
    return _finish(fig, source)


def stacked_area(
    data: pd.DataFrame, *, x: str, hue: str, y: str, scale: float, ylabel: str, title: str, source: str, xlabel: str | None = None
) -> plt.Figure:
    wide = data.pivot(index=x, columns=hue, values=y).fillna(0) / scale
    fig, ax = plt.subplots()
    ax.stackplot(wide.index, wide.T.to_numpy(), labels=wide.columns, alpha=0.85)
    ax.set(xlabel=xlabel or _text("plots.year"), ylabel=ylabel, title=title)
    ax.legend(fontsize=8, loc="upper left", ncol=2)
    return _finish(fig, source)


def pupils_vs_seats(seats: pd.DataFrame, pipeline: pd.DataFrame, *, title: str, source: str) -> plt.Figure:
    """State pupils and usable seats (current regime) by school year, with the seats added each year as bars."""
    current = seats[seats["regime"] == "current"]
    fig, ax = plt.subplots()
    x = range(len(current))
    added = (
        pipeline[pipeline["funding_source"] != "private"].groupby("school_year")["seats_expected"].sum().reindex(current["school_year"]).fillna(0)
    )
    ax.bar(x, added / 1e3, color="C2", alpha=0.5, label=_text("plots.seats_opening"))
    ax.plot(x, current["pupils_state"] / 1e3, color="C3", marker="o", label=_text("plots.state_pupils"))
    ax.plot(x, current["seats"] / 1e3, color="C0", marker="s", label=_text("plots.usable_seats"))
    ax.set_xticks(list(x), current["school_year"], rotation=45)
    ax.set(xlabel=_text("plots.school_year"), ylabel=_text("plots.thousand_pupils_seats"), title=title)
    ax.legend(fontsize=8)
    return _finish(fig, source)


def deficit_fan(seats: pd.DataFrame, targets: pd.DataFrame, *, regime: str, title: str, source: str) -> plt.Figure:
    """Central deficit with its 80% band, the deficit if every school opened on time, zero line and the programme's targets (thousand seats)."""
    data = seats[seats["regime"] == regime].reset_index(drop=True)
    fig, ax = plt.subplots()
    x = list(range(len(data)))
    ax.fill_between(
        x, data["deficit_lo_80"] / 1e3, data["deficit_hi_80"] / 1e3, alpha=0.3, color="C3", label=_text("plots.deficit_interval")
    )
    ax.plot(x, data["deficit"] / 1e3, color="C3", marker="o", label=_text("plots.deficit_central"))
    ax.plot(x, data["deficit_on_plan"] / 1e3, color="C0", linestyle="--", label=_text("plots.on_plan"))
    ax.axhline(0, color="0.3", linewidth=0.8)
    positions = {label: i for i, label in enumerate(data["school_year"])}
    for _, target in targets.iterrows():
        if target["school_year"] in positions:
            ax.plot(
                positions[target["school_year"]],
                target["target_deficit"] / 1e3,
                marker="*",
                markersize=14,
                color="black",
                linestyle="none",
                label=_text("plots.programme_target") if _ == 0 else None,
            )
    ax.set_xticks(x, data["school_year"], rotation=45)
    ax.set(xlabel=_text("plots.school_year"), ylabel=_text("plots.deficit_thousand"), title=title)
    ax.legend(fontsize=8)
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
        ax.plot(year, value, marker="*", markersize=16, color="black", linestyle="none", label=label)
        ax.axhline(value, color="0.4", linestyle=":", linewidth=1)
    ax.set(xlabel=_text("plots.year"), ylabel=ylabel, title=title)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, loc="lower left")
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
    """Bars from ``start`` down by each step (columns ``label``, ``value``; negative = reduction) to ``end``, with a target line."""
    labels = [start[0], *steps["label"], end[0]]
    fig, ax = plt.subplots(figsize=(9, 5))
    ax.bar(0, start[1], color="0.55")
    level = start[1]
    for i, value in enumerate(steps["value"], start=1):
        ax.bar(i, value, bottom=level, color="C2" if value < 0 else "C3")
        ax.text(i, level + value / 2, f"{value:+.1f}", ha="center", va="center", fontsize=8)
        level += value
    ax.bar(len(labels) - 1, end[1], color="C0")
    for x, value in ((0, start[1]), (len(labels) - 1, end[1])):
        ax.text(x, value, f"{value:.1f}", ha="center", va="bottom", fontsize=9)
    if target is not None:
        ax.axhline(target[0], color="black", linestyle="--", linewidth=1.2, label=target[1])
        ax.legend(fontsize=8, loc="upper right")
    ax.set_xticks(range(len(labels)), labels, rotation=35, ha="right", fontsize=8)
    ax.set(ylabel=ylabel, title=title)
    return _finish(fig, source)


def tornado(table: pd.DataFrame, *, xlabel: str, ylabel: str, title: str, source: str) -> plt.Figure:
    """Horizontal bars from the central value to the low-end and high-end results of each parameter (emissions.tornado rows)."""
    rows = table.sort_values("swing_kt")
    centre = float(rows["central_kt"].iloc[0])
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(rows) + 1.5))
    y = range(len(rows))
    ax.barh(y, rows["emissions_low_kt"] - centre, left=centre, color=sns.color_palette()[0], label=_text("plots.low_end"))
    ax.barh(y, rows["emissions_high_kt"] - centre, left=centre, color=sns.color_palette()[3], alpha=0.8, label=_text("plots.high_end"))
    ax.axvline(centre, color="black", linewidth=0.8)
    ax.set_yticks(list(y), rows["parameter"])
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.legend(loc="lower right", fontsize="small")
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
        ax.plot(year, value / scale, marker="*", markersize=14, color="black", linestyle="none", label=label)
    if (data["lo_80"] < 0).any():
        ax.axhline(0, color="0.3", linewidth=0.8)
    ax.set(xlabel=_text("plots.year"), ylabel=ylabel, title=title)
    ax.legend(fontsize=8, loc="upper left")
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
        ax.xaxis.get_major_locator().set_params(integer=True)
    else:  # school years: "2030/31"
        ax.tick_params(axis="x", rotation=45)
    ax.yaxis.set_major_formatter(lambda v, _: number(v))
    if by:
        ax.legend(title=", ".join(by), loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
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
    ax.plot(goal["year"], goal["target_value"] / 1e3, marker="*", markersize=14, color="black", linestyle="none", label=labels["target"])
    ax.set(xlabel=labels["x"], ylabel=labels["y"], title=title)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)
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
    label = {key: textwrap.fill(text, LEGEND_WIDTH) for key, text in labels.items()}
    band = ax.fill_between(positions, changed[lo] / scale, changed[hi] / scale, color="C0", alpha=0.2, linewidth=0, label=label["band"])
    (before,) = ax.plot(positions, default[y] / scale, color="0.35", linestyle="--", linewidth=1.5, label=label["default"])
    (after,) = ax.plot(positions, changed[y] / scale, color="C0", marker="o", markersize=3, linewidth=2, label=label["changed"])
    if years:
        ax.xaxis.get_major_locator().set_params(integer=True)
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


TITLE_WIDTH, LEGEND_WIDTH = 62, 22  # characters per line of the explorer charts' title and legend labels
