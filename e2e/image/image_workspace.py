"""e2e/image's generated inputs, written before anything builds (image_test.py and e2e/rbe/image_rbe_test.py).

- `generated.MODULE.bazel`: a `python.archive` of this host's CPython (tools/testing/make_python_archive.py),
  the amd64 image's in-build interpreter;
- `base/amd64`, `base/arm64`: the base image layouts of tools/image/setup (Debian bookworm packages);
- `evil/evilpkg-1.0-py3-none-any.whl`: a pure wheel carrying an x86_64 shared object, for the arch guard.

Also what both tests use to check images: `run`, `registry` (a docker-registry on loopback, as a pytest
fixture) and `run_image` (an image layout unpacked and run, arm64 under qemu).
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
IMAGE_HOME = Path(os.environ.get("XPY_IMAGE_HOME", "/opt/rules_xpy-image"))
REGISTRY_PORT = 5077


def run(argv: list[str], timeout: int = 600) -> subprocess.CompletedProcess[str]:
    """Run a command that must succeed; its output is in the assertion when it does not."""
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{' '.join(argv)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
    return proc


def registry() -> Iterator[str]:
    """A docker-registry on 127.0.0.1 (tools/image/registry.py) while the caller runs; yields host:port."""
    tool = REPO / "tools" / "image" / "registry.py"
    address = run([sys.executable, str(tool), "start", f"--port={REGISTRY_PORT}"], timeout=60).stdout.strip()
    try:
        yield address
    finally:
        subprocess.run([sys.executable, str(tool), "stop"], timeout=60)


def run_image(layout: Path) -> list[str]:
    """The lines the image of `layout` prints when its entrypoint runs (tools/image/run_image.py)."""
    return run([sys.executable, str(REPO / "tools/image/run_image.py"), f"--layout={layout}"]).stdout.splitlines()


def prepare() -> None:
    """Install the image tools and base images (tools/image/setup), then write the generated inputs."""
    bazel = os.environ.get("BAZEL", str(REPO / "tools" / "bazel"))
    # First Bazel itself: tools/bazel may make its Debian root, which tools/image/setup then gives skopeo.
    subprocess.run([bazel, "--version"], check=True, capture_output=True, timeout=1800)
    subprocess.run([str(REPO / "tools" / "image" / "setup")], check=True, timeout=1800)
    for arch in ("amd64", "arm64"):
        shutil.rmtree(HERE / "base" / arch, ignore_errors=True)
        shutil.copytree(IMAGE_HOME / f"base-{arch}", HERE / "base" / arch)
    (HERE / "generated").mkdir(exist_ok=True)
    made = subprocess.run(
        [
            sys.executable,
            str(REPO / "tools/testing/make_python_archive.py"),
            "--out",
            str(HERE / "generated/python.tar.gz"),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    archive, sha256 = made.stdout.split()
    version = ".".join(map(str, sys.version_info[:3]))
    module = (
        "# Written by e2e/image/image_workspace.py: the archive of the host's CPython.\n"
        'python = use_extension("@rules_xpy//py:extensions.bzl", "python")\n'
        f'python.archive(name = "python_amd64", url = "file://{archive}", sha256 = "{sha256}", '
        f'strip_prefix = "python", version = "{version}", os = "linux", cpu = "x86_64")\n'
    )
    target = HERE / "generated.MODULE.bazel"
    if not target.exists() or target.read_text() != module:  # an unchanged file keeps Bazel's fetched repositories
        target.write_text(module)
    libz = next(Path("/usr/lib/x86_64-linux-gnu").glob("libz.so.1.*"))  # an x86_64 shared object of this host
    _wheel_with_so(HERE / "evil" / "evilpkg-1.0-py3-none-any.whl", libz.read_bytes())


def _wheel_with_so(wheel: Path, data: bytes) -> None:
    entries = {"evilpkg/__init__.py": b"", "evilpkg/_native.so": data}
    dist_info = "evilpkg-1.0.dist-info"
    entries[f"{dist_info}/METADATA"] = b"Metadata-Version: 2.1\nName: evilpkg\nVersion: 1.0\n"
    entries[f"{dist_info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: e2e\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    rows = [
        f"{name},sha256={base64.urlsafe_b64encode(hashlib.sha256(d).digest()).rstrip(b'=').decode()},{len(d)}"
        for name, d in entries.items()
    ]
    entries[f"{dist_info}/RECORD"] = ("\n".join([*rows, f"{dist_info}/RECORD,,"]) + "\n").encode()
    with zipfile.ZipFile(wheel, "w") as zf:
        for name, d in entries.items():
            zf.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), d)
