"""Helpers shared with rules_xpy's other packages (`uv/`), which must not load `py/private/`. Not a user API."""

load("//py/private:download.bzl", _download_checked = "download_checked")
load("//py/private:labels.bzl", _display_label = "display_label")
load("//py/private:venv_action.bzl", _runfiles_path = "runfiles_path")

download_checked = _download_checked
display_label = _display_label
runfiles_path = _runfiles_path
