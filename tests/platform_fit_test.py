"""One platform model: every tool that decides whether a wheel fits a target gives the same answer.

The planner (wheel_select.choose), PySdistBuild's check of a built wheel
(wheel_check.check_wheel), PyPex's check (pex_builder.wheel_misfit) and
WhlInstall's (whl_install.install_wheel with a target) run on one table of
wheels and target platforms. The planner sees file names only; the other three
also read each native file, so the rows with native contents run through them.
Real MarkupSafe 3.0.2 wheels (tests/fixtures.bzl) supply the native files.
"""

import base64
import csv
import hashlib
import io
import os
import zipfile
from pathlib import Path

import pex_builder
import pytest
import uv_lock
import wheel_check
import wheel_select
import whl_install
from xpy.binaries import read_native, scan_zip
from xpy.platforms import DEFAULT_PLATFORMS, TargetPlatform

GLIBC_X86 = DEFAULT_PLATFORMS["linux_x86_64"]
GLIBC_ARM = DEFAULT_PLATFORMS["linux_aarch64"]
MUSL_X86 = TargetPlatform("linux_musl_x86_64", "linux", "x86_64", libc="musl", libc_version="1.2")
MUSL_ARM = TargetPlatform("linux_musl_aarch64", "linux", "aarch64", libc="musl", libc_version="1.2")
MAC_ARM = DEFAULT_PLATFORMS["macos_arm64"]
MAC_X86 = DEFAULT_PLATFORMS["macos_x86_64"]
WIN = DEFAULT_PLATFORMS["windows_x86_64"]
WIN_ARM = TargetPlatform("windows_arm64", "windows", "aarch64")

# (wheel tags, target, fits): the rows the three tools used to disagree on come first.
TAG_CASES = [
    ("cp311-cp311-musllinux_1_2_x86_64", GLIBC_X86, False),
    ("cp311-cp311-manylinux_2_17_x86_64", MUSL_X86, False),
    ("cp311-cp311-linux_x86_64", MUSL_X86, True),  # a machine's own build: its native files decide (below)
    ("cp311-cp311-macosx_10_9_intel", MAC_X86, True),
    ("cp311-cp311-manylinux_2_34_x86_64", GLIBC_X86, False),  # needs glibc 2.34, the target has 2.28
    ("cp311-cp311-linux_x86_64", GLIBC_X86, True),
    ("cp311-cp311-linux_x86_64", GLIBC_ARM, False),
    ("cp311-cp311-manylinux_2_28_x86_64", GLIBC_X86, True),
    ("cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64", GLIBC_X86, True),
    ("cp311-cp311-manylinux_2_17_aarch64", GLIBC_X86, False),
    ("cp311-cp311-musllinux_1_2_x86_64", MUSL_X86, True),
    ("cp311-cp311-musllinux_1_3_x86_64", MUSL_X86, False),
    ("cp311-cp311-macosx_10_9_universal2", MAC_ARM, True),
    ("cp311-cp311-macosx_10_9_universal2", MAC_X86, True),
    ("cp311-cp311-macosx_11_0_arm64", MAC_ARM, True),
    ("cp311-cp311-macosx_11_0_arm64", MAC_X86, False),
    ("cp311-cp311-macosx_13_0_arm64", MAC_ARM, False),  # needs macOS 13, the target is 12.0
    ("cp311-cp311-macosx_10_9_x86_64", MAC_ARM, False),
    ("cp37-abi3-manylinux_2_17_x86_64", GLIBC_X86, True),
    ("cp312-abi3-manylinux_2_17_x86_64", GLIBC_X86, False),  # abi3 of 3.12 needs 3.12
    ("cp312-cp312-manylinux_2_17_x86_64", GLIBC_X86, False),
    ("py2.py3-none-any", WIN, True),
    ("py2.py3-none-any", MUSL_X86, True),
    ("py2-none-any", GLIBC_X86, False),
    ("cp311-cp311-win_amd64", WIN, True),
    ("cp311-cp311-win32", WIN, False),
    ("cp311-cp311-win_arm64", WIN_ARM, True),
    ("cp311-cp311-win_amd64", WIN_ARM, False),
    ("cp311-cp311-win_amd64", GLIBC_X86, False),
]


def _fixture(kind):
    """The native file of a fixture wheel: (member name, bytes)."""
    for path in os.environ["FIXTURE_WHEELS"].split():
        if kind in path:
            with zipfile.ZipFile(Path(os.environ["RUNFILES_DIR"]) / path) as zf:
                (name,) = [n for n in zf.namelist() if n.endswith((".so", ".pyd"))]
                return name, zf.read(name)
    raise AssertionError(f"no fixture wheel for {kind}")


def make_wheel(directory, tags, natives=None):
    """A valid wheel `demo-1.0-<tags>.whl` (RECORD and all), holding `natives` {member: bytes}."""
    files = {"demo/__init__.py": b"", **(natives or {})}
    files["demo-1.0.dist-info/METADATA"] = b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"
    files["demo-1.0.dist-info/WHEEL"] = (
        f"Wheel-Version: 1.0\nGenerator: t\nRoot-Is-Purelib: false\nTag: {tags}\n".encode()
    )
    rows = [
        [n, "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(d).digest()).decode().rstrip("="), str(len(d))]
        for n, d in files.items()
    ]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([*rows, ["demo-1.0.dist-info/RECORD", "", ""]])
    path = Path(directory) / f"demo-1.0-{tags}.whl"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
        zf.writestr("demo-1.0.dist-info/RECORD", out.getvalue())
    return path


def planner_says(path, target):
    file = uv_lock.File("wheel", f"https://x/{path.name}", "0" * 64, None, path.name)
    package = uv_lock.Package("demo", "1.0", uv_lock.Source("registry", "https://x", "registry"), wheels=(file,))
    return wheel_select.choose(package, target).file is not None


def build_helper_says(path, target):
    try:
        wheel_check.check_wheel(path, "demo", "1.0", "native", target)
    except wheel_check.WrongPlatformError:
        return False
    return True


def pex_builder_says(path, target):
    return pex_builder.wheel_misfit(pex_builder.read_wheel(path), target) is None


def whl_install_says(path, target, tmp_path):
    try:
        whl_install.install_wheel(path, tmp_path / "installed", target=target)
    except whl_install.WrongPlatformError:
        return False
    return True


@pytest.mark.parametrize(("tags", "target", "fits"), TAG_CASES, ids=[f"{t}->{p.name}" for t, p, _ in TAG_CASES])
def test_every_tool_gives_the_same_answer_by_tags(tmp_path, tags, target, fits):
    path = make_wheel(tmp_path, tags)
    answers = {
        "planner": planner_says(path, target),
        "build_helper": build_helper_says(path, target),
        "pex_builder": pex_builder_says(path, target),
        "whl_install": whl_install_says(path, target, tmp_path),
    }
    assert answers == dict.fromkeys(answers, fits)


# (wheel tags, fixture whose native file the wheel holds, target, fits): decided by the native file.
CONTENT_CASES = [
    ("cp311-cp311-linux_x86_64", "musl_x86_64", MUSL_X86, True),
    ("cp311-cp311-linux_x86_64", "musl_x86_64", GLIBC_X86, False),  # an x86_64 .so, but linked against musl
    ("cp311-cp311-linux_aarch64", "musl_x86_64", MUSL_ARM, False),
    ("cp311-cp311-linux_aarch64", "glibc_aarch64", GLIBC_ARM, True),
    ("cp311-cp311-manylinux_2_17_x86_64", "glibc_aarch64", GLIBC_X86, False),  # tags say x86_64, the .so is aarch64
    ("cp311-cp311-win_amd64", "win_amd64", WIN, True),
    ("cp311-cp311-win_arm64", "win_amd64", WIN_ARM, False),
    ("cp311-cp311-macosx_11_0_arm64", "macos_universal2", MAC_ARM, True),
    ("cp311-cp311-manylinux_2_17_x86_64", "win_amd64", GLIBC_X86, False),  # a PE file in a Linux wheel
    ("py3-none-any", "win_amd64", GLIBC_X86, True),  # a pure wheel bundling a Windows build (debugpy does)
]


@pytest.mark.parametrize(("tags", "fixture", "target", "fits"), CONTENT_CASES)
def test_the_tools_that_read_wheels_give_the_same_answer_by_native_files(tmp_path, tags, fixture, target, fits):
    name, data = _fixture(fixture)
    path = make_wheel(tmp_path, tags, {f"demo/{name.rpartition('/')[2]}": data})
    answers = {
        "build_helper": build_helper_says(path, target),
        "pex_builder": pex_builder_says(path, target),
        "whl_install": whl_install_says(path, target, tmp_path),
    }
    assert answers == dict.fromkeys(answers, fits)


def test_a_native_file_needing_a_newer_glibc_than_the_target_is_refused(tmp_path):
    ls = Path("/bin/ls").read_bytes()  # this machine's: needs GLIBC_2.34 or newer
    with open("/bin/ls", "rb") as f:
        native = read_native(f, len(ls))
    assert native is not None and native.glibc_needed >= (2, 34)
    path = make_wheel(tmp_path, "cp311-cp311-linux_x86_64", {"demo/_tool.so": ls})
    assert not build_helper_says(path, GLIBC_X86)  # glibc 2.28
    assert build_helper_says(path, TargetPlatform("new", "linux", "x86_64", libc="glibc", libc_version="2.39"))
    with pytest.raises(wheel_check.WrongPlatformError, match=r"it needs glibc 2\.\d+, newer than glibc 2\.28"):
        wheel_check.check_wheel(path, "demo", "1.0", "native", GLIBC_X86)


@pytest.mark.parametrize(
    ("fixture", "kind", "os_", "arches", "libc"),
    [
        ("musl_x86_64", "ELF", "linux", ("x86_64",), "musl"),
        ("glibc_aarch64", "ELF", "linux", ("aarch64",), "glibc"),
        ("macos_universal2", "Mach-O", "macos", ("x86_64", "arm64"), None),
        ("win_amd64", "PE", "windows", ("x86_64",), None),
    ],
)
def test_native_files_of_real_wheels_are_read_right(tmp_path, fixture, kind, os_, arches, libc):
    name, data = _fixture(fixture)
    path = make_wheel(tmp_path, "py3-none-any", {f"demo/{name.rpartition('/')[2]}": data})
    with zipfile.ZipFile(path) as zf:
        ((member, native),) = list(scan_zip(zf))
    assert member.startswith("demo/_speedups")
    assert (native.kind, native.os, native.arches, native.libc) == (kind, os_, arches, libc)
    if fixture == "glibc_aarch64":
        assert native.glibc_needed is not None and native.glibc_needed <= (2, 17)
