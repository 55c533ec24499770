"""The site-packages layout of a wheel: the entries a venv links into its one merged `site-packages/`.

A venv of many packages with one `sys.path` entry per package pays at every
import that probes them all (a missing module probes every one). rules_xpy's
venvs instead link each package's entries into the venv's own
`site-packages/`, so the path has one entry, as in a venv made by pip or uv.
An entry is the coarsest path that belongs to one package:

- a file at the top (`six.py`, `foo.pth`), and the `.dist-info`/`.data` dirs;
- a regular package directory (it has an `__init__.py`): `requests/`;
- inside a directory that is not a package (a PEP 420 namespace such as
  `google/`, or `numpy.libs/`), its own entries, recursively: `google/protobuf`.

A legacy namespace package (`__init__.py` calling `pkg_resources.declare_namespace`
or `pkgutil.extend_path`, as in `zope/`) is treated as a namespace too; its
`__init__.py` is *shared*: several packages ship the same file, and the venv
links one of them. Two packages with the same non-shared entry is an error the
venv names (py/private/venv.bzl).

`entries` works on a list of installed file paths: the repository phase lists
a wheel's zip (`wheel_layout`), WhlInstall lists what it installed, and the two
must agree.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MAX_ENTRIES", "Layout", "entries", "installed_layout", "wheel_layout"]

MAX_ENTRIES = 2000
"""A wheel with more entries than this keeps its own sys.path entry (it is not merged)."""

_LEGACY_NAMESPACE = re.compile(rb"declare_namespace|extend_path")
_Tree = dict[str, "_Tree | None"]


@dataclass(frozen=True)
class Layout:
    """A wheel's site-packages entries (sorted), and which of them several packages may ship."""

    entries: tuple[str, ...]
    shared: tuple[str, ...] = ()


def entries(files: Iterable[str], is_legacy_namespace: Callable[[str], bool]) -> Layout | None:
    """The layout of the installed files `files` (POSIX paths relative to site-packages), or None above MAX_ENTRIES.

    `is_legacy_namespace(path)` says whether the `__init__.py` at `path` declares a legacy namespace.
    """
    tree: _Tree = {}
    for path in files:
        node = tree
        *dirs, name = path.split("/")
        for d in dirs:
            child = node.setdefault(d, {})
            if child is None:  # a file and a directory of one name: let the install report it
                return None
            node = child
        node.setdefault(name, None)
    out: list[str] = []
    shared: list[str] = []

    def visit(node: _Tree, prefix: str) -> None:
        for name in sorted(node):
            child, path = node[name], prefix + name
            if child is None:
                out.append(path)
                continue
            init = f"{path}/__init__.py"
            package = "__init__.py" in child and child["__init__.py"] is None and not is_legacy_namespace(init)
            if package or name.endswith((".dist-info", ".data")):
                out.append(path)
                continue
            if "__init__.py" in child:
                shared.append(init)
            visit(child, path + "/")

    visit(tree, "")
    if len(out) > MAX_ENTRIES:
        return None
    return Layout(tuple(sorted(out)), tuple(sorted(shared)))


def _site_packages_paths(names: Iterable[str]) -> list[str]:
    """The site-packages paths a wheel's members install to (purelib/platlib and the top level), bytecode aside."""
    out = []
    for name in names:
        if name.endswith("/") or "__pycache__" in name.split("/"):
            continue
        top, _, rest = name.partition("/")
        if top.endswith(".data"):
            scheme, _, inner = rest.partition("/")
            if scheme in ("purelib", "platlib") and inner:
                out.append(inner)
            continue
        out.append(name)
    return out


def wheel_layout(path: Path) -> Layout | None:
    """The layout of the wheel at `path` from its zip listing, or None when it cannot be read (WhlInstall says why)."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            paths = _site_packages_paths(names)
            members = set(names)

            def legacy(init: str) -> bool:
                for candidate in (init, *(n for n in members if n.endswith(f".data/purelib/{init}"))):
                    if candidate in members:
                        info = zf.getinfo(candidate)
                        return info.file_size < 65536 and bool(_LEGACY_NAMESPACE.search(zf.read(info)))
                return False

            return entries(paths, legacy)
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, KeyError, NotImplementedError):
        return None


def installed_layout(site_packages: Path) -> Layout | None:
    """The layout of an installed `site-packages/` directory (what WhlInstall checks against the wheel's)."""
    files = [
        p.relative_to(site_packages).as_posix()
        for p in site_packages.rglob("*")
        if not p.is_dir() and "__pycache__" not in p.relative_to(site_packages).parts
    ]

    def legacy(init: str) -> bool:
        file = site_packages / init
        return file.stat().st_size < 65536 and bool(_LEGACY_NAMESPACE.search(file.read_bytes()))

    return entries(files, legacy)
