"""The platform model: what a target platform accepts. The one answer to "does this fit the target".

A `TargetPlatform` describes the machines a binary runs on, not the build
host. Every question about fitting is answered here, and only here:

- `tags()`: the PEP 425 tags it accepts, best first, as an installer running
  on such a machine ranks them (generated with `packaging.tags`);
- `rank()` / `accepts()` / `wheel_fits()`: where a tag or a wheel file name
  ranks, and why a wheel does not fit (`misfit()`);
- `native_misfit()`: whether a native file (ELF, Mach-O or PE, read by
  `xpy.binaries`) can run there;
- `marker_environment()`: the PEP 508 environment markers evaluate in.

The planner chooses wheels with it, PySdistBuild checks the wheel it built,
WhlInstall and PyPex check the wheels they are given, and the image guard
checks every native file of an image's layers.

Versions are *the oldest the binaries must run on*: a linux target with glibc
2.28 accepts `manylinux_2_28` down to `manylinux_2_17` (`_2_5` on x86_64, with
the legacy `manylinux2014`/`2010`/`1` aliases), never `manylinux_2_31`; a macOS
target of 12.0 accepts `macosx_12_0` downward (and `universal2`). A version
that is not known (`None`: a Bazel platform says only os, cpu and libc) sets no
limit. Bare `linux_<cpu>` (a wheel built on one machine, as a native sdist
build gives) ranks last on Linux targets of that cpu, glibc or musl, as pip
and uv rank it: its native files decide whether it really fits.

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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from packaging import tags as pep425
from packaging.tags import Tag
from packaging.utils import InvalidWheelFilename, parse_wheel_filename
from packaging.version import InvalidVersion

from xpy.binaries import NativeFile
from xpy.errors import XpyError

__all__ = [
    "CPUS",
    "DEFAULT_PLATFORMS",
    "LIBCS",
    "OSES",
    "PlatformError",
    "TargetPlatform",
    "load_platforms",
    "parse_platform",
    "platform_names",
    "target_of",
    "wheel_tags",
]

OSES = ("linux", "macos", "windows")
CPUS = ("x86_64", "aarch64")
LIBCS = ("glibc", "musl")

_VERSION = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?")
# Oldest manylinux glibc per cpu: manylinux1 (2.5) on x86_64, manylinux2014 (2.17) on aarch64.
_OLDEST_GLIBC = {"x86_64": 5, "aarch64": 17}
_LEGACY_MANYLINUX = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}
# Limits used when a version is not known: newer than anything released.
_NO_LIMIT = {"glibc": "2.99", "musl": "1.9", "macos": "99.0"}
_MACOS_ARCH = {"aarch64": "arm64", "x86_64": "x86_64"}
_WINDOWS = {"x86_64": "win_amd64", "aarch64": "win_arm64"}
_MAX_VERSION_PART = 9999


class PlatformError(XpyError):
    """A target platform is unknown or malformed (a named default, a custom JSON file, a tool argument)."""

    default_fix = "describe target platforms as docs/uv.md says"


def _version(text: str, what: str, where: str) -> tuple[int, ...]:
    m = _VERSION.fullmatch(text) if isinstance(text, str) else None
    if not m or any(int(g) > _MAX_VERSION_PART for g in m.groups() if g is not None):
        raise PlatformError(f"{what} {text!r} is not X.Y or X.Y.Z", where, "write versions like 3.11 or 2.28")
    return tuple(int(g) for g in m.groups() if g is not None)


@functools.cache
def wheel_tags(filename: str) -> frozenset[Tag]:
    """The tags of a wheel file name (compressed tag sets expanded); ValueError if it is not a wheel name."""
    try:
        return parse_wheel_filename(filename)[3]
    except (InvalidWheelFilename, InvalidVersion) as e:
        raise ValueError(f"{filename!r} is not a wheel file name: {e}") from None


@dataclass(frozen=True)
class TargetPlatform:
    """The machines a binary runs on. Field names are also the keys of a custom platforms JSON file."""

    name: str  # identifier used in plans and `select()`s, e.g. "linux_aarch64"
    os: str  # "linux" | "macos" | "windows"
    cpu: str  # "x86_64" | "aarch64" (Apple's arm64)
    libc: str | None = None  # linux only: "glibc" | "musl"
    libc_version: str | None = None  # linux only: newest glibc (manylinux_2_X) or musl (musllinux_1_X); None: no limit
    macos_version: str | None = None  # macos only: oldest macOS release to run on, e.g. "12.0"; None: no limit
    python_version: str | None = "3.11"  # X.Y, or X.Y.Z for python_full_version markers; None: not known
    implementation: str = "cpython"  # "cpython" | "pypy"
    abi: str | None = None  # the interpreter's own ABI; default cpXY (e.g. "cp313t" when free-threaded)

    def __post_init__(self) -> None:
        def bad(what: str, fix: str) -> PlatformError:
            return PlatformError(f"{what} of target platform {self.name!r}", "target platforms", fix)

        if self.os not in OSES or self.cpu not in CPUS:
            raise bad(f"os {self.os!r} / cpu {self.cpu!r}", f"use os in {OSES} and cpu in {CPUS}")
        if (self.os == "linux") != (self.libc is not None):
            raise bad("libc is wrong", "set libc (glibc or musl) for linux, and only for linux")
        if self.libc is not None and self.libc not in LIBCS:
            raise bad(f"libc {self.libc!r}", f"use one of {LIBCS}")
        if self.libc_version is not None and self.os != "linux":
            raise bad("libc_version is set", "set libc_version only for linux")
        if self.macos_version is not None and self.os != "macos":
            raise bad("macos_version is set", "set macos_version only for macos")
        if self.implementation not in ("cpython", "pypy"):
            raise bad(f"implementation {self.implementation!r}", "use cpython or pypy")
        if self.implementation == "pypy" and self.abi is None:
            raise bad("pypy without abi", "set abi, e.g. pypy311_pp73")
        for what, v in (
            ("libc_version", self.libc_version),
            ("macos_version", self.macos_version),
            ("python_version", self.python_version),
        ):
            if v is not None:
                parts = _version(v, what, f"target platform {self.name!r}")
                if what == "python_version" and not (2 <= parts[0] <= 3 and parts[1] < 100):
                    raise bad(f"python_version {v!r}", "give a Python version such as 3.11")
        if self.libc == "glibc" and self.libc_version and _version(self.libc_version, "", "")[:2] < (2, 5):
            raise bad(f"glibc version {self.libc_version!r}", "glibc versions start at 2.5 (manylinux1)")

    # --- description ---------------------------------------------------------------------------------------------

    def describe(self) -> str:
        """`linux_aarch64 (linux aarch64 glibc 2.28, cpython 3.11)`, for messages."""
        details = [self.os, self.cpu]
        if self.libc:
            details.append(f"{self.libc} {self.libc_version or ''}".strip())
        if self.macos_version:
            details.append(f"macOS {self.macos_version}")
        text = " ".join(details)
        if self.python_version:
            text += f", {self.implementation} {self.python_version}"
        return f"{self.name} ({text})"

    def to_json(self) -> dict[str, Any]:
        """The fields as a JSON object (what `parse_platform` reads back)."""
        return asdict(self)

    def with_python(self, python_version: str) -> TargetPlatform:
        """The same platform for another Python version (and its default ABI)."""
        if python_version == self.python_version:
            return self
        return replace(self, python_version=python_version, abi=None if self.implementation == "cpython" else self.abi)

    # --- tags ----------------------------------------------------------------------------------------------------

    def platform_tags(self) -> list[str]:
        """Platform parts of the accepted tags, best first (`any` excluded)."""
        return list(_platform_tags(self))

    def tags(self) -> list[Tag]:
        """PEP 425 tags accepted, best first (interpreter-specific, abi3, then pure `py3-none-any`)."""
        if self.python_version is None:
            raise PlatformError(f"target platform {self.name!r} has no python_version", "tags()", "set python_version")
        return list(_tags(self))

    def rank(self, tag: Tag) -> int | None:
        """Position of `tag` among the accepted tags (0 is best), or None if it does not fit.

        Without a python_version only the platform part is ranked.
        """
        if self.python_version is None:
            if tag.platform == "any":
                return len(_platform_tags(self))
            return _platform_ranks(self).get(tag.platform)
        return _ranks(self).get(tag)

    def accepts(self, tag: Tag) -> bool:
        """Whether a wheel with `tag` installs on this platform."""
        return self.rank(tag) is not None

    def wheel_rank(self, filename: str) -> int | None:
        """The best rank among a wheel's tags, or None if none fits (ValueError for a bad file name)."""
        ranks = [r for r in (self.rank(t) for t in wheel_tags(filename)) if r is not None]
        return min(ranks) if ranks else None

    def wheel_fits(self, filename: str) -> bool:
        """Whether the wheel file `filename` installs on this platform (by its tags)."""
        return self.wheel_rank(filename) is not None

    def misfit(self, filename: str) -> str | None:
        """Why the wheel `filename` does not fit (None if it does): which part of its tags is wrong."""
        wheel = wheel_tags(filename)
        if any(self.accepts(t) for t in wheel):
            return None
        shown = ".".join(sorted({t.platform for t in wheel}))
        if not any(t.platform == "any" or t.platform in _platform_ranks(self) for t in wheel):
            return f"its platform {shown} is not one that {self.describe()} runs"
        pythons = ".".join(sorted({f"{t.interpreter}-{t.abi}" for t in wheel}))
        return f"its tags {pythons} are not for {self.implementation} {self.python_version} of {self.describe()}"

    def best_wheel(self, filenames: Iterable[str]) -> str | None:
        """The file name of the wheel that fits best (ties: the smallest name), or None if none fits."""
        ranked = [(r, f) for f in filenames if (r := self.wheel_rank(f)) is not None]
        return min(ranked)[1] if ranked else None

    # --- native files --------------------------------------------------------------------------------------------

    def native_misfit(self, native: NativeFile) -> str | None:
        """Why the native file cannot run on this platform (None if it can): format, architecture, libc, its version."""
        if native.os != self.os:
            return f"it is a {native.kind} file for {native.os}, and {self.describe()} is {self.os}"
        if self.cpu not in native.cpus:
            return f"it is for {'/'.join(native.arches) or 'an unknown architecture'}, not {self.cpu}"
        if self.os != "linux" or native.libc is None:
            return None
        if native.libc != self.libc:
            return f"it is linked against {native.libc}, and {self.describe()} has {self.libc}"
        if native.glibc_needed and self.libc == "glibc" and self.libc_version:
            limit = _version(self.libc_version, "libc_version", self.name)[:2]
            if native.glibc_needed > limit:
                needed = ".".join(str(v) for v in native.glibc_needed)
                return f"it needs glibc {needed}, newer than glibc {self.libc_version} of {self.describe()}"
        return None

    def wheel_misfit(self, filename: str, natives: Iterable[tuple[str, NativeFile]] = ()) -> str | None:
        """Why a wheel does not fit (None if it does): by its tags, then by each of its native files.

        Only a wheel tagged for a platform has its native files checked: a platform-independent wheel
        (`*-any`) may bundle native files of several platforms that the package picks from at run time
        (debugpy's pydevd builds, distlib's Windows launchers in pip).
        """
        reason = self.misfit(filename)
        if reason:
            return reason
        if all(tag.platform == "any" for tag in wheel_tags(filename)):
            return None
        for name, native in natives:
            reason = self.native_misfit(native)
            if reason:
                return f"its {name} ({native.describe()}) cannot run there: {reason}"
        return None

    # --- markers -------------------------------------------------------------------------------------------------

    def marker_environment(self) -> dict[str, str]:
        """PEP 508 marker environment; `platform_release`/`platform_version` are unknown and empty."""
        if self.python_version is None:
            raise PlatformError(f"target platform {self.name!r} has no python_version", "markers", "set python_version")
        version = _version(self.python_version, "python_version", self.name)
        full = ".".join(str(v) for v in (*version, 0)[:3])
        machine = {"linux": self.cpu, "macos": _MACOS_ARCH[self.cpu]}.get(
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


@functools.cache
def _platform_tags(p: TargetPlatform) -> tuple[str, ...]:
    if p.os == "windows":
        return (_WINDOWS[p.cpu],)
    if p.os == "macos":
        major, minor = _version(p.macos_version or _NO_LIMIT["macos"], "macos_version", p.name)[:2]
        return tuple(pep425.mac_platforms((major, minor), _MACOS_ARCH[p.cpu]))
    assert p.libc is not None
    major, minor = _version(p.libc_version or _NO_LIMIT[p.libc], "libc_version", p.name)[:2]
    if p.libc == "musl":
        out = [f"musllinux_{major}_{m}_{p.cpu}" for m in range(minor, 0, -1)]
    else:
        out = []
        for m in range(minor, _OLDEST_GLIBC[p.cpu] - 1, -1):
            out.append(f"manylinux_{major}_{m}_{p.cpu}")
            if m in _LEGACY_MANYLINUX:
                out.append(f"{_LEGACY_MANYLINUX[m]}_{p.cpu}")
    return (*out, f"linux_{p.cpu}")


@functools.cache
def _platform_ranks(p: TargetPlatform) -> Mapping[str, int]:
    return {plat: i for i, plat in enumerate(_platform_tags(p))}


@functools.cache
def _tags(p: TargetPlatform) -> tuple[Tag, ...]:
    assert p.python_version is not None
    version = _version(p.python_version, "python_version", p.name)[:2]
    platforms = list(_platform_tags(p))
    if p.implementation == "cpython":
        abi = p.abi or f"cp{version[0]}{version[1]}"
        specific: Iterable[Tag] = pep425.cpython_tags(version, [abi], platforms)
        interpreter = f"cp{version[0]}{version[1]}"
    else:
        interpreter = f"pp{version[0]}{version[1]}"
        specific = pep425.generic_tags(interpreter, [p.abi or ""], platforms)
    return (*specific, *pep425.compatible_tags(version, interpreter, platforms))


@functools.cache
def _ranks(p: TargetPlatform) -> Mapping[Tag, int]:
    ranks: dict[Tag, int] = {}
    for i, tag in enumerate(_tags(p)):
        ranks.setdefault(tag, i)
    return ranks


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


def target_of(name: str, os: str, cpu: str, libc: str = "", python_version: str | None = None) -> TargetPlatform | None:
    """The target platform a Bazel rule knows by its constraints (no version limits); None if os or cpu is not known."""
    if not os or not cpu:
        return None
    return TargetPlatform(name, os, cpu, (libc or "glibc") if os == "linux" else None, python_version=python_version)


def platform_names() -> list[str]:
    """Names of the default platforms."""
    return list(DEFAULT_PLATFORMS)


def parse_platform(entry: Any, where: str) -> TargetPlatform:
    """A TargetPlatform from a JSON object (a custom platforms file, or a tool argument)."""
    known = {f.name for f in fields(TargetPlatform)}
    if not isinstance(entry, dict) or not {"name", "os", "cpu"} <= entry.keys() or not entry.keys() <= known:
        shown = json.dumps(entry)[:200] if isinstance(entry, (dict, list, str, int, float)) else repr(entry)[:200]
        raise PlatformError(
            f"platform entry {shown} is malformed", where, f"give objects with name, os, cpu and only {sorted(known)}"
        )
    if not all(isinstance(v, str) or v is None for v in entry.values()):
        raise PlatformError(
            f"platform entry {entry.get('name')!r} has values that are not strings",
            where,
            "write every value as a string",
        )
    name = entry["name"]
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,62}", name):
        raise PlatformError(f"platform name {name[:80]!r} is not an identifier", where, "use letters, digits and _")
    try:
        return TargetPlatform(**entry)
    except PlatformError as e:
        raise PlatformError(e.what, where, e.fix) from None


def load_platforms(
    names: Sequence[str], data: bytes | None = None, where: str = "platforms file"
) -> list[TargetPlatform]:
    """The platforms called `names`, from the defaults or a JSON list of custom platforms (which win).

    `data` is the custom file's content (read as bytes by the caller); `where` names it in errors.
    """
    known = dict(DEFAULT_PLATFORMS)
    if data is not None:
        try:
            entries = json.loads(data.decode("utf-8"))
        except UnicodeDecodeError as e:
            raise PlatformError(f"not UTF-8 (byte {e.start})", where, "save the file as UTF-8 JSON") from None
        except ValueError as e:
            raise PlatformError(f"not valid JSON: {e}", where, "pass a JSON list of objects") from None
        if not isinstance(entries, list):
            raise PlatformError("platforms file is not a JSON list", where, "pass a JSON list of objects")
        custom = [parse_platform(e, where) for e in entries]
        names_seen: set[str] = set()
        for p in custom:
            if p.name in names_seen:
                raise PlatformError(f"platform {p.name!r} is defined twice", where, "keep one definition")
            names_seen.add(p.name)
        known.update((p.name, p) for p in custom)
        names = names or [p.name for p in custom]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise PlatformError(
            f"unknown target platform {unknown[0]!r}", "target platforms", f"use one of {sorted(known)}"
        )
    if len(set(names)) != len(names):
        twice = next(n for n in names if list(names).count(n) > 1)
        raise PlatformError(f"target platform {twice!r} is listed twice", "target platforms", "list each once")
    return [known[n] for n in (names or list(DEFAULT_PLATFORMS))]
