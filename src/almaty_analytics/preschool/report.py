"""The preschool report's tables for reading (notebook 25): numbers written in the unit of their row."""

from __future__ import annotations

import pandas as pd

from .. import i18n

VALUE_COLUMNS = ("target_value", "projected", "lo_80", "hi_80")  # in the unit of the row's target: children or a share


def targets_table(targets: pd.DataFrame, t: i18n.Text) -> pd.DataFrame:
    """``preschool_targets`` as readers see it: the target by name, the queue's values in children ("3,800") and the
    coverage values as percentages with at most one decimal ("97%", "95.8%"), each in the language's separators; the other columns unchanged."""
    coverage = targets["target"].str.startswith("coverage")
    def write(value: float, share: bool) -> str:
        return t.pct(value, i18n.general_digits(100 * value, 1)) if share else t.num(value)

    written = {column: [write(v, share) for v, share in zip(targets[column], coverage, strict=True)] for column in VALUE_COLUMNS}
    return targets.assign(target=targets["target"].map(lambda name: t(f"preschool.target_{name}")), **written)
