"""ide_venv: import roots from a runfiles venv (first-party ones mapped to the workspace), and a real venv."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import ide_venv
import pytest


def _runfiles(tmp_path: Path) -> tuple[Path, Path]:
    """A runfiles tree with a venv (_main/app/app.venv) whose .pth names a first-party root and an installed tree."""
    runfiles, workspace = tmp_path / "app.runfiles", tmp_path / "ws"
    site = runfiles / "_main/app/app.venv/lib/python3.11/site-packages"
    site.mkdir(parents=True)
    (site / "yamlish.py").write_text("NAME = 'yamlish'\n")
    (runfiles / "_main/lib/src").mkdir(parents=True)
    (runfiles / "pypi_tree/site-packages").mkdir(parents=True)
    (site / "_xpy.pth").write_text(
        "../../../../../lib/src\n../../../../../../pypi_tree/site-packages\n../../../../..\n"
    )
    (workspace / "lib/src").mkdir(parents=True)
    (workspace / "lib/src/greet.py").write_text("NAME = 'greet from the workspace'\n")
    return runfiles, workspace


def test_first_party_roots_map_to_the_workspace_and_the_rest_stay_in_runfiles(tmp_path):
    runfiles, workspace = _runfiles(tmp_path)
    roots = ide_venv.import_roots(runfiles, "_main/app/app.venv", workspace)
    assert roots == [
        str(runfiles / "_main/app/app.venv/lib/python3.11/site-packages"),
        str(workspace / "lib/src"),
        str(runfiles / "pypi_tree/site-packages"),
        str(workspace),
    ]
    # Without a workspace (not run by bazel run), everything stays in the runfiles tree.
    assert ide_venv.import_roots(runfiles, "_main/app/app.venv", None)[1] == str(runfiles / "_main/lib/src")


def test_a_real_venv_imports_from_the_roots_and_a_foreign_directory_is_refused(tmp_path):
    runfiles, workspace = _runfiles(tmp_path)
    roots = ide_venv.import_roots(runfiles, "_main/app/app.venv", workspace)
    python = Path(sys.base_prefix) / "bin" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    target = workspace / ".venv"
    ide_venv.write_venv(target, python, roots, "//app:app")
    ran = subprocess.run(
        [str(target / "bin" / "python"), "-c", "import greet, yamlish; print(greet.NAME, yamlish.NAME)"],
        capture_output=True,
        text=True,
    )
    assert ran.stdout == "greet from the workspace yamlish\n", ran.stderr
    ide_venv.write_venv(target, python, roots, "//app:app")  # again: it replaces its own venv
    (tmp_path / "mine").mkdir()
    with pytest.raises(ide_venv.IdeVenvError, match="exists and is not a venv that py_ide_venv made"):
        ide_venv.write_venv(tmp_path / "mine", python, roots, "//app:app")
    with pytest.raises(ide_venv.IdeVenvError, match="does not exist on this machine"):
        ide_venv.write_venv(tmp_path / "new", tmp_path / "no-python", roots, "//app:app")
