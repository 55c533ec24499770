"""py_ide_venv: `bazel run` writes a venv of a binary's packages for IDEs and type checkers (py/tools/venv/ide_venv.py)."""

load(":labels.bzl", "display_label")
load(":paths.bzl", "runfiles_path", "shell_quote")
load(":providers.bzl", "PyBinaryInfo")

def _py_ide_venv_impl(ctx):
    binary = ctx.attr.binary
    pythons = [f for f in binary[PyBinaryInfo].links if f.basename == "python3" and f.dirname.endswith("/bin")]
    if len(pythons) != 1:
        fail("%s: binary: %s has no venv. Fix: give a py_venv_binary, py_venv_test or py_console_script_binary." % (
            display_label(ctx.label),
            display_label(binary.label),
        ))
    venv = runfiles_path(ctx, pythons[0]).rpartition("/bin/")[0]
    script = ctx.actions.declare_file(ctx.label.name)
    ctx.actions.expand_template(
        template = ctx.file._template,
        output = script,
        substitutions = {
            "%LABEL%": shell_quote(display_label(binary.label)),
            "%TOOL%": runfiles_path(ctx, ctx.file._tool),
            "%VENV%": venv,
        },
        is_executable = True,
    )
    runfiles = ctx.runfiles(files = [ctx.file._tool]).merge(binary[DefaultInfo].default_runfiles)
    return [DefaultInfo(executable = script, runfiles = runfiles)]

py_ide_venv = rule(
    implementation = _py_ide_venv_impl,
    doc = """`bazel run` writes a real venv of `binary`'s packages for editors and type checkers.

```starlark
py_ide_venv(name = "venv", binary = "//app")
```

`bazel run //:venv` writes `.venv` in the workspace (`bazel run //:venv -- path/to/venv` elsewhere): the
binary's interpreter, and one `.pth` file listing its installed wheels (in bazel-bin) and its first-party
import roots (the workspace's source directories). Point the editor at `.venv/bin/python`. Run it again
after the lock or the deps change.""",
    attrs = {
        "binary": attr.label(mandatory = True, providers = [PyBinaryInfo], doc = "The venv binary (or test) whose packages the venv gets."),
        "_template": attr.label(default = "//py/tools/venv:ide_venv.sh", allow_single_file = True),
        "_tool": attr.label(default = "//py/tools/venv:ide_venv.py", allow_single_file = True),
    },
    executable = True,
)
