"""py_whl_layout: the site-packages entries of a wheel, so that venvs link it into one merged `site-packages/`."""

load(":providers.bzl", "PyWheelLayoutInfo")

def _py_whl_layout_impl(ctx):
    unknown = [s for s in ctx.attr.shared if s not in ctx.attr.entries]
    if unknown:
        fail("%s: shared: %r is not an entry; list it in `entries`." % (ctx.label, unknown[0]))
    return [PyWheelLayoutInfo(entries = ctx.attr.entries, shared = ctx.attr.shared)]

py_whl_layout = rule(
    implementation = _py_whl_layout_impl,
    doc = """The site-packages layout of a wheel, for `py_whl_library(layout = ...)`.

A venv links each entry of each installed wheel into its own `site-packages/`,
so `sys.path` has one entry however many packages there are. The lock hubs
generate it from each downloaded wheel's listing; WhlInstall checks that the
installed wheel matches it. Without a layout, a wheel keeps its own `sys.path`
entry.

```starlark
py_whl_layout(
    name = "six_layout",
    entries = ["six-1.16.0.dist-info", "six.py"],
)
```""",
    attrs = {
        "entries": attr.string_list(
            mandatory = True,
            doc = "Paths inside site-packages that the wheel owns: top-level files, `.dist-info`, package directories, and inside a namespace directory its own entries (`google/protobuf`).",
        ),
        "shared": attr.string_list(
            doc = "Entries that other wheels may ship too (a legacy namespace package's `__init__.py`): a venv links one of them.",
        ),
    },
    provides = [PyWheelLayoutInfo],
)
