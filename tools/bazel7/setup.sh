#!/bin/bash
# setup.sh - idempotent setup of a Debian sid root (default /opt/sid) holding
# Debian's Bazel 7.7.1 (bazel-bootstrap) + packaged Bazel modules, configured
# for OFFLINE bzlmod (override_module to /usr/share/bazel/... + small stubs).
#
# Usage:  setup.sh            # create or repair; a rerun when set up is fast (<1 s)
#         SID_ROOT=/x setup.sh
#         BAZEL7_SETUP_QUIET=1 setup.sh   # print nothing when already set up
#
# Needs: root, Debian host with debootstrap (apt-get install debootstrap),
# access to the Debian mirror (deb.debian.org). Does NOT touch the host's
# packages beyond installing debootstrap. Leaves no mounts behind (it uses a
# private mount namespace). The wrapper ./run runs bazel inside the root;
# ../bazel (the project's launcher) calls both.
set -euo pipefail

SID_ROOT=${SID_ROOT:-/opt/sid}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SUITE=${SUITE:-sid}
SETUP_VERSION=6
PKGS=(
  bazel-bootstrap bazel-platforms bazel-rules-cc bazel-rules-java
  bazel-rules-python bazel-rules-license bazel-rules-proto bazel-skylib
  bazel-features bazel-lib bazel-aspect-bazel-lib bazel-rules-pkg
  bazel-rules-shell bazel-stardoc bazel-java-tools
  python3 ca-certificates
)
# Extra packages, e.g. EXTRA_PKGS="git zip"
read -r -a EXTRA <<<"${EXTRA_PKGS:-}"
PKGS+=("${EXTRA[@]}")

log() { printf '[setup.sh %(%T)T] %s\n' -1 "$*" >&2; }
[ "$(id -u)" = 0 ] || { echo "setup.sh: must run as root" >&2; exit 1; }
# Serialize concurrent runs (e.g. parallel e2e tests on a fresh machine).
exec 8>"/tmp/bazel7-setup.$(printf %s "$SID_ROOT" | tr / _).lock"
flock 8

STATE=$SID_ROOT/var/lib/bazel7-wrapper
STAMP=$STATE/setup.stamp
want_stamp="v=$SETUP_VERSION suite=$SUITE pkgs=${PKGS[*]}"

# ---- cheap host-side refreshes (run every time) ------------------------------
CA_CHANGED=0
refresh_host_files() {
  # DNS for repository_ctx.download / apt
  for f in /etc/resolv.conf /etc/hosts; do
    if [ -f "$f" ] && ! cmp -s "$f" "$SID_ROOT$f" 2>/dev/null; then
      rm -f "$SID_ROOT$f"; cp -L "$f" "$SID_ROOT$f"
    fi
  done
  # Local CAs of the host (e.g. a TLS-intercepting egress proxy). Bazel's JVM
  # trusts /etc/ssl/certs/java/cacerts, rebuilt by update-ca-certificates.
  mkdir -p "$SID_ROOT/usr/local/share/ca-certificates"
  if [ -d /usr/local/share/ca-certificates ]; then
    local c
    for c in /usr/local/share/ca-certificates/*.crt; do
      [ -f "$c" ] || continue
      if ! cmp -s "$c" "$SID_ROOT$c"; then cp "$c" "$SID_ROOT$c"; CA_CHANGED=1; fi
    done
  fi
}

in_root() {  # run a command in the root with a private, auto-cleaned mount ns
  # shellcheck disable=SC2016  # expanded by the inner bash
  unshare --mount --propagation private -- /bin/bash -ec '
    R=$1; shift
    mount -t proc proc "$R/proc"
    mount --rbind /dev "$R/dev"
    mount --rbind /sys "$R/sys"
    exec chroot "$R" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
      PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      DEBIAN_FRONTEND=noninteractive "$@"' _ "$SID_ROOT" "$@"
}

# ---- fast path ---------------------------------------------------------------
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want_stamp" ] && [ -x "$SID_ROOT/usr/bin/bazel" ]; then
  refresh_host_files
  if [ "$CA_CHANGED" = 1 ]; then
    log "new host CA certificates -> update-ca-certificates in $SID_ROOT"
    in_root update-ca-certificates >/dev/null
  fi
  [ -n "${BAZEL7_SETUP_QUIET:-}" ] ||
    log "already set up: $SID_ROOT ($(in_root /usr/bin/bazel --version 2>/dev/null || echo '?'))"
  exit 0
fi

# ---- 1. debootstrap -----------------------------------------------------------
command -v debootstrap >/dev/null || { log "installing debootstrap (host)"; apt-get install -y -q debootstrap >/dev/null; }
# debootstrap removes $SID_ROOT/debootstrap/ only when it finished successfully
if [ ! -x "$SID_ROOT/usr/bin/apt-get" ] || [ -d "$SID_ROOT/debootstrap" ]; then
  if [ -e "$SID_ROOT" ]; then
    if findmnt -rn -o TARGET | grep -q "^$SID_ROOT\(/\|$\)"; then
      echo "setup.sh: incomplete $SID_ROOT has mounts; run 'bazel7 --teardown' first" >&2; exit 1
    fi
    log "removing incomplete $SID_ROOT"; rm -rf --one-file-system "$SID_ROOT"
  fi
  log "debootstrap --variant=minbase $SUITE $SID_ROOT $MIRROR"
  debootstrap --variant=minbase "$SUITE" "$SID_ROOT" "$MIRROR" >"/tmp/debootstrap-$(basename "$SID_ROOT").log" 2>&1 \
    || { tail -20 "/tmp/debootstrap-$(basename "$SID_ROOT").log" >&2; exit 1; }
fi
mkdir -p "$STATE"

# ---- 2. apt config + packages -----------------------------------------------
# The mirror may serve a frozen snapshot whose Release file is past Valid-Until.
echo 'Acquire::Check-Valid-Until "false";' >"$SID_ROOT/etc/apt/apt.conf.d/99bazel7-no-check-valid-until"
echo 'APT::Install-Recommends "false";'    >"$SID_ROOT/etc/apt/apt.conf.d/99bazel7-no-recommends"
echo "deb $MIRROR $SUITE main"               >"$SID_ROOT/etc/apt/sources.list"
refresh_host_files

# shellcheck disable=SC2016  # dpkg-query format, not shell
missing=$(in_root dpkg-query -W -f='${Package} ${Status}\n' "${PKGS[@]}" 2>/dev/null | grep -c ' install ok installed$' || true)
if [ "$missing" != "${#PKGS[@]}" ]; then
  log "apt-get install ${#PKGS[@]} packages into $SID_ROOT"
  in_root apt-get update -q >/dev/null
  in_root apt-get install -y -q --no-install-recommends "${PKGS[@]}" >"$STATE/apt-install.log" 2>&1 \
    || { tail -30 "$STATE/apt-install.log" >&2; exit 1; }
fi
in_root apt-get clean   # drop ~670 MB of downloaded .debs
log "update-ca-certificates"
in_root update-ca-certificates >/dev/null

# ---- 3. offline bzlmod config -------------------------------------------------
# Debian's /etc/bazel/bazelrc (read first; it try-imports /etc/bazel.bazelrc)
# already has --override_module for platforms, rules_java, rules_cc,
# bazel_features, bazel_skylib, rules_license, rules_python, rules_proto.
# @bazel_tools additionally bazel_deps apple_support, protobuf, buildozer, zlib,
# which Debian does not package: stub them like debian/tests/* does.
S=$SID_ROOT/usr/local/share/bazel-stubs
for m in apple_support protobuf buildozer zlib; do
  mkdir -p "$S/$m"; echo "module(name = \"$m\")" >"$S/$m/MODULE.bazel"; : >"$S/$m/BUILD.bazel"
done
cat >"$S/zlib/BUILD.bazel" <<'EOF'
cc_library(name = "zlib", linkopts = ["-lz"], visibility = ["//visibility:public"])
EOF
cat >"$S/buildozer/buildozer_binary.bzl" <<'EOF'
"""Offline stub: the real extension downloads buildozer (only used by `bazel mod tidy`)."""
def _stub_repo_impl(rctx):
    rctx.file("BUILD.bazel", "")
_stub_repo = repository_rule(implementation = _stub_repo_impl)
def _impl(mctx):
    _stub_repo(name = "buildozer_binary")
buildozer_binary = module_extension(implementation = _impl)
EOF
# Debian's singlejar drops build-data.properties, so the server reports
# "development version" and native.bazel_version == "" (bazel_features then
# assumes version 999999.* and enables everything). Put the real label back
# via a tiny jar on the JVM boot class path (no dpkg-owned file is modified).
mkdir -p "$SID_ROOT/usr/local/share/bazel7-wrapper"
label=$(cat "$SID_ROOT/usr/share/bazel/build-label.txt")
in_root /usr/bin/python3 -c 'import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("build-data.properties", "build.label=%s\n" % sys.argv[2])' \
  /usr/local/share/bazel7-wrapper/build-data.jar "$label"
cat >"$SID_ROOT/etc/bazel.bazelrc" <<'EOF'
# Written by bazel7 setup.sh. Imported at the top of Debian's /etc/bazel/bazelrc.
startup --host_jvm_args=-Xbootclasspath/a:/usr/local/share/bazel7-wrapper/build-data.jar
common --override_module=apple_support=/usr/local/share/bazel-stubs/apple_support
common --override_module=protobuf=/usr/local/share/bazel-stubs/protobuf
common --override_module=buildozer=/usr/local/share/bazel-stubs/buildozer
common --override_module=zlib=/usr/local/share/bazel-stubs/zlib
# The WORKSPACE suffix would fetch rules_cc etc. from GitHub; bzlmod-only.
# (Pass --enable_workspace, or add an empty WORKSPACE.bzlmod, if needed.)
common --noenable_workspace
# Resolution differs from BCR; never write/verify the project's MODULE.bazel.lock.
common --lockfile_mode=off
EOF

mkdir -p "$SID_ROOT/usr/local/lib/bazel7-wrapper"
cat >"$SID_ROOT/usr/local/lib/bazel7-wrapper/gen_rc.py" <<'PYEOF'
#!/usr/bin/python3
"""Print a bazelrc with --override_module flags for the Debian-packaged Bazel
modules that the workspace's module graph reaches but /etc/bazel/bazelrc does
not already override (an override for a module outside the graph is an error
in Bazel 7), plus empty stubs for modules named in $BAZEL7_STUB_MODULES.
The graph follows packaged modules and the root's local_path_override()s."""
import glob, os, re, sys

ws = sys.argv[1]
out_dir = sys.argv[2]
bazel_dep_re = re.compile(r"\bbazel_dep\s*\((.*?)\)", re.S)
local_re = re.compile(r"\blocal_path_override\s*\((.*?)\)", re.S)

def deps(path, with_dev):
    try:
        text = open(path, encoding="utf-8").read()
    except OSError:
        return []
    text = re.sub(r"#[^\n]*", "", text)
    res = []
    for m in bazel_dep_re.finditer(text):
        body = m.group(1)
        n = re.search(r'name\s*=\s*"([^"]+)"', body)
        if not n:
            continue
        if not with_dev and re.search(r"dev_dependency\s*=\s*(?!False\b)\w", body):
            continue
        res.append(n.group(1))
    return res

def rc_overrides(path):
    try:
        return set(re.findall(r"--override_module=([^=\s]+)=", open(path).read()))
    except OSError:
        return set()

already = rc_overrides("/etc/bazel/bazelrc") | rc_overrides("/etc/bazel.bazelrc")
packaged = {}
for mf in glob.glob("/usr/share/bazel/*/*/MODULE.bazel"):
    m = re.search(r'module\s*\(\s*name\s*=\s*"([^"]+)"', open(mf).read())
    if m:
        packaged.setdefault(m.group(1), os.path.dirname(mf))

root_files = [os.path.join(ws, "MODULE.bazel")]
root_text = ""
try:
    root_text = open(root_files[0]).read()
except OSError:
    pass
for inc in re.findall(r'\binclude\s*\(\s*"(?://)?:?([^"]+)"', root_text):
    root_files.append(os.path.join(ws, inc.replace(":", "/")))

root_deps = []
local = {}  # module name -> dir, from the root's local_path_override()s
for f in root_files:
    root_deps += deps(f, True)
    try:
        text = re.sub(r"#[^\n]*", "", open(f, encoding="utf-8").read())
    except OSError:
        continue
    for body in local_re.findall(text):
        n = re.search(r'module_name\s*=\s*"([^"]+)"', body)
        p = re.search(r'path\s*=\s*"([^"]+)"', body)
        if n and p:
            local[n.group(1)] = os.path.join(ws, p.group(1))
seen, queue = set(), list(root_deps)
while queue:
    n = queue.pop()
    if n in seen:
        continue
    seen.add(n)
    if n in local:
        queue += deps(os.path.join(local[n], "MODULE.bazel"), False)
    elif n in packaged:
        queue += deps(os.path.join(packaged[n], "MODULE.bazel"), False)

stubs = [s for s in re.split(r"[\s,]+", os.environ.get("BAZEL7_STUB_MODULES", "")) if s]
lines = ["# generated by bazel7 for " + ws]
for n in sorted(seen):
    if n in already or n in local:
        continue
    if n in stubs:
        d = os.path.join(out_dir, "stubs", n)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "MODULE.bazel"), "w") as fh:
            fh.write('module(name = "%s")\n' % n)
        open(os.path.join(d, "BUILD.bazel"), "a").close()
        lines.append("common --override_module=%s=%s" % (n, d))
    elif n in packaged:
        lines.append("common --override_module=%s=%s" % (n, packaged[n]))
    else:
        sys.stderr.write("bazel7: note: module '%s' is not packaged in Debian; it needs a registry "
                         "(offline: fails). Stub it with BAZEL7_STUB_MODULES=%s if unused.\n" % (n, n))
# Debian's /etc/bazel/bazelrc sets --sandbox_debug (keeps every sandbox dir).
lines.append("build --nosandbox_debug")
print("\n".join(lines))
PYEOF
chmod +x "$SID_ROOT/usr/local/lib/bazel7-wrapper/gen_rc.py"

echo "$want_stamp" >"$STAMP"
log "done: $SID_ROOT ($(in_root /usr/bin/bazel --version))"
