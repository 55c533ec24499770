#!/bin/sh
# Written by py_ide_venv (rules_xpy) for %LABEL%: bazel run it to write a venv for IDEs (default: .venv).
set -eu
r=${RUNFILES_DIR:-$0.runfiles}
exec "$r/%VENV%/bin/python3" -S -E "$r/%TOOL%" --runfiles="$r" --venv='%VENV%' --label=%LABEL% "$@"
