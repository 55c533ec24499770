"""Install one wheel file into a directory, as the `WhlInstall` action does.

The wheel is checked first by rules_xpy's one wheel reader (`xpy.wheels`:
dist-info, METADATA name and version, RECORD hashes and sizes of every member,
paths, `.data` schemes, script names, sizes), then installed by the pinned
`installer` library into a fixed layout: `site-packages/` (purelib and
platlib), `bin/` (scripts, including console-script launchers with a
`#!/usr/bin/env python3` shebang), `data/` and `include/` (headers). The result
is deterministic: the same wheel gives the same bytes and file modes, whatever
the umask. With `--target-os`/`--target-cpu` (and `--target-libc`) the wheel
must fit that platform (`xpy.platforms`): by its tags, and every native file it
installs by its ELF, Mach-O or PE header. With `--bytecode` the installed
modules get deterministic `.pyc` files (`xpy.bytecode`). On an error the
output directory is left empty, and the error is one `ERROR:` line naming the
wheel.
"""

from __future__ import annotations

import argparse
import configparser
import dataclasses
import io
import os
import shutil
import stat
import sys
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from installer import install
from installer.destinations import SchemeDictionaryDestination
from installer.exceptions import InstallerError, InvalidWheelSource
from installer.records import InvalidRecordEntry, RecordEntry
from installer.scripts import Script
from installer.sources import WheelFile
from installer.utils import Scheme
from xpy.archives import Limits
from xpy.binaries import BinaryFormatError, scan_tree
from xpy.bytecode import compile_tree
from xpy.errors import XpyError
from xpy.layout import Layout, installed_layout
from xpy.platforms import TargetPlatform, target_of
from xpy.wheels import WHEEL_LIMITS, NotAWheelError, UnsafeWheelError, WheelError, check_wheel
from xpy.worker import serve

if TYPE_CHECKING:
    from installer.scripts import ScriptSection

__all__ = [
    "INSTALLER",
    "INTERPRETER",
    "NotAWheelError",
    "UnsafeWheelError",
    "WheelError",
    "WrongPlatformError",
    "build_parser",
    "install_wheel",
    "main",
    "scheme_dirs",
]

INTERPRETER = "/usr/bin/env python3"
"""The shebang command of the installed scripts."""

INSTALLER = b"rules_xpy\n"
"""Contents of the `INSTALLER` file written into the dist-info directory."""


class WrongPlatformError(WheelError):
    """The wheel, or a native file in it, is not for the target platform."""

    default_fix = (
        "depend on a wheel for the target platform (re-lock, or build the package from its sdist for it), "
        "or build for the platform the wheel is for"
    )


def scheme_dirs(output: Path) -> dict[str, str]:
    """Where each installation scheme goes, below `output`."""
    site_packages = str(output / "site-packages")
    return {
        "purelib": site_packages,
        "platlib": site_packages,
        "scripts": str(output / "bin"),
        "data": str(output / "data"),
        "headers": str(output / "include"),
    }


class _Destination(SchemeDictionaryDestination):
    """Writes console-script launchers with `interpreter` as given, spaces and all.

    `SchemeDictionaryDestination` turns an interpreter with a space into a
    `/bin/sh` trampoline; here a launcher gets the same `#!python` rewrite as
    the wheel's own scripts, so `#!/usr/bin/env python3` stays one line.
    """

    def write_script(self, name: str, module: str, attr: str, section: ScriptSection) -> RecordEntry:
        _, code = Script(name, module, attr, section).generate("python", "posix")
        with io.BytesIO(code) as stream:
            return self.write_file(Scheme("scripts"), name, stream, is_executable=True)


def _describe(e: BaseException) -> str:
    # InvalidWheelSource(source, message) and KeyError(message) print badly with str().
    text = str(e.args[-1]) if isinstance(e, InvalidWheelSource | KeyError) and e.args else str(e)
    return " ".join(text.split()) or type(e).__name__


def _check_fits(wheel: Path, output: Path, target: TargetPlatform | None) -> None:
    """The wheel's tags, then each installed native file, against the target platform."""
    if target is None:
        return
    reason = target.misfit(wheel.name)
    if reason is None:
        try:
            reason = target.wheel_misfit(wheel.name, scan_tree(output))
        except BinaryFormatError as e:
            raise WheelError(f"a native file is damaged: {e.what}") from None
    if reason:
        raise WrongPlatformError(f"wheel {wheel.name} does not fit the target platform {target.describe()}: {reason}")


def _install(wheel: Path, output: Path, package: str | None, version: str | None, limits: Limits) -> None:
    check_wheel(wheel, package, version, limits)
    with zipfile.ZipFile(wheel) as zf:
        try:
            source = WheelFile(zf)
            destination = _Destination(scheme_dirs(output), interpreter=INTERPRETER, script_kind="posix")
            install(source, destination, additional_metadata={"INSTALLER": INSTALLER})
        except FileExistsError as e:
            where = os.path.relpath(e.filename, output) if e.filename else str(e)
            raise WheelError(f"the wheel installs two files at {where}") from None
        except (
            InstallerError,
            InvalidRecordEntry,
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            KeyError,
            ValueError,
            configparser.Error,
            AssertionError,  # installer asserts on malformed entry points
        ) as e:
            raise WheelError(f"cannot install the wheel: {_describe(e)}") from None


def _check_layout(site_packages: Path, layout: Layout) -> None:
    found = installed_layout(site_packages) if site_packages.is_dir() else Layout(())
    if found != layout:
        have = set(found.entries if found else ())
        extra, missing = sorted(have - set(layout.entries)), sorted(set(layout.entries) - have)
        raise WheelError(
            f"the installed site-packages entries differ from the wheel's layout (extra: {extra[:5]}, "
            f"missing: {missing[:5]}, shared: {found.shared if found else ()} vs {layout.shared})",
            fix="this is a bug of rules_xpy's layout listing: report it with the wheel",
        )


def _empty_dir(path: Path) -> None:
    for child in path.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def _normalize_modes(root: Path) -> None:
    """0755 for directories and executable files, 0644 for other files (umask-independent)."""
    for dirpath, dirnames, filenames in os.walk(root):
        for d in dirnames:
            os.chmod(os.path.join(dirpath, d), 0o755)
        for f in filenames:
            p = os.path.join(dirpath, f)
            executable = os.lstat(p).st_mode & (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
            os.chmod(p, 0o755 if executable else 0o644)


def find_wheel(path: Path) -> Path:
    """`path` itself, or the one `.whl` in the directory `path` (a wheelhouse an sdist build wrote)."""
    if not path.is_dir():
        return path
    found = sorted(path.glob("*.whl"))
    if len(found) != 1:
        raise NotAWheelError(
            f"directory holds {len(found)} wheels ({', '.join(p.name for p in found) or 'none'}), not 1"
        )
    return found[0]


def install_wheel(
    wheel: Path,
    output: Path,
    package: str | None = None,
    version: str | None = None,
    target: TargetPlatform | None = None,
    limits: Limits = WHEEL_LIMITS,
    bytecode: bool = False,
    layout: Layout | None = None,
) -> None:
    """Install `wheel` (a file, or a directory holding one) into `output`, which then holds just the installed files.

    With `bytecode`, the modules of `site-packages/` get `.pyc` files of this interpreter (xpy.bytecode,
    unchecked hash-based). With `layout` (xpy.layout, from the wheel's listing), the installed
    `site-packages/` must have exactly those entries: a venv links them. Raises WheelError for bad input,
    or for a wheel that does not fit `target`; `output` is then left empty.
    """
    wheel = find_wheel(wheel)
    output.mkdir(parents=True, exist_ok=True)
    _empty_dir(output)
    try:
        _install(wheel, output, package, version, limits)
        _check_fits(wheel, output, target)
        if layout is not None:
            _check_layout(output / "site-packages", layout)
        if bytecode and (output / "site-packages").is_dir():
            compile_tree(output / "site-packages", "unchecked")
        _normalize_modes(output)
    except BaseException:
        _empty_dir(output)
        raise


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="whl_install",
        description=__doc__.splitlines()[0],
        fromfile_prefix_chars="@",
    )
    parser.add_argument("--wheel", type=Path, required=True, help="the .whl file, or a directory holding one")
    parser.add_argument("--output", type=Path, required=True, help="output directory (emptied first)")
    parser.add_argument("--package", help="expected distribution name (compared after PEP 503 normalization)")
    parser.add_argument("--version", help="expected version")
    parser.add_argument("--target-platform", default="target", help="the target platform's label, for messages")
    parser.add_argument("--target-os", default="", choices=("", "linux", "macos", "windows"))
    parser.add_argument("--target-cpu", default="", choices=("", "x86_64", "aarch64"))
    parser.add_argument("--target-libc", default="", choices=("", "glibc", "musl"))
    parser.add_argument("--max-bytes", type=int, default=WHEEL_LIMITS.max_bytes, help="limit of the files' sizes")
    parser.add_argument("--max-members", type=int, default=WHEEL_LIMITS.max_members, help="limit of the members")
    parser.add_argument(
        "--bytecode", action="store_true", help="write .pyc files of this interpreter (it must be the target's X.Y)"
    )
    parser.add_argument("--entry", action="append", help="an entry of the wheel's site-packages layout (all of them)")
    parser.add_argument("--shared-entry", action="append", default=[], help="a shared entry of the layout")
    return parser


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        target = target_of(args.target_platform, args.target_os, args.target_cpu, args.target_libc)
        limits = dataclasses.replace(WHEEL_LIMITS, max_bytes=args.max_bytes, max_members=args.max_members)
        layout = Layout(tuple(sorted(args.entry)), tuple(sorted(args.shared_entry))) if args.entry else None
        install_wheel(args.wheel, args.output, args.package, args.version, target, limits, args.bytecode, layout)
    except XpyError as e:
        print(f"ERROR: {e.what} ({args.wheel.name}): {e.fix}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(serve(main, sys.argv[1:]))
