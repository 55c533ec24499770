"""Helpers shared with rules_xpy's other packages (`uv/`), which must not load `py/private/`. Not a user API."""

load(
    "//py/private:constraints.bzl",
    _TARGET_PLATFORM_ATTRS = "TARGET_PLATFORM_ATTRS",
    _constraint_names = "constraint_names",
    _constraints_json = "constraints_json",
    _platform_combinations = "platform_combinations",
    _platform_constraints = "platform_constraints",
    _target_platform = "target_platform",
)
load("//py/private:download.bzl", _download_checked = "download_checked")
load("//py/private:labels.bzl", _display_label = "display_label")
load("//py/private:paths.bzl", _runfiles_path = "runfiles_path", _shell_quote = "shell_quote")
load("//py/private:py_tool.bzl", _run_py_tool = "run_py_tool")
load("//py/private:settings.bzl", _LIMIT_ATTRS = "LIMIT_ATTRS", _add_limits = "add_limits")
load(
    "//py/private:toolchain_types.bzl",
    _EXEC_TOOLCHAIN = "EXEC_TOOLCHAIN",
    _PY_TOOLS_EXEC_GROUP = "PY_TOOLS_EXEC_GROUP",
    _TARGET_TOOLCHAIN = "TARGET_TOOLCHAIN",
    _py_tools_exec_groups = "py_tools_exec_groups",
)
load("//py/private:versions.bzl", _TOOL_WHEELS = "TOOL_WHEELS")

TARGET_PLATFORM_ATTRS = _TARGET_PLATFORM_ATTRS
constraint_names = _constraint_names
constraints_json = _constraints_json
platform_combinations = _platform_combinations
platform_constraints = _platform_constraints
target_platform = _target_platform
download_checked = _download_checked
display_label = _display_label
run_py_tool = _run_py_tool
LIMIT_ATTRS = _LIMIT_ATTRS
add_limits = _add_limits
py_tools_exec_groups = _py_tools_exec_groups
runfiles_path = _runfiles_path
shell_quote = _shell_quote
EXEC_TOOLCHAIN = _EXEC_TOOLCHAIN
TARGET_TOOLCHAIN = _TARGET_TOOLCHAIN
PY_TOOLS_EXEC_GROUP = _PY_TOOLS_EXEC_GROUP
TOOL_WHEELS = _TOOL_WHEELS
