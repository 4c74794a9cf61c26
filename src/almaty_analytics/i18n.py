"""Report text in English, Russian and Kazakh: one catalogue file per language.

Method: every label a reader sees (report text, chart titles, axis labels, table headers) is looked up
by key in ``locales/<language>.yaml``. The catalogues are nested mappings; a key is the dotted path
(``summary.title``). Values are ``str.format`` templates: ``t("summary.lead", year=2030)``. A missing
key is an error naming the key, the language and the catalogue file, never an English fallback, so
a report cannot be handed over half-translated. Kazakh terms follow the programme's own wording (its
glossary in the sources README), Russian terms the statistics office's (BNS: "численность населения",
"выбросы загрязняющих веществ"). Numbers in running text use the language's separators (``num``).

Stale translations: beside ``ru.yaml`` and ``kk.yaml`` a sidecar ``<language>.source-hashes.yaml`` records, per
dotted key, the first 12 hex digits of the SHA-256 of the English template (UTF-8) the translation was made
from. ``stale(language)`` lists the English keys whose current hash differs from the record, or that have no
record; a test fails on any. After re-translating, ``python -m almaty_analytics.i18n accept ru KEY [KEY...]``
records the current English hash; ``python -m almaty_analytics.i18n stale`` prints what to re-translate
(exit 1 when anything is stale). The sidecars are separate files so editing catalogue text never conflicts
with them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import string
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

LANGUAGES = ("en", "ru", "kk")
NAMES = {"en": "English", "ru": "Русский", "kk": "Қазақша"}
CATALOGUE_DIR = Path(__file__).parent / "locales"
PARAMETER_VALUE_TERMS = {  # a parameter whose value is a named choice -> the terms section naming its choices
    "population_variant": "variant", "emission_scenario": "emission_scenario", "boundary": "boundary", "population_reconciliation": "basis",
    "motorisation_basis": "basis", "stationary_inventory_basis": "basis", "delivery_risk_basis": "basis",
}
KEY_PATTERN = re.compile(r"""(?:\bt|\b_text)\(\s*["']([a-z0-9_]+(?:\.[a-z0-9_]+)+)["']""")  # t("section.key", ...) in code


class MissingLabel(KeyError):
    """A key absent from a language's catalogue."""

    def __str__(self) -> str:
        return str(self.args[0])


HASH_LENGTH = 12  # hex digits of SHA-256 kept per key
HASHES_HEADER = ("# Per key, the first 12 hex digits of the SHA-256 of the English text (en.yaml) this translation was\n"
                 "# made from. Written by `python -m almaty_analytics.i18n accept {language} KEY`; by hand only to delete the line of a removed key.\n")


def catalogue_path(language: str, directory: Path | None = None) -> Path:
    return (directory or CATALOGUE_DIR) / f"{language}.yaml"


def hashes_path(language: str, directory: Path | None = None) -> Path:
    """The sidecar recording the English source hash of each translated key."""
    return (directory or CATALOGUE_DIR) / f"{language}.source-hashes.yaml"


SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's safe loader where PyYAML has it: 5x faster, same result


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat = {}
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat |= _flatten(value, path + ".")
        else:
            flat[path] = str(value)
    return flat


def _read_catalogue(path: Path) -> dict[str, str]:
    tree = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
    if not isinstance(tree, dict):
        raise ValueError(f"{path}: expected a mapping of sections to labels")
    return _flatten(tree)


@cache
def catalogue(language: str) -> dict[str, str]:
    """The flat catalogue ``{dotted key: template}`` of one language."""
    if language not in LANGUAGES:
        raise ValueError(f"language {language!r} is not supported; expected one of {', '.join(LANGUAGES)}")
    return _read_catalogue(catalogue_path(language))


def placeholders(template: str) -> set[str]:
    """The ``{name}`` fields of a template (format specs ignored)."""
    return {field.split(".")[0].split("[")[0] for _, field, _, _ in string.Formatter().parse(template) if field}


class Text:
    """The labels of one language: ``t = Text("ru"); t("summary.title")``."""

    def __init__(self, language: str = "en"):
        self.language = language
        self.labels = catalogue(language)

    def __call__(self, key: str, /, **values) -> str:
        try:
            template = self.labels[key]
        except KeyError:
            raise MissingLabel(f"label {key!r} is missing from the {self.language} catalogue ({catalogue_path(self.language).name})") from None
        return readable_sources(self, signed_ranges(self, template.format(**values))) if values else readable_sources(self, template)

    def has(self, key: str) -> bool:
        return key in self.labels

    def term(self, section: str, value) -> str:
        """A category value as readers see it (``terms.<section>.<value>``), e.g. a scenario or district name."""
        return self(f"terms.{section}.{value}")

    def scenario(self, name: str) -> str:
        """A scenario as readers see it: a shipped scenario's display name (``terms.scenario.<name>``); a user's own
        scenario file has no catalogue entry and is shown by the name its author gave it."""
        key = f"terms.scenario.{name}"
        return self(key) if self.has(key) else name

    def report(self, notebook: str) -> str:
        """A report as readers see it: a shipped notebook's display name (``terms.report.<stem>``); a notebook of the
        user's own is shown by its file name."""
        key = f"terms.report.{notebook}"
        return self(key) if self.has(key) else notebook

    def parameter(self, name: str) -> str:
        """A scenario parameter as readers see it (``terms.parameter.<name>``); ``-p`` and the CSV tables keep the name."""
        return self.term("parameter", name)

    def parameter_value(self, name: str, value) -> str:
        """A parameter's value as readers see it: a named choice (a variant, a boundary, where a figure comes from) by its
        display name (PARAMETER_VALUE_TERMS), any other value as written."""
        section = PARAMETER_VALUE_TERMS.get(name)
        return self.term(section, value) if section else str(value)

    def method(self, method: str) -> str:
        """A forecasting method as readers see it; a combination names its members, each translated:
        "combination (cohort_component + expo_10)" -> "combination (cohort-component model + exponential trend ...)"."""
        name, bracket, members = method.partition(" (")
        if not bracket:
            return self.term("method", name)
        return f"{self.term('method', name)} ({' + '.join(self.method(m) for m in members.removesuffix(')').split(' + '))})"

    def column(self, name: str, section: str | None = None) -> str:
        """A table header: ``<section>.columns.<name>`` when the section defines it, else ``columns.<name>``."""
        if section and self.has(f"{section}.columns.{name}"):
            return self(f"{section}.columns.{name}")
        return self(f"columns.{name}")

    def columns(self, frame: pd.DataFrame, section: str | None = None) -> pd.DataFrame:
        """``frame`` with every column header translated (for display; tables on disk keep their names)."""
        return frame.rename(columns={c: self.column(str(c), section) for c in frame.columns if not str(c).isdigit()})

    def num(self, value: float, digits: int = 0, signed: bool = False, grouped: bool = True) -> str:
        """A number as readers see it: 1,234.5 in English, 1 234,5 in Russian and Kazakh (narrow no-break space);
        negative with a minus sign (U+2212), not a hyphen; ``signed`` writes + before a positive value (or zero);
        ``grouped=False`` leaves out the thousands separator (years)."""
        spec = f"{'+' if signed else ''}{',' if grouped else ''}.{digits}f"
        text = f"{value:{spec}}".replace("-", MINUS)
        if text.lstrip("+" + MINUS).strip("0.,") == "":  # -0.0 rounds to zero: no sign but the one asked for
            text = f"{0:{spec}}"
        if self.language == "en":
            return text
        return text.replace(",", "\u202f").replace(".", ",")

    def pct(self, share: float, digits: int = 0, signed: bool = False) -> str:
        """A share as a percentage: 0.914 -> 91.4% (91,4% in Russian and Kazakh). A share strictly between 0 and 1 that
        would round to 0% or 100% is written "< 1%" or "> 99%" (with ``digits``: "< 0.1%", "> 99.9%"), so 99.8% never
        reads as certain."""
        step = 10.0 ** -digits
        if not signed and 0 < share < 1:
            if round(100 * share, digits) == 0:
                return "< " + self.num(step, digits) + "%"
            if round(100 * share, digits) == 100:
                return "> " + self.num(100 - step, digits) + "%"
        return self.num(100 * share, digits, signed) + "%"

    def interval(self, low: float, high: float, digits: int = 0, percent: bool = False) -> str:
        """An interval: "10.9–49.4" between unsigned ends, in words once an end is negative ("−48.3 to −27.3",
        "от −48,3 до −27,3"), never "-48.3–-27.3"; ``percent``: both ends as ``pct``."""
        write = self.pct if percent else self.num
        shown = write(low, digits), write(high, digits)
        if not any(end.startswith(MINUS) for end in shown):
            return "\u2013".join(shown)
        return self("common.interval", low=shown[0], high=shown[1])

    def formatter(self, spec: str) -> Callable[[object], str]:
        """The function writing a cell as the ``str.format`` template ``spec`` would ("{:,.0f}", "{:+.2f}", "{:.0%}",
        "{:g}"), in this language's separators and minus sign; percentages as ``pct``; text and missing values unchanged."""
        match = FORMAT_SPEC.fullmatch(spec)
        if not match:
            raise ValueError(f"format {spec!r}: expected one of the forms {{:,.0f}}, {{:+.2f}}, {{:.0%}}, {{:g}}")
        signed, grouped, digits, kind = match["sign"] == "+", match["grouped"] == ",", int(match["digits"] or 0), match["kind"]

        def write(value) -> str:
            if isinstance(value, str):
                return value
            if value is None or pd.isna(value):
                return ""
            if kind == "%":
                return self.pct(float(value), digits, signed)
            if kind in ("g", None):  # "{:g}", "{:,}": as many decimals as the value has
                return self.num(float(value), general_digits(float(value)), signed, grouped)
            return self.num(float(value), digits, signed, grouped)

        return write


MINUS = "\u2212"  # the minus sign readers see
NUMBER = r"[+\u2212-]?\d[\d\u202f]*(?:[.,]\d+)*%?"
RANGE = re.compile(rf"(?<![\w.,])({NUMBER})\u2013({NUMBER})(?![\w])")  # two numbers joined by an en dash


def signed_ranges(text: Text, written: str) -> str:
    """``written`` with each en-dash range that has a signed end ("−48.3–−27.3") in words (``Text.interval``'s
    "−48.3 to −27.3"): a dash beside a sign reads as a minus. Ranges of unsigned numbers (2015–2020, 2.5–2.7) stay."""

    def words(match: re.Match) -> str:
        low, high = match.groups()
        if low[0] not in "+-\u2212" and high[0] not in "+-\u2212":
            return match.group(0)
        return text("common.interval", low=low.replace("-", MINUS), high=high.replace("-", MINUS))

    return RANGE.sub(words, written)
SOURCE_DOCUMENTS = {  # a cited source document (the file names the data files cite) -> its sources.<key> label
    "000_0f860e55d368bab3.txt": "akim_speech",
    "001_22452510f78b59ea.txt": "programme",
    "002_aa76da4b82f50d8e.txt": "almaty_2050",
    "003_6637713a13da51a4.txt": "head_of_state_meeting",
    "004_252cdb5a6989d7e6.txt": "head_of_state_on_almaty",
}
LINES = r"\d+(?:\s*[-–]\s*\d+)?"
CITATION = re.compile(rf"(?P<file>{'|'.join(re.escape(f) for f in SOURCE_DOCUMENTS)})(?::(?P<lines>{LINES}(?:,\s*{LINES})*))?")


def readable_sources(text: Text, written: str) -> str:
    """``written`` with each citation of a source file ("001_22452510f78b59ea.txt:2918-2928") by the document's name and
    its line(s) in the reader's language ("Almaty development programme (2022), lines 2918-2928"): the file names mean
    nothing to a reader; the data files and the catalogues keep them, for the citation checks."""
    if ".txt" not in written:
        return written

    def named(match: re.Match) -> str:
        document = text.labels[f"sources.{SOURCE_DOCUMENTS[match['file']]}"]
        lines = match["lines"]
        if not lines:
            return document
        key = "sources.lines" if any(mark in lines for mark in ",-–") else "sources.line"
        return text.labels[key].format(document=document, lines=lines)

    return CITATION.sub(named, written)


FORMAT_SPEC = re.compile(r"\{:(?P<sign>\+)?(?P<grouped>,)?(?:\.(?P<digits>\d))?(?P<kind>[f%g])?\}")


def general_digits(value: float, most: int = 6) -> int:
    """The fewest decimals (at most ``most``) that write ``value`` exactly as "{:g}" would keep it: 280.0 -> 0, 0.25 -> 2."""
    for digits in range(most + 1):
        if abs(round(value, digits) - value) < 1e-9 * max(1.0, abs(value)):
            return digits
    return most

def keys_used(paths: list[Path]) -> dict[str, set[str]]:
    """Literal keys passed to ``t("...")`` in the given files (notebooks included), by file path."""
    found = {}
    for path in paths:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ipynb":
            text = "\n".join("".join(cell["source"]) for cell in json.loads(text)["cells"] if cell["cell_type"] == "code")
        found[str(path)] = set(KEY_PATTERN.findall(text))
    return found


def source_hash(text: str) -> str:
    """The short hash of an English template recorded for its translations."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_LENGTH]


def recorded_hashes(language: str, directory: Path | None = None) -> dict[str, str]:
    """``{dotted key: hash of the English text translated}`` from the language's sidecar (empty if none)."""
    path = hashes_path(language, directory)
    if not path.exists():
        return {}
    records = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(key): str(value) for key, value in records.items()}


def stale(language: str, directory: Path | None = None) -> dict[str, str]:
    """``{key: English text now}`` for each English key whose recorded hash in ``language`` differs from the
    hash of the current English text, or that has no record. Read from the files (not the cached catalogues),
    from ``directory`` if given."""
    english = _read_catalogue(catalogue_path("en", directory))
    recorded = recorded_hashes(language, directory)
    return {key: text for key, text in english.items() if recorded.get(key) != source_hash(text)}


def accept(language: str, keys: list[str], directory: Path | None = None) -> None:
    """Record that the ``language`` translation of ``keys`` matches the current English text."""
    if language not in LANGUAGES[1:]:
        raise ValueError(f"only translations are accepted: expected one of {', '.join(LANGUAGES[1:])}, not {language!r}")
    english = _read_catalogue(catalogue_path("en", directory))
    translation = _read_catalogue(catalogue_path(language, directory))
    unknown = [key for key in keys if key not in english or key not in translation]
    if unknown:
        raise KeyError(f"not in both en.yaml and {language}.yaml: {', '.join(unknown)}")
    records = recorded_hashes(language, directory) | {key: source_hash(english[key]) for key in keys}
    text = HASHES_HEADER.format(language=language) + yaml.safe_dump(records, sort_keys=True, allow_unicode=True, width=1000)
    hashes_path(language, directory).write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """``stale``: print the entries to re-translate per language (exit 1 when any);
    ``accept LANGUAGE KEY [KEY...]``: record that those translations are up to date."""
    parser = argparse.ArgumentParser(prog="python -m almaty_analytics.i18n", description="Translations whose English text changed.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("stale", help="list the entries whose English text changed since they were translated")
    accepting = commands.add_parser("accept", help="record that a translation matches the current English text")
    accepting.add_argument("language", choices=LANGUAGES[1:])
    accepting.add_argument("keys", nargs="+", metavar="KEY")
    args = parser.parse_args(argv)
    if args.command == "accept":
        try:
            accept(args.language, args.keys)
        except KeyError as error:
            parser.error(str(error.args[0]))
        print(f"{hashes_path(args.language).name}: accepted {len(args.keys)} key(s)")
        return 0
    found = 0
    for language in LANGUAGES[1:]:
        entries = stale(language)
        found += len(entries)
        if entries:
            print(f"{language}: {len(entries)} entr{'y' if len(entries) == 1 else 'ies'} to re-translate (English now):")
            for key, text in entries.items():
                print(f"  {key}: {text!r}")
    if not found:
        print("no stale translations")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
