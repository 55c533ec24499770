"""Docs as tests: every fenced block of README.md and docs/*.md says how CI checks it.

The nearest non-blank line above a block's opening fence is a marker comment:

- `<!-- snippet: in <path> -->`: the block shows (part of) a file that CI builds or runs, such as an e2e
  workspace's MODULE.bazel or a tool's error text. Every line of the block that is not blank, a comment
  (`#`, `//`) or an ellipsis (`...`) must appear in `<path>` (repository-relative), stripped, in the same
  order.
- `<!-- snippet: file <workspace>/<path> -->`: the block is the whole file `<path>` of the docs workspace
  `<workspace>` (one of WORKSPACES), which `extract` writes and `e2e/docs` builds.
- `<!-- snippet: run <workspace> -->`: a shell block that `e2e/docs` runs in `<workspace>`, in document order,
  as written.
- `<!-- snippet: illustrative <why> -->`: not run, on purpose (an error's shape, a placeholder, a choice
  among alternatives); `<why>` says which.

`check` fails naming the file and line of each unmarked block and each `in` block whose line is not in its
file, and prints how many blocks are of each kind. `extract <workspace> <dir>` writes the workspace's files
into `<dir>` and its commands, in order, into `<dir>/steps.sh`.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Block", "check", "extract", "main", "read_blocks"]

ROOT = Path(__file__).resolve().parents[2]
WORKSPACES = ("getting-started", "walkthrough")
"""The docs workspaces that e2e/docs runs; `file` and `run` blocks name one of them."""
_MARKER = re.compile(r"<!-- snippet: (in|file|run|illustrative)\b\s*(.*?)\s*-->")
_FENCE = re.compile(r"^(\s*)(```+|~~~+)(.*)$")
_SKIP = re.compile(r"^(#|//|\.\.\.|…)")


@dataclass(frozen=True)
class Block:
    doc: str  # repository-relative path of the document
    line: int  # line of the opening fence (1-based)
    kind: str  # in | file | run | illustrative | "" (no marker)
    arg: str
    text: str


def read_blocks(doc: Path, root: Path = ROOT) -> Iterator[Block]:
    """The fenced blocks of `doc`, each with the marker above it (kind "" when there is none)."""
    lines = doc.read_text(encoding="utf-8").splitlines()
    name = doc.relative_to(root).as_posix()
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence = m.group(1), m.group(2)
        start = i
        body = []
        i += 1
        while i < len(lines) and not lines[i].strip().startswith(fence):
            body.append(lines[i][len(indent) :] if lines[i].startswith(indent) else lines[i])
            i += 1
        i += 1
        above = next((lines[j] for j in range(start - 1, -1, -1) if lines[j].strip()), "")
        marker = _MARKER.search(above)
        kind, arg = (marker.group(1), marker.group(2)) if marker else ("", "")
        yield Block(name, start + 1, kind, arg, "\n".join(body) + "\n")


def docs(root: Path = ROOT) -> list[Path]:
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def _missing_line(block: Block, root: Path) -> str | None:
    """The first line of an `in` block that its file does not hold (in order), or None."""
    target = root / block.arg
    if not block.arg or not target.is_file():
        return f"`in {block.arg}`: no such file"
    have = [line.strip() for line in target.read_text(encoding="utf-8").splitlines()]
    at = 0
    for line in block.text.splitlines():
        want = line.strip()
        if not want or _SKIP.match(want):
            continue
        try:
            at = have.index(want, at) + 1
        except ValueError:
            return f"the line {want!r} is not in {block.arg} (after line {at})"
    return None


def check(root: Path = ROOT) -> tuple[list[str], Counter[str]]:
    """(errors, count of blocks per kind) over README.md and docs/*.md."""
    errors = []
    counts: Counter[str] = Counter()
    for doc in docs(root):
        for block in read_blocks(doc, root):
            where = f"{block.doc}:{block.line}"
            counts[block.kind or "unmarked"] += 1
            if not block.kind:
                errors.append(f"{where}: a block without a `<!-- snippet: ... -->` marker above it")
            elif block.kind == "in":
                missing = _missing_line(block, root)
                if missing:
                    errors.append(f"{where}: {missing}")
            elif block.kind in ("file", "run"):
                workspace, _, path = block.arg.partition("/")
                if workspace not in WORKSPACES:
                    errors.append(
                        f"{where}: `{block.kind} {block.arg}`: no docs workspace {workspace!r} "
                        f"(e2e/docs runs {', '.join(WORKSPACES)})"
                    )
                elif (block.kind == "file") != bool(path):
                    shape = "<workspace>/<path>" if block.kind == "file" else "<workspace>"
                    errors.append(f"{where}: `{block.kind} {block.arg}` is not `{block.kind} {shape}`")
            elif block.kind == "illustrative" and not block.arg:
                errors.append(f"{where}: `illustrative` needs a reason")
    return errors, counts


def extract(workspace: str, dest: Path, root: Path = ROOT) -> int:
    """Write the workspace's `file` blocks under `dest` and its `run` blocks to `dest/steps.sh`; returns the count."""
    steps = ["set -euxo pipefail"]
    count = 0
    for doc in docs(root):
        for block in read_blocks(doc, root):
            if block.kind == "file" and block.arg.split("/", 1)[0] == workspace:
                path = dest / block.arg.split("/", 1)[1]
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(block.text, encoding="utf-8")
                count += 1
            elif block.kind == "run" and block.arg == workspace:
                steps += [f"# {block.doc}:{block.line}", block.text]
                count += 1
    (dest / "steps.sh").write_text("\n".join(steps) + "\n", encoding="utf-8")
    return count


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="snippets", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check")
    ext = sub.add_parser("extract")
    ext.add_argument("workspace")
    ext.add_argument("dest", type=Path)
    args = parser.parse_args(argv)
    if args.command == "extract":
        print(f"{extract(args.workspace, args.dest)} snippets of {args.workspace} written to {args.dest}")
        return 0
    errors, counts = check()
    for error in errors:
        print(f"ERROR: {error}", file=sys.stderr)
    print("docs snippets: " + ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
