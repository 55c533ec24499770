"""Imports a package with a shared object of another arch."""

import evilpkg  # noqa: F401
