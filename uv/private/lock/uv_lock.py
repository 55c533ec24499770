"""Read a uv.lock file (lock format `version = 1`) into the planner's model (lock_model.py).

Only what the planner needs is read: packages with their source, files and
dependency edges, the lock's `requires-python`, `resolution-markers` and the
workspace members of `[manifest]`. Sources:

- `registry` (an index) and `url` (a direct URL to one archive; its sdist or
  wheel entry has no `url` of its own, the source URL is the file) are fetched;
- `path` to a wheel or an sdist file (a vendored archive, relative to the
  lock's directory) is fetched like a direct URL, as a `file://` URL: its
  `wheels` or `sdist` entry has the hash, no `url`;
- `path` to a directory, `directory`, `editable` and `virtual` are
  first-party: built from the workspace, `Source.kind == "first_party"` with
  their path;
- `git` is refused (not supported yet), as is any unknown kind.

Package, extra and group names are normalized (PEP 503) as uv writes them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fields import Fields, parse_toml, read_text
from lock_errors import LockFormatError, UnsupportedSourceError
from lock_model import Dependency, File, Lock, Package, Source
from xpy.archives import ARCHIVE_SUFFIXES

__all__ = ["Dependency", "File", "Lock", "Package", "Source", "parse_lock", "read_lock"]

_FETCHED = ("registry", "url")
_FIRST_PARTY = ("path", "directory", "editable", "virtual")
_HASH = re.compile(r"sha256:[0-9a-fA-F]{64}")


def _local_file(r: Fields, location: str, base: Path | None) -> Source | None:
    """A `path` source naming a wheel or sdist file: a direct-URL source with its `file://` URL; else None."""
    if not location.lower().endswith((".whl", *ARCHIVE_SUFFIXES)):
        return None
    if not location or any(ord(c) < 32 for c in location):
        raise r.error(f"the path source {location[:200]!r} is not a file path")
    if base is None:
        raise r.error(f"the path source {location!r} is a local file, and the lock's directory is not known")
    full = Path(location) if Path(location).is_absolute() else base / location
    return Source("url", full.resolve().as_uri(), "path")


def _source(r: Fields, table: Mapping[str, Any], base: Path | None) -> Source:
    src = r.get(table, "source", dict, "the package", required=True)
    for kind in (*_FETCHED, *_FIRST_PARTY):
        if kind in src:
            location = r.get(src, kind, str, "the source", required=True)
            if kind in _FETCHED:
                r.url(location, f"the {kind} source")
            if kind == "path":
                local = _local_file(r, location, base)
                if local is not None:
                    return local
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


def _file(r: Fields, table: Any, kind: str, source: Source, package: str, version: str | None) -> File:
    what = "the sdist" if kind == "sdist" else "a wheel entry"
    if not isinstance(table, dict):
        raise r.error(f"{what} is not a table")
    url = r.get(table, "url", str, what)
    if url is None:
        if source.kind != "url":
            raise r.error(f"{what} has no `url`", "only remote indexes are supported: lock against an https index")
        url = source.location  # a direct-URL package: the source URL is the file
    r.url(url, what)
    sha256 = r.get(table, "hash", str, what, required=True)
    if not _HASH.fullmatch(sha256):
        raise r.error(f"{what} has hash {sha256!r}, not sha256:<64 hex digits>", "lock against an index serving sha256")
    size = r.size(r.get(table, "size", int, what), what)
    # A direct URL may name an sdist freely (a release archive); an index's files are named for the package.
    if kind == "sdist" and source.kind == "url":
        name = r.filename(url, "archive", package, None, what)
    else:
        name = r.filename(url, kind, package, version, what)
    return File(kind, url, sha256[len("sha256:") :].lower(), size, name)


def _deps(r: Fields, items: Any, what: str) -> tuple[Dependency, ...]:
    if not isinstance(items, list):
        raise r.error(f"{what} is not an array")
    deps = []
    for item in items:
        if not isinstance(item, dict):
            raise r.error(f"an entry of {what} is not a table")
        name = r.name(r.get(item, "name", str, f"an entry of {what}", required=True), f"a dependency in {what}")
        extras = r.strings(item, "extra", f"dependency {name!r}")
        version = r.get(item, "version", str, f"dependency {name!r}")
        marker = r.get(item, "marker", str, f"dependency {name!r}")
        deps.append(
            Dependency(
                name=name,
                marker=r.marker(marker, f"the marker of dependency {name!r}"),
                extras=tuple(sorted(r.name(e, f"an extra of dependency {name!r}") for e in extras)),
                version=None if version is None else r.version(version, f"the version of dependency {name!r}"),
            )
        )
    return tuple(deps)


def _groups(r: Fields, table: Mapping[str, Any], key: str) -> dict[str, tuple[Dependency, ...]]:
    groups = r.get(table, key, dict, "the package") or {}
    return {r.name(g, f"a group of `{key}`"): _deps(r, items, f"`{key}.{g}`") for g, items in groups.items()}


def _wheels(r: Fields, table: Mapping[str, Any], source: Source, name: str, version: str | None) -> tuple[File, ...]:
    files = [_file(r, w, "wheel", source, name, version) for w in r.get(table, "wheels", list, "the package") or []]
    seen: dict[str, File] = {}
    for f in files:
        if f.filename in seen:
            same = "with the same hash" if seen[f.filename].sha256 == f.sha256 else "with different hashes"
            raise r.error(f"the wheel {f.filename} is listed twice, {same}")
        seen[f.filename] = f
    return tuple(files)


def _package(file: str, table: Any, base: Path | None) -> Package:
    if not isinstance(table, dict):
        raise Fields(file).error("a `[[package]]` entry is not a table")
    top = Fields(file)
    name = top.name(top.get(table, "name", str, "a `[[package]]` table", required=True), "the package name")
    r = Fields(file, name)
    source = _source(r, table, base)
    version = r.get(table, "version", str, "the package", required=source.kind != "first_party")
    if version is not None:
        r.version(version, "the package version")
    sdist = r.get(table, "sdist", dict, "the package")
    if sdist is not None and source.kind != "first_party":
        sdist = _file(r, sdist, "sdist", source, name, version)
    return Package(
        name=name,
        version=version,
        source=source,
        sdist=None if source.kind == "first_party" else sdist,
        wheels=() if source.kind == "first_party" else _wheels(r, table, source, name, version),
        dependencies=_deps(r, table.get("dependencies", []), "`dependencies`"),
        optional_dependencies=_groups(r, table, "optional-dependencies"),
        dev_dependencies=_groups(r, table, "dev-dependencies"),
    )


def parse_lock(text: str, path: str, base: Path | None = None) -> Lock:
    """Parse the text of a uv.lock; `path` names the file in errors, `base` is its directory (for `path` files)."""
    data = parse_toml(text, path, "fix the file or regenerate it with `uv lock`")
    r = Fields(path, fix="regenerate the lock with `uv lock`")
    version = data.get("version")
    if version != 1:
        raise r.error(f"lock format version {version!r} is not supported (only 1)")
    manifest = r.get(data, "manifest", dict, "the lock") or {}
    packages = tuple(_package(path, p, base) for p in r.get(data, "package", list, "the lock") or [])
    seen: set[tuple[str, str | None]] = set()
    for p in packages:
        if (p.name, p.version) in seen:
            raise LockFormatError(f"{p.name} {p.version} is in the lock twice", path, "regenerate the lock", p.name)
        seen.add((p.name, p.version))
    return Lock(
        path=path,
        requires_python=r.get(data, "requires-python", str, "the lock"),
        resolution_markers=r.strings(data, "resolution-markers", "the lock"),
        members=tuple(r.name(m, "a workspace member") for m in r.strings(manifest, "members", "`[manifest]`")),
        packages=packages,
    )


def read_lock(path: Path, name: str | None = None) -> Lock:
    """Read and parse the uv.lock at `path`; `name` (default: the path) names it in errors and the plan."""
    shown = name or str(path)
    return parse_lock(read_text(path, shown, "pass the path of a uv.lock"), shown, path.resolve().parent)
