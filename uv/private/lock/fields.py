"""Validation at the door: typed, checked access to the fields of a lock file (uv.lock, pylock.toml).

Every value a lock front end takes from a file passes through a `Fields`
reader, which raises one `LockFormatError` naming the file, the package and
the field: names (PEP 503), versions (PEP 440), URLs (scheme, and a last
segment that is a valid sdist or wheel file name of that package and
version), hashes, sizes and markers (xpy.markers: a comparison that cannot be
evaluated is an error). `read_text` reads a file as bytes first, so that a
file that is not UTF-8 is a clear error too.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from lock_errors import LockFormatError, LockSyntaxError
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename
from packaging.version import InvalidVersion, Version
from xpy.archives import ARCHIVE_SUFFIXES
from xpy.markers import MarkerError, check_marker

__all__ = ["MAX_LOCK_BYTES", "Fields", "parse_toml", "read_text", "sdist_name_version"]

MAX_LOCK_BYTES = 256 * 1024 * 1024
"""The largest lock (or pyproject.toml) read."""

_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,198}[A-Za-z0-9])?")
_SCHEMES = ("https", "http", "file")
_MAX_SIZE = 1 << 45


def read_text(path: Path, shown: str, fix: str) -> str:
    """The file at `path` as text: read as bytes, at most MAX_LOCK_BYTES, and decoded as UTF-8."""
    try:
        with path.open("rb") as f:
            data = f.read(MAX_LOCK_BYTES + 1)
    except OSError as e:
        raise LockFormatError(f"cannot read it: {e.strerror}", shown, fix) from None
    if len(data) > MAX_LOCK_BYTES:
        raise LockFormatError(f"the file is larger than {MAX_LOCK_BYTES} bytes", shown, fix)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise LockFormatError(f"the file is not UTF-8 (byte {e.start})", shown, "save it as UTF-8") from None


def parse_toml(text: str, shown: str, fix: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise LockSyntaxError(f"not valid TOML: {e}", shown, fix) from None
    except RecursionError:
        raise LockSyntaxError("not valid TOML: nested too deeply", shown, fix) from None


def sdist_name_version(filename: str) -> tuple[str, str] | None:
    """(name, version) of an sdist file name `<name>-<version>.<archive suffix>`, or None."""
    lower = filename.lower()
    for suffix in ARCHIVE_SUFFIXES:
        if lower.endswith(suffix):
            stem = filename[: -len(suffix)]
            name, sep, version = stem.rpartition("-")
            return (name, version) if sep and name and version else None
    return None


def _safe_name(name: str) -> bool:
    bad = any(c in "/\\" or ord(c) < 32 for c in name)
    return bool(name) and name not in (".", "..") and not bad and len(name) <= 255


def _same_version(a: str, b: str) -> bool:
    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return False


class Fields:
    """Typed, checked access to the tables of one lock file, raising errors that name the file and package."""

    def __init__(self, file: str, package: str | None = None, fix: str = "regenerate the lock") -> None:
        self.file = file
        self.package = package
        self.fix = fix

    def error(self, what: str, fix: str | None = None) -> LockFormatError:
        return LockFormatError(what, self.file, fix or self.fix, self.package)

    def get(self, table: Mapping[str, Any], key: str, kind: type, what: str, required: bool = False) -> Any:
        value = table.get(key)
        if value is None:
            if required:
                raise self.error(f"{what} has no `{key}`")
            return None
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.error(f"`{key}` of {what} is a {type(value).__name__}, not a {kind.__name__}")
        return value

    def strings(self, table: Mapping[str, Any], key: str, what: str) -> tuple[str, ...]:
        """An optional array of strings, as a tuple."""
        values = self.get(table, key, list, what) or []
        if not all(isinstance(v, str) for v in values):
            raise self.error(f"`{key}` of {what} is not an array of strings")
        return tuple(values)

    def name(self, value: str, what: str) -> str:
        """A valid PEP 508 name, normalized (PEP 503)."""
        if not isinstance(value, str) or not _NAME.fullmatch(value):
            raise self.error(f"{what} {str(value)[:100]!r} is not a valid package name (PEP 508)")
        return canonicalize_name(value)

    def version(self, value: str, what: str) -> str:
        """A valid PEP 440 version, as written."""
        try:
            Version(value)
        except (InvalidVersion, TypeError):
            raise self.error(f"{what} {str(value)[:100]!r} is not a valid version (PEP 440)") from None
        return value

    def marker(self, value: str | None, what: str) -> str | None:
        if value is None:
            return None
        try:
            check_marker(value)
        except MarkerError as e:
            raise self.error(f"{what}: {e.what}") from None
        return value

    def size(self, value: int | None, what: str) -> int | None:
        if value is not None and not 0 <= value <= _MAX_SIZE:
            raise self.error(f"{what} has size {value}, not a number of bytes")
        return value

    def url(self, value: str, what: str) -> str:
        """A URL with an allowed scheme, without whitespace or control characters."""
        if any(c.isspace() or ord(c) < 32 for c in value):
            raise self.error(f"{what} has the URL {value[:200]!r}, with whitespace or control characters")
        parts = urlsplit(value)
        if parts.scheme not in _SCHEMES or (parts.scheme != "file" and not parts.netloc):
            raise self.error(f"{what} has the URL {value[:200]!r}, not an {', '.join(_SCHEMES)} URL")
        return value

    def filename(self, url: str, kind: str, package: str, version: str | None, what: str) -> str:
        """The file name a URL ends with, checked to be a `kind` file of `package` `version`.

        `kind` "wheel" and "sdist": named for the package and version; "archive" (an sdist at a direct URL, such
        as a release archive): any safe file name with an sdist suffix.
        """
        name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
        if not _safe_name(name):
            raise self.error(f"{what} has the URL {url[:200]!r}, whose last segment {name[:100]!r} is not a file name")
        return self.file_name(name, kind, package, version, what)

    def file_name(self, name: str, kind: str, package: str, version: str | None, what: str) -> str:
        """`name`, checked to be a safe file name of a `kind` file of `package` `version` (see `filename`)."""
        if not _safe_name(name):
            raise self.error(f"{what} has the file name {name[:100]!r}, which is not a plain file name")
        if kind == "archive":
            if not name.lower().endswith(ARCHIVE_SUFFIXES):
                raise self.error(f"{what} {name!r} does not end with one of {', '.join(ARCHIVE_SUFFIXES)}")
            return name
        if kind == "wheel":
            try:
                wheel_name, wheel_version, _, _ = parse_wheel_filename(name)
            except (InvalidWheelFilename, InvalidVersion) as e:
                raise self.error(f"bad wheel file name {name!r} ({' '.join(str(e).split())[:200]})") from None
            found: tuple[str, str] | None = (wheel_name, str(wheel_version))
        else:
            found = sdist_name_version(name)
            if found is None:
                raise self.error(
                    f"{what} {name!r} is not an sdist file name (<name>-<version> and one of "
                    f"{', '.join(ARCHIVE_SUFFIXES)})"
                )
        assert found is not None
        if canonicalize_name(found[0]) != canonicalize_name(package) or (
            version is not None and not _same_version(found[1], version)
        ):
            raise self.error(f"{what} {name!r} is not a file of {package} {version or ''}".rstrip())
        return name
