"""Describe the interpreter running this script as one JSON object.

Run by the `python` module extension on a local interpreter to learn its
version, implementation, ABI tag and platform (os, cpu, and libc on Linux). Works on Python 3.8+.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import sysconfig

__all__ = ["describe", "main"]

_OS = {"Linux": "linux", "Darwin": "macos", "Windows": "windows"}
_CPU = {
    "x86_64": "x86_64",
    "AMD64": "x86_64",
    "amd64": "x86_64",
    "aarch64": "aarch64",
    "arm64": "aarch64",
    "ARM64": "aarch64",
}


def libc() -> str:
    """The C library of a Linux interpreter: "glibc" or "musl" (musl has no GNU libc version); "" elsewhere."""
    if platform.system() != "Linux":
        return ""
    try:
        gnu = os.confstr("CS_GNU_LIBC_VERSION") or ""
    except (ValueError, OSError):
        gnu = ""
    return "glibc" if gnu.startswith("glibc") else "musl"


def describe() -> dict[str, str]:
    """Facts about the running interpreter; unknown platforms are reported as they are."""
    major, minor, micro = sys.version_info[:3]
    version = f"{major}.{minor}.{micro}"
    impl = sys.implementation.name
    free_threaded = "t" if sysconfig.get_config_var("Py_GIL_DISABLED") else ""
    abi = f"cp{major}{minor}{free_threaded}" if impl == "cpython" else "none"
    return {
        "version": version,
        "implementation": impl,
        "abi": abi,
        "os": _OS.get(platform.system(), platform.system()),
        "cpu": _CPU.get(platform.machine(), platform.machine()),
        "libc": libc(),
        "executable": sys.executable,
    }


def main(argv: list[str]) -> int:
    del argv  # no arguments
    print(json.dumps(describe(), sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
