"""Action emitter of py_pex_binary: the PyPex action (py/tools/pex_builder on the exec interpreter)."""

load(":constraints.bzl", "target_platform")
load(":labels.bzl", "display_label")
load(":py_tool.bzl", "run_py_tool")

def _add_given(args, format, value):
    if value:
        args.add(value, format = format)

def _source_args(file):
    return ["--source", file.path, file.short_path]

def _main_args(file):
    return ["--main", file.path, file.short_path]

def pex_action(ctx, *, out, contents):
    """Declare the PyPex action: first-party files and wheel files in, the PEX out.

    Args:
      ctx: rule context of py_pex_binary (with TARGET_PLATFORM_ATTRS).
      out: File, the PEX (a file, or a directory for the packed and loose layouts).
      contents: struct(info = PyPackageInfo, main = File or None, script = str, python_version = str).
    """
    info = contents.info
    target = target_platform(ctx)
    os, cpu, libc = target.os, target.cpu, target.libc
    args = ctx.actions.args()

    # --flag=value: a value starting with "@" (a label) is not a param file.
    args.add(display_label(ctx.label), format = "--label=%s")
    args.add(display_label(ctx.fragments.platform.platform), format = "--target-platform=%s")
    _add_given(args, "--target-os=%s", os)
    _add_given(args, "--target-cpu=%s", cpu)
    _add_given(args, "--target-libc=%s", libc)
    args.add(ctx.workspace_name, format = "--workspace-name=%s")
    args.add_all(info.imports, format_each = "--import-root=%s")
    args.add_all(info.transitive_library_files, map_each = _source_args, expand_directories = False)
    if contents.main:
        args.add_all([contents.main], map_each = _main_args)
    args.add_all(info.transitive_wheels, format_each = "--wheel=%s", expand_directories = False)
    _add_given(args, "--entry-point=%s", ctx.attr.entry_point)
    _add_given(args, "--script=%s", contents.script)
    _add_given(args, "--python-version=%s", contents.python_version)
    args.add_all(ctx.attr.interpreter_constraints, format_each = "--interpreter-constraint=%s")
    _add_given(args, "--shebang=%s", ctx.attr.shebang)
    args.add_all(["%s=%s" % kv for kv in ctx.attr.inject_env.items()], format_each = "--inject-env=%s")
    args.add_all(ctx.attr.inject_args, format_each = "--inject-arg=%s")
    args.add(ctx.attr.inherit_path, format = "--inherit-path=%s")
    args.add(ctx.attr.layout, format = "--layout=%s")
    args.add("--pre-install-wheels" if ctx.attr.pre_install_wheels else "--no-pre-install-wheels")
    args.add(out.path, format = "--output=%s")
    run_py_tool(
        ctx,
        tool = ctx.file._tool,
        args = args,
        inputs = depset(transitive = [info.transitive_library_files, info.transitive_wheels]),
        outputs = [out],
        mnemonic = "PyPex",
        progress_message = "Building PEX %%{label} for %s" % (" ".join([p for p in (os, cpu) if p]) or "any platform"),
        deps = ctx.attr._tool_deps,
    )
