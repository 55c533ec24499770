"""The pylock extension on real pylock.toml files written by PDM, uv export, pip lock and pex (locks/).

Each hub is the same requirements locked by another writer: the venv binary
runs on the host, each target platform gets its own wheels, PEXes build for
four targets, and a build fetches only its closure. No uv is involved.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from e2e_support import assert_no_python_traceback, fresh_output_base, host_path

HERE = Path(__file__).resolve().parent
BAZEL = os.environ.get("BAZEL", str(HERE.parent.parent / "tools" / "bazel"))

HUBS = ["pdm", "uvx", "pip", "pex"]
UNIVERSAL = ["pdm", "uvx", "pex"]  # pip lock locks for the machine it runs on only
OTHERS = ["linux_aarch64", "macos_arm64", "windows_x86_64"]
# Where each writer's edges come from (plan.json `edges`).
EDGES = {"pdm": "tool.pdm", "uvx": "metadata", "pip": "metadata", "pex": "lock"}
# The wheel each target platform must get, per package with per-platform wheels.
TAGS = {
    "linux_x86_64": r"manylinux\w*_x86_64",
    "linux_aarch64": r"manylinux\w*_aarch64",
    "macos_arm64": r"macosx_\d+_\d+_(arm64|universal2)",
    "windows_x86_64": r"win_amd64",
}
NATIVE = {"pyyaml": "cp311", "orjson": "cp311", "markupsafe": "cp311", "psutil": "abi3"}  # ABI tags
REQUESTS = {"requests", "certifi", "charset-normalizer", "idna", "urllib3"}


def fits(wheel: str, abi: str, platform: str) -> bool:
    """Whether the wheel's ABI tag matches `abi` and one of its platform tags is the platform's (TAGS)."""
    _, _, _, wheel_abi, tags = wheel.removesuffix(".whl").rsplit("-", 4)
    return bool(re.fullmatch(abi, wheel_abi)) and any(re.fullmatch(TAGS[platform], t) for t in tags.split("."))


def bazel(*args: str, startup: tuple[str, ...] = (), ok: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([BAZEL, *startup, *args], cwd=HERE, capture_output=True, text=True, timeout=900)
    if ok:
        assert proc.returncode == 0, f"bazel {' '.join(args)} failed:\n{proc.stderr[-4000:]}"
    return proc


def plan(hub: str) -> dict:
    location = bazel("query", "--output=location", f"@{hub}//:plan.json").stdout.strip()
    return json.loads(host_path(location.split(":", 1)[0]).read_text())


def closure(p: dict, platform: str, root: str) -> set[str]:
    todo, seen = [root], set()
    while todo:
        pid = todo.pop()
        if pid not in seen:
            seen.add(pid)
            todo += p["packages"][pid]["platforms"][platform]["dependencies"]
    return seen


def wheels(hub: str, platform: str) -> dict[str, str]:
    """Package name -> wheel file name in //app:deps_<hub>'s closure on `platform`."""
    out = bazel("cquery", f"--platforms=//platforms:{platform}", f'kind("source file", deps(//app:deps_{hub}))')
    found = {}
    for line in out.stdout.splitlines():
        m = re.search(rf"~{hub}__([a-z0-9_]+)__[0-9a-f]{{10}}//file:(\S+\.whl)", line)
        if m:
            found[m.group(1)] = m.group(2)
    return found


@pytest.mark.parametrize("hub", HUBS)
def test_the_app_imports_every_package_on_the_host(hub):
    out = bazel("run", f"//app:app_{hub}").stdout.splitlines()
    versions = [line for line in out if re.fullmatch(r"[a-z0-9-]+ \d+(\.\d+)+(\.post\d+)?", line)]
    assert len(versions) == 16, out  # the 11 requirements and their 5 dependencies
    assert "pyyaml 6.0.3" in out and "docopt 0.6.2" in out  # pinned; docopt has only an sdist
    assert "yaml {a: [1, 2]} libyaml True" in out
    assert "markupsafe &lt;b&gt; markupsafe._speedups" in out
    assert "docopt {'--x': True}" in out
    assert "charset utf_8" in out and "idna xn--bcher-kva.example" in out


@pytest.mark.parametrize("hub", UNIVERSAL)
@pytest.mark.parametrize("platform", OTHERS)
def test_each_target_platform_gets_its_own_wheels(hub, platform):
    found = wheels(hub, platform)
    for package, abi in NATIVE.items():
        assert fits(found[package], abi, platform), (package, found[package])
    assert fits(found["charset_normalizer"], "cp311", platform), found
    assert found["requests"].endswith("-py3-none-any.whl")
    assert "docopt" not in found  # sdist only: built in a PySdistBuild action, not a locked wheel


@pytest.mark.parametrize("hub", UNIVERSAL)
def test_pexes_build_for_four_targets_on_this_host(hub):
    bazel("build", f"//app:pexes_{hub}")
    execroot = host_path(bazel("info", "execution_root").stdout.strip())
    seen = set()
    for rel in bazel("cquery", "--output=files", f"//app:pexes_{hub}").stdout.split():
        with zipfile.ZipFile(execroot / rel) as zf:
            info = json.loads(zf.read("PEX-INFO"))
        platform = info["build_properties"]["rules_xpy"]["target_platform"].removeprefix("//platforms:")
        seen.add(platform)
        dists = {d.split("-")[0].lower(): d for d in info["distributions"]}
        assert len(dists) == 16, sorted(dists)
        assert fits(dists["pyyaml"], "cp311", platform), dists["pyyaml"]
        assert fits(dists["psutil"], "abi3", platform), dists["psutil"]
        assert dists["docopt"] == "docopt-0.6.2-py2.py3-none-any.whl"  # built from its sdist
    assert seen == set(TAGS)


def test_the_linux_pex_runs_on_the_host(tmp_path):
    bazel("build", "--platforms=//platforms:linux_x86_64", "//app:pex_pdm")
    (rel,) = bazel("cquery", "--platforms=//platforms:linux_x86_64", "--output=files", "//app:pex_pdm").stdout.split()
    pex = host_path(bazel("info", "execution_root").stdout.strip()) / rel
    env = {**os.environ, "PEX_ROOT": str(tmp_path / "pex_root")}
    out = subprocess.run([sys.executable, str(pex)], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "yaml {a: [1, 2]} libyaml True" in out.stdout.splitlines()


def test_a_pip_lock_names_what_has_no_file_for_another_target():
    proc = bazel("build", "--platforms=//platforms:macos_arm64", "//app:pex_pip", ok=False)
    assert proc.returncode != 0
    assert_no_python_traceback(proc.stderr)
    assert re.search(
        r"Error in fail: (charset-normalizer|markupsafe|orjson|psutil|pyyaml) \S+ has no file for target platform "
        r"macos_arm64 .* The lock lists: \S+x86_64\S*\.whl\. .*regenerate the pylock\.toml with the tool that wrote "
        r"it \(pip\)",
        proc.stderr,
    ), proc.stderr[-3000:]


@pytest.mark.parametrize("hub", HUBS)
def test_requests_carries_its_closure_whoever_wrote_the_lock(hub):
    p = plan(hub)
    assert p["format"] == "pylock.toml"
    third_party = {pid: e for pid, e in p["packages"].items() if e["source"]["kind"] != "first_party"}
    assert {e["edges"] for e in third_party.values()} == {EDGES[hub]}
    for platform in TAGS:
        assert closure(p, platform, "requests") == REQUESTS
        assert closure(p, platform, "rich") == {"rich", "markdown-it-py", "mdurl", "pygments"}
    if EDGES[hub] == "metadata":  # read from the file each package installs from, named in the plan
        assert third_party["requests"]["edges_note"] == "Requires-Dist of requests-2.34.2-py3-none-any.whl"
        assert third_party["docopt"]["edges_note"] == "docopt-0.6.2/docopt.egg-info (no requires.txt: no dependencies)"


@pytest.mark.parametrize(("hub", "target"), [("pdm", "//app:small"), ("uvx", "//app:small_uvx")])
def test_a_build_fetches_exactly_its_closure_and_no_uv(hub, target):
    p = plan(hub)
    want = {p["packages"][pid]["name"].replace("-", "_") for pid in closure(p, "linux_x86_64", "requests")}
    with fresh_output_base(BAZEL, HERE, f"pylock-{hub}") as base:
        bazel("build", target, startup=base)
        external = host_path(bazel("info", "output_base", startup=base).stdout.strip()) / "external"
        names = [d.name for d in external.iterdir() if d.is_dir()]
    fetched = {m.group(1) for n in names if (m := re.fullmatch(rf".*~{hub}__([a-z0-9_]+)__[0-9a-f]{{10}}", n))}
    assert fetched == want
    assert not [n for n in names if "~~uv~" in n or n.endswith("xpy_uv")], names  # no uv extension, no uv binary
