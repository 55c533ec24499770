"""Build one wheel from one sdist, as the `PySdistBuild` action does.

In one process: unpack the sdist safely into a fresh directory below the
current working directory (the action's sandbox), build a wheel from it with
`build.ProjectBuilder` without isolation (the build dependencies must already
be importable: nothing is installed or downloaded), check the wheel's name,
version and tags against the package and the target platform, and move it into
the output directory. The backend's output is kept quiet and shown (its tail)
only when the build fails. On an error the output directory is left empty.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import errno
import importlib.metadata
import lzma
import os
import platform
import posixpath
import re
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile
import time
import venv
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final, Literal

import build
import pyproject_hooks
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename
from packaging.version import InvalidVersion, Version

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_MEMBERS",
    "DEFAULT_SOURCE_DATE_EPOCH",
    "OUTPUT_TAIL_LINES",
    "BuildDepsError",
    "BuildFailedError",
    "BuildHelperError",
    "Limits",
    "SdistError",
    "UnsafeSdistError",
    "WheelError",
    "WrongPlatformError",
    "build_environment",
    "build_parser",
    "build_sdist",
    "check_wheel",
    "find_project_dir",
    "main",
    "unpack_sdist",
]

DEFAULT_MAX_BYTES: Final = 2 * 1024**3
"""Default limit of the unpacked size of an sdist (sum of its files' sizes)."""

DEFAULT_MAX_MEMBERS: Final = 100_000
"""Default limit of the number of members of an sdist archive."""

DEFAULT_SOURCE_DATE_EPOCH: Final = "315532800"
"""1980-01-01, the earliest time a zip file can hold; used unless the caller sets one."""

OUTPUT_TAIL_LINES: Final = 60
"""How many of the backend's last output lines are shown when a build fails."""

_TarMode = Literal["r|gz", "r|bz2", "r|xz"]
_SDIST_SUFFIXES: Final[dict[str, _TarMode | None]] = {
    ".tar.gz": "r|gz",
    ".tgz": "r|gz",
    ".tar.bz2": "r|bz2",
    ".tar.xz": "r|xz",
    ".zip": None,
}
_CHUNK: Final = 1024 * 1024
_DAMAGED_FIX: Final = "the file is damaged or not an sdist: download it again and check its sha256"
_UNSAFE_FIX: Final = "the sdist is malformed or hostile: do not build it; report it to its publisher"


class BuildHelperError(Exception):
    """Bad input; printed as `ERROR: <what> (<package>/<sdist file>): <fix>`."""

    default_fix = "check the sdist given with --sdist"

    def __init__(self, what: str, fix: str | None = None) -> None:
        super().__init__(what)
        self.what = " ".join(what.split())
        self.fix = fix or self.default_fix


class SdistError(BuildHelperError):
    """The sdist cannot be read or holds no single project directory."""

    default_fix = (
        "--sdist must be an sdist (.tar.gz, .tgz, .tar.bz2, .tar.xz or .zip) with one top directory holding "
        "pyproject.toml or setup.py"
    )


class UnsafeSdistError(SdistError):
    """A member would land outside the unpack directory, is of a refused kind, or a limit is exceeded."""

    default_fix = _UNSAFE_FIX


class BuildDepsError(BuildHelperError):
    """Requirements of the build backend are not installed (at the wanted version)."""


class BuildFailedError(BuildHelperError):
    """The backend failed; `output` holds the tail of what it printed."""

    default_fix = (
        "see the backend's output above; the build may need build dependencies, a compiler or headers "
        "that the executor lacks, or a fix of the sdist"
    )

    def __init__(self, what: str, output: Sequence[str] = (), fix: str | None = None) -> None:
        super().__init__(what, fix)
        self.output = list(output)


class WheelError(BuildHelperError):
    """The build did not give exactly one wheel of the expected package and version."""

    default_fix = "check --package/--version against the lock entry this sdist came from"


class WrongPlatformError(WheelError):
    """The wheel's tags do not fit the kind of build (pure) or the target platform (native)."""


@dataclass(frozen=True)
class Limits:
    """What an sdist may unpack to."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_members: int = DEFAULT_MAX_MEMBERS


# --- unpacking ---------------------------------------------------------------------------------------------------


class _Unpacker:
    """Writes members below `root`, refusing anything that could escape it; symlinks are made last."""

    def __init__(self, root: Path, limits: Limits) -> None:
        self.root = root
        self.limits = limits
        self.members = 0
        self.declared = 0
        self.written = 0
        self.symlinks: list[tuple[str, list[str], str]] = []

    def count(self, name: str, size: int) -> None:
        self.members += 1
        if self.members > self.limits.max_members:
            raise UnsafeSdistError(
                f"sdist has more than {self.limits.max_members} members (at member {name!r})", _limit_fix("members")
            )
        self.declared += max(size, 0)
        if self.declared > self.limits.max_bytes:
            raise UnsafeSdistError(
                f"sdist unpacks to more than {self.limits.max_bytes} bytes (at member {name!r})", _limit_fix("bytes")
            )

    def parts(self, name: str) -> list[str]:
        """The path components of a member, or an error if it is absolute or has a `..` component."""
        if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name):
            raise UnsafeSdistError(f"archive member {name!r} has an absolute path")
        if ".." in re.split(r"[/\\]", name):
            raise UnsafeSdistError(f"archive member {name!r} has a '..' path component")
        return [p for p in name.split("/") if p not in ("", ".")]

    def _parent(self, name: str, parts: list[str]) -> Path:
        """Create the parent directories of a member (never through a symlink); return the parent."""
        path = self.root
        for part in parts[:-1]:
            path = path / part
            try:
                mode = os.lstat(path).st_mode
            except FileNotFoundError:
                path.mkdir(mode=0o755)
                continue
            if stat.S_ISLNK(mode):
                raise UnsafeSdistError(f"archive member {name!r} would be written through the symlink {part!r}")
            if not stat.S_ISDIR(mode):
                raise UnsafeSdistError(f"archive member {name!r} is below {part!r}, which is not a directory")
        return path

    def directory(self, name: str) -> None:
        parts = self.parts(name)
        if not parts:
            return
        parent = self._parent(name, parts)
        path = parent / parts[-1]
        try:
            path.mkdir(mode=0o755)
        except FileExistsError:
            if not stat.S_ISDIR(os.lstat(path).st_mode):
                raise UnsafeSdistError(f"archive member {name!r} is a directory and also a file or link") from None

    def file(self, name: str, source: IO[bytes], executable: bool, mtime: float | None) -> None:
        parts = self.parts(name)
        if not parts:
            raise UnsafeSdistError(f"archive member {name!r} is a file without a name")
        path = self._parent(name, parts) / parts[-1]
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        try:
            fd = os.open(path, flags, 0o755 if executable else 0o644)
        except OSError as e:
            if e.errno in (errno.EISDIR, errno.ELOOP, errno.EEXIST):
                raise UnsafeSdistError(f"archive member {name!r} is a file and also a directory or link") from None
            raise
        with os.fdopen(fd, "wb") as out:
            while chunk := source.read(_CHUNK):
                self.written += len(chunk)
                if self.written > self.limits.max_bytes:
                    raise UnsafeSdistError(
                        f"sdist unpacks to more than {self.limits.max_bytes} bytes (at member {name!r})",
                        _limit_fix("bytes"),
                    )
                out.write(chunk)
        os.chmod(path, 0o755 if executable else 0o644)
        if mtime is not None:
            with contextlib.suppress(OverflowError, ValueError, OSError):  # a bogus time is not worth failing for
                os.utime(path, (mtime, mtime))

    def symlink(self, name: str, target: str) -> None:
        parts = self.parts(name)
        if not parts:
            raise UnsafeSdistError(f"archive member {name!r} is a symlink without a name")
        if not target:
            raise UnsafeSdistError(f"archive member {name!r} is a symlink with an empty target")
        if target.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", target):
            raise UnsafeSdistError(f"archive member {name!r} is a symlink to the absolute path {target!r}")
        resolved = posixpath.normpath(posixpath.join(*parts[:-1], target) if len(parts) > 1 else target)
        if resolved == ".." or resolved.startswith("../") or "\\" in target:
            raise UnsafeSdistError(f"archive member {name!r} is a symlink to {target!r}, outside the sdist")
        self.symlinks.append((name, parts, target))

    def finish(self) -> None:
        """Make the symlinks (after all files, so none is written through one) and check where they lead."""
        for name, parts, target in self.symlinks:
            path = self._parent(name, parts) / parts[-1]
            if os.path.lexists(path):
                raise UnsafeSdistError(f"archive member {name!r} is a symlink and also a file or directory")
            os.symlink(target, path)
        root = os.path.realpath(self.root)
        for name, parts, target in self.symlinks:
            real = os.path.realpath(self.root.joinpath(*parts))
            if real != root and not real.startswith(root + os.sep):
                raise UnsafeSdistError(
                    f"archive member {name!r} is a symlink to {target!r}, which leads outside the sdist"
                )


def _limit_fix(what: str) -> str:
    return f"if the sdist is genuine, raise the action's --max-{what} limit; otherwise do not build it"


def _unpack_tar(sdist: Path, mode: _TarMode, unpacker: _Unpacker) -> None:
    with tarfile.open(sdist, mode) as tf:
        for member in tf:
            name = member.name
            unpacker.count(name, member.size if member.isreg() else 0)
            if member.isdir():
                unpacker.directory(name)
            elif member.isreg():
                source = tf.extractfile(member)
                if source is None:  # pragma: no cover - isreg() members always have data
                    raise UnsafeSdistError(f"archive member {name!r} has no data")
                with source:
                    unpacker.file(name, source, bool(member.mode & 0o111), float(member.mtime))
            elif member.issym():
                unpacker.symlink(name, member.linkname)
            elif member.islnk():
                raise UnsafeSdistError(f"archive member {name!r} is a hard link (to {member.linkname!r})")
            elif member.ischr() or member.isblk():
                raise UnsafeSdistError(f"archive member {name!r} is a device file")
            elif member.isfifo():
                raise UnsafeSdistError(f"archive member {name!r} is a FIFO")
            else:
                raise UnsafeSdistError(f"archive member {name!r} has the unsupported tar type {member.type!r}")


def _unpack_zip(sdist: Path, unpacker: _Unpacker) -> None:
    with zipfile.ZipFile(sdist) as zf:
        for info in zf.infolist():
            name = info.filename
            mode = info.external_attr >> 16 if info.create_system == 3 else 0
            kind = stat.S_IFMT(mode)
            unpacker.count(name, info.file_size)
            if info.is_dir() or kind == stat.S_IFDIR:
                unpacker.directory(name)
            elif kind == stat.S_IFLNK:
                with zf.open(info) as source:
                    target = source.read(4096).decode("utf-8", "surrogateescape")
                unpacker.symlink(name, target)
            elif kind in (0, stat.S_IFREG):
                try:
                    mtime: float | None = time.mktime((*info.date_time, 0, 0, -1))
                except (OverflowError, ValueError):
                    mtime = None
                with zf.open(info) as source:
                    unpacker.file(name, source, bool(mode & 0o111), mtime)
            else:
                raise UnsafeSdistError(f"archive member {name!r} is a device file, FIFO or socket")


def _tar_mode(sdist: Path) -> _TarMode | None:
    """How to open the sdist with tarfile; None for a zip file."""
    for suffix, tar_mode in _SDIST_SUFFIXES.items():
        if sdist.name.endswith(suffix):
            return tar_mode
    raise SdistError(f"file name {sdist.name!r} does not end with one of {', '.join(_SDIST_SUFFIXES)}")


def unpack_sdist(sdist: Path, dest: Path, limits: Limits | None = None) -> None:
    """Unpack `sdist` into the existing, empty directory `dest`.

    Refuses (with UnsafeSdistError naming the member) absolute paths, `..`
    components, symlinks that are absolute or lead outside `dest`, hard links,
    devices, FIFOs, and archives over `limits`.
    """
    tar_mode = _tar_mode(sdist)
    if not sdist.is_file():
        raise SdistError("sdist file does not exist")
    unpacker = _Unpacker(dest, limits or Limits())
    try:
        if tar_mode is None:
            _unpack_zip(sdist, unpacker)
        else:
            _unpack_tar(sdist, tar_mode, unpacker)
        unpacker.finish()
    except OSError as e:
        if e.errno is not None:  # a real I/O error (disk full...), not a damaged archive
            raise
        raise SdistError(f"cannot read the sdist: {e}", _DAMAGED_FIX) from None
    except (tarfile.TarError, zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, UnicodeError) as e:
        raise SdistError(f"cannot read the sdist: {e}", _DAMAGED_FIX) from None
    except (NotImplementedError, RuntimeError) as e:  # zip: unsupported compression method, encryption
        raise SdistError(f"cannot read the sdist: {e}", _DAMAGED_FIX) from None


def find_project_dir(root: Path) -> Path:
    """The single top-level directory of an unpacked sdist that holds pyproject.toml or setup.py."""
    candidates = [
        child
        for child in sorted(root.iterdir())
        if child.is_dir()
        and not child.is_symlink()
        and ((child / "pyproject.toml").is_file() or (child / "setup.py").is_file())
    ]
    if len(candidates) != 1:
        found = ", ".join(c.name for c in candidates) or "none"
        raise SdistError(
            f"sdist has {len(candidates)} top-level directories holding pyproject.toml or setup.py "
            f"(found: {found}), expected exactly one"
        )
    return candidates[0]


# --- building ----------------------------------------------------------------------------------------------------


def build_environment(
    base: Mapping[str, str], extra: Mapping[str, str], kind: str, target_os: str | None, srcdir: Path
) -> dict[str, str]:
    """The environment variables set for the backend on top of the inherited ones.

    SOURCE_DATE_EPOCH (the caller's, else 1980), PYTHONHASHSEED=0, the `extra`
    pairs, and for native builds `-ffile-prefix-map=<srcdir>=.` appended to
    CFLAGS and CXXFLAGS so that the unpack path does not end up in binaries.
    """
    env = {"SOURCE_DATE_EPOCH": base.get("SOURCE_DATE_EPOCH") or DEFAULT_SOURCE_DATE_EPOCH, "PYTHONHASHSEED": "0"}
    # The backend runs in the project directory: relative PYTHONPATH entries (Bazel's) must become absolute.
    if base.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.pathsep.join(os.path.abspath(p) for p in base["PYTHONPATH"].split(os.pathsep) if p)
    env.update(extra)
    if kind == "native" and target_os != "windows":
        dirs = dict.fromkeys([str(srcdir.absolute()), os.path.realpath(srcdir)])
        flags = " ".join(f"-ffile-prefix-map={d}=." for d in dirs if not any(c.isspace() for c in d))
        if flags:
            for var in ("CFLAGS", "CXXFLAGS"):
                existing = env.get(var, base.get(var, ""))
                env[var] = f"{existing} {flags}" if existing.strip() else flags
    return env


class _CapturingRunner:
    """A pyproject_hooks runner that keeps the backend's output (its tail) instead of printing it."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = dict(env)
        self.tail: collections.deque[str] = collections.deque(maxlen=OUTPUT_TAIL_LINES)

    def __call__(
        self, cmd: Sequence[str], cwd: str | None = None, extra_environ: Mapping[str, str] | None = None
    ) -> None:
        env = {**os.environ, **self.env, **(extra_environ or {})}
        pipe = subprocess.PIPE
        with subprocess.Popen(
            list(cmd), cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=pipe, stderr=subprocess.STDOUT
        ) as proc:
            assert proc.stdout is not None
            for line in proc.stdout:  # streamed: a long build log is never held in memory
                self.tail.append(line.decode("utf-8", "replace").rstrip("\r\n"))
            returncode = proc.wait()
        if returncode != 0:
            raise subprocess.CalledProcessError(returncode, list(cmd))


def _describe_unmet(unmet: set[tuple[str, ...]]) -> str:
    described: dict[str, None] = {}
    for chain in sorted(unmet):
        req = chain[-1]
        try:
            found = "found " + importlib.metadata.version(Requirement(req).name)
        except (importlib.metadata.PackageNotFoundError, InvalidRequirement):
            found = "not installed"
        via = f", needed by {chain[-2]}" if len(chain) > 1 else ""
        described[f"{req} ({found}{via})"] = None
    return ", ".join(described)


def _check_dependencies(builder: build.ProjectBuilder, package: str, version: str) -> None:
    try:
        # The static build-system.requires first: without them the backend cannot even be asked for more.
        unmet = {u for r in sorted(builder.build_system_requires) for u in build.check_dependency(r)}
        if not unmet:
            unmet = builder.check_dependencies("wheel")
    except InvalidRequirement as e:
        raise SdistError(f"invalid build requirement: {e}", "fix the sdist's [build-system] requires") from None
    if unmet:
        raise BuildDepsError(
            f"build dependencies of {package} {version} are missing: {_describe_unmet(unmet)}",
            "add it to the lock (a dependency group) or set "
            f'uv.override_package(name = "{package}", build_deps = [...])',
        )


def _isolated_python(work: Path) -> str:
    """A venv of this interpreter without its site-packages: the backend sees only PYTHONPATH (the build deps)."""
    venv.EnvBuilder(symlinks=os.name != "nt", with_pip=False).create(work / "venv")
    return str(work / "venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python"))


def _build_wheel(srcdir: Path, outdir: Path, env: Mapping[str, str], package: str, version: str) -> list[str]:
    """Build into `outdir`; return the names of the wheels found there."""
    runner = _CapturingRunner(env)
    try:
        python = _isolated_python(outdir.parent)
        builder = build.ProjectBuilder(srcdir, python_executable=python, runner=runner)
        _check_dependencies(builder, package, version)
        builder.build("wheel", outdir)
    except build.BuildBackendException as e:
        inner = e.exception
        tail = list(runner.tail)
        if isinstance(inner, pyproject_hooks.BackendUnavailable) and inner.traceback:
            tail.extend(inner.traceback.splitlines()[-OUTPUT_TAIL_LINES:])
        raise BuildFailedError(f"build failed for {package} {version}: {e}", tail) from None
    except build.BuildException as e:
        raise SdistError(f"cannot build the project: {e}", "fix the sdist's pyproject.toml") from None
    return sorted(p.name for p in outdir.iterdir() if p.name.endswith(".whl"))


# --- checking the wheel ------------------------------------------------------------------------------------------


_MACOS_ARCHES: Final = {"x86_64": ("x86_64", "universal2"), "aarch64": ("arm64", "universal2")}
_WINDOWS_PLATFORMS: Final = {"x86_64": "win_amd64", "aarch64": "win_arm64"}


def _fits_target(plat: str, target_os: str, target_cpu: str) -> bool:
    if plat == "any":
        return True
    if target_os == "linux":
        return plat.startswith(("linux_", "manylinux", "musllinux_")) and plat.endswith(f"_{target_cpu}")
    if target_os == "macos":
        m = re.fullmatch(r"macosx_\d+_\d+_(\w+)", plat)
        return m is not None and m.group(1) in _MACOS_ARCHES[target_cpu]
    return plat == _WINDOWS_PLATFORMS[target_cpu]


def _same_version(a: Version, b: str) -> bool:
    try:
        return a == Version(b)
    except InvalidVersion:
        return str(a) == b.strip()


def check_wheel(
    filename: str, package: str, version: str, kind: str, target_os: str | None, target_cpu: str | None
) -> None:
    """Check a built wheel's file name against the package, version, kind of build and target platform."""
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
                f'mark it native (uv.override_package(name = "{package}", native = True))',
            )
        return
    assert target_os and target_cpu, "main() requires them for native builds"
    bad = sorted({t.platform for t in tags if not _fits_target(t.platform, target_os, target_cpu)})
    if bad:
        host = f"{platform.system().lower()} {platform.machine()}"
        raise WrongPlatformError(
            f"native build of {package} {version} yielded {filename} (platform {', '.join(bad)}), which does not fit "
            f"the target {target_os} {target_cpu}: the build ran on a {host} host",
            f"build it on an executor of the target's OS and architecture ({target_os} {target_cpu}): an execution "
            f"platform with matching constraints (@platforms//os:{target_os}, @platforms//cpu:{target_cpu}) and "
            f"exec_properties, e.g. an RBE worker of that architecture; local execution on a host of another "
            f"architecture (this one is {platform.machine()}) cannot build it",
        )


# --- the action --------------------------------------------------------------------------------------------------


def _rmtree(path: Path) -> None:
    """Remove a tree, also when the build left read-only directories in it."""
    if not os.path.lexists(path):
        return
    if path.is_dir() and not path.is_symlink():
        for dirpath, _, _ in os.walk(path):
            with contextlib.suppress(OSError):
                os.chmod(dirpath, 0o700)
        shutil.rmtree(path)
    else:
        path.unlink()


def _empty_dir(path: Path) -> None:
    for child in path.iterdir():
        if child.is_dir() and not child.is_symlink():
            _rmtree(child)
        else:
            child.unlink()


@contextlib.contextmanager
def _work_dir() -> Iterator[Path]:
    """A fresh directory below the current one (the action's sandbox), removed at the end."""
    work = Path(tempfile.mkdtemp(prefix="_sdist_build_", dir=os.getcwd()))
    try:
        yield work
    finally:
        _rmtree(work)


def build_sdist(args: argparse.Namespace) -> str:
    """Unpack, build, check and move the wheel into `args.output`; return the wheel's file name."""
    output: Path = args.output
    with _work_dir() as work:
        unpacked = work / "src"
        unpacked.mkdir()
        unpack_sdist(args.sdist, unpacked, Limits(args.max_bytes, args.max_members))
        srcdir = find_project_dir(unpacked)
        env = build_environment(os.environ, dict(args.env), args.kind, args.target_os, srcdir)
        dist = work / "dist"
        dist.mkdir()
        wheels = _build_wheel(srcdir, dist, env, args.package, args.version)
        if len(wheels) != 1:
            raise WheelError(
                f"the build of {args.package} {args.version} produced {len(wheels)} wheels "
                f"({', '.join(wheels) or 'none'}), expected exactly one",
                "the sdist's build backend misbehaves; build this package outside Bazel and provide the wheel",
            )
        filename = wheels[0]
        check_wheel(filename, args.package, args.version, args.kind, args.target_os, args.target_cpu)
        if not zipfile.is_zipfile(dist / filename):
            raise WheelError(f"the built {filename} is not a zip file", "the sdist's build backend misbehaves")
        shutil.move(dist / filename, output / filename)
    return filename


def _env_pair(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key or any(c.isspace() for c in key):
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key, value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build_helper",
        description=__doc__.splitlines()[0],
        fromfile_prefix_chars="@",
    )
    parser.add_argument("--sdist", type=Path, required=True, help="the sdist (.tar.gz, .tgz, .tar.bz2, .tar.xz, .zip)")
    parser.add_argument("--output", type=Path, required=True, help="directory that gets the one wheel (emptied first)")
    parser.add_argument("--package", required=True, help="expected distribution name (PEP 503 normalized compare)")
    parser.add_argument("--version", required=True, help="expected version (PEP 440 normalized compare)")
    parser.add_argument("--kind", choices=["native", "pure"], required=True, help="pure builds must give py3-none-any")
    parser.add_argument("--target-os", choices=["linux", "macos", "windows"], help="native builds: the target's OS")
    parser.add_argument("--target-cpu", choices=["x86_64", "aarch64"], help="native builds: the target's CPU")
    parser.add_argument(
        "--env", type=_env_pair, action="append", default=[], metavar="KEY=VALUE", help="set for the build backend"
    )
    parser.add_argument("--max-bytes", type=_positive, default=DEFAULT_MAX_BYTES, help="limit of the unpacked size")
    parser.add_argument("--max-members", type=_positive, default=DEFAULT_MAX_MEMBERS, help="limit of archive members")
    return parser


def main(argv: Sequence[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.kind == "native" and not (args.target_os and args.target_cpu):
        parser.error("--kind=native needs --target-os and --target-cpu")
    os.umask(0o022)  # file modes in the wheel must not depend on the caller's umask
    output: Path = args.output
    try:
        output.mkdir(parents=True, exist_ok=True)
        _empty_dir(output)
        filename = build_sdist(args)
    except BuildHelperError as e:
        _empty_dir(output)
        if isinstance(e, BuildFailedError) and e.output:
            print(f"---- last {len(e.output)} lines of the build backend's output ----", file=sys.stderr)
            print("\n".join(e.output), file=sys.stderr)
            print("----", file=sys.stderr)
        print(f"ERROR: {e.what} ({args.package}/{args.sdist.name}): {e.fix}", file=sys.stderr)
        return 1
    except BaseException:
        if output.is_dir():
            _empty_dir(output)
        raise
    print(f"built {filename}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
