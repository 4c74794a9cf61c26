"""The indexes: ``<scenario>/index.html`` inside each published version, and each language's ``index.html``.

Method: a scenario's index (``write_scenario_index``) is written into its new version before the switch, so it
changes with the version, as one: it is read back from what the version holds (its ``manifest.json``: status and
time of each report; the files it has) and, for the scenarios side by side, from each scenario's key-figures
tables (summary.comparison, through the summary's one reader of them) as the run's view shows them. A
language's index (``write_index``) only links the other languages and the published scenario folders' own
indexes: nothing in it depends on a run's results, so a run killed before it is rewritten leaves it true.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from urllib.parse import quote

from .. import i18n, io, summary
from ..paths import language_folder

CSP = "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">"  # nothing loads, nothing runs
STYLE = "<style>body{font-family:sans-serif;max-width:1200px;margin:2em auto}td,th{padding:4px 10px;text-align:left}tr:nth-child(even){background:#f3f3f3}</style>"


def _href(*parts: str) -> str:
    """A relative link to a published file: each path part URL-quoted, the whole HTML-escaped (names come from folders)."""
    return html.escape("/".join(quote(part) for part in parts), quote=True)


def _page(language: str, title: str, body: str) -> str:
    return (
        f"<!DOCTYPE html><html lang='{language}'><head><meta charset='utf-8'>{CSP}<title>{html.escape(title)}</title>{STYLE}"
        f"</head><body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )


def write_indexes(output_root: Path, language: str) -> None:
    """The index of ``language`` and of every other language already published, so each links all the others."""
    for other in i18n.LANGUAGES:
        root = language_folder(output_root, other)
        if other == language or (root / "index.html").exists():
            write_index(root, other)


def write_index(root: Path, language: str = "en") -> None:
    """``index.html`` of one language's folder: links to the other languages, then to the index of every published
    scenario (a folder with a manifest and its index), by the scenario's name."""
    t = i18n.Text(language)
    scenarios = sorted(path.parent.name for path in root.glob("*/manifest.json") if (path.parent / "index.html").exists())
    items = "".join(f'<li><a href="{_href(name, "index.html")}">{html.escape(t.scenario(name))}</a></li>' for name in scenarios)
    body = _language_links(root, language) + f"<h2>{html.escape(t('index.reports_heading'))}</h2><ul>{items}</ul>"
    io.atomic_write_text(root / "index.html", _page(language, t("index.title"), body))


def write_scenario_index(folder: Path, scenario: str, scenarios_root: Path, language: str = "en") -> None:
    """``index.html`` of one scenario's version ``folder``: a link back to the language's index, every scenario of
    ``scenarios_root`` (the run's view) side by side, then each report of the version with its date and status."""
    t = i18n.Text(language)
    rows = _scenario_rows(folder, scenario, t)
    heads = "".join(f"<th>{html.escape(t(f'index.{k}'))}</th>" for k in ("scenario", "vintage", "report", "last_run", "finished", "files"))
    body = (
        f'<p><a href="../index.html">{html.escape(t("index.title"))}</a></p>'
        + _comparison_html(scenarios_root, t)
        + f"<table><tr>{heads}</tr>"
        + "".join(rows)
        + "</table>"
    )
    io.atomic_write_text(folder / "index.html", _page(language, f"{t('index.title')}: {t.scenario(scenario)}", body))


def _scenario_rows(folder: Path, scenario: str, t: i18n.Text) -> list[str]:
    """One row per report of the scenario's version (status, finish time, links relative to it), then its workbook's row."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return []
    rows, vintage = [], html.escape(str(manifest.get("data_vintage", "")))
    for stem, entry in manifest.get("notebooks", {}).items():
        links = []
        if (folder / f"{stem}.html").exists():
            links.append(f'<a href="{_href(stem + ".html")}">{html.escape(t("index.report_link"))}</a>')
        if (folder / f"{stem}.failed.html").exists():
            links.append(f'<a href="{_href(stem + ".failed.html")}">{html.escape(t("index.failure_link"))}</a>')
        status = entry.get("status", "")
        rows.append(
            f"<tr><td>{html.escape(t.scenario(scenario))}</td><td>{vintage}</td><td>{html.escape(t.report(stem))}</td>"
            f"<td>{html.escape(t.term('status', status) if t.has(f'terms.status.{status}') else status)}</td>"
            f"<td>{html.escape(entry.get('finished', ''))}</td><td>{' · '.join(links)}</td></tr>"
        )
    if (folder / "tables" / f"{scenario}.xlsx").exists():
        rows.append(
            f"<tr><td>{html.escape(t.scenario(scenario))}</td><td>{vintage}</td><td>{html.escape(t('index.tables'))}</td><td></td>"
            f"<td>{html.escape(manifest.get('finished', ''))}</td>"
            f'<td><a href="{_href("tables", scenario + ".xlsx")}">{html.escape(t("index.workbook"))}</a> · '
            f'<a href="{_href("manifest.json")}">{html.escape(t("index.manifest"))}</a></td></tr>'
        )
    return rows


def _comparison_html(root: Path, t: i18n.Text) -> str:
    """The scenarios of ``root`` side by side: each scenario's published key-figures tables (summary.comparison)."""
    table = summary.comparison(root, t)
    if table.empty:
        return ""
    head = "".join(f"<th>{html.escape(t(f'index.{c}'))}</th>" for c in table.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in table.itertuples(index=False))
    return (
        f"<h2>{html.escape(t('index.scenarios_heading'))}</h2><p>{html.escape(t('index.scenarios_intro'))} {html.escape(t('index.scenarios_when'))}</p>"
        f"<table><tr>{head}</tr>{body}</table><h2>{html.escape(t('index.reports_heading'))}</h2>"
    )


def _language_links(root: Path, language: str) -> str:
    """Links to the index of every language that has been run (the English root holds the others' folders)."""
    english_root = root if language == "en" else root.parent
    links = []
    for other in i18n.LANGUAGES:
        index = language_folder(english_root, other) / "index.html"
        if other == language or not index.exists():
            continue
        links.append(f'<a href="{html.escape(os.path.relpath(index, root), quote=True)}" hreflang="{other}">{html.escape(i18n.NAMES[other])}</a>')
    if not links:
        return ""
    return f"<p>{html.escape(i18n.Text(language)('index.languages'))} <b>{html.escape(i18n.NAMES[language])}</b> · {' · '.join(links)}</p>"
