"""image_index: one target holding a binary built for several target platforms (1:N transition)."""

def _platforms_transition_impl(_settings, attr):
    return {str(p): {"//command_line_option:platforms": str(p)} for p in attr.platforms}

_platforms_transition = transition(
    implementation = _platforms_transition_impl,
    inputs = [],
    outputs = ["//command_line_option:platforms"],
)

def _image_index_impl(ctx):
    files = [t[DefaultInfo].files_to_run.executable for t in ctx.attr.app]
    runfiles = ctx.runfiles().merge_all([t[DefaultInfo].default_runfiles for t in ctx.attr.app])
    return [DefaultInfo(files = depset(files), runfiles = runfiles)]

image_index = rule(
    implementation = _image_index_impl,
    doc = "Builds `app` once per entry of `platforms` (as an image index holds one image per arch).",
    attrs = {
        "app": attr.label(mandatory = True, cfg = _platforms_transition, doc = "The binary."),
        "platforms": attr.label_list(mandatory = True, doc = "Target platforms to build `app` for."),
    },
)
