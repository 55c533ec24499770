"""A package's dependencies from its own metadata, for locks that do not record edges (pip lock, uv export).

`requires_dist(path)` reads the sha256-checked file the extension downloaded:

- a wheel: `Requires-Dist` of its `.dist-info/METADATA` (only that member is
  read; xpy.wheels checks the zip first);
- an sdist: `Requires-Dist` of its `PKG-INFO` when that is reliable (metadata
  2.2+ without `Dynamic: Requires-Dist`, or any `Requires-Dist` written), else
  setuptools' `*.egg-info/requires.txt` (an egg-info without it means no
  dependencies), read within xpy.archives' limits.

When neither says, the dependencies are unknown (`Requires.requirements` is
None) and the planner makes the package depend on every package installed with
it: more than it needs, never less.
"""

from __future__ import annotations

import email.parser
import re
from dataclasses import dataclass
from pathlib import Path

from lock_errors import LockError
from packaging.requirements import InvalidRequirement, Requirement
from xpy.archives import ArchiveError, Limits, read_archive
from xpy.wheels import WheelError, read_metadata

__all__ = ["Requires", "requires_dist", "requires_txt"]

_LIMITS = Limits(seconds=120.0)
_MAX_TEXT = 16 * 1024 * 1024
_SECTION = re.compile(r"\[([^\]:]*)(?::(.*))?\]")


@dataclass(frozen=True)
class Requires:
    """The requirement strings (PEP 508) a file declares, or None when it does not say; `source` says which part."""

    requirements: tuple[str, ...] | None
    source: str


def requires_txt(text: str) -> tuple[str, ...]:
    """setuptools' `requires.txt` as PEP 508 strings: `[extra]`, `[extra:marker]` and `[:marker]` sections."""
    out = []
    marker = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        section = _SECTION.fullmatch(line)
        if section:
            extra, condition = section.group(1).strip(), (section.group(2) or "").strip()
            parts = [f"extra == {extra!r}"] if extra else []
            parts += [f"({condition})"] if condition else []
            marker = " and ".join(parts)
            continue
        if marker:
            line = f"{line} and ({marker})" if ";" in line else f"{line}; {marker}"
        out.append(line)
    return tuple(out)


def _parse(headers: email.message.Message) -> tuple[str | None, list[str], set[str]]:
    version = headers.get("Metadata-Version")
    requires = [" ".join(str(r).split()) for r in headers.get_all("Requires-Dist") or []]
    dynamic = {str(d).strip().lower() for d in headers.get_all("Dynamic") or []}
    return version, requires, dynamic


def _headers(data: bytes, what: str) -> email.message.Message:
    try:
        return email.parser.Parser().parsestr(data.decode("utf-8"), headersonly=True)
    except UnicodeDecodeError as e:
        raise ArchiveError(f"{what} is not UTF-8 (byte {e.start})") from None


def _sdist(path: Path) -> Requires:
    pkg_info: dict[str, bytes] = {}
    requires: dict[str, bytes] = {}
    egg_infos: set[str] = set()
    for member, data in read_archive(path, _LIMITS):
        parts = member.name.split("/")
        if data is None or member.size > _MAX_TEXT:
            continue
        if len(parts) == 2 and parts[1] == "PKG-INFO":
            pkg_info[parts[0]] = data.read(_MAX_TEXT)
        egg = next((i for i, p in enumerate(parts[:-1]) if p.endswith(".egg-info")), None)
        if egg is not None and egg <= 2:
            egg_infos.add("/".join(parts[: egg + 1]))
            if parts[-1] == "requires.txt" and egg == len(parts) - 2:
                requires["/".join(parts[: egg + 1])] = data.read(_MAX_TEXT)
    if len(pkg_info) == 1:
        top, text = next(iter(pkg_info.items()))
        version, found, dynamic = _parse(_headers(text, f"{top}/PKG-INFO"))
        reliable = version is not None and _at_least(version, (2, 2)) and "requires-dist" not in dynamic
        if found or reliable:
            return Requires(tuple(found), f"Requires-Dist of {top}/PKG-INFO (metadata {version})")
    if len(egg_infos) == 1:
        egg_dir = next(iter(egg_infos))
        if egg_dir not in requires:
            return Requires((), f"{egg_dir} (no requires.txt: no dependencies)")
        try:
            return Requires(requires_txt(requires[egg_dir].decode("utf-8")), f"{egg_dir}/requires.txt")
        except UnicodeDecodeError:
            raise ArchiveError(f"{egg_dir}/requires.txt is not UTF-8") from None
    return Requires(None, "the sdist's PKG-INFO does not list Requires-Dist reliably and it has no egg-info")


def _at_least(version: str, wanted: tuple[int, int]) -> bool:
    try:
        major, minor = (int(x) for x in version.strip().split(".")[:2])
    except ValueError:
        return False
    return (major, minor) >= wanted


def requires_dist(path: Path, package: str, version: str | None, lock: str) -> Requires:
    """What the wheel or sdist at `path` (a file of `package` `version` in `lock`) says it depends on."""
    try:
        if path.name.endswith(".whl"):
            headers = read_metadata(path, package, version)
            _, found, _ = _parse(headers)
            result = Requires(tuple(found), f"Requires-Dist of {path.name}")
        else:
            result = _sdist(path)
    except (WheelError, ArchiveError) as e:
        raise LockError(
            f"cannot read the dependencies of {path.name}: {e.what}", lock, "check the file or relock", package
        ) from None
    for text in result.requirements or ():
        try:
            Requirement(text)
        except InvalidRequirement as e:
            what = f"{path.name} declares the requirement {text[:200]!r}, which does not parse ({str(e)[:200]})"
            raise LockError(what, lock, "use another version of the package", package) from None
    return result
