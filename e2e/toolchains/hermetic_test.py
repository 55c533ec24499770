"""The test runs on the archive interpreter from runfiles, not on the host's Python."""

import json
import sys


def test_base_prefix_is_the_archive_in_runfiles():
    assert "python_archive" in sys.base_prefix, sys.base_prefix
    assert ".runfiles" in sys.base_prefix or "/external/" in sys.base_prefix, sys.base_prefix


def test_stdlib_comes_from_the_archive():
    assert json.__file__.startswith(sys.base_prefix) or "python_archive" in json.__file__


def test_venv_is_active():
    assert sys.prefix != sys.base_prefix
