"""Package an installed CPython as a relocatable, python-build-standalone style archive.

Used by tests of `python.archive`: copies the interpreter, libpython and the
standard library (without site-packages and tests) under `python/`, points the
binary's RUNPATH at `$ORIGIN/../lib` with patchelf, and writes a reproducible
`.tar.gz`. Prints the archive's path and SHA-256.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
from collections.abc import Sequence
from pathlib import Path

__all__ = ["ArchiveError", "build_parser", "main", "make_archive"]

_SKIP = {"site-packages", "test", "idlelib", "tkinter", "turtledemo", "ensurepip", "lib2to3", "__pycache__"}


class ArchiveError(Exception):
    """Bad input: printed as one `ERROR:` line."""


def _copy_tree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, symlinks=True, ignore=lambda _d, names: [n for n in names if n in _SKIP])


def make_archive(prefix: Path, out: Path) -> str:
    """Write the archive of the CPython installed at `prefix` to `out`; return its SHA-256."""
    ver = f"{sys.version_info[0]}.{sys.version_info[1]}"
    binary = prefix / "bin" / f"python{ver}"
    if not binary.is_file():
        raise ArchiveError(f"no {binary}: --prefix must be a CPython {ver} installation")
    if not shutil.which("patchelf"):
        raise ArchiveError("patchelf is not installed: apt-get install patchelf")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "python"
        (root / "bin").mkdir(parents=True)
        shutil.copy2(binary, root / "bin" / binary.name)
        (root / "bin" / "python3").symlink_to(binary.name)
        (root / "lib").mkdir()
        for lib in prefix.glob("lib/libpython*.so*"):
            shutil.copy2(lib, root / "lib" / lib.name, follow_symlinks=False)
        _copy_tree(prefix / "lib" / f"python{ver}", root / "lib" / f"python{ver}")
        subprocess.run(["patchelf", "--set-rpath", "$ORIGIN/../lib", str(root / "bin" / binary.name)], check=True)
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as tar:
            for path in sorted(root.parent.rglob("*")):
                info = tar.gettarinfo(path, arcname=str(path.relative_to(root.parent)))
                info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
                if info.isfile():
                    with path.open("rb") as fh:
                        tar.addfile(info, fh)
                else:
                    tar.addfile(info)
        data = gzip.compress(buf.getvalue(), compresslevel=1, mtime=0)
    tmp_out = out.with_name(out.name + ".tmp")
    tmp_out.write_bytes(data)
    tmp_out.replace(out)
    return hashlib.sha256(data).hexdigest()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="make_python_archive", description=__doc__.splitlines()[0], fromfile_prefix_chars="@"
    )
    parser.add_argument(
        "--prefix", type=Path, default=Path(sysconfig.get_config_var("prefix")), help="installation to package"
    )
    parser.add_argument("--out", type=Path, required=True, help="the .tar.gz to write")
    return parser


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        sha256 = make_archive(args.prefix, args.out)
    except ArchiveError as e:
        print(f"ERROR: {e} (make_python_archive)", file=sys.stderr)
        return 1
    print(args.out, sha256)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
