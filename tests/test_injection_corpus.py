"""Issue 21, item 1: markup in every free-text field of the inputs never reaches a report or index as live HTML.

The corpus: every free-text column of every raw table (a string field of data/raw/datapackage.yaml with no enum,
outside the primary key), every text entry of each table's description in datapackage.yaml (title, publisher,
source, notes), the scenario's description and ``report_note`` all carry ``MARKUP``. The real notebooks then run
in this process (conftest.in_process, no kernel) and every report and index is searched for a live tag, an
event-handler attribute or an external link, and for the markup shown as text.
"""

from __future__ import annotations

import html
import re
import shutil
import time
from urllib.parse import quote

import pandas as pd
import pytest
import yaml

from almaty_analytics import i18n, runner
from almaty_analytics.runner import execute
from conftest import ECHO_BODY, ECHO_PARAMETERS, REPO, execute_in_process, make_notebook, visible_text

SMALL_RUN = {"n_simulations": "30"}  # the corpus run's forecasts, small

MARKUP = "<script>alert(1)</script> <img src=x onerror=alert(1)> https://evil.example/x [link](https://evil.example)"
RESOURCE_TEXT = ("title", "publisher", "source", "via", "note", "published_note", "licence")

LIVE = {  # what must never appear in a report or index: a pattern and what it is
    "script tag": re.compile(r"<script\b[^>]*>\s*alert", re.I),
    "img tag": re.compile(r"<img\s+src=x", re.I),
    "event handler": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "external link": re.compile(r"<a\b[^>]*\bhref\s*=\s*[\"']?\s*(https?:|//)", re.I),
    "external source": re.compile(r"\b(src|href|action)\s*=\s*[\"']?\s*(https?:)?//evil", re.I),
}


FREE_TEXT = {"note", "reason", "source", "source_url", "source_file", "description", "guidebook_table", "technology"}  # not codes or keys


def free_text_columns(resource: dict) -> list[str]:
    """The free-text columns of a raw table: string fields with no enum, outside the primary key, named as text."""
    key = set(resource.get("primary_key", []))
    return [
        f["name"]
        for f in resource["fields"]
        if f.get("type") == "string" and "enum" not in f and f["name"] not in key and f["name"] in FREE_TEXT
    ]


def poison(root) -> list[str]:
    """Put MARKUP into every free-text field of the raw data and scenario descriptions; the fields poisoned."""
    raw = root / "data" / "raw"
    package = yaml.safe_load((raw / "datapackage.yaml").read_text(encoding="utf-8"))
    poisoned = []
    for resource in package["resources"]:
        for key in RESOURCE_TEXT:
            if isinstance(resource.get(key), str):
                resource[key] = f"{resource[key]} {MARKUP}"
                poisoned.append(f"datapackage.yaml {resource['name']}.{key}")
        columns = free_text_columns(resource)
        if columns:
            path = raw / resource["path"]
            table = pd.read_csv(path, dtype=str, keep_default_na=False)
            for column in columns:
                table[column] = [f"{v} {MARKUP}" for v in table[column]]
                poisoned.append(f"{resource['path']}:{column}")
            table.to_csv(path, index=False)
    (raw / "datapackage.yaml").write_text(yaml.safe_dump(package, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for path in (root / "scenarios").glob("*.yaml"):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        doc["description"] = f"{doc['description']} {MARKUP}"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
        poisoned.append(f"scenarios/{path.name}:description")
    return poisoned


def leaks(page: str) -> list[str]:
    return [f"{what}: {m.group(0)[:80]!r}" for what, pattern in LIVE.items() for m in pattern.finditer(page)]


def test_markdown_shows_markup_and_links_as_text():
    shown = execute.markdown_escaped(f"note: {MARKUP} and <https://evil.example/y> and ![x](https://evil.example/i.png)")
    assert leaks(shown) == [], shown
    assert "&lt;script&gt;" in shown and "https://evil.example/x" in shown and "evil.example/y" in shown
    assert "[link](https://evil.example)" in html.unescape(shown)  # a markdown link shows as written
    assert "<strong>bold</strong>" in execute.markdown_escaped("**bold**")  # the catalogue's own markdown still renders


@pytest.fixture(scope="module")
def poisoned_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus") / "project"
    shutil.copytree(REPO / "data" / "raw", root / "data" / "raw")
    (root / "data" / "processed").mkdir(parents=True)
    shutil.copytree(REPO / "scenarios", root / "scenarios")
    shutil.copytree(REPO / "notebooks", root / "notebooks")
    fields = poison(root)
    out = root / "reports"

    started = time.perf_counter()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ALMATY_ANALYTICS_ROOT", str(root))
        patch.setattr(execute, "execute_notebook", execute_in_process)
        failures = []
        # first one report without the note, so that the summary's "parameters changed" table shows report_note (the
        # forecasts it computes, for the same model parameters, are those the second run reads)
        first = runner.run(notebooks=["10_population_forecast"], overrides=SMALL_RUN, output_root=out, jobs=1, log=lambda _: None)
        code = first or runner.run(overrides=SMALL_RUN | {"report_note": MARKUP}, output_root=out, jobs=1, force=True, log=lambda _: None, err=failures.append)
    return fields, out, code, failures, time.perf_counter() - started


def test_every_free_text_field_is_poisoned(poisoned_run):
    fields, *_ = poisoned_run
    assert any("level_shifts.csv:reason" in f for f in fields)
    assert any("programme_schools.csv:note" in f for f in fields)
    assert any(f.endswith(".publisher") for f in fields) and any(f.endswith(".title") for f in fields)
    assert "scenarios/default.yaml:description" in fields


def test_no_report_or_index_holds_live_markup(poisoned_run):
    _, out, code, failures, seconds = poisoned_run
    assert code == 0, failures
    pages = sorted(out.rglob("*.html"))
    assert {p.name for p in pages} >= {"index.html", "00_data_overview.html", "10_population_forecast.html", "90_summary.html"}
    found = {str(p.relative_to(out)): leaks(p.read_text(encoding="utf-8")) for p in pages}
    assert {p: f for p, f in found.items() if f} == {}, f"run took {seconds:.0f} s"
    for page in pages:  # and a policy that would stop a script the escaping missed
        meta = re.search(r"<meta[^>]*Content-Security-Policy[^>]*>", page.read_text(encoding="utf-8"))
        policy = re.search(r"content=\"([^\"]*)\"", meta.group(0)) if meta else None
        scripts = [d for d in policy.group(1).split(";") if d.strip().startswith("script-src")] if policy else []
        assert policy and "default-src 'none'" in policy.group(1) and not any("unsafe-inline" in d for d in scripts), page.name


def test_the_markup_is_still_shown_as_text(poisoned_run):
    _, out, *_ = poisoned_run
    summary = html.unescape(visible_text((out / "default" / "90_summary.html").read_text(encoding="utf-8")))
    t = i18n.Text("en")  # the parameter changed since the previous run, by its display name
    assert t.parameter("report_note") in summary
    for name in ("00_data_overview", "90_summary"):
        report = next(out.rglob(f"{name}.html"))
        text = html.unescape(visible_text(report.read_text(encoding="utf-8")))
        assert "<script>alert(1)</script>" in text and "https://evil.example/x" in text, name
        assert "[link](https://evil.example)" in text, name  # a markdown link in free text shows as written


def test_a_failure_report_shows_markup_from_data_as_text(project, in_process):
    """A failed notebook's report (``.failed.html``, rendered with the code shown) holds the data string in the
    injected parameters cell, in what the notebook printed and displayed before it failed, and in the exception's
    message and traceback: all of it as text, under the reports' policy."""
    failing = (
        "import pandas as pd\nfrom IPython.display import Markdown, display\n"
        "print(report_note)\ndisplay(Markdown(report_note))\ndisplay(pd.DataFrame({'note': [report_note]}))\n"
        "raise ValueError(f'bad note: {report_note}')"
    )
    make_notebook(project / "notebooks" / "00_echo.ipynb", ECHO_PARAMETERS, [ECHO_BODY[0], failing])
    assert runner.run(overrides={"report_note": MARKUP}, log=lambda _: None, err=lambda _: None) == 1
    page = (project / "reports" / "default" / "00_echo.failed.html").read_text(encoding="utf-8")
    assert leaks(page) == []
    text = html.unescape(visible_text(page))
    assert f"ValueError: bad note: {MARKUP}" in text and text.count(MARKUP) >= 4, text  # parameters, printed, displayed, raised
    assert "default-src 'none'" in page and "script-src 'none'" in page


def test_a_folder_name_with_markup_in_the_output_root_is_escaped_in_the_index(tmp_path):
    """Any folder with a manifest and an index is listed: its name is URL-quoted in the link and escaped in the text."""
    name = '"><img src=x onerror=alert(1)>'
    (tmp_path / name).mkdir()
    (tmp_path / name / "manifest.json").write_text("{}")
    runner.write_scenario_index(tmp_path / name, name, tmp_path)
    runner.write_index(tmp_path)
    for page in (tmp_path / "index.html", tmp_path / name / "index.html"):
        text = page.read_text(encoding="utf-8")
        assert leaks(text) == [] and "default-src 'none'" in text, page
    assert f'href="{quote(name)}/index.html"' in (tmp_path / "index.html").read_text(encoding="utf-8")
