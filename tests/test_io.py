"""Raw-data loader and validation (io.py): failure messages, typing, the real data, caching, atomic writes."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from almaty_analytics import cli, datapackage, io, paths

REPO = Path(__file__).resolve().parents[1]

REAL_RAW = Path(__file__).resolve().parents[1] / "data" / "raw"

TINY_MANIFEST = """\
name: tiny
resources:
  - name: tiny
    path: tiny.csv
    title: Tiny table
    publisher: Test publisher
    source: https://example.org/tiny
    published: "2022"
    licence: public
    primary_key: [id]
    fields:
      - {name: id, type: string}
      - {name: n, type: integer, unit: persons, min: 0, max: 100}
      - {name: x, type: number, unit: km, min: 0, max: 10}
      - {name: kind, type: string, enum: [a, b]}
      - {name: flag, type: boolean}
      - {name: count, type: integer, unit: items, required: false}
      - {name: note, type: string, required: false}
  - name: figures
    path: figures.csv
    title: Figures with one used value per indicator
    publisher: Test publisher
    source: https://example.org/figures
    published: "2022"
    licence: public
    primary_key: [figure_id]
    one_used_per: [indicator]
    fields:
      - {name: figure_id, type: string}
      - {name: indicator, type: string}
      - {name: value, type: number, unit: persons}
      - {name: used, type: boolean}
"""

HEADER = "id,n,x,kind,flag,count,note"
GOOD_ROWS = ["r1,1,0.5,a,true,,", "r2,2,1.5,b,false,7,hello"]
FIGURES_GOOD = "figure_id,indicator,value,used\nf1,pop,1,true\nf2,pop,2,false\nf3,growth,3,true\n"


def make_raw(root: Path, rows: list[str] | None = None, header: str = HEADER, figures: str = FIGURES_GOOD) -> Path:
    """A raw directory with the tiny manifest, tiny.csv (header + rows) and figures.csv."""
    root.mkdir(parents=True, exist_ok=True)
    (root / io.MANIFEST).write_text(TINY_MANIFEST, encoding="utf-8")
    lines = [header, *(GOOD_ROWS if rows is None else rows)]
    (root / "tiny.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "figures.csv").write_text(figures, encoding="utf-8")
    return root


def where(line: int, column: str) -> str:
    """Regex for the 'tiny.csv: row N, column 'C'' part of an error message."""
    return rf"tiny\.csv: row {line}, column {re.escape(repr(column))}"


# --- the tiny table reads when it is valid ------------------------------------------------


def test_valid_tiny_table_reads_with_all_rows(tmp_path):
    frame = io.read_table("tiny", raw=make_raw(tmp_path))
    assert list(frame.columns) == ["id", "n", "x", "kind", "flag", "count", "note"]
    assert frame["id"].tolist() == ["r1", "r2"]


def test_integer_columns_come_back_as_integers_and_number_columns_as_floats(tmp_path):
    frame = io.read_table("tiny", raw=make_raw(tmp_path))
    assert pd.api.types.is_integer_dtype(frame["n"])
    assert frame["n"].tolist() == [1, 2]
    assert frame["x"].dtype == float
    assert frame["x"].tolist() == [0.5, 1.5]


def test_boolean_columns_come_back_as_booleans_and_accept_any_case(tmp_path):
    frame = io.read_table("tiny", raw=make_raw(tmp_path, ["r1,1,0.5,a,TRUE,,", "r2,2,1.5,b,False,,"]))
    assert pd.api.types.is_bool_dtype(frame["flag"])
    assert frame["flag"].tolist() == [True, False]


def test_optional_empty_values_are_accepted_and_come_back_as_missing(tmp_path):
    frame = io.read_table("tiny", raw=make_raw(tmp_path))
    assert pd.isna(frame.loc[0, "note"])
    assert pd.isna(frame.loc[0, "count"])
    assert frame.loc[1, "note"] == "hello"
    assert frame.loc[1, "count"] == 7


def test_validate_all_on_tiny_raw_dir_returns_every_resource_name(tmp_path):
    assert io.validate_all(raw=make_raw(tmp_path)) == ["tiny", "figures"]


# --- one test per failure mode ----------------------------------------------------------------


def test_missing_data_file_is_reported_with_its_path_and_resource(tmp_path):
    raw = make_raw(tmp_path)
    (raw / "tiny.csv").unlink()
    with pytest.raises(io.DataError, match=r"tiny\.csv: file is missing .*resource 'tiny'"):
        io.read_table("tiny", raw=raw)


def test_missing_manifest_is_reported_with_its_path(tmp_path):
    raw = make_raw(tmp_path)
    (raw / io.MANIFEST).unlink()
    with pytest.raises(io.DataError, match=r"datapackage\.yaml: the data manifest is missing"):
        io.read_table("tiny", raw=raw)


def test_manifest_that_is_not_valid_yaml_is_reported_with_its_path(tmp_path):
    raw = make_raw(tmp_path)
    (raw / io.MANIFEST).write_text("resources: [\n  - {name: tiny, path: \n", encoding="utf-8")
    with pytest.raises(io.DataError, match=r"datapackage\.yaml: not valid YAML"):
        io.read_table("tiny", raw=raw)


def test_manifest_field_with_unknown_type_is_rejected(tmp_path):
    raw = make_raw(tmp_path)
    (raw / io.MANIFEST).write_text(TINY_MANIFEST.replace("type: boolean", "type: datetime"), encoding="utf-8")
    with pytest.raises(io.DataError, match=r"resource 'tiny', field 'flag': type must be one of"):
        io.read_table("tiny", raw=raw)


def test_missing_column_is_named(tmp_path):
    raw = make_raw(tmp_path, header="id,n,x,kind,flag,count", rows=["r1,1,0.5,a,true,"])
    with pytest.raises(io.DataError, match=r"tiny\.csv: columns do not match the manifest: missing \['note'\], unexpected \[\]"):
        io.read_table("tiny", raw=raw)


def test_unexpected_extra_column_is_named(tmp_path):
    raw = make_raw(tmp_path, header=HEADER + ",extra", rows=["r1,1,0.5,a,true,,,zzz"])
    with pytest.raises(io.DataError, match=r"tiny\.csv: columns do not match the manifest: missing \[\], unexpected \['extra'\]"):
        io.read_table("tiny", raw=raw)


def test_non_integer_text_in_integer_column_names_file_row_and_column(tmp_path):
    raw = make_raw(tmp_path, ["r1,1,0.5,a,true,,", "r2,two,1.5,b,false,,"])
    with pytest.raises(io.DataError, match=where(3, "n") + r": expected an integer, got 'two'"):
        io.read_table("tiny", raw=raw)


def test_fractional_value_in_integer_column_names_file_row_and_column(tmp_path):
    raw = make_raw(tmp_path, ["r1,1.5,0.5,a,true,,", "r2,2,1.5,b,false,,"])
    with pytest.raises(io.DataError, match=where(2, "n") + r": expected an integer, got '1\.5'"):
        io.read_table("tiny", raw=raw)


def test_non_number_in_number_column_names_file_row_and_column(tmp_path):
    raw = make_raw(tmp_path, ["r1,1,0.5,a,true,,", "r2,2,1;5,b,false,,"])
    with pytest.raises(io.DataError, match=where(3, "x") + r": expected a finite number, got '1;5'"):
        io.read_table("tiny", raw=raw)


def test_empty_value_in_required_column_names_file_row_and_column(tmp_path):
    raw = make_raw(tmp_path, ["r1,1,0.5,a,true,,", "r2,2, ,b,false,,"])
    with pytest.raises(io.DataError, match=where(3, "x") + r": value is empty; a number is required"):
        io.read_table("tiny", raw=raw)


def test_unknown_label_in_enum_column_names_file_row_column_and_allowed_labels(tmp_path):
    raw = make_raw(tmp_path, ["r1,1,0.5,c,true,,", "r2,2,1.5,b,false,,"])
    with pytest.raises(io.DataError, match=where(2, "kind") + r": unknown label 'c'; expected one of \['a', 'b'\]"):
        io.read_table("tiny", raw=raw)


def test_value_below_min_names_file_row_column_and_limit(tmp_path):
    raw = make_raw(tmp_path, ["r1,1,0.5,a,true,,", "r2,2,-0.1,b,false,,"])
    with pytest.raises(io.DataError, match=where(3, "x") + r": value -0\.1 is out of range; expected >= 0 km"):
        io.read_table("tiny", raw=raw)


def test_value_above_max_names_file_row_column_and_limit(tmp_path):
    raw = make_raw(tmp_path, ["r1,101,0.5,a,true,,", "r2,2,1.5,b,false,,"])
    with pytest.raises(io.DataError, match=where(2, "n") + r": value 101 is out of range; expected <= 100 persons"):
        io.read_table("tiny", raw=raw)


def test_values_exactly_at_min_and_max_are_accepted(tmp_path):
    frame = io.read_table("tiny", raw=make_raw(tmp_path, ["r1,0,10,a,true,,", "r2,100,0,b,false,,"]))
    assert frame["n"].tolist() == [0, 100]


def test_duplicate_primary_key_names_the_second_row_and_key_columns(tmp_path):
    raw = make_raw(tmp_path, ["r1,1,0.5,a,true,,", "r2,2,1.5,b,false,,", "r1,3,2.5,b,false,,"])
    with pytest.raises(io.DataError, match=r"tiny\.csv: row 4, columns \['id'\]: duplicate key \{'id': 'r1'\}"):
        io.read_table("tiny", raw=raw)


def test_bad_boolean_names_file_row_and_column(tmp_path):
    raw = make_raw(tmp_path, ["r1,1,0.5,a,true,,", "r2,2,1.5,b,yes,,"])
    with pytest.raises(io.DataError, match=where(3, "flag") + r": expected true or false, got 'yes'"):
        io.read_table("tiny", raw=raw)


def test_two_used_rows_in_one_group_are_rejected_naming_file_column_and_group(tmp_path):
    raw = make_raw(tmp_path, figures="figure_id,indicator,value,used\nf1,pop,1,true\nf2,pop,2,true\nf3,growth,3,true\n")
    with pytest.raises(
        io.DataError, match=r"figures\.csv: row 3, column 'used': a second row marked used=true for \['pop'\]; expected exactly one"
    ):
        io.read_table("figures", raw=raw)


def test_group_without_a_used_row_is_rejected_naming_file_column_and_group(tmp_path):
    raw = make_raw(tmp_path, figures="figure_id,indicator,value,used\nf1,pop,1,true\nf2,growth,2,false\nf3,growth,3,false\n")
    with pytest.raises(
        io.DataError, match=r"figures\.csv: row 3, column 'used': no row marked used=true for \['growth'\]; expected exactly one"
    ):
        io.read_table("figures", raw=raw)


def test_two_used_rows_in_one_group_name_the_line_of_the_second_used_row(tmp_path):
    raw = make_raw(tmp_path, figures="figure_id,indicator,value,used\nf1,pop,1,true\nf2,pop,2,true\nf3,growth,3,true\n")
    with pytest.raises(io.DataError, match=r"figures\.csv: row 3, column 'used': a second row marked used=true"):
        io.read_table("figures", raw=raw)


def test_file_that_is_not_utf8_is_rejected_naming_the_file(tmp_path):
    raw = make_raw(tmp_path)
    (raw / "tiny.csv").write_bytes((HEADER + "\nr1,1,0.5,a,true,,Almaty café\n").encode("latin-1"))
    with pytest.raises(io.DataError, match=r"tiny\.csv: cannot be read as a UTF-8 CSV"):
        io.read_table("tiny", raw=raw)


def test_unknown_resource_name_lists_the_known_resources(tmp_path):
    with pytest.raises(io.DataError, match=r"datapackage\.yaml: no resource named 'nosuch'; known: figures, tiny"):
        io.read_table("nosuch", raw=make_raw(tmp_path))


def test_validate_all_raises_on_the_first_bad_table(tmp_path):
    raw = make_raw(tmp_path, ["r1,1,0.5,a,maybe,,"])
    with pytest.raises(io.DataError, match=where(2, "flag")):
        io.validate_all(raw=raw)


def test_row_number_is_the_file_line_even_after_a_blank_line(tmp_path):
    raw = make_raw(tmp_path, ["r1,1,0.5,a,true,,", "", "r2,2,1.5,b,maybe,,"])
    with pytest.raises(io.DataError, match=where(4, "flag")):
        io.read_table("tiny", raw=raw)


def test_integer_column_with_enum_accepts_listed_values(tmp_path):
    (tmp_path / io.MANIFEST).write_text(
        "resources:\n"
        "  - {name: t, path: t.csv, title: T, publisher: P, source: S, published: '2022', licence: L,\n"
        "     fields: [{name: level, type: integer, enum: [1, 2]}]}\n",
        encoding="utf-8",
    )
    (tmp_path / "t.csv").write_text("level\n1\n2\n", encoding="utf-8")
    assert io.read_table("t", raw=tmp_path)["level"].tolist() == [1, 2]


def test_read_table_returns_a_copy_so_callers_cannot_corrupt_the_cache(tmp_path):
    raw = make_raw(tmp_path)
    first = io.read_table("tiny", raw=raw)
    first.loc[0, "id"] = "changed"
    assert io.read_table("tiny", raw=raw).loc[0, "id"] == "r1"


# --- releases and the as-of view -----------------------------------------------------------

DATED_MANIFEST = """\
resources:
  - name: pop
    path: pop.csv
    title: Population on 1 January
    publisher: Test publisher
    source: https://example.org/pop
    licence: public
    period: {column: year, kind: january_1}
    primary_key: [year, area, published]
    fields:
      - {name: year, type: integer, unit: year}
      - {name: area, type: string}
      - {name: persons, type: integer, unit: persons}
      - {name: published, type: date}
  - name: flows
    path: flows.csv
    title: A yearly flow
    publisher: Test publisher
    source: https://example.org/flows
    licence: public
    period: {column: year, kind: calendar_year}
    primary_key: [year, published]
    fields:
      - {name: year, type: integer, unit: year}
      - {name: tonnes, type: number, unit: t}
      - {name: published, type: date}
"""
POP_HEADER = "year,area,persons,published"
FLOWS = "year,tonnes,published\n2021,5.0,2022-06-30\n"


def make_dated(root: Path, pop_rows: list[str], flows: str = FLOWS) -> Path:
    """A raw directory with a dated stock table pop.csv (header + rows) and a dated flow table flows.csv."""
    root.mkdir(parents=True, exist_ok=True)
    (root / io.MANIFEST).write_text(DATED_MANIFEST, encoding="utf-8")
    (root / "pop.csv").write_text("\n".join([POP_HEADER, *pop_rows]) + "\n", encoding="utf-8")
    (root / "flows.csv").write_text(flows, encoding="utf-8")
    return root


TWO_RELEASES = ["2022,city,100,2022-06-30", "2023,city,110,2023-06-30", "2023,city,111,2023-07-21"]


def test_a_release_dated_after_the_vintage_is_invisible(tmp_path):
    frame = io.read_table("pop", raw=make_dated(tmp_path, TWO_RELEASES), vintage="2023-06-29")
    assert frame.to_dict("records") == [{"year": 2022, "area": "city", "persons": 100}]


def test_a_release_dated_on_the_vintage_is_visible(tmp_path):
    frame = io.read_table("pop", raw=make_dated(tmp_path, TWO_RELEASES), vintage="2023-06-30")
    assert frame["persons"].tolist() == [100, 110]


def test_the_newest_of_two_releases_of_one_figure_wins(tmp_path):
    frame = io.read_table("pop", raw=make_dated(tmp_path, TWO_RELEASES[::-1]), vintage=io.NEWEST)
    assert frame.sort_values("year")["persons"].tolist() == [100, 111]


def test_the_as_of_view_keeps_the_file_order_of_the_rows(tmp_path):
    rows = ["2023,city,111,2023-07-21", "2022,city,100,2022-06-30", "2023,city,110,2023-06-30"]
    assert io.read_table("pop", raw=make_dated(tmp_path, rows), vintage=None)["year"].tolist() == [2023, 2022]


def test_releases_true_keeps_the_published_column(tmp_path):
    frame = io.read_table("pop", raw=make_dated(tmp_path, TWO_RELEASES), vintage=None, releases=True)
    assert list(frame.columns) == ["year", "area", "persons", "published"]
    assert frame["published"].tolist() == ["2022-06-30", "2023-07-21"]


def test_the_default_read_drops_the_published_column(tmp_path):
    assert "published" not in io.read_table("pop", raw=make_dated(tmp_path, TWO_RELEASES)).columns


def test_a_stock_released_before_its_1_january_is_refused_naming_file_row_and_column(tmp_path):
    raw = make_dated(tmp_path, ["2022,city,100,2022-06-30", "2023,city,110,2022-12-31"])
    with pytest.raises(
        io.DataError, match=r"pop\.csv: row 3, column 'published': release 2022-12-31 is before the end of the period it describes \(year = 2023"
    ):
        io.read_table("pop", raw=raw)


def test_a_yearly_flow_released_before_the_year_ends_is_refused(tmp_path):
    raw = make_dated(tmp_path, TWO_RELEASES, flows="year,tonnes,published\n2022,5.0,2022-12-31\n")
    with pytest.raises(io.DataError, match=r"flows\.csv: row 2, column 'published': .* not before 2023-01-01"):
        io.read_table("flows", raw=raw)


def test_a_release_after_the_data_cutoff_is_refused(tmp_path):
    raw = make_dated(tmp_path, ["2024,city,120,2024-04-01"])
    with pytest.raises(io.DataError, match=r"pop\.csv: row 2, column 'published': release 2024-04-01 is after the data cutoff 2024-03-31"):
        io.read_table("pop", raw=raw)


@pytest.mark.parametrize("published", ["2023-02-30", "30.06.2023", "2023-6-30"])
def test_a_published_value_that_is_not_an_iso_date_is_refused(tmp_path, published):
    raw = make_dated(tmp_path, [f"2023,city,110,{published}"])
    with pytest.raises(io.DataError, match=r"pop\.csv: row 2, column 'published': expected a date YYYY-MM-DD"):
        io.read_table("pop", raw=raw)


def test_an_empty_published_value_is_refused(tmp_path):
    raw = make_dated(tmp_path, ["2023,city,110"])
    with pytest.raises(io.DataError, match=r"pop\.csv: row 2, column 'published': value is empty; a date is required"):
        io.read_table("pop", raw=raw)


def test_a_vintage_that_is_not_a_date_is_refused(tmp_path):
    with pytest.raises(io.DataError, match=r"vintage '2023': expected a date YYYY-MM-DD"):
        io.read_table("pop", raw=make_dated(tmp_path, TWO_RELEASES), vintage="2023")


def test_a_table_with_neither_a_published_column_nor_a_published_date_is_refused(tmp_path):
    (tmp_path / io.MANIFEST).write_text(
        "resources:\n  - {name: t, path: t.csv, title: T, publisher: P, source: S, licence: L, fields: [{name: level, type: integer}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(io.DataError, match=r"resource 't': no 'published' column and no 'published' date"):
        io.manifest(tmp_path)


def test_release_overview_gives_each_series_newest_observation_and_its_newest_release(tmp_path):
    overview = io.release_overview(raw=make_dated(tmp_path, [*TWO_RELEASES, "2023,town,50,2023-06-30"]))
    assert overview.to_dict("records") == [
        {"table": "pop", "series": "area=city", "newest": "2023", "published": "2023-07-21"},
        {"table": "pop", "series": "area=town", "newest": "2023", "published": "2023-06-30"},
        {"table": "flows", "series": "", "newest": "2021", "published": "2022-06-30"},
    ]


def test_sources_table_gives_the_releases_seen_at_the_vintage(tmp_path):
    table = io.sources_table(raw=make_dated(tmp_path, TWO_RELEASES), vintage="2023-06-30")
    assert table["published"].tolist() == ["2022-06-30 to 2023-06-30", "2022-06-30"]


# --- the real data --------------------------------------------------------------------------


@pytest.fixture
def real_root(monkeypatch):
    """Use the repository's own data (no ALMATY_ANALYTICS_ROOT override)."""
    monkeypatch.delenv(paths.ROOT_ENV, raising=False)
    assert paths.raw_dir() == REAL_RAW


def test_every_real_raw_table_validates(real_root):
    names = io.validate_all()
    assert set(names) == set(io.manifest())
    assert len(names) == len(list(REAL_RAW.glob("*.csv")))


# Rows and a digest of every table as the models read it before releases were dated (main at a51cae3,
# read through the rules of that day): the read at the mid-2022 vintage (io.FIRST_VINTAGE) must give exactly these frames.
MID_2022_FRAMES = {
    "bns_population_1jan": (92, "a44ee290407b6109"),
    "bns_population_age_bands": (6, "2bdf2679d8376e9f"),
    "bns_life_expectancy": (138, "065101b6a4445b39"),
    "bns_stationary_emissions": (34, "31bdb327ae636026"),
    "bns_schools": (44, "c2ecca02effa5b2b"),
    "wpp2022_kazakhstan_annual": (778, "271c2d75a61c7f53"),
    "wpp2022_kazakhstan_age_schedules": (636, "12b82bfd3f67674a"),
    "dated_statements": (37, "d39011d3f7ab3937"),  # + the Ekibastuz coal's heating value (Mining Encyclopedia 1984; issue 20, item 4); the 30 rows collected to mid-2022, 4 found later that were published by the model vintage (Aug 2022), and TPP-2's 'by 2025' read from the title of a 2020 page already there (issue 20)
    "level_shifts": (3, "92c5466e723dceef"),
    "programme_population": (49, "53a8cfd4ac56e546"),
    "programme_schools": (58, "0e18630af34d2b27"),
    "programme_districts": (8, "8fd7b762618c1dbd"),
    "programme_school_build_plan": (14, "d88d989592ebb302"),
    "programme_emissions": (142, "ca7467a137fb8d8a"),
    "programme_emission_inventory": (16, "7f21ea0472427086"),
    "programme_emission_measures": (29, "f27319fe6c4faf91"),  # TPP-3 in the form of its printed level, 1.2 (issue 20)
    "emep_eea_emission_factors": (23, "50ae942cdea97acc"),  # + PM2.5 of coal and gas (issue 20, item 4) + the 5 Tier 1 residential gas factors (EMEP/EEA 2019, published 2019; issue 20, item 4)
    "school_capacity_by_district": (8, "6ef5536896366085"),
}


def frame_digest(frame: pd.DataFrame) -> str:
    """SHA-256 (16 hex digits) of a frame's CSV text, column order and dtypes."""
    return hashlib.sha256((frame.to_csv(index=False) + repr(frame.dtypes.astype(str).to_dict())).encode()).hexdigest()[:16]


@pytest.mark.parametrize("name", sorted(MID_2022_FRAMES))
def test_the_mid_2022_read_is_exactly_the_frame_the_models_were_first_calibrated_on(real_root, name):
    frame = io.read_table(name, vintage=io.FIRST_VINTAGE)
    assert (len(frame), frame_digest(frame)) == MID_2022_FRAMES[name]


def test_new_tables_have_no_row_at_the_model_vintage_the_models_could_read(real_root):
    assert io.read_table("bns_population_districts", vintage=io.FIRST_VINTAGE).empty


def test_the_newest_real_population_of_1_january_2023_is_the_multi_year_table_release(real_root):
    newest = io.read_table("bns_population_1jan", vintage=io.NEWEST).query("year == 2023 and area == 'almaty'")
    assert dict(zip(newest["sex"], newest["persons"], strict=True)) == {"total": 2161797, "male": 1003881, "female": 1157916}


def test_the_real_bulletin_release_is_the_one_seen_between_the_two_releases(real_root):
    seen = io.read_table("bns_population_1jan", vintage="2023-07-01").query("year == 2023 and area == 'almaty' and sex == 'total'")
    assert seen["persons"].tolist() == [2161695]


def test_the_real_districts_of_1_january_2023_sum_to_the_bulletin_total(real_root):
    districts = io.read_table("bns_population_districts", vintage=io.NEWEST)
    assert districts.query("sex == 'total'")["persons"].sum() == 2161695
    assert districts.query("sex != 'total'")["persons"].sum() == 2161695


def test_real_release_overview_has_every_dated_table_and_no_release_after_the_cutoff(real_root):
    overview = io.release_overview()
    dated = {n for n, r in io.manifest().items() if io.RELEASE in r.columns}
    assert set(overview["table"]) == dated
    assert (overview["published"] <= io.DATA_CUTOFF).all()
    emissions = overview.query("table == 'bns_stationary_emissions' and series == 'area=almaty'")
    assert emissions[["newest", "published"]].values.tolist() == [["2022", "2023-12-31"]]


def test_every_real_csv_is_listed_in_the_manifest(real_root):
    listed = {r.path for r in io.manifest().values()}
    assert {p.name for p in REAL_RAW.glob("*.csv")} == listed


@pytest.mark.parametrize("name", ["programme_population", "programme_schools", "programme_emissions"])
def test_real_programme_figure_table_has_exactly_one_used_row_per_indicator(real_root, name):
    frame = io.read_table(name)
    used_per_indicator = frame.groupby("indicator")["used"].sum()
    assert len(used_per_indicator) > 0
    assert (used_per_indicator == 1).all(), used_per_indicator[used_per_indicator != 1].to_dict()


def test_sources_table_has_one_complete_row_per_manifest_resource(real_root):
    table = io.sources_table()
    resources = io.manifest()
    assert len(table) == len(resources)
    assert table["file"].tolist() == [f"data/raw/{r.path}" for r in resources.values()]
    for column in ("title", "publisher", "source", "published", "licence"):
        blank = table.loc[table[column].astype(str).str.strip() == "", "file"].tolist()
        assert not blank, f"empty {column} for {blank}"


def test_every_real_number_field_has_a_unit_or_a_per_row_unit_column(real_root):
    # Fields named `value` in tables with a `unit` column carry their unit per row
    # (wpp2022_*, dated_statements, programme_*): these have no manifest unit.
    lacking = [
        f"{r.name}.{f.name}"
        for r in io.manifest().values()
        for f in r.fields
        if f.type == "number" and not f.unit.strip() and "unit" not in r.columns
    ]
    assert lacking == []


def test_real_number_fields_without_manifest_unit_are_exactly_the_per_row_unit_value_columns(real_root):
    without_unit = sorted(
        f"{r.name}.{f.name}" for r in io.manifest().values() for f in r.fields if f.type == "number" and not f.unit.strip()
    )
    assert without_unit == sorted(
        [
            "wpp2022_kazakhstan_annual.value",
            "wpp2022_kazakhstan_age_schedules.value",
            "dated_statements.value",
            "programme_population.value",
            "programme_schools.value",
            "programme_preschool.value",
            "programme_emissions.value",
            "programme_emission_inventory.value",
            "emep_eea_emission_factors.value",
            "ap42_emission_factors.value",
            "unpd_ccmpp_canada_1990_2020.value",
        ]
    )


# --- atomic_write ---------------------------------------------------------------------------


def test_atomic_write_keeps_the_previous_file_and_no_temp_file_when_the_callback_raises(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("previous\n", encoding="utf-8")

    def failing(tmp: Path) -> None:
        tmp.write_text("half-written", encoding="utf-8")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        io.atomic_write(target, failing)
    assert target.read_text(encoding="utf-8") == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_atomic_write_does_not_create_the_target_when_the_first_write_fails(tmp_path):
    target = tmp_path / "sub" / "out.csv"
    with pytest.raises(ValueError):
        io.atomic_write(target, lambda tmp: (_ for _ in ()).throw(ValueError("nope")))
    assert not target.exists()
    assert list((tmp_path / "sub").iterdir()) == []


def test_atomic_write_replaces_the_file_and_leaves_no_temp_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    io.atomic_write_text(target, "new text: Алматы")
    assert target.read_text(encoding="utf-8") == "new text: Алматы"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_atomic_write_gives_the_file_umask_permissions_not_private_ones(tmp_path):
    target = tmp_path / "out.txt"
    io.atomic_write_text(target, "x")
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


# --- processed_table ------------------------------------------------------------------------


@pytest.fixture
def tmp_project(tmp_path, monkeypatch):
    """A project root with data/raw holding a real-manifest subset (level_shifts) and data/processed."""
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    (tmp_path / "data" / "processed").mkdir()
    doc = yaml.safe_load((REAL_RAW / io.MANIFEST).read_text(encoding="utf-8"))
    doc["resources"] = [r for r in doc["resources"] if r["name"] in ("level_shifts", "programme_districts")]
    (raw / io.MANIFEST).write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    for name in ("level_shifts.csv", "programme_districts.csv"):
        shutil.copy(REAL_RAW / name, raw / name)
    monkeypatch.setenv(paths.ROOT_ENV, str(tmp_path))
    return tmp_path


class CountingBuild:
    def __init__(self):
        self.calls = 0

    def __call__(self) -> pd.DataFrame:
        self.calls += 1
        shifts = io.read_table("level_shifts")
        return shifts.groupby("series", as_index=False).size().assign(build=self.calls)


def test_subset_manifest_validates_in_tmp_project(tmp_project):
    assert io.validate_all() == ["level_shifts", "programme_districts"]


def test_processed_table_builds_once_and_writes_csv_and_stamp(tmp_project):
    build = CountingBuild()
    frame = io.processed_table("shift_counts", build, ["level_shifts"])
    assert build.calls == 1
    processed = tmp_project / "data" / "processed"
    assert (processed / "shift_counts.csv").exists()
    assert (processed / "shift_counts.inputs.json").exists()
    assert sorted(p.name for p in processed.iterdir()) == ["shift_counts.csv", "shift_counts.inputs.json"]
    assert frame["build"].tolist() == [1, 1]


def test_processed_table_returns_the_cached_csv_without_calling_build_again(tmp_project):
    build = CountingBuild()
    first = io.processed_table("shift_counts", build, ["level_shifts"])
    second = io.processed_table("shift_counts", build, ["level_shifts"])
    assert build.calls == 1
    pd.testing.assert_frame_equal(second, first, check_dtype=False)


def test_processed_table_rebuilds_when_a_raw_input_file_changes(tmp_project):
    build = CountingBuild()
    io.processed_table("shift_counts", build, ["level_shifts"])
    shifts_csv = tmp_project / "data" / "raw" / "level_shifts.csv"
    shifts_csv.write_text(shifts_csv.read_text(encoding="utf-8").replace("2021 national census", "2021 census"), encoding="utf-8")
    rebuilt = io.processed_table("shift_counts", build, ["level_shifts"])
    assert build.calls == 2
    assert rebuilt["build"].tolist() == [2, 2]


def test_processed_table_ignores_changes_to_raw_files_it_does_not_depend_on(tmp_project):
    build = CountingBuild()
    io.processed_table("shift_counts", build, ["level_shifts"])
    districts_csv = tmp_project / "data" / "raw" / "programme_districts.csv"
    districts_csv.write_text(districts_csv.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    io.processed_table("shift_counts", build, ["level_shifts"])
    assert build.calls == 1


def test_processed_table_rebuilds_when_the_cached_csv_is_deleted(tmp_project):
    build = CountingBuild()
    io.processed_table("shift_counts", build, ["level_shifts"])
    (tmp_project / "data" / "processed" / "shift_counts.csv").unlink()
    io.processed_table("shift_counts", build, ["level_shifts"])
    assert build.calls == 2


@pytest.mark.parametrize("content", ["", "- a\n- b\n", "resources: 3\n"])
def test_manifest_without_a_resources_list_is_rejected(tmp_path, content):
    (tmp_path / io.MANIFEST).write_text(content, encoding="utf-8")
    with pytest.raises(io.DataError, match=r"datapackage\.yaml: expected a mapping with a list 'resources'"):
        io.manifest(tmp_path)


BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
)


def test_a_yaml_alias_bomb_is_refused_quickly_in_one_line(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB)
    assert len(BOMB) < 500
    with pytest.raises(ValueError, match=r"bomb\.yaml: expands to more than 100,000 values through aliases"):
        datapackage.read_yaml(path, ValueError)


def test_a_few_aliases_are_still_read(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text("base: &b {type: string}\nfields: [*b, *b]\n")
    assert datapackage.read_yaml(path, ValueError) == {"base": {"type": "string"}, "fields": [{"type": "string"}] * 2}


def test_an_oversized_or_deeply_nested_yaml_file_is_refused(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * (datapackage.MAX_YAML_BYTES + 1))
    with pytest.raises(ValueError, match=r"big\.yaml: .* bytes; expected at most 1,000,000"):
        datapackage.read_yaml(big, ValueError)
    deep = tmp_path / "deep.yaml"
    deep.write_text("[" * 5000 + "]" * 5000)
    with pytest.raises(ValueError, match=r"deep\.yaml: nested too deeply"):
        datapackage.read_yaml(deep, ValueError)


def test_the_releases_command_lists_every_series_newest_observation_and_release(real_root, capsys):
    assert cli.main(["releases"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["table", "series", "newest", "published"]
    city = next(line for line in lines if line.startswith("bns_population_1jan") and "area=almaty, sex=total" in line)
    assert city.split()[-2:] == ["2023", "2023-07-21"]  # 1 January 2023, the second BNS release
    assert lines[-1].startswith(f"newest release: {io.newest_release()}")


def _cache_calls(worker: int) -> list[str]:
    """100 calls of io.processed_object with 12 keys kept 2 at a time: every call evicts while others read and build."""
    failures = []
    for call in range(100):
        key = {"n": (worker * 7 + call) % 12}
        try:
            obj, _ = io.processed_object("race", key, lambda key=key: {"built_for": key["n"]}, ["level_shifts"], keep=2)
            if obj != {"built_for": key["n"]}:
                failures.append(f"call {call}: {obj} for {key}")
        except Exception as exc:  # the race this test looks for: a file evicted between two steps
            failures.append(f"call {call}: {type(exc).__name__}: {exc}")
    return failures


def test_the_processed_cache_is_safe_under_concurrent_eviction(tmp_path, monkeypatch):
    """800 calls in 8 processes at once (the issue counted 26 and 39 failures in 800 before the fix)."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "data" / "raw", root / "data" / "raw")
    monkeypatch.setenv(paths.ROOT_ENV, str(root))
    with multiprocessing.get_context("fork").Pool(8) as pool:
        failures = [f for found in pool.map(_cache_calls, range(8)) for f in found]
    assert failures == [], f"{len(failures)} of 800 calls failed, e.g. {failures[:3]}"
    assert len(list((root / "data" / "processed" / "race").glob("*.pkl"))) <= 2 + 8  # kept, or held by a call at the time


def test_the_processed_cache_keeps_the_objects_used_last_not_built_last(tmp_path, monkeypatch):
    """An object every report reads (a run's population forecast) stays while other parameter sets come and go."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "data" / "raw", root / "data" / "raw")
    monkeypatch.setenv(paths.ROOT_ENV, str(root))
    built = []

    def cached(n: int) -> str:
        return io.processed_object("lru", {"n": n}, lambda: built.append(n) or n, ["level_shifts"], keep=2)[1]

    first = cached(1)
    cached(2)
    folder = root / "data" / "processed" / "lru"
    os.utime(folder / f"{first}.pkl", (1, 1))  # built long ago
    cached(1)  # read: used now
    cached(3)  # evicts the object used longest ago: 2
    assert {p.stem for p in folder.glob("*.pkl")} == {first, cached(3)} and built == [1, 2, 3]
