"""uv_target_platform: the hub's description of the current target platform (`@<hub>//_platforms:current`)."""

load("//uv/private:providers.bzl", "UvTargetPlatformInfo")

def _uv_target_platform_impl(ctx):
    return [UvTargetPlatformInfo(json = ctx.attr.description)]

uv_target_platform = rule(
    implementation = _uv_target_platform_impl,
    doc = "Provides UvTargetPlatformInfo: `description` is a select() over the hub's platform config_settings.",
    attrs = {
        "description": attr.string(doc = "The platform as JSON, or empty for a platform the hub does not plan for."),
    },
    provides = [UvTargetPlatformInfo],
)
