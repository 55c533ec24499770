"""Read a PEP 751 `pylock.toml` (lock-version 1.x) into the planner's model (lock_model.py).

The second lock front end, beside uv_lock.py: the planner, the hub and the
builds are the same for both. What a pylock says and how it maps:

- `[[packages]]` with `wheels` and/or `sdist` (from an index, `index`): a
  registry package; `archive` (`url` or `path`): a direct-URL package, a wheel
  when its name ends with `.whl`, else an sdist; `directory`: first-party (built
  from the workspace, as in uv.lock); `vcs`: refused, not supported yet.
  A file's `path` is relative to the lock's directory (`base`), fetched as a
  `file://` URL. Every file needs a sha256 hash: a file with only other
  algorithms is refused, never fetched unchecked.
- `marker` is a package marker: on a platform where it is false the package
  is not installed. `extras` and `dependency_groups` in markers are the
  selected extras and groups (`default-groups` unless others are selected).
- Edges: `dependencies` (pex writes them: references to other entries by name,
  and version when needed) or PDM's `[packages.tool.pdm] dependencies` (PEP 508
  strings); a package with neither has edges `missing`, read later from its
  metadata (lock_plan.py, pkg_metadata.py).
- The lock's packages are the dependencies of one synthetic root, named by the
  lock's path (never a valid package name), so the planner walks a pylock as
  it walks a uv.lock.

Unknown keys are ignored (PEP 751 allows tools to add them).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from fields import Fields, parse_toml, read_text
from lock_errors import LockFormatError, UnsupportedSourceError
from lock_model import Dependency, File, Lock, Package, Source, requirement_edges
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from xpy.archives import ARCHIVE_SUFFIXES
from xpy.markers import check_marker, extras_of

__all__ = ["parse_pylock", "read_pylock"]

LOCK_MAJOR = 1
_LOCK_VERSION = re.compile(r"(\d+)\.(\d+)")
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")
_SOURCES = ("vcs", "directory", "archive", "wheels", "sdist")


def _fix(created_by: str | None) -> str:
    shown = re.sub(r"[^A-Za-z0-9 ._+-]", "", created_by or "")[:60]
    tool = f" ({shown})" if shown else ""
    return f"regenerate the pylock.toml with the tool that wrote it{tool}"


def _specifier(r: Fields, value: str | None, what: str) -> str | None:
    if value is None:
        return None
    try:
        SpecifierSet(value)
    except InvalidSpecifier:
        raise r.error(f"{what} {value[:200]!r} is not a version specifier (PEP 440)") from None
    return value


def _names(r: Fields, data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    return tuple(r.name(n, f"an entry of `{key}`") for n in r.strings(data, key, "the lock"))


class _Reader:
    """The tables of one pylock, read into the model with errors naming the file and package."""

    def __init__(self, path: str, base: Path | None, fix: str) -> None:
        self.path = path
        self.base = base
        self.fix = fix

    def location(self, r: Fields, table: Mapping[str, Any], what: str) -> str:
        """The URL of a file entry: its `url`, or its `path` as a `file://` URL."""
        url = r.get(table, "url", str, what)
        if url is not None:
            return r.url(url, what)
        path = r.get(table, "path", str, what)
        if path is None:
            raise r.error(f"{what} has neither `url` nor `path`")
        if not path or any(ord(c) < 32 for c in path):
            raise r.error(f"{what} has the path {path[:200]!r}, which is not a file path")
        if self.base is None:
            raise r.error(f"{what} is a local path {path!r}, and the lock's directory is not known")
        full = Path(path) if Path(path).is_absolute() else self.base / path
        return full.resolve().as_uri()

    def same_name(self, r: Fields, url: str, name: str, what: str) -> None:
        """A URL whose last segment is a file name must name the file `name` says."""
        last = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
        if not last or "/" in last or "\\" in last:
            raise r.error(f"{what} has the URL {url[:200]!r}, whose last segment {last[:100]!r} is not a file name")
        if last.lower().endswith((".whl", *ARCHIVE_SUFFIXES)) and last != name:
            raise r.error(f"{what} is named {name[:100]!r}, and its URL names the file {last[:100]!r}")

    def sha256(self, r: Fields, table: Mapping[str, Any], what: str) -> str:
        hashes = r.get(table, "hashes", dict, what, required=True)
        if not hashes:
            raise r.error(f"{what} has an empty `hashes` table", "relock so that every file has a sha256 hash")
        if not all(isinstance(v, str) for v in hashes.values()):
            raise r.error(f"`hashes` of {what} holds a value that is not a string")
        digest: str | None = hashes.get("sha256")
        if digest is None:
            algorithms = ", ".join(sorted(hashes))
            raise r.error(
                f"{what} has only {algorithms} hashes; rules_xpy checks every download with sha256",
                "relock against an index that serves sha256 hashes (PyPI does)",
            )
        if not _SHA256.fullmatch(digest):
            raise r.error(f"{what} has sha256 {digest[:100]!r}, not 64 hex digits")
        return digest.lower()

    def file(self, r: Fields, table: Any, kind: str, package: str, version: str | None, what: str) -> File:
        if not isinstance(table, dict):
            raise r.error(f"{what} is not a table")
        url = self.location(r, table, what)
        name = r.get(table, "name", str, what)
        if name is not None:
            self.same_name(r, url, name, what)
        if kind == "archive":
            shown = name or unquote(urlsplit(url).path.rsplit("/", 1)[-1])
            kind = "wheel" if shown.lower().endswith(".whl") else "sdist"
            checked = "wheel" if kind == "wheel" else "archive"
            filename = r.file_name(shown, checked, package, version, what)
        elif name is not None:
            filename = r.file_name(name, kind, package, version, what)
        else:
            filename = r.filename(url, kind, package, version, what)
        size = r.size(r.get(table, "size", int, what), what)
        return File(kind, url, self.sha256(r, table, what), size, filename)

    def source(self, r: Fields, table: Mapping[str, Any], name: str, version: str | None) -> tuple[Any, ...]:
        """(Source, sdist, wheels) of a package entry."""
        given = [k for k in _SOURCES if table.get(k) is not None]
        if not given:
            raise r.error("the package has no source: none of `wheels`, `sdist`, `archive`, `directory` or `vcs`")
        if "vcs" in given:
            vcs = table["vcs"]
            where = vcs.get("url") or vcs.get("path") if isinstance(vcs, dict) else vcs
            raise UnsupportedSourceError(
                f"vcs source {str(where)[:200]!r} is not supported yet",
                self.path,
                "depend on a released version from an index, or on a direct URL to an sdist or wheel",
                name,
            )
        if len(given) > 1 and set(given) != {"wheels", "sdist"}:
            raise r.error(f"the package has several sources ({', '.join(given)}); a package has one")
        if "directory" in given:
            directory = r.get(table, "directory", dict, "the package")
            path = r.get(directory, "path", str, "`directory`", required=True)
            if r.get(directory, "subdirectory", str, "`directory`"):
                raise r.error("`directory.subdirectory` is not supported", "point `path` at the project itself")
            return Source("first_party", path, "directory"), None, ()
        if "archive" in given:
            archive = r.get(table, "archive", dict, "the package")
            if r.get(archive, "subdirectory", str, "`archive`"):
                raise r.error("`archive.subdirectory` is not supported yet", "depend on an sdist or a wheel")
            file = self.file(r, archive, "archive", name, version, "`archive`")
            source = Source("url", file.url, "archive")
            return (source, None, (file,)) if file.kind == "wheel" else (source, file, ())
        if version is None:
            raise r.error("the package has no `version`", "a package from an index needs its version: relock")
        index = r.get(table, "index", str, "the package")
        if index is not None:
            r.url(index, "`index`")
        sdist = table.get("sdist")
        files = tuple(
            self.file(r, w, "wheel", name, version, "a wheel entry")
            for w in r.get(table, "wheels", list, "the package") or []
        )
        seen: set[str] = set()
        for f in files:
            if f.filename in seen:
                raise r.error(f"the wheel {f.filename} is listed twice")
            seen.add(f.filename)
        return (
            Source("registry", index or "", "wheels" if files else "sdist"),
            None if sdist is None else self.file(r, sdist, "sdist", name, version, "the sdist"),
            files,
        )

    def edges(self, r: Fields, table: Mapping[str, Any]) -> tuple[tuple[Dependency, ...], str]:
        """The package's edges and where they come from (lock_model.EDGES_FROM)."""
        if table.get("dependencies") is not None:
            deps = []
            for item in r.get(table, "dependencies", list, "the package"):
                if not isinstance(item, dict):
                    raise r.error("an entry of `dependencies` is not a table")
                name = r.name(r.get(item, "name", str, "an entry of `dependencies`", required=True), "a dependency")
                version = r.get(item, "version", str, f"dependency {name!r}")
                deps.append(Dependency(name, version=None if version is None else r.version(version, "its version")))
            return tuple(deps), "lock"
        tool = r.get(table, "tool", dict, "the package") or {}
        pdm = r.get(tool, "pdm", dict, "`tool`") or {}
        if pdm.get("dependencies") is None:
            return (), "missing"
        texts = r.strings(pdm, "dependencies", "`tool.pdm`")
        return tuple(d for text in texts for d in _requirement(r, text)), "tool.pdm"

    def package(self, table: Any) -> Package:
        if not isinstance(table, dict):
            raise Fields(self.path, fix=self.fix).error("a `[[packages]]` entry is not a table")
        top = Fields(self.path, fix=self.fix)
        name = top.name(top.get(table, "name", str, "a `[[packages]]` table", required=True), "the package name")
        r = Fields(self.path, name, self.fix)
        version = r.get(table, "version", str, "the package")
        if version is not None:
            r.version(version, "the package version")
        source, sdist, wheels = self.source(r, table, name, version)
        deps, edges = self.edges(r, table) if source.kind != "first_party" else ((), "lock")
        return Package(
            name=name,
            version=version,
            source=source,
            sdist=sdist,
            wheels=wheels,
            dependencies=deps,
            marker=_package_marker(r, r.get(table, "marker", str, "the package")),
            requires_python=_specifier(r, r.get(table, "requires-python", str, "the package"), "requires-python"),
            edges=edges,
        )


def _package_marker(r: Fields, text: str | None) -> str | None:
    """A PEP 751 package marker: it sees the sets `extras` and `dependency_groups`, and no `extra`."""
    marker = r.marker(text, "the package marker")
    if marker is not None and extras_of(check_marker(marker)):
        raise r.error(
            f"the package marker {marker[:200]!r} compares `extra`, which package markers do not have",
            "write `'name' in extras` (PEP 751), or regenerate the lock",
        )
    return marker


def _requirement(r: Fields, text: str) -> tuple[Dependency, ...]:
    try:
        req = Requirement(text)
    except InvalidRequirement as e:
        raise r.error(f"`tool.pdm` dependency {text[:200]!r} does not parse ({str(e).splitlines()[0][:200]})") from None
    if req.url:
        raise r.error(f"`tool.pdm` dependency {text[:200]!r} is a direct reference; name the locked package")
    r.name(req.name, "a `tool.pdm` dependency")
    for extra in req.extras:
        r.name(extra, f"an extra of dependency {req.name!r}")
    if req.marker is not None:
        r.marker(str(req.marker), f"the marker of dependency {req.name!r}")
    return requirement_edges(req)


def _lock_version(r: Fields, data: Mapping[str, Any]) -> None:
    value = r.get(data, "lock-version", str, "the lock", required=True)
    found = _LOCK_VERSION.fullmatch(value)
    if not found:
        raise r.error(f"lock-version {value[:100]!r} is not <major>.<minor>")
    if int(found.group(1)) != LOCK_MAJOR:
        raise r.error(
            f"lock-version {value!r} is not supported (only {LOCK_MAJOR}.x)",
            "write the lock with a tool that writes PEP 751 lock-version 1.0",
        )


def parse_pylock(text: str, path: str, base: Path | None = None) -> Lock:
    """Parse the text of a pylock.toml; `path` names it in errors, `base` is its directory (for `path` entries)."""
    data = parse_toml(text, path, "fix the file or regenerate it with the tool that wrote it")
    created_by = data.get("created-by")
    fix = _fix(created_by if isinstance(created_by, str) else None)
    r = Fields(path, fix=fix)
    _lock_version(r, data)
    r.get(data, "created-by", str, "the lock", required=True)
    environments = r.strings(data, "environments", "the lock")
    for marker in environments:
        r.marker(marker, "an entry of `environments`")
    groups = _names(r, data, "dependency-groups")
    defaults = _names(r, data, "default-groups")
    for group in defaults:
        if group not in groups:
            raise r.error(f"default group {group!r} is not in `dependency-groups`")
    reader = _Reader(path, base, fix)
    packages = r.get(data, "packages", list, "the lock", required=True)
    out = tuple(reader.package(p) for p in packages)
    if any(p.edges == "lock" and p.dependencies for p in out):  # the writer records edges (pex): none is none
        out = tuple(dataclasses.replace(p, edges="lock") if p.edges == "missing" else p for p in out)
    seen: set[tuple[str, str | None]] = set()
    for p in out:
        if (p.name, p.version) in seen:
            raise LockFormatError(
                f"{p.name} {p.version or ''} is in the lock twice".replace("  ", " "), path, fix, p.name
            )
        seen.add((p.name, p.version))
    root = Package(
        name=path,
        version=None,
        source=Source("first_party", ".", "pylock"),
        dependencies=tuple(Dependency(p.name, version=p.version) for p in out),
    )
    return Lock(
        path=path,
        requires_python=_specifier(r, r.get(data, "requires-python", str, "the lock"), "requires-python"),
        resolution_markers=(),
        members=(path,),
        packages=(root, *out),
        fix=fix,
        environments=environments,
        extras=_names(r, data, "extras"),
        dependency_groups=groups,
        default_groups=defaults,
        format="pylock.toml",
    )


def read_pylock(path: Path, name: str | None = None) -> Lock:
    """Read and parse the pylock.toml at `path`; `name` (default: the path) names it in errors and the plan."""
    shown = name or str(path)
    text = read_text(path, shown, "pass the path of a pylock.toml")
    return parse_pylock(text, shown, path.resolve().parent)
