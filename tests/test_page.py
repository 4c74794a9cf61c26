"""The page helper (page.py): a notebook's run resolved through the package, escaped tables, publishing."""

from __future__ import annotations

import pandas as pd
import pytest

from almaty_analytics import page, scenarios
from almaty_analytics.tablespec import TableSpec


@pytest.fixture
def shown(monkeypatch):
    """What the page displays, instead of the notebook's output area."""
    items = []
    monkeypatch.setattr(page, "display", items.append)
    return items


def test_a_page_resolves_the_scenario_and_its_overrides_as_the_runner_does():
    built = page.Page("10_population_forecast", "high", "", {"net_migration": 50000})
    assert built.params == scenarios.load("high", {"net_migration": 50000}).parameters
    assert built["net_migration"] == 50000.0 and built.language == "en"


def test_the_language_argument_overrides_the_scenario_language():
    assert page.Page("00_data_overview", "default", "kk").t("language.name") == "Қазақша"


def test_a_bad_override_stops_with_the_schema_message():
    with pytest.raises(scenarios.ParameterError, match="parameter 'net_migration'.*out of range"):
        page.Page("10_population_forecast", "default", "", {"net_migration": 1e9})


def test_overrides_that_are_not_a_mapping_are_refused():
    with pytest.raises(scenarios.ParameterError, match="'overrides': expected a mapping"):
        page.Page("10_population_forecast", "default", "", ["net_migration=1"])


def test_a_report_depends_on_its_groups_and_an_unknown_notebook_on_every_parameter():
    names = page.parameter_names("20_school_seat_deficit")
    assert "delay_budget" in names and "tfr" in names and "heat_elasticity" not in names
    assert page.parameter_names("55_custom") == list(scenarios.PARAMETERS)


def test_table_cells_from_data_are_escaped(shown):
    built = page.Page("00_data_overview")
    built.table(pd.DataFrame({"value": [1.25], "source": ["<img src=x onerror=alert(1)>"]}), formats={"value": "{:.1f}"})
    html = shown[0].to_html()
    assert "<img" not in html and "&lt;img" in html and "1.2" in html


def test_english_prose_cells_are_marked_lang_en_escaped_and_flags_read_yes_or_no(shown):
    built = page.Page("00_data_overview", "default", "ru")
    frame = pd.DataFrame({"value": [1.0, 2.0], "source": ["<b>assumption</b>: tfr", ""], "used": [True, False]})
    built.table(frame, formats={"value": "{:.2f}"}, english=("source", "not_a_column"))
    html = shown[0].to_html()
    assert '<span lang="en">&lt;b&gt;assumption&lt;/b&gt;: tfr</span>' in html and "<b>" not in html
    assert ">да<" in html and ">нет<" in html and "True" not in html and '<span lang="en"></span>' not in html and ">2,00<" in html  # the language's decimal comma


def test_a_technical_note_is_markdown_marked_english(shown, monkeypatch):
    displayed = []
    monkeypatch.setattr(page, "display", lambda obj, **kw: displayed.append((obj, kw)))
    page.Page("10_population_forecast", "default", "kk").technical("Cohort-component model, `tfr` ...")
    [(markdown, options)] = displayed
    assert markdown.data == "Cohort-component model, `tfr` ..." and options == {"metadata": {"lang": "en"}}


def test_publish_writes_every_declared_table_and_refuses_a_missing_one(tmp_path, monkeypatch):
    spec = {"data_programme_figures": TableSpec("t", {"a": ("", "")}, "s")}
    written = []
    monkeypatch.setattr(page.export, "write_table", lambda frame, name, out, scenario: written.append((name, out, scenario)))
    built = page.Page("00_data_overview", output_dir=str(tmp_path))
    built.publish({"data_programme_figures": pd.DataFrame({"a": [1]})}, spec)
    assert written == [("data_programme_figures", str(tmp_path), "default")]
    with pytest.raises(KeyError, match="lack the declared table"):
        built.publish({}, spec)


def test_table_numbers_are_written_by_their_declared_unit_in_the_pages_language(shown):
    built = page.Page("00_data_overview", "default", "ru")
    frame = pd.DataFrame({"year": [2030, 2031], "births": [40123.0, 41000.0], "probability": [0.998, 0.004], "value": [280.0, 5.0],
                          "model": [0.0166, 0.02], "mape": [1.25, -0.5], "horizon": [1.0, 2.0], "target": [3800.0, 9767.69]})
    built.table(frame, formats={"target": "{:,.0f}"})
    html = shown[0].to_html()
    for cell in ("2030", "40\u202f123", "&gt; 99%", "&lt; 1%", "280", "5", "0,0166", "1,25", "\u22120,50", "1", "9\u202f768"):
        assert f">{cell}<" in html, cell
    assert "280.000000" not in html and "2\u202f030" not in html and "." not in "".join(c for c in html.split(">") if c[:1].isdigit())


def test_a_pivot_writes_its_numbers_in_the_pages_language(shown):
    built = page.Page("00_data_overview", "default", "kk")
    built.pivot(pd.DataFrame({"a": [1234.5, 2.25]}, index=["x", "y"]), precision=1)
    built.pivot(pd.DataFrame({"a": [1234.5, 2.25]}, index=["x", "y"]), "{:,.0f}")
    assert ">1\u202f234,5<" in shown[0].to_html() and ">2,2<" in shown[0].to_html() and ">1\u202f234<" in shown[1].to_html()


def test_a_column_of_mixed_units_is_written_value_by_value(shown):
    built = page.Page("00_data_overview", "default", "ru")
    built.table(pd.DataFrame({"value": ["0.0319", "1.1", "3.36", "280"]}))  # parameter values of several units, kept as text
    html = shown[0].to_html()
    assert all(f">{cell}<" in html for cell in ("0,0319", "1,1", "3,36", "280")), html


def test_a_section_shows_its_paragraphs_and_ready_tables_in_turn(shown):
    built = page.Page("90_summary", "default", "en")
    ready = pd.DataFrame({"Indicator": ["<b>population</b>"]})
    built.paragraphs([("summary.no_previous", {"scenario": "default"}), ready, ("summary.code_same", {})])
    assert [type(item).__name__ for item in shown] == ["Markdown", "Styler", "Markdown"]
    assert shown[0].data == built.t("summary.no_previous", scenario="default") and "&lt;b&gt;" in shown[1].to_html()
