"""Districts: city state pupils split by district, and deficits where planners typed the district's seats."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..population import PERIPHERY  # the districts with the highest child demand (line 3021): one constant for both models
from ..tablespec import TableSpec
from .pupils import school_year

TOTAL_ROW = "all_districts"


def pupils_by_district(by_district: pd.DataFrame, state_pupils: np.ndarray, years: list[int], periphery_ratio: float) -> pd.DataFrame:
    """State pupils split by district population (``population_by_district``) times the district's relative school-age share."""
    population = by_district.pivot(index="year", columns="district", values="value").reindex(years)
    weights = pd.Series({d: periphery_ratio if d in PERIPHERY else 1.0 for d in population.columns})
    children = population.mul(weights, axis=1)
    shares = children.div(children.sum(axis=1), axis=0)
    return pd.DataFrame(
        [
            {"school_year": school_year(y), "district": d, "pupils_state": round(state_pupils[i] * shares.loc[y, d])}
            for i, y in enumerate(years)
            for d in shares.columns
        ]
    )


def district_deficits(pupils_by_district: pd.DataFrame, capacity: pd.DataFrame) -> pd.DataFrame:
    """Deficit per district and year; a surplus never offsets another district.

    ``pupils_by_district``: school_year, district, pupils_state; ``capacity``: district,
    school_year, state_seats (empty = unknown). Every district keeps its row; seats,
    deficit and shortage are empty where the capacity is unknown. Per school year a row
    ``all_districts`` sums the pupils, the known seats and the positive deficits only
    (its ``deficit`` stays empty: district deficits are never netted).
    """
    known = capacity.dropna(subset=["state_seats"])[["district", "school_year", "state_seats"]]
    merged = pupils_by_district.merge(known, on=["district", "school_year"], how="left").rename(columns={"state_seats": "seats"})
    merged["seats"] = merged["seats"].astype(float)
    merged["deficit"] = merged["pupils_state"] - merged["seats"]
    merged["shortage"] = merged["deficit"].clip(lower=0)
    totals = merged.groupby("school_year", sort=False).agg(
        pupils_state=("pupils_state", "sum"), seats=("seats", lambda s: s.sum(min_count=1)), shortage=("shortage", lambda s: s.sum(min_count=1))
    )
    totals = totals.reset_index().assign(district=TOTAL_ROW, deficit=np.nan)
    out = pd.concat([merged, totals], ignore_index=True)
    order = {y: i for i, y in enumerate(pd.unique(pupils_by_district["school_year"]))}
    out = out.sort_values("school_year", key=lambda c: c.map(order), kind="stable").reset_index(drop=True)
    return out[["school_year", "district", "pupils_state", "seats", "deficit", "shortage"]]


def missing_capacity(capacity: pd.DataFrame) -> list[str]:
    """Districts with no typed capacity for any school year."""
    known = set(capacity.dropna(subset=["state_seats"])["district"])
    return sorted(set(capacity["district"]) - known)


TABLES: dict[str, TableSpec] = {
    "school_district_deficits": TableSpec(
        "State pupils by district, and deficits where planners filled data/raw/school_capacity_by_district.csv (never netted across districts)",
        {
            "school_year": ("", "school year"),
            "district": ("", "district slug, or all_districts: pupils and known seats summed, positive deficits only"),
            "pupils_state": ("pupils", "state pupils in the district: city pupils by district population x relative school-age share"),
            "seats": ("seats", "usable state seats from the planners' table; empty = not filled in"),
            "deficit": ("seats", "pupils_state - seats; empty where seats are unknown and in the all_districts row"),
            "shortage": ("seats", "deficit where positive, else 0; all_districts: the sum of the districts' shortages"),
        },
        "data/raw/school_capacity_by_district.csv; population_by_district",
    ),
}
