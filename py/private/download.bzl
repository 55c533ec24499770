"""Repository-phase helper: a sha256-checked download whose failure says what to fix."""

def download_checked(rctx, *, url, output, sha256, what):
    """Download `url` to `output` and check its SHA-256; fail with a clear message otherwise.

    On a hash mismatch the file is downloaded again without the check, so the
    message shows both hashes (the expected one and the one served).

    Args:
      rctx: repository_ctx or module_ctx.
      url: str, the URL.
      output: str, path in the repository.
      sha256: str, expected SHA-256 (64 hex digits).
      what: str, who asked for the file, e.g. `python.archive(name = "py")`, named in errors.
    """
    if not sha256:
        fail("%s: no sha256 for %s. Fix: set sha256 (rules_xpy never downloads unchecked files)." % (what, url))
    if rctx.download(url, output = output, sha256 = sha256, allow_fail = True).success:
        return
    got = rctx.download(url, output = output + ".unchecked", allow_fail = True)
    if got.success:
        if hasattr(rctx, "delete"):  # module_ctx has none; its working directory is discarded
            rctx.delete(output + ".unchecked")
        fail("%s: %s has SHA-256 %s, but %s was expected. Fix: if you trust the new file, update its sha256 (for a lock: re-lock); otherwise correct the URL." % (
            what,
            url,
            got.sha256,
            sha256,
        ))
    fail("%s: cannot download %s. Fix: check the URL and your network, proxy or mirror (Bazel's --downloader_config)." % (what, url))
