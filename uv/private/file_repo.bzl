"""uv_file: a repository holding one file of a lock (wheel or sdist), downloaded and sha256-checked."""

load("//py:utils.bzl", "TOOL_WHEELS", "download_checked")
load(":host_python.bzl", "RULES_XPY", "host_python", "run_host_tool")

_INSPECT = Label("//uv/private/sdist_build:sdist_inspect.py")

def _defaults():
    """`--default=name=version=label` of the pinned wheels that may satisfy build requirements."""
    out = []
    for key, wheel in sorted(TOOL_WHEELS.items()):
        version = wheel.url.rpartition("/")[2].split("-")[1]
        out.append("--default=%s=%s=%s" % (key.replace("_", "-"), version, Label("@xpy_tools//:" + key)))
    return out

def _inspect_sdist(rctx, what):
    """Write the BUILD file of an sdist's repository (`//:wheel`) with sdist_inspect.py."""
    a = rctx.attr
    rctx.report_progress("Inspecting %s" % a.filename)
    args = _defaults() + [
        "--sdist=file/" + a.filename,
        "--package=" + a.package,
        "--version=" + a.version,
        "--hub=" + a.hub,
        "--native=" + a.native,
        "--rules-xpy=" + RULES_XPY,
        "--output=BUILD.bazel",
    ]
    args += ["--lock-package=%s=%s" % kv for kv in sorted(a.lock_packages.items())]
    args += ["--build-dep=" + d for d in a.build_deps]
    args += ["--env=%s=%s" % kv for kv in sorted(a.env.items())]
    run_host_tool(rctx, host_python(rctx, what), _INSPECT, args, "%s: cannot build from its sdist:" % what)

def _uv_file_impl(rctx):
    a = rctx.attr
    rctx.report_progress("Fetching %s" % a.filename)
    what = "%s %s from %s (hub @%s)" % (a.package, a.version, a.lock, a.hub)
    download_checked(rctx, url = a.url, output = "file/" + a.filename, sha256 = a.sha256, what = what)
    rctx.file("file/BUILD.bazel", 'filegroup(\n    name = "file",\n    srcs = [%r],\n    visibility = ["//visibility:public"],\n)\n' % a.filename)
    if a.kind == "sdist":
        _inspect_sdist(rctx, what)
    else:
        rctx.file("BUILD.bazel", "")

uv_file = repository_rule(
    implementation = _uv_file_impl,
    doc = "One downloaded file of a lock: `//file` is the file, named as in the lock; for an sdist, `//:wheel` is its wheel.",
    attrs = {
        "url": attr.string(mandatory = True, doc = "Where to download the file."),
        "sha256": attr.string(mandatory = True, doc = "Its SHA-256, from the lock."),
        "filename": attr.string(mandatory = True, doc = "Its file name (`.whl`, `.tar.gz`, `.zip`)."),
        "kind": attr.string(values = ["wheel", "sdist"], doc = "What the file is."),
        "package": attr.string(doc = "Package name, for messages."),
        "version": attr.string(doc = "Package version, for messages."),
        "lock": attr.string(doc = "The lock's label, for messages."),
        "hub": attr.string(doc = "The hub's name: build requirements from the lock are its packages."),
        "native": attr.string(default = "auto", values = ["auto", "yes", "no"], doc = "sdist: native build (yes), pure (no) or detected from its contents (auto)."),
        "build_deps": attr.string_list(doc = "sdist: extra build requirements, names of packages in the lock."),
        "env": attr.string_dict(doc = "sdist: environment variables of its build."),
        "lock_packages": attr.string_dict(doc = "sdist: every third-party package of the lock -> its version, to resolve build requirements against."),
    },
)
