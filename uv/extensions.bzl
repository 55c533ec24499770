"""Public API: the `uv` and `pylock` module extensions (hubs of packages from `uv.lock` or PEP 751 `pylock.toml` files). See docs/uv.md and docs/pylock.md."""

load("//uv/private:extension.bzl", _pylock = "pylock", _uv = "uv")

uv = _uv
pylock = _pylock
