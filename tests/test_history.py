"""Level shifts in official series (history.py)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from almaty_analytics import history, io, paths

REAL_RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def shifts_table(*rows: tuple[str, int]) -> pd.DataFrame:
    """A level_shifts-like table from (series, first_year_after) pairs."""
    return pd.DataFrame(
        {
            "series": [s for s, _ in rows],
            "last_year_before": [y - 1 for _, y in rows],
            "first_year_after": [y for _, y in rows],
            "kind": "boundary",
        }
    )


# 2000-2005, one shift between 2002 and 2003 (a jump of +100 that is not growth).
TINY = pd.DataFrame({"year": [2000, 2001, 2002, 2003, 2004, 2005], "persons": [10, 12, 15, 115, 118, 122]})
TINY_SHIFTS = shifts_table(("pop", 2003))


def test_segments_are_numbered_from_one_and_increase_after_the_shift():
    out = history.with_level_shifts(TINY, TINY_SHIFTS, "pop", "persons")
    assert out["segment"].tolist() == [1, 1, 1, 2, 2, 2]


def test_change_is_empty_at_the_first_year_and_the_first_year_after_the_shift_only():
    out = history.with_level_shifts(TINY, TINY_SHIFTS, "pop", "persons")
    assert out.loc[out["change"].isna(), "year"].tolist() == [2000, 2003]


def test_change_equals_the_year_on_year_difference_within_a_segment():
    out = history.with_level_shifts(TINY, TINY_SHIFTS, "pop", "persons").set_index("year")
    assert out.loc[[2001, 2002, 2004, 2005], "change"].tolist() == [2.0, 3.0, 3.0, 4.0]
    assert out["change"].dtype == float


def test_shifts_of_other_series_are_ignored():
    shifts = shifts_table(("pop", 2003), ("emissions", 2001))
    out = history.with_level_shifts(TINY, shifts, "pop", "persons")
    assert out["segment"].tolist() == [1, 1, 1, 2, 2, 2]
    assert out.loc[out["change"].isna(), "year"].tolist() == [2000, 2003]


def test_series_without_shifts_is_one_segment():
    out = history.with_level_shifts(TINY, shifts_table(("other", 2003)), "pop", "persons")
    assert out["segment"].tolist() == [1] * 6
    assert out.loc[out["change"].isna(), "year"].tolist() == [2000]


def test_unsorted_input_is_sorted_by_year_before_differencing():
    shuffled = TINY.sample(frac=1, random_state=3)
    out = history.with_level_shifts(shuffled, TINY_SHIFTS, "pop", "persons")
    expected = history.with_level_shifts(TINY, TINY_SHIFTS, "pop", "persons")
    pd.testing.assert_frame_equal(out, expected)


def test_input_frame_is_not_modified():
    frame = TINY.copy()
    history.with_level_shifts(frame, TINY_SHIFTS, "pop", "persons")
    pd.testing.assert_frame_equal(frame, TINY)


def test_by_keeps_separate_series_apart():
    male = TINY.assign(sex="male")
    female = TINY.assign(sex="female", persons=TINY["persons"] * 2)
    both = pd.concat([male, female], ignore_index=True).sample(frac=1, random_state=1)
    out = history.with_level_shifts(both, TINY_SHIFTS, "pop", "persons", by=["sex"])
    for sex, factor in (("male", 1), ("female", 2)):
        part = out[out["sex"] == sex].set_index("year")
        assert part["segment"].tolist() == [1, 1, 1, 2, 2, 2]
        assert part["change"].isna().tolist() == [True, False, False, True, False, False]
        assert part.loc[[2001, 2002, 2004, 2005], "change"].tolist() == [2.0 * factor, 3.0 * factor, 3.0 * factor, 4.0 * factor]


def test_by_does_not_difference_across_the_boundary_between_series():
    a = pd.DataFrame({"year": [2000, 2001], "v": [1, 2], "k": "a"})
    b = pd.DataFrame({"year": [2000, 2001], "v": [100, 200], "k": "b"})
    out = history.with_level_shifts(pd.concat([a, b]), shifts_table(), "s", "v", by=["k"])
    assert out.loc[out["year"] == 2000, "change"].isna().all()
    assert sorted(out.loc[out["year"] == 2001, "change"]) == [1.0, 100.0]


def test_mean_annual_change_uses_only_the_latest_segment():
    out = history.with_level_shifts(TINY, TINY_SHIFTS, "pop", "persons")
    assert history.mean_annual_change(out) == {"from_year": 2003, "to_year": 2005, "mean_change": 3.5}


def test_mean_annual_change_falls_back_from_a_trailing_single_year_segment():
    out = history.with_level_shifts(TINY, shifts_table(("pop", 2003), ("pop", 2005)), "pop", "persons")
    assert out["segment"].tolist() == [1, 1, 1, 2, 2, 3]
    assert history.mean_annual_change(out) == {"from_year": 2003, "to_year": 2004, "mean_change": 3.0}


def test_mean_annual_change_without_any_two_year_segment_raises():
    out = history.with_level_shifts(TINY.head(2), shifts_table(("pop", 2001)), "pop", "persons")
    with pytest.raises(ValueError, match="no segment spans two years"):
        history.mean_annual_change(out)


def test_mean_annual_change_of_a_series_without_shifts_covers_all_years():
    out = history.with_level_shifts(TINY, shifts_table(), "pop", "persons")
    result = history.mean_annual_change(out)
    assert (result["from_year"], result["to_year"]) == (2000, 2005)
    assert result["mean_change"] == pytest.approx((122 - 10) / 5)


# --- property: within-segment changes plus shift jumps add up to last minus first -------------


@st.composite
def series_with_breaks(draw):
    start = draw(st.integers(1990, 2030))
    values = draw(st.lists(st.integers(-(10**9), 10**9), min_size=1, max_size=30))
    years = list(range(start, start + len(values)))
    breaks = draw(st.sets(st.sampled_from(years[1:]), max_size=len(years) - 1)) if len(years) > 1 else set()
    return pd.DataFrame({"year": years, "value": values}), sorted(breaks)


@settings(max_examples=200, deadline=None)
@given(series_with_breaks())
def test_within_segment_changes_plus_shift_jumps_sum_to_last_minus_first(case):
    frame, breaks = case
    out = history.with_level_shifts(frame, shifts_table(*(("s", b) for b in breaks)), "s", "value")
    by_year = frame.set_index("year")["value"]
    jumps = sum(by_year[b] - by_year[b - 1] for b in breaks)
    assert out["change"].sum() + jumps == frame["value"].iloc[-1] - frame["value"].iloc[0]
    assert out["segment"].max() == 1 + len(breaks)
    assert out.loc[out["change"].isna(), "year"].tolist() == sorted({int(frame["year"].iloc[0]), *breaks})


# --- the real BNS population --------------------------------------------------------------------


def _real_history(vintage: str | None) -> pd.DataFrame:
    shifts = io.read_table("level_shifts", vintage=vintage)
    population = io.read_table("bns_population_1jan", vintage=vintage).query("area == 'almaty'").drop(columns="area")
    return history.with_level_shifts(population, shifts, "bns_population_1jan", "persons", by=["sex"])


@pytest.fixture
def real_root(monkeypatch):
    monkeypatch.delenv(paths.ROOT_ENV, raising=False)
    assert paths.raw_dir() == REAL_RAW


@pytest.fixture
def real_history(real_root):
    """The real series as of the mid-2022 vintage: the programme's data, 1 January 2022 the newest total."""
    return _real_history(io.FIRST_VINTAGE)


def test_real_population_has_three_segments_split_at_2015_and_2022(real_history):
    total = real_history[real_history["sex"] == "total"]
    first_years = total.groupby("segment")["year"].min().tolist()
    assert first_years == [2000, 2015, 2022]
    assert total.loc[total["change"].isna(), "year"].tolist() == [2000, 2015, 2022]


def test_real_population_change_within_2015_2021_is_the_yearly_difference(real_history):
    total = real_history[real_history["sex"] == "total"].set_index("year")
    assert total.loc[2021, "change"] == total.loc[2021, "persons"] - total.loc[2020, "persons"]
    mean_2016_2021 = total.loc[2016:2021, "change"].mean()
    assert mean_2016_2021 == pytest.approx((total.loc[2021, "persons"] - total.loc[2015, "persons"]) / 6)


def test_real_population_mean_annual_change_skips_the_single_year_census_segment(real_history):
    # The 2021->2022 census shift leaves 2022 alone in the last segment, with no change of
    # its own; the mean comes from the segment before it (the current boundary, 2015-2021).
    result = history.mean_annual_change(real_history[real_history["sex"] == "total"])
    assert (result["from_year"], result["to_year"]) == (2015, 2021)
    assert result["mean_change"] == pytest.approx((1977258 - 1641444) / 6)


def test_real_population_mean_annual_change_is_near_the_programme_figure_of_about_55_thousand(real_history):
    result = history.mean_annual_change(real_history[real_history["sex"] == "total"])
    assert 50_000 < result["mean_change"] < 60_000


def test_real_population_mean_annual_change_of_the_newest_data_is_the_first_change_after_the_census(real_root):
    # The newest 1 January total, 2023 (2,161,797, BNS release of 2023-07-21), gives the census segment its first change:
    # 2,161,797 - 2,101,485 (2022) = 60,312, the one change the mean of that segment has.
    total = _real_history(io.NEWEST).query("sex == 'total'")
    result = history.mean_annual_change(total)
    assert (result["from_year"], result["to_year"], result["mean_change"]) == (2022, 2023, 2_161_797 - 2_101_485)
