"""Time the lock planner on a synthetic 500-package uv.lock for the five default platforms.

The lock is generated (seeded, so every run plans the same graph): a virtual
root depending on 50 packages, every package reachable, about 3 edges each, some behind
markers or with extras, a few cycles; 40% ship native wheels for 3 CPython
versions x 7 platforms, the rest a pure wheel, some only an sdist. Two timings
over `--runs` runs, medians printed, nothing asserted:

- `cli`: `python lock_plan.py --lock ... --output /dev/null` as a fresh process,
  the way the repository rule runs it (interpreter start, imports, cold caches);
- `in-process`: `read_lock` + `make_plan` in this process (caches warm after run 1).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = ["build_parser", "main", "synthetic_lock"]

LOCK_DIR = Path(__file__).resolve().parents[2] / "uv" / "private" / "lock"
_NATIVE = [
    "manylinux_2_17_x86_64.manylinux2014_x86_64",
    "manylinux_2_17_aarch64.manylinux2014_aarch64",
    "musllinux_1_2_x86_64",
    "macosx_10_9_x86_64",
    "macosx_11_0_arm64",
    "win_amd64",
    "win32",
]
_MARKERS = ["sys_platform == 'win32'", "platform_machine == 'aarch64'", "python_full_version >= '3.12'"]


def _file(url: str) -> str:
    return f'{{ url = "{url}", hash = "sha256:{hashlib.sha256(url.encode()).hexdigest()}", size = 1000 }}'


def _package(i: int, count: int, children: Sequence[int], rng: random.Random) -> str:
    name, version = f"pkg-{i:03d}", f"1.{i}.0"
    deps = []
    for j in children:
        dep = f'name = "pkg-{j:03d}"'
        if rng.random() < 0.15:
            dep += f', marker = "{rng.choice(_MARKERS)}"'
        if rng.random() < 0.05:
            dep += ', extra = ["fast"]'
        deps.append(f"{{ {dep} }}")
    if i % 50 == 49:  # a cycle back to an earlier package
        deps.append(f'{{ name = "pkg-{i - 40:03d}" }}')
    base = f"https://files.example/{name}/{name.replace('-', '_')}-{version}"
    wheels = []
    if rng.random() < 0.4:
        wheels = [_file(f"{base}-cp3{m}-cp3{m}-{p}.whl") for m in (11, 12, 13) for p in _NATIVE]
    elif rng.random() < 0.9:
        wheels = [_file(f"{base}-py3-none-any.whl")]
    lines = [
        "[[package]]",
        f'name = "{name}"',
        f'version = "{version}"',
        'source = { registry = "https://pypi.org/simple" }',
        f"dependencies = [{', '.join(deps)}]",
        f"sdist = {_file(f'https://files.example/{name}/{name}-{version}.tar.gz')}",
        "wheels = [\n    " + ",\n    ".join(wheels) + ",\n]" if wheels else "wheels = []",
    ]
    if i + 1 < count:
        lines += ["", "[package.optional-dependencies]", f'fast = [{{ name = "pkg-{count - 1:03d}" }}]']
    return "\n".join(lines) + "\n"


def synthetic_lock(count: int = 500, seed: int = 1) -> str:
    """Text of a valid uv.lock: a virtual root and `count` registry packages."""
    rng = random.Random(seed)
    children: list[set[int]] = [set() for _ in range(count)]
    for j in range(50, count):  # every package has a parent, so (markers aside) all are reachable
        children[rng.randrange(j)].add(j)
    for i in range(count - 1):
        children[i].update(rng.sample(range(i + 1, count), min(rng.randint(0, 3), count - i - 1)))
    roots = ", ".join(f'{{ name = "pkg-{i:03d}" }}' for i in range(min(50, count)))
    head = 'version = 1\nrevision = 3\nrequires-python = ">=3.11"\n\n[[package]]\nname = "bench"\nversion = "0"\n'
    head += f'source = {{ virtual = "." }}\ndependencies = [{roots}]\n'
    return "\n".join([head, *(_package(i, count, sorted(children[i]), rng) for i in range(count))])


def _median(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="plan_lock", description=__doc__.splitlines()[0], fromfile_prefix_chars="@")
    parser.add_argument("--packages", type=int, default=500)
    parser.add_argument("--runs", type=int, default=10)
    return parser


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    sys.path.insert(0, str(LOCK_DIR))
    uv_lock = importlib.import_module("uv_lock")
    lock_plan = importlib.import_module("lock_plan")
    platforms = importlib.import_module("target_platforms").load_platforms([])
    with tempfile.TemporaryDirectory() as tmp:
        lock = Path(tmp) / "uv.lock"
        lock.write_text(synthetic_lock(args.packages), encoding="utf-8")
        cmd = [sys.executable, str(LOCK_DIR / "lock_plan.py"), f"--lock={lock}", "--output=/dev/null"]
        plan = lock_plan.make_plan(uv_lock.read_lock(lock), platforms)
        closure = max(len(p["closure"]) for p in plan["platforms"].values())
        print(f"lock: {args.packages} packages, {lock.stat().st_size // 1024} KiB; largest closure {closure}")
        timings = {
            "cli (fresh process)": _median(lambda: subprocess.run(cmd, check=True), args.runs),
            "in-process": _median(lambda: lock_plan.make_plan(uv_lock.read_lock(lock), platforms), args.runs),
        }
    for name, median in timings.items():
        per = median / args.packages * 1e6
        print(f"{name:<20} median {median * 1000:7.1f} ms over {args.runs} runs, {per:6.1f} us/package, 5 platforms")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
