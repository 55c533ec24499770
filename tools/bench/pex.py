"""py_pex_binary build time as a ratio to the `pex` CLI building the same app from the same wheels (`--no-pypi`).

One run, two sides, the same app, wheel files, pex version (2.105.2) and
interpreter (the host's 3.11):

- Bazel: `//:app_pex` of `e2e/pex` for `--platforms=//platforms:linux_x86_64`
  in a fresh `--output_base`. Fetch and analysis run first (`--nobuild`),
  untimed; then `bazel build` is timed (client wall time), and the `PyPex`
  action's own time is read from `--execution_log_json_file`.
- CLI: `pex --no-pypi -f <the same 3 wheel files> <their 3 pins> -D <the same
  sources> -m app` with the same inject_env, inject_args and shebang, from a
  venv of the PyPI wheel of pex 2.105.2 that vendors pip (`--pip-version
  vendored`: no download). "cold" with an empty PEX_ROOT each time (as each
  action starts), "warm" with the PEX_ROOT of the runs before (pex's caches
  of pip, resolves and installed wheels).

Each side runs `--runs` times (3), interleaved (`bazel clean` and an untimed
analysis before each Bazel build after the first), and the medians are
compared. Both PEXes are run once to check that they print the same. Prints
the times and the ratios; asserts nothing. The output base is shut down and
removed at the end. About a minute.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench_bazel import Bazel, host_path, read_execution_log

__all__ = ["PexBazel", "build_parser", "cli_venv", "main", "pex_cli"]

ROOT = Path(__file__).resolve().parents[2]
WS = ROOT / "e2e" / "pex"
TARGET = "//:app_pex"
PLATFORM = "--platforms=//platforms:linux_x86_64"
PEX_CLI_WHEEL = (
    "pex @ https://files.pythonhosted.org/packages/43/8c/7e073f41b8c0935e4fa8471902a2917b6c14a85e19ead116cd18c7c6d0fe/"
    "pex-2.105.2-py2.py35.py36.py37.py38.py39.py310.py311-none-any.whl"
    " --hash=sha256:5a4d73fbeab30ddf70e360971cb19b9fa80b2a29cfe83e786215fcdd5ef1af9d"
)
"""The pex version of rules_xpy (py/private/versions.bzl), in the wheel that vendors pip (py311 and older)."""
SOURCES = {
    "app.py": "app.py",
    "lib/src/greet/__init__.py": "greet/__init__.py",
    "lib/src/greet/greeting.txt": "greet/greeting.txt",
}
"""The app's first-party files in e2e/pex -> where they are in the PEX."""
SETTINGS = [
    "-m",
    "app",
    "--inject-env=APP_MODE=pex",
    "--inject-args=--from-pex",
    "--python-shebang=/usr/bin/env python3.11",
]
"""What //:app_pex sets, as pex CLI flags."""


class PexBazel(Bazel):
    """Runs Bazel in e2e/pex with its own output base; builds //:app_pex with an execution log."""

    def __init__(self, bazel: str, output_base: str) -> None:
        super().__init__(bazel, WS, output_base)
        self.log = f"{output_base}/pex.execlog.json"  # as Bazel sees it
        self.flags = [PLATFORM, "--symlink_prefix=/", f"--execution_log_json_file={self.log}"]

    def wheels(self) -> list[Path]:
        """The wheel files that the PyPex action reads (bazel aquery), in the output base."""
        out, _ = self("aquery", PLATFORM, f'mnemonic("PyPex", {TARGET})')
        found = sorted(set(re.findall(r"external/([^,\]\s']+\.whl)", out)))  # in Inputs and in the command line
        if len(found) != 3:
            raise SystemExit(f"ERROR: expected 3 wheel inputs of the PyPex action, found {found}")
        return [host_path(self.output_base) / "external" / w for w in found]

    def build(self, clean: bool) -> tuple[float, float, Path]:
        """One timed build (after `bazel clean` and an untimed analysis if `clean`): PyPex time, wall time, PEX."""
        if clean:
            self("clean")
            self("build", "--nobuild", *self.flags, TARGET)
        _, wall = self("build", *self.flags, TARGET)
        (action,) = read_execution_log(host_path(self.log), mnemonic="PyPex").values()
        (rel,) = self("cquery", PLATFORM, "--output=files", TARGET)[0].split()
        execroot = host_path(self("info", "execution_root")[0].strip())
        return action, wall, execroot / rel


def cli_venv(uv: str, where: Path) -> Path:
    """A venv of this interpreter with the pinned pex wheel (hash-checked); its `pex` script."""
    requirements = where / "requirements.txt"
    requirements.write_text(PEX_CLI_WHEEL + "\n", encoding="utf-8")
    venv = where / "venv"
    install = [uv, "pip", "install", "--quiet", f"--python={venv / 'bin' / 'python'}", "--no-deps", "--require-hashes"]
    for cmd in ([uv, "venv", "--quiet", f"--python={sys.executable}", str(venv)], [*install, "-r", str(requirements)]):
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            raise SystemExit(f"ERROR: {' '.join(cmd)} failed:\n{proc.stderr[-4000:]}")
    return venv / "bin" / "pex"


def pex_cli(pex: Path, wheels: Sequence[Path], sources: Path, out: Path, pex_root: Path) -> float:
    """Build the app with the pex CLI from `wheels` only; return its wall time."""
    pins = [re.sub(r"^([^-]+)-([^-]+)-.*", r"\1==\2", w.name) for w in wheels]
    cmd = [str(pex), "--no-pypi", f"--find-links={wheels[0].parent}", "--pip-version=vendored", *pins]
    cmd += [f"--sources-directory={sources}", *SETTINGS, f"--output-file={out}"]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env={"PEX_ROOT": str(pex_root), "PATH": "/usr/bin:/bin"})
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"ERROR: {' '.join(cmd)} failed:\n{proc.stderr[-4000:]}")
    return elapsed


def _run(pex: Path, pex_root: Path) -> str:
    proc = subprocess.run([sys.executable, str(pex)], capture_output=True, text=True, env={"PEX_ROOT": str(pex_root)})
    if proc.returncode != 0:
        raise SystemExit(f"ERROR: {pex} does not run:\n{proc.stderr[-4000:]}")
    return proc.stdout


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pex", description=__doc__.splitlines()[0], fromfile_prefix_chars="@")
    parser.add_argument("--bazel", default=str(ROOT / "tools" / "bazel"), help="the Bazel launcher")
    parser.add_argument("--uv", default=shutil.which("uv") or "uv", help="uv, to make the pex CLI's venv")
    parser.add_argument("--runs", type=int, default=3, help="builds per side, interleaved; medians are compared")
    parser.add_argument("--output-base", default="/tmp/xpy-bench-pex", help="Bazel's output base, removed at the end")
    return parser


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    bazel = PexBazel(args.bazel, args.output_base)
    actions: list[float] = []
    walls: list[float] = []
    cold: list[float] = []
    warm: list[float] = []
    with tempfile.TemporaryDirectory(prefix="xpy-bench-pex-") as tmp:
        work = Path(tmp)
        bazel.remove()  # a leftover of an interrupted run would make the action a cache hit
        try:
            start = time.perf_counter()
            bazel("build", "--nobuild", *bazel.flags, TARGET)
            print(f"bazel: fetch and analysis of {TARGET} (untimed): {time.perf_counter() - start:.1f} s")
            (work / "wheels").mkdir()
            wheels = [Path(shutil.copy(w, work / "wheels")) for w in bazel.wheels()]
            for src, dest in SOURCES.items():
                (work / "src" / dest).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(WS / src, work / "src" / dest)
            pex = cli_venv(args.uv, work)
            pex_cli(pex, wheels, work / "src", work / "warmup.pex", work / "warm_root")  # fills the warm PEX_ROOT
            for run in range(args.runs):  # interleaved, so that a slow spell of the machine hits both sides
                action, wall, built = bazel.build(clean=run > 0)
                actions.append(action)
                walls.append(wall)
                cold.append(pex_cli(pex, wheels, work / "src", work / "cold.pex", work / f"cold_root{run}"))
                warm.append(pex_cli(pex, wheels, work / "src", work / "warm.pex", work / "warm_root"))
            if _run(built, work / "run1") != _run(work / "cold.pex", work / "run2"):
                raise SystemExit("ERROR: the two PEXes print different things")
        finally:
            bazel.remove()
    a, w, c, h = (statistics.median(x) for x in (actions, walls, cold, warm))
    runs = f"median of {args.runs} runs" if args.runs > 1 else "1 run"
    print(f"seconds ({runs}), {TARGET} of e2e/pex for linux_x86_64 (3 wheels, 3 first-party files):")
    print(f"  py_pex_binary: PyPex action (execution log)     {a:6.2f}")
    print(f"  py_pex_binary: bazel build wall time            {w:6.2f}")
    print(f"  pex CLI --no-pypi, cold PEX_ROOT                {c:6.2f}")
    print(f"  pex CLI --no-pypi, warm PEX_ROOT                {h:6.2f}")
    print(f"ratio PyPex action / pex CLI cold:      {a / c:.2f}")
    print(f"ratio PyPex action / pex CLI warm:      {a / h:.2f}")
    print(f"ratio bazel build wall / pex CLI cold:  {w / c:.2f}")
    what = "e2e/pex //:app_pex, the PyPex action vs the pex CLI from the same wheels, cold PEX_ROOT"
    print("BENCH " + json.dumps({"name": "PyPex / pex CLI", "ours": a, "baseline": c, "ratio": a / c, "what": what}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
