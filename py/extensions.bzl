"""Public module extensions of rules_xpy's Python rules."""

load("//py/private:python_extension.bzl", _python = "python")

python = _python
