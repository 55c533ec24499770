"""xpy.worker: one process answers Bazel's JSON work requests, each with its own output and exit code."""

from __future__ import annotations

import io
import json
import sys

from xpy.worker import serve


def _main(argv):
    print(f"ran {argv}")
    if argv and argv[0] == "fail":
        print("ERROR: it failed", file=sys.stderr)
        return 1
    if argv and argv[0] == "crash":
        raise RuntimeError("a bug")
    return 0


def test_without_the_flag_it_is_the_tool_itself():
    assert serve(_main, ["x"]) == 0


def test_as_a_worker_each_request_gets_its_output_and_code(monkeypatch):
    requests = [
        {"arguments": ["ok", "--persistent_worker"], "requestId": 0},
        {"arguments": ["fail"], "requestId": 0},
        {"arguments": ["crash"], "requestId": 0},
        {"arguments": ["again"], "requestId": 0},
    ]
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(json.dumps(r) + "\n" for r in requests)))
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    assert serve(_main, ["--persistent_worker"]) == 0
    responses = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["exitCode"] for r in responses] == [0, 1, 1, 0]
    assert responses[0]["output"] == "ran ['ok']\n"
    assert "ERROR: it failed" in responses[1]["output"]
    assert "RuntimeError: a bug" in responses[2]["output"]  # reported on its request; the worker goes on
    assert responses[3]["output"] == "ran ['again']\n"
