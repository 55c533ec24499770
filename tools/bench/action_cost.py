"""Per-action cost of WhlInstall and PyVenv against the floor of a tool action; files fetched against the closure.

- Floor: `//tools/bench:floor`, 20 actions that run an empty Python script the
  way the ruleset runs its tools (`python -B -S tool.py @params`, sandboxed):
  what any tool action costs before it does anything.
- WhlInstall: e2e/uv's `//app:deps` (21 downloaded wheels: checked, installed,
  precompiled); PyVenv: its `//app:app`.
- Fetch: e2e/uv's `//app:small` (requests) built in a fresh output base: the
  file repositories fetched, against the closure the hub's plan gives.

Each build runs in a fresh output base with `--jobs=1` (one action at a time)
and the action times come from `--execution_log_json_file`. The medians and
ratios are printed, with `BENCH {json}` lines for tools/bench/all.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

from bench_bazel import Bazel, host_path, read_execution_log_all

__all__ = ["build_parser", "main"]

ROOT = Path(__file__).resolve().parents[2]
UV_WS = ROOT / "e2e" / "uv"


def _build(bazel: Bazel, target: str, mnemonics: Sequence[str]) -> dict[str, list[float]]:
    log = f"{bazel.output_base}/exec.json"
    bazel.remove()
    try:
        bazel("build", "--jobs=1", "--nobuild", target)  # fetch and analysis, untimed
        bazel("build", "--jobs=1", f"--execution_log_json_file={log}", target)
        spawns = read_execution_log_all(host_path(log))
    finally:
        bazel.remove()
    return {m: [seconds for mnemonic, _, seconds in spawns if mnemonic == m] for m in mnemonics}


def _fetch(bazel_cmd: str) -> dict[str, int]:
    bazel = Bazel(bazel_cmd, UV_WS, "/tmp/xpy-bench-fetch")
    bazel.remove()
    try:
        location = bazel("query", "--output=location", "@pypi//:plan.json")[0].strip()
        plan = json.loads(host_path(location.split(":", 1)[0]).read_text())
        hub = host_path(location.split(":", 1)[0]).parent.name
        todo, closure = ["requests"], set()
        while todo:
            pid = todo.pop()
            if pid not in closure:
                closure.add(pid)
                todo += plan["packages"][pid]["platforms"]["linux_x86_64"]["dependencies"]
        bazel("build", "//app:small")
        external = host_path(bazel("info", "output_base")[0].strip()) / "external"
        pattern = re.compile(rf"{re.escape(hub)}__([a-z0-9_]+)__[0-9a-f]{{10}}")
        fetched = sorted(m[1] for d in external.iterdir() if (m := pattern.fullmatch(d.name)))
    finally:
        bazel.remove()
    want = sorted(plan["packages"][p]["name"].replace("-", "_") for p in closure)
    return {"fetched": len(fetched), "closure": len(want), "same": int(fetched == want)}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="action_cost", description=__doc__.splitlines()[0], fromfile_prefix_chars="@")
    parser.add_argument("--bazel", default=str(ROOT / "tools" / "bazel"))
    return parser


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    floor = _build(Bazel(args.bazel, ROOT, "/tmp/xpy-bench-floor"), "//tools/bench:floor", ["PyFloor"])["PyFloor"]
    uv = _build(Bazel(args.bazel, UV_WS, "/tmp/xpy-bench-actions"), "//app:app", ["WhlInstall", "PyVenv"])
    f, v = statistics.median(floor), statistics.median(uv["PyVenv"])
    w, smallest = statistics.median(uv["WhlInstall"]), min(uv["WhlInstall"])
    print(f"floor: {len(floor)} empty tool actions, median {f * 1000:.0f} ms")
    slowest = max(uv["WhlInstall"]) * 1000
    print(
        f"WhlInstall: {len(uv['WhlInstall'])} wheels of e2e/uv, smallest {smallest * 1000:.0f} ms, "
        f"median {w * 1000:.0f} ms, max {slowest:.0f} ms (checking, installing and compiling grow with the wheel)"
    )
    print(f"PyVenv: {len(uv['PyVenv'])} action(s), median {v * 1000:.0f} ms")
    fetch = _fetch(args.bazel)
    print(
        f"fetch: //app:small of e2e/uv fetched {fetch['fetched']} file repositories, its closure has {fetch['closure']}"
    )
    rows = [
        {
            "name": "WhlInstall per action / floor",
            "ours": smallest,
            "baseline": f,
            "ratio": smallest / f,
            "what": "the fixed cost: e2e/uv's smallest wheel install (PySocks: 2 modules), a persistent worker",
        },
        {
            "name": "WhlInstall median wheel / floor",
            "ours": w,
            "baseline": f,
            "ratio": w / f,
            "what": "e2e/uv's 21 wheels, median: the work grows with the wheel (hashes, files, bytecode)",
        },
        {"name": "PyVenv per action / floor", "ours": v, "baseline": f, "ratio": v / f, "what": "e2e/uv //app:app"},
        {
            "name": "files fetched / closure",
            "ours": fetch["fetched"],
            "baseline": fetch["closure"],
            "ratio": fetch["fetched"] / fetch["closure"] if fetch["same"] else float("nan"),
            "what": "e2e/uv //app:small (requests) in a fresh output base",
        },
    ]
    for row in rows:
        print("BENCH " + json.dumps(row))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
