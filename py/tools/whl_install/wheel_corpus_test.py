"""The bad-wheel corpus: generated broken and hostile wheels against WhlInstall and PyPex.

Each wheel runs through `whl_install.main` and `pex_builder.main`; both check
it with the one wheel reader (xpy.wheels) first. Valid controls install and
pack. Every invalid one gives one ERROR line and no traceback, within the time
limit, leaves the output empty, and writes nothing outside its sandbox
(tools/testing/corpus.py). The reproducers named in the hostile-inputs issue
are cases here and tests of their own below.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import struct
import zipfile
from pathlib import Path

import pex_builder
import pytest
import whl_install
from corpus import Case, run_corpus, run_main

NAME = "demo_pkg-1.0-py3-none-any.whl"
DI = "demo_pkg-1.0.dist-info"
WHEEL = b"Wheel-Version: 1.0\nGenerator: t\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
META = b"Metadata-Version: 2.1\nName: demo-pkg\nVersion: 1.0\n"


def digest(data: bytes, algorithm: str = "sha256") -> str:
    return f"{algorithm}=" + base64.urlsafe_b64encode(hashlib.new(algorithm, data).digest()).decode().rstrip("=")


def files(**changes: bytes | None) -> dict[str, bytes]:
    out = {
        "demo_pkg/__init__.py": b"VALUE = 42\n",
        f"{DI}/WHEEL": WHEEL,
        f"{DI}/METADATA": META,
    }
    for k, v in changes.items():
        k = k.replace("__DI__", DI)
        if v is None:
            out.pop(k, None)
        else:
            out[k] = v
    return out


def wheel(
    members: dict[str, bytes] | None = None,
    *,
    record: bytes | str | None = "auto",
    rows: list[list[str]] | None = None,
    extra: dict[str, bytes] | None = None,
    method: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """Wheel bytes: `members` listed in an automatic RECORD (or `rows`, or `record` bytes); `extra` unlisted."""
    members = files() if members is None else members
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data)
        for name, data in (extra or {}).items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data)
        if record == "auto":
            out = io.StringIO()
            listed = rows if rows is not None else [[n, digest(d), str(len(d))] for n, d in members.items()]
            csv.writer(out, lineterminator="\n").writerows([*listed, [f"{DI}/RECORD", "", ""]])
            zf.writestr(f"{DI}/RECORD", out.getvalue())
        elif isinstance(record, bytes):
            zf.writestr(f"{DI}/RECORD", record)
    return buf.getvalue()


def auto_rows(members: dict[str, bytes]) -> list[list[str]]:
    return [[n, digest(d), str(len(d))] for n, d in members.items()]


def patch(data: bytes, find: bytes, replace: bytes) -> bytes:
    assert find in data, find
    return data.replace(find, replace)


def flags(data: bytes, flag: int) -> bytes:
    out = bytearray(data)
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = 0
        while (at := out.find(sig, at)) >= 0:
            (value,) = struct.unpack_from("<H", out, at + off)
            struct.pack_into("<H", out, at + off, value | flag)
            at += 4
    return bytes(out)


def method(data: bytes, number: int) -> bytes:
    out = bytearray(data)
    for sig, off in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = 0
        while (at := out.find(sig, at)) >= 0:
            struct.pack_into("<H", out, at + off, number)
            at += 4
    return bytes(out)


EP = "__DI__/entry_points.txt"
PLATLIB = files(**{"__DI__/WHEEL": WHEEL.replace(b"true", b"false")})

# (case, file name, wheel bytes, expected: "ok" or words of the error)
CASES: list[tuple[str, str, bytes, str]] = [
    ("valid", NAME, wheel(), "ok"),
    ("valid-stored", NAME, wheel(method=zipfile.ZIP_STORED), "ok"),
    (
        "valid-scripts-and-data",
        NAME,
        wheel(
            files(**{"demo_pkg-1.0.data/scripts/tool": b"#!python\nprint(1)\n", "demo_pkg-1.0.data/data/share/x": b"x"})
        ),
        "ok",
    ),
    ("valid-console-script", NAME, wheel(files(**{EP: b"[console_scripts]\ndemo-tool = demo_pkg:main\n"})), "ok"),
    ("valid-sha512", NAME, wheel(rows=[[n, digest(d, "sha512"), str(len(d))] for n, d in files().items()]), "ok"),
    ("valid-platlib", NAME, wheel(PLATLIB), "ok"),
    ("not-a-zip", NAME, b"not a zip at all", "not a wheel"),
    ("empty-file", NAME, b"", "not a wheel"),
    ("truncated", NAME, wheel()[:-40], "not a wheel"),
    ("bad-name-no-tags", "demo_pkg-1.0.whl", wheel(), "not a valid wheel name"),
    ("bad-name-suffix", "demo_pkg-1.0-py3-none-any.zip", wheel(), "not a valid wheel name"),
    ("bad-name-version", "demo_pkg-one-py3-none-any.whl", wheel(), "not a valid wheel name"),
    ("no-record", NAME, wheel(record=None), f"no {DI}/RECORD"),
    ("no-wheel-file", NAME, wheel(files(**{"__DI__/WHEEL": None})), f"no {DI}/WHEEL"),
    ("no-metadata", NAME, wheel(files(**{"__DI__/METADATA": None})), f"no {DI}/METADATA"),
    ("empty-metadata", NAME, wheel(files(**{"__DI__/METADATA": b""})), "METADATA is empty"),
    ("metadata-not-utf8", NAME, wheel(files(**{"__DI__/METADATA": b"Name: d\xffmo\n"})), "is not UTF-8"),
    (
        "metadata-no-version",
        NAME,
        wheel(files(**{"__DI__/METADATA": b"Metadata-Version: 2.1\nName: demo-pkg\n"})),
        "no Name or no Version",
    ),
    (
        "metadata-other-name",
        NAME,
        wheel(files(**{"__DI__/METADATA": META.replace(b"demo-pkg", b"other")})),
        "METADATA says other 1.0",
    ),
    (
        "metadata-other-version",
        NAME,
        wheel(files(**{"__DI__/METADATA": META.replace(b"1.0", b"2.0")})),
        "METADATA says demo-pkg 2.0",
    ),
    ("wheel-version-2", NAME, wheel(files(**{"__DI__/WHEEL": b"Wheel-Version: 2.0\n"})), "Wheel-Version '2.0'"),
    ("wheel-empty", NAME, wheel(files(**{"__DI__/WHEEL": b""})), "WHEEL is empty"),
    ("two-dist-infos", NAME, wheel(files(**{"other-1.0.dist-info/METADATA": META})), "2 .dist-info directories"),
    ("no-dist-info", NAME, wheel({"demo_pkg/__init__.py": b""}, record=None), "0 .dist-info directories"),
    (
        "dist-info-of-another",
        NAME,
        wheel(
            {k.replace(DI, "other-1.0.dist-info"): v for k, v in files().items()},
            record=None,
            extra={"other-1.0.dist-info/RECORD": b""},
        ),
        "not of demo-pkg 1.0",
    ),
    (
        "dist-info-other-version",
        NAME,
        wheel(
            {k.replace(DI, "demo_pkg-2.0.dist-info"): v for k, v in files().items()},
            record=None,
            extra={"demo_pkg-2.0.dist-info/RECORD": b""},
        ),
        "not of demo-pkg 1.0",
    ),
    (
        "record-wrong-hash",
        NAME,
        wheel(rows=[[n, digest(b"other"), str(len(d))] for n, d in files().items()]),
        "does not match its sha256 hash",
    ),
    (
        "record-wrong-size",
        NAME,
        wheel(rows=[[n, digest(d), str(len(d) + 1)] for n, d in files().items()]),
        "RECORD says",
    ),
    (
        "record-md5",
        NAME,
        wheel(rows=[[n, digest(d, "md5"), str(len(d))] for n, d in files().items()]),
        "with md5, which is not allowed",
    ),
    (
        "record-sha1",
        NAME,
        wheel(rows=[[n, digest(d, "sha1"), str(len(d))] for n, d in files().items()]),
        "with sha1, which is not allowed",
    ),
    ("record-no-hash", NAME, wheel(rows=[[n, "", str(len(d))] for n, d in files().items()]), "has no hash for"),
    ("record-no-size", NAME, wheel(rows=[[n, digest(d), ""] for n, d in files().items()]), "no valid size"),
    ("record-bad-size", NAME, wheel(rows=[[n, digest(d), "-1"] for n, d in files().items()]), "no valid size"),
    ("record-two-fields", NAME, wheel(record=b"demo_pkg/__init__.py,sha256=x\n"), "has 2 fields, not 3"),
    ("record-not-utf8", NAME, wheel(record=b"demo_pkg/\xff.py,sha256=x,1\n"), "RECORD is not UTF-8"),
    ("record-missing-row", NAME, wheel(rows=auto_rows(files())[1:]), "is not listed in"),
    (
        "record-extra-member",
        NAME,
        wheel(extra={"demo_pkg/sneaky.py": b"x = 1\n"}),
        "demo_pkg/sneaky.py is not listed in",
    ),
    (
        "record-row-for-missing-file",
        NAME,
        wheel(rows=[*auto_rows(files()), ["demo_pkg/ghost.py", digest(b""), "0"]]),
        "lists 'demo_pkg/ghost.py', which is not in the wheel",
    ),
    (
        "record-row-outside",
        NAME,
        wheel(rows=[*auto_rows(files()), ["../../etc/passwd", digest(b""), "0"]]),
        "'..' path component",
    ),
    (
        "record-row-absolute",
        NAME,
        wheel(rows=[*auto_rows(files()), ["/etc/passwd", digest(b""), "0"]]),
        "absolute path",
    ),
    ("record-duplicate-row", NAME, wheel(rows=[*auto_rows(files()), auto_rows(files())[0]]), "twice"),
    ("member-dotdot", NAME, wheel(files(**{"../evil.py": b"boom"})), "'..' path component"),
    ("member-absolute", NAME, wheel(files(**{"/tmp/evil.py": b"boom"})), "absolute path"),
    ("member-drive", NAME, wheel(files(**{"C:/evil.py": b"boom"})), "absolute path"),
    ("member-backslash", NAME, wheel(files(**{"demo_pkg\\..\\..\\evil.py": b"boom"})), "backslash"),
    ("member-control-char", NAME, wheel(files(**{"demo_pkg/a\nb.py": b""})), "control character"),
    ("member-long-component", NAME, wheel(files(**{"demo_pkg/" + "x" * 300: b""})), "longer than 255"),
    ("member-long-path", NAME, wheel(files(**{"demo_pkg/" + "d/" * 600 + "x": b""})), "longer than 1024"),
    ("data-dotdot", NAME, wheel(files(**{"demo_pkg-1.0.data/data/../../../../evil": b"boom"})), "'..' path component"),
    ("data-bad-scheme", NAME, wheel(files(**{"demo_pkg-1.0.data/bogus/x": b"x"})), "not in a scheme directory"),
    ("data-file-as-scheme", NAME, wheel(files(**{"demo_pkg-1.0.data/data": b"x"})), "not in a scheme directory"),
    ("data-scheme-only", NAME, wheel(files(**{"demo_pkg-1.0.data/purelib": b"x"})), "not in a scheme directory"),
    ("data-of-another", NAME, wheel(files(**{"other-1.0.data/purelib/x.py": b"x"})), "only demo_pkg-1.0.data belongs"),
    ("duplicate-member", NAME, wheel(files(), extra={"demo_pkg/__init__.py": b"again"}), "appears twice"),
    (
        "file-and-dir",
        NAME,
        wheel(files(**{"demo_pkg/x": b"file", "demo_pkg/x/y.py": b"below"})),
        "is below 'demo_pkg/x', which is a file",
    ),
    (
        "two-installs-one-path",
        NAME,
        wheel(files(**{"demo_pkg-1.0.data/purelib/demo_pkg/__init__.py": b"VALUE = 1\n"})),
        "installs two files at",
    ),
    ("encrypted", NAME, flags(wheel(), 0x1), "is encrypted"),
    ("compression-method", NAME, method(wheel(method=zipfile.ZIP_STORED), 99), "unsupported compression method 99"),
    ("bad-crc", NAME, patch(wheel(method=zipfile.ZIP_STORED), b"VALUE = 42", b"VALUE = 43"), ""),
    (
        "script-absolute",
        NAME,
        wheel(files(**{EP: b"[console_scripts]\n/tmp/evil-script = demo_pkg:main\n"})),
        "not a plain file name",
    ),
    (
        "script-dotdot",
        NAME,
        wheel(files(**{EP: b"[console_scripts]\n../evil = demo_pkg:main\n"})),
        "not a plain file name",
    ),
    (
        "script-slash",
        NAME,
        wheel(files(**{EP: b"[console_scripts]\nbin/evil = demo_pkg:main\n"})),
        "not a plain file name",
    ),
    (
        "script-dots-only",
        NAME,
        wheel(files(**{EP: b"[console_scripts]\n.. = demo_pkg:main\n"})),
        "not a plain file name",
    ),
    (
        "script-backslash",
        NAME,
        wheel(files(**{EP: b"[console_scripts]\n..\\\\evil = demo_pkg:main\n"})),
        "not a plain file name",
    ),
    ("gui-script-bad", NAME, wheel(files(**{EP: b"[gui_scripts]\n/abs = demo_pkg:main\n"})), "not a plain file name"),
    (
        "entry-points-malformed",
        NAME,
        wheel(files(**{EP: b"[console_scripts\nx = y\n"})),
        "entry_points.txt is malformed",
    ),
    ("entry-points-not-utf8", NAME, wheel(files(**{EP: b"[console_scripts]\n\xff = a:b\n"})), "is not UTF-8"),
    (
        "many-members-declared",
        NAME,
        patch(wheel(), b"PK\x05\x06\x00\x00\x00\x00\x04\x00\x04\x00", b"PK\x05\x06\x00\x00\x00\x00\xff\xfe\xff\xfe"),
        "says 65279 members",
    ),
]

# Families over every member of the valid wheel, to cover each file kind.
for i, member in enumerate(files()):
    CASES.append(
        (
            f"flip-hash-{i}",
            NAME,
            wheel(rows=[[n, digest(d + b"!") if n == member else digest(d), str(len(d))] for n, d in files().items()]),
            "does not match",
        )
    )
    CASES.append(
        (f"drop-row-{i}", NAME, wheel(rows=[r for r in auto_rows(files()) if r[0] != member]), "is not listed in")
    )
    CASES.append(
        (
            f"md5-row-{i}",
            NAME,
            wheel(rows=[[n, digest(d, "md5") if n == member else digest(d), str(len(d))] for n, d in files().items()]),
            "md5",
        )
    )
for i, bad in enumerate(["a/../../b", "./../x", "x/../../y", "..", "../", "a/./../../b"]):
    CASES.append((f"traversal-{i}", NAME, wheel(files(**{bad: b"boom"})), ""))
for i, scheme in enumerate(["purelib", "platlib", "scripts", "headers", "data"]):
    CASES.append(
        (
            f"scheme-traversal-{scheme}",
            NAME,
            wheel(files(**{f"demo_pkg-1.0.data/{scheme}/../../evil{i}": b"boom"})),
            "'..' path component",
        )
    )
    CASES.append((f"scheme-valid-{scheme}", NAME, wheel(files(**{f"demo_pkg-1.0.data/{scheme}/ok{i}": b"fine"})), "ok"))


def _install_case(name: str, filename: str, data: bytes, expect: str) -> Case:
    def run(sandbox: Path) -> tuple[int, str]:
        path = sandbox / filename
        path.write_bytes(data)
        out = sandbox / "out"
        code, err = run_main(whl_install.main, [f"--wheel={path}", f"--output={out}"])
        if code != 0:
            assert not out.exists() or list(out.iterdir()) == [], "the output is not empty after a refusal"
        return code, err

    return Case(
        f"install:{name}",
        run,
        "ok" if expect == "ok" else "error",
        "" if expect == "ok" else expect,
        ("/tmp/evil.py", "/tmp/evil-script"),
    )


def _pex_case(name: str, filename: str, data: bytes, expect: str) -> Case:
    def run(sandbox: Path) -> tuple[int, str]:
        path = sandbox / filename
        path.write_bytes(data)
        argv = ["--label=//:app", f"--output={sandbox / 'app.pex'}", f"--wheel={path}", "--entry-point=demo_pkg"]
        return run_main(pex_builder.main, argv)

    # WhlInstall's own conflicts (two files at one installed path) are for the installer; PyPex packs the wheel as is.
    ok = expect == "ok" or name == "two-installs-one-path"
    return Case(f"pex:{name}", run, "ok" if ok else "error", "" if ok else expect, ("/tmp/evil.py", "/tmp/evil-script"))


def test_the_wheel_corpus_every_bad_wheel_is_one_clear_error(tmp_path):
    bad = [c for c in CASES if c[3] != "ok"]
    assert len(bad) >= 80, len(bad)
    cases = [_install_case(*c) for c in CASES] + [_pex_case(*c) for c in CASES]
    run_corpus("wheel corpus", cases, tmp_path / "corpus", seconds=30)


# --- the reproducers, one test each ---------------------------------------------------------------------------


@pytest.mark.parametrize("script", ["/tmp/xpy-evil-script", "../../xpy-evil-script"])
def test_pex_builder_does_not_write_a_console_script_named_outside(tmp_path, script):
    whl = tmp_path / NAME
    whl.write_bytes(wheel(files(**{EP: f"[console_scripts]\n{script} = demo_pkg:main\n".encode()})))
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    code, err = run_main(
        pex_builder.main, ["--label=//:x", f"--output={work / 'x.pex'}", f"--wheel={whl}", "--entry-point=demo_pkg"]
    )
    assert code == 1 and "is not a plain file name" in err
    assert not Path("/tmp/xpy-evil-script").exists() and not (tmp_path / "xpy-evil-script").exists()


@pytest.mark.parametrize(
    ("members", "words"),
    [
        (files(**{"__DI__/METADATA": META.replace(b"demo-pkg", b"other")}), "METADATA says other 1.0"),
        (files(**{"__DI__/METADATA": META.replace(b"1.0", b"9.9")}), "METADATA says demo-pkg 9.9"),
    ],
)
def test_whl_install_refuses_metadata_that_is_not_the_file_names(tmp_path, members, words):
    whl = tmp_path / NAME
    whl.write_bytes(wheel(members))
    code, err = run_main(whl_install.main, [f"--wheel={whl}", f"--output={tmp_path / 'out'}"])
    assert code == 1 and words in err


def test_whl_install_refuses_record_rows_for_missing_or_outside_paths(tmp_path):
    for row, words in (
        (["ghost.py", digest(b""), "0"], "not in the wheel"),
        (["../x", digest(b""), "0"], "'..' path component"),
    ):
        whl = tmp_path / NAME
        whl.write_bytes(wheel(rows=[*auto_rows(files()), row]))
        code, err = run_main(whl_install.main, [f"--wheel={whl}", f"--output={tmp_path / 'out'}"])
        assert code == 1 and words in err, err


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (flags(wheel(), 0x1), "is encrypted"),
        (method(wheel(method=zipfile.ZIP_STORED), 99), "unsupported compression method 99"),
        (wheel(files(**{"demo_pkg-1.0.data/data": b"x"})), "not in a scheme directory"),
        (wheel(files(**{"demo_pkg/" + "n" * 300: b""})), "longer than 255"),
    ],
    ids=["encrypted", "compression", "data-data", "long-name"],
)
def test_whl_install_gives_one_line_where_it_gave_tracebacks(tmp_path, data, words):
    whl = tmp_path / NAME
    whl.write_bytes(data)
    code, err = run_main(whl_install.main, [f"--wheel={whl}", f"--output={tmp_path / 'out'}"])
    assert code == 1 and len(err.splitlines()) == 1 and words in err, err


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (wheel(record=None), "no demo_pkg-1.0.dist-info/RECORD"),
        (wheel(files(**{"__DI__/METADATA": b""})), "METADATA is empty"),
        (wheel(files(**{"other-1.0.dist-info/METADATA": META})), "2 .dist-info directories"),
        (patch(wheel(method=zipfile.ZIP_STORED), b"VALUE = 42", b"VALUE = 43"), "Bad CRC-32"),
        (
            wheel(rows=[[n, digest(d, "md5"), str(len(d))] for n, d in files().items()]),
            "with md5, which is not allowed",
        ),
    ],
    ids=["no-record", "empty-metadata", "two-dist-infos", "bad-crc", "md5"],
)
def test_pex_builder_checks_record_and_metadata(tmp_path, data, words):
    whl = tmp_path / NAME
    whl.write_bytes(data)
    code, err = run_main(
        pex_builder.main, ["--label=//:x", f"--output={tmp_path / 'x.pex'}", f"--wheel={whl}", "--entry-point=demo_pkg"]
    )
    assert code == 1 and len(err.splitlines()) == 1 and words in err, err


def test_whl_install_refuses_a_member_over_the_size_limit(tmp_path):
    from xpy.archives import Limits
    from xpy.wheels import UnsafeWheelError, check_wheel

    whl = tmp_path / NAME
    whl.write_bytes(wheel(files(**{"demo_pkg/big.bin": b"\0" * 5000})))
    with pytest.raises(UnsafeWheelError, match=r"wheel member 'demo_pkg/big.bin' is 5000 bytes, more than 4096"):
        check_wheel(whl, limits=Limits(max_bytes=4096))
    check_wheel(whl)  # within the default limits


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (wheel(rows=[[n, digest(b"x"), str(len(d))] for n, d in files().items()]), "does not match its sha256 hash"),
        (wheel(extra={"demo_pkg/unlisted.py": b""}), "demo_pkg/unlisted.py is not listed in"),
    ],
    ids=["wrong-hash", "unlisted"],
)
def test_pex_builder_checks_record_hashes_and_unlisted_files(tmp_path, data, words):
    whl = tmp_path / NAME
    whl.write_bytes(data)
    code, err = run_main(
        pex_builder.main, ["--label=//:x", f"--output={tmp_path / 'x.pex'}", f"--wheel={whl}", "--entry-point=demo_pkg"]
    )
    assert code == 1 and words in err, err
