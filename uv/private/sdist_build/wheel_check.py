"""Checks of PySdistBuild: the executor before the build, and the built wheel after it.

Both ask the one platform model (`xpy.platforms`): a native build must run on
an executor of the target platform (os, cpu, libc), and its wheel must fit
the target by its tags and by every native file in it (architecture, libc,
and the newest glibc symbol version against the target's glibc). A pure build
must give a `none-any` wheel.
"""

from __future__ import annotations

import os
import platform
import sys
import zipfile
from pathlib import Path

from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename
from packaging.version import InvalidVersion, Version
from xpy.binaries import BinaryFormatError, scan_zip
from xpy.errors import XpyError
from xpy.platforms import TargetPlatform

__all__ = [
    "WheelError",
    "WrongExecutorError",
    "WrongPlatformError",
    "check_executor",
    "check_wheel",
    "executor",
]

_OS = {"linux": "linux", "darwin": "macos", "win32": "windows"}
_CPU = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}


class WheelError(XpyError):
    """The build did not give exactly one wheel of the expected package and version."""

    default_fix = "check --package/--version against the lock entry this sdist came from"


class WrongPlatformError(WheelError):
    """The wheel's tags or native files do not fit the kind of build (pure) or the target platform (native)."""


class WrongExecutorError(XpyError):
    """A native build runs on an executor that is not of the target platform."""


def executor() -> tuple[str, str, str]:
    """(os, cpu, libc) of the machine running this process, in the platform model's names ("" where unknown)."""
    os_name = _OS.get(sys.platform, sys.platform)
    cpu = _CPU.get(platform.machine().lower(), platform.machine())
    libc = ""
    if os_name == "linux":
        try:
            libc = "glibc" if (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc") else "musl"
        except (ValueError, OSError):
            libc = "musl"
    return os_name, cpu, libc


def _fix(target: TargetPlatform) -> str:
    return (
        f"run it on an executor of {target.os} {target.cpu}{' ' + target.libc if target.libc else ''}: register an "
        "execution platform with the target's constraints and the exec_properties of such workers, and build with a "
        "remote executor that has them (in rules_xpy's e2e workspaces: --config=rbe); or depend on a version with a "
        "wheel for this platform"
    )


def check_executor(package: str, version: str, target: TargetPlatform) -> None:
    """Refuse to build a native sdist on a machine whose os, cpu or libc differs from the target's."""
    here = executor()
    wanted = (target.os, target.cpu, target.libc or "")
    if here != wanted:
        raise WrongExecutorError(
            f"{package} {version} (sdist) is a native build for {target.describe()}, but this executor is "
            f"{' '.join(p for p in here if p)} ({platform.node() or 'unnamed host'}): its wheel would be for the wrong "
            "platform",
            fix=_fix(target),
        )


def _same_version(a: Version, b: str) -> bool:
    try:
        return a == Version(b)
    except InvalidVersion:
        return str(a) == b.strip()


def check_wheel(wheel: Path, package: str, version: str, kind: str, target: TargetPlatform | None) -> None:
    """Check a built wheel: file name against the package and version, tags and native files against the target."""
    filename = wheel.name
    try:
        name, wheel_version, _, tags = parse_wheel_filename(filename)
    except (InvalidWheelFilename, InvalidVersion) as e:
        raise WheelError(f"the build produced {filename!r}, which is not a valid wheel file name: {e}") from None
    if canonicalize_name(name) != canonicalize_name(package) or not _same_version(wheel_version, version):
        raise WheelError(
            f"the build produced {filename}, a wheel of {name} {wheel_version}, not of {package} {version}"
        )
    if kind == "pure":
        if any(t.abi != "none" or t.platform != "any" for t in tags):
            raise WrongPlatformError(
                f"pure build of {package} yielded a platform wheel {filename}",
                fix=f'mark it native (uv.override_package(name = "{package}", native = True))',
            )
        return
    assert target is not None, "main() requires a target for native builds"
    try:
        with zipfile.ZipFile(wheel) as archive:
            reason = target.wheel_misfit(filename, scan_zip(archive))
    except (OSError, zipfile.BadZipFile, BinaryFormatError) as e:
        raise WheelError(
            f"the built {filename} cannot be read: {e}", fix="the sdist's build backend misbehaves"
        ) from None
    if reason:
        here = " ".join(p for p in executor() if p)
        raise WrongPlatformError(
            f"native build of {package} {version} yielded {filename}, which does not fit the target "
            f"{target.describe()}: {reason}; the build ran on a {here} executor",
            fix=_fix(target),
        )
