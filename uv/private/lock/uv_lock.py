"""Read a uv.lock file (lock format `version = 1`) into typed, immutable records.

Only what the planner needs is read: packages with their source, files and
dependency edges, the lock's `requires-python`, `resolution-markers` and the
workspace members of `[manifest]`. Sources:

- `registry` (an index) and `url` (a direct URL to one archive; its sdist or
  wheel entry has no `url` of its own, the source URL is the file) are fetched;
- `path`, `directory`, `editable` and `virtual` are first-party: built from the
  workspace, `Source.kind == "first_party"` with their path;
- `git` is refused (not supported yet), as is any unknown kind.

Package, extra and group names are normalized (PEP 503) as uv writes them.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from lock_errors import LockFormatError, LockSyntaxError, UnsupportedSourceError
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename

__all__ = ["Dependency", "File", "Lock", "Package", "Source", "parse_lock", "read_lock"]

_FETCHED = ("registry", "url")
_FIRST_PARTY = ("path", "directory", "editable", "virtual")
_HASH = re.compile(r"sha256:[0-9a-fA-F]{64}")


@dataclass(frozen=True)
class Source:
    """Where a package comes from."""

    kind: str  # "registry" | "url" | "first_party"
    location: str  # index URL, direct archive URL, or path relative to the lock's directory
    uv_kind: str  # the key in uv.lock: registry, url, path, directory, editable or virtual


@dataclass(frozen=True)
class File:
    """One downloadable archive of a package."""

    kind: str  # "wheel" | "sdist"
    url: str
    sha256: str  # 64 lowercase hex digits
    size: int | None  # bytes; uv omits it when the index does not report it
    filename: str


@dataclass(frozen=True)
class Dependency:
    """An edge of the lock's graph: `name[extras]` when `marker` holds."""

    name: str
    marker: str | None = None
    extras: tuple[str, ...] = ()
    version: str | None = None  # set by uv when the lock holds several versions of `name`


@dataclass(frozen=True)
class Package:
    """One `[[package]]` table."""

    name: str
    version: str | None  # None only for first-party packages with a dynamic version
    source: Source
    sdist: File | None = None
    wheels: tuple[File, ...] = ()
    dependencies: tuple[Dependency, ...] = ()
    optional_dependencies: Mapping[str, tuple[Dependency, ...]] = field(default_factory=dict)  # extra -> deps
    dev_dependencies: Mapping[str, tuple[Dependency, ...]] = field(default_factory=dict)  # group -> deps


@dataclass(frozen=True)
class Lock:
    """A whole uv.lock."""

    path: str  # as given: used in error messages
    requires_python: str | None
    resolution_markers: tuple[str, ...]
    members: tuple[str, ...]  # workspace members from `[manifest]`; empty for a single project
    packages: tuple[Package, ...]


class _Reader:
    """Typed access to one TOML table, raising errors that name the file and package."""

    def __init__(self, file: str, package: str | None = None) -> None:
        self.file = file
        self.package = package

    def error(self, what: str, fix: str = "regenerate the lock with `uv lock`") -> LockFormatError:
        return LockFormatError(what, self.file, fix, self.package)

    def get(self, table: Mapping[str, Any], key: str, kind: type, what: str, required: bool = False) -> Any:
        value = table.get(key)
        if value is None:
            if required:
                raise self.error(f"{what} has no `{key}`")
            return None
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.error(f"`{key}` of {what} is a {type(value).__name__}, not a {kind.__name__}")
        return value

    def strings(self, table: Mapping[str, Any], key: str, what: str) -> tuple[str, ...]:
        """An optional array of strings, as a tuple."""
        values = self.get(table, key, list, what) or []
        if not all(isinstance(v, str) for v in values):
            raise self.error(f"`{key}` of {what} is not an array of strings")
        return tuple(values)


def _filename(url: str) -> str:
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1])


def _source(r: _Reader, table: Mapping[str, Any]) -> Source:
    src = r.get(table, "source", dict, "the package", required=True)
    for kind in (*_FETCHED, *_FIRST_PARTY):
        if kind in src:
            location = r.get(src, kind, str, "the source", required=True)
            return Source("first_party" if kind in _FIRST_PARTY else kind, location, kind)
    if "git" in src:
        raise UnsupportedSourceError(
            f"git source {src['git']!r} is not supported yet",
            r.file,
            "depend on a released version from an index, or on a direct URL to an sdist or wheel",
            r.package,
        )
    raise UnsupportedSourceError(
        f"unknown source kind {sorted(src)}",
        r.file,
        f"use one of {', '.join((*_FETCHED, *_FIRST_PARTY))} (git is not supported yet)",
        r.package,
    )


def _file(r: _Reader, table: Any, kind: str, source: Source) -> File:
    what = "the sdist" if kind == "sdist" else "a wheel entry"
    if not isinstance(table, dict):
        raise r.error(f"{what} is not a table")
    url = r.get(table, "url", str, what)
    if url is None:
        if source.kind != "url":
            raise r.error(f"{what} has no `url`", "only remote indexes are supported: lock against an https index")
        url = source.location  # a direct-URL package: the source URL is the file
    sha256 = r.get(table, "hash", str, what, required=True)
    if not _HASH.fullmatch(sha256):
        raise r.error(f"{what} has hash {sha256!r}, not sha256:<64 hex digits>", "lock against an index serving sha256")
    size = r.get(table, "size", int, what)
    name = _filename(url)
    if kind == "wheel":
        try:
            parse_wheel_filename(name)
        except InvalidWheelFilename as e:
            raise r.error(f"bad wheel file name {name!r} ({e})", "fix the index or the URL") from None
    return File(kind, url, sha256[len("sha256:") :].lower(), size, name)


def _deps(r: _Reader, items: Any, what: str) -> tuple[Dependency, ...]:
    if not isinstance(items, list):
        raise r.error(f"{what} is not an array")
    deps = []
    for item in items:
        if not isinstance(item, dict):
            raise r.error(f"an entry of {what} is not a table")
        name = r.get(item, "name", str, f"an entry of {what}", required=True)
        extras = r.strings(item, "extra", f"dependency {name!r}")
        deps.append(
            Dependency(
                name=canonicalize_name(name),
                marker=r.get(item, "marker", str, f"dependency {name!r}"),
                extras=tuple(sorted(canonicalize_name(e) for e in extras)),
                version=r.get(item, "version", str, f"dependency {name!r}"),
            )
        )
    return tuple(deps)


def _groups(r: _Reader, table: Mapping[str, Any], key: str) -> dict[str, tuple[Dependency, ...]]:
    groups = r.get(table, key, dict, "the package") or {}
    return {canonicalize_name(g): _deps(r, items, f"`{key}.{g}`") for g, items in groups.items()}


def _package(file: str, table: Any) -> Package:
    if not isinstance(table, dict):
        raise _Reader(file).error("a `[[package]]` entry is not a table")
    name = _Reader(file).get(table, "name", str, "a `[[package]]` table", required=True)
    r = _Reader(file, canonicalize_name(name))
    source = _source(r, table)
    version = r.get(table, "version", str, "the package", required=source.kind != "first_party")
    sdist = r.get(table, "sdist", dict, "the package")
    wheels = r.get(table, "wheels", list, "the package") or []
    return Package(
        name=canonicalize_name(name),
        version=version,
        source=source,
        sdist=None if sdist is None or source.kind == "first_party" else _file(r, sdist, "sdist", source),
        wheels=() if source.kind == "first_party" else tuple(_file(r, w, "wheel", source) for w in wheels),
        dependencies=_deps(r, table.get("dependencies", []), "`dependencies`"),
        optional_dependencies=_groups(r, table, "optional-dependencies"),
        dev_dependencies=_groups(r, table, "dev-dependencies"),
    )


def parse_lock(text: str, path: str) -> Lock:
    """Parse the text of a uv.lock; `path` only names the file in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise LockSyntaxError(f"not valid TOML: {e}", path, "fix the file or regenerate it with `uv lock`") from None
    r = _Reader(path)
    version = data.get("version")
    if version != 1:
        raise r.error(f"lock format version {version!r} is not supported (only 1)")
    manifest = r.get(data, "manifest", dict, "the lock") or {}
    return Lock(
        path=path,
        requires_python=r.get(data, "requires-python", str, "the lock"),
        resolution_markers=r.strings(data, "resolution-markers", "the lock"),
        members=tuple(canonicalize_name(m) for m in r.strings(manifest, "members", "`[manifest]`")),
        packages=tuple(_package(path, p) for p in r.get(data, "package", list, "the lock") or []),
    )


def read_lock(path: Path, name: str | None = None) -> Lock:
    """Read and parse the uv.lock at `path`; `name` (default: the path) names it in errors and the plan."""
    shown = name or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise LockFormatError(f"cannot read the lock: {e.strerror}", shown, "pass the path of a uv.lock") from None
    return parse_lock(text, shown)
