"""Pick the file of a package to install on a target platform: best wheel, else the sdist.

A wheel fits when one of its tags is among the platform's accepted tags; among
fitting wheels the one whose best tag ranks highest in the platform's
priority order wins, as pip would choose on such a machine (ties: the smallest
file name, so the choice is stable). Without a fitting wheel the sdist is
chosen (it will be built for the platform); without either, nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from packaging.tags import Tag
from packaging.utils import parse_wheel_filename
from target_platforms import TargetPlatform
from uv_lock import File, Package

__all__ = ["Choice", "best_wheel", "choose", "wheel_tags"]


@dataclass(frozen=True)
class Choice:
    """The file chosen for one package on one platform, and why."""

    file: File | None
    reason: str


@functools.cache
def wheel_tags(filename: str) -> frozenset[Tag]:
    """The tags of a wheel file name (compressed tag sets expanded)."""
    return parse_wheel_filename(filename)[3]


@functools.cache
def _ranks(platform: TargetPlatform) -> Mapping[Tag, int]:
    ranks: dict[Tag, int] = {}
    for i, tag in enumerate(platform.tags()):
        ranks.setdefault(tag, i)
    return ranks


def _best(filenames: Iterable[str], platform: TargetPlatform) -> tuple[int, str, Tag] | None:
    ranks = _ranks(platform)
    best: tuple[int, str, Tag] | None = None
    for name in filenames:
        for tag in wheel_tags(name):
            rank = ranks.get(tag)
            if rank is not None and (best is None or (rank, name) < best[:2]):
                best = (rank, name, tag)
    return best


def best_wheel(filenames: Iterable[str], platform: TargetPlatform) -> str | None:
    """The file name of the wheel that fits `platform` best, or None if none fits."""
    best = _best(filenames, platform)
    return best[1] if best else None


def choose(package: Package, platform: TargetPlatform, from_source: bool = False) -> Choice:
    """The file to install `package` from on `platform` (None for first-party or unavailable packages).

    With `from_source` (no-binary), the sdist is chosen even where a wheel fits.
    """
    if package.source.kind == "first_party":
        return Choice(None, f"first-party package at {package.source.location!r}, built from the workspace")
    if from_source:
        if package.sdist:
            return Choice(package.sdist, "built from source as requested (no-binary or build_from_source)")
        return Choice(None, "building from source is requested (no-binary or build_from_source) but there is no sdist")
    best = _best((w.filename for w in package.wheels), platform)
    if best:
        wheel = next(w for w in package.wheels if w.filename == best[1])
        return Choice(wheel, f"wheel tag {best[2]} fits {platform.name}")
    python = f"{platform.implementation} {platform.python_version}"
    if package.sdist:
        return Choice(package.sdist, f"no wheel fits {platform.name} ({python}): build the sdist")
    return Choice(None, f"no wheel fits {platform.name} ({python}) and there is no sdist")
