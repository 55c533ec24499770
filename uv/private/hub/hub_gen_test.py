"""hub_gen: per-platform targets, cycles, missing files, requirement(), and a snapshot of one package's BUILD."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import hub_gen
import pytest

H = "a" * 64
LINUX = {"os": "linux", "cpu": "x86_64", "libc": "glibc", "libc_version": "2.28", "python_version": "3.11"}
WINDOWS = {"os": "windows", "cpu": "x86_64", "python_version": "3.11"}


def _pkg(name: str, platforms: dict[str, tuple[str | None, list[str]]], files: dict[str, str]) -> dict[str, Any]:
    return {
        "name": name,
        "version": "1.0",
        "source": {"kind": "registry", "location": "https://pypi.org/simple"},
        "files": {
            fid: {"kind": "wheel", "url": f"https://x/{fid}", "sha256": sha, "size": None, "filename": fid}
            for fid, sha in files.items()
        },
        "lock_files": sorted(files),
        "platforms": {
            p: {"file": f, "reason": "no wheel fits" if f is None else "fits", "dependencies": d, "extras": []}
            for p, (f, d) in platforms.items()
        },
    }


def _plan() -> dict[str, Any]:
    app = _pkg("app", {"linux": (None, ["a", "click"]), "windows": (None, ["a", "click"])}, {})
    app["source"] = {"kind": "first_party", "location": "."}
    return {
        "lock": "//:uv.lock",
        "platforms": {
            "linux": {**LINUX, "closure": ["a", "app", "b", "click"]},
            "windows": {**WINDOWS, "closure": ["a", "app", "b", "click", "colorama"]},
        },
        "packages": {
            "app": app,
            # a <-> b: a cycle on both platforms
            "a": _pkg("a", {p: ("a.whl", ["b"]) for p in ("linux", "windows")}, {"a.whl": "1" * 64}),
            "b": _pkg("b", {p: ("b.whl", ["a", "app"]) for p in ("linux", "windows")}, {"b.whl": "2" * 64}),
            "click": _pkg(
                "click",
                {"linux": ("click.whl", []), "windows": ("click.whl", ["colorama"])},
                {"click.whl": "3" * 64},
            ),
            # colorama: Windows only; no file fits
            "colorama": _pkg("colorama", {"windows": (None, [])}, {"colorama-1.0.tar.bz2": H}),
        },
    }


def _gen(**kw: Any) -> dict[str, Any]:
    return hub_gen.generate(_plan(), "pypi", "@@rules_xpy~", uv="@xpy_uv//:uv", **kw)


def test_one_repository_per_chosen_file():
    repos = _gen()["repos"]
    assert sorted(repos) == ["pypi__a__1111111111", "pypi__b__2222222222", "pypi__click__3333333333"]
    assert repos["pypi__click__3333333333"] == {
        "url": "https://x/click.whl",
        "sha256": "3" * 64,
        "filename": "click.whl",
        "kind": "wheel",
        "package": "click",
        "version": "1.0",
    }


def test_first_party_packages_get_no_targets():
    files = _gen()["files"]
    assert "app/BUILD.bazel" not in files
    assert '"//app"' not in files["b/BUILD.bazel"]


def test_markers_decide_the_dependencies_per_platform():
    click = _gen()["files"]["click/BUILD.bazel"]
    linux = click[click.index('name = "_linux"') :].split(")\n")[0]
    windows = click[click.index('name = "_windows"') :].split(")\n")[0]
    assert "colorama" not in linux
    assert '"//colorama"' in windows


def test_a_package_excluded_by_markers_is_empty_there():
    colorama = _gen()["files"]["colorama/BUILD.bazel"]
    assert '"//_platforms:linux": ":_not_needed"' in colorama
    assert 'py_library(\n    name = "_not_needed",\n)' in colorama


def test_no_file_fails_with_package_version_platform_files_and_fixes():
    colorama = _gen()["files"]["colorama/BUILD.bazel"]
    assert 'uv_unavailable(\n    name = "_windows"' in colorama
    assert (
        "colorama 1.0 has no file for target platform windows (windows, x86_64, cpython 3.11): no wheel fits. "
        "The lock lists: colorama-1.0.tar.bz2. Fixes: depend on a version that ships a wheel" in colorama
    )


def test_cycle_members_install_without_in_cycle_edges_and_share_one_library():
    files = _gen()["files"]
    a = files["a/BUILD.bazel"]
    assert 'py_whl_library(\n    name = "_whl_linux",\n    whl = "@pypi__a__1111111111//file",\n)' in a
    assert (
        'py_library(\n    name = "_linux",\n    deps = [\n        "//a:_whl_linux",\n        "//b:_whl_linux",\n' in a
    )


def test_platform_settings_use_os_cpu_and_libc():
    settings = _gen()["files"]["_platforms/BUILD.bazel"]
    assert (
        '"@platforms//os:linux",\n        "@platforms//cpu:x86_64",\n        "@@rules_xpy~//py/libc:glibc",' in settings
    )
    assert '"@platforms//os:windows",\n        "@platforms//cpu:x86_64",\n    ],' in settings


def test_two_platforms_that_select_cannot_tell_apart_are_refused():
    plan = _plan()
    plan["platforms"]["linux2"] = {**LINUX, "libc_version": "2.17", "closure": []}
    with pytest.raises(hub_gen.HubError, match="target platforms 'linux' and 'linux2' have the same os, cpu and libc"):
        hub_gen.generate(plan, "pypi", "@@rules_xpy~")


def test_override_of_an_unknown_package_names_it():
    with pytest.raises(hub_gen.HubError, match=r"uv.override_package\(name = 'nope'\) names a package"):
        _gen(overrides={"nope": {"native": True}})
    with pytest.raises(hub_gen.HubError, match="sets both native and pure"):
        _gen(overrides={"click": {"native": True, "pure": True}})


def test_requirements_bzl_lists_third_party_packages():
    req = _gen()["files"]["requirements.bzl"]
    assert 'PACKAGES = [\n    "a",\n    "b",\n    "click",\n    "colorama",\n]' in req
    assert 'return Label("//" + key)' in req


def test_snapshot_of_a_package_build_file():
    snapshot = Path(__file__).parent / "testdata" / "click.BUILD.golden"
    assert _gen()["files"]["click/BUILD.bazel"] == snapshot.read_text(), "regenerate: see testdata/README.md"


def test_cli_writes_json_and_reports_errors(tmp_path, capsys):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(_plan()))
    out = tmp_path / "hub.json"
    args = [f"--plan={plan}", "--hub=pypi", "--rules-xpy=@@rules_xpy~", f"--output={out}"]
    assert hub_gen.main(args) == 0
    assert "click/BUILD.bazel" in json.loads(out.read_text())["files"]
    overrides = tmp_path / "o.json"
    overrides.write_text('{"nope": {}}')
    assert hub_gen.main([*args, f"--overrides={overrides}"]) == 1
    assert capsys.readouterr().err.startswith("ERROR: uv.override_package(name = 'nope')")
