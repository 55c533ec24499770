"""The one model of a lock that the planner reads: what every lock front end (uv.lock, pylock.toml) produces.

Typed, immutable records. A front end checks every field it takes from its
file (see fields.py), so that a `Lock` is always well-formed: names are
normalized (PEP 503), versions valid (PEP 440), markers parse, hashes are
sha256.

Markers live in two places. An edge's `Dependency.marker` is a requirement
marker (the `extra` variable is the extra being installed; uv's conflict
markers `extra == 'extra-N-...'` are false). A package's `Package.marker` is a
PEP 751 package marker, evaluated in the lock-file context (the `extras` and
`dependency_groups` variables are the sets selected): a package whose marker
is false on a platform is not installed there, whoever depends on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from xpy.markers import check_marker, extras_of

__all__ = ["EDGES_FROM", "Dependency", "File", "Lock", "Package", "Source", "requirement_edges"]

EDGES_FROM = ("lock", "tool.pdm", "missing", "metadata", "unknown")
"""Where a package's edges come from: the lock's own `dependencies`, PDM's `[packages.tool.pdm]`, nowhere
yet (`missing`: to be read from the package's metadata), its metadata (`metadata`), or nowhere
(`unknown`: the metadata does not say, so the package depends on every package installed with it)."""


@dataclass(frozen=True)
class Source:
    """Where a package comes from."""

    kind: str  # "registry" | "url" | "first_party"
    location: str  # index URL, direct archive URL, or path relative to the lock's directory
    lock_kind: str  # the key in the lock: registry, url, path, directory, editable, virtual, wheels, archive


@dataclass(frozen=True)
class File:
    """One downloadable archive of a package."""

    kind: str  # "wheel" | "sdist"
    url: str
    sha256: str  # 64 lowercase hex digits
    size: int | None  # bytes, when the lock says
    filename: str


@dataclass(frozen=True)
class Dependency:
    """An edge of the lock's graph: `name[extras]` when `marker` holds."""

    name: str
    marker: str | None = None
    extras: tuple[str, ...] = ()
    version: str | None = None  # the exact version, when the lock holds several versions of `name`
    specifier: str | None = None  # a PEP 440 specifier the version must satisfy (PEP 508 edges)
    requirement: bool = False  # a PEP 508 requirement (Requires-Dist, PDM): it may name a package not in the lock
    extra: str = ""  # the extra the marker is evaluated for: the edge belongs to the package's extra `extra`


@dataclass(frozen=True)
class Package:
    """One package of the lock, with its files and edges."""

    name: str
    version: str | None  # None only for first-party or direct-archive packages without one
    source: Source
    sdist: File | None = None
    wheels: tuple[File, ...] = ()
    dependencies: tuple[Dependency, ...] = ()
    optional_dependencies: Mapping[str, tuple[Dependency, ...]] = field(default_factory=dict)  # extra -> deps
    dev_dependencies: Mapping[str, tuple[Dependency, ...]] = field(default_factory=dict)  # group -> deps
    marker: str | None = None  # PEP 751 package marker (lock-file context)
    requires_python: str | None = None
    edges: str = "lock"  # one of EDGES_FROM
    edges_note: str = ""  # for "metadata" and "unknown": which file said so, or why nothing did


@dataclass(frozen=True)
class Lock:
    """A whole lock file, as the planner reads it."""

    path: str  # as given: used in error messages
    requires_python: str | None
    resolution_markers: tuple[str, ...]
    members: tuple[str, ...]  # root package names: uv's workspace members, or the pylock's one root
    packages: tuple[Package, ...]
    fix: str = "regenerate it with `uv lock`"  # how to fix a lock that is wrong
    environments: tuple[str, ...] = ()  # PEP 751 `environments`: a target platform must satisfy one
    extras: tuple[str, ...] = ()  # PEP 751 `extras` the lock can install
    dependency_groups: tuple[str, ...] = ()  # PEP 751 `dependency-groups`
    default_groups: tuple[str, ...] = ()  # PEP 751 `default-groups`
    format: str = "uv.lock"  # "uv.lock" | "pylock.toml"


def requirement_edges(req: Requirement) -> tuple[Dependency, ...]:
    """The edges of a PEP 508 requirement: one plain, and one per extra its marker names (`extra == "x"`).

    The planner follows an extra's edges only where every requirement of that extra is in the lock (a
    pylock does not say which extras were asked for; a resolver locks all of an extra's requirements).
    """
    marker = str(req.marker) if req.marker else None
    extras = sorted(extras_of(check_marker(marker))) if marker else []
    return tuple(
        Dependency(
            canonicalize_name(req.name),
            marker,
            tuple(sorted(canonicalize_name(e) for e in req.extras)),
            specifier=str(req.specifier) or None,
            requirement=True,
            extra=extra,
        )
        for extra in ("", *extras)
    )
