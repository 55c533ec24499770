"""PySdistBuild wall time for 10 real PyPI sdists as a ratio to `python -m build --wheel --no-isolation` on them.

One run, two sides, the same sdist files and interpreter (the host's 3.11, the
workspace's `python.local`):

- Bazel: the workspace `sdist_build_ws/` (its `uv.lock` holds the 10 packages;
  `[tool.uv] no-binary-package` makes each build from its sdist, with the
  pinned default backends) in a fresh `--output_base`. Query, fetch and
  analysis run first (`--nobuild`), untimed; then `bazel build` of the 10
  wheel targets is timed (client wall time), and each PySdistBuild action's
  time is read from `--execution_log_json_file`. `--jobs` defaults to 1, so
  the actions run one at a time, like the direct builds.
- Direct: each sdist, copied from the output base and checked against the
  lock's sha256, unpacked and built with `python -m build --wheel
  --no-isolation` in a temporary venv holding the same pinned wheels of
  build and the backends (py/private/versions.bzl, hash-checked), one after
  the other. Twice: "cold", the venv's `.pyc` files removed before each build
  (as each action starts: the pinned tool repositories hold no `.pyc`; the
  backend writes them into the action's sandbox, where they are lost), and
  "direct", with all of them compiled (as pip installs).

The timings are noisy on a 2-core machine (one pass varies by 20-30%), so
each side runs `--runs` times (3), interleaved (`bazel clean` before each
Bazel build after the first), and the per-package medians are compared.
Prints per-package times, the totals and the ratios; asserts nothing. The
output base is shut down and removed at the end. About 2 minutes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench_bazel import Bazel, host_path, read_execution_log

__all__ = [
    "BazelSide",
    "Sdist",
    "backend_venv",
    "build_parser",
    "direct_side",
    "locked_sdists",
    "main",
    "pinned_backends",
]

ROOT = Path(__file__).resolve().parents[2]
WS = ROOT / "tools" / "bench" / "sdist_build_ws"
VERSIONS = ROOT / "py" / "private" / "versions.bzl"
BACKENDS = ("build", "setuptools", "wheel", "flit_core", "hatchling", "poetry_core", "pdm_backend", "setuptools_scm")
"""The keys of versions.bzl installed for the direct builds (with their deps): build and the default backends."""

_ENV = {"SOURCE_DATE_EPOCH": "315532800", "PYTHONHASHSEED": "0"}  # what build_helper.py sets for the backend


@dataclass(frozen=True)
class Sdist:
    """One locked sdist: package name, version, file name and sha256."""

    name: str
    version: str
    filename: str
    sha256: str


def locked_sdists(ws: Path) -> list[Sdist]:
    """The sdists of the packages that `[tool.uv] no-binary-package` makes build from source, by name."""
    pyproject = tomllib.loads((ws / "pyproject.toml").read_text(encoding="utf-8"))
    names = set(pyproject["tool"]["uv"]["no-binary-package"])
    lock = tomllib.loads((ws / "uv.lock").read_text(encoding="utf-8"))
    out = []
    for package in lock["package"]:
        if package["name"] in names:
            sdist = package["sdist"]
            filename = sdist["url"].rsplit("/", 1)[1]
            out.append(Sdist(package["name"], package["version"], filename, sdist["hash"].removeprefix("sha256:")))
    return sorted(out, key=lambda s: s.name)


def pinned_backends(versions_bzl: Path, roots: Sequence[str] = BACKENDS) -> list[str]:
    """`name @ url --hash=sha256:...` lines for `roots` and their deps, from versions.bzl's TOOL_WHEELS."""
    text = versions_bzl.read_text(encoding="utf-8")
    entry = re.compile(
        r'"(\w+)": struct\(\s*url = _FILES \+ "([^"]+)",\s*sha256 = "([0-9a-f]{64})",\s*deps = \[([^\]]*)\]'
    )
    wheels = {m[1]: (m[2], m[3], re.findall(r'"(\w+)"', m[4])) for m in entry.finditer(text)}
    files = re.search(r'_FILES = "([^"]+)"', text)
    if not files or not wheels:
        raise SystemExit(f"ERROR: cannot read TOOL_WHEELS from {versions_bzl}")
    todo, seen = list(roots), set[str]()
    while todo:
        key = todo.pop()
        if key not in seen:
            seen.add(key)
            todo.extend(wheels[key][2])
    return [f"{key} @ {files[1]}{wheels[key][0]} --hash=sha256:{wheels[key][1]}" for key in sorted(seen)]


class BazelSide:
    """The 10 wheel targets of the workspace, built in the output base of `bazel`."""

    def __init__(self, bazel: Bazel, sdists: Sequence[Sdist], jobs: int) -> None:
        self.bazel, self.sdists = bazel, sdists
        self.log = f"{bazel.output_base}/sdist_build.execlog.json"  # as Bazel sees it
        self.flags = ["--symlink_prefix=/", f"--jobs={jobs}", f"--execution_log_json_file={self.log}"]
        self.targets: list[str] = []

    def prepare(self) -> float:
        """Query, fetch and analyze the wheel targets (untimed by the caller); return how long it took."""
        start = time.perf_counter()
        self.targets = self.bazel("query", 'kind("_uv_sdist_wheel", deps(//:bench))')[0].split()
        if len(self.targets) != len(self.sdists):
            raise SystemExit(f"ERROR: {len(self.targets)} wheel targets in //:bench, not {len(self.sdists)}")
        self.bazel("build", "--nobuild", *self.flags, *self.targets)
        return time.perf_counter() - start

    def copy_sdists(self, dest: Path) -> None:
        """Copy the fetched sdists, checked against the lock's sha256, to `dest`."""
        external = host_path(self.bazel.output_base) / "external"
        for sdist in self.sdists:
            (found,) = [p for p in external.glob(f"*/file/{sdist.filename}") if _sha256(p) == sdist.sha256]
            shutil.copy(found, dest / sdist.filename)

    def run(self, clean: bool) -> tuple[dict[str, float], float]:
        """One timed build (after `bazel clean` and an untimed analysis if `clean`): package -> PySdistBuild
        time, and the build's wall time."""
        if clean:
            self.bazel("clean")  # outputs and action cache; the fetched repositories stay
            self.bazel("build", "--nobuild", *self.flags, *self.targets)
        _, wall = self.bazel("build", *self.flags, *self.targets)
        by_sha = {s.sha256[:10]: s.name for s in self.sdists}
        times: dict[str, float] = {}
        others = []
        for label, seconds in read_execution_log(host_path(self.log), mnemonic="PySdistBuild").items():
            m = re.search(r"__([0-9a-f]{10})__wheel//", label)  # @@...pypi__<name>__<sha256[:10]>__wheel//:wheel
            if not m or m[1] not in by_sha:
                others.append(label)  # a build requirement that itself builds from its sdist: not compared
                continue
            times[by_sha[m[1]]] = seconds
        if others:
            print(f"  (also built from sdists, as build requirements, not compared: {len(others)})")
        missing = sorted(set(by_sha.values()) - set(times))
        if missing:
            raise SystemExit(f"ERROR: no PySdistBuild action ran for {', '.join(missing)}")
        return times, wall

    def phases(self) -> dict[str, float]:
        """The build logs' `rules_xpy phases:` lines (build_helper.py), summed over the built sdists."""
        out: dict[str, float] = {}
        for log in host_path(self.bazel.output_base).glob("execroot/*/bazel-out/*/bin/external/*__wheel/*.build.log"):
            for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
                if line.startswith("rules_xpy phases: "):
                    for part in line.removeprefix("rules_xpy phases: ").split(", "):
                        name, seconds, _ = part.split()
                        out[name] = out.get(name, 0.0) + float(seconds)
        return out


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _unpack(sdist: Path, dest: Path) -> Path:
    """Unpack the sdist into `dest`; return its one top-level directory."""
    if sdist.name.endswith(".zip"):
        with zipfile.ZipFile(sdist) as zf:
            zf.extractall(dest)
    else:
        with tarfile.open(sdist) as tf:
            tf.extractall(dest, filter="data")
    (top,) = [p for p in dest.iterdir() if p.is_dir()]
    return top


def direct_side(python: Path, sdists: Sequence[Sdist], sdist_dir: Path, work: Path, cold: bool) -> dict[str, float]:
    """Unpack and build each sdist with `python -m build --wheel --no-isolation`; return package -> wall time.

    `cold`: remove the venv's `.pyc` files before each build (untimed): each action starts without them.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # the action may write .pyc
    env.update(_ENV)
    times: dict[str, float] = {}
    for sdist in sdists:
        if cold:
            for cache in list((python.parents[1] / "lib").rglob("__pycache__")):
                shutil.rmtree(cache)
        src, out = work / sdist.name / "src", work / sdist.name / "dist"
        src.mkdir(parents=True)
        start = time.perf_counter()
        srcdir = _unpack(sdist_dir / sdist.filename, src)
        cmd = [str(python), "-m", "build", "--wheel", "--no-isolation", f"--outdir={out}", str(srcdir)]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        times[sdist.name] = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"ERROR: {' '.join(cmd)} failed:\n{(proc.stdout + proc.stderr)[-4000:]}")
        if len(list(out.glob("*.whl"))) != 1:
            raise SystemExit(f"ERROR: the direct build of {sdist.filename} did not give exactly one wheel")
    return times


def backend_venv(uv: str, where: Path) -> Path:
    """A venv of this interpreter with the pinned build frontend and backends; its python."""
    requirements = where / "requirements.txt"
    requirements.write_text("\n".join(pinned_backends(VERSIONS)) + "\n", encoding="utf-8")
    venv = where / "venv"
    python = venv / "bin" / "python"
    install = [uv, "pip", "install", "--quiet", f"--python={python}", "--no-deps", "--require-hashes"]
    for cmd in ([uv, "venv", "--quiet", f"--python={sys.executable}", str(venv)], [*install, "-r", str(requirements)]):
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            raise SystemExit(f"ERROR: {' '.join(cmd)} failed:\n{proc.stderr[-4000:]}")
    return python


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sdist_build", description=__doc__.splitlines()[0], fromfile_prefix_chars="@")
    parser.add_argument("--bazel", default=str(ROOT / "tools" / "bazel"), help="the Bazel launcher")
    parser.add_argument("--uv", default=shutil.which("uv") or "uv", help="uv, to make the direct builds' venv")
    parser.add_argument("--jobs", type=int, default=1, help="bazel build --jobs (1: one action at a time)")
    parser.add_argument("--runs", type=int, default=3, help="builds per side, interleaved; medians are compared")
    parser.add_argument("--output-base", default="/tmp/xpy-bench-sdist", help="Bazel's output base, removed at the end")
    return parser


def _median_passes(passes: Sequence[dict[str, float]]) -> dict[str, float]:
    return {name: statistics.median(p[name] for p in passes) for name in passes[0]}


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    sdists = locked_sdists(WS)
    bazel = Bazel(args.bazel, WS, args.output_base)
    side = BazelSide(bazel, sdists, args.jobs)
    builds: list[dict[str, float]] = []
    walls: list[float] = []
    phases: dict[str, float] = {}
    cold: list[dict[str, float]] = []
    warm: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="xpy-bench-sdist-") as tmp:
        work = Path(tmp)
        (work / "sdists").mkdir()
        bazel.remove()  # a leftover of an interrupted run would make every action a cache hit
        try:
            print(f"bazel: query, fetch and analysis of the wheel targets (untimed): {side.prepare():.1f} s")
            side.copy_sdists(work / "sdists")
            python = backend_venv(args.uv, work)
            compileall = [str(python), "-m", "compileall", "-q", "-j0", str(python.parents[1] / "lib")]
            for run in range(args.runs):  # interleaved, so that a slow spell of the machine hits both sides
                times, wall = side.run(clean=run > 0)
                phases = side.phases()
                builds.append(times)
                walls.append(wall)
                cold.append(direct_side(python, sdists, work / "sdists", work / f"cold{run}", cold=True))
                subprocess.run(compileall, check=True, capture_output=True)
                warm.append(direct_side(python, sdists, work / "sdists", work / f"warm{run}", cold=False))
        finally:
            bazel.remove()
    bazel_times, bazel_wall = _median_passes(builds), statistics.median(walls)
    direct, direct_cold = _median_passes(warm), _median_passes(cold)
    runs = f"median of {args.runs} runs" if args.runs > 1 else "1 run"
    print(f"{'seconds (' + runs + ')':<26} {'PySdistBuild':>12} {'direct':>7} {'ratio':>5} {'cold':>6} {'ratio':>5}")
    rows = [(f"{s.name} {s.version}", bazel_times[s.name], direct[s.name], direct_cold[s.name]) for s in sdists]
    actions, total, total_cold = sum(bazel_times.values()), sum(direct.values()), sum(direct_cold.values())
    for name, b, w, c in [*rows, ("total", actions, total, total_cold)]:
        print(f"{name:<26} {b:>12.2f} {w:>7.2f} {b / w:>5.2f} {c:>6.2f} {b / c:>5.2f}")
    print(f"PySdistBuild: the {len(sdists)} actions' wall times (execution log), summed: {actions:6.2f} s")
    inside = sum(phases.values())
    parts = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in phases.items())
    print(
        f"  of which (last run, build logs): {parts}; the rest, {actions - inside:.2f} s: sandbox, interpreter, imports"
    )
    print(f"bazel build of the {len(sdists)} wheel targets (--jobs={args.jobs}), wall time: {bazel_wall:6.2f} s")
    print(f"direct: unpack + python -m build --wheel --no-isolation, one by one: {total:6.2f} s")
    print(f"direct, cold: the venv's .pyc files removed before each build:      {total_cold:6.2f} s")
    print(f"ratio PySdistBuild actions / direct:       {actions / total:.2f}")
    print(f"ratio bazel build wall time / direct:      {bazel_wall / total:.2f}")
    print(f"ratio PySdistBuild actions / direct, cold: {actions / total_cold:.2f}")
    what = f"{len(sdists)} PyPI sdists, the actions' summed time vs python -m build --no-isolation"
    print(
        "BENCH "
        + json.dumps(
            {
                "name": "PySdistBuild / direct build",
                "ours": actions,
                "baseline": total,
                "ratio": actions / total,
                "what": what,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
