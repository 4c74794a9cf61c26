"""No id in a Russian or Kazakh report: every scenario, variant, method, parameter and other category value a reader
sees is its display name (issue 22). Scans the HTML of the suite's end-to-end run (conftest ``published``)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from almaty_analytics import i18n, scenarios

CYRILLIC = re.compile(r"[а-яёәғқңөұүһі]", re.I)
WORD = re.compile(r"[^\W\d][\w-]*\w|[^\W\d]")  # a word: letters, digits, _ and - inside, starting with a letter


class VisibleText(HTMLParser):
    """The text a reader sees: no scripts or styles, no attributes, and no passage marked ``lang="en"`` (the English
    technical notes: a module's docstring, a parameter's meaning; page.Page.technical and ``english`` columns)."""

    def __init__(self):
        super().__init__()
        self.hidden: list[str] = []  # the open tags of the hidden element being skipped
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if self.hidden:
            self.hidden.append(tag)
        elif tag in ("script", "style") or dict(attrs).get("lang") == "en":
            self.hidden.append(tag)

    def handle_endtag(self, tag):
        if self.hidden and self.hidden[-1] == tag:
            self.hidden.pop()

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_words(html: str) -> tuple[str, list[re.Match]]:
    parser = VisibleText()
    parser.feed(html)
    text = re.sub(r"\s+", " ", " ".join(parser.parts))
    return text, list(WORD.finditer(text))


def known_ids() -> set[str]:
    """Every id with a display name: scenario files, parameters and their choices, and every ``terms.<section>.<id>``."""
    ids = set(scenarios.available()) | set(scenarios.PARAMETERS)
    ids |= {choice for spec in scenarios.PARAMETERS.values() for choice in spec.choices or ()}
    return ids | {key.split(".")[2] for key in i18n.catalogue("en") if key.startswith("terms.")}


def leaked_ids(html: str, ids: set[str]) -> list[tuple[str, str]]:
    """(id, context) for each id in the visible text: one with ``_``, ``-`` or a digit anywhere except inside a file name
    or path; a plain word (``default``, ``high``) where a neighbouring word is Cyrillic (in English prose it is a word)."""
    text, words = visible_words(html)
    found = []
    for i, match in enumerate(words):
        word, start, end = match.group(), match.start(), match.end()
        if word not in ids or text[start - 1:start] in ("/", ".") or re.match(r"/|\.\w", text[end:end + 2]):
            continue
        neighbours = [words[j].group() for j in (i - 1, i + 1) if 0 <= j < len(words)]
        if re.search(r"[_\-\d]", word) or any(CYRILLIC.search(n) for n in neighbours):
            found.append((word, text[max(0, start - 60):end + 30]))
    return found


def test_the_check_finds_an_id_in_visible_text_only():
    ids = {"zero_migration", "default", "tfr"}
    html = ('<p>Сценарий: default, вариант zero_migration.</p><p title="zero_migration">the default case</p><div lang="en"><p>tfr and '
            'zero_migration</p></div><script>var default_ = "zero_migration";</script><a href="reports/zero_migration/x.html">отчёт</a> '
            "data/raw/zero_migration.csv")
    assert [word for word, _ in leaked_ids(html, ids)] == ["default", "zero_migration"]


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_no_russian_or_kazakh_report_shows_an_id(published, language):
    ids = known_ids()
    folder = published / language
    pages = sorted((folder / "default").glob("*.html")) + [folder / "index.html"]
    assert len(pages) >= 7, pages  # every report of the run, and the index
    leaks = {page.relative_to(folder).as_posix(): leaked_ids(page.read_text(encoding="utf-8"), ids) for page in pages}
    leaks = {name: found for name, found in leaks.items() if found}
    assert not leaks, "\n".join(f"{name}: {word!r} in ...{context}..." for name, found in leaks.items() for word, context in found[:20])
