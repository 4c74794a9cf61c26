"""Corpus of bad inputs: each is refused by the CLI with exit 2, one line on stderr naming what is wrong, no kernel.

Cases cover parameters, scenario files, data files, the data manifest, command-line flags and
output folders. Each runs ``cli.main`` in-process on a throw-away project (conftest ``project``)
with the kernel launcher and the executor replaced by spies, so a case that reached a kernel
fails loudly; none leaves a staging folder. The whole corpus runs in a few seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from almaty_analytics import cli, io

RAW = Path("data") / "raw"


@dataclass
class Case:
    argv: list[str]
    named: str  # the message must contain this (the offending file, field, parameter or flag)
    setup: Callable[[Path], None] | None = None


def edit(relative: str, change: Callable[[str], str]) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / relative
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")

    return apply


def write(relative: str, content: str | bytes) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")

    return apply


def scenario(name: str, text: str | bytes) -> Callable[[Path], None]:
    return write(f"scenarios/{name}.yaml", text)


def replace_in_manifest(old: str, new: str) -> Callable[[Path], None]:
    def change(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return edit(f"{RAW}/datapackage.yaml", change)


def replace_in_table(name: str, old: str, new: str) -> Callable[[Path], None]:
    def change(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return edit(f"{RAW}/{name}", change)


def make_dir(relative: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        target = root / relative
        if target.is_file():
            target.unlink()
        target.mkdir(parents=True)

    return apply


GOOD = "description: test\nparameters:\n  base_year: 2022\n  horizon: 2035\n"
POP = "bns_population_1jan.csv"
BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(  # 404 bytes that expand to 10^9 values (issue 21)
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
)

CASES: dict[str, Case] = {
    # -- parameters given with -p --
    "p_tfr_nan": Case(["run", "-p", "tfr=nan"], "'tfr'"),
    "p_net_migration_NaN": Case(["run", "-p", "net_migration=NaN"], "'net_migration'"),
    "p_tfr_inf": Case(["run", "-p", "tfr=inf"], "'tfr'"),
    "p_tfr_minus_inf": Case(["run", "-p", "tfr_change=-inf"], "'tfr_change'"),
    "p_float_overflow": Case(["run", "-p", "life_expectancy_gain=1e400"], "'life_expectancy_gain'"),
    "p_base_year_2018_outside_the_model": Case(["run", "-p", "base_year=2018"], "'base_year'"),
    "p_base_year_after_data": Case(["run", "-p", "base_year=2024"], "'base_year'"),  # the newest 1 January total is 2023
    "p_base_year_text": Case(["run", "-p", "base_year=twenty"], "'base_year'"),
    "p_n_simulations_too_many_for_memory": Case(["run", "-p", "n_simulations=100000"], "'n_simulations'"),
    "p_n_simulations_fraction": Case(["run", "-p", "n_simulations=1.5"], "'n_simulations'"),
    "p_seed_negative": Case(["run", "-p", "seed=-1"], "'seed'"),
    "p_unknown_district": Case(["run", "-p", "districts=alatau,atlantis"], "'districts'"),
    "p_repeated_district": Case(["run", "-p", "districts=alatau,alatau"], "parameter 'districts': ['alatau'] given more than once"),
    "p_unknown_choice": Case(["run", "-p", "population_variant=extreme"], "'population_variant'"),
    "p_unknown_parameter": Case(["run", "-p", "bogus=1"], "'bogus'"),
    "p_runner_parameter": Case(["run", "-p", "output_dir=/tmp/x"], "'output_dir'"),
    "p_given_twice": Case(["run", "-p", "base_year=2021", "-p", "base_year=2022"], "'base_year' is given twice"),
    "p_not_key_value": Case(["run", "-p", "base_year"], "KEY=VALUE"),
    "p_not_used_by_the_notebooks": Case(["run", "-p", "net_migration=1000"], "'net_migration' is not used"),
    # -- scenario files --
    "yaml_nan": Case(["run", "--scenario", "bad"], "'tfr'", scenario("bad", GOOD + "  tfr: .nan\n")),
    "all_scenarios_one_bad": Case(["run", "--all-scenarios"], "'bad'", scenario("bad", GOOD + "  tfr: .nan\n")),
    "all_scenarios_and_scenario": Case(["run", "--all-scenarios", "--scenario", "default"], "--all-scenarios"),
    "yaml_inf": Case(["run", "--scenario", "bad"], "'migration_sd'", scenario("bad", GOOD + "  migration_sd: .inf\n")),
    "yaml_unknown_top_level_key": Case(["run", "--scenario", "bad"], "'paramters'", scenario("bad", GOOD + "paramters: {}\n")),
    "yaml_duplicated_parameter": Case(["run", "--scenario", "bad"], "bad.yaml", scenario("bad", GOOD + "  horizon: 2040\n")),
    "yaml_not_utf8": Case(["run", "--scenario", "bad"], "bad.yaml", scenario("bad", GOOD.encode() + b"  report_note: caf\xe9\n")),
    "yaml_is_a_folder": Case(["run", "--scenario", "bad"], "bad.yaml", make_dir("scenarios/bad.yaml")),
    "yaml_invalid": Case(["run", "--scenario", "bad"], "bad.yaml", scenario("bad", "description: [unclosed\n")),
    "yaml_python_tag": Case(["run", "--scenario", "bad"], "bad.yaml", scenario("bad", "!!python/object/apply:os.system ['true']\n")),
    "yaml_parameters_a_list": Case(["run", "--scenario", "bad"], "bad.yaml", scenario("bad", "description: x\nparameters: [a, b]\n")),
    "yaml_wrong_type": Case(["run", "--scenario", "bad"], "'base_year'", scenario("bad", GOOD.replace("2022", "'2022'"))),
    "yaml_alias_bomb": Case(["run", "--scenario", "bad"], "bad.yaml: expands to more than", scenario("bad", BOMB)),
    "yaml_alias_bomb_validate": Case(["validate"], "bad.yaml: expands to more than", scenario("bad", BOMB)),
    "yaml_oversized": Case(["run", "--scenario", "bad"], "bad.yaml", scenario("bad", GOOD + "# " + "x" * 1_100_000 + "\n")),
    "yaml_unknown_scenario": Case(["run", "--scenario", "nosuch"], "'nosuch'"),
    "yaml_bad_scenario_name": Case(["run", "--scenario", "../default"], "'../default'"),
    # -- raw data files --
    "csv_header_only": Case(["run"], "bns_schools.csv", write(f"{RAW}/bns_schools.csv", "school_year,start_year,area,schools\n")),
    "csv_missing_required_row": Case(["run"], f"{POP}: no row with year=2022, area='almaty', sex='male'", replace_in_table(POP, "2022,almaty,male,976659,2022-06-30\n", "")),
    "csv_inf_persons": Case(["run"], "column 'persons'", replace_in_table(POP, "2022,almaty,male,976659", "2022,almaty,male,inf")),
    "csv_1e15_persons": Case(["run"], "column 'persons'", replace_in_table(POP, "2022,almaty,male,976659", "2022,almaty,male,1e15")),
    "csv_nan_number": Case(["run"], "column 'emissions_kt'", replace_in_table("bns_stationary_emissions.csv", "2005,almaty,15.5", "2005,almaty,nan")),
    "csv_huge_integer": Case(["run"], "column 'schools'", replace_in_table("bns_schools.csv", "2000/01,2000,almaty,237", "2000/01,2000,almaty,1e300")),
    "csv_not_utf8": Case(["run"], "bns_schools.csv", write(f"{RAW}/bns_schools.csv", b"school_year,start_year,area,schools\n2000/01,2000,alma\xffty,237\n")),
    "csv_missing": Case(["run"], "level_shifts.csv", lambda root: (root / RAW / "level_shifts.csv").unlink()),
    "csv_is_a_folder": Case(["run"], "level_shifts.csv", make_dir(f"{RAW}/level_shifts.csv")),
    "csv_impossible_date": Case(["run"], "dated_statements.csv: row 2, column 'date': expected a date YYYY-MM-DD, got '2012-13-31'",
                                replace_in_table("dated_statements.csv", "2012-03-31,migration,arrivals", "2012-13-31,migration,arrivals")),
    "csv_school_year_typo": Case(["run"], "bns_schools.csv: row 2, column 'school_year': expected a school year like 2022/23, got '2000/xx'",
                                 replace_in_table("bns_schools.csv", "2000/01,2000,almaty,237", "2000/xx,2000,almaty,237")),
    "csv_school_year_dash": Case(["run"], "column 'school_year': expected a school year like 2022/23, got '2022-23'",
                                 replace_in_table("school_capacity_by_district.csv", "2022/23", "2022-23")),
    "csv_implausible_build_plan": Case(["run"], "programme_school_build_plan.csv: row 3, column 'schools': value 5000 is out of range; expected <= 100",
                                       replace_in_table("programme_school_build_plan.csv", "budget,2023,5,", "budget,2023,5000,")),
    "csv_implausible_district_seats": Case(["run"], "column 'state_seats': value 5 is out of range; expected >= 1000",
                                           replace_in_table("school_capacity_by_district.csv", "alatau,2022/23,,", "alatau,2022/23,5,")),
    "csv_duplicate_key": Case(["run"], "duplicate key {'year': 2000", replace_in_table(POP, "2000,almaty,male,", "2000,almaty,total,")),
    "csv_extra_column": Case(["run"], "bns_schools.csv", edit(f"{RAW}/bns_schools.csv", lambda t: t.replace("published\n", "published,extra\n", 1))),
    "csv_unknown_label": Case(["run"], "column 'area'", replace_in_table("bns_schools.csv", "2000,almaty,237", "2000,almatty,237")),
    # -- implausible data (plausibility, before any kernel) --
    "plausible_parts_do_not_add_up": Case(["validate"], f"{POP}: {{'year': 2022, 'area': 'almaty'}}", replace_in_table(POP, "2022,almaty,male,976659", "2022,almaty,male,976000")),
    "plausible_step_beyond_bound": Case(["run"], "bns_stationary_emissions.csv: {'area': 'almaty'}", replace_in_table("bns_stationary_emissions.csv", "2006,almaty,15.1", "2006,almaty,35.1")),
    "plausible_total_ten_times_its_parts": Case(["validate"], f"{POP}: {{'year': 2022, 'area': 'almaty'}}", replace_in_table(POP, "2022,almaty,total,2101485", "2022,almaty,total,21014850")),
    "plausible_file_cut_mid_number": Case(["run"], POP, edit(f"{RAW}/{POP}", lambda t: t[: t.rindex("19766807") + 4])),
    "plausible_file_cut_short": Case(["run"], "level_shifts.csv: the last line has no line end", edit(f"{RAW}/level_shifts.csv", lambda t: t.rstrip("\n"))),
    "plausible_districts_disagree_with_city": Case(
        ["validate"], "bns_population_districts.csv: 1 January 2023",
        edit(f"{RAW}/bns_population_districts.csv", lambda t: t.replace("2023,alatau,total,354899", "2023,alatau,total,454899").replace("2023,alatau,female,185605", "2023,alatau,female,285605")),
    ),
    # -- the data manifest --
    "manifest_alias_bomb": Case(["validate"], "datapackage.yaml: expands to more than", write(f"{RAW}/datapackage.yaml", BOMB)),
    "manifest_no_tables": Case(["validate"], "datapackage.yaml", write(f"{RAW}/datapackage.yaml", "name: x\nresources: []\n")),
    "manifest_min_abc": Case(["run"], "field 'year', key 'min'", replace_in_manifest("min: 2000, max: 2100, description: population", "min: abc, max: 2100, description: population")),
    "manifest_max_nan": Case(["run"], "key 'max'", replace_in_manifest("min: 2000, max: 2100, description: calendar year", "min: 2000, max: .nan, description: calendar year")),
    "manifest_resource_is_text": Case(["run"], "datapackage.yaml", replace_in_manifest("resources:\n", "resources:\n  - just a string\n")),
    "manifest_not_utf8": Case(["run"], "datapackage.yaml", write(f"{RAW}/datapackage.yaml", b"name: x\nresources:\n  - name: caf\xe9\n")),
    "manifest_duplicate_key": Case(["run"], "datapackage.yaml", replace_in_manifest("    path: bns_population_1jan.csv\n", "    path: bns_population_1jan.csv\n    path: other.csv\n")),
    "manifest_missing": Case(["validate"], "datapackage.yaml", lambda root: (root / RAW / "datapackage.yaml").unlink()),
    "manifest_unknown_type": Case(["run"], "field 'persons'", replace_in_manifest("{name: persons, type: integer", "{name: persons, type: int")),
    "manifest_path_outside_raw": Case(["run"], "key 'path'", replace_in_manifest("path: bns_population_1jan.csv", "path: ../secrets.csv")),
    "manifest_required_rows_unknown_column": Case(["run"], "required_rows", replace_in_manifest("area: almaty, sex: [total", "areas: almaty, sex: [total")),
    "manifest_primary_key_unknown_column": Case(["run"], "primary_key", replace_in_manifest("primary_key: [year, area, sex, published]", "primary_key: [year, region, sex, published]")),
    "validate_header_only": Case(["validate"], "level_shifts.csv", edit(f"{RAW}/level_shifts.csv", lambda t: t.splitlines()[0] + "\n")),
    # -- command-line flags --
    "flag_jobs_zero": Case(["run", "--jobs", "0"], "--jobs"),
    "flag_jobs_text": Case(["run", "--jobs", "many"], "--jobs"),
    "flag_timeout_zero": Case(["run", "--timeout", "0"], "--timeout"),
    "flag_timeout_nan": Case(["run", "--timeout", "nan"], "--timeout"),
    "flag_lock_timeout_negative": Case(["run", "--lock-timeout", "-5"], "--lock-timeout"),
    "flag_language_unknown": Case(["run", "--language", "en,de"], "'de'"),
    "flag_language_twice": Case(["run", "--language", "en,ru,en"], "each language once"),
    "flag_language_and_parameter": Case(["run", "--language", "en,ru", "-p", "language=kk"], "give the language once"),
    "flag_unknown": Case(["run", "--fast"], "--fast"),
    "flag_unknown_notebook": Case(["run", "--notebook", "99_missing"], "'99_missing'"),
    "flag_no_command": Case([], "command"),
    "flag_vintage_before_the_programme": Case(["run", "--vintage", "2021-01-01"], "'vintage': 2021-01-01 is outside"),
    "flag_vintage_after_the_cutoff": Case(["run", "--vintage", "2024-06-01"], "'vintage': 2024-06-01 is outside"),
    "flag_vintage_not_a_date": Case(["run", "--vintage", "2023-02-30"], "'vintage': '2023-02-30' is not a date"),
    "flag_vintage_given_twice": Case(["run", "--vintage", "2023-01-01", "-p", "vintage=2023-01-01"], "give the vintage once"),
    # -- output folders --
    "output_empty": Case(["run", "--output", ""], "--output"),
    "output_is_a_file": Case(["run", "--output", "taken"], "taken", write("taken", "a file\n")),
    "output_under_a_file": Case(["run", "--output", "taken/reports"], "taken", write("taken", "a file\n")),
    "output_scenario_folder_is_a_file": Case(["run", "--output", "out"], "default", write("out/default", "a file\n")),
    "output_index_is_a_folder": Case(["run", "--output", "out"], "index.html is a folder", make_dir("out/index.html")),
    "output_tables_is_a_file": Case(["run", "--output", "out"], "tables", write("out/default/tables", "a file\n")),
    "output_not_writable": Case(["run", "--output", "/sys/almaty-reports"], "/sys"),
    "output_read_only_filesystem": Case(["run", "--output", "/proc/almaty-reports"], "/proc"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_exits_2_with_one_line_naming_it_and_no_kernel(project, no_kernel, capsys, monkeypatch, case):
    monkeypatch.chdir(project)
    if case.setup:
        case.setup(project)
    assert cli.main(case.argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("almaty-analytics: error: ")
    assert case.named in lines[0], lines[0]
    assert "np.int" not in lines[0] and "np.float" not in lines[0] and "Traceback" not in captured.err
    assert no_kernel == []
    assert not list(project.rglob(".staging")) and not (project / "reports" / "default" / "manifest.json").exists()


def test_the_corpus_has_at_least_40_cases_across_every_kind_of_input():
    kinds = {name.split("_")[0] for name in CASES}
    assert len(CASES) >= 40
    assert {"p", "yaml", "csv", "manifest", "flag", "output"} <= kinds


def test_every_persons_column_declares_a_sane_maximum():
    for resource in io.manifest().values():
        for field in resource.fields:
            if field.unit == "persons":
                assert field.max is not None and field.max <= 50_000_000, (resource.name, field.name)
