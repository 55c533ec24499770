#!/bin/sh
# Written by py_oci_push (rules_xpy) for %LABEL%: push an OCI image layout to a registry with skopeo.
#   bazel run %LABEL% -- [--repository host:port/name] [--tag T] [--insecure]
set -eu
repository='%REPOSITORY%'
tag='%TAG%'
tls=
die() { echo "ERROR: %LABEL%: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --repository=*) repository=${1#*=} ;;
    --repository) [ $# -ge 2 ] || die "--repository needs a value"; repository=$2; shift ;;
    --tag=*) tag=${1#*=} ;;
    --tag) [ $# -ge 2 ] || die "--tag needs a value"; tag=$2; shift ;;
    --insecure) tls=--dest-tls-verify=false ;;
    *) die "unknown argument '$1'. Use: --repository host:port/name, --tag T, --insecure" ;;
  esac
  shift
done
[ -n "$repository" ] || die "no repository to push to. Fix: bazel run %LABEL% -- --repository host:port/name (or set the rule's repository)"
case $repository in
  *://* | *@* | */ | /*) die "repository '$repository' is not host[:port]/name (no scheme, tag or digest). Fix: e.g. --repository localhost:5000/app" ;;
esac
command -v skopeo >/dev/null || die "skopeo is not on PATH. Fix: install it (Debian: apt install skopeo)"
layout=${RUNFILES_DIR:-$0.runfiles}/%LAYOUT%
[ -f "$layout/index.json" ] || die "no OCI layout at $layout"
digest_file=$(mktemp)
trap 'rm -f "$digest_file"' EXIT
skopeo copy --all --preserve-digests --digestfile "$digest_file" $tls "oci:$layout:latest" "docker://$repository:$tag" >&2
echo "$repository@$(cat "$digest_file")"
