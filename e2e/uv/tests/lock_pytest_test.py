"""Runs under the lock's pytest (@pypi//pytest), the only pytest in the venv."""

import os
import re
import sys

import pytest


def test_the_running_pytest_is_the_lock_s():
    where = os.path.realpath(pytest.__file__)
    assert re.search(r"[~+]pypi/pytest/", where), where  # the hub's install (`~` or `+`: Bazel 7 or 8)
    assert not [p for p in sys.path if "xpy_tools_pytest" in p], sys.path
