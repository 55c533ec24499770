"""Build one wheel from one sdist, as the `PySdistBuild` action does.

In one process: check that a native build runs on an executor of the target
platform (`wheel_check.check_executor`), unpack the sdist safely into a fresh
directory below the current working directory (the action's sandbox,
`xpy.archives`), build a wheel from it with `build.ProjectBuilder` without
isolation (`backend`: the build dependencies must already be importable,
nothing is installed or downloaded), check the wheel's name, version, tags and
native files against the package and the target platform
(`wheel_check.check_wheel`), and move it into the output directory.

Nothing is printed on success. The backend's output goes to `--log`; when the
build fails its last lines are shown, with the log's path. On an error the
output directory is left empty.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import shutil
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from backend import BuildFailedError, build_environment, build_wheel
from wheel_check import WheelError, check_executor, check_wheel
from xpy.archives import DEFAULT_LIMITS, ArchiveError, Limits, unpack_archive
from xpy.errors import XpyError
from xpy.platforms import PlatformError, TargetPlatform, parse_platform, target_of

__all__ = ["build_parser", "build_sdist", "find_project_dir", "main", "target_platform"]

_PROJECT_FIX = (
    "--sdist must be an sdist (.tar.gz, .tgz, .tar.bz2, .tar.xz or .zip) with one top directory holding "
    "pyproject.toml or setup.py"
)


def find_project_dir(root: Path) -> Path:
    """The single top-level directory of an unpacked sdist that holds pyproject.toml or setup.py."""
    candidates = [
        child
        for child in sorted(root.iterdir())
        if child.is_dir()
        and not child.is_symlink()
        and ((child / "pyproject.toml").is_file() or (child / "setup.py").is_file())
    ]
    if len(candidates) != 1:
        found = ", ".join(c.name for c in candidates) or "none"
        raise ArchiveError(
            f"sdist has {len(candidates)} top-level directories holding pyproject.toml or setup.py "
            f"(found: {found}), expected exactly one",
            fix=_PROJECT_FIX,
        )
    return candidates[0]


def target_platform(args: argparse.Namespace) -> TargetPlatform | None:
    """The target of a native build: the hub's description (`--target-json`), else what its constraints say."""
    if not args.target_json:
        return target_of(
            args.target_platform or "target", args.target_os or "", args.target_cpu or "", args.target_libc or ""
        )
    try:
        entry = json.loads(args.target_json)
    except ValueError as e:
        raise PlatformError(f"--target-json is not JSON: {e}", "command line") from None
    target = parse_platform(entry, "--target-json")
    return dataclasses.replace(target, name=args.target_platform) if args.target_platform else target


# --- the action --------------------------------------------------------------------------------------------------


def _rmtree(path: Path) -> None:
    """Remove a tree, also when the build left read-only directories in it."""
    if not os.path.lexists(path):
        return
    if path.is_dir() and not path.is_symlink():
        for dirpath, _, _ in os.walk(path):
            with contextlib.suppress(OSError):
                os.chmod(dirpath, 0o700)
        shutil.rmtree(path)
    else:
        path.unlink()


def _empty_dir(path: Path) -> None:
    for child in path.iterdir():
        if child.is_dir() and not child.is_symlink():
            _rmtree(child)
        else:
            child.unlink()


@contextlib.contextmanager
def _work_dir() -> Iterator[Path]:
    """A fresh directory below the current one (the action's sandbox), removed at the end."""
    work = Path(tempfile.mkdtemp(prefix="_sdist_build_", dir=os.getcwd()))
    try:
        yield work
    finally:
        _rmtree(work)


def build_sdist(args: argparse.Namespace, target: TargetPlatform | None) -> str:
    """Unpack, build, check and move the wheel into `args.output`; return the wheel's file name."""
    output: Path = args.output
    if target is not None:
        check_executor(args.package, args.version, target)
    log: Path = args.log or Path(os.devnull)
    phases: list[tuple[str, float]] = []
    start = time.monotonic()
    with _work_dir() as work:
        unpacked = work / "src"
        unpacked.mkdir()
        unpack_archive(args.sdist, unpacked, Limits(args.max_bytes, args.max_members))
        srcdir = find_project_dir(unpacked)
        env = build_environment(os.environ, dict(args.env), args.kind, target.os if target else None, srcdir)
        dist = work / "dist"
        dist.mkdir()
        phases.append(("unpack", time.monotonic() - start))
        wheels = build_wheel(srcdir, dist, env, args.package, args.version, log)
        phases.append(("backend", time.monotonic() - start - sum(t for _, t in phases)))
        if len(wheels) != 1:
            raise WheelError(
                f"the build of {args.package} {args.version} produced {len(wheels)} wheels "
                f"({', '.join(wheels) or 'none'}), expected exactly one",
                fix="the sdist's build backend misbehaves; build this package outside Bazel and provide the wheel",
            )
        filename = wheels[0]
        if not zipfile.is_zipfile(dist / filename):
            raise WheelError(f"the built {filename} is not a zip file", fix="the sdist's build backend misbehaves")
        check_wheel(dist / filename, args.package, args.version, args.kind, target)
        shutil.move(dist / filename, output / filename)
        phases.append(("check", time.monotonic() - start - sum(t for _, t in phases)))
    if args.log:  # the phases, for tools/bench/sdist_build
        with log.open("a", encoding="utf-8") as f:
            f.write("rules_xpy phases: " + ", ".join(f"{name} {seconds:.3f} s" for name, seconds in phases) + "\n")
    return filename


def _env_pair(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key or any(c.isspace() for c in key):
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key, value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build_helper",
        description=__doc__.splitlines()[0],
        fromfile_prefix_chars="@",
    )
    parser.add_argument("--sdist", type=Path, required=True, help="the sdist (.tar.gz, .tgz, .tar.bz2, .tar.xz, .zip)")
    parser.add_argument("--output", type=Path, required=True, help="directory that gets the one wheel (emptied first)")
    parser.add_argument("--package", required=True, help="expected distribution name (PEP 503 normalized compare)")
    parser.add_argument("--version", required=True, help="expected version (PEP 440 normalized compare)")
    parser.add_argument("--kind", choices=["native", "pure"], required=True, help="pure builds must give py3-none-any")
    parser.add_argument("--target-platform", default="", help="native builds: the target platform's label (messages)")
    parser.add_argument("--target-json", default="", help="native builds: the hub's description of the target (JSON)")
    parser.add_argument("--target-os", choices=["linux", "macos", "windows"], help="native builds: the target's OS")
    parser.add_argument("--target-cpu", choices=["x86_64", "aarch64"], help="native builds: the target's CPU")
    parser.add_argument("--target-libc", choices=["glibc", "musl"], help="native builds: the target's libc (Linux)")
    parser.add_argument("--log", type=Path, help="where the backend's output goes (default: nowhere)")
    parser.add_argument(
        "--env", type=_env_pair, action="append", default=[], metavar="KEY=VALUE", help="set for the build backend"
    )
    parser.add_argument(
        "--max-bytes", type=_positive, default=DEFAULT_LIMITS.max_bytes, help="limit of the unpacked size"
    )
    parser.add_argument(
        "--max-members", type=_positive, default=DEFAULT_LIMITS.max_members, help="limit of archive members"
    )
    return parser


def main(argv: Sequence[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    os.umask(0o022)  # file modes in the wheel must not depend on the caller's umask
    output: Path = args.output
    try:
        target = target_platform(args) if args.kind == "native" else None
        if args.kind == "native" and target is None:
            parser.error("--kind=native needs --target-json, or --target-os and --target-cpu")
        output.mkdir(parents=True, exist_ok=True)
        _empty_dir(output)
        build_sdist(args, target)
    except XpyError as e:
        if output.is_dir():
            _empty_dir(output)
        if isinstance(e, BuildFailedError) and e.output:
            print(f"---- last {len(e.output)} lines of the build backend's output ----", file=sys.stderr)
            print("\n".join(e.output), file=sys.stderr)
            print(f"---- the whole output: {e.log}", file=sys.stderr)
        print(f"ERROR: {e.what} ({args.package}/{args.sdist.name}): {e.fix}", file=sys.stderr)
        return 1
    except BaseException:
        if output.is_dir():
            _empty_dir(output)
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
