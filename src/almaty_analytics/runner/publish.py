"""Where a run writes and how its results become visible: output checks, locks, staging, atomic moves, ``previous/``.

Method: a run of one scenario holds ``<out>/.lock`` (one run per output folder and scenario; waits
give up after ``lock_timeout`` seconds). Notebooks execute into a private ``.staging/<id>/`` whose
``.owner`` lock file is held while its run lives, so a later run removes only the staging folders
nobody holds (left by a killed run). Results are moved into place with ``os.replace`` (atomic on one
file system); a failed notebook only adds ``<name>.failed.html`` beside its last good report. Before
the domain notebooks replace tables, the published tables and manifest are copied to ``previous/``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path
from typing import IO

from .. import export
from ..paths import PREVIOUS
from .execute import Result

OWNER = ".owner"  # lock file inside each staging folder, held while its run lives
DEFAULT_LOCK_TIMEOUT = 3600  # seconds to wait for another run of the same scenario (its notebooks time out first)


class SetupError(ValueError):
    """The run cannot start: the output folder is unusable or another run holds the scenario too long."""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


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
    for sub in (out / "tables", out / ".staging"):
        if sub.exists() and not sub.is_dir():
            raise SetupError(f"{flag}: {sub} is a file, not a folder; remove it")
    try:
        with tempfile.TemporaryFile(dir=target, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise SetupError(f"{flag}: cannot write in {target}: {exc.strerror}; expected a writable folder") from None


@contextlib.contextmanager
def scenario_lock(directory: Path, log, timeout: float):
    """Hold ``<directory>/.lock``: one run per output folder and scenario; wait at most ``timeout`` seconds."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "a+", encoding="utf-8") as handle:
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
                    f"{directory / '.lock'}: {holder} is still writing this scenario after {timeout:g} s (--lock-timeout); try later"
                ) from None
            if not told:
                log(f"{holder} is writing {directory}; waiting up to {timeout:g} s for it to finish")
                told = True
            time.sleep(min(0.5, max(deadline - time.monotonic(), 0.01)))


@contextlib.contextmanager
def staging_folder(out: Path):
    """A fresh ``.staging/<id>/`` owned by this run (its ``.owner`` lock held), removed when the run ends."""
    staging = out / ".staging" / uuid.uuid4().hex
    staging.mkdir(parents=True)
    try:
        with open(staging / OWNER, "w", encoding="utf-8") as owner:
            fcntl.flock(owner, fcntl.LOCK_EX)
            owner.write(str(os.getpid()))
            owner.flush()
            yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        with contextlib.suppress(OSError):
            (out / ".staging").rmdir()


def remove_stale_staging(out: Path, log) -> None:
    """Remove staging folders whose owner lock nobody holds (a killed run); never one a live run owns."""
    root = out / ".staging"
    if not root.is_dir():
        return
    for folder in sorted(root.iterdir()):
        owner = folder / OWNER
        if not folder.is_dir():
            folder.unlink(missing_ok=True)
            continue
        try:
            with open(owner, "a", encoding="utf-8") as handle:  # creates the lock file if the run died before it
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                shutil.rmtree(folder, ignore_errors=True)
        except BlockingIOError:
            continue  # a live run owns it
        except OSError:
            shutil.rmtree(folder, ignore_errors=True)
        log(f"removed {folder.name} in {root}: left by a run that did not finish")


def publish(staging: Path, out: Path, result: Result, previous: dict, date: str, vintage: str) -> dict[str, str]:
    """Move one notebook's results into ``out``; return the published files with their SHA-256 (ok only).

    A successful notebook replaces its report and tables and removes the tables its previous
    good run (``previous``: its manifest entry) wrote that this run no longer writes. A failed one
    only adds its failure report. Each table gets the run's data ``vintage`` and ``date`` (export.stamp_table).
    """
    stem = result.notebook
    if result.status != "ok":
        for source, target in ((f"{stem}.failed.html", f"{stem}.failed.html"), (f"{stem}.ipynb", f"{stem}.failed.ipynb")):
            if (staging / source).exists():
                os.replace(staging / source, out / target)
        return {}
    published = {}
    for suffix in (".ipynb", ".html"):
        os.replace(staging / f"{stem}{suffix}", out / f"{stem}{suffix}")
        published[f"{stem}{suffix}"] = sha256(out / f"{stem}{suffix}")
    for stale in (out / f"{stem}.failed.html", out / f"{stem}.failed.ipynb"):
        stale.unlink(missing_ok=True)
    tables = staging / stem / "tables"
    if tables.exists():
        (out / "tables").mkdir(exist_ok=True)
        for csv in sorted(tables.glob("*.csv")):
            export.stamp_table(csv, date, vintage)
            os.replace(csv, out / "tables" / csv.name)
            published[f"tables/{csv.name}"] = sha256(out / "tables" / csv.name)
    for name in previous.get("outputs", {}):
        if name.startswith("tables/") and name not in published:
            (out / name).unlink(missing_ok=True)
    return published


def keep_previous(out: Path) -> None:
    """Copy the published tables and manifest to ``<out>/previous/`` before a run replaces them (atomic swap)."""
    if not (out / "manifest.json").exists():
        return
    fresh = out / f".{PREVIOUS}.new"
    shutil.rmtree(fresh, ignore_errors=True)
    (fresh / "tables").mkdir(parents=True)
    shutil.copy2(out / "manifest.json", fresh / "manifest.json")
    for csv in sorted((out / "tables").glob("*.csv")):
        shutil.copy2(csv, fresh / "tables" / csv.name)
    old = out / f".{PREVIOUS}.old"
    shutil.rmtree(old, ignore_errors=True)
    if (out / PREVIOUS).exists():
        os.replace(out / PREVIOUS, old)
    os.replace(fresh, out / PREVIOUS)
    shutil.rmtree(old, ignore_errors=True)
