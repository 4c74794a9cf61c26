"""School-seat model: known-answer toys, calibration to the programme, pipeline, districts, parameters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from almaty_analytics import io, population, scenarios, schools


@pytest.fixture(scope="module")
def params():
    return scenarios.load("default", {"n_simulations": 200}).parameters


@pytest.fixture(scope="module")
def pop(params):
    return population.forecast(params, population.read_inputs())


def _forecast(params, pop, **overrides):
    return schools.forecast(
        params | overrides,
        pop,
        io.read_table("programme_schools"),
        io.read_table("programme_school_build_plan"),
        io.read_table("school_capacity_by_district"),
    )


@pytest.fixture(scope="module")
def fc(params, pop):
    return _forecast(params, pop)


def test_constant_cohorts_give_constant_enrolment():
    cohorts = np.full((6, 11), 1000.0)
    calibration = schools.calibrate(cohorts[0], state_pupils=9000.0, private_share=0.1, first_to_last=1.0)
    pupils = schools.pupils_by_grade(cohorts, calibration)
    np.testing.assert_allclose(pupils, np.broadcast_to(pupils[0], pupils.shape))
    assert pupils[0].sum() == pytest.approx(10000.0)


def test_progression_follows_the_cohorts_and_the_transition():
    cohorts = np.full((3, 11), 1000.0)
    cohorts[1] *= 1.1  # every cohort grows 10 % in a year (in-migration of children)
    calibration = schools.calibrate(cohorts[0], 9000.0, 0.0, first_to_last=2.0)
    assert calibration.transition == pytest.approx(0.5)
    pupils = schools.pupils_by_grade(cohorts, calibration)
    np.testing.assert_allclose(pupils[1, 1:9], pupils[0, :8] * 1.1)
    np.testing.assert_allclose(pupils[0, 0] / pupils[0, 10], 2.0)


def test_extra_inflow_adds_exactly_that_many_pupils_a_year():
    cohorts = np.full((4, 11), 1000.0)
    calibration = schools.calibrate(cohorts[0], 9000.0, 0.0, 1.0)
    base = schools.pupils_by_grade(cohorts, calibration).sum(axis=1)
    extra = schools.pupils_by_grade(cohorts, calibration, extra_inflow=500.0).sum(axis=1)
    assert extra[1] - base[1] == pytest.approx(500.0)


def test_impossible_first_to_last_ratio_is_refused():
    with pytest.raises(ValueError, match="9->10 transition"):
        schools.calibrate(np.full(11, 1000.0), 9000.0, 0.0, first_to_last=0.5)


def test_calibration_reproduces_the_programme_2022_state_pupils(fc):
    first = fc.tables["school_seats"].query("regime == 'current'").iloc[0]
    assert first["school_year"] == "2022/23" and first["pupils_state"] == 292_000
    grades = fc.tables["school_pupils_by_grade"].query("school_year == '2022/23'").set_index("grade")["pupils"]
    assert grades.sum() == pytest.approx(292_000 / (1 - 0.0875), abs=2)
    assert grades[1] / grades[11] == pytest.approx(2.0, rel=0.01)  # first-graders about twice the graduates (line 2793)


def test_first_year_growth_matches_the_programme_growth(fc):
    state = fc.tables["school_seats"].query("regime == 'current'")["pupils_state"].to_numpy()
    private_added = fc.tables["school_build_pipeline"].query("funding_source == 'private' and school_year == '2023/24'")["seats"].sum()
    assert state[1] - state[0] + private_added == pytest.approx(12_000, abs=300)  # 280 -> 292 thousand (line 303)


def test_seats_2021_are_pupils_minus_the_programme_deficit(fc):
    first = fc.tables["school_seats"].query("regime == 'current'").iloc[0]
    delivered_2022 = fc.tables["school_build_pipeline"].query("school_year == '2022/23' and funding_source != 'private'")["seats"].sum()
    assert first["seats"] == pytest.approx(280_000 - 19_600 + delivered_2022, abs=1)


def test_adding_n_seats_lowers_the_deficit_by_exactly_n(params, pop, fc):
    more = _forecast(params, pop, build_rate_after_2025=params["build_rate_after_2025"] + 1)
    before = fc.tables["school_seats"].query("regime == 'current'").set_index("school_year")["deficit"]
    after = more.tables["school_seats"].query("regime == 'current'").set_index("school_year")["deficit"]
    years_after_2025 = [y for y in before.index if int(y[:4]) > 2025]
    for i, year in enumerate(years_after_2025, start=1):
        assert before[year] - after[year] == pytest.approx(i * params["school_size"], abs=1)
    assert (before[:"2025/26"] == after[:"2025/26"]).all()


def test_a_delay_of_k_years_shifts_the_delivery_by_k(params):
    plan = io.read_table("programme_school_build_plan")
    on_time = schools.pipeline(plan, range(2021, 2031), delivery={}, delay={}, rate_after_2025=0, school_size=1200)
    late = schools.pipeline(plan, range(2021, 2031), delivery={}, delay={"budget": 2}, rate_after_2025=0, school_size=1200)
    a = on_time.query("funding_source == 'budget'").set_index("year")["seats"]
    b = late.query("funding_source == 'budget'").set_index("year")["seats"]
    pd.testing.assert_series_equal(a.set_axis(a.index + 2), b, check_names=False)


def test_pipeline_adds_up_to_the_programme_totals():
    plan = io.read_table("programme_school_build_plan")
    built = schools.pipeline(plan, range(2021, 2026), delivery={}, delay={}, rate_after_2025=6, school_size=1200)
    assert built["seats"].sum() == pytest.approx(46_300)  # 71 schools, 46.3 thousand seats (line 2918)
    half = schools.pipeline(plan, range(2021, 2026), delivery={"memorandum": 0.5}, delay={}, rate_after_2025=6, school_size=1200)
    assert built["seats"].sum() - half["seats"].sum() == pytest.approx(8_000)


def test_unknown_funding_source_is_refused():
    with pytest.raises(ValueError, match="unknown funding source"):
        schools.pipeline(
            io.read_table("programme_school_build_plan"),
            range(2021, 2026),
            delivery={"lottery": 1.0},
            delay={},
            rate_after_2025=0,
            school_size=1,
        )


def test_one_shift_regime_halves_seats_when_two_shifts_are_current(fc):
    seats = fc.tables["school_seats"].pivot(index="school_year", columns="regime", values="seats")
    np.testing.assert_allclose(seats["1_shift_25_per_class"], seats["current"] / 2, atol=1)


def test_intervals_contain_the_central_deficit_and_probabilities_are_ordered(fc):
    s = fc.tables["school_seats"]
    assert (s["deficit_lo_80"] <= s["deficit_hi_80"]).all()
    assert (s["p_deficit_over_0"] >= s["p_deficit_over_5000"]).all() and (s["p_deficit_over_5000"] >= s["p_deficit_over_10000"]).all()
    assert (s["schools_needed"] * 1200 >= s["deficit"].clip(lower=0)).all()


def test_targets_table_compares_2025_and_2030(fc):
    t = fc.tables["school_targets"].set_index("school_year")
    assert list(t.index) == ["2025/26", "2030/31"]
    assert t.loc["2025/26", "target_deficit"] == 7300 and t.loc["2030/31", "target_deficit"] == 4300
    assert (t["gap"] == t["projected_deficit"] - t["target_deficit"]).all()


def test_a_surplus_in_one_district_never_offsets_another():
    pupils = pd.DataFrame({"school_year": ["2022/23"] * 3, "district": ["alatau", "medeu", "almaly"], "pupils_state": [1000, 1000, 1000]})
    capacity = pd.DataFrame({"district": ["alatau", "medeu", "almaly"], "school_year": ["2022/23"] * 3, "state_seats": [800, 1500, None]})
    out = schools.district_deficits(pupils, capacity)
    assert list(out["district"]) == ["alatau", "medeu"]  # unknown capacity: no deficit reported
    assert out["shortage"].sum() == 200 and out["deficit"].sum() == -300


def test_district_table_is_empty_while_the_template_is_empty(fc):
    assert fc.tables["school_district_deficits"].empty


def test_school_model_needs_a_2022_population_base(params, pop):
    other = population.forecast(params | {"base_year": 2021}, population.read_inputs())
    with pytest.raises(ValueError, match="base_year must be 2022"):
        _forecast(params, other)


def test_default_extra_inflow_is_the_calibrated_value(params, pop):
    central = schools.grade_cohorts(pop.central["population"][0])
    calibration = schools.calibrate(central[0], 292_000, params["private_share"], 2.0)
    value = schools.calibrate_extra_inflow(central, calibration, params["private_share"], 12_000)
    assert scenarios.PARAMETERS["extra_pupil_inflow"].default == pytest.approx(value, abs=10)


@pytest.mark.parametrize(
    "name, value",
    [
        ("school_shifts", 4),
        ("class_size", 0),
        ("delivery_budget", 1.5),
        ("delay_memorandum", -1),
        ("private_share", 0.95),
        ("school_size", 0),
        ("current_shifts", 0.5),
    ],
)
def test_impossible_school_parameters_are_refused(name, value):
    with pytest.raises(scenarios.ParameterError, match=f"parameter '{name}'"):
        scenarios.check(**{name: value})
