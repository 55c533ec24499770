"""rules_xpy's shared Python library: the platform model, native-file and archive readers, errors, Starlark text.

Imported by the repository-phase tools (lock planner, hub generator, sdist
inspection; PYTHONPATH set by uv/private/host_python.bzl) and by the tools
that run in actions (PySdistBuild, WhlInstall, PyPex; through the
`//py/tools/lib:xpy` py_library). Runs on Python 3.9 or newer: a native sdist
build runs it on the target interpreter.
"""
