"""Report text in English, Russian and Kazakh: one catalogue file per language.

Method: every label a reader sees (report text, chart titles, axis labels, table headers) is looked up
by key in ``locales/<language>.yaml``. The catalogues are nested mappings; a key is the dotted path
(``summary.title``). Values are ``str.format`` templates: ``t("summary.lead", year=2030)``. A missing
key is an error naming the key, the language and the catalogue file, never an English fallback, so
a report cannot be handed over half-translated. Kazakh terms follow the programme's own wording (its
glossary in the sources README), Russian terms the statistics office's (BNS: "численность населения",
"выбросы загрязняющих веществ"). Numbers in running text use the language's separators (``num``).
"""

from __future__ import annotations

import json
import re
import string
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

LANGUAGES = ("en", "ru", "kk")
NAMES = {"en": "English", "ru": "Русский", "kk": "Қазақша"}
CATALOGUE_DIR = Path(__file__).parent / "locales"
KEY_PATTERN = re.compile(r"""(?:\bt|\b_text)\(\s*["']([a-z0-9_]+(?:\.[a-z0-9_]+)+)["']""")  # t("section.key", ...) in code


class MissingLabel(KeyError):
    """A key absent from a language's catalogue."""

    def __str__(self) -> str:
        return str(self.args[0])


def catalogue_path(language: str) -> Path:
    return CATALOGUE_DIR / f"{language}.yaml"


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat = {}
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat |= _flatten(value, path + ".")
        else:
            flat[path] = str(value)
    return flat


@cache
def catalogue(language: str) -> dict[str, str]:
    """The flat catalogue ``{dotted key: template}`` of one language."""
    if language not in LANGUAGES:
        raise ValueError(f"language {language!r} is not supported; expected one of {', '.join(LANGUAGES)}")
    path = catalogue_path(language)
    tree = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(tree, dict):
        raise ValueError(f"{path}: expected a mapping of sections to labels")
    return _flatten(tree)


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
        return template.format(**values) if values else template

    def has(self, key: str) -> bool:
        return key in self.labels

    def term(self, section: str, value) -> str:
        """A category value as readers see it (``terms.<section>.<value>``), e.g. a scenario or district name."""
        return self(f"terms.{section}.{value}")

    def column(self, name: str, section: str | None = None) -> str:
        """A table header: ``<section>.columns.<name>`` when the section defines it, else ``columns.<name>``."""
        if section and self.has(f"{section}.columns.{name}"):
            return self(f"{section}.columns.{name}")
        return self(f"columns.{name}")

    def columns(self, frame: pd.DataFrame, section: str | None = None) -> pd.DataFrame:
        """``frame`` with every column header translated (for display; tables on disk keep their names)."""
        return frame.rename(columns={c: self.column(str(c), section) for c in frame.columns if not str(c).isdigit()})

    def num(self, value: float, digits: int = 0, signed: bool = False) -> str:
        """A number in running text: 1,234.5 in English, 1 234,5 in Russian and Kazakh (narrow no-break space);
        ``signed`` writes + before a positive value (or zero)."""
        text = f"{value:{'+' if signed else ''},.{digits}f}"
        if self.language == "en":
            return text
        return text.replace(",", "\u202f").replace(".", ",")

    def pct(self, share: float, digits: int = 0, signed: bool = False) -> str:
        """A share as a percentage in running text: 0.914 -> 91.4% (91,4% in Russian and Kazakh)."""
        return self.num(100 * share, digits, signed) + "%"


def keys_used(paths: list[Path]) -> dict[str, set[str]]:
    """Literal keys passed to ``t("...")`` in the given files (notebooks included), by file name."""
    found = {}
    for path in paths:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ipynb":
            text = "\n".join("".join(cell["source"]) for cell in json.loads(text)["cells"] if cell["cell_type"] == "code")
        found[path.name] = set(KEY_PATTERN.findall(text))
    return found
