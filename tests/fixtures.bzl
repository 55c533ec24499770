"""Dev-only: pinned real PyPI wheels whose native files the cross-package tests read (sha256-checked)."""

load("@bazel_tools//tools/build_defs/repo:http.bzl", "http_file")

_FILES = "https://files.pythonhosted.org/packages/"

# MarkupSafe 3.0.2 for CPython 3.11, as e2e/crossbuild/uv.lock locks it: one wheel per kind of native file.
FIXTURE_WHEELS = {
    "markupsafe_musl_x86_64": (
        _FILES + "69/84/83439e16197337b8b14b6a5b9c2105fff81d42c2a7c5b58ac7b62ee2c3b1/MarkupSafe-3.0.2-cp311-cp311-musllinux_1_2_x86_64.whl",
        "0bff5e0ae4ef2e1ae4fdf2dfd5b76c75e5c2fa4132d05fc1b0dabcd20c7e28c4",
    ),
    "markupsafe_glibc_aarch64": (
        _FILES + "f2/96/9cdafba8445d3a53cae530aaf83c38ec64c4d5427d975c974084af5bc5d2/MarkupSafe-3.0.2-cp311-cp311-manylinux_2_17_aarch64.manylinux2014_aarch64.whl",
        "2cb8438c3cbb25e220c2ab33bb226559e7afb3baec11c4f218ffa7308603c832",
    ),
    "markupsafe_macos_universal2": (
        _FILES + "6b/28/bbf83e3f76936960b850435576dd5e67034e200469571be53f69174a2dfd/MarkupSafe-3.0.2-cp311-cp311-macosx_10_9_universal2.whl",
        "9025b4018f3a1314059769c7bf15441064b2207cb3f065e6ea1e7359cb46db9d",
    ),
    "markupsafe_win_amd64": (
        _FILES + "da/b8/3a3bd761922d416f3dc5d00bfbed11f66b1ab89a0c2b6e887240a30b0f6b/MarkupSafe-3.0.2-cp311-cp311-win_amd64.whl",
        "70a87b411535ccad5ef2f1df5136506a10775d267e197e4cf531ced10537bd6b",
    ),
}

# A pure wheel with a console script, installed for real by the whl_install tests.
FIXTURE_WHEELS["find_libpython"] = (
    _FILES + "34/1f/1d6079f4f0540aaa368aa20d89d98eda42f081c397a822c547340e32d1e3/find_libpython-0.5.1-py3-none-any.whl",
    "723a8cfe6fed255a1f58b53c62ed556fb340ec0d456e9863ebc01a5cc047607d",
)

def _fixtures_impl(_mctx):
    for name, (url, sha256) in FIXTURE_WHEELS.items():
        http_file(name = "fixture_" + name, url = url, sha256 = sha256, downloaded_file_path = url.rpartition("/")[2])

fixtures = module_extension(
    implementation = _fixtures_impl,
    doc = "Test fixtures of rules_xpy's own tests: `@fixture_<name>//file` (root module only, dev_dependency).",
)
