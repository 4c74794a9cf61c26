"""The data manifest, data/raw/datapackage.yaml: each raw table's provenance and schema.

``manifest()`` parses it into ``Resource`` entries (fields with types, units, ranges and labels;
primary key, cited columns, rows the models read, the period each row describes) and raises
``DataError`` naming the file, the resource and the key at the first problem. ``read_yaml`` is
the project's YAML reader (a key given twice is an error).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from . import paths

MANIFEST = "datapackage.yaml"
TYPES = ("integer", "number", "string", "boolean", "date", "school_year")  # school_year: text like 2022/23 (consecutive years)
RELEASE = "published"  # the column holding each row's release date
# Period kinds: the first day a row describing period value v can be published (see the manifest's header).
PERIOD_KINDS: dict[str, Callable[[Any], str]] = {
    "date": lambda v: v,
    "january_1": lambda v: f"{v:04d}-01-01",
    "calendar_year": lambda v: f"{v + 1:04d}-01-01",
    "school_year": lambda v: f"{v:04d}-09-01",
}


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
    licence: str
    fields: tuple[Field, ...]
    published: str = ""  # only for a table without a `published` column (e.g. a planner's template)
    published_note: str = ""  # how the release dates are known
    period: tuple[str, str] | None = None  # (column, kind): the period a row describes, see PERIOD_KINDS
    primary_key: tuple[str, ...] = ()
    cited: tuple[str, ...] = ()
    one_used_per: tuple[str, ...] = ()
    # Rows the models read: each entry maps columns to allowed values, and every combination
    # must be present, e.g. {year: {from: 2000, to: 2022}, area: [almaty], sex: [total, male, female]}.
    required_rows: tuple[tuple[tuple[str, tuple], ...], ...] = ()
    via: str = ""
    note: str = ""

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]


_FIELD_KEYS = {"name": str, "type": str, "unit": str, "description": str, "min": float, "max": float, "enum": list, "required": bool}
_TEXT_KEYS = ("name", "path", "title", "publisher", "source", "licence", "via", "note", "published_note")
_LIST_KEYS = ("primary_key", "cited", "one_used_per")


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _field(entry, where: str) -> Field:
    if not isinstance(entry, dict):
        raise DataError(f"{where}: field {entry!r} is not a mapping; expected {{name: ..., type: ...}}")
    if not isinstance(entry.get("name"), str):
        raise DataError(f"{where}: a field has no text 'name'; expected {{name: ..., type: ...}}")
    where = f"{where}, field {entry['name']!r}"
    for key, value in entry.items():
        kind = _FIELD_KEYS.get(key)
        if kind is None:
            raise DataError(f"{where}: unknown key {key!r}; expected keys from {list(_FIELD_KEYS)}")
        if kind is float and not _is_number(value):
            raise DataError(f"{where}, key {key!r}: expected a finite number, got {value!r}")
        if kind is not float and not (isinstance(value, kind) and not (kind is str and value == "" and key == "type")):
            raise DataError(f"{where}, key {key!r}: expected {kind.__name__}, got {value!r}")
    if entry.get("type") not in TYPES:
        raise DataError(f"{where}: type must be one of {TYPES}, got {entry.get('type')!r}")
    if "min" in entry and "max" in entry and entry["min"] > entry["max"]:
        raise DataError(f"{where}: min {entry['min']} is above max {entry['max']}")
    return Field(**{**entry, "enum": tuple(entry["enum"]) if "enum" in entry else None})


def _required_rows(entries, fields: dict[str, Field], where: str) -> tuple:
    """Each entry as ((column, allowed values), ...); ranges {from, to} become the integers between."""
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) and e for e in entries):
        raise DataError(f"{where}, required_rows: expected a list of mappings column -> values")
    parsed = []
    for entry in entries:
        combo = []
        for column, values in entry.items():
            if column not in fields:
                raise DataError(f"{where}, required_rows: unknown column {column!r}; expected one of {list(fields)}")
            if isinstance(values, dict):
                ends = (values.get("from"), values.get("to"))
                if set(values) != {"from", "to"} or not all(isinstance(v, int) and not isinstance(v, bool) for v in ends):
                    raise DataError(f"{where}, required_rows, column {column!r}: expected {{from: YEAR, to: YEAR}}, got {values!r}")
                values = list(range(ends[0], ends[1] + 1))
            values = values if isinstance(values, list) else [values]
            if not values:
                raise DataError(f"{where}, required_rows, column {column!r}: no values given")
            combo.append((column, tuple(values)))
        parsed.append(tuple(combo))
    return tuple(parsed)


def _period(value, fields: dict[str, Field], where: str) -> tuple[str, str]:
    """The manifest's ``period: {column, kind}`` as (column, kind), checked against the fields."""
    if not isinstance(value, dict) or set(value) != {"column", "kind"} or value["kind"] not in PERIOD_KINDS:
        raise DataError(f"{where}, key 'period': expected {{column: COLUMN, kind: one of {list(PERIOD_KINDS)}}}, got {value!r}")
    column = fields.get(value["column"])
    wanted = "date" if value["kind"] == "date" else "integer"
    if column is None or column.type != wanted or RELEASE not in fields:
        raise DataError(f"{where}, key 'period': {value['column']!r} must be a {wanted} column of a table with a {RELEASE!r} column")
    return value["column"], value["kind"]


def _resource(entry, where: str) -> Resource:
    if not isinstance(entry, dict):
        raise DataError(f"{where}: resource {entry!r} is not a mapping; expected name, path, title, ..., fields")
    name = entry.get("name")
    if not isinstance(name, str) or not name:
        raise DataError(f"{where}: a resource has no text 'name'")
    where = f"{where}: resource {name!r}"
    entry = dict(entry)
    for key in _TEXT_KEYS:
        if key in entry and not isinstance(entry[key], str):
            raise DataError(f"{where}, key {key!r}: expected text, got {entry[key]!r}")
    path = entry.get("path")
    if not isinstance(path, str) or not path.endswith(".csv") or "/" in path or "\\" in path or path.startswith("."):
        raise DataError(f"{where}, key 'path': expected a CSV file name in data/raw/ (e.g. table.csv), got {path!r}")
    if not isinstance(entry.get("fields"), list) or not entry["fields"]:
        raise DataError(f"{where}, key 'fields': expected a non-empty list of fields")
    fields = tuple(_field(f, where) for f in entry.pop("fields"))
    by_name = {f.name: f for f in fields}
    if len(by_name) != len(fields):
        raise DataError(f"{where}: a field name is given twice")
    for key in _LIST_KEYS:
        value = entry.get(key, [])
        if not isinstance(value, list) or any(c not in by_name for c in value):
            raise DataError(f"{where}, key {key!r}: expected a list of the resource's columns {list(by_name)}, got {value!r}")
        entry[key] = tuple(value)
    if entry["one_used_per"] and by_name.get("used", Field("", "")).type != "boolean":
        raise DataError(f"{where}, key 'one_used_per': needs a boolean column 'used'")
    if "required_rows" in entry:
        entry["required_rows"] = _required_rows(entry["required_rows"], by_name, where)
    if "published" in entry:
        entry["published"] = str(entry["published"])
    if RELEASE in by_name:
        if by_name[RELEASE].type != "date" or not by_name[RELEASE].required:
            raise DataError(f"{where}, field {RELEASE!r}: expected a required field of type date")
    elif not entry.get("published"):
        raise DataError(f"{where}: no {RELEASE!r} column and no 'published' date; expected one of them")
    if "period" in entry:
        entry["period"] = _period(entry["period"], by_name, where)
    try:
        return Resource(fields=fields, **entry)
    except TypeError as exc:
        raise DataError(f"{where} is malformed: {exc}") from None


def manifest(raw: Path | None = None) -> dict[str, Resource]:
    """Every resource described in the manifest, by name."""
    raw = raw or paths.raw_dir()
    return _manifest(raw / MANIFEST, modified_time(raw / MANIFEST))


def by_content(store: dict, data: bytes, key: Hashable, build: Callable[[], Any]) -> Any:
    """``build()`` once per SHA-256 of a file's ``data`` and ``key``, kept in ``store``: every copy of a file (a test's
    project, a second output root) shares one parse. ``build`` names the file it read in its messages; errors are not kept."""
    entry = (hashlib.sha256(data).digest(), key)
    if entry not in store:
        store[entry] = build()
    return store[entry]


_PARSED_MANIFESTS: dict[tuple[bytes, None], dict[str, Resource]] = {}  # by_content's store


@cache
def _manifest(path: Path, _mtime: float) -> dict[str, Resource]:
    """The manifest at ``path``, read once per file state (path, modification time) and parsed once per content."""
    if not path.exists():
        raise DataError(f"{path}: the data manifest is missing")
    data = read_yaml_bytes(path, DataError)
    return by_content(_PARSED_MANIFESTS, data, None, lambda: _parse_manifest(data, path))


def _parse_manifest(data: bytes, path: Path) -> dict[str, Resource]:
    doc = parse_yaml(data, path, DataError)
    if not isinstance(doc, dict) or not isinstance(doc.get("resources"), list):
        raise DataError(f"{path}: expected a mapping with a list 'resources'")
    if not doc["resources"]:
        raise DataError(f"{path}: 'resources' is empty; expected at least one data table")
    resources = [_resource(entry, str(path)) for entry in doc["resources"]]
    names = [r.name for r in resources]
    twice = [n for n in names if names.count(n) > 1]
    if twice:
        raise DataError(f"{path}: resource {twice[0]!r} is described twice; expected each name once")
    return {r.name: r for r in resources}


def modified_time(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


class UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The safe YAML loader, refusing a key given twice in one mapping (plain YAML keeps the last silently). Its parser is
    libyaml's where PyYAML was built with it (as its wheels are): the data manifest in 12 ms, not 83."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                if not isinstance(key, Hashable):
                    continue
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"key {key!r} is given twice (expected each key once), at", key_node.start_mark
                    )
                seen.add(key)
        return super().construct_mapping(node, deep)


MAX_YAML_BYTES = 1_000_000  # a scenario file is under 1 kB and the data manifest under 40 kB
MAX_YAML_NODES = 100_000  # values after alias expansion: a "billion laughs" alias bomb of 400 bytes expands to 10^9


def expanded_size(node: yaml.Node, sizes: dict[int, int] | None = None) -> int:
    """Number of values ``node`` stands for with every alias expanded (each shared node counted where it is used)."""
    sizes = {} if sizes is None else sizes
    if id(node) not in sizes:
        children = node.value if isinstance(node, yaml.SequenceNode) else [n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode) else []
        sizes[id(node)] = 1 + sum(expanded_size(child, sizes) for child in children)
    return sizes[id(node)]


def _load_bounded(text: str, path: Path, error: type[ValueError]):
    """YAML ``text`` parsed by ``UniqueKeyLoader`` after checking that its alias expansion stays small."""
    loader = UniqueKeyLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None and expanded_size(node) > MAX_YAML_NODES:
            raise error(f"{path}: expands to more than {MAX_YAML_NODES:,} values through aliases (*name); expected a plain file")
        return loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


def read_yaml(path: Path, error: type[ValueError]):
    """Parse ``path`` with ``UniqueKeyLoader``; any problem (missing, a folder, too large, not UTF-8, bad YAML, an alias
    bomb) raises ``error`` in one line."""
    return parse_yaml(read_yaml_bytes(path, error), path, error)


def read_yaml_bytes(path: Path, error: type[ValueError]) -> bytes:
    """The bytes of the YAML file ``path``; missing, a folder, too large or unreadable raises ``error`` in one line."""
    try:
        if path.is_file() and path.stat().st_size > MAX_YAML_BYTES:
            raise error(f"{path}: {path.stat().st_size:,} bytes; expected at most {MAX_YAML_BYTES:,} (a YAML file this large is not a scenario or manifest)")
        return path.read_bytes()
    except FileNotFoundError:
        raise error(f"{path}: file is missing") from None
    except IsADirectoryError:
        raise error(f"{path}: is a folder; expected a YAML file") from None
    except OSError as exc:
        raise error(f"{path}: cannot be read: {exc.strerror}") from None


def parse_yaml(data: bytes, path: Path, error: type[ValueError]):
    """The YAML document in ``data`` (read from ``path``, named in messages) parsed by ``UniqueKeyLoader``; not UTF-8,
    bad YAML, nested too deeply or an alias bomb raises ``error`` in one line."""
    try:
        return _load_bounded(data.decode("utf-8"), path, error)
    except RecursionError:
        raise error(f"{path}: nested too deeply; expected a plain file") from None
    except UnicodeDecodeError as exc:
        raise error(f"{path}: byte {exc.start} is not UTF-8; save the file as UTF-8") from None
    except yaml.YAMLError as exc:
        if "maximum nesting depth" in str(getattr(exc, "problem", "")):  # libyaml's own limit, before Python's recursion limit
            raise error(f"{path}: nested too deeply; expected a plain file") from None
        where = ' in "<unicode string>",'
        raise error(f"{path}: not valid YAML: {' '.join(str(exc).replace(where, '').split())}") from None
