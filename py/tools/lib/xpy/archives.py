"""Unpack archives (sdists) safely: nothing outside the destination, nothing over the limits.

`unpack_archive` writes the members of a .tar.gz, .tgz, .tar.bz2, .tar.xz or
.zip archive below a destination directory and refuses (with an
`UnsafeArchiveError` naming the member) absolute paths, `..` components,
symlinks that are absolute or lead outside it, hard links, devices, FIFOs and
archives over their `Limits`. Symlinks are made after every file, so nothing
is written through one.
"""

from __future__ import annotations

import contextlib
import errno
import lzma
import os
import posixpath
import re
import stat
import tarfile
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final, Literal

from xpy.errors import XpyError

__all__ = [
    "ARCHIVE_SUFFIXES",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_MEMBERS",
    "ArchiveError",
    "Limits",
    "UnsafeArchiveError",
    "unpack_archive",
]

DEFAULT_MAX_BYTES: Final = 2 * 1024**3
"""Default limit of the unpacked size of an archive (sum of its files' sizes)."""

DEFAULT_MAX_MEMBERS: Final = 100_000
"""Default limit of the number of members of an archive."""

_TarMode = Literal["r|gz", "r|bz2", "r|xz"]
ARCHIVE_SUFFIXES: Final[dict[str, _TarMode | None]] = {
    ".tar.gz": "r|gz",
    ".tgz": "r|gz",
    ".tar.bz2": "r|bz2",
    ".tar.xz": "r|xz",
    ".zip": None,
}
"""The archive kinds by file name; None: zip."""

_CHUNK: Final = 1024 * 1024
_DAMAGED_FIX: Final = "the file is damaged or not an sdist: download it again and check its sha256"
_UNSAFE_FIX: Final = "the archive is malformed or hostile: do not use it; report it to its publisher"


class ArchiveError(XpyError):
    """The archive cannot be read."""

    default_fix = _DAMAGED_FIX


class UnsafeArchiveError(ArchiveError):
    """A member would land outside the destination, is of a refused kind, or a limit is exceeded."""

    default_fix = _UNSAFE_FIX


@dataclass(frozen=True)
class Limits:
    """What an archive may unpack to."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_members: int = DEFAULT_MAX_MEMBERS


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
            raise UnsafeArchiveError(
                f"the archive has more than {self.limits.max_members} members (at member {name!r})",
                fix=_limit_fix("members"),
            )
        self.declared += max(size, 0)
        if self.declared > self.limits.max_bytes:
            raise UnsafeArchiveError(
                f"the archive unpacks to more than {self.limits.max_bytes} bytes (at member {name!r})",
                fix=_limit_fix("bytes"),
            )

    def parts(self, name: str) -> list[str]:
        """The path components of a member, or an error if it is absolute or has a `..` component."""
        if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name):
            raise UnsafeArchiveError(f"archive member {name!r} has an absolute path")
        if ".." in re.split(r"[/\\]", name):
            raise UnsafeArchiveError(f"archive member {name!r} has a '..' path component")
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
                raise UnsafeArchiveError(f"archive member {name!r} would be written through the symlink {part!r}")
            if not stat.S_ISDIR(mode):
                raise UnsafeArchiveError(f"archive member {name!r} is below {part!r}, which is not a directory")
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
                raise UnsafeArchiveError(f"archive member {name!r} is a directory and also a file or link") from None

    def file(self, name: str, source: IO[bytes], executable: bool, mtime: float | None) -> None:
        parts = self.parts(name)
        if not parts:
            raise UnsafeArchiveError(f"archive member {name!r} is a file without a name")
        path = self._parent(name, parts) / parts[-1]
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        try:
            fd = os.open(path, flags, 0o755 if executable else 0o644)
        except OSError as e:
            if e.errno in (errno.EISDIR, errno.ELOOP, errno.EEXIST):
                raise UnsafeArchiveError(f"archive member {name!r} is a file and also a directory or link") from None
            raise
        with os.fdopen(fd, "wb") as out:
            while chunk := source.read(_CHUNK):
                self.written += len(chunk)
                if self.written > self.limits.max_bytes:
                    raise UnsafeArchiveError(
                        f"the archive unpacks to more than {self.limits.max_bytes} bytes (at member {name!r})",
                        fix=_limit_fix("bytes"),
                    )
                out.write(chunk)
        os.chmod(path, 0o755 if executable else 0o644)
        if mtime is not None:
            with contextlib.suppress(OverflowError, ValueError, OSError):  # a bogus time is not worth failing for
                os.utime(path, (mtime, mtime))

    def symlink(self, name: str, target: str) -> None:
        parts = self.parts(name)
        if not parts:
            raise UnsafeArchiveError(f"archive member {name!r} is a symlink without a name")
        if not target:
            raise UnsafeArchiveError(f"archive member {name!r} is a symlink with an empty target")
        if target.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", target):
            raise UnsafeArchiveError(f"archive member {name!r} is a symlink to the absolute path {target!r}")
        resolved = posixpath.normpath(posixpath.join(*parts[:-1], target) if len(parts) > 1 else target)
        if resolved == ".." or resolved.startswith("../") or "\\" in target:
            raise UnsafeArchiveError(f"archive member {name!r} is a symlink to {target!r}, outside the archive")
        self.symlinks.append((name, parts, target))

    def finish(self) -> None:
        """Make the symlinks (after all files, so none is written through one) and check where they lead."""
        for name, parts, target in self.symlinks:
            path = self._parent(name, parts) / parts[-1]
            if os.path.lexists(path):
                raise UnsafeArchiveError(f"archive member {name!r} is a symlink and also a file or directory")
            os.symlink(target, path)
        root = os.path.realpath(self.root)
        for name, parts, target in self.symlinks:
            real = os.path.realpath(self.root.joinpath(*parts))
            if real != root and not real.startswith(root + os.sep):
                raise UnsafeArchiveError(
                    f"archive member {name!r} is a symlink to {target!r}, which leads outside the archive"
                )


def _limit_fix(what: str) -> str:
    return f"if the archive is genuine, raise the --max-{what} limit; otherwise do not use it"


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
                    raise UnsafeArchiveError(f"archive member {name!r} has no data")
                with source:
                    unpacker.file(name, source, bool(member.mode & 0o111), float(member.mtime))
            elif member.issym():
                unpacker.symlink(name, member.linkname)
            elif member.islnk():
                raise UnsafeArchiveError(f"archive member {name!r} is a hard link (to {member.linkname!r})")
            elif member.ischr() or member.isblk():
                raise UnsafeArchiveError(f"archive member {name!r} is a device file")
            elif member.isfifo():
                raise UnsafeArchiveError(f"archive member {name!r} is a FIFO")
            else:
                raise UnsafeArchiveError(f"archive member {name!r} has the unsupported tar type {member.type!r}")


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
                raise UnsafeArchiveError(f"archive member {name!r} is a device file, FIFO or socket")


def _tar_mode(sdist: Path) -> _TarMode | None:
    """How to open the sdist with tarfile; None for a zip file."""
    for suffix, tar_mode in ARCHIVE_SUFFIXES.items():
        if sdist.name.endswith(suffix):
            return tar_mode
    raise ArchiveError(
        f"file name {sdist.name!r} does not end with one of {', '.join(ARCHIVE_SUFFIXES)}",
        fix="pass an sdist (.tar.gz, .tgz, .tar.bz2, .tar.xz or .zip)",
    )


def unpack_archive(sdist: Path, dest: Path, limits: Limits | None = None) -> None:
    """Unpack the archive `sdist` (by its file name: tar.gz, tgz, tar.bz2, tar.xz or zip) into the empty `dest`.

    Refuses (with UnsafeArchiveError naming the member) absolute paths, `..`
    components, symlinks that are absolute or lead outside `dest`, hard links,
    devices, FIFOs, and archives over `limits`.
    """
    tar_mode = _tar_mode(sdist)
    if not sdist.is_file():
        raise ArchiveError("the archive does not exist")
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
        raise ArchiveError(f"cannot read the archive: {e}") from None
    except (tarfile.TarError, zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, UnicodeError) as e:
        raise ArchiveError(f"cannot read the archive: {e}") from None
    except (NotImplementedError, RuntimeError) as e:  # zip: unsupported compression method, encryption
        raise ArchiveError(f"cannot read the archive: {e}") from None
