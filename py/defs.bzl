"""Public API of rules_xpy's Python rules. Implementations live in `private/`."""

load("//py/private:library.bzl", _py_library = "py_library")
load("//py/private:providers.bzl", _PyInterpreterInfo = "PyInterpreterInfo", _PyPackageInfo = "PyPackageInfo")
load("//py/private:toolchain.bzl", _py_interpreter = "py_interpreter")
load("//py/private:venv.bzl", _py_venv_binary = "py_venv_binary", _py_venv_test = "py_venv_test")

py_library = _py_library
py_venv_binary = _py_venv_binary
py_venv_test = _py_venv_test
py_interpreter = _py_interpreter
PyPackageInfo = _PyPackageInfo
PyInterpreterInfo = _PyInterpreterInfo
