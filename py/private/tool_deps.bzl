"""Repositories of the ruleset's own Python dependencies: one per pinned wheel, plus a hub.

`@xpy_tools//:<name>` is a py_library of the wheel `<name>` (see versions.bzl),
extracted as is: these are pure wheels, so extracting is installing.
"""

load(":versions.bzl", "TOOL_WHEELS")

_DEFS = Label("//py:defs.bzl")

def _wheel_impl(rctx):
    rctx.report_progress("Fetching %s" % rctx.attr.url.rpartition("/")[2])
    rctx.download_and_extract(rctx.attr.url, sha256 = rctx.attr.sha256, type = "zip", output = "site-packages")
    rctx.file("BUILD.bazel", """load("{defs}", "py_library")

py_library(
    name = "pkg",
    srcs = glob(["site-packages/**/*.py"]),
    data = glob(["site-packages/**"], exclude = ["site-packages/**/*.py"]),
    imports = ["site-packages"],
    deps = {deps},
    visibility = ["//visibility:public"],
)
""".format(defs = _DEFS, deps = repr(["@xpy_tools_%s//:pkg" % d for d in rctx.attr.deps])))

_wheel = repository_rule(
    implementation = _wheel_impl,
    attrs = {
        "url": attr.string(mandatory = True),
        "sha256": attr.string(mandatory = True),
        "deps": attr.string_list(),
    },
)

def _hub_impl(rctx):
    rctx.file("BUILD.bazel", "".join([
        'alias(\n    name = "%s",\n    actual = "@xpy_tools_%s//:pkg",\n    visibility = ["//visibility:public"],\n)\n\n' % (name, name)
        for name in sorted(TOOL_WHEELS)
    ]))

_hub = repository_rule(implementation = _hub_impl)

def _tool_deps_impl(_mctx):
    for name, wheel in TOOL_WHEELS.items():
        _wheel(name = "xpy_tools_" + name, url = wheel.url, sha256 = wheel.sha256, deps = wheel.deps)
    _hub(name = "xpy_tools")

tool_deps = module_extension(
    implementation = _tool_deps_impl,
    doc = "Internal: the pinned wheels of rules_xpy's tools (`@xpy_tools//:<name>`).",
)
