"""Unit tests of the venv writer."""

import pytest

import make_venv as venv


def test_pth_lines_are_relative_to_site_packages():
    lines = venv.pth_lines("_main/app/bin.venv", "3.11.7", ["_main", "_main/app/src", "other~repo/site-packages"])
    assert lines == ["../../../../..", "../../../../src", "../../../../../../other~repo/site-packages"]


def test_pth_lines_drop_repeats_and_keep_order():
    assert venv.pth_lines("_main/v", "3.12", ["b", "a", "b"]) == ["../../../../../b", "../../../../../a"]


@pytest.mark.parametrize("bad", ["/abs", "../escape", "", "."])
def test_import_root_outside_runfiles_is_an_error(bad):
    with pytest.raises(venv.VenvError, match="not a path inside the runfiles tree"):
        venv.pth_lines("_main/v", "3.11", [bad])


def test_bad_python_version_is_an_error():
    with pytest.raises(venv.VenvError, match="not X.Y"):
        venv.site_packages("_main/v", "3")


def test_pyvenv_cfg_has_no_home_key():
    cfg = venv.pyvenv_cfg("3.11.7", "cpython", "//app:bin")
    assert "home" not in cfg
    assert "include-system-site-packages = false" in cfg


def test_main_reads_param_file_and_writes_outputs(tmp_path):
    params = tmp_path / "params"
    cfg, pth = tmp_path / "pyvenv.cfg", tmp_path / "x.pth"
    params.write_text(
        "\n".join(
            [
                "--label=//a:b",
                "--venv=_main/a/b.venv",
                "--python-version=3.11.7",
                "--import=_main",
                f"--pyvenv-cfg={cfg}",
                f"--pth={pth}",
            ]
        )
    )
    assert venv.main([f"@{params}"]) == 0
    assert pth.read_text() == "../../../../..\n"
    assert "version = 3.11.7" in cfg.read_text()


def test_main_prints_one_error_line(tmp_path, capsys):
    rc = venv.main(
        ["--label=//a:b", "--venv=/abs", "--python-version=3.11", f"--pyvenv-cfg={tmp_path}/c", f"--pth={tmp_path}/p"]
    )
    assert rc == 1
    err = capsys.readouterr().err
    assert err.startswith("ERROR: venv '/abs' is not a path inside the runfiles tree (//a:b)")
    assert not (tmp_path / "c").exists()
