"""Run a test's main script under coverage.py (`bazel coverage`) and write an lcov report of the instrumented sources.

py_venv_test makes this its main when coverage is on (`ctx.configuration.coverage_enabled`), with
`--main=<runfiles path of the real main>` and then the real main's arguments. Bazel's test environment gives:

- `COVERAGE_MANIFEST`: the instrumented source files (exec-root paths: `app/lib.py`,
  `external/<repo>/x.py`), as `--instrumentation_filter` selects them;
- `COVERAGE_OUTPUT_FILE`: the test's `coverage.dat`, and `COVERAGE_DIR`, where an lcov merger looks.

The main runs as `python main.py` would run it (`__main__`, `sys.argv`, `sys.path[0]`), lines are measured
with coverage.py (pinned, pure wheel), and the report (`SF:` the exec-root path, `DA:` each statement, 1 or 0)
goes to both places: Bazel keeps it as the test's `coverage.dat`. Every `.py` file of the manifest is in the
report, also those the test never imports (all lines 0). The test's exit status is kept; a failing test
writes no report (Bazel collects none for it).
"""

from __future__ import annotations

import os
import runpy
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = ["lcov", "main", "manifest_entries"]


def manifest_entries(text: str, workspace: str) -> list[tuple[str, str]]:
    """(exec-root path, runfiles path) of each `.py` file of a COVERAGE_MANIFEST."""
    out = []
    for line in text.splitlines():
        path = line.strip()
        if not path.endswith(".py"):
            continue
        runfiles = path[len("external/") :] if path.startswith("external/") else f"{workspace}/{path}"
        out.append((path, runfiles))
    return out


def _measured(entry: tuple[str, str], measured: Sequence[str], runfiles_dir: str) -> str | None:
    """The measured file name of a manifest entry: its runfiles path, or a path ending like it (a resolved link)."""
    path, runfiles = entry
    exact = os.path.join(runfiles_dir, runfiles)
    if exact in measured:
        return exact
    for name in measured:
        if name.endswith("/" + runfiles) or name.endswith("/" + path):
            return name
    return None


def lcov(analyses: Mapping[str, tuple[Sequence[int], Sequence[int]]]) -> str:
    """lcov text of `analyses`: report path -> (statements, missing lines)."""
    out = []
    for path, (statements, missing) in sorted(analyses.items()):
        missed = set(missing)
        out.append(f"SF:{path}")
        out += [f"DA:{line},{0 if line in missed else 1}" for line in sorted(statements)]
        out += [f"LH:{len(set(statements) - missed)}", f"LF:{len(statements)}", "end_of_record"]
    return "".join(line + "\n" for line in out)


def _entries(env: Mapping[str, str]) -> list[tuple[str, str]]:
    manifest = env.get("COVERAGE_MANIFEST")
    text = Path(manifest).read_text(encoding="utf-8") if manifest else ""
    return manifest_entries(text, env.get("TEST_WORKSPACE", "_main"))


def _include(entries: Sequence[tuple[str, str]], runfiles_dir: str) -> list[str]:
    """What coverage.py measures: the manifest's files, by runfiles path and by the path it links to."""
    paths = [os.path.join(runfiles_dir, runfiles) for _, runfiles in entries]
    return sorted({p for path in paths for p in (path, os.path.realpath(path))})


def _report(cov: object, entries: Sequence[tuple[str, str]], runfiles_dir: str) -> str:
    from coverage.exceptions import CoverageException

    measured = sorted(cov.get_data().measured_files())  # type: ignore[attr-defined]
    analyses = {}
    for entry in entries:
        name = _measured(entry, measured, runfiles_dir) or os.path.join(runfiles_dir, entry[1])
        if not os.path.exists(name):
            continue
        try:
            _, statements, _, missing, _ = cov.analysis2(name)  # type: ignore[attr-defined]
        except CoverageException:  # not Python source (coverage.py cannot parse it): no line data
            continue
        analyses[entry[0]] = (statements, missing)
    return lcov(analyses)


def main(argv: Sequence[str]) -> int:
    if not argv or not argv[0].startswith("--main="):
        print("ERROR: run_coverage: the first argument must be --main=<script>", file=sys.stderr)
        return 2
    script = os.path.join(os.environ.get("RUNFILES_DIR", ""), argv[0][len("--main=") :])
    import coverage  # the pinned wheel, in the test's venv only under `bazel coverage`

    runfiles_dir = os.environ.get("RUNFILES_DIR") or os.environ.get("TEST_SRCDIR") or ""
    entries = _entries(os.environ)
    # Only the manifest's files are traced: the pure-Python tracer would slow down pytest and every package.
    cov = coverage.Coverage(data_file=None, config_file=False, include=_include(entries, runfiles_dir) or None)
    sys.argv = [script, *argv[1:]]
    if not sys.flags.safe_path:  # as `python script.py`: the script's directory first on sys.path
        sys.path[0] = os.path.dirname(script)
    cov.start()
    passed = False
    try:
        runpy.run_path(script, run_name="__main__")
        passed = True
    except SystemExit as e:
        passed = e.code in (None, 0)
        raise
    finally:
        cov.stop()
        if passed:
            report = _report(cov, entries, runfiles_dir)
            outputs = [os.environ.get("COVERAGE_OUTPUT_FILE"), os.environ.get("COVERAGE_DIR") and "python.dat"]
            for path in (Path(os.environ.get("COVERAGE_DIR", ""), o) for o in outputs if o):
                path.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
