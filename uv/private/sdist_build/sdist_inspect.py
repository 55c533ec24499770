"""Inspect one downloaded sdist in the repository phase: how it builds, and the BUILD file of its wheel.

Two steps, in two repositories, so that the archive is read again only when
the sdist itself changes:

- `facts` (in the sdist's file repository, `//file`): reads the archive and
  writes `sdist.json`: its project directory, build system and whether its
  contents look native. Its only inputs are the file and its name.
- `build` (in the sdist's wheel repository): reads `sdist.json`, applies the
  `uv.override_package` settings, resolves the build requirements against the
  lock's packages (every locked version of them) and writes the BUILD file
  whose `:wheel` builds the sdist. It runs again when the lock changes, which
  costs no download and no archive read.

Runs on the host python3 with the pinned `packaging` on PYTHONPATH and reads
the archive in memory (tar.gz, tgz, tar.bz2, tar.xz, tar, zip; nothing is
extracted to disk):

- the build system: `[build-system]` of the project's `pyproject.toml`
  (`requires`, `build-backend`); without a pyproject.toml or without the
  table, the PEP 517 fallback `setuptools>=40.8.0` + `wheel` with the legacy
  setuptools backend;
- native or pure: native when the sdist holds C/C++/Cython/Rust/Fortran/Go
  sources or native build files, or its backend or build requirements name a
  native build system (maturin, scikit-build-core, meson-python, cmake, ...);
  `--native=yes|no` (from `uv.override_package`) overrides the detection;
- the build dependencies: each requirement whose marker holds for this
  interpreter resolves to the lock's package (`@<hub>//<name>`) when every
  locked version satisfies it, to the newest locked version that does
  (`@<hub>//<name>:v<version>`) when only some do, else to rules_xpy's pinned
  default of that name when that satisfies it, else it is an error that says
  how to add it. Extras of build requirements are not resolved (the hub target
  carries the extras the lock activates). `--build-dep` adds lock packages on
  top.

The output of `build` is the BUILD.bazel of the wheel repository: one
`uv_sdist_wheel` target `:wheel`. A one-line summary goes to stdout.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.markers import default_environment
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version
from xpy.archives import ArchiveError, Limits, read_archive
from xpy.errors import XpyError, report
from xpy.markers import MarkerError, check_marker, evaluate
from xpy.starlark import literal

__all__ = [
    "LEGACY_REQUIRES",
    "BuildSystem",
    "Decision",
    "Default",
    "InspectError",
    "Sdist",
    "build_parser",
    "build_system",
    "decide_native",
    "generate_build",
    "main",
    "read_sdist",
    "resolve",
]

LEGACY_REQUIRES = ("setuptools>=40.8.0", "wheel")
MAX_PYPROJECT_BYTES = 4 * 1024 * 1024
"""The largest pyproject.toml the inspection reads."""

INSPECT_LIMITS = Limits(seconds=120.0)
"""The inspection reads each archive within two minutes (it writes nothing, so the byte limits only bound time)."""
_PROJECT_FILES = ("pyproject.toml", "setup.py", "setup.cfg")
_NATIVE_SUFFIXES = frozenset(
    {".c", ".cc", ".cpp", ".cxx", ".h", ".hpp", ".pyx", ".pxd", ".rs", ".f", ".f90", ".go"}
)  # compared lowercased
_NATIVE_FILES = frozenset({"Cargo.toml", "CMakeLists.txt", "meson.build"})
_NATIVE_TOOLS = frozenset(
    {
        "cffi",
        "cmake",
        "cython",
        "maturin",
        "meson-python",
        "nanobind",
        "ninja",
        "pybind11",
        "scikit-build",
        "scikit-build-core",
        "setuptools-rust",
    }
)
_NATIVE_BACKENDS = frozenset({"maturin", "mesonpy", "scikit_build_core", "setuptools_rust", "skbuild"})  # top modules
_NATIVE_CHOICES = ("auto", "yes", "no")


class InspectError(XpyError):
    """Bad input to the sdist inspector: `ERROR: <what> (<where>): <fix>`, or `<what>: <fix>` without `where`."""


@dataclass(frozen=True)
class Sdist:
    """What the inspector needs of an sdist archive."""

    filename: str  # the archive's file name, e.g. cowsay-6.0.tar.gz
    top: str  # the project directory inside the archive ("" when the project is at the root)
    files: tuple[str, ...]  # regular files, relative to `top`, sorted
    pyproject: bytes | None  # `<top>/pyproject.toml`, if any


@dataclass(frozen=True)
class BuildSystem:
    """The `[build-system]` table of an sdist, or the PEP 517 fallback."""

    requires: tuple[str, ...]
    backend: str | None  # None: the legacy setuptools backend (`setuptools.build_meta:__legacy__`)
    source: str  # where it comes from: "pyproject.toml" or why the fallback applies

    @property
    def backend_name(self) -> str:
        return self.backend or "legacy setuptools"


@dataclass(frozen=True)
class Decision:
    """Native or pure, and why."""

    native: bool
    reason: str

    @property
    def kind(self) -> str:
        return "native" if self.native else "pure"

    def __str__(self) -> str:
        return f"{self.kind}: {self.reason}"


@dataclass(frozen=True)
class Default:
    """One package of rules_xpy's pinned default build set."""

    version: str
    label: str


def _first_line(e: Exception) -> str:
    """The first line of an exception's message (packaging adds lines pointing at the column)."""
    return (str(e).splitlines() or [type(e).__name__])[0]


def _members(path: Path, limits: Limits) -> tuple[list[tuple[str, bool]], dict[str, bytes]]:
    """(name, is regular file) of every member, and the bytes of the pyproject.toml candidates (bounded)."""
    entries: list[tuple[str, bool]] = []
    tomls: dict[str, bytes] = {}
    for member, data in read_archive(path, limits):
        entries.append((member.name, member.kind == "file"))
        if data is not None and member.name.count("/") <= 1 and member.name.rpartition("/")[2] == "pyproject.toml":
            if member.size > MAX_PYPROJECT_BYTES:
                raise InspectError(
                    f"the sdist's {member.name} is {member.size} bytes, more than {MAX_PYPROJECT_BYTES}",
                    path.name,
                    "a pyproject.toml is a few kilobytes; this sdist is malformed or hostile: use another version",
                )
            tomls[member.name] = data.read(MAX_PYPROJECT_BYTES + 1)
    return entries, tomls


def read_sdist(path: Path, limits: Limits = INSPECT_LIMITS) -> Sdist:
    """The project directory, files and pyproject.toml of the sdist at `path`, read in memory (xpy.archives)."""
    try:
        entries, tomls = _members(path, limits)
    except ArchiveError as e:
        raise InspectError(e.what, path.name, e.fix) from None
    names = [n for n, _ in entries if n]
    at_root = any(n in _PROJECT_FILES for n, is_file in entries if is_file)
    tops = {n.split("/", 1)[0] for n in names}
    if at_root:
        top = ""
    elif len(tops) == 1 and any("/" in n for n in names):
        top = tops.pop()
    else:
        shown = ", ".join(sorted(tops)[:5]) or "nothing"
        raise InspectError(
            f"the sdist has no single project directory (top level: {shown})",
            path.name,
            "an sdist holds one directory <name>-<version>/ with the project; use a version with a standard sdist",
        )
    prefix = f"{top}/" if top else ""
    files = tuple(sorted(n[len(prefix) :] for n, is_file in entries if is_file and n.startswith(prefix)))
    if not any(f in _PROJECT_FILES for f in files):
        raise InspectError(
            f"the sdist's project directory {top or '.'!r} has no pyproject.toml, setup.py or setup.cfg",
            path.name,
            "it cannot be built; use a version that ships a wheel or a buildable sdist",
        )
    return Sdist(path.name, top, files, tomls.get(f"{prefix}pyproject.toml"))


def build_system(sdist: Sdist) -> BuildSystem:
    """The build requirements and backend of `sdist` (PEP 517/518, with the PEP 517 fallback)."""
    where = f"{sdist.filename}/{sdist.top}/pyproject.toml" if sdist.top else f"{sdist.filename}/pyproject.toml"
    if sdist.pyproject is None:
        return BuildSystem(LEGACY_REQUIRES, None, "no pyproject.toml")
    try:
        data = tomllib.loads(sdist.pyproject.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise InspectError(
            f"pyproject.toml is not valid TOML ({_first_line(e)})", where, "use a version with a valid sdist"
        ) from None
    table = data.get("build-system")
    if table is None:
        return BuildSystem(LEGACY_REQUIRES, None, "pyproject.toml without [build-system]")
    fix = "PEP 518 wants `requires` a list of strings and `build-backend` a string; use a version with a valid sdist"
    if not isinstance(table, dict):
        raise InspectError("[build-system] is not a table", where, fix)
    requires = table.get("requires")
    if not isinstance(requires, list) or not all(isinstance(r, str) for r in requires):
        raise InspectError("[build-system] requires is missing or not a list of strings", where, fix)
    backend = table.get("build-backend")
    if backend is not None and not isinstance(backend, str):
        raise InspectError("[build-system] build-backend is not a string", where, fix)
    return BuildSystem(tuple(requires), backend or None, "pyproject.toml")


def active_requirements(build: BuildSystem, package: str, version: str) -> list[Requirement]:
    """The build requirements whose markers hold for the running interpreter."""
    out = []
    for text in build.requires:
        where = f"{package} {version}".strip() + ", [build-system] requires"
        try:
            req = Requirement(text)
            if req.marker is None or evaluate(
                check_marker(str(req.marker)), {k: str(v) for k, v in default_environment().items()}
            ):
                out.append(req)
        except InvalidRequirement as e:
            raise InspectError(
                f"bad build requirement {text!r} ({_first_line(e)})", where, "use a version with a valid sdist"
            ) from None
        except MarkerError as e:
            what = f"the marker of build requirement {text!r}: {e.what}"
            raise InspectError(what, where, "use a version with a valid sdist") from None
    return out


def decide_native(
    sdist: Sdist, build: BuildSystem, requires: Sequence[Requirement], override: str = "auto"
) -> Decision:
    """Native or pure: `override` "yes"/"no" decides; "auto" looks at the backend, requirements and files."""
    if override == "yes":
        return Decision(True, "uv.override_package(native = True)")
    if override == "no":
        return Decision(False, "uv.override_package(pure = True)")
    if build.backend:
        top_module = build.backend.split(":", 1)[0].split(".", 1)[0].strip()
        if top_module in _NATIVE_BACKENDS:
            return Decision(True, f"backend {build.backend}")
    for req in requires:
        if canonicalize_name(req.name) in _NATIVE_TOOLS:
            return Decision(True, f"build requirement {req.name}")
    native = [f for f in sdist.files if f.rpartition("/")[2] in _NATIVE_FILES or _suffix(f) in _NATIVE_SUFFIXES]
    if native:
        more = f" and {len(native) - 1} more native source or build file(s)" if len(native) > 1 else ""
        return Decision(True, f"has {native[0]}{more}")
    return Decision(False, "no C/C++/Cython/Rust/Fortran/Go sources or native build tools")


def _suffix(path: str) -> str:
    name = path.rpartition("/")[2]
    return "." + name.rpartition(".")[2].lower() if "." in name else ""


def _satisfies(req: Requirement, version: str) -> bool:
    try:
        return req.specifier.contains(Version(version), prereleases=True)
    except InvalidVersion:
        return False


def resolve(
    requires: Sequence[Requirement],
    package: str,
    version: str,
    lock: Mapping[str, Sequence[str]],
    defaults: Mapping[str, Default],
    hub: str,
    build_deps: Sequence[str] = (),
) -> list[str]:
    """Labels of the build dependencies, sorted and deduplicated.

    `lock`: normalized name -> locked versions; `defaults`: normalized name -> pinned default.
    A requirement takes the lock's package when every locked version satisfies it, the newest locked
    version that does when only some do, else the pinned default when that does; `build_deps`
    (uv.override_package) must be lock packages.
    """
    labels = set()
    for req in requires:
        name = canonicalize_name(req.name)
        locked = lock.get(name, ())
        default = defaults.get(name)
        fitting = [v for v in locked if _satisfies(req, v)]
        if locked and len(fitting) == len(locked):
            labels.add(f"@{hub}//{name}")
        elif fitting:
            labels.add(f"@{hub}//{name}:v{max(fitting, key=Version)}")
        elif default and _satisfies(req, default.version):
            labels.add(default.label)
        else:
            raise InspectError(
                f"{package} {version} (sdist) needs the build requirement {str(req)!r}, which neither the lock "
                f"({', '.join(locked) or 'absent'}) nor rules_xpy's pinned defaults "
                f"({default.version if default else 'absent'}) satisfy",
                "",
                'add it to your project (e.g. a dependency group `build` and uv.lock(groups = ["build"])) and '
                f're-lock, or name a locked package in uv.override_package(name = "{package}", build_deps = [...])',
            )
    for dep in build_deps:
        name = canonicalize_name(dep)
        if name not in lock:
            raise InspectError(
                f'uv.override_package(name = "{package}", build_deps = [...]) names {dep!r}, '
                "which is not a package of the lock",
                f"{package} {version}",
                'add it to your project (e.g. a dependency group `build` and uv.lock(groups = ["build"])) '
                "and re-lock, or drop it from build_deps",
            )
        labels.add(f"@{hub}//{name}")
    return sorted(labels)


def generate_build(
    sdist: Sdist,
    package: str,
    version: str,
    build: BuildSystem,
    decision: Decision,
    build_deps: Sequence[str],
    env: Mapping[str, str],
    rules_xpy: str,
    sdist_label: str = "//file",
    hub: str = "",
) -> str:
    """The BUILD.bazel text of the sdist's wheel repository (the sdist is `sdist_label`)."""
    attrs: dict[str, Any] = {
        "name": "wheel",
        "sdist": sdist_label,
        "package": package,
        "version": version,
        "native": decision.native,
        "build_deps": list(build_deps),
        "env": dict(sorted(env.items())),
    }
    if decision.native and hub:
        attrs["target_platform"] = f"@{hub}//_platforms:current"
    attrs["visibility"] = ["//visibility:public"]
    body = "".join(f"    {k} = {literal(v, '    ')},\n" for k, v in attrs.items())
    return (
        f"# Generated by rules_xpy: {package} {version} from {sdist.filename}.\n"
        f"# Build: {decision.kind} ({decision.reason}); backend {build.backend_name}.\n"
        f'load("{rules_xpy}//uv/private/sdist_build:sdist_build.bzl", "uv_sdist_wheel")\n'
        "\n"
        f"uv_sdist_wheel(\n{body})\n"
    )


def facts(sdist: Sdist) -> dict[str, Any]:
    """What `build` needs of the archive, as JSON: the sdist, its build system, and the detected native decision."""
    build = build_system(sdist)
    requires = active_requirements(build, sdist.filename, "")
    return {
        "sdist": dataclasses.asdict(sdist) | {"pyproject": None, "files": list(sdist.files)},
        "build_system": dataclasses.asdict(build),
        "native": dataclasses.asdict(decide_native(sdist, build, requires)),
    }


def _from_facts(data: Any, where: str) -> tuple[Sdist, BuildSystem, Decision]:
    try:
        sdist = Sdist(**{**data["sdist"], "files": tuple(data["sdist"]["files"])})
        build = BuildSystem(**{**data["build_system"], "requires": tuple(data["build_system"]["requires"])})
        return sdist, build, Decision(**data["native"])
    except (KeyError, TypeError) as e:
        raise InspectError(f"the sdist facts are malformed ({e})", where, "refetch the sdist repository") from None


def _pairs(values: Sequence[str], flag: str, shape: str) -> list[list[str]]:
    """Each value of a repeated flag split at its first `=` signs, as many parts as `shape` has (`A=B=C`)."""
    parts = shape.count("=") + 1
    out = []
    for value in values:
        split = value.split("=", parts - 1)
        if len(split) != parts or not all(split[:-1]):
            raise InspectError(f"bad {flag}={value}", "command line", f"pass {flag}={shape}")
        out.append(split)
    return out


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sdist_inspect", description=__doc__.splitlines()[0], fromfile_prefix_chars="@"
    )
    steps = parser.add_subparsers(dest="step", required=True)
    read = steps.add_parser("facts", help="read the sdist; write sdist.json", fromfile_prefix_chars="@")
    read.add_argument("--sdist", type=Path, required=True, help="the downloaded sdist")
    read.add_argument("--output", type=Path, required=True, help="where to write sdist.json")
    gen = steps.add_parser("build", help="resolve the build; write the BUILD file", fromfile_prefix_chars="@")
    gen.add_argument("--facts", type=Path, required=True, help="sdist.json of the `facts` step")
    gen.add_argument("--sdist-label", default="//file", help="label of the sdist in the BUILD file")
    gen.add_argument("--package", required=True, help="its package name (for messages and the target)")
    gen.add_argument("--version", required=True, help="its version")
    gen.add_argument("--hub", required=True, help="name of the hub repository, e.g. pypi")
    gen.add_argument("--native", choices=_NATIVE_CHOICES, default="auto", help="auto: detected; yes/no: override")
    gen.add_argument(
        "--lock-package", dest="lock", action="append", default=[], help="NAME=VERSION of a third-party lock package"
    )
    gen.add_argument(
        "--default", dest="defaults", action="append", default=[], help="NAME=VERSION=LABEL of a pinned default"
    )
    gen.add_argument(
        "--build-dep", dest="build_deps", action="append", default=[], help="extra build dependency (a lock package)"
    )
    gen.add_argument("--env", action="append", default=[], help="KEY=VALUE set for the build")
    gen.add_argument("--rules-xpy", required=True, help="canonical repository of rules_xpy, e.g. @@rules_xpy~")
    gen.add_argument("--output", type=Path, required=True, help="where to write the BUILD.bazel")
    return parser


def _facts_step(args: argparse.Namespace) -> int:
    data = facts(read_sdist(args.sdist))
    args.output.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return 0


def _build_step(args: argparse.Namespace) -> int:
    lock: dict[str, list[str]] = {}
    for name, ver in _pairs(args.lock, "--lock-package", "NAME=VERSION"):
        lock.setdefault(canonicalize_name(name), []).append(ver)
    defaults: dict[str, Default] = {
        canonicalize_name(n): Default(v, label)
        for n, v, label in _pairs(args.defaults, "--default", "NAME=VERSION=LABEL")
    }
    env = dict(_pairs(args.env, "--env", "KEY=VALUE"))
    try:
        data = json.loads(args.facts.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise InspectError(
            f"cannot read the sdist facts: {e}", str(args.facts), "refetch the sdist repository"
        ) from None
    sdist, build, detected = _from_facts(data, str(args.facts))
    requires = active_requirements(build, args.package, args.version)
    decision = detected if args.native == "auto" else decide_native(sdist, build, requires, args.native)
    labels = resolve(requires, args.package, args.version, lock, defaults, args.hub, args.build_deps)
    text = generate_build(
        sdist, args.package, args.version, build, decision, labels, env, args.rules_xpy, args.sdist_label, args.hub
    )
    args.output.write_text(text, encoding="utf-8")
    print(
        f"{args.package} {args.version}: {decision.kind} ({decision.reason}; backend {build.backend_name}); "
        f"build deps: {', '.join(labels) or 'none'}"
    )
    return 0


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _facts_step(args) if args.step == "facts" else _build_step(args)
    except XpyError as e:
        return report(e)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
