"""Write the files of a relocatable venv that lives in a Bazel runfiles tree.

The venv has no absolute path in it: `pyvenv.cfg` has no `home` key (CPython
then takes the base prefix from the real path of `bin/python3`, a symlink to the
interpreter), and the `.pth` file lists the import roots relative to the venv's
site-packages directory, so the tree can be moved or copied as a whole.
"""

from __future__ import annotations

import argparse
import posixpath
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["VenvError", "build_parser", "main", "pth_lines", "pyvenv_cfg", "site_packages"]


class VenvError(Exception):
    """Bad input: printed as one `ERROR:` line."""


def _check_runfiles_path(path: str, what: str) -> str:
    norm = posixpath.normpath(path)
    if path.startswith("/") or norm.startswith("..") or norm in ("", "."):
        raise VenvError(f"{what} {path!r} is not a path inside the runfiles tree")
    return norm


def site_packages(venv: str, python_version: str) -> str:
    """Runfiles path of the venv's site-packages directory (POSIX layout)."""
    parts = python_version.split(".")
    if len(parts) < 2 or not all(p.isdigit() for p in parts[:2]):
        raise VenvError(f"python version {python_version!r} is not X.Y[.Z]")
    return f"{venv}/lib/python{parts[0]}.{parts[1]}/site-packages"


def pth_lines(venv: str, python_version: str, imports: Sequence[str]) -> list[str]:
    """Import roots as `.pth` lines relative to site-packages, in order, without repeats."""
    site = site_packages(_check_runfiles_path(venv, "venv"), python_version)
    lines: list[str] = []
    for imp in imports:
        rel = posixpath.relpath(_check_runfiles_path(imp, "import root"), site)
        if rel not in lines:
            lines.append(rel)
    return lines


def pyvenv_cfg(python_version: str, implementation: str, label: str) -> str:
    """Text of pyvenv.cfg; deliberately without `home` (see module doc)."""
    return (
        "include-system-site-packages = false\n"
        f"version = {python_version}\n"
        f"implementation = {implementation}\n"
        f"rules_xpy.target = {label}\n"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="make_venv",
        description=__doc__.splitlines()[0],
        fromfile_prefix_chars="@",
    )
    parser.add_argument("--label", required=True, help="Bazel label of the binary")
    parser.add_argument("--venv", required=True, help="runfiles path of the venv directory")
    parser.add_argument("--python-version", required=True)
    parser.add_argument("--implementation", default="cpython")
    parser.add_argument("--import", dest="imports", action="append", default=[], help="runfiles path of an import root")
    parser.add_argument("--pyvenv-cfg", type=Path, required=True, help="output: pyvenv.cfg")
    parser.add_argument("--pth", type=Path, required=True, help="output: the .pth file in site-packages")
    return parser


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        lines = pth_lines(args.venv, args.python_version, args.imports)
        cfg = pyvenv_cfg(args.python_version, args.implementation, args.label)
    except VenvError as e:
        print(f"ERROR: {e} ({args.label}): check the target's `imports` and toolchain", file=sys.stderr)
        return 1
    args.pth.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    args.pyvenv_cfg.write_text(cfg, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
