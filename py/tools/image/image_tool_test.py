"""image_tool: deterministic layers, OCI layouts and indexes, the arch guard, and damaged inputs."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import shutil
import tarfile
import zipfile
from pathlib import Path

import image_tool
import pytest
from image_tool import ImageError

ELF_X86_64 = Path("/bin/true")  # any x86_64 ELF file of this host


def _entries(tmp: Path) -> list[dict[str, str]]:
    (tmp / "src").mkdir()
    (tmp / "src" / "run").write_text("#!/bin/sh\n")
    os.chmod(tmp / "src" / "run", 0o700)
    (tmp / "src" / "data.txt").write_text("data\n")
    os.symlink("data.txt", tmp / "src" / "alias")
    (tmp / "tree" / "pkg").mkdir(parents=True)
    (tmp / "tree" / "pkg" / "mod.py").write_text("x = 1\n")
    return [
        {"path": "/app/run", "kind": "file", "file": str(tmp / "src" / "run")},
        {"path": "/app/lib/alias", "kind": "symlink", "file": str(tmp / "src" / "alias")},
        {"path": "/app/data.txt", "kind": "file", "file": str(tmp / "src" / "data.txt")},
        {"path": "/app/tree", "kind": "dir", "file": str(tmp / "tree")},
        {"path": "/app/pkgs", "kind": "link", "file": "../.packages"},
    ]


def test_a_layer_is_deterministic_sorted_owned_by_root_and_keeps_links(tmp_path):
    entries = _entries(tmp_path)
    one = image_tool.write_layer(entries, tmp_path / "one.tar.gz")
    two = image_tool.write_layer(list(reversed(entries)), tmp_path / "two.tar.gz")
    assert one == two
    assert (tmp_path / "one.tar.gz").read_bytes() == (tmp_path / "two.tar.gz").read_bytes()
    assert one["digest"] == "sha256:" + hashlib.sha256((tmp_path / "one.tar.gz").read_bytes()).hexdigest()
    assert (
        one["diff_id"]
        == "sha256:" + hashlib.sha256(gzip.decompress((tmp_path / "one.tar.gz").read_bytes())).hexdigest()
    )
    with tarfile.open(tmp_path / "one.tar.gz") as tar:
        members = tar.getmembers()
    names = [m.name for m in members]
    assert names == sorted(names)
    assert names == [
        "app",
        "app/data.txt",
        "app/lib",
        "app/lib/alias",
        "app/pkgs",
        "app/run",
        "app/tree",
        "app/tree/pkg",
        "app/tree/pkg/mod.py",
    ]
    assert {(m.uid, m.gid, m.mtime, m.uname) for m in members} == {(0, 0, 0, "")}
    by_name = {m.name: m for m in members}
    assert by_name["app/run"].mode == 0o755 and by_name["app/data.txt"].mode == 0o644
    assert by_name["app/lib/alias"].issym() and by_name["app/lib/alias"].linkname == "data.txt"
    assert by_name["app/pkgs"].issym() and by_name["app/pkgs"].linkname == "../.packages"


def test_two_files_at_one_path_are_refused(tmp_path):
    entries = _entries(tmp_path)
    entries.append({"path": "/app/run", "kind": "file", "file": str(tmp_path / "src" / "data.txt")})
    with pytest.raises(ImageError, match="two files would be 'app/run' in one layer"):
        image_tool.write_layer(entries, tmp_path / "layer.tar.gz")


def _layer_with(tmp_path: Path, name: str, data: bytes) -> Path:
    (tmp_path / "so").write_bytes(data)
    layer = tmp_path / "layer.tar.gz"
    image_tool.write_layer(
        [
            {
                "path": f"/app/.packages/hub/pyyaml/_linux.whl_install/{name}",
                "kind": "file",
                "file": str(tmp_path / "so"),
            }
        ],
        layer,
    )
    return layer


def test_the_guard_names_the_file_its_arch_the_package_and_the_target(tmp_path):
    layer = _layer_with(tmp_path, "yaml/_yaml.so", ELF_X86_64.read_bytes())
    assert image_tool.guard([layer], "//platforms:linux_x86_64", "linux", "x86_64", "glibc") == 1
    with pytest.raises(ImageError) as e:
        image_tool.guard([layer], "//platforms:linux_aarch64", "linux", "aarch64", "glibc")
    assert e.value.what.startswith(
        "the image for //platforms:linux_aarch64 (linux aarch64 glibc) holds /app/.packages/hub/pyyaml/_linux.whl_install/yaml/_yaml.so (ELF x86_64"
    )
    assert e.value.what.endswith("from package pyyaml: it is for x86_64, not aarch64")


def test_the_guard_refuses_a_musl_shared_object_in_a_glibc_image(tmp_path):
    glibc_loader = b"/lib64/ld-linux-x86-64.so.2"
    musl = ELF_X86_64.read_bytes().replace(glibc_loader, b"/lib/ld-musl-x86_64.so.1".ljust(len(glibc_loader), b"\0"))
    layer = _layer_with(tmp_path, "yaml/_yaml.so", musl)
    assert image_tool.guard([layer], "//platforms:alpine", "linux", "x86_64", "musl") == 1
    with pytest.raises(ImageError, match=r"\(ELF x86_64 musl[^)]*\), from package pyyaml: it is linked against musl"):
        image_tool.guard([layer], "//platforms:linux_x86_64", "linux", "x86_64", "glibc")


def test_the_guard_skips_files_of_another_os_and_refuses_a_damaged_one(tmp_path):
    layer = _layer_with(tmp_path, "yaml/_yaml.pyd", b"MZ" + b"\0" * 62)  # a Windows file: Linux cannot load it
    assert image_tool.guard([layer], "//p", "linux", "aarch64", "glibc") == 0
    layer = _layer_with(tmp_path, "yaml/_yaml.so", b"\x7fELF" + b"\0" * 12)
    with pytest.raises(ImageError, match="is damaged"):
        image_tool.guard([layer], "//p", "linux", "aarch64", "glibc")


def _image(tmp_path: Path, arch: str, variant: str = "", base: Path | None = None) -> Path:
    (tmp_path / "f").write_text(arch)
    meta = image_tool.write_layer(
        [{"path": "/app/f", "kind": "file", "file": str(tmp_path / "f")}], tmp_path / f"{arch}.tar.gz"
    )
    platform = {"os": "linux", "architecture": arch} | ({"variant": variant} if variant else {})
    out = tmp_path / f"image-{arch}"
    image_tool.build_image(
        [(tmp_path / f"{arch}.tar.gz", meta | {"name": "app"})],
        out,
        platform,
        ["/app/f"],
        ["A=1"],
        "/w",
        {"k": "v"},
        base,
        "test",
    )
    return out


def _read(layout: Path, digest: str) -> dict:
    data = (layout / "blobs" / "sha256" / digest.split(":")[1]).read_bytes()
    assert "sha256:" + hashlib.sha256(data).hexdigest() == digest
    return json.loads(data)


def test_an_image_layout_has_correct_digests_media_types_and_config(tmp_path):
    layout = _image(tmp_path, "arm64", "v8")
    assert json.loads((layout / "oci-layout").read_text()) == {"imageLayoutVersion": "1.0.0"}
    (descriptor,) = json.loads((layout / "index.json").read_text())["manifests"]
    assert descriptor["annotations"] == {"org.opencontainers.image.ref.name": "latest"}
    assert descriptor["platform"] == {"os": "linux", "architecture": "arm64", "variant": "v8"}
    manifest = _read(layout, descriptor["digest"])
    assert manifest["mediaType"] == "application/vnd.oci.image.manifest.v1+json"
    config = _read(layout, manifest["config"]["digest"])
    assert (config["os"], config["architecture"], config["variant"]) == ("linux", "arm64", "v8")
    assert config["config"] == {"Entrypoint": ["/app/f"], "Env": ["A=1"], "WorkingDir": "/w", "Labels": {"k": "v"}}
    (layer,) = manifest["layers"]
    assert layer["mediaType"] == "application/vnd.oci.image.layer.v1.tar+gzip"
    data = (layout / "blobs" / "sha256" / layer["digest"].split(":")[1]).read_bytes()
    assert layer["size"] == len(data)
    assert config["rootfs"]["diff_ids"] == ["sha256:" + hashlib.sha256(gzip.decompress(data)).hexdigest()]


def test_an_image_on_a_base_keeps_its_layers_and_env_and_a_damaged_base_is_refused(tmp_path):
    (tmp_path / "b").mkdir()
    base = _image(tmp_path / "b", "amd64")
    image = _image(tmp_path, "amd64", base=base)
    manifest = _read(image, json.loads((image / "index.json").read_text())["manifests"][0]["digest"])
    assert len(manifest["layers"]) == 2
    assert _read(image, manifest["config"]["digest"])["config"]["Env"] == ["A=1"]  # the image's A over the base's
    base_manifest = _read(base, json.loads((base / "index.json").read_text())["manifests"][0]["digest"])
    blob = base / "blobs" / "sha256" / base_manifest["layers"][0]["digest"].split(":")[1]
    blob.write_bytes(blob.read_bytes() + b"x")
    shutil.rmtree(image)
    with pytest.raises(ImageError, match="has a damaged blob"):
        _image(tmp_path, "amd64", base=base)
    with pytest.raises(ImageError, match="the base image-amd64 is linux/amd64, and the image linux/arm64"):
        _image(tmp_path, "arm64", base=base)


def test_a_base_naming_a_blob_outside_its_layout_is_refused(tmp_path):
    base = tmp_path / "base"
    base.mkdir()
    (base / "index.json").write_text(
        json.dumps({"manifests": [{"mediaType": image_tool.MANIFEST, "digest": "sha256:../../../etc/passwd"}]})
    )
    with pytest.raises(
        ImageError, match=re.escape("base names a blob 'sha256:../../../etc/passwd', not a sha256 digest")
    ):
        _image(tmp_path, "amd64", base=base)


def test_an_index_lists_each_platform_once(tmp_path):
    amd64, arm64 = _image(tmp_path, "amd64"), _image(tmp_path, "arm64", "v8")
    image_tool.build_index([arm64, amd64], tmp_path / "index")
    (top,) = json.loads((tmp_path / "index" / "index.json").read_text())["manifests"]
    nested = _read(tmp_path / "index", top["digest"])
    assert nested["mediaType"] == "application/vnd.oci.image.index.v1+json"
    assert [m["platform"]["architecture"] for m in nested["manifests"]] == ["amd64", "arm64"]
    for m in nested["manifests"]:
        _read(tmp_path / "index", m["digest"])
    with pytest.raises(ImageError, match="two images of the index are for linux/amd64"):
        image_tool.build_index([amd64, amd64], tmp_path / "index2")


def test_main_prints_one_error_line(tmp_path, capsys):
    (tmp_path / "base").mkdir()
    code = image_tool.main(
        ["image", "--os=linux", "--architecture=amd64", f"--base={tmp_path / 'base'}", f"--output={tmp_path / 'out'}"]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("ERROR: the base base is not an OCI image layout of one image") and err.count("\n") == 1


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def test_the_guard_looks_into_pexes_and_their_wheels(tmp_path):
    so = ELF_X86_64.read_bytes()
    zipapp = _zip({"__main__.py": b"", ".deps/pyyaml-6.0.3-cp311-cp311-linux_x86_64.whl/yaml/_yaml.so": so})
    (tmp_path / "app.pex").write_bytes(zipapp)
    wheel = _zip({"yaml/_yaml.so": so})
    (tmp_path / "w.whl").write_bytes(wheel)
    (tmp_path / "wheels.pex").write_bytes(_zip({".deps/pyyaml-6.0.3-cp311-cp311-linux_x86_64.whl": wheel}))
    for source, path in (
        ("app.pex", "/app/app.pex"),
        ("w.whl", "/app/d.pex/.deps/pyyaml-6.0.3-cp311-cp311-linux_x86_64.whl"),
        ("wheels.pex", "/app/w.pex"),
    ):
        layer = tmp_path / "layer.tar.gz"
        image_tool.write_layer([{"path": path, "kind": "file", "file": str(tmp_path / source)}], layer)
        assert image_tool.guard([layer], "//p", "linux", "x86_64", "glibc") == 1
        with pytest.raises(
            ImageError, match=r"_yaml.so \(ELF x86_64[^)]*\), from package pyyaml: it is for x86_64, not aarch64"
        ):
            image_tool.guard([layer], "//p", "linux", "aarch64", "glibc")
    (tmp_path / "bad.pex").write_bytes(b"PK\x03\x04 not a zip")
    image_tool.write_layer([{"path": "/app/bad.pex", "kind": "file", "file": str(tmp_path / "bad.pex")}], layer)
    with pytest.raises(ImageError, match=re.escape("/app/bad.pex in layer.tar.gz is damaged")):
        image_tool.guard([layer], "//p", "linux", "x86_64", "glibc")


def test_a_tree_is_split_by_its_top_level_names(tmp_path):
    tree = tmp_path / "app.pex"
    (tree / ".deps" / "w.whl").mkdir(parents=True)
    (tree / ".deps" / "w.whl" / "m.py").write_text("")
    (tree / "__main__.py").write_text("")
    (tree / "__pex__").mkdir()
    (tree / "__pex__" / "x.py").write_text("")
    for key, want in (("only", ["a/.deps/w.whl/m.py"]), ("skip", ["a/__main__.py", "a/__pex__/x.py"])):
        layer = tmp_path / f"{key}.tar.gz"
        image_tool.write_layer([{"path": "/a", "kind": "dir", "file": str(tree), key: ".deps"}], layer)
        with tarfile.open(layer) as tar:
            assert [m.name for m in tar.getmembers() if m.isfile()] == want
