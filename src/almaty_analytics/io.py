"""Read raw tables as of a vintage, validate them against the manifest, cache derived tables, write atomically.

Every raw CSV in ``data/raw/`` is described in ``data/raw/datapackage.yaml`` (see ``datapackage``):
its provenance and a schema (columns, types, units, ranges, allowed labels, unique keys).
``read_table`` checks a table against that schema and raises ``DataError`` naming the
file, the row (as the line number in the file) and the column at the first problem.

Every table of figures is dated: a column ``published`` holds each row's release, and a
revised figure is a new row. ``read_table(name, vintage=...)`` returns the as-of view: the
rows published on or before the vintage and, per figure (the primary key without
``published``), the newest of them.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import itertools
import json
import math
import os
import pickle
import re
import tempfile
from collections.abc import Callable
from datetime import date
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

import pandas as pd

from . import paths, plausibility
from .datapackage import MANIFEST, PERIOD_KINDS, RELEASE, DataError, Field, Resource, by_content, manifest, modified_time
from .datapackage import read_yaml as read_yaml  # re-exported: scenarios reads its YAML files through io

_BOOLEANS = {"true": True, "false": False}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SCHOOL_YEAR = re.compile(r"(\d{4})/(\d{2})")

DATA_CUTOFF = "2024-03-31"  # the project's newest data: figures published later are kept out, to judge the forecasts
NEWEST = None  # vintage=NEWEST: the newest release of every figure in data/raw
FIRST_VINTAGE = "2022-09-12"  # the mid-2022 vintage: the earliest as-of date the models run from (the programme, published then, feeds every model)


def vintage_date(vintage: str) -> str | None:
    """The as-of date of a scenario's ``vintage`` parameter for ``read_table``: '' (the newest data) is ``NEWEST``."""
    return vintage or NEWEST


def read_tables(names: tuple[str, ...] | list[str], vintage: str) -> dict[str, pd.DataFrame]:
    """The raw tables ``names`` as of a scenario's ``vintage`` parameter ('' = the newest release of every figure)."""
    return {name: read_table(name, vintage=vintage_date(vintage)) for name in names}


def newest_release(raw: Path | None = None) -> str:
    """The date of the newest release in data/raw: the as-of date of a run on the newest data (the newest
    ``published`` of any row: the newest release of a figure is always in its as-of view)."""
    dates = []
    for name, resource in manifest(raw).items():
        if RELEASE in resource.columns:
            path = _located(name, raw)[1]
            dates.append(_read_validated(path, resource, modified_time(path))[RELEASE].max())
    return max(dates)


def shown_vintage(vintage: str, raw: Path | None = None) -> str:
    """The as-of date a run with ``vintage`` uses, for reports and tables: the given date, or the newest release."""
    return vintage or newest_release(raw)


def check_vintage(vintage: str) -> str | None:
    """Why ``vintage`` cannot be a scenario's as-of date ('' or YYYY-MM-DD from FIRST_VINTAGE to DATA_CUTOFF), or None."""
    if vintage == "":
        return None
    if not _is_iso_date(vintage):
        return f"{vintage!r} is not a date; expected YYYY-MM-DD, or '' for the newest data in data/raw"
    if not FIRST_VINTAGE <= vintage <= DATA_CUTOFF:
        return (
            f"{vintage} is outside the dates the models can run from; expected {FIRST_VINTAGE} (the programme, which every model reads, "
            f"was published then) to {DATA_CUTOFF} (the data cutoff), or '' for the newest data"
        )
    return None


def read_table(name: str, raw: Path | None = None, *, vintage: str | None = NEWEST, releases: bool = False) -> pd.DataFrame:
    """Raw table ``name``, validated against its manifest entry, as of ``vintage``.

    The as-of view keeps the rows published on or before ``vintage`` (YYYY-MM-DD; ``NEWEST`` = None: every row)
    and, of several releases of one figure (same primary key but ``published``), the newest; rows keep the
    file's order. The ``published`` column is dropped unless ``releases`` is true. The models read the vintage of
    their scenario (``read_tables``); ``FIRST_VINTAGE`` gives exactly the mid-2022 rows they were first calibrated on.
    """
    resource, path = _located(name, raw)
    return _as_of_validated(path, resource, modified_time(path), vintage, releases).copy()


@cache
def _as_of_validated(path: Path, resource: Resource, mtime: float, vintage: str | None, releases: bool) -> pd.DataFrame:
    """``as_of`` of the validated file, once per process for the same file state and vintage (callers get a copy)."""
    return as_of(_read_validated(path, resource, mtime), resource, vintage, releases)


def _located(name: str, raw: Path | None) -> tuple[Resource, Path]:
    raw = raw or paths.raw_dir()
    resources = manifest(raw)
    if name not in resources:
        raise DataError(f"{raw / MANIFEST}: no resource named {name!r}; known: {', '.join(sorted(resources))}")
    return resources[name], raw / resources[name].path


def as_of(frame: pd.DataFrame, resource: Resource, vintage: str | None, releases: bool = False) -> pd.DataFrame:
    """The rows of a validated ``frame`` known at ``vintage``: per figure, the newest release published by then."""
    if RELEASE not in frame.columns:
        return frame.copy()
    if vintage is not None:
        if not isinstance(vintage, str) or not _is_iso_date(vintage):
            raise DataError(f"vintage {vintage!r}: expected a date YYYY-MM-DD, or None for the newest releases")
        frame = frame[frame[RELEASE] <= vintage]
    figure = [c for c in resource.primary_key if c != RELEASE]
    if figure:
        newest = frame.sort_values(RELEASE, kind="stable").drop_duplicates(figure, keep="last").index
        frame = frame.loc[frame.index.isin(newest)]
    frame = frame.reset_index(drop=True)
    return frame if releases else frame.drop(columns=RELEASE)


def _is_school_year(text: str) -> bool:
    """A school year written as its two calendar years, 2022/23: four digits, a slash, the next year's last two."""
    match = _SCHOOL_YEAR.fullmatch(text)
    return bool(match) and (int(match[1]) + 1) % 100 == int(match[2])


def _is_iso_date(text: str) -> bool:
    if not _ISO_DATE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


_VALIDATED: dict[tuple[bytes, Resource], pd.DataFrame] = {}  # by_content's store: a file's bytes and its manifest entry


@cache
def _read_validated(path: Path, resource: Resource, _mtime: float) -> pd.DataFrame:
    """The validated table at ``path``, read once per file state (path, modification time) and validated once per
    content: a copy of data/raw elsewhere (a test's project) shares the result. Callers must not change it."""
    if not path.is_file():
        what = "is a folder, not a file" if path.exists() else "file is missing"
        raise DataError(f"{path}: {what} (listed in {MANIFEST} as resource {resource.name!r})")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot be read as a UTF-8 CSV: {' '.join(str(exc).split())}") from None
    return by_content(_VALIDATED, data, resource, lambda: _validated(data, resource, path))


def _validated(data: bytes, resource: Resource, path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_csv(BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8", skip_blank_lines=False).fillna("")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{path}: cannot be read as a UTF-8 CSV: {' '.join(str(exc).split())}") from None
    blank = (frame == "").all(axis=1)
    return validate(frame[~blank], resource, path)  # blank lines dropped, index still = line - 2


def validate(frame: pd.DataFrame, resource: Resource, path: Path | str) -> pd.DataFrame:
    """Check columns, types, ranges, labels and keys; return the frame with typed columns."""
    missing = [c for c in resource.columns if c not in frame.columns]
    extra = [c for c in frame.columns if c not in resource.columns]
    if missing or extra:
        raise DataError(f"{path}: columns do not match the manifest: missing {missing}, unexpected {extra}; expected {resource.columns}")
    if frame.empty:
        raise DataError(f"{path}: has a header but no data rows; expected at least one row")
    typed = pd.DataFrame(index=frame.index)
    for f in resource.fields:
        typed[f.name] = _typed_column(frame[f.name], f, path)
    if resource.primary_key:
        dup = typed.duplicated(list(resource.primary_key), keep="first")
        if dup.any():
            row = dup.idxmax()
            key = {k: _plain(typed.at[row, k]) for k in resource.primary_key}
            raise DataError(f"{path}: row {row + 2}, columns {list(resource.primary_key)}: duplicate key {key}; each key must be unique")
    if resource.one_used_per:
        group = list(resource.one_used_per)
        used_before = typed.groupby(group)["used"].cumsum()
        second = typed["used"].astype(bool) & (used_before > 1)
        if second.any():
            row = second.idxmax()
            raise DataError(
                f"{path}: row {row + 2}, column 'used': a second row marked used=true for {typed.loc[row, group].tolist()}; expected exactly one per {group}"
            )
        none = typed.groupby(group)["used"].transform("sum") == 0
        if none.any():
            row = none.idxmax()
            raise DataError(
                f"{path}: row {row + 2}, column 'used': no row marked used=true for {typed.loc[row, group].tolist()}; expected exactly one per {group}"
            )
    _check_releases(typed, resource, path)
    _check_required_rows(typed, resource, path)
    return typed.reset_index(drop=True)


def _check_releases(typed: pd.DataFrame, resource: Resource, path: Path | str) -> None:
    """No release after ``DATA_CUTOFF``, none before the end of the period its row describes."""
    if RELEASE not in typed.columns:
        return
    late = typed[RELEASE] > DATA_CUTOFF
    if late.any():
        row = late.idxmax()
        raise DataError(
            f"{path}: row {row + 2}, column {RELEASE!r}: release {typed.at[row, RELEASE]} is after the data cutoff {DATA_CUTOFF}; "
            "later figures stay out of the project"
        )
    if resource.period is None:
        return
    column, kind = resource.period
    for row, (described, released) in typed[[column, RELEASE]].iterrows():
        if described is None or pd.isna(described):
            continue
        first_day = PERIOD_KINDS[kind](_plain(described))
        if released < first_day:
            raise DataError(
                f"{path}: row {row + 2}, column {RELEASE!r}: release {released} is before the end of the period it describes "
                f"({column} = {_plain(described)}, {kind}: not before {first_day})"
            )


def _plain(value):
    """A numpy or pandas scalar as a Python one, so messages print 2000, not np.int64(2000)."""
    return value.item() if hasattr(value, "item") else value


def _check_required_rows(typed: pd.DataFrame, resource: Resource, path: Path | str) -> None:
    for combo in resource.required_rows:
        columns = [c for c, _ in combo]
        present = {tuple(_plain(v) for v in row) for row in typed[columns].itertuples(index=False)}
        for wanted in itertools.product(*(values for _, values in combo)):
            if wanted not in present:
                described = ", ".join(f"{c}={v!r}" for c, v in zip(columns, wanted, strict=True))
                raise DataError(f"{path}: no row with {described}; the models read it (required_rows in {MANIFEST})")


def _typed_column(values: pd.Series, f: Field, path: Path | str) -> pd.Series:
    text = values.str.strip()
    empty = text == ""
    if f.required and empty.any():
        kind = f.type.replace("_", " ")
        raise DataError(f"{path}: row {empty.idxmax() + 2}, column {f.name!r}: value is empty; {'an' if kind[0] in 'aeiou' else 'a'} {kind} is required")
    if f.type == "string":
        typed = text.where(~empty, None)
    elif f.type == "date":
        bad = ~empty & ~text.map(_is_iso_date)
        if bad.any():
            raise DataError(f"{path}: row {bad.idxmax() + 2}, column {f.name!r}: expected a date YYYY-MM-DD, got {values[bad.idxmax()]!r}")
        typed = text.where(~empty, None)
    elif f.type == "school_year":
        bad = ~empty & ~text.map(_is_school_year)
        if bad.any():
            raise DataError(f"{path}: row {bad.idxmax() + 2}, column {f.name!r}: expected a school year like 2022/23, got {values[bad.idxmax()]!r}")
        typed = text.where(~empty, None)
    elif f.type == "boolean":
        typed = text.str.lower().map(_BOOLEANS)
        bad = typed.isna() & ~empty
        if bad.any():
            raise DataError(f"{path}: row {bad.idxmax() + 2}, column {f.name!r}: expected true or false, got {values[bad.idxmax()]!r}")
        typed = typed.astype("boolean")
    else:
        typed = pd.to_numeric(text.where(~empty, None), errors="coerce")
        bad = typed.isna() & ~empty
        bad |= typed.isin([math.inf, -math.inf])
        if f.type == "integer":
            bad |= typed.notna() & ((typed % 1 != 0) | (typed.abs() > 2**53))
        if bad.any():
            raise DataError(
                f"{path}: row {bad.idxmax() + 2}, column {f.name!r}: expected {'an integer' if f.type == 'integer' else 'a finite number'}, got {values[bad.idxmax()]!r}"
            )
        typed = typed.astype("Int64") if f.type == "integer" else typed.astype(float)
    present = typed.notna()
    if f.enum is not None:
        bad = present & ~typed.isin([str(e) for e in f.enum] if f.type == "string" else list(f.enum))
        if bad.any():
            raise DataError(
                f"{path}: row {bad.idxmax() + 2}, column {f.name!r}: unknown label {_plain(typed[bad.idxmax()])!r}; expected one of {list(f.enum)}"
            )
    for bound, outside in (("min", typed < f.min if f.min is not None else None), ("max", typed > f.max if f.max is not None else None)):
        if outside is not None and (outside := outside.fillna(False).astype(bool)).any():
            limit = f.min if bound == "min" else f.max
            raise DataError(
                f"{path}: row {outside.idxmax() + 2}, column {f.name!r}: value {_plain(typed[outside.idxmax()])} is out of range; expected {'>=' if bound == 'min' else '<='} {limit} {f.unit}".rstrip()
            )
    return typed


_VALIDATED: dict[str, list[str]] = {}  # digest of a raw folder's files (names and bytes) -> the tables validated in this process


def validate_all(raw: Path | None = None) -> list[str]:
    """Validate every table in the manifest; return their names. Raises on the first bad one. Files byte for byte
    those already validated in this process, in this folder or another, are not checked again (the checks read
    nothing but the files): a run checks once for all its languages, stages and scenarios (each is prepared on its
    own), and a process that runs copies of one data folder (the test suite's projects) checks it once."""
    folder = raw or paths.raw_dir()
    key = hashlib.sha256(json.dumps(file_hashes(folder), sort_keys=True).encode()).hexdigest()
    if key not in _VALIDATED:
        names = list(manifest(raw))
        for name in names:
            read_table(name, raw)
        check_plausible(raw)
        _VALIDATED[key] = names
    return list(_VALIDATED[key])


def check_plausible(raw: Path | None = None) -> None:
    """The plausibility checks (module ``plausibility``): no file cut short, parts that add up, no implausible step
    between neighbouring years inside a level-shift segment; every dated table as known at each of its releases."""
    resources = manifest(raw)
    for name in resources:
        plausibility.check_file_end(_located(name, raw)[1])
    shifts = read_table("level_shifts", raw, vintage=NEWEST) if "level_shifts" in resources else None
    for name in [n for n in plausibility.STEP_BOUNDS if n in resources]:
        resource, path = _located(name, raw)
        frame = _read_validated(path, resource, modified_time(path))
        breaks = plausibility.shift_steps(shifts, name) if shifts is not None else set()
        for release, view in plausibility.release_views(frame, resource, as_of):
            plausibility.check_steps(name, view, breaks, path, release)
            if name in plausibility.SEX_PARTS:
                plausibility.check_sex_parts(name, view, path, release)
            if name == "bns_population_districts" and "bns_population_1jan" in resources:
                city = read_table("bns_population_1jan", raw, vintage=release or NEWEST)
                plausibility.check_districts(view, city, path, release)


def sources_table(raw: Path | None = None, vintage: str | None = NEWEST) -> pd.DataFrame:
    """One row per raw file: title, publisher, source, publication (the dates of its releases seen at ``vintage``), licence."""
    rows = [
        {
            "file": f"data/raw/{r.path}",
            "title": r.title,
            "publisher": r.publisher,
            "source": r.source,
            "published": _release_range(name, r, raw, vintage),
            "licence": r.licence,
        }
        for name, r in manifest(raw).items()
    ]
    return pd.DataFrame(rows)


def _release_range(name: str, resource: Resource, raw: Path | None, vintage: str | None) -> str:
    if RELEASE not in resource.columns:
        return resource.published
    dates = read_table(name, raw, vintage=vintage, releases=True)[RELEASE]
    if dates.empty:
        return f"after {vintage}"
    return dates.min() if dates.min() == dates.max() else f"{dates.min()} to {dates.max()}"


def release_overview(raw: Path | None = None) -> pd.DataFrame:
    """Each dated table's series with its newest observation and that observation's release date.

    A series is a figure's primary key without ``published`` and without the table's period column (e.g.
    bns_population_1jan, area=almaty, sex=total); ``newest`` is its latest period and ``published`` the date of the
    newest release of that period's figure. A table without a period column is one series: its newest release.
    """
    rows = []
    for name, resource in manifest(raw).items():
        if RELEASE not in resource.columns:
            continue
        frame = read_table(name, raw, vintage=NEWEST, releases=True)
        period = resource.period[0] if resource.period else None
        series = [c for c in resource.primary_key if c not in (RELEASE, period)] if period else []
        groups = frame.groupby(series, dropna=False, sort=True) if series else [((), frame)]
        for key, group in groups:
            key = key if isinstance(key, tuple) else (key,)
            last = group.sort_values([period, RELEASE] if period else RELEASE, kind="stable").iloc[-1]
            rows.append(
                {
                    "table": name,
                    "series": ", ".join(f"{c}={_plain(v)}" for c, v in zip(series, key, strict=True)),
                    "newest": "" if period is None else str(_plain(last[period])),
                    "published": last[RELEASE],
                }
            )
    return pd.DataFrame(rows, columns=["table", "series", "newest", "published"])


def file_hashes(directory: Path | None = None, suffixes: tuple[str, ...] = ()) -> dict[str, str]:
    """SHA-256 of every file under ``directory`` (default: the raw data), by relative path; only those ending in one of
    ``suffixes`` when given (the others are never read)."""
    directory = directory or paths.raw_dir()
    return {
        p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if (not suffixes or p.suffix in suffixes) and p.is_file() and not p.name.startswith(".")
    }


SOURCE_SUFFIXES = (".py", ".j2", ".json")  # the package's code: modules, report templates, their settings


def package_hash() -> str:
    """One SHA-256 over the package's source files (``SOURCE_SUFFIXES``): changes when any code changes. Compiled
    modules are never read, so a ``__pycache__`` written meanwhile by another process changes nothing."""
    digest = hashlib.sha256()
    for name, file_hash in file_hashes(paths.package_dir(), SOURCE_SUFFIXES).items():
        digest.update(f"{name}:{file_hash}\n".encode())
    return digest.hexdigest()


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes files private; outputs are for readers
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def processed_object(kind: str, key: dict, build: Callable[[], Any], inputs: list[str], keep: int = 8) -> tuple[Any, str]:
    """A derived object in ``data/processed/<kind>/<digest>.pkl``, built once per ``key``, raw ``inputs`` and package code.

    ``digest`` is the SHA-256 of ``key``, the raw inputs' hashes and the package hash. A lock per digest makes
    notebooks that run in parallel wait for the first builder and load its result instead of building again.
    Only the ``keep`` objects of a kind used last are kept (a read marks an object used, so one that every report
    of a run reads stays while other parameter sets come and go). Returns the object and its digest.
    """
    resources = manifest()
    stamp = {
        "key": key,
        "code": package_hash(),
        "inputs": {n: hashlib.sha256((paths.raw_dir() / resources[n].path).read_bytes()).hexdigest() for n in inputs},
    }
    digest = hashlib.sha256(json.dumps(stamp, sort_keys=True, default=str).encode()).hexdigest()[:24]
    folder = paths.processed_dir() / kind
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{digest}.pkl"
    with open(folder / f"{digest}.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with contextlib.suppress(FileNotFoundError):  # evicted by another process since: built again
            obj = pickle.loads(path.read_bytes())
            with contextlib.suppress(OSError):  # another user's object in a shared cache: read, not marked
                os.utime(path)  # used now: the eviction keeps the objects used last
            return obj, digest
        obj = build()
        atomic_write(path, lambda tmp: tmp.write_bytes(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)))
    _evict(folder, keep)
    return obj, digest


def _evict(folder: Path, keep: int) -> None:
    """Remove all but the ``keep`` objects of ``folder`` used last (built or read: their modification time), safe
    against other processes: one evictor at a time (``.evict.lock``), files that vanish meanwhile are skipped, and an
    object whose lock another process holds (reading or building it) is left for a later eviction."""
    with open(folder / ".evict.lock", "a+") as evicting:
        fcntl.flock(evicting, fcntl.LOCK_EX)
        dated = []
        for pkl in folder.glob("*.pkl"):
            with contextlib.suppress(FileNotFoundError):
                dated.append((pkl.stat().st_mtime, pkl))
        for _, old in sorted(dated)[:-keep]:
            with open(old.with_suffix(".lock"), "a+") as lock:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue
                old.unlink(missing_ok=True)
                old.with_suffix(".lock").unlink(missing_ok=True)  # a process waiting on it finds no object and builds it


def processed_table(name: str, build: Callable[[], pd.DataFrame], inputs: list[str]) -> pd.DataFrame:
    """A derived table in ``data/processed/``, rebuilt by ``build()`` when missing or stale.

    Stale means the hashes of the raw ``inputs`` (manifest names) or of the package
    code differ from those recorded beside the cached CSV.
    """
    resources = manifest()
    stamp = {
        "code": package_hash(),
        "inputs": {n: hashlib.sha256((paths.raw_dir() / resources[n].path).read_bytes()).hexdigest() for n in inputs},
    }
    csv_path = paths.processed_dir() / f"{name}.csv"
    stamp_path = paths.processed_dir() / f"{name}.inputs.json"
    if csv_path.exists() and stamp_path.exists() and json.loads(stamp_path.read_text()) == stamp:
        return pd.read_csv(csv_path)
    frame = build()
    atomic_write(csv_path, lambda tmp: frame.to_csv(tmp, index=False))
    atomic_write_text(stamp_path, json.dumps(stamp, indent=1))
    return frame
