"""Seven tests for three shards (shard_count = 3): check.sh reads each shard's test.xml."""

import pytest


@pytest.mark.parametrize("n", range(6))
def test_number(n, greeting):
    assert greeting == "from conftest"


def test_seventh(greeting):
    assert greeting == "from conftest"
