"""Prints a cow and proves markupsafe's C extension (built from its sdist) imports."""

import platform

import cowsay
import markupsafe._speedups
import six

cowsay.cow(f"Hello from {platform.machine()}")
print("markupsafe", markupsafe.escape("<xpy>"), markupsafe._speedups.__file__.rsplit("/", 1)[-1])
print("six", six.__version__)
