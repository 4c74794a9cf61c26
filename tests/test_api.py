"""The Python API (almaty_analytics.api): the README's examples run as written, and the API's own promises."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import pytest

import almaty_analytics as aa
from almaty_analytics import scenarios
from conftest import REPO


def readme_examples() -> list[str]:
    section = (REPO / "README.md").read_text(encoding="utf-8").split("## Python API", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_the_readme_has_api_examples():
    assert len(readme_examples()) >= 2


@pytest.mark.parametrize("number", range(len(readme_examples())))
def test_a_readme_example_runs_as_written(number, capsys):
    exec(compile(readme_examples()[number], f"README.md, Python API example {number + 1}", "exec"), {})
    plt.close("all")
    assert capsys.readouterr().out.strip()


def test_a_forecast_is_labelled_with_its_overrides_and_keeps_the_resolved_parameters():
    fc = aa.forecast(net_migration=20_000)
    assert fc.label == "default, net_migration=20000"
    assert fc.parameters["net_migration"] == 20_000 and fc.parameters["horizon"] == scenarios.load("default").parameters["horizon"]
    assert aa.forecast().label == "default"


def test_a_table_is_the_domain_table_with_its_label_and_units():
    fc = aa.forecast(net_migration=20_000)
    total = fc.table("population_total")
    assert total.equals(fc.population.tables["population_total"])
    assert total.attrs["label"] == fc.label and total.attrs["units"]["value"] == "persons"
    total.loc[:, "value"] = 0  # a copy: the cached results stay whole
    assert fc.population.tables["population_total"]["value"].gt(0).all()


def test_overrides_change_the_numbers_the_same_way_as_the_reports():
    runs = (aa.forecast(net_migration=m, n_simulations=200) for m in (10_000, 40_000))  # few simulations: quick
    low, high = (fc.table("population_total").set_index("year")["value"] for fc in runs)
    assert (high.iloc[1:] > low.iloc[1:]).all()


def test_a_plot_is_titled_with_the_label_and_draws_a_line_per_case():
    fig = aa.forecast(net_migration=20_000).plot("school_seats")
    ax = fig.axes[0]
    assert "net_migration=20000" in ax.get_title()
    assert len(ax.get_lines()) == aa.forecast(net_migration=20_000).table("school_seats")["regime"].nunique()
    plt.close(fig)
    years = aa.forecast(net_migration=20_000).plot("population_total").axes[0].get_xticks()
    assert all(float(tick).is_integer() for tick in years)  # whole years, never 2027.5
    plt.close("all")


def test_unknown_tables_bad_values_and_unplottable_tables_say_what_was_expected():
    fc = aa.forecast()
    with pytest.raises(KeyError, match="unknown table 'nope'; forecast tables: data_population_history"):
        fc.table("nope")
    with pytest.raises(scenarios.ParameterError, match="parameter 'tfr'"):
        aa.forecast(tfr=9)
    with pytest.raises(ValueError, match=r"table 'emissions_targets' has no year column \(year or school_year or horizon\)"):
        fc.plot("emissions_targets")
    with pytest.raises(ValueError, match=r"table 'population_total': y='nosuch' is not one of its columns; pass y= one of: year, value"):
        fc.plot("population_total", y="nosuch")
    with pytest.raises(ValueError, match=r"table 'population_total': by=\['nosuch'\] not among its columns"):
        fc.plot("population_total", by=["nosuch"])
    with pytest.raises(scenarios.ParameterError, match="scenario None: expected a lowercase name"):
        aa.forecast(None)


def test_the_api_reference_builds_offline_from_the_docstrings(tmp_path):
    pdoc = pytest.importorskip("pdoc")
    pdoc.pdoc("almaty_analytics.api", output_directory=tmp_path)
    page = (tmp_path / "almaty_analytics" / "api.html").read_text(encoding="utf-8")
    assert 'id="forecast"' in page and 'id="Forecast.plot"' in page
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"https?://", page)
