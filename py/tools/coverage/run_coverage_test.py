"""run_coverage: the main runs as `python main.py` would, and the lcov names exec-root paths with per-line hits."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import run_coverage

LIB = textwrap.dedent("""\
    def used():
        return 1


    def unused():
        return 2
""")
MAIN = textwrap.dedent("""\
    import sys

    from pkg import lib

    assert sys.argv[1:] == ["--flag"], sys.argv
    assert __name__ == "__main__"
    lib.used()
    sys.exit(int(sys.argv[0].endswith("fail.py")) * 3)
""")


def test_manifest_entries_map_exec_root_paths_to_runfiles_paths():
    text = "app/lib.py\nexternal/other~/x/y.py\napp/data.txt\n"
    assert run_coverage.manifest_entries(text, "_main") == [
        ("app/lib.py", "_main/app/lib.py"),
        ("external/other~/x/y.py", "other~/x/y.py"),
    ]


def test_lcov_lists_each_statement_hit_or_not():
    assert run_coverage.lcov({"b.py": ([1], []), "a.py": ([1, 2, 5], [5])}) == (
        "SF:a.py\nDA:1,1\nDA:2,1\nDA:5,0\nLH:2\nLF:3\nend_of_record\nSF:b.py\nDA:1,1\nLH:1\nLF:1\nend_of_record\n"
    )


def _run(tmp_path, main, extra=None):
    runfiles = tmp_path / "runfiles"
    pkg = runfiles / "_main" / "pkg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "lib.py").write_text(LIB)
    (pkg / "never.py").write_text("X = 1\nY = 2\n")
    (runfiles / "_main" / main).write_text(MAIN)
    for name, text in (extra or {}).items():
        (runfiles / "_main" / name).write_text(text)
    manifest = tmp_path / "manifest"
    manifest.write_text("pkg/lib.py\npkg/never.py\npkg/BUILD.bazel\n" + "".join(f"{n}\n" for n in extra or {}))
    out, cov_dir = tmp_path / "coverage.dat", tmp_path / "cov"
    cov_dir.mkdir()
    env = {
        **os.environ,
        "RUNFILES_DIR": str(runfiles),
        "TEST_WORKSPACE": "_main",
        "COVERAGE_MANIFEST": str(manifest),
        "COVERAGE_OUTPUT_FILE": str(out),
        "COVERAGE_DIR": str(cov_dir),
        "PYTHONPATH": str(runfiles / "_main"),
    }
    script = Path(run_coverage.__file__)
    proc = subprocess.run(
        [sys.executable, str(script), f"--main=_main/{main}", "--flag"], env=env, capture_output=True, text=True
    )
    return proc, out, cov_dir / "python.dat"


def test_a_passing_test_writes_lcov_of_every_instrumented_file(tmp_path):
    proc, out, merged = _run(tmp_path, "main.py")
    assert proc.returncode == 0, proc.stderr
    report = out.read_text()
    assert report == merged.read_text()
    assert "SF:pkg/lib.py\nDA:1,1\nDA:2,1\nDA:5,1\nDA:6,0\nLH:3\nLF:4\nend_of_record\n" in report
    assert "SF:pkg/never.py\nDA:1,0\nDA:2,0\nLH:0\nLF:2\nend_of_record\n" in report  # never imported
    assert "main.py" not in report and "BUILD" not in report  # only the manifest's .py files


def test_a_failing_test_keeps_its_status_and_writes_no_report(tmp_path):
    proc, out, _ = _run(tmp_path, "fail.py")
    assert proc.returncode == 3
    assert not out.exists()


def test_a_missing_main_argument_is_one_error():
    proc = subprocess.run([sys.executable, run_coverage.__file__], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr == "ERROR: run_coverage: the first argument must be --main=<script>\n"


def test_combined_report_sums_hits_per_line_across_tests(tmp_path):
    import combine_lcov

    a = "SF:a.py\nDA:1,1\nDA:2,0\nLH:1\nLF:2\nend_of_record\n"
    b = "SF:a.py\nDA:2,1\nLH:1\nLF:1\nend_of_record\nSF:b.py\nDA:1,0\nLH:0\nLF:1\nend_of_record\n"
    (tmp_path / "a.dat").write_text(a)
    (tmp_path / "b.dat").write_text(b)
    (tmp_path / "reports").write_text(f"{tmp_path / 'a.dat'}\n{tmp_path / 'b.dat'}\n{tmp_path / 'gone.dat'}\n")
    out = tmp_path / "out.dat"
    argv = [f"--reports_file={tmp_path / 'reports'}", f"--output_file={out}", "--filter_sources=x"]
    assert combine_lcov.main(argv) == 0
    assert out.read_text() == (
        "SF:a.py\nDA:1,1\nDA:2,1\nLH:2\nLF:2\nend_of_record\nSF:b.py\nDA:1,0\nLH:0\nLF:1\nend_of_record\n"
    )
    assert combine_lcov.main([]) == 2


def test_a_manifest_file_that_is_not_python_is_left_out(tmp_path):
    proc, out, _ = _run(tmp_path, "main.py", extra={"pkg/broken.py": "def (:\n"})
    assert proc.returncode == 0, proc.stderr
    assert "SF:pkg/lib.py" in out.read_text() and "broken" not in out.read_text()
