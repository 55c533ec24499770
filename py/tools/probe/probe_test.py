"""Unit tests of the interpreter probe."""

import json
import subprocess
import sys
from pathlib import Path

import probe


def test_describes_the_running_interpreter():
    info = probe.describe()
    major, minor = sys.version_info[:2]
    assert info["version"].startswith(f"{major}.{minor}.")
    assert info["implementation"] == "cpython"
    assert info["abi"] == f"cp{major}{minor}"
    assert info["os"] == "linux"
    assert info["cpu"] in ("x86_64", "aarch64")
    assert info["libc"] == "glibc"  # Debian


def test_main_prints_json():
    out = subprocess.run([sys.executable, str(Path(probe.__file__))], check=True, capture_output=True, text=True).stdout
    assert json.loads(out)["executable"] == sys.executable
