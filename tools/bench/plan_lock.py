"""Time the lock planner on a synthetic 500-package uv.lock, and on a pylock.toml of the same packages.

The lock is generated (seeded, so every run plans the same graph): a virtual
root depending on 50 packages, every package reachable, about 3 edges each, some behind
markers or with extras, a few cycles; 40% ship native wheels for 3 CPython
versions x 7 platforms, the rest a pure wheel, some only an sdist. The pylock
holds the same packages and files, its edges as PDM writes them (PEP 508
strings under `[packages.tool.pdm]`, markers and extras included). Two timings
per lock over `--runs` runs, medians printed side by side with the ratio,
nothing asserted:

- `cli`: `python lock_plan.py --lock ... --output /dev/null` as a fresh process,
  the way the extension runs it (interpreter start, imports, cold caches);
- `in-process`: read + `make_plan` in this process (caches warm after run 1).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["build_parser", "main", "synthetic_lock", "synthetic_pylock"]

ROOT = Path(__file__).resolve().parents[2]
LOCK_DIR = ROOT / "uv" / "private" / "lock"
LIB_DIR = ROOT / "py" / "tools" / "lib"
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


def synthetic_pylock(uv_lock_text: str) -> str:
    """Text of a pylock.toml (PDM's style of edges) holding the packages and files of a synthetic uv.lock."""
    uv_lock = importlib.import_module("uv_lock")
    lock = uv_lock.parse_lock(uv_lock_text, "uv.lock")

    def file(f: Any) -> str:
        return f'{{ url = "{f.url}", size = {f.size}, hashes = {{ sha256 = "{f.sha256}" }} }}'

    def requirement(d: Any, extra: str = "") -> str:
        text: str = d.name + (f"[{','.join(d.extras)}]" if d.extras else "")
        markers = [f"({d.marker})"] if d.marker else []
        markers += [f"extra == '{extra}'"] if extra else []
        return text + ("; " + " and ".join(markers) if markers else "")

    out = ['lock-version = "1.0"', 'created-by = "rules_xpy bench"', 'requires-python = ">=3.11"', ""]
    for p in lock.packages:
        if p.source.kind == "first_party":
            continue
        reqs = [requirement(d) for d in p.dependencies]
        reqs += [requirement(d, extra) for extra, deps in p.optional_dependencies.items() for d in deps]
        out += ["[[packages]]", f'name = "{p.name}"', f'version = "{p.version}"']
        out += [f"sdist = {file(p.sdist)}"] if p.sdist else []
        out += ["wheels = [\n    " + ",\n    ".join(file(w) for w in p.wheels) + ",\n]"] if p.wheels else []
        out += ["", "[packages.tool.pdm]", "dependencies = [" + ", ".join(f'"{r}"' for r in reqs) + "]", ""]
    return "\n".join(out) + "\n"


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
    sys.path[:0] = [str(LOCK_DIR), str(LIB_DIR)]
    lock_plan = importlib.import_module("lock_plan")
    platforms = importlib.import_module("xpy.platforms").load_platforms([], None, "")
    env = {"PYTHONPATH": ":".join([str(LIB_DIR), *sys.path[2:]])}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        uv_text = synthetic_lock(args.packages)
        locks = {"uv.lock": Path(tmp) / "uv.lock", "pylock.toml": Path(tmp) / "pylock.toml"}
        locks["uv.lock"].write_text(uv_text, encoding="utf-8")
        locks["pylock.toml"].write_text(synthetic_pylock(uv_text), encoding="utf-8")
        for fmt, path in locks.items():
            read = lock_plan.read_pylock if fmt == "pylock.toml" else lock_plan.read_lock
            cmd = [sys.executable, str(LOCK_DIR / "lock_plan.py"), f"--format={fmt}", f"--lock={path}"]
            cmd.append("--output=/dev/null")
            plan = lock_plan.make_plan(read(path), platforms)
            closure = max(len(p["closure"]) for p in plan["platforms"].values())
            print(f"{fmt:<12} {args.packages} packages, {path.stat().st_size // 1024} KiB; largest closure {closure}")

            def cli(cmd: list[str] = cmd) -> None:
                subprocess.run(cmd, check=True, env=env)

            def in_process(read: Any = read, path: Path = path) -> None:
                lock_plan.make_plan(read(path), platforms)

            rows.append((fmt, _median(cli, args.runs), _median(in_process, args.runs)))
    print(
        f"{'median over ' + str(args.runs) + ' runs, 5 platforms':<40} {'cli (fresh process)':>20} {'in-process':>12}"
    )
    for fmt, cli_s, inproc in rows:
        print(f"{fmt:<40} {cli_s * 1000:17.1f} ms {inproc * 1000:9.1f} ms")
    (_, uv_cli, uv_in), (_, py_cli, py_in) = rows
    print(f"{'pylock.toml / uv.lock':<40} {py_cli / uv_cli:19.2f}x {py_in / uv_in:11.2f}x")
    what = f"{args.packages}-package synthetic lock, 5 platforms, fresh process"
    print(
        "BENCH "
        + json.dumps(
            {
                "name": "plan time, pylock.toml / uv.lock",
                "ours": py_cli,
                "baseline": uv_cli,
                "ratio": py_cli / uv_cli,
                "what": what,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
