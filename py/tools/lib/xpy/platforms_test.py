"""Unit tests of the platform model: tag order, fits, native files and marker environments."""

import json

import pytest
from packaging.markers import Marker
from packaging.tags import Tag

import xpy.platforms as tp
from xpy.platforms import PlatformError

LINUX_X86 = tp.DEFAULT_PLATFORMS["linux_x86_64"]
LINUX_ARM = tp.DEFAULT_PLATFORMS["linux_aarch64"]
MAC_ARM = tp.DEFAULT_PLATFORMS["macos_arm64"]
MAC_X86 = tp.DEFAULT_PLATFORMS["macos_x86_64"]
WIN = tp.DEFAULT_PLATFORMS["windows_x86_64"]


def test_there_are_five_named_defaults():
    assert tp.platform_names() == ["linux_x86_64", "linux_aarch64", "macos_arm64", "macos_x86_64", "windows_x86_64"]


def test_manylinux_goes_down_from_glibc_2_28_with_legacy_aliases():
    plats = LINUX_X86.platform_tags()
    assert plats[0] == "manylinux_2_28_x86_64"
    assert plats[plats.index("manylinux_2_17_x86_64") + 1] == "manylinux2014_x86_64"
    assert plats[-3:] == ["manylinux_2_5_x86_64", "manylinux1_x86_64", "linux_x86_64"]
    assert "manylinux_2_29_x86_64" not in plats


def test_manylinux_aarch64_stops_at_2_17():
    assert LINUX_ARM.platform_tags()[-3:] == ["manylinux_2_17_aarch64", "manylinux2014_aarch64", "linux_aarch64"]


def test_musl_platform_uses_musllinux_tags():
    musl = tp.TargetPlatform("alpine_arm64", "linux", "aarch64", libc="musl", libc_version="1.2")
    assert musl.platform_tags() == ["musllinux_1_2_aarch64", "musllinux_1_1_aarch64", "linux_aarch64"]


def test_macos_arm64_accepts_older_arm64_and_universal2_never_newer():
    plats = MAC_ARM.platform_tags()
    assert plats[:4] == ["macosx_12_0_arm64", "macosx_12_0_universal2", "macosx_11_0_arm64", "macosx_11_0_universal2"]
    assert "macosx_10_9_universal2" in plats
    assert "macosx_13_0_arm64" not in plats
    assert not any(p.endswith("x86_64") for p in plats)


def test_windows_accepts_win_amd64_only():
    assert WIN.platform_tags() == ["win_amd64"]


def test_tags_go_from_interpreter_specific_over_abi3_to_pure():
    tags = LINUX_X86.tags()
    order = [Tag("cp311", "cp311", "manylinux_2_28_x86_64"), Tag("cp311", "abi3", "manylinux_2_28_x86_64")]
    order += [Tag("cp39", "abi3", "manylinux1_x86_64"), Tag("py3", "none", "any")]
    assert tags[0] == order[0]
    assert [tags.index(t) for t in order] == sorted(tags.index(t) for t in order)
    assert Tag("cp312", "cp312", "manylinux_2_28_x86_64") not in tags


def test_python_version_changes_the_abi():
    tags = LINUX_X86.with_python("3.12").tags()
    assert tags[0] == Tag("cp312", "cp312", "manylinux_2_28_x86_64")
    assert Tag("cp311", "cp311", "manylinux_2_28_x86_64") not in tags


def test_free_threaded_abi_has_no_abi3():
    ft = tp.TargetPlatform("ft", "linux", "x86_64", "glibc", "2.28", python_version="3.13", abi="cp313t")
    tags = ft.tags()
    assert tags[0] == Tag("cp313", "cp313t", "manylinux_2_28_x86_64")
    assert Tag("cp313", "abi3", "manylinux_2_28_x86_64") not in tags


@pytest.mark.parametrize(
    ("platform", "expected"),
    [
        (
            LINUX_ARM,
            {"sys_platform": "linux", "platform_system": "Linux", "platform_machine": "aarch64", "os_name": "posix"},
        ),
        (
            MAC_ARM,
            {"sys_platform": "darwin", "platform_system": "Darwin", "platform_machine": "arm64", "os_name": "posix"},
        ),
        (MAC_X86, {"sys_platform": "darwin", "platform_machine": "x86_64"}),
        (WIN, {"sys_platform": "win32", "platform_system": "Windows", "platform_machine": "AMD64", "os_name": "nt"}),
    ],
)
def test_marker_environment(platform, expected):
    env = platform.marker_environment()
    assert {k: env[k] for k in expected} == expected
    assert env["python_version"] == "3.11"
    assert env["python_full_version"] == "3.11.0"
    assert env["implementation_name"] == "cpython"
    assert env["platform_python_implementation"] == "CPython"


def test_marker_environment_evaluates_real_markers():
    colorama = Marker("sys_platform == 'win32'")
    assert [colorama.evaluate(p.marker_environment()) for p in (LINUX_X86, MAC_ARM, WIN)] == [False, False, True]
    full = Marker("python_full_version >= '3.11.4'")
    assert not full.evaluate(LINUX_X86.marker_environment())
    assert full.evaluate(LINUX_X86.with_python("3.11.9").marker_environment())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"os": "freebsd", "cpu": "x86_64"}, "os 'freebsd' / cpu 'x86_64'"),
        ({"os": "linux", "cpu": "x86_64"}, "libc is wrong"),
        ({"os": "macos", "cpu": "aarch64", "libc": "glibc"}, "libc is wrong"),
        ({"os": "windows", "cpu": "x86_64", "macos_version": "12.0"}, "macos_version is set"),
        ({"os": "linux", "cpu": "x86_64", "libc": "uclibc"}, "libc 'uclibc'"),
        ({"os": "linux", "cpu": "x86_64", "libc": "glibc", "libc_version": "2.4"}, "glibc versions start at 2.5"),
        ({"os": "windows", "cpu": "x86_64", "python_version": "3.5000000"}, "is not X.Y or X.Y.Z"),
        ({"os": "windows", "cpu": "x86_64", "python_version": "3"}, "version '3' is not X.Y"),
        ({"os": "windows", "cpu": "x86_64", "implementation": "pypy"}, "pypy without abi"),
    ],
)
def test_malformed_platforms_are_errors(kwargs, message):
    with pytest.raises(PlatformError, match=message):
        tp.TargetPlatform("p", **kwargs)


def test_load_platforms_defaults_names_and_custom_json(tmp_path):
    assert [p.name for p in tp.load_platforms([])] == tp.platform_names()
    assert tp.load_platforms(["windows_x86_64"]) == [WIN]
    custom = json.dumps([{"name": "alpine", "os": "linux", "cpu": "x86_64", "libc": "musl", "libc_version": "1.2"}])
    custom = custom.encode()
    assert [p.name for p in tp.load_platforms([], custom)] == ["alpine"]
    assert [p.name for p in tp.load_platforms(["alpine", "macos_arm64"], custom)] == ["alpine", "macos_arm64"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'[{"name": "x", "os": "linux"}]', r"platform entry .* is malformed \(p.json\)"),
        (b'[{"name": "x", "os": "linux", "cpu": "x86_64"}]', r"libc is wrong of target platform 'x' \(p.json\)"),
        (b"\xff[]", r"not UTF-8 \(byte 0\) \(p.json\)"),
        (b"[", r"not valid JSON: .* \(p.json\)"),
        (b"{}", r"platforms file is not a JSON list \(p.json\)"),
        (b'[{"name": "a/b", "os": "windows", "cpu": "x86_64"}]', r"platform name 'a/b' is not an identifier"),
        (b'[{"name": "w", "os": "windows", "cpu": 1}]', r"platform entry 'w' has values that are not strings"),
        (
            b'[{"name": "w", "os": "windows", "cpu": "x86_64"}, {"name": "w", "os": "windows", "cpu": "x86_64"}]',
            "defined twice",
        ),
    ],
)
def test_load_platforms_errors_name_the_file(data, message):
    with pytest.raises(PlatformError, match=message):
        tp.load_platforms([], data, "p.json")


def test_unknown_platform_names_are_errors():
    with pytest.raises(PlatformError, match=r"unknown target platform 'solaris' \(target platforms\): use one of"):
        tp.load_platforms(["solaris"])
    with pytest.raises(PlatformError, match=r"target platform 'windows_x86_64' is listed twice"):
        tp.load_platforms(["windows_x86_64", "windows_x86_64"])
