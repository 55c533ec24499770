"""The lock corpus: invalid mutations of the e2e locks (and of pyproject and platforms files) against the planner.

Each mutation of e2e/uv, e2e/crossbuild and e2e/pex's uv.lock runs through
`lock_plan.main`: an invalid one gives one ERROR line naming the lock (and no
traceback), within the time limit; the unmodified locks and harmless edits
(comments, CRLF line ends) still plan. tools/testing/corpus.py runs them. The
reproducers named in the hostile-inputs issue are cases here and tests of
their own below.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path

import lock_plan
import pytest
from corpus import Case, damaged, harmless_edits, run_corpus, run_main

E2E = Path(__file__).resolve().parents[3] / "e2e"
LOCKS = {name: (E2E / name / "uv.lock").read_bytes() for name in ("uv", "crossbuild", "pex")}
SHOWN = "//:uv.lock"


def _blocks(text: str) -> list[tuple[int, int]]:
    """Spans of the third-party [[package]] tables (with an index or URL source)."""
    starts = [m.start() for m in re.finditer(r"^\[\[package\]\]\n", text, re.M)] + [len(text)]
    spans = list(itertools.pairwise(starts))
    return [(a, b) for a, b in spans if re.search(r"^source = \{ (registry|url) = ", text[a:b], re.M)]


def _sub_in(text: str, block: int, pattern: str, repl: str | Callable[[re.Match[str]], str]) -> str:
    a, b = _blocks(text)[block]
    part, n = re.subn(pattern, repl, text[a:b], count=1, flags=re.M)
    assert n == 1, (pattern, text[a : a + 200])
    return text[:a] + part + text[b:]


def _name_of(text: str, block: int) -> str:
    a, b = _blocks(text)[block]
    m = re.search(r'^name = "([^"]+)"', text[a:b], re.M)
    assert m is not None
    return m.group(1)


def _has(text: str, block: int, pattern: str) -> bool:
    a, b = _blocks(text)[block]
    return re.search(pattern, text[a:b], re.M) is not None


# Each mutation: (family, function of (lock text, block index) -> mutated text or None when it does not apply).
BAD_NAMES = ["a/b", "bad name", "-x", "x_", "x\\u0000y", "x\\ny", "", "../../x", "\u00ff\u00fe"]
BAD_VERSIONS = ["1.0 beta", "abc", "", "1..0", "v", "1.0-", "==1.0", "1.0/../.."]
HOSTILE_URLS = [
    "ftp://x/{w}",
    "javascript:alert(1)",
    "https://x/%2E%2E%2F%2E%2E%2Fevil-8.1.8.tar.gz",
    "https://x/",
    "https://x/other_pkg-1.0-py3-none-any.whl",
    "https://x/{n}-99.99-py3-none-any.whl",
    "https://x/a b.whl",
    "file:///etc/passwd",
    "https://x/{n}-1.0.rar",
    "//x/{w}",
]
BAD_HASHES = ["md5:0123456789abcdef0123456789abcdef", "sha256:abc", "sha256:" + "g" * 64, "", "sha512:" + "a" * 128]
BAD_SIZES = ["-1", '"10"', "true", "1.5", "99999999999999999999"]
BAD_MARKERS = ["python_version > 'abc'", "os_name =", "foo == 'x'", "python_version in", "sys_platform == 'linux' and"]


def _mutations() -> list[tuple[str, Callable[[str, int], str | None]]]:
    out: list[tuple[str, Callable[[str, int], str | None]]] = []
    for bad in BAD_NAMES:
        out.append(
            (f"name={bad!r}", lambda t, i, bad=bad: _sub_in(t, i, r'^name = "[^"]+"', lambda m: f'name = "{bad}"'))
        )
    for bad in BAD_VERSIONS:
        out.append(
            (
                f"version={bad!r}",
                lambda t, i, bad=bad: _sub_in(t, i, r'^version = "[^"]+"', lambda m: f'version = "{bad}"'),
            )
        )
    for url in HOSTILE_URLS:

        def hostile(t: str, i: int, url: str = url) -> str | None:
            if not _has(t, i, r'\{ url = "[^"]+\.whl"'):
                return None
            n = _name_of(t, i).replace("-", "_")
            return _sub_in(
                t, i, r'\{ url = "([^"]+/)([^"/]+\.whl)"', lambda m: f'{{ url = "{url.format(w=m.group(2), n=n)}"'
            )

        out.append((f"wheel-url={url!r}", hostile))
    for bad in BAD_HASHES:
        out.append(
            (
                f"hash={bad!r}",
                lambda t, i, bad=bad: _sub_in(t, i, r'hash = "sha256:[0-9a-f]{64}"', lambda m: f'hash = "{bad}"'),
            )
        )
    out.append(("no-hash", lambda t, i: _sub_in(t, i, r'hash = "sha256:', 'checksum = "sha256:')))
    for bad in BAD_SIZES:

        def sized(t: str, i: int, bad: str = bad) -> str | None:
            if _has(t, i, r"size = \d+"):
                return _sub_in(t, i, r"size = \d+", f"size = {bad}")
            return _sub_in(t, i, r'(hash = "sha256:[0-9a-f]{64}")', rf"\1, size = {bad}")

        out.append((f"size={bad}", sized))
    for bad in BAD_MARKERS:

        def marked(t: str, i: int, bad: str = bad) -> str | None:
            if not _has(t, i, r"^dependencies = \[\n    \{ name ="):
                return None
            return _sub_in(
                t,
                i,
                r'^dependencies = \[\n    \{ name = "([^"]+)"',
                rf'dependencies = [\n    {{ name = "\1", marker = "{bad}"',
            )

        out.append((f"marker={bad!r}", marked))
    out.append(
        (
            "dependency-not-in-lock",
            lambda t, i: (
                _sub_in(t, i, r"^source = (.*)$", r'source = \1\ndependencies = [{ name = "surely-not-locked" }]')
                if not _has(t, i, r"^dependencies = ")
                else _sub_in(
                    t,
                    i,
                    r'^dependencies = \[\n    \{ name = "[^"]+"',
                    'dependencies = [\n    { name = "surely-not-locked"',
                )
            ),
        )
    )
    out.append(
        (
            "dependency-bad-name",
            lambda t, i: (
                _sub_in(t, i, r"^source = (.*)$", r"source = \1" + '\ndependencies = [{ name = "a/b" }]')
                if not _has(t, i, r"^dependencies = ")
                else None
            ),
        )
    )
    out.append(
        (
            "dependency-bad-extra",
            lambda t, i: (
                _sub_in(t, i, r"^source = (.*)$", r"source = \1" + '\ndependencies = [{ name = "x", extra = ["a b"] }]')
                if not _has(t, i, r"^dependencies = ")
                else None
            ),
        )
    )
    out.append(
        (
            "duplicate-wheel-other-hash",
            lambda t, i: (
                _sub_in(
                    t,
                    i,
                    r'^(    \{ url = "[^"]+", hash = "sha256:)([0-9a-f]{64})(".*\},)$',
                    lambda m: m.group(0) + "\n" + m.group(1) + "f" * 64 + m.group(3),
                )
                if _has(t, i, r"^    \{ url = ")
                else None
            ),
        )
    )
    out.append(
        (
            "duplicate-package",
            lambda t, i: t + "\n" + t[_blocks(t)[i][0] : _blocks(t)[i][1]],
        )
    )
    out.append(
        (
            "wheels-not-array",
            lambda t, i: (
                _sub_in(t, i, r"^wheels = \[", 'wheels = "x"\nold_wheels = [') if _has(t, i, r"^wheels = \[") else None
            ),
        )
    )
    out.append(
        (
            "sdist-not-table",
            lambda t, i: (
                _sub_in(t, i, r"^sdist = \{", 'sdist = "x"\nold_sdist = {') if _has(t, i, r"^sdist = \{") else None
            ),
        )
    )
    out.append(
        ("source-git", lambda t, i: _sub_in(t, i, r"^source = .*$", 'source = { git = "https://github.com/x/y" }'))
    )
    out.append(("source-unknown", lambda t, i: _sub_in(t, i, r"^source = .*$", 'source = { svn = "https://x" }')))
    out.append(("source-missing", lambda t, i: _sub_in(t, i, r"^source = .*\n", "")))
    out.append(("source-bad-url", lambda t, i: _sub_in(t, i, r"^source = .*$", 'source = { registry = "not a url" }')))
    out.append(("source-not-table", lambda t, i: _sub_in(t, i, r"^source = .*$", 'source = "pypi"')))
    return out


def _whole_file_mutations(text: str) -> list[tuple[str, bytes]]:
    raw = text.encode()
    out = damaged(raw)
    at = raw.find(b'name = "') + 9
    out.append((f"byte-ff-at-{at}", raw[:at] + b"\xff" + raw[at:]))
    out.append((f"truncated-at-{2 * len(raw) // 3}", raw[: 2 * len(raw) // 3]))
    out.append(("version-2", raw.replace(b"version = 1\n", b"version = 2\n", 1)))
    out.append(("version-string", raw.replace(b"version = 1\n", b'version = "1"\n', 1)))
    out.append(("version-missing", raw.replace(b"version = 1\n", b"", 1)))
    out.append(
        ("requires-python-bad", re.sub(rb'requires-python = "[^"]*"', b'requires-python = ">=3.11,<<4"', raw, count=1))
    )
    out.append(("toml-unclosed-table", raw.replace(b"[[package]]", b"[[package]", 1)))
    out.append(("toml-unclosed-string", raw.replace(b'name = "', b'name = "x', 1).replace(b'"\n', b"\n", 1)))
    out.append(("toml-duplicate-key", raw.replace(b"revision = ", b"version = 1\nrevision = ", 1)))
    out.append(("package-not-table", b'package = "x"\n' + raw))
    out.append(("nul-byte", raw.replace(b"\n", b"\0\n", 1)))
    out.append(("empty", b""))
    return out


def _plan_case(name: str, data: bytes, expect: str = "error", words: str = SHOWN) -> Case:
    def run(sandbox: Path) -> tuple[int, str]:
        lock = sandbox / "uv.lock"
        lock.write_bytes(data)
        argv = [f"--lock={lock}", f"--lock-name={SHOWN}", f"--output={sandbox / 'plan.json'}"]
        return run_main(lock_plan.main, [*argv, "--platform=linux_x86_64", "--platform=windows_x86_64"])

    return Case(name, run, expect, words if expect == "error" else "")


def _cases() -> list[Case]:
    cases = []
    for lock, raw in LOCKS.items():
        text = raw.decode()
        cases += [_plan_case(f"{lock}:{family}", data, "ok") for family, data in harmless_edits(raw)]
        for block in range(min(3, len(_blocks(text)))):
            for family, mutate in _mutations():
                mutated = mutate(text, block)
                if mutated is not None:
                    cases.append(_plan_case(f"{lock}:{_name_of(text, block)}:{family}", mutated.encode()))
        for family, data in _whole_file_mutations(text):
            cases.append(_plan_case(f"{lock}:{family}", data))
    return cases


PYPROJECTS = [
    (b'tool = "uv"\n', "is a str, not a dict"),
    (b"[tool]\nuv = 1\n", "is a int, not a dict"),
    (b"[tool.uv]\nno-binary = 1\n", "not a bool"),
    (b"[tool.uv]\nno-binary-package = 1\n", "not a list"),
    (b"[tool.uv]\nno-binary-package = [1]\n", "not an array of strings"),
    (b'[tool.uv]\nno-binary-package = ["a/b"]\n', "not a valid package name"),
    (b"[tool.uv\n", "not valid TOML"),
    (b"\xff\xfe[tool]\n", "not UTF-8"),
    (b"[tool.uv]\n\x00", "not valid TOML"),
]
PLATFORMS = [
    (b"[", "not valid JSON"),
    (b"{}", "not a JSON list"),
    (b"\xff", "not UTF-8"),
    (b'[{"name": "x"}]', "is malformed"),
    (b'[{"name": "x", "os": "linux", "cpu": "x86_64"}]', "libc is wrong"),
    (b'[{"name": "x", "os": "beos", "cpu": "x86_64"}]', "os 'beos'"),
    (b'[{"name": "x", "os": "windows", "cpu": "x86_64", "python_version": "3.5000000"}]', "python_version"),
    (b'[{"name": "x", "os": "windows", "cpu": "x86_64", "python_version": "abc"}]', "not X.Y"),
    (b'[{"name": "x/y", "os": "windows", "cpu": "x86_64"}]', "not an identifier"),
    (b'[{"name": "x", "os": "windows", "cpu": 5}]', "not strings"),
    (b'[{"name": "x", "os": "windows", "cpu": "x86_64", "abi": 1}]', "not strings"),
    (b'[{"name": "x", "os": "linux", "cpu": "x86_64", "libc": "glibc", "libc_version": "2.4"}]', "start at 2.5"),
    (b'[{"name": "x", "os": "linux", "cpu": "x86_64", "libc": "glibc", "libc_version": "99999999.1"}]', "not X.Y"),
    (b'[{"name": "x", "os": "windows", "cpu": "x86_64", "evil": "1"}]', "is malformed"),
    (b"[1, 2]", "is malformed"),
]


def _input_cases() -> list[Case]:
    lock = LOCKS["crossbuild"]
    cases = []
    for n, (data, words) in enumerate(PYPROJECTS):

        def run(sandbox: Path, data: bytes = data) -> tuple[int, str]:
            (sandbox / "uv.lock").write_bytes(lock)
            (sandbox / "pyproject.toml").write_bytes(data)
            argv = [
                f"--lock={sandbox / 'uv.lock'}",
                f"--pyproject={sandbox / 'pyproject.toml'}",
                f"--output={sandbox / 'p.json'}",
            ]
            return run_main(lock_plan.main, argv)

        cases.append(Case(f"pyproject-{n}", run, "error", words))
    for n, (data, words) in enumerate(PLATFORMS):

        def run(sandbox: Path, data: bytes = data) -> tuple[int, str]:
            (sandbox / "uv.lock").write_bytes(lock)
            (sandbox / "platforms.json").write_bytes(data)
            argv = [
                f"--lock={sandbox / 'uv.lock'}",
                f"--platforms-json={sandbox / 'platforms.json'}",
                f"--output={sandbox / 'p.json'}",
            ]
            return run_main(lock_plan.main, argv)

        cases.append(Case(f"platforms-{n}", run, "error", words))
    for version in ["3.5000000", "3", "x.y", "99.99", "3.11.0.0.0"]:

        def run(sandbox: Path, version: str = version) -> tuple[int, str]:
            (sandbox / "uv.lock").write_bytes(lock)
            return run_main(
                lock_plan.main,
                [f"--lock={sandbox / 'uv.lock'}", f"--python-version={version}", f"--output={sandbox / 'p.json'}"],
            )

        cases.append(Case(f"python-version-{version}", run, "error", ""))
    return cases


def test_the_lock_corpus_every_invalid_mutation_is_one_clear_error(tmp_path):
    cases = _cases() + _input_cases()
    assert len([c for c in cases if c.expect == "error"]) >= 300
    run_corpus("lock corpus", cases, tmp_path / "corpus", seconds=20)


# --- the reproducers, one test each ---------------------------------------------------------------------------


def _plan_text(tmp_path: Path, text: str) -> tuple[int, str]:
    lock = tmp_path / "uv.lock"
    lock.write_text(text)
    return run_main(lock_plan.main, [f"--lock={lock}", "--lock-name=//:uv.lock", "--platform=linux_x86_64"])


def test_an_encoded_traversal_in_a_url_is_refused(tmp_path):
    text = LOCKS["crossbuild"].decode()
    i = next(i for i in range(len(_blocks(text))) if _name_of(text, i) == "six")
    text = _sub_in(
        text, i, r'^sdist = \{ url = "[^"]+"', 'sdist = { url = "https://x/%2E%2E%2F%2E%2E%2Fevil-8.1.8.tar.gz"'
    )
    code, err = _plan_text(tmp_path, text)
    assert code == 1 and "whose last segment '../../evil-8.1.8.tar.gz' is not a file name" in err, err


@pytest.mark.parametrize("name", ["a/b", "x\\u0000y", "x\\ny"])
def test_names_with_slashes_nul_or_newlines_are_refused(tmp_path, name):
    text = _sub_in(LOCKS["pex"].decode(), 0, r'^name = "[^"]+"', lambda m: f'name = "{name}"')
    code, err = _plan_text(tmp_path, text)
    assert code == 1 and "is not a valid package name (PEP 508)" in err, err


def test_an_unevaluable_marker_comparison_is_an_error_not_false(tmp_path):
    text = LOCKS["uv"].decode()
    i = next(i for i in range(len(_blocks(text))) if _has(text, i, r'^    \{ name = "[^"]+" \},$'))
    text = _sub_in(
        text, i, r'^    \{ name = "([^"]+)" \},$', r'    { name = "\1", marker = "python_version > ' + "'abc'" + '" },'
    )
    code, err = _plan_text(tmp_path, text)
    assert code == 1 and "compares python_version with 'abc', which is not a version" in err, err


def test_a_wheel_of_another_package_is_refused(tmp_path):
    text = _sub_in(
        LOCKS["pex"].decode(), 0, r'\{ url = "([^"]+/)([^"/]+\.whl)"', r'{ url = "\1six-1.17.0-py2.py3-none-any.whl"'
    )
    code, err = _plan_text(tmp_path, text)
    assert code == 1 and "is not a file of charset-normalizer 3.5.2" in err, err


def test_the_same_wheel_twice_with_different_hashes_is_refused(tmp_path):
    text = LOCKS["pex"].decode()
    text = _sub_in(
        text,
        0,
        r'^(    \{ url = "[^"]+", hash = "sha256:)([0-9a-f]{64})(".*\},)$',
        lambda m: m.group(0) + "\n" + m.group(1) + "f" * 64 + m.group(3),
    )
    code, err = _plan_text(tmp_path, text)
    assert code == 1 and "is listed twice, with different hashes" in err, err


def test_a_lock_that_is_not_utf8_is_one_error(tmp_path):
    lock = tmp_path / "uv.lock"
    lock.write_bytes(b"version = 1\n\xff\n")
    code, err = run_main(lock_plan.main, [f"--lock={lock}", "--lock-name=//:uv.lock"])
    assert code == 1 and err == "ERROR: the file is not UTF-8 (byte 12) (//:uv.lock): save it as UTF-8\n"


def test_a_huge_python_version_is_refused_at_once(tmp_path):
    lock = tmp_path / "uv.lock"
    lock.write_bytes(LOCKS["crossbuild"])
    code, err = run_main(lock_plan.main, [f"--lock={lock}", "--python-version=3.5000000"])
    assert code == 1 and "is not X.Y or X.Y.Z" in err, err


@pytest.mark.parametrize("version", ["1.0 beta", "abc", "1..0"])
def test_a_version_that_is_not_pep_440_is_refused(tmp_path, version):
    text = _sub_in(LOCKS["pex"].decode(), 0, r'^version = "[^"]+"', lambda m: f'version = "{version}"')
    code, err = _plan_text(tmp_path, text)
    assert code == 1 and f"the package version '{version}' is not a valid version (PEP 440)" in err, err
