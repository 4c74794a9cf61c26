"""Level-shift adjustment, benchmark forecasters, rolling-origin backtests and accuracy (evaluation.py)."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from almaty_analytics import evaluation, io

YEARS = range(2000, 2023)


def linear(years=YEARS, start: float = 1000.0, slope: float = 100.0) -> pd.Series:
    return pd.Series([start + slope * (year - years[0]) for year in years], index=list(years), dtype=float)


def noisy_trend(seed: int = 1) -> pd.Series:
    rng = np.random.default_rng(seed)
    return pd.Series(1000 + 20 * np.arange(20) + rng.normal(0, 15, 20).cumsum(), index=range(2000, 2020))


def almaty_population() -> pd.Series:
    pop = io.read_table("bns_population_1jan").query("area == 'almaty' and sex == 'total'")
    return pd.Series(pop["persons"].astype(float).to_numpy(), index=pop["year"].astype(int).to_numpy())


def population_shift_years() -> list[int]:
    shifts = io.read_table("level_shifts")
    return shifts.loc[shifts["series"] == "bns_population_1jan", "first_year_after"].astype(int).tolist()


# --- adjust_level_shifts ---------------------------------------------------------------


def test_known_jump_is_recovered_and_series_rebased_to_latest_segment():
    trend = linear()
    observed = trend + 1000.0 * (trend.index >= 2015)

    out = evaluation.adjust_level_shifts(observed, [2015])

    assert out.loc[2015, "jump"] == pytest.approx(1000.0)
    assert (out["jump"].drop(2015) == 0).all()
    pd.testing.assert_series_equal(out["adjusted"], trend + 1000.0, check_names=False)
    pd.testing.assert_series_equal(out["observed"], observed, check_names=False, check_index_type=False)


def test_shift_in_last_year_is_estimated_from_the_years_before_it():
    trend = linear()
    observed = trend + 500.0 * (trend.index >= 2022)

    out = evaluation.adjust_level_shifts(observed, [2022])

    assert out.loc[2022, "jump"] == pytest.approx(500.0)
    assert np.allclose(out["adjusted"].diff().dropna(), 100.0)


def test_real_population_adjusted_series_has_no_jump_beyond_within_segment_changes():
    population = almaty_population()
    shift_years = population_shift_years()

    out = evaluation.adjust_level_shifts(population, shift_years)

    within = population.diff().drop(shift_years).dropna().abs()
    assert out["adjusted"].diff().dropna().abs().max() <= 1.5 * within.max()
    assert (out.loc[shift_years, "jump"] > 0).all()  # the boundary change and the census both added people
    assert out.loc[2022, "adjusted"] == out.loc[2022, "observed"]


# --- benchmark forecasters ---------------------------------------------------------------


@pytest.mark.parametrize("name", list(evaluation.BENCHMARKS))
def test_constant_series_gives_constant_forecast_with_no_width(name):
    constant = pd.Series(5000.0, index=range(2005, 2017))

    fc = evaluation.BENCHMARKS[name](constant, 4)

    assert list(fc.index) == [2017, 2018, 2019, 2020]
    assert list(fc.columns) == ["mean", "lo_80", "hi_80", "lo_95", "hi_95"]
    assert np.allclose(fc.to_numpy(), 5000.0, atol=1e-6)


def test_drift_extrapolates_a_straight_line_exactly():
    fc = evaluation.forecast_drift(linear(range(2010, 2020)), 3)

    assert fc["mean"].tolist() == pytest.approx([2000.0, 2100.0, 2200.0])
    assert np.allclose(fc["hi_95"] - fc["lo_95"], 0.0)


@pytest.mark.parametrize("name", list(evaluation.BENCHMARKS))
def test_intervals_widen_with_horizon_and_95_contains_80(name):
    fc = evaluation.BENCHMARKS[name](noisy_trend(), 6)

    width_80 = fc["hi_80"] - fc["lo_80"]
    assert (width_80.diff().dropna() > 0).all()
    assert (fc["lo_95"] < fc["lo_80"]).all() and (fc["hi_80"] < fc["hi_95"]).all()
    assert ((fc["lo_80"] < fc["mean"]) & (fc["mean"] < fc["hi_80"])).all()


def test_damped_trend_falls_back_to_drift_on_a_short_series():
    short = noisy_trend().iloc[:5]

    pd.testing.assert_frame_equal(evaluation.forecast_damped_trend(short, 3), evaluation.forecast_drift(short, 3))


# --- rolling_origin_backtest and accuracy -------------------------------------------------


def test_backtest_never_uses_data_after_the_origin():
    clean = noisy_trend()
    exploded = clean.where(clean.index <= 2012, clean * 1000)
    kwargs = {"methods": evaluation.BENCHMARKS, "origins": [2008, 2010, 2012], "horizons": [1, 3]}

    before = evaluation.rolling_origin_backtest(clean, **kwargs)
    after = evaluation.rolling_origin_backtest(exploded, **kwargs)

    cols = ["method", "origin", "horizon", "forecast", "lo_80", "hi_80"]
    pd.testing.assert_frame_equal(before[cols], after[cols])
    assert (after.loc[after["origin"] + after["horizon"] > 2012, "actual"] > 100_000).all()


def test_backtest_rows_compare_forecast_of_origin_plus_h_with_its_actual():
    series = linear(range(2000, 2012))

    bt = evaluation.rolling_origin_backtest(series, {"drift": evaluation.forecast_drift}, origins=[2006, 2010], horizons=[1, 2])

    assert list(bt.columns) == evaluation.BACKTEST_COLUMNS
    row = bt.query("origin == 2006 and horizon == 2").iloc[0]
    assert row["forecast"] == pytest.approx(1800.0) and row["actual"] == 1800.0 and row["error"] == pytest.approx(0.0)
    assert np.isnan(bt.query("origin == 2010 and horizon == 2")["actual"].iloc[0])  # 2012 not observed yet


def test_origins_too_early_for_min_train_are_skipped():
    bt = evaluation.rolling_origin_backtest(
        linear(range(2000, 2011)), {"naive": evaluation.forecast_naive}, [2002, 2003, 2004, 2005], [1], min_train=5
    )

    assert sorted(bt["origin"].unique()) == [2004, 2005]


def test_accuracy_matches_hand_computed_mape_bias_and_coverage():
    rows = pd.DataFrame(
        [
            # method, origin, horizon, forecast, actual, lo_80, hi_80
            ("m", 2010, 1, 110.0, 100.0, 90.0, 105.0),  # +10 %, inside
            ("m", 2011, 1, 95.0, 100.0, 80.0, 98.0),  # -5 %, outside (above hi_80)
            ("m", 2012, 1, 95.0, np.nan, 90.0, 100.0),  # not observed: not scored
            ("m", 2010, 2, 80.0, 100.0, 70.0, 100.0),  # -20 %, on the upper bound: inside
        ],
        columns=["method", "origin", "horizon", "forecast", "actual", "lo_80", "hi_80"],
    )

    acc = evaluation.accuracy(rows).set_index("horizon")

    assert acc.loc[1, "mape"] == pytest.approx(7.5)
    assert acc.loc[1, "bias"] == pytest.approx(2.5)
    assert acc.loc[1, "coverage_80"] == pytest.approx(0.5)
    assert acc.loc[1, "n"] == 2
    assert acc.loc[2, ["mape", "bias", "coverage_80", "n"]].tolist() == pytest.approx([20.0, -20.0, 1.0, 1])


def test_real_population_backtest_runs_for_all_benchmarks_quickly():
    adjusted = evaluation.adjust_level_shifts(almaty_population(), population_shift_years())["adjusted"]

    start = time.perf_counter()
    bt = evaluation.rolling_origin_backtest(adjusted, evaluation.BENCHMARKS, list(range(2008, 2020)), [1, 2, 3, 4, 5])
    acc = evaluation.accuracy(bt)
    elapsed = time.perf_counter() - start

    assert elapsed < 20
    assert set(acc["method"]) == set(evaluation.BENCHMARKS) and sorted(acc["horizon"].unique()) == [1, 2, 3, 4, 5]
    assert acc.loc[acc["horizon"] == 1, "n"].eq(12).all()
    assert acc["mape"].between(0, 50).all() and acc["coverage_80"].between(0, 1).all()


# --- bad inputs ------------------------------------------------------------------------------


def test_unknown_shift_year_is_rejected_naming_the_argument():
    with pytest.raises(ValueError, match="shift_years: 2030 is not a year"):
        evaluation.adjust_level_shifts(linear(), [2030])


def test_shift_without_any_within_segment_change_is_rejected():
    with pytest.raises(ValueError, match="shift_years: no within-segment change"):
        evaluation.adjust_level_shifts(linear(range(2000, 2004)), [2001, 2002, 2003])


def test_horizon_below_one_is_rejected_naming_the_argument():
    with pytest.raises(ValueError, match="horizons"):
        evaluation.rolling_origin_backtest(linear(), evaluation.BENCHMARKS, [2010], [0, 1])
    with pytest.raises(ValueError, match="h: expected an integer >= 1"):
        evaluation.forecast_naive(linear(), 0)


def test_log_drift_of_a_constant_growth_series_is_exact():
    y = pd.Series(100 * 1.05 ** np.arange(8), index=range(2010, 2018))
    out = evaluation.forecast_log_drift(y, 2)
    assert out["mean"].to_numpy() == pytest.approx(100 * 1.05 ** np.array([8, 9]))


def test_conformal_quantile_takes_the_finite_sample_rank():
    values = np.arange(1.0, 11.0)  # 1..10: rank ceil(11 * 0.8) = 9
    assert evaluation.conformal_quantile(values, 0.8) == 9.0
    assert evaluation.conformal_quantile(values[:8], 0.8) == 8.0  # ceil(9 * 0.8) = 8 of 8: the largest
    assert evaluation.conformal_quantile([3.0], 0.8) == 3.0  # rank 2 of 1 is capped at the largest
    assert evaluation.conformal_quantile(values, 0.8) > np.quantile(values, 0.8)  # wider than the plain percentile


def test_conformal_quantile_covers_new_draws_at_the_nominal_rate():
    rng = np.random.default_rng(11)
    hits = []
    for _ in range(4000):  # 9 scored errors, then a new one from the same distribution
        errors = np.abs(rng.standard_t(3, size=10))
        hits.append(errors[-1] <= evaluation.conformal_quantile(errors[:-1], 0.8))
    assert np.mean(hits) == pytest.approx(0.8, abs=0.02)  # the plain 80th percentile of 9 gives about 0.74


@pytest.mark.parametrize("bad", [[], [np.nan]])
def test_conformal_quantile_refuses_no_values(bad):
    with pytest.raises(ValueError, match="no values"):
        evaluation.conformal_quantile(bad)
