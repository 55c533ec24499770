"""The `py_interpreter` rule: a Python interpreter as a toolchain implementation."""

load(":constraints.bzl", "CPU_CONSTRAINTS", "LIBC_CONSTRAINTS", "OS_CONSTRAINTS")
load(":labels.bzl", "display_label")
load(":providers.bzl", "PyInterpreterInfo")

_OSES = list(OS_CONSTRAINTS)
_CPUS = list(CPU_CONSTRAINTS)

def _abi(implementation, version):
    parts = version.split(".")
    if implementation != "cpython" or len(parts) < 2:
        return "none"
    return "cp%s%s" % (parts[0], parts[1])

def _py_interpreter_impl(ctx):
    if bool(ctx.file.interpreter) == bool(ctx.attr.interpreter_path):
        fail("%s: set exactly one of `interpreter` (a file of the build) or `interpreter_path` (an absolute path on the executor)." % display_label(ctx.label))
    if ctx.attr.interpreter_path and not ctx.attr.interpreter_path.startswith("/"):
        fail("%s: interpreter_path %r must be absolute." % (display_label(ctx.label), ctx.attr.interpreter_path))
    if ctx.attr.os not in _OSES or ctx.attr.cpu not in _CPUS:
        fail("%s: os must be one of %s and cpu one of %s." % (display_label(ctx.label), _OSES, _CPUS))
    if ctx.attr.libc and (ctx.attr.os != "linux" or ctx.attr.libc not in LIBC_CONSTRAINTS):
        fail("%s: libc %r: set it only for linux, to one of %s." % (display_label(ctx.label), ctx.attr.libc, list(LIBC_CONSTRAINTS)))
    if len(ctx.attr.python_version.split(".")) < 2:
        fail("%s: python_version %r must be `X.Y` or `X.Y.Z`." % (display_label(ctx.label), ctx.attr.python_version))
    files = depset(
        ([ctx.file.interpreter] if ctx.file.interpreter else []),
        transitive = [t[DefaultInfo].files for t in ctx.attr.files],
    )
    info = PyInterpreterInfo(
        interpreter = ctx.file.interpreter,
        interpreter_path = ctx.attr.interpreter_path or None,
        files = files,
        version = ctx.attr.python_version,
        implementation = ctx.attr.implementation,
        abi = _abi(ctx.attr.implementation, ctx.attr.python_version),
        os = ctx.attr.os,
        cpu = ctx.attr.cpu,
        libc = ctx.attr.libc or ("glibc" if ctx.attr.os == "linux" else ""),
    )
    return [info, platform_common.ToolchainInfo(py = info)]

py_interpreter = rule(
    implementation = _py_interpreter_impl,
    doc = """A Python interpreter, used as the implementation of a `toolchain()`
of type `@rules_xpy//py:toolchain_type` (what binaries run) or
`@rules_xpy//py:exec_toolchain_type` (what the ruleset's tools run on).

The `python` module extension declares these for you; write one by hand only
for an interpreter it cannot describe.

```starlark
py_interpreter(
    name = "worker_python",
    interpreter_path = "/usr/bin/python3.11",
    python_version = "3.11.2",
    os = "linux",
    cpu = "aarch64",
)
```""",
    attrs = {
        "interpreter": attr.label(
            allow_single_file = True,
            doc = "The interpreter binary, part of the build (e.g. from a downloaded archive). Exclusive with `interpreter_path`.",
        ),
        "interpreter_path": attr.string(
            doc = "Absolute path of an interpreter installed on the machine that runs it (the host, or an RBE worker image). Exclusive with `interpreter`.",
        ),
        "files": attr.label_list(
            allow_files = True,
            doc = "Runtime files of `interpreter` (standard library, shared libraries).",
        ),
        "python_version": attr.string(
            mandatory = True,
            doc = "Version of the interpreter, `X.Y.Z` (or `X.Y`).",
        ),
        "implementation": attr.string(
            default = "cpython",
            doc = "`sys.implementation.name` of the interpreter.",
        ),
        "os": attr.string(
            mandatory = True,
            doc = "Operating system it runs on: `linux`, `macos` or `windows`.",
        ),
        "cpu": attr.string(
            mandatory = True,
            doc = "CPU it runs on: `x86_64` or `aarch64`.",
        ),
        "libc": attr.string(
            doc = "Linux only: the C library it is built for, `glibc` (the default) or `musl`.",
        ),
    },
    provides = [PyInterpreterInfo],
)
