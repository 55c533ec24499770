#!/usr/bin/env bash
# The RBE suite needs the harness around it: tools/rbe/e2e starts it, runs
# rbe_test.py and stops it.
exec "$(dirname "$0")/../../tools/rbe/e2e"
