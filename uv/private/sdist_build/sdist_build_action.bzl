"""Action emitter of uv_sdist_wheel: the PySdistBuild action (build_helper.py), one sdist into one wheel."""

load("//py:utils.bzl", "add_limits", "display_label", "run_py_tool")

def sdist_build_action(ctx, *, out, log, py, exec_group, target, target_json):
    """Declare the PySdistBuild action: the sdist in, a wheelhouse with one wheel (and the backend's log) out.

    Args:
      ctx: rule context of uv_sdist_wheel (`sdist`, `package`, `version`, `native`, `env`, `_helper`, `_build_tools`, `build_deps`).
      out: File, the wheelhouse directory.
      log: File, the backend's output.
      py: PyInterpreterInfo to build with (the target interpreter for native builds), or None: the exec interpreter.
      exec_group: str, the exec group of the action.
      target: struct(os, cpu, libc) of the target platform (native builds), or None.
      target_json: str, the hub's description of the target platform (native builds), or "".
    """
    what = "%s %s (sdist)" % (ctx.attr.package, ctx.attr.version)
    platform = display_label(ctx.fragments.platform.platform)
    args = ctx.actions.args()
    args.add(ctx.file.sdist, format = "--sdist=%s")
    args.add(out.path, format = "--output=%s")
    args.add(log.path, format = "--log=%s")
    args.add(ctx.attr.package, format = "--package=%s")
    args.add(ctx.attr.version, format = "--version=%s")
    args.add("--kind=" + ("native" if ctx.attr.native else "pure"))
    add_limits(ctx, args)
    missing = ""
    if target:
        args.add(platform, format = "--target-platform=%s")
        args.add(target.os, format = "--target-os=%s")
        args.add(target.cpu, format = "--target-cpu=%s")
        if target.libc:
            args.add(target.libc, format = "--target-libc=%s")
        if target_json:
            args.add(target_json, format = "--target-json=%s")
        missing = ("%s is a native build for %s, so it runs the target interpreter %%s, and this executor (%%s) " +
                   "has none: it is not an executor of %s %s%s. Fix: build with a remote executor whose workers are " +
                   "of that platform, and an execution platform for them (rules_xpy's e2e workspaces: --config=rbe); " +
                   "or depend on a version with a wheel for this platform.") % (
            what,
            platform,
            target.os,
            target.cpu,
            " " + target.libc if target.libc else "",
        )
    args.add_all(["%s=%s" % kv for kv in sorted(ctx.attr.env.items())], format_each = "--env=%s")
    run_py_tool(
        ctx,
        tool = ctx.file._helper,
        args = args,
        inputs = [ctx.file.sdist],
        outputs = [out, log],
        mnemonic = "PySdistBuild",
        progress_message = "Building wheel %s %s (sdist) for %s" % (
            ctx.attr.package,
            ctx.attr.version,
            "%s_%s%s" % (target.os, target.cpu, "_musl" if target.libc == "musl" else "") if target else "any platform (pure)",
        ),
        deps = ctx.attr._build_tools + ctx.attr.build_deps,
        py = py,
        exec_group = exec_group,
        shell_env = True,  # PATH: compilers, and tools such as git for setuptools-scm
        missing_interpreter = missing,
    )
