"""The hostile-sdist corpus: generated damaged and hostile archives (tar.gz, tar.bz2, tar.xz, zip) against both readers.

Each archive runs through the PySdistBuild helper (`build_helper.main`, which
refuses it while unpacking, before any build) and the repository-phase
inspection (`sdist_inspect.main facts`). Valid controls unpack, and the
inspection reads them. Every invalid one gives one ERROR line and no
traceback, within the time limit, with nothing written outside its sandbox
(tools/testing/corpus.py). The reproducers named in the hostile-inputs issue
are cases here and tests of their own below.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import build_helper
import pytest
import sdist_inspect
from corpus import Case, run_corpus, run_main
from xpy.archives import DEFAULT_LIMITS, ArchiveError, Limits, unpack_archive

PYPROJECT = b'[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
TOP = "demo-1.0"

# --- tar, block by block ------------------------------------------------------------------------------------------


def header(
    name: str | bytes,
    size: int = 0,
    kind: bytes = b"0",
    link: str = "",
    mode: int = 0o644,
    size_field: bytes | None = None,
    checksum: bytes | None = None,
    prefix: bytes = b"",
) -> bytes:
    """One 512-byte ustar header (checksum computed unless given)."""
    raw_name = name if isinstance(name, bytes) else name.encode()
    block = bytearray(512)
    block[0:100] = raw_name[:100].ljust(100, b"\0")
    block[100:108] = b"%07o\0" % mode
    block[108:116] = b"0000000\0"
    block[116:124] = b"0000000\0"
    block[124:136] = size_field if size_field is not None else b"%011o\0" % size
    block[136:148] = b"%011o\0" % 1_600_000_000
    block[156:157] = kind
    block[157:257] = link.encode()[:100].ljust(100, b"\0")
    block[257:265] = b"ustar\x0000"
    block[345:500] = prefix[:155].ljust(155, b"\0")
    block[148:156] = b" " * 8
    block[148:156] = checksum if checksum is not None else b"%06o\0 " % sum(block)
    return bytes(block)


def entry(name: str | bytes, data: bytes = b"", **kw) -> bytes:
    return header(name, len(data), **kw) + data + b"\0" * (-len(data) % 512)


END = b"\0" * 1024


def pax(records: dict[str, str]) -> bytes:
    body = b""
    for key, value in records.items():
        rec = f" {key}={value}\n".encode()
        n = len(rec) + len(str(len(rec)))
        n = len(rec) + len(str(n))
        body += str(n).encode() + rec
    return entry("././@PaxHeader", body, kind=b"x")


def project(*extra: bytes) -> bytes:
    """A minimal valid project tar stream with `extra` entries added before the end."""
    return entry(f"{TOP}/pyproject.toml", PYPROJECT) + entry(f"{TOP}/demo.py", b"X = 1\n") + b"".join(extra) + END


COMPRESS: dict[str, Callable[[bytes], bytes]] = {
    "tar.gz": lambda b: gzip.compress(b, mtime=0),
    "tar.bz2": bz2.compress,
    "tar.xz": lambda b: lzma.compress(b, format=lzma.FORMAT_XZ),
}


def flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x40]) + data[at + 1 :]


# (name, tar stream, expected: "ok" or words of the error). Each is compressed three ways.
TAR_CASES: list[tuple[str, bytes, str]] = [
    ("valid", project(), "ok"),
    ("valid-dot-prefix", entry(f"./{TOP}/pyproject.toml", PYPROJECT) + entry(f"./{TOP}/x.py", b"") + END, "ok"),
    ("valid-in-tree-symlink", project(entry(f"{TOP}/alias.py", kind=b"2", link="demo.py")), "ok"),
    ("valid-pax-long-name", project(pax({"path": f"{TOP}/" + "d/" * 60 + "f.py"}) + entry("short", b"x")), "ok"),
    (
        "valid-gnu-long-name",
        project(entry("././@LongLink", (f"{TOP}/" + "e" * 150).encode() + b"\0", kind=b"L") + entry("x", b"y")),
        "ok",
    ),
    ("valid-directories", entry(f"{TOP}/", kind=b"5") + project(entry(f"{TOP}/pkg/", kind=b"5")), "ok"),
    ("negative-size-base256", project(header(f"{TOP}/x", size_field=b"\xff" * 12)), "negative size"),
    ("negative-size-minus-512", header(f"{TOP}/pyproject.toml", size_field=b"\xff" * 11 + b"\x00") + END, "negative"),
    ("malformed-size", project(header(f"{TOP}/x", size_field=b"12x45678901\0")), "malformed size"),
    ("bad-checksum", project(header(f"{TOP}/x", checksum=b"0000000\0")), "checksum is wrong"),
    ("truncated-header", project()[:700], "cut short"),
    ("truncated-data", entry(f"{TOP}/pyproject.toml", PYPROJECT)[:600], "cut short"),
    ("no-end-blocks", entry(f"{TOP}/pyproject.toml", PYPROJECT), "ends without its end-of-archive"),
    ("huge-pax-header", project(header("././@PaxHeader", 300 * 1024**2, kind=b"x")), "declares 314572800 bytes"),
    ("huge-gnu-long-name", project(header("././@LongLink", 300 * 1024**2, kind=b"L")), "declares 314572800 bytes"),
    ("malformed-pax", project(entry("././@PaxHeader", b"zz path=x\n", kind=b"x") + entry("x", b"")), "pax header"),
    ("pax-length-lies", project(entry("././@PaxHeader", b"99 path=x\n", kind=b"x") + entry("x", b"")), "pax header"),
    ("pax-dotdot-path", project(pax({"path": "../../evil"}) + entry("x", b"boom")), "'..' path component"),
    ("pax-bad-size", project(pax({"size": "-5"}) + entry("x", b"")), "malformed pax size"),
    (
        "long-component",
        project(pax({"path": f"{TOP}/" + "a" * 300}) + entry("x", b"")),
        "path component longer than 255",
    ),
    ("long-path", project(pax({"path": f"{TOP}/" + "b/" * 600}) + entry("x", b"")), "name longer than 1024"),
    ("absolute", project(entry("/etc/evil", b"boom")), "absolute path"),
    ("dotdot", project(entry(f"{TOP}/../../evil", b"boom")), "'..' path component"),
    ("backslash", project(entry(f"{TOP}\\..\\evil", b"boom")), "backslash"),
    ("control-char", project(entry(f"{TOP}/a\nb", b"")), "control character"),
    ("drive-letter", project(entry("C:evil", b"")), "absolute path"),
    ("not-utf8-name", project(entry(f"{TOP}/\xff\xfe.py".encode("latin-1"), b"")), "is not UTF-8"),
    ("hard-link", project(entry(f"{TOP}/h", kind=b"1", link=f"{TOP}/demo.py")), "is a hard link"),
    ("char-device", project(entry(f"{TOP}/tty", kind=b"3")), "is a character device"),
    ("block-device", project(entry(f"{TOP}/sda", kind=b"4")), "is a block device"),
    ("fifo", project(entry(f"{TOP}/pipe", kind=b"6")), "is a FIFO"),
    ("sparse", project(entry(f"{TOP}/s", b"x", kind=b"S")), "is a sparse file"),
    ("volume", project(entry("vol", kind=b"V")), "volume header"),
    ("unknown-type", project(entry(f"{TOP}/u", kind=b"Z")), "unsupported tar type"),
    ("dir-with-data", project(entry(f"{TOP}/d", b"data", kind=b"5")), "is a dir with 4 bytes"),
    ("symlink-absolute", project(entry(f"{TOP}/l", kind=b"2", link="/etc/passwd")), "absolute path"),
    ("symlink-escape", project(entry(f"{TOP}/l", kind=b"2", link="../../x")), "outside the archive"),
    (
        "symlink-chain-escape",
        project(entry(f"{TOP}/a", kind=b"2", link="b/.."), entry(f"{TOP}/b", kind=b"2", link="..")),
        "leads outside the archive",
    ),
    ("symlink-empty", project(entry(f"{TOP}/l", kind=b"2", link="")), "empty target"),
    ("write-through-symlink", project(entry(f"{TOP}/l", kind=b"2", link="."), entry(f"{TOP}/l/x", b"y")), ""),
    ("file-below-file", project(entry(f"{TOP}/demo.py/x", b"y")), "not a directory"),
    ("duplicate", project(entry(f"{TOP}/demo.py", b"again")), "appears twice"),
    (
        "symlink-and-file",
        project(entry(f"{TOP}/l", kind=b"2", link="demo.py"), entry(f"{TOP}/l", b"x")),
        "appears twice",
    ),
    (
        "gnu-long-link-escape",
        project(entry("././@LongLink", b"../../etc\0", kind=b"K") + entry(f"{TOP}/l", kind=b"2")),
        "outside the archive",
    ),
    ("empty-name", project(entry("", b"x")), "name"),
]


def _gz_with_bad_crc(stream: bytes) -> bytes:
    data = bytearray(gzip.compress(stream, mtime=0))
    data[-8] ^= 0xFF  # the stored CRC-32
    return bytes(data)


RAW_CASES: list[tuple[str, str, bytes, str]] = [
    ("gz-bad-crc", "tar.gz", _gz_with_bad_crc(project()), "cannot read the archive"),
    ("gz-flipped-byte", "tar.gz", flip(gzip.compress(project(), mtime=0), 40), "cannot read the archive"),
    ("gz-truncated", "tar.gz", gzip.compress(project(), mtime=0)[:-20], "cannot read the archive"),
    ("bz2-flipped-byte", "tar.bz2", flip(bz2.compress(project()), 60), "cannot read the archive"),
    ("xz-flipped-byte", "tar.xz", flip(lzma.compress(project()), 60), "cannot read the archive"),
    ("not-gzip", "tar.gz", b"this is not gzip at all", "cannot read the archive"),
    ("empty-file", "tar.gz", b"", "ends without its end-of-archive blocks"),
    ("gzip-of-nothing", "tar.gz", gzip.compress(b"", mtime=0), "ends without its end-of-archive"),
    ("gzip-of-noise", "tar.gz", gzip.compress(b"\x01" * 4096, mtime=0), "malformed checksum field"),
    (
        "huge-pyproject-declared",
        "tar.gz",
        gzip.compress(header(f"{TOP}/pyproject.toml", 1536 * 1024**2) + b"\0" * 4096, mtime=0),
        "",
    ),
    (
        "trailing-garbage",
        "tar.gz",
        gzip.compress(project(), mtime=0) + b"garbage",
        "cannot read the archive",
    ),
]


# --- zip ------------------------------------------------------------------------------------------------------------


def zip_bytes(members: list[tuple[str, bytes]], *, mode: int = 0o100644, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.create_system = 3
            info.external_attr = mode << 16
            info.compress_type = method
            zf.writestr(info, data)
    return buf.getvalue()


def zip_project(*extra: tuple[str, bytes], **kw) -> bytes:
    return zip_bytes([(f"{TOP}/pyproject.toml", PYPROJECT), (f"{TOP}/demo.py", b"X = 1\n"), *extra], **kw)


def _patch_all(data: bytes, find: bytes, replace: bytes) -> bytes:
    assert find in data
    return data.replace(find, replace)


def _zip_symlink(name: str, target: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(f"{TOP}/pyproject.toml", PYPROJECT)
        info = zipfile.ZipInfo(name)
        info.create_system = 3
        info.external_attr = 0o120777 << 16
        zf.writestr(info, target)
    return buf.getvalue()


def _zip_flag(flag: int) -> bytes:
    data = bytearray(zip_project())
    # general purpose flags: local header offset 6, central directory offset 8, for every entry
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = 0
        while (at := data.find(sig, at)) >= 0:
            (flags,) = struct.unpack_from("<H", data, at + off)
            struct.pack_into("<H", data, at + off, flags | flag)
            at += 4
    return bytes(data)


def _zip_method(method: int) -> bytes:
    data = bytearray(zip_project(method=zipfile.ZIP_STORED))
    for sig, off in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = 0
        while (at := data.find(sig, at)) >= 0:
            struct.pack_into("<H", data, at + off, method)
            at += 4
    return bytes(data)


def _zip_declared_size(size: int) -> bytes:
    data = bytearray(zip_project(method=zipfile.ZIP_STORED))
    at = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, at + 24, size)  # uncompressed size in the central directory
    return bytes(data)


def _zip_bad_crc() -> bytes:
    data = zip_project(method=zipfile.ZIP_STORED)
    return _patch_all(data, b"X = 1\n", b"X = 2\n")


def _zip_many_entries() -> bytes:
    data = bytearray(zip_project())
    at = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, at + 8, 60000, 60000)
    return bytes(data)


ZIP_CASES: list[tuple[str, bytes, str]] = [
    ("valid", zip_project(), "ok"),
    ("valid-stored", zip_project(method=zipfile.ZIP_STORED), "ok"),
    ("valid-bzip2", zip_project(method=zipfile.ZIP_BZIP2), "ok"),
    ("valid-lzma", zip_project(method=zipfile.ZIP_LZMA), "ok"),
    ("valid-symlink", _zip_symlink(f"{TOP}/alias", "pyproject.toml"), "ok"),
    ("encrypted", _zip_flag(0x1), "is encrypted"),
    ("unsupported-method", _zip_method(99), "unsupported compression method 99"),
    ("bad-utf8-name", _patch_all(_zip_flag(0x800), b"demo.py", b"dem\xff.py"), ""),
    ("bad-crc", _zip_bad_crc(), "cannot read the archive"),
    ("truncated", zip_project()[:-30], "not a zip file"),
    ("not-a-zip", b"PK not really", "not a zip file"),
    ("empty", b"", "not a zip file"),
    ("absolute", zip_project(("/etc/evil", b"x")), "absolute path"),
    ("dotdot", zip_project((f"{TOP}/../../evil", b"x")), "'..' path component"),
    ("backslash", zip_project((f"{TOP}\\evil", b"x")), "backslash"),
    ("long-component", zip_project((f"{TOP}/" + "z" * 300, b"x")), "longer than 255"),
    ("control-char", zip_project((f"{TOP}/a\tb", b"x")), "control character"),
    ("symlink-escape", _zip_symlink(f"{TOP}/l", "../../x"), "outside the archive"),
    ("symlink-absolute", _zip_symlink(f"{TOP}/l", "/etc/passwd"), "absolute path"),
    ("device", zip_project((f"{TOP}/dev", b""), mode=0o020644), "device file, FIFO or socket"),
    ("duplicate", zip_project((f"{TOP}/demo.py", b"again")), "appears twice"),
    ("declared-huge", _zip_declared_size(0xFFFFFFF0), ""),
    ("too-many-entries", _zip_many_entries(), "60000"),
]

# --- the corpus -------------------------------------------------------------------------------------------------------

LIMITS = ["--max-bytes=65536", "--max-members=1000"]


def _archives() -> list[tuple[str, str, bytes, str]]:
    out = []
    for name, stream, expect in TAR_CASES:
        for suffix, compress in COMPRESS.items():
            out.append((f"{name}.{suffix}", suffix, compress(stream), expect))
    for name, suffix, data, expect in RAW_CASES:
        out.append((f"{name}.{suffix}", suffix, data, expect))
    for name, data, expect in ZIP_CASES:
        out.append((f"{name}.zip", "zip", data, expect))
    return out


def _build_case(name: str, suffix: str, data: bytes, expect: str) -> Case:
    def run(sandbox: Path) -> tuple[int, str]:
        sdist = sandbox / f"demo-1.0.{suffix}"
        sdist.write_bytes(data)
        work = sandbox / "work"
        work.mkdir()
        if expect == "ok":  # a valid archive unpacks and holds the project (building it is build_helper_test's)
            dest = sandbox / "dest"
            dest.mkdir()
            unpack_archive(sdist, dest, Limits(max_bytes=65536, max_members=1000))
            assert build_helper.find_project_dir(dest).name == TOP
            return 0, ""
        argv = [f"--sdist={sdist}", f"--output={sandbox / 'out'}", "--package=demo", "--version=1.0", "--kind=pure"]
        cwd = os.getcwd()
        os.chdir(work)
        try:
            code, err = run_main(build_helper.main, [*argv, *LIMITS])
        finally:
            os.chdir(cwd)
        assert not list((sandbox / "out").iterdir()), "the output directory is not empty after a refusal"
        assert not list(work.iterdir()), "the unpack directory was left behind"
        return code, err

    return Case(f"build:{name}", run, "ok" if expect == "ok" else "error", "" if expect == "ok" else expect)


def _inspect_case(name: str, suffix: str, data: bytes, expect: str) -> Case:
    def run(sandbox: Path) -> tuple[int, str]:
        sdist = sandbox / f"demo-1.0.{suffix}"
        sdist.write_bytes(data)
        return run_main(sdist_inspect.main, ["facts", f"--sdist={sdist}", f"--output={sandbox / 'sdist.json'}"])

    ok = expect == "ok"
    return Case(f"inspect:{name}", run, "ok" if ok else "error", "" if ok else expect)


def test_the_sdist_corpus_every_hostile_or_damaged_archive_is_one_clear_error(tmp_path):
    archives = _archives()
    assert len(archives) >= 100
    cases = [_build_case(*a) for a in archives] + [_inspect_case(*a) for a in archives]
    run_corpus("sdist corpus", cases, tmp_path / "corpus", seconds=20)


# --- the reproducers, one test each ---------------------------------------------------------------------------


def _refuses(tmp_path: Path, suffix: str, data: bytes, words: str, limits: Limits = DEFAULT_LIMITS) -> None:
    path = tmp_path / f"demo-1.0.{suffix}"
    path.write_bytes(data)
    dest = tmp_path / "dest"
    dest.mkdir()
    with pytest.raises(ArchiveError, match=words):
        unpack_archive(path, dest, limits)
    assert list(dest.iterdir()) == []


def test_a_300_character_name_component_is_a_clear_error_not_oserror(tmp_path):
    long = project(pax({"path": f"{TOP}/" + "a" * 300}) + entry("x", b""))
    _refuses(tmp_path, "tar.gz", gzip.compress(long), "longer than 255")
    (tmp_path / "z").mkdir()
    _refuses(tmp_path / "z", "zip", zip_project((f"{TOP}/" + "a" * 300, b"")), "longer than 255")


@pytest.mark.parametrize("kind", [b"L", b"x"])
def test_a_long_name_or_pax_header_declaring_300_mib_is_refused_before_it_is_read(tmp_path, kind):
    data = gzip.compress(project(header("././@LongLink", 300 * 1024**2, kind=kind)))
    _refuses(tmp_path, "tar.gz", data, "declares 314572800 bytes, more than 1048576")


def test_one_flipped_byte_in_a_tar_gz_is_an_error_not_corrupted_content(tmp_path):
    good = gzip.compress(project(entry(f"{TOP}/big.txt", b"abc" * 20000)), mtime=0)
    for at in range(20, len(good) - 8, max(1, len(good) // 25)):
        damaged = flip(good, at)
        path = tmp_path / f"d{at}.tar.gz"
        path.write_bytes(damaged)
        dest = tmp_path / f"dest{at}"
        dest.mkdir()
        with pytest.raises(ArchiveError):
            unpack_archive(path, dest)
        assert list(dest.iterdir()) == []


def test_an_escaping_symlink_chain_leaves_nothing_behind(tmp_path):
    chain = project(entry(f"{TOP}/a", kind=b"2", link="b/.."), entry(f"{TOP}/b", kind=b"2", link=".."))
    _refuses(tmp_path, "tar.gz", gzip.compress(chain), "leads outside the archive")


def test_the_inspection_does_not_hang_on_a_member_of_size_minus_512(tmp_path):
    data = gzip.compress(header(f"{TOP}/pyproject.toml", size_field=b"\xff" * 11 + b"\x00") + END)
    path = tmp_path / "demo-1.0.tar.gz"
    path.write_bytes(data)
    assert len(data) < 200
    code, err = run_main(sdist_inspect.main, ["facts", f"--sdist={path}", f"--output={tmp_path / 'o.json'}"])
    assert code == 1 and err.startswith("ERROR: archive member 'demo-1.0/pyproject.toml' has a negative size")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (_zip_flag(0x1), "is encrypted"),
        (_zip_method(99), "unsupported compression method 99"),
        (_patch_all(_zip_flag(0x800), b"demo.py", b"dem\xff.py"), "cannot read the archive"),
    ],
    ids=["encrypted", "compression-method", "invalid-utf8-name"],
)
def test_the_inspection_refuses_zip_oddities_with_one_line(tmp_path, data, words):
    path = tmp_path / "demo-1.0.zip"
    path.write_bytes(data)
    code, err = run_main(sdist_inspect.main, ["facts", f"--sdist={path}", f"--output={tmp_path / 'o.json'}"])
    assert code == 1 and len(err.splitlines()) == 1 and words in err, err


def test_the_inspection_refuses_a_1_5_gib_pyproject_without_reading_it(tmp_path):
    data = gzip.compress(header(f"{TOP}/pyproject.toml", 1536 * 1024**2) + b"\0" * 65536, mtime=0)
    path = tmp_path / "demo-1.0.tar.gz"
    path.write_bytes(data)
    code, err = run_main(sdist_inspect.main, ["facts", f"--sdist={path}", f"--output={tmp_path / 'o.json'}"])
    assert code == 1
    assert "the sdist's demo-1.0/pyproject.toml is 1610612736 bytes, more than 4194304" in err
