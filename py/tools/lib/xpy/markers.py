"""PEP 508 environment markers, checked so that none can be silently misread.

`packaging` evaluates a version comparison whose right side is not a version
(`python_version > 'abc'`) as a plain string comparison, and says nothing:
a dependency would be dropped, or kept, by accident. `check_marker` parses a
marker and refuses such comparisons, so that every marker rules_xpy
evaluates means what it says. `evaluate` evaluates a checked marker in an
environment (a TargetPlatform's `marker_environment()`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from packaging.markers import InvalidMarker, Marker, UndefinedComparison, UndefinedEnvironmentName
from packaging.specifiers import InvalidSpecifier, Specifier

from xpy.errors import XpyError

__all__ = ["MarkerError", "check_marker", "evaluate", "extras_of"]

_VERSION_VARIABLES = frozenset({"python_version", "python_full_version", "implementation_version"})
_VERSION_OPS = frozenset({"<", "<=", ">", ">=", "~=", "==", "!="})
_MAX_LENGTH = 10_000


class MarkerError(XpyError):
    """A marker that does not parse, or that compares a version with something that is not one."""

    default_fix = "fix the marker (PEP 508), or regenerate the file that holds it"


def _first_line(e: Exception) -> str:
    return (str(e).splitlines() or [type(e).__name__])[0]


def _walk(node: Any, text: str) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, text)
        return
    if not isinstance(node, tuple):
        return  # "and" / "or"
    lhs, op, rhs = node
    for variable, value in ((lhs, rhs), (rhs, lhs)):
        if type(variable).__name__ != "Variable" or variable.value not in _VERSION_VARIABLES:
            continue
        if op.value in _VERSION_OPS:
            literal = value.value
            try:
                Specifier(f"{op.value}{literal}")
            except InvalidSpecifier:
                raise MarkerError(
                    f"marker {text!r} compares {variable.value} with {literal!r}, which is not a version"
                ) from None


def check_marker(text: str) -> Marker:
    """The parsed marker; MarkerError if it does not parse or compares a version with a non-version."""
    if len(text) > _MAX_LENGTH:
        raise MarkerError(f"a marker of {len(text)} characters is longer than {_MAX_LENGTH}")
    try:
        marker = Marker(text)
    except InvalidMarker as e:
        raise MarkerError(f"marker {text!r} does not parse ({_first_line(e)})") from None
    _walk(getattr(marker, "_markers", []), text)
    return marker


def evaluate(marker: Marker, environment: Mapping[str, Any], context: str = "metadata") -> bool:
    """Whether a checked marker holds in `environment`; MarkerError if it cannot be evaluated there.

    `context` "lock_file" evaluates a PEP 751 package marker: `environment` holds the sets `extras` and
    `dependency_groups`, and `extra` is not a variable.
    """
    env = dict(environment)
    if context == "lock_file":
        env.pop("extra", None)
    try:
        return bool(marker.evaluate(env, context=context))  # type: ignore[arg-type]
    except (UndefinedComparison, UndefinedEnvironmentName, InvalidMarker, TypeError) as e:
        raise MarkerError(f"marker {str(marker)!r} cannot be evaluated ({_first_line(e)})") from None


def extras_of(marker: Marker) -> frozenset[str]:
    """The extras a requirement marker compares `extra` with (`extra == "socks"` -> {"socks"})."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, tuple):
            lhs, _, rhs = node
            for variable, value in ((lhs, rhs), (rhs, lhs)):
                if type(variable).__name__ == "Variable" and variable.value == "extra":
                    found.add(str(value.value))

    walk(getattr(marker, "_markers", []))
    return frozenset(found)
