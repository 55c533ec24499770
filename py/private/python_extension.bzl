"""The `python` module extension: declares interpreters as target and exec toolchains."""

load(":constraints.bzl", "CPU_CONSTRAINTS", "LIBC_CONSTRAINTS", "OS_CONSTRAINTS")
load(":interpreter_repos.bzl", "archive_interpreter", "default_interpreter", "interpreters_hub", "path_interpreter", "tool_python")

_PROBE = Label("//py/tools/probe:probe.py")
_OSES = list(OS_CONSTRAINTS)
_CPUS = list(CPU_CONSTRAINTS)
_LIBCS = list(LIBC_CONSTRAINTS)

_COMMON = {
    "name": attr.string(doc = "Repository name of this interpreter; unique across modules."),
    "target": attr.bool(default = True, doc = "Register it as a target interpreter (what binaries run)."),
    "exec": attr.bool(default = True, doc = "Register it as an exec interpreter (what the ruleset's tools run on)."),
}

_PLATFORM = {
    "version": attr.string(mandatory = True, doc = "Python version, `X.Y.Z` (or `X.Y`)."),
    "os": attr.string(mandatory = True, values = _OSES, doc = "Operating system it runs on."),
    "cpu": attr.string(mandatory = True, values = _CPUS, doc = "CPU it runs on."),
    "libc": attr.string(values = [""] + _LIBCS, doc = "Linux only: the C library it is built for, `glibc` (the default) or `musl`. Its toolchains carry the `@rules_xpy//py/libc` constraint, so a musl interpreter serves only musl platforms."),
}

_local = tag_class(
    doc = "An interpreter installed on the host: by `path`, or `python3` on PATH. Its version, ABI and platform are probed.",
    attrs = _COMMON | {
        "path": attr.string(doc = "Absolute path or command name of the interpreter. Default: `python3` on PATH."),
        "version": attr.string(doc = "Required version prefix (`3.11` or `3.11.7`); a mismatch is an error. Empty: any."),
    },
)

_archive = tag_class(
    doc = "A relocatable interpreter archive (python-build-standalone style) downloaded by URL and checked by sha256.",
    attrs = _COMMON | _PLATFORM | {
        "url": attr.string(mandatory = True, doc = "URL of the archive (`.tar.gz`, `.tar.zst`, `.zip`; `file://` works)."),
        "sha256": attr.string(mandatory = True, doc = "SHA-256 of the archive."),
        "strip_prefix": attr.string(doc = "Directory prefix to strip, e.g. `python`."),
        "interpreter": attr.string(doc = "Interpreter path inside the archive. Default: `bin/python3` (`python.exe` on Windows)."),
    },
)

_executor = tag_class(
    doc = "An interpreter that exists only on the executor (e.g. an RBE worker image), by absolute path. Nothing is checked at fetch time.",
    attrs = _COMMON | _PLATFORM | {
        "interpreter_path": attr.string(mandatory = True, doc = "Absolute path of the interpreter on the executor."),
        # Not an exec interpreter unless asked: then the tool actions stay on the execution platforms of the
        # host's (and archive) interpreters in whatever order the execution platforms are registered.
        "exec": attr.bool(default = False, doc = "Register it as an exec interpreter too (the ruleset's tool actions may then run on executors of its os and cpu, when such an execution platform comes first)."),
    },
)

def _probe(mctx, what, path, version, required):
    """Find and describe a local interpreter; returns None if not `required` and absent."""
    wanted = path or "python3"
    python = mctx.path(wanted) if "/" in wanted else mctx.which(wanted)
    if not python or not python.exists:
        if not required:
            return None
        fail("%s: path: no interpreter %r (%s). Fix: install Python, or set `path` to an interpreter." % (
            what,
            wanted,
            "not on PATH" if "/" not in wanted else "no such file",
        ))
    res = mctx.execute([python, "-B", "-s", mctx.path(_PROBE)])
    if res.return_code != 0:
        fail("%s: path: %s does not run (exit %d): %s" % (what, python, res.return_code, res.stderr))
    info = json.decode(res.stdout)
    if version and info["version"] != version and not info["version"].startswith(version + "."):
        fail("%s: version: %s is Python %s, not %s. Fix: set version = %r, or point `path` at a Python %s interpreter." % (
            what,
            python,
            info["version"],
            version,
            ".".join(info["version"].split(".")[:2]),
            version,
        ))
    if info["os"] not in _OSES or info["cpu"] not in _CPUS:
        fail("%s: %s runs on %s/%s, which rules_xpy does not support (os: %s, cpu: %s)." % (what, python, info["os"], info["cpu"], _OSES, _CPUS))
    return info

def _host(mctx):
    """(os, cpu) of this host, in the names of the constraint table (None where it has no name)."""
    name = mctx.os.name.lower()
    os = "linux" if name.startswith("linux") else "macos" if name.startswith("mac") else "windows" if name.startswith("windows") else None
    cpu = {"amd64": "x86_64", "x86_64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}.get(mctx.os.arch)
    return os, cpu

def _at_least_3_11(version):
    parts = version.split(".")
    return len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit() and (int(parts[0]), int(parts[1])) >= (3, 11)

def _libc(what, os, libc):
    """The libc of an interpreter declared for `os`: glibc by default on Linux; none elsewhere."""
    if libc and os != "linux":
        fail("%s: libc: %r is for Linux interpreters only; remove it (os is %r)." % (what, libc, os))
    return libc or ("glibc" if os == "linux" else "")

def _probed_interpreter(name, info):
    """Declare the repository of a local interpreter described by `_probe`."""
    path_interpreter(
        name = name,
        interpreter_path = info["executable"],
        version = info["version"],
        implementation = info["implementation"],
        os = info["os"],
        cpu = info["cpu"],
        libc = info.get("libc", ""),
    )

def _python_impl(mctx):
    specs = []
    owners = {}

    def add(name, module, tag, **spec):
        if name in owners:
            fail("python.%s(name = %r) in module %s: name: already used by module %s. Fix: pick another name." % (tag, name, module.name, owners[name]))
        owners[name] = module.name
        specs.append(dict(name = name, **spec))

    # The first declared interpreter that runs here (3.11+) runs the lock tools: a local one, else an archive.
    tools = {"local": [], "archive": []}
    host_os, host_cpu = _host(mctx)
    has_local = False
    for mod in mctx.modules:
        for tag in mod.tags.local:
            has_local = True
            name = tag.name or "python_local"
            info = _probe(mctx, "python.local(name = %r)" % name, tag.path, tag.version, required = True)
            _probed_interpreter(name, info)
            add(name, mod, "local", os = info["os"], cpu = info["cpu"], libc = info.get("libc", ""), target = tag.target, exec = tag.exec)
            if _at_least_3_11(info["version"]):
                tools["local"].append({"path": info["executable"]})
        for tag in mod.tags.archive:
            name = tag.name or "python_%s_%s" % (tag.os, tag.cpu)
            libc = _libc("python.archive(name = %r)" % name, tag.os, tag.libc)
            archive_interpreter(name = name, interpreter_name = name, url = tag.url, sha256 = tag.sha256, strip_prefix = tag.strip_prefix, interpreter = tag.interpreter, version = tag.version, os = tag.os, cpu = tag.cpu, libc = libc)
            add(name, mod, "archive", os = tag.os, cpu = tag.cpu, libc = libc, target = tag.target, exec = tag.exec)
            if (tag.os, tag.cpu) == (host_os, host_cpu) and libc != "musl" and _at_least_3_11(tag.version):
                interpreter = tag.interpreter or default_interpreter(tag.os)
                tools["archive"].append({"interpreter": "@%s//:%s" % (name, interpreter)})
        for tag in mod.tags.executor:
            if not tag.interpreter_path.startswith("/"):
                fail("python.executor(name = %r): interpreter_path: %r is not absolute. Fix: give the interpreter's absolute path on the executor." % (tag.name, tag.interpreter_path))
            name = tag.name or "python_executor_%s_%s" % (tag.os, tag.cpu)
            libc = _libc("python.executor(name = %r)" % name, tag.os, tag.libc)
            path_interpreter(name = name, interpreter_path = tag.interpreter_path, version = tag.version, os = tag.os, cpu = tag.cpu, libc = libc)
            add(name, mod, "executor", os = tag.os, cpu = tag.cpu, libc = libc, target = tag.target, exec = tag.exec)

    # Fallback: the host's python3, after everything declared (if there is one).
    if not has_local:
        info = _probe(mctx, "python (host fallback)", "", "", required = False)
        if info:
            _probed_interpreter("python_host", info)
            specs.append(dict(name = "python_host", os = info["os"], cpu = info["cpu"], libc = info.get("libc", ""), target = True, exec = True))

    interpreters_hub(name = "xpy_interpreters", interpreters = [json.encode(s) for s in specs])
    tool_python(name = "xpy_tool_python", **(tools["local"] + tools["archive"] + [{}])[0])

python = module_extension(
    implementation = _python_impl,
    doc = """Declares Python interpreters as toolchains. rules_xpy registers them all.

```starlark
python = use_extension("@rules_xpy//py:extensions.bzl", "python")
python.local(version = "3.11")
python.archive(
    name = "python_linux_aarch64",
    url = "https://example.com/cpython-3.11.9-aarch64-unknown-linux-gnu.tar.gz",
    sha256 = "...",
    strip_prefix = "python",
    version = "3.11.9",
    os = "linux",
    cpu = "aarch64",
)
```

Toolchains are tried in order: modules from the root down; within a module,
its `local` tags, then `archive`, then `executor` tags, each in written order.
With no `python.local` tag anywhere, the host's `python3` (if any) is
registered last, as a fallback.""",
    tag_classes = {"local": _local, "archive": _archive, "executor": _executor},
    environ = ["PATH"],
)
