"""Repository rules for Python interpreters: a path on the machine, a downloaded archive, and the toolchain hub."""

load(":constraints.bzl", "platform_constraints")
load(":download.bzl", "download_checked")

_DEFS = Label("//py:defs.bzl")

def _interpreter_build(**attrs):
    """BUILD text declaring `:interpreter`; `attrs` maps attribute names to Starlark expressions."""
    body = "".join(["    %s = %s,\n" % (k, v) for k, v in attrs.items()])
    return 'load("%s", "py_interpreter")\n\npy_interpreter(\n    name = "interpreter",\n%s    visibility = ["//visibility:public"],\n)\n' % (_DEFS, body)

def _path_impl(rctx):
    rctx.file("BUILD.bazel", _interpreter_build(
        interpreter_path = repr(rctx.attr.interpreter_path),
        python_version = repr(rctx.attr.version),
        implementation = repr(rctx.attr.implementation),
        os = repr(rctx.attr.os),
        cpu = repr(rctx.attr.cpu),
        libc = repr(rctx.attr.libc),
    ))

path_interpreter = repository_rule(
    implementation = _path_impl,
    doc = "An interpreter by absolute path: on the host (`python.local`) or only on the executor (`python.executor`).",
    attrs = {
        "interpreter_path": attr.string(mandatory = True),
        "version": attr.string(mandatory = True),
        "implementation": attr.string(default = "cpython"),
        "os": attr.string(mandatory = True),
        "cpu": attr.string(mandatory = True),
        "libc": attr.string(),
    },
)

def default_interpreter(os):
    """The interpreter's path inside an archive when `python.archive(interpreter)` is not given."""
    return "python.exe" if os == "windows" else "bin/python3"

def _archive_impl(rctx):
    what = "python.archive(name = %r)" % rctx.attr.interpreter_name
    name = "archive.zip" if rctx.attr.url.endswith(".zip") else "archive.tar" + rctx.attr.url.rpartition(".tar")[2]
    rctx.report_progress("Downloading %s" % rctx.attr.url)
    download_checked(rctx, url = rctx.attr.url, output = name, sha256 = rctx.attr.sha256, what = what)
    rctx.extract(name, stripPrefix = rctx.attr.strip_prefix)
    rctx.delete(name)
    interpreter = rctx.attr.interpreter or default_interpreter(rctx.attr.os)
    if not rctx.path(interpreter).exists:
        fail("%s: interpreter: no %s in the archive (after strip_prefix = %r). Fix: set `interpreter` and `strip_prefix` to match the archive, whose top level has %s." % (
            what,
            interpreter,
            rctx.attr.strip_prefix,
            sorted([p.basename for p in rctx.path(".").readdir()]),
        ))
    stdlib = "Lib" if rctx.attr.os == "windows" else "lib/python" + ".".join(rctx.attr.version.split(".")[:2])
    if not rctx.path(stdlib).exists:
        fail("%s: version: the archive has no %s, so it is not Python %s. Fix: set `version` to the archive's Python version." % (what, stdlib, rctx.attr.version))
    rctx.file("BUILD.bazel", _interpreter_build(
        interpreter = repr(interpreter),
        files = 'glob(["**"], exclude = [%r, "BUILD.bazel", "REPO.bazel", "**/* *", "**/test/**"])' % interpreter,
        python_version = repr(rctx.attr.version),
        os = repr(rctx.attr.os),
        cpu = repr(rctx.attr.cpu),
        libc = repr(rctx.attr.libc),
    ))

archive_interpreter = repository_rule(
    implementation = _archive_impl,
    doc = "A relocatable interpreter archive (python-build-standalone style), downloaded and checked by sha256.",
    attrs = {
        "interpreter_name": attr.string(mandatory = True),
        "url": attr.string(mandatory = True),
        "sha256": attr.string(mandatory = True),
        "strip_prefix": attr.string(),
        "interpreter": attr.string(),
        "version": attr.string(mandatory = True),
        "os": attr.string(mandatory = True),
        "cpu": attr.string(mandatory = True),
        "libc": attr.string(),
    },
)

def _hub_impl(rctx):
    lines = ["# Toolchains of the interpreters declared with the `python` module extension, in order.", ""]
    for i, entry in enumerate(rctx.attr.interpreters):
        spec = json.decode(entry)
        constraints = [str(c) for c in platform_constraints(spec["os"], spec["cpu"], spec.get("libc", ""))]
        for kind, type_label, constraint_attr in [
            ("target", Label("//py:toolchain_type"), "target_compatible_with"),
            ("exec", Label("//py:exec_toolchain_type"), "exec_compatible_with"),
        ]:
            if spec[kind]:
                lines += [
                    "toolchain(",
                    '    name = "%s_%s_%s",' % (("00" + str(i))[-3:], spec["name"], kind),
                    '    toolchain = "@%s//:interpreter",' % spec["name"],
                    '    toolchain_type = "%s",' % type_label,
                    "    %s = %r," % (constraint_attr, constraints),
                    ")",
                    "",
                ]
    rctx.file("BUILD.bazel", "\n".join(lines))

interpreters_hub = repository_rule(
    implementation = _hub_impl,
    doc = "The `toolchain()` targets of every declared interpreter, registered by rules_xpy (sorted by name = declaration order).",
    attrs = {"interpreters": attr.string_list(doc = "JSON objects: name, os, cpu, libc, target, exec.")},
)

def _tool_python_impl(rctx):
    path = str(rctx.path(rctx.attr.interpreter)) if rctx.attr.interpreter else rctx.attr.path
    rctx.file("python.txt", path)
    rctx.file("BUILD.bazel", 'exports_files(["python.txt"], visibility = ["//visibility:public"])\n')

tool_python = repository_rule(
    implementation = _tool_python_impl,
    doc = "`//:python.txt`: the path of a declared interpreter that runs on this host (Python 3.11+), which runs rules_xpy's repository-phase tools; empty when none is declared.",
    attrs = {
        "interpreter": attr.label(doc = "The interpreter file of a `python.archive` repository."),
        "path": attr.string(doc = "Or the path of a `python.local` interpreter."),
    },
)
