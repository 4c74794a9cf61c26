"""A scenario run end to end through the runner: every table, the same bytes for the same seed, the summary's comparison."""

from __future__ import annotations

import pandas as pd
import pytest

from almaty_analytics import export, runner
from conftest import visible_text

SMALL = {"n_simulations": "200"}


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """The default scenario run twice from scratch into two folders with the same seed and run date."""
    roots = [tmp_path_factory.mktemp(f"run{i}") for i in (1, 2)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        for root in roots:
            assert runner.run(overrides=SMALL, output_root=root, force=True, log=lambda m: None) == 0
    return roots


def test_a_run_publishes_every_declared_table_with_scenario_vintage_and_run_date(two_runs):
    tables = two_runs[0] / "default" / "tables"
    published = {p.stem for p in tables.glob("*.csv")}
    assert published == set(export.TABLES)
    for path in sorted(tables.glob("*.csv")):
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), path.name
        table = pd.read_csv(path)
        assert list(table.columns[-2:]) == ["data_vintage", "run_date"], path.name
        assert set(table["data_vintage"]) == {export.DATA_VINTAGE} and set(table["run_date"]) == {"2023-11-14"}, path.name
        assert table["scenario"].astype(str).str.startswith("default").all(), path.name
    assert (tables / "default.xlsx").exists()


def test_the_same_seed_gives_byte_identical_tables(two_runs):
    first, second = (sorted((root / "default" / "tables").glob("*.csv")) for root in two_runs)
    assert [p.name for p in first] == [p.name for p in second]
    differ = [a.name for a, b in zip(first, second, strict=True) if a.read_bytes() != b.read_bytes()]
    assert not differ


def test_the_summary_leads_with_the_figures_of_the_published_tables(two_runs):
    root = two_runs[0]
    html = (root / "default" / "90_summary.html").read_text()
    assert html.count('src="data:image/png;base64,') == 3  # one chart per domain
    text = visible_text(html)
    total = pd.read_csv(root / "default" / "tables" / "population_total.csv").set_index("year")
    assert f"{total.loc[2030, 'value'] / 1e6:.3f} million" in text
    assert text.index("Key figures") < text.index("What changed") < text.index("Accuracy scorecard") < text.index("Sources")
    assert "first run of scenario default" in text
    card = pd.read_csv(root / "default" / "tables" / "accuracy_scorecard.csv")
    assert set(card["domain"]) == {"population", "schools", "emissions"}
    assert card.groupby(["domain", "horizon"])["best_at_horizon"].sum().eq(1).all()


def test_a_rerun_with_another_seed_says_what_changed(two_runs, tmp_path):
    root = two_runs[1]
    code = runner.run(notebooks=["10_population_forecast", "90_summary"], overrides=SMALL | {"seed": "7"}, output_root=root, log=lambda m: None)
    assert code == 0
    assert (root / "default" / runner.PREVIOUS / "tables" / "population_total.csv").exists()
    text = visible_text((root / "default" / "90_summary.html").read_text())
    assert "Key figures that changed" in text and "population_total (changed)" in text
    assert "Parameters changed" in text and "seed" in text
