"""Action emitter: run one of the ruleset's Python tools with an interpreter from a toolchain."""

load(":providers.bzl", "PyPackageInfo")
load(":toolchain_types.bzl", "EXEC_TOOLCHAIN", "PY_TOOLS_EXEC_GROUP")

_ENV = {"PYTHONHASHSEED": "0", "SOURCE_DATE_EPOCH": "315532800"}

# Runs "$@" if the interpreter "$1" exists on the executor; else prints one ERROR line: "$0" (what is
# missing and the fix), with the executor's own os and machine.
_CHECK_INTERPRETER = """if [ -x "$1" ]; then exec "$@"; fi
printf 'ERROR: %s\n' "$(printf "$0" "$1" "$(uname -sm 2>/dev/null || echo unknown)")" >&2
exit 1"""

def run_py_tool(ctx, *, tool, args, inputs, outputs, mnemonic, progress_message, deps = [], env = {}, py = None, exec_group = PY_TOOLS_EXEC_GROUP, shell_env = False, missing_interpreter = "", worker = False):
    """Run `tool` (a .py File) with the exec interpreter in the `py_tools` exec group, or with `py` in `exec_group`.

    Arguments go through a param file (`@file`), which the tools read with argparse.

    Args:
      ctx: rule context of a rule with `py_tools_exec_groups()`.
      tool: File, the tool's main module.
      args: Args, the tool's arguments.
      inputs: depset[File] or list[File], the tool's data inputs.
      outputs: list[File].
      mnemonic: str.
      progress_message: str, with `%{label}`.
      deps: list[Target] with PyPackageInfo: packages the tool imports (PYTHONPATH).
      env: dict, more environment variables (PYTHONHASHSEED=0 and a fixed SOURCE_DATE_EPOCH are always set).
      py: PyInterpreterInfo to run the tool with, valid on `exec_group`'s execution platform (default: the exec interpreter).
      exec_group: str, the exec group of the action.
      shell_env: bool, also pass Bazel's default shell environment (PATH, for compilers of native builds).
      missing_interpreter: str, for an interpreter by path (`interpreter_path`): the message printed when the
        executor has no such file, as a printf format of two `%s`, the path and the executor's `uname -sm`.
        The action then starts with `/bin/sh` (Linux and macOS executors).
      worker: bool, the tool can run as a Bazel persistent worker (`xpy.worker.serve`): locally, one process
        answers all such actions of a configuration; remotely, or with a sandboxed strategy, a process each.
    """
    py = py or ctx.exec_groups[PY_TOOLS_EXEC_GROUP].toolchains[EXEC_TOOLCHAIN].py
    args.use_param_file("@%s", use_always = True)
    args.set_param_file_format("multiline")
    launch = ctx.actions.args()
    launch.add_all(["-B", "-S", tool])  # -S: only the stdlib and PYTHONPATH (the declared deps)
    env = _ENV | env
    if deps:
        roots = depset(transitive = [d[PyPackageInfo].exec_imports for d in deps]).to_list()
        env["PYTHONPATH"] = ":".join(roots)
    executable = py.interpreter or py.interpreter_path
    arguments = [launch, args]
    if missing_interpreter and not py.interpreter:
        check = ctx.actions.args()
        check.add_all(["-c", _CHECK_INTERPRETER, missing_interpreter, py.interpreter_path])
        executable, arguments = "/bin/sh", [check, launch, args]
    ctx.actions.run(
        executable = executable,
        arguments = arguments,
        inputs = depset(
            [tool],
            transitive = [py.files, inputs if type(inputs) == "depset" else depset(inputs)] +
                         [d[PyPackageInfo].exec_files for d in deps],
        ),
        outputs = outputs,
        mnemonic = mnemonic,
        progress_message = progress_message,
        exec_group = exec_group,
        env = env,
        use_default_shell_env = shell_env,
        # A worker is keyed by its tool files: the tool (the interpreter may be a path, not a File).
        tools = [tool] if worker else [],
        execution_requirements = {"supports-workers": "1", "requires-worker-protocol": "json"} if worker else {},
    )
