"""Public API: the `uv` module extension (hubs of packages from `uv.lock` files). See docs/uv.md."""

load("//uv/private:extension.bzl", _uv = "uv")

uv = _uv
