"""Container images of venv binaries: deterministic layers, OCI image layouts and indexes, and the arch guard.

Subcommands, each run by one action of py/private/image.bzl:

- `layer`: a `.tar.gz` layer from a JSON list of entries (`path` in the image,
  `file` in the execroot, `kind` file, dir (a tree artifact), symlink (a
  symlink artifact, kept as its link text) or link (a link whose text is
  `file`)). Deterministic: entries sorted, parent directories
  written, owner 0:0, mtime 0, modes 0755/0644 by the executable bit, a
  gzip header without name or time. Writes a JSON of the layer's digest, size
  and diff_id (the sha256 of the uncompressed tar).
- `guard`: every native file (ELF, Mach-O, PE) in the layers that the target
  OS can load must fit the target's cpu and libc (xpy.platforms); a mismatch
  fails naming the file, what it is, the package it came from and the target.
- `image`: an OCI image layout (image-spec 1.1): the base image's layers (an
  OCI layout directory, optional) and then the given ones, a config with os,
  architecture, variant, entrypoint, env, working directory, labels, rootfs
  diff_ids and history, and its manifest, all with digests and media types.
- `index`: one OCI layout holding the images of several layouts, its index
  listing each manifest with its platform.
- `base`: a base image layout of one layer from a root file system directory
  (tools/image/setup makes Debian ones), symlinks, modes and owners kept,
  device files left out, as deterministic as `layer`.

Every error is one `ERROR:` line.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import stat
import sys
import tarfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from xpy.binaries import BinaryFormatError, is_native_name, read_native
from xpy.errors import XpyError
from xpy.platforms import target_of

__all__ = ["ImageError", "build_image", "build_index", "guard", "main", "write_layer"]

LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
CONFIG = "application/vnd.oci.image.config.v1+json"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"
INDEX = "application/vnd.oci.image.index.v1+json"
EPOCH = "1970-01-01T00:00:00Z"
REF_NAME = "org.opencontainers.image.ref.name"
TAG = "latest"
"""The reference name of the one image (or index) of each layout rules_xpy writes: `oci:<layout>:latest`."""
_CHUNK = 1 << 20


class ImageError(XpyError):
    """Bad input to an image action, or an image that must not be built (the guard)."""

    default_fix = "fix the image's attributes"


_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
# gzip's own default: level 9 takes 4.5x as long for 0.5 % fewer bytes (a 119 MB interpreter layer: 28.5 s, 6.3 s).
GZIP_LEVEL = 6


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


class _Hashing(io.RawIOBase):
    """A write-only stream that hashes and counts what goes through it to `inner`."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.hash = hashlib.sha256()
        self.position = 0

    def writable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def write(self, data: Any) -> int:
        self.hash.update(data)
        self.position += len(data)
        self.inner.write(data)
        return len(data)


def _members(entries: Sequence[dict[str, str]]) -> Iterator[tuple[str, str, str]]:
    """(path in the image, kind, source) of every member, tree artifacts expanded."""
    for entry in entries:
        path, kind, source = entry["path"].strip("/"), entry["kind"], entry["file"]
        if kind == "dir":
            base = Path(source)
            only, skip = (
                entry.get("only"),
                entry.get("skip"),
            )  # a top-level name of the tree to keep alone, or leave out
            for dirpath, dirnames, filenames in os.walk(base):
                dirnames.sort()
                rel = Path(dirpath).relative_to(base)
                if rel == Path("."):
                    dirnames[:] = [d for d in dirnames if (only is None or d == only) and d != skip]
                    filenames = [f for f in filenames if only is None and f != skip]
                for name in dirnames:
                    yield f"{path}/{(rel / name).as_posix()}".replace("/./", "/"), "emptydir", ""
                for name in sorted(filenames):
                    yield f"{path}/{(rel / name).as_posix()}".replace("/./", "/"), "file", os.path.join(dirpath, name)
        else:
            yield path, kind, source


def _info(name: str, kind: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mtime = 0
    info.type = {"file": tarfile.REGTYPE, "dir": tarfile.DIRTYPE, "symlink": tarfile.SYMTYPE, "link": tarfile.SYMTYPE}[
        kind
    ]
    info.mode = 0o755 if kind == "dir" else 0o644
    return info


def _rootfs_members(rootfs: Path) -> Iterator[tuple[str, os.stat_result]]:
    for dirpath, dirnames, filenames in os.walk(rootfs):
        dirnames.sort()
        for name in [*dirnames, *sorted(filenames)]:
            path = Path(dirpath, name)
            yield path.relative_to(rootfs).as_posix(), path.lstat()


def _write_tar_gz(output: Path, add: Callable[[tarfile.TarFile], None]) -> dict[str, Any]:
    """Write the layer `output` (a deterministic gzip of the tar that `add` fills); return digest, size, diff_id."""
    with (
        output.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=GZIP_LEVEL) as gz,
    ):
        hashing = _Hashing(gz)
        with tarfile.open(fileobj=hashing, mode="w", format=tarfile.PAX_FORMAT) as tar:
            add(tar)
    return {
        "mediaType": LAYER,
        "digest": f"sha256:{_sha256(output)}",
        "size": output.stat().st_size,
        "diff_id": f"sha256:{hashing.hash.hexdigest()}",
    }


def write_rootfs_layer(rootfs: Path, output: Path) -> dict[str, Any]:
    """One layer of a whole root file system: its files, directories and symlinks as they are."""

    def add(tar: tarfile.TarFile) -> None:
        for name, st in sorted(_rootfs_members(rootfs)):
            info = tarfile.TarInfo(name)
            info.uid, info.gid, info.uname, info.gname, info.mtime = st.st_uid, st.st_gid, "", "", 0
            info.mode = stat.S_IMODE(st.st_mode)
            if stat.S_ISLNK(st.st_mode):
                info.type, info.linkname = tarfile.SYMTYPE, os.readlink(rootfs / name)
                tar.addfile(info)
            elif stat.S_ISDIR(st.st_mode):
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            elif stat.S_ISREG(st.st_mode):
                info.size = st.st_size
                with (rootfs / name).open("rb") as f:
                    tar.addfile(info, f)

    return _write_tar_gz(output, add) | {"name": "base"}


def write_layer(entries: Sequence[dict[str, str]], output: Path) -> dict[str, Any]:
    """Write the layer `output` (.tar.gz) of `entries`; return its descriptor fields and diff_id."""
    members: dict[str, tuple[str, str]] = {}
    for path, kind, source in _members(entries):
        if not path or ".." in path.split("/"):
            raise ImageError(f"the image path {path!r} is not inside the image", fix="this is a bug of rules_xpy")
        if kind == "emptydir":
            continue
        have = members.get(path)
        if have and have != (kind, source):
            raise ImageError(f"two files would be {path!r} in one layer", fix="give the binaries other roots")
        members[path] = (kind, source)
    dirs = {"/".join(p.split("/")[:i]) for p in members for i in range(1, p.count("/") + 1)}

    def add(tar: tarfile.TarFile) -> None:
        for name in sorted(dirs | set(members)):
            if name in dirs and name not in members:
                tar.addfile(_info(name, "dir"))
                continue
            kind, source = members[name]
            info = _info(name, kind)
            if kind in ("symlink", "link"):
                info.linkname = os.readlink(source) if kind == "symlink" else source
                info.mode = 0o777
                tar.addfile(info)
                continue
            st = os.stat(source)  # follows the sandbox's links to the real inputs
            info.size = st.st_size
            info.mode = 0o755 if st.st_mode & stat.S_IXUSR else 0o644
            with open(source, "rb") as f:
                tar.addfile(info, f)

    return _write_tar_gz(output, add)


def _package_of(path: str) -> str:
    """The package an image path belongs to: the one whose installed tree (`*.whl_install`) holds it.

    A lock hub's tree is `<hub>/<package>/_<platform>.whl_install`; a `py_whl_library` elsewhere is
    `<target>.whl_install`; in a PEX, a wheel is `.deps/<wheel file name>`. Anything else is first-party code.
    """
    parts = path.split("/")
    for part in parts:  # in a PEX: .deps/<wheel file name>[/ or !/]...
        if part.endswith((".whl", ".whl!")):
            return f"package {part.split('-', 1)[0]}"
    for i, part in enumerate(parts):
        if part.endswith(".whl_install"):
            name = part[: -len(".whl_install")]
            return f"package {parts[i - 1] if name.startswith('_') and i > 0 else name}"
    return "first-party code"


_ZIPPED = (".pex", ".whl")  # zips whose native members get loaded too: a zipapp PEX, a packed PEX's wheels


def guard(layers: Sequence[Path], target_label: str, os_: str, cpu: str, libc: str) -> int:
    """Check every loadable native file of the layers (and inside their PEXes and wheels) against the target.

    Returns how many native files were checked.
    """
    target = target_of(target_label, os_, cpu, libc)
    if target is None:
        raise ImageError("the image's target platform has no os and cpu constraints", fix="build for a platform")
    checked = 0
    for layer in layers:
        with tarfile.open(layer, "r:gz") as tar:
            for member in tar:
                name = member.name.rsplit("/", 1)[-1]
                if not member.isfile() or not (is_native_name(name) or name.endswith(_ZIPPED)):
                    continue
                stream = tar.extractfile(member)
                assert stream is not None
                data = io.BytesIO(stream.read())
                if name.endswith(_ZIPPED):
                    checked += _guard_zip(target, data, f"/{member.name}", layer.name)
                else:
                    checked += _guard_file(target, data, member.size, f"/{member.name}", layer.name)
    return checked


def _guard_zip(target: Any, data: io.BytesIO, path: str, layer: str, nested: bool = True) -> int:
    try:
        with zipfile.ZipFile(data) as zf:
            checked = 0
            for info in zf.infolist():
                name = info.filename.rsplit("/", 1)[-1]
                if info.is_dir() or not (is_native_name(name) or (nested and name.endswith(".whl"))):
                    continue
                inner = io.BytesIO(zf.read(info))
                where = f"{path}!/{info.filename}"
                if name.endswith(".whl"):  # a PEX holding its wheels as files (pre_install_wheels = False)
                    checked += _guard_zip(target, inner, where, layer, nested=False)
                else:
                    checked += _guard_file(target, inner, info.file_size, where, layer)
            return checked
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as e:
        raise ImageError(f"{path} in {layer} is damaged: {e}") from None


def _guard_file(target: Any, data: io.BytesIO, size: int, path: str, layer: str) -> int:
    try:
        native = read_native(data, size)
    except BinaryFormatError as e:
        raise ImageError(f"{path} in {layer} is damaged: {e.what}") from None
    if native is None or native.os != target.os:
        return 0  # not loadable there (a Windows .pyd in a Linux image is inert)
    reason = target.native_misfit(native)
    if reason:
        raise ImageError(
            f"the image for {target.describe()} holds {path} ({native.describe()}), from {_package_of(path)}: {reason}",
            fix="depend on a wheel for the target platform, or build the package from its sdist for it",
        )
    return 1


def _write_blob(layout: Path, data: bytes) -> dict[str, Any]:
    digest = hashlib.sha256(data).hexdigest()
    (layout / "blobs" / "sha256").mkdir(parents=True, exist_ok=True)
    (layout / "blobs" / "sha256" / digest).write_bytes(data)
    return {"digest": f"sha256:{digest}", "size": len(data)}


def _json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def _blob(layout: Path, digest: str) -> Path:
    if not _DIGEST.fullmatch(digest):
        raise ImageError(f"{layout.name} names a blob {digest!r}, not a sha256 digest", fix="give an OCI image layout")
    return layout / "blobs" / "sha256" / digest.split(":", 1)[1]


def _read_base(base: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The base layout's one manifest and its config."""
    try:
        index = json.loads((base / "index.json").read_text(encoding="utf-8"))
        (descriptor,) = index["manifests"]
        if descriptor.get("mediaType") != MANIFEST:
            raise ValueError(f"its image is a {descriptor.get('mediaType')}, not an image manifest")
        manifest = json.loads(_blob(base, descriptor["digest"]).read_text(encoding="utf-8"))
        config = json.loads(_blob(base, manifest["config"]["digest"]).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ImageError(
            f"the base {base.name} is not an OCI image layout of one image ({type(e).__name__}: {e})",
            fix="give `base` an OCI image layout directory (index.json with one manifest)",
        ) from None
    return manifest, config


def _copy_checked(base: Path, descriptor: dict[str, Any], target: Path) -> None:
    """Copy a blob of the base layout, checking its bytes against the descriptor's digest and size."""
    source = _blob(base, str(descriptor.get("digest", "")))
    digest, size = hashlib.sha256(), 0
    try:
        with source.open("rb") as src, target.open("wb") as dst:
            while chunk := src.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
                dst.write(chunk)
    except OSError as e:
        raise ImageError(
            f"the base {base.name} lacks the blob of a layer ({e.strerror})", fix="copy the base layout again"
        ) from None
    if f"sha256:{digest.hexdigest()}" != descriptor["digest"] or size != descriptor.get("size"):
        raise ImageError(
            f"the base {base.name} has a damaged blob {descriptor['digest']} "
            f"(sha256:{digest.hexdigest()}, {size} bytes)",
            fix="copy the base layout again",
        )


def build_image(
    layers: Sequence[tuple[Path, dict[str, Any]]],
    output: Path,
    platform: dict[str, str],
    entrypoint: Sequence[str],
    env: Sequence[str],
    workdir: str,
    labels: dict[str, str],
    base: Path | None,
    created_by: str,
) -> dict[str, Any]:
    """Write the OCI image layout `output`; return the manifest's descriptor (with its platform)."""
    output.mkdir(parents=True, exist_ok=True)
    descriptors: list[dict[str, Any]] = []
    diff_ids: list[str] = []
    history: list[dict[str, Any]] = []
    base_env: list[str] = []
    if base is not None:
        manifest, config = _read_base(base)
        if config.get("architecture") != platform["architecture"] or config.get("os") != platform["os"]:
            raise ImageError(
                f"the base {base.name} is {config.get('os')}/{config.get('architecture')}, and the image "
                f"{platform['os']}/{platform['architecture']}",
                fix="give each platform a base image of its own arch",
            )
        for layer in manifest["layers"]:
            (output / "blobs" / "sha256").mkdir(parents=True, exist_ok=True)
            _copy_checked(base, layer, _blob(output, layer["digest"]))
            descriptors.append(layer)
        diff_ids += config["rootfs"]["diff_ids"]
        history += config.get("history", [])
        base_env = config.get("config", {}).get("Env", [])
    for path, meta in layers:
        (output / "blobs" / "sha256").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, _blob(output, meta["digest"]))
        descriptors.append({"mediaType": LAYER, "digest": meta["digest"], "size": meta["size"]})
        diff_ids.append(meta["diff_id"])
        history.append({"created": EPOCH, "created_by": f"{created_by}: {meta.get('name', path.name)}"})
    keys = {e.split("=", 1)[0] for e in env}
    config = {
        "created": EPOCH,
        **platform,
        "config": {
            "Entrypoint": list(entrypoint),
            "Env": [e for e in base_env if e.split("=", 1)[0] not in keys] + list(env),
            **({"WorkingDir": workdir} if workdir else {}),
            **({"Labels": labels} if labels else {}),
        },
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": history,
    }
    manifest = {
        "schemaVersion": 2,
        "mediaType": MANIFEST,
        "config": {"mediaType": CONFIG, **_write_blob(output, _json(config))},
        "layers": descriptors,
    }
    descriptor = {"mediaType": MANIFEST, **_write_blob(output, _json(manifest)), "platform": platform}
    _write_layout(output, descriptor)
    return descriptor


def _write_layout(output: Path, descriptor: dict[str, Any]) -> None:
    """`oci-layout` and an `index.json` naming the layout's one image or index `latest`."""
    (output / "oci-layout").write_bytes(_json({"imageLayoutVersion": "1.0.0"}))
    named = {**descriptor, "annotations": {REF_NAME: TAG}}
    (output / "index.json").write_bytes(_json({"schemaVersion": 2, "mediaType": INDEX, "manifests": [named]}))


def build_index(images: Sequence[Path], output: Path) -> dict[str, Any]:
    """Write one OCI layout `output` whose `latest` is an image index of every image of `images`."""
    manifests = []
    for image in images:
        index = json.loads((image / "index.json").read_text(encoding="utf-8"))
        manifests += [{k: v for k, v in m.items() if k != "annotations"} for m in index["manifests"]]
        for blob in sorted((image / "blobs" / "sha256").iterdir()):
            (output / "blobs" / "sha256").mkdir(parents=True, exist_ok=True)
            if not (output / "blobs" / "sha256" / blob.name).exists():
                shutil.copyfile(blob, output / "blobs" / "sha256" / blob.name)
    seen: set[str] = set()
    for m in manifests:
        key = "/".join(m["platform"].get(k, "") for k in ("os", "architecture", "variant")).rstrip("/")
        if key in seen:
            raise ImageError(f"two images of the index are for {key}", fix="list each platform once")
        seen.add(key)
    ordered = sorted(manifests, key=lambda m: json.dumps(m["platform"], sort_keys=True))
    nested = {"schemaVersion": 2, "mediaType": INDEX, "manifests": ordered}
    descriptor = {"mediaType": INDEX, **_write_blob(output, _json(nested))}
    _write_layout(output, descriptor)
    return descriptor


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="image_tool", description=__doc__.splitlines()[0], fromfile_prefix_chars="@")
    sub = parser.add_subparsers(dest="command", required=True)
    layer = sub.add_parser("layer")
    layer.add_argument("--entries", type=Path, required=True, help="JSON list of {path, kind, file}")
    layer.add_argument("--name", default="", help="the layer's name, for the image history")
    layer.add_argument("--output", type=Path, required=True)
    layer.add_argument("--meta", type=Path, required=True)
    check = sub.add_parser("guard")
    check.add_argument("--layer", type=Path, action="append", default=[])
    check.add_argument("--target-platform", default="target")
    check.add_argument("--target-os", default="")
    check.add_argument("--target-cpu", default="")
    check.add_argument("--target-libc", default="")
    check.add_argument("--output", type=Path, required=True, help="the stamp written when the image passes")
    check.add_argument("--where", default="", help="the image's label, for errors")
    image = sub.add_parser("image")
    image.add_argument("--layer", action="append", default=[], help="<layer.tar.gz>=<layer.json>")
    image.add_argument("--base", type=Path)
    image.add_argument("--os", required=True)
    image.add_argument("--architecture", required=True)
    image.add_argument("--variant", default="")
    image.add_argument("--entrypoint", action="append", default=[])
    image.add_argument("--env", action="append", default=[])
    image.add_argument("--workdir", default="")
    image.add_argument("--label", action="append", default=[])
    image.add_argument("--created-by", default="rules_xpy")
    image.add_argument("--output", type=Path, required=True)
    index = sub.add_parser("index")
    index.add_argument("--image", type=Path, action="append", default=[])
    index.add_argument("--output", type=Path, required=True)
    base = sub.add_parser("base")
    base.add_argument("--rootfs", type=Path, required=True)
    base.add_argument("--os", default="linux")
    base.add_argument("--architecture", required=True)
    base.add_argument("--variant", default="")
    base.add_argument("--env", action="append", default=[])
    base.add_argument("--output", type=Path, required=True)
    return parser


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "layer":
            entries = json.loads(args.entries.read_text(encoding="utf-8"))
            meta = write_layer(entries, args.output) | {"name": args.name}
            args.meta.write_text(json.dumps(meta, sort_keys=True) + "\n", encoding="utf-8")
        elif args.command == "guard":
            checked = guard(args.layer, args.target_platform, args.target_os, args.target_cpu, args.target_libc)
            args.output.write_text(f"{checked} native files checked\n", encoding="utf-8")
        elif args.command == "image":
            layers = []
            for pair in args.layer:
                tar, _, meta = pair.partition("=")
                layers.append((Path(tar), json.loads(Path(meta).read_text(encoding="utf-8"))))
            platform = {"os": args.os, "architecture": args.architecture}
            platform |= {"variant": args.variant} if args.variant else {}
            labels = dict(label.split("=", 1) for label in args.label)
            build_image(
                layers,
                args.output,
                platform,
                args.entrypoint,
                args.env,
                args.workdir,
                labels,
                args.base,
                args.created_by,
            )
        elif args.command == "base":
            args.output.mkdir(parents=True, exist_ok=True)
            tar = args.output / "rootfs.tar.gz"
            meta = write_rootfs_layer(args.rootfs, tar)
            platform = {"os": args.os, "architecture": args.architecture}
            platform |= {"variant": args.variant} if args.variant else {}
            image = args.output / "image"
            build_image([(tar, meta)], image, platform, [], args.env, "", {}, None, f"rootfs {args.rootfs.name}")
            tar.unlink()
            for item in image.iterdir():
                item.rename(args.output / item.name)
            image.rmdir()
        else:
            build_index(args.image, args.output)
    except XpyError as e:
        print(
            f"ERROR: {e.what} ({e.where or getattr(args, 'where', '') or args.output.name}): {e.fix}", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
