"""modify_file: a changed wheel is a valid wheel again (RECORD), an sdist keeps its top directory, bad settings fail."""

import io
import tarfile
import zipfile

import modify_file
import pytest
from whl_install_test import DIST_INFO, demo_files, make_wheel
from xpy.wheels import check_wheel


def _unpacked(tmp_path, file, kind):
    root = tmp_path / "repo"
    work = root / ".xpy_orig"
    work.mkdir(parents=True)
    modify_file.unpack(file, kind, root, work)
    return root, work


def test_a_patched_wheel_gets_a_new_record_and_passes_the_wheel_check(tmp_path):
    wheel = make_wheel(tmp_path, demo_files(**{"demo_pkg/tests/test_x.py": "x = 1\n"}))
    root, work = _unpacked(tmp_path, wheel, "wheel")
    assert (root / "demo_pkg/__init__.py").read_text() == "VALUE = 42\n"
    (root / "demo_pkg/__init__.py").write_text("VALUE = 43\n")  # what a patch does
    extra = tmp_path / "extra.txt"
    extra.write_text("more\n")
    out = root / "file" / wheel.name  # as the file repository does: the output inside the root
    removed = modify_file.pack(root, work, out, ["demo_pkg/tests/*"], [(extra, "demo_pkg/extra.txt")])
    assert removed == ["demo_pkg/tests/test_x.py"]
    check_wheel(out, "demo-pkg", "1.0")  # RECORD hashes and sizes match every member
    with zipfile.ZipFile(out) as zf:
        assert zf.read("demo_pkg/__init__.py") == b"VALUE = 43\n"
        assert zf.read("demo_pkg/extra.txt") == b"more\n"
        assert "demo_pkg/tests/test_x.py" not in zf.namelist()
        assert zf.namelist()[-1] == f"{DIST_INFO}/RECORD"
    assert sorted(p.name for p in root.iterdir()) == [".xpy_orig", "file"]  # the unpacked tree is gone


def test_packing_is_deterministic(tmp_path):
    wheel = make_wheel(tmp_path)
    outs = []
    for n in range(2):
        root, work = _unpacked(tmp_path / str(n), wheel, "wheel")
        outs.append(tmp_path / f"{n}.whl")
        modify_file.pack(root, work, outs[-1], [], [])
    assert outs[0].read_bytes() == outs[1].read_bytes()


def _sdist(tmp_path):
    path = tmp_path / "demo-1.0.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for name, data in {"demo-1.0/pyproject.toml": b"[project]\n", "demo-1.0/src/demo.py": b"A = 1\n"}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_an_sdist_is_patched_without_its_top_directory_and_gets_it_back(tmp_path):
    root, work = _unpacked(tmp_path, _sdist(tmp_path), "sdist")
    assert (root / "src/demo.py").read_text() == "A = 1\n"
    (root / "src/demo.py").write_text("A = 2\n")
    out = tmp_path / "out.tar.gz"
    modify_file.pack(root, work, out, [], [])
    with tarfile.open(out) as tar:
        assert sorted(tar.getnames()) == ["demo-1.0/pyproject.toml", "demo-1.0/src/demo.py"]
        assert tar.extractfile("demo-1.0/src/demo.py").read() == b"A = 2\n"


@pytest.mark.parametrize(
    ("exclude", "add", "message"),
    [
        (["nothing/*"], [], r"exclude: 'nothing/\*' matches no file"),
        ([f"{DIST_INFO}/*"], [], r"matches files of the wheel's .dist-info"),
        ([], [("f", "../evil.txt")], r"goes to '../evil.txt', not a relative path inside the wheel"),
        ([], [("f", f"{DIST_INFO}/x")], r"inside the wheel's .dist-info"),
        ([], [("f", "demo_pkg/cli.py")], r"'demo_pkg/cli.py' is already in"),
        ([], [("f", "demo_pkg")], r"'demo_pkg' is already in .*, as a file or a directory"),
        ([], [("f", "demo_pkg/cli.py/x")], r"or below a file"),
        ([], [("f", ".xpy_orig/x")], r"is already in"),
    ],
)
def test_bad_settings_are_one_clear_error(tmp_path, exclude, add, message):
    (tmp_path / "f").write_text("x")
    root, work = _unpacked(tmp_path, make_wheel(tmp_path), "wheel")
    add = [(tmp_path / src, dest) for src, dest in add]
    with pytest.raises(modify_file.ModifyError, match=message):
        modify_file.pack(root, work, tmp_path / "out.whl", exclude, add)


def test_exclude_on_an_sdist_is_refused(tmp_path):
    root, work = _unpacked(tmp_path, _sdist(tmp_path), "sdist")
    with pytest.raises(modify_file.ModifyError, match="exclude and data change wheels"):
        modify_file.pack(root, work, tmp_path / "out.tar.gz", ["*.py"], [])


def test_cli_reports_one_error_line(tmp_path, capsys):
    root = tmp_path / "repo"
    (root / "w").mkdir(parents=True)
    bad = tmp_path / "bad-1.0-py3-none-any.whl"
    bad.write_bytes(b"not a zip")
    assert modify_file.main(["unpack", f"--file={bad}", f"--root={root}", f"--work={root / 'w'}"]) == 1
    assert capsys.readouterr().err.startswith("ERROR: cannot unpack bad-1.0-py3-none-any.whl to change it")


def test_a_wheel_with_a_top_level_name_like_the_output_directory_is_packed_whole(tmp_path):
    wheel = make_wheel(tmp_path, demo_files(**{"file/__init__.py": "F = 1\n"}))
    root, work = _unpacked(tmp_path, wheel, "wheel")
    out = root / "file" / wheel.name
    modify_file.pack(root, work, out, [], [])
    with zipfile.ZipFile(out) as zf:
        assert zf.read("file/__init__.py") == b"F = 1\n"
    assert sorted(p.name for p in (root / "file").iterdir()) == [wheel.name]


def test_an_sdist_symlink_that_leaves_the_project_once_its_top_directory_is_gone_is_refused(tmp_path):
    path = tmp_path / "demo-1.0.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("demo-1.0/pyproject.toml")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
        link = tarfile.TarInfo("demo-1.0/src/mod.py")
        link.type, link.linkname = tarfile.SYMTYPE, "../../victim.py"  # inside the archive, outside the project
        tar.addfile(link)
    with pytest.raises(modify_file.ModifyError, match=r"the symlink 'src/mod.py' leads outside the project"):
        _unpacked(tmp_path, path, "sdist")


def test_data_at_a_new_top_level_name_is_packed_and_the_tree_is_gone(tmp_path):
    (tmp_path / "f").write_text("x")
    root, work = _unpacked(tmp_path, make_wheel(tmp_path), "wheel")
    out = root / "file" / "demo_pkg-1.0-py3-none-any.whl"
    modify_file.pack(root, work, out, [], [(tmp_path / "f", "extra.pth")])
    with zipfile.ZipFile(out) as zf:
        assert zf.read("extra.pth") == b"x"
    assert sorted(p.name for p in root.iterdir()) == [".xpy_orig", "file"]
