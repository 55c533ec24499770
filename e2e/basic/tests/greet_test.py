"""Runs under pytest in a venv: the first-party library imports from its `imports` root."""

import sys

import greet


def test_greets_with_phrase_from_data_file():
    assert greet.greet("Ada") == "Hello, Ada!"


def test_runs_in_a_venv_of_the_target_interpreter():
    assert sys.prefix != sys.base_prefix
    assert sys.version_info[:2] == (3, 11)
