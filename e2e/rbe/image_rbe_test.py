"""e2e/image's index on the RBE harness: markupsafe's native sdist built on the arm64 worker, the index read by
skopeo, pushed to a real registry on loopback and pulled back by digest, each image run on its arch (amd64 on
this host, arm64 under qemu), and the same index digest from two clean output bases.

Run by tools/rbe/e2e, which starts the harness around it.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_support import fresh_output_base
from rbe_test import BAZEL, REPO, bazel, harness, output_files, records

WORKSPACE = REPO / "e2e" / "image"
sys.path.insert(0, str(WORKSPACE))
import image_workspace  # noqa: E402

MACHINES = {"amd64": "x86_64", "arm64": "aarch64"}


run, run_image = image_workspace.run, image_workspace.run_image


@pytest.fixture(scope="module")
def built() -> Iterator[tuple[tuple[str, ...], Path]]:
    """//app:index built on the harness from a clean output base; the arm64 worker's new records are checked."""
    if "server: running" not in harness("status"):
        pytest.fail("the RBE harness is not running: run this suite with tools/rbe/e2e (or tools/rbe/start first)")
    image_workspace.prepare()
    before = len(records("arm64"))
    with fresh_output_base(BAZEL, WORKSPACE, "rbe-image-1") as base:
        bazel(base, "build", "//app:index", cwd=WORKSPACE)
        (layout,) = output_files(base, "//app:index", cwd=WORKSPACE)
        built = [f for r in records("arm64")[before:] for f in r["output_files"] if f.endswith(".whl")]
        assert built == ["markupsafe-3.0.4-cp311-cp311-linux_aarch64.whl"]
        yield base, layout


@pytest.fixture(scope="module")
def index(built: tuple[tuple[str, ...], Path]) -> Path:
    return built[1]


def test_the_index_has_one_image_per_platform_and_skopeo_reads_it(index):
    raw = json.loads(run(["skopeo", "inspect", "--raw", f"oci:{index}:latest"]).stdout)
    assert raw["mediaType"] == "application/vnd.oci.image.index.v1+json"
    assert [m["platform"] for m in raw["manifests"]] == [
        {"architecture": "amd64", "os": "linux"},
        {"architecture": "arm64", "os": "linux", "variant": "v8"},
    ]
    for arch in MACHINES:
        config = json.loads(
            run(["skopeo", "--override-arch", arch, "inspect", "--config", f"oci:{index}:latest"]).stdout
        )
        assert (config["os"], config["architecture"]) == ("linux", arch)
        assert config["config"]["Entrypoint"] == ["/app/app/app"]
        layers = [h["created_by"].rsplit(": ", 1)[-1] for h in config["history"]]
        # amd64 has an in-build interpreter; arm64 runs the base image's /usr/bin/python3.11.
        assert layers == (
            ["base", "interpreter", "packages", "app"] if arch == "amd64" else ["base", "packages", "app"]
        )


registry = pytest.fixture(image_workspace.registry)


def test_the_index_is_pushed_pulled_by_digest_and_each_image_runs_on_its_arch(built, registry, tmp_path):
    base, index = built
    ref = f"{registry}/xpy/app"
    pushed = bazel(base, "run", "//app:push", "--", f"--repository={ref}", "--insecure", cwd=WORKSPACE).stdout.strip()
    digest = json.loads((index / "index.json").read_text())["manifests"][0]["digest"]
    assert pushed == f"{ref}@{digest}"  # the registry holds exactly the index that was built
    raw = run(["skopeo", "inspect", "--raw", "--tls-verify=false", f"docker://{ref}:latest"]).stdout
    assert "sha256:" + hashlib.sha256(raw.encode()).hexdigest() == digest
    for arch, machine in MACHINES.items():
        pulled = tmp_path / arch
        run(
            [
                "skopeo",
                "--override-arch",
                arch,
                "copy",
                "--src-tls-verify=false",
                f"docker://{ref}@{digest}",
                f"oci:{pulled}:latest",
            ]
        )
        assert run_image(pulled) == [
            f"machine {machine}",
            "yaml 6.0.3 libyaml True",
            "markupsafe &lt;b&gt; markupsafe._speedups",  # arm64: the C extension built on the arm64 worker
            "mode image",
        ]


def test_two_clean_output_bases_give_the_same_index_digest(index):
    with fresh_output_base(BAZEL, WORKSPACE, "rbe-image-2") as base:
        # Not served from the harness' action cache: every action of the second build runs again.
        bazel(base, "build", "--noremote_accept_cached", "//app:index", cwd=WORKSPACE)
        (again,) = output_files(base, "//app:index", cwd=WORKSPACE)
        assert (again / "index.json").read_bytes() == (index / "index.json").read_bytes()
