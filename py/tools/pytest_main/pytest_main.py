"""Run pytest on a test target's files, as `py_venv_test(pytest = True)` does.

Maps Bazel's test protocol onto pytest: test files are runfiles paths resolved
against RUNFILES_DIR, `XML_OUTPUT_FILE` becomes `--junitxml`,
`TESTBRIDGE_TEST_ONLY` (`bazel test --test_filter=...`) becomes `-k`, and the
cache provider is off because the runfiles tree is read-only. With test
sharding (`shard_count`: `TEST_TOTAL_SHARDS`, `TEST_SHARD_INDEX`), each shard
runs every `TEST_TOTAL_SHARDS`-th collected test from its index, so every test
runs exactly once over the shards; `TEST_SHARD_STATUS_FILE` is touched to say
that the runner shards.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["Shard", "build_parser", "main", "pytest_args", "shard_of"]

EXIT_NO_TESTS = 5  # pytest's exit code when nothing was collected (or all were deselected)


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


class Shard:
    """A pytest plugin keeping the collected tests of one shard: those whose position % total == index."""

    def __init__(self, index: int, total: int) -> None:
        self.index, self.total = index, total

    def pytest_collection_modifyitems(self, config: Any, items: list[Any]) -> None:
        keep = [item for i, item in enumerate(items) if i % self.total == self.index]
        dropped = [item for i, item in enumerate(items) if i % self.total != self.index]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
        items[:] = keep


def shard_of(env: Mapping[str, str]) -> Shard | None:
    """The shard this run is (None without sharding); touches `TEST_SHARD_STATUS_FILE`."""
    total = int(env.get("TEST_TOTAL_SHARDS") or "0")
    if total <= 1:
        return None
    index = int(env.get("TEST_SHARD_INDEX") or "0")
    if not 0 <= index < total:
        raise ValueError(f"TEST_SHARD_INDEX={index} is not below TEST_TOTAL_SHARDS={total}")
    if env.get("TEST_SHARD_STATUS_FILE"):
        with open(env["TEST_SHARD_STATUS_FILE"], "a"):
            pass
    return Shard(index, total)


def main(argv: Sequence[str]) -> int:
    args, extra = build_parser().parse_known_args(argv)
    if not args.test_file:
        print("ERROR: no --test-file given (pytest_main): set srcs on the py_venv_test", file=sys.stderr)
        return 2
    try:
        shard = shard_of(os.environ)
    except ValueError as e:
        print(
            f"ERROR: {e} (pytest_main): this is Bazel's test sharding environment; run the test with bazel test",
            file=sys.stderr,
        )
        return 2
    import pytest  # only in the test's venv, not at import time of this module

    code = int(pytest.main(pytest_args(args.test_file, extra, os.environ), plugins=[shard] if shard else []))
    return 0 if shard and code == EXIT_NO_TESTS else code  # more shards than tests leaves some empty


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
