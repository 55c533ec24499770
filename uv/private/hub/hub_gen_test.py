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


CONSTRAINTS = {
    "os": {o: f"@@platforms//os:{o}" for o in ("linux", "macos", "windows")},
    "cpu": {c: f"@@platforms//cpu:{c}" for c in ("x86_64", "aarch64")},
    "libc": {c: f"@@rules_xpy~//py/libc:{c}" for c in ("glibc", "musl")},
}


def _gen(plan: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
    return hub_gen.generate(plan or _plan(), "pypi", "@@rules_xpy~", CONSTRAINTS, uv="@xpy_uv//:uv", **kw)


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
    assert (
        'py_whl_library(\n    name = "_whl_linux",\n    whl = "@pypi__a__1111111111//file",\n    layout = "@pypi__a__1111111111//:layout",\n)'
        in a
    )
    assert (
        'py_library(\n    name = "_linux",\n    deps = [\n        "//a:_whl_linux",\n        "//b:_whl_linux",\n' in a
    )


def test_platform_settings_use_os_cpu_and_libc():
    settings = _gen()["files"]["_platforms/BUILD.bazel"]
    assert (
        '"@@platforms//os:linux",\n        "@@platforms//cpu:x86_64",\n        "@@rules_xpy~//py/libc:glibc",'
        in settings
    )
    assert '"@@platforms//os:windows",\n        "@@platforms//cpu:x86_64",\n    ],' in settings


def test_the_current_platform_is_described_as_planned():
    settings = _gen()["files"]["_platforms/BUILD.bazel"]
    assert 'load("@@rules_xpy~//uv/private/hub:target_platform.bzl", "uv_target_platform")' in settings
    current = settings[settings.index('name = "current"') :]
    linux = json.dumps({"name": "linux", **LINUX}, sort_keys=True)
    assert f'":linux": {json.dumps(linux)},' in current
    assert '"//conditions:default": "",' in current


def test_two_platforms_that_select_cannot_tell_apart_are_refused():
    plan = _plan()
    plan["platforms"]["linux2"] = {**LINUX, "libc_version": "2.17", "closure": []}
    with pytest.raises(hub_gen.HubError, match="target platforms 'linux' and 'linux2' have the same os, cpu and libc"):
        _gen(plan)


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
    constraints = tmp_path / "constraints.json"
    constraints.write_text(json.dumps(CONSTRAINTS))
    args = [
        f"--plan={plan}",
        "--hub=pypi",
        "--rules-xpy=@@rules_xpy~",
        f"--constraints={constraints}",
        f"--output={out}",
    ]
    assert hub_gen.main(args) == 0
    assert "click/BUILD.bazel" in json.loads(out.read_text())["files"]
    overrides = tmp_path / "o.json"
    overrides.write_text('{"nope": {}}')
    assert hub_gen.main([*args, f"--overrides={overrides}"]) == 1
    assert capsys.readouterr().err.startswith("ERROR: uv.override_package(name = 'nope')")


def test_each_locked_version_has_a_target_that_fails_where_the_closure_has_another():
    plan = _plan()
    old = _pkg("click", {"linux": ("click-7.whl", [])}, {"click-7.whl": "4" * 64})
    old["version"] = "7.0"
    plan["packages"]["click@7.0"] = old
    plan["packages"]["click@1.0"] = plan["packages"].pop("click")
    del plan["packages"]["click@1.0"]["platforms"]["linux"]
    plan["platforms"]["linux"]["closure"] = ["a", "app", "b", "click@7.0"]
    click = _gen(plan)["files"]["click/BUILD.bazel"]
    assert '"//_platforms:linux": ":_linux",\n        "//_platforms:windows": ":_windows",' in click
    v7 = click[click.index('name = "v7.0"') :]
    assert v7.startswith(
        'name = "v7.0",\n    actual = select({\n        "//_platforms:linux": ":_linux",\n        "//conditions:default": ":_v7.0_elsewhere",'
    )
    assert "click 7.0 is in the closure of linux only" in click
    v1 = click[click.index('name = "v1.0"') :]
    assert v1.startswith('name = "v1.0",\n    actual = select({\n        "//_platforms:windows": ":_windows",')


def test_a_package_no_platform_needs_fails_naming_the_markers_and_platforms():
    plan = _plan()
    plan["unneeded"] = {
        "jsfetch": {
            "name": "jsfetch",
            "version": "0.3",
            "markers": [
                {"dependent": "click", "marker": "sys_platform == 'emscripten'", "platforms": ["linux", "windows"]}
            ],
        },
        "lonely": {"name": "lonely", "version": "1.0", "markers": []},
    }
    files = _gen(plan)["files"]
    assert (
        "jsfetch 0.3 is in //:uv.lock, but no target platform of the hub @pypi (linux, windows) needs it: the marker "
        "`sys_platform == 'emscripten'` of click's dependency on it is false on linux, windows. Fix: depend on it only "
        "where its markers hold" in files["jsfetch/BUILD.bazel"]
    )
    assert 'uv_unavailable(\n    name = "jsfetch",' in files["jsfetch/BUILD.bazel"]
    assert "no package of the selected roots, extras and dependency groups depends on it" in files["lonely/BUILD.bazel"]
    assert '"jsfetch",' in files["requirements.bzl"]


def test_an_sdist_gets_a_file_repository_and_a_wheel_repository_with_its_settings():
    plan = _plan()
    plan["packages"]["colorama"]["platforms"]["windows"]["file"] = "colorama-1.0.tar.bz2"
    plan["packages"]["colorama"]["files"]["colorama-1.0.tar.bz2"] = {
        "kind": "sdist",
        "url": "https://x/c.tar.bz2",
        "sha256": H,
        "size": None,
        "filename": "colorama-1.0.tar.bz2",
    }
    out = _gen(plan, overrides={"colorama": {"native": True, "env": {"A": "1"}}})
    repo = f"pypi__colorama__{H[:10]}"
    assert out["repos"][repo]["kind"] == "sdist"
    assert out["sdists"] == {
        f"{repo}__wheel": {
            "file_repo": repo,
            "package": "colorama",
            "version": "1.0",
            "native": "yes",
            "build_deps": [],
            "env": {"A": "1"},
        }
    }
    assert f'whl = "@{repo}__wheel//:wheel"' in out["files"]["colorama/BUILD.bazel"]


def test_file_settings_of_an_override_go_to_the_file_repositories():
    settings = {"patches": ["@@//patches:click.patch"], "patch_strip": 1, "exclude": ["click/tests/**"]}
    repos = _gen(overrides={"click": {**settings, "data": {"@@//:extra.txt": "click/extra.txt"}}})["repos"]
    assert repos["pypi__click__3333333333"] == {
        "url": "https://x/click.whl",
        "sha256": "3" * 64,
        "filename": "click.whl",
        "kind": "wheel",
        "package": "click",
        "version": "1.0",
        **settings,
        "data": {"@@//:extra.txt": "click/extra.txt"},
    }
    assert "patches" not in repos["pypi__a__1111111111"]


def test_exclude_or_data_on_a_package_built_from_its_sdist_is_refused():
    plan = _plan()
    plan["packages"]["click"]["files"]["click.whl"]["kind"] = "sdist"
    with pytest.raises(hub_gen.HubError, match=r"override_package\(name = 'click'\) sets exclude or data, .* on linux"):
        _gen(plan, overrides={"click": {"exclude": ["x"]}})
    assert _gen(plan, overrides={"click": {"patches": ["@@//:p.patch"]}})["repos"]["pypi__click__3333333333"]["patches"]


def test_replace_with_makes_the_package_and_its_versions_aliases_of_the_users_target():
    out = _gen(overrides={"click": {"replace_with": "@@//third_party:click", "patch_strip": 1}})
    build = out["files"]["click/BUILD.bazel"]
    assert 'name = "click",\n    actual = "@@//third_party:click"' in build
    assert 'name = "v1.0",\n    actual = "@@//third_party:click"' in build
    assert "pypi__click__3333333333" not in out["repos"] and "py_whl_library" not in build


def test_replace_with_and_other_settings_is_refused():
    with pytest.raises(hub_gen.HubError, match=r"sets replace_with and patches: the replacement target is used"):
        _gen(overrides={"click": {"replace_with": "@@//:c", "patches": ["@@//:p.patch"]}})


def test_replacing_a_member_of_a_cycle_breaks_the_cycle():
    files = _gen(overrides={"a": {"replace_with": "@@//third_party:a"}})["files"]
    b = files["b/BUILD.bazel"]
    assert "_whl_linux" not in b and '"//a"' in b  # b depends on the replacement, with no cycle library
    assert 'actual = "@@//third_party:a"' in files["a/BUILD.bazel"]
