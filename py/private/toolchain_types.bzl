"""Labels of rules_xpy's toolchain types, for rules to request them."""

load(":labels.bzl", "display_label")

TARGET_TOOLCHAIN = Label("//py:toolchain_type")
EXEC_TOOLCHAIN = Label("//py:exec_toolchain_type")

# The exec group of every action that runs a Python tool of the ruleset.
PY_TOOLS_EXEC_GROUP = "py_tools"

def target_toolchains():
    """Toolchains of a rule that runs the target interpreter (optional: the rule explains a missing one).

    Returns:
      list, for a rule's `toolchains`.
    """
    return [config_common.toolchain_type(TARGET_TOOLCHAIN, mandatory = False)]

def target_interpreter(ctx):
    """PyInterpreterInfo of the target interpreter, or fail() with how to declare one.

    Args:
      ctx: rule context of a rule with `target_toolchains()`.
    Returns:
      PyInterpreterInfo.
    """
    toolchain = ctx.toolchains[TARGET_TOOLCHAIN]
    if not toolchain:
        fail(("%s: no Python interpreter for the target platform (--platforms). Fix: declare one for its os/cpu in " +
              "MODULE.bazel with python.archive(...) or python.executor(...) (docs/toolchains.md), " +
              "or build for a platform that has one.") % display_label(ctx.label))
    return toolchain.py

def py_tools_exec_groups():
    """Exec groups of a rule whose actions run the ruleset's Python tools.

    Returns:
      dict, for a rule's `exec_groups`.
    """
    return {PY_TOOLS_EXEC_GROUP: exec_group(toolchains = [EXEC_TOOLCHAIN])}
