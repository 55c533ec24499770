"""The lock tools' errors: subclasses of rules_xpy's one error base, printed once as an `ERROR:` line.

Every error names what is wrong, where (the lock file and, when known, the
package) and how to fix it, and formats as

    ERROR: <what> (<lock file>/<package>): <fix>
"""

from __future__ import annotations

from xpy.errors import XpyError
from xpy.platforms import PlatformError

__all__ = ["LockError", "LockFormatError", "LockSyntaxError", "PlatformError", "UnsupportedSourceError"]


class LockError(XpyError):
    """Bad input to the lock tools; `str()` is the `ERROR:` line without its prefix."""

    def __init__(self, what: str, file: str, fix: str, package: str | None = None) -> None:
        self.file = file
        self.package = package
        super().__init__(what, f"{file}/{package}" if package else file, fix)


class LockSyntaxError(LockError):
    """The lock file is not valid TOML; `what` carries tomllib's line and column."""


class LockFormatError(LockError):
    """Valid TOML, but a field is missing, of the wrong type or malformed (e.g. a hash)."""


class UnsupportedSourceError(LockError):
    """A package comes from a source kind the planner cannot fetch (git) or does not know."""
