"""Cohort-component model: known-answer toys, accounting, base estimate, uncertainty, parameters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from almaty_analytics import population, scenarios
from almaty_analytics.population import AGES, Assumptions

N_AGES = AGES.size


@pytest.fixture(scope="module")
def inputs():
    return population.read_inputs()


@pytest.fixture(scope="module")
def calibration(inputs):
    return population.calibrate(inputs)


@pytest.fixture(scope="module")
def small_forecast(inputs):
    params = scenarios.load("default", {"n_simulations": 300}).parameters
    return population.forecast(params, inputs)


def _toy(base, steps=5, tfr=0.0, mx=0.0, migration=0.0, n=1):
    pattern = np.zeros(N_AGES)
    pattern[20:40] = 1 / 20
    fertility = np.broadcast_to(tfr * pattern, (n, steps, N_AGES))
    mortality = np.full((n, steps, 2, N_AGES), mx)
    profile = np.zeros((2, N_AGES))
    profile[:, 25] = 0.5
    return population.project_arrays(np.broadcast_to(base, (n, 2, N_AGES)), fertility, mortality, np.full((n, steps), migration), profile)


def test_zero_mortality_fertility_and_migration_leave_cohorts_intact():
    base = np.arange(2 * N_AGES, dtype=float).reshape(2, N_AGES) + 1
    out = _toy(base, steps=3)["population"][0]
    np.testing.assert_allclose(out[3][:, 3:100], base[:, 0:97])
    np.testing.assert_allclose(out[3][:, :3], 0)
    np.testing.assert_allclose(out[3].sum(), base.sum())  # 100+ is open: nobody leaves


def test_closed_population_without_births_only_ages_and_dies():
    base = np.full((2, N_AGES), 1000.0)
    out = _toy(base, steps=10, mx=0.02)
    pop = out["population"][0]
    assert (out["births"] == 0).all() and (out["net_migration"] == 0).all()
    totals = pop.sum(axis=(1, 2))
    assert (np.diff(totals) < 0).all()
    # each cohort shrinks by its survival every year
    np.testing.assert_allclose(pop[1][:, 1:100], base[:, 0:99] * np.exp(-0.02))
    np.testing.assert_allclose(pop[5][:, :5], 0)


@pytest.mark.parametrize("tfr, mx, migration", [(2.0, 0.01, 5000.0), (1.5, 0.05, -3000.0), (3.0, 0.0, 0.0)])
def test_components_add_up_to_the_change_every_year(tfr, mx, migration):
    base = np.full((2, N_AGES), 500.0)
    out = _toy(base, steps=8, tfr=tfr, mx=mx, migration=migration, n=3)
    change = np.diff(out["population"].sum(axis=(2, 3)), axis=1)
    np.testing.assert_allclose(change, out["births"] - out["deaths"] + out["net_migration"], rtol=0, atol=1e-6)
    assert (out["population"] >= 0).all()


def test_emigration_larger_than_a_cell_is_capped_and_still_adds_up():
    base = np.full((2, N_AGES), 10.0)
    out = _toy(base, steps=2, migration=-1e6)
    assert (out["population"] >= 0).all()
    assert out["net_migration"][0, 0] > -1e6
    change = np.diff(out["population"].sum(axis=(2, 3)), axis=1)
    np.testing.assert_allclose(change, out["births"] - out["deaths"] + out["net_migration"], atol=1e-6)


def test_births_equal_tfr_times_women_when_women_are_uniform():
    base = np.zeros((2, N_AGES))
    base[1] = 1000.0
    out = _toy(base, steps=1, tfr=2.0)
    assert out["births"][0, 0] == pytest.approx(2.0 * 1000.0)


def test_mortality_multiplier_reproduces_the_requested_life_expectancy(calibration):
    schedules = calibration["schedules"]
    for e0 in ([65.0, 72.0], [71.3, 78.88], [80.0, 86.0]):
        mx = population.mortality_for(schedules, np.array(e0))
        np.testing.assert_allclose(population.life_expectancy(mx), e0, atol=0.01)


def test_life_expectancy_outside_the_model_range_is_refused(calibration):
    with pytest.raises(ValueError, match="outside what the mortality model covers"):
        population.mortality_for(calibration["schedules"], np.array([10.0, 12.0]))


def test_fertility_pattern_and_migration_profile_are_distributions(calibration):
    assert calibration["schedules"].fertility_pattern.sum() == pytest.approx(1.0)
    assert calibration["schedules"].fertility_pattern[:10].sum() == 0
    profile = population.rogers_castro()
    assert profile.sum() == pytest.approx(1.0) and (profile > 0).all()


def test_migrant_profile_has_the_programme_working_age_share():
    # 88.5 % of 2021 arrivals were of working age (001_22452510f78b59ea.txt:218)
    profile = population.rogers_castro()
    share = 0.466 * profile[16:63].sum() + 0.534 * profile[16:59].sum()
    assert share == pytest.approx(0.885, abs=0.002)


def test_base_2020_matches_every_age_band_exactly(inputs, calibration):
    base = calibration["base_2020"]
    for _, band in inputs["bns_population_age_bands"].iterrows():
        sex = population.SEXES.index(band["sex"])
        top = 100 if pd.isna(band["age_max"]) else int(band["age_max"])
        assert base[sex, int(band["age_min"]) : top + 1].sum() == pytest.approx(band["persons"], rel=1e-12)
    assert (base > 0).all()


@pytest.mark.parametrize("year", [2020, 2021, 2022])
def test_base_population_matches_bns_sex_totals_of_the_base_year(inputs, calibration, year):
    base = population.base_population(inputs, calibration, year)
    bns = inputs["bns_population_1jan"].query("area == 'almaty'").set_index(["year", "sex"])["persons"]
    assert base[0].sum() == pytest.approx(bns[(year, "male")]) and base[1].sum() == pytest.approx(bns[(year, "female")])


def test_base_year_without_age_detail_is_refused(inputs, calibration):
    with pytest.raises(ValueError, match="base_year 2019"):
        population.base_population(inputs, calibration, 2019)


def test_scenario_defaults_are_the_calibrated_values(calibration):
    tolerance = {"tfr": 0.005, "tfr_change": 5e-5, "net_migration": 10, "life_expectancy_sd": 0.005}
    for name, value in calibration["defaults"].items():
        assert scenarios.PARAMETERS[name].default == pytest.approx(value, abs=tolerance.get(name, 5e-4)), name


def test_same_seed_same_trajectories_other_seed_other(calibration, inputs):
    base = population.base_population(inputs, calibration, 2022)
    a = Assumptions(**calibration["defaults"])
    one = population.run(base, calibration["schedules"], a, 2022, 2030, n=50, seed=7)["population"]
    two = population.run(base, calibration["schedules"], a, 2022, 2030, n=50, seed=7)["population"]
    three = population.run(base, calibration["schedules"], a, 2022, 2030, n=50, seed=8)["population"]
    np.testing.assert_array_equal(one, two)
    assert not np.array_equal(one, three)


def test_intervals_are_nested_and_widen_with_the_horizon(small_forecast):
    total = small_forecast.tables["population_total"]
    assert (total["lo_95"] <= total["lo_80"]).all() and (total["lo_80"] <= total["value"] * 1.01).all()
    assert (total["hi_80"] <= total["hi_95"]).all() and (total["value"] * 0.99 <= total["hi_80"]).all()
    width = (total["hi_80"] - total["lo_80"]).to_numpy()
    assert width[0] == 0 and (np.diff(width) > 0).all()
    ages = small_forecast.tables["population_by_age_sex"]
    assert (ages["lo_80"] <= ages["hi_80"]).all()


def test_components_table_adds_up_exactly(small_forecast):
    comp = small_forecast.tables["population_components"].dropna()
    full = small_forecast.tables["population_components"]["value"]
    change = full.diff().dropna().astype(int).to_numpy()
    assert (change == (comp["births"] - comp["deaths"] + comp["net_migration"]).to_numpy()).all()
    assert (comp["net_migration"] - small_forecast.assumptions.net_migration).abs().max() <= 2


def test_districts_add_up_to_the_city_every_year(small_forecast):
    districts = small_forecast.tables["population_by_district"].groupby("year")["value"].sum()
    totals = small_forecast.tables["population_total"].set_index("year")["value"]
    assert (districts == totals.astype(int)).all()
    assert set(small_forecast.tables["population_by_district"]["district"]) == set(scenarios.DISTRICTS)


def test_periphery_factor_moves_shares_toward_the_periphery():
    totals = pd.Series([1000.0, 1100.0, 1200.0], index=[2022, 2023, 2024])
    counts = pd.Series({"alatau": 300.0, "almaly": 700.0})
    flat = population.district_projection(totals, counts, ("alatau",), 1.0).query("year == 2024").set_index("district")["value"]
    tilted = population.district_projection(totals, counts, ("alatau",), 2.0).query("year == 2024").set_index("district")["value"]
    assert flat["alatau"] == 360 and tilted["alatau"] > 360 and tilted.sum() == 1200


def test_variants_are_ordered_low_medium_high_and_zero_migration_grows_least(small_forecast):
    v = small_forecast.tables["population_variants"].pivot(index="year", columns="variant", values="value").iloc[-1]
    assert v["low"] < v["medium"] < v["high"] and v["zero_migration"] < v["low"]


def test_unknown_variant_is_refused():
    with pytest.raises(scenarios.ParameterError, match="population_variant"):
        scenarios.check(population_variant="optimistic")
    with pytest.raises(ValueError, match="unknown population variant 'optimistic'"):
        Assumptions(1.8, 0, 70, 78, 0.1, 1000, 0.5).variant("optimistic")


@pytest.mark.parametrize(
    "name, value",
    [("tfr", -1.0), ("tfr", 0.0), ("net_migration", 1e7), ("n_simulations", 0), ("seed", -1), ("migration_sd", -0.1), ("horizon", 2051)],
)
def test_impossible_population_parameters_are_refused(name, value):
    with pytest.raises(scenarios.ParameterError, match=f"parameter '{name}'"):
        scenarios.check(**{name: value})


def test_base_estimate_is_shared_through_data_processed(calibration):
    from almaty_analytics import paths

    cached = pd.read_csv(paths.processed_dir() / "population_base_2020.csv")
    np.testing.assert_allclose(cached["persons"].to_numpy().reshape(2, N_AGES), calibration["base_2020"])
    assert (paths.processed_dir() / "population_base_2020.inputs.json").exists()


def test_age_groups_add_up_to_the_total_and_have_their_own_intervals(small_forecast):
    groups = small_forecast.tables["population_age_groups"]
    totals = small_forecast.tables["population_total"].set_index("year")["value"]
    assert (groups.groupby("year")["value"].sum() - totals).abs().max() <= len(population.AGE_GROUPS)
    assert (groups["lo_95"] <= groups["lo_80"]).all() and (groups["hi_80"] <= groups["hi_95"]).all()
    school = groups[groups["age_group"].str.startswith("6-17")]
    assert (school["hi_80"] - school["lo_80"]).iloc[-1] > 0
