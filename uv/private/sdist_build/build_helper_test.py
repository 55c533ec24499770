"""Tests of the sdist build helper: real builds (setuptools, gcc), safe unpacking, and one ERROR line for bad input."""

import importlib.util
import io
import os
import platform
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import build_helper
import pytest
import wheel_check
import xpy
import xpy.platforms as tp
from backend import build_environment
from xpy.archives import unpack_archive

HELPER = Path(__file__).with_name("build_helper.py")
PY_TAG = f"cp{sys.version_info.major}{sys.version_info.minor}"
HOST_CPU = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}.get(
    platform.machine().lower()
)
OTHER_CPU = {"x86_64": "aarch64", "aarch64": "x86_64"}.get(HOST_CPU or "")

SETUPTOOLS_PYPROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "{name}"
version = "{version}"
"""

PURE_FILES = {
    "pyproject.toml": SETUPTOOLS_PYPROJECT.format(name="demo-pure", version="1.0"),
    "demo_pure.py": "VALUE = 42\n",
}

LEGACY_FILES = {
    "setup.py": 'from setuptools import setup\n\nsetup(name="legacy_demo", version="2.0", py_modules=["legacy_demo"])\n',
    "legacy_demo.py": "VALUE = 'legacy'\n",
}

EXT_C = """\
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *answer(PyObject *self, PyObject *args) { return PyLong_FromLong(42); }

static PyMethodDef methods[] = {{"answer", answer, METH_NOARGS, "The answer."}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "demo_native", NULL, -1, methods};

PyMODINIT_FUNC PyInit_demo_native(void) { return PyModule_Create(&module); }
"""

NATIVE_FILES = {
    "pyproject.toml": SETUPTOOLS_PYPROJECT.format(name="demo-native", version="1.0"),
    "setup.py": 'from setuptools import Extension, setup\n\nsetup(ext_modules=[Extension("demo_native", ["ext.c"])])\n',
    "ext.c": EXT_C,
}

NATIVE_ARGS = ("--package=demo-native", "--version=1.0", "--kind=native", "--target-os=linux")


def _site_packages():
    """The directories holding xpy, build, pyproject_hooks, packaging and setuptools (the action's PYTHONPATH)."""
    dirs = [str(Path(xpy.__file__).parent.parent)]
    for module in ("build", "pyproject_hooks", "packaging", "setuptools"):
        spec = importlib.util.find_spec(module)
        assert spec is not None and spec.origin is not None, f"{module} is not installed: run tools/setup_dev"
        d = str(Path(spec.origin).parent.parent)
        if d not in dirs:
            dirs.append(d)
    return os.pathsep.join(dirs)


def make_sdist(directory, files, *, top="demo-1.0", name=None):
    """A .tar.gz sdist with `files` below `top/`."""
    path = Path(directory) / (name or f"{top}.tar.gz")
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as tf:
        for member, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{top}/{member}")
            info.size = len(data)
            info.mode = 0o644
            info.mtime = 1_600_000_000
            tf.addfile(info, io.BytesIO(data))
    return path


def make_tar(path, members):
    """A .tar.gz of (TarInfo, bytes or None) members, exactly as given."""
    with tarfile.open(path, "w:gz") as tf:
        for info, data in members:
            if data is not None:
                info.size = len(data)
            tf.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def tar_file(name, data=b"x"):
    return tarfile.TarInfo(name), data


def tar_special(name, kind, linkname=""):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    return info, None


def run_helper(cwd, sdist, out, *args):
    cwd.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": _site_packages()}
    return subprocess.run(
        [sys.executable, str(HELPER), f"--sdist={sdist}", f"--output={out}", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def error_line(stderr):
    """The one ERROR line, which must be the last line of stderr."""
    lines = stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("ERROR: ")]
    assert len(errors) == 1, stderr
    assert lines[-1] == errors[0], stderr
    assert 'build_helper.py", line' not in stderr, "a traceback of the helper itself"
    return errors[0]


def assert_clean(cwd, out):
    """Nothing left behind: an empty output directory and no unpack directory in the sandbox."""
    assert out.is_dir()
    assert list(out.iterdir()) == []
    assert [p.name for p in cwd.iterdir() if p.name.startswith("_sdist_build")] == []


# --- real builds -------------------------------------------------------------------------------------------------


def test_pure_build_gives_one_py3_none_any_wheel(tmp_path):
    sdist = make_sdist(tmp_path, PURE_FILES)
    out = tmp_path / "out"
    params = tmp_path / "params"
    args = ["--package=demo_pure", "--version=1.0", "--kind=pure", "--target-os=linux", "--target-cpu=aarch64"]
    params.write_text("\n".join(args) + "\n")
    done = run_helper(tmp_path / "sandbox", sdist, out, f"@{params}")
    assert done.returncode == 0, done.stderr
    assert done.stdout == done.stderr == ""  # quiet on success
    assert done.stderr == ""
    assert [p.name for p in out.iterdir()] == ["demo_pure-1.0-py3-none-any.whl"]
    with zipfile.ZipFile(out / "demo_pure-1.0-py3-none-any.whl") as zf:
        assert zf.read("demo_pure.py") == b"VALUE = 42\n"
    assert list((tmp_path / "sandbox").iterdir()) == []


def test_legacy_setup_py_only_sdist_builds(tmp_path):
    sdist = make_sdist(tmp_path, LEGACY_FILES, top="legacy_demo-2.0")
    out = tmp_path / "out"
    args = ("--package=legacy-demo", "--version=2.0", "--kind=pure", "--target-os=macos", "--target-cpu=x86_64")
    done = run_helper(tmp_path / "sandbox", sdist, out, *args)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in out.iterdir()] == ["legacy_demo-2.0-py3-none-any.whl"]


def test_native_build_imports_and_is_reproducible_from_another_directory(tmp_path):
    wheel = f"demo_native-1.0-{PY_TAG}-{PY_TAG}-linux_{HOST_CPU}.whl"
    built = []
    for where in ("a", "bb/deeper"):
        sdist = make_sdist(tmp_path / where / "in", NATIVE_FILES)
        out = tmp_path / where / "out"
        done = run_helper(tmp_path / where / "sandbox", sdist, out, *NATIVE_ARGS, f"--target-cpu={HOST_CPU}")
        assert done.returncode == 0, done.stderr
        assert done.stdout == done.stderr == ""
        assert [p.name for p in out.iterdir()] == [wheel]
        built.append((out / wheel).read_bytes())
    assert built[0] == built[1], "the same sdist built in two directories gave different wheels"

    site = tmp_path / "site"
    with zipfile.ZipFile(tmp_path / "a/out" / wheel) as zf:
        zf.extractall(site)
        (so,) = [n for n in zf.namelist() if n.endswith(".so")]
        assert b"_sdist_build_" not in zf.read(so), "the unpack directory leaked into the extension"
    env = {**os.environ, "PYTHONPATH": str(site)}
    run = subprocess.run(
        [sys.executable, "-c", "import demo_native; print(demo_native.answer())"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout == "42\n"


def test_native_build_on_an_executor_of_another_arch_names_the_package_target_host_and_fix(tmp_path):
    sdist = make_sdist(tmp_path, NATIVE_FILES)
    out = tmp_path / "out"
    target = f"--target-platform=//platforms:linux_{OTHER_CPU}"
    done = run_helper(tmp_path / "sandbox", sdist, out, *NATIVE_ARGS, f"--target-cpu={OTHER_CPU}", target)
    assert done.returncode == 1
    line = error_line(done.stderr)
    assert line.startswith(
        f"ERROR: demo-native 1.0 (sdist) is a native build for //platforms:linux_{OTHER_CPU} (linux {OTHER_CPU} "
        f"glibc), but this executor is linux {HOST_CPU} glibc ({platform.node()}): its wheel would be for the wrong "
        f"platform (demo-native/demo-1.0.tar.gz): run it on an executor of linux {OTHER_CPU} glibc: register an "
        "execution platform with the target's constraints and the exec_properties of such workers"
    ), line
    assert "--config=rbe" in line and "depend on a version with a wheel for this platform" in line
    assert_clean(tmp_path / "sandbox", out)


def test_pure_build_yielding_a_platform_wheel_says_to_mark_it_native(tmp_path):
    sdist = make_sdist(tmp_path, NATIVE_FILES)
    out = tmp_path / "out"
    done = run_helper(
        tmp_path / "sandbox", sdist, out, *NATIVE_ARGS[:2], "--kind=pure", "--target-os=linux", "--target-cpu=x86_64"
    )
    assert done.returncode == 1
    assert error_line(done.stderr).startswith(
        f"ERROR: pure build of demo-native yielded a platform wheel demo_native-1.0-{PY_TAG}-{PY_TAG}-linux_"
    )
    assert error_line(done.stderr).endswith(
        '(demo-native/demo-1.0.tar.gz): mark it native (uv.override_package(name = "demo-native", native = True))'
    )
    assert_clean(tmp_path / "sandbox", out)


def test_missing_build_dependency_is_named_with_the_fix(tmp_path):
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["setuptools", "nonexistent-backend-xyz>=1"]\nbuild-backend = "setuptools.build_meta"\n',
        "demo.py": "",
    }
    sdist = make_sdist(tmp_path, files)
    out = tmp_path / "out"
    done = run_helper(
        tmp_path / "sandbox",
        sdist,
        out,
        "--package=demo",
        "--version=1.0",
        "--kind=pure",
        "--target-os=linux",
        "--target-cpu=x86_64",
    )
    assert done.returncode == 1
    assert error_line(done.stderr) == (
        "ERROR: build dependencies of demo 1.0 are missing: nonexistent-backend-xyz>=1 (not installed) "
        "(demo/demo-1.0.tar.gz): add it to the lock (a dependency group) or set "
        'uv.override_package(name = "demo", build_deps = [...])'
    )
    assert_clean(tmp_path / "sandbox", out)


def test_backend_failure_shows_the_tail_of_its_output_then_one_error(tmp_path):
    setup = 'for i in range(100):\n    print(f"noise line {i}")\nraise SystemExit("kaboom: no compiler")\n'
    sdist = make_sdist(tmp_path, {"setup.py": setup})
    out = tmp_path / "out"
    done = run_helper(
        tmp_path / "sandbox",
        sdist,
        out,
        f"--log={tmp_path / 'build.log'}",
        "--package=demo",
        "--version=1.0",
        "--kind=pure",
        "--target-os=linux",
        "--target-cpu=x86_64",
    )
    assert done.returncode == 1
    assert "noise line 99\n" in done.stderr
    assert "kaboom: no compiler" in done.stderr
    assert "noise line 10\n" not in done.stderr
    assert error_line(done.stderr).startswith("ERROR: build failed for demo 1.0: ")
    log = tmp_path / "build.log"
    assert f"---- the whole output: {log}\n" in done.stderr
    assert "noise line 10\n" in log.read_text()  # the whole of it
    assert done.stdout == ""
    assert_clean(tmp_path / "sandbox", out)


def test_wheel_of_another_package_or_version_is_refused(tmp_path):
    sdist = make_sdist(tmp_path, PURE_FILES)
    out = tmp_path / "out"
    done = run_helper(
        tmp_path / "sandbox",
        sdist,
        out,
        "--package=demo-pure",
        "--version=1.1",
        "--kind=pure",
        "--target-os=linux",
        "--target-cpu=x86_64",
    )
    assert done.returncode == 1
    assert error_line(done.stderr) == (
        "ERROR: the build produced demo_pure-1.0-py3-none-any.whl, a wheel of demo-pure 1.0, not of demo-pure 1.1 "
        "(demo-pure/demo-1.0.tar.gz): check --package/--version against the lock entry this sdist came from"
    )
    assert_clean(tmp_path / "sandbox", out)


IN_TREE_BACKEND = """\
import os
import zipfile


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    for name in {names!r}:
        with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as zf:
            zf.writestr("demo.py", "")
    return "demo-1.0-py3-none-any.whl"
"""


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (
            ["demo-1.0-py3-none-any.whl", "demo-1.0-py2-none-any.whl"],
            "produced 2 wheels (demo-1.0-py2-none-any.whl, demo-1.0-py3-none-any.whl)",
        ),
        ([], "produced 0 wheels (none)"),
    ],
)
def test_build_must_give_exactly_one_wheel(tmp_path, names, message):
    files = {
        "pyproject.toml": '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n',
        "backend.py": IN_TREE_BACKEND.format(names=names),
    }
    out = tmp_path / "out"
    done = run_helper(
        tmp_path / "sandbox",
        make_sdist(tmp_path, files),
        out,
        "--package=demo",
        "--version=1.0",
        "--kind=pure",
        "--target-os=linux",
        "--target-cpu=x86_64",
    )
    assert done.returncode == 1
    assert f"the build of demo 1.0 {message}, expected exactly one" in error_line(done.stderr)
    assert_clean(tmp_path / "sandbox", out)


def test_unavailable_backend_is_a_build_failure_with_its_traceback(tmp_path):
    files = {"pyproject.toml": '[build-system]\nrequires = []\nbuild-backend = "no_such_backend_mod"\n'}
    out = tmp_path / "out"
    done = run_helper(
        tmp_path / "sandbox",
        make_sdist(tmp_path, files),
        out,
        "--package=demo",
        "--version=1.0",
        "--kind=pure",
        "--target-os=linux",
        "--target-cpu=x86_64",
    )
    assert done.returncode == 1
    assert "ModuleNotFoundError: No module named 'no_such_backend_mod'" in done.stderr
    assert error_line(done.stderr).startswith(
        "ERROR: build failed for demo 1.0: Backend 'no_such_backend_mod' is not available. (demo/demo-1.0.tar.gz): "
    )
    assert_clean(tmp_path / "sandbox", out)


# --- hostile and broken archives (no build is started) ----------------------------------------------------------


PYPROJECT = tar_file("demo-1.0/pyproject.toml", b"[project]\nname = 'demo'\nversion = '1.0'\n")


def _zip(path, members):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data, mode in members:
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = mode << 16
            zf.writestr(info, data)
    return path


HOSTILE = {
    "absolute-path": (
        lambda d: make_tar(d / "s.tar.gz", [PYPROJECT, tar_file(f"{d}/evil.txt")]),
        "has an absolute path",
        "evil.txt",
    ),
    "dotdot": (
        lambda d: make_tar(d / "s.tar.gz", [PYPROJECT, tar_file("demo-1.0/../../evil.txt")]),
        "has a '..' path component",
        "demo-1.0/../../evil.txt",
    ),
    "absolute-symlink": (
        lambda d: make_tar(d / "s.tar.gz", [PYPROJECT, tar_special("demo-1.0/link", tarfile.SYMTYPE, "/etc/passwd")]),
        "is a symlink to the absolute path '/etc/passwd'",
        "demo-1.0/link",
    ),
    "escaping-symlink": (
        lambda d: make_tar(d / "s.tar.gz", [PYPROJECT, tar_special("demo-1.0/link", tarfile.SYMTYPE, "../../outside")]),
        "is a symlink to '../../outside', outside the archive",
        "demo-1.0/link",
    ),
    "symlink-chain-escape": (
        lambda d: make_tar(
            d / "s.tar.gz",
            [
                PYPROJECT,
                tar_special("demo-1.0/here", tarfile.SYMTYPE, "."),
                tar_special("demo-1.0/up", tarfile.SYMTYPE, "here/../.."),
            ],
        ),
        "which leads outside the archive",
        "demo-1.0/up",
    ),
    "write-through-symlink": (
        lambda d: make_tar(
            d / "s.tar.gz", [PYPROJECT, tar_special("demo-1.0/sub", tarfile.SYMTYPE, "."), tar_file("demo-1.0/sub/x")]
        ),
        "would be written through the symlink 'demo-1.0/sub'",
        "demo-1.0/sub/x",
    ),
    "hard-link": (
        lambda d: make_tar(
            d / "s.tar.gz", [PYPROJECT, tar_special("demo-1.0/hl", tarfile.LNKTYPE, "demo-1.0/pyproject.toml")]
        ),
        "is a hard link",
        "demo-1.0/hl",
    ),
    "char-device": (
        lambda d: make_tar(d / "s.tar.gz", [PYPROJECT, tar_special("demo-1.0/null", tarfile.CHRTYPE)]),
        "is a character device",
        "demo-1.0/null",
    ),
    "block-device": (
        lambda d: make_tar(d / "s.tar.gz", [PYPROJECT, tar_special("demo-1.0/sda", tarfile.BLKTYPE)]),
        "is a block device",
        "demo-1.0/sda",
    ),
    "fifo": (
        lambda d: make_tar(d / "s.tar.gz", [PYPROJECT, tar_special("demo-1.0/pipe", tarfile.FIFOTYPE)]),
        "is a FIFO",
        "demo-1.0/pipe",
    ),
    "too-many-members": (
        lambda d: make_tar(d / "s.tar.gz", [PYPROJECT, *(tar_file(f"demo-1.0/f{i}") for i in range(5))]),
        "the archive has more than 4 members",
        "demo-1.0/f3",
    ),
    "too-large": (
        lambda d: make_tar(d / "s.tar.gz", [PYPROJECT, tar_file("demo-1.0/big.bin", b"0" * 5000)]),
        "the archive unpacks to more than 4096 bytes",
        "demo-1.0/big.bin",
    ),
    "zip-dotdot": (
        lambda d: _zip(d / "s.zip", [("demo-1.0/../evil.txt", b"x", 0o100644)]),
        "has a '..' path component",
        "demo-1.0/../evil.txt",
    ),
    "zip-escaping-symlink": (
        lambda d: _zip(
            d / "s.zip", [("demo-1.0/pyproject.toml", b"", 0o100644), ("demo-1.0/link", b"../../x", 0o120777)]
        ),
        "is a symlink to '../../x', outside the archive",
        "demo-1.0/link",
    ),
    "zip-fifo": (
        lambda d: _zip(d / "s.zip", [("demo-1.0/pipe", b"", 0o010644)]),
        "is a device file, FIFO or socket",
        "demo-1.0/pipe",
    ),
    "zip-too-large": (
        lambda d: _zip(d / "s.zip", [("demo-1.0/big.bin", b"0" * 5000, 0o100644)]),
        "the archive unpacks to more than 4096 bytes",
        "demo-1.0/big.bin",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_archive_is_refused_naming_the_member(tmp_path, monkeypatch, capsys, case):
    make, message, member = HOSTILE[case]
    inputs = tmp_path / "in"
    inputs.mkdir()
    sdist = make(inputs)
    sandbox = tmp_path / "sandbox"
    sandbox.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "stale.whl").write_text("from an earlier run")
    monkeypatch.chdir(sandbox)
    args = [f"--sdist={sdist}", f"--output={out}", "--package=demo", "--version=1.0", "--kind=pure"]
    rc = build_helper.main([*args, "--target-os=linux", "--target-cpu=x86_64", "--max-members=4", "--max-bytes=4096"])
    captured = capsys.readouterr()
    assert rc == 1
    assert captured.out == ""
    line = error_line(captured.err)
    assert message in line
    assert repr(member)[1:-1] in line
    assert f"(demo/{sdist.name}): " in line
    assert_clean(sandbox, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out", "sandbox"]
    assert sorted(p.name for p in inputs.iterdir()) == [sdist.name]


def _write(path, data):
    path.write_bytes(data)
    return path


BROKEN = {
    "not-an-archive": (lambda d: _write(d / "s.tar.gz", b"not gzip"), "cannot read the archive"),
    "wrong-suffix": (lambda d: _write(d / "s.whl", b""), "does not end with one of .tar.gz, .tgz"),
    "missing": (lambda d: d / "nope.tar.gz", "the archive nope.tar.gz does not exist"),
    "no-project": (
        lambda d: make_tar(d / "s.tar.gz", [tar_file("demo-1.0/README")]),
        "sdist has 0 top-level directories",
    ),
    "two-projects": (
        lambda d: make_tar(d / "s.tar.gz", [PYPROJECT, tar_file("other-1.0/setup.py")]),
        "sdist has 2 top-level directories holding pyproject.toml or setup.py (found: demo-1.0, other-1.0)",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_sdist_gives_one_error_line(tmp_path, monkeypatch, capsys, case):
    make, message = BROKEN[case]
    sdist = make(tmp_path)
    sandbox = tmp_path / "sandbox"
    sandbox.mkdir()
    monkeypatch.chdir(sandbox)
    out = tmp_path / "out"
    args = [f"--sdist={sdist}", f"--output={out}", "--package=demo", "--version=1.0", "--kind=native"]
    assert build_helper.main([*args, "--target-os=linux", "--target-cpu=x86_64"]) == 1
    assert message in error_line(capsys.readouterr().err)
    assert_clean(sandbox, out)


def test_unpack_keeps_in_tree_symlinks_and_executable_bits(tmp_path):
    exe = tarfile.TarInfo("demo-1.0/run.sh")
    exe.mode = 0o700
    sdist = make_tar(
        tmp_path / "s.tar.gz",
        [
            PYPROJECT,
            (exe, b"#!/bin/sh\n"),
            tar_file("./demo-1.0/pkg/data.txt", b"data"),
            tar_special("demo-1.0/pkg/alias.txt", tarfile.SYMTYPE, "data.txt"),
            tar_special("demo-1.0/top-link", tarfile.SYMTYPE, "pkg/../pyproject.toml"),
        ],
    )
    dest = tmp_path / "dest"
    dest.mkdir()
    unpack_archive(sdist, dest)
    project = build_helper.find_project_dir(dest)
    assert project == dest / "demo-1.0"
    assert (project / "pkg/alias.txt").read_text() == "data"
    assert (project / "top-link").read_text().startswith("[project]")
    assert (project / "run.sh").stat().st_mode & 0o777 == 0o755
    assert (project / "pkg/data.txt").stat().st_mode & 0o777 == 0o644


# --- pure logic --------------------------------------------------------------------------------------------------


def _wheel_file(directory, filename, members=None):
    """A zip named like a wheel (the checks read its name and its native files)."""
    path = Path(directory) / filename
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in (members or {"demo/__init__.py": b""}).items():
            zf.writestr(name, data)
    return path


LINUX_ARM = tp.DEFAULT_PLATFORMS["linux_aarch64"]


def test_built_wheel_of_another_package_or_version_is_refused(tmp_path):
    wheel_check.check_wheel(_wheel_file(tmp_path, "Demo_Pkg-1.0.0-py3-none-any.whl"), "demo-pkg", "1.0", "pure", None)
    with pytest.raises(wheel_check.WheelError, match=r"a wheel of other 1\.0, not of demo 1\.0"):
        wheel_check.check_wheel(_wheel_file(tmp_path, "other-1.0-py3-none-any.whl"), "demo", "1.0", "pure", None)
    with pytest.raises(wheel_check.WheelError, match="not a valid wheel file name"):
        wheel_check.check_wheel(_wheel_file(tmp_path, "demo-1.0.whl"), "demo", "1.0", "pure", None)


@pytest.mark.parametrize("wheel", ["demo-1.0-cp311-abi3-linux_x86_64.whl", "demo-1.0-cp311-cp311-any.whl"])
def test_pure_build_must_give_none_any(tmp_path, wheel):
    wheel_check.check_wheel(_wheel_file(tmp_path, "demo-1.0-py2.py3-none-any.whl"), "demo", "1.0", "pure", None)
    with pytest.raises(wheel_check.WrongPlatformError, match="pure build of demo yielded a platform wheel"):
        wheel_check.check_wheel(_wheel_file(tmp_path, wheel), "demo", "1.0", "pure", None)


def test_native_wheel_whose_tags_do_not_fit_names_the_target_and_the_executor(tmp_path):
    wheel = _wheel_file(tmp_path, "demo-1.0-cp311-cp311-linux_x86_64.whl")
    with pytest.raises(wheel_check.WrongPlatformError) as e:
        wheel_check.check_wheel(wheel, "demo", "1.0", "native", LINUX_ARM)
    assert e.value.what.startswith(
        "native build of demo 1.0 yielded demo-1.0-cp311-cp311-linux_x86_64.whl, which does not fit the target "
        "linux_aarch64 (linux aarch64 glibc 2.28, cpython 3.11): its platform linux_x86_64 is not one that"
    )
    assert "executor" in e.value.what and "--config=rbe" in e.value.fix


def test_native_wheel_with_a_native_file_of_another_arch_is_refused(tmp_path):
    so = Path(sys.executable).resolve().parent.parent / "lib"
    (host_so,) = sorted(so.glob("python3.*/lib-dynload/_json*.so"))[:1]
    wheel = _wheel_file(tmp_path, "demo-1.0-cp311-cp311-linux_aarch64.whl", {"demo/_json.so": host_so.read_bytes()})
    with pytest.raises(
        wheel_check.WrongPlatformError,
        match=r"its demo/_json.so \(ELF x86_64\) cannot run there: it is for x86_64, not aarch64",
    ):
        wheel_check.check_wheel(wheel, "demo", "1.0", "native", LINUX_ARM)


def test_native_build_on_the_wrong_executor_is_refused_before_it_starts():
    with pytest.raises(wheel_check.WrongExecutorError) as e:
        wheel_check.check_executor("demo", "1.0", LINUX_ARM)
    assert e.value.what.startswith(
        "demo 1.0 (sdist) is a native build for linux_aarch64 (linux aarch64 glibc 2.28, cpython 3.11), but this "
        "executor is linux x86_64 glibc"
    )
    wheel_check.check_executor("demo", "1.0", tp.DEFAULT_PLATFORMS["linux_x86_64"])


def test_build_environment_is_reproducible_and_keeps_the_callers_flags(tmp_path):
    src = tmp_path / "src"
    env = build_environment({"CFLAGS": "-O2"}, {"FOO": "bar"}, "native", "linux", src)
    assert env["SOURCE_DATE_EPOCH"] == "315532800"
    assert env["PYTHONHASHSEED"] == "0"
    assert env["FOO"] == "bar"
    assert env["CFLAGS"] == f"-O2 -ffile-prefix-map={src}=."
    assert env["CXXFLAGS"] == f"-ffile-prefix-map={src}=."
    kept = build_environment({"SOURCE_DATE_EPOCH": "1700000000"}, {}, "pure", "linux", src)
    assert kept == {"SOURCE_DATE_EPOCH": "1700000000", "PYTHONHASHSEED": "0"}


def test_pure_build_needs_no_target_platform_but_native_does(tmp_path):
    parser = build_helper.build_parser()
    args = parser.parse_args(["--sdist=x.tar.gz", "--output=o", "--package=p", "--version=1", "--kind=pure"])
    assert args.target_os is None and args.target_cpu is None and args.target_json == ""
    with pytest.raises(SystemExit):
        build_helper.main(["--sdist=x.tar.gz", f"--output={tmp_path}", "--package=p", "--version=1", "--kind=native"])
