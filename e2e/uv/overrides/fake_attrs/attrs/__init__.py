"""Stands in for attrs: uv.override_package(replace_with) in e2e/uv/MODULE.bazel."""

REPLACED = "by uv.override_package(replace_with)"
