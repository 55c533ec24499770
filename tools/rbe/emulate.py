"""Run a linux arm64 artifact on this host, under emulation, as an arm64 machine would.

    emulate.py [--root DIR] [--map FROM=TO]... PROGRAM [ARGS...]

PROGRAM is a venv binary built for linux aarch64 (its launcher, next to its
`.runfiles` tree) or a `.pex` file. It is copied into the Debian arm64 root
made by tools/rbe/setup and run chrooted there, under qemu-user: the venv's
`bin/python3` (e.g. /usr/bin/python3.11) is the root's arm64 interpreter, and
a PEX runs with it. Symlinks of the copied tree are followed, except those
whose target exists inside the root (such as the venv's interpreter), which
keep pointing there. The copy is removed afterwards; the exit code is
PROGRAM's. `--map FROM=TO` reads symlink targets below FROM from TO instead,
for trees made where paths differ (tools/bazel runs Bazel in a chroot: its
/tmp is the host's /opt/sid/tmp).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from arm64root import Arm64Error, chroot_command, private_mounts, register_binfmt, unregister_binfmt

NAMESPACE_MARK = "XPY_EMULATE_IN_NAMESPACE"
DEFAULT_ROOT = Path(os.environ.get("XPY_RBE_HOME", "/opt/rules_xpy-rbe")) / "arm64-root"
ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8"}


Maps = list[tuple[str, str]]


def resolve(path: str, maps: Maps, depth: int = 0) -> Path:
    """`path` with every symlink followed, one component at a time, targets below a FROM read below its TO."""
    for old, new in maps:
        if path == old or path.startswith(old + "/"):
            path = new + path[len(old) :]
    if depth > 40:
        raise Arm64Error(f"too many levels of symbolic links at {path}")
    current = Path("/")
    for part in Path(path).parts[1:]:
        current /= part
        if current.is_symlink():
            current = resolve(os.path.join(current.parent, os.readlink(current)), maps, depth + 1)
    return current


def materialize(src: Path, dst: Path, root: Path, maps: Maps) -> None:
    """Copies `src` to `dst`, following absolute symlinks unless their target exists inside `root`."""
    if src.is_symlink():
        target = os.readlink(src)
        if not os.path.isabs(target) or os.path.lexists(root / target.lstrip("/")):
            dst.symlink_to(target)
            return
        src = resolve(target, maps)
        if not src.exists():
            raise Arm64Error(f"{dst.name}: its link target {target} does not exist here ({src}); see --map")
    if src.is_dir():
        dst.mkdir()
        for child in sorted(src.iterdir()):
            materialize(child, dst / child.name, root, maps)
    else:
        shutil.copy2(src, dst)


def stage(program: Path, root: Path, into: Path, maps: Maps) -> list[str]:
    """Copies `program` (and its runfiles) under `into`; returns the command that runs it inside the root."""
    if not program.exists():
        raise Arm64Error(f"{program} does not exist")
    materialize(program, into / program.name, root, maps)
    runfiles = program.with_name(program.name + ".runfiles")
    if runfiles.is_dir():
        materialize(runfiles, into / runfiles.name, root, maps)
    inner = "/" + str((into / program.name).relative_to(root))
    return ["/usr/bin/python3.11", inner] if program.suffix == ".pex" else [inner]


def run(program: Path, args: list[str], root: Path, maps: Maps) -> int:
    (root / "run").mkdir(exist_ok=True)
    into = Path(tempfile.mkdtemp(prefix="emulate-", dir=root / "run"))
    binfmt = register_binfmt()
    try:
        command = stage(program, root, into, maps)
        private_mounts(root)
        env = {**ENV, "PEX_ROOT": "/" + str(into.relative_to(root) / ".pex_root")}
        return subprocess.run(chroot_command(root, "/tmp", [*command, *args]), env=env).returncode
    finally:
        shutil.rmtree(into, ignore_errors=True)
        unregister_binfmt(binfmt)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="the Debian arm64 root (tools/rbe/setup)")
    parser.add_argument(
        "--map", action="append", default=[], metavar="FROM=TO", help="link targets below FROM: from TO"
    )
    parser.add_argument("program", type=Path)
    parser.add_argument("args", nargs=argparse.REMAINDER)
    opts = parser.parse_args()
    if os.geteuid() != 0:
        print("emulate: must run as root (chroot, mounts, binfmt_misc)", file=sys.stderr)
        return 2
    if not os.environ.get(NAMESPACE_MARK):  # mounts made in a private namespace vanish with it
        env = {**os.environ, NAMESPACE_MARK: "1"}
        argv = ["unshare", "--mount", "--propagation", "private", sys.executable, __file__, *sys.argv[1:]]
        return subprocess.run(argv, env=env).returncode
    maps = [tuple(m.split("=", 1)) for m in opts.map if "=" in m]
    if len(maps) != len(opts.map):
        parser.error("--map takes FROM=TO")
    try:
        return run(opts.program.absolute(), opts.args, opts.root, maps)
    except Arm64Error as e:
        print(f"emulate: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
