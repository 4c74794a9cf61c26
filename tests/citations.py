"""Check that a figure cited to a source line appears on that line.

A citation is ``FILE:LINE`` (several joined by ``;``). A value matches when one of
the numbers printed on a cited line equals it: the decimal comma is read as a
point and digit groups separated by spaces ("318 000") are read as one number.
A few figures are written in words; ``NUMBER_WORDS`` reads those.
"""

import re
from pathlib import Path

SOURCES = Path(__file__).resolve().parents[2] / "shared" / "sources"
NUMBER_WORDS = {"екі есе": 2.0, "бестен бір": 0.2}  # "twice", "one fifth"
_NUMBER = re.compile(r"\d+(?:[ \u00a0\u202f]\d{3})*(?:[.,]\d+)?")


def numbers_on(text: str) -> set[float]:
    """Every number printed in ``text``, with and without merging digit groups."""
    found: set[float] = set()
    for match in _NUMBER.finditer(text):
        token = match.group()
        found.add(float(re.sub(r"[ \u00a0\u202f]", "", token).replace(",", ".")))
        for part in re.split(r"[ \u00a0\u202f]", token):
            found.add(float(part.replace(",", ".")))
    found.update(value for words, value in NUMBER_WORDS.items() if words in text.lower())
    return found


def cited_lines(citation: str, sources: Path = SOURCES) -> str:
    """The text of every line named in ``citation`` (``FILE:LINE;FILE:LINE``)."""
    texts = []
    for ref in citation.split(";"):
        name, line = ref.strip().rsplit(":", 1)
        lines = (sources / name).read_text(encoding="utf-8").splitlines()
        texts.append(lines[int(line) - 1])
    return "\n".join(texts)


def value_is_cited(value: float, citation: str, sources: Path = SOURCES) -> bool:
    return any(abs(value - n) < 1e-9 for n in numbers_on(cited_lines(citation, sources)))
