"""uv_sdist_wheel: an sdist built into a wheel in one PySdistBuild action (build_helper.py).

Native sdists build in the exec group `target`, whose toolchains include the
sentinel (uv/BUILD.bazel): Bazel can only pick an execution platform of the
target's os, cpu and libc, the action inherits its `exec_properties`, and the
target interpreter (valid on such an executor) runs the build. Pure sdists
build once in the exec configuration, with the exec interpreter, whatever the
target.
"""

load("//py:defs.bzl", "PyPackageInfo")
load("//py:utils.bzl", "LIMIT_ATTRS", "PY_TOOLS_EXEC_GROUP", "TARGET_PLATFORM_ATTRS", "TARGET_TOOLCHAIN", "constraint_names", "display_label", "py_tools_exec_groups", "target_platform")
load("//uv/private:providers.bzl", "UvTargetPlatformInfo")
load(":sdist_build_action.bzl", "sdist_build_action")

SENTINEL = Label("//uv:execution_platform_matching_target_platform")
TARGET_GROUP = "target"
_BUILD_TOOLS = ["@xpy_tools//:build", "@xpy_tools//:pyproject_hooks", "@xpy_tools//:packaging", "//uv/private/sdist_build:build_helper"]

def _native_interpreter(ctx, target):
    """The target interpreter for a native build, after checking that an executor like the target exists."""
    group = ctx.exec_groups[TARGET_GROUP]
    what = "%s %s (sdist)" % (ctx.attr.package, ctx.attr.version)
    platform = display_label(ctx.fragments.platform.platform)
    if not group.toolchains[SENTINEL]:
        fail(("%s is native, so it must build on an executor of the target platform %s (%s), and no execution " +
              "platform has its os, cpu%s. Fix: register one (register_execution_platforms or " +
              "--extra_execution_platforms) with the target's constraints (%s) and the exec_properties of such " +
              "workers (e.g. {\"OSFamily\": \"Linux\", \"Arch\": \"arm64\"}); or depend on a version with a wheel " +
              "for this platform; or, if it compiles nothing, mark it pure: " +
              "uv.override_package(name = \"%s\", pure = True).") % (
            what,
            platform,
            " ".join([p for p in (target.os, target.cpu, target.libc) if p]),
            " and libc" if target.libc else "",
            ", ".join(constraint_names(target.os, target.cpu, target.libc)),
            ctx.attr.package,
        ))
    toolchain = group.toolchains[TARGET_TOOLCHAIN]
    if not toolchain:
        fail(("%s is native and needs a Python interpreter for the target platform %s to build with, on its " +
              "executor. Fix: declare one for its os/cpu with python.executor(...) or python.archive(...) " +
              "(docs/toolchains.md).") % (what, platform))
    return toolchain.py

def _target(ctx):
    """(os, cpu, libc) of the target platform, from its constraints; fail() when they do not say."""
    target = target_platform(ctx)
    if not target.os or not target.cpu:
        fail("%s %s (sdist) is native, and the target platform %s has no @platforms//os or @platforms//cpu constraint. Fix: build for a platform with both." % (
            ctx.attr.package,
            ctx.attr.version,
            display_label(ctx.fragments.platform.platform),
        ))
    return target

def _uv_sdist_wheel_impl(ctx):
    target, target_json, py, exec_group = None, "", None, PY_TOOLS_EXEC_GROUP
    if ctx.attr.native:
        target = _target(ctx)
        py, exec_group = _native_interpreter(ctx, target), TARGET_GROUP
        if ctx.attr.target_platform:
            target_json = ctx.attr.target_platform[UvTargetPlatformInfo].json
    out = ctx.actions.declare_directory(ctx.label.name + ".wheelhouse")
    log = ctx.actions.declare_file(ctx.label.name + ".build.log")
    sdist_build_action(ctx, out = out, log = log, py = py, exec_group = exec_group, target = target, target_json = target_json)
    return [DefaultInfo(files = depset([out])), OutputGroupInfo(build_log = depset([log]))]

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
        "target_platform": attr.label(
            providers = [UvTargetPlatformInfo],
            doc = "The hub's description of the target platform (`@<hub>//_platforms:current`): native builds check their wheel against its libc and macOS versions and Python version.",
        ),
        "_helper": attr.label(
            default = "//uv/private/sdist_build:build_helper.py",
            allow_single_file = True,
            cfg = config.exec(TARGET_GROUP),
        ),
        "_build_tools": attr.label_list(default = _BUILD_TOOLS, providers = [PyPackageInfo], cfg = config.exec(TARGET_GROUP)),
    } | TARGET_PLATFORM_ATTRS | LIMIT_ATTRS,
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

def uv_sdist_wheel(*, name, sdist, package, version, native, build_deps = [], env = {}, target_platform = None, visibility = None):
    """A wheel built from an sdist: natively for the target platform, or once (pure) for all.

    Args:
      name: str, the target with the wheel (a directory holding one `.whl`).
      sdist: label of the sdist archive.
      package: str, its package name.
      version: str, its version.
      native: bool, whether it compiles code for the target platform.
      build_deps: list of labels of installed build requirements.
      env: dict of environment variables for the build.
      target_platform: label of the hub's description of the target platform (`@<hub>//_platforms:current`),
        which a native build checks its wheel against; None: only the target's constraints.
      visibility: visibility of `name`.
    """
    attrs = dict(sdist = sdist, package = package, version = version, build_deps = build_deps, env = env)
    if native:
        _uv_sdist_wheel(name = name, native = True, target_platform = target_platform, visibility = visibility, **attrs)
    else:
        _uv_sdist_wheel(name = name + "_pure", native = False, **attrs)
        _exec_wheel(name = name, src = ":%s_pure" % name, visibility = visibility)
