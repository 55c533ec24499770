"""Startup time of a py_venv_binary as a ratio to the bare interpreter running the same script.

Both commands run interleaved in one process, `--runs` times each, with the
same environment (PYTHONDONTWRITEBYTECODE=1: nothing is cached between runs);
prints the medians and their ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

__all__ = ["build_parser", "main", "measure"]


def measure(cmd: Sequence[str], env: dict[str, str]) -> float:
    """Wall time of one run of `cmd`, in seconds; fails if it fails."""
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="startup", description=__doc__.splitlines()[0], fromfile_prefix_chars="@")
    parser.add_argument("--binary", type=Path, required=True, help="the built py_venv_binary launcher")
    parser.add_argument("--script", type=Path, required=True, help="the same script, for the bare interpreter")
    parser.add_argument("--runs", type=int, default=30)
    return parser


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    python = (args.binary.parent / f"{args.binary.name}.venv" / "bin" / "python3").resolve()
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    commands = {
        "bare interpreter": [str(python), "-B", "-P", str(args.script)],
        "bare, no site (-S)": [str(python), "-B", "-P", "-S", str(args.script)],
        "py_venv_binary": [str(args.binary)],
    }
    for cmd in commands.values():  # warm the page cache
        measure(cmd, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, cmd in commands.items():
            times[name].append(measure(cmd, env))
    medians = {name: statistics.median(t) for name, t in times.items()}
    print(f"interpreter: {python}")
    for name, median in medians.items():
        print(f"{name:<20} median {median * 1000:7.1f} ms over {args.runs} runs")
    venv = medians["py_venv_binary"]
    print(f"startup ratio py_venv_binary / bare interpreter: {venv / medians['bare interpreter']:.2f}")
    print(f"startup ratio py_venv_binary / bare, no site:    {venv / medians['bare, no site (-S)']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
