"""uv_file and uv_sdist: the repositories of a lock's files (downloaded, sha256-checked) and of sdists' wheels."""

load("//py:utils.bzl", "TOOL_WHEELS", "download_checked")
load(":host_python.bzl", "RULES_XPY", "host_python", "run_host_tool")

_INSPECT = Label("//uv/private/sdist_build:sdist_inspect.py")
_LAYOUT = Label("//uv/private:wheel_layout.py")
_MODIFY = Label("//uv/private:modify_file.py")
_WORK = ".xpy_modify"
_DEFS = Label("//py:defs.bzl")

def _what(a):
    return "%s %s from %s (hub @%s)" % (a.package, a.version, a.lock, a.hub)

def _modified(rctx, python):
    """Download the file, unpack it, apply the override's patches, exclude and data, and pack it into `file/`."""
    a = rctx.attr
    what = "%s: cannot apply its override_package(patches, exclude, data):" % _what(a)
    original = "%s/original/%s" % (_WORK, a.filename)
    download_checked(rctx, url = a.url, output = original, sha256 = a.sha256, what = _what(a))
    common = ["--root=.", "--work=" + _WORK]
    rctx.report_progress("Patching %s" % a.filename)
    run_host_tool(rctx, python, _MODIFY, ["unpack", "--file=" + original, "--kind=" + a.kind] + common, what)
    for patch in a.patches:
        rctx.patch(patch, strip = a.patch_strip)
    args = ["pack", "--file=file/" + a.filename, "--kind=" + a.kind] + common
    args += ["--exclude=" + e for e in a.exclude]
    args += ["--add=%s=%s" % (rctx.path(label), dest) for label, dest in sorted(a.data.items(), key = lambda kv: kv[1])]
    run_host_tool(rctx, python, _MODIFY, args, what)
    rctx.delete(_WORK)

def _uv_file_impl(rctx):
    a = rctx.attr
    rctx.report_progress("Fetching %s" % a.filename)
    python = host_python(rctx, _what(a))
    if a.patches or a.exclude or a.data:
        _modified(rctx, python)
    else:
        download_checked(rctx, url = a.url, output = "file/" + a.filename, sha256 = a.sha256, what = _what(a))
    rctx.file("file/BUILD.bazel", 'filegroup(\n    name = "file",\n    srcs = [%r],\n    visibility = ["//visibility:public"],\n)\n' % a.filename)
    if a.kind == "wheel":
        args = ["--wheel=file/" + a.filename, "--defs=%s" % _DEFS, "--output=BUILD.bazel"]
        run_host_tool(rctx, python, _LAYOUT, args, "%s: cannot list the wheel:" % _what(a))
        return
    rctx.file("BUILD.bazel", 'exports_files(["sdist.json"], visibility = ["//visibility:public"])\n')
    if a.kind == "sdist":
        rctx.report_progress("Inspecting %s" % a.filename)
        args = ["facts", "--sdist=file/" + a.filename, "--output=sdist.json"]
        run_host_tool(rctx, python, _INSPECT, args, "%s: cannot build from its sdist:" % _what(a))

uv_file = repository_rule(
    implementation = _uv_file_impl,
    doc = "One downloaded file of a lock: `//file` is the file, named as in the lock (changed as `patches`, `exclude` and `data` say); for a wheel, `//:layout` is its py_whl_layout (from its zip listing); for an sdist, `//:sdist.json` says how it builds.",
    attrs = {
        "url": attr.string(mandatory = True, doc = "Where to download the file."),
        "sha256": attr.string(mandatory = True, doc = "Its SHA-256, from the lock."),
        "filename": attr.string(mandatory = True, doc = "Its file name (`.whl`, `.tar.gz`, `.zip`)."),
        "kind": attr.string(values = ["wheel", "sdist"], doc = "What the file is."),
        "package": attr.string(doc = "Package name, for messages."),
        "version": attr.string(doc = "Package version, for messages."),
        "lock": attr.string(doc = "The lock's label, for messages."),
        "hub": attr.string(doc = "The hub's name, for messages."),
        "patches": attr.label_list(allow_files = True, doc = "Patch files applied to the unpacked file (`override_package(patches)`)."),
        "patch_strip": attr.int(doc = "Leading path components the patches' file names lose (`patch -p`)."),
        "exclude": attr.string_list(doc = "Globs of wheel paths to drop."),
        "data": attr.label_keyed_string_dict(allow_files = True, doc = "Files to add to the wheel -> their paths in it."),
    },
)

def _defaults():
    """`--default=name=version=label` of the pinned wheels that may satisfy build requirements."""
    out = []
    for key, wheel in sorted(TOOL_WHEELS.items()):
        version = wheel.url.rpartition("/")[2].split("-")[1]
        out.append("--default=%s=%s=%s" % (key.replace("_", "-"), version, Label("@xpy_tools//:" + key)))
    return out

def _uv_sdist_impl(rctx):
    a = rctx.attr
    args = ["build"] + _defaults() + [
        "--facts=%s" % rctx.path(a.facts),
        "--sdist-label=" + a.sdist,
        "--package=" + a.package,
        "--version=" + a.version,
        "--hub=" + a.hub,
        "--native=" + a.native,
        "--rules-xpy=" + RULES_XPY,
        "--output=BUILD.bazel",
    ]
    args += ["--lock-package=%s=%s" % (name, v) for name, versions in sorted(a.lock_packages.items()) for v in versions]
    args += ["--build-dep=" + d for d in a.build_deps]
    args += ["--env=%s=%s" % kv for kv in sorted(a.env.items())]
    run_host_tool(rctx, host_python(rctx, _what(a)), _INSPECT, args, "%s: cannot build from its sdist:" % _what(a))

uv_sdist = repository_rule(
    implementation = _uv_sdist_impl,
    doc = "The wheel of an sdist of a lock: `//:wheel` builds the sdist (`uv_sdist_wheel`) with its build requirements resolved against the lock. Re-runs when the lock changes; the sdist itself is read only by its `uv_file`.",
    attrs = {
        "facts": attr.label(mandatory = True, doc = "The sdist's `sdist.json` (`@<file repo>//:sdist.json`)."),
        "sdist": attr.string(mandatory = True, doc = "The sdist's label as the BUILD file names it (`@<file repo>//file`)."),
        "package": attr.string(doc = "Package name."),
        "version": attr.string(doc = "Package version."),
        "lock": attr.string(doc = "The lock's label, for messages."),
        "hub": attr.string(doc = "The hub's name: build requirements from the lock are its packages."),
        "native": attr.string(default = "auto", values = ["auto", "yes", "no"], doc = "Native build (yes), pure (no) or detected from its contents (auto)."),
        "build_deps": attr.string_list(doc = "Extra build requirements, names of packages in the lock."),
        "env": attr.string_dict(doc = "Environment variables of its build."),
        "lock_packages": attr.string_list_dict(doc = "Every third-party package of the lock -> its locked versions, to resolve build requirements against."),
    },
)
