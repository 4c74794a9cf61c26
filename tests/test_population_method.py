"""The single-year cohort-component step against a published projection, Lotka's stable growth rate and
age-varying rates (issue 18, items 1-2)."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from almaty_analytics import evaluation, i18n, io, population
from almaty_analytics.population.model import AGES, SEXES, cohort_step, life_table, survival_ratios
from almaty_analytics.population.projection import central_scale

CANADA = "unpd_ccmpp_canada_1990_2020"


@pytest.fixture(scope="module")
def canada():
    return io.read_table(CANADA)


def by_sex_age(table, indicator: str, year: int) -> np.ndarray:
    rows = table[(table["indicator"] == indicator) & (table["year"] == year)]
    out = np.zeros((2, AGES.size))
    for i, sex in enumerate(SEXES):
        part = rows[rows["sex"] == sex]
        out[i, part["age"].to_numpy(dtype=int)] = part["value"].to_numpy()
    return out


def by_year(table, indicator: str):
    return table[table["indicator"] == indicator].set_index("year")["value"]


def project_canada(table):
    """The UN's 1990 population projected to 2020 with the UN's own life tables, fertility, sex ratio at birth and migrants."""
    population_now = by_sex_age(table, "population", 1990)[None]
    srb = by_year(table, "srb")
    rows = []
    for year in range(1990, 2020):
        survival, birth_survival = survival_ratios(by_sex_age(table, "mx", year), by_sex_age(table, "ax", year))
        fertility = by_sex_age(table, "asfr", year)[1]
        population_now, births, deaths, _ = cohort_step(
            population_now, survival[None], birth_survival[None], fertility[None], srb[year] / (1 + srb[year]),
            by_sex_age(table, "net_migrants", year)[None],
        )
        rows.append((year, population_now.sum(), births[0], deaths[0]))
    return np.array(rows), population_now[0]


def test_the_step_replicates_the_un_ccmpp_projection_of_canada_1990_2020(canada):
    rows, final = project_canada(canada)
    years = rows[:, 0].astype(int)
    total = rows[:, 1] / by_year(canada, "population_total").loc[years + 1].to_numpy() - 1
    births = rows[:, 2] / by_year(canada, "births_total").loc[years].to_numpy() - 1
    deaths = rows[:, 3] / by_year(canada, "deaths_total").loc[years].to_numpy() - 1
    assert np.abs(total).max() < 0.001  # measured 0.008 % (the step before issue 18: 0.58 % by 2020)
    assert np.abs(births).max() < 0.005  # measured 0.003 % (before: 1.1 %)
    assert np.abs(deaths).max() < 0.005  # measured 0.15 % (before: 3.7 %)
    # Single ages 0-99 in 2020 within 0.1 % (measured 0.053 %). The 100+ group is 9 % below the UN's: the UN's run
    # carries single ages above 100 (its life tables close at 130) where this step keeps one open group.
    published = by_sex_age(canada, "population", 2020)
    assert np.abs(final[:, :100] / published[:, :100] - 1).max() < 0.001


def test_the_survival_of_the_step_is_the_un_life_table_survival(canada):
    mx, ax = by_sex_age(canada, "mx", 2000), by_sex_age(canada, "ax", 2000)
    survivors, person_years, total_years = life_table(mx, ax)
    survival, birth_survival = survival_ratios(mx, ax)
    np.testing.assert_allclose(survival[:, :99], person_years[:, 1:100] / person_years[:, :99])
    np.testing.assert_allclose(survival[:, 99], total_years[:, 100] / total_years[:, 99])
    np.testing.assert_allclose(birth_survival, person_years[:, 0])
    assert np.all((survival > 0) & (survival < 1)) and np.all(np.diff(survivors, axis=1) <= 0)


def gompertz(a: float = 2e-5, b: float = 0.095) -> np.ndarray:
    """(2, 101) death rates rising with age, infants above children: rates that vary with age."""
    m = a * np.exp(b * AGES.astype(float)) + 0.0003
    m[0] = 0.012
    return np.stack([1.2 * m, m])


def test_a_cohort_survives_as_its_life_table_says_and_infant_deaths_are_counted_once():
    mx = gompertz()
    survival, birth_survival = survival_ratios(mx)
    _, person_years, _ = life_table(mx)
    fertility = np.zeros(AGES.size)
    fertility[20:40] = 0.08
    base = np.zeros((1, 2, AGES.size))
    base[0, :, 25] = 1000.0  # women (and men) aged 25, who bear children
    pop = base
    for year in range(10):
        pop, births, deaths, _ = cohort_step(pop, survival[None], birth_survival[None], fertility[None], 0.5, np.zeros_like(pop))
        if year == 0:
            women_end = 1000.0 * survival[1, 25]
            assert births[0] == pytest.approx(0.08 * (1000.0 + women_end) / 2)  # mean of the women at the start and the end
            newborns = births[0] * 0.5 * person_years[:, 0]
            np.testing.assert_allclose(pop[0, :, 0], newborns)  # aged 0 at the year's end: births × L(0)/l(0), nothing more
            infant_deaths = births[0] - newborns.sum()
            assert deaths[0] == pytest.approx(1000.0 * (2 - survival[:, 25].sum()) + infant_deaths)
            first_births = births[0]
    # ten years on, the cohort aged 25 is aged 35 with L(35)/L(25) of it left; the first year's births are aged 9: B·L(9)/l(0)
    np.testing.assert_allclose(pop[0, :, 35], 1000.0 * person_years[:, 35] / person_years[:, 25])
    np.testing.assert_allclose(pop[0, :, 9], first_births * 0.5 * person_years[:, 9])


def test_the_step_balances_births_deaths_and_migrants_with_age_varying_rates():
    mx = gompertz()
    survival, birth_survival = survival_ratios(mx)
    rng = np.random.default_rng(3)
    base = rng.uniform(5_000, 20_000, (1, 2, AGES.size))
    fertility = np.where((AGES >= 15) & (AGES <= 49), np.exp(-0.5 * ((AGES - 29) / 6.0) ** 2), 0.0)
    fertility *= 1.8 / fertility.sum()
    migrants = 1000.0 * np.stack([population.rogers_castro()] * 2)[None]
    nxt, births, deaths, applied = cohort_step(base, survival[None], birth_survival[None], fertility[None], 0.515, migrants)
    assert applied[0] == pytest.approx(migrants.sum())
    assert nxt.sum() - base.sum() == pytest.approx(births[0] - deaths[0] + migrants.sum())


def lotka_r(net_maternity: np.ndarray) -> float:
    """The r with Σ e^(−r(x+0.5)) φ(x) = 1 (bisection): Lotka's intrinsic growth rate of the net maternity φ."""
    lo, hi = -0.1, 0.1
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if (np.exp(-mid * (AGES + 0.5)) * net_maternity).sum() > 1 else (lo, mid)
    return (lo + hi) / 2


def test_constant_rates_converge_to_lotkas_stable_growth_rate():
    """A closed population under constant, age-varying rates (WPP Kazakhstan death rates, WPP fertility pattern,
    TFR 2.8) grows at last at the intrinsic rate r of its net maternity function L(x)·f(x)·(female share of births)."""
    schedules = population.build_schedules(io.read_table("wpp2022_kazakhstan_age_schedules"), 2022)
    mx = schedules.mortality_shape
    fertility = 2.8 * schedules.fertility_pattern
    female_share = 1 / (1 + population.model.SEX_RATIO_AT_BIRTH)
    survival, birth_survival = survival_ratios(mx)
    _, person_years, _ = life_table(mx)
    pop = np.full((1, 2, AGES.size), 1000.0)
    totals = []
    for _ in range(400):
        pop, *_ = cohort_step(pop, survival[None], birth_survival[None], fertility[None], 1 - female_share, np.zeros_like(pop))
        totals.append(pop.sum())
    growth = np.log(totals[-1] / totals[-2])
    r = lotka_r(person_years[1] * fertility * female_share)
    assert growth == pytest.approx(r, abs=1e-5)  # measured: 0.0100427 against Lotka's 0.0100422


def test_child_ages_of_the_base_step_only_as_the_births_that_produced_them():
    """Ages 0-5 on 1 January of the age bands' year are the city's births of the six years before, reverse-survived:
    no step between neighbouring ages exceeds the step in their births by more than survival and the migrant stock
    (0.2 points: measured at most 0.11 at the fitted child share; the shape from national births had put age 0 9 %
    below the births of the year before)."""
    inputs = population.read_inputs(io.NEWEST)
    years = population.CalibrationYears.for_vintage(inputs, 0)
    data = population.calibration_data(inputs, years)
    child_share = float(population.migration_fit(inputs, data, "linear")["child_share"].iloc[0])
    base = population.base_estimate(data, child_share).sum(axis=0)
    on_year = years.age_bands
    births = population.estimates.city_births(data, np.arange(on_year - 6, on_year)).to_numpy()[::-1]  # born on_year-1-x
    age_steps = np.log(base[:5] / base[1:6])
    birth_steps = np.log(births[:5] / births[1:6])
    assert np.all(np.abs(age_steps) <= np.abs(birth_steps) + 0.002)
    assert base[0] == pytest.approx(births[0] * population.life_table(np.zeros(AGES.size))[1][0], rel=0.05)


def test_smith_tayman_trends_extrapolate_the_change_of_their_base_period():
    y = pd.Series(1000.0 * 1.03 ** np.arange(15) + 40.0 * np.arange(15) ** 1.5, index=range(2005, 2020))
    for b in (5, 10):
        line = evaluation.SMITH_TAYMAN[f"line_{b}"](y, 4)["mean"].to_numpy()
        expo = evaluation.SMITH_TAYMAN[f"expo_{b}"](y, 4)["mean"].to_numpy()
        h = np.arange(1, 5)
        np.testing.assert_allclose(line, y.iloc[-1] + h * (y.iloc[-1] - y.iloc[-1 - b]) / b)
        np.testing.assert_allclose(expo, y.iloc[-1] * (y.iloc[-1] / y.iloc[-1 - b]) ** (h / b))
    assert evaluation.SMITH_TAYMAN["line_5"](y, 1)["mean"].iloc[0] != evaluation.SMITH_TAYMAN["line_10"](y, 1)["mean"].iloc[0]


def test_the_central_path_combines_the_cohort_model_with_the_benchmark_the_backtest_chose():
    cohort = np.array([100.0, 110.0, 120.0])
    benchmarks = pd.DataFrame({"year": [2024, 2025, 2024, 2025], "method": ["expo_10", "expo_10", "naive", "naive"], "value": [130, 150, 100, 100]})
    np.testing.assert_allclose(central_scale("cohort_component", cohort, benchmarks), 1.0)
    scale = central_scale("combination (cohort_component + expo_10)", cohort, benchmarks)
    np.testing.assert_allclose(cohort * scale, [100.0, 120.0, 135.0])


def test_the_report_lists_every_evidence_target_the_fit_misses_with_its_reason():
    fit = pd.DataFrame({"statistic": ["pupil_growth", "share_14_35", "count_14_29"], "target": [13.0, 37.0, 440.0],
                        "tolerance": [1.0, 1.0, 10.0], "model": [12.5, 33.6, 455.0]})
    for language in ("en", "ru", "kk"):
        t = i18n.Text(language)
        text = population.report.fit_misses_text(SimpleNamespace(tables={"population_migration_fit": fit}), t)
        named = {s: t.term("fit_statistic", s) for s in fit["statistic"]}  # each statistic by its display name, not its id
        assert named["share_14_35"] in text and named["count_14_29"] in text and named["pupil_growth"] not in text
        assert "share_14_35" not in text and "count_14_29" not in text
        assert t("population.fit_why.share_14_35") in text
