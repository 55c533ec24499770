"""The uv extension on a real lock: host run, per-platform wheels, fetched closure, console script, hermetic uv."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from e2e_support import fresh_output_base, host_path

HERE = Path(__file__).resolve().parent
BAZEL = os.environ.get("BAZEL", str(HERE.parent.parent / "tools" / "bazel"))


def bazel(*args: str, startup: tuple[str, ...] = (), env: dict[str, str] | None = None) -> str:
    proc = subprocess.run([BAZEL, *startup, *args], cwd=HERE, capture_output=True, text=True, timeout=900, env=env)
    assert proc.returncode == 0, f"bazel {' '.join(args)} failed:\n{proc.stderr[-4000:]}"
    return proc.stdout


def lines(text: str) -> list[str]:
    return text.strip().splitlines()


def wheels(platform: str) -> dict[str, str]:
    """Package name -> wheel file name of //app:deps's closure on `platform`."""
    out = bazel("cquery", f"--platforms=//platforms:{platform}", 'kind("source file", deps(//app:deps))')
    found = {}
    for line in lines(out):
        m = re.search(r"[~+]pypi__([a-z0-9_]+)__[0-9a-f]{10}//file:(\S+\.whl)", line)
        if m:
            found[m.group(1)] = m.group(2)
    return found


def test_app_imports_every_package_on_the_host():
    out = lines(bazel("run", "//app:app"))
    assert "click 8.1.8" in out
    assert "yaml {'a': [1, 2]} libyaml True" in out
    assert "markupsafe &lt;b&gt; markupsafe._speedups" in out
    assert "pysocks 1.7.1" in out  # the `socks` extra of requests, selected with uv.lock(extras)
    assert len([line for line in out if re.fullmatch(r"[a-z0-9-]+ \d+\.\d+.*", line)]) == 13


def test_console_script_runs_as_a_target():
    version = next(line for line in lines(bazel("run", "//app:app")) if line.startswith("tqdm "))
    assert lines(bazel("run", "//app:tqdm", "--", "--version")) == [version.split()[1]]


def test_the_ide_venv_imports_the_binary_s_packages():
    target = HERE / ".venv-e2e"  # in the workspace: the same path inside tools/bazel's root and here
    try:
        out = bazel("run", "//app:venv", "--", ".venv-e2e")
        assert out.strip().startswith(f"{target}: a venv of //app:app")
        probe = (
            "import attrs, click, cryptography, yaml, requests, rich; print(yaml.__version__, yaml.__with_libyaml__)"
        )
        ran = subprocess.run([str(target / "bin" / "python"), "-c", probe], capture_output=True, text=True, timeout=60)
        assert ran.returncode == 0, ran.stderr
        assert ran.stdout.split() == ["6.0.3", "True"]
        assert "include-system-site-packages = false" in (target / "pyvenv.cfg").read_text()
    finally:
        subprocess.run(["rm", "-rf", str(target)], check=False)


def test_a_test_that_depends_on_the_lock_s_pytest_runs_with_it():
    bazel("test", "//tests:lock_pytest_test")


def test_overrides_patch_trim_extend_and_replace_what_a_binary_imports():
    out = lines(bazel("run", "//overrides:app"))
    assert out == [
        "six 1.16.0 by uv.override_package(patches)",  # the vendored wheel (a path source), patched
        "idna xn--bcher-kva.example",  # only through the dependency the override adds to six
        "idna.codec False",  # excluded
        "idna/extra.txt added by uv.override_package(data)",
        "attrs by uv.override_package(replace_with)",
    ]


def test_a_vendored_wheel_by_path_is_a_hub_package_for_every_target_platform():
    out = bazel("cquery", "--platforms=//platforms:linux_aarch64", 'kind("source file", deps(@overrides//six))')
    assert re.search(r"[~+]overrides__six__8abb2f1d86//file:six-1\.16\.0-py2\.py3-none-any\.whl", out), out


@pytest.mark.parametrize(
    ("platform", "pyyaml", "psutil"),
    [
        ("linux_x86_64", r"cp311-cp311-manylinux.*_x86_64\.whl", r"abi3-manylinux.*_x86_64"),
        ("linux_aarch64", r"cp311-cp311-manylinux.*_aarch64\.whl", r"abi3-manylinux.*_aarch64"),
        ("linux_musl_x86_64", r"cp311-cp311-musllinux_1_\d_x86_64\.whl", r"abi3-musllinux_1_\d_x86_64"),
        ("macos_arm64", r"cp311-cp311-macosx_\d+_\d+_arm64\.whl", r"abi3-macosx_\d+_\d+_arm64"),
        ("windows_x86_64", r"cp311-cp311-win_amd64\.whl", r"abi3-win_amd64"),
    ],
)
def test_each_target_platform_gets_its_wheels(platform, pyyaml, psutil):
    found = wheels(platform)
    assert re.search(pyyaml, found["pyyaml"]), found["pyyaml"]
    assert re.search(psutil, found["psutil"]), found["psutil"]
    assert found["pysocks"] == "PySocks-1.7.1-py3-none-any.whl"
    # click 8.1's `colorama; platform_system == "Windows"`: only Windows targets get it.
    assert ("colorama" in found) == (platform == "windows_x86_64")


def test_windows_wheels_install_on_the_linux_host():
    bazel("build", "--platforms=//platforms:windows_x86_64", "//app:deps")
    (tree,) = lines(bazel("cquery", "--platforms=//platforms:windows_x86_64", "--output=files", "@pypi//pyyaml"))
    installed = HERE / tree / "site-packages" / "yaml"
    assert sorted(p.name for p in installed.glob("_yaml*")) == ["_yaml.cp311-win_amd64.pyd"]


def _closure(plan: dict, platform: str, root: str) -> set[str]:
    todo, seen = [root], set()
    while todo:
        pid = todo.pop()
        if pid not in seen:
            seen.add(pid)
            todo += plan["packages"][pid]["platforms"][platform]["dependencies"]
    return seen


def hub_plan() -> Path:
    """The hub's plan.json, found through Bazel (the hub's canonical name differs between Bazel versions)."""
    location = bazel("query", "--output=location", "@pypi//:plan.json").strip()
    return host_path(location.split(":", 1)[0])


def test_a_build_fetches_exactly_its_closure(tmp_path):
    plan_json = hub_plan()
    hub = plan_json.parent.name  # the canonical name: rules_xpy~~uv~pypi on Bazel 7, rules_xpy++uv+pypi on 8
    plan = json.loads(plan_json.read_text())
    want = {plan["packages"][p]["name"].replace("-", "_") for p in _closure(plan, "linux_x86_64", "requests")}
    # requests carries its `socks` extra (pysocks): the lock plans extras per package.
    assert want == {"requests", "certifi", "charset_normalizer", "idna", "urllib3", "pysocks"}
    with fresh_output_base(BAZEL, HERE, "uv-closure") as base:  # nothing fetched yet
        bazel("build", "//app:small", startup=base)
        external = host_path(bazel("info", "output_base", startup=base).strip()) / "external"
        fetched = {
            m.group(1)
            for d in external.iterdir()
            if (m := re.fullmatch(rf"{re.escape(hub)}__([a-z0-9_]+)__[0-9a-f]{{10}}", d.name)) and d.is_dir()
        }
    assert fetched == want


def test_lock_is_checked_by_the_pinned_uv_not_one_on_path(tmp_path):
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "uv").write_text("#!/bin/sh\necho fake uv >&2\nexit 99\n")
    (fake / "uv").chmod(0o755)
    env = {**os.environ, "PATH": f"{fake}:{os.environ['PATH']}"}
    proc = subprocess.run(
        [BAZEL, "run", "@pypi//:lock", "--", "--check", "--system-certs"],
        cwd=HERE,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "fake uv" not in proc.stderr
    assert re.search(r"Resolved \d+ packages", proc.stderr), proc.stderr[-2000:]
