"""Unit tests of wheel selection, with file names of real packages."""

import pytest
import uv_lock
import wheel_select as ws
import xpy.platforms as tp

P = tp.DEFAULT_PLATFORMS

PYYAML = [
    "PyYAML-6.0.2-cp311-cp311-macosx_10_9_x86_64.whl",
    "PyYAML-6.0.2-cp311-cp311-macosx_11_0_arm64.whl",
    "PyYAML-6.0.2-cp311-cp311-manylinux_2_17_aarch64.manylinux2014_aarch64.whl",
    "PyYAML-6.0.2-cp311-cp311-manylinux_2_17_s390x.manylinux2014_s390x.whl",
    "PyYAML-6.0.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "PyYAML-6.0.2-cp311-cp311-musllinux_1_1_aarch64.whl",
    "PyYAML-6.0.2-cp311-cp311-musllinux_1_1_x86_64.whl",
    "PyYAML-6.0.2-cp311-cp311-win32.whl",
    "PyYAML-6.0.2-cp311-cp311-win_amd64.whl",
    "PyYAML-6.0.2-cp312-cp312-macosx_11_0_arm64.whl",
    "PyYAML-6.0.2-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "PyYAML-6.0.2-cp312-cp312-win_amd64.whl",
]
CHARSET = [
    "charset_normalizer-3.4.0-cp311-cp311-macosx_10_9_universal2.whl",
    "charset_normalizer-3.4.0-cp311-cp311-macosx_10_9_x86_64.whl",
    "charset_normalizer-3.4.0-cp311-cp311-macosx_11_0_arm64.whl",
    "charset_normalizer-3.4.0-cp311-cp311-manylinux_2_17_aarch64.manylinux2014_aarch64.whl",
    "charset_normalizer-3.4.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "charset_normalizer-3.4.0-cp311-cp311-musllinux_1_2_x86_64.whl",
    "charset_normalizer-3.4.0-cp311-cp311-win_amd64.whl",
    "charset_normalizer-3.4.0-py3-none-any.whl",
]
PSUTIL = [
    "psutil-6.1.0-cp36-abi3-macosx_10_9_x86_64.whl",
    "psutil-6.1.0-cp36-abi3-macosx_11_0_arm64.whl",
    "psutil-6.1.0-cp36-abi3-manylinux_2_12_x86_64.manylinux2010_x86_64.manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "psutil-6.1.0-cp36-abi3-manylinux_2_17_aarch64.manylinux2014_aarch64.whl",
    "psutil-6.1.0-cp37-abi3-win_amd64.whl",
    "psutil-6.1.0-cp37-abi3-win32.whl",
]
MARKUPSAFE = [
    "MarkupSafe-3.0.2-cp311-cp311-macosx_10_9_universal2.whl",
    "MarkupSafe-3.0.2-cp311-cp311-macosx_11_0_arm64.whl",
    "MarkupSafe-3.0.2-cp311-cp311-manylinux_2_17_aarch64.manylinux2014_aarch64.whl",
    "MarkupSafe-3.0.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "MarkupSafe-3.0.2-cp311-cp311-win_amd64.whl",
]
CRYPTOGRAPHY = [
    "cryptography-44.0.0-cp37-abi3-macosx_10_9_universal2.whl",
    "cryptography-44.0.0-cp37-abi3-manylinux_2_17_aarch64.manylinux2014_aarch64.whl",
    "cryptography-44.0.0-cp37-abi3-manylinux_2_28_aarch64.whl",
    "cryptography-44.0.0-cp37-abi3-manylinux_2_28_x86_64.whl",
    "cryptography-44.0.0-cp37-abi3-manylinux_2_34_x86_64.whl",
    "cryptography-44.0.0-cp39-abi3-manylinux_2_28_x86_64.whl",
    "cryptography-44.0.0-cp37-abi3-musllinux_1_2_x86_64.whl",
    "cryptography-44.0.0-cp37-abi3-win_amd64.whl",
    "cryptography-44.0.0-pp310-pypy310_pp73-manylinux_2_28_x86_64.whl",
]


@pytest.mark.parametrize(
    ("platform", "expected"),
    [
        ("linux_x86_64", "PyYAML-6.0.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"),
        ("linux_aarch64", "PyYAML-6.0.2-cp311-cp311-manylinux_2_17_aarch64.manylinux2014_aarch64.whl"),
        ("macos_arm64", "PyYAML-6.0.2-cp311-cp311-macosx_11_0_arm64.whl"),
        ("macos_x86_64", "PyYAML-6.0.2-cp311-cp311-macosx_10_9_x86_64.whl"),
        ("windows_x86_64", "PyYAML-6.0.2-cp311-cp311-win_amd64.whl"),
    ],
)
def test_pyyaml_per_platform(platform, expected):
    assert P[platform].best_wheel(PYYAML) == expected


def test_python_version_selects_its_own_abi():
    assert P["windows_x86_64"].with_python("3.12").best_wheel(PYYAML) == "PyYAML-6.0.2-cp312-cp312-win_amd64.whl"
    assert P["linux_aarch64"].with_python("3.12").best_wheel(PYYAML) is None


def test_native_wheel_beats_pure_fallback():
    assert P["linux_aarch64"].best_wheel(CHARSET) == CHARSET[3]
    assert P["linux_aarch64"].with_python("3.13").best_wheel(CHARSET) == "charset_normalizer-3.4.0-py3-none-any.whl"


def test_macos_prefers_thin_arch_wheel_over_universal2_and_x86_takes_newest_fitting():
    assert P["macos_arm64"].best_wheel(CHARSET) == "charset_normalizer-3.4.0-cp311-cp311-macosx_11_0_arm64.whl"
    assert P["macos_x86_64"].best_wheel(CHARSET) == "charset_normalizer-3.4.0-cp311-cp311-macosx_10_9_x86_64.whl"
    assert P["macos_arm64"].best_wheel(MARKUPSAFE[:1]) == "MarkupSafe-3.0.2-cp311-cp311-macosx_10_9_universal2.whl"
    assert P["macos_x86_64"].best_wheel(MARKUPSAFE[:1]) == "MarkupSafe-3.0.2-cp311-cp311-macosx_10_9_universal2.whl"


def test_abi3_wheels_fit_newer_cpython():
    assert P["linux_x86_64"].with_python("3.13").best_wheel(PSUTIL) == PSUTIL[2]
    assert P["windows_x86_64"].best_wheel(PSUTIL) == "psutil-6.1.0-cp37-abi3-win_amd64.whl"
    assert P["macos_arm64"].best_wheel(PSUTIL) == "psutil-6.1.0-cp36-abi3-macosx_11_0_arm64.whl"


def test_newest_fitting_glibc_and_abi3_version_win_and_too_new_glibc_is_refused():
    assert P["linux_x86_64"].best_wheel(CRYPTOGRAPHY) == "cryptography-44.0.0-cp39-abi3-manylinux_2_28_x86_64.whl"
    assert P["linux_aarch64"].best_wheel(CRYPTOGRAPHY) == "cryptography-44.0.0-cp37-abi3-manylinux_2_28_aarch64.whl"
    assert P["linux_x86_64"].best_wheel(["cryptography-44.0.0-cp37-abi3-manylinux_2_34_x86_64.whl"]) is None


def test_musl_platform_takes_musllinux_wheels_only():
    musl = tp.TargetPlatform("alpine", "linux", "x86_64", libc="musl", libc_version="1.2")
    assert musl.best_wheel(CRYPTOGRAPHY) == "cryptography-44.0.0-cp37-abi3-musllinux_1_2_x86_64.whl"
    assert musl.best_wheel(PSUTIL) is None


def test_no_wheel_at_all_is_none():
    assert P["linux_x86_64"].best_wheel([]) is None


def _package(wheels, sdist=True, kind="registry"):
    def file(name, k):
        return uv_lock.File(k, f"https://x/{name}", "0" * 64, None, name)

    return uv_lock.Package(
        name="p",
        version="1",
        source=uv_lock.Source(kind, ".", "editable" if kind == "first_party" else kind),
        sdist=file("p-1.tar.gz", "sdist") if sdist else None,
        wheels=tuple(file(w, "wheel") for w in wheels),
    )


def test_choose_wheel_then_sdist_then_nothing():
    linux = P["linux_x86_64"]
    wheel = ws.choose(_package(["p-1-cp311-cp311-win_amd64.whl", "p-1-py3-none-any.whl"]), P["windows_x86_64"])
    assert wheel.file is not None and wheel.file.filename == "p-1-cp311-cp311-win_amd64.whl"
    assert wheel.reason == "wheel tag cp311-cp311-win_amd64 fits windows_x86_64"
    sdist = ws.choose(_package(["p-1-cp311-cp311-win_amd64.whl"]), linux)
    assert sdist.file is not None and sdist.file.kind == "sdist"
    assert sdist.reason == "no wheel fits linux_x86_64 (cpython 3.11): build the sdist"
    nothing = ws.choose(_package(["p-1-cp311-cp311-win_amd64.whl"], sdist=False), linux)
    assert nothing == ws.Choice(None, "no wheel fits linux_x86_64 (cpython 3.11) and there is no sdist")


def test_first_party_package_has_no_file():
    assert ws.choose(_package([], sdist=False, kind="first_party"), P["linux_x86_64"]).file is None
