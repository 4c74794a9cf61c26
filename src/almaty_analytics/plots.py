"""Charts for the reports: each function returns a matplotlib Figure with labelled units."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

SOURCE_NOTE_SIZE = 8


def use_style() -> None:
    sns.set_theme(style="whitegrid", context="notebook")
    plt.rcParams.update({"figure.dpi": 100, "savefig.dpi": 100, "figure.figsize": (9, 4.5)})


def _finish(fig: plt.Figure, source: str) -> plt.Figure:
    fig.text(0.01, 0.01, f"Source: {source}", fontsize=SOURCE_NOTE_SIZE, color="0.35")
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
        ax.annotate(f"level shift: {shift['kind']}", (x, ax.get_ylim()[1]), rotation=90, va="top", ha="right", fontsize=8, color="0.3")
    ax.set(xlabel="year", ylabel=ylabel, title=title)
    return _finish(fig, source)


def bars(data: pd.DataFrame, *, x: str, y: str, xlabel: str, ylabel: str, title: str, source: str) -> plt.Figure:
    fig, ax = plt.subplots()
    sns.barplot(data=data, x=x, y=y, color=sns.color_palette()[0], ax=ax)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.tick_params(axis="x", rotation=45)
    return _finish(fig, source)
