"""The tool wheels from py/private/versions.bzl import from runfiles, not from the host."""

import importlib
import sys

import pytest

PINNED = {
    "build": "1.6.1",
    "installer": "1.1.0",
    "packaging": "26.3",
    "pex": "2.105.2",
    "pyproject_hooks": "1.3.3",
}


@pytest.mark.parametrize(("module", "version"), sorted(PINNED.items()))
def test_pinned_wheel_imports_from_runfiles(module, version):
    mod = importlib.import_module(module)
    assert ".runfiles/" in mod.__file__, mod.__file__
    assert "xpy_tools_" in mod.__file__, mod.__file__
    from importlib.metadata import version as dist_version

    assert dist_version(module.replace("_", "-")) == version


def test_host_site_packages_are_not_visible():
    assert not any(p.endswith("site-packages") and ".runfiles" not in p for p in sys.path), sys.path
