"""The `uv` and `pylock` module extensions: a hub repository of packages per lock file.

One pipeline, two front ends. For each `uv.lock(...)` or `pylock.lock(...)`
tag, the extension runs the planner (`lock/lock_plan.py`, `--format` uv.lock
or pylock.toml) and the hub generator (`hub/hub_gen.py`) with the host's
python3 and the pinned `packaging` wheel, then declares one `uv_file`
repository per file a target platform needs (fetched only when a build uses
it) and the hub. A pylock without dependency edges gets them from its
packages' metadata: the planner names one file per such package (`--needs`),
the extension downloads it (sha256-checked, into the repository cache, where
the build finds it again) and the planner reads its Requires-Dist.
"""

load("//py:utils.bzl", "constraints_json", "download_checked")
load("//uv/private:file_repo.bzl", "uv_file", "uv_sdist")
load("//uv/private:host_python.bzl", "RULES_XPY", "host_python", "run_host_tool")
load("//uv/private:uv_binary.bzl", "uv_binary")
load("//uv/private/hub:hub_repo.bzl", "uv_hub")

_PLANNER = Label("//uv/private/lock:lock_plan.py")
_HUB_GEN = Label("//uv/private/hub:hub_gen.py")
_UV_REPO = "xpy_uv"

_UV = struct(ext = "uv", format = "uv.lock", uv = "@%s//:uv" % _UV_REPO, relock = "run `uv lock` in its directory")
_PYLOCK = struct(ext = "pylock", format = "pylock.toml", uv = None, relock = "write it with your locker (docs/pylock.md)")

def _lock_label(label):
    """`//pkg:uv.lock` for the main repository, the full label otherwise."""
    text = str(label)
    return text[text.index("//"):] if text.startswith("@@//") else text

def _overrides(mctx, front):
    """hub name -> package name -> settings, from `override_package` tags."""
    out = {}
    for mod in mctx.modules:
        for tag in mod.tags.override_package:
            settings = out.setdefault(tag.hub, {})
            if tag.name in settings:
                fail("%s.override_package(hub = %r, name = %r) is given twice; merge the two tags." % (front.ext, tag.hub, tag.name))
            settings[tag.name] = {
                "native": tag.native,
                "pure": tag.pure,
                "build_from_source": tag.build_from_source,
                "build_deps": tag.build_deps,
                "env": tag.env,
                "deps": tag.deps,
                "patches": [str(p) for p in tag.patches],
                "patch_strip": tag.patch_strip,
                "exclude": tag.exclude,
                "data": {str(label): dest for label, dest in tag.data.items()},
                "replace_with": str(tag.replace_with) if tag.replace_with else "",
            }
    return out

def _download_all(mctx, files, what):
    """Download `files` (file id -> {url, sha256, filename}) into `meta/`, in parallel, each sha256-checked."""
    pending = {}
    for key, f in sorted(files.items()):
        pending[key] = mctx.download(f["url"], output = "meta/" + f["filename"], sha256 = f["sha256"], allow_fail = True, block = False)
    for key, p in pending.items():
        if not p.wait().success:
            f = files[key]
            download_checked(mctx, url = f["url"], output = "meta/" + f["filename"], sha256 = f["sha256"], what = "%s: %s %s" % (what, f["name"], f["version"]))

def _plan(mctx, python, tag, front, overrides, what):
    """Run the planner for `tag`; returns (path of the plan, number of metadata files read)."""
    lock_path = mctx.path(tag.lock)
    lock = _lock_label(tag.lock)
    plan = "%s.plan.json" % tag.name
    args = ["--format=" + front.format, "--lock=%s" % lock_path, "--lock-name=%s" % lock]
    args += ["--platform=%s" % p for p in tag.target_platforms]
    if tag.platforms_json:
        mctx.read(mctx.path(tag.platforms_json))  # re-run the extension when it changes
        args.append("--platforms-json=%s" % mctx.path(tag.platforms_json))
    if tag.python_version:
        args.append("--python-version=%s" % tag.python_version)
    args += ["--extra=%s" % e for e in tag.extras] + ["--group=%s" % g for g in tag.groups]
    args += ["--all-extras"] if tag.all_extras else []
    args += ["--all-groups"] if tag.all_groups else []
    if front == _UV:
        args += ["--root=%s" % r for r in tag.roots]
        if tag.pyproject:
            mctx.read(mctx.path(tag.pyproject))  # re-run the extension when it changes
            args.append("--pyproject=%s" % mctx.path(tag.pyproject))
    args += ["--no-binary=%s" % name for name, o in sorted(overrides.items()) if o["build_from_source"]]
    args += ["--extra-dep=%s=%s" % (name, d) for name, o in sorted(overrides.items()) for d in o["deps"]]
    failed = "%s: cannot plan %s:" % (what, lock)
    reads = 0
    if front == _PYLOCK:
        needs = "%s.needs.json" % tag.name
        run_host_tool(mctx, python, _PLANNER, args + ["--needs=" + needs], failed)
        files = json.decode(mctx.read(needs))
        if files:
            mctx.report_progress("Reading the dependencies of %d packages of %s from their metadata" % (len(files), lock))
            _download_all(mctx, files, what)
            args.append("--metadata-dir=meta")
            reads = len(files)
    run_host_tool(mctx, python, _PLANNER, args + ["--output=" + plan], failed)
    return plan, reads

def _edges_summary(planned, reads):
    """Where the plan's edges came from, for the progress line."""
    counts = {}
    for p in planned["packages"].values():
        if p["source"]["kind"] != "first_party":
            counts[p["edges"]] = counts.get(p["edges"], 0) + 1
    parts = ["%d from %s" % (n, k) for k, n in sorted(counts.items())]
    return "edges: %s%s" % (", ".join(parts) or "none", "; read %d metadata files" % reads if reads else "")

def _declare_hub(mctx, python, tag, overrides, front):
    what = "%s.lock(name = %r)" % (front.ext, tag.name)
    lock = _lock_label(tag.lock)
    lock_path = mctx.path(tag.lock)
    if not lock_path.exists:
        fail("%s: lock: %s does not exist. Fix: %s, or correct `lock`." % (what, lock, front.relock))
    mctx.read(lock_path)  # re-run the extension when the lock changes
    mctx.report_progress("Planning %s" % lock)
    plan, reads = _plan(mctx, python, tag, front, overrides, what)

    result = "%s.hub.json" % tag.name
    mctx.file("%s.overrides.json" % tag.name, json.encode(overrides))
    mctx.file("constraints.json", constraints_json())
    hub_args = [
        "--plan=%s" % plan,
        "--hub=%s" % tag.name,
        "--rules-xpy=%s" % RULES_XPY,
        "--constraints=constraints.json",
        "--overrides=%s.overrides.json" % tag.name,
        "--project=%s" % tag.lock.package,
        "--output=%s" % result,
    ]
    hub_args += ["--uv=" + front.uv] if front.uv else []
    run_host_tool(mctx, python, _HUB_GEN, hub_args, "%s: cannot generate the hub of %s:" % (what, lock))
    hub = json.decode(mctx.read(result))
    planned = json.decode(mctx.read(plan))
    third_party = [p for p in planned["packages"].values() if p["source"]["kind"] != "first_party"]
    mctx.report_progress("Planned %s: %d packages, %d files for %d target platforms; %s" % (
        lock,
        len(third_party),
        len(hub["repos"]),
        len(planned["platforms"]),
        _edges_summary(planned, reads),
    ))

    # Every locked version of every third-party package, for sdists' build requirements.
    lock_packages = {}
    for p in list(planned["packages"].values()) + list(planned["unneeded"].values()):
        if p.get("source", {}).get("kind") != "first_party" and p["version"] not in lock_packages.get(p["name"], []):
            lock_packages.setdefault(p["name"], []).append(p["version"])
    for repo, f in hub["repos"].items():
        uv_file(name = repo, lock = lock, hub = tag.name, **f)
    for repo, s in hub["sdists"].items():
        uv_sdist(
            name = repo,
            facts = "@%s//:sdist.json" % s["file_repo"],
            sdist = "@%s//file" % s["file_repo"],
            package = s["package"],
            version = s["version"],
            lock = lock,
            hub = tag.name,
            native = s["native"],
            build_deps = s["build_deps"],
            env = s["env"],
            lock_packages = lock_packages,
        )
    uv_hub(name = tag.name, files = hub["files"])

def _hubs(mctx, front):
    """The extension's hubs: name -> lock tag, and their overrides; checked for clashes."""
    overrides = _overrides(mctx, front)
    hubs = {}
    for mod in mctx.modules:
        for tag in mod.tags.lock:
            if tag.name in hubs:
                fail("%s.lock(name = %r) is declared twice (locks %s and %s); give each lock its own name." % (
                    front.ext,
                    tag.name,
                    _lock_label(hubs[tag.name].lock),
                    _lock_label(tag.lock),
                ))
            hubs[tag.name] = tag
    for hub in overrides:
        if hub not in hubs:
            fail("%s.override_package(hub = %r): there is no %s.lock(name = %r); set `hub` to one of %s." % (front.ext, hub, front.ext, hub, sorted(hubs)))
    return hubs, overrides

def _uv_impl(mctx):
    python = host_python(mctx, "uv extension")
    hubs, overrides = _hubs(mctx, _UV)
    for name, tag in hubs.items():
        _declare_hub(mctx, python, tag, overrides.get(name, {}), _UV)
    uv_binary(name = _UV_REPO)

def _pylock_impl(mctx):
    python = host_python(mctx, "pylock extension")
    hubs, overrides = _hubs(mctx, _PYLOCK)
    for name, tag in hubs.items():
        _declare_hub(mctx, python, tag, overrides.get(name, {}), _PYLOCK)

_TARGET_PLATFORMS_DOC = "Target platforms to choose files for: names of the defaults (linux_x86_64, linux_aarch64, macos_arm64, macos_x86_64, windows_x86_64) or of `platforms_json` entries. Each needs distinct os, cpu and libc. Default: every entry of `platforms_json`, else the five defaults."
_PLATFORMS_JSON_DOC = "A JSON list of custom target platforms (fields: name, os, cpu, libc, libc_version, macos_version, python_version, implementation, abi); see docs/uv.md."
_PYTHON_VERSION_DOC = "Python version (X.Y) of every target platform; default: each platform's (3.11 for the defaults)."

# The attributes both lock tags have: the hub's name and how it is planned.
_PLANNING_ATTRS = {
    "name": attr.string(default = "pypi", doc = "Name of the hub repository (`@pypi//requests`)."),
    "target_platforms": attr.string_list(doc = _TARGET_PLATFORMS_DOC),
    "platforms_json": attr.label(allow_single_file = [".json"], doc = _PLATFORMS_JSON_DOC),
    "python_version": attr.string(doc = _PYTHON_VERSION_DOC),
}

_lock = tag_class(
    doc = "A lock file and the target platforms to plan it for; makes the hub `@<name>`.",
    attrs = _PLANNING_ATTRS | {
        "lock": attr.label(mandatory = True, doc = "The `uv.lock` file, e.g. `//:uv.lock`."),
        "pyproject": attr.label(
            allow_single_file = [".toml"],
            doc = "The project's `pyproject.toml`: its `[tool.uv] no-binary` and `no-binary-package` settings make those packages build from their sdists (uv.lock keeps the wheels either way).",
        ),
        "roots": attr.string_list(doc = "Workspace members to plan from; default: all members (or the project itself)."),
        "extras": attr.string_list(doc = "Extras of the roots to include."),
        "all_extras": attr.bool(doc = "Include every extra of the roots."),
        "groups": attr.string_list(doc = "Dependency groups of the roots to include (e.g. `dev`)."),
        "all_groups": attr.bool(doc = "Include every dependency group of the roots."),
    },
)

_override_package = tag_class(
    doc = """Per-package settings of a hub: how its sdist builds, what its files hold, what it depends on, or a target of yours in its place.

Patches apply to each downloaded file of the package, in its file repository:
to a wheel's contents (paths as in site-packages, `six.py`), or to an sdist's
project (paths below its top directory, `src/pkg/mod.py`). The changed wheel
gets a new RECORD, so venvs, PEXes and images all hold the changed files.
Dependency edges come from the lock: add edges with `deps`, not by patching
METADATA.""",
    attrs = {
        "hub": attr.string(default = "pypi", doc = "The hub (the `name` of its `lock` tag) the package is in."),
        "name": attr.string(mandatory = True, doc = "The package's normalized name, e.g. `charset-normalizer`."),
        "native": attr.bool(doc = "Its sdist compiles code for the target: build it on an executor of the target platform."),
        "pure": attr.bool(doc = "Its sdist is pure Python: build it once, anywhere (overrides detection)."),
        "build_from_source": attr.bool(doc = "Build it from its sdist even where a wheel fits."),
        "build_deps": attr.string_list(doc = "Extra build dependencies: names of packages in the lock."),
        "env": attr.string_dict(doc = "Environment variables of its sdist build."),
        "deps": attr.string_list(doc = "Extra run-time dependencies, on every target platform: names of packages in the lock."),
        "patches": attr.label_list(allow_files = [".patch", ".diff"], doc = "Patch files (unified diffs) applied, in order, to each of its files: a wheel's contents or an sdist's project directory."),
        "patch_strip": attr.int(doc = "Leading path components the patches' file names lose, like `patch -p` (1 for `git diff` output)."),
        "exclude": attr.string_list(doc = "Globs of paths in its wheels to leave out (`*` matches `/` too), e.g. `numpy/*/tests/*`. Wheels only."),
        "data": attr.label_keyed_string_dict(allow_files = True, doc = "Files of yours to add to its wheels: label -> path in the wheel (site-packages), e.g. `{\"//cfg:certs.pem\": \"certifi/extra.pem\"}`. Wheels only."),
        "replace_with": attr.label(doc = "A target of yours (a public `py_library`) to use in the package's place, on every platform: `@pypi//<name>` and every package depending on it get it. No file of the package is fetched."),
    },
)

uv = module_extension(
    implementation = _uv_impl,
    tag_classes = {"lock": _lock, "override_package": _override_package},
    doc = """Packages from `uv.lock` files, chosen per target platform.

```starlark
uv = use_extension("@rules_xpy//uv:extensions.bzl", "uv")
uv.lock(name = "pypi", lock = "//:uv.lock", python_version = "3.11")
use_repo(uv, "pypi")
```

Then depend on `@pypi//cowsay`, or `requirement("cowsay")` from
`@pypi//:requirements.bzl`. `bazel run @pypi//:lock` re-locks with a pinned uv.""",
)

_pylock_lock = tag_class(
    doc = "A PEP 751 `pylock.toml` and the target platforms to plan it for; makes the hub `@<name>`.",
    attrs = _PLANNING_ATTRS | {
        "lock": attr.label(mandatory = True, doc = "The `pylock.toml` (or `pylock.<name>.toml`), e.g. `//:pylock.toml`, written by PDM, uv, pip or pex."),
        "extras": attr.string_list(doc = "Extras of the lock (its `extras`) to install: the `extras` marker variable."),
        "all_extras": attr.bool(doc = "Install every extra of the lock."),
        "groups": attr.string_list(doc = "Dependency groups of the lock (its `dependency-groups`) to install: the `dependency_groups` marker variable. Default: its `default-groups`."),
        "all_groups": attr.bool(doc = "Install every dependency group of the lock."),
    },
)

pylock = module_extension(
    implementation = _pylock_impl,
    tag_classes = {"lock": _pylock_lock, "override_package": _override_package},
    doc = """Packages from PEP 751 `pylock.toml` files (PDM, `uv export`, `pip lock`, pex), chosen per target platform.

```starlark
pylock = use_extension("@rules_xpy//uv:extensions.bzl", "pylock")
pylock.lock(name = "pypi", lock = "//:pylock.toml", python_version = "3.11")
use_repo(pylock, "pypi")
```

The same hub as the `uv` extension's (`@pypi//requests`, `requirement()`),
with no uv anywhere. See docs/pylock.md.""",
)
