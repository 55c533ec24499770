"""Sdist builds: placement by execution platform, a native build on the host, reproducibility, and the no-executor error."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from e2e_support import fresh_output_base, host_path

HERE = Path(__file__).resolve().parent
BAZEL = os.environ.get("BAZEL", str(HERE.parent.parent / "tools" / "bazel"))
EXEC_PLATFORMS = "--extra_execution_platforms=//platforms:linux_x86_64,//platforms:linux_aarch64"


def bazel(*args: str, startup: tuple[str, ...] = (), ok: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([BAZEL, *startup, *args], cwd=HERE, capture_output=True, text=True, timeout=900)
    if ok:
        assert proc.returncode == 0, f"bazel {' '.join(args)} failed:\n{proc.stderr[-4000:]}"
    return proc


def actions(aquery_text: str) -> list[dict[str, str]]:
    """The actions of `bazel aquery` text output, each as {field: value} (plus "description")."""
    out = []
    for block in re.split(r"\n(?=action ')", aquery_text):
        if not block.startswith("action '"):
            continue
        fields = {"description": block.split("'")[1]}
        for m in re.finditer(r"^\s+(Mnemonic|Target|Execution platform|ExecutionInfo|Inputs): (.*)$", block, re.M):
            fields[m.group(1)] = m.group(2)
        out.append(fields)
    return out


def test_each_arch_builds_cowsay_on_its_own_execution_platform():
    query = 'mnemonic("PySdistBuild", deps(//:image_index))'
    builds = [a for a in actions(bazel("aquery", EXEC_PLATFORMS, query).stdout) if "pypi__cowsay__" in a["Target"]]
    placed = sorted((a["Execution platform"], a["ExecutionInfo"]) for a in builds)
    assert len(builds) == 2, builds
    assert placed[0][0] == "//platforms:linux_aarch64" and "Arch: arm64" in placed[0][1]
    assert placed[1][0] == "//platforms:linux_x86_64" and "Arch: amd64" in placed[1][1]
    assert sorted(a["description"] for a in builds) == [
        "Building wheel cowsay 6.0 (sdist) for linux_aarch64",
        "Building wheel cowsay 6.0 (sdist) for linux_x86_64",
    ]


def test_the_sdist_goes_straight_into_the_build_action():
    everything = actions(bazel("aquery", EXEC_PLATFORMS, "deps(//:image_index)").stdout)
    mnemonics = {a["Mnemonic"] for a in everything}
    assert not {m for m in mnemonics if re.search(r"extract|untar|unpack|unzip", m, re.I)}, mnemonics
    for build in (a for a in everything if a["Mnemonic"] == "PySdistBuild" and "cowsay" in a["Target"]):
        assert "cowsay-6.0.tar.gz" in build["Inputs"]


def test_native_sdist_builds_on_the_host_and_its_extension_imports():
    out = bazel("run", "//app").stdout
    assert "| Hello from x86_64 |" in out
    assert "markupsafe &lt;xpy&gt; _speedups.cpython-311-x86_64-linux-gnu.so" in out
    assert "six 1.17.0" in out  # a pure sdist, built in the exec configuration


def test_a_pure_sdist_builds_once_for_all_targets():
    query = 'mnemonic("PySdistBuild", deps(//:image_index))'
    builds = [a for a in actions(bazel("aquery", EXEC_PLATFORMS, query).stdout) if "pypi__six__" in a["Target"]]
    # One action for both targets, in the exec configuration (Bazel marks it "[for tool]").
    assert [a["description"] for a in builds] == [
        "Building wheel six 1.17.0 (sdist) for any platform (pure) [for tool]"
    ]


def test_without_an_arm64_execution_platform_the_build_explains_the_fix():
    err = bazel("build", "--platforms=//platforms:linux_aarch64", "//app", ok=False).stderr
    assert re.search(
        r"(cowsay|markupsafe) \S+ \(sdist\) is native, so it must build on an executor of the target platform "
        r"//platforms:linux_aarch64 \(linux aarch64 glibc\), and no execution platform has its os, cpu and libc\. "
        r"Fix: register one .*"
        r'exec_properties .*uv.override_package\(name = "\1", pure = True\)',
        err,
    ), err[-3000:]


def _wheel_in_fresh_output_base(name: str) -> bytes:
    with fresh_output_base(BAZEL, HERE, f"crossbuild-{name}") as base:
        target = 'kind("_uv_sdist_wheel", deps(@pypi//markupsafe))'
        (label,) = bazel("cquery", target, "--output=label", startup=base).stdout.split()[:1]
        bazel("build", label, startup=base)
        (house,) = bazel("cquery", label, "--output=files", startup=base).stdout.split()
        execroot = bazel("info", "execution_root", startup=base).stdout.strip()
        (wheel,) = (host_path(execroot) / house).glob("*.whl")
        return wheel.name.encode() + b"\n" + wheel.read_bytes()


def test_the_same_sdist_built_in_two_clean_output_bases_gives_identical_wheels():
    first, second = _wheel_in_fresh_output_base("a"), _wheel_in_fresh_output_base("b")
    assert first.startswith(b"markupsafe-3.0.2-cp311-cp311-linux_x86_64.whl\n")
    assert first == second
