"""Precompiled bytecode: deterministic, used from a read-only copy, never of the wrong Python version."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

from e2e_support import fresh_output_base, host_path

HERE = Path(__file__).resolve().parent
BAZEL = os.environ.get("BAZEL", str(HERE.parent.parent / "tools" / "bazel"))


def bazel(*args: str, startup: tuple[str, ...] = ()) -> str:
    proc = subprocess.run([BAZEL, *startup, *args], cwd=HERE, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, f"bazel {' '.join(args)} failed:\n{proc.stderr[-4000:]}"
    return proc.stdout


def _target(path: Path) -> Path:
    """Where a runfiles symlink leads, on this host (Bazel's absolute links name paths of its chroot)."""
    while path.is_symlink():
        link = os.readlink(path)
        path = host_path(link) if os.path.isabs(link) else path.parent / link
    return path


def pycs(runfiles: Path) -> dict[str, str]:
    """Runfiles path -> sha256 of every .pyc in a runfiles tree (following its links, as Python does)."""
    out = {}
    todo = [(runfiles, "")]
    while todo:
        directory, rel = todo.pop()
        for child in directory.iterdir():
            real, name = _target(child), f"{rel}{child.name}"
            if real.is_dir():
                todo.append((real, name + "/"))
            elif child.name.endswith(".pyc"):
                out[name] = hashlib.sha256(real.read_bytes()).hexdigest()
    return out


def test_bytecode_is_byte_identical_across_two_clean_output_bases():
    found = []
    for n in (1, 2):
        with fresh_output_base(BAZEL, HERE, f"bytecode-{n}") as base:
            bazel("build", "//:app", startup=base)
            bin_dir = host_path(bazel("info", "bazel-bin", startup=base).strip())
            found.append(pycs(bin_dir / "app.runfiles"))
    first, second = found
    assert first == second
    names = set(first)
    assert "_main/lib/__pycache__/greet.cpython-311.pyc" in names  # first-party (PyCompile)
    assert any(n.endswith("/site-packages/requests/__pycache__/api.cpython-311.pyc") for n in names)  # a wheel
    assert any(n.endswith("/site-packages/yaml/__pycache__/__init__.cpython-311.pyc") for n in names)
    assert not any("/app.cpython-311.pyc" in n for n in names)  # the main script is never read from bytecode


def test_a_read_only_copy_of_the_binary_imports_from_bytecode(tmp_path):
    bazel("build", "//:app")
    bin_dir = HERE / "bazel-bin"
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy2(bin_dir / "app", copy / "app")
    shutil.copytree(bin_dir / "app.runfiles", copy / "app.runfiles", symlinks=False)
    for path in [copy, *copy.rglob("*")]:  # nothing can be written: a compile could not be cached
        if not path.is_symlink():
            path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"PYTHONVERBOSE": "1"}
    try:
        run = subprocess.run([str(copy / "app")], cwd="/", capture_output=True, text=True, env=env, timeout=120)
    finally:
        for path in [copy, *copy.rglob("*")]:
            if not path.is_symlink():
                path.chmod(path.stat().st_mode | stat.S_IWUSR)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.split()[0] == "hello"
    loaded = [line for line in run.stderr.splitlines() if line.startswith("# code object from ")]
    ours = [line for line in loaded if str(copy) in line and not line.endswith("app.py")]
    assert ours, loaded[-20:]
    compiled = [line for line in ours if not line.endswith(".pyc'")]
    assert not compiled, compiled  # every module of the copy came from its .pyc: none was compiled on the run
    assert any("lib/__pycache__/greet.cpython-311.pyc" in line for line in ours)
    assert any("requests/__pycache__/sessions.cpython-311.pyc" in line for line in ours)


def test_precompile_false_and_the_flag_turn_bytecode_off():
    bazel("build", "//lib:plain")
    assert not list((HERE / "bazel-bin" / "lib").rglob("plain*.pyc"))
    bazel("build", "--@rules_xpy//py:precompile=false", "//:app")
    assert not list((HERE / "bazel-bin" / "app.runfiles").rglob("*.pyc"))


def test_a_target_of_another_python_version_gets_no_bytecode():
    flag = "--platforms=//platforms:linux_aarch64"  # its interpreter is 3.12; the exec interpreter 3.11
    bazel("build", flag, "//:libs")
    compiles = json.loads(bazel("aquery", flag, "--output=jsonproto", 'mnemonic("PyCompile", //lib:greet)'))
    assert not compiles.get("actions")  # no PyCompile action for the 3.12 target
    installs = json.loads(bazel("aquery", flag, "--output=jsonproto", 'mnemonic("WhlInstall", deps(//:libs))'))
    ours = [a for a in installs["actions"] if "aarch64" in " ".join(a["arguments"])]
    assert ours and all("--bytecode" not in a["arguments"] for a in ours)
    trees = bazel("cquery", flag, "--output=files", 'kind("py_whl_library", deps(//:libs))').split()
    assert trees
    for tree in trees:
        assert not list((HERE / tree).rglob("*.pyc")), tree
