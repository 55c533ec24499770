"""Action emitters of py_venv_binary: the venv files and the launcher."""

load(":labels.bzl", "display_label")
load(":paths.bzl", "runfiles_path", "shell_quote")
load(":py_tool.bzl", "run_py_tool")

def _merged_site_packages(ctx, site_packages, directory, rpath):
    """One relative symlink per layout entry of the installed wheels, in the venv's own site-packages.

    Args:
      ctx: rule context.
      site_packages: depset[struct(path, target, owner, shared)] (PyPackageInfo.site_packages).
      directory: str, the site-packages directory, relative to the rule's package (`<name>.venv/lib/pythonX.Y/site-packages`).
      rpath: str, its runfiles path.
    Returns:
      list[File], the symlinks.
    """
    owners = {}
    links = []
    for entry in site_packages.to_list():
        have = owners.get(entry.path)
        if have:
            if have.target != entry.target and not (have.shared and entry.shared):
                fail("%s: %s and %s both install site-packages/%s. Fix: depend on only one of them (a venv has one site-packages)." % (
                    display_label(ctx.label),
                    have.owner,
                    entry.owner,
                    entry.path,
                ))
            continue
        owners[entry.path] = entry
    for path, entry in owners.items():
        parts = path.split("/")
        for i in range(1, len(parts)):
            above = owners.get("/".join(parts[:i]))
            if above:
                fail("%s: %s installs site-packages/%s, inside site-packages/%s of %s. Fix: depend on only one of them (a venv has one site-packages)." % (
                    display_label(ctx.label),
                    entry.owner,
                    path,
                    above.path,
                    above.owner,
                ))
        link = ctx.actions.declare_symlink(directory + "/" + path)
        depth = len(rpath.split("/")) + len(parts) - 1
        ctx.actions.symlink(output = link, target_path = "../" * depth + entry.target)
        links.append(link)
    return links

def create_venv(ctx, *, py, imports, site_packages = depset()):
    """Declare the venv `<name>.venv/` of a binary: pyvenv.cfg, bin/python3, a .pth, and the merged site-packages.

    Args:
      ctx: rule context.
      py: PyInterpreterInfo of the target interpreter.
      imports: depset[str], import roots as runfiles paths.
      site_packages: depset of PyPackageInfo.site_packages entries, linked into the venv's site-packages.
    Returns:
      struct(files = list[File], links = list[File] (the symlink artifacts among them), rpath = str runfiles path of the venv dir).
    """
    cfg = ctx.actions.declare_file(ctx.label.name + ".venv/pyvenv.cfg")
    venv_rpath = runfiles_path(ctx, cfg).rpartition("/")[0]
    major_minor = ".".join(py.version.split(".")[:2])
    pth = ctx.actions.declare_file("%s.venv/lib/python%s/site-packages/_xpy.pth" % (ctx.label.name, major_minor))

    # bin/python3 -> the interpreter: relative inside runfiles, or the absolute
    # path of an interpreter that exists on the machine.
    python = ctx.actions.declare_symlink(ctx.label.name + ".venv/bin/python3")
    if py.interpreter:
        depth = len(venv_rpath.split("/")) + 1
        target = "../" * depth + runfiles_path(ctx, py.interpreter)
    else:
        target = py.interpreter_path
    ctx.actions.symlink(output = python, target_path = target)

    args = ctx.actions.args()

    # --flag=value: a value starting with "@" (a label) is not a param file.
    args.add(display_label(ctx.label), format = "--label=%s")
    args.add(venv_rpath, format = "--venv=%s")
    args.add(py.version, format = "--python-version=%s")
    args.add(py.implementation, format = "--implementation=%s")
    args.add_all(imports, format_each = "--import=%s")
    args.add(cfg, format = "--pyvenv-cfg=%s")
    args.add(pth, format = "--pth=%s")
    run_py_tool(
        ctx,
        tool = ctx.file._venv_tool,
        args = args,
        inputs = [],
        outputs = [cfg, pth],
        mnemonic = "PyVenv",
        progress_message = "Writing venv of %{label}",
    )
    directory = "%s.venv/lib/python%s/site-packages" % (ctx.label.name, major_minor)
    links = _merged_site_packages(ctx, site_packages, directory, runfiles_path(ctx, pth).rpartition("/")[0])
    return struct(files = [cfg, pth, python] + links, links = [python] + links, rpath = venv_rpath)

def _python_home(ctx, py):
    """Runfiles path of an in-build interpreter's installation root (`<root>/bin/python3`)."""
    if not py.interpreter:
        return ""
    parent = runfiles_path(ctx, py.interpreter).rpartition("/")[0]
    return parent.rpartition("/")[0] if parent.endswith("/bin") else parent

def write_launcher(ctx, *, venv, py, main, main_args, env):
    """Write the executable launcher of a venv binary.

    Args:
      ctx: rule context with a `_launcher` template attribute.
      venv: struct from create_venv.
      py: PyInterpreterInfo of the target interpreter.
      main: File, the entry point script.
      main_args: list[str], arguments always passed to main, before the user's.
      env: dict[str, str], environment defaults (the caller's environment wins).
    Returns:
      File, the launcher.
    """
    launcher = ctx.actions.declare_file(ctx.label.name)
    major, minor = [int(x) for x in py.version.split(".")[:2]]

    # -P (3.11+): no script directory on sys.path; the venv's roots are the path.
    flags = ["-B"] + (["-P"] if (major, minor) >= (3, 11) else [])
    ctx.actions.expand_template(
        template = ctx.file._launcher,
        output = launcher,
        is_executable = True,
        substitutions = {
            "%{label}": display_label(ctx.label),
            "%{venv}": venv.rpath,
            "%{main}": runfiles_path(ctx, main),
            "%{main_args}": " ".join([shell_quote(a) for a in main_args]),
            "%{python_flags}": " ".join(flags),
            "%{interpreter}": shell_quote(runfiles_path(ctx, py.interpreter)) if py.interpreter else "''",
            "%{python_home}": _python_home(ctx, py),
            "%{env}": "\n".join([
                '[ -n "${%s+x}" ] || export %s=%s' % (k, k, shell_quote(v))
                for k, v in sorted(env.items())
            ]),
        },
    )
    return launcher
