"""Write a venv for IDEs and type checkers from a venv binary's runfiles (`py_ide_venv`, run by `bazel run`).

    ide_venv.py --runfiles DIR --venv RUNFILES_PATH --label LABEL [PATH]

Makes a real venv at PATH (default `.venv`, relative paths against the
workspace: `BUILD_WORKSPACE_DIRECTORY`) with the binary's interpreter
(`python -m venv --without-pip --symlinks`) and one `.pth` file in its
site-packages listing the binary's import roots as absolute paths: the
binary's merged site-packages (its installed wheels, in bazel-bin) and its
first-party roots, mapped to the workspace's source directories so that an
editor opens, and a type checker reads, the files you edit. Re-running
replaces a venv it made; any other existing PATH is refused.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["IdeVenvError", "import_roots", "main", "write_venv"]

MARK = "rules_xpy.ide_venv"


class IdeVenvError(Exception):
    """Bad input: printed as one `ERROR:` line."""


def import_roots(runfiles: Path, venv: str, workspace: Path | None, main_repo: str = "_main") -> list[str]:
    """Absolute import roots of the runfiles venv `venv`: its site-packages, then its `.pth` lines, in order."""
    sites = sorted((runfiles / venv / "lib").glob("python*/site-packages"))
    if len(sites) != 1:
        raise IdeVenvError(f"no venv site-packages under {runfiles / venv}: build the binary first")
    site = sites[0]
    roots = [str(site)]
    pth = site / "_xpy.pth"
    for line in pth.read_text(encoding="utf-8").splitlines() if pth.exists() else []:
        if not line.strip() or line.startswith(("#", "import ")):
            continue
        path = os.path.normpath(site / line)
        rel = os.path.relpath(path, runfiles)
        repo, _, inside = rel.partition("/")
        if workspace is not None and repo == main_repo and (workspace / inside).is_dir():
            path = str(workspace / inside)  # first-party: the source directory, not its runfiles links
        elif workspace is not None and rel == main_repo:
            path = str(workspace)
        if path not in roots:
            roots.append(path)
    return roots


def write_venv(target: Path, python: Path, roots: Sequence[str], label: str) -> Path:
    """Create (or replace one made before) the venv `target`; return its .pth file."""
    cfg = target / "pyvenv.cfg"
    if target.exists() and not (cfg.exists() and MARK in cfg.read_text(encoding="utf-8", errors="replace")):
        raise IdeVenvError(f"{target} exists and is not a venv that py_ide_venv made: give another path, or remove it")
    if not python.exists():
        raise IdeVenvError(
            f"the binary's interpreter {python} does not exist on this machine: an IDE venv needs one that runs here"
        )
    made = subprocess.run(
        [str(python), "-m", "venv", "--without-pip", "--symlinks", "--clear", str(target)],
        capture_output=True,
        text=True,
    )
    if made.returncode != 0:
        raise IdeVenvError(f"{python} -m venv {target} failed: {made.stderr.strip().splitlines()[-1:]}")
    with cfg.open("a", encoding="utf-8") as f:
        f.write(f"{MARK} = {label}\n")
    (site,) = (target / "lib").glob("python*/site-packages")
    pth = site / "_xpy_ide.pth"
    pth.write_text("".join(root + "\n" for root in roots), encoding="utf-8")
    return pth


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="ide_venv", description=__doc__.splitlines()[0])
    parser.add_argument("--runfiles", type=Path, required=True)
    parser.add_argument("--venv", required=True, help="runfiles path of the binary's venv")
    parser.add_argument("--label", required=True)
    parser.add_argument("path", nargs="?", default=".venv", help="where to write the venv (default .venv)")
    args = parser.parse_args(argv)
    workspace = Path(os.environ["BUILD_WORKSPACE_DIRECTORY"]) if os.environ.get("BUILD_WORKSPACE_DIRECTORY") else None
    target = Path(args.path) if Path(args.path).is_absolute() or workspace is None else workspace / args.path
    try:
        roots = import_roots(args.runfiles.resolve(), args.venv, workspace)
        python = (args.runfiles / args.venv / "bin" / "python3").resolve()
        write_venv(target, python, roots, args.label)
    except (IdeVenvError, OSError) as e:
        print(f"ERROR: {e} ({args.label})", file=sys.stderr)
        return 1
    print(f"{target}: a venv of {args.label} ({len(roots)} import roots); point your editor at {target}/bin/python")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
