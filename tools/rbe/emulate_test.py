"""How emulate.py copies a runfiles tree into the arm64 root: which links it follows, which it keeps."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from arm64root import Arm64Error, chroot_command
from emulate import materialize, resolve, stage


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """An arm64 root that has /usr/bin/python3.11."""
    (tmp_path / "root/usr/bin").mkdir(parents=True)
    (tmp_path / "root/usr/bin/python3.11").write_text("arm64 python")
    (tmp_path / "root/run").mkdir()
    return tmp_path / "root"


def test_links_into_the_root_are_kept_and_links_to_build_outputs_are_copied(tmp_path: Path, root: Path):
    out = tmp_path / "out"
    (out / "venv/bin").mkdir(parents=True)
    (out / "venv/bin/python3").symlink_to("/usr/bin/python3.11")  # the root has it: stays a link
    (out / "venv/lib64").symlink_to("lib")  # relative: stays a link
    (tmp_path / "app.py").write_text("print('hi')")
    (out / "app.py").symlink_to(tmp_path / "app.py")  # a build output elsewhere: copied
    materialize(out, root / "run/app", root, [])
    assert os.readlink(root / "run/app/venv/bin/python3") == "/usr/bin/python3.11"
    assert os.readlink(root / "run/app/venv/lib64") == "lib"
    assert not (root / "run/app/app.py").is_symlink()
    assert (root / "run/app/app.py").read_text() == "print('hi')"


def test_map_reads_link_targets_from_where_this_host_sees_them(tmp_path: Path, root: Path):
    # Bazel (in a chroot) wrote links to /tmp/base/...; on this host that is <tmp>/sid/tmp/base.
    seen_here = tmp_path / "sid/tmp/base"
    (seen_here / "execroot").mkdir(parents=True)
    (seen_here / "external/repo").mkdir(parents=True)
    (seen_here / "external/repo/mod.py").write_text("x = 1")
    (seen_here / "execroot/external").symlink_to("/tmp/base/external")  # a link on the way, absolute too
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "mod.py").symlink_to("/tmp/base/execroot/external/repo/mod.py")
    maps = [("/tmp/base", str(seen_here))]
    assert resolve("/tmp/base/execroot/external/repo/mod.py", maps) == seen_here / "external/repo/mod.py"
    materialize(tree, root / "run/tree", root, maps)
    assert (root / "run/tree/mod.py").read_text() == "x = 1"


def test_a_link_to_nowhere_names_the_file_and_the_fix(tmp_path: Path, root: Path):
    (tmp_path / "tree").mkdir()
    (tmp_path / "tree/gone.py").symlink_to("/tmp/nowhere-xpy/gone.py")
    with pytest.raises(Arm64Error, match=r"gone.py: its link target /tmp/nowhere-xpy/gone.py does not exist.*--map"):
        materialize(tmp_path / "tree", root / "run/tree", root, [])


def test_a_pex_runs_with_the_roots_python_and_a_binary_by_itself(tmp_path: Path, root: Path):
    (tmp_path / "app.pex").write_text("zip")
    (tmp_path / "app").write_text("#!/usr/bin/env bash")
    (tmp_path / "app.runfiles/_main").mkdir(parents=True)
    into = root / "run/x"
    into.mkdir()
    assert stage(tmp_path / "app.pex", root, into, []) == ["/usr/bin/python3.11", "/run/x/app.pex"]
    assert stage(tmp_path / "app", root, into, []) == ["/run/x/app"]
    assert (into / "app.runfiles/_main").is_dir()
    with pytest.raises(Arm64Error, match="does not exist"):
        stage(tmp_path / "missing", root, into, [])


def test_commands_run_inside_the_root_in_the_given_directory(root: Path):
    argv = chroot_command(root, "/work/a", ["/usr/bin/python3.11", "-c", "pass"])
    assert argv[0].endswith("chroot") and argv[1:] == [
        str(root),
        "/usr/bin/env",
        "--chdir=/work/a",
        "/usr/bin/python3.11",
        "-c",
        "pass",
    ]
