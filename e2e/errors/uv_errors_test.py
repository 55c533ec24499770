"""Bad lock files and unusable packages fail the build with the file, the package and the fix named."""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile

import pytest
from errors_test import HERE, _assert_one_clear_error, _build

UV = """
uv = use_extension("@rules_xpy//uv:extensions.bzl", "uv")
uv.lock(name = "pypi", lock = "//:uv.lock"{extra})
use_repo(uv, "pypi")
"""
APP = """py_library(name = "lib", deps = ["@pypi//tiny"])

exports_files(["uv.lock"])

platform(name = "windows", constraint_values = ["@platforms//os:windows", "@platforms//cpu:x86_64"])
"""
HEAD = """version = 1
revision = 3
requires-python = ">=3.11"

[[package]]
name = "app"
version = "0.1.0"
source = {{ virtual = "." }}
dependencies = [{{ name = "tiny" }}]

[[package]]
name = "tiny"
version = "1.0"
{body}
"""
H = "sha256:" + "a" * 64


def _wheel(name: str = "tiny", version: str = "1.0") -> tuple[str, str]:
    """A real pure wheel in the workspace; returns (file URL, sha256)."""
    path = HERE / f"{name}-{version}-py3-none-any.whl"
    if not path.exists():
        di = f"{name}-{version}.dist-info"
        files = {
            f"{name}.py": b"X = 1\n",
            f"{di}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
            f"{di}/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        }
        record = "".join(
            f"{name},sha256={base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()},{len(data)}\n"
            for name, data in files.items()
        )
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for name, data in files.items():
                z.writestr(name, data)
            z.writestr(f"{di}/RECORD", record + f"{di}/RECORD,,\n")
        path.write_bytes(buf.getvalue())
    return f"file://{path}", hashlib.sha256(path.read_bytes()).hexdigest()


def _lock_build(lock: str, extra: str = "", target: str = "//:lib") -> str:
    (HERE / "uv.lock").write_text(lock)
    return _build(UV.format(extra=extra), APP, target)


def test_lock_that_is_not_toml_names_the_file_and_line():
    err = _lock_build("version = 1\n[[package]\n")
    _assert_one_clear_error(err, r"ERROR: not valid TOML: .*line 2.* \(//:uv.lock\): fix the file or regenerate it")


def test_package_without_a_source_names_the_package():
    err = _lock_build(HEAD.format(body=""))
    _assert_one_clear_error(err, r"ERROR: the package has no `source` \(//:uv.lock/tiny\): regenerate the lock")


def test_wrong_hash_format_names_the_package():
    body = 'source = { registry = "https://pypi.org/simple" }\n'
    body += 'wheels = [{ url = "https://x/tiny-1.0-py3-none-any.whl", hash = "md5:abc" }]\n'
    err = _lock_build(HEAD.format(body=body))
    _assert_one_clear_error(err, r"ERROR: .* has hash 'md5:abc', not sha256:<64 hex digits> \(//:uv.lock/tiny\): ")


def test_git_source_is_not_supported_yet():
    body = 'source = { git = "https://github.com/x/tiny?rev=1#abc" }\n'
    err = _lock_build(HEAD.format(body=body))
    _assert_one_clear_error(
        err, r"ERROR: git source '\S+' is not supported yet \(//:uv.lock/tiny\): depend on a released"
    )


def test_wheel_with_a_wrong_sha256_fails_the_fetch_showing_both_hashes():
    url, sha256 = _wheel()
    body = f'source = {{ url = "{url}" }}\nwheels = [{{ hash = "{H}" }}]\n'
    err = _lock_build(HEAD.format(body=body))
    _assert_one_clear_error(
        err, rf"tiny 1.0 from //:uv.lock \(hub @pypi\): \S+ has SHA-256 {sha256}, but {'a' * 64} was expected"
    )


def test_the_same_wheel_with_its_sha256_installs():
    url, sha256 = _wheel()
    body = f'source = {{ url = "{url}" }}\nwheels = [{{ hash = "sha256:{sha256}" }}]\n'
    (HERE / "uv.lock").write_text(HEAD.format(body=body))
    with pytest.raises(AssertionError, match="succeeded; expected a failure"):
        _build(UV.format(extra=""), APP, "//:lib")


def test_no_file_for_the_target_platform_names_package_platform_files_and_fixes():
    body = 'source = { registry = "https://pypi.org/simple" }\n'
    body += f'wheels = [{{ url = "https://x/tiny-1.0-cp311-cp311-manylinux_2_17_x86_64.whl", hash = "{H}" }}]\n'
    err = _lock_build(HEAD.format(body=body), target="--platforms=//:windows //:lib")
    _assert_one_clear_error(
        err,
        r"tiny 1.0 has no file for target platform windows_x86_64 \(windows, x86_64, cpython 3.11\): no wheel fits .*"
        r"The lock lists: tiny-1.0-cp311-cp311-manylinux_2_17_x86_64.whl. Fixes: .* \(target platform: //:windows\)",
    )


def test_unknown_target_platform_name_lists_the_known_ones():
    url, sha256 = _wheel()
    body = f'source = {{ url = "{url}" }}\nwheels = [{{ hash = "sha256:{sha256}" }}]\n'
    err = _lock_build(HEAD.format(body=body), extra=', target_platforms = ["linux_riscv64"]')
    _assert_one_clear_error(err, r"unknown target platform 'linux_riscv64' \(target platforms\): use one of \[")


def test_a_package_whose_markers_exclude_every_target_platform_says_which_and_where():
    url, sha256 = _wheel()
    lock = HEAD.format(body=f'source = {{ url = "{url}" }}\nwheels = [{{ hash = "sha256:{sha256}" }}]\n')
    lock = lock.replace(
        'dependencies = [{ name = "tiny" }]',
        'dependencies = [{ name = "tiny" }, { name = "jsfetch", marker = "sys_platform == \'emscripten\'" }]',
    )
    js_url, js_sha256 = _wheel("jsfetch", "0.3")
    lock += f"""
[[package]]
name = "jsfetch"
version = "0.3"
source = {{ url = "{js_url}" }}
wheels = [{{ hash = "sha256:{js_sha256}" }}]
"""
    (HERE / "uv.lock").write_text(lock)
    err = _build(UV.format(extra=', target_platforms = ["linux_x86_64", "windows_x86_64"]'), APP, "@pypi//jsfetch")
    _assert_one_clear_error(
        err,
        r"jsfetch 0\.3 is in //:uv\.lock, but no target platform of the hub @pypi \(linux_x86_64, windows_x86_64\) "
        r"needs it: the marker `sys_platform == 'emscripten'` of app's dependency on it is false on linux_x86_64, "
        r"windows_x86_64\. Fix: depend on it only where its markers hold",
    )


def _wheel_lock() -> str:
    url, sha256 = _wheel()
    return HEAD.format(body=f'source = {{ url = "{url}" }}\nwheels = [{{ hash = "sha256:{sha256}" }}]\n')


def test_an_exclude_that_matches_nothing_names_the_glob_and_the_wheel():
    override = ')\nuv.override_package(name = "tiny", exclude = ["nothing/*"]'
    err = _lock_build(_wheel_lock(), override)
    _assert_one_clear_error(
        err,
        r"tiny 1.0 from //:uv.lock \(hub @pypi\): cannot apply its override_package\(patches, exclude, data\):\n"
        r"ERROR: exclude: 'nothing/\*' matches no file of tiny-1.0-py3-none-any.whl",
    )


def test_a_patch_that_does_not_apply_names_the_patch_file():
    (HERE / "bad.patch").write_text("--- a/tiny.py\n+++ b/tiny.py\n@@ -1 +1 @@\n-Y = 2\n+Y = 3\n")
    err = _lock_build(
        _wheel_lock(), ')\nuv.override_package(name = "tiny", patch_strip = 1, patches = ["//:bad.patch"]'
    )
    _assert_one_clear_error(err, r"Error applying patch [^\n]*bad\.patch")
