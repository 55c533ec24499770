"""py_pex_binary: a PEX of first-party files and wheel files, assembled by the exec interpreter for any target."""

load(":constraints.bzl", "TARGET_PLATFORM_ATTRS")
load(":labels.bzl", "display_label")
load(":library.bzl", "LIBRARY_ATTRS", "package_info")
load(":pex_action.bzl", "pex_action")
load(":providers.bzl", "PyBinaryInfo", "PyPackageInfo")
load(":toolchain_types.bzl", "PY_TOOLS_EXEC_GROUP", "py_tools_exec_groups")

_LAYOUTS = ["zipapp", "packed", "loose"]
_INHERIT_PATH = ["false", "fallback", "prefer"]

def _check_attrs(ctx):
    label = display_label(ctx.label)
    if ctx.attr.binary:
        given = [a for a in ("srcs", "deps", "imports") if getattr(ctx.attr, a)] + (["main"] if ctx.attr.main else [])
        if given:
            fail("%s: binary: not together with %s; the PEX takes the sources, deps and main of `binary`. Remove them, or drop `binary` and give main + srcs + deps." % (label, " and ".join(given)))
    entries = [a for a in ("main", "entry_point", "script") if getattr(ctx.attr, a)]
    if len(entries) > 1:
        fail("%s: %s: set only one entry point." % (label, " and ".join(entries)))
    if not entries and not ctx.attr.binary:
        fail("%s: main: the PEX has no entry point; set `main` (a .py file), `entry_point` (\"module\" or \"module:function\"), `script` (a console script of a packed wheel) or `binary` (a py_venv_binary)." % label)
    version = ctx.attr.python_version
    if version and (len(version.split(".")) != 2 or not all([p.isdigit() for p in version.split(".")])):
        fail("%s: python_version: \"%s\" must be `X.Y`, e.g. \"3.11\"." % (label, version))

def _contents_of_binary(ctx):
    """What goes in: the `binary`'s package and entry point (its console script, or its main), plus `data`."""
    binary = ctx.attr.binary[PyBinaryInfo]
    info = ctx.attr.binary[PyPackageInfo]
    if ctx.files.data:
        info, _ = package_info(ctx, [], ctx.files.data, [ctx.attr.binary])
    own_entry = ctx.attr.entry_point or ctx.attr.script
    return struct(
        info = info,
        main = None if own_entry or binary.script else binary.main,
        script = ctx.attr.script or ("" if own_entry else binary.script),
        python_version = ctx.attr.python_version or binary.python_version,
    )

def _contents_of_attrs(ctx):
    """What goes in: main + srcs + data + deps."""
    main = ctx.file.main
    srcs = ctx.files.srcs + ([main] if main and main not in ctx.files.srcs else [])
    info, _ = package_info(ctx, srcs, ctx.files.data, ctx.attr.deps)
    return struct(info = info, main = main, script = ctx.attr.script, python_version = ctx.attr.python_version)

def _py_pex_binary_impl(ctx):
    _check_attrs(ctx)
    contents = _contents_of_binary(ctx) if ctx.attr.binary else _contents_of_attrs(ctx)
    if ctx.attr.layout == "zipapp":
        out = ctx.actions.declare_file(ctx.label.name + ".pex")
    else:
        out = ctx.actions.declare_directory(ctx.label.name + ".pex")
    pex_action(ctx, out = out, contents = contents)
    return [DefaultInfo(files = depset([out]))]

py_pex_binary = rule(
    implementation = _py_pex_binary_impl,
    doc = """A PEX (`<name>.pex`) of a Python program for the target platform (`--platforms`).

The `PyPex` action runs the `pex` library on the exec interpreter. Its inputs
are the program's first-party files, the wheel files of its third-party
packages for the target platform, and the tool; nothing of the target
platform runs, so one Linux host builds PEXes for Linux, macOS and Windows
whenever wheels exist for them.

```starlark
py_pex_binary(
    name = "app_pex",
    main = "app.py",
    deps = ["@pypi//pyyaml"],
    inject_env = {"APP_MODE": "prod"},
)
```""",
    attrs = LIBRARY_ATTRS | {
        "srcs": attr.label_list(
            allow_files = [".py"],
            doc = "Python source files of the program.",
        ),
        "deps": attr.label_list(
            providers = [PyPackageInfo],
            doc = "Python packages it imports: `py_library` targets, `@pypi//name`. Their wheels go into the PEX as wheels, their first-party files below their import roots.",
        ),
        "data": attr.label_list(
            allow_files = True,
            doc = "More files to pack, placed like sources (below their longest import root); also with `binary`.",
        ),
        "binary": attr.label(
            providers = [PyPackageInfo, PyBinaryInfo],
            doc = "A `py_venv_binary` (or `py_console_script_binary`) to pack: its sources, data, deps and `main` (or console script), without its venv or launcher. It is analysed for the target platform, so that platform needs a target interpreter; without one, use `main` + `srcs` + `deps`. Exclusive with `main`, `srcs`, `deps` and `imports`.",
        ),
        "main": attr.label(
            allow_single_file = [".py"],
            doc = "The entry point script, run as `__main__` under its module name in the PEX (its path below its import root). Added to `srcs` if it is not there.",
        ),
        "entry_point": attr.string(
            doc = "The entry point as `module` or `module:function`, instead of `main`.",
        ),
        "script": attr.string(
            doc = "The entry point as a console script (or script) of one of the packed wheels, e.g. `\"black\"`, instead of `main`.",
        ),
        "python_version": attr.string(
            doc = "`X.Y` of the target interpreter: sets the interpreter constraint `CPython==X.Y.*` and the shebang, and wheels must fit it. Default: the `binary`'s interpreter; else the version of the packed `cpXY` wheels; else none.",
        ),
        "interpreter_constraints": attr.string_list(
            doc = "PEX interpreter constraints, e.g. `[\"CPython>=3.11,<3.14\"]`, instead of the one `python_version` gives.",
        ),
        "shebang": attr.string(
            doc = "The PEX's `#!` line (without `#!`). Default: `/usr/bin/env pythonX.Y` for the python version, else `/usr/bin/env python3`.",
        ),
        "inject_env": attr.string_dict(
            doc = "Environment variables that the PEX sets when it starts (PEX-INFO `inject_env`); a variable already set keeps its value.",
        ),
        "inject_args": attr.string_list(
            doc = "Arguments that the PEX passes to its entry point before the command line's (PEX-INFO `inject_args`).",
        ),
        "inherit_path": attr.string(
            default = "false",
            values = _INHERIT_PATH,
            doc = "Whether the PEX sees the interpreter's site-packages: `false` (isolated), `fallback` (after the PEX's own) or `prefer` (before them).",
        ),
        "layout": attr.string(
            default = "zipapp",
            values = _LAYOUTS,
            doc = "`zipapp`: one executable file. `packed` and `loose`: a directory (`<name>.pex/`) run with `python <name>.pex`; `packed` holds each wheel and the bootstrap as zip files, `loose` everything unzipped.",
        ),
        "pre_install_wheels": attr.bool(
            default = True,
            doc = "Pack each wheel installed (as the `pex` CLI does by default), or as the `.whl` file itself, installed on first run (`--no-pre-install-wheels`).",
        ),
        "_tool": attr.label(default = "//py/tools/pex_builder:pex_builder.py", allow_single_file = True),
        "_tool_deps": attr.label_list(default = ["@xpy_tools//:pex", "//py/tools/lib:xpy"], providers = [PyPackageInfo], cfg = config.exec(PY_TOOLS_EXEC_GROUP)),
    } | TARGET_PLATFORM_ATTRS,
    exec_groups = py_tools_exec_groups(),
    fragments = ["platform"],
)
