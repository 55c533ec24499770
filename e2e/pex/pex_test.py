"""py_pex_binary: one app as a PEX for four targets, built on this Linux host without their interpreters."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from e2e_support import fresh_output_base, host_path

HERE = Path(__file__).resolve().parent
BAZEL = os.environ.get("BAZEL", str(HERE.parent.parent / "tools" / "bazel"))

# Platform tag patterns of the wheels each target must get (pyyaml, charset-normalizer).
TAGS = {
    "linux_x86_64": r"manylinux\w*_x86_64",
    "linux_aarch64": r"manylinux\w*_aarch64",
    "macos_arm64": r"macosx_\d+_\d+_(arm64|universal2)",
    "windows_x86_64": r"win_amd64",
}
# The native extension of pyyaml inside each PEX.
YAML_EXT = {
    "linux_x86_64": r"_yaml\.cpython-311-x86_64-linux-gnu\.so",
    "linux_aarch64": r"_yaml\.cpython-311-aarch64-linux-gnu\.so",
    "macos_arm64": r"_yaml\.cpython-311-darwin\.so",
    "windows_x86_64": r"_yaml\.cp311-win_amd64\.pyd",
}


def bazel(*args: str, startup: tuple[str, ...] = (), ok: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([BAZEL, *startup, *args], cwd=HERE, capture_output=True, text=True, timeout=900)
    if ok:
        assert proc.returncode == 0, f"bazel {' '.join(args)} failed:\n{proc.stderr[-4000:]}"
    return proc


def built_pexes(startup: tuple[str, ...] = ()) -> dict[str, Path]:
    """Build //:all_pexes (the app for the four targets, one invocation); target platform name -> PEX file."""
    built = bazel("build", "//:all_pexes", startup=startup)
    assert "INFO: From " not in built.stderr, built.stderr  # PyPex and WhlInstall are quiet on success
    execroot = host_path(bazel("info", "execution_root", startup=startup).stdout.strip())
    found = {}
    for rel in bazel("cquery", "--output=files", "//:all_pexes", startup=startup).stdout.split():
        platform = pex_info(execroot / rel)["build_properties"]["rules_xpy"]["target_platform"]
        found[platform.removeprefix("//platforms:")] = execroot / rel
    assert sorted(found) == sorted(TAGS), found
    return found


def pex_info(pex: Path) -> dict:
    with zipfile.ZipFile(pex) as zf:
        return json.loads(zf.read("PEX-INFO"))


def run(pex: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PEX_ROOT": str(tmp_path / "pex_root")}
    return subprocess.run([sys.executable, str(pex), *args], capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def pexes() -> dict[str, Path]:
    return built_pexes()


@pytest.mark.parametrize("platform", sorted(TAGS))
def test_each_target_gets_a_pex_of_its_own_wheels(pexes, platform):
    info = pex_info(pexes[platform])
    wheels = sorted(info["distributions"])
    assert [w.split("-")[0] for w in wheels] == ["charset_normalizer", "pyyaml", "six"]
    for native in wheels[:2]:
        assert re.search(rf"-cp311-cp311-{TAGS[platform]}\b", native), native
    assert wheels[2] == "six-1.17.0-py2.py3-none-any.whl"
    assert info["interpreter_constraints"] == ["CPython==3.11.*"]
    assert info["entry_point"] == "app"
    assert info["inject_env"] == {"APP_MODE": "pex"}
    assert info["inject_args"] == ["--from-pex"]
    assert info["requirements"] == ["PyYAML==6.0.3", "charset-normalizer==3.5.2", "six==1.17.0"]
    props = info["build_properties"]["rules_xpy"]
    assert props["target"] == "//:app_pex"
    assert all(re.fullmatch(TAGS[platform], p) for p in props["platforms"]), props["platforms"]
    assert props["wheel_tags"]["six-1.17.0-py2.py3-none-any.whl"] == ["py2-none-any", "py3-none-any"]

    with zipfile.ZipFile(pexes[platform]) as zf:
        names = zf.namelist()
        # The wheel tags inside: each pre-installed wheel's own WHEEL file.
        for wheel in wheels:
            (meta,) = [n for n in names if n.startswith(f".deps/{wheel}/") and n.endswith(".dist-info/WHEEL")]
            tags = re.findall(r"^Tag: (\S+)$", zf.read(meta).decode(), re.M)
            assert tags and set(tags) <= set(props["wheel_tags"][wheel]), (wheel, tags)
    assert [n for n in names if re.search(YAML_EXT[platform], n)], platform
    first_party = sorted(n for n in names if not n.startswith((".bootstrap/", ".deps/", "__pex__/")))
    assert first_party == ["PEX-INFO", "__main__.py", "app.py", "greet/", "greet/__init__.py", "greet/greeting.txt"]


@pytest.mark.parametrize("platform", sorted(TAGS))
def test_bazel_build_with_platforms_gives_that_target_s_pex(platform):
    flag = f"--platforms=//platforms:{platform}"
    bazel("build", flag, "//:app_pex")
    (rel,) = bazel("cquery", flag, "--output=files", "//:app_pex").stdout.split()
    info = pex_info(host_path(bazel("info", "execution_root").stdout.strip()) / rel)
    assert info["build_properties"]["rules_xpy"]["target_platform"] == f"//platforms:{platform}"
    assert all(re.fullmatch(TAGS[platform], p) for p in info["build_properties"]["rules_xpy"]["platforms"])


def test_the_linux_x86_64_pex_runs_on_the_host(pexes, tmp_path):
    assert pexes["linux_x86_64"].read_bytes().startswith(b"#!/usr/bin/env python3.11\n")
    proc = run(pexes["linux_x86_64"], tmp_path, "a", "b")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "Hello from a PEX",
        "yaml 6.0.3 libyaml True",
        "charset_normalizer 3.5.2 ascii",
        "six 1.17.0",
        "APP_MODE pex",
        "args ['--from-pex', 'a', 'b']",
    ]


@pytest.mark.parametrize(("platform", "tag"), [("macos_arm64", "macosx_11_0_arm64"), ("windows_x86_64", "win_amd64")])
def test_a_pex_for_another_target_fails_in_pex_s_own_way(pexes, tmp_path, platform, tag):
    proc = run(pexes[platform], tmp_path)
    assert proc.returncode != 0
    assert "Hello" not in proc.stdout
    assert f"The wheel tags for PyYAML 6.0.3 are cp311-cp311-{tag} which do not match the supported tags" in proc.stderr


def _inputs(aquery_text: str) -> list[str]:
    (inputs,) = re.findall(r"^\s+Inputs: \[(.*)\]$", aquery_text, re.M)
    return inputs.split(", ")


def _tool_bytecode(inputs: list[str]) -> list[str]:
    """The PyPex tool's own libraries as built for the exec platform: their bytecode, and their files linked next
    to it in the bin directory."""
    return [i for i in inputs if re.match(r"bazel-out/[^/]*-exec[^/]*/bin/external/rules_xpy[~+][^/]*/", i)]


def test_the_macos_pex_action_reads_only_what_it_packs_and_the_tool():
    out = bazel("aquery", "--platforms=//platforms:macos_arm64", 'mnemonic("PyPex", //:app_pex)').stdout
    inputs = _inputs(out)
    tool = [i for i in inputs if re.match(r"external/rules_xpy[~+]/py/tools/pex_builder/pex_builder\.py$", i)]
    tool += [i for i in inputs if re.match(r"external/rules_xpy[~+]/py/tools/lib/xpy/\w+\.py$", i)]  # the xpy library
    tool += _tool_bytecode(inputs)
    pex_lib = [
        i
        for i in inputs
        if re.match(
            r"(bazel-out/[^/]*-exec[^/]*/bin/)?external/rules_xpy[~+]+tool_deps[~+]xpy_tools_(pex|packaging)/site-packages/",
            i,
        )
    ]
    wheels = sorted(i.rsplit("/", 1)[1] for i in inputs if re.match(r"external/[^/]+pypi__\w+/file/[^/]+\.whl$", i))
    sources = ["app.py", "lib/src/greet/__init__.py", "lib/src/greet/greeting.txt"]
    assert len(tool) > 1 and pex_lib
    assert sorted(set(inputs) - set(tool) - set(pex_lib) - {i for i in inputs if i.endswith(".whl")}) == sources
    assert wheels == [
        "charset_normalizer-3.5.2-cp311-cp311-macosx_10_9_universal2.whl",
        "pyyaml-6.0.3-cp311-cp311-macosx_11_0_arm64.whl",
        "six-1.17.0-py2.py3-none-any.whl",
    ]
    # Nothing built for the target (no installed wheel, venv or launcher), no interpreter files.
    assert not [i for i in inputs if i.startswith("bazel-out/") and i not in tool]
    assert not [i for i in inputs if re.search(r"[~+]python[~+]|/bin/python|/lib/python3", i)]
    assert re.search(r"Command Line: \(exec /\S*python3\S* \\\n\s+-B \\\n\s+-S \\\n\s+external/rules_xpy", out), out


@pytest.mark.parametrize("platform", ["linux_x86_64", "macos_arm64"])
def test_a_package_without_a_wheel_for_the_target_names_it_and_the_target(platform):
    err = bazel("build", f"--platforms=//platforms:{platform}", "//:winonly_pex", ok=False).stderr
    assert re.search(
        rf"Error in fail: pywin32 312 has no file for target platform {platform} \(.*\): no wheel fits {platform} "
        rf".*\(target platform: //platforms:{platform}\)",
        err,
    ), err[-3000:]


def test_the_windows_only_package_packs_for_windows():
    bazel("build", "--platforms=//platforms:windows_x86_64", "//:winonly_pex")
    (rel,) = bazel(
        "cquery", "--platforms=//platforms:windows_x86_64", "--output=files", "//:winonly_pex"
    ).stdout.split()
    info = pex_info(host_path(bazel("info", "execution_root").stdout.strip()) / rel)
    assert list(info["distributions"]) == ["pywin32-312-cp311-cp311-win_amd64.whl"]
    assert info["entry_point"] == "win32api"


def test_a_venv_binary_packs_without_its_venv_on_a_target_with_an_interpreter(tmp_path):
    out = bazel("aquery", 'mnemonic("PyPex", //:app_from_binary_pex)').stdout
    inputs = _inputs(out)
    assert not [i for i in inputs if i.startswith("bazel-out/") and i not in _tool_bytecode(inputs)]
    bazel("build", "//:app_from_binary_pex")
    (rel,) = bazel("cquery", "--output=files", "//:app_from_binary_pex").stdout.split()
    pex = host_path(bazel("info", "execution_root").stdout.strip()) / rel
    assert pex.is_dir() and (pex / ".bootstrap").is_file()  # layout = "packed"
    proc = run(pex, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == "Hello from a PEX"


def test_a_console_script_binary_packs_as_its_script(tmp_path):
    bazel("build", "//:normalizer_pex")
    (rel,) = bazel("cquery", "--output=files", "//:normalizer_pex").stdout.split()
    pex = host_path(bazel("info", "execution_root").stdout.strip()) / rel
    assert pex_info(pex)["entry_point"] == "charset_normalizer.cli:cli_detect"
    proc = run(pex, tmp_path, "--version")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Charset-Normalizer 3.5.2 - Python 3.11"), proc.stdout


def test_a_venv_binary_needs_its_target_interpreter():
    err = bazel("build", "--platforms=//platforms:macos_arm64", "//:app_from_binary_pex", ok=False).stderr
    assert "//:app: no Python interpreter for the target platform (--platforms)" in err, err[-3000:]


def _digests(name: str) -> dict[str, str]:
    with fresh_output_base(BAZEL, HERE, f"pex-{name}") as base:
        return {p: hashlib.sha256(f.read_bytes()).hexdigest() for p, f in built_pexes(startup=base).items()}


def test_two_clean_builds_give_byte_identical_pexes():
    assert _digests("a") == _digests("b")


@pytest.fixture
def bad_package():
    """A package of targets written by the test, removed afterwards (e2e/pex/.gitignore lists it)."""
    pkg = HERE / "bad"
    pkg.mkdir(exist_ok=True)
    (pkg / "main.py").write_text("print('hi')\n")
    (pkg / "my-tool.py").write_text("print('hi')\n")
    yield pkg
    shutil.rmtree(pkg)


@pytest.mark.parametrize(
    ("attrs", "message"),
    [
        ('binary = ":b", main = "main.py"', r"//bad:x: binary: not together with main; the PEX takes"),
        ('main = "main.py", entry_point = "m"', r"//bad:x: main and entry_point: set only one entry point\."),
        ("", r"//bad:x: main: the PEX has no entry point; set `main` \(a \.py file\), `entry_point`"),
        ('main = "main.py", python_version = "3"', r'//bad:x: python_version: "3" must be `X\.Y`, e\.g\. "3\.11"\.'),
        (
            'main = "my-tool.py"',
            r"ERROR: main _main/bad/my-tool\.py lands on 'bad/my-tool\.py' in the PEX, which is not an importable "
            r"module \(//bad:x: bad/my-tool\.py\): rename `main`",
        ),
    ],
)
def test_bad_attributes_are_named_with_the_fix(bad_package, attrs, message):
    load = 'load("@rules_xpy//py:defs.bzl", "py_pex_binary", "py_venv_binary")\n\n'
    binary = 'py_venv_binary(name = "b", srcs = ["main.py"], main = "main.py")\n\n'
    (bad_package / "BUILD.bazel").write_text(f'{load}{binary}py_pex_binary(name = "x", {attrs})\n')
    err = bazel("build", "//bad:x", ok=False).stderr
    assert re.search(message, err), err[-3000:]
