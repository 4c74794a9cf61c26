"""Every figure cited to a line of a source document appears on that line.

Needs ../shared/sources/ beside the project (the source texts are not copied into the
project); skips where it is absent.
"""

from __future__ import annotations

import pandas as pd
import pytest

from almaty_analytics import io
from citations import SOURCES, value_is_cited

pytestmark = pytest.mark.skipif(not SOURCES.exists(), reason=f"source texts not found at {SOURCES}")

CITED = [(name, r) for name, r in io.manifest().items() if r.cited]


def _cited_values():
    for name, resource in CITED:
        table = io.read_table(name)
        for row_number, row in table.iterrows():
            for column in resource.cited:
                value = row[column]
                if not pd.isna(value):
                    yield pytest.param(float(value), row["source"], id=f"{resource.path}:row{row_number + 2}:{column}")


@pytest.mark.parametrize("value, citation", list(_cited_values()))
def test_cited_value_is_printed_on_the_cited_line(value, citation):
    assert value_is_cited(value, citation), f"{value} not found on {citation}"


def test_every_cited_table_has_a_source_column():
    for name, resource in CITED:
        assert "source" in resource.columns, name


def test_checker_finds_grouped_and_decimal_comma_numbers_and_rejects_others():
    assert value_is_cited(318000, "001_22452510f78b59ea.txt:3814")  # "318 000"
    assert value_is_cited(16.9, "001_22452510f78b59ea.txt:2920")  # "16,9"
    assert not value_is_cited(17.9, "001_22452510f78b59ea.txt:2920")
