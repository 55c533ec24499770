"""Precompiled bytecode, deterministic: what WhlInstall writes for a wheel's modules and PyCompile for sources.

A `.pyc` here is hash-based (PEP 552), so it does not depend on file times,
and its recorded file name is the module's path relative to its import root
(importlib replaces it with the real path when it loads the module), so the
same source gives the same bytes in any output base. Two modes:

- `unchecked`: Python trusts the `.pyc` without reading the source again. For
  installed wheels: a Bazel output never changes after its action.
- `checked`: Python hashes the source on import and recompiles on a mismatch.
  For first-party sources, which runfiles link to the workspace: an edit
  without a rebuild still runs the edited code.

Modules that do not compile on this interpreter (a wheel's Python 2 test
files, templates named `.py`) get an empty `.pyc`, which Python ignores: it
compiles them at import, where the error belongs (pip writes none).

The interpreter that runs this must be the one the bytecode is for (its X.Y
and implementation): the rules only run it when the exec and target
interpreters agree (py/private/bytecode.bzl).
"""

from __future__ import annotations

import importlib.util
import os
import py_compile
from collections.abc import Iterable
from pathlib import Path

__all__ = ["MODES", "compile_file", "compile_tree"]


def _intern_singletons() -> None:
    """Intern the strings CPython keeps one object of: "" and each one-character Latin-1 string.

    marshal writes an interned string with another type code than a plain one, and a constant `'M'` of a
    module *is* the process's one `'M'` object, interned or not depending on what the process did before (an
    identifier `M` anywhere interns it). Interned from the start, they are written the same in any process: a
    worker's hundredth wheel gets the same bytes as a fresh process's first.
    """
    import sys

    for text in ("", *map(chr, range(256))):
        sys.intern(text)


_intern_singletons()

MODES = {
    "checked": py_compile.PycInvalidationMode.CHECKED_HASH,
    "unchecked": py_compile.PycInvalidationMode.UNCHECKED_HASH,
}


def compile_file(source: Path, pyc: Path, shown: str, mode: str) -> bool:
    """Compile `source` into `pyc` (recorded file name `shown`); False when it does not compile here."""
    try:
        py_compile.compile(str(source), cfile=str(pyc), dfile=shown, doraise=True, invalidation_mode=MODES[mode])
    except (py_compile.PyCompileError, SyntaxError, ValueError, UnicodeError):
        return False
    return True


def _sources(root: Path) -> Iterable[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith(".py"):
                yield Path(dirpath, name)


def _empty(pyc: Path) -> None:
    """An empty `.pyc` for a module that does not compile: not valid bytecode, so Python ignores it and compiles
    the source at import (where the error belongs); the file exists, so links to it (a venv's) never dangle."""
    pyc.parent.mkdir(parents=True, exist_ok=True)
    pyc.write_bytes(b"")


def compile_tree(root: Path, mode: str = "unchecked") -> tuple[int, int]:
    """Compile every `.py` below `root` into its `__pycache__/`; returns (compiled, skipped)."""
    compiled = skipped = 0
    for source in _sources(root):
        pyc = Path(importlib.util.cache_from_source(str(source)))
        if compile_file(source, pyc, source.relative_to(root).as_posix(), mode):
            compiled += 1
        else:
            _empty(pyc)
            skipped += 1
    return compiled, skipped


def main(argv: list[str]) -> int:
    """PyCompile's entry point: `bytecode.py --mode=checked <source> <pyc> <shown> ...` (stdlib only, no imports
    of the rest of xpy: py_library(xpy) itself is precompiled by it)."""
    import argparse

    parser = argparse.ArgumentParser(prog="bytecode", description=__doc__.splitlines()[0], fromfile_prefix_chars="@")
    parser.add_argument("--mode", choices=sorted(MODES), default="checked")
    parser.add_argument("triples", nargs="*", help="source, .pyc output and recorded name, three per file")
    args = parser.parse_args(argv)
    if len(args.triples) % 3:
        parser.error("give source, output and name for every file")
    for i in range(0, len(args.triples), 3):
        source, pyc, shown = args.triples[i : i + 3]
        if not compile_file(Path(source), Path(pyc), shown, args.mode):
            _empty(Path(pyc))  # Bazel needs every declared output
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
