"""Run pytest on a test target's files, as `py_venv_test(pytest = True)` does.

Maps Bazel's test protocol onto pytest: test files are runfiles paths resolved
against RUNFILES_DIR, `XML_OUTPUT_FILE` becomes `--junitxml`,
`TESTBRIDGE_TEST_ONLY` (`bazel test --test_filter=...`) becomes `-k`, and the
cache provider is off because the runfiles tree is read-only.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence

__all__ = ["build_parser", "main", "pytest_args"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pytest_main", description=__doc__.splitlines()[0], fromfile_prefix_chars="@")
    parser.add_argument("--test-file", action="append", default=[], help="runfiles path of a test file")
    return parser


def pytest_args(test_files: Sequence[str], extra: Sequence[str], env: Mapping[str, str]) -> list[str]:
    """The pytest command line for these files, extra arguments and test environment."""
    runfiles = env.get("RUNFILES_DIR", "")
    args = ["-p", "no:cacheprovider"]
    if env.get("XML_OUTPUT_FILE"):
        args += ["--junitxml", env["XML_OUTPUT_FILE"]]
    if env.get("TESTBRIDGE_TEST_ONLY"):
        args += ["-k", env["TESTBRIDGE_TEST_ONLY"]]
    args += list(extra)
    args += [os.path.join(runfiles, f) for f in test_files]
    return args


def main(argv: Sequence[str]) -> int:
    args, extra = build_parser().parse_known_args(argv)
    if not args.test_file:
        print("ERROR: no --test-file given (pytest_main): set srcs on the py_venv_test", file=sys.stderr)
        return 2
    import pytest  # only in the test's venv, not at import time of this module

    return int(pytest.main(pytest_args(args.test_file, extra, os.environ)))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
