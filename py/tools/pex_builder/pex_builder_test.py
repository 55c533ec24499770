"""Tests of the PEX builder: wheel checks, file placement, entry points, PEX-INFO, layouts and determinism.

The tests that build a PEX use the pinned `pex` library (under Bazel,
`@xpy_tools//:pex`; under plain pytest, the dev venv's of tools/setup_dev).
"""

import base64
import csv
import hashlib
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pex_builder
import pytest

PY = f"{sys.version_info[0]}.{sys.version_info[1]}"
CP = f"cp{sys.version_info[0]}{sys.version_info[1]}"
APP = "import demo_pkg\nimport os\nprint('app', demo_pkg.VALUE, os.environ.get('APP_MODE'))\n"


def make_wheel(directory, *, name="demo_pkg", version="1.0", tag="py3-none-any", files=None, entry_points=""):
    """A wheel with a valid RECORD, named from `name`, `version` and `tag`."""
    dist_info = f"{name}-{version}.dist-info"
    members = dict(files or {f"{name}/__init__.py": "VALUE = 42\n"})
    members[f"{dist_info}/WHEEL"] = f"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: {tag}\n"
    members[f"{dist_info}/METADATA"] = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    if entry_points:
        members[f"{dist_info}/entry_points.txt"] = entry_points
    path = Path(directory) / f"{name}-{version}-{tag}.whl"
    rows = []
    with zipfile.ZipFile(path, "w") as zf:
        for member, text in members.items():
            data = text.encode()
            zf.writestr(zipfile.ZipInfo(member, date_time=(2020, 1, 1, 0, 0, 0)), data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).decode().rstrip("=")
            rows.append([member, f"sha256={digest}", str(len(data))])
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows([*rows, [f"{dist_info}/RECORD", "", ""]])
        zf.writestr(zipfile.ZipInfo(f"{dist_info}/RECORD", date_time=(2020, 1, 1, 0, 0, 0)), out.getvalue())
    return path


def wheel_named(directory, filename, **kwargs):
    """A real (small) wheel whose file name is `filename`."""
    name, version, *tags = Path(filename).stem.split("-")
    return make_wheel(directory, name=name, version=version, tag="-".join(tags), **kwargs)


def args(tmp_path, *extra):
    return pex_builder.build_parser().parse_args(
        ["--label=//app:app_pex", f"--output={tmp_path / 'out.pex'}", "--import-root=_main", *extra]
    )


def source(tmp_path, short_path, text=APP):
    path = tmp_path / "src" / short_path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return ["--source", str(path), short_path]


# --- wheels -----------------------------------------------------------------


def test_read_wheel_expands_compressed_tags(tmp_path):
    path = tmp_path / "PyYAML-6.0.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
    path.touch()
    wheel = pex_builder.read_wheel(path)
    assert (wheel.name, wheel.version) == ("PyYAML", "6.0.2")
    assert wheel.tags == (
        ("cp311", "cp311", "manylinux2014_x86_64"),
        ("cp311", "cp311", "manylinux_2_17_x86_64"),
    )
    assert wheel.platforms == ["manylinux2014_x86_64", "manylinux_2_17_x86_64"]


def test_read_wheel_takes_the_one_wheel_of_a_wheelhouse(tmp_path):
    (tmp_path / "demo-1.0-1-py3-none-any.whl").touch()
    assert pex_builder.read_wheel(tmp_path).tags == (("py3", "none", "any"),)


def test_a_wheelhouse_with_two_wheels_is_refused(tmp_path):
    (tmp_path / "a-1.0-py3-none-any.whl").touch()
    (tmp_path / "b-1.0-py3-none-any.whl").touch()
    with pytest.raises(pex_builder.WheelError, match=r"holds 2 wheels \(a-1.0-py3-none-any.whl, b-1.0"):
        pex_builder.read_wheel(tmp_path)


def test_a_file_not_named_like_a_wheel_is_refused(tmp_path):
    with pytest.raises(pex_builder.WheelError, match="the file name is not a valid wheel name"):
        pex_builder.read_wheel(tmp_path / "demo-1.0.tar.gz")


def test_a_wheel_for_another_platform_names_the_wheel_and_the_target(tmp_path):
    whl = wheel_named(tmp_path, "PyYAML-6.0.2-cp311-cp311-macosx_11_0_arm64.whl")
    a = args(tmp_path, f"--wheel={whl}", "--target-platform=//platforms:linux_x86_64", "--target-os=linux")
    a.target_cpu = "x86_64"
    with pytest.raises(pex_builder.IncompatibleWheelError) as e:
        pex_builder.plan(a)
    assert e.value.what == (
        "wheel PyYAML-6.0.2-cp311-cp311-macosx_11_0_arm64.whl does not fit the target platform "
        "//platforms:linux_x86_64 (linux x86_64 glibc, cpython 3.11): its platform macosx_11_0_arm64 is not one that "
        "//platforms:linux_x86_64 (linux x86_64 glibc, cpython 3.11) runs"
    )
    assert e.value.where == whl.name


def test_a_wheel_for_another_python_is_refused(tmp_path):
    whl = wheel_named(tmp_path, "PyYAML-6.0.2-cp312-cp312-win_amd64.whl")
    a = args(tmp_path, f"--wheel={whl}", "--python-version=3.11", "--entry-point=yaml", "--target-os=windows")
    a.target_cpu = "x86_64"
    with pytest.raises(pex_builder.IncompatibleWheelError, match=r"its tags cp312-cp312 are not for cpython 3.11"):
        pex_builder.plan(a)


def test_the_python_version_comes_from_the_wheels(tmp_path):
    for name in (
        "PyYAML-6.0.2-cp311-cp311-win_amd64.whl",
        "psutil-7.0.0-cp37-abi3-win_amd64.whl",
        "six-1.17.0-py2.py3-none-any.whl",
    ):
        wheel_named(tmp_path, name)
    p = pex_builder.plan(args(tmp_path, *[f"--wheel={w}" for w in sorted(tmp_path.glob("*.whl"))], "--entry-point=six"))
    assert p.interpreter_constraints == ["CPython==3.11.*"]
    assert p.shebang == "/usr/bin/env python3.11"
    props = p.build_properties["rules_xpy"]
    assert props["python_version"] == "3.11"
    assert props["platforms"] == ["win_amd64"]
    assert props["wheel_tags"]["six-1.17.0-py2.py3-none-any.whl"] == ["py2-none-any", "py3-none-any"]


def test_wheels_for_two_python_versions_are_refused(tmp_path):
    for name in ("a-1-cp311-cp311-win_amd64.whl", "b-1-cp312-cp312-win_amd64.whl"):
        wheel_named(tmp_path, name)
    with pytest.raises(pex_builder.IncompatibleWheelError, match=r"different Python versions \(3.11: a-1-cp311"):
        pex_builder.plan(args(tmp_path, *[f"--wheel={w}" for w in sorted(tmp_path.glob("*.whl"))]))


def test_two_wheels_of_one_distribution_are_refused(tmp_path):
    for name in ("Demo_Pkg-1.0-py3-none-any.whl", "demo.pkg-2.0-py3-none-any.whl"):
        wheel_named(tmp_path, name)
    with pytest.raises(pex_builder.WheelError, match="two wheels of demo-pkg"):
        pex_builder.plan(args(tmp_path, *[f"--wheel={w}" for w in sorted(tmp_path.glob("*.whl"))]))


def test_pure_wheels_and_no_version_give_no_constraint(tmp_path):
    p = pex_builder.plan(args(tmp_path, "--entry-point=app:main"))
    assert p.interpreter_constraints == []
    assert p.shebang == "/usr/bin/env python3"
    assert p.build_properties["rules_xpy"]["platforms"] == ["any"]


def test_explicit_constraints_and_shebang_win(tmp_path):
    p = pex_builder.plan(
        args(
            tmp_path,
            "--entry-point=app",
            "--python-version=3.11",
            "--interpreter-constraint=CPython>=3.11,<3.14",
            "--shebang=/opt/py/bin/python3",
        )
    )
    assert p.interpreter_constraints == ["CPython>=3.11,<3.14"]
    assert p.shebang == "/opt/py/bin/python3"


# --- first-party files and the entry point -----------------------------------


def test_files_land_below_their_longest_import_root():
    roots = ["_main", "_main/lib/src", "rules_xpy~~tool_deps~xpy_tools_six/site-packages"]
    assert pex_builder.pex_path("_main/lib/src/greet/__init__.py", roots) == "greet/__init__.py"
    assert pex_builder.pex_path("_main/lib/greeting.txt", roots) == "lib/greeting.txt"
    assert pex_builder.pex_path("rules_xpy~~tool_deps~xpy_tools_six/site-packages/six.py", roots) == "six.py"
    assert pex_builder.pex_path("other_repo/data.txt", roots) == "other_repo/data.txt"
    assert pex_builder.runfiles_path("../other_repo/data.txt", "_main") == "other_repo/data.txt"
    assert pex_builder.runfiles_path("app/app.py", "_main") == "_main/app/app.py"


def test_main_becomes_the_entry_module(tmp_path):
    a = args(tmp_path, *source(tmp_path, "app/src/tool/main.py"), "--import-root=_main/app/src")
    a.main = a.source[0]
    p = pex_builder.plan(a)
    assert p.entry_point == "tool.main"
    assert set(p.sources) == {"tool/main.py"}


def test_a_main_that_is_not_a_module_name_is_refused(tmp_path):
    a = args(tmp_path, *source(tmp_path, "app/my-tool.py"))
    a.main = a.source[0]
    with pytest.raises(pex_builder.EntryPointError, match=r"'app/my-tool\.py' in the PEX, which is not an importable"):
        pex_builder.plan(a)


def test_a_bad_entry_point_is_refused(tmp_path):
    with pytest.raises(pex_builder.EntryPointError, match="'app:main:x' is not 'module' or 'module:function'"):
        pex_builder.plan(args(tmp_path, "--entry-point=app:main:x"))


def test_a_file_on_a_path_pex_owns_is_refused(tmp_path):
    with pytest.raises(pex_builder.PlacementError, match=r"would land on '__main__\.py', which pex writes itself"):
        pex_builder.plan(args(tmp_path, *source(tmp_path, "__main__.py"), "--entry-point=app"))


def test_two_different_files_on_one_path_are_refused(tmp_path):
    a = args(tmp_path, *source(tmp_path, "a/x.py", "1"), *source(tmp_path, "b/x.py", "2"), "--import-root=_main/a")
    a.import_root.append("_main/b")
    with pytest.raises(pex_builder.PlacementError, match=r"both land on 'x\.py'"):
        pex_builder.plan(a)


def test_a_directory_source_contributes_each_file(tmp_path):
    tree = tmp_path / "gen" / "assets"
    (tree / "sub").mkdir(parents=True)
    (tree / "a.txt").write_text("a")
    (tree / "sub" / "b.txt").write_text("b")
    p = pex_builder.plan(args(tmp_path, "--source", str(tree), "app/assets", "--entry-point=app"))
    assert sorted(p.sources) == ["app/assets/a.txt", "app/assets/sub/b.txt"]


def test_inject_env_needs_name_and_value(tmp_path):
    p = pex_builder.plan(args(tmp_path, "--entry-point=app", "--inject-env=A=1=2", "--inject-env=B="))
    assert p.inject_env == {"A": "1=2", "B": ""}
    with pytest.raises(pex_builder.PexBuildError, match="inject_env entry 'nope' is not NAME=value"):
        pex_builder.plan(args(tmp_path, "--entry-point=app", "--inject-env=nope"))


def test_bad_input_is_one_error_line_naming_the_file(tmp_path, capsys):
    whl = wheel_named(tmp_path, "PyYAML-6.0.2-cp311-cp311-win_amd64.whl")
    rc = pex_builder.main(
        [
            "--label=//:app_pex",
            f"--output={tmp_path / 'x.pex'}",
            f"--wheel={whl}",
            "--target-os=macos",
            "--target-cpu=aarch64",
            "--target-platform=//platforms:macos_arm64",
            "--entry-point=yaml",
        ]
    )
    err = capsys.readouterr().err
    assert rc == 1
    target = "//platforms:macos_arm64 (macos aarch64, cpython 3.11)"
    assert err == (
        f"ERROR: wheel PyYAML-6.0.2-cp311-cp311-win_amd64.whl does not fit the target platform {target}: "
        f"its platform win_amd64 is not one that {target} runs (//:app_pex: PyYAML-6.0.2-cp311-cp311-win_amd64.whl): "
        f"{pex_builder.IncompatibleWheelError.default_fix}\n"
    )


# --- building (needs the pex library) ------------------------------------------


@pytest.fixture
def pex_lib():
    import pex

    return pex


def build(tmp_path, out_name, *extra, tag="py3-none-any", entry_points=""):
    wheels = tmp_path / "wheels"
    wheels.mkdir(exist_ok=True)
    whl = make_wheel(wheels, tag=tag, entry_points=entry_points)
    out = tmp_path / out_name
    argv = [
        "--label=//app:app_pex",
        f"--output={out}",
        "--import-root=_main",
        "--import-root=_main/app/src",
        *source(tmp_path, "app/src/tool/main.py"),
        f"--wheel={whl}",
        f"--python-version={PY}",
        *extra,
    ]
    assert pex_builder.main(argv) == 0
    return out


def run(pex, tmp_path, *args):
    env = {"PEX_ROOT": str(tmp_path / "pex_root"), "PATH": str(Path(sys.executable).parent)}
    return subprocess.run([sys.executable, str(pex), *args], capture_output=True, text=True, env=env, timeout=120)


def pex_info(pex):
    with zipfile.ZipFile(pex) as zf:
        return json.loads(zf.read("PEX-INFO"))


def test_a_zipapp_runs_with_its_wheels_and_injected_env(pex_lib, tmp_path):
    out = build(
        tmp_path,
        "app.pex",
        "--main",
        str(tmp_path / "src/app/src/tool/main.py"),
        "app/src/tool/main.py",
        "--inject-env=APP_MODE=prod",
    )
    proc = run(out, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "app 42 prod\n"
    info = pex_info(out)
    assert info["entry_point"] == "tool.main"
    assert info["interpreter_constraints"] == [f"CPython=={PY}.*"]
    assert info["inject_env"] == {"APP_MODE": "prod"}
    assert info["inherit_path"] == "false"
    assert info["requirements"] == ["demo_pkg==1.0"]
    assert list(info["distributions"]) == ["demo_pkg-1.0-py3-none-any.whl"]
    assert info["build_properties"]["rules_xpy"]["target"] == "//app:app_pex"
    assert out.read_bytes().startswith(f"#!/usr/bin/env python{PY}\n".encode())


def test_the_same_inputs_give_the_same_bytes(pex_lib, tmp_path):
    first = build(tmp_path, "a.pex", "--entry-point=tool.main").read_bytes()
    second = build(tmp_path, "b.pex", "--entry-point=tool.main").read_bytes()
    assert first == second


def test_wheels_can_be_packed_as_files(pex_lib, tmp_path):
    out = build(tmp_path, "app.pex", "--entry-point=tool.main", "--no-pre-install-wheels", "--inherit-path=fallback")
    with zipfile.ZipFile(out) as zf:
        assert ".deps/demo_pkg-1.0-py3-none-any.whl" in zf.namelist()
    info = pex_info(out)
    assert info["deps_are_wheel_files"] is True
    assert info["inherit_path"] == "fallback"
    assert run(out, tmp_path).stdout == "app 42 None\n"


@pytest.mark.parametrize("layout", ["packed", "loose"])
def test_directory_layouts_run(pex_lib, tmp_path, layout):
    out = build(tmp_path, "app.pex", "--entry-point=tool.main", f"--layout={layout}", "--inject-arg=--flag")
    assert out.is_dir()
    assert json.loads((out / "PEX-INFO").read_text())["inject_args"] == ["--flag"]
    proc = run(out, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "app 42 None\n"


def test_a_console_script_of_a_wheel_is_an_entry_point(pex_lib, tmp_path):
    eps = "[console_scripts]\ndemo = demo_pkg:show\n"
    files = {"demo_pkg/__init__.py": "def show():\n    print('shown')\n"}
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    whl = make_wheel(wheels, files=files, entry_points=eps)
    out = tmp_path / "s.pex"
    assert pex_builder.main(["--label=//:s", f"--output={out}", f"--wheel={whl}", "--script=demo"]) == 0
    assert pex_info(out)["entry_point"] == "demo_pkg:show"
    assert run(out, tmp_path).stdout == "shown\n"


def test_an_unknown_script_is_one_error_line(pex_lib, tmp_path, capsys):
    whl = make_wheel(tmp_path)
    assert pex_builder.main(["--label=//:s", f"--output={tmp_path / 's.pex'}", f"--wheel={whl}", "--script=nope"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        "ERROR: Could not find script 'nope' in any distribution demo_pkg 1.0 within PEX! (//:s: nope): "
    )
    assert err.count("\n") == 1


def test_a_pex_for_another_platform_fails_in_pex_s_own_way(pex_lib, tmp_path):
    tag = f"{CP}-{CP}-win_amd64" if sys.platform != "win32" else f"{CP}-{CP}-macosx_11_0_arm64"
    out = build(tmp_path, "app.pex", "--entry-point=tool.main", tag=tag)
    proc = run(out, tmp_path)
    assert proc.returncode != 0
    assert f"The wheel tags for demo_pkg 1.0 are {tag} which do not match the supported tags" in proc.stderr


def test_an_unparseable_constraint_is_one_error_line(pex_lib, tmp_path, capsys):
    argv = ["--label=//:c", f"--output={tmp_path / 'c.pex'}", "--entry-point=app", "--interpreter-constraint=3.11!"]
    assert pex_builder.main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("ERROR: Unparseable interpreter constraint 3.11!: ")
    assert "(//:c: interpreter_constraints): " in err


def test_building_starts_no_process(pex_lib, tmp_path, monkeypatch):
    import os

    def boom(*args, **kwargs):
        raise AssertionError(f"the PEX build started a process: {args[:2]}")

    monkeypatch.setattr(subprocess, "Popen", boom)
    for name in ("fork", "posix_spawn", "posix_spawnp", "execv", "execve", "system"):
        if hasattr(os, name):
            monkeypatch.setattr(os, name, boom)
    out = build(tmp_path, "app.pex", "--entry-point=tool.main", f"--python-version={PY}", tag=f"{CP}-{CP}-win_amd64")
    assert out.is_file()
