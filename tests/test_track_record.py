"""The forecasts' own track record: its arithmetic on toy series, real-time vintages that hide later releases, the table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from almaty_analytics import emissions, export, i18n, io, scenarios, summary, track_record
from almaty_analytics.evaluation import Z80


def _rows(**columns) -> pd.DataFrame:
    return pd.DataFrame(columns)


def test_the_track_record_arithmetic_on_a_toy_series():
    rows = _rows(  # a toy series: outturns 100, 200, 400 and one not yet published; forecasts and intervals by hand
        series="toy", horizon=[1, 1, 2, 2], forecast=[110.0, 190.0, 300.0, 500.0], lo_80=[105.0, 180.0, 250.0, 450.0],
        hi_80=[115.0, 220.0, 350.0, 550.0], outturn=[100.0, 200.0, 400.0, np.nan], comparable=True,
    )
    scored = track_record.scored(rows)
    assert scored["error"].tolist()[:3] == [10.0, -10.0, -100.0]
    assert scored["error_pct"].tolist()[:3] == [10.0, -5.0, -25.0] and np.isnan(scored["error_pct"].iloc[3])
    assert scored["covered"].tolist()[:3] == [False, True, False] and pd.isna(scored["covered"].iloc[3])  # 100 < 105; 400 > 350
    assert track_record.coverage_rate(scored) == pytest.approx(1 / 3)
    accuracy = track_record.accuracy_by_horizon(scored).set_index("horizon")
    assert accuracy.loc[1, ["n", "mape", "coverage_80"]].tolist() == [2, 7.5, 0.5]  # (10 + 5) / 2
    assert accuracy.loc[2, ["n", "mape", "coverage_80"]].tolist() == [1, 25.0, 0.0]  # the unpublished outturn is not scored
    apart = track_record.scored(rows.assign(comparable=[True, False, True, True]))  # 200 on another definition
    assert np.isnan(apart["error"].iloc[1]) and np.isnan(apart["error_pct"].iloc[1]) and pd.isna(apart["covered"].iloc[1])
    assert apart["outturn"].iloc[1] == 200.0 and apart["error"].iloc[0] == 10.0  # the outturn is kept; the others still score
    assert track_record.coverage_rate(apart) == 0.0
    assert track_record.accuracy_by_horizon(apart).set_index("horizon").loc[1, ["n", "mape"]].tolist() == [1, 10.0]


def test_a_row_across_a_change_of_survey_scope_is_not_comparable():
    shifts = pd.DataFrame({"series": ["bns_stationary_emissions", "bns_stationary_emissions", "bns_population_1jan"],
                           "last_year_before": [2013, 2021, 2021], "first_year_after": [2014, 2022, 2022],
                           "kind": ["boundary", "scope", "census"]})
    rows = _rows(series=["stationary_emissions", "stationary_emissions", "stationary_emissions_baseline", "stationary_emissions",
                         "population", "pupils_all"],
                 origin_year=[2021, 2020, 2021, 2022, 2021, 2022], year=[2022, 2021, 2026, 2023, 2022, 2022])
    # only the scope change counts (a boundary change or census re-basing stays an error), and only between origin and year
    assert track_record.comparable(rows, shifts).tolist() == [False, True, False, True, True, True]


def test_a_forecast_picks_the_method_with_the_lowest_backtest_error_and_its_conformal_interval():
    growing = pd.Series(100 * 1.25 ** np.arange(12), index=range(2000, 2012))  # +25% a year
    method, path = track_record.forecast(growing, [], {"naive": track_record.evaluation.forecast_naive})
    # naive's percentage error at horizon h is the same from every origin: 1.25^-h - 1, so q_h = 1 - 0.8^h
    last = growing.iloc[-1]
    assert method == "naive" and path["forecast"].tolist() == [last] * 5 and path["origin_year"].eq(2011).all()
    assert path["lo_80"].iloc[0] == pytest.approx(last / 1.2) and path["hi_80"].iloc[0] == pytest.approx(last * 1.25)
    assert path["hi_80"].iloc[1] == pytest.approx(last / 0.64)  # the continued growth path is the upper bound
    method, path = track_record.forecast(growing, [], dict(track_record.evaluation.BENCHMARKS))
    assert method == "log_drift"  # exact on a constant growth rate: MAPE 0
    assert path["forecast"].to_numpy() == pytest.approx(last * 1.25 ** np.arange(1, 6))
    assert (path["hi_80"] - path["lo_80"]).to_numpy() == pytest.approx(np.zeros(5))


def test_a_level_shift_known_at_the_vintage_is_removed_before_forecasting():
    y = pd.Series([100.0, 102, 104, 106, 108, 110, 212, 214, 216], index=range(2010, 2019))  # +2 a year, a jump of 100 into 2016
    _, path = track_record.forecast(y, [2016], {"drift": track_record.evaluation.forecast_drift})
    assert path["forecast"].to_numpy() == pytest.approx([218.0, 220, 222, 224, 226])


def test_the_interval_counts_a_level_shift_after_the_origin_as_an_error_as_the_outturn_does():
    y = pd.Series([100.0] * 6 + [150.0] * 6, index=range(2000, 2012))  # flat, a jump of +50% into 2006, flat
    naive = {"naive": track_record.evaluation.forecast_naive}
    _, adjusted = track_record.forecast(y, [2006], naive, shifts_in_errors=False)
    assert adjusted["forecast"].tolist() == [150.0] * 5 and (adjusted["hi_80"] - adjusted["lo_80"]).abs().max() < 1e-9
    # published: origins 2004-2010; the forecasts of 100 from 2004 and 2005 for 2006 on miss 150 by -1/3, the others by 0;
    # n <= 7 errors per horizon, so the conformal rank ceil((n + 1) * 0.8) = n is the largest: q_h = 1/3 at every h
    _, path = track_record.forecast(y, [2006], naive)
    assert path["lo_80"].to_numpy() == pytest.approx([150 / (4 / 3)] * 5) and path["hi_80"].to_numpy() == pytest.approx([225.0] * 5)
    backtest = pd.DataFrame({"origin": [2004, 2004, 2007], "horizon": [1, 2, 1], "forecast": [150.0, 150.0, 150.0]})
    errors = track_record.published_errors(backtest, y, [2006])
    assert errors["forecast"].tolist() == [100.0, 100.0, 150.0] and errors["actual"].tolist() == [100.0, 150.0, 150.0]
    assert errors["pct_error"].to_numpy() == pytest.approx([0.0, -100 / 3, 0.0])


def test_the_vintages_are_1_august_of_each_year_and_the_model_vintage_up_to_the_run():
    assert track_record.vintages("") == [*(f"{y}-08-01" for y in range(2015, 2022)), "2022-08-01", "2022-09-12", "2023-08-01"]
    assert track_record.vintages(io.FIRST_VINTAGE)[-2:] == ["2022-08-01", "2022-09-12"]


def test_historic_bns_rows_are_dated_by_their_release_lag():
    def newest(spec_name: str, vintage: str) -> int:
        spec = next(s for s in track_record.SERIES if s.name == spec_name)
        return int(track_record.observed(spec, vintage).index.max())

    assert newest("population", "2015-06-29") == 2014 and newest("population", "2015-08-01") == 2015  # 1 January of Y by 30 June of Y
    assert newest("schools", "2015-08-01") == 2014 and newest("stationary_emissions", "2015-08-01") == 2014  # year Y by 30 June of Y+1
    assert newest("stationary_emissions", "2023-08-01") == 2021  # the 2022 figure is dated at the end of 2023
    life = io.read_table("bns_life_expectancy", vintage="2015-08-01")
    assert life["year"].max() == 2014
    shifts = io.read_table("level_shifts", vintage="2015-08-01")
    assert shifts["first_year_after"].tolist() == [2015, 2014]  # the two boundary changes, known with their first figure after


def _append(path, *lines: str) -> None:
    with open(path, "a", encoding="utf-8") as f:
        f.write("".join(f"{line}\n" for line in lines))


def test_a_forecast_at_a_vintage_never_uses_a_row_published_after_it(project):
    before = track_record.track_record("2016-08-01")
    first = before[before["vintage"] == "2015-08-01"]
    assert first.groupby("series")["origin_year"].first().to_dict() == {"population": 2015, "schools": 2014, "stationary_emissions": 2014}
    raw = project / "data" / "raw"  # later releases revising figures the 2015 vintage holds, and a break published after it
    _append(raw / "bns_population_1jan.csv", "2015,almaty,total,1650000,2015-08-02", "2010,almaty,total,1400000,2016-01-15")
    _append(raw / "bns_schools.csv", "2013/14,2013,almaty,240,2015-08-02")
    _append(raw / "bns_stationary_emissions.csv", "2014,almaty,45.0,2015-08-02")
    _append(raw / "level_shifts.csv", "bns_population_1jan,2011,2012,census,a later-published break,test,2015-08-02")
    after = track_record.track_record("2016-08-01")
    pd.testing.assert_frame_equal(after[after["vintage"] == "2015-08-01"], first)  # unchanged, outturns included
    second = before["vintage"] == "2016-08-01"
    for series in ("population", "schools", "stationary_emissions"):  # the next vintage sees the revisions
        rows = before[second & (before["series"] == series)].index
        columns = ["forecast", "lo_80", "hi_80"]
        assert not np.allclose(after.loc[rows, columns], before.loc[rows, columns]), series


def test_the_district_rows_split_the_city_forecast_by_the_programme_shares_at_the_model_vintage():
    record = track_record.cached_track_record(io.FIRST_VINTAGE)
    mine = record[record["vintage"] == io.FIRST_VINTAGE]
    city = mine[mine["series"] == "population"].set_index("year")["forecast"]
    districts = mine[mine["series"] == track_record.DISTRICTS]
    assert districts["area"].nunique() == 8 and districts["method"].str.endswith("(programme_districts)").all()
    assert districts.groupby("year")["forecast"].sum().to_numpy() == pytest.approx(city.to_numpy())
    assert record["vintage"].max() == io.FIRST_VINTAGE and record["outturn"].notna().any()
    assert (record.dropna(subset=["outturn"])["year"] <= 2022).all()  # outturns as of the run's vintage only


def test_the_published_track_record_has_the_declared_columns(tmp_path):
    assert list(track_record.TABLES["track_record"].columns) == track_record.COLUMNS
    assert "track_record" in summary.TABLES and "track_record" in export.TABLES
    record = track_record.cached_track_record(io.FIRST_VINTAGE)
    export.write_table(record, "track_record", str(tmp_path), "default")
    written = pd.read_csv(tmp_path / "tables" / "track_record.csv", encoding="utf-8-sig")
    assert list(written.columns) == ["scenario", *track_record.COLUMNS]  # the runner stamps data_vintage and run_date after
    assert written["covered"].dropna().isin([True, False]).all() and set(written["horizon"]) - {0} == set(track_record.HORIZONS)  # 0: pupils
    assert written["comparable"].isin([True, False]).all()


def test_the_mid_2022_pupils_are_scored_against_the_2022_23_counts():
    pupils = track_record.pupil_rows(io.FIRST_VINTAGE, io.vintage_date(io.NEWEST))
    rows = track_record.scored(pupils.assign(comparable=True)).set_index("series")  # horizon 0: no change of scope between
    assert rows.loc["pupils_state", "forecast"] == 292_000 and rows.loc["pupils_state", "outturn"] == 292_015  # the programme's figure, line 303
    share = 88 * 42_300 / 189 / (88 * 42_300 / 189 + 280_000)
    assert rows.loc["pupils_all", "forecast"] == pytest.approx(292_000 / (1 - round(share, 4)))
    assert (rows.loc["pupils_all", "outturn"], rows.loc["pupils_private", "outturn"]) == (320_601, 28_586)
    assert rows.loc["pupils_private", "error_pct"] < -25  # the mid-2022 private share (6.6%) against 8.9% counted
    assert (rows["year"] == 2022).all() and (rows["horizon"] == 0).all() and rows["lo_80"].isna().all()
    assert rows["outturn"].notna().all()
    early = track_record.pupil_rows(io.FIRST_VINTAGE, io.FIRST_VINTAGE).set_index("series")["outturn"]
    assert early[["pupils_state", "pupils_private"]].isna().all()  # the counts of June 2023 are after the mid-2022 vintage
    assert early["pupils_all"] == 317_000  # the 1 September 2022 count of all schools was published by then


def _model_vintage_data() -> dict[str, pd.DataFrame]:
    return io.read_tables(track_record.BASELINE_INPUTS, io.FIRST_VINTAGE)


def test_the_baseline_rows_are_the_driver_forecast_from_2021_with_the_level_error_interval():
    data = _model_vintage_data()
    bns = data["bns_stationary_emissions"].query("area == 'almaty'").set_index("year")["emissions_kt"]
    pop = data["bns_population_1jan"].query("area == 'almaty' and sex == 'total'").set_index("year")["persons"]
    p = scenarios.PARAMETERS
    kw = {"heat_elasticity": p["heat_elasticity"].default, "headroom": p["tpp2_capacity_headroom"].default}
    # TPP-2's 36 of the BNS 2021 total 40.8 (the reconciled inventory); the segment after the 2014 boundary shift; the
    # population of the five years to 2021 after the 2015 boundary change
    expected = emissions.stationary_driver_forecast(bns.loc[2014:2021], pop.loc[2017:2021], 5, chp_share=36 / 40.8, **kw)["mean"]
    backtest = emissions.backtest_stationary(*(data[n] for n in emissions.BACKTEST_INPUTS), chp_share=36 / 40.8, **kw)
    sd = emissions.stationary_level_sd(backtest, 2014)
    assert sd == pytest.approx(p["stationary_level_sd"].default, abs=5e-4)  # the Monte Carlo's own level error
    rows = track_record.baseline_rows(io.FIRST_VINTAGE, pd.Series(dtype=float)).set_index("year")
    assert rows.index.tolist() == [2022, 2023, 2024, 2025, 2026] and rows["origin_year"].eq(2021).all()
    assert (rows["series"] == "stationary_emissions_baseline").all() and (rows["method"] == "driver").all()
    assert rows["forecast"].to_numpy() == pytest.approx(expected.to_numpy())
    assert rows["lo_80"].to_numpy() == pytest.approx(expected.to_numpy() * np.exp(-Z80 * sd))
    assert rows["hi_80"].to_numpy() == pytest.approx(expected.to_numpy() * np.exp(Z80 * sd))
    newest = io.read_tables(emissions.BACKTEST_INPUTS, "")  # the emission report's scope check: the same 2022 forecast
    check = emissions.backtest.across_scope_changes(*newest.values(), chp_share=36 / 40.8, **kw).set_index("method")
    assert check.loc["driver", "forecast_kt"] == pytest.approx(rows.loc[2022, "forecast"], abs=1e-4)
    record = track_record.cached_track_record(io.FIRST_VINTAGE)
    kept = record[record["series"] == "stationary_emissions_baseline"]
    assert (kept["vintage"] == io.FIRST_VINTAGE).all() and kept["forecast"].to_numpy() == pytest.approx(rows["forecast"].to_numpy())


def test_the_baseline_rows_never_use_a_row_published_after_the_model_vintage(project):
    outturns = pd.Series({2022: 41.5})
    before = track_record.baseline_rows(io.FIRST_VINTAGE, outturns)
    raw = project / "data" / "raw"  # revisions of the BNS inputs (the 2021 one moves the CHP share too) and a break, the day after
    _append(raw / "bns_stationary_emissions.csv", "2021,almaty,39.0,2022-09-13", "2017,almaty,30.0,2022-09-13")
    _append(raw / "bns_population_1jan.csv", "2021,almaty,total,1800000,2022-09-13")
    _append(raw / "level_shifts.csv", "bns_stationary_emissions,2017,2018,scope,a later-published break,test,2022-09-13")
    pd.testing.assert_frame_equal(track_record.baseline_rows(io.FIRST_VINTAGE, outturns), before)
    later = track_record.baseline_rows("2022-09-13", outturns)  # the day the revisions appear, they move it
    assert not np.allclose(later[["forecast", "lo_80", "hi_80"]], before[["forecast", "lo_80", "hi_80"]])


def test_the_2022_outturns_after_the_change_of_survey_scope_are_shown_but_not_scored():
    record = track_record.cached_track_record("")
    baseline = record[record["series"] == "stationary_emissions_baseline"].set_index("year")
    assert baseline.loc[2022, "outturn"] == 41.5 and not baseline["comparable"].any()  # every year is after the change
    assert np.isnan(baseline.loc[2022, "error_pct"]) and pd.isna(baseline.loc[2022, "covered"])
    emission = record[record["series"] == "stationary_emissions"]
    across = (emission["origin_year"] <= 2021) & (emission["year"] >= 2022)
    assert across.any() and not emission.loc[across, "comparable"].any() and emission.loc[across, "error"].isna().all()
    assert record.loc[record["series"] != "stationary_emissions_baseline", "comparable"].sum() == len(record) - len(baseline) - across.sum()
    scored = emission[emission["comparable"] & emission["outturn"].notna()]  # a comparable row still scores: 2020 -> 2021
    row = scored[(scored["vintage"] == "2021-08-01") & (scored["year"] == 2021)].iloc[0]
    assert row["error"] == pytest.approx(44.5 - 40.8) and row["covered"] == (row["lo_80"] <= 40.8 <= row["hi_80"])
    facts = track_record.facts(record)
    assert int(facts["n"]) == int(record["covered"].notna().sum()) == int((record["comparable"] & record["covered"].notna()).sum())
    assert int(facts["not_comparable"]) == int((record["outturn"].notna() & ~record["comparable"]).sum()) == across[emission["outturn"].notna()].sum() + 1
    accuracy = track_record.accuracy_by_horizon(record)
    assert accuracy.loc[accuracy["series"] == "stationary_emissions", "n"].sum() == len(scored)
    assert "stationary_emissions_baseline" not in set(accuracy["series"])
    t = i18n.Text("en")
    shown = track_record.shown_forecasts(record, io.FIRST_VINTAGE, t)
    assert (shown.iloc[:, -1] == t("summary.track_not_comparable")).sum() == 2  # naive and the baseline, both for 2022
