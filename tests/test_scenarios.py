"""Parameter schema and scenario loading (scenarios.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from almaty_analytics import cli, io, paths, scenarios
from almaty_analytics.scenarios import ParameterError

REAL_SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
REAL_RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


@pytest.fixture
def tmp_scenarios(tmp_path, monkeypatch):
    """A tmp project root with a scenarios/ directory holding a valid 'base' scenario, and the real data/raw (the base
    year is resolved against it)."""
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "raw").symlink_to(REAL_RAW)
    monkeypatch.setenv(paths.ROOT_ENV, str(tmp_path))
    write_scenario(tmp_path, "base", "description: test base\nparameters:\n  base_year: 2020\n  horizon: 2030\n")
    return tmp_path


def write_scenario(root: Path, name: str, text: str) -> Path:
    path = root / "scenarios" / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def scenario_with(root: Path, name: str, parameter_lines: str) -> str:
    """Write scenarios/<name>.yaml with the given lines under `parameters:`; return the name."""
    body = "".join(f"  {line}\n" for line in parameter_lines.strip().splitlines())
    write_scenario(root, name, f"description: {name}\nparameters:\n{body}")
    return name


# --- loading --------------------------------------------------------------------------------


def test_valid_scenario_loads_with_defaults_filled_in(tmp_scenarios):
    loaded = scenarios.load("base")
    assert loaded.name == "base"
    assert loaded.description == "test base"
    assert loaded.path == tmp_scenarios / "scenarios" / "base.yaml"
    defaults = {n: p.default for n, p in scenarios.PARAMETERS.items() if not p.required}
    assert loaded.parameters == defaults | {"scenario": "base", "base_year": 2020, "horizon": 2030}
    assert loaded.parameters["districts"] == list(scenarios.DISTRICTS) and loaded.parameters["report_note"] == ""


def test_overrides_replace_scenario_values(tmp_scenarios):
    loaded = scenarios.load("base", {"horizon": 2040, "districts": ["medeu"]})
    assert loaded.parameters["horizon"] == 2040
    assert loaded.parameters["districts"] == ["medeu"]
    assert loaded.parameters["base_year"] == 2020


def test_real_default_scenario_loads(monkeypatch):
    monkeypatch.delenv(paths.ROOT_ENV, raising=False)
    assert paths.scenarios_dir() == REAL_SCENARIOS
    loaded = scenarios.load("default")
    assert loaded.parameters["scenario"] == "default" and loaded.parameters["vintage"] == ""  # the newest data in data/raw
    assert loaded.parameters["base_year"] == 2023  # its newest 1 January total (bns_population_1jan.csv, released 2023-06-30 and 2023-07-21)
    assert loaded.parameters["horizon"] == 2035
    assert loaded.parameters["districts"] == list(scenarios.DISTRICTS)
    assert loaded.description.strip()


def test_available_lists_scenario_files_sorted(tmp_scenarios):
    write_scenario(tmp_scenarios, "alpha", "description: a\nparameters: {base_year: 2020, horizon: 2030}\n")
    assert scenarios.available() == ["alpha", "base"]


# --- parameter errors in a scenario ---------------------------------------------------------


def test_unknown_parameter_is_named_with_the_scenario_file(tmp_scenarios):
    scenario_with(tmp_scenarios, "typo", "base_year: 2020\nhorizon: 2030\nhorizn: 2031")
    with pytest.raises(ParameterError, match=r"scenario 'typo' \(typo\.yaml\): unknown parameter 'horizn'; known parameters: "):
        scenarios.load("typo")


def test_missing_required_parameter_is_named(tmp_scenarios):
    scenario_with(tmp_scenarios, "partial", "base_year: 2020")
    with pytest.raises(ParameterError, match=r"required parameter 'horizon' is missing; expected an integer"):
        scenarios.load("partial")


def test_a_scenario_without_base_year_starts_from_the_newest_1_january_of_its_vintage(tmp_scenarios):
    scenario_with(tmp_scenarios, "newest", "horizon: 2030")
    assert scenarios.load("newest").parameters["base_year"] == 2023  # the default vintage: the newest data, 1 January 2023
    assert scenarios.load("newest", {"vintage": io.FIRST_VINTAGE}).parameters["base_year"] == 2022  # mid-2022: 2023 not yet published


@pytest.mark.parametrize(("year", "vintage", "newest"), [(2010, "", 2023), (2024, "", 2023), (2023, io.FIRST_VINTAGE, 2022)])
def test_a_base_year_outside_the_vintage_s_data_names_the_parameter_and_the_years(tmp_scenarios, year, vintage, newest):
    scenario_with(tmp_scenarios, "range", f"base_year: {year}\nhorizon: 2030\nvintage: '{vintage}'")
    with pytest.raises(ParameterError, match=rf"parameter 'base_year': {year} is outside .* or 2020 \(the age bands.*\) to {newest} \(the newest total"):
        scenarios.load("range")


@pytest.mark.parametrize(
    ("line", "name", "got"),
    [
        ("base_year: '2020'", "base_year", r"got '2020' \(str\)"),
        ("base_year: true", "base_year", r"got True \(bool\)"),
        ("districts: 3", "districts", r"got 3 \(int\)"),
        ("report_note: 5", "report_note", r"got 5 \(int\)"),
    ],
)
def test_wrong_type_names_the_parameter_expected_type_and_value(tmp_scenarios, line, name, got):
    lines = {"base_year": "base_year: 2020", "horizon": "horizon: 2030"}
    lines[name] = line
    scenario_with(tmp_scenarios, "wrongtype", "\n".join(lines.values()))
    with pytest.raises(ParameterError, match=rf"parameter '{name}': expected .*, {got}"):
        scenarios.load("wrongtype")


@pytest.mark.parametrize(
    ("lines", "name", "value"),
    [
        ("base_year: -1\nhorizon: 2030", "base_year", "-1"),
        ("base_year: 2020\nhorizon: 2060", "horizon", "2060"),
    ],
)
def test_out_of_range_value_names_the_parameter_and_its_range(tmp_scenarios, lines, name, value):
    scenario_with(tmp_scenarios, "range", lines)
    with pytest.raises(ParameterError, match=rf"parameter '{name}': {value} is out of range; expected an integer in \["):
        scenarios.load("range")


def test_range_bounds_are_inclusive(tmp_scenarios):
    scenario_with(tmp_scenarios, "edges", "base_year: 2020\nhorizon: 2050")
    assert scenarios.load("edges").parameters["base_year"] == 2020
    assert scenarios.load("edges", {"base_year": 2022, "horizon": 2023}).parameters["horizon"] == 2023


def test_horizon_equal_to_base_year_is_rejected_naming_horizon(tmp_scenarios):
    # horizon's own range (from 2023) fires first.
    scenario_with(tmp_scenarios, "same", "base_year: 2022\nhorizon: 2022")
    with pytest.raises(ParameterError, match=r"parameter 'horizon'"):
        scenarios.load("same")


def test_horizon_not_after_base_year_combination_check_names_horizon():
    # Through load it fires once the base year is resolved (test_population: horizon 2023 at the newest data); the rule itself here.
    with pytest.raises(ParameterError, match=r"parameter 'horizon': 2030 is not after base_year 2030"):
        scenarios._check_combinations({"base_year": 2030, "horizon": 2030})


def test_unknown_district_is_named(tmp_scenarios):
    scenario_with(tmp_scenarios, "baddistrict", "base_year: 2020\nhorizon: 2030\ndistricts: [medeu, gotham]")
    with pytest.raises(ParameterError, match=r"parameter 'districts': unknown item\(s\) \['gotham'\]"):
        scenarios.load("baddistrict")


def test_non_string_district_item_is_rejected(tmp_scenarios):
    with pytest.raises(ParameterError, match=r"parameter 'districts': unknown item\(s\) \[1\]"):
        scenarios.load("base", {"districts": [1]})


def test_empty_districts_list_is_rejected(tmp_scenarios):
    scenario_with(tmp_scenarios, "nodistricts", "base_year: 2020\nhorizon: 2030\ndistricts: []")
    with pytest.raises(ParameterError, match=r"parameter 'districts': the list is empty"):
        scenarios.load("nodistricts")


def test_unknown_scenario_lists_the_available_ones(tmp_scenarios):
    write_scenario(tmp_scenarios, "low", "description: low\nparameters: {base_year: 2020, horizon: 2030}\n")
    with pytest.raises(ParameterError, match=r"unknown scenario 'high'; available: base, low"):
        scenarios.load("high")


@pytest.mark.parametrize("name", ["../base", "Base", "base.yaml", "", "-base", "a b", "base/../base"])
def test_scenario_name_with_bad_characters_is_rejected(tmp_scenarios, name):
    with pytest.raises(ParameterError, match=rf"scenario {name!r}: expected a lowercase name"):
        scenarios.load(name)


@pytest.mark.parametrize(
    "text",
    [
        "- base_year: 2020\n- horizon: 2030\n",
        "just a string\n",
        "",
        "parameters: {base_year: 2020, horizon: 2030}\n",
        "description: 5\nparameters: {base_year: 2020, horizon: 2030}\n",
        "description: no parameters\n",
        "description: list parameters\nparameters: [base_year, horizon]\n",
    ],
)
def test_scenario_yaml_that_is_not_a_mapping_with_description_and_parameters_is_rejected(tmp_scenarios, text):
    write_scenario(tmp_scenarios, "malformed", text)
    with pytest.raises(ParameterError, match=r"malformed\.yaml: expected a mapping with 'description' \(text\) and 'parameters'"):
        scenarios.load("malformed")


@pytest.mark.parametrize("name", scenarios.RUNNER_PARAMETERS)
def test_runner_reserved_parameter_in_scenario_file_is_rejected(tmp_scenarios, name):
    scenario_with(tmp_scenarios, "reserved", f"base_year: 2020\nhorizon: 2030\n{name}: x")
    with pytest.raises(ParameterError, match=rf"parameter '{name}' is set by the runner"):
        scenarios.load("reserved")


@pytest.mark.parametrize("name", scenarios.RUNNER_PARAMETERS)
def test_runner_reserved_parameter_in_overrides_is_rejected(tmp_scenarios, name):
    with pytest.raises(ParameterError, match=rf"parameter '{name}' is set by the runner"):
        scenarios.load("base", {name: "elsewhere"})


def test_yaml_with_python_tag_is_rejected_as_invalid_yaml_and_not_executed(tmp_scenarios):
    marker = tmp_scenarios / "hacked"
    write_scenario(
        tmp_scenarios,
        "evil",
        f'description: !!python/object/apply:os.system ["touch {marker}"]\nparameters: {{base_year: 2020, horizon: 2030}}\n',
    )
    with pytest.raises(ParameterError, match=r"evil\.yaml: not valid YAML"):
        scenarios.load("evil")
    assert not marker.exists()


def test_yaml_syntax_error_is_reported_with_the_file(tmp_scenarios):
    write_scenario(tmp_scenarios, "broken", "description: x\nparameters: {base_year: 2020\n")
    with pytest.raises(ParameterError, match=r"broken\.yaml: not valid YAML"):
        scenarios.load("broken")


# --- parse_cli_value ------------------------------------------------------------------------


def test_parse_cli_value_parses_integers():
    assert scenarios.parse_cli_value("horizon", "2040") == 2040
    assert scenarios.parse_cli_value("base_year", " 2020 ") == 2020


def test_parse_cli_value_rejects_non_integer_text_naming_the_parameter():
    with pytest.raises(ParameterError, match=r"parameter 'horizon': expected an integer in \[2023, 2050\], got '20x0'"):
        scenarios.parse_cli_value("horizon", "20x0")


def test_parse_cli_value_checks_the_range():
    with pytest.raises(ParameterError, match=r"parameter 'horizon': 2060 is out of range"):
        scenarios.parse_cli_value("horizon", "2060")


def test_parse_cli_value_splits_lists_on_commas_and_strips_items():
    assert scenarios.parse_cli_value("districts", "medeu, almaly,,turksib ") == ["medeu", "almaly", "turksib"]


def test_parse_cli_value_list_checks_items():
    with pytest.raises(ParameterError, match=r"parameter 'districts': unknown item\(s\) \['nowhere'\]"):
        scenarios.parse_cli_value("districts", "medeu,nowhere")


@pytest.mark.parametrize(
    "text",
    [
        'x"; import os; os.system("rm -rf /") #\nnext',
        "  leading and trailing spaces  ",
        "{{ jinja }} ${SHELL} $(id) `id` 'single' \"double\"",
        "Алматы: черновик для бюджетной комиссии",
        "",
    ],
)
def test_parse_cli_value_keeps_strings_exactly_as_given(text):
    assert scenarios.parse_cli_value("report_note", text) == text


def test_parse_cli_value_rejects_unknown_parameter():
    with pytest.raises(ParameterError, match=r"unknown parameter 'colour'"):
        scenarios.parse_cli_value("colour", "red")


def test_override_string_with_code_survives_load_unchanged(tmp_scenarios):
    note = 'x"; import os; os.system("rm -rf /") #\nnext'
    assert scenarios.load("base", {"report_note": note}).parameters["report_note"] == note


# --- resolve and check ----------------------------------------------------------------------


def test_resolve_fills_defaults_for_optional_parameters():
    resolved = scenarios.resolve({"base_year": 2022, "horizon": 2035})
    defaults = {n: p.default for n, p in scenarios.PARAMETERS.items() if not p.required}
    assert resolved == defaults | {"base_year": 2022, "horizon": 2035}
    assert resolved["scenario"] == "default" and resolved["output_dir"] == "" and resolved["n_simulations"] == 1000


def test_resolve_keeps_given_values_over_defaults():
    resolved = scenarios.resolve({"base_year": 2022, "horizon": 2035, "report_note": "draft", "districts": ["almaly"]})
    assert resolved["report_note"] == "draft"
    assert resolved["districts"] == ["almaly"]


def test_resolve_requires_every_required_parameter():
    with pytest.raises(ParameterError, match=r"required parameter 'horizon' is missing"):
        scenarios.resolve({"base_year": 2022})


def test_resolve_returns_a_fresh_districts_list_each_time():
    first = scenarios.resolve({"base_year": 2022, "horizon": 2035})
    try:
        first["districts"].remove("medeu")
        assert scenarios.resolve({"base_year": 2022, "horizon": 2035})["districts"] == list(scenarios.DISTRICTS)
    finally:
        default = scenarios.PARAMETERS["districts"].default
        default[:] = list(scenarios.DISTRICTS)  # undo the damage for the other tests


def test_check_accepts_the_values_a_notebook_receives():
    received = {
        "scenario": "default",
        "report_note": "",
        "base_year": 2022,
        "districts": list(scenarios.DISTRICTS),
        "output_dir": "",
    }
    assert scenarios.check(**received) == received


@pytest.mark.parametrize(
    ("values", "name"),
    [
        ({"base_year": "2022"}, "base_year"),
        ({"base_year": 2014}, "base_year"),
        ({"districts": "medeu"}, "districts"),
        ({"districts": ["medeu", "atlantis"]}, "districts"),
        ({"districts": []}, "districts"),
        ({"output_dir": None}, "output_dir"),
    ],
)
def test_check_rejects_bad_notebook_values_naming_the_parameter(values, name):
    with pytest.raises(ParameterError, match=rf"parameter '{name}'"):
        scenarios.check(**values)


def test_check_rejects_an_unknown_notebook_parameter():
    with pytest.raises(ParameterError, match=r"unknown parameter 'horizn'"):
        scenarios.check(horizn=2030)


def test_every_parameter_has_help_text_and_a_describable_type():
    for name, spec in scenarios.PARAMETERS.items():
        assert spec.help.strip(), name
        assert spec.expected()
        if not spec.required:
            assert scenarios.check_value(name, spec.default) == spec.default


def test_a_parameter_set_from_the_data_says_so_instead_of_none(capsys):
    fitted = next(n for n, spec in scenarios.PARAMETERS.items() if spec.default is None and not spec.required)
    table = scenarios.parameters_table({fitted: 1.0}).set_index("parameter")
    assert table.loc[fitted, "default"] == "from the data"
    assert cli.main(["params"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith(f"{fitted}:"))
    assert "default: from the data of the vintage" in line and "None" not in line.split(".")[0]


def test_a_vintage_written_as_an_unquoted_yaml_date_is_the_date_it_means(tmp_scenarios):
    scenario_with(tmp_scenarios, "dated", "horizon: 2030\nvintage: 2022-09-12")  # YAML reads it as a date, not text
    assert scenarios.load("dated").parameters["vintage"] == "2022-09-12"
