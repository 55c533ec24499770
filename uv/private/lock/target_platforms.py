"""Target platforms: what a wheel must fit and how environment markers evaluate there.

A `TargetPlatform` describes the machines a binary will run on, not the build
host. From it come

- `tags()`: the PEP 425 tags it accepts, best first, as pip running on such a
  machine would rank them (generated with `packaging.tags`);
- `marker_environment()`: the PEP 508 environment markers evaluate in.

Versions are *the oldest the binaries must run on*: a linux target with glibc
2.28 accepts `manylinux_2_28` down to `manylinux_2_17` (`_2_5` on x86_64, with
the legacy `manylinux2014`/`2010`/`1` aliases), never `manylinux_2_31`; a macOS
target of 12.0 accepts `macosx_12_0` downward (and `universal2`). Bare
`linux_<cpu>` wheels (built for one machine) are never accepted.

Named defaults (`DEFAULT_PLATFORMS`), Python 3.11 unless replaced:

| name           | os      | cpu     | libc        | macOS |
|----------------|---------|---------|-------------|-------|
| linux_x86_64   | linux   | x86_64  | glibc 2.28  |       |
| linux_aarch64  | linux   | aarch64 | glibc 2.28  |       |
| macos_arm64    | macos   | aarch64 |             | 12.0  |
| macos_x86_64   | macos   | x86_64  |             | 12.0  |
| windows_x86_64 | windows | x86_64  |             |       |

glibc 2.28 is RHEL/Alma 8 and Debian 10, so the binaries run there and on
anything newer (Ubuntu 20.04 has 2.31). macOS 12.0 accepts the usual
deployment targets (10.x universal2, 11.0, 12.0) and refuses wheels that need
macOS 13 or newer. Musl targets (musllinux) come from a custom platforms file.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from lock_errors import PlatformError
from packaging import tags

__all__ = ["DEFAULT_PLATFORMS", "TargetPlatform", "load_platforms", "platform_names"]

_OSES = ("linux", "macos", "windows")
_CPUS = ("x86_64", "aarch64")
_LIBCS = ("glibc", "musl")
_VERSION = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?")
# Oldest manylinux glibc per cpu: manylinux1 (2.5) on x86_64, manylinux2014 (2.17) on aarch64.
_OLDEST_GLIBC = {"x86_64": 5, "aarch64": 17}
_LEGACY_MANYLINUX = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}


def _version(text: str, what: str) -> tuple[int, ...]:
    m = _VERSION.fullmatch(text)
    if not m:
        raise PlatformError(
            f"{what} {text!r} is not X.Y or X.Y.Z", "target platforms", "write versions like 3.11 or 2.28"
        )
    return tuple(int(g) for g in m.groups() if g is not None)


@dataclass(frozen=True)
class TargetPlatform:
    """The machines a binary runs on. Field names are also the keys of a custom platforms JSON file."""

    name: str  # identifier used in plans and `select()`s, e.g. "linux_aarch64"
    os: str  # "linux" | "macos" | "windows"
    cpu: str  # "x86_64" | "aarch64" (Apple's arm64)
    libc: str | None = None  # linux only: "glibc" | "musl"
    libc_version: str | None = None  # linux only: newest glibc (manylinux_2_X) or musl (musllinux_1_X) accepted
    macos_version: str | None = None  # macos only: oldest macOS release to run on, e.g. "12.0"
    python_version: str = "3.11"  # X.Y, or X.Y.Z for python_full_version markers (X.Y means X.Y.0)
    implementation: str = "cpython"  # "cpython" | "pypy"
    abi: str | None = None  # the interpreter's own ABI; default cpXY (e.g. "cp313t" when free-threaded)

    def __post_init__(self) -> None:
        def bad(what: str, fix: str) -> PlatformError:
            return PlatformError(f"{what} for target platform {self.name!r}", "target platforms", fix)

        if self.os not in _OSES or self.cpu not in _CPUS:
            raise bad(f"os {self.os!r} / cpu {self.cpu!r}", f"use os in {_OSES} and cpu in {_CPUS}")
        if (self.os == "linux") != (self.libc is not None and self.libc_version is not None):
            raise bad("libc and libc_version are wrong", "set both for linux (e.g. glibc, 2.28), neither otherwise")
        if self.libc is not None and self.libc not in _LIBCS:
            raise bad(f"libc {self.libc!r}", f"use one of {_LIBCS}")
        if (self.os == "macos") != (self.macos_version is not None):
            raise bad("macos_version is wrong", "set it for macos (e.g. 12.0) and only for macos")
        if self.implementation not in ("cpython", "pypy"):
            raise bad(f"implementation {self.implementation!r}", "use cpython or pypy")
        if self.implementation == "pypy" and self.abi is None:
            raise bad("pypy without abi", "set abi, e.g. pypy311_pp73")
        for v in (self.libc_version, self.macos_version, self.python_version):
            if v is not None:
                _version(v, "version")

    def platform_tags(self) -> list[str]:
        """Platform parts of the accepted tags, best first."""
        if self.os == "windows":
            return ["win_amd64" if self.cpu == "x86_64" else "win_arm64"]
        if self.os == "macos":
            major, minor = _version(self.macos_version or "", "macos_version")[:2]
            return list(tags.mac_platforms((major, minor), "arm64" if self.cpu == "aarch64" else "x86_64"))
        major, minor = _version(self.libc_version or "", "libc_version")[:2]
        if self.libc == "musl":
            return [f"musllinux_{major}_{m}_{self.cpu}" for m in range(minor, 0, -1)]
        out = []
        for m in range(minor, _OLDEST_GLIBC[self.cpu] - 1, -1):
            out.append(f"manylinux_{major}_{m}_{self.cpu}")
            if m in _LEGACY_MANYLINUX:
                out.append(f"{_LEGACY_MANYLINUX[m]}_{self.cpu}")
        return out

    def tags(self) -> list[tags.Tag]:
        """PEP 425 tags accepted, best first (interpreter-specific, abi3, then pure `py3-none-any`)."""
        return _tags(self)

    def marker_environment(self) -> dict[str, str]:
        """PEP 508 marker environment; `platform_release`/`platform_version` are unknown and empty."""
        version = _version(self.python_version, "python_version")
        full = ".".join(str(v) for v in (*version, 0)[:3])
        machine = {"linux": self.cpu, "macos": "arm64" if self.cpu == "aarch64" else "x86_64"}.get(
            self.os, "AMD64" if self.cpu == "x86_64" else "ARM64"
        )
        return {
            "implementation_name": self.implementation,
            "implementation_version": full,
            "os_name": "nt" if self.os == "windows" else "posix",
            "platform_machine": machine,
            "platform_python_implementation": {"cpython": "CPython", "pypy": "PyPy"}[self.implementation],
            "platform_release": "",
            "platform_system": {"linux": "Linux", "macos": "Darwin", "windows": "Windows"}[self.os],
            "platform_version": "",
            "python_full_version": full,
            "python_version": f"{version[0]}.{version[1]}",
            "sys_platform": {"linux": "linux", "macos": "darwin", "windows": "win32"}[self.os],
            "extra": "",
        }

    def with_python(self, python_version: str) -> TargetPlatform:
        """The same platform for another Python version (and its default ABI)."""
        if python_version == self.python_version:
            return self
        return replace(self, python_version=python_version, abi=None if self.implementation == "cpython" else self.abi)


@functools.cache
def _tags(p: TargetPlatform) -> list[tags.Tag]:
    version = _version(p.python_version, "python_version")[:2]
    platforms = p.platform_tags()
    if p.implementation == "cpython":
        abi = p.abi or f"cp{version[0]}{version[1]}"
        specific: Iterator[tags.Tag] = tags.cpython_tags(version, [abi], platforms)
        interpreter = f"cp{version[0]}{version[1]}"
    else:
        interpreter = f"pp{version[0]}{version[1]}"
        specific = tags.generic_tags(interpreter, [p.abi or ""], platforms)
    return [*specific, *tags.compatible_tags(version, interpreter, platforms)]


DEFAULT_PLATFORMS: Mapping[str, TargetPlatform] = {
    p.name: p
    for p in (
        TargetPlatform("linux_x86_64", "linux", "x86_64", libc="glibc", libc_version="2.28"),
        TargetPlatform("linux_aarch64", "linux", "aarch64", libc="glibc", libc_version="2.28"),
        TargetPlatform("macos_arm64", "macos", "aarch64", macos_version="12.0"),
        TargetPlatform("macos_x86_64", "macos", "x86_64", macos_version="12.0"),
        TargetPlatform("windows_x86_64", "windows", "x86_64"),
    )
}


def platform_names() -> list[str]:
    """Names of the default platforms."""
    return list(DEFAULT_PLATFORMS)


def _from_json(entry: Any, path: str) -> TargetPlatform:
    known = {f.name for f in fields(TargetPlatform)}
    if not isinstance(entry, dict) or not {"name", "os", "cpu"} <= entry.keys() or not entry.keys() <= known:
        raise PlatformError(
            f"platform entry {entry!r} is malformed", path, f"give objects with name, os, cpu and only {sorted(known)}"
        )
    if not all(isinstance(v, str) or v is None for v in entry.values()):
        raise PlatformError(f"platform entry {entry!r} has non-string values", path, "write every value as a string")
    try:
        return TargetPlatform(**entry)
    except PlatformError as e:
        raise PlatformError(e.what, path, e.fix) from None


def load_platforms(names: Sequence[str], json_file: Path | None = None) -> list[TargetPlatform]:
    """The platforms called `names`, from the defaults or a JSON list of custom platforms (which wins)."""
    known = dict(DEFAULT_PLATFORMS)
    if json_file is not None:
        try:
            entries = json.loads(json_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise PlatformError(f"cannot read platforms: {e}", str(json_file), "pass a JSON list of objects") from None
        if not isinstance(entries, list):
            raise PlatformError("platforms file is not a JSON list", str(json_file), "pass a JSON list of objects")
        custom = [_from_json(e, str(json_file)) for e in entries]
        known.update((p.name, p) for p in custom)
        names = names or [p.name for p in custom]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise PlatformError(
            f"unknown target platform {unknown[0]!r}", "target platforms", f"use one of {sorted(known)}"
        )
    return [known[n] for n in (names or list(DEFAULT_PLATFORMS))]
