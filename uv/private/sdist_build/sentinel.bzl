"""sentinel_toolchain: an empty toolchain that only steers where actions run."""

def _sentinel_impl(_ctx):
    return [platform_common.ToolchainInfo()]

sentinel_toolchain = rule(
    implementation = _sentinel_impl,
    doc = "An empty `ToolchainInfo`: resolving it proves an execution platform matches the target (see uv/BUILD.bazel).",
)
