"""How the ruleset shows labels to users."""

def display_label(label):
    """`//pkg:name` for the main repository (not `@@//pkg:name`), else the full label.

    Args:
      label: Label.
    Returns:
      str.
    """
    if not label.workspace_name:
        return "//%s:%s" % (label.package, label.name)
    return str(label)
