"""Prints what the overrides of the `overrides` hub changed (e2e/uv/uv_test.py)."""

import importlib.resources
import importlib.util

import attrs
import idna
import six

print("six", six.__version__, six.PATCHED)
print("idna", idna.encode("bücher.example").decode())
print("idna.codec", importlib.util.find_spec("idna.codec") is not None)
print("idna/extra.txt", importlib.resources.files("idna").joinpath("extra.txt").read_text().strip())
print("attrs", attrs.REPLACED)
