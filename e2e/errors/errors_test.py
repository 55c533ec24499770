"""Each bad input fails the build with a message naming the attribute and the fix."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import tarfile
from pathlib import Path

import pytest
from e2e_support import assert_no_python_traceback

HERE = Path(__file__).resolve().parent
BAZEL = os.environ.get("BAZEL", str(HERE.parent.parent / "tools" / "bazel"))

MODULE = """module(name = "e2e_errors")

bazel_dep(name = "rules_xpy")
local_path_override(module_name = "rules_xpy", path = "../..")

bazel_dep(name = "platforms", version = "0.0.10")

python = use_extension("@rules_xpy//py:extensions.bzl", "python")
"""
BUILD = 'load("@rules_xpy//py:defs.bzl", "py_library", "py_venv_binary", "py_venv_test")\n'


def _fake_archive() -> tuple[str, str]:
    """A small archive without an interpreter; returns (file URL, sha256)."""
    path = HERE / "fake-python.tar.gz"
    if not path.exists():
        (HERE / "README.md").touch()
        with tarfile.open(path, "w:gz") as tar:
            tar.add(HERE / "README.md", arcname="python/README.md")
    return f"file://{path}", hashlib.sha256(path.read_bytes()).hexdigest()


def _build(module_extra: str, build_extra: str, target: str = "//:all") -> str:
    (HERE / "MODULE.bazel").write_text(MODULE + module_extra)
    (HERE / "BUILD.bazel").write_text(BUILD + build_extra)
    for name in ("app.py", "other.py", "t_test.py"):
        (HERE / name).write_text("print('hi')\n")
    proc = subprocess.run([BAZEL, "build", *target.split()], cwd=HERE, capture_output=True, text=True, timeout=600)
    assert proc.returncode != 0, f"build of {target} succeeded; expected a failure\n{proc.stderr}"
    return proc.stderr


def _assert_one_clear_error(stderr: str, pattern: str) -> None:
    """The build failed with rules_xpy's own message (`pattern`), once, and no Python traceback.

    Bazel prints `ERROR:` on every failure, so the specific message is what counts.
    """
    found = re.findall(pattern, stderr)
    assert found, f"no /{pattern}/ in:\n{stderr}"
    assert_no_python_traceback(stderr)


def test_binary_without_main_names_the_attribute():
    err = _build("", 'py_venv_binary(name = "tool", srcs = ["app.py", "other.py"])\n')
    _assert_one_clear_error(
        err, r"//:tool: main: no `tool.py` in srcs.*set `main = \"<file>.py\"` to one of \[\"app.py\", \"other.py\"\]"
    )


def test_main_with_pytest_is_refused():
    err = _build("", 'py_venv_test(name = "t", srcs = ["t_test.py"], main = "app.py", pytest = True)\n')
    _assert_one_clear_error(err, r"//:t: main: not allowed with pytest = True.*remove `main`")


def test_absolute_imports_entry_is_refused():
    err = _build("", 'py_library(name = "lib", srcs = ["app.py"], imports = ["/usr/lib"])\n')
    _assert_one_clear_error(err, r'//:lib: imports entry "/usr/lib" is absolute')


def test_local_interpreter_of_the_wrong_version():
    err = _build('python.local(name = "py39", version = "3.9")\n', 'py_venv_binary(name = "app", srcs = ["app.py"])\n')
    _assert_one_clear_error(
        err,
        r"python.local\(name = \"py39\"\): version: \S+ is Python 3\.\d+\.\d+, not 3\.9\. Fix: set version = \"3\.\d+\"",
    )


def test_archive_with_a_wrong_sha256_shows_both_hashes():
    url, sha256 = _fake_archive()
    wrong = "0" * 64
    err = _build(
        f'python.archive(name = "bad", url = "{url}", sha256 = "{wrong}", version = "3.11.7", os = "linux", cpu = "x86_64")\n',
        'py_venv_binary(name = "app", srcs = ["app.py"])\n',
    )
    _assert_one_clear_error(
        err, rf"python.archive\(name = \"bad\"\): \S+ has SHA-256 {sha256}, but {wrong} was expected"
    )


def test_archive_without_the_interpreter():
    url, sha256 = _fake_archive()
    err = _build(
        f'python.archive(name = "empty", url = "{url}", sha256 = "{sha256}", strip_prefix = "python", version = "3.11.7", os = "linux", cpu = "x86_64")\n',
        'py_venv_binary(name = "app", srcs = ["app.py"])\n',
    )
    _assert_one_clear_error(
        err, r"python.archive\(name = \"empty\"\): interpreter: no bin/python3 in the archive.*has \[\"README.md\"\]"
    )


def test_executor_interpreter_path_must_be_absolute():
    err = _build(
        'python.executor(name = "w", interpreter_path = "python3", version = "3.11", os = "linux", cpu = "aarch64")\n',
        'py_venv_binary(name = "app", srcs = ["app.py"])\n',
    )
    _assert_one_clear_error(err, r"python.executor\(name = \"w\"\): interpreter_path: \"python3\" is not absolute")


def test_target_platform_without_interpreter():
    (HERE / "platforms").mkdir(exist_ok=True)
    (HERE / "platforms" / "BUILD.bazel").write_text(
        'platform(name = "macos_arm64", constraint_values = ["@platforms//os:macos", "@platforms//cpu:aarch64"])\n'
    )
    err = _build(
        "",
        'py_venv_binary(name = "app", srcs = ["app.py"])\n',
        target="--platforms=//platforms:macos_arm64 //:app",
    )
    _assert_one_clear_error(
        err, r"//:app: no Python interpreter for the target platform \(--platforms\)\. Fix: declare one"
    )


@pytest.fixture(autouse=True, scope="module")
def _shutdown():
    yield
    subprocess.run([BAZEL, "shutdown"], cwd=HERE, capture_output=True, timeout=120)
