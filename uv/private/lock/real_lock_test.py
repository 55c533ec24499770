"""The reader and planner on a real uv.lock (testdata/real/uv.lock), resolved from PyPI by the pinned uv.

Regenerate after changing testdata/real/pyproject.toml (same versions of uv as tools/setup_dev pins):

    cd uv/private/lock/testdata/real && UV_PYTHON_DOWNLOADS=never uv lock --no-config --python python3.11
"""

import json
from pathlib import Path

import lock_plan
import pytest
import uv_lock
import xpy.platforms as tp
from xpy.platforms import wheel_tags

LOCK = Path(__file__).parent / "testdata" / "real" / "uv.lock"
COWSAY_URL = (
    "https://files.pythonhosted.org/packages/7e/b5/e8e802ddc7f5219417dc7d7953eec81ffe48ad129b793f3040361e4aff89/"
    "cowsay-6.0.tar.gz"
)
COWSAY_SHA256 = "47445cb273684618a1786db8e8d05ec9258455f7eb74893e5d0933daafeb44ba"
# click 8.1 depends on colorama on Windows only; tqdm too. Native wheels: pyyaml, charset-normalizer, psutil
# (abi3), markupsafe, cryptography (abi3), cffi.
NATIVE = ["pyyaml", "charset-normalizer", "psutil", "markupsafe"]


@pytest.fixture(scope="session")
def lock_path():
    return LOCK


@pytest.fixture(scope="session")
def lock(lock_path):
    return uv_lock.read_lock(lock_path)


@pytest.fixture(scope="session")
def plan(lock):
    return lock_plan.make_plan(lock, tp.load_platforms([]))


def chosen(plan, package, platform):
    entry = plan["packages"][package]
    return entry["files"][entry["platforms"][platform]["file"]]


def platforms_of(filename):
    return {t.platform for t in wheel_tags(filename)}


def test_reader_sees_the_project_and_the_direct_url_sdist(lock):
    root = next(p for p in lock.packages if p.name == "xpy-demo")
    assert root.source == uv_lock.Source("first_party", ".", "virtual")
    assert set(root.optional_dependencies) == {"socks"} and set(root.dev_dependencies) == {"dev"}
    cowsay = next(p for p in lock.packages if p.name == "cowsay")
    assert cowsay.source == uv_lock.Source("url", COWSAY_URL, "url")
    assert cowsay.sdist == uv_lock.File("sdist", COWSAY_URL, COWSAY_SHA256, None, "cowsay-6.0.tar.gz")


def test_closure_has_at_least_15_packages_on_every_platform(plan):
    assert list(plan["platforms"]) == tp.platform_names()
    for name, platform in plan["platforms"].items():
        assert len(platform["closure"]) >= 15, name
    assert plan["roots"] == ["xpy-demo"]


def test_linux_aarch64_gets_manylinux_aarch64_wheels(plan):
    for package in NATIVE:
        file = chosen(plan, package, "linux_aarch64")
        assert file["kind"] == "wheel"
        assert all(p.startswith("manylinux") and p.endswith("_aarch64") for p in platforms_of(file["filename"]))
    assert "-cp311-cp311-" in chosen(plan, "pyyaml", "linux_aarch64")["filename"]


def test_macos_arm64_gets_arm64_or_universal2_wheels(plan):
    for package in NATIVE:
        file = chosen(plan, package, "macos_arm64")
        assert file["kind"] == "wheel"
        assert all(p.endswith(("_arm64", "_universal2")) for p in platforms_of(file["filename"])), file


def test_windows_gets_win_amd64_wheels_and_colorama(plan):
    for package in NATIVE:
        assert platforms_of(chosen(plan, package, "windows_x86_64")["filename"]) == {"win_amd64"}
    assert "colorama" in plan["platforms"]["windows_x86_64"]["closure"]
    assert "colorama" in plan["packages"]["click"]["platforms"]["windows_x86_64"]["dependencies"]
    assert chosen(plan, "colorama", "windows_x86_64")["filename"].endswith("-none-any.whl")


def test_only_windows_gets_colorama(plan):
    for name in ("linux_x86_64", "linux_aarch64", "macos_arm64", "macos_x86_64"):
        assert "colorama" not in plan["platforms"][name]["closure"]
        assert plan["packages"]["click"]["platforms"][name]["dependencies"] == []
    assert list(plan["packages"]["colorama"]["platforms"]) == ["windows_x86_64"]


def test_cowsay_direct_url_is_an_sdist_everywhere(plan):
    for name in plan["platforms"]:
        assert chosen(plan, "cowsay", name) == {
            "kind": "sdist",
            "url": COWSAY_URL,
            "sha256": COWSAY_SHA256,
            "size": None,
            "filename": "cowsay-6.0.tar.gz",
        }
    assert plan["packages"]["cowsay"]["source"] == {"kind": "url", "location": COWSAY_URL}


def test_linux_gets_a_wheel_for_every_registry_package(plan):
    for pid in plan["platforms"]["linux_x86_64"]["closure"]:
        entry = plan["packages"][pid]
        if entry["source"]["kind"] == "registry":
            assert chosen(plan, pid, "linux_x86_64")["kind"] == "wheel", pid


def test_extra_and_group_of_the_root(lock):
    p = lock_plan.make_plan(lock, tp.load_platforms(["linux_x86_64"]), lock_plan.Selection(extras=("socks",)))
    assert "pysocks" in p["platforms"]["linux_x86_64"]["closure"]
    assert p["packages"]["requests"]["platforms"]["linux_x86_64"]["extras"] == ["socks"]
    p = lock_plan.make_plan(lock, tp.load_platforms(["windows_x86_64"]), lock_plan.Selection(groups=("dev",)))
    assert "colorama" in p["packages"]["pytest"]["platforms"]["windows_x86_64"]["dependencies"]


def test_python_312_gets_cp312_wheels(lock):
    p = lock_plan.make_plan(lock, [tp.DEFAULT_PLATFORMS["linux_x86_64"].with_python("3.12")])
    assert "-cp312-cp312-manylinux" in chosen(p, "pyyaml", "linux_x86_64")["filename"]


def test_cli_output_is_stable(lock_path, plan, tmp_path):
    out1, out2 = tmp_path / "1.json", tmp_path / "2.json"
    assert lock_plan.main([f"--lock={lock_path}", f"--output={out1}"]) == 0
    assert lock_plan.main([f"--lock={lock_path}", f"--output={out2}"]) == 0
    assert out1.read_bytes() == out2.read_bytes()
    assert json.loads(out1.read_text())["packages"] == plan["packages"]
