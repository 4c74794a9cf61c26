"""Backtest of the one pre-school series the programme prints: children in pre-school organisations, 64 thousand (2017) -> 75.5 thousand (2022)."""

from __future__ import annotations

import pandas as pd

from ..tablespec import TableSpec
from .model import AGES_1_6, base_population, children, figure, figure_year


def backtest_enrolment(pop, figures: pd.DataFrame) -> pd.DataFrame:
    """Forecasts of the 2022 enrolment from the 2017 origin (horizon 5), scored against the 75.5 thousand of line 3005.

    * ``naive``: the 2017 count held (the random-walk benchmark).
    * ``demographic``: the model's assumption, enrolment per child of ages 1-5 held, times the children's change; the children
      of 2017 and 2022 are the population forecast's first year backcast by its own cohort change (Hamilton-Perry reversed),
      so the method sees no count after 2017 but the population history the projection starts from.
    * ``drift`` is not scored: it needs two observations up to the origin and the series has one (2017).
    """
    origin, year = figure_year(figures, "enrolled_before"), figure_year(figures, "enrolled")
    start, actual = figure(figures, "enrolled_before"), figure(figures, "enrolled")
    ratio = float(children(base_population(pop, year), AGES_1_6) / children(base_population(pop, origin), AGES_1_6))
    rows = [("naive", start), ("demographic", start * ratio)]
    return pd.DataFrame(
        [{"method": m, "origin": origin, "horizon": year - origin, "forecast": round(f), "actual": round(actual), "error": round(f - actual),
          "ape": round(abs(f - actual) / actual * 100, 2)} for m, f in rows]
    )


TABLES: dict[str, TableSpec] = {
    "preschool_backtest": TableSpec(
        "Backtest of the enrolment in pre-school organisations: forecasts of 2022 from 2017 against the count",
        {
            "method": ("", "naive (2017 held) or demographic (enrolment per child of ages 1-5 held; children backcast from the projection)"),
            "origin": ("year", "last year the method sees"),
            "horizon": ("years", "years ahead"),
            "forecast": ("children", "forecast of the 2022 enrolment"),
            "actual": ("children", "the count: 75.5 thousand (line 3005)"),
            "error": ("children", "forecast - actual"),
            "ape": ("percent", "absolute percentage error"),
        },
        "001_22452510f78b59ea.txt:3005, 3007",
    ),
}
