"""Prints which interpreter installation runs it."""

import sys

print("base_prefix", sys.base_prefix)
print("in_venv", sys.prefix != sys.base_prefix)
