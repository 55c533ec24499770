"""xpy.layout: the entries a venv links, from a wheel's listing and from an installed tree, which must agree."""

from __future__ import annotations

import zipfile
from pathlib import Path

from xpy.layout import MAX_ENTRIES, Layout, entries, installed_layout, wheel_layout

NOT_LEGACY = lambda _path: False  # noqa: E731


def test_top_level_files_packages_and_dist_info_are_entries():
    files = ["six.py", "six-1.16.0.dist-info/RECORD", "six-1.16.0.dist-info/METADATA", "req/__init__.py", "req/a/b.py"]
    assert entries(files, NOT_LEGACY) == Layout(("req", "six-1.16.0.dist-info", "six.py"))


def test_a_namespace_directory_is_descended_into_its_own_entries():
    files = ["google/protobuf/__init__.py", "google/protobuf/x.py", "google/_upb/_message.so", "numpy.libs/libz.so"]
    assert entries(files, NOT_LEGACY).entries == ("google/_upb/_message.so", "google/protobuf", "numpy.libs/libz.so")


def test_a_legacy_namespace_init_is_shared_and_its_packages_are_entries():
    files = ["zope/__init__.py", "zope/interface/__init__.py", "zope.interface-7.0.dist-info/RECORD"]
    layout = entries(files, lambda path: path == "zope/__init__.py")
    assert layout == Layout(
        ("zope.interface-7.0.dist-info", "zope/__init__.py", "zope/interface"), ("zope/__init__.py",)
    )


def test_too_many_entries_means_no_layout():
    assert entries([f"data/f{i}.txt" for i in range(MAX_ENTRIES + 1)], NOT_LEGACY) is None


def _wheel(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_the_wheel_listing_maps_data_purelib_and_ignores_bytecode_and_scripts(tmp_path):
    wheel = _wheel(
        tmp_path / "p-1.0-py3-none-any.whl",
        {
            "p/__init__.py": b"",
            "p/__pycache__/x.cpython-311.pyc": b"",
            "p-1.0.data/purelib/extra.py": b"",
            "p-1.0.data/scripts/tool": b"",
            "p-1.0.data/headers/p.h": b"",
            "ns/__init__.py": b"__path__ = __import__('pkgutil').extend_path(__path__, __name__)",
            "ns/sub/__init__.py": b"",
            "p-1.0.dist-info/RECORD": b"",
            "__pycache__/top.cpython-311.pyc": b"",
        },
    )
    assert wheel_layout(wheel) == Layout(
        ("extra.py", "ns/__init__.py", "ns/sub", "p", "p-1.0.dist-info"), ("ns/__init__.py",)
    )


def test_an_unreadable_wheel_has_no_layout(tmp_path):
    (tmp_path / "x-1.0-py3-none-any.whl").write_bytes(b"not a zip")
    assert wheel_layout(tmp_path / "x-1.0-py3-none-any.whl") is None


def test_the_installed_tree_gives_the_same_layout_as_the_listing(tmp_path):
    site = tmp_path / "site-packages"
    for name, text in {
        "p/__init__.py": "",
        "extra.py": "",
        "p-1.0.dist-info/RECORD": "",
        "__pycache__/extra.pyc": "",
    }.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text)
    assert installed_layout(site) == Layout(("extra.py", "p", "p-1.0.dist-info"))
