"""Images of a venv binary, built on this host: layers, the amd64 image (read by skopeo, run), the arch guard.

The amd64 image carries an in-build interpreter (an archive of the host's CPython); its base image and the
arm64 one come from tools/image/setup (image_workspace.py writes the inputs). The index of both arches needs
the arm64 RBE worker for markupsafe's native sdist build: e2e/rbe/image_rbe_test.py builds it, pushes it to a
real registry and runs both images.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from pathlib import Path

import image_workspace
import pytest
from e2e_support import assert_no_python_traceback, fresh_output_base, host_path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
BAZEL = os.environ.get("BAZEL", str(REPO / "tools" / "bazel"))
ARM64 = "--platforms=//platforms:linux_aarch64"


def bazel(*args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([BAZEL, *args], cwd=HERE, capture_output=True, text=True, timeout=1200)
    if ok:
        assert proc.returncode == 0, f"bazel {' '.join(args)} failed:\n{proc.stderr[-4000:]}"
    return proc


def outputs(target: str, *flags: str) -> list[Path]:
    rels = bazel("cquery", target, "--output=files", *flags).stdout.split()
    execroot = host_path(bazel("info", "execution_root").stdout.strip())
    return [execroot / rel for rel in rels]


@pytest.fixture(scope="module", autouse=True)
def workspace():
    image_workspace.prepare()


registry = pytest.fixture(image_workspace.registry)
run, run_image = image_workspace.run, image_workspace.run_image


def test_the_push_target_pushes_the_image_and_prints_its_digest(registry, tmp_path):
    pushed = bazel("run", "//app:push_image", "--", "--insecure", "--tag=e2e").stdout.strip()
    (layout,) = outputs("//app:image")
    digest = json.loads((layout / "index.json").read_text())["manifests"][0]["digest"]
    assert pushed == f"{registry}/xpy/app-amd64@{digest}"
    raw = run(["skopeo", "inspect", "--raw", "--tls-verify=false", f"docker://{registry}/xpy/app-amd64:e2e"]).stdout
    assert "sha256:" + hashlib.sha256(raw.encode()).hexdigest() == digest
    run(
        [
            "skopeo",
            "copy",
            "--src-tls-verify=false",
            f"docker://{registry}/xpy/app-amd64@{digest}",
            f"oci:{tmp_path / 'pulled'}:latest",
        ]
    )
    assert run_image(tmp_path / "pulled")[0] == "machine x86_64"
    failed = bazel("run", "//app:push_image", "--", "--repository=https://127.0.0.1:5077/xpy", ok=False)
    assert (
        "ERROR: //app:push_image: repository 'https://127.0.0.1:5077/xpy' is not host[:port]/name "
        "(no scheme, tag or digest). Fix: e.g. --repository localhost:5000/app"
    ) in failed.stderr


def layers(target: str) -> dict[str, str]:
    """Layer name -> digest of a py_image_layer."""
    bazel("build", target, "--output_groups=+layer_json")
    return {
        meta["name"]: meta["digest"]
        for meta in map(json.loads, map(Path.read_text, outputs(target, "--output_groups=layer_json")))
    }


def test_the_amd64_image_is_read_by_skopeo_and_runs_with_its_in_build_interpreter():
    bazel("build", "//app:image")
    (layout,) = outputs("//app:image")
    config = json.loads(run(["skopeo", "inspect", "--config", f"oci:{layout}:latest"]).stdout)
    assert (config["os"], config["architecture"]) == ("linux", "amd64")
    assert config["config"]["Entrypoint"] == ["/app/app/app"]
    assert "APP_MODE=image" in config["config"]["Env"] and any(e.startswith("PATH=") for e in config["config"]["Env"])
    assert config["config"]["Labels"] == {"org.opencontainers.image.title": "rules_xpy e2e app"}
    assert [h["created_by"].rsplit(": ", 1)[-1] for h in config["history"]] == [
        "base",
        "interpreter",
        "packages",
        "app",
    ]
    assert run_image(layout) == [
        "machine x86_64",
        "yaml 6.0.3 libyaml True",
        "markupsafe &lt;b&gt; markupsafe._speedups",  # built from markupsafe's sdist
        "mode image",
    ]


def test_a_packed_pex_image_has_its_wheels_in_the_packages_layer_and_runs_with_the_base_python():
    bazel("build", "//app:pex_image")
    (layout,) = outputs("//app:pex_image")
    config = json.loads(run(["skopeo", "inspect", "--config", f"oci:{layout}:latest"]).stdout)
    assert config["config"]["Entrypoint"] == ["/app/app_pex/app_pex.pex/__main__.py"]
    assert [h["created_by"].rsplit(": ", 1)[-1] for h in config["history"]] == ["base", "packages", "app"]
    assert run_image(layout) == [
        "machine x86_64",
        "yaml 6.0.3 libyaml True",
        "markupsafe &lt;b&gt; markupsafe._speedups",
        "mode pex",
    ]


def test_binaries_with_the_same_packages_share_their_packages_layer():
    app, other = layers("//app:app_layers"), layers("//app:other_layers")
    assert app["packages"] == other["packages"]
    assert app["interpreter"] == other["interpreter"]
    assert app["app"] != other["app"]


def test_a_first_party_edit_changes_only_the_app_layer():
    before = layers("//app:app_layers")
    source = HERE / "app" / "app.py"
    text = source.read_text()
    try:
        source.write_text(text + "\nprint('edited')\n")
        after = layers("//app:app_layers")
    finally:
        source.write_text(text)
    assert after["app"] != before["app"]
    assert {k: v for k, v in after.items() if k != "app"} == {k: v for k, v in before.items() if k != "app"}


def test_the_guard_refuses_an_x86_64_shared_object_in_the_arm64_image():
    proc = bazel("build", ARM64, "//evil:image", ok=False)
    assert proc.returncode != 0
    assert_no_python_traceback(proc.stderr)
    assert (
        "ERROR: the image for //platforms:linux_aarch64 (linux aarch64 glibc) holds "
        "/app/evil/evil.runfiles/_main/evil/evilpkg.whl_install/site-packages/evilpkg/_native.so "
        "(ELF x86_64 glibc 2.14), from package evilpkg: it is for x86_64, not aarch64 (//evil:image): "
        "depend on a wheel for the target platform, or build the package from its sdist for it"
    ) in proc.stderr, proc.stderr[-3000:]
    # The same binary's amd64 image passes: the shared object fits there.
    bazel("build", "//evil:image")


def test_the_archive_interpreter_runs_the_lock_tools_with_no_python3_on_path():
    """The workspace's only host interpreter is a python.archive: planning and the file repositories need no python3."""
    with fresh_output_base(BAZEL, HERE, "image-no-python3") as base:
        # --nobuild: loading @pypi//markupsafe runs the planner, the hub generator, the sdist inspection and the
        # sdist's build-file generation, all in the repository phase.
        proc = subprocess.run(
            [BAZEL, *base, "build", "--nobuild", "--repo_env=PATH=/nonexistent", "@pypi//markupsafe"],
            cwd=HERE,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert proc.returncode == 0, proc.stderr[-4000:]
        output_base = host_path(bazel(*base, "info", "output_base").stdout.strip())
        (repo,) = (output_base / "external").glob("*xpy_tool_python")
        tool = (repo / "python.txt").read_text()
        assert re.fullmatch(r"/\S+/external/[^/]*python_amd64/bin/python3", tool), tool  # the archive's interpreter
