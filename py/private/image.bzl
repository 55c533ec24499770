"""Container images of venv binaries: py_image_layer, py_oci_image, py_oci_image_index (docs/images.md).

A binary's runfiles tree goes into the image as it is in bazel-bin, under
`root` (default `/app/<binary>`): `<root>/<binary>` (the launcher) and
`<root>/<binary>.runfiles/`. Its files are split into layers that change at
different rates:

- `interpreter`: the files of an in-build interpreter (`python.archive`);
- `packages`: every other repository's files (installed wheels, tool
  wheels), at `<packages_root>/<repository>/` (default `/app/.packages`), the
  same paths for every binary, so binaries with the same packages share that
  layer's digest; the runfiles tree links to them (`<repository>` ->
  `../../.packages/<repository>`);
- `app`: the launcher, the venv, first-party sources and bytecode, and those
  links.

The layers are plain deterministic `.tar.gz` files (image_tool.py `layer`),
so other image rules (rules_oci's `oci_image(tars = ...)`) can take them.
"""

load(":constraints.bzl", "TARGET_PLATFORM_ATTRS", "target_platform")
load(":labels.bzl", "display_label")
load(":paths.bzl", "runfiles_path")
load(":providers.bzl", "PyBinaryInfo")
load(":py_tool.bzl", "run_py_tool")
load(":toolchain_types.bzl", "PY_TOOLS_EXEC_GROUP", "TARGET_TOOLCHAIN", "py_tools_exec_groups", "target_toolchains")

PyImageLayersInfo = provider(
    doc = "The layers of a binary's image (py_image_layer), in order: interpreter, packages, app.",
    fields = {
        "layers": "list[struct(name = str, tar = File, meta = File)]: each layer's `.tar.gz` and its JSON (digest, size, diff_id).",
        "entrypoint": "str: the launcher's path in the image.",
    },
)

_OCI_ARCH = {"x86_64": ("amd64", ""), "aarch64": ("arm64", "v8")}

def _relpath(target, start):
    """The relative path from the directory `start` to `target` (both absolute, normalized POSIX paths)."""
    t, s = target.strip("/").split("/"), start.strip("/").split("/")
    common = 0
    for a, b in zip(t, s):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(s) - common) + t[common:])

def _check_path(ctx, attr, value):
    parts = value.split("/")
    if not value.startswith("/") or value.endswith("/") or "" in parts[1:] or "." in parts or ".." in parts:
        fail("%s: %s: %r is not an absolute, normalized path. Fix: give one like \"/app/service\"." % (display_label(ctx.label), attr, value))

def _pex_entries(ctx, binary, root):
    """The layers' entries and inputs of a py_pex_binary: a directory PEX's `.deps/` (its wheels) is the packages layer."""
    pexes = [f for f in binary[DefaultInfo].files.to_list() if f.basename.endswith(".pex")]
    if len(pexes) != 1:
        fail("%s: binary: %s is neither an executable venv binary nor a py_pex_binary. Fix: give a py_venv_binary, py_console_script_binary or py_pex_binary." % (
            display_label(ctx.label),
            display_label(binary.label),
        ))
    pex = pexes[0]
    path = root + "/" + pex.basename
    if not pex.is_directory:  # a zipapp: one file, run by its shebang
        return {"interpreter": [], "packages": [], "app": [_entry(path, pex, {})]}, {"interpreter": [], "packages": [], "app": [pex]}, path
    entries = {
        "interpreter": [],
        "packages": [{"path": path, "kind": "dir", "file": pex.path, "only": ".deps"}],
        "app": [{"path": path, "kind": "dir", "file": pex.path, "skip": ".deps"}],
    }
    return entries, {"interpreter": [], "packages": [pex], "app": [pex]}, path + "/__main__.py"

def _entries(ctx, binary, root, packages_root):
    """The layers' entries {name: [dict(path, kind, file)]} and inputs {name: [File]} of `binary`, and its entrypoint."""
    info = binary[DefaultInfo]
    launcher = info.files_to_run.executable
    if not launcher:
        return _pex_entries(ctx, binary, root)
    name = launcher.basename
    runfiles = root + "/" + name + ".runfiles"
    toolchain = ctx.toolchains[TARGET_TOOLCHAIN]
    interpreter_files = toolchain.py.files.to_list() if toolchain else []
    interpreter_repos = {runfiles_path(ctx, f).split("/")[0]: True for f in interpreter_files}
    links = {f.path: True for f in binary[PyBinaryInfo].links} if PyBinaryInfo in binary else {}
    entries = {"interpreter": [], "packages": [], "app": [_entry(root + "/" + name, launcher, links)]}
    inputs = {"interpreter": [], "packages": [], "app": [launcher]}
    repos = {}
    for f in info.default_runfiles.files.to_list():
        rpath = runfiles_path(ctx, f)
        repo = rpath.split("/")[0]
        if repo == ctx.workspace_name:
            layer, path = "app", runfiles + "/" + rpath
        else:
            layer = "interpreter" if repo in interpreter_repos else "packages"
            path = packages_root + "/" + rpath
            repos[repo] = True
        entries[layer].append(_entry(path, f, links))
        inputs[layer].append(f)
    for repo in sorted(repos):  # the runfiles tree links each repository to its shared place
        entries["app"].append({"path": runfiles + "/" + repo, "kind": "link", "file": _relpath(packages_root + "/" + repo, runfiles)})
    return entries, inputs, root + "/" + name

def _entry(path, f, links):
    kind = "symlink" if f.path in links else "dir" if f.is_directory else "file"
    return {"path": path, "kind": kind, "file": f.path}

def _run_image_tool(ctx, **kwargs):
    """One action of image_tool.py (`args` starts with its subcommand) on the exec interpreter."""
    run_py_tool(ctx, tool = ctx.file._image_tool, deps = ctx.attr._image_tool_deps, **kwargs)

def image_layers(ctx, binary, root, packages_root):
    """Declare the layer actions of `binary`; returns PyImageLayersInfo.

    Args:
      ctx: rule context with `_image_tool`, `_image_tool_deps`, the optional target toolchain and py_tools_exec_groups().
      binary: Target, a py_venv_binary (or any executable with runfiles).
      root: str, where its runfiles tree goes in the image.
      packages_root: str, where the other repositories' files go.
    Returns:
      PyImageLayersInfo.
    """
    _check_path(ctx, "root", root)
    _check_path(ctx, "packages_root", packages_root)
    entries, inputs, entrypoint = _entries(ctx, binary, root, packages_root)
    layers = []
    for name in ("interpreter", "packages", "app"):
        if not entries[name]:
            continue
        listing = ctx.actions.declare_file("%s.%s.json" % (ctx.label.name, name))
        ctx.actions.write(listing, json.encode(entries[name]))
        tar = ctx.actions.declare_file("%s.%s.tar.gz" % (ctx.label.name, name))
        meta = ctx.actions.declare_file("%s.%s.layer.json" % (ctx.label.name, name))
        args = ctx.actions.args()
        args.add("layer")
        args.add(listing, format = "--entries=%s")
        args.add(name, format = "--name=%s")
        args.add(tar, format = "--output=%s")
        args.add(meta, format = "--meta=%s")
        _run_image_tool(
            ctx,
            args = args,
            inputs = [listing] + inputs[name],
            outputs = [tar, meta],
            mnemonic = "PyImageLayer",
            progress_message = "Writing the %s layer of %%{label}" % name,
        )
        layers.append(struct(name = name, tar = tar, meta = meta))
    return PyImageLayersInfo(layers = layers, entrypoint = entrypoint)

_TOOL_ATTRS = {
    "_image_tool": attr.label(default = "//py/tools/image:image_tool.py", allow_single_file = True),
    "_image_tool_deps": attr.label_list(default = ["//py/tools/lib:xpy"], cfg = config.exec(PY_TOOLS_EXEC_GROUP)),
}

_LAYER_ATTRS = {
    "binary": attr.label(mandatory = True, cfg = "target", doc = "The `py_venv_binary`, `py_console_script_binary` or `py_pex_binary` to put into the image. A PEX goes in as `<root>/<name>.pex` and runs with the base image's Python; a directory PEX (`layout = \"packed\"`) has its wheels (`.deps/`) in the packages layer."),
    "root": attr.string(doc = "Where the binary's runfiles tree goes: `<root>/<binary>` is the launcher. Default: `/app/<binary>`."),
    "packages_root": attr.string(default = "/app/.packages", doc = "Where the files of repositories other than the main one (installed wheels, an in-build interpreter) go; the runfiles tree links to them. The same for every binary, so binaries with the same packages share that layer."),
} | _TOOL_ATTRS

def _root(ctx):
    if ctx.attr.root:
        return ctx.attr.root
    launcher = ctx.attr.binary[DefaultInfo].files_to_run.executable
    return "/app/" + (launcher.basename if launcher else ctx.attr.binary.label.name)

def _py_image_layer_impl(ctx):
    info = image_layers(ctx, ctx.attr.binary, _root(ctx), ctx.attr.packages_root)
    return [
        info,
        DefaultInfo(files = depset([layer.tar for layer in info.layers])),
        OutputGroupInfo(layer_json = depset([layer.meta for layer in info.layers])),
    ]

py_image_layer = rule(
    implementation = _py_image_layer_impl,
    doc = """Deterministic `.tar.gz` layers of a venv binary: `interpreter` (an in-build interpreter's files),
`packages` (the installed wheels, shared by every binary with the same packages) and `app` (the launcher,
venv and first-party code). Plain tar files, for `py_oci_image` or other image rules:

```starlark
py_image_layer(name = "app_layers", binary = "//app")

# rules_oci: oci_image(name = "image", base = "@debian", tars = [":app_layers"], entrypoint = ["/app/app/app"])
```""",
    attrs = _LAYER_ATTRS,
    toolchains = target_toolchains(),
    exec_groups = py_tools_exec_groups(),
    provides = [PyImageLayersInfo],
)

def _oci_platform(ctx):
    target = target_platform(ctx)
    if target.os != "linux" or target.cpu not in _OCI_ARCH:
        fail("%s: the target platform is %s %s: images are for linux x86_64 or aarch64. Fix: build it with --platforms of one of them (or list them in py_oci_image_index(platforms))." % (
            display_label(ctx.label),
            target.os or "an unknown os",
            target.cpu or "an unknown cpu",
        ))
    arch, variant = _OCI_ARCH[target.cpu]
    return target, arch, variant

def _py_oci_image_impl(ctx):
    target, arch, variant = _oci_platform(ctx)
    info = image_layers(ctx, ctx.attr.binary, _root(ctx), ctx.attr.packages_root)
    layout = ctx.actions.declare_directory(ctx.label.name)
    args = ctx.actions.args()
    args.add("image")
    for layer in info.layers:
        args.add("%s=%s" % (layer.tar.path, layer.meta.path), format = "--layer=%s")
    base = ctx.file.base
    if base:
        args.add(base.path, format = "--base=%s")
    args.add("linux", format = "--os=%s")
    args.add(arch, format = "--architecture=%s")
    if variant:
        args.add(variant, format = "--variant=%s")
    args.add_all([info.entrypoint] + ctx.attr.args, format_each = "--entrypoint=%s")
    args.add_all(["%s=%s" % kv for kv in sorted(ctx.attr.env.items())], format_each = "--env=%s")
    if ctx.attr.workdir:
        args.add(ctx.attr.workdir, format = "--workdir=%s")
    args.add_all(["%s=%s" % kv for kv in sorted(ctx.attr.labels.items())], format_each = "--label=%s")
    args.add("rules_xpy py_oci_image %s" % display_label(ctx.label), format = "--created-by=%s")
    args.add(layout.path, format = "--output=%s")
    layer_files = [f for layer in info.layers for f in (layer.tar, layer.meta)]
    _run_image_tool(
        ctx,
        args = args,
        inputs = layer_files + ([base] if base else []),
        outputs = [layout],
        mnemonic = "PyOciImage",
        progress_message = "Writing the OCI image %%{label} for linux/%s" % arch,
    )

    # The arch guard: a validation action, run with every build of the image.
    stamp = ctx.actions.declare_file(ctx.label.name + ".guard")
    guard = ctx.actions.args()
    guard.add("guard")
    guard.add_all([layer.tar for layer in info.layers], format_each = "--layer=%s")
    guard.add(display_label(ctx.fragments.platform.platform), format = "--target-platform=%s")
    guard.add_all(["--target-os=linux", "--target-cpu=" + target.cpu, "--target-libc=" + (target.libc or "glibc")])
    guard.add(stamp, format = "--output=%s")
    guard.add(display_label(ctx.label), format = "--where=%s")
    _run_image_tool(
        ctx,
        args = guard,
        inputs = [layer.tar for layer in info.layers],
        outputs = [stamp],
        mnemonic = "PyImageGuard",
        progress_message = "Checking the native files of %%{label} against linux/%s" % arch,
    )
    return [
        DefaultInfo(files = depset([layout])),
        OutputGroupInfo(_validation = depset([stamp]), layers = depset([layer.tar for layer in info.layers])),
        info,
    ]

py_oci_image = rule(
    implementation = _py_oci_image_impl,
    doc = """An OCI image layout (image-spec 1.1) of a venv binary for the target platform (linux amd64 or arm64):
the `base` image's layers, then the binary's (py_image_layer), a config with the platform's os, architecture
and variant, the entrypoint (the launcher), env, workdir and labels. A validation action (the arch guard)
fails the build when a native file in the layers does not fit the target's cpu and libc.

```starlark
py_oci_image(name = "image", binary = "//app", base = "@base_amd64//:layout")
```""",
    attrs = _LAYER_ATTRS | {
        "base": attr.label(allow_single_file = True, doc = "An OCI image layout directory of one image, the base: it must have what the binary needs that the layers do not hold (a libc; for an interpreter by path, that interpreter)."),
        "args": attr.string_list(doc = "Arguments after the launcher in the entrypoint."),
        "env": attr.string_dict(doc = "Environment variables of the image (on top of the base image's)."),
        "workdir": attr.string(doc = "The image's working directory."),
        "labels": attr.string_dict(doc = "The image config's labels."),
    } | TARGET_PLATFORM_ATTRS,
    toolchains = target_toolchains(),
    exec_groups = py_tools_exec_groups(),
    fragments = ["platform"],
)

def _platforms_transition_impl(_settings, attr):
    return {str(p): {"//command_line_option:platforms": str(p)} for p in attr.platforms}

_platforms_transition = transition(
    implementation = _platforms_transition_impl,
    inputs = [],
    outputs = ["//command_line_option:platforms"],
)

def _py_oci_image_index_impl(ctx):
    layouts = [f for image in ctx.attr.image for f in image[DefaultInfo].files.to_list() if f.is_directory]
    index = ctx.actions.declare_directory(ctx.label.name)
    args = ctx.actions.args()
    args.add("index")
    args.add_all(layouts, format_each = "--image=%s", expand_directories = False)
    args.add(index.path, format = "--output=%s")
    _run_image_tool(
        ctx,
        args = args,
        inputs = layouts,
        outputs = [index],
        mnemonic = "PyOciIndex",
        progress_message = "Writing the OCI image index %%{label} (%d platforms)" % len(layouts),
    )
    return [DefaultInfo(files = depset([index]))]

py_oci_image_index = rule(
    implementation = _py_oci_image_index_impl,
    doc = """One OCI image layout holding the `image` built for each of `platforms`, in one `bazel build` (a
platform transition): its index lists one manifest per platform, with the platform's os, architecture and
variant.

```starlark
py_oci_image_index(
    name = "index",
    image = ":image",
    platforms = ["//platforms:linux_x86_64", "//platforms:linux_aarch64"],
)
```""",
    attrs = {
        "image": attr.label(mandatory = True, cfg = _platforms_transition, doc = "The `py_oci_image`."),
        "platforms": attr.label_list(mandatory = True, doc = "The target platforms (linux x86_64, linux aarch64) to build `image` for."),
    } | _TOOL_ATTRS,
    exec_groups = py_tools_exec_groups(),
)

def _py_oci_push_impl(ctx):
    layouts = [f for f in ctx.files.image if f.is_directory]
    if len(layouts) != 1:
        fail("%s: image: %s is not one OCI image layout. Fix: give a py_oci_image or py_oci_image_index." % (
            display_label(ctx.label),
            display_label(ctx.attr.image.label),
        ))
    script = ctx.actions.declare_file(ctx.label.name)
    ctx.actions.expand_template(
        template = ctx.file._push_template,
        output = script,
        substitutions = {
            "%LABEL%": display_label(ctx.label),
            "%LAYOUT%": runfiles_path(ctx, layouts[0]),
            "%REPOSITORY%": ctx.attr.repository,
            "%TAG%": ctx.attr.tag,
        },
        is_executable = True,
    )
    return [DefaultInfo(executable = script, runfiles = ctx.runfiles(files = layouts))]

py_oci_push = rule(
    implementation = _py_oci_push_impl,
    doc = """`bazel run` pushes an image or an index to a registry with `skopeo copy --all`, digests unchanged,
and prints `<repository>@<digest>`. Arguments after `--`: `--repository host:port/name`, `--tag T`,
`--insecure` (plain HTTP, no TLS check: a registry on loopback); they override the attributes. skopeo must be
on PATH (Debian: `apt install skopeo`); it reads the registry's credentials as `skopeo login` stored them.

```starlark
py_oci_push(name = "push", image = ":index", repository = "registry.example.com/team/app")
```""",
    attrs = {
        "image": attr.label(mandatory = True, doc = "The `py_oci_image` or `py_oci_image_index` to push."),
        "repository": attr.string(doc = "Where to push: `host[:port]/name`. `--repository` on the command line overrides it."),
        "tag": attr.string(default = "latest", doc = "The tag to push. `--tag` overrides it."),
        "_push_template": attr.label(default = "//py/tools/image:push.sh", allow_single_file = True),
    },
    executable = True,
)
