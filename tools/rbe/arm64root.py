"""The emulated arm64 machine: a Debian arm64 root run under qemu-user (binfmt_misc).

Shared by the arm64 worker (bot.py) and the emulated-run helper (emulate.py):
both run programs chrooted into the root made by tools/rbe/setup, so every
binary, from /bin/sh to python3.11 and gcc, is the arm64 one, run by
qemu-aarch64 through the kernel's binfmt_misc registration.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

BINFMT = Path("/proc/sys/fs/binfmt_misc")
QEMU_CONF = Path("/usr/lib/binfmt.d/qemu-aarch64.conf")
ENTRY = BINFMT / "qemu-aarch64"
CHROOT = shutil.which("chroot") or "/usr/sbin/chroot"  # resolved here: the commands' env has the root's PATH


class Arm64Error(Exception):
    """The emulated arm64 machine cannot run: the message says why and what to do."""


def register_binfmt() -> list[str]:
    """Registers qemu-aarch64 with binfmt_misc (machine-wide); returns what it did, for unregister_binfmt."""
    done: list[str] = []
    if ENTRY.exists():
        return done
    if not QEMU_CONF.exists():
        raise Arm64Error(f"{QEMU_CONF} is missing: run tools/rbe/setup (it installs qemu-user-static)")
    if not (BINFMT / "register").exists():
        subprocess.run(["mount", "-t", "binfmt_misc", "binfmt_misc", str(BINFMT)], check=True)
        done.append("mount")
    (BINFMT / "register").write_text(QEMU_CONF.read_text().strip())
    return [*done, "entry"]


def unregister_binfmt(done: list[str]) -> None:
    """Undoes what register_binfmt did (and nothing that was there before it)."""
    if "entry" in done and ENTRY.exists():
        ENTRY.write_text("-1")
    if "mount" in done:
        subprocess.run(["umount", str(BINFMT)], check=False)


def private_mounts(root: Path) -> None:
    """Mounts /proc and /dev inside `root`, in this process's own mount namespace.

    The caller must run in a private mount namespace (`unshare --mount
    --propagation private`): the mounts then vanish with the process, and the
    host never sees them.
    """
    if not (root / "usr/bin/python3.11").exists():
        raise Arm64Error(f"{root} is not an arm64 root (no usr/bin/python3.11): run tools/rbe/setup")
    if not ENTRY.exists():
        raise Arm64Error("qemu-aarch64 is not registered with binfmt_misc: start the harness (tools/rbe/start)")
    for what, args in (("proc", ["-t", "proc", "proc"]), ("dev", ["--rbind", "/dev"])):
        subprocess.run(["mount", *args, str(root / what)], check=True)


def chroot_command(root: Path, cwd: str, argv: list[str]) -> list[str]:
    """The command that runs `argv` inside `root`, in `cwd` (a path inside it).

    chroot(8) rather than a preexec_fn: a forked child of a process with gRPC
    threads (the worker) can abort in gRPC's fork handlers before it execs.
    """
    return [CHROOT, str(root), "/usr/bin/env", f"--chdir={cwd}", *argv]
