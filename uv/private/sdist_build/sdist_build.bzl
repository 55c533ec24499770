"""uv_sdist_wheel: an sdist built into a wheel in one PySdistBuild action (build_helper.py).

Native sdists build in the exec group `target`, whose toolchains include the
sentinel (uv/BUILD.bazel): Bazel can only pick an execution platform of the
target's os and cpu, the action inherits its `exec_properties`, and the
target interpreter (valid on such an executor) runs the build. Pure sdists
build once in the exec configuration, with the exec interpreter, whatever the
target.
"""

load("//py:defs.bzl", "PyPackageInfo")
load("//py:utils.bzl", "PY_TOOLS_EXEC_GROUP", "TARGET_TOOLCHAIN", "display_label", "py_tools_exec_groups", "run_py_tool")

SENTINEL = Label("//uv:execution_platform_matching_target_platform")
TARGET_GROUP = "target"
_BUILD_TOOLS = ["@xpy_tools//:build", "@xpy_tools//:pyproject_hooks", "@xpy_tools//:packaging"]

def _native_interpreter(ctx):
    """The target interpreter for a native build, after checking that an executor like the target exists."""
    group = ctx.exec_groups[TARGET_GROUP]
    what = "%s %s (sdist)" % (ctx.attr.package, ctx.attr.version)
    platform = display_label(ctx.fragments.platform.platform)
    if not group.toolchains[SENTINEL]:
        fail(("%s is native, so it must build on an executor of the target platform %s, and no execution platform " +
              "has its os and cpu. Fix: register one (register_execution_platforms or --extra_execution_platforms) " +
              "with the target's @platforms//os and @platforms//cpu constraints and the exec_properties of such " +
              "workers (e.g. {\"OSFamily\": \"Linux\", \"Arch\": \"arm64\"}); or depend on a version with a wheel " +
              "for this platform; or, if it compiles nothing, mark it pure: " +
              "uv.override_package(name = \"%s\", pure = True).") % (what, platform, ctx.attr.package))
    toolchain = group.toolchains[TARGET_TOOLCHAIN]
    if not toolchain:
        fail(("%s is native and needs a Python interpreter for the target platform %s to build with, on its " +
              "executor. Fix: declare one for its os/cpu with python.executor(...) or python.archive(...) " +
              "(docs/toolchains.md).") % (what, platform))
    return toolchain.py

def _uv_sdist_wheel_impl(ctx):
    if ctx.attr.native:
        py, exec_group = _native_interpreter(ctx), TARGET_GROUP
        target = "%s_%s" % (py.os, py.cpu)
    else:
        py, exec_group, target = None, PY_TOOLS_EXEC_GROUP, "any platform (pure)"
    out = ctx.actions.declare_directory(ctx.label.name + ".wheelhouse")
    args = ctx.actions.args()
    args.add(ctx.file.sdist, format = "--sdist=%s")
    args.add(out.path, format = "--output=%s")
    args.add(ctx.attr.package, format = "--package=%s")
    args.add(ctx.attr.version, format = "--version=%s")
    args.add("--kind=" + ("native" if ctx.attr.native else "pure"))
    if py:
        args.add(py.os, format = "--target-os=%s")
        args.add(py.cpu, format = "--target-cpu=%s")
    args.add_all(["%s=%s" % kv for kv in sorted(ctx.attr.env.items())], format_each = "--env=%s")
    run_py_tool(
        ctx,
        tool = ctx.file._helper,
        args = args,
        inputs = [ctx.file.sdist],
        outputs = [out],
        mnemonic = "PySdistBuild",
        progress_message = "Building wheel %s %s (sdist) for %s" % (ctx.attr.package, ctx.attr.version, target),
        deps = ctx.attr._build_tools + ctx.attr.build_deps,
        py = py,
        exec_group = exec_group,
        shell_env = True,  # PATH: compilers, and tools such as git for setuptools-scm
    )
    return [DefaultInfo(files = depset([out]))]

_uv_sdist_wheel = rule(
    implementation = _uv_sdist_wheel_impl,
    doc = "Builds `sdist` into a directory holding exactly one wheel (mnemonic PySdistBuild).",
    attrs = {
        "sdist": attr.label(mandatory = True, allow_single_file = True, doc = "The sdist archive."),
        "package": attr.string(mandatory = True, doc = "Package name (the wheel must match it)."),
        "version": attr.string(mandatory = True, doc = "Package version (the wheel must match it)."),
        "native": attr.bool(doc = "Build on an executor of the target platform with the target interpreter."),
        "build_deps": attr.label_list(
            providers = [PyPackageInfo],
            doc = "Build requirements (installed packages) on the build's PYTHONPATH.",
        ),
        "env": attr.string_dict(doc = "Environment variables of the build backend."),
        "_helper": attr.label(
            default = "//uv/private/sdist_build:build_helper.py",
            allow_single_file = True,
            cfg = config.exec(TARGET_GROUP),
        ),
        "_build_tools": attr.label_list(default = _BUILD_TOOLS, providers = [PyPackageInfo], cfg = config.exec(TARGET_GROUP)),
    },
    exec_groups = py_tools_exec_groups() | {
        TARGET_GROUP: exec_group(toolchains = [
            config_common.toolchain_type(SENTINEL, mandatory = False),
            config_common.toolchain_type(TARGET_TOOLCHAIN, mandatory = False),
        ]),
    },
    fragments = ["platform"],
)

def _exec_wheel_impl(ctx):
    return [DefaultInfo(files = ctx.attr.src[DefaultInfo].files)]

_exec_wheel = rule(
    implementation = _exec_wheel_impl,
    doc = "The wheel of `src` built in the exec configuration: one build shared by every target platform.",
    attrs = {"src": attr.label(mandatory = True, cfg = "exec")},
)

def uv_sdist_wheel(*, name, sdist, package, version, native, build_deps = [], env = {}, visibility = None):
    """A wheel built from an sdist: natively for the target platform, or once (pure) for all.

    Args:
      name: str, the target with the wheel (a directory holding one `.whl`).
      sdist: label of the sdist archive.
      package: str, its package name.
      version: str, its version.
      native: bool, whether it compiles code for the target platform.
      build_deps: list of labels of installed build requirements.
      env: dict of environment variables for the build.
      visibility: visibility of `name`.
    """
    attrs = dict(sdist = sdist, package = package, version = version, build_deps = build_deps, env = env)
    if native:
        _uv_sdist_wheel(name = name, native = True, visibility = visibility, **attrs)
    else:
        _uv_sdist_wheel(name = name + "_pure", native = False, **attrs)
        _exec_wheel(name = name, src = ":%s_pure" % name, visibility = visibility)
