"""Write the `//:layout` target of a downloaded wheel's repository (repository phase): its py_whl_layout.

Reads only the wheel's zip listing (xpy.layout). A wheel that cannot be read,
or has more than xpy.layout.MAX_ENTRIES entries, gets an empty layout: it is
then installed as one tree on `sys.path`, and WhlInstall reports what is wrong
with it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from xpy.layout import wheel_layout
from xpy.starlark import call

__all__ = ["main"]


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="wheel_layout", description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, required=True)
    parser.add_argument("--defs", required=True, help="label of rules_xpy's py/defs.bzl")
    parser.add_argument("--output", type=Path, required=True, help="the BUILD file to write")
    args = parser.parse_args(argv)
    layout = wheel_layout(args.wheel)
    entries = list(layout.entries) if layout else []
    shared = list(layout.shared) if layout and layout.shared else None
    text = (
        f'load("{args.defs}", "py_whl_layout")\n\n'
        "# The site-packages entries of the wheel, which venvs link into their merged site-packages.\n"
        + call("py_whl_layout", name="layout", entries=entries, shared=shared, visibility=["//visibility:public"])
    )
    args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
