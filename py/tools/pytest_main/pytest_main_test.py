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


def test_three_shards_run_each_test_exactly_once(tmp_path):
    import subprocess
    import sys
    import xml.etree.ElementTree as ET

    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "many_test.py").write_text("".join(f"def test_{i}():\n    pass\n\n" for i in range(7)))
    ran = []
    for index in range(3):
        env = {
            "RUNFILES_DIR": str(tmp_path),
            "TEST_TOTAL_SHARDS": "3",
            "TEST_SHARD_INDEX": str(index),
            "TEST_SHARD_STATUS_FILE": str(tmp_path / f"status{index}"),
            "XML_OUTPUT_FILE": str(tmp_path / f"{index}.xml"),
            "PATH": "/usr/bin:/bin",
        }
        proc = subprocess.run(
            [sys.executable, pytest_main.__file__, "--test-file=t/many_test.py", "-q"],
            env=env,
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert (tmp_path / f"status{index}").exists()
        ran += [case.get("name") for case in ET.parse(tmp_path / f"{index}.xml").iter("testcase")]
    assert sorted(ran) == sorted(f"test_{i}" for i in range(7))
    # More shards than tests: the empty shard passes.
    env = {"RUNFILES_DIR": str(tmp_path), "TEST_TOTAL_SHARDS": "9", "TEST_SHARD_INDEX": "8", "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        [sys.executable, pytest_main.__file__, "--test-file=t/many_test.py"], env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_shard_index_out_of_range_is_one_error(monkeypatch, capsys):
    monkeypatch.setenv("TEST_TOTAL_SHARDS", "2")
    monkeypatch.setenv("TEST_SHARD_INDEX", "2")
    assert pytest_main.main(["--test-file=t.py"]) == 2
    assert capsys.readouterr().err.startswith(
        "ERROR: TEST_SHARD_INDEX=2 is not below TEST_TOTAL_SHARDS=2 (pytest_main)"
    )
