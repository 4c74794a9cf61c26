"""Where a run writes and how its results become visible: output checks, locks, versions, the switch, ``previous/``.

Method: ``<language root>/<scenario>`` is a symbolic link to one complete version of the scenario's published
set, ``<language root>/.runs/<scenario>/<id>/`` (reports, tables, workbook, manifest, index, ``previous/``). A run holds
``.runs/<scenario>/.lock`` (one run per output folder and scenario; waits give up after ``lock_timeout``
seconds), makes a new version as hard links to the current one (``new_version``: no file is ever changed in
place, so the current version is never touched), executes the notebooks into ``<version>/.staging/``, moves
their results into the new version, writes its manifest and workbook there and only then makes it current with
one atomic rename of a new link over the old (``switch``). A run killed at any moment leaves the old version
current; the next run removes what it left (``remove_leftovers``). A failure while publishing
(``PublishError``: a write error, a full disk, a name taken by a folder) abandons the new version and leaves
the old one current. ``previous/`` holds the tables and manifest as they were before the last run that changed
the tables or the raw data or code behind them (``keep_previous``), so it rotates only with a run that publishes. A folder of the older layout (a
real directory) becomes the first version at the next run (``current_version``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .. import export
from ..paths import PREVIOUS
from .execute import Result

RUNS = ".runs"  # in each language's folder: every scenario's versions and lock
STAGING = ".staging"  # in a new version: where its notebooks write, removed before the switch
LOCK = ".lock"
MOVED = "-moved"  # the name's end of a version that was a folder of the older layout
DEFAULT_LOCK_TIMEOUT = 3600  # seconds to wait for another run of the same scenario (its notebooks time out first)


class SetupError(ValueError):
    """The run cannot start: the output folder is unusable or another run holds the scenario too long."""


class PublishError(OSError):
    """Publishing a run failed after its kernels (``path``: the file it was writing); the current version is untouched."""

    def __init__(self, path: Path, cause: str):
        super().__init__(f"{path}: {cause}")
        self.path, self.cause = path, cause


@contextlib.contextmanager
def writing(path: Path) -> Iterator[None]:
    """Turn any failure while writing ``path`` into a PublishError naming it and its cause."""
    try:
        yield
    except PublishError:
        raise
    except OSError as exc:
        raise PublishError(Path(exc.filename or path), exc.strerror or str(exc)) from None
    except Exception as exc:  # openpyxl refuses control characters, pandas a bad value
        raise PublishError(path, f"{type(exc).__name__}: {exc}") from None


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def runs_dir(out: Path) -> Path:
    """``<language root>/.runs/<scenario>``: the scenario's versions and its lock."""
    return out.parent / RUNS / out.name


def check_output(out: Path, given: Path | None = None) -> None:
    """Refuse an output folder the run could not write, before any kernel starts (SetupError naming it).

    ``given`` is the ``--output`` value ``out`` was built from, named in the message.
    """
    flag = f"--output {given if given is not None else out}"
    target = out
    while not target.exists():
        if target.is_symlink():
            raise SetupError(f"{flag}: {target} is a broken link; expected a folder")
        target = target.parent
    if not target.is_dir():
        raise SetupError(f"{flag}: {target} is a file, not a folder; expected a folder for reports")
    for sub in (out / "tables", runs_dir(out)):
        if sub.exists() and not sub.is_dir():
            raise SetupError(f"{flag}: {sub} is a file, not a folder; remove it")
    if (out / "index.html").is_dir():
        raise SetupError(f"{flag}: {out / 'index.html'} is a folder; expected the index file (remove the folder)")
    try:
        with tempfile.TemporaryFile(dir=target, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise SetupError(f"{flag}: cannot write in {target}: {exc.strerror}; expected a writable folder") from None


@contextlib.contextmanager
def scenario_lock(out: Path, log, timeout: float):
    """Hold ``.runs/<scenario>/.lock``: one run per output folder and scenario; wait at most ``timeout`` seconds."""
    directory = runs_dir(out)
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / LOCK, "a+", encoding="utf-8") as handle:
        _wait_for_lock(handle, directory, log, timeout)
        handle.seek(0)
        handle.truncate()
        handle.write(f"run pid {os.getpid()} started {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}")
        handle.flush()
        yield


def _wait_for_lock(handle: IO[str], directory: Path, log, timeout: float) -> None:
    deadline, told = time.monotonic() + timeout, False
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another run"
            if time.monotonic() >= deadline:
                raise SetupError(
                    f"{directory / LOCK}: {holder} is still writing this scenario after {timeout:g} s (--lock-timeout); try later"
                ) from None
            if not told:
                log(f"{holder} is writing {directory.parent.parent / directory.name}; waiting up to {timeout:g} s for it to finish")
                told = True
            time.sleep(min(0.5, max(deadline - time.monotonic(), 0.01)))


def current_version(out: Path) -> Path | None:
    """The version ``out`` links to (None before the first run); under the lock.

    A real folder (the layout before versions) becomes the first version; when a run died between that move
    and the link, the one version there is linked again.
    """
    versions = runs_dir(out)
    if out.is_symlink():
        return (out.parent / os.readlink(out)).resolve() if out.exists() else None
    if out.is_dir():
        moved = versions / f"{_stamp()}{MOVED}"
        os.replace(out, moved)
        _link(out, moved)
        return moved.resolve()
    kept = [p for p in versions.iterdir() if p.is_dir() and p.name.endswith(MOVED)]  # never a killed run's new version
    if len(kept) == 1:
        _link(out, kept[0])
        return kept[0].resolve()
    return None


def remove_leftovers(out: Path, current: Path | None, log) -> None:
    """Remove every version but the current one and any switch link (``_link``) left by a run that did not finish
    (killed between making the link and renaming it over ``out``); under the lock."""
    for link in sorted(out.parent.glob(f".{out.name}.*.link")):
        link.unlink(missing_ok=True)
        log(f"removed {link.name} in {link.parent}: left by a run that did not finish")
    for folder in sorted(runs_dir(out).iterdir()):
        if folder.name == LOCK or (current is not None and folder.resolve() == current):
            continue
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)
        else:
            folder.unlink(missing_ok=True)
        log(f"removed {folder.name} in {folder.parent}: left by a run that did not finish")


def new_version(out: Path, current: Path | None) -> Path:
    """A new version of the scenario's folder: hard links to every file of ``current`` (copies across file systems)."""
    version = runs_dir(out) / f"{_stamp()}-{uuid.uuid4().hex[:8]}"
    if current is None:
        version.mkdir()
    else:
        shutil.copytree(current, version, symlinks=True, copy_function=_link_or_copy, ignore=shutil.ignore_patterns(STAGING))
    (version / STAGING).mkdir()
    return version


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def switch(out: Path, version: Path, current: Path | None) -> None:
    """Make ``version`` current with one atomic rename of a new link over ``out``; then remove the old version."""
    shutil.rmtree(version / STAGING, ignore_errors=True)
    _link(out, version)
    if current is not None and current != version:
        shutil.rmtree(current, ignore_errors=True)


def abandon(version: Path) -> None:
    """Remove a version that will not become current."""
    shutil.rmtree(version, ignore_errors=True)


def _link(out: Path, version: Path) -> None:
    link = out.parent / f".{out.name}.{uuid.uuid4().hex[:8]}.link"
    os.symlink(os.path.relpath(version, out.parent), link)
    try:
        with writing(out):
            os.replace(link, out)
    finally:
        link.unlink(missing_ok=True)


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")


def view(out: Path, version: Path) -> Path:
    """A folder beside the versions that shows the language's scenarios with this scenario's new version: what the
    late notebooks read (``reports_dir``) before the switch. Removed with the run's leftovers."""
    folder = version.with_name(version.name + ".view")
    folder.mkdir()
    for published in sorted(out.parent.iterdir()):
        if not published.name.startswith(".") and published.name != out.name and (published / "manifest.json").exists():
            os.symlink(published.absolute(), folder / published.name)
    os.symlink(version, folder / out.name)
    return folder


def publish(staging: Path, out: Path, result: Result, previous: dict, date: str, vintage: str) -> dict[str, str]:
    """Move one notebook's results from ``staging`` into the new version ``out``; return the published files with their
    SHA-256 (ok only). Failures raise PublishError naming the file.

    A successful notebook replaces its report and tables and removes the tables its previous
    good run (``previous``: its manifest entry) wrote that this run no longer writes. A failed one
    only adds its failure report. Each table gets the run's data ``vintage`` and ``date`` (export.stamp_table; an IAMC
    table in its meta file).
    """
    stem = result.notebook
    if result.status != "ok":
        for source, target in ((f"{stem}.failed.html", f"{stem}.failed.html"), (f"{stem}.ipynb", f"{stem}.failed.ipynb")):
            if (staging / source).exists():
                _move(staging / source, out / target)
        return {}
    published = {}
    for suffix in (".ipynb", ".html"):
        published[f"{stem}{suffix}"] = _move(staging / f"{stem}{suffix}", out / f"{stem}{suffix}")
    for stale in (out / f"{stem}.failed.html", out / f"{stem}.failed.ipynb"):
        with writing(stale):
            stale.unlink(missing_ok=True)
    tables = staging / stem / "tables"
    if tables.exists():
        with writing(out / "tables"):
            (out / "tables").mkdir(exist_ok=True)
        for csv in sorted(tables.glob("*.csv")):
            with writing(csv):
                stamped = export.stamp_table(csv, date, vintage)  # the table, and an IAMC table's meta file
            for path in stamped:
                published[f"tables/{path.name}"] = _move(path, out / "tables" / path.name)
    for name in previous.get("outputs", {}):
        if name.startswith("tables/") and name not in published:
            with writing(out / name):
                (out / name).unlink(missing_ok=True)
    return published


def _move(source: Path, target: Path) -> str:
    """``os.replace`` within the new version; the moved file's SHA-256."""
    with writing(target):
        os.replace(source, target)
        return sha256(target)


def table_digests(folder: Path | None) -> dict[str, str]:
    return {} if folder is None else {p.name: sha256(p) for p in sorted((folder / "tables").glob("*.csv"))}


def keep_previous(current: Path | None, version: Path, inputs: dict[str, str], code_hash: str) -> None:
    """``<version>/previous/``: the tables and manifest of ``current``, when the version differs from it in what the
    summary's "what changed" compares: its tables, or the raw data (``inputs``: file -> hash) or code that made them."""
    if current is None or not (current / "manifest.json").exists():
        return
    try:
        before = json.loads((current / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        before = {}
    same_sources = before.get("input_hashes") == inputs and before.get("code_hash") == code_hash
    if same_sources and table_digests(current) == table_digests(version):
        return
    kept = version / PREVIOUS
    with writing(kept):
        shutil.rmtree(kept, ignore_errors=True)
        (kept / "tables").mkdir(parents=True)
        shutil.copy2(current / "manifest.json", kept / "manifest.json")  # copies: an edit of a published table never reaches them
        for csv in sorted((current / "tables").glob("*.csv")):
            shutil.copy2(csv, kept / "tables" / csv.name)
