"""Run an image of an OCI layout as a container runtime would, on this host: amd64 natively, arm64 under qemu.

    run_image.py --layout DIR [--ref latest] [ARGS...]

Unpacks the image with umoci (tools/image/setup installs it) into a temporary bundle and runs its entrypoint
(and ARGS) chrooted into the root file system, with the image's environment and working directory, in a private
mount namespace with /proc and /dev. An arm64 image runs under qemu-user through binfmt_misc (registered for the
run, as tools/rbe/start does, when it is not already). Prints what the program prints; exits with its code.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "rbe"))
from arm64root import Arm64Error, register_binfmt, unregister_binfmt

MARK = "XPY_RUN_IMAGE_IN_NAMESPACE"


def _run(bundle: Path, args: list[str]) -> int:
    spec = json.loads((bundle / "config.json").read_text())
    process = spec["process"]
    rootfs = bundle / spec["root"]["path"]
    mounted = []
    try:
        for what, mount in (("proc", ["-t", "proc", "proc"]), ("dev", ["--rbind", "/dev"])):
            (rootfs / what).mkdir(exist_ok=True)
            subprocess.run(["mount", *mount, str(rootfs / what)], check=True)
            mounted.append(rootfs / what)
        env = dict(e.split("=", 1) for e in process.get("env", []))
        argv = [
            shutil.which("chroot") or "/usr/sbin/chroot",
            str(rootfs),
            "/usr/bin/env",
            f"--chdir={process.get('cwd', '/')}",
        ]
        return subprocess.run([*argv, *process["args"], *args], env=env).returncode
    finally:  # before the bundle is removed
        for path in reversed(mounted):
            subprocess.run(["umount", "--recursive", "--lazy", str(path)], check=False)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="run_image", description=__doc__.splitlines()[0])
    parser.add_argument("--layout", type=Path, required=True)
    parser.add_argument("--ref", default="latest")
    parser.add_argument("args", nargs="*")
    args = parser.parse_args(argv)
    if not os.environ.get(MARK):  # the mounts are made in a private namespace: they vanish with it
        cmd = ["unshare", "--mount", "--propagation", "private", sys.executable, __file__, *argv]
        return subprocess.run(cmd, env={**os.environ, MARK: "1"}).returncode
    with tempfile.TemporaryDirectory(prefix="xpy-image-") as tmp:
        bundle = Path(tmp) / "bundle"
        unpack = subprocess.run(
            ["umoci", "unpack", "--image", f"{args.layout}:{args.ref}", str(bundle)], capture_output=True, text=True
        )
        if unpack.returncode != 0:
            print(f"ERROR: umoci cannot unpack {args.layout}:{args.ref}: {unpack.stderr.strip()}", file=sys.stderr)
            return 1
        config = json.loads((bundle / "config.json").read_text())
        done = []
        try:
            if "arm64" in json.dumps(config.get("annotations", {})) or _arch(args.layout, args.ref) == "arm64":
                done = register_binfmt()
            return _run(bundle, args.args)
        except Arm64Error as e:
            print(f"ERROR: {e}", file=sys.stderr)
            return 1
        finally:
            unregister_binfmt(done)


def _arch(layout: Path, ref: str) -> str:
    index = json.loads((layout / "index.json").read_text())
    (descriptor,) = [
        m for m in index["manifests"] if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == ref
    ]
    manifest = json.loads((layout / "blobs" / "sha256" / descriptor["digest"].split(":")[1]).read_text())
    config = json.loads((layout / "blobs" / "sha256" / manifest["config"]["digest"].split(":")[1]).read_text())
    return str(config["architecture"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
