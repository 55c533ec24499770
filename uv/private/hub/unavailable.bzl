"""uv_unavailable: a hub target that fails the build, saying why a package has no file there."""

load("//py:utils.bzl", "display_label")

def _uv_unavailable_impl(ctx):
    fail("%s (target platform: %s)" % (ctx.attr.message, display_label(ctx.fragments.platform.platform)))

uv_unavailable = rule(
    implementation = _uv_unavailable_impl,
    doc = "Fails at analysis with `message`: selected when a package cannot be installed on the target platform.",
    attrs = {
        "message": attr.string(mandatory = True, doc = "What is missing and how to fix it."),
    },
    fragments = ["platform"],
)
