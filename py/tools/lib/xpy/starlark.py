"""Starlark literals for generated BUILD and .bzl files: one writer for every tool that generates them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = ["Raw", "call", "literal"]


class Raw(str):
    """Starlark source written as is (an expression such as a `select()`)."""


def literal(value: Any, indent: str = "") -> str:
    """The Starlark literal of a str, bool, int, list or dict (one item per line when there are several); Raw as is."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "True" if value else "False"
    if value is None:
        return "None"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    inner = indent + "    "
    if isinstance(value, Mapping):
        items = [f"{literal(k)}: {literal(v, inner)}" for k, v in value.items()]
        if len(items) <= 1:
            return "{" + "".join(items) + "}"
        return "{\n" + "".join(f"{inner}{item},\n" for item in items) + indent + "}"
    values = list(value)
    if len(values) <= 1:
        return "[" + "".join(literal(v, inner) for v in values) + "]"
    return "[\n" + "".join(f"{inner}{literal(v, inner)},\n" for v in values) + indent + "]"


def call(rule: str, **kwargs: Any) -> str:
    """`rule(k = v, ...)` with one attribute per line; attributes whose value is None are left out."""
    body = "".join(f"    {k} = {literal(v, '    ')},\n" for k, v in kwargs.items() if v is not None)
    return f"{rule}(\n{body})\n"
