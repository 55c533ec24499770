"""py_whl_library: a wheel file installed (WhlInstall action) as an importable package."""

load(":bytecode.bzl", "BYTECODE_ATTRS", "bytecode_tag")
load(":constraints.bzl", "TARGET_PLATFORM_ATTRS")
load(":labels.bzl", "display_label")
load(":paths.bzl", "runfiles_path")
load(":providers.bzl", "PyPackageInfo", "PyWheelLayoutInfo")
load(":settings.bzl", "LIMIT_ATTRS")
load(":toolchain_types.bzl", "PY_TOOLS_EXEC_GROUP", "py_tools_exec_groups", "target_toolchains")
load(":whl_install_action.bzl", "whl_install_action")

def _site_packages(ctx, tree, tag):
    """The layout entries of the installed tree (with the bytecode of top-level modules), as PyPackageInfo structs."""
    layout = ctx.attr.layout[PyWheelLayoutInfo]
    root = runfiles_path(ctx, tree) + "/site-packages/"
    owner = display_label(ctx.label)
    shared = {s: True for s in layout.shared}
    out = []
    for entry in layout.entries:
        out.append(struct(path = entry, target = root + entry, owner = owner, shared = entry in shared))
        if tag and entry.endswith(".py"):  # a module outside any package directory: its .pyc is an entry too
            directory, _, name = entry.rpartition("/")
            pyc = "/".join([p for p in (directory, "__pycache__", name[:-3] + "." + tag + ".pyc") if p])
            out.append(struct(path = pyc, target = root + pyc, owner = owner, shared = entry in shared))
    return out

def _py_whl_library_impl(ctx):
    whl = ctx.file.whl
    if not whl.basename.endswith(".whl") and not whl.is_directory:
        fail("%s: whl: %s is not a wheel (a .whl file, or a directory holding one); build sdists into wheels first." % (display_label(ctx.label), whl.basename))
    tree = ctx.actions.declare_directory(ctx.label.name + ".whl_install")
    tag, note = bytecode_tag(ctx)
    layout = ctx.attr.layout[PyWheelLayoutInfo] if ctx.attr.layout else None
    layout = layout if layout and layout.entries else None  # an empty layout: the wheel keeps its own sys.path entry
    whl_install_action(ctx, whl = whl, tree = tree, tag = tag, note = note, layout = layout)
    deps = ctx.attr.deps
    entries = _site_packages(ctx, tree, tag) if layout else []
    own_imports = [] if layout else [runfiles_path(ctx, tree) + "/site-packages"]
    info = PyPackageInfo(
        imports = depset(own_imports, transitive = [d[PyPackageInfo].imports for d in deps]),
        exec_imports = depset([tree.path + "/site-packages"], transitive = [d[PyPackageInfo].exec_imports for d in deps]),
        transitive_sources = depset(transitive = [d[PyPackageInfo].transitive_sources for d in deps]),
        transitive_files = depset([tree], transitive = [d[PyPackageInfo].transitive_files for d in deps]),
        exec_files = depset([tree], transitive = [d[PyPackageInfo].exec_files for d in deps]),
        transitive_library_files = depset(transitive = [d[PyPackageInfo].transitive_library_files for d in deps]),
        transitive_wheels = depset([whl], transitive = [d[PyPackageInfo].transitive_wheels for d in deps]),
        site_packages = depset(entries, transitive = [d[PyPackageInfo].site_packages for d in deps]),
    )
    runfiles = ctx.runfiles(files = [tree]).merge_all([d[DefaultInfo].default_runfiles for d in deps])
    return [info, DefaultInfo(files = depset([tree]), runfiles = runfiles)]

py_whl_library = rule(
    implementation = _py_whl_library_impl,
    doc = """A wheel installed into a tree (`site-packages/`, `bin/` console scripts, `data/`) that Python targets import.

The install runs with the exec interpreter and the `installer` library (mnemonic
`WhlInstall`), on any executor: nothing of the wheel runs. When the exec
interpreter is the target interpreter's version, the installed modules get
deterministic `.pyc` files (`--@rules_xpy//py:precompile=false` turns that off). The wheel must fit
the target platform's os, cpu and libc (by its tags, and by the ELF, Mach-O or
PE headers of its native files). Use it for a wheel
from anywhere (a checked-in `.whl`, another rule's output); the `@pypi` hubs of
`uv.lock` use it for every locked wheel.

```starlark
py_whl_library(
    name = "six",
    whl = "six-1.16.0-py2.py3-none-any.whl",
)
```""",
    attrs = {
        "whl": attr.label(
            mandatory = True,
            allow_single_file = True,
            doc = "The wheel file (`.whl`), or a directory (tree artifact) holding exactly one, as sdist builds output.",
        ),
        "deps": attr.label_list(
            providers = [PyPackageInfo],
            doc = "Packages the wheel needs at run time (its `Requires-Dist` for the target platform).",
        ),
        "layout": attr.label(
            providers = [PyWheelLayoutInfo],
            doc = "The wheel's `py_whl_layout`: with it, venvs link the installed entries into their one merged `site-packages/` (WhlInstall checks the wheel against it); without it, the installed tree is its own `sys.path` entry. The lock hubs set it for every downloaded wheel.",
        ),
        "_tool": attr.label(default = "//py/tools/whl_install:whl_install.py", allow_single_file = True),
        "_tool_deps": attr.label_list(
            default = ["@xpy_tools//:installer", "//py/tools/lib:xpy"],
            providers = [PyPackageInfo],
            cfg = config.exec(PY_TOOLS_EXEC_GROUP),
        ),
    } | TARGET_PLATFORM_ATTRS | LIMIT_ATTRS | BYTECODE_ATTRS,
    toolchains = target_toolchains(),
    exec_groups = py_tools_exec_groups(),
    fragments = ["platform"],
    provides = [PyPackageInfo],
)
