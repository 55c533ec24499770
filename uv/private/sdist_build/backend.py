"""Run an sdist's PEP 517 backend without isolation: the build step of PySdistBuild.

The build dependencies must already be importable (PYTHONPATH: the locked or
pinned build requirements); nothing is installed or downloaded. The backend
runs in a venv of the running interpreter without its site-packages, with a
reproducible environment (`build_environment`), and its output is captured:
kept quiet on success, its tail shown on failure.
"""

from __future__ import annotations

import collections
import importlib.metadata
import os
import subprocess
import venv
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Final

import build
import pyproject_hooks
from packaging.requirements import InvalidRequirement, Requirement
from xpy.errors import XpyError

__all__ = [
    "DEFAULT_SOURCE_DATE_EPOCH",
    "OUTPUT_TAIL_LINES",
    "BuildDepsError",
    "BuildFailedError",
    "ProjectError",
    "build_environment",
    "build_wheel",
]

DEFAULT_SOURCE_DATE_EPOCH: Final = "315532800"
"""1980-01-01, the earliest time a zip file can hold; used unless the caller sets one."""

OUTPUT_TAIL_LINES: Final = 60
"""How many of the backend's last output lines are shown when a build fails."""


class ProjectError(XpyError):
    """The unpacked sdist is not a buildable project (pyproject.toml, build requirements)."""

    default_fix = "fix the sdist's pyproject.toml, or use a version with a wheel"


class BuildDepsError(XpyError):
    """Requirements of the build backend are not installed (at the wanted version)."""


class BuildFailedError(XpyError):
    """The backend failed; `output` holds the tail of what it printed, `log` the whole of it."""

    default_fix = (
        "see the backend's output above; the build may need build dependencies, a compiler or headers "
        "that the executor lacks, or a fix of the sdist"
    )

    def __init__(self, what: str, output: Sequence[str] = (), log: str = "") -> None:
        super().__init__(what)
        self.output = list(output)
        self.log = log


def build_environment(
    base: Mapping[str, str], extra: Mapping[str, str], kind: str, target_os: str | None, srcdir: Path
) -> dict[str, str]:
    """The environment variables set for the backend on top of the inherited ones.

    SOURCE_DATE_EPOCH (the caller's, else 1980), PYTHONHASHSEED=0, the `extra`
    pairs, and for native builds `-ffile-prefix-map=<srcdir>=.` appended to
    CFLAGS and CXXFLAGS so that the unpack path does not end up in binaries.
    """
    env = {"SOURCE_DATE_EPOCH": base.get("SOURCE_DATE_EPOCH") or DEFAULT_SOURCE_DATE_EPOCH, "PYTHONHASHSEED": "0"}
    # The backend runs in the project directory: relative PYTHONPATH entries (Bazel's) must become absolute.
    if base.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.pathsep.join(os.path.abspath(p) for p in base["PYTHONPATH"].split(os.pathsep) if p)
    env.update(extra)
    if kind == "native" and target_os != "windows":
        dirs = dict.fromkeys([str(srcdir.absolute()), os.path.realpath(srcdir)])
        flags = " ".join(f"-ffile-prefix-map={d}=." for d in dirs if not any(c.isspace() for c in d))
        if flags:
            for var in ("CFLAGS", "CXXFLAGS"):
                existing = env.get(var, base.get(var, ""))
                env[var] = f"{existing} {flags}" if existing.strip() else flags
    return env


class _CapturingRunner:
    """A pyproject_hooks runner that keeps the backend's output (its tail; all of it in `log`) from being printed."""

    def __init__(self, env: Mapping[str, str], log: Path) -> None:
        self.env = dict(env)
        self.log = log
        self.tail: collections.deque[str] = collections.deque(maxlen=OUTPUT_TAIL_LINES)

    def __call__(
        self, cmd: Sequence[str], cwd: str | None = None, extra_environ: Mapping[str, str] | None = None
    ) -> None:
        env = {**os.environ, **self.env, **(extra_environ or {})}
        pipe = subprocess.PIPE
        with self.log.open("ab") as log:
            proc = subprocess.Popen(
                list(cmd), cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=pipe, stderr=subprocess.STDOUT
            )
            with proc:
                assert proc.stdout is not None
                for line in proc.stdout:  # streamed: a long build log is never held in memory
                    log.write(line)
                    self.tail.append(line.decode("utf-8", "replace").rstrip("\r\n"))
                returncode = proc.wait()
        if returncode != 0:
            raise subprocess.CalledProcessError(returncode, list(cmd))

    def note(self, lines: Sequence[str]) -> None:
        """Add lines of rules_xpy's own (the backend's warnings) to the log and the tail."""
        with self.log.open("a", encoding="utf-8") as log:
            for line in lines:
                log.write(line + "\n")
                self.tail.append(line)


def _describe_unmet(unmet: set[tuple[str, ...]]) -> str:
    described: dict[str, None] = {}
    for chain in sorted(unmet):
        req = chain[-1]
        try:
            found = "found " + importlib.metadata.version(Requirement(req).name)
        except (importlib.metadata.PackageNotFoundError, InvalidRequirement):
            found = "not installed"
        via = f", needed by {chain[-2]}" if len(chain) > 1 else ""
        described[f"{req} ({found}{via})"] = None
    return ", ".join(described)


def _check_dependencies(builder: build.ProjectBuilder, package: str, version: str) -> None:
    try:
        # The static build-system.requires first: without them the backend cannot even be asked for more.
        unmet = {u for r in sorted(builder.build_system_requires) for u in build.check_dependency(r)}
        if not unmet:
            unmet = builder.check_dependencies("wheel")
    except InvalidRequirement as e:
        raise ProjectError(f"invalid build requirement: {e}", fix="fix the sdist's [build-system] requires") from None
    if unmet:
        raise BuildDepsError(
            f"build dependencies of {package} {version} are missing: {_describe_unmet(unmet)}",
            fix="add it to the lock (a dependency group) or set "
            f'uv.override_package(name = "{package}", build_deps = [...])',
        )


def _isolated_python(work: Path) -> str:
    """A venv of this interpreter without its site-packages: the backend sees only PYTHONPATH (the build deps)."""
    venv.EnvBuilder(symlinks=os.name != "nt", with_pip=False).create(work / "venv")
    return str(work / "venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python"))


def build_wheel(srcdir: Path, outdir: Path, env: Mapping[str, str], package: str, version: str, log: Path) -> list[str]:
    """Build the project in `srcdir` into `outdir`, the backend's output going to `log`; return the wheels' names."""
    runner = _CapturingRunner(env, log)
    try:
        # The backend's warnings come back from its process as Python warnings: they go to the log too.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                python = _isolated_python(outdir.parent)
                builder = build.ProjectBuilder(srcdir, python_executable=python, runner=runner)
                _check_dependencies(builder, package, version)
                builder.build("wheel", outdir)
            finally:
                runner.note([f"{w.category.__name__}: {w.message}" for w in caught])
    except build.BuildBackendException as e:
        inner = e.exception
        tail = list(runner.tail)
        if isinstance(inner, pyproject_hooks.BackendUnavailable) and inner.traceback:
            tail.extend(inner.traceback.splitlines()[-OUTPUT_TAIL_LINES:])
        raise BuildFailedError(f"build failed for {package} {version}: {e}", tail, str(log)) from None
    except build.BuildException as e:
        raise ProjectError(f"cannot build the project: {e}") from None
    return sorted(p.name for p in outdir.iterdir() if p.name.endswith(".whl"))
