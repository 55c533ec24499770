"""Build settings of rules_xpy: the limits its tools read archives and wheels within (docs/security.md)."""

UnpackLimitsInfo = provider(
    doc = "The value of an int build setting of rules_xpy's unpack limits.",
    fields = {"value": "int: the limit."},
)

def _int_setting_impl(ctx):
    if ctx.build_setting_value <= 0:
        fail("%s: %d is not a limit; give a positive number." % (ctx.label, ctx.build_setting_value))
    return [UnpackLimitsInfo(value = ctx.build_setting_value)]

int_setting = rule(
    implementation = _int_setting_impl,
    doc = "A positive int build setting (`--@rules_xpy//py:<name>=<value>`).",
    build_setting = config.int(flag = True),
)

# The private attributes of a rule that passes the limits to its tool, and how to read them.
LIMIT_ATTRS = {
    "_max_unpack_mib": attr.label(default = "//py:max_unpack_mib", providers = [UnpackLimitsInfo]),
    "_max_archive_members": attr.label(default = "//py:max_archive_members", providers = [UnpackLimitsInfo]),
}

def add_limits(ctx, args):
    """Add `--max-bytes` and `--max-members` from the build settings to a tool's arguments.

    Args:
      ctx: rule context with LIMIT_ATTRS.
      args: Args.
    """
    args.add(str(ctx.attr._max_unpack_mib[UnpackLimitsInfo].value * 1024 * 1024), format = "--max-bytes=%s")
    args.add(str(ctx.attr._max_archive_members[UnpackLimitsInfo].value), format = "--max-members=%s")
