"""What the Bazel benchmarks (pex.py, sdist_build.py) share: running Bazel and reading its execution log."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

__all__ = ["Bazel", "host_path", "read_execution_log", "read_execution_log_all"]


def host_path(path: str) -> Path:
    """A path Bazel printed, as seen from here (Bazel may run in a chroot, see tools/bazel)."""
    if Path(path).exists():
        return Path(path)
    return Path(os.environ.get("SID_ROOT", "/opt/sid")) / path.lstrip("/")


class Bazel:
    """Runs Bazel in the workspace `ws` with its own output base."""

    def __init__(self, bazel: str, ws: Path, output_base: str) -> None:
        self.ws = ws
        self.output_base = output_base
        self.cmd = [bazel, f"--output_base={output_base}"]

    def __call__(self, *args: str) -> tuple[str, float]:
        """Run one command; return its stdout and wall time, or stop with its stderr's tail."""
        start = time.perf_counter()
        proc = subprocess.run([*self.cmd, *args], cwd=self.ws, capture_output=True, text=True, timeout=900)
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"ERROR: bazel {' '.join(args)} failed:\n{proc.stderr[-4000:]}")
        return proc.stdout, elapsed

    def remove(self) -> None:
        """Shut the server down and delete the output base, if there is one."""
        if host_path(self.output_base).exists():
            subprocess.run([*self.cmd, "shutdown"], cwd=self.ws, capture_output=True, timeout=300)
            shutil.rmtree(host_path(self.output_base), ignore_errors=True)


def _seconds(duration: str) -> float:
    """A protobuf JSON Duration ("1.337s") in seconds."""
    return float(duration.removesuffix("s"))


def _json_stream(text: str) -> Iterator[dict[str, object]]:
    """The objects of Bazel's JSON execution log: concatenated JSON objects, not a list."""
    decoder, i = json.JSONDecoder(), 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i == len(text):
            return
        obj, i = decoder.raw_decode(text, i)
        yield obj


def read_execution_log(path: Path, mnemonic: str) -> dict[str, float]:
    """Target label -> wall time (s) of the `mnemonic` spawns of a `--execution_log_json_file`."""
    times: dict[str, float] = {}
    for spawn in _json_stream(path.read_text(encoding="utf-8")):
        if spawn.get("mnemonic") != mnemonic:
            continue
        if spawn.get("cacheHit"):
            raise SystemExit(f"ERROR: {spawn.get('targetLabel')} was a cache hit: the output base was not fresh")
        metrics = spawn.get("metrics")
        assert isinstance(metrics, dict), spawn
        times[str(spawn["targetLabel"])] = _seconds(metrics.get("totalTime") or metrics["executionWallTime"])
    return times


def read_execution_log_all(path: Path) -> list[tuple[str, str, float]]:
    """(mnemonic, target label, wall time in s) of every spawn of a `--execution_log_json_file` that ran."""
    out = []
    for spawn in _json_stream(path.read_text(encoding="utf-8")):
        metrics = spawn.get("metrics")
        if spawn.get("cacheHit") or not isinstance(metrics, dict):
            continue
        seconds = _seconds(str(metrics.get("totalTime") or metrics.get("executionWallTime") or "0s"))
        out.append((str(spawn.get("mnemonic")), str(spawn.get("targetLabel")), seconds))
    return out
