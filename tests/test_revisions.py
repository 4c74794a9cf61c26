"""Revisions of the headline forecasts between the mid-2022 vintage and a run's (module revisions)."""

from __future__ import annotations

import pandas as pd

from almaty_analytics import io, revisions, scenarios


def _figures(population: float, deficit: float, emissions: float) -> pd.DataFrame:
    rows = [("population", 2030, population, "persons"), ("deficit", 2030, deficit, "seats"), ("emissions", 2030, emissions, "thousand t/yr"),
            ("population", 2025, 1.0, "persons")]
    return pd.DataFrame([{"indicator": i, "year": y, "value": v, "lo_80": v * 0.9, "hi_80": v * 1.1, "unit": u} for i, y, v, u in rows])


def test_the_revision_of_each_headline_is_now_minus_then_with_the_tables_behind_it():
    releases = {
        "population": pd.DataFrame([{"table": "bns_population_1jan", "rows": 7, "first": "2023-06-30", "last": "2023-07-21"}]),
        "deficit": pd.DataFrame(columns=["table", "rows", "first", "last"]),
        "emissions": pd.DataFrame([{"table": "bns_stationary_emissions", "rows": 2, "first": "2023-12-31", "last": "2023-12-31"}]),
    }
    table = revisions.revision_table(_figures(2.7e6, 20e3, 80.0), _figures(2.6e6, 30e3, 90.0), "2024-01-31", releases)
    assert table["indicator"].tolist() == ["population", "deficit", "emissions"]
    assert table["change"].tolist() == [100e3, -10e3, -10.0]
    assert table.loc[0, "value_then"] == 2.6e6 and table.loc[0, "hi_80_now"] == 2.7e6 * 1.1
    assert set(table["vintage_then"]) == {io.FIRST_VINTAGE} and set(table["vintage_now"]) == {"2024-01-31"}
    assert table["new_releases"].tolist() == ["bns_population_1jan (7, 2023-06-30 to 2023-07-21)", "", "bns_stationary_emissions (2, 2023-12-31 to 2023-12-31)"]
    assert list(table.columns) == list(revisions.TABLES["forecast_revisions"].columns)


def test_a_headline_missing_at_either_vintage_is_left_out():
    figures = _figures(2.7e6, 20e3, 80.0)
    empty = {i: pd.DataFrame(columns=["table", "rows", "first", "last"]) for i, _ in revisions.HEADLINES}
    table = revisions.revision_table(figures, figures[figures["indicator"] != "deficit"], "2024-01-31", empty)
    assert table["indicator"].tolist() == ["population", "emissions"] and (table["change"] == 0).all()


def test_new_releases_lists_the_rows_released_between_the_vintages():
    # data/raw: the 1 January 2023 population, two BNS releases (city, sexes; the national total in the second): the
    # newest view holds the second release of each figure, the view of 1 July 2023 the first
    found = revisions.new_releases(("bns_population_1jan", "programme_population"), io.FIRST_VINTAGE, None)
    assert found.to_dict("records") == [{"table": "bns_population_1jan", "rows": 4, "first": "2023-07-21", "last": "2023-07-21"}]
    assert revisions.new_releases(("bns_population_1jan",), io.FIRST_VINTAGE, "2023-07-01")["rows"].tolist() == [3]


def test_every_headline_reads_the_population_inputs_and_its_own_domain():
    assert "bns_population_1jan" in revisions.inputs_of("deficit") and "bns_schools" in revisions.inputs_of("deficit")
    assert "bns_stationary_emissions" in revisions.inputs_of("emissions") and "bns_schools" not in revisions.inputs_of("emissions")


def test_at_the_mid_2022_vintage_itself_the_revisions_are_computed_again_and_nothing_moved():
    revised = revisions.revisions(scenarios.load("default", {"vintage": io.FIRST_VINTAGE}).parameters)
    assert revised["indicator"].tolist() == ["population", "deficit", "emissions"] and (revised["change"] == 0).all()
    assert set(revised["vintage_now"]) == {io.FIRST_VINTAGE} and (revised["new_releases"] == "").all()
