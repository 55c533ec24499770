"""Pick the file of a package to install on a target platform: best wheel, else the sdist.

A wheel fits when one of its tags is among the platform's accepted tags
(`xpy.platforms`, the one platform model); among fitting wheels the one whose
best tag ranks highest in the platform's priority order wins, as pip would
choose on such a machine (ties: the smallest file name, so the choice is
stable). Without a fitting wheel the sdist is chosen (it will be built for the
platform); without either, nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from uv_lock import File, Package
from xpy.platforms import TargetPlatform, wheel_tags

__all__ = ["Choice", "choose"]


@dataclass(frozen=True)
class Choice:
    """The file chosen for one package on one platform, and why."""

    file: File | None
    reason: str


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
    best = platform.best_wheel(w.filename for w in package.wheels)
    if best:
        wheel = next(w for w in package.wheels if w.filename == best)
        tag = min((t for t in wheel_tags(best) if platform.accepts(t)), key=lambda t: platform.rank(t) or 0)
        return Choice(wheel, f"wheel tag {tag} fits {platform.name}")
    python = f"{platform.implementation} {platform.python_version}"
    if package.sdist:
        return Choice(package.sdist, f"no wheel fits {platform.name} ({python}): build the sdist")
    return Choice(None, f"no wheel fits {platform.name} ({python}) and there is no sdist")
