"""Plausibility before a kernel (issue 21, item 6): a net migration the population model would not apply in full and a
horizon shorter than a selected report needs are refused by ``run`` and ``validate`` (exit 2, one line), on the real
notebooks, data and scenarios; no kernel starts."""

from __future__ import annotations

import re
import shutil

import pytest

from almaty_analytics import cli, paths, population, runner, scenarios
from almaty_analytics.population import validation
from conftest import REPO

POPULATION = "10_population_forecast"


def refusal(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


@pytest.mark.parametrize("net", ["-50000", "-200000"])  # -200,000, the range's minimum, was silently scaled back (issue 21)
def test_run_refuses_a_net_migration_the_cohort_model_would_not_apply(no_kernel, capsys, net):
    assert cli.main(["run", "-p", f"net_migration={net}", "--notebook", POPULATION]) == 2
    line = refusal(capsys)
    assert f"notebook {POPULATION}: parameter 'net_migration': {int(net):,} a year: more than the cohort model can apply: in 20" in line
    assert re.search(r"expected at most [\d,]+ people leaving a year, the most it applies in full up to the horizon 2035 \(net_migration >= -[\d,]+\)$", line)


def test_validate_refuses_a_scenario_file_with_such_a_net_migration(no_kernel, capsys, monkeypatch, tmp_path):
    folder = tmp_path / "scenarios"
    shutil.copytree(REPO / "scenarios", folder)
    (folder / "exodus.yaml").write_text("description: Many leave.\nparameters:\n  horizon: 2035\n  net_migration: -50000\n")
    monkeypatch.setattr(paths, "scenarios_dir", lambda: folder)
    assert cli.main(["validate"]) == 2
    assert "scenario 'exodus': notebook 10_population_forecast: parameter 'net_migration': -50,000 a year" in refusal(capsys)


def test_the_largest_outflow_the_message_gives_is_accepted_and_one_step_more_is_not():
    notebooks = [REPO / "notebooks" / f"{POPULATION}.ipynb"]
    with pytest.raises(scenarios.ParameterError) as refused:
        runner.check_scenarios(["default"], notebooks, {"net_migration": -50000.0})
    bound = int(re.search(r"\(net_migration >= (-[\d,]+)\)", str(refused.value)).group(1).replace(",", ""))
    runner.check_scenarios(["default"], notebooks, {"net_migration": float(bound)})
    with pytest.raises(scenarios.ParameterError, match="parameter 'net_migration'"):
        runner.check_scenarios(["default"], notebooks, {"net_migration": float(bound - validation.OUTFLOW_STEP)})


def test_the_check_follows_the_variant_the_run_uses():
    """-25,000 a year is applied in full to 2035 in the medium variant (the most it applies is about 30,000 a year);
    the high variant moves 1.66 times as many (1 + 1.28 migration_sd), which the model cannot apply."""
    notebooks = [REPO / "notebooks" / f"{POPULATION}.ipynb"]
    runner.check_scenarios(["default"], notebooks, {"net_migration": -25000.0})
    with pytest.raises(scenarios.ParameterError, match=r"-25,000 a year \(x 1\.66 in variant high: -41,\d{3}\)"):
        runner.check_scenarios(["default"], notebooks, {"net_migration": -25000.0, "population_variant": "high"})


def test_a_gain_a_variant_turns_into_an_outflow_names_migration_sd():
    with pytest.raises(scenarios.ParameterError, match=r"parameter 'migration_sd': 2 in population_variant low turns net migration [\d,]+ into -"):
        runner.check_scenarios(["default"], [REPO / "notebooks" / f"{POPULATION}.ipynb"], {"population_variant": "low", "migration_sd": 2.0})


@pytest.mark.parametrize(
    "overrides",
    [{}, {"net_migration": 0.0}, {"net_migration": 300000.0}, {"population_variant": "low"}, {"population_variant": "high", "migration_sd": 2.0},
     {"net_migration": -50000.0, "population_variant": "low", "migration_sd": 1.0}],  # the last: -50,000 x (1 - 1.28) is a gain
)
def test_a_path_that_cannot_be_an_outflow_computes_nothing(monkeypatch, overrides):
    monkeypatch.setattr(validation, "basis", lambda params: pytest.fail("the population was computed for a gain"))
    runner.check_scenarios(scenarios.available() if not overrides else ["default"], runner.discover(), overrides)  # {}: every scenario


@pytest.mark.parametrize("notebook", ["20_school_seat_deficit", "25_preschool_places", "30_emissions_forecast", "90_summary"])
def test_run_refuses_a_horizon_before_the_last_year_a_selected_report_shows(no_kernel, capsys, notebook):
    assert cli.main(["run", "-p", "horizon=2029", "--notebook", notebook]) == 2
    assert re.search(rf"notebook {notebook}: parameter 'horizon': 2029 ends before 2030, .*; expected >= 2030$", refusal(capsys))


def test_a_horizon_of_2023_is_refused_before_the_school_report_would_die_with_a_key_error(no_kernel, capsys):
    assert cli.main(["run", "-p", "base_year=2022", "-p", "horizon=2023"]) == 2  # every report: 20 used to fail with a bare KeyError
    assert "parameter 'horizon': 2023 ends before" in refusal(capsys)


def test_every_report_accepts_the_horizon_it_needs_and_the_population_report_a_shorter_one():
    runner.check_scenarios(["default"], runner.discover(), {"horizon": 2030})
    runner.check_scenarios(["default"], [REPO / "notebooks" / f"{POPULATION}.ipynb"], {"horizon": 2024})


def test_each_check_runs_once_for_the_selection(monkeypatch):
    """Five reports use the population forecast: its check runs once, not for each of them."""
    calls = []

    def counted(params):
        calls.append(params["scenario"])

    for stem, checks in list(runner.PRE_RUN_CHECKS.items()):
        monkeypatch.setitem(runner.PRE_RUN_CHECKS, stem, tuple(counted if c is population.validate else c for c in checks))
    runner.pre_run_checks(runner.discover(), scenarios.load("default").parameters)
    assert calls == ["default"]
