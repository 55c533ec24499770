"""Import cost against the number of packages: one sys.path entry per package, or one merged site-packages.

For N synthetic packages (26, 200, 1000; one module each), a fresh interpreter
imports 20 of them and looks up 20 modules that do not exist (as start-up does
for `sitecustomize`, optional imports and platform probes), once with each
package in its own `sys.path` directory (how venvs were built before the merged
site-packages) and once with all of them in one directory. Prints the median
times and their ratio per N, with `BENCH {json}` lines for tools/bench/all.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main"]

_SCRIPT = """
import importlib, sys
for i in range(0, {n}, max(1, {n} // 20)):
    importlib.import_module(f"pkg{{i:04d}}")
for i in range(20):
    try:
        importlib.import_module(f"missing{{i}}")
    except ImportError:
        pass
"""


def _tree(root: Path, n: int, merged: bool) -> list[str]:
    """Write n one-module packages; return the sys.path entries."""
    entries = []
    for i in range(n):
        where = root / "merged" if merged else root / f"site{i:04d}"
        (where / f"pkg{i:04d}").mkdir(parents=True, exist_ok=True)
        (where / f"pkg{i:04d}" / "__init__.py").write_text(f"X = {i}\n")
        if not merged or i == 0:
            entries.append(str(where))
    return entries


def _time(entries: Sequence[str], n: int, runs: int) -> float:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"PYTHONPATH": ":".join(entries)}
    cmd = [sys.executable, "-S", "-c", _SCRIPT.format(n=n)]
    subprocess.run(cmd, env=env, check=True)  # writes the bytecode
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="import_paths", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="xpy-bench-paths-") as tmp:
        for n in (26, 200, 1000):
            split = _time(_tree(Path(tmp) / f"split{n}", n, merged=False), n, args.runs)
            merged = _time(_tree(Path(tmp) / f"merged{n}", n, merged=True), n, args.runs)
            print(f"{n:>5} packages: one entry each {split * 1000:7.1f} ms, merged {merged * 1000:7.1f} ms")
            row = {
                "name": f"imports, {n} path entries / 1 merged",
                "ours": split,
                "baseline": merged,
                "ratio": split / merged,
                "what": f"{n} one-module packages: 20 imports and 20 missing lookups, -S, bytecode cached",
            }
            print("BENCH " + json.dumps(row))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
