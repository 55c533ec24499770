"""Providers of rules_xpy's Python rules. Every field documents its type."""

PyPackageInfo = provider(
    doc = """Python code importable at run time: first-party sources or installed wheels.

Consumed by `py_venv_binary`, `py_venv_test` and `py_pex_binary`, so
packages from any source (a lock file, a prebuilt wheel, a `py_library`) mix.
A venv binary runs `transitive_files`; a PEX packs `transitive_library_files`
and `transitive_wheels` instead, never the installed trees.""",
    fields = {
        "imports": "depset[str]: import roots (sys.path entries) as runfiles paths, e.g. `_main/src` or `<canonical repo>/site-packages`; transitive.",
        "exec_imports": "depset[str]: the import roots as execroot paths (e.g. `bazel-out/.../bin/external/<repo>/site-packages` for precompiled sources, `bazel-out/.../site-packages` for an installed wheel), for the PYTHONPATH of actions that import the package; transitive.",
        "transitive_sources": "depset[File]: the `.py` sources of this package and its deps.",
        "transitive_files": "depset[File]: every file needed at run time (sources, data, installed trees) of this package and its deps.",
        "exec_files": "depset[File]: what an action that imports the package needs at `exec_imports` (the installed trees; for precompiled sources, their bin-directory links next to their bytecode); transitive.",
        "transitive_library_files": "depset[File]: the part of `transitive_files` that is not an installed wheel: sources and data of `py_library`-like targets.",
        "transitive_wheels": "depset[File]: the wheels (a `.whl` file, or a directory holding one) that the `py_whl_library` targets among this package and its deps install; what `py_pex_binary` packs in place of their installed trees.",
        "site_packages": "depset[struct(path, target, owner, shared)]: entries of installed wheels with a layout (`py_whl_library(layout)`), which a venv links into its one `site-packages/` instead of adding their trees to `imports`: `path` inside site-packages (`requests`, `six.py`), `target` the entry's runfiles path, `owner` the label that installs it, `shared` whether other packages may ship the same file (a legacy namespace `__init__.py`); transitive.",
    },
)

PyWheelLayoutInfo = provider(
    doc = "The site-packages layout of one wheel (`py_whl_layout`): what a venv links into its merged `site-packages/`.",
    fields = {
        "entries": "list[str]: paths inside site-packages, each a file or a directory owned by this wheel (xpy/layout.py).",
        "shared": "list[str]: the entries other wheels may ship too (legacy namespace `__init__.py` files).",
    },
)

PyBinaryInfo = provider(
    doc = """What `py_pex_binary(binary = ...)` takes from a venv binary besides its `PyPackageInfo`.""",
    fields = {
        "main": "File: the entry point script that the binary runs.",
        "python_version": "str: `X.Y` of the binary's target interpreter.",
        "script": "str: the console script that `main` runs (`py_console_script_binary`), else empty; a PEX runs it by name.",
        "links": "list[File]: the venv's symlink artifacts (`bin/python3`, the merged site-packages' entries): an image keeps them as links.",
    },
)

PyInterpreterInfo = provider(
    doc = "A Python interpreter a toolchain provides: where it is and what it is.",
    fields = {
        "interpreter": "File or None: the interpreter binary, when it is part of the build (a downloaded archive).",
        "interpreter_path": "str or None: absolute path of an interpreter that exists on the machine running it (host or executor); set when `interpreter` is None.",
        "files": "depset[File]: the interpreter's runtime files (stdlib, shared libraries); empty for `interpreter_path`.",
        "version": "str: full version, e.g. `3.11.7`.",
        "implementation": "str: `cpython` (sys.implementation.name).",
        "abi": "str: PEP 425 ABI tag of the interpreter, e.g. `cp311`.",
        "os": "str: operating system the interpreter runs on: `linux`, `macos` or `windows`.",
        "cpu": "str: CPU architecture the interpreter runs on: `x86_64` or `aarch64`.",
        "libc": "str: the C library of a Linux interpreter, `glibc` or `musl`; empty off Linux.",
    },
)
