"""Catalogues: the same keys and placeholders in every language, every key the code uses exists, Cyrillic renders."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest
import yaml
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

from almaty_analytics import export, i18n, paths, plots, scenarios

matplotlib.use("Agg")
SOURCES = sorted(p for p in Path(i18n.__file__).parent.rglob("*.py") if p.name != "i18n.py") + sorted(paths.notebooks_dir().glob("*.ipynb"))


@pytest.mark.parametrize("language", i18n.LANGUAGES[1:])
def test_every_catalogue_has_every_key_with_the_same_placeholders(language):
    english, other = i18n.catalogue("en"), i18n.catalogue(language)
    missing = sorted(set(english) - set(other))
    extra = sorted(set(other) - set(english))
    assert not missing, f"{language}.yaml lacks {missing[:10]}"
    assert not extra, f"{language}.yaml has keys that en.yaml lacks: {extra[:10]}"
    differ = [k for k in english if i18n.placeholders(english[k]) != i18n.placeholders(other[k])]
    assert not differ, f"{language}.yaml: placeholders differ from en.yaml in {differ[:10]}"


def test_no_translation_is_stale():
    stale = [(language, key, text) for language in i18n.LANGUAGES[1:] for key, text in i18n.stale(language).items()]
    assert not stale, ("English text changed since these were translated (language, key, English now); re-translate, then "
                       f"`python -m almaty_analytics.i18n accept <language> KEY`: {stale}")


@pytest.mark.parametrize("language", i18n.LANGUAGES[1:])
def test_every_translated_key_has_a_source_hash_and_no_hash_outlives_its_key(language):
    keys = set(i18n.catalogue("en")) & set(i18n.catalogue(language))
    recorded = set(i18n.recorded_hashes(language))
    assert not sorted(keys - recorded), f"{i18n.hashes_path(language).name} has no record of {sorted(keys - recorded)[:10]}"
    assert not sorted(recorded - keys), f"{i18n.hashes_path(language).name}: delete the records of removed keys {sorted(recorded - keys)[:10]}"


def test_a_changed_english_text_is_stale_until_its_translation_is_accepted(tmp_path, monkeypatch, capsys):
    (tmp_path / "en.yaml").write_text("plots:\n  year: year\n  source: 'Source: {source}'\n", encoding="utf-8")
    (tmp_path / "ru.yaml").write_text("plots:\n  year: год\n  source: 'Источник: {source}'\n", encoding="utf-8")
    i18n.accept("ru", ["plots.year", "plots.source"], tmp_path)
    assert i18n.stale("ru", tmp_path) == {}
    assert i18n.stale("kk", tmp_path) == {"plots.year": "year", "plots.source": "Source: {source}"}  # no record at all

    (tmp_path / "en.yaml").write_text("plots:\n  year: calendar year\n  source: 'Source: {source}'\n", encoding="utf-8")
    assert i18n.stale("ru", tmp_path) == {"plots.year": "calendar year"}

    monkeypatch.setattr(i18n, "CATALOGUE_DIR", tmp_path)  # the command works on the same files
    assert i18n.main(["stale"]) == 1
    assert "plots.year: 'calendar year'" in capsys.readouterr().out
    assert i18n.main(["accept", "ru", "plots.year"]) == 0
    assert i18n.stale("ru", tmp_path) == {}
    assert set(i18n.recorded_hashes("ru", tmp_path)) == {"plots.year", "plots.source"}
    with pytest.raises(KeyError, match="plots.no_such"):
        i18n.accept("ru", ["plots.no_such"], tmp_path)


def test_every_key_the_code_and_notebooks_use_is_in_the_catalogue():
    english = i18n.catalogue("en")
    used = i18n.keys_used(SOURCES)
    missing = {name: sorted(keys - set(english)) for name, keys in used.items() if keys - set(english)}
    assert not missing
    assert sum(len(k) for k in used.values()) > 30  # the scan finds the keys (guards the pattern itself)


def test_every_table_column_and_unit_has_a_label_in_every_language():
    for language in i18n.LANGUAGES:
        t = i18n.Text(language)
        for name, spec in export.TABLES.items():
            for column, (unit, _) in ({"scenario": export.SCENARIO_COLUMN} | spec.columns | export.RUN_COLUMNS).items():
                assert t.column(column), (language, name, column)
                assert export.unit_label(unit, t) is not None, (language, name, unit)


def test_a_missing_label_names_the_key_the_language_and_the_catalogue():
    with pytest.raises(i18n.MissingLabel, match=r"'summary\.no_such_label' is missing from the kk catalogue \(kk\.yaml\)"):
        i18n.Text("kk")("summary.no_such_label")
    with pytest.raises(ValueError, match="language 'de' is not supported"):
        i18n.Text("de")


def test_numbers_in_running_text_use_the_language_separators():
    assert i18n.Text("en").num(2603123.4, 1) == "2,603,123.4"
    assert i18n.Text("ru").num(2603123.4, 1) == "2\u202f603\u202f123,4"
    assert i18n.Text("kk").num(0.5, 2) == "0,50"
    assert i18n.Text("ru").num(0.7, 1, signed=True) == "+0,7" and i18n.Text("en").num(-3.3, 1, signed=True) == "\u22123.3"
    assert i18n.Text("en").pct(0.0123, 1, signed=True) == "+1.2%"
    assert i18n.Text("en").num(-0.04, 1) == "0.0" and i18n.Text("en").num(2030, grouped=False) == "2030"


@pytest.mark.parametrize(("language", "expected"), [("en", "\u221248.3 to \u221227.3"), ("ru", "от \u221248,3 до \u221227,3"),
                                                    ("kk", "\u221248,3 және \u221227,3 аралығы")])
def test_an_interval_is_written_in_words_with_minus_signs(language, expected):
    assert i18n.Text(language).interval(-48.31, -27.3, 1) == expected


def test_a_template_range_with_a_signed_end_is_written_in_words_never_dash_beside_minus():
    t = i18n.Text("en")
    shown = t("index.deficit_value", value=t.num(-40, 1), lo=t.num(-48.3, 1), hi=t.num(-27.3, 1), p="5%")
    assert "\u221248.3 to \u221227.3" in shown and "\u2013" not in shown and "-" not in shown
    assert "(1.2–2.7)" in t("index.deficit_value", value="2", lo="1.2", hi="2.7", p="5%")  # unsigned ranges keep the dash


@pytest.mark.parametrize(("share", "digits", "expected"), [(0.998, 0, "> 99%"), (0.003, 0, "< 1%"), (0.9996, 1, "> 99.9%"), (0.0, 0, "0%"),
                                                            (1.0, 0, "100%"), (0.5, 0, "50%"), (0.986, 0, "99%")])
def test_a_percentage_never_rounds_to_certainty(share, digits, expected):
    assert i18n.Text("en").pct(share, digits) == expected


def test_cell_formats_follow_the_language():
    ru, en = i18n.Text("ru"), i18n.Text("en")
    assert ru.formatter("{:,.0f}")(1234567.4) == "1\u202f234\u202f567" and en.formatter("{:,.0f}")(-1234.4) == "\u22121,234"
    assert ru.formatter("{:.2f}")(3.14159) == "3,14" and ru.formatter("{:+.1f}")(-0.25) == "\u22120,2"
    assert en.formatter("{:.0%}")(0.998) == "> 99%" and ru.formatter("{:.1%}")(0.25) == "25,0%"
    assert en.formatter("{:g}")(280.0) == "280" and ru.formatter("{:g}")(0.25) == "0,25" and en.formatter("{:.0f}")(2030) == "2030"
    assert en.formatter("{:.1f}")("text") == "text" and en.formatter("{:.1f}")(float("nan")) == ""
    with pytest.raises(ValueError, match="format '{:x}'"):
        en.formatter("{:x}")


def _font_characters() -> set[int]:
    font = FT2Font(font_manager.findfont(font_manager.FontProperties(family=plots.FONT), fallback_to_default=False))
    return set(font.get_charmap())


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_the_chart_font_has_every_character_of_the_catalogue(language):
    covered = _font_characters()
    text = "".join(i18n.catalogue(language).values())
    missing = sorted({c for c in text if ord(c) not in covered and not c.isspace()})
    assert not missing, f"{plots.FONT} lacks {missing}"


def test_a_kazakh_chart_draws_without_missing_glyphs():
    plots.use_style("kk")
    try:
        total = pd.DataFrame({"year": [2022, 2023], "value": [2.1e6, 2.2e6], "lo_80": [2.1e6, 2.1e6], "hi_80": [2.1e6, 2.3e6],
                              "lo_95": [2.1e6, 2.0e6], "hi_95": [2.1e6, 2.4e6]})
        variants = pd.DataFrame({"year": [2022, 2023], "variant": ["low", "low"], "value": [2.1e6, 2.15e6]})
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font"
            fig = plots.fan_chart(total, pd.Series([2.0e6], index=[2021]), compare=variants, title="Әуезов, Түрксіб: ғқңөұүһі", source="ҰСБ")
            fig.canvas.draw()
        labels = [text.get_text() for text in fig.legends[0].get_texts()]
        assert "болжам (орталық)" in labels and "төмен" in labels
        plt.close(fig)
    finally:
        plots.use_style("en")


def test_every_shipped_scenario_has_a_description_in_every_language():
    for language in i18n.LANGUAGES:
        t = i18n.Text(language)
        missing = [name for name in scenarios.available() if not t.has(f"summary.scenarios.{name}")]
        assert not missing, (language, missing)


def test_long_axis_labels_wrap_inside_the_figure():
    data = pd.DataFrame({"year": [2022, 2023], "value": [1.0, 2.0], "lo_80": [0.5, 1.5], "hi_80": [1.5, 2.5]})
    long = "оқушы орындарының тапшылығы, мың орын (плюс = жетіспеушілік)"
    fig = plots.scenario_comparison(data.assign(scenario="default"), highlight="default", scale=1.0, ylabel=long, title="t", source="s")
    ax = fig.axes[0]
    label, text = ax.get_ylabel(), ax.yaxis.label
    room = int(ax.get_window_extent().height / (text.get_fontsize() * fig.dpi / 72 * 0.6))  # characters, as plots._fit_labels
    assert "\n" in label and label.replace("\n", " ") == long  # wrapped, not cut
    assert all(len(line) <= max(room, 12) for line in label.splitlines())
    assert text.get_window_extent().height <= fig.get_window_extent().height  # inside the figure
    plt.close(fig)


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_no_catalogue_gives_a_key_twice(language):
    """YAML keeps the last of two equal keys without a word: a merge that adds a key twice would change a label unseen."""
    duplicates = []

    class Loader(yaml.SafeLoader):
        pass

    def mapping(loader, node, deep=False):
        keys = [loader.construct_object(key) for key, _ in node.value]
        duplicates.extend(sorted({k for k in keys if keys.count(k) > 1}))
        return yaml.SafeLoader.construct_mapping(loader, node, deep)

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    yaml.load((paths.package_dir() / "locales" / f"{language}.yaml").read_text(encoding="utf-8"), Loader)
    assert duplicates == []


def test_an_interval_of_unsigned_ends_keeps_the_dash():
    assert i18n.Text("ru").interval(10.94, 49.4, 1) == "10,9\u201349,4" and i18n.Text("en").interval(-1.0, 2.0) == "\u22121 to 2"


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_a_cited_source_file_reads_as_its_document_and_lines(language):
    t = i18n.Text(language)
    shown = t("plots.source", source="x (001_22452510f78b59ea.txt:4253-4371, 443); 001_22452510f78b59ea.txt:2801; 004_252cdb5a6989d7e6.txt; 009_x.txt:3")
    assert "22452510" not in shown and "252cdb5a" not in shown and "009_x.txt:3" in shown  # a file it does not know stays as written
    programme = t.labels["sources.programme"]
    assert t.labels["sources.lines"].format(document=programme, lines="4253-4371, 443") in shown
    assert t.labels["sources.line"].format(document=programme, lines="2801") in shown
    assert t.labels["sources.head_of_state_on_almaty"] in shown
