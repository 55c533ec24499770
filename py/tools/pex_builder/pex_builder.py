# mypy: disable-error-code="import-not-found,import-untyped"
"""Build a PEX from first-party files and wheel files, as the `PyPex` action does.

The pinned `pex` library runs in this process, on the exec interpreter: no
resolve, no network, no subprocess, nothing of the target platform. Each
first-party file goes to its path below its longest import root. Each wheel is
checked against the target platform (os, cpu, libc) and Python version, then
added pre-installed (as the `pex` CLI does) or as the `.whl` file. PEX-INFO
gets the interpreter constraints, `inject_env`, `inject_args`,
`inherit_path`, and in `build_properties` the target platform and the tags of
every wheel. The same inputs give the same bytes.

The pure part (`plan`) turns the arguments into a `Plan` and raises a
`PexBuildError` for bad input; `build_pex` hands the plan to pex.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xpy.binaries import BinaryFormatError, scan_zip
from xpy.errors import XpyError
from xpy.platforms import TargetPlatform, target_of, wheel_tags
from xpy.wheels import check_wheel

__all__ = [
    "LAYOUTS",
    "EntryPointError",
    "IncompatibleWheelError",
    "PexBuildError",
    "PexLibraryError",
    "PlacementError",
    "Plan",
    "Wheel",
    "WheelError",
    "build_parser",
    "build_pex",
    "check",
    "main",
    "pex_path",
    "plan",
    "read_wheel",
    "wheel_misfit",
]

LAYOUTS = ("zipapp", "packed", "loose")
"""The PEX layouts (pex.layout.Layout values)."""

_RESERVED = ("__main__.py", "PEX-INFO", ".bootstrap", ".deps", "__pex__")
"""Top-level PEX entries that pex writes itself."""


class PexBuildError(XpyError):
    """Bad input: printed as one `ERROR:` line naming the target and `where`, followed by the fix."""

    default_fix = "check the py_pex_binary's attributes"


class WheelError(PexBuildError):
    """A wheel input is not a wheel: bad file name, or a directory without exactly one."""

    default_fix = "pass wheel files under their original names (py_whl_library's `whl`)"


class IncompatibleWheelError(PexBuildError):
    """A wheel does not fit the target platform or Python version."""

    default_fix = (
        "depend on a version with a wheel for the target platform and Python version (re-lock), "
        "build for the platform the wheel is for, or correct python_version"
    )


class PlacementError(PexBuildError):
    """Two first-party files land on one path of the PEX, or on one that pex writes itself."""

    default_fix = "rename one of them, or change `imports` so that they land on different paths"


class EntryPointError(PexBuildError):
    """The entry point cannot be run."""

    default_fix = "rename `main` to a valid module path, or set `entry_point` to 'module' or 'module:function'"


class PexLibraryError(PexBuildError):
    """pex itself refused the input."""

    default_fix = "check the entry point and the wheels of the py_pex_binary"


@dataclass(frozen=True)
class Wheel:
    """One wheel file: distribution, version and its expanded (python, abi, platform) tags."""

    path: Path
    name: str
    version: str
    tags: tuple[tuple[str, str, str], ...]

    @property
    def filename(self) -> str:
        return self.path.name

    @property
    def platforms(self) -> list[str]:
        return sorted({tag[2] for tag in self.tags})


@dataclass
class Plan:
    """Everything the PEX is made of, checked."""

    label: str
    output: Path
    layout: str
    wheels: list[Wheel]
    sources: dict[str, Path]
    """PEX path -> file."""
    entry_point: str | None
    script: str | None
    interpreter_constraints: list[str]
    shebang: str
    inject_env: dict[str, str]
    inject_args: list[str]
    inherit_path: str
    pre_install_wheels: bool
    build_properties: dict[str, Any] = field(default_factory=dict)


def read_wheel(path: Path) -> Wheel:
    """The wheel at `path`: a `.whl` file, or a directory (an sdist build's wheelhouse) holding exactly one."""
    if path.is_dir():
        found = sorted(path.glob("*.whl"))
        if len(found) != 1:
            names = ", ".join(p.name for p in found) or "none"
            raise WheelError(f"directory holds {len(found)} wheels ({names}), not 1", path.name)
        path = found[0]
    try:
        tags = wheel_tags(path.name)
    except ValueError as e:
        raise WheelError(f"the file name is not a valid wheel name: {e}", path.name) from None
    name, version = path.name.split("-")[:2]
    return Wheel(path, name, version, tuple(sorted((t.interpreter, t.abi, t.platform) for t in tags)))


def check(wheel: Wheel) -> None:
    """The wheel is well formed (xpy.wheels: dist-info, METADATA, RECORD hashes, paths, script names)."""
    try:
        check_wheel(wheel.path)
    except XpyError as e:
        raise WheelError(e.what, wheel.filename, e.fix) from None


def wheel_misfit(wheel: Wheel, target: TargetPlatform) -> str | None:
    """Why `wheel` does not fit `target` (its tags, then its native files); None if it fits."""
    reason = target.misfit(wheel.filename)
    if reason:
        return reason
    try:
        with zipfile.ZipFile(wheel.path) as archive:
            return target.wheel_misfit(wheel.filename, scan_zip(archive))
    except (OSError, zipfile.BadZipFile, BinaryFormatError) as e:
        raise WheelError(f"cannot read the wheel: {e}", wheel.filename) from None


def _abi_versions(wheels: Sequence[Wheel]) -> dict[str, list[str]]:
    """`X.Y` -> the wheels built for that CPython version's own ABI (cpXY-cpXY...)."""
    found: dict[str, list[str]] = {}
    for wheel in wheels:
        for py, abi, _ in wheel.tags:
            m = re.fullmatch(r"cp(\d)(\d+)", py)
            if m and abi.startswith(py):
                found.setdefault(f"{m[1]}.{m[2]}", []).append(wheel.filename)
    return found


def _python_version(given: str, wheels: Sequence[Wheel], label: str) -> str:
    if given:
        if not re.fullmatch(r"\d+\.\d+", given):
            raise PexBuildError(f"python_version {given!r} is not X.Y", label)
        return given
    versions = _abi_versions(wheels)
    if len(versions) > 1:
        listed = "; ".join(f"{v}: {', '.join(sorted(set(names)))}" for v, names in sorted(versions.items()))
        raise IncompatibleWheelError(f"the wheels are built for different Python versions ({listed})", "deps")
    return next(iter(versions), "")


def _check_wheel(wheel: Wheel, target: TargetPlatform | None) -> None:
    check(wheel)
    reason = wheel_misfit(wheel, target) if target else None
    if reason:
        assert target is not None
        raise IncompatibleWheelError(
            f"wheel {wheel.filename} does not fit the target platform {target.describe()}: {reason}", wheel.filename
        )


def runfiles_path(short_path: str, workspace: str) -> str:
    """The runfiles path of a file from its `File.short_path` (`../<repo>/...` for other repositories)."""
    return short_path[3:] if short_path.startswith("../") else f"{workspace}/{short_path}"


def pex_path(rpath: str, roots: Sequence[str]) -> str:
    """Where a file at runfiles path `rpath` goes in the PEX: below its longest import root (else `rpath`)."""
    best = max((r for r in roots if rpath.startswith(r.rstrip("/") + "/")), key=len, default=None)
    return rpath[len(best.rstrip("/")) + 1 :] if best else rpath


def _files(path: Path, rpath: str) -> Iterator[tuple[Path, str]]:
    """(file, runfiles path) of a file, or of every file below a directory (a tree artifact)."""
    if not path.is_dir():
        yield path, rpath
        return
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames.sort()
        for name in sorted(filenames):
            full = Path(dirpath, name)
            yield full, f"{rpath}/{full.relative_to(path).as_posix()}"


def _place(sources: Sequence[tuple[str, str]], roots: Sequence[str], workspace: str) -> dict[str, Path]:
    placed: dict[str, Path] = {}
    for exec_path, short_path in sources:
        for path, rpath in _files(Path(exec_path), runfiles_path(short_path, workspace)):
            dest = pex_path(rpath, roots)
            if dest.split("/")[0] in _RESERVED:
                raise PlacementError(f"{rpath} would land on {dest!r}, which pex writes itself", rpath)
            other = placed.setdefault(dest, path)
            if other != path and other.read_bytes() != path.read_bytes():
                raise PlacementError(f"{other} and {path} both land on {dest!r} in the PEX", dest)
    return placed


def _main_module(main: tuple[str, str], roots: Sequence[str], workspace: str) -> str:
    rpath = runfiles_path(main[1], workspace)
    dest = pex_path(rpath, roots)
    module = dest.removesuffix(".py").split("/")
    if not dest.endswith(".py") or not all(part.isidentifier() for part in module):
        raise EntryPointError(f"main {rpath} lands on {dest!r} in the PEX, which is not an importable module", dest)
    return ".".join(module)


def plan(args: argparse.Namespace) -> Plan:
    """Check the arguments and decide everything the PEX holds; raise PexBuildError for bad input."""
    wheels = [read_wheel(Path(w)) for w in args.wheel]
    seen: dict[str, str] = {}
    for wheel in wheels:
        key = re.sub(r"[-_.]+", "-", wheel.name).lower()
        if seen.setdefault(key, wheel.filename) != wheel.filename:
            raise WheelError(f"two wheels of {key}: {seen[key]} and {wheel.filename}", wheel.filename)
    version = _python_version(args.python_version, wheels, args.label)
    target = target_of(args.target_platform, args.target_os, args.target_cpu, args.target_libc, version or None)
    for wheel in wheels:
        _check_wheel(wheel, target)
    entry_point = args.entry_point or None
    if args.main:
        entry_point = _main_module(args.main, args.import_root, args.workspace_name)
    elif entry_point and not re.fullmatch(r"[A-Za-z_][\w.]*(:[A-Za-z_][\w.]*)?", entry_point):
        raise EntryPointError(f"entry_point {entry_point!r} is not 'module' or 'module:function'", "entry_point")
    inject_env = {}
    for item in args.inject_env:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise PexBuildError(f"inject_env entry {item!r} is not NAME=value", "inject_env")
        inject_env[name] = value
    constraints = args.interpreter_constraint or ([f"CPython=={version}.*"] if version else [])
    return Plan(
        label=args.label,
        output=args.output,
        layout=args.layout,
        wheels=sorted(wheels, key=lambda w: w.filename),
        sources=_place(args.source, args.import_root, args.workspace_name),
        entry_point=entry_point,
        script=args.script or None,
        interpreter_constraints=constraints,
        shebang=args.shebang or f"/usr/bin/env python{version or 3}",
        inject_env=inject_env,
        inject_args=args.inject_arg,
        inherit_path=args.inherit_path,
        pre_install_wheels=args.pre_install_wheels,
        build_properties={
            "rules_xpy": {
                "target": args.label,
                "target_platform": args.target_platform,
                "os": args.target_os,
                "cpu": args.target_cpu,
                "libc": args.target_libc,
                "python_version": version,
                "platforms": sorted({p for w in wheels for p in w.platforms if p != "any"}) or ["any"],
                "wheel_tags": {w.filename: sorted("-".join(t) for t in w.tags) for w in wheels},
            }
        },
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def build_pex(p: Plan) -> None:
    """Write the PEX of plan `p` with the pex library, in a private PEX_ROOT; raise PexLibraryError if pex refuses."""
    with tempfile.TemporaryDirectory(prefix="xpy-pex-") as tmp:
        pex_root = os.path.join(tmp, "pex_root")
        # pex reads its environment (and rc files) once, when pex.variables is first imported.
        saved = {k: os.environ.get(k) for k in ("PEX_ROOT", "PEX_IGNORE_RCFILES")}
        os.environ.update(PEX_ROOT=pex_root, PEX_IGNORE_RCFILES="1")
        try:
            from pex.variables import ENV

            with ENV.patch(PEX_ROOT=pex_root):
                _assemble(p, tmp)
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def _assemble(p: Plan, tmp: str) -> None:
    """Add the wheels (installed below `tmp` first, or as files), the sources and PEX-INFO's settings; build."""
    from pex.common import CopyMode
    from pex.inherit_path import InheritPath
    from pex.interpreter import PythonIdentity, PythonInterpreter
    from pex.interpreter_constraints import InterpreterConstraints
    from pex.layout import Layout
    from pex.pep_427 import install_wheel_chroot
    from pex.pex_builder import PEXBuilder

    # The running interpreter, identified in-process (PythonInterpreter.get() would spawn it).
    interpreter = PythonInterpreter(PythonIdentity.get())
    builder = PEXBuilder(path=os.path.join(tmp, "chroot"), interpreter=interpreter, copy_mode=CopyMode.COPY)
    try:
        for wheel in p.wheels:
            location = str(wheel.path)
            if p.pre_install_wheels:
                location = os.path.join(tmp, "installed", wheel.filename)
                install_wheel_chroot(str(wheel.path), location)
            builder.add_dist_location(location, fingerprint=_sha256(wheel.path))
        for dest, path in sorted(p.sources.items()):
            builder.add_source(str(path), dest)
        if p.script:
            builder.set_script(p.script)
        elif p.entry_point:
            builder.set_entry_point(p.entry_point)
    except (PEXBuilder.Error, ValueError, OSError) as e:
        raise PexLibraryError(" ".join(str(e).split()), p.script or p.entry_point or "deps") from None
    info = builder.info
    info.deps_are_wheel_files = not p.pre_install_wheels
    try:
        info.interpreter_constraints = InterpreterConstraints.parse(*p.interpreter_constraints)
    except ValueError as e:
        raise PexLibraryError(str(e), "interpreter_constraints") from None
    info.inject_env = p.inject_env
    info.inject_args = p.inject_args
    info.inherit_path = InheritPath.for_value(p.inherit_path)
    info.build_properties = p.build_properties
    builder.set_shebang(p.shebang)
    builder.build(str(p.output), bytecode_compile=False, deterministic=True, layout=Layout.for_value(p.layout))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pex_builder", description=__doc__.splitlines()[0], fromfile_prefix_chars="@")
    add = parser.add_argument
    add("--label", required=True, help="the py_pex_binary, for messages")
    add("--output", type=Path, required=True, help="the PEX file (zipapp) or directory (packed, loose)")
    add("--layout", choices=LAYOUTS, default="zipapp")
    add("--target-platform", default="", help="the target platform's label, for messages and PEX-INFO")
    add("--target-os", default="", choices=("", "linux", "macos", "windows"))
    add("--target-cpu", default="", choices=("", "x86_64", "aarch64"))
    add("--target-libc", default="", choices=("", "glibc", "musl"))
    add("--workspace-name", default="_main", help="runfiles directory of the main repository")
    add("--import-root", action="append", default=[], help="an import root, as a runfiles path")
    add("--source", nargs=2, action="append", default=[], metavar=("PATH", "SHORT_PATH"), help="a first-party file")
    add("--main", nargs=2, metavar=("PATH", "SHORT_PATH"), help="the entry point script")
    add("--entry-point", default="", help="module or module:function")
    add("--script", default="", help="a console script of one of the wheels")
    add("--wheel", action="append", default=[], help="a .whl file, or a directory holding one")
    add("--python-version", default="", help="X.Y of the target interpreter")
    add("--interpreter-constraint", action="append", default=[])
    add("--shebang", default="")
    add("--inject-env", action="append", default=[], metavar="NAME=VALUE")
    add("--inject-arg", action="append", default=[])
    add("--inherit-path", choices=("false", "fallback", "prefer"), default="false")
    add("--pre-install-wheels", action=argparse.BooleanOptionalAction, default=True)
    return parser


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        build_pex(plan(args))
    except PexBuildError as e:
        print(f"ERROR: {e.what} ({args.label}: {e.where}): {e.fix}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
