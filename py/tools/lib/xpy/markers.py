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

__all__ = ["MarkerError", "check_marker", "evaluate"]

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


def evaluate(marker: Marker, environment: Mapping[str, str]) -> bool:
    """Whether a checked marker holds in `environment`; MarkerError if it cannot be evaluated there."""
    try:
        return bool(marker.evaluate(dict(environment)))
    except (UndefinedComparison, UndefinedEnvironmentName, InvalidMarker) as e:
        raise MarkerError(f"marker {str(marker)!r} cannot be evaluated ({_first_line(e)})") from None
