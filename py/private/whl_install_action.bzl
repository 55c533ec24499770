"""Action emitter of py_whl_library: the WhlInstall action (py/tools/whl_install on the exec interpreter)."""

load(":constraints.bzl", "target_platform")
load(":labels.bzl", "display_label")
load(":py_tool.bzl", "run_py_tool")
load(":settings.bzl", "add_limits")

def whl_install_action(ctx, *, whl, tree, tag, note, layout):
    """Declare the WhlInstall action: `whl` installed into the directory `tree`, checked against the target platform.

    Args:
      ctx: rule context of py_whl_library (with TARGET_PLATFORM_ATTRS, LIMIT_ATTRS, BYTECODE_ATTRS, `_tool`, `_tool_deps`,
        the optional target toolchain and the platform fragment).
      whl: File, the wheel, or a directory holding one (an sdist build's output).
      tree: File, the output directory.
      tag: str or None, the bytecode cache tag (`bytecode_tag`): write bytecode when set.
      note: str, why there is no bytecode (for the progress message), or empty.
      layout: PyWheelLayoutInfo or None: the site-packages entries the install must give.
    """
    target = target_platform(ctx)
    args = ctx.actions.args()
    args.add(whl.path, format = "--wheel=%s")
    args.add(tree.path, format = "--output=%s")
    args.add(display_label(ctx.fragments.platform.platform), format = "--target-platform=%s")
    add_limits(ctx, args)
    if tag:
        args.add("--bytecode")
    if layout:
        args.add_all(layout.entries, format_each = "--entry=%s")
        args.add_all(layout.shared, format_each = "--shared-entry=%s")
    for flag, value in (("--target-os=%s", target.os), ("--target-cpu=%s", target.cpu), ("--target-libc=%s", target.libc)):
        if value:
            args.add(value, format = flag)
    run_py_tool(
        ctx,
        tool = ctx.file._tool,
        args = args,
        inputs = [whl],
        outputs = [tree],
        mnemonic = "WhlInstall",
        progress_message = "Installing %s %%{label}%s" % (
            whl.basename if not whl.is_directory else "the wheel built from source",
            " (%s)" % note if note else "",
        ),
        deps = ctx.attr._tool_deps,
        worker = True,
    )
