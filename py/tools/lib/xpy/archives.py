"""Read and unpack archives (sdists) safely: bounded by their limits, checked for integrity, never outside.

One reader serves the sdist build (`unpack_archive`, in the PySdistBuild
action) and the repository-phase inspection (`read_archive`, which only lists
members and reads a few small files). Both:

- read tar archives with rules_xpy's own header parser (ustar, GNU long
  names, pax), so that every size, name and header length is checked against
  `Limits` before any memory is used, and a negative or malformed size is an
  error, not a hang;
- read gzip, bzip2 and xz streams to their end, so that their checksums
  (gzip's CRC-32, bzip2's and xz's own) are verified: one flipped byte is an
  error, not corrupted content;
- read zip archives after checking the central directory's size and every
  entry (encryption, compression method, sizes, names); zipfile checks each
  entry's CRC-32;
- refuse absolute paths, `..` components, overlong names and components,
  names that are not UTF-8 or hold control characters, hard links, devices,
  FIFOs, sparse files, members that appear twice, and symlinks that are
  absolute or lead outside the archive;
- stop at a deadline (`Limits.seconds`), so that no archive can hang a tool.

Every refusal is an `ArchiveError` naming the member; `unpack_archive` then
leaves the destination empty.
"""

from __future__ import annotations

import bz2
import contextlib
import errno
import gzip
import io
import lzma
import os
import posixpath
import shutil
import stat
import struct
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Protocol

from xpy.errors import XpyError

__all__ = [
    "ARCHIVE_SUFFIXES",
    "DEFAULT_LIMITS",
    "ArchiveError",
    "Limits",
    "Member",
    "Readable",
    "UnsafeArchiveError",
    "archive_kind",
    "check_member_name",
    "check_zip_directory",
    "read_archive",
    "unpack_archive",
]

ARCHIVE_SUFFIXES: Final = (".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar", ".zip")
"""The archive kinds read, by file name."""

_CHUNK: Final = 1024 * 1024
_BLOCK: Final = 512
_DAMAGED_FIX: Final = "the file is damaged or not an sdist: download it again and check its sha256"
_UNSAFE_FIX: Final = "the archive is malformed or hostile: do not use it; report it to its publisher"
_REFUSED_TYPES: Final = {
    b"1": "a hard link",
    b"3": "a character device",
    b"4": "a block device",
    b"6": "a FIFO",
    b"S": "a sparse file",
    b"V": "a volume header",
    b"M": "a multi-volume continuation",
}


class Readable(Protocol):
    """A member's data: read(size) until it returns b""."""

    def read(self, size: int = -1, /) -> bytes: ...


class ArchiveError(XpyError):
    """The archive cannot be read: damaged, truncated, or not an archive."""

    default_fix = _DAMAGED_FIX


class UnsafeArchiveError(ArchiveError):
    """A member would land outside the destination, is of a refused kind, or a limit is exceeded."""

    default_fix = _UNSAFE_FIX


@dataclass(frozen=True)
class Limits:
    """What an archive may hold. Every limit is checked before the memory or disk it guards is used."""

    max_bytes: int = 8 * 1024**3  # the regular files' sizes together (and the decompressed stream)
    max_members: int = 200_000
    max_name: int = 1024  # characters of a member's path
    max_component: int = 255  # characters of one path component
    max_header: int = 1024 * 1024  # bytes of a GNU long name or pax header
    seconds: float = 600.0  # to read the whole archive


DEFAULT_LIMITS: Final = Limits()


def _limit_fix(what: str) -> str:
    return f"if the archive is genuine, raise the {what} limit (docs/security.md); otherwise do not use it"


@dataclass(frozen=True)
class Member:
    """One member of an archive, checked: a safe relative name and a kind rules_xpy accepts."""

    name: str  # relative POSIX path, without "./", no ".." and no empty components
    kind: str  # "file" | "dir" | "symlink"
    size: int  # bytes of a file; 0 otherwise
    executable: bool = False
    mtime: float | None = None
    target: str = ""  # a symlink's target, as written


def _resolve(name: str, links: dict[str, str]) -> str | None:
    """Where `name` leads inside the archive through its symlinks (`links`); None if outside (or a loop)."""
    todo = name.split("/")
    done: list[str] = []
    hops = 0
    while todo:
        part = todo.pop(0)
        if part in ("", "."):
            continue
        if part == "..":
            if not done:
                return None
            done.pop()
            continue
        done.append(part)
        target = links.get("/".join(done))
        if target is not None:
            hops += 1
            if hops > 40:
                return None
            done.pop()
            todo = target.split("/") + todo
    return "/".join(done)


class _Budget:
    """The limits of one archive: counts members and bytes, and watches the deadline."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.members = 0
        self.bytes = 0
        self.deadline = time.monotonic() + limits.seconds
        self.seen: set[str] = set()
        self.kinds: dict[str, str] = {}
        self.links: dict[str, str] = {}

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise UnsafeArchiveError(
                f"reading the archive took longer than {self.limits.seconds:g} s", fix=_limit_fix("seconds")
            )

    def member(self, name: str, size: int) -> None:
        self.tick()
        self.members += 1
        if self.members > self.limits.max_members:
            raise UnsafeArchiveError(
                f"the archive has more than {self.limits.max_members} members (at member {name!r})",
                fix=_limit_fix("members"),
            )
        if size < 0:
            raise ArchiveError(f"archive member {name!r} has a negative size")
        self.bytes += size
        if self.bytes > self.limits.max_bytes:
            raise UnsafeArchiveError(
                f"the archive unpacks to more than {self.limits.max_bytes} bytes (at member {name!r})",
                fix=_limit_fix("bytes"),
            )
        key = name.rstrip("/")
        if key in self.seen:
            raise UnsafeArchiveError(f"archive member {name!r} appears twice")
        self.seen.add(key)

    def place(self, member: Member) -> None:
        """Record where a member goes; refuse one below a file or a symlink (the unpacker would refuse it too)."""
        parts = member.name.split("/")
        for i in range(1, len(parts)):
            parent = "/".join(parts[:i])
            kind = self.kinds.get(parent)
            if kind == "symlink":
                raise UnsafeArchiveError(
                    f"archive member {member.name!r} would be written through the symlink {parent!r}"
                )
            if kind == "file":
                raise UnsafeArchiveError(
                    f"archive member {member.name!r} is below {parent!r}, which is not a directory"
                )
        self.kinds[member.name] = member.kind
        if member.kind == "symlink":
            self.links[member.name] = member.target

    def check_links(self) -> None:
        """Resolve every symlink as the file system would, through the others: none may lead outside."""
        for name, target in sorted(self.links.items()):
            self.tick()
            if _resolve(name, self.links) is None:
                raise UnsafeArchiveError(
                    f"archive member {name!r} is a symlink to {target!r}, which leads outside the archive"
                )


def check_member_name(raw: str, limits: Limits, what: str = "archive member") -> str:
    """The member name without `./` and trailing `/`; refused if it could escape or cannot be written anywhere."""
    shown = raw if len(raw) <= 200 else raw[:200] + "..."
    if not raw:
        raise UnsafeArchiveError(f"an {what} has an empty name")
    if len(raw) > limits.max_name:
        raise UnsafeArchiveError(f"{what} {shown!r} has a name longer than {limits.max_name} characters")
    if any(ord(c) < 32 or c == "\x7f" for c in raw):
        raise UnsafeArchiveError(f"{what} {shown!r} has a control character in its name")
    if raw.startswith(("/", "\\")) or (len(raw) > 1 and raw[1] == ":"):
        raise UnsafeArchiveError(f"{what} {shown!r} has an absolute path")
    if "\\" in raw:
        raise UnsafeArchiveError(f"{what} {shown!r} has a backslash in its name")
    parts = [p for p in raw.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise UnsafeArchiveError(f"{what} {shown!r} has a '..' path component")
    for part in parts:
        if len(part) > limits.max_component:
            raise UnsafeArchiveError(
                f"{what} {shown!r} has a path component longer than {limits.max_component} characters"
            )
    return "/".join(parts)


def _check_target(name: str, target: str) -> str:
    """A symlink's target, refused if absolute or if it leads outside the archive from where the link is."""
    if not target:
        raise UnsafeArchiveError(f"archive member {name!r} is a symlink with an empty target")
    if target.startswith(("/", "\\")) or (len(target) > 1 and target[1] == ":"):
        raise UnsafeArchiveError(f"archive member {name!r} is a symlink to the absolute path {target!r}")
    if "\\" in target or any(ord(c) < 32 for c in target):
        raise UnsafeArchiveError(f"archive member {name!r} is a symlink to {target!r}, which no system reads alike")
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(name), target))
    if resolved == ".." or resolved.startswith("../"):
        raise UnsafeArchiveError(f"archive member {name!r} is a symlink to {target!r}, outside the archive")
    return target


def archive_kind(filename: str) -> str:
    """The suffix of ARCHIVE_SUFFIXES that `filename` ends with; ArchiveError if none."""
    for suffix in ARCHIVE_SUFFIXES:
        if filename.lower().endswith(suffix):
            return suffix
    raise ArchiveError(
        f"file name {filename!r} does not end with one of {', '.join(ARCHIVE_SUFFIXES)}",
        fix="use an sdist in one of these formats",
    )


# --- tar ---------------------------------------------------------------------------------------------------------


class _Stream:
    """Reads a decompressed stream exactly, counting its bytes against the budget."""

    def __init__(self, raw: Readable, budget: _Budget) -> None:
        self.raw = raw
        self.budget = budget
        self.total = 0
        self.cap = budget.limits.max_bytes + budget.limits.max_header * 4 + 64 * 1024 * 1024

    def read(self, size: int, what: str) -> bytes:
        data = self.raw.read(size)
        self.total += len(data)
        if self.total > self.cap:
            raise UnsafeArchiveError(
                f"the archive's stream is larger than {self.cap} bytes decompressed", fix=_limit_fix("bytes")
            )
        if len(data) != size:
            raise ArchiveError(f"the archive is cut short ({what})")
        return data

    def skip(self, size: int, what: str) -> None:
        while size > 0:
            self.budget.tick()
            n = min(size, _CHUNK)
            self.read(n, what)
            size -= n

    def drain(self) -> None:
        """Read to the end, so that the compressed stream's checksum is verified."""
        while True:
            self.budget.tick()
            data = self.raw.read(_CHUNK)
            if not data:
                return
            self.total += len(data)
            if self.total > self.cap:
                raise UnsafeArchiveError("the archive has too much data after its end", fix=_limit_fix("bytes"))


class _Data:
    """A tar member's data as a bounded file object (read by the unpacker and the inspection)."""

    def __init__(self, stream: _Stream, size: int, name: str) -> None:
        self.stream = stream
        self.left = size
        self.name = name

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        n = self.left if size < 0 else min(size, self.left)
        self.stream.budget.tick()
        data = self.stream.read(n, f"member {self.name!r}")
        self.left -= len(data)
        return data

    def finish(self) -> None:
        self.stream.skip(self.left, f"member {self.name!r}")
        self.left = 0


def _octal(field: bytes, what: str, name: str) -> int:
    if field[:1] and field[0] & 0x80:  # GNU base-256
        if field[0] == 0xFF:
            raise ArchiveError(f"archive member {name!r} has a negative {what}")
        return int.from_bytes(bytes([field[0] & 0x7F]) + field[1:], "big")
    text = field.split(b"\0", 1)[0].strip(b" \0")
    if not text:
        return 0
    if not all(48 <= c <= 55 for c in text):
        raise ArchiveError(f"archive member {name!r} has a malformed {what} field {text[:20]!r}")
    return int(text, 8)


def _text(raw: bytes, what: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        shown = raw.decode("utf-8", "replace")[:200]
        raise UnsafeArchiveError(f"{what} {shown!r} is not UTF-8") from None


def _pax(data: bytes, name: str) -> dict[str, str]:
    """The records of a pax extended header: `<length> <key>=<value>\\n`, each checked."""
    out: dict[str, str] = {}
    at = 0
    while at < len(data):
        if data[at:].strip(b"\0") == b"":
            break
        space = data.find(b" ", at, at + 20)
        if space < 0 or not data[at:space].isdigit():
            raise ArchiveError(f"a pax header before {name!r} is malformed")
        length = int(data[at:space])
        record = data[at : at + length]
        if length <= space - at or len(record) != length or not record.endswith(b"\n") or b"=" not in record:
            raise ArchiveError(f"a pax header before {name!r} is malformed")
        key, _, value = record[space - at + 1 : -1].partition(b"=")
        out[_text(key, "a pax header key")] = _text(value, "a pax header value")
        at += length
    return out


def _tar_members(raw: Readable, budget: _Budget) -> Iterator[tuple[Member, Readable | None]]:
    stream = _Stream(raw, budget)
    limits = budget.limits
    long_name: str | None = None
    long_link: str | None = None
    pax: dict[str, str] = {}
    while True:
        budget.tick()
        block = stream.raw.read(_BLOCK)
        stream.total += len(block)
        if not block:
            raise ArchiveError("the archive ends without its end-of-archive blocks")
        if len(block) != _BLOCK:
            raise ArchiveError("the archive is cut short (a member header)")
        if block == b"\0" * _BLOCK:
            stream.drain()
            budget.check_links()
            return
        stored = _octal(block[148:156], "checksum", "?")
        computed = sum(block[:148]) + 8 * 32 + sum(block[156:])
        signed = sum(struct.unpack("148b", block[:148])) + 8 * 32 + sum(struct.unpack("356b", block[156:]))
        if stored not in (computed, signed):
            raise ArchiveError("a tar header's checksum is wrong: the archive is damaged or not a tar file")
        typeflag = block[156:157]
        raw_name = block[:100].split(b"\0", 1)[0]
        if block[257:263] in (b"ustar\0", b"ustar ") and block[345:500].strip(b"\0"):
            raw_name = block[345:500].split(b"\0", 1)[0] + b"/" + raw_name
        shown = raw_name.decode("utf-8", "replace")[:200]
        size = _octal(block[124:136], "size", shown)
        if typeflag in (b"L", b"K", b"x", b"g"):
            if size > limits.max_header:
                raise UnsafeArchiveError(
                    f"a tar header before {shown!r} declares {size} bytes, more than {limits.max_header}",
                    fix=_limit_fix("header"),
                )
            data = stream.read(size, "a long name or pax header")
            stream.skip(-size % _BLOCK, "padding")
            if typeflag == b"L":
                long_name = _text(data.split(b"\0", 1)[0], "a GNU long name")
            elif typeflag == b"K":
                long_link = _text(data.split(b"\0", 1)[0], "a GNU long link name")
            elif typeflag == b"x":
                pax = _pax(data, shown)
            continue  # a global pax header ("g") sets nothing rules_xpy uses
        name_text = pax.get("path") or long_name or _text(raw_name, "an archive member name")
        link_text = pax.get("linkpath") or long_link or _text(block[157:257].split(b"\0", 1)[0], "a link target")
        if "size" in pax:
            if not pax["size"].isdigit():
                raise ArchiveError(f"archive member {name_text[:200]!r} has a malformed pax size {pax['size']!r}")
            size = int(pax["size"])
        long_name = long_link = None
        entry_pax, pax = pax, {}
        if typeflag in _REFUSED_TYPES:
            raise UnsafeArchiveError(f"archive member {name_text[:200]!r} is {_REFUSED_TYPES[typeflag]}")
        name = check_member_name(name_text, limits)
        if typeflag in (b"0", b"\0", b"7"):
            kind = "dir" if name_text.endswith("/") and typeflag == b"\0" and size == 0 else "file"
        elif typeflag == b"5":
            kind = "dir"
        elif typeflag == b"2":
            kind = "symlink"
        else:
            raise UnsafeArchiveError(f"archive member {name!r} has the unsupported tar type {typeflag!r}")
        if kind != "file" and size:
            raise ArchiveError(f"archive member {name!r} is a {kind} with {size} bytes of data")
        if not name:
            if kind == "dir":
                continue  # "./": the archive's root
            raise UnsafeArchiveError(f"an archive member named {name_text!r} has no name")
        budget.member(name, size if kind == "file" else 0)
        mode = _octal(block[100:108], "mode", name)
        try:
            mtime: float | None = float(entry_pax.get("mtime") or _octal(block[136:148], "mtime", name))
        except ValueError:
            mtime = None
        target = _check_target(name, link_text) if kind == "symlink" else ""
        member = Member(name, kind, size if kind == "file" else 0, bool(mode & 0o111), mtime, target)
        budget.place(member)
        if kind == "file":
            data_reader = _Data(stream, size, name)
            yield member, data_reader
            data_reader.finish()
            stream.skip(-size % _BLOCK, "padding")
        else:
            yield member, None


def _decompressed(path: Path, suffix: str) -> io.BufferedIOBase:
    if suffix in (".tar.gz", ".tgz"):
        return gzip.GzipFile(path, "rb")
    if suffix in (".tar.bz2", ".tbz2"):
        return bz2.BZ2File(path, "rb")
    if suffix in (".tar.xz", ".txz"):
        return lzma.LZMAFile(path, "rb")
    return open(path, "rb")


# --- zip ---------------------------------------------------------------------------------------------------------

_ZIP_METHODS: Final = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_MAX_DIRECTORY: Final = 256 * 1024 * 1024


def check_zip_directory(path: Path, limits: Limits) -> int | None:
    """Refuse a central directory (the part zipfile reads whole) larger than the limits allow.

    Returns the number of entries it declares (None for zip64 archives, which declare it elsewhere).
    """
    size = path.stat().st_size
    with path.open("rb") as f:
        f.seek(max(0, size - 65557))
        tail = f.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        raise ArchiveError("not a zip file (no end of central directory)")
    entries, directory = struct.unpack("<HI", tail[at + 10 : at + 16])
    if entries != 0xFFFF and entries > limits.max_members:
        raise UnsafeArchiveError(
            f"the archive has more than {limits.max_members} members ({entries})", fix=_limit_fix("members")
        )
    if directory != 0xFFFFFFFF and directory > _MAX_DIRECTORY:
        raise UnsafeArchiveError(f"the archive's central directory is {directory} bytes", fix=_limit_fix("members"))
    return None if entries == 0xFFFF else entries


def _zip_members(path: Path, budget: _Budget) -> Iterator[tuple[Member, Readable | None]]:
    limits = budget.limits
    declared = check_zip_directory(path, limits)
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        if len(infos) > limits.max_members:
            raise UnsafeArchiveError(
                f"the archive has more than {limits.max_members} members", fix=_limit_fix("members")
            )
        if declared is not None and declared != len(infos):
            raise ArchiveError(f"the zip directory says {declared} members, and holds {len(infos)}")
        for info in infos:
            raw = info.filename
            if info.flag_bits & 0x1:
                raise UnsafeArchiveError(f"archive member {raw[:200]!r} is encrypted")
            if info.compress_type not in _ZIP_METHODS:
                raise UnsafeArchiveError(
                    f"archive member {raw[:200]!r} uses the unsupported compression method {info.compress_type}"
                )
            mode = info.external_attr >> 16 if info.create_system == 3 else 0
            kind_bits = stat.S_IFMT(mode)
            if info.is_dir() or kind_bits == stat.S_IFDIR:
                kind = "dir"
            elif kind_bits == stat.S_IFLNK:
                kind = "symlink"
            elif kind_bits in (0, stat.S_IFREG):
                kind = "file"
            else:
                raise UnsafeArchiveError(f"archive member {raw[:200]!r} is a device file, FIFO or socket")
            name = check_member_name(raw, limits)
            if not name:
                if kind == "dir":
                    continue
                raise UnsafeArchiveError(f"an archive member named {raw!r} has no name")
            budget.member(name, info.file_size if kind == "file" else 0)
            try:
                mtime: float | None = time.mktime((*info.date_time, 0, 0, -1))
            except (OverflowError, ValueError):
                mtime = None
            if kind == "symlink":
                if info.file_size > 4096:
                    raise UnsafeArchiveError(f"archive member {name!r} is a symlink of {info.file_size} bytes")
                with zf.open(info) as source:
                    target = _check_target(name, _text(source.read(4097), f"the target of symlink {name!r}"))
                member = Member(name, "symlink", 0, False, mtime, target)
                budget.place(member)
                yield member, None
            elif kind == "dir":
                member = Member(name, "dir", 0, False, mtime)
                budget.place(member)
                yield member, None
            else:
                member = Member(name, "file", info.file_size, bool(mode & 0o111), mtime)
                budget.place(member)
                with zf.open(info) as source:
                    yield member, source
                    while source.read(_CHUNK):  # what the reader left: read it, so that its CRC-32 is checked
                        budget.tick()
        budget.check_links()


# --- reading and unpacking -----------------------------------------------------------------------------------------


@contextlib.contextmanager
def _errors(path: Path) -> Iterator[None]:
    """Turn the decompressors' and zipfile's exceptions into one clear ArchiveError."""
    try:
        yield
    except XpyError:
        raise
    except (
        EOFError,
        zlib.error,
        lzma.LZMAError,
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        gzip.BadGzipFile,
        NotImplementedError,
        UnicodeError,
        struct.error,
        ValueError,
        RuntimeError,
    ) as e:
        reason = " ".join(str(e).split()) or type(e).__name__
        raise ArchiveError(f"cannot read the archive {path.name}: {reason}") from None
    except OSError as e:
        if e.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
            raise ArchiveError(f"cannot write while unpacking: {e.strerror}", fix="free disk space") from None
        raise ArchiveError(f"cannot read the archive {path.name}: {e.strerror or e}") from None


def read_archive(path: Path, limits: Limits = DEFAULT_LIMITS) -> Iterator[tuple[Member, Readable | None]]:
    """Each member of the archive at `path` with, for a file, a stream of its data (valid until the next member).

    The whole archive is read (so compressed streams' checksums are verified) by the time the iterator ends.
    """
    suffix = archive_kind(path.name)
    if not path.is_file():
        raise ArchiveError(f"the archive {path.name} does not exist", fix="check the path")
    budget = _Budget(limits)
    with _errors(path):
        if suffix == ".zip":
            yield from _zip_members(path, budget)
            return
        with _decompressed(path, suffix) as raw:
            yield from _tar_members(raw, budget)


class _Unpacker:
    """Writes members below `root`, never through a symlink; symlinks are made last and must resolve inside."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.symlinks: list[tuple[str, str]] = []

    def _parent(self, name: str) -> Path:
        path = self.root
        for part in name.split("/")[:-1]:
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

    def add(self, member: Member, data: Readable | None) -> None:
        name = member.name
        if member.kind == "symlink":
            self.symlinks.append((name, member.target))
            return
        path = self._parent(name) / name.rsplit("/", 1)[-1]
        if member.kind == "dir":
            try:
                path.mkdir(mode=0o755)
            except FileExistsError:
                if not stat.S_ISDIR(os.lstat(path).st_mode):
                    raise UnsafeArchiveError(f"archive member {name!r} is a directory and also a file") from None
            return
        assert data is not None
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        try:
            fd = os.open(path, flags, 0o644)
        except FileExistsError:
            raise UnsafeArchiveError(f"archive member {name!r} is a file and also a directory or link") from None
        written = 0
        with os.fdopen(fd, "wb") as out:
            while chunk := data.read(_CHUNK):
                written += len(chunk)
                if written > member.size:
                    raise ArchiveError(f"archive member {name!r} holds more data than its size says")
                out.write(chunk)
        os.chmod(path, 0o755 if member.executable else 0o644)
        if member.mtime is not None:
            with contextlib.suppress(OverflowError, ValueError, OSError):  # a bogus time is not worth failing for
                os.utime(path, (member.mtime, member.mtime))

    def finish(self) -> None:
        """Make the symlinks (after every file, so none is written through one) and check where they lead."""
        for name, target in self.symlinks:
            path = self._parent(name) / name.rsplit("/", 1)[-1]
            if os.path.lexists(path):
                raise UnsafeArchiveError(f"archive member {name!r} is a symlink and also a file or directory")
            os.symlink(target, path)
        root = os.path.realpath(self.root)
        for name, target in self.symlinks:
            real = os.path.realpath(self.root / name)
            if real != root and not real.startswith(root + os.sep):
                raise UnsafeArchiveError(
                    f"archive member {name!r} is a symlink to {target!r}, which leads outside the archive"
                )


def _empty(path: Path) -> None:
    for child in path.iterdir():
        if child.is_dir() and not child.is_symlink():
            for dirpath, _, _ in os.walk(child):
                with contextlib.suppress(OSError):
                    os.chmod(dirpath, 0o700)
            shutil.rmtree(child)
        else:
            child.unlink()


def unpack_archive(path: Path, dest: Path, limits: Limits = DEFAULT_LIMITS) -> None:
    """Unpack the archive `path` into the existing, empty directory `dest`; on any error `dest` is left empty."""
    unpacker = _Unpacker(dest)
    try:
        with _errors(path):
            for member, data in read_archive(path, limits):
                try:
                    unpacker.add(member, data)
                except OSError as e:
                    if e.errno == errno.ENAMETOOLONG:
                        shown = member.name[:200]
                        raise UnsafeArchiveError(f"archive member {shown!r} has a name too long to write") from None
                    raise
            unpacker.finish()
    except BaseException:
        _empty(dest)
        raise
