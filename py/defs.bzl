"""Public API of rules_xpy's Python rules. Implementations live in `private/`."""

load("//py/private:ide_venv.bzl", _py_ide_venv = "py_ide_venv")
load("//py/private:image.bzl", _PyImageLayersInfo = "PyImageLayersInfo", _py_image_layer = "py_image_layer", _py_oci_image = "py_oci_image", _py_oci_image_index = "py_oci_image_index", _py_oci_push = "py_oci_push")
load("//py/private:library.bzl", _py_library = "py_library")
load("//py/private:pex.bzl", _py_pex_binary = "py_pex_binary")
load("//py/private:providers.bzl", _PyInterpreterInfo = "PyInterpreterInfo", _PyPackageInfo = "PyPackageInfo")
load("//py/private:toolchain.bzl", _py_interpreter = "py_interpreter")
load("//py/private:venv.bzl", _py_console_script_binary = "py_console_script_binary", _py_venv_binary = "py_venv_binary", _py_venv_test = "py_venv_test")
load("//py/private:whl_layout.bzl", _py_whl_layout = "py_whl_layout")
load("//py/private:whl_library.bzl", _py_whl_library = "py_whl_library")

py_library = _py_library
py_venv_binary = _py_venv_binary
py_venv_test = _py_venv_test
py_console_script_binary = _py_console_script_binary
py_whl_library = _py_whl_library
py_whl_layout = _py_whl_layout
py_pex_binary = _py_pex_binary
py_ide_venv = _py_ide_venv
py_image_layer = _py_image_layer
py_oci_image = _py_oci_image
py_oci_image_index = _py_oci_image_index
py_oci_push = _py_oci_push
PyImageLayersInfo = _PyImageLayersInfo
py_interpreter = _py_interpreter
PyPackageInfo = _PyPackageInfo
PyInterpreterInfo = _PyInterpreterInfo
