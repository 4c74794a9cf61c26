"""Long-run TFR and e0: WPP 2022 Kazakhstan's change plus Almaty's differential beyond the calibration horizon;
the forecast's interval widths beside published ex-post errors of subnational projections (issue 18, item 6)."""

import numpy as np
import pandas as pd
import pytest

from almaty_analytics import io
from almaty_analytics.population import Assumptions, assumption_paths
from almaty_analytics.population.long_run import LongRun, NationalPaths, national_paths
from almaty_analytics.population.tables import MAPE_TO_HALF_80, published_error_comparison

BASE = 2030
YEARS = np.arange(BASE, BASE + 12)


def toy_national() -> NationalPaths:
    """Kazakhstan falling 0.05 children a year with its half width growing 0.01 a year; e0 rising 0.3 / 0.2 years."""
    years = np.arange(2020, 2060)
    k = (years - 2020).astype(float)
    return NationalPaths(
        years=years,
        tfr=3.0 - 0.05 * k,
        tfr_half_80=0.1 + 0.01 * k,
        e0=np.stack([65 + 0.3 * k, 75 + 0.2 * k], axis=-1),
        e0_half_80=np.stack([1 + 0.05 * k, 1 + 0.04 * k], axis=-1),
    )


def toy_assumptions(**changes) -> Assumptions:
    values = dict(
        tfr=2.0, tfr_change=-0.01, life_expectancy_male=70.0, life_expectancy_female=80.0, life_expectancy_gain=0.1,
        net_migration=1000.0, migrant_female_share=0.5, tfr_sd=0.1, life_expectancy_sd=2.0,
    )
    return Assumptions(**(values | changes))


def test_beyond_the_start_tfr_and_e0_follow_wpps_change_plus_the_differential():
    national, start = toy_national(), 4
    tfr, e0, _ = assumption_paths(toy_assumptions(), YEARS, BASE, long_run=LongRun(national, start))
    h = YEARS - BASE
    linear_tfr = 2.0 - 0.01 * h
    assert tfr[0, : start + 1] == pytest.approx(linear_tfr[: start + 1])  # calibrated path up to the start
    join = national.at(YEARS, national.tfr)
    gap = linear_tfr[start] - join[start]  # Almaty minus Kazakhstan at the join: 2.0 - 0.04 - (3.0 - 0.05 * 14) = -0.34
    assert gap == pytest.approx(-0.34)
    assert tfr[0, start + 1 :] == pytest.approx(join[start + 1 :] + gap)  # WPP's change, the differential kept
    assert np.diff(tfr[0, start:]) == pytest.approx(-0.05)  # Kazakhstan's slope, not the linear -0.01
    wpp_e0 = national.at(YEARS, national.e0)
    e0_gap = np.array([70.0, 80.0]) + 0.1 * start - wpp_e0[start]
    assert e0[0, start + 1 :] == pytest.approx(wpp_e0[start + 1 :] + e0_gap)


def test_beyond_the_start_the_sds_widen_as_wpps_80_percent_band():
    national, start = toy_national(), 4
    long_run = LongRun(national, start)
    a = toy_assumptions()
    central, e0_central, _ = assumption_paths(a, YEARS, BASE, long_run=long_run)
    high, e0_high, _ = assumption_paths(a.variant("high"), YEARS, BASE, long_run=long_run)
    z = high / central - 1  # 1.28 × relative sd
    relative_sd = national.at(YEARS, national.tfr_half_80 / 1.2815515655446004 / national.tfr)
    expected = 0.1 * start / 10 + relative_sd - relative_sd[start]
    assert z[0, start:] / 1.2815515655446004 == pytest.approx(expected[start:])
    e0_sd = (e0_high - e0_central)[0] / 1.2815515655446004
    band = national.at(YEARS, national.e0_half_80 / 1.2815515655446004)
    assert e0_sd[start:] == pytest.approx(2.0 * start / 10 + band[start:] - band[start])


def test_without_long_run_or_before_its_start_the_paths_stay_linear():
    a = toy_assumptions()
    linear, e0_linear, _ = assumption_paths(a, YEARS, BASE)
    late, e0_late, _ = assumption_paths(a, YEARS, BASE, long_run=LongRun(toy_national(), YEARS.size))
    assert late == pytest.approx(linear) and e0_late == pytest.approx(e0_linear)
    assert linear[0] == pytest.approx(2.0 - 0.01 * (YEARS - BASE))


def test_years_wpp_does_not_project_are_refused():
    national = toy_national()
    with pytest.raises(ValueError, match="WPP 2022 Kazakhstan projects 2020-2059"):
        assumption_paths(toy_assumptions(), np.arange(2050, 2070), 2050, long_run=LongRun(national, 2))


def test_a_base_year_before_wpps_projection_needs_only_the_years_from_the_join():
    """WPP 2022 projects from 2022: a base year of 2020 or 2021 joins WPP in 2025 or 2026, inside it (it was refused)."""
    toy = toy_national()
    national = NationalPaths(*(values[toy.years >= 2022] for values in (toy.years, toy.tfr, toy.tfr_half_80, toy.e0, toy.e0_half_80)))
    years = np.arange(2020, 2036)
    tfr, e0, _ = assumption_paths(toy_assumptions(), years, 2020, long_run=LongRun(national, 5))
    full, e0_full, _ = assumption_paths(toy_assumptions(), years, 2020, long_run=LongRun(toy, 5))
    assert tfr == pytest.approx(full) and e0 == pytest.approx(e0_full)  # the years before the join are never read


def test_national_paths_read_wpp_medium_and_80_percent_band():
    annual = io.read_table("wpp2022_kazakhstan_annual")
    national = national_paths(annual)
    row = annual.set_index(["indicator", "variant", "year"])["value"]
    i = int(np.flatnonzero(national.years == 2035)[0])
    assert national.tfr[i] == pytest.approx(row[("tfr", "medium", 2035)])
    assert national.tfr_half_80[i] == pytest.approx((row[("tfr", "pi80_upper", 2035)] - row[("tfr", "pi80_lower", 2035)]) / 2)
    assert national.e0[i, 1] == pytest.approx(row[("e0_female", "medium", 2035)])
    assert national.years[0] == 2022 and national.years[-1] == 2050


def test_comparison_table_puts_published_errors_beside_the_interval_at_each_horizon():
    total = pd.DataFrame({"year": np.arange(2023, 2036), "value": 100.0, "lo_80": 100.0 - np.arange(13), "hi_80": 100.0 + np.arange(13)})
    published = io.read_table("published_projection_errors")
    table = published_error_comparison(total, published)
    assert len(table) == len(published) and set(table["horizon"]) <= {5, 10}
    five = table.set_index("study_id").loc["wilson_rowe_queensland_lga"]
    assert five["model_half_80_pct"] == pytest.approx(5.0)  # half width 5 of 100 five years after 2023
    assert five["implied_half_80_low"] == pytest.approx(2.15 * MAPE_TO_HALF_80)
    assert MAPE_TO_HALF_80 == pytest.approx(1.6062, abs=1e-4)
    assert table.set_index("study_id").loc["byerly_2019_states", ["implied_half_80_low"]].isna().all()  # a largest error is not a mean
    short = published_error_comparison(total.iloc[:8], published)
    assert short.loc[short["horizon"] == 10, "model_half_80_pct"].isna().all()  # beyond the forecast's horizon: empty


def test_published_errors_quote_their_source():
    published = io.read_table("published_projection_errors")
    assert (published["value_low"] <= published["value_high"]).all()
    for row in published.itertuples():
        assert any(f"{v:g}%" in row.quote for v in (row.value_low, row.value_high)), row.study_id
