"""Bad pylock.toml files fail the build with one message naming the file, the package and the fix, and no hub."""

from __future__ import annotations

import re
import subprocess

import pytest
from e2e_support import host_path
from errors_test import BAZEL, HERE, _assert_one_clear_error, _build
from uv_errors_test import _wheel

PYLOCK = """
pylock = use_extension("@rules_xpy//uv:extensions.bzl", "pylock")
pylock.lock(name = "pypi", lock = "//:pylock.toml", python_version = "3.11"{extra})
use_repo(pylock, "pypi")
"""
APP = """py_library(name = "lib", deps = ["@pypi//tiny"])

exports_files(["pylock.toml"])
"""


def _lock(body: str, head: str = "") -> str:
    url, sha = _wheel()
    return (
        f'lock-version = "1.0"\ncreated-by = "pdm"\n{head}\n[[packages]]\nname = "tiny"\nversion = "1.0"\n'
        + body.format(url=url, sha=sha)
    )


GOOD = 'wheels = [{{ url = "{url}", hashes = {{ sha256 = "{sha}" }} }}]\n'


def _lock_build(lock: str, extra: str = "", target: str = "//:lib") -> str:
    (HERE / "pylock.toml").write_text(lock)
    return _build(PYLOCK.format(extra=extra), APP, target)


def _no_hub() -> None:
    """No repository of the hub exists: the extension failed before declaring any."""
    listing = subprocess.run(
        [BAZEL, "query", "--output=label", "@pypi//..."], cwd=HERE, capture_output=True, text=True, timeout=300
    )
    assert listing.returncode != 0, listing.stdout
    base = subprocess.run([BAZEL, "info", "output_base"], cwd=HERE, capture_output=True, text=True, timeout=300)
    external = host_path(base.stdout.strip()) / "external"
    assert not [d.name for d in external.iterdir() if re.search(r"pylock~pypi", d.name)] if external.is_dir() else True


def test_a_pylock_that_is_not_toml_names_the_file_and_line_and_makes_no_hub():
    err = _lock_build('lock-version = "1.0"\n[[packages]\n')
    _assert_one_clear_error(err, r"ERROR: not valid TOML: .*line 2.* \(//:pylock.toml\): fix the file")
    _no_hub()


def test_another_lock_version_major_is_refused():
    err = _lock_build(_lock(GOOD).replace('lock-version = "1.0"', 'lock-version = "2.0"'))
    _assert_one_clear_error(err, r"lock-version '2.0' is not supported \(only 1.x\) \(//:pylock.toml\)")


def test_a_file_with_only_sha512_is_never_fetched_unchecked():
    err = _lock_build(_lock(GOOD.replace("sha256 = ", "sha512 = ")))
    _assert_one_clear_error(
        err,
        r"a wheel entry has only sha512 hashes; rules_xpy checks every download with sha256 \(//:pylock.toml/tiny\)",
    )
    _no_hub()


def test_a_vcs_package_is_not_supported_yet():
    err = _lock_build(
        _lock('vcs = {{ type = "git", url = "https://example.com/tiny.git" }}\n').replace('\nversion = "1.0"\n', "\n")
    )
    _assert_one_clear_error(
        err, r"vcs source 'https://example.com/tiny.git' is not supported yet \(//:pylock.toml/tiny\)"
    )


def test_a_target_platform_outside_the_lock_s_environments_is_named():
    lock = _lock(GOOD, head="environments = [\"sys_platform == 'linux'\"]")
    err = _lock_build(lock, ', target_platforms = ["linux_x86_64", "windows_x86_64"]')
    _assert_one_clear_error(err, r"target platform windows_x86_64 is outside the lock's environments")


def test_an_override_of_an_unknown_hub_is_named():
    err = _lock_build(_lock(GOOD), ')\npylock.override_package(hub = "nope", name = "tiny", native = True')
    _assert_one_clear_error(
        err, r"pylock.override_package\(hub = \"nope\"\): there is no pylock.lock\(name = \"nope\"\)"
    )


@pytest.fixture(autouse=True, scope="module")
def _cleanup():
    yield
    (HERE / "pylock.toml").unlink(missing_ok=True)
