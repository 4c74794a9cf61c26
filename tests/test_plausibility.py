"""Plausibility checks of the raw data (module plausibility), on copies of the real data/raw."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from almaty_analytics import io, plausibility

REPO = Path(__file__).resolve().parents[1]
EMISSIONS = "bns_stationary_emissions.csv"


@pytest.fixture
def raw(tmp_path) -> Path:
    folder = tmp_path / "raw"
    shutil.copytree(REPO / "data" / "raw", folder)
    return folder


def replace(raw: Path, file: str, old: str, new: str) -> None:
    path = raw / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_real_data_is_plausible():
    io.check_plausible()


def test_a_jump_inside_a_segment_is_refused_and_a_level_shift_row_accepts_it(raw):
    replace(raw, EMISSIONS, "2006,almaty,15.1,", "2006,almaty,22.0,")  # +41.9% on 2005, then -31.4% to 2007
    with pytest.raises(io.DataError, match=r"emissions_kt goes from 15.5 in 2005 to 22 in 2006 \(\+41.9%\), beyond the plausible ±40%"):
        io.check_plausible(raw)
    with open(raw / "level_shifts.csv", "a", encoding="utf-8") as shifts:
        shifts.write("bns_stationary_emissions,2005,2006,boundary,test break,test,2022-06-30\n")
    io.check_plausible(raw)


def test_a_bad_release_is_caught_even_when_a_later_release_mends_it(raw):
    replace(raw, "bns_population_1jan.csv", "2023,almaty,male,1003872,2023-06-30", "2023,almaty,male,1003000,2023-06-30")
    with pytest.raises(io.DataError, match=r"\{'year': 2023, 'area': 'almaty'\} \(as known on 2023-06-30\): male 1,003,000 \+ female"):
        io.check_plausible(raw)


def test_a_step_across_missing_years_is_not_judged_as_one_year():
    view = pd.DataFrame({"area": ["almaty", "almaty"], "year": [2000, 2010], "emissions_kt": [10.0, 30.0]})
    plausibility.check_steps("bns_stationary_emissions", view, set(), Path("x.csv"), "")


def test_an_empty_file_end_check_passes_and_a_cut_file_fails(tmp_path):
    whole, cut = tmp_path / "whole.csv", tmp_path / "cut.csv"
    whole.write_text("a,b\n1,2\n")
    cut.write_text("a,b\n1,2")
    plausibility.check_file_end(whole)
    with pytest.raises(io.DataError, match="cut short"):
        plausibility.check_file_end(cut)
