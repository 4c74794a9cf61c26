"""The programme's own figures (programme.py)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from almaty_analytics import io, paths, programme

REAL_RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def figure_table(ids: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "figure_id": ids,
            "indicator": [f"indicator of {i}" for i in ids],
            "ref_year": [2021] * len(ids),
            "value": [float(n) for n in range(len(ids))],
            "unit": ["persons"] * len(ids),
            "qualifier": ["exact"] * len(ids),
            "source": [f"file.txt:{n}" for n in range(len(ids))],
            "used": [True] * len(ids),
        }
    )


TABLES = {"population": figure_table(["p1", "p2"]), "schools": figure_table(["s1"]), "emissions": figure_table(["e1", "e2"])}


@pytest.fixture
def real_root(monkeypatch):
    monkeypatch.delenv(paths.ROOT_ENV, raising=False)
    assert paths.raw_dir() == REAL_RAW


# --- headline_figures -----------------------------------------------------------------------


def test_headline_figures_returns_rows_in_the_requested_order():
    out = programme.headline_figures(TABLES, ["e2", "p1", "s1", "p2"])
    assert out["figure_id"].tolist() == ["e2", "p1", "s1", "p2"]
    assert out["domain"].tolist() == ["emissions", "population", "schools", "population"]


def test_headline_figures_has_domain_then_the_figure_columns():
    out = programme.headline_figures(TABLES, ["p1"])
    assert list(out.columns) == ["domain", *programme.FIGURE_COLUMNS]
    assert out.index.tolist() == [0]


def test_headline_figures_carries_the_values_of_each_row():
    out = programme.headline_figures(TABLES, ["e2", "p1"])
    assert out["source"].tolist() == ["file.txt:1", "file.txt:0"]
    assert out["value"].tolist() == [1.0, 0.0]


def test_headline_figures_raises_keyerror_naming_every_unknown_id():
    with pytest.raises(KeyError, match=r"programme figures not found: \['nope', 'gone'\]"):
        programme.headline_figures(TABLES, ["p1", "nope", "e1", "gone"])


def test_headline_figures_does_not_modify_the_input_tables():
    before = {d: t.copy() for d, t in TABLES.items()}
    programme.headline_figures(TABLES, ["p1", "e1"])
    for domain, table in TABLES.items():
        pd.testing.assert_frame_equal(table, before[domain])


def test_real_headline_figures_are_all_found_in_order_with_used_values(real_root):
    tables = {d: io.read_table(f"programme_{d}") for d in ("population", "schools", "emissions")}
    out = programme.headline_figures(tables, programme.HEADLINE_FIGURES)
    assert out["figure_id"].tolist() == programme.HEADLINE_FIGURES
    assert out["value"].notna().all()
    stacked = pd.concat(tables.values()).set_index("figure_id")
    assert stacked.loc[programme.HEADLINE_FIGURES, "used"].all()


def test_real_figure_ids_are_unique_across_domains(real_root):
    ids = pd.concat([io.read_table(f"programme_{d}")["figure_id"] for d in ("population", "schools", "emissions")])
    assert not ids.duplicated().any(), ids[ids.duplicated()].tolist()


# --- district_shares ----------------------------------------------------------------------------


@pytest.fixture
def districts(real_root) -> pd.DataFrame:
    return io.read_table("programme_districts")


ALL_DISTRICTS = ["alatau", "almaly", "auezov", "bostandyk", "zhetysu", "medeu", "nauryzbay", "turksib"]


def test_real_districts_are_the_eight_of_almaty(districts):
    assert sorted(districts["district"]) == sorted(ALL_DISTRICTS)


def test_district_shares_of_all_eight_districts_sum_to_100(districts):
    out = programme.district_shares(districts, ALL_DISTRICTS)
    assert len(out) == 8
    assert out["share_percent"].sum() == pytest.approx(100.0)


def test_district_shares_are_population_over_the_sum(districts):
    out = programme.district_shares(districts, ALL_DISTRICTS).set_index("district")
    assert out.loc["bostandyk", "share_percent"] == pytest.approx(100 * 368048 / 2042942)


def test_filtering_districts_keeps_the_shares_of_the_full_set(districts):
    full = programme.district_shares(districts, ALL_DISTRICTS).set_index("district")["share_percent"]
    part = programme.district_shares(districts, ["medeu", "almaly"]).set_index("district")["share_percent"]
    assert sorted(part.index) == ["almaly", "medeu"]
    for district, share in part.items():
        assert share == pytest.approx(full[district])
    assert part.sum() < 100


def test_district_shares_keep_the_table_order_and_columns(districts):
    out = programme.district_shares(districts, ["turksib", "alatau"])
    assert out["district"].tolist() == ["alatau", "turksib"]
    assert list(out.columns) == ["district", "population_persons", "source", "share_percent"]
    assert out.index.tolist() == [0, 1]


def test_district_shares_on_a_tiny_table():
    tiny = pd.DataFrame({"district": ["a", "b", "c"], "population_persons": [100, 300, 600], "source": ["x", "y", "z"]})
    out = programme.district_shares(tiny, ["b", "c"])
    assert out["share_percent"].tolist() == pytest.approx([30.0, 60.0])


def test_district_shares_with_no_selected_district_is_empty(districts):
    assert programme.district_shares(districts, []).empty
