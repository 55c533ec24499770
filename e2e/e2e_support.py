"""Helpers shared by the e2e cases' pytest files (importable: e2e/conftest.py puts this directory on sys.path)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["assert_no_python_traceback", "fresh_output_base", "host_path", "make_wheel", "scratch_workspace"]

_PYTHON_FRAME = re.compile(r'File "[^"]+\.py", line \d+, in ')


def assert_no_python_traceback(stderr: str) -> None:
    """No Python traceback in Bazel's output (Starlark's own `fail()` traces name .bzl files and are fine)."""
    assert not _PYTHON_FRAME.search(stderr), f"a Python traceback:\n{stderr[-4000:]}"


def host_path(path: str) -> Path:
    """A path Bazel printed, as seen from here (Bazel may run in a chroot, see tools/bazel)."""
    if Path(path).exists():
        return Path(path)
    return Path(os.environ.get("SID_ROOT", "/opt/sid")) / path.lstrip("/")


@contextmanager
def fresh_output_base(bazel: str, workspace: Path, name: str) -> Iterator[tuple[str, ...]]:
    """Startup options of a new, empty output base (nothing fetched or built); its server and files go afterwards."""
    base = (f"--output_base=/tmp/xpy-e2e-{name}",)
    try:
        yield base
    finally:
        info = subprocess.run([bazel, *base, "info", "output_base"], cwd=workspace, capture_output=True, text=True)
        subprocess.run([bazel, *base, "shutdown"], cwd=workspace, capture_output=True, timeout=300)
        if info.returncode == 0:
            shutil.rmtree(host_path(info.stdout.strip()), ignore_errors=True)


@contextmanager
def scratch_workspace(name: str, source: Path | None = None) -> Iterator[Path]:
    """A workspace directory `e2e/.<name>` (beside the cases, so that `../..` is rules_xpy), emptied afterwards.

    tools/bazel bind-mounts each workspace it runs in, so the directory itself stays (empty) until
    `tools/bazel --teardown`; it is reused the next time.
    """
    path = Path(__file__).resolve().parent / f".{name}"
    _empty(path)
    if source is not None:
        shutil.copytree(source, path, ignore=shutil.ignore_patterns("bazel-*", "__pycache__"), dirs_exist_ok=True)
    else:
        path.mkdir(exist_ok=True)
    try:
        yield path
    finally:
        _empty(path)


def _empty(path: Path) -> None:
    if not path.is_dir():
        return
    for child in path.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink()


def make_wheel(directory: Path, name: str, version: str, files: dict[str, str]) -> Path:
    """A valid pure wheel `<name>-<version>-py3-none-any.whl` in `directory` holding `files` (path -> text)."""
    import base64
    import hashlib
    import zipfile

    dist_info = f"{name}-{version}.dist-info"
    members = {path: text.encode() for path, text in files.items()}
    members[f"{dist_info}/METADATA"] = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
    members[f"{dist_info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: e2e\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = "".join(
        f"{path},sha256={base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()},{len(data)}\n"
        for path, data in members.items()
    )
    members[f"{dist_info}/RECORD"] = (record + f"{dist_info}/RECORD,,\n").encode()
    path = directory / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as zf:
        for member, data in sorted(members.items()):
            zf.writestr(zipfile.ZipInfo(member, (1980, 1, 1, 0, 0, 0)), data)
    return path
