"""The test runs on the archive interpreter (python.archive), not on the host's Python it was made from.

check.sh passes the host interpreter's prefix as HOST_PREFIX (--test_env): every check compares against it.
"""

import json
import os
import sys
import sysconfig
from pathlib import Path

HOST = Path(os.environ["HOST_PREFIX"]).resolve()
BASE = Path(sys.base_prefix).resolve()


def test_the_interpreter_is_the_archive_not_the_host():
    assert BASE != HOST, f"{BASE} is the host's interpreter"
    assert "python_archive" in BASE.name or "python_archive" in str(BASE), BASE
    assert Path(sys.executable).resolve().is_relative_to(BASE), sys.executable


def test_the_stdlib_comes_from_the_archive():
    stdlib = Path(sysconfig.get_paths()["stdlib"]).resolve()
    assert stdlib.is_relative_to(BASE) and not stdlib.is_relative_to(HOST), stdlib
    assert Path(json.__file__).resolve().is_relative_to(BASE), json.__file__


def test_the_venv_of_the_test_is_active_and_sees_no_host_site_packages():
    assert sys.prefix != sys.base_prefix
    assert Path(sys.prefix).name.endswith(".venv"), sys.prefix
    assert not [p for p in sys.path if Path(p).resolve().is_relative_to(HOST)], sys.path
