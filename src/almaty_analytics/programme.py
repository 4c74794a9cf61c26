"""The programme's own figures: the values the models use, in one headline table."""

from __future__ import annotations

import pandas as pd

FIGURE_COLUMNS = ["figure_id", "indicator", "ref_year", "value", "unit", "qualifier", "source"]


def headline_figures(tables: dict[str, pd.DataFrame], figure_ids: list[str]) -> pd.DataFrame:
    """Rows ``figure_ids`` (in that order) from the programme figure tables, keyed by domain.

    ``tables`` maps a domain (population, schools, emissions) to its
    ``programme_<domain>`` table. Unknown ids raise KeyError naming them.
    """
    stacked = pd.concat([t.assign(domain=domain) for domain, t in tables.items()], ignore_index=True).set_index("figure_id", drop=False)
    unknown = [f for f in figure_ids if f not in stacked.index]
    if unknown:
        raise KeyError(f"programme figures not found: {unknown}")
    return stacked.loc[figure_ids, ["domain", *FIGURE_COLUMNS]].reset_index(drop=True)


# The figures a reader needs first, in the order the overview shows them.
HEADLINE_FIGURES = [
    "population_2022_h1",
    "population_growth_avg_annual",
    "net_migration_2012_2021",
    "growth_share_migration",
    "population_target_2030",
    "pupils_state_2021",
    "pupils_state_2022",
    "schools_state",
    "seat_deficit_2021_l2801",
    "seat_deficit_target_2025",
    "seat_deficit_target_2030",
    "build_plan_schools_2025",
    "build_plan_seats_2025",
    "target_total_2030",
    "reduction_total_55",
]


def district_shares(districts: pd.DataFrame, selected: list[str]) -> pd.DataFrame:
    """The programme's district populations with each district's share of their sum (percent)."""
    out = districts[["district", "population_persons", "source"]].copy()
    out["share_percent"] = 100 * out["population_persons"] / out["population_persons"].sum()
    return out[out["district"].isin(selected)].reset_index(drop=True)
