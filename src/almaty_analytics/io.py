"""Read raw tables, validate them against the manifest, cache derived tables, write atomically.

Every raw CSV in ``data/raw/`` is described in ``data/raw/datapackage.yaml``: its
provenance and a schema (columns, types, units, ranges, allowed labels, unique keys).
``read_table`` checks a table against that schema and raises ``DataError`` naming the
file, the row (as the line number in the file) and the column at the first problem.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from . import paths

MANIFEST = "datapackage.yaml"
_TYPES = ("integer", "number", "string", "boolean")
_BOOLEANS = {"true": True, "false": False}


class DataError(ValueError):
    """A raw data file is missing or does not match its schema."""


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    unit: str = ""
    description: str = ""
    min: float | None = None
    max: float | None = None
    enum: tuple | None = None
    required: bool = True


@dataclass(frozen=True)
class Resource:
    name: str
    path: str
    title: str
    publisher: str
    source: str
    published: str
    licence: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...] = ()
    cited: tuple[str, ...] = ()
    one_used_per: tuple[str, ...] = ()
    via: str = ""
    note: str = ""

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]


def _resource(entry: dict, where: str) -> Resource:
    entry = dict(entry)
    try:
        fields = tuple(Field(**{**f, "enum": tuple(f["enum"]) if "enum" in f else None}) for f in entry.pop("fields"))
        for key in ("primary_key", "cited", "one_used_per"):
            entry[key] = tuple(entry.get(key, ()))
        entry["published"] = str(entry["published"])
        resource = Resource(fields=fields, **entry)
    except (KeyError, TypeError) as exc:
        raise DataError(f"{where}: resource {entry.get('name', '?')!r} is malformed: {exc}") from None
    for f in fields:
        if f.type not in _TYPES:
            raise DataError(f"{where}: resource {resource.name!r}, field {f.name!r}: type must be one of {_TYPES}")
    return resource


def manifest(raw: Path | None = None) -> dict[str, Resource]:
    """Every resource described in the manifest, by name."""
    raw = raw or paths.raw_dir()
    return _manifest(raw / MANIFEST, _mtime(raw / MANIFEST))


@cache
def _manifest(path: Path, _mtime: float) -> dict[str, Resource]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{path}: the data manifest is missing") from None
    except yaml.YAMLError as exc:
        raise DataError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("resources"), list):
        raise DataError(f"{path}: expected a mapping with a list 'resources'")
    resources = [_resource(entry, str(path)) for entry in doc["resources"]]
    return {r.name: r for r in resources}


def _mtime(path: Path) -> float:
    return path.stat().st_mtime if path.exists() else 0.0


def read_table(name: str, raw: Path | None = None) -> pd.DataFrame:
    """Load raw table ``name`` and validate it against its manifest entry."""
    raw = raw or paths.raw_dir()
    resources = manifest(raw)
    if name not in resources:
        raise DataError(f"{raw / MANIFEST}: no resource named {name!r}; known: {', '.join(sorted(resources))}")
    resource = resources[name]
    path = raw / resource.path
    return _read_validated(path, resource, _mtime(path)).copy()


@cache
def _read_validated(path: Path, resource: Resource, _mtime: float) -> pd.DataFrame:
    if not path.exists():
        raise DataError(f"{path}: file is missing (listed in {MANIFEST} as resource {resource.name!r})")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8", skip_blank_lines=False)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{path}: cannot be read as a UTF-8 CSV: {exc}") from None
    blank = (frame == "").all(axis=1)
    return validate(frame[~blank], resource, path)  # blank lines dropped, index still = line - 2


def validate(frame: pd.DataFrame, resource: Resource, path: Path | str) -> pd.DataFrame:
    """Check columns, types, ranges, labels and keys; return the frame with typed columns."""
    missing = [c for c in resource.columns if c not in frame.columns]
    extra = [c for c in frame.columns if c not in resource.columns]
    if missing or extra:
        raise DataError(f"{path}: columns do not match the manifest: missing {missing}, unexpected {extra}; expected {resource.columns}")
    typed = pd.DataFrame(index=frame.index)
    for f in resource.fields:
        typed[f.name] = _typed_column(frame[f.name], f, path)
    if resource.primary_key:
        dup = typed.duplicated(list(resource.primary_key), keep="first")
        if dup.any():
            row = dup.idxmax()
            key = {k: typed.at[row, k] for k in resource.primary_key}
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
    return typed.reset_index(drop=True)


def _typed_column(values: pd.Series, f: Field, path: Path | str) -> pd.Series:
    text = values.str.strip()
    empty = text == ""
    if f.required and empty.any():
        raise DataError(f"{path}: row {empty.idxmax() + 2}, column {f.name!r}: value is empty; a {f.type} is required")
    if f.type == "string":
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
        if f.type == "integer":
            bad |= typed.notna() & (typed % 1 != 0)
        if bad.any():
            raise DataError(
                f"{path}: row {bad.idxmax() + 2}, column {f.name!r}: expected {'an integer' if f.type == 'integer' else 'a number'}, got {values[bad.idxmax()]!r}"
            )
        typed = typed.astype("Int64") if f.type == "integer" else typed.astype(float)
    present = typed.notna()
    if f.enum is not None:
        bad = present & ~typed.isin([str(e) for e in f.enum] if f.type == "string" else list(f.enum))
        if bad.any():
            raise DataError(
                f"{path}: row {bad.idxmax() + 2}, column {f.name!r}: unknown label {typed[bad.idxmax()]!r}; expected one of {list(f.enum)}"
            )
    for bound, outside in (("min", typed < f.min if f.min is not None else None), ("max", typed > f.max if f.max is not None else None)):
        if outside is not None and (outside := outside.fillna(False).astype(bool)).any():
            limit = f.min if bound == "min" else f.max
            raise DataError(
                f"{path}: row {outside.idxmax() + 2}, column {f.name!r}: value {typed[outside.idxmax()]} is out of range; expected {'>=' if bound == 'min' else '<='} {limit} {f.unit}".rstrip()
            )
    return typed


def validate_all(raw: Path | None = None) -> list[str]:
    """Validate every table in the manifest; return their names. Raises on the first bad one."""
    names = list(manifest(raw))
    for name in names:
        read_table(name, raw)
    return names


def sources_table(raw: Path | None = None) -> pd.DataFrame:
    """One row per raw file: title, publisher, source, publication date, licence."""
    rows = [
        {
            "file": f"data/raw/{r.path}",
            "title": r.title,
            "publisher": r.publisher,
            "source": r.source,
            "published": r.published,
            "licence": r.licence,
        }
        for r in manifest(raw).values()
    ]
    return pd.DataFrame(rows)


def file_hashes(directory: Path | None = None) -> dict[str, str]:
    """SHA-256 of every file under ``directory`` (default: the raw data), by relative path."""
    directory = directory or paths.raw_dir()
    return {
        p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def package_hash() -> str:
    """One SHA-256 over the package's source files: changes when any code changes."""
    digest = hashlib.sha256()
    for name, file_hash in file_hashes(paths.package_dir()).items():
        if name.endswith((".py", ".j2", ".json")):
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
