"""Labels of rules_xpy's toolchain types, for rules to request them."""

TARGET_TOOLCHAIN = Label("//py:toolchain_type")
EXEC_TOOLCHAIN = Label("//py:exec_toolchain_type")

# The exec group of every action that runs a Python tool of the ruleset.
PY_TOOLS_EXEC_GROUP = "py_tools"

def py_tools_exec_groups():
    """Exec groups of a rule whose actions run the ruleset's Python tools.

    Returns:
      dict, for a rule's `exec_groups`.
    """
    return {PY_TOOLS_EXEC_GROUP: exec_group(toolchains = [EXEC_TOOLCHAIN])}
