"""sdist_inspect on small sdists built in tmp_path (tar and zip), and on the real cowsay 6.0 sdist."""

import hashlib
import io
import json
import tarfile
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
import sdist_inspect as si

TESTDATA = Path(__file__).parent / "testdata"
XT = "@@rules_xpy~~tool_deps~xpy_tools"
DEFAULTS = [
    f"--default=setuptools=84.2.1={XT}//:setuptools",
    f"--default=wheel=0.48.0={XT}//:wheel",
    f"--default=hatchling=1.33.0={XT}//:hatchling",
    f"--default=flit_core=4.2.0={XT}//:flit_core",
]
COWSAY_URL = (
    "https://files.pythonhosted.org/packages/7e/b5/e8e802ddc7f5219417dc7d7953eec81ffe48ad129b793f3040361e4aff89/"
    "cowsay-6.0.tar.gz"
)
COWSAY_SHA256 = "47445cb273684618a1786db8e8d05ec9258455f7eb74893e5d0933daafeb44ba"

PY = {"demo/__init__.py": "", "README.md": "demo\n"}


def _pyproject(requires, backend=None):
    lines = [
        "[project]",
        'name = "demo"',
        'version = "1.0"',
        "",
        "[build-system]",
        f"requires = {json.dumps(requires)}",
    ]
    if backend:
        lines.append(f"build-backend = {json.dumps(backend)}")
    return "\n".join(lines) + "\n"


def _sdist(tmp_path, files, fmt="tar.gz", top="demo-1.0"):
    """An sdist `demo-1.0.<fmt>` holding `files` (path -> text) under `top/`."""
    path = tmp_path / f"demo-1.0.{fmt}"
    prefix = f"{top}/" if top else ""
    if fmt == "zip":
        with zipfile.ZipFile(path, "w") as z:
            for name, text in files.items():
                z.writestr(prefix + name, text)
        return path
    mode = {"tar.gz": "w:gz", "tgz": "w:gz", "tar.bz2": "w:bz2", "tar.xz": "w:xz", "tar": "w"}[fmt]
    with tarfile.open(path, mode) as t:
        if top:
            d = tarfile.TarInfo(top)
            d.type = tarfile.DIRTYPE
            t.addfile(d)
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(prefix + name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return path


def _run(tmp_path, sdist, *extra, package="demo", version="1.0"):
    """main() on `sdist`: the facts step, then the build step with the defaults; (return code, BUILD text or None)."""
    facts = tmp_path / "sdist.json"
    rc = si.main(["facts", f"--sdist={sdist}", f"--output={facts}"])
    if rc != 0:
        return rc, None
    out = tmp_path / "BUILD.out"
    argv = [
        "build",
        f"--facts={facts}",
        f"--package={package}",
        f"--version={version}",
        "--hub=pypi",
        *DEFAULTS,
        "--rules-xpy=@@rules_xpy~",
        f"--output={out}",
        *extra,
    ]
    rc = si.main(argv)
    return rc, out.read_text() if rc == 0 else None


def _inspect(path, override="auto"):
    sdist = si.read_sdist(path)
    build = si.build_system(sdist)
    requires = si.active_requirements(build, "demo", "1.0")
    return sdist, build, si.decide_native(sdist, build, requires, override)


def test_pure_setuptools_pyproject(tmp_path, capsys):
    files = {**PY, "pyproject.toml": _pyproject(["setuptools>=61"], "setuptools.build_meta")}
    rc, text = _run(tmp_path, _sdist(tmp_path, files))
    assert rc == 0
    assert (
        "# Build: pure (no C/C++/Cython/Rust/Fortran/Go sources or native build tools); backend setuptools.build_meta.\n"
        in text
    )
    assert "    native = False,\n" in text
    assert f'    build_deps = ["{XT}//:setuptools"],\n' in text
    assert capsys.readouterr().out == (
        "demo 1.0: pure (no C/C++/Cython/Rust/Fortran/Go sources or native build tools; backend setuptools.build_meta); "
        f"build deps: {XT}//:setuptools\n"
    )


@pytest.mark.parametrize(
    "files, source",
    [
        ({**PY, "setup.py": "from setuptools import setup\nsetup()\n"}, "no pyproject.toml"),
        (
            {**PY, "setup.py": "", "pyproject.toml": "[tool.black]\nline-length = 90\n"},
            "pyproject.toml without [build-system]",
        ),
    ],
)
def test_legacy_sdist_builds_with_setuptools_and_wheel_defaults(tmp_path, files, source):
    path = _sdist(tmp_path, files)
    _, build, decision = _inspect(path)
    assert build == si.BuildSystem(("setuptools>=40.8.0", "wheel"), None, source)
    assert build.backend_name == "legacy setuptools"
    assert not decision.native
    rc, text = _run(tmp_path, path)
    assert rc == 0
    assert f'    build_deps = [\n        "{XT}//:setuptools",\n        "{XT}//:wheel",\n    ],\n' in text
    assert "; backend legacy setuptools.\n" in text


def test_build_system_without_backend_is_the_legacy_backend_with_its_requires(tmp_path):
    _, build, _ = _inspect(_sdist(tmp_path, {**PY, "setup.py": "", "pyproject.toml": _pyproject(["setuptools>=64"])}))
    assert build == si.BuildSystem(("setuptools>=64",), None, "pyproject.toml")


def test_c_sources_make_it_native(tmp_path):
    files = {**PY, "setup.py": "", "src/ext.c": "int x;\n", "src/ext.h": ""}
    _, _, decision = _inspect(_sdist(tmp_path, files))
    assert decision == si.Decision(True, "has src/ext.c and 1 more native source or build file(s)")
    assert str(decision).startswith("native: has src/ext.c")


@pytest.mark.parametrize(
    "name",
    ["Cargo.toml", "CMakeLists.txt", "meson.build", "lib.rs", "m.pyx", "m.pxd", "a.cpp", "a.CXX", "b.f90", "c.go"],
)
def test_native_sources_and_build_files(tmp_path, name):
    _, _, decision = _inspect(_sdist(tmp_path, {**PY, "setup.py": "", f"native/{name}": ""}))
    assert decision == si.Decision(True, f"has native/{name}")


def test_maturin_backend_is_native(tmp_path):
    files = {**PY, "pyproject.toml": _pyproject(["maturin>=1,<2"], "maturin")}
    assert _inspect(_sdist(tmp_path, files))[2] == si.Decision(True, "backend maturin")
    rc, text = _run(tmp_path, _sdist(tmp_path, files), "--lock-package=maturin=1.7.4")
    assert rc == 0
    assert "# Build: native (backend maturin); backend maturin.\n" in text
    assert '    native = True,\n    build_deps = ["@pypi//maturin"],\n' in text


@pytest.mark.parametrize(
    "requires, backend, reason",
    [
        (["setuptools", "Cython>=3"], "setuptools.build_meta", "build requirement Cython"),
        (["scikit-build-core"], "scikit_build_core.build", "backend scikit_build_core.build"),
        (["meson-python"], "mesonpy", "backend mesonpy"),
        (["setuptools", "pybind11"], "setuptools.build_meta", "build requirement pybind11"),
    ],
)
def test_native_build_systems_make_it_native(tmp_path, requires, backend, reason):
    _, _, decision = _inspect(_sdist(tmp_path, {**PY, "pyproject.toml": _pyproject(requires, backend)}))
    assert decision == si.Decision(True, reason)


def test_override_decides_either_way(tmp_path):
    pure = _sdist(tmp_path, {**PY, "setup.py": ""})
    assert str(_inspect(pure, "yes")[2]) == "native: uv.override_package(native = True)"
    native = _sdist(tmp_path, {**PY, "setup.py": "", "ext.c": ""}, fmt="tgz")
    assert str(_inspect(native, "no")[2]) == "pure: uv.override_package(pure = True)"
    rc, text = _run(tmp_path, native, "--native=no")
    assert rc == 0
    assert "# Build: pure (uv.override_package(pure = True)); backend legacy setuptools.\n" in text
    assert "    native = False,\n" in text


def test_requirement_satisfied_by_the_lock_takes_the_hub_package(tmp_path):
    files = {**PY, "pyproject.toml": _pyproject(["setuptools>=61", "setuptools_scm[toml]>=8"], "setuptools.build_meta")}
    rc, text = _run(
        tmp_path, _sdist(tmp_path, files), "--lock-package=setuptools=75.1.0", "--lock-package=setuptools-scm=8.1.0"
    )
    assert rc == 0
    assert '    build_deps = [\n        "@pypi//setuptools",\n        "@pypi//setuptools-scm",\n    ],\n' in text


def test_a_requirement_pinned_to_one_of_two_locked_versions_takes_that_version(tmp_path):
    files = {**PY, "pyproject.toml": _pyproject(["setuptools>=70,<80", "wheel"], "setuptools.build_meta")}
    two = ["--lock-package=setuptools=68.0.0", "--lock-package=setuptools=75.1.0", "--lock-package=setuptools=81.0"]
    rc, text = _run(
        tmp_path, _sdist(tmp_path, files), *two, "--lock-package=wheel=0.44.0", "--lock-package=wheel=0.45.1"
    )
    assert rc == 0
    assert '        "@pypi//setuptools:v75.1.0",\n' in text
    assert '        "@pypi//wheel",\n' in text  # every locked version satisfies it: the platform's own


def test_lock_version_outside_the_specifier_falls_back_to_the_default(tmp_path):
    files = {**PY, "pyproject.toml": _pyproject(["setuptools>=61", "flit-core>=3.2,<5"], "flit_core.buildapi")}
    rc, text = _run(tmp_path, _sdist(tmp_path, files), "--lock-package=setuptools=50.0")
    assert rc == 0
    assert f'    build_deps = [\n        "{XT}//:flit_core",\n        "{XT}//:setuptools",\n    ],\n' in text


def test_requirement_satisfied_by_neither_is_an_error_that_says_how_to_fix_it(tmp_path, capsys):
    files = {**PY, "pyproject.toml": _pyproject(["hatchling>=99", "hatch-vcs"], "hatchling.build")}
    rc, _ = _run(tmp_path, _sdist(tmp_path, files), "--lock-package=hatchling=1.20.0", package="demo", version="1.0")
    assert rc == 1
    assert capsys.readouterr().err == (
        "ERROR: demo 1.0 (sdist) needs the build requirement 'hatchling>=99', which neither the lock (1.20.0) "
        "nor rules_xpy's pinned defaults (1.33.0) satisfy: add it to your project (e.g. a dependency group `build` "
        'and uv.lock(groups = ["build"])) and re-lock, or name a locked package in '
        'uv.override_package(name = "demo", build_deps = [...])\n'
    )
    files = {**PY, "pyproject.toml": _pyproject(["hatchling", "hatch-vcs"], "hatchling.build")}
    rc, _ = _run(tmp_path, _sdist(tmp_path, files))
    assert rc == 1
    assert (
        "needs the build requirement 'hatch-vcs', which neither the lock (absent) nor rules_xpy's pinned defaults (absent)"
        in capsys.readouterr().err
    )


def test_requirement_whose_marker_is_false_is_skipped(tmp_path):
    requires = ["setuptools", "tomli; python_version < '3'", "wheel; python_version >= '3'"]
    files = {**PY, "pyproject.toml": _pyproject(requires, "setuptools.build_meta")}
    rc, text = _run(tmp_path, _sdist(tmp_path, files))
    assert rc == 0
    assert "tomli" not in text
    assert f'        "{XT}//:wheel",\n' in text


def test_build_deps_must_be_lock_packages(tmp_path, capsys):
    sdist = _sdist(tmp_path, {**PY, "setup.py": ""})
    rc, text = _run(tmp_path, sdist, "--build-dep=Numpy", "--lock-package=numpy=2.1.0")
    assert rc == 0
    assert '        "@pypi//numpy",\n' in text
    rc, _ = _run(tmp_path, sdist, "--build-dep=numpy")
    assert rc == 1
    assert capsys.readouterr().err == (
        "ERROR: uv.override_package(name = \"demo\", build_deps = [...]) names 'numpy', which is not a package "
        "of the lock (demo 1.0): add it to your project (e.g. a dependency group `build` and "
        'uv.lock(groups = ["build"])) and re-lock, or drop it from build_deps\n'
    )


@pytest.mark.parametrize("fmt", ["zip", "tar.bz2", "tar.xz", "tar"])
def test_other_archive_formats(tmp_path, fmt):
    files = {**PY, "pyproject.toml": _pyproject(["flit_core>=3.4"], "flit_core.buildapi"), "demo/_speedups.c": ""}
    sdist, build, decision = _inspect(_sdist(tmp_path, files, fmt=fmt))
    assert sdist.filename == f"demo-1.0.{fmt}"
    assert sdist.top == "demo-1.0"
    assert build.backend == "flit_core.buildapi"
    assert decision == si.Decision(True, "has demo/_speedups.c")


def test_project_at_the_archive_root(tmp_path):
    sdist = si.read_sdist(_sdist(tmp_path, {**PY, "setup.py": ""}, top=""))
    assert sdist.top == ""
    assert sdist.files == ("README.md", "demo/__init__.py", "setup.py")


def test_env_is_written_sorted(tmp_path):
    rc, text = _run(tmp_path, _sdist(tmp_path, {**PY, "setup.py": ""}), "--env=B=2", "--env=A=x=y")
    assert rc == 0
    assert '    env = {\n        "A": "x=y",\n        "B": "2",\n    },\n' in text


@pytest.mark.parametrize(
    "files, fmt, message",
    [
        ({**PY, "pyproject.toml": "[build-system\n"}, "tar.gz", "ERROR: pyproject.toml is not valid TOML"),
        (
            {**PY, "pyproject.toml": "[build-system]\nbuild-backend = 'x'\n"},
            "tar.gz",
            "ERROR: [build-system] requires is missing",
        ),
        (
            {**PY, "pyproject.toml": _pyproject(["setuptools >= >= 1"])},
            "zip",
            "ERROR: bad build requirement 'setuptools >= >= 1'",
        ),
        (PY, "tar.gz", "ERROR: the sdist's project directory 'demo-1.0' has no pyproject.toml, setup.py or setup.cfg"),
        ({**PY, "../evil.py": ""}, "tar.gz", "ERROR: archive member 'demo-1.0/../evil.py' has a '..' path component"),
    ],
)
def test_bad_sdists_are_one_error_line(tmp_path, capsys, files, fmt, message):
    rc, _ = _run(tmp_path, _sdist(tmp_path, files, fmt=fmt))
    assert rc == 1
    err = capsys.readouterr().err
    assert err.startswith(message), err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_unreadable_or_unknown_archives_are_one_error_line(tmp_path, capsys):
    bad = tmp_path / "demo-1.0.tar.gz"
    bad.write_bytes(b"not a tarball")
    assert _run(tmp_path, bad)[0] == 1
    assert capsys.readouterr().err.startswith("ERROR: cannot read the archive demo-1.0.tar.gz: Not a gzipped file")
    odd = tmp_path / "demo-1.0.rar"
    odd.write_bytes(b"")
    assert _run(tmp_path, odd)[0] == 1
    assert capsys.readouterr().err.startswith("ERROR: file name 'demo-1.0.rar' does not end with one of .tar.gz, ")


def test_bad_flags_are_one_error_line(tmp_path, capsys):
    sdist = _sdist(tmp_path, {**PY, "setup.py": ""})
    assert _run(tmp_path, sdist, "--lock-package=numpy")[0] == 1
    assert (
        capsys.readouterr().err == "ERROR: bad --lock-package=numpy (command line): pass --lock-package=NAME=VERSION\n"
    )
    assert _run(tmp_path, sdist, "--default=setuptools=1.0")[0] == 1
    assert "pass --default=NAME=VERSION=LABEL" in capsys.readouterr().err


def test_arguments_from_a_param_file(tmp_path):
    sdist = _sdist(tmp_path, {**PY, "setup.py": ""})
    out = tmp_path / "BUILD.params"
    params = tmp_path / "args"
    facts = tmp_path / "sdist.json"
    params.write_text(f"facts\n--sdist={sdist}\n--output={facts}\n")
    assert si.main([f"@{params}"]) == 0
    args = ["build", f"--facts={facts}", "--package=demo", "--version=1.0", "--hub=pypi", *DEFAULTS]
    params.write_text("\n".join([*args, "--rules-xpy=@@rules_xpy~", f"--output={out}"]) + "\n")
    assert si.main([f"@{params}"]) == 0
    assert 'load("@@rules_xpy~//uv/private/sdist_build:sdist_build.bzl", "uv_sdist_wheel")' in out.read_text()


def test_snapshot_of_a_generated_build_file(tmp_path):
    """Regenerate after an intended change: `python -c "import sdist_inspect_test as t; t.regenerate()"` here."""
    assert _snapshot(tmp_path) == (TESTDATA / "native_demo.BUILD.golden").read_text(), "regenerate: see the docstring"


def _snapshot(tmp_path):
    requires = ["setuptools>=61", "cython>=3; python_version >= '3'", "wheel; python_version < '3'"]
    files = {**PY, "pyproject.toml": _pyproject(requires, "setuptools.build_meta"), "demo/_ext.pyx": ""}
    extra = ["--lock-package=cython=3.0.11", "--lock-package=numpy=2.1.0", "--build-dep=numpy", "--env=CFLAGS=-O2"]
    extra.append("--sdist-label=@pypi__demo__0123456789//file")
    rc, text = _run(tmp_path, _sdist(tmp_path, files), *extra)
    assert rc == 0
    return text


def regenerate():
    with tempfile.TemporaryDirectory() as d:
        (TESTDATA / "native_demo.BUILD.golden").write_text(_snapshot(Path(d)))


@pytest.fixture(scope="module")
def cowsay_sdist(tmp_path_factory):
    path = tmp_path_factory.mktemp("cowsay") / "cowsay-6.0.tar.gz"
    try:
        with urllib.request.urlopen(COWSAY_URL, timeout=30) as response:
            data = response.read()
    except (OSError, urllib.error.URLError) as e:
        pytest.fail(f"cannot download the cowsay sdist from PyPI, which the suite needs: {e}")
    assert hashlib.sha256(data).hexdigest() == COWSAY_SHA256
    path.write_bytes(data)
    return path


def test_real_cowsay_sdist_is_pure_with_the_legacy_setuptools_default(tmp_path, cowsay_sdist, capsys):
    sdist, build, decision = _inspect(cowsay_sdist)
    assert sdist.top == "cowsay-6.0"
    assert "setup.py" in sdist.files
    assert build == si.BuildSystem(("setuptools>=40.8.0", "wheel"), None, "no pyproject.toml")
    assert not decision.native
    rc, text = _run(tmp_path, cowsay_sdist, package="cowsay", version="6.0")
    assert rc == 0
    assert text.startswith("# Generated by rules_xpy: cowsay 6.0 from cowsay-6.0.tar.gz.\n# Build: pure (")
    assert capsys.readouterr().out.startswith("cowsay 6.0: pure (")
