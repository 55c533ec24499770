"""uv_file: a repository holding one file of a lock (wheel or sdist), downloaded and sha256-checked."""

load("//py:utils.bzl", "download_checked")

def _uv_file_impl(rctx):
    a = rctx.attr
    rctx.report_progress("Fetching %s" % a.filename)
    what = "%s %s from %s (hub @%s)" % (a.package, a.version, a.lock, a.hub)
    download_checked(rctx, url = a.url, output = "file/" + a.filename, sha256 = a.sha256, what = what)
    rctx.file("BUILD.bazel", "")
    rctx.file("file/BUILD.bazel", 'filegroup(\n    name = "file",\n    srcs = [%r],\n    visibility = ["//visibility:public"],\n)\n' % a.filename)

uv_file = repository_rule(
    implementation = _uv_file_impl,
    doc = "One downloaded file of a lock: `//file` is the file, named as in the lock.",
    attrs = {
        "url": attr.string(mandatory = True, doc = "Where to download the file."),
        "sha256": attr.string(mandatory = True, doc = "Its SHA-256, from the lock."),
        "filename": attr.string(mandatory = True, doc = "Its file name (`.whl`, `.tar.gz`, `.zip`)."),
        "kind": attr.string(values = ["wheel", "sdist"], doc = "What the file is."),
        "package": attr.string(doc = "Package name, for messages."),
        "version": attr.string(doc = "Package version, for messages."),
        "lock": attr.string(doc = "The lock's label, for messages."),
        "hub": attr.string(doc = "The hub's name, for messages."),
    },
)
