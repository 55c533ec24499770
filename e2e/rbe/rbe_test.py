"""e2e/crossbuild on a real RBE pool: BuildGrid with an amd64 worker and an emulated arm64 worker.

Run by tools/rbe/e2e, which starts the harness (tools/rbe/start) around it.
Where an action ran is read from the workers' own records, not from aquery.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import uuid
import zipfile
from pathlib import Path

import pytest
from e2e_support import fresh_output_base, host_path

REPO = Path(__file__).resolve().parents[2]
WORKSPACE = REPO / "e2e" / "crossbuild"
BAZEL = os.environ.get("BAZEL", str(REPO / "tools" / "bazel"))
RBE_HOME = Path(os.environ.get("XPY_RBE_HOME", "/opt/rules_xpy-rbe"))
QUEUE_TIMEOUT = int(os.environ.get("XPY_RBE_QUEUE_TIMEOUT", "90"))
ARM64 = "--platforms=//platforms:linux_aarch64"
BAZEL_TIMEOUT = 600
ELF_MACHINE_AARCH64 = 183


def harness(*args: str) -> str:
    proc = subprocess.run([str(REPO / "tools" / "rbe" / "ctl"), *args], capture_output=True, text=True, timeout=120)
    return proc.stdout + proc.stderr


def bazel(
    base: tuple[str, ...], *args: str, ok: bool = True, timeout: int = BAZEL_TIMEOUT, cwd: Path = WORKSPACE
) -> subprocess.CompletedProcess[str]:
    argv = [BAZEL, *base, *args[:1], "--config=rbe", "--remote_retries=0", *args[1:]]
    try:
        proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_server(base)
        pytest.fail(f"bazel {' '.join(args)} did not finish within {timeout} s; harness:\n{harness('status')}")
    if ok:
        assert proc.returncode == 0, (
            f"bazel {' '.join(args)} failed:\n{proc.stderr[-4000:]}\nharness:\n{harness('status')}"
        )
    return proc


def output_base(base: tuple[str, ...]) -> str:
    """The --output_base of `base`, as Bazel sees it."""
    return base[0].split("=", 1)[1]


def kill_server(base: tuple[str, ...]) -> None:
    """Ends the Bazel server of `base` when a command of it hangs (`bazel shutdown` would wait for that command)."""
    pid_file = host_path(output_base(base)) / "server" / "server.pid.txt"
    if pid_file.exists():
        os.kill(int(pid_file.read_text()), signal.SIGKILL)


def records(worker: str) -> list[dict]:
    path = RBE_HOME / "run" / "records" / f"{worker}.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def pex_builds(entries: list[dict]) -> list[dict]:
    """The records of PyPex actions (pex_builder.py runs) among `entries`."""
    return [r for r in entries if any("pex_builder.py" in a for a in r["arguments"])]


def sdist_builds(worker: str) -> dict[str, tuple[str, str]]:
    """{package: (target cpu, wheel)} of the native sdist builds that `worker` ran."""
    found = {}
    for entry in records(worker):
        cpu = next((p.split("=", 1)[1] for p in entry["params"] if p.startswith("--target-cpu=")), None)
        wheel = next((f for f in entry["output_files"] if f.endswith(".whl")), None)
        if cpu and wheel and entry["exit_code"] == 0:
            found[wheel.split("-")[0]] = (cpu, wheel)
    return found


def emulate(base: tuple[str, ...], program: Path) -> subprocess.CompletedProcess[str]:
    """Runs an arm64 `program` with tools/rbe/emulate."""
    # Bazel may see the output base at another path than this host does (tools/bazel runs it in a chroot).
    where = output_base(base)
    argv = [str(REPO / "tools" / "rbe" / "emulate"), f"--map={where}={host_path(where)}", str(program)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=300)


def output_files(base: tuple[str, ...], label: str, *flags: str, cwd: Path = WORKSPACE) -> list[Path]:
    out = bazel(base, "cquery", label, "--output=files", *flags, cwd=cwd).stdout.split()
    execroot = bazel(base, "info", "execution_root", cwd=cwd).stdout.strip()
    return [host_path(execroot) / f for f in out]


def test_each_native_sdist_build_runs_on_the_worker_of_its_arch(base):
    bazel(base, "build", "//:image_index")
    assert {k: v for k, v in sdist_builds("arm64").items() if k in ("cowsay", "markupsafe")} == {
        "cowsay": ("aarch64", "cowsay-6.0-py2.py3-none-any.whl"),
        "markupsafe": ("aarch64", "markupsafe-3.0.2-cp311-cp311-linux_aarch64.whl"),
    }
    assert {k: v for k, v in sdist_builds("amd64").items() if k in ("cowsay", "markupsafe")} == {
        "cowsay": ("x86_64", "cowsay-6.0-py2.py3-none-any.whl"),
        "markupsafe": ("x86_64", "markupsafe-3.0.2-cp311-cp311-linux_x86_64.whl"),
    }
    arm64 = records("arm64")
    assert {r["machine"] for r in arm64} == {"aarch64"}  # uname -m, as the actions saw it
    assert {r["platform"]["Arch"] for r in arm64} == {"arm64"}
    # Only the native sdist builds need an arm64 machine: everything else ran on amd64.
    assert all("build_helper.py" in " ".join(r["arguments"]) for r in arm64)


def test_the_arm64_build_of_a_c_extension_sdist_is_an_aarch64_wheel(base):
    bazel(base, "build", ARM64, "//app")
    target = 'kind("_uv_sdist_wheel", deps(@pypi//markupsafe))'
    (house,) = output_files(base, target, ARM64)
    (wheel,) = house.glob("*.whl")
    assert wheel.name == "markupsafe-3.0.2-cp311-cp311-linux_aarch64.whl"
    with zipfile.ZipFile(wheel) as whl:
        (ext,) = [n for n in whl.namelist() if n.endswith(".so")]
        header = whl.read(ext)[:20]
    assert ext == "markupsafe/_speedups.cpython-311-aarch64-linux-gnu.so"
    assert header[:4] == b"\x7fELF" and int.from_bytes(header[18:20], "little") == ELF_MACHINE_AARCH64


def test_the_arm64_venv_binary_runs_under_emulation(base):
    bazel(base, "build", ARM64, "//app")
    (launcher,) = [f for f in output_files(base, "//app", ARM64) if f.name == "app"]
    run = emulate(base, launcher)
    assert run.returncode == 0, run.stderr
    assert "| Hello from aarch64 |" in run.stdout
    assert "markupsafe &lt;xpy&gt; _speedups.cpython-311-aarch64-linux-gnu.so" in run.stdout


def test_a_pdm_lock_s_sdist_marked_native_builds_on_the_arm64_worker_and_runs_under_emulation(base):
    bazel(base, "build", ARM64, "//pdm:app")
    # docopt has only an sdist in the PDM pylock.toml; pylock.override_package(native = True) sends its build to
    # an executor of the target: the arm64 worker's records show it.
    assert sdist_builds("arm64")["docopt"] == ("aarch64", "docopt-0.6.2-py2.py3-none-any.whl")
    (launcher,) = [f for f in output_files(base, "//pdm:app", ARM64) if f.name == "app"]
    run = emulate(base, launcher)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["docopt {'<name>': 'aarch64'}", "yaml 6.0.3 libyaml True", "requests 2.34.2"]


def test_the_arm64_pex_runs_under_emulation_and_was_assembled_on_amd64(base):
    bazel(base, "build", ARM64, "//app:app_pex")
    (pex,) = output_files(base, "//app:app_pex", ARM64)
    run = emulate(base, pex)
    assert run.returncode == 0, run.stderr
    assert "| Hello from aarch64 |" in run.stdout
    assert "markupsafe &lt;xpy&gt; _speedups.cpython-311-aarch64-linux-gnu.so" in run.stdout
    # The PEX is only a zip of the target's wheels: the exec interpreter on amd64 packs it.
    assert pex_builds(records("amd64"))
    assert not pex_builds(records("arm64"))


def test_e2e_pex_packs_pexes_for_four_targets_on_amd64_and_the_arm64_one_runs_under_emulation():
    pex_workspace = REPO / "e2e" / "pex"
    packed_before = len(records("amd64"))
    with fresh_output_base(BAZEL, pex_workspace, "rbe-pex") as base:
        # Not served from the harness' action cache: the workers must run the actions of this test.
        bazel(base, "build", "--noremote_accept_cached", ARM64, "//:app_pex", cwd=pex_workspace)
        (pex,) = output_files(base, "//:app_pex", ARM64, cwd=pex_workspace)  # before other configurations exist
        run = emulate(base, pex)
        bazel(base, "build", "--noremote_accept_cached", "//:all_pexes", cwd=pex_workspace)
    assert run.returncode == 0, run.stderr
    assert "yaml 6.0.3 libyaml True" in run.stdout  # pyyaml's aarch64 wheel, its C extension loaded
    assert "args ['--from-pex']" in run.stdout
    # The PEXes of all four targets were packed on the amd64 worker, none on the arm64 one.
    packed = pex_builds(records("amd64")[packed_before:])
    targets = {p.split("=", 1)[1] for r in packed for p in r["params"] if p.startswith("--target-platform=")}
    assert targets == {f"//platforms:{p}" for p in ("linux_x86_64", "linux_aarch64", "macos_arm64", "windows_x86_64")}
    assert not pex_builds(records("arm64"))


def test_without_an_arm64_worker_the_next_arm64_build_fails_in_time_and_caches_nothing(base):
    # A new action key for the arm64 cowsay build (the env reaches actions that use the default shell env).
    probe = f"--action_env=XPY_RBE_PROBE={uuid.uuid4().hex}"
    ran_before = len(records("arm64"))
    harness("stop-worker", "arm64")
    try:
        failed = bazel(base, "build", ARM64, probe, "@pypi//cowsay", ok=False, timeout=QUEUE_TIMEOUT + 120)
    finally:
        harness("start-worker", "arm64")
    assert failed.returncode != 0
    assert "Building wheel cowsay 6.0 (sdist) for linux_aarch64 failed" in failed.stderr
    assert "Operation has been queued for too long" in failed.stderr
    assert len(records("arm64")) == ran_before
    # With the worker back, the same action runs again (no failed result was cached) and gives an aarch64 build.
    bazel(base, "build", ARM64, probe, "@pypi//cowsay")
    assert len(records("arm64")) == ran_before + 1
    assert "--target-cpu=aarch64" in records("arm64")[-1]["params"]
