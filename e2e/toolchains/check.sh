#!/usr/bin/env bash
# e2e/toolchains: archive + executor interpreters. Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")"
BAZEL=${BAZEL:-../../tools/bazel}
mkdir -p generated
read -r archive sha256 < <(python3 ../../tools/testing/make_python_archive.py --out "$PWD/generated/python.tar.gz")
version=$(python3 -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')
cat > generated.MODULE.bazel <<EOM
# Written by check.sh: the archive it built from the host's CPython.
python = use_extension("@rules_xpy//py:extensions.bzl", "python")
python.archive(
    name = "python_archive",
    url = "file://$archive",
    sha256 = "$sha256",
    strip_prefix = "python",
    version = "$version",
    os = "linux",
    cpu = "x86_64",
)
EOM

# hermetic_test compares what it runs on with the host interpreter the archive was made from.
host_prefix=$(python3 -c 'import sys; print(sys.base_prefix)')
"$BAZEL" test --test_env=HOST_PREFIX="$host_prefix" //...

# Hermetic: the binary runs from the archive, from bazel-bin and from copies.
"$BAZEL" build //:whoami
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -a bazel-bin/whoami bazel-bin/whoami.runfiles "$tmp/" && mv "$tmp/whoami" "$tmp/w" && mv "$tmp/whoami.runfiles" "$tmp/w.runfiles"
mkdir "$tmp/deref" && cp -rL bazel-bin/whoami bazel-bin/whoami.runfiles "$tmp/deref/"
for run in bazel-bin/whoami "$tmp/w" "$tmp/deref/whoami"; do
  abs=$(realpath -s "$run")
  out=$(cd / && "$abs" 2>&1)
  grep -q "base_prefix .*python_archive" <<<"$out" || { echo "FAIL: $run did not run on the archive interpreter: $out" >&2; exit 1; }
  grep -q "in_venv True" <<<"$out" || { echo "FAIL: $run not in its venv: $out" >&2; exit 1; }
done
echo "ok: archive interpreter runs from bazel-bin, a cp -a copy and a cp -rL copy"

# Executor interpreter: an aarch64 target's venv points at the worker's path.
"$BAZEL" build --platforms=//platforms:linux_aarch64 //:whoami
link=$(readlink bazel-bin/whoami.venv/bin/python3)
[ "$link" = /usr/bin/python3.11 ] || { echo "FAIL: aarch64 venv python is '$link', want /usr/bin/python3.11" >&2; exit 1; }
echo "ok: linux_aarch64 venv uses the executor interpreter $link"
