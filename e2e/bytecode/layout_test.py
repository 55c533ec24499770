"""The merged site-packages: wheels' entries linked into the venv's one site-packages, namespaces shared."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from e2e_support import assert_no_python_traceback, make_wheel

HERE = Path(__file__).resolve().parent
BAZEL = os.environ.get("BAZEL", str(HERE.parent.parent / "tools" / "bazel"))
WHEELS = HERE / "wheels"
LEGACY = "__path__ = __import__('pkgutil').extend_path(__path__, __name__)\n"


@pytest.fixture(scope="module", autouse=True)
def wheels():
    made = [
        make_wheel(WHEELS, "nsa", "1.0", {"ns/a/__init__.py": "NAME = 'a'\n"}),
        make_wheel(WHEELS, "nsb", "1.0", {"ns/b/__init__.py": "NAME = 'b'\n"}),
        make_wheel(WHEELS, "za", "1.0", {"zz/__init__.py": LEGACY, "zz/a/__init__.py": "NAME = 'za'\n"}),
        make_wheel(WHEELS, "zb", "1.0", {"zz/__init__.py": LEGACY, "zz/b/__init__.py": "NAME = 'zb'\n"}),
        make_wheel(WHEELS, "c1", "1.0", {"same.py": "X = 1\n"}),
        make_wheel(WHEELS, "c2", "1.0", {"same.py": "X = 2\n"}),
    ]
    yield
    for path in made:
        path.unlink()


def bazel(*args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([BAZEL, *args], cwd=HERE, capture_output=True, text=True, timeout=900)
    if ok:
        assert proc.returncode == 0, f"bazel {' '.join(args)} failed:\n{proc.stderr[-4000:]}"
    return proc


def test_namespace_packages_of_several_wheels_merge_into_one_site_packages():
    out = bazel("run", "//wheels:ns_app").stdout.splitlines()
    assert out == ["a b za zb", "site-packages entries 1", "install trees on sys.path 0"]


def test_two_wheels_installing_the_same_file_are_named_with_the_path():
    proc = bazel("build", "//wheels:conflict_app", ok=False)
    assert proc.returncode != 0
    assert_no_python_traceback(proc.stderr)
    assert (
        "Error in fail: //wheels:conflict_app: //wheels:c1 and //wheels:c2 both install site-packages/" in proc.stderr
    ), proc.stderr[-3000:]
    assert "Fix: depend on only one of them" in proc.stderr


def test_a_layout_that_does_not_match_its_wheel_is_refused():
    proc = bazel("build", "//wheels:wrong", ok=False)
    assert proc.returncode != 0
    assert "the installed site-packages entries differ from the wheel's layout" in proc.stderr, proc.stderr[-3000:]
