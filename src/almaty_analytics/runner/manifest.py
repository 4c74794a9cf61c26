"""What a run records: fingerprints that decide what re-runs, and ``manifest.json`` (per notebook, per table, the run).

Method: a notebook's fingerprint hashes the notebook file, the parameters its results depend on, the raw
data (and, for the late notebooks, every published table of the language's folder) and the package code.
A notebook is skipped when its last good run had the same fingerprint and every file it published is
intact. The manifest keeps, per notebook, its last run (a failure keeps its last good run under
``last_good``) and, per table, the notebook run that produced the published CSV.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import platform
from pathlib import Path
from typing import Any

from .. import __version__, export, scenarios
from . import selection
from .execute import Result
from .publish import sha256

_VERSIONED = ("pandas", "numpy", "statsmodels", "seaborn", "matplotlib", "scikit-learn", "papermill", "nbconvert", "ipykernel")


def fingerprint(notebook: Path, parameters: dict[str, Any], data_hashes: dict[str, str], code_hash: str) -> str:
    payload = json.dumps(
        {"notebook": sha256(notebook), "parameters": parameters, "data": data_hashes, "code": code_hash},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def unchanged(out: Path, entry: dict, fp: str) -> bool:
    """True when the last run of a notebook was good with this fingerprint and every file it published is intact."""
    outputs = entry.get("outputs")
    if entry.get("status") != "ok" or entry.get("fingerprint") != fp or not outputs:
        return False
    return all((out / name).is_file() and sha256(out / name) == digest for name, digest in outputs.items())


def good_run(entry: dict) -> dict | None:
    """The notebook's last successful run: the entry itself, or the ``last_good`` kept beside a failure."""
    return entry if entry.get("status") == "ok" else entry.get("last_good")


def notebook_entry(result: Result, parameters: dict, fp: str, outputs: dict[str, str], last: dict, finished: str, hashes: dict) -> dict:
    """The manifest entry of one executed notebook (``last``: its previous entry; ``hashes``: data_hash and code_hash)."""
    entry = {
        "status": result.status,
        "seconds": round(result.seconds, 2),
        "finished": finished,
        "parameters": {k: v for k, v in parameters.items() if k not in scenarios.RUNNER_PARAMETERS},
        **hashes,
    }
    if result.status == "ok":
        return entry | {"fingerprint": fp, "outputs": outputs}
    entry["error"] = result.error
    if good_run(last):
        entry["last_good"] = good_run(last)
    return entry


def table_runs(entries: dict[str, dict]) -> dict[str, dict]:
    """Table name -> the notebook run that produced the published CSV: notebook, finished, parameters."""
    runs = {}
    for stem, entry in entries.items():
        good = good_run(entry) or {}
        for name in good.get("outputs", {}):
            if name.startswith("tables/") and name.endswith(".csv"):
                runs[name[len("tables/") : -len(".csv")]] = {
                    "notebook": stem,
                    "finished": good.get("finished", ""),
                    "parameters": good.get("parameters", {}),
                }
    return dict(sorted(runs.items()))


def read_manifest(path: Path, log) -> dict:
    """The previous manifest, or {} (with a note) when it is missing or unreadable: everything then re-runs."""
    if not path.exists():
        return {}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        manifest = None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("notebooks", {}), dict):
        log(f"{path} is unreadable; every notebook runs again")
        return {}
    return manifest


def table_hashes(language_root: Path) -> dict[str, str]:
    """SHA-256 of every published table of every scenario in the language's folder that a late notebook reads: all
    but the late notebooks' own (by each folder's manifest, ``tables``) and the data dictionary, which lists them, so
    that a summary's first run does not make its next run stale."""
    hashes = {}
    for folder in sorted(path.parent.parent for path in language_root.glob("*/tables")):
        made_by = _table_notebooks(folder / "manifest.json")
        for path in sorted((folder / "tables").glob("*.csv")):
            number = made_by.get(path.stem, "")[:2]
            if path.stem != export.DICTIONARY and not (number.isdigit() and int(number) >= selection.LATE_FROM):
                hashes[path.relative_to(language_root).as_posix()] = sha256(path)
    return hashes


def _table_notebooks(path: Path) -> dict[str, str]:
    """Table name -> the notebook that wrote it, from a published manifest ({} when it is missing or unreadable)."""
    try:
        tables = json.loads(path.read_text(encoding="utf-8")).get("tables", {})
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError):
        return {}
    return {name: str(run.get("notebook", "")) for name, run in tables.items() if isinstance(run, dict)} if isinstance(tables, dict) else {}


def versions() -> dict[str, str]:
    found = {"python": platform.python_version(), "almaty-analytics": __version__}
    for name in _VERSIONED:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            found[name] = importlib.metadata.version(name)
    return found
