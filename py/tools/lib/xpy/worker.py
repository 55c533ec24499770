"""Bazel persistent workers for rules_xpy's small, frequent tools (WhlInstall).

A tool action pays for starting the interpreter and importing its libraries
(installer, packaging) each time: more than the work itself for a small wheel.
With `supports-workers`, Bazel keeps one process per tool and configuration
and sends it the actions as JSON work requests (`requires-worker-protocol:
json`); `serve(main)` answers them, one at a time, each as `main(argv)` with
its stdout and stderr captured into the response. Remote execution, and a
build with `--strategy=...=sandboxed`, run the same tool as a plain process:
`serve` then just calls `main` once.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["serve"]

_FLAG = "--persistent_worker"


def _expand(arguments: Sequence[str]) -> list[str]:
    """Work request arguments: a trailing `@flagfile` stays for argparse (`fromfile_prefix_chars="@"`)."""
    return [a for a in arguments if a != _FLAG]


def _answer(main: Callable[[Sequence[str]], int], request: dict[str, Any]) -> dict[str, Any]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            code = main(_expand([str(a) for a in request.get("arguments", [])]))
        except SystemExit as e:  # argparse
            code = e.code if isinstance(e.code, int) else 2
        except Exception:  # a bug of the tool: report it on this request, keep serving the next ones
            traceback.print_exc()
            code = 1
    return {"exitCode": code, "output": out.getvalue(), "requestId": request.get("requestId", 0)}


def serve(main: Callable[[Sequence[str]], int], argv: Sequence[str]) -> int:
    """Run `main(argv)`, or, with `--persistent_worker`, answer Bazel's JSON work requests on stdin until EOF."""
    if _FLAG not in argv:
        return main(argv)
    stdin, stdout = sys.stdin, sys.stdout
    for line in stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        stdout.write(json.dumps(_answer(main, request)) + "\n")
        stdout.flush()
    return 0
