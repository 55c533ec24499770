"""Paths and quoting: runfiles paths of files, and shell quoting of strings written into scripts."""

def runfiles_path(ctx, file):
    """Path of `file` relative to the runfiles root, without hard-coded repo names.

    Args:
      ctx: rule context.
      file: File.
    Returns:
      str.
    """
    if file.short_path.startswith("../"):
        return file.short_path[3:]
    return ctx.workspace_name + "/" + file.short_path

def shell_quote(s):
    """`s` as one single-quoted POSIX shell word.

    Args:
      s: str.
    Returns:
      str.
    """
    return "'" + s.replace("'", "'\\''") + "'"
