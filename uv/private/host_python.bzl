"""The Python that runs the ruleset's lock tools in the repository phase (module or repository ctx)."""

_PACKAGING = Label("@xpy_tools_packaging//:BUILD.bazel")
_XPY_LIB = Label("//py/tools/lib:BUILD.bazel")
_TOOL_PYTHON = Label("@xpy_tool_python//:python.txt")

# The canonical name of rules_xpy's repository (`@@rules_xpy~`), for labels in generated BUILD files.
RULES_XPY = str(Label("//:BUILD.bazel")).partition("//")[0]

def host_python(ctx, what):
    """The Python that runs the lock tools: a declared interpreter that runs on this host, else python3 on PATH.

    The declared one is the first `python.local`, else the first `python.archive` for this host's os and
    cpu, of Python 3.11+ (`@xpy_tool_python`); the tools read TOML with tomllib.

    Args:
      ctx: module_ctx or repository_ctx.
      what: str, who needs it, named in errors.
    Returns:
      path of the interpreter.
    """
    declared = ctx.read(ctx.path(_TOOL_PYTHON)).strip()
    if declared:
        return declared
    python = ctx.which("python3")
    fix = "declare an interpreter for this host (%s %s) in MODULE.bazel: python.archive(...) or python.local(...), Python 3.11 or newer; or put a Python 3.11+ `python3` on PATH" % (ctx.os.name, ctx.os.arch)
    if not python:
        fail("%s: no Python 3.11+ to run rules_xpy's lock tools with: no declared interpreter runs on this host, and no python3 is on PATH. Fix: %s." % (what, fix))
    res = ctx.execute([python, "-c", "import sys; print(sys.version_info >= (3, 11))"])
    if res.stdout.strip() != "True":
        fail("%s: %s is older than Python 3.11 (tomllib is needed to read locks), and no declared interpreter runs on this host. Fix: %s." % (what, python, fix))
    return python

def run_host_tool(ctx, python, tool, args, what):
    """Run the Python tool `tool` (a Label) with the pinned packaging wheel and rules_xpy's xpy library on its path.

    fail() with the tool's ERROR line when it fails.

    Args:
      ctx: module_ctx or repository_ctx.
      python: path of the interpreter (`host_python`).
      tool: Label of the tool's .py file.
      args: list of str, the tool's arguments.
      what: str, the first line of the failure message.
    """
    path = [str(ctx.path(_PACKAGING).dirname.get_child("site-packages")), str(ctx.path(_XPY_LIB).dirname)]
    res = ctx.execute([python, "-B", "-s", ctx.path(tool)] + args, environment = {"PYTHONPATH": ":".join(path)}, quiet = True)
    if res.return_code != 0:
        fail("%s\n%s" % (what, res.stderr.strip()))
