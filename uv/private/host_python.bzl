"""The host's python3, running the ruleset's lock tools in the repository phase (module or repository ctx)."""

_PACKAGING = Label("@xpy_tools_packaging//:BUILD.bazel")
_XPY_LIB = Label("//py/tools/lib:BUILD.bazel")

# The canonical name of rules_xpy's repository (`@@rules_xpy~`), for labels in generated BUILD files.
RULES_XPY = str(Label("//:BUILD.bazel")).partition("//")[0]

def host_python(ctx, what):
    """The path of the host's python3, checked to be 3.11+ (the tools read TOML with tomllib).

    Args:
      ctx: module_ctx or repository_ctx.
      what: str, who needs it, named in errors.
    Returns:
      path of python3.
    """
    python = ctx.which("python3")
    if not python:
        fail("%s: no python3 on PATH to run rules_xpy's lock tools with. Fix: install Python 3.11 or newer on this machine." % what)
    res = ctx.execute([python, "-c", "import sys; print(sys.version_info >= (3, 11))"])
    if res.stdout.strip() != "True":
        fail("%s: %s is older than Python 3.11 (tomllib is needed to read uv.lock). Fix: put a Python 3.11+ `python3` first on PATH." % (what, python))
    return python

def run_host_tool(ctx, python, tool, args, what):
    """Run the Python tool `tool` (a Label) with the pinned packaging wheel and rules_xpy's xpy library on its path.

    fail() with the tool's ERROR line when it fails.

    Args:
      ctx: module_ctx or repository_ctx.
      python: path of the host python3 (`host_python`).
      tool: Label of the tool's .py file.
      args: list of str, the tool's arguments.
      what: str, the first line of the failure message.
    """
    path = [str(ctx.path(_PACKAGING).dirname.get_child("site-packages")), str(ctx.path(_XPY_LIB).dirname)]
    res = ctx.execute([python, "-B", "-s", ctx.path(tool)] + args, environment = {"PYTHONPATH": ":".join(path)}, quiet = True)
    if res.return_code != 0:
        fail("%s\n%s" % (what, res.stderr.strip()))
