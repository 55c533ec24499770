"""A fixture for sharded_test.py: pytest finds this file next to it in the runfiles."""

import pytest


@pytest.fixture
def greeting() -> str:
    return "from conftest"
