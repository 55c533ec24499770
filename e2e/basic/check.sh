#!/usr/bin/env bash
# e2e/basic: the venv binary runs under bazel run, from bazel-bin, from a copy
# of its runfiles tree and from another directory; the pytest tests pass, a
# 3-shard one running each test once; `bazel coverage` writes an lcov report.
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
# Each of sharded_test's seven tests ran in exactly one of its three shards.
ran=$(cat bazel-testlogs/tests/sharded_test/shard_{1,2,3}_of_3/test.xml | grep -o '<testcase [^>]*name="[^"]*"' | sed 's/.*name="//; s/"$//' | sort)
want=$(printf '%s\n' "test_number[0]" "test_number[1]" "test_number[2]" "test_number[3]" "test_number[4]" "test_number[5]" test_seventh | sort)
[ "$ran" = "$want" ] || { printf 'FAIL: sharded_test ran:\n%s\n' "$ran" >&2; exit 1; }
echo "ok: 3 shards ran each of 7 tests once (conftest.py fixture found)"
# bazel coverage: an lcov report of the first-party library the test imports (coverage.py, no lcov merger).
"$BAZEL" coverage --instrumentation_filter='^//lib[/:]' --combined_report=lcov //tests:greet_test
for dat in bazel-testlogs/tests/greet_test/coverage.dat "$("$BAZEL" info output_path)/_coverage/_coverage_report.dat"; do
  grep -qxF "SF:lib/src/greet/__init__.py" "$dat" && grep -qx "DA:[0-9]*,1" "$dat" && grep -qx "LH:[1-9][0-9]*" "$dat" \
    || { printf 'FAIL: no line data for lib/src/greet/__init__.py in %s:\n%s\n' "$dat" "$(cat "$dat")" >&2; exit 1; }
done
echo "ok: bazel coverage wrote lcov with line data for //lib:greet (the test's and the combined report)"
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
