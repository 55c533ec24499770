"""Every benchmark of rules_xpy in one run, and one table of their ratios (docs/performance.md shows it).

Runs, one after the other on this machine: venv start-up against a plain uv
venv (e2e/uv's 26-package app, and an app of the 216-package lock in
big_ws/), PEX start-up against the pex CLI's PEX of the same wheels,
PySdistBuild against `python -m build`, PyPex against the pex CLI, the plan
time of a 500-package pylock.toml against the uv.lock of the same packages,
the extension and analysis time of the 216-package lock, WhlInstall and
PyVenv per action against the floor of a tool action, the files a build
fetches against its closure, and what one sys.path entry per package would
cost against the merged site-packages (26, 200, 1000 synthetic packages),
and e2e/image's image build time against its binary's, its layer sizes and
the share of bytes a first-party edit re-uploads.
Each benchmark prints its own details; the table at the end collects their
`BENCH` lines. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench_bazel import Bazel

__all__ = ["main"]

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TARGETS = {
    "venv start-up, 26-package lock": "<= 1.05",
    "venv start-up, 216-package lock": "<= 1.05",
    "PySdistBuild / direct build": "<= 1.15",
    "WhlInstall per action / floor": "<= 2",
    "files fetched / closure": "= 1",
}


def _machine() -> str:
    mem = next(
        (line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), "0"
    )
    gib = int(mem) // 1024 // 1024
    return f"{os.cpu_count()} cores, {gib} GiB, {platform.platform()}, Python {platform.python_version()}"


def _run(name: str, argv: Sequence[str]) -> list[dict[str, Any]]:
    print(f"=== {name}", flush=True)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, *argv], cwd=ROOT, capture_output=True, text=True)
    sys.stdout.write(proc.stdout)
    if proc.returncode != 0:
        sys.stdout.write(proc.stderr[-3000:])
        print(f"=== {name}: FAILED", flush=True)
        return [{"name": name, "ours": float("nan"), "baseline": float("nan"), "ratio": float("nan"), "what": "failed"}]
    print(f"=== {name}: {time.perf_counter() - start:.0f} s", flush=True)
    return [json.loads(line[len("BENCH ") :]) for line in proc.stdout.splitlines() if line.startswith("BENCH ")]


def _analysis(bazel: str) -> list[dict[str, Any]]:
    """Extension (planning) and analysis of big_ws's app in a fresh output base (the repository cache is warm)."""
    b = Bazel(bazel, HERE / "big_ws", "/tmp/xpy-bench-analysis")
    b.remove()
    try:
        _, seconds = b("build", "--nobuild", "//:app")
    finally:
        b.remove()
    what = "big_ws //:app: bazel build --nobuild in a fresh output base (fetches from the repository cache)"
    print(f"extension + analysis of the 216-package lock: {seconds:.1f} s")
    return [
        {
            "name": "extension + analysis, 216-package lock (s)",
            "ours": seconds,
            "baseline": None,
            "ratio": None,
            "what": what,
        }
    ]


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="all", description=__doc__.splitlines()[0])
    parser.add_argument("--bazel", default=str(ROOT / "tools" / "bazel"))
    parser.add_argument("--uv", required=True)
    parser.add_argument("--pex", required=True, help="the pex CLI")
    parser.add_argument("--runs", type=int, default=15, help="runs of each start-up benchmark")
    args = parser.parse_args(argv)
    b = HERE
    common = [f"--bazel={args.bazel}", f"--uv={args.uv}"]
    rows: list[dict[str, Any]] = []
    print(f"machine: {_machine()}", flush=True)
    started = time.perf_counter()
    for name, workspace, target, script in (
        ("venv start-up, 26-package lock", "e2e/uv", "//app:app", "app/app.py"),
        ("venv start-up, 216-package lock", "tools/bench/big_ws", "//:app", "app.py"),
    ):
        argv_ = [str(b / "startup.py"), *common, f"--workspace={ROOT / workspace}", f"--target={target}"]
        rows += _run(name, [*argv_, f"--script={script}", f"--name={name}", f"--runs={args.runs}"])
    pex_argv = [str(b / "startup.py"), *common, f"--workspace={ROOT / 'e2e/pylock'}", "--target=//app:pex_pdm"]
    pex_argv += ["--script=app/app.py", "--name=PEX start-up / pex CLI PEX", f"--pex={args.pex}", f"--runs={args.runs}"]
    rows += _run("PEX start-up", pex_argv)
    rows += _run("PySdistBuild", [str(b / "sdist_build.py"), *common, "--runs=5"])
    rows += _run("PyPex build", [str(b / "pex.py"), *common])
    rows += _run("plan time", [str(b / "plan_lock.py"), "--runs=5"])
    rows += _run("import paths", [str(b / "import_paths.py")])
    rows += _analysis(args.bazel)
    rows += _run("per-action cost and fetches", [str(b / "action_cost.py"), f"--bazel={args.bazel}"])
    rows += _run("image", [str(b / "image.py"), *common])
    print()
    print(f"tools/bench/all on {_machine()}; {time.perf_counter() - started:.0f} s")
    print()
    print(f"| {'benchmark':<46} | {'ours':>9} | {'baseline':>9} | {'ratio':>6} | target |")
    print(f"|{'-' * 48}|{'-' * 11}|{'-' * 11}|{'-' * 8}|--------|")

    def cell(value: object, fmt: str) -> str:
        if isinstance(value, (int, float)) and 0 < abs(value) < 0.01:
            return format(value, fmt.replace("f", "e").replace(".3", ".1").replace(".2", ".1"))
        return format(value, fmt) if isinstance(value, (int, float)) else "-"

    for row in rows:
        target = TARGETS.get(row["name"], "")
        print(
            f"| {row['name']:<46} | {cell(row['ours'], '9.3f')} | {cell(row['baseline'], '9.3f')} "
            f"| {cell(row['ratio'], '6.2f')} | {target:<6} |"
        )
    print()
    for row in rows:
        print(f"- {row['name']}: {row['what']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
