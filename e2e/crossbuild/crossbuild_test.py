"""Sdist builds: placement by execution platform, a native build on the host, reproducibility, and the no-executor error."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from e2e_support import assert_no_python_traceback, fresh_output_base, host_path, scratch_workspace

HERE = Path(__file__).resolve().parent
BAZEL = os.environ.get("BAZEL", str(HERE.parent.parent / "tools" / "bazel"))
EXEC_PLATFORMS = "--extra_execution_platforms=//platforms:linux_x86_64,//platforms:linux_aarch64"
WITH_MUSL = EXEC_PLATFORMS + ",//platforms:linux_x86_64_musl"


def bazel(
    *args: str, startup: tuple[str, ...] = (), ok: bool = True, cwd: Path = HERE
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([BAZEL, *startup, *args], cwd=cwd, capture_output=True, text=True, timeout=900)
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


def test_with_arm64_registered_first_tools_still_run_on_amd64_and_only_native_builds_go_to_arm64():
    reversed_order = "--extra_execution_platforms=//platforms:linux_aarch64,//platforms:linux_x86_64"
    everything = actions(bazel("aquery", reversed_order, "deps(//:image_index)").stdout)
    placed = {}
    for a in everything:  # the ruleset's own spawns (Bazel's internal file writes and symlinks run in Bazel)
        if "Execution platform" in a and (a["Mnemonic"].startswith("Py") or a["Mnemonic"] == "WhlInstall"):
            placed.setdefault(a["Execution platform"], set()).add(a["Mnemonic"])
    assert placed["//platforms:linux_aarch64"] == {"PySdistBuild"}, placed
    assert {"WhlInstall", "PyVenv", "PyImageLayer", "PyOciImage", "PyOciIndex"} <= placed["//platforms:linux_x86_64"]
    # And the host half builds and runs here in that order too.
    assert "| Hello from x86_64 |" in bazel("run", reversed_order, "//app").stdout


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


def test_a_musl_targets_native_sdists_refuse_a_glibc_only_executor_at_analysis():
    err = bazel("build", "--nobuild", "--platforms=//platforms:linux_x86_64_musl", EXEC_PLATFORMS, "//app", ok=False)
    assert re.search(
        r"(cowsay|markupsafe) \S+ \(sdist\) is native, so it must build on an executor of the target platform "
        r"//platforms:linux_x86_64_musl \(linux x86_64 musl\), and no execution platform has its os, cpu and libc\. "
        r"Fix: register one .* with the target's constraints \(@platforms//os:linux, @platforms//cpu:x86_64, "
        r"@rules_xpy//py/libc:musl\)",
        err.stderr,
    ), err.stderr[-3000:]
    assert_no_python_traceback(err.stderr)


def test_a_musl_targets_native_sdists_are_placed_on_the_musl_execution_platform():
    query = 'mnemonic("PySdistBuild", deps(//app))'
    out = bazel("aquery", "--platforms=//platforms:linux_x86_64_musl", WITH_MUSL, query).stdout
    placed = {a["description"]: (a["Execution platform"], a["ExecutionInfo"]) for a in actions(out)}
    musl = ("//platforms:linux_x86_64_musl", "{Arch: amd64, OSFamily: Linux, libc: musl}")
    assert placed == {
        "Building wheel cowsay 6.0 (sdist) for linux_x86_64_musl": musl,
        "Building wheel markupsafe 3.0.2 (sdist) for linux_x86_64_musl": musl,
        "Building wheel six 1.17.0 (sdist) for any platform (pure) [for tool]": (
            "//platforms:linux_x86_64",
            "{Arch: amd64, OSFamily: Linux}",
        ),
    }
    # The glibc target's native builds stay on the glibc platform with the musl one registered.
    out = bazel("aquery", "--platforms=//platforms:linux_x86_64", WITH_MUSL, query).stdout
    assert {a["Execution platform"] for a in actions(out)} == {"//platforms:linux_x86_64"}


def test_a_native_build_on_an_executor_without_the_target_interpreter_names_the_fix():
    # The arm64 execution platform is registered, but without --config=rbe the action runs on this host.
    err = bazel("build", "--platforms=//platforms:linux_aarch64", EXEC_PLATFORMS, "--keep_going", "//app", ok=False)
    missing = re.search(
        r"ERROR: (cowsay 6\.0|markupsafe 3\.0\.2) \(sdist\) is a native build for //platforms:linux_aarch64, so it "
        r"runs the target interpreter /usr/bin/python3\.11, and this executor \(Linux x86_64\) has none: it is not "
        r"an executor of linux aarch64 glibc\. Fix: build with a remote executor whose workers are of that platform.*"
        r"--config=rbe\); or depend on a version with a wheel for this platform\.",
        err.stderr,
    )
    # Where /usr/bin/python3.11 exists (Bazel not in tools/bazel's sid root), build_helper names the host instead.
    wrong = re.search(
        r"ERROR: (cowsay 6\.0|markupsafe 3\.0\.2) \(sdist\) is a native build for //platforms:linux_aarch64 "
        r"\(linux aarch64 glibc 2\.28, cpython 3\.11\), but this executor is linux x86_64 glibc",
        err.stderr,
    )
    assert missing or wrong, err.stderr[-4000:]
    assert "execvp" not in err.stderr
    assert_no_python_traceback(err.stderr)


def _wheel_in_fresh_output_base(name: str) -> bytes:
    with fresh_output_base(BAZEL, HERE, f"crossbuild-{name}") as base:
        target = 'kind("_uv_sdist_wheel", deps(@pypi//markupsafe))'
        (label,) = bazel("cquery", target, "--output=label", startup=base).stdout.split()[:1]
        built = bazel("build", label, "//app", startup=base)
        # Quiet on success: no sdist build, wheel install or venv action prints anything.
        assert "INFO: From " not in built.stderr, built.stderr
        (house,) = bazel("cquery", label, "--output=files", startup=base).stdout.split()
        execroot = bazel("info", "execution_root", startup=base).stdout.strip()
        (wheel,) = (host_path(execroot) / house).glob("*.whl")
        return wheel.name.encode() + b"\n" + wheel.read_bytes()


def test_the_same_sdist_built_in_two_clean_output_bases_gives_identical_wheels():
    first, second = _wheel_in_fresh_output_base("a"), _wheel_in_fresh_output_base("b")
    assert first.startswith(b"markupsafe-3.0.2-cp311-cp311-linux_x86_64.whl\n")
    assert first == second


UNNEEDED = """
[[package]]
name = "never-needed"
version = "1.0"
source = { registry = "https://pypi.org/simple" }
wheels = [{ url = "https://x/never_needed-1.0-py3-none-any.whl", hash = "sha256:%s" }]
""" % ("0" * 64)


def test_a_lock_edit_reads_no_sdist_again_whose_own_inputs_are_unchanged():
    with scratch_workspace("crossbuild-relock", HERE) as copy, fresh_output_base(BAZEL, copy, "relock") as base:
        bazel("build", "--nobuild", "//app", startup=base, cwd=copy)
        external = host_path(bazel("info", "output_base", startup=base, cwd=copy).stdout.strip()) / "external"
        (facts,) = [p for p in external.glob("*pypi__markupsafe__*/sdist.json")]
        (wheel_build,) = external.glob("*pypi__markupsafe__*__wheel/BUILD.bazel")
        read_at, resolved_at, build_text = (
            facts.stat().st_mtime_ns,
            wheel_build.stat().st_mtime_ns,
            wheel_build.read_text(),
        )
        (copy / "uv.lock").write_text((copy / "uv.lock").read_text() + UNNEEDED)
        bazel("build", "--nobuild", "//app", startup=base, cwd=copy)
        assert facts.stat().st_mtime_ns == read_at, "the sdist was read again although only the lock changed"
        assert wheel_build.stat().st_mtime_ns != resolved_at, "the build requirements were not resolved again"
        assert wheel_build.read_text() == build_text
