"""Start-up of a py_venv_binary as a ratio to a plain venv of the same wheels made by uv, and of a PEX.

Venv: the binary (its launcher, as a user runs `bazel-bin/...`) against a
venv made by `uv venv` + `uv pip install --no-deps` of exactly the wheel files
of the binary's closure (downloaded or built from sdists), on the same
interpreter, running the same script. PYTHONDONTWRITEBYTECODE is unset, and
both are run twice first, so the plain venv's bytecode is cached as a user's
would be. PEX (`--pex`): a py_pex_binary against a PEX of the same wheels and
script made by the pex CLI, each with its own warmed PEX_ROOT.

Runs interleave (A B A B ...); the medians and the median of the paired
ratios are printed, with a `BENCH {json}` line for tools/bench/all.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench_bazel import host_path

__all__ = ["build_parser", "main", "paired"]

ROOT = Path(__file__).resolve().parents[2]


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH", "PEX_ROOT")}


def _time(cmd: Sequence[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/")
    return time.perf_counter() - start


def paired(
    a: Sequence[str], b: Sequence[str], runs: int, env_a: dict[str, str], env_b: dict[str, str]
) -> dict[str, float]:
    """Interleaved runs of `a` and `b`: medians (s) and the median of the per-pair ratios a/b."""
    for _ in range(2):  # warm-up: caches, bytecode
        _time(a, env_a)
        _time(b, env_b)
    times_a, times_b = [], []
    for _ in range(runs):
        times_a.append(_time(a, env_a))
        times_b.append(_time(b, env_b))
    ratios = [x / y for x, y in zip(times_a, times_b, strict=True)]
    return {
        "ours": statistics.median(times_a),
        "baseline": statistics.median(times_b),
        "ratio": statistics.median(ratios),
    }


def _bazel(bazel: str, ws: Path, *args: str) -> str:
    proc = subprocess.run([bazel, *args], cwd=ws, capture_output=True, text=True, timeout=3600)
    if proc.returncode != 0:
        raise SystemExit(f"ERROR: bazel {' '.join(args)} in {ws} failed:\n{proc.stderr[-4000:]}")
    return proc.stdout


def closure_wheels(bazel: str, ws: Path, target: str) -> list[Path]:
    """Every wheel file the target's closure installs: downloaded ones and those built from sdists."""
    execroot = host_path(_bazel(bazel, ws, "info", "execution_root").strip())
    files = _bazel(bazel, ws, "cquery", f'kind("source file", deps({target}))', "--output=files").split()
    built = _bazel(bazel, ws, "cquery", f'kind("_uv_sdist_wheel", deps({target}))', "--output=files").split()
    wheels = [execroot / f for f in files if f.endswith(".whl")]
    for house in built:
        wheels += sorted((execroot / house).glob("*.whl"))
    return wheels


def plain_venv(uv: str, python: str, wheels: Sequence[Path], where: Path) -> Path:
    venv = where / "venv"
    for cmd in (
        [uv, "venv", "--quiet", "--no-config", f"--python={python}", str(venv)],
        [
            uv,
            "pip",
            "install",
            "--quiet",
            "--no-config",
            "--no-deps",
            f"--python={venv / 'bin' / 'python'}",
            *map(str, wheels),
        ],
    ):
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
        if proc.returncode != 0:
            raise SystemExit(f"ERROR: {' '.join(cmd[:4])} ... failed:\n{proc.stderr[-4000:]}")
    return venv / "bin" / "python"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="startup", description=__doc__.splitlines()[0], fromfile_prefix_chars="@")
    parser.add_argument("--bazel", default=str(ROOT / "tools" / "bazel"))
    parser.add_argument("--uv", default=shutil.which("uv") or "uv")
    parser.add_argument("--workspace", type=Path, required=True)
    parser.add_argument("--target", required=True, help="the py_venv_binary (or, with --pex, py_pex_binary)")
    parser.add_argument("--script", type=Path, required=True, help="its main script, relative to the workspace")
    parser.add_argument("--name", required=True, help="the row's name in the BENCH line")
    parser.add_argument("--pex", help="the pex CLI, to compare a py_pex_binary with a PEX it builds")
    parser.add_argument("--runs", type=int, default=15)
    return parser


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    ws = args.workspace.resolve()
    _bazel(args.bazel, ws, "build", args.target)
    out = [
        host_path(_bazel(args.bazel, ws, "info", "execution_root").strip()) / f
        for f in _bazel(args.bazel, ws, "cquery", args.target, "--output=files").split()
    ]
    wheels = closure_wheels(args.bazel, ws, args.target)
    python = shutil.which("python3.11") or sys.executable
    with tempfile.TemporaryDirectory(prefix="xpy-bench-startup-") as tmp:
        work = Path(tmp)
        script = ws / args.script
        if args.pex:
            (ours,) = [p for p in out if p.suffix == ".pex" or p.is_file()]
            theirs = work / "cli.pex"
            (work / "src").mkdir()
            shutil.copy(script, work / "src" / script.name)
            cmd = [args.pex, "--no-pypi", "--no-index", *(f"-f{w.parent}" for w in wheels)]
            cmd += [w.name.split("-")[0] + "==" + w.name.split("-")[1] for w in wheels]
            cmd += ["-D", str(work / "src"), "-m", script.stem, "-o", str(theirs), "--python", python]
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
            if proc.returncode != 0:
                raise SystemExit(f"ERROR: the pex CLI failed:\n{proc.stderr[-4000:]}")
            a, b = [python, str(ours)], [python, str(theirs)]
            env_a, env_b = _env() | {"PEX_ROOT": str(work / "root_a")}, _env() | {"PEX_ROOT": str(work / "root_b")}
            what = f"{args.target}: a PEX of {len(wheels)} wheels vs the pex CLI's PEX of them (warm PEX_ROOT)"
        else:
            (launcher,) = [p for p in out if p.name == args.target.rsplit(":", 1)[-1]]
            venv_python = plain_venv(args.uv, python, wheels, work)
            a, b = [str(launcher)], [str(venv_python), str(script)]
            env_a = env_b = _env()
            what = f"{args.target}: venv binary of {len(wheels)} wheels vs a plain uv venv of them"
        result = paired(a, b, args.runs, env_a, env_b)
    print(f"{what}, median of {args.runs} interleaved runs:")
    print(f"  ours {result['ours']:.3f} s, baseline {result['baseline']:.3f} s, ratio {result['ratio']:.3f}")
    print("BENCH " + json.dumps({"name": args.name, "what": what, **result}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
