"""Read and check a wheel file before anything installs or packs it: the one wheel reader.

`check_wheel(path)` opens the zip within `Limits` (xpy.archives: central
directory, members, sizes, names, encryption, compression methods) and checks
it as PEP 427 and the packaging specifications say a wheel must be:

- the file name parses (`packaging`), and exactly one `<name>-<version>.dist-info/`
  of that name and version holds `WHEEL` (Wheel-Version 1.x), `METADATA`
  (whose `Name` and `Version` are the file name's) and `RECORD`;
- every member is listed in RECORD with a sha256 (or sha384, sha512) hash and
  its size, and every RECORD row is a member; the hashes and sizes match the
  data (each member is read once, streamed);
- every path stays inside the install: no absolute paths, `..`, backslashes
  or control characters; `.data/` holds only the `purelib`, `platlib`,
  `headers`, `scripts` and `data` schemes;
- console and GUI script names (entry_points.txt) are plain file names.

WhlInstall and PyPex call it first; a bad wheel is one `WheelError` naming
the member or field. The result says what the wheel is (`WheelInfo`).
"""

from __future__ import annotations

import base64
import configparser
import csv
import email.parser
import hashlib
import io
import re
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from packaging.tags import Tag
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename
from packaging.version import InvalidVersion, Version

from xpy.archives import ArchiveError, Limits, UnsafeArchiveError, check_member_name, check_zip_directory
from xpy.errors import XpyError

__all__ = [
    "WHEEL_LIMITS",
    "NotAWheelError",
    "UnsafeWheelError",
    "WheelError",
    "WheelInfo",
    "check_wheel",
    "read_metadata",
    "record_hash",
]

WHEEL_LIMITS: Final = Limits(seconds=1800.0)
"""A wheel may hold up to 8 GiB in 200,000 members (the largest on PyPI hold about 4 GiB), read within 30 minutes."""

_SCHEMES: Final = ("purelib", "platlib", "headers", "scripts", "data")
_HASHES: Final = ("sha256", "sha384", "sha512")
_SIGNATURES: Final = ("RECORD", "RECORD.jws", "RECORD.p7s")
_SCRIPT_NAME: Final = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._+-]{0,127}")
_MAX_META: Final = 64 * 1024 * 1024  # METADATA, RECORD, WHEEL, entry_points.txt
_CHUNK: Final = 1024 * 1024


class WheelError(XpyError):
    """The archive breaks the wheel format (dist-info, WHEEL, METADATA, RECORD, contents)."""

    default_fix = "the wheel is broken or was altered: rebuild it or download it again and check its sha256"


class NotAWheelError(WheelError):
    """The file is missing, not a zip archive, or not named like a wheel."""

    default_fix = "pass a .whl file under its original file name; download it again"


class UnsafeWheelError(WheelError):
    """The wheel would write outside its install, or breaks a limit."""

    default_fix = "do not install this wheel; report it to its publisher"


@dataclass(frozen=True)
class WheelInfo:
    """What a checked wheel is."""

    path: Path
    name: str  # canonical (PEP 503)
    version: str  # as in the file name
    tags: frozenset[Tag]
    dist_info: str  # "<name>-<version>.dist-info"
    entry_points: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # group -> name -> value

    @property
    def filename(self) -> str:
        return self.path.name


def _read_small(zf: zipfile.ZipFile, info: zipfile.ZipInfo, what: str) -> bytes:
    if info.file_size > _MAX_META:
        raise UnsafeWheelError(f"{what} is {info.file_size} bytes, more than {_MAX_META}")
    return zf.read(info)


def _text(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise WheelError(f"{what} is not UTF-8 (byte {e.start})") from None


def _headers(data: bytes, what: str) -> email.message.Message:
    text = _text(data, what)
    if not text.strip():
        raise WheelError(f"{what} is empty")
    return email.parser.Parser().parsestr(text, headersonly=True)


def _same_version(a: str, b: str) -> bool:
    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return a.strip().lower() == b.strip().lower()


def _record(data: bytes, dist_info: str) -> dict[str, tuple[str, str, int | None]]:
    """RECORD rows: path -> (algorithm, digest, size); RECORD's own row (and signatures) without hash."""
    rows: dict[str, tuple[str, str, int | None]] = {}
    text = _text(data, f"{dist_info}/RECORD")
    try:
        parsed = list(csv.reader(io.StringIO(text)))
    except csv.Error as e:
        raise WheelError(f"{dist_info}/RECORD is not CSV: {e}") from None
    for n, row in enumerate(parsed, 1):
        if not row:
            continue
        if len(row) != 3:
            raise WheelError(f"{dist_info}/RECORD line {n} has {len(row)} fields, not 3")
        path, hashed, size = row
        if path in rows:
            raise WheelError(f"{dist_info}/RECORD lists {path!r} twice")
        if path.rsplit("/", 1)[-1] in _SIGNATURES and path.startswith(dist_info + "/"):
            rows[path] = ("", "", None)
            continue
        algorithm, sep, digest = hashed.partition("=")
        if not sep or not digest:
            raise WheelError(f"{dist_info}/RECORD has no hash for {path!r}")
        if algorithm not in _HASHES:
            raise WheelError(
                f"{dist_info}/RECORD hashes {path!r} with {algorithm}, which is not allowed",
                fix="wheels must use sha256 or stronger (PEP 427): rebuild it with a current tool",
            )
        if not size.isdigit():
            raise WheelError(f"{dist_info}/RECORD has no valid size for {path!r} ({size!r})")
        rows[path] = (algorithm, digest, int(size))
    return rows


def _check_contents(
    zf: zipfile.ZipFile,
    infos: Mapping[str, zipfile.ZipInfo],
    dist_info: str,
    rows: Mapping[str, tuple[str, str, int | None]],
) -> None:
    """Every member in RECORD and every RECORD row a member; each member's data matches its hash and size."""
    for name in sorted(infos):
        if name not in rows:
            raise WheelError(f"{name} is not listed in {dist_info}/RECORD")
    for path in sorted(rows):
        if path not in infos:
            raise WheelError(f"{dist_info}/RECORD lists {path!r}, which is not in the wheel")
    for name, info in infos.items():
        algorithm, digest, size = rows[name]
        if not algorithm:
            continue
        hasher = hashlib.new(algorithm)
        read = 0
        with zf.open(info) as source:
            while chunk := source.read(_CHUNK):
                hasher.update(chunk)
                read += len(chunk)
        got = record_hash(hasher.digest())
        if got != digest.rstrip("="):
            raise WheelError(f"{name} does not match its {algorithm} hash in {dist_info}/RECORD")
        if size is not None and read != size:
            raise WheelError(f"{name} is {read} bytes, and {dist_info}/RECORD says {size}")


def record_hash(digest: bytes) -> str:
    """A digest as RECORD writes it: URL-safe base64 without `=` padding (PEP 376, PEP 427)."""
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _entry_points(data: bytes, where: str) -> dict[str, dict[str, str]]:
    parser = configparser.ConfigParser(delimiters=("=",), interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    try:
        parser.read_string(_text(data, where))
    except configparser.Error as e:
        raise WheelError(f"{where} is malformed: {' '.join(str(e).split())[:200]}") from None
    out = {section: dict(parser.items(section)) for section in parser.sections()}
    for group in ("console_scripts", "gui_scripts"):
        for name in out.get(group, {}):
            if not _SCRIPT_NAME.fullmatch(name) or ".." in name:
                raise UnsafeWheelError(
                    f"{where} names the {group} entry {name[:100]!r}, which is not a plain file name"
                )
    return out


def _open(
    path: Path, package: str | None, version: str | None, limits: Limits
) -> tuple[zipfile.ZipFile, str, frozenset[Tag]]:
    """The wheel's zip, opened after its name and central directory are checked, its canonical name and tags."""
    if not path.is_file():
        raise NotAWheelError("the wheel file does not exist")
    try:
        name, wheel_version, _, tags = parse_wheel_filename(path.name)
    except (InvalidWheelFilename, InvalidVersion) as e:
        raise NotAWheelError(f"the file name is not a valid wheel name: {' '.join(str(e).split())[:200]}") from None
    if package is not None and name != canonicalize_name(package):
        raise WheelError(f"the wheel is of package {name!r}, not {package!r}", fix="check the lock entry")
    if version is not None and not _same_version(str(wheel_version), version):
        raise WheelError(f"the wheel is of {name} version {wheel_version}, not {version!r}", fix="check the lock entry")
    try:
        declared = check_zip_directory(path, limits)
        zf = zipfile.ZipFile(path)
    except UnsafeArchiveError as e:
        raise UnsafeWheelError(e.what, fix=e.fix) from None
    except ArchiveError as e:
        raise NotAWheelError(f"not a wheel: {e.what}") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, UnicodeError, NotImplementedError) as e:
        raise NotAWheelError(f"not a zip archive: {' '.join(str(e).split())[:200]}") from None
    if declared is not None and declared != len(zf.infolist()):
        zf.close()
        raise WheelError(f"the zip directory says {declared} members, and holds {len(zf.infolist())}")
    return zf, name, tags


def _read_errors(e: Exception) -> WheelError:
    return WheelError(f"cannot read the wheel: {' '.join(str(e).split())[:200] or type(e).__name__}")


_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError)


def check_wheel(
    path: Path, package: str | None = None, version: str | None = None, limits: Limits = WHEEL_LIMITS
) -> WheelInfo:
    """Check the wheel at `path` (see the module doc); `package`/`version`, when given, must be what it is."""
    zf, name, tags = _open(path, package, version, limits)
    with zf:
        try:
            return _check(zf, path, name, tags, limits)
        except _READ_ERRORS as e:
            raise _read_errors(e) from None


def read_metadata(path: Path, package: str | None = None, version: str | None = None) -> email.message.Message:
    """The headers of the wheel's `<name>-<version>.dist-info/METADATA`, read without reading the rest of it."""
    zf, name, _ = _open(path, package, version, WHEEL_LIMITS)
    with zf:
        found = [
            i
            for i in zf.infolist()
            if i.filename.count("/") == 1
            and i.filename.endswith(".dist-info/METADATA")
            and canonicalize_name(i.filename.split("/")[0][: -len(".dist-info")].rpartition("-")[0]) == name
        ]
        if len(found) != 1:
            raise WheelError(f"the wheel has {len(found)} {name} .dist-info/METADATA files, not 1")
        try:
            return _headers(_read_small(zf, found[0], "METADATA"), found[0].filename)
        except _READ_ERRORS as e:
            raise _read_errors(e) from None


def _check(zf: zipfile.ZipFile, path: Path, name: str, tags: frozenset[Tag], limits: Limits) -> WheelInfo:
    infos: dict[str, zipfile.ZipInfo] = {}
    dirs: set[str] = set()
    total = 0
    for info in zf.infolist():
        raw = info.filename
        if info.flag_bits & 0x1:
            raise UnsafeWheelError(f"wheel member {raw[:200]!r} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
            raise UnsafeWheelError(
                f"wheel member {raw[:200]!r} uses the unsupported compression method {info.compress_type}"
            )
        try:
            member = check_member_name(raw, limits, "wheel member")
        except ArchiveError as e:
            raise UnsafeWheelError(f"{e.what}: it would be installed outside the output directory") from None
        if not member:
            raise UnsafeWheelError(f"a wheel member named {raw[:200]!r} has no name")
        if info.is_dir():
            dirs.add(member)
            continue
        if member in infos:
            raise UnsafeWheelError(f"wheel member {member!r} appears twice")
        if info.file_size > limits.max_bytes:
            raise UnsafeWheelError(f"wheel member {member!r} is {info.file_size} bytes, more than {limits.max_bytes}")
        total += info.file_size
        if total > limits.max_bytes:
            raise UnsafeWheelError(f"the wheel holds more than {limits.max_bytes} bytes")
        infos[member] = info
    for member in infos:
        parts = member.split("/")
        for i in range(1, len(parts)):
            if "/".join(parts[:i]) in infos:
                raise UnsafeWheelError(f"wheel member {member!r} is below {'/'.join(parts[:i])!r}, which is a file")
    dist_infos = sorted({m.split("/", 1)[0] for m in infos if m.split("/", 1)[0].endswith(".dist-info")})
    if len(dist_infos) != 1:
        raise WheelError(
            f"the wheel has {len(dist_infos)} .dist-info directories ({', '.join(dist_infos) or 'none'}), not 1"
        )
    dist_info = dist_infos[0]
    di_name, _, di_version = dist_info[: -len(".dist-info")].rpartition("-")
    if canonicalize_name(di_name) != name or not _same_version(di_version, path.name.split("-")[1]):
        raise WheelError(f"its {dist_info} is not of {name} {path.name.split('-')[1]}")
    for required in ("WHEEL", "METADATA", "RECORD"):
        if f"{dist_info}/{required}" not in infos:
            raise WheelError(f"the wheel has no {dist_info}/{required}")
    wheel = _headers(_read_small(zf, infos[f"{dist_info}/WHEEL"], f"{dist_info}/WHEEL"), f"{dist_info}/WHEEL")
    if not (wheel.get("Wheel-Version") or "").startswith("1."):
        raise WheelError(f"{dist_info}/WHEEL has Wheel-Version {wheel.get('Wheel-Version')!r}, only 1.x is supported")
    meta = _headers(_read_small(zf, infos[f"{dist_info}/METADATA"], "METADATA"), f"{dist_info}/METADATA")
    meta_name, meta_version = meta.get("Name"), meta.get("Version")
    if not meta_name or not meta_version:
        raise WheelError(f"{dist_info}/METADATA has no Name or no Version")
    if canonicalize_name(meta_name) != name or not _same_version(meta_version, path.name.split("-")[1]):
        raise WheelError(
            f"{dist_info}/METADATA says {meta_name} {meta_version}, and the file name {name} {path.name.split('-')[1]}"
        )
    data_dir = dist_info[: -len(".dist-info")] + ".data"
    for member in infos:
        top, _, rest = member.partition("/")
        if top.endswith(".data"):
            if top != data_dir:
                raise WheelError(f"wheel member {member!r} is in {top}, and only {data_dir} belongs to this wheel")
            scheme, _, inner = rest.partition("/")
            if scheme not in _SCHEMES or not inner:
                raise UnsafeWheelError(
                    f"wheel member {member!r} is not in a scheme directory of {data_dir} ({', '.join(_SCHEMES)})"
                )
    rows = _record(_read_small(zf, infos[f"{dist_info}/RECORD"], "RECORD"), dist_info)
    for row in rows:
        try:
            check_member_name(row, limits, "RECORD path")
        except ArchiveError as e:
            raise UnsafeWheelError(f"{dist_info}/RECORD: {e.what}") from None
    _check_contents(zf, infos, dist_info, rows)
    entry_points: dict[str, dict[str, str]] = {}
    ep = infos.get(f"{dist_info}/entry_points.txt")
    if ep is not None:
        entry_points = _entry_points(_read_small(zf, ep, "entry_points.txt"), f"{dist_info}/entry_points.txt")
    return WheelInfo(path, name, path.name.split("-")[1], tags, dist_info, entry_points)
