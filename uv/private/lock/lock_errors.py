"""The lock tools' errors: one small hierarchy, printed once as an `ERROR:` line.

Every error names what is wrong, where (the lock file and, when known, the
package) and how to fix it, and formats as

    ERROR: <what> (<lock file>/<package>): <fix>
"""

from __future__ import annotations

__all__ = ["LockError", "LockFormatError", "LockSyntaxError", "PlatformError", "UnsupportedSourceError"]


class LockError(Exception):
    """Bad input to the lock tools; `str()` is the `ERROR:` line without its prefix."""

    def __init__(self, what: str, file: str, fix: str, package: str | None = None) -> None:
        self.what = what
        self.file = file
        self.package = package
        self.fix = fix
        super().__init__(self.line())

    def line(self) -> str:
        """`<what> (<file>/<package>): <fix>`; without a package, `(<file>)`."""
        where = f"{self.file}/{self.package}" if self.package else self.file
        return f"{self.what} ({where}): {self.fix}"

    def __str__(self) -> str:
        return self.line()


class LockSyntaxError(LockError):
    """The lock file is not valid TOML; `what` carries tomllib's line and column."""


class LockFormatError(LockError):
    """Valid TOML, but a field is missing, of the wrong type or malformed (e.g. a hash)."""


class UnsupportedSourceError(LockError):
    """A package comes from a source kind the planner cannot fetch (git) or does not know."""


class PlatformError(LockError):
    """A target platform is unknown or malformed (named default or custom JSON file)."""
