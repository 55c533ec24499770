"""Change a downloaded wheel or sdist as `override_package` says (repository phase): patches, exclude, data.

The file repository (file_repo.bzl) runs it in two steps around Bazel's own
patch applier (`repository_ctx.patch`, which patches the repository's root):

- `unpack`: the file, checked like every archive (xpy.archives), into the
  repository's root: a wheel as it is (patch paths are site-packages paths,
  `six.py`), an sdist without its top directory (patch paths are the
  project's, `src/pkg/mod.py`);
- `pack`: the root back into the file, deterministically (sorted members,
  fixed times and modes). A wheel first loses the `--exclude` matches and gets
  the `--add` files, and its RECORD is written again (sha256 and size of every
  member), so every later check of the wheel passes on the changed file; an
  sdist gets its top directory back.

Errors are one `ERROR:` line naming the file and the setting to fix.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import fnmatch
import gzip
import hashlib
import io
import json
import os
import shutil
import stat
import sys
import tarfile
import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from xpy.archives import ArchiveError, archive_kind, unpack_archive
from xpy.errors import XpyError, report
from xpy.wheels import record_hash

__all__ = ["ModifyError", "main", "pack", "unpack"]

_STATE = "modify.json"
_BAZEL_FILES = {"REPO.bazel", "WORKSPACE", "WORKSPACE.bazel"}  # what Bazel may write into a repository's root
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class ModifyError(XpyError):
    """A setting of `override_package` that cannot apply to the file."""

    default_fix = "fix the override_package tag of MODULE.bazel"


def _entries(root: Path, skip: set[str]) -> list[str]:
    """Every file and symlink below `root` (posix paths, sorted), but the top-level names in `skip`."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel = Path(dirpath).relative_to(root)
        if rel == Path("."):
            dirnames[:] = [d for d in dirnames if d not in skip]
            filenames = [f for f in filenames if f not in skip]
        for d in list(dirnames):
            if (Path(dirpath) / d).is_symlink():
                filenames.append(d)
                dirnames.remove(d)
        out += [(rel / f).as_posix() for f in filenames]
    return sorted(out)


def unpack(file: Path, kind: str, root: Path, work: Path) -> None:
    """Unpack `file` into `root` (an sdist without its top directory); `work` (inside root) keeps the state."""
    tmp = work / "unpacked"
    tmp.mkdir(parents=True)
    archive = file
    if kind == "wheel":  # a zip by another name
        archive = work / "wheel.zip"
        archive.symlink_to(file.resolve())
    try:
        unpack_archive(archive, tmp)
    except ArchiveError as e:
        raise ModifyError(f"cannot unpack {file.name} to change it: {e.what}", file.name, e.fix) from None
    top = ""
    source = tmp
    if kind == "sdist":
        children = list(tmp.iterdir())
        if len(children) != 1 or not children[0].is_dir():
            raise ModifyError(f"the sdist {file.name} has no single top directory", file.name, "patch another file")
        top = children[0].name
        source = children[0]
    before = {p.name for p in root.iterdir()}
    moved = sorted(child.name for child in source.iterdir())
    for name in moved:
        if name in before:
            raise ModifyError(f"{file.name} holds {name!r}, a name the repository uses", file.name)
        (source / name).rename(root / name)
    shutil.rmtree(tmp)
    if archive != file:
        archive.unlink()
    _check_links(root, moved, file.name)
    state = {"top": top, "kind": kind, "before": sorted(before), "archive": moved}
    (work / _STATE).write_text(json.dumps(state), encoding="utf-8")


def _check_links(root: Path, names: Sequence[str], filename: str) -> None:
    """Every symlink below the moved `names` resolves inside `root` (an sdist's link may leave it once its top
    directory is gone)."""
    real_root = os.path.realpath(root)
    for name in names:
        paths = [root / name]
        for dirpath, dirnames, filenames in os.walk(root / name):
            paths += [Path(dirpath, entry) for entry in (*dirnames, *filenames)]
        for path in paths:
            real = os.path.realpath(path)
            if path.is_symlink() and real != real_root and not real.startswith(real_root + os.sep):
                shown = path.relative_to(root).as_posix()
                raise ModifyError(f"{filename}: the symlink {shown!r} leads outside the project", filename)


def _safe_dest(dest: str, what: str) -> str:
    path = PurePosixPath(dest)
    if not dest or path.is_absolute() or ".." in path.parts or "\\" in dest or any(ord(c) < 32 for c in dest):
        raise ModifyError(f"data: {what} goes to {dest[:200]!r}, not a relative path inside the wheel", what)
    if any(p.endswith(".dist-info") for p in path.parts):
        raise ModifyError(f"data: {what} goes to {dest!r}, inside the wheel's .dist-info", what, "put it elsewhere")
    return path.as_posix()


def _dist_info(names: Sequence[str], filename: str) -> str:
    found = sorted({n.split("/", 1)[0] for n in names if n.split("/", 1)[0].endswith(".dist-info") and "/" in n})
    if len(found) != 1:
        raise ModifyError(f"{filename} has {len(found)} .dist-info directories after the patches, not 1", filename)
    return found[0]


def _record_row(path: Path, name: str) -> list[str]:
    data = path.read_bytes()
    return [name, f"sha256={record_hash(hashlib.sha256(data).digest())}", str(len(data))]


def _mode(path: Path) -> int:
    return 0o755 if os.stat(path).st_mode & stat.S_IXUSR else 0o644


def _add_to_zip(zf: zipfile.ZipFile, name: str, data: bytes, mode: int) -> None:
    """One deflated member with a fixed time and `mode`."""
    info = zipfile.ZipInfo(name, _ZIP_TIME)
    info.external_attr = (stat.S_IFREG | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, data)


def _write_wheel(root: Path, names: list[str], output: Path) -> None:
    dist_info = _dist_info(names, output.name)
    record = f"{dist_info}/RECORD"
    names = [n for n in names if n != record]
    for name in names:
        if (root / name).is_symlink():
            raise ModifyError(f"{output.name}: {name!r} is a symlink after the patches; a wheel cannot hold one")
    rows = [_record_row(root / n, n) for n in names] + [[record, "", ""]]
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    # The .dist-info last, RECORD at the very end, as wheel writers do.
    ordered = sorted(names, key=lambda n: (n.startswith(dist_info + "/"), n))
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in ordered:
            _add_to_zip(zf, name, (root / name).read_bytes(), _mode(root / name))
        _add_to_zip(zf, record, text.getvalue().encode("utf-8"), 0o644)


def _write_sdist(root: Path, names: list[str], top: str, output: Path) -> None:
    suffix = archive_kind(output.name)
    if suffix == ".zip":
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as zf:
            for name in names:
                if (root / name).is_symlink():
                    raise ModifyError(f"{output.name}: {name!r} is a symlink, which a zip sdist cannot hold")
                _add_to_zip(zf, f"{top}/{name}", (root / name).read_bytes(), _mode(root / name))
        return
    compression = {".tar.bz2": "bz2", ".tbz2": "bz2", ".tar.xz": "xz", ".txz": "xz", ".tar": ""}.get(suffix, "gz")
    with contextlib.ExitStack() as stack:
        if compression == "gz":  # gzip's header holds a time: write it as 0
            raw = stack.enter_context(output.open("wb"))
            gz = stack.enter_context(gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0))
            tar = stack.enter_context(tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT))
        else:
            mode = f"w:{compression}" if compression else "w"
            tar = stack.enter_context(tarfile.open(output, mode, format=tarfile.PAX_FORMAT))  # type: ignore[call-overload]
        for name in names:
            path = root / name
            info = tarfile.TarInfo(f"{top}/{name}")
            info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
            if path.is_symlink():
                info.type, info.linkname, info.mode = tarfile.SYMTYPE, os.readlink(path), 0o777
                tar.addfile(info)
                continue
            data = path.read_bytes()
            info.size, info.mode = len(data), _mode(path)
            tar.addfile(info, io.BytesIO(data))


def pack(root: Path, work: Path, output: Path, exclude: Sequence[str], add: Sequence[tuple[Path, str]]) -> list[str]:
    """Pack `root` (after `unpack` and the patches) into `output`; returns the excluded names."""
    state = json.loads((work / _STATE).read_text(encoding="utf-8"))
    skip = set(state["before"]) | (_BAZEL_FILES - set(state["archive"]))
    names = _entries(root, skip)
    packed = work / output.name  # written aside first: the unpacked tree may hold a name like the output's
    removed: list[str] = []
    if state["kind"] == "wheel":
        for pattern in exclude:
            matched = [n for n in names if fnmatch.fnmatchcase(n, pattern)]
            if not matched:
                raise ModifyError(f"exclude: {pattern!r} matches no file of {output.name}", output.name)
            if any(n.split("/", 1)[0].endswith(".dist-info") for n in matched):
                raise ModifyError(f"exclude: {pattern!r} matches files of the wheel's .dist-info", output.name)
            removed += matched
            gone = set(matched)
            names = [n for n in names if n not in gone]
        for source, dest in add:
            dest = _safe_dest(dest, source.name)
            parents = {"/".join(dest.split("/")[:i]) for i in range(1, dest.count("/") + 1)}
            taken = set(names)
            if dest in taken or (root / dest).is_dir() or parents & taken or dest.split("/", 1)[0] in skip:
                raise ModifyError(
                    f"data: {dest!r} is already in {output.name}, as a file or a directory, or below a file",
                    output.name,
                    "pick another path (or exclude the file first)",
                )
            target = root / dest
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            names.append(dest)
        _write_wheel(root, sorted(names), packed)
    else:
        if exclude or add:
            raise ModifyError(f"exclude and data change wheels; {output.name} is an sdist", output.name, "patch it")
        _write_sdist(root, names, state["top"], packed)
    for top in sorted({n.split("/", 1)[0] for n in names} | {n.split("/", 1)[0] for n in removed}):
        path = root / top
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    output.parent.mkdir(parents=True, exist_ok=True)
    packed.rename(output)
    return sorted(removed)


def _pair(text: str) -> tuple[Path, str]:
    source, sep, dest = text.rpartition("=")  # the path in the wheel has no "=", the file's path may
    if not sep:
        raise ModifyError(f"--add {text!r} is not <file>=<path in the wheel>", "the command line")
    return Path(source), dest


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="modify_file", description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=("unpack", "pack"))
    parser.add_argument("--file", type=Path, required=True, help="unpack: the file; pack: the file to write")
    parser.add_argument("--kind", choices=("wheel", "sdist"), default="wheel")
    parser.add_argument("--root", type=Path, required=True, help="the repository's root")
    parser.add_argument("--work", type=Path, required=True, help="a directory inside the root for the state")
    parser.add_argument("--exclude", action="append", default=[], help="glob of wheel paths to drop")
    parser.add_argument("--add", action="append", default=[], help="<file>=<path in the wheel>: a file to add")
    args = parser.parse_args(argv)
    try:
        if args.step == "unpack":
            unpack(args.file, args.kind, args.root, args.work)
        else:
            pack(args.root, args.work, args.file, args.exclude, [_pair(a) for a in args.add])
    except XpyError as e:
        return report(e)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
