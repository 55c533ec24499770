"""Unit tests of the pytest runner's mapping of Bazel's test protocol."""

import pytest_main


def test_files_resolve_against_runfiles_and_protocol_maps_to_flags():
    env = {"RUNFILES_DIR": "/rf", "XML_OUTPUT_FILE": "/out/test.xml", "TESTBRIDGE_TEST_ONLY": "test_a"}
    args = pytest_main.pytest_args(["_main/t/a_test.py"], ["-x"], env)
    assert args == [
        "-p",
        "no:cacheprovider",
        "--junitxml",
        "/out/test.xml",
        "-k",
        "test_a",
        "-x",
        "/rf/_main/t/a_test.py",
    ]


def test_no_test_files_is_an_error(capsys):
    assert pytest_main.main([]) == 2
    assert capsys.readouterr().err.startswith("ERROR: no --test-file given")
