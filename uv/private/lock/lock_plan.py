"""Plan a uv.lock for target platforms: per package and platform, the file to fetch and the edges.

The plan is JSON (sorted keys, lists sorted, so equal inputs give equal bytes):

    {
      "version": 1,                     # schema version of the plan
      "lock": "<lock path as given>", "requires_python": ">=3.11" | null,
      "roots": ["<id>", ...],           # workspace members planned from
      "extras": [...], "groups": [...], # of the roots, included on top of their dependencies
      "platforms": {"<platform>": {<TargetPlatform fields but name>, "closure": ["<id>", ...]}},
      "unneeded": {"<id>": {"name", "version",   # third-party packages of the lock in no closure
        "markers": [{"dependent": "<name>", "marker": "<marker>", "platforms": ["<platform>", ...]}]}},
                                        # the edges to it whose markers are false, and where
      "packages": {"<id>": {            # every package in some closure
        "name": "click", "version": "8.1.7" | null,
        "source": {"kind": "registry" | "url" | "first_party", "location": "<index URL, URL or path>"},
        "files": {"<file id>": {"kind": "wheel" | "sdist", "url", "sha256", "size": int | null, "filename"}},
        "lock_files": ["<file name>", ...],  # every file the lock lists for the package
        "platforms": {"<platform>": {   # only platforms whose closure holds the package
          "file": "<file id>" | null, "reason": "<why this file, or why none>",
          "dependencies": ["<id>", ...], "extras": ["<activated extra>", ...]}}}}
    }

A package id is its normalized name, or `name@version` when the lock holds
several versions of it (forked resolutions); a file id is the lowercased file
name. `files` holds the files chosen on some platform. Dependencies are the
edges whose marker holds in the platform's environment, with extras
propagated (`{name = "x", extra = ["y"]}` pulls in x's extra y); the walk keeps
a visited set, so dependency cycles are fine. Markers of uv's conflicting
extras/groups (`extra == 'extra-N-...'`) evaluate as false.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fields import MAX_LOCK_BYTES, Fields, parse_toml, read_text
from lock_errors import LockError, LockFormatError
from lock_model import Dependency, File, Lock, Package, requirement_edges
from packaging.requirements import Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion
from pkg_metadata import Requires, requires_dist
from pylock import read_pylock
from uv_lock import read_lock
from wheel_select import choose
from xpy.errors import XpyError, report
from xpy.markers import MarkerError, check_marker, evaluate
from xpy.platforms import TargetPlatform, load_platforms

__all__ = ["Selection", "build_parser", "file_id", "main", "make_plan"]

PLAN_VERSION = 1
_Node = tuple[str, str, str]  # (package id, "" | "extra" | "group", extra or group name)


@dataclass(frozen=True)
class Selection:
    """Which roots to plan from and what of theirs to include beyond their dependencies."""

    roots: tuple[str, ...] = ()  # empty: the workspace members, or the project at "."
    extras: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    all_extras: bool = False
    all_groups: bool = False
    no_binary: frozenset[str] = frozenset()  # normalized names built from their sdist even where wheels fit
    no_binary_all: bool = False
    extra_deps: tuple[tuple[str, str], ...] = ()  # (package, dependency): edges added by override_package(deps)


def file_id(file: File) -> str:
    """Stable id of a file: its name, lowercased, other characters than [a-z0-9._-] as `_`."""
    return re.sub(r"[^a-z0-9._-]", "_", file.filename.lower())


class _Graph:
    """Packages by id, and resolution of dependency edges to the packages they may lead to."""

    def __init__(self, lock: Lock) -> None:
        self.lock = lock
        self.by_name: dict[str, list[Package]] = defaultdict(list)
        for p in lock.packages:
            self.by_name[p.name].append(p)
        self.packages = {self.id(p): p for p in lock.packages}
        for p in lock.packages:  # every edge of the lock itself must lead to a locked package, walked or not
            for kind_deps in (p.dependencies, *p.optional_dependencies.values(), *p.dev_dependencies.values()):
                for dep in kind_deps:
                    if not dep.requirement:
                        self.check(dep, p)

    def id(self, package: Package) -> str:
        return package.name if len(self.by_name[package.name]) == 1 else f"{package.name}@{package.version}"

    def candidates(self, dep: Dependency) -> list[Package]:
        """The locked packages an edge may lead to: its name, and its version or specifier."""
        return [
            p
            for p in self.by_name.get(dep.name, [])
            if dep.version in (None, p.version) and _satisfies(dep.specifier, p.version)
        ]

    def check(self, dep: Dependency, of: Package) -> None:
        found = self.candidates(dep)
        if not found or (len(found) > 1 and all(p.marker is None for p in found)):
            what = "is not in the lock" if not found else "is ambiguous (several versions, no `version`)"
            raise LockFormatError(f"dependency {dep.name!r} {what}", self.lock.path, self.lock.fix, of.name)

    def roots(self, names: Sequence[str]) -> list[str]:
        if not names:
            names = self.lock.members or [p.name for p in self.lock.packages if p.source.location == "."]
        if not names:
            raise LockError("no root project", self.lock.path, "pass --root NAME (a workspace member)")
        ids = []
        for name in names:
            given = self.by_name.get(name) or self.by_name.get(canonicalize_name(name), [])
            found = [p for p in given if p.source.kind == "first_party"]
            if not found:
                raise LockError(f"root {name!r} is not a first-party package", self.lock.path, "pass a member name")
            ids.append(self.id(found[0]))
        return ids


def _satisfies(specifier: str | None, version: str | None) -> bool:
    if specifier is None or version is None:
        return True
    try:
        return SpecifierSet(specifier).contains(version, prereleases=True)
    except (InvalidSpecifier, InvalidVersion):
        return False


@dataclass(frozen=True)
class _Env:
    """Where markers are evaluated: a target platform, and the extras and groups a pylock's markers see."""

    platform: TargetPlatform
    extras: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()


@functools.cache
def _holds(marker: str, platform: TargetPlatform, extra: str = "") -> bool:
    return evaluate(check_marker(marker), {**platform.marker_environment(), "extra": extra})


@functools.cache
def _installed(marker: str | None, env: _Env) -> bool:
    """Whether a package with this PEP 751 package marker is installed in `env`."""
    if marker is None:
        return True
    environment = {**env.platform.marker_environment(), "extras": env.extras, "dependency_groups": env.groups}
    return evaluate(check_marker(marker), environment, "lock_file")


def _edge_holds(dep: Dependency, platform: TargetPlatform) -> bool:
    return not dep.marker or _holds(dep.marker, platform, dep.extra)


def _complete(graph: _Graph, package: Package, extra: str, platform: TargetPlatform) -> bool:
    """Whether every requirement of `package`'s `extra` that holds on `platform` is in the lock."""
    return all(graph.candidates(d) for d in package.dependencies if d.extra == extra and _edge_holds(d, platform))


def _edges(package: Package, kind: str, name: str) -> Iterable[Dependency]:
    if kind == "extra":
        return package.optional_dependencies.get(name, ())
    if kind == "group":
        return package.dev_dependencies.get(name, ())
    return package.dependencies


def _start(graph: _Graph, roots: Sequence[str], sel: Selection) -> list[_Node]:
    if graph.lock.format == "pylock.toml":
        return [(r, "", "") for r in roots]  # extras and groups of a pylock are in its markers (_env)
    nodes: list[_Node] = []
    for kind, names, every in (("extra", sel.extras, sel.all_extras), ("group", sel.groups, sel.all_groups)):
        wanted = {canonicalize_name(n) for n in names}
        found: set[str] = set()
        for root in roots:
            pkg = graph.packages[root]
            have = pkg.optional_dependencies if kind == "extra" else pkg.dev_dependencies
            picked = sorted(have) if every else sorted(wanted & have.keys())
            nodes += [(root, kind, n) for n in picked]
            found.update(picked)
        if wanted - found:
            missing = sorted(wanted - found)[0]
            raise LockError(f"no root has the {kind} {missing!r}", graph.lock.path, f"pick {kind}s the roots declare")
    return [(r, "", "") for r in roots] + nodes


def _selected(lock: Lock, sel: Selection) -> tuple[frozenset[str], frozenset[str]]:
    """The extras and dependency groups a pylock's markers see: those selected (groups: default-groups)."""
    if lock.format != "pylock.toml":
        return frozenset(), frozenset()
    out = []
    for kind, names, every, have in (
        ("extra", sel.extras, sel.all_extras, lock.extras),
        ("dependency group", sel.groups, sel.all_groups, lock.dependency_groups),
    ):
        wanted = {canonicalize_name(n) for n in names}
        if wanted - set(have):
            missing = sorted(wanted - set(have))[0]
            listed = ", ".join(have) or "none"
            raise LockError(
                f"the lock has no {kind} {missing!r} (it has: {listed})", lock.path, f"pick a {kind} it has"
            )
        out.append(frozenset(have) if every else frozenset(wanted))
    extras, groups = out
    if not sel.groups and not sel.all_groups:
        groups = frozenset(lock.default_groups)
    return extras, groups


def _check_platform(lock: Lock, env: _Env) -> None:
    """The platform is one the lock was made for: its requires-python and (pylock) environments."""
    platform = env.platform
    if lock.requires_python is not None:
        try:
            ok = SpecifierSet(lock.requires_python).contains(platform.marker_environment()["python_full_version"], True)
        except InvalidSpecifier:
            raise LockFormatError(f"bad requires-python {lock.requires_python!r}", lock.path, lock.fix) from None
        if not ok:
            raise LockError(
                f"python {platform.python_version} of {platform.name} is outside requires-python "
                f"{lock.requires_python!r}",
                lock.path,
                "pick a python version the lock supports",
            )
    if lock.environments and not any(_holds(m, platform) for m in lock.environments):
        raise LockError(
            f"target platform {platform.name} is outside the lock's environments "
            f"({'; '.join(repr(m) for m in lock.environments)})",
            lock.path,
            f"drop {platform.name} from target_platforms, or relock with an environment that covers it",
        )


def _check_package_python(lock: Lock, package: Package, platform: TargetPlatform) -> None:
    if package.requires_python is None:
        return
    if not SpecifierSet(package.requires_python).contains(platform.marker_environment()["python_full_version"], True):
        raise LockError(
            f"python {platform.python_version} of {platform.name} is outside the package's requires-python "
            f"{package.requires_python!r}",
            lock.path,
            "relock for this python version, or pick another python_version",
            package.name,
        )


def with_metadata(lock: Lock, reads: Mapping[str, Requires]) -> Lock:
    """`lock` with the edges of its edge-less packages from their metadata (`reads`: by `metadata_key`).

    A package whose metadata does not say what it requires depends on every other package of the lock
    (more than it needs, never less); packages not in `reads` keep no edges (edges "missing").
    """
    others = [p for p in lock.packages if p.source.kind != "first_party"]
    out = []
    for p in lock.packages:
        read = reads.get(metadata_key(p)) if p.edges == "missing" else None
        if read is None:
            out.append(p)
        elif read.requirements is None:
            deps = tuple(Dependency(q.name, version=q.version) for q in others if q is not p)
            out.append(dataclasses.replace(p, dependencies=deps, edges="unknown", edges_note=read.source))
        else:
            deps = tuple(d for text in read.requirements for d in requirement_edges(Requirement(text)))
            out.append(dataclasses.replace(p, dependencies=deps, edges="metadata", edges_note=read.source))
    return dataclasses.replace(lock, packages=tuple(out))


def with_extra_deps(lock: Lock, pairs: Sequence[tuple[str, str]]) -> Lock:
    """`lock` with the edges `override_package(deps = ...)` adds: (package, dependency) on every platform."""
    if not pairs:
        return lock
    tag = "uv.override_package" if lock.format == "uv.lock" else "pylock.override_package"
    versions: dict[str, list[str]] = {}
    for p in lock.packages:
        if p.source.kind != "first_party":
            versions.setdefault(p.name, []).append(str(p.version))
    added: dict[str, list[Dependency]] = {}
    for name, dep in pairs:
        what = f"{tag}(name = {name!r}, deps = [..., {dep!r}])"
        for n in (name, dep):
            if n not in versions:
                raise LockError(
                    f"{what}: {n!r} is not a third-party package of the lock",
                    lock.path,
                    "name packages the lock holds (add a new one to the project's dependencies and relock)",
                )
        if len(versions[dep]) > 1:
            raise LockError(
                f"{what}: the lock holds {dep} in versions {', '.join(sorted(versions[dep]))}, and an added "
                "dependency cannot pick one",
                lock.path,
                f"make {name} depend on {dep} in the project instead (a dependency with markers) and relock",
            )
        added.setdefault(name, []).append(Dependency(dep))
    packages = tuple(
        dataclasses.replace(p, dependencies=p.dependencies + tuple(added[p.name])) if p.name in added else p
        for p in lock.packages
    )
    return dataclasses.replace(lock, packages=packages)


def metadata_key(package: Package) -> str:
    """How `with_metadata` and `metadata_files` name a package: `name==version`."""
    return f"{package.name}=={package.version or ''}"


def metadata_files(lock: Lock, plan: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """For each planned package without edges: the file to read its metadata from (by `metadata_key`).

    The file is one some target platform installs (so the download is needed anyway): a pure wheel when
    one is chosen, else the first platform's choice. Packages that no platform has a file for are left out.
    """
    by_key = {metadata_key(p): p for p in lock.packages}
    out = {}
    for entry in plan["packages"].values():
        key = f"{entry['name']}=={entry['version'] or ''}"
        if entry.get("edges") != "missing" or by_key[key].source.kind == "first_party":
            continue
        chosen = [entry["platforms"][p]["file"] for p in plan["platforms"] if p in entry["platforms"]]
        chosen = [f for f in chosen if f]
        if chosen:
            pure = [f for f in chosen if f.endswith("-none-any.whl")]
            out[key] = {"name": entry["name"], "version": entry["version"], **entry["files"][(pure or chosen)[0]]}
    return out


_Excluded = dict[str, list[tuple[str, str]]]  # package id -> [(dependent package name or "", marker)]


def _walk(graph: _Graph, start: Sequence[_Node], env: _Env, excluded: _Excluded) -> dict[str, dict[str, set[str]]]:
    """Per reachable package id: {"dependencies": ids, "extras": activated extras}.

    An edge is followed when its marker holds on the platform and its target's package marker (pylock) holds
    in `env`. Edges not followed are added to `excluded`: (dependent, edge marker), or ("", package marker).
    """
    seen: set[_Node] = set()
    out: dict[str, dict[str, set[str]]] = {}
    todo = list(start)
    platform = env.platform
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        pid, kind, name = node
        entry = out.setdefault(pid, {"dependencies": set(), "extras": set()})
        if kind == "extra":
            entry["extras"].add(name)
        package = graph.packages[pid]
        for dep in _edges(package, kind, name):
            try:
                target = _target(graph, package, dep, env, excluded)
            except MarkerError as e:
                what = f"the marker of the dependency {dep.name!r} on {platform.name}: {e.what}"
                raise LockFormatError(what, graph.lock.path, graph.lock.fix, _named(package)) from None
            if target is None:
                continue
            if target != pid:
                entry["dependencies"].add(target)
            todo.append((target, "", ""))
            todo.extend((target, "extra", e) for e in dep.extras)
    return out


def _named(package: Package) -> str | None:
    """The package an error names: None for a pylock's synthetic root (the lock itself)."""
    return None if package.source.lock_kind == "pylock" else package.name


def _target(graph: _Graph, package: Package, dep: Dependency, env: _Env, excluded: _Excluded) -> str | None:
    """The id of the package an edge leads to in `env`, or None when it is not followed there."""
    found = graph.candidates(dep)
    if not _edge_holds(dep, env.platform):
        for p in found:
            excluded.setdefault(graph.id(p), []).append((package.name, dep.marker or ""))
        return None
    if dep.extra and not _complete(graph, package, dep.extra, env.platform):
        return None  # an extra nobody asked for: not all of its requirements are locked
    if not found:  # only requirement edges get here: the lock's own edges were checked up front
        raise LockError(
            f"{package.name} depends on {dep.name!r} on {env.platform.name}, and the lock has no such package",
            graph.lock.path,
            f"relock for {env.platform.name}, or drop it from the target platforms",
            _named(package),
        )
    installed = []
    for p in found:
        try:
            if _installed(p.marker, env):
                installed.append(p)
        except MarkerError as e:
            what = f"the package marker on {env.platform.name}: {e.what}"
            raise LockFormatError(what, graph.lock.path, graph.lock.fix, p.name) from None
    for p in found:
        if p not in installed:
            excluded.setdefault(graph.id(p), []).append(("", p.marker or ""))
    if len(installed) > 1:
        versions = ", ".join(sorted(str(p.version) for p in installed))
        raise LockFormatError(
            f"dependency {dep.name!r} is ambiguous on {env.platform.name}: the markers of versions {versions} all hold",
            graph.lock.path,
            graph.lock.fix,
            _named(package) or dep.name,
        )
    return graph.id(installed[0]) if installed else None


def _check_python(lock: Lock, platform: TargetPlatform) -> None:
    if lock.requires_python is None:
        return
    try:
        ok = SpecifierSet(lock.requires_python).contains(platform.marker_environment()["python_full_version"], True)
    except InvalidSpecifier:
        raise LockFormatError(f"bad requires-python {lock.requires_python!r}", lock.path, "fix the lock") from None
    if not ok:
        raise LockError(
            f"python {platform.python_version} of {platform.name} is outside requires-python {lock.requires_python!r}",
            lock.path,
            "pick a python version the lock supports",
        )


def make_plan(
    lock: Lock,
    platforms: Sequence[TargetPlatform],
    selection: Selection | None = None,
    reads: Mapping[str, Requires] | None = None,
) -> dict[str, Any]:
    """The JSON-ready plan of `lock` for `platforms` (schema: see the module doc).

    `reads`: the metadata of packages the lock has no edges for (`with_metadata`).
    """
    selection = selection or Selection()
    if reads:
        lock = with_metadata(lock, reads)
    lock = with_extra_deps(lock, selection.extra_deps)
    graph = _Graph(lock)
    roots = graph.roots(selection.roots)
    start = _start(graph, roots, selection)
    extras, groups = _selected(lock, selection)
    packages: dict[str, dict[str, Any]] = {}
    platforms_out: dict[str, Any] = {}
    excluded: dict[str, dict[tuple[str, str], list[str]]] = {}  # id -> (dependent, marker) -> platforms
    for platform in platforms:
        env = _Env(platform, extras, groups)
        _check_platform(lock, env)
        false_edges: _Excluded = {}
        walked = _walk(graph, start, env, false_edges)
        for pid, false in false_edges.items():
            for edge in false:
                names = excluded.setdefault(pid, {}).setdefault(edge, [])
                if platform.name not in names:
                    names.append(platform.name)
        platforms_out[platform.name] = {
            **{k: v for k, v in dataclasses.asdict(platform).items() if k != "name"},
            "closure": sorted(walked),
        }
        for pid, edges in walked.items():
            package = graph.packages[pid]
            _check_package_python(lock, package, platform)
            entry = packages.setdefault(pid, _package_entry(package))
            from_source = selection.no_binary_all or package.name in selection.no_binary
            choice = choose(package, platform, from_source)
            if choice.file:
                entry["files"][file_id(choice.file)] = _file_entry(choice.file)
            entry["platforms"][platform.name] = {
                "file": file_id(choice.file) if choice.file else None,
                "reason": choice.reason,
                "dependencies": sorted(edges["dependencies"]),
                "extras": sorted(edges["extras"]),
            }
    return {
        "version": PLAN_VERSION,
        "lock": lock.path,
        "format": lock.format,
        "relock": lock.fix,
        "unneeded": _unneeded(graph, packages, excluded),
        "requires_python": lock.requires_python,
        "roots": sorted(roots),
        "extras": sorted(extras) or sorted({n for pid, kind, n in start if kind == "extra"}),
        "groups": sorted(groups) or sorted({n for pid, kind, n in start if kind == "group"}),
        "platforms": platforms_out,
        "packages": packages,
    }


def _unneeded(
    graph: _Graph, planned: dict[str, Any], excluded: dict[str, dict[tuple[str, str], list[str]]]
) -> dict[str, Any]:
    """The lock's third-party packages that no platform's closure holds, and the markers that exclude them."""
    out = {}
    for pid, package in sorted(graph.packages.items()):
        if pid in planned or package.source.kind == "first_party":
            continue
        markers = [
            {"dependent": dependent, "marker": marker, "platforms": sorted(names)}
            for (dependent, marker), names in sorted(excluded.get(pid, {}).items())
        ]
        out[pid] = {"name": package.name, "version": package.version, "markers": markers}
    return out


def _package_entry(package: Package) -> dict[str, Any]:
    return {
        "name": package.name,
        "version": package.version,
        "source": {"kind": package.source.kind, "location": package.source.location},
        "files": {},
        "edges": package.edges,
        "edges_note": package.edges_note,
        "lock_files": sorted(f.filename for f in (*package.wheels, *([package.sdist] if package.sdist else []))),
        "platforms": {},
    }


def _file_entry(file: File) -> dict[str, Any]:
    return {"kind": file.kind, "url": file.url, "sha256": file.sha256, "size": file.size, "filename": file.filename}


def read_no_binary(pyproject: Path) -> tuple[set[str], bool]:
    """`[tool.uv] no-binary-package` (normalized names) and `no-binary` (all packages) of a pyproject.toml."""
    shown = str(pyproject)
    data = parse_toml(read_text(pyproject, shown, "pass the project's pyproject.toml"), shown, "fix the file")
    r = Fields(shown, fix="fix the [tool.uv] settings")
    uv = r.get(r.get(data, "tool", dict, "pyproject.toml") or {}, "uv", dict, "[tool]") or {}
    names = r.strings(uv, "no-binary-package", "[tool.uv]")
    every = r.get(uv, "no-binary", bool, "[tool.uv]")
    return {r.name(n, "[tool.uv] no-binary-package entry") for n in names}, every is True


def _read_bytes(path: Path, fix: str) -> bytes:
    try:
        with path.open("rb") as f:
            data = f.read(MAX_LOCK_BYTES + 1)
    except OSError as e:
        raise LockError(f"cannot read it: {e.strerror}", str(path), fix) from None
    if len(data) > MAX_LOCK_BYTES:
        raise LockError(f"the file is larger than {MAX_LOCK_BYTES} bytes", str(path), fix)
    return data


def _read_metadata(lock: Lock, needed: Mapping[str, Mapping[str, Any]], where: Path | None) -> dict[str, Requires]:
    if where is None:
        raise LockError(
            f"{len(needed)} packages have no dependency edges in the lock",
            lock.path,
            "pass --metadata-dir with their files (see --needs)",
        )
    out = {}
    for key, f in sorted(needed.items()):
        path = where / f["filename"]
        if not path.is_file():
            raise LockError(f"{f['filename']} is not in {where}", lock.path, "download the --needs files", f["name"])
        out[key] = requires_dist(path, f["name"], f["version"], lock.path)
    return out


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lock_plan", description=__doc__.splitlines()[0], fromfile_prefix_chars="@")
    parser.add_argument("--lock", type=Path, required=True, help="the uv.lock or pylock.toml to plan")
    parser.add_argument("--format", choices=("uv.lock", "pylock.toml"), default="uv.lock", help="the lock's format")
    parser.add_argument(
        "--lock-name", help="how errors and the plan name the lock (default: its path), e.g. //:uv.lock"
    )
    parser.add_argument("--platform", dest="platforms", action="append", default=[], help="target platform name")
    parser.add_argument("--platforms-json", type=Path, help="JSON list of custom TargetPlatform objects")
    parser.add_argument("--python-version", help="X.Y[.Z] for every platform (default: each platform's)")
    parser.add_argument("--root", dest="roots", action="append", default=[], help="workspace member to plan from")
    parser.add_argument("--extra", dest="extras", action="append", default=[], help="extra of the roots to include")
    parser.add_argument("--all-extras", action="store_true")
    parser.add_argument("--group", dest="groups", action="append", default=[], help="dependency group to include")
    parser.add_argument("--all-groups", action="store_true")
    parser.add_argument("--no-binary", action="append", default=[], help="package to build from its sdist")
    parser.add_argument(
        "--extra-dep",
        action="append",
        default=[],
        help="<package>=<dependency>: a run-time edge to add (override_package deps)",
    )
    parser.add_argument("--pyproject", type=Path, help="pyproject.toml whose [tool.uv] no-binary settings apply")
    parser.add_argument(
        "--needs",
        type=Path,
        help="write the files whose metadata gives the edges the lock lacks (JSON: key -> file) here, and stop",
    )
    parser.add_argument(
        "--metadata-dir", type=Path, help="the directory holding those files (by file name), downloaded and checked"
    )
    parser.add_argument("--output", type=Path, help="where to write the plan (default: stdout)")
    return parser


def _pair(text: str) -> tuple[str, str]:
    name, sep, dep = text.partition("=")
    if not sep or not name or not dep:
        raise LockError(f"--extra-dep {text!r} is not <package>=<dependency>", "the command line", "fix the call")
    return canonicalize_name(name), canonicalize_name(dep)


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        custom = _read_bytes(args.platforms_json, "pass a JSON list of platforms") if args.platforms_json else None
        platforms = load_platforms(args.platforms, custom, str(args.platforms_json))
        if args.python_version:
            platforms = [p.with_python(args.python_version) for p in platforms]
        no_binary, no_binary_all = read_no_binary(args.pyproject) if args.pyproject else (set(), False)
        no_binary |= {canonicalize_name(n) for n in args.no_binary}
        selection = Selection(
            tuple(args.roots),
            tuple(args.extras),
            tuple(args.groups),
            args.all_extras,
            args.all_groups,
            frozenset(no_binary),
            no_binary_all,
            tuple(_pair(text) for text in args.extra_dep),
        )
        lock = (
            read_pylock(args.lock, args.lock_name)
            if args.format == "pylock.toml"
            else read_lock(args.lock, args.lock_name)
        )
        plan = make_plan(lock, platforms, selection)
        needed = metadata_files(lock, plan)
        if args.needs:
            args.needs.write_text(json.dumps(needed, indent=1, sort_keys=True) + "\n", encoding="utf-8")
            return 0
        if needed:
            plan = make_plan(lock, platforms, selection, _read_metadata(lock, needed, args.metadata_dir))
    except XpyError as e:
        return report(e)
    text = json.dumps(plan, indent=2, sort_keys=True) + "\n"
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
