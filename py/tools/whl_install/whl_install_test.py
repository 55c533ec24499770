"""Tests of the wheel installer: layout, determinism, and one ERROR line for bad wheels."""

import base64
import csv
import hashlib
import io
import os
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest
import whl_install

WHEEL_NAME = "demo_pkg-1.0-py3-none-any.whl"
DIST_INFO = "demo_pkg-1.0.dist-info"

WHEEL_FILE = "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
METADATA = "Metadata-Version: 2.1\nName: demo-pkg\nVersion: 1.0\n"
ENTRY_POINTS = "[console_scripts]\ndemo = demo_pkg.cli:main\n\n[demo.plugins]\nignored = demo_pkg:x\n"
CLI = 'import sys\n\n\ndef main():\n    print("demo says", " ".join(sys.argv[1:]))\n    return 0\n'


def _record_row(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).decode().rstrip("=")
    return [name, f"sha256={digest}", str(len(data))]


def make_wheel(directory, files=None, *, name=WHEEL_NAME, record=True, record_rows=None, extra=None):
    """Write a wheel with a valid RECORD; `extra` members are added to the zip but left out of RECORD."""
    if files is None:
        files = demo_files()
    path = Path(directory) / name
    members = {k: v.encode() if isinstance(v, str) else v for k, v in files.items()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        rows = []
        for member, data in members.items():
            info = zipfile.ZipInfo(member, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = (0o100755 if member.endswith(".data/scripts/demo-tool") else 0o100644) << 16
            zf.writestr(info, data)
            rows.append(_record_row(member, data))
        for member, data in (extra or {}).items():
            zf.writestr(member, data)
        if record:
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            writer.writerows(record_rows if record_rows is not None else [*rows, [f"{DIST_INFO}/RECORD", "", ""]])
            zf.writestr(f"{DIST_INFO}/RECORD", out.getvalue())
    return path


def demo_files(**overrides):
    files = {
        "demo_pkg/__init__.py": "VALUE = 42\n",
        "demo_pkg/cli.py": CLI,
        "demo_pkg-1.0.data/data/share/demo/config.toml": "key = 1\n",
        "demo_pkg-1.0.data/scripts/demo-tool": "#!python\nprint('tool')\n",
        f"{DIST_INFO}/WHEEL": WHEEL_FILE,
        f"{DIST_INFO}/METADATA": METADATA,
        f"{DIST_INFO}/entry_points.txt": ENTRY_POINTS,
    }
    files.update(overrides)
    return {k: v for k, v in files.items() if v is not None}


def tree(root):
    """{relative path: (bytes, mode)} of every file below root."""
    result = {}
    for dirpath, _, filenames in os.walk(root):
        for f in filenames:
            p = Path(dirpath, f)
            result[str(p.relative_to(root))] = (p.read_bytes(), p.stat().st_mode & 0o777)
    return result


def run_main(wheel, out, *extra):
    return whl_install.main([f"--wheel={wheel}", f"--output={out}", *extra])


def test_pure_wheel_installs_package_dist_info_scripts_and_data(tmp_path):
    out = tmp_path / "out"
    assert run_main(make_wheel(tmp_path), out) == 0
    assert sorted(tree(out)) == [
        "bin/demo",
        "bin/demo-tool",
        "data/share/demo/config.toml",
        f"site-packages/{DIST_INFO}/INSTALLER",
        f"site-packages/{DIST_INFO}/METADATA",
        f"site-packages/{DIST_INFO}/RECORD",
        f"site-packages/{DIST_INFO}/WHEEL",
        f"site-packages/{DIST_INFO}/entry_points.txt",
        "site-packages/demo_pkg/__init__.py",
        "site-packages/demo_pkg/cli.py",
    ]
    assert (out / "site-packages/demo_pkg/__init__.py").read_text() == "VALUE = 42\n"
    assert (out / "data/share/demo/config.toml").read_text() == "key = 1\n"
    assert (out / f"site-packages/{DIST_INFO}/INSTALLER").read_bytes() == b"rules_xpy\n"


def test_console_script_has_env_python3_shebang_and_runs(tmp_path):
    out = tmp_path / "out"
    assert run_main(make_wheel(tmp_path), out) == 0
    script = out / "bin/demo"
    assert script.read_text().splitlines()[0] == "#!/usr/bin/env python3"
    assert os.access(script, os.X_OK)
    env = {**os.environ, "PYTHONPATH": str(out / "site-packages")}
    done = subprocess.run([sys.executable, str(script), "hi"], env=env, capture_output=True, text=True, check=True)
    assert done.stdout == "demo says hi\n"


def test_wheel_script_with_python_shebang_is_rewritten_and_stays_executable(tmp_path):
    out = tmp_path / "out"
    assert run_main(make_wheel(tmp_path), out) == 0
    assert (out / "bin/demo-tool").read_text() == "#!/usr/bin/env python3\nprint('tool')\n"
    assert (out / "bin/demo-tool").stat().st_mode & 0o777 == 0o755
    assert (out / "site-packages/demo_pkg/cli.py").stat().st_mode & 0o777 == 0o644


def test_record_lists_every_installed_file_with_paths_relative_to_site_packages(tmp_path):
    out = tmp_path / "out"
    assert run_main(make_wheel(tmp_path), out) == 0
    site = out / "site-packages"
    rows = list(csv.reader((site / DIST_INFO / "RECORD").read_text().splitlines()))
    listed = {os.path.normpath(site / r[0]) for r in rows}
    assert listed == {os.path.normpath(out / p) for p in tree(out)}
    for path, digest, size in rows:
        if path != f"{DIST_INFO}/RECORD":
            assert [path, digest, size] == _record_row(path, (site / path).read_bytes())
    assert "../bin/demo" in [r[0] for r in rows]
    assert str(tmp_path) not in (site / DIST_INFO / "RECORD").read_text()


def test_platlib_wheel_and_headers_go_to_site_packages_and_include(tmp_path):
    files = {
        "native/__init__.py": "",
        "native/_speedups.cpython-311-x86_64-linux-gnu.so": b"\x7fELF not really",
        "native-2.0.data/headers/native.h": "int f(void);\n",
        "native-2.0.dist-info/WHEEL": WHEEL_FILE.replace("true", "false").replace(
            "py3-none-any", "cp311-cp311-linux_x86_64"
        ),
        "native-2.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: native\nVersion: 2.0\n",
    }
    wheel = tmp_path / "native-2.0-cp311-cp311-linux_x86_64.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        rows = []
        for member, data in files.items():
            zf.writestr(member, data)
            rows.append(",".join(_record_row(member, data.encode() if isinstance(data, str) else data)))
        zf.writestr("native-2.0.dist-info/RECORD", "\n".join([*rows, "native-2.0.dist-info/RECORD,,"]) + "\n")
    out = tmp_path / "out"
    assert run_main(wheel, out, "--package=Native", "--version=2.0") == 0
    assert (
        out / "site-packages/native/_speedups.cpython-311-x86_64-linux-gnu.so"
    ).read_bytes() == b"\x7fELF not really"
    assert (out / "include/native.h").read_text() == "int f(void);\n"
    assert not (out / "bin").exists()


def test_same_wheel_gives_byte_identical_tree_whatever_the_umask(tmp_path):
    wheel = make_wheel(tmp_path)
    assert run_main(wheel, tmp_path / "a") == 0
    old = os.umask(0o077)
    try:
        assert run_main(wheel, tmp_path / "elsewhere" / "b") == 0
    finally:
        os.umask(old)
    first, second = tree(tmp_path / "a"), tree(tmp_path / "elsewhere" / "b")
    assert first == second


def test_existing_output_dir_is_emptied_first(tmp_path):
    out = tmp_path / "out"
    (out / "site-packages/stale").mkdir(parents=True)
    (out / "leftover.txt").write_text("old")
    (out / "site-packages/stale/x.py").write_text("old")
    assert run_main(make_wheel(tmp_path), out) == 0
    assert not (out / "leftover.txt").exists()
    assert not (out / "site-packages/stale").exists()
    assert (out / "site-packages/demo_pkg/__init__.py").exists()


def test_matching_package_and_version_are_accepted_after_normalization(tmp_path):
    assert run_main(make_wheel(tmp_path), tmp_path / "out", "--package=Demo.Pkg", "--version=1.0") == 0


def test_main_reads_param_file(tmp_path):
    wheel, out = make_wheel(tmp_path), tmp_path / "out"
    params = tmp_path / "params"
    params.write_text(f"--wheel={wheel}\n--output={out}\n--package=demo-pkg\n")
    assert whl_install.main([f"@{params}"]) == 0
    assert (out / "bin/demo").exists()


def _not_a_zip(tmp_path):
    path = tmp_path / WHEEL_NAME
    path.write_text("this is not a zip")
    return path


def _hash_mismatch(tmp_path):
    (tmp_path / "good").mkdir()
    wheel = make_wheel(tmp_path / "good")
    path = tmp_path / WHEEL_NAME
    with zipfile.ZipFile(wheel) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, b"VALUE = 666\n" if item.filename == "demo_pkg/__init__.py" else data)
    return path


@pytest.mark.parametrize(
    ("make", "args", "message"),
    [
        (_not_a_zip, [], "not a wheel: not a zip file (no end of central directory)"),
        (lambda t: t / WHEEL_NAME, [], "the wheel file does not exist"),
        (lambda t: make_wheel(t, name="demo.zip"), [], "the file name is not a valid wheel name"),
        (lambda t: make_wheel(t, record=False), [], f"wheel has no {DIST_INFO}/RECORD"),
        (lambda t: make_wheel(t, demo_files(**{f"{DIST_INFO}/WHEEL": None})), [], f"wheel has no {DIST_INFO}/WHEEL"),
        (
            lambda t: make_wheel(t, demo_files(**{f"{DIST_INFO}/WHEEL": "Wheel-Version: 2.0\n"})),
            [],
            "WHEEL has Wheel-Version '2.0', only 1.x is supported",
        ),
        (_hash_mismatch, [], "demo_pkg/__init__.py does not match its sha256 hash in demo_pkg-1.0.dist-info/RECORD"),
        (
            lambda t: make_wheel(t, extra={"demo_pkg/sneaky.py": "x = 1\n"}),
            [],
            "demo_pkg/sneaky.py is not listed in demo_pkg-1.0.dist-info/RECORD",
        ),
        (
            lambda t: make_wheel(t, demo_files(**{"../evil": "boom\n"})),
            [],
            "wheel member '../evil' has a '..' path component: it would be installed outside the output directory",
        ),
        (
            lambda t: make_wheel(t, demo_files(**{"demo_pkg-1.0.data/data/../../../../evil": "boom\n"})),
            [],
            "would be installed outside the output directory",
        ),
        (lambda t: make_wheel(t), ["--package=other"], "the wheel is of package 'demo-pkg', not 'other'"),
        (lambda t: make_wheel(t), ["--version=2.0"], "the wheel is of demo-pkg version 1.0, not '2.0'"),
        (
            lambda t: make_wheel(t, demo_files(**{"demo_pkg-1.0.data/bogus/x": "x"})),
            [],
            "is not in a scheme directory of demo_pkg-1.0.data (purelib, platlib, headers, scripts, data)",
        ),
    ],
    ids=[
        "not-a-zip",
        "missing-file",
        "bad-file-name",
        "missing-record",
        "missing-wheel-metadata",
        "unsupported-wheel-version",
        "record-hash-mismatch",
        "file-not-in-record",
        "path-traversal",
        "path-traversal-in-data",
        "wrong-package",
        "wrong-version",
        "bad-data-scheme",
    ],
)
def test_bad_wheel_gives_one_error_line_and_empty_output(tmp_path, capsys, make, args, message):
    wheel = make(tmp_path)
    out = tmp_path / "bazel-out" / "tree"
    out.mkdir(parents=True)
    (out / "leftover").write_text("old")
    assert run_main(wheel, out, *args) == 1
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("ERROR: ")
    assert message in lines[0]
    assert f"({wheel.name}): " in lines[0]
    assert "Traceback" not in captured.err
    assert list(out.iterdir()) == []
    assert not (tmp_path / "evil").exists()


def test_failure_after_files_were_written_leaves_output_empty(tmp_path, capsys):
    # Two members at one path: the first is written before installer notices the second.
    wheel = make_wheel(tmp_path, demo_files(**{"demo_pkg-1.0.data/purelib/demo_pkg/__init__.py": "VALUE = 1\n"}))
    out = tmp_path / "out"
    assert run_main(wheel, out) == 1
    assert "wheel installs two files at" in capsys.readouterr().err
    assert list(out.iterdir()) == []


REAL_WHEEL_URL = (
    "https://files.pythonhosted.org/packages/34/1f/1d6079f4f0540aaa368aa20d89d98eda42f081c397a822c547340e32d1e3/"
    "find_libpython-0.5.1-py3-none-any.whl"
)
REAL_WHEEL_SHA256 = "723a8cfe6fed255a1f58b53c62ed556fb340ec0d456e9863ebc01a5cc047607d"


@pytest.fixture(scope="module")
def real_wheel(tmp_path_factory):
    """find_libpython 0.5.1 from PyPI: Bazel's pinned fixture (tests/fixtures.bzl), else downloaded and checked."""
    if os.environ.get("REAL_WHEEL"):
        return Path(os.environ["RUNFILES_DIR"]) / os.environ["REAL_WHEEL"]
    path = tmp_path_factory.mktemp("real") / REAL_WHEEL_URL.rpartition("/")[2]
    with urllib.request.urlopen(REAL_WHEEL_URL, timeout=60) as response:
        path.write_bytes(response.read())
    assert hashlib.sha256(path.read_bytes()).hexdigest() == REAL_WHEEL_SHA256
    return path


def test_real_pypi_wheel_installs_and_imports(tmp_path, real_wheel):
    out = tmp_path / "out"
    assert run_main(real_wheel, out, "--package=find-libpython", "--version=0.5.1") == 0
    assert (out / "bin/find_libpython").read_text().startswith("#!/usr/bin/env python3\n")
    env = {**os.environ, "PYTHONPATH": str(out / "site-packages")}
    code = "import find_libpython, importlib.metadata as m; print(m.version('find_libpython'), find_libpython.__file__)"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    version, location = done.stdout.split()
    assert version == "0.5.1"
    assert location.startswith(str(out / "site-packages"))
    done = subprocess.run(
        [sys.executable, str(out / "bin/find_libpython"), "--help"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_directory_holding_one_wheel_installs_that_wheel(tmp_path):
    house = tmp_path / "wheelhouse"
    house.mkdir()
    make_wheel(house)
    out = tmp_path / "out"
    assert whl_install.main([f"--wheel={house}", f"--output={out}"]) == 0
    assert (out / "site-packages").is_dir()


def test_directory_without_exactly_one_wheel_is_refused(tmp_path, capsys):
    house = tmp_path / "wheelhouse"
    house.mkdir()
    out = tmp_path / "out"
    assert whl_install.main([f"--wheel={house}", f"--output={out}"]) == 1
    assert "directory holds 0 wheels (none), not 1" in capsys.readouterr().err
