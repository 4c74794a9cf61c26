"""The programme's measures as wedges against the baseline, each in the form the programme prints it.

Every measure is a row of ``data/raw/programme_emission_measures.csv``; ``effect_form`` records the form of
its printed effect and the model uses that form: ``level`` (the source emits the printed level after the
measure: TPP-2 2.5 kt in 2030, line 4317), ``reduction`` (the printed tonnes are removed) or ``share``.
Unquantified measures have no effect and are flagged. TPP-2 is two steps: the coal boiler retired before
2024 (−4.5) with gas block 1 added (+0.83), a reduction; then the remaining gas blocks to the printed 2.5 kt
in 2030, a level. Each measure ramps linearly from its start year (effect 0) to its full-effect year
(effect 1); the programme prints the full-effect year, the ramp is an assumption per measure
(``DEFAULT_TIMING``, overridden by ``measure_ramps``). Per source, reductions and shares act first and are
scaled down together where they would remove more than the source; a level measure then takes what is
left towards its printed level. Wedges add up: baseline − scenario = Σ wedges, by source and year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..params import Param
from .sources import SOURCE_IDS, EmissionsError, as_column, cited_lines

# Inventory source of each measure (programme_emission_measures.source_id -> model source).
MEASURE_SOURCE = {
    "tpp2": "tpp2",
    "tpp3": "tpp3",
    "transport": "transport",
    "stationary": "stationary_other",
    "housing_solid_fuel": "housing_solid_fuel",
    "agglomeration_houses": "agglomeration_houses",
}

# Timing the programme does not print: (full-effect year if not printed, ramp years, reason).
# The start year is full-effect year - ramp: the last year without effect.
DEFAULT_TIMING: dict[str, tuple[int | None, int, str]] = {
    "tpp2_coal_to_gas/stage1": (None, 1, "coal boiler retired 'before 2024' with gas block 1 (line 4317): a step"),
    "tpp2_coal_to_gas/stage2": (None, 4, "first stage done before 2026 (line 1364), then 3 gas blocks phased in to 2030 (line 4317)"),
    "tpp3_reconstruction": (None, 1, "the reconstructed plant is commissioned in 2030 (line 4361): a step"),
    "bus_diesel_to_gas_electric": (2025, 3, "no year printed; bus fleet renewal 2023-2025 (line 1129), CNG depots by 2025 (line 1131)"),
    "communal_vehicles_gas_electric": (None, 3, "'by the end of 2025' (line 4313); switching from 2023"),
    "car_use_reduction": (None, 5, "'in 2030' (line 4367); BRT lanes 2024-2025, hubs and parking by 2030: from 2026"),
    "agglomeration_gasification_stage1": (None, 3, "'by 2025' (line 4329); KTGA programme 2022-2026 (line 4327): from 2023"),
    "agglomeration_gasification_stage2": (None, 5, "'by 2030' (line 4329), after stage 1: from 2026"),
}
TPP2_STAGES = ("tpp2_boiler1_reduction", "tpp2_gas_block1_emissions")  # programme_emissions.csv figures of stage 1


def measure_plan(measures: pd.DataFrame, programme: pd.DataFrame) -> pd.DataFrame:
    """One row per wedge: every measure of the programme, TPP-2 split into its two printed steps.

    Columns: ``measure, component, source, boundary, form, effect, start_year, full_year,
    ramp_years, reduction_kt, cost_bn_kzt, quantified, timing_basis, source_line, note``.
    ``form`` is how the programme prints the effect (``effect_form`` in the CSV): ``level``
    (``effect`` = kt the source emits after the measure), ``reduction`` (kt removed) or
    ``share`` (of the source). ``reduction_kt`` is the printed cut against 2021, for the tables.
    TPP-2 stage 1 = the printed coal boiler cut minus the printed first gas block (4.5 − 0.83,
    a reduction); stage 2 = the remaining gas blocks bring the plant to the printed 2.5 (a level).
    """
    figures = programme.set_index("figure_id")
    rows = []
    for _, m in measures.iterrows():
        source = MEASURE_SOURCE.get(m["source_id"]) if isinstance(m["source_id"], str) else None
        reduction = m["reduction_kt"] if pd.notna(m["reduction_kt"]) else (m["reduction_t"] / 1000 if pd.notna(m["reduction_t"]) else 0.0)
        form = m["effect_form"] if isinstance(m["effect_form"], str) else ""
        quantified = bool(m["quantified"]) and form != ""
        base = {
            "measure": m["measure_id"],
            "source": source or "",
            "boundary": m["boundary"],
            "cost_bn_kzt": float(m["cost_bn_kzt"]) if pd.notna(m["cost_bn_kzt"]) else np.nan,
            "quantified": quantified,
            "source_line": cited_lines(m["source"]),
            "note": m["note"] if isinstance(m["note"], str) else "",
        }
        printed_full = int(m["full_year"]) if pd.notna(m["full_year"]) else None
        printed_start = int(m["start_year"]) if pd.notna(m["start_year"]) else None
        if not quantified:
            rows.append(
                base
                | {
                    "component": "",
                    "form": "",
                    "effect": 0.0,
                    "start_year": printed_start,
                    "full_year": printed_full,
                    "ramp_years": None,
                    "reduction_kt": 0.0,
                    "timing_basis": "unquantified: no effect stated, modelled as zero",
                }
            )
            continue
        if form == "level" and pd.isna(m["target_level_kt"]):
            raise EmissionsError(f"programme_emission_measures: {m['measure_id']!r} has effect_form level but no target_level_kt")
        effect = {"level": m["target_level_kt"], "reduction": reduction, "share": reduction}[form]
        if m["measure_id"] == "tpp2_coal_to_gas":
            stage1 = float(figures.loc[TPP2_STAGES[0], "value"]) - float(figures.loc[TPP2_STAGES[1], "value"]) / 1000
            parts = [
                ("stage1", "reduction", stage1, stage1, int(figures.loc[TPP2_STAGES[0], "ref_year"])),
                ("stage2", form, float(effect), reduction - stage1, printed_full),
            ]
        else:
            parts = [("", form, float(effect), reduction, printed_full)]
        for component, part_form, value, printed_cut, stated_full in parts:
            key = f"{m['measure_id']}/{component}" if component else m["measure_id"]
            if key not in DEFAULT_TIMING:
                raise EmissionsError(f"measure {key!r} has a stated effect but no timing in emissions.DEFAULT_TIMING")
            full, ramp_years, reason = DEFAULT_TIMING[key]
            full_year = full if full is not None else stated_full
            if full_year is None:
                raise EmissionsError(f"measure {key!r}: no full-effect year printed or assumed")
            if printed_start is not None:
                ramp_years = full_year - printed_start
            rows.append(
                base
                | {
                    "component": component,
                    "form": part_form,
                    "effect": value,
                    "start_year": full_year - ramp_years,
                    "full_year": full_year,
                    "ramp_years": ramp_years,
                    "reduction_kt": float(printed_cut),
                    "timing_basis": f"full effect {full_year} {'assumed' if full is not None else 'printed'}; {reason}",
                }
            )
    plan = pd.DataFrame(rows)[PLAN_COLUMNS]
    for column in ("start_year", "full_year", "ramp_years"):
        plan[column] = plan[column].astype("Int64")
    return plan


PLAN_COLUMNS = [
    "measure",
    "component",
    "source",
    "boundary",
    "form",
    "effect",
    "start_year",
    "full_year",
    "ramp_years",
    "reduction_kt",
    "cost_bn_kzt",
    "quantified",
    "timing_basis",
    "source_line",
    "note",
]


def parse_overrides(items: list[str], known: list[str], parameter: str, *, kind: type, low: float, high: float) -> dict[str, float]:
    """Read ``["measure_id=value", ...]``; reject unknown measures, duplicates and values out of range."""
    out: dict[str, float] = {}
    what = "an integer" if kind is int else "a number"
    for item in items:
        name, sep, text = item.partition("=")
        name, text = name.strip(), text.strip()
        if not sep or not name or not text:
            raise EmissionsError(f"parameter {parameter!r}: {item!r} is not of the form measure_id=value")
        if name not in known:
            raise EmissionsError(f"parameter {parameter!r}: unknown measure {name!r}; expected one of {sorted(known)}")
        if name in out:
            raise EmissionsError(f"parameter {parameter!r}: measure {name!r} is given twice")
        try:
            value = kind(text)
        except ValueError:
            raise EmissionsError(f"parameter {parameter!r}: measure {name!r}: expected {what} in [{low}, {high}], got {text!r}") from None
        if not low <= value <= high:
            raise EmissionsError(f"parameter {parameter!r}: measure {name!r}: {value} is out of range; expected {what} in [{low}, {high}]")
        out[name] = value
    return out


def with_ramps(plan: pd.DataFrame, ramps: dict[str, float]) -> pd.DataFrame:
    """The plan with the ramp (start year = full-effect year - ramp) of the named measures replaced."""
    out = plan.copy()
    for measure, years in ramps.items():
        rows = out["measure"] == measure
        if not out.loc[rows, "quantified"].any():
            raise EmissionsError(f"parameter 'measure_ramps': measure {measure!r} has no stated effect, so it has no ramp")
        out.loc[rows, "ramp_years"] = int(years)
        out.loc[rows, "start_year"] = out.loc[rows, "full_year"] - int(years)
    return out


def ramp(years: np.ndarray, start, full) -> np.ndarray:
    """Share of the full effect in each year: 0 up to ``start``, linear, 1 from ``full`` on (a step when equal).

    ``start`` and ``full`` may be arrays (…,) of draws; the result is (…, T).
    """
    years = np.asarray(years, dtype=float)
    start, full = as_column(start), as_column(full)
    width = full - start
    linear = np.clip((years - start) / np.where(width > 0, width, 1.0), 0.0, 1.0)
    return np.where(width > 0, linear, (years >= full).astype(float))


def wedges(
    base: np.ndarray,
    plan: pd.DataFrame,
    years: np.ndarray,
    *,
    delays: np.ndarray | None = None,
    completeness: np.ndarray | None = None,
) -> np.ndarray:
    """Reduction of every wedge (…, M, T) in kt against the baseline ``base`` (…, S, T), each in its printed form.

    ``plan`` holds the quantified wedges (M rows). ``delays`` (…, M) shifts each ramp by years;
    ``completeness`` (…, M) is the share delivered (1 = all). Per source, reductions (printed
    tonnes) and shares (of the baseline) act first and are scaled down together where they
    would remove more than the source; then a level measure takes the source from what is left
    towards its printed level: wedge = ramp × completeness × max(left − level, 0). At full effect
    and full completeness the source emits exactly the printed level.
    """
    m = len(plan)
    lead = base.shape[:-2]
    delays = np.broadcast_to(np.zeros(m) if delays is None else np.asarray(delays, dtype=float), lead + (m,))
    completeness = np.broadcast_to(np.ones(m) if completeness is None else np.asarray(completeness, dtype=float), lead + (m,))
    years = np.asarray(years)
    out = np.zeros(lead + (m, years.size))
    for source in dict.fromkeys(plan["source"]):
        s = SOURCE_IDS.index(source)
        left = base[..., s, :].copy()
        rows = np.flatnonzero((plan["source"] == source).to_numpy())
        cuts = [j for j in rows if plan["form"].iat[j] != "level"]
        for j in cuts:
            row = plan.iloc[j]
            size = completeness[..., j, None] * ramp(years, row.start_year + delays[..., j], row.full_year + delays[..., j])
            out[..., j, :] = size * (row.effect if row.form == "reduction" else row.effect * base[..., s, :])
        if cuts:
            total = out[..., cuts, :].sum(axis=-2)
            factor = np.where(total > left, left / np.where(total > 0, total, 1.0), 1.0)
            out[..., cuts, :] *= factor[..., None, :]
            left = left - out[..., cuts, :].sum(axis=-2)
        for j in (j for j in rows if plan["form"].iat[j] == "level"):
            row = plan.iloc[j]
            size = completeness[..., j, None] * ramp(years, row.start_year + delays[..., j], row.full_year + delays[..., j])
            out[..., j, :] = size * np.maximum(left - row.effect, 0.0)
            left = left - out[..., j, :]
    return out


def apply_wedges(base: np.ndarray, plan: pd.DataFrame, cut: np.ndarray) -> np.ndarray:
    """Emissions (…, S, T) = baseline minus the wedges (…, M, T) of each source."""
    out = base.copy()
    for j, source in enumerate(plan["source"]):
        out[..., SOURCE_IDS.index(source), :] -= cut[..., j, :]
    return np.maximum(out, 0.0)  # wedges are capped at their source: this only removes rounding residue (~1e-15)


# Parameters of the measures' timing and of the delayed scenario.
PARAMETERS: dict[str, Param] = {
    "measure_delay_years": Param(int, "delayed emission scenario: years every measure is late (judgement)", 2, min=0, max=20),
    "measure_delays": Param(list, "delayed scenario, per measure: 'measure_id=years' overriding measure_delay_years", []),
    "measure_delivery": Param(
        list, "delayed scenario, per measure: 'measure_id=share' of the stated reduction delivered (0-1; default 1)", []
    ),
    "measure_ramps": Param(list, "per measure: 'measure_id=years' from start to full effect (defaults: emissions.DEFAULT_TIMING)", []),
}
