"""The RBE suite's fixture: a fresh output base per test module (the harness must be up: tools/rbe/e2e)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from e2e_support import fresh_output_base
from rbe_test import BAZEL, WORKSPACE, harness


@pytest.fixture(scope="module")
def base(request: pytest.FixtureRequest) -> Iterator[tuple[str, ...]]:
    """A fresh output base: nothing of this workspace is in Bazel's local caches, so actions really run remotely."""
    if "server: running" not in harness("status"):
        pytest.fail("the RBE harness is not running: run this suite with tools/rbe/e2e (or tools/rbe/start first)")
    with fresh_output_base(BAZEL, WORKSPACE, f"rbe-{request.module.__name__}") as startup:
        yield startup
