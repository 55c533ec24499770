"""Precompiled bytecode: when rules_xpy writes `.pyc` files, for which interpreter, and the PyCompile action.

Bytecode is written by the exec interpreter (WhlInstall for a wheel's
modules, PyCompile for first-party sources), so it is only written when the
exec interpreter is the target interpreter's implementation and X.Y: a `.pyc`
of another version would be ignored at best. Without a target interpreter
(a macOS target built on Linux, for a PEX) nothing is written: nothing runs
the installed tree there. `--@rules_xpy//py:precompile=false` turns it off
everywhere, `precompile = False` for one target's sources.
"""

load(":toolchain_types.bzl", "EXEC_TOOLCHAIN", "PY_TOOLS_EXEC_GROUP", "TARGET_TOOLCHAIN")

PrecompileInfo = provider(
    doc = "The value of `//py:precompile`.",
    fields = {"value": "bool: whether rules_xpy writes bytecode."},
)

def _precompile_flag_impl(ctx):
    return [PrecompileInfo(value = ctx.build_setting_value)]

precompile_flag = rule(
    implementation = _precompile_flag_impl,
    doc = "A bool build setting: `--@rules_xpy//py:precompile=false` writes no bytecode.",
    build_setting = config.bool(flag = True),
)

# The private attributes of a rule that writes bytecode (WhlInstall or PyCompile).
BYTECODE_ATTRS = {
    "_precompile": attr.label(default = "//py:precompile", providers = [PrecompileInfo]),
    "_precompile_tool": attr.label(default = "//py/tools/lib:xpy/bytecode.py", allow_single_file = True),
}

def _xy(version):
    return ".".join(version.split(".")[:2])

def bytecode_tag(ctx):
    """The cache tag of the bytecode to write for `ctx`'s target (`cpython-311`), and a note when there is none.

    Args:
      ctx: rule context with BYTECODE_ATTRS, the optional target toolchain and `py_tools_exec_groups()`.
    Returns:
      (str or None, str): the tag, or None and why (empty when nothing needs saying).
    """
    if not ctx.attr._precompile[PrecompileInfo].value:
        return None, ""
    target = ctx.toolchains[TARGET_TOOLCHAIN]
    if not target:
        return None, ""
    want = target.py
    have = ctx.exec_groups[PY_TOOLS_EXEC_GROUP].toolchains[EXEC_TOOLCHAIN].py
    if _xy(want.version) != _xy(have.version) or want.implementation != have.implementation:
        return None, "no bytecode: the exec interpreter is %s %s, the target's %s %s" % (
            have.implementation,
            _xy(have.version),
            want.implementation,
            _xy(want.version),
        )
    if want.implementation != "cpython":
        return None, "no bytecode: rules_xpy precompiles for CPython only"
    return "cpython-" + _xy(want.version).replace(".", ""), ""

def _repo_prefix(ctx):
    """Short path of the target's package: `pkg` in the main repository, `../repo/pkg` in another one."""
    parts = ([".."] + [ctx.label.workspace_name] if ctx.label.workspace_name else []) + ([ctx.label.package] if ctx.label.package else [])
    return "/".join(parts)

def precompile(ctx, srcs, data = [], enabled = True, stage = True):
    """The PyCompile action of `srcs` that live in `ctx`'s package, and the files' bin-directory links.

    The `.pyc` files are checked hash-based (Python hashes the source on import, so an edited source in the
    workspace is never shadowed) and land in `__pycache__/` next to their sources in runfiles. Actions import
    from the bin directory, where Python looks for a `__pycache__/` next to each source: there every source and
    data file of the package gets a link (`staged`), next to the bytecode.

    Args:
      ctx: rule context with BYTECODE_ATTRS (see `bytecode_tag`).
      srcs: list[File], Python sources.
      data: list[File], the target's other files, linked next to the sources for actions.
      enabled: bool, the target's own `precompile` attribute.
      stage: bool, link the sources into the bin directory for actions (libraries; binaries are never imported
        by actions).
    Returns:
      struct(pycs = list[File], staged = list[File]): empty without bytecode.
    """
    tag, _ = bytecode_tag(ctx)
    if not tag or not enabled:
        return struct(pycs = [], staged = [])
    prefix = _repo_prefix(ctx)
    args = ctx.actions.args()
    args.add("--mode=checked")
    compiled, pycs, staged = [], [], []
    for src in srcs + data:
        if not src.short_path.startswith(prefix + "/" if prefix else "") or src.is_directory:
            continue  # a file of another package: that package's own target precompiles it
        rel = src.short_path[len(prefix) + 1:] if prefix else src.short_path
        if not stage:
            pass
        elif src.is_source:
            link = ctx.actions.declare_file(rel)
            ctx.actions.symlink(output = link, target_file = src)
            staged.append(link)
        else:
            staged.append(src)  # generated: already in the bin directory
        if src not in srcs or not src.basename.endswith(".py"):
            continue
        directory, _, name = rel.rpartition("/")
        pyc = ctx.actions.declare_file("/".join([p for p in (directory, "__pycache__", name[:-3] + "." + tag + ".pyc") if p]))
        args.add_all([src.path, pyc.path, src.short_path])
        compiled.append(src)
        pycs.append(pyc)
    if not pycs:
        return struct(pycs = [], staged = [])
    args.use_param_file("@%s", use_always = True)
    args.set_param_file_format("multiline")
    py = ctx.exec_groups[PY_TOOLS_EXEC_GROUP].toolchains[EXEC_TOOLCHAIN].py
    launch = ctx.actions.args()
    launch.add_all(["-B", "-S", ctx.file._precompile_tool])
    ctx.actions.run(
        executable = py.interpreter or py.interpreter_path,
        arguments = [launch, args],
        inputs = depset([ctx.file._precompile_tool] + compiled, transitive = [py.files]),
        outputs = pycs,
        mnemonic = "PyCompile",
        progress_message = "Compiling %d Python sources of %%{label}" % len(pycs),
        exec_group = PY_TOOLS_EXEC_GROUP,
        env = {"PYTHONHASHSEED": "0"},
    )
    return struct(pycs = pycs, staged = staged)

# The attributes of a rule whose own sources get bytecode (py_library, the venv binaries).
PRECOMPILE_ATTRS = BYTECODE_ATTRS | {
    "precompile": attr.bool(
        default = True,
        doc = "Precompile `srcs` into `__pycache__/*.pyc` (checked hash-based, so an edited source is recompiled) when the exec interpreter is the target's version. `--@rules_xpy//py:precompile=false` turns bytecode off everywhere.",
    ),
}
