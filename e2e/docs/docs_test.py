"""Docs as tests: the guides run as written (tools/test's "docs snippets" step checks every other snippet).

A guide's files and commands (tools/docs/snippets.py extract <workspace>) go to a scratch directory
`e2e/.docs/<workspace>`, next to a `rules_xpy` link to this checkout (the pages' `../rules_xpy`); `bazel`
on PATH is tools/bazel and `uv` the dev venv's. The walkthrough's RBE part starts and stops the loopback
harness.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from e2e_support import scratch_workspace

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SNIPPETS = REPO / "tools" / "docs" / "snippets.py"


def run_guide(name: str) -> list[str]:
    """Extract the docs workspace `name`, run its commands in order; return their standard output's lines."""
    with scratch_workspace("docs") as root:
        (root / "rules_xpy").symlink_to("../..")
        bin_dir = root / "bin"
        bin_dir.mkdir()
        (bin_dir / "bazel").symlink_to(REPO / "tools" / "bazel")
        work = root / name
        work.mkdir(exist_ok=True)  # tools/bazel keeps a workspace it ran in mounted (empty)
        extracted = subprocess.run([sys.executable, str(SNIPPETS), "extract", name, str(work)], capture_output=True)
        assert extracted.returncode == 0, extracted.stderr
        env = {**os.environ, "PATH": f"{bin_dir}:{Path(sys.executable).parent}:{os.environ['PATH']}"}
        try:
            proc = subprocess.run(["bash", "steps.sh"], cwd=work, env=env, capture_output=True, text=True, timeout=2400)
            assert proc.returncode == 0, f"{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}"
        finally:
            if name == "walkthrough":
                subprocess.run([str(REPO / "tools" / "rbe" / "stop")], capture_output=True, timeout=300)
                registry = [sys.executable, str(REPO / "tools" / "image" / "registry.py"), "stop"]
                subprocess.run(registry, capture_output=True, timeout=60)
            subprocess.run(["bazel", "clean", "--expunge"], cwd=work, env=env, capture_output=True, timeout=600)
        return proc.stdout.splitlines()


def test_getting_started_runs_as_written():
    lines = run_guide("getting-started")
    assert "Hello, Ada!" in lines


def test_the_walkthrough_runs_as_written():
    lines = run_guide("walkthrough")
    assert "markupsafe &lt;b&gt; on x86_64" in lines
    assert any(line.startswith("C extension _speedups.cpython-311-x86_64-linux-gnu.so") for line in lines)
    assert "Hello, Ada!" in lines
    wheels = [line.rsplit("/", 1)[-1] for line in lines if line.endswith(".whl")]
    assert [w.rsplit("-", 1)[-1] for w in wheels] == ["linux_x86_64.whl", "linux_aarch64.whl"], wheels
    text = "\n".join(lines)
    index, _ = json.JSONDecoder().raw_decode(text[text.index("{") :])  # skopeo inspect --raw of the pushed index
    platforms = sorted(m["platform"]["architecture"] for m in index["manifests"])
    assert platforms == ["amd64", "arm64"], index
