"""Action emitter: run one of the ruleset's Python tools with the exec interpreter."""

load(":providers.bzl", "PyPackageInfo")
load(":toolchain_types.bzl", "EXEC_TOOLCHAIN", "PY_TOOLS_EXEC_GROUP")

def _execroot_path(ctx, import_root):
    """Execroot path of an import root (a runfiles path) of a source-file package."""
    main = ctx.workspace_name + "/"
    return import_root[len(main):] if import_root.startswith(main) else "external/" + import_root

def run_py_tool(ctx, *, tool, args, inputs, outputs, mnemonic, progress_message, deps = []):
    """Run `tool` (a .py File) with the exec interpreter in the `py_tools` exec group.

    Arguments go through a param file (`@file`), which the tools read with argparse.

    Args:
      ctx: rule context of a rule with `py_tools_exec_groups()`.
      tool: File, the tool's main module.
      args: Args, the tool's arguments.
      inputs: depset[File] or list[File], the tool's data inputs.
      outputs: list[File].
      mnemonic: str.
      progress_message: str, with `%{label}`.
      deps: list[Target] with PyPackageInfo: libraries the tool imports (pinned
        `@xpy_tools` wheels: source files, so their import roots are execroot paths).
    """
    py = ctx.exec_groups[PY_TOOLS_EXEC_GROUP].toolchains[EXEC_TOOLCHAIN].py
    args.use_param_file("@%s", use_always = True)
    args.set_param_file_format("multiline")
    launch = ctx.actions.args()
    launch.add_all(["-B", "-s", tool])
    env = {"PYTHONHASHSEED": "0", "SOURCE_DATE_EPOCH": "315532800"}
    if deps:
        roots = depset(transitive = [d[PyPackageInfo].imports for d in deps]).to_list()
        env["PYTHONPATH"] = ":".join([_execroot_path(ctx, r) for r in roots])
    ctx.actions.run(
        executable = py.interpreter or py.interpreter_path,
        arguments = [launch, args],
        inputs = depset(
            [tool],
            transitive = [py.files, inputs if type(inputs) == "depset" else depset(inputs)] +
                         [d[PyPackageInfo].transitive_files for d in deps],
        ),
        outputs = outputs,
        mnemonic = mnemonic,
        progress_message = progress_message,
        exec_group = PY_TOOLS_EXEC_GROUP,
        env = env,
    )
