"""pex_set: one target holding a PEX built for several target platforms (1:N transition)."""

def _platforms_transition_impl(_settings, attr):
    return {str(p): {"//command_line_option:platforms": str(p)} for p in attr.platforms}

_platforms_transition = transition(
    implementation = _platforms_transition_impl,
    inputs = [],
    outputs = ["//command_line_option:platforms"],
)

def _pex_set_impl(ctx):
    return [DefaultInfo(files = depset(transitive = [t[DefaultInfo].files for t in ctx.attr.pex]))]

pex_set = rule(
    implementation = _pex_set_impl,
    doc = "Builds `pex` once per entry of `platforms`, in one Bazel invocation.",
    attrs = {
        "pex": attr.label(mandatory = True, cfg = _platforms_transition, doc = "The py_pex_binary."),
        "platforms": attr.label_list(mandatory = True, doc = "Target platforms to build `pex` for."),
    },
)
