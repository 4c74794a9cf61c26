"""What the 2030/31 headline rests on: the December 2023 plan's weight and the operating margin of the gross shortfall.

Each case reruns the supply draws (the same random stream, so the cases differ only by what they change) and the
seat rows of the current regime, and reports the 2030/31 net balance and gross shortfall, central and 80% interval
(table ``school_sensitivity``):

* **December 2023 plan** (where the vintage holds it): ``fitted``, the plan run through the fitted delivered share and
  delay of its funding groups (budget: the 13 state schools and the PPP school; private investment: the memorandum
  schools), the headline; ``at_2021_share``, its sources at the share the 2021 record delivered, 5,100 of the 13,000
  state-school places planned for 2020-2021 (``RECORD_2021``: 39%, rounded as the fitted defaults are), delays as fitted (after the seat base and the places
  opened in 2023, the budget and memorandum rows of the supply are that plan's); ``programme_plan``, the programme's own
  2024-2025 plan instead (the headline where the vintage does not hold the newer plan).
* **Operating margin** of the gross shortfall: 0, 2% and 5% (the default: England's planning convention, DfE's ceiling of
  5% surplus places used as the margin kept free in each school, data/raw/school_planning_norms.csv; not an Almaty
  figure), and the run's own when it is none of them, so the rows show what the borrowed norm moves.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..tablespec import TableSpec
from .balance import CURRENT, draw_supply, seat_rows
from .base import SchoolBase
from .delivery import DECIMALS
from .gross import SchoolLoads
from .pupil_projection import Pupils
from .pupils import school_year
from .supply import NEWER_PLAN, newer_plan

PLAN = "december_2023_plan"
MARGIN = "operating_margin"
FITTED, AT_2021_SHARE, PROGRAMME_PLAN = "fitted", "at_2021_share", "programme_plan"
MARGINS = (0.0, 0.02, 0.05)
RECORD_2021 = ("commissioned_state_school_places_2021", "planned_state_school_places_2020_2021")  # opened in 2021, planned for 2020-2021


def share_2021(statements: pd.DataFrame) -> float:
    """Places opened in state schools in 2021 over the places planned for 2020-2021 (5,100 / 13,000), from the dated statements."""
    values = statements.sort_values("date", kind="stable").groupby("indicator")["value"].last().astype(float)
    missing = [name for name in RECORD_2021 if name not in values.index]
    if missing:
        raise ValueError(f"dated_statements.csv: no row with indicator(s) {missing}; expected the 2021 delivery record")
    return float(values[RECORD_2021[0]] / values[RECORD_2021[1]])


def cases(params: dict, statements: pd.DataFrame) -> list[tuple[str, str, float, dict, bool, bool]]:
    """(factor, case, value, parameter overrides, whether the supply reads the December 2023 plan, whether it is the headline)."""
    holds_plan = bool(newer_plan(statements))
    fitted_share = params[f"delivery_{next(iter(NEWER_PLAN))}"]
    rows = [(PLAN, PROGRAMME_PLAN, np.nan, {}, False, not holds_plan)]
    if holds_plan:
        share = round(share_2021(statements), DECIMALS)
        rows = [
            (PLAN, FITTED, fitted_share, {}, True, True),
            (PLAN, AT_2021_SHARE, share, {f"delivery_{s}": share for s in NEWER_PLAN}, True, False),
            *rows,
        ]
    margins = sorted({*MARGINS, float(params["operating_margin"])})
    rows += [(MARGIN, f"{m:.0%}", m, {"operating_margin": m}, holds_plan, m == params["operating_margin"]) for m in margins]
    return rows


def row(factor: str, case: str, value: float, seats: pd.DataFrame, year: int, headline: bool) -> dict:
    """The ``school_sensitivity`` row of one case from its ``school_seats`` rows (current regime) in school year ``year``."""
    at = seats.set_index("school_year").loc[school_year(year)]
    return {
        "factor": factor,
        "case": case,
        "value": round(float(value), 3),
        "headline": headline,
        **{name: at[name] for name in ("deficit", "deficit_lo_80", "deficit_hi_80", "gross_shortfall", "gross_lo_80", "gross_hi_80")},
    }


def table(params: dict, pupils: Pupils, base: SchoolBase, plan: pd.DataFrame, years: list[int], statements: pd.DataFrame, loads: SchoolLoads, year: int) -> pd.DataFrame:
    """The published ``school_sensitivity``: every case of ``cases`` rerun through ``draw_supply`` and ``seat_rows`` (current regime)."""
    rows = []
    for factor, case, value, overrides, reads_plan, headline in cases(params, statements):
        supply = draw_supply(params | overrides, base, plan, years, pupils.simulated_total.shape[0], statements if reads_plan else None)
        seats, _ = seat_rows(params | overrides, pupils, supply, base, years, {CURRENT: 1.0}, loads)
        rows.append(row(factor, case, value, seats, year, headline))
    return pd.DataFrame(rows)


TABLES: dict[str, TableSpec] = {
    "school_sensitivity": TableSpec(
        "The 2030/31 net balance and gross shortfall under the December 2023 plan's delivery and under the operating margin",
        {
            "factor": (
                "",
                "december_2023_plan (how the 2024-2025 plan is counted: the December 2023 plan or the programme's) or operating_margin (of the gross shortfall)",
            ),
            "case": (
                "",
                "fitted (the plan at its groups' fitted delivery), at_2021_share (at the 2021 record's 5,100 of 13,000), programme_plan (the programme's 2024-2025 plan instead); "
                "or the margin: 0%, 2%, 5% (the default, England's planning convention) and the run's own",
            ),
            "value": (
                "share",
                "the December 2023 plan's delivered share (budget group; fitted or the 2021 record's), or the operating margin; empty for the programme's plan",
            ),
            "headline": ("", "whether the case is the one the report leads with"),
            "deficit": ("seats", "NET city balance in 2030/31, central (positive = shortage)"),
            "deficit_lo_80": ("seats", "10th percentile of the net balance"),
            "deficit_hi_80": ("seats", "90th percentile of the net balance"),
            "gross_shortfall": ("seats", "GROSS shortfall in 2030/31, central"),
            "gross_lo_80": ("seats", "10th percentile of the gross shortfall"),
            "gross_hi_80": ("seats", "90th percentile of the gross shortfall"),
        },
        "schools/sensitivity.py on school_seats; 2021 record: data/raw/dated_statements.csv (commissioned_state_school_places_2021, planned_state_school_places_2020_2021); "
        "the 5% margin: data/raw/school_planning_norms.csv",
    ),
}
