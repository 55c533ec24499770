"""py_library: first-party Python sources and their import roots."""

load(":bytecode.bzl", "PRECOMPILE_ATTRS", "precompile")
load(":labels.bzl", "display_label")
load(":providers.bzl", "PyPackageInfo")
load(":toolchain_types.bzl", "py_tools_exec_groups", "target_toolchains")

def repo_runfiles_root(ctx):
    """Runfiles directory of the repository holding `ctx.label` (`_main` for the main repo).

    Args:
      ctx: rule context.
    Returns:
      str, a runfiles path.
    """
    return ctx.label.workspace_name or ctx.workspace_name

def import_roots(ctx):
    """Import roots of this target: its repo root plus `imports`, as runfiles and as execroot paths.

    Args:
      ctx: rule context with an `imports` attribute.
    Returns:
      (list of str, list of str): runfiles paths, execroot paths.
    """
    root = repo_runfiles_root(ctx)
    exec_root = ctx.label.workspace_root or "."
    roots, exec_roots = [root], [exec_root]
    for imp in ctx.attr.imports:
        if imp.startswith("/"):
            fail("%s: imports entry %r is absolute; use a path relative to the package." % (display_label(ctx.label), imp))
        parts = [p for p in (ctx.label.package + "/" + imp).split("/") if p and p != "."]
        norm = []
        for p in parts:
            if p != "..":
                norm.append(p)
            elif norm:
                norm.pop()
            else:
                fail("%s: imports entry %r leaves the repository; use a path inside the package." % (display_label(ctx.label), imp))
        roots.append("/".join([root] + norm))
        exec_roots.append("/".join([exec_root] + norm))
    return roots, exec_roots

def _unstaged(files, staged):
    """The files that have no bin-directory link among `staged` (actions read those from where they are)."""
    if not staged:
        return files
    linked = {f.short_path: True for f in staged}
    return [f for f in files if f.short_path not in linked]

def package_info(ctx, srcs, files, deps, compiled = None):
    """PyPackageInfo and runfiles for a target with `srcs`, `data`-like files and `deps`.

    Args:
      ctx: rule context with an `imports` attribute.
      srcs: list[File], the target's own Python sources.
      files: list[File], the target's own other run-time files.
      deps: list[Target] providing PyPackageInfo.
      compiled: struct(pycs, staged) from bytecode.precompile, or None: the bytecode of `srcs` (in runfiles,
        not in what a PEX packs) and the bin-directory links that actions import them from.
    Returns:
      (PyPackageInfo, runfiles)
    """
    roots, exec_roots = import_roots(ctx)
    pycs = compiled.pycs if compiled else []
    staged = compiled.staged if compiled else []
    if staged:  # actions import from the bin directory, where the bytecode is; then from the sources
        bin_roots = [(ctx.bin_dir.path + "/" + r) if r != "." else ctx.bin_dir.path for r in exec_roots]
        exec_roots = bin_roots + exec_roots
    info = PyPackageInfo(
        imports = depset(roots, transitive = [d[PyPackageInfo].imports for d in deps]),
        exec_imports = depset(exec_roots, transitive = [d[PyPackageInfo].exec_imports for d in deps]),
        transitive_sources = depset(srcs, transitive = [d[PyPackageInfo].transitive_sources for d in deps]),
        transitive_files = depset(srcs + files + pycs, transitive = [d[PyPackageInfo].transitive_files for d in deps]),
        exec_files = depset(_unstaged(srcs + files, staged) + pycs + staged, transitive = [d[PyPackageInfo].exec_files for d in deps]),
        transitive_library_files = depset(srcs + files, transitive = [d[PyPackageInfo].transitive_library_files for d in deps]),
        transitive_wheels = depset(transitive = [d[PyPackageInfo].transitive_wheels for d in deps]),
        site_packages = depset(transitive = [d[PyPackageInfo].site_packages for d in deps]),
    )
    runfiles = ctx.runfiles(files = srcs + files + pycs).merge_all(
        [d[DefaultInfo].default_runfiles for d in deps] +
        [t[DefaultInfo].default_runfiles for t in ctx.attr.data],
    )
    return info, runfiles

def instrumented_files(ctx):
    """What `bazel coverage` measures of a target: its `srcs`, and those of its `deps` (first-party code)."""
    return coverage_common.instrumented_files_info(ctx, source_attributes = ["srcs"], dependency_attributes = ["deps"], extensions = ["py"])

def _py_library_impl(ctx):
    compiled = precompile(ctx, ctx.files.srcs, ctx.files.data, ctx.attr.precompile)
    info, runfiles = package_info(ctx, ctx.files.srcs, ctx.files.data, ctx.attr.deps, compiled)
    return [
        info,
        DefaultInfo(files = depset(ctx.files.srcs), runfiles = runfiles),
        instrumented_files(ctx),
    ]

LIBRARY_ATTRS = {
    "srcs": attr.label_list(
        allow_files = [".py"],
        doc = "Python source files of this target.",
    ),
    "deps": attr.label_list(
        providers = [PyPackageInfo],
        doc = "Python packages this target imports: `py_library` targets, installed wheels (`@pypi//name`).",
    ),
    "data": attr.label_list(
        allow_files = True,
        doc = "Files needed at run time, placed in runfiles (and their own runfiles).",
    ),
    "imports": attr.string_list(
        doc = "Import roots to add to `sys.path`, relative to this package (e.g. `[\"src\"]`). The repository root is always one.",
    ),
}

py_library = rule(
    implementation = _py_library_impl,
    doc = """Python sources that other Python targets import.

```starlark
py_library(
    name = "greet",
    srcs = ["greet.py"],
    deps = ["@pypi//cowsay"],
)
```""",
    attrs = LIBRARY_ATTRS | PRECOMPILE_ATTRS,
    toolchains = target_toolchains(),
    exec_groups = py_tools_exec_groups(),
    provides = [PyPackageInfo],
)
