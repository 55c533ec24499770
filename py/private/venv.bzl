"""py_venv_binary and py_venv_test: a relocatable venv in runfiles plus a launcher."""

load(":bytecode.bzl", "PRECOMPILE_ATTRS", "precompile")
load(":labels.bzl", "display_label")
load(":library.bzl", "LIBRARY_ATTRS", "instrumented_files", "package_info")
load(":paths.bzl", "runfiles_path")
load(":providers.bzl", "PyBinaryInfo", "PyPackageInfo")
load(":toolchain_types.bzl", "py_tools_exec_groups", "target_interpreter", "target_toolchains")
load(":venv_action.bzl", "create_venv", "write_launcher")

_CONSOLE_MAIN = """import sys
from importlib.metadata import entry_points

found = entry_points(group="console_scripts", name={script})
if not found:
    sys.exit("ERROR: {label}: no console script " + repr({script}) + " in the installed packages; "
             "check `script` against the [project.scripts] (entry_points.txt) of `pkg`.")
sys.argv[0] = {script}
sys.exit(next(iter(found)).load()())
"""

def _main_file(ctx):
    if hasattr(ctx.attr, "script"):
        main = ctx.actions.declare_file(ctx.label.name + ".main.py")
        ctx.actions.write(main, _CONSOLE_MAIN.format(script = repr(ctx.attr.script), label = display_label(ctx.label)))
        return main
    if ctx.attr.pytest:
        if ctx.file.main:
            fail("%s: main: not allowed with pytest = True (pytest collects `srcs`); remove `main`." % display_label(ctx.label))
        if not ctx.files.srcs:
            fail("%s: srcs: pytest = True needs test files in `srcs`." % display_label(ctx.label))
        return ctx.file._pytest_main
    if ctx.file.main:
        return ctx.file.main
    wanted = ctx.label.name + ".py"
    for src in ctx.files.srcs:
        if src.basename == wanted:
            return src
    fail("%s: main: no `%s` in srcs, so there is no entry point; set `main = \"<file>.py\"` to one of %s." % (
        display_label(ctx.label),
        wanted,
        [s.basename for s in ctx.files.srcs] or "your sources (srcs is empty)",
    ))

def _has_pytest(deps):
    """Whether `deps` install pytest themselves (the lock's `@pypi//pytest`): then that one runs the tests."""
    entries = depset(transitive = [d[PyPackageInfo].site_packages for d in deps]).to_list()
    return any([e.path == "_pytest" for e in entries])

def _py_venv_impl(ctx):
    py = target_interpreter(ctx)
    main = _main_file(ctx)
    deps = ctx.attr.deps + (ctx.attr._pytest_deps if getattr(ctx.attr, "pytest", False) and not _has_pytest(ctx.attr.deps) else [])
    deps += [ctx.attr.pkg] if hasattr(ctx.attr, "pkg") else []
    srcs = ctx.files.srcs + ([main] if main not in ctx.files.srcs else [])
    main_args = ["--test-file=" + runfiles_path(ctx, s) for s in ctx.files.srcs] if getattr(ctx.attr, "pytest", False) else []
    if hasattr(ctx.attr, "_coverage_main") and ctx.configuration.coverage_enabled:
        # `bazel coverage`: the main runs under coverage.py, which writes the test's lcov (py/tools/coverage).
        deps = deps + ctx.attr._coverage_deps
        main_args = ["--main=" + runfiles_path(ctx, main)] + main_args
        main = ctx.file._coverage_main
        srcs = srcs + [main]

    # The main script is never read from bytecode; actions never import a binary's sources.
    compiled = precompile(ctx, [s for s in srcs if s != main], enabled = getattr(ctx.attr, "precompile", True), stage = False)
    info, runfiles = package_info(ctx, srcs, ctx.files.data, deps, compiled)
    venv = create_venv(ctx, py = py, imports = info.imports, site_packages = info.site_packages)
    env = {k: ctx.expand_location(v, ctx.attr.data) for k, v in ctx.attr.env.items()}
    launcher = write_launcher(ctx, venv = venv, py = py, main = main, main_args = main_args, env = env)
    interpreter = [py.interpreter] if py.interpreter else []
    runfiles = runfiles.merge(ctx.runfiles(files = venv.files + interpreter, transitive_files = py.files))
    return [
        DefaultInfo(executable = launcher, files = depset([launcher]), runfiles = runfiles),
        RunEnvironmentInfo(environment = env),
        info,
        PyBinaryInfo(
            main = main,
            python_version = ".".join(py.version.split(".")[:2]),
            script = getattr(ctx.attr, "script", ""),
            links = venv.links,
        ),
        instrumented_files(ctx),
    ]

_ATTRS = LIBRARY_ATTRS | PRECOMPILE_ATTRS | {
    "main": attr.label(
        allow_single_file = [".py"],
        doc = "The entry point script. Default: `<name>.py` from `srcs`.",
    ),
    "env": attr.string_dict(
        doc = "Environment variables set when the binary runs (`$(location)` is expanded against `data`). A variable already set by the caller keeps its value.",
    ),
    "pytest": attr.bool(
        default = False,
        doc = "Run `srcs` with pytest instead of a `main`. The pytest of `deps` runs them when they install one (the lock's `@pypi//pytest`, with its plugins); otherwise the ruleset's pinned pytest is added to `deps`. Arguments (`args`, `--test_arg`) go to pytest.",
    ),
    "_launcher": attr.label(default = "//py/private:launcher.sh.tpl", allow_single_file = True),
    "_venv_tool": attr.label(default = "//py/tools/venv:make_venv.py", allow_single_file = True),
    "_pytest_main": attr.label(default = "//py/tools/pytest_main:pytest_main.py", allow_single_file = True),
    "_pytest_deps": attr.label_list(default = ["@xpy_tools//:pytest"], providers = [PyPackageInfo]),
}

_DOC = """{summary}

The venv lives in the target's runfiles (`<name>.venv/`: `pyvenv.cfg`,
`bin/python3`, a `.pth` of relative import roots) and holds no absolute path
but that of a machine-installed interpreter, so `bazel run`, `bazel test`,
`bazel-bin/<pkg>/<name>` and a copy of `<name>` + `<name>.runfiles` all work.

```starlark
{example}
```"""

_CONSOLE_ATTRS = {k: v for k, v in _ATTRS.items() if k not in ("main", "pytest", "_pytest_main")} | {
    "pkg": attr.label(
        mandatory = True,
        providers = [PyPackageInfo],
        doc = "The installed package that declares the console script, e.g. `@pypi//tqdm`.",
    ),
    "script": attr.string(
        mandatory = True,
        doc = "Name of the console script (a `[project.scripts]` entry of `pkg`), e.g. `tqdm`.",
    ),
}

def _venv_rule(*, test, summary, example, attrs = _ATTRS):
    return rule(
        implementation = _py_venv_impl,
        doc = _DOC.format(summary = summary, example = example),
        attrs = attrs,
        executable = True,
        test = test,
        toolchains = target_toolchains(),
        exec_groups = py_tools_exec_groups(),
        provides = [PyPackageInfo, PyBinaryInfo],
    )

py_venv_binary = _venv_rule(
    test = False,
    summary = "A Python program run from a venv with the target interpreter.",
    example = """py_venv_binary(
    name = "app",
    srcs = ["app.py"],
    deps = ["//lib:greet"],
    env = {"GREETING": "hello"},
)""",
)

# Only tests run under coverage.py in `bazel coverage`.
_TEST_ATTRS = _ATTRS | {
    "_coverage_main": attr.label(default = "//py/tools/coverage:run_coverage.py", allow_single_file = True),
    "_coverage_deps": attr.label_list(default = ["@xpy_tools//:coverage"], providers = [PyPackageInfo]),
}

py_venv_test = _venv_rule(
    test = True,
    attrs = _TEST_ATTRS,
    summary = "A Python test run from a venv: a `main` script, or pytest over `srcs`.",
    example = """py_venv_test(
    name = "greet_test",
    srcs = ["greet_test.py"],
    pytest = True,
    deps = ["//lib:greet"],
)""",
)

py_console_script_binary = _venv_rule(
    test = False,
    summary = "A console script of an installed package (its `[project.scripts]` entry point) as a venv binary.",
    example = """py_console_script_binary(
    name = "tqdm",
    pkg = "@pypi//tqdm",
    script = "tqdm",
)""",
    attrs = _CONSOLE_ATTRS,
)
