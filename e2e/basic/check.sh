#!/usr/bin/env bash
# e2e/basic: the venv binary runs under bazel run, from bazel-bin, from a copy
# of its runfiles tree and from another directory; the pytest test passes.
set -euo pipefail
cd "$(dirname "$0")"
BAZEL=${BAZEL:-../../tools/bazel}

expect() {  # expect <what> <output> <line>...
  local what=$1 out=$2
  shift 2
  for want in "$@"; do
    grep -qxF -- "$want" <<<"$out" || { printf 'FAIL: %s: no line %q in:\n%s\n' "$what" "$want" "$out" >&2; exit 1; }
  done
  echo "ok: $what"
}

"$BAZEL" test //...
expect "bazel run" "$("$BAZEL" run //app -- one two 2>/dev/null)" "Hello, Bazel!" "python 3.11 venv=True" "args: from-attr one two"
expect "bazel-bin/app/app" "$(bazel-bin/app/app three)" "Hello, Bazel!" "args: three"
expect "env from caller wins" "$(XPY_E2E_WHO=Ada bazel-bin/app/app)" "Hello, Ada!"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -rL bazel-bin/app/app bazel-bin/app/app.runfiles "$tmp/"
expect "copied runfiles tree, run from /" "$(cd / && "$tmp/app" four)" "Hello, Bazel!" "python 3.11 venv=True" "args: four"
mv "$tmp/app.runfiles" "$tmp/elsewhere.runfiles"
if out=$("$tmp/app" 2>&1); then echo "FAIL: ran without its runfiles: $out" >&2; exit 1; fi
grep -q "ERROR: //app:app: no runfiles tree holding .*: run it with 'bazel run', or copy" <<<"$out" \
  || { echo "FAIL: unclear error without runfiles: $out" >&2; exit 1; }
echo "ok: launcher without its runfiles explains itself"
