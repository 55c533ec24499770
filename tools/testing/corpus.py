"""Run a corpus of generated inputs against a tool and check each outcome's class (a test helper).

A `Case` is one input (an invalid one, or a valid control) and a function
that runs the tool on it inside a fresh sandbox directory and returns the
exit code and what the tool printed on stderr. `run_corpus` runs every case
with a time limit and checks:

- an invalid input gives exit code 1 and exactly one line on stderr, an
  `ERROR:` line, with no Python traceback (and the expected words, if given);
- a valid control gives exit code 0;
- nothing is written outside the case's sandbox (the directory around it is
  unchanged, and so are the absolute paths a case names as `outside`);
- each case ends within the time limit (SIGALRM: a hang is a failure).

It prints (and appends to `$XPY_CORPUS_REPORT`, which tools/test shows) one
line: `<title>: N cases, M as expected`, and fails listing the others.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Case", "damaged", "harmless_edits", "run_corpus", "run_main"]


@dataclass(frozen=True)
class Case:
    """One input: `run(sandbox)` -> (exit code, stderr). `expect` is "error" or "ok"."""

    name: str
    run: Callable[[Path], tuple[int, str]]
    expect: str = "error"
    words: str = ""  # for an error: text its ERROR line must contain
    outside: Sequence[str] = field(default_factory=tuple)  # absolute paths that must not exist afterwards


class _Timeout(Exception):
    pass


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    def fire(_signum: int, _frame: object) -> None:
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def harmless_edits(raw: bytes) -> list[tuple[str, bytes]]:
    """Valid controls of a text file: unmodified, with comment lines, with CRLF line ends."""
    text = raw.decode()
    return [
        ("unmodified", raw),
        ("comments", ("# a comment\n" + text.replace("\n\n", "\n# between\n\n")).encode()),
        ("crlf", text.replace("\n", "\r\n").encode()),
    ]


def damaged(raw: bytes) -> list[tuple[str, bytes]]:
    """Damaged copies of a file: a byte that is not UTF-8 at four places, truncated at four others."""
    out = [
        (f"byte-ff-at-{at}", raw[:at] + b"\xff" + raw[at:]) for at in (0, len(raw) // 4, len(raw) // 2, len(raw) - 2)
    ]
    for at in (len(raw) // 7, len(raw) // 3, len(raw) // 2 + 17, len(raw) - 40):
        out.append((f"truncated-at-{at}", raw[:at]))
    return out


def run_main(main: Callable[[Sequence[str]], int], argv: Sequence[str]) -> tuple[int, str]:
    """A tool's `main(argv)` in this process: (exit code, what it printed on stderr)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(list(argv))
        except SystemExit as e:  # argparse
            code = e.code if isinstance(e.code, int) else 2
    return code, err.getvalue()


def _listing(root: Path, skip: Path) -> set[str]:
    out: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(root):
        if Path(dirpath) == skip:
            dirnames[:] = []
            continue
        dirnames[:] = [d for d in dirnames if Path(dirpath, d) != skip]
        out.update(os.path.join(dirpath, n) for n in (*dirnames, *filenames))
    return out


def _judge(case: Case, code: int, stderr: str) -> str | None:
    """Why the outcome is not the expected one; None if it is."""
    if case.expect == "ok":
        return None if code == 0 else f"exit {code}, expected success: {stderr.strip()[:300]}"
    lines = stderr.strip().splitlines()
    if code != 1:
        return f"exit {code}, expected 1: {stderr.strip()[:300]}"
    if "Traceback (most recent call last)" in stderr:
        return f"a traceback: {stderr.strip()[-500:]}"
    if len(lines) != 1 or not lines[0].startswith("ERROR: "):
        return f"not one ERROR line: {stderr.strip()[:500]!r}"
    if case.words and case.words not in lines[0]:
        return f"the ERROR line lacks {case.words!r}: {lines[0][:400]}"
    return None


def run_corpus(title: str, cases: Sequence[Case], root: Path, seconds: float = 20.0) -> None:
    """Run every case (sandbox: `root/<n>`, removed afterwards), print the counts, fail listing the misses."""
    root.mkdir(parents=True, exist_ok=True)
    misses: list[str] = []
    slowest = 0.0
    for n, case in enumerate(cases):
        sandbox = root / f"case{n}"
        sandbox.mkdir()
        before = _listing(root, sandbox)
        start = time.monotonic()
        try:
            with _alarm(seconds):
                code, stderr = case.run(sandbox)
            reason = _judge(case, code, stderr)
        except _Timeout:
            reason = f"did not finish within {seconds:g} s"
        except Exception:  # the tool itself raised: a traceback the user would see
            reason = "raised: " + traceback.format_exc(limit=3)[-800:]
        slowest = max(slowest, time.monotonic() - start)
        after = _listing(root, sandbox)
        if after != before:
            reason = (reason or "") + f" wrote outside its sandbox: {sorted(after ^ before)[:5]}"
        for path in case.outside:
            if os.path.lexists(path):
                reason = (reason or "") + f" wrote {path}"
                with contextlib.suppress(OSError):
                    os.unlink(path)
        if reason:
            misses.append(f"{case.name}: {reason}")
        shutil.rmtree(sandbox, ignore_errors=True)
    line = f"{title}: {len(cases)} cases, {len(cases) - len(misses)} as expected (slowest {slowest:.2f} s)"
    print(line)
    report = os.environ.get("XPY_CORPUS_REPORT")
    if report:
        with open(report, "a", encoding="utf-8") as f:
            f.write(line + "\n")
    assert not misses, f"{line}\n" + "\n".join(misses[:40])
