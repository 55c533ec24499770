"""Executor faults on the RBE harness: a worker killed mid-build, the server restarted mid-build, 50 builds at once.

Run by tools/rbe/e2e after rbe_test.py, with the harness up. Each build that a
fault interrupts must end within its time limit, either built (its job runs
again once a worker is there) or with a clear message, and a clean rebuild
must give the same wheel bytes: nothing corrupt reached any cache.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import tarfile
import time
import uuid
import zipfile
from pathlib import Path

import pytest
from e2e_support import fresh_output_base, host_path, scratch_workspace
from rbe_test import (
    ARM64,
    BAZEL,
    BAZEL_TIMEOUT,
    QUEUE_TIMEOUT,
    RBE_HOME,
    WORKSPACE,
    bazel,
    harness,
    output_files,
    records,
)
from xpy.binaries import read_native

LOGS = RBE_HOME / "run"
X86 = "--platforms=//platforms:linux_x86_64"


def _mark(bot_id: str) -> int:
    log = LOGS / f"{bot_id}.log"
    return len(log.read_text()) if log.exists() else 0


def _wait_for(what: str, path: Path, since: int, seconds: float) -> float:
    """Wait until `what` appears in the file `path` after offset `since`; return when (monotonic)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if what in path.read_text(errors="replace")[since:]:
            return time.monotonic()
        time.sleep(0.2)
    raise AssertionError(
        f"no {what!r} in {path} within {seconds} s:\n{path.read_text(errors='replace')[since:][-2000:]}"
    )


def _start_build(base: tuple[str, ...], *args: str) -> subprocess.Popen[str]:
    argv = [BAZEL, *base, "build", "--config=rbe", "--remote_retries=5", *args]
    return subprocess.Popen(argv, cwd=WORKSPACE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(build: subprocess.Popen[str], seconds: float) -> tuple[int, str]:
    try:
        _, err = build.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        build.kill()
        pytest.fail(f"the build did not end within {seconds} s after the fault (a hang); harness:\n{harness('status')}")
    return build.returncode, err


def _wheel(base: tuple[str, ...], platform: str, package: str) -> bytes:
    target = f'kind("_uv_sdist_wheel", deps(@pypi//{package}))'
    (house,) = output_files(base, target, platform)
    (wheel,) = house.glob("*.whl")
    return wheel.read_bytes()


def _clean_rebuild_wheel(platform: str, package: str) -> bytes:
    with fresh_output_base(BAZEL, WORKSPACE, "rbe-faults-clean") as clean:
        bazel(clean, "build", "--noremote_accept_cached", platform, f"@pypi//{package}")
        return _wheel(clean, platform, package)


def test_a_worker_killed_with_sigkill_mid_build_is_dropped_and_its_job_runs_again(base):
    probe = f"--action_env=XPY_RBE_PROBE={uuid.uuid4().hex}"  # a new action key: the build must really run
    since, spare = _mark("worker-arm64"), _mark("worker-arm64-spare")
    build = _start_build(base, ARM64, probe, "@pypi//markupsafe")
    try:
        _wait_for(" start ", LOGS / "worker-arm64.log", since, BAZEL_TIMEOUT)
        harness("kill-worker", "arm64")
        killed = time.monotonic()
        # Another arm64 worker, under another bot id: the job can only reach it once BuildGrid has dropped the
        # dead worker's session, which it does after the keepalive timeout (30 s, tools/rbe/bgd.yml), not 900 s.
        harness("start-worker", "arm64", "worker-arm64-spare")
        rerun = _wait_for(" start ", LOGS / "worker-arm64-spare.log", spare, 120)
        assert rerun - killed < 60, f"the dead worker held its job for {rerun - killed:.0f} s"
        code, err = _finish(build, QUEUE_TIMEOUT + BAZEL_TIMEOUT)
    finally:
        harness("stop-worker", "arm64")
        harness("start-worker", "arm64")
    assert code == 0, err[-3000:]
    runs = [r for r in records("arm64") if any(p.startswith("--package=markupsafe") for p in r["params"])]
    assert runs and runs[-1]["exit_code"] == 0 and runs[-1]["machine"] == "aarch64"
    built = _wheel(base, ARM64, "markupsafe")
    assert built == _clean_rebuild_wheel(ARM64, "markupsafe"), "a clean rebuild gave other wheel bytes"


def test_the_server_restarted_mid_build_loses_nothing(base):
    probe = f"--action_env=XPY_RBE_PROBE={uuid.uuid4().hex}"
    since = _mark("arm64")
    build = _start_build(base, ARM64, probe, "@pypi//markupsafe")
    _wait_for(" start ", LOGS / "worker-arm64.log", since, BAZEL_TIMEOUT)
    harness("restart-server")
    code, err = _finish(build, QUEUE_TIMEOUT + BAZEL_TIMEOUT)
    if code != 0:  # allowed, if it says what happened
        assert "Building wheel markupsafe 3.0.2 (sdist) for linux_aarch64 failed" in err or "UNAVAILABLE" in err, err[
            -3000:
        ]
        bazel(base, "build", ARM64, probe, "@pypi//markupsafe")  # a retry then builds it
    built = _wheel(base, ARM64, "markupsafe")
    assert built == _clean_rebuild_wheel(ARM64, "markupsafe"), "a clean rebuild gave other wheel bytes"


# --- 50 builds at once ------------------------------------------------------------------------------------------------

PACKAGES = 25
EXT = b"""#define PY_SSIZE_T_CLEAN
#include <Python.h>
static struct PyModuleDef m = {PyModuleDef_HEAD_INIT, "_ext", NULL, -1, NULL};
PyMODINIT_FUNC PyInit__ext(void) { return PyModule_Create(&m); }
"""


def _sdist(directory: Path, name: str) -> tuple[Path, str]:
    """A tiny native sdist `<name>-1.0.tar.gz` (one C extension); (path, sha256)."""
    files = {
        "pyproject.toml": b'[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
        + f'[project]\nname = "{name}"\nversion = "1.0"\n'.encode(),
        "setup.py": f'from setuptools import Extension, setup\nsetup(ext_modules=[Extension("{name}._ext", ["ext.c"])], packages=["{name}"])\n'.encode(),
        "ext.c": EXT,
        f"{name}/__init__.py": b"",
    }
    path = directory / f"{name}-1.0.tar.gz"
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for member, data in files.items():
            info = tarfile.TarInfo(f"{name}-1.0/{member}")
            info.size, info.mtime = len(data), 1_600_000_000
            tf.addfile(info, io.BytesIO(data))
    path.write_bytes(buf.getvalue())
    return path, hashlib.sha256(buf.getvalue()).hexdigest()


def _many_workspace(root: Path) -> list[str]:
    """e2e/crossbuild's setup with a lock of 25 native sdists (file:// URLs) and one target for both arches."""
    names = [f"xpyn{i:02d}" for i in range(PACKAGES)]
    sdists = root / "sdists"
    sdists.mkdir()
    lock = ['version = 1\nrequires-python = ">=3.11"\n\n[[package]]\nname = "many"\nversion = "0.1.0"']
    lock.append('source = { virtual = "." }\ndependencies = [' + ", ".join(f'{{ name = "{n}" }}' for n in names) + "]")
    for name in names:
        path, sha256 = _sdist(sdists, name)
        lock.append(f'\n[[package]]\nname = "{name}"\nversion = "1.0"\nsource = {{ url = "file://{path}" }}')
        lock.append(f'sdist = {{ hash = "sha256:{sha256}" }}')
    (root / "uv.lock").write_text("\n".join(lock) + "\n")
    module = (WORKSPACE / "MODULE.bazel").read_text()
    module = module.split("uv = use_extension")[0] + (
        'uv = use_extension("@rules_xpy//uv:extensions.bzl", "uv")\n'
        'uv.lock(name = "pypi", lock = "//:uv.lock", python_version = "3.11", '
        'target_platforms = ["linux_x86_64", "linux_aarch64"])\nuse_repo(uv, "pypi")\n'
    )
    (root / "MODULE.bazel").write_text(
        module.replace('module(name = "e2e_crossbuild")', 'module(name = "e2e_rbe_many")')
    )
    (root / "app.py").write_text(
        "import importlib\nfor i in range(25):\n    importlib.import_module(f'xpyn{i:02d}._ext')\n"
    )
    deps = ", ".join(f'"@pypi//{n}"' for n in names)
    (root / "BUILD.bazel").write_text(
        'load("@rules_xpy//py:defs.bzl", "py_oci_image", "py_oci_image_index", "py_venv_binary")\n\n'
        f'py_venv_binary(name = "app", srcs = ["app.py"], deps = [{deps}])\n\n'
        'py_oci_image(name = "image", binary = ":app")\n\n'
        'py_oci_image_index(name = "both", image = ":image", platforms = ["//platforms:linux_x86_64", "//platforms:linux_aarch64"])\n'
    )
    for keep in (".bazelrc", "platforms"):
        src = WORKSPACE / keep
        if src.is_dir():
            (root / keep).mkdir()
            for f in src.iterdir():
                (root / keep / f.name).write_bytes(f.read_bytes())
        else:
            (root / keep).write_bytes(src.read_bytes())
    return names


@pytest.fixture
def burst_pool():
    """The pool for a burst: a second arm64 worker, and a queue timeout long enough for 25 emulated builds."""
    harness("restart-server", "900")
    harness("start-worker", "arm64", "worker-arm64-2")
    try:
        yield
    finally:
        harness("stop-worker", "arm64")
        harness("restart-server")
        harness("start-worker", "arm64")


def test_50_native_sdist_builds_at_once_each_give_a_wheel_of_their_arch(burst_pool):
    with scratch_workspace("rbe-many") as root, fresh_output_base(BAZEL, root, "rbe-many") as base:
        names = _many_workspace(root)
        before = {w: len(records(w)) for w in ("amd64", "arm64")}
        started = time.monotonic()
        bazel(base, "build", "--jobs=50", "--noremote_accept_cached", "//:both", cwd=root, timeout=1200)
        seconds = time.monotonic() - started
        execroot = host_path(bazel(base, "info", "execution_root", cwd=root).stdout.strip())
        wheels = sorted(execroot.glob("bazel-out/*/bin/external/*xpyn*__wheel/wheel.wheelhouse/*.whl"))
        # The wheels in the output tree (read before the output base goes): one per (package, arch), each .so
        # of its wheel's arch.
        assert len(wheels) == 2 * PACKAGES, [w.name for w in wheels]
        for wheel in wheels:
            arch = "aarch64" if wheel.name.endswith("_aarch64.whl") else "x86_64"
            with zipfile.ZipFile(wheel) as zf:
                (so,) = [n for n in zf.namelist() if n.endswith(".so")]
                data = zf.read(so)
            native = read_native(io.BytesIO(data), len(data))
            assert native is not None and native.arches == (arch,), (wheel.name, native)
    ran = {w: records(w)[before[w] :] for w in ("amd64", "arm64")}
    built = {w: sorted(f for r in ran[w] for f in r["output_files"] if f.endswith(".whl")) for w in ran}
    assert len({r["worker"] for r in ran["arm64"]}) == 2, "both arm64 workers took builds"
    assert built["amd64"] == [f"{n}-1.0-cp311-cp311-linux_x86_64.whl" for n in names]
    assert built["arm64"] == [f"{n}-1.0-cp311-cp311-linux_aarch64.whl" for n in names]
    assert {r["machine"] for r in ran["arm64"]} == {"aarch64"}
    print(f"50 sdist builds (25 packages x 2 arches) in {seconds:.0f} s")
