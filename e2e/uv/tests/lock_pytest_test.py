"""Runs under the lock's pytest (@pypi//pytest), the only pytest in the venv, with the lock's plugin."""

import os
import re
import sys

import pytest


def test_the_running_pytest_is_the_lock_s():
    where = os.path.realpath(pytest.__file__)
    assert re.search(r"[~+]pypi/pytest/", where), where  # the hub's install (`~` or `+`: Bazel 7 or 8)
    assert not [p for p in sys.path if "xpy_tools_pytest" in p], sys.path


def test_the_lock_s_plugin_is_loaded(request):
    assert request.config.pluginmanager.hasplugin("timeout")
    assert request.config.getoption("timeout") is None  # pytest-timeout's own option exists
