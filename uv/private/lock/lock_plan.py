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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fields import MAX_LOCK_BYTES, Fields, parse_toml, read_text
from lock_errors import LockError, LockFormatError
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from uv_lock import Dependency, File, Lock, Package, read_lock
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


def file_id(file: File) -> str:
    """Stable id of a file: its name, lowercased, other characters than [a-z0-9._-] as `_`."""
    return re.sub(r"[^a-z0-9._-]", "_", file.filename.lower())


class _Graph:
    """Packages by id, and resolution of dependency edges to ids."""

    def __init__(self, lock: Lock) -> None:
        self.lock = lock
        self.by_name: dict[str, list[Package]] = defaultdict(list)
        for p in lock.packages:
            self.by_name[p.name].append(p)
        self.packages = {self.id(p): p for p in lock.packages}
        for p in lock.packages:  # every edge must lead to a locked package, walked or not
            for kind_deps in (p.dependencies, *p.optional_dependencies.values(), *p.dev_dependencies.values()):
                for dep in kind_deps:
                    self.resolve(dep, p)

    def id(self, package: Package) -> str:
        return package.name if len(self.by_name[package.name]) == 1 else f"{package.name}@{package.version}"

    def resolve(self, dep: Dependency, of: Package) -> str:
        found = [p for p in self.by_name.get(dep.name, []) if dep.version in (None, p.version)]
        if len(found) != 1:
            what = "is not in the lock" if not found else "is ambiguous (several versions, no `version`)"
            raise LockFormatError(
                f"dependency {dep.name!r} {what}", self.lock.path, "regenerate it with `uv lock`", of.name
            )
        return self.id(found[0])

    def roots(self, names: Sequence[str]) -> list[str]:
        if not names:
            names = self.lock.members or [p.name for p in self.lock.packages if p.source.location == "."]
        if not names:
            raise LockError("no root project", self.lock.path, "pass --root NAME (a workspace member)")
        ids = []
        for name in names:
            found = [p for p in self.by_name.get(canonicalize_name(name), []) if p.source.kind == "first_party"]
            if not found:
                raise LockError(f"root {name!r} is not a first-party package", self.lock.path, "pass a member name")
            ids.append(self.id(found[0]))
        return ids


@functools.cache
def _holds(marker: str, platform: TargetPlatform) -> bool:
    return evaluate(check_marker(marker), platform.marker_environment())


def _edges(package: Package, kind: str, name: str) -> Iterable[Dependency]:
    if kind == "extra":
        return package.optional_dependencies.get(name, ())
    if kind == "group":
        return package.dev_dependencies.get(name, ())
    return package.dependencies


def _start(graph: _Graph, roots: Sequence[str], sel: Selection) -> list[_Node]:
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


_Excluded = dict[str, list[tuple[str, str]]]  # package id -> [(dependent package name, marker)]


def _walk(
    graph: _Graph, start: Sequence[_Node], platform: TargetPlatform, excluded: _Excluded
) -> dict[str, dict[str, set[str]]]:
    """Per reachable package id: {"dependencies": ids, "extras": activated extras}.

    Edges whose markers are false are added to `excluded` (target id -> (dependent, marker)).
    """
    seen: set[_Node] = set()
    out: dict[str, dict[str, set[str]]] = {}
    todo = list(start)
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
                if dep.marker and not _holds(dep.marker, platform):
                    excluded.setdefault(graph.resolve(dep, package), []).append((package.name, dep.marker))
                    continue
            except MarkerError as e:
                what = f"the marker of dependency {dep.name!r} on {platform.name}: {e.what}"
                raise LockFormatError(what, graph.lock.path, "regenerate the lock", package.name) from None
            target = graph.resolve(dep, package)
            if target != pid:
                entry["dependencies"].add(target)
            todo.append((target, "", ""))
            todo.extend((target, "extra", e) for e in dep.extras)
    return out


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


def make_plan(lock: Lock, platforms: Sequence[TargetPlatform], selection: Selection | None = None) -> dict[str, Any]:
    """The JSON-ready plan of `lock` for `platforms` (schema: see the module doc)."""
    selection = selection or Selection()
    graph = _Graph(lock)
    roots = graph.roots(selection.roots)
    start = _start(graph, roots, selection)
    packages: dict[str, dict[str, Any]] = {}
    platforms_out: dict[str, Any] = {}
    excluded: dict[str, dict[tuple[str, str], list[str]]] = {}  # id -> (dependent, marker) -> platforms
    for platform in platforms:
        _check_python(lock, platform)
        false_edges: _Excluded = {}
        walked = _walk(graph, start, platform, false_edges)
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
        "unneeded": _unneeded(graph, packages, excluded),
        "requires_python": lock.requires_python,
        "roots": sorted(roots),
        "extras": sorted({n for pid, kind, n in start if kind == "extra"}),
        "groups": sorted({n for pid, kind, n in start if kind == "group"}),
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lock_plan", description=__doc__.splitlines()[0], fromfile_prefix_chars="@")
    parser.add_argument("--lock", type=Path, required=True, help="the uv.lock to plan")
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
    parser.add_argument("--pyproject", type=Path, help="pyproject.toml whose [tool.uv] no-binary settings apply")
    parser.add_argument("--output", type=Path, help="where to write the plan (default: stdout)")
    return parser


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
        )
        plan = make_plan(read_lock(args.lock, args.lock_name), platforms, selection)
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
