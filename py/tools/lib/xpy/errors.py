"""The one error base class of rules_xpy's tools, printed once as an `ERROR:` line.

Every tool turns bad input into an exception of its own subclass of
`XpyError` and prints it once, at its edge, as

    ERROR: <what> (<where>): <fix>

(`where` names the file, package or target; without it, `ERROR: <what>: <fix>`).
No traceback is shown for bad input.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import ClassVar

__all__ = ["XpyError", "report", "run"]


class XpyError(Exception):
    """Bad input to a tool; `str()` is the `ERROR:` line without its prefix.

    Subclasses may set `default_fix`; `what` is normalized to one line.
    """

    default_fix: ClassVar[str] = "check the input named above"

    def __init__(self, what: str, where: str = "", fix: str | None = None) -> None:
        self.what = " ".join(what.split())
        self.where = where
        self.fix = fix or self.default_fix
        super().__init__(self.line())

    def line(self) -> str:
        """`<what> (<where>): <fix>`, or `<what>: <fix>` without `where`."""
        where = f" ({self.where})" if self.where else ""
        return f"{self.what}{where}: {self.fix}"

    def __str__(self) -> str:
        return self.line()


def report(error: XpyError) -> int:
    """Print `error` as one `ERROR:` line on stderr; return the exit code 1."""
    print(f"ERROR: {error}", file=sys.stderr)
    return 1


def run(main: Callable[[Sequence[str]], int], argv: Sequence[str]) -> int:
    """`main(argv)`, with any XpyError it raises printed once (exit code 1)."""
    try:
        return main(argv)
    except XpyError as e:
        return report(e)
