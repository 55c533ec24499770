"""uv_hub: the `@<name>` repository of a lock, whose files the extension generated (hub_gen.py)."""

def _uv_hub_impl(rctx):
    for path, text in rctx.attr.files.items():
        rctx.file(path, text)

uv_hub = repository_rule(
    implementation = _uv_hub_impl,
    doc = "Writes the hub's generated files: per-package `BUILD.bazel`, `requirements.bzl`, `plan.json`.",
    attrs = {"files": attr.string_dict(mandatory = True, doc = "Path in the repository -> text.")},
)
