"""The pylock corpus: invalid mutations of the real pylock.toml files of e2e/pylock against the planner.

Each mutation of the PDM, uv export, pip lock and pex locks runs through
`lock_plan.main --format=pylock.toml` (with `--needs`: no downloads): an
invalid one gives one ERROR line naming the lock and, for a package's field,
the package, with no traceback, within the time limit; the unmodified locks
and harmless edits (comments, CRLF) still plan. tools/testing/corpus.py runs
them.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path

import lock_plan
from corpus import Case, damaged, harmless_edits, run_corpus, run_main

LOCKS_DIR = Path(__file__).resolve().parents[3] / "e2e" / "pylock" / "locks"
LOCKS = {w: (LOCKS_DIR / w / "pylock.toml").read_bytes() for w in ("pdm", "uv", "pip", "pex")}
SHOWN = "//:pylock.toml"

BAD_NAMES = ["a/b", "bad name", "-x", "x_", "x\\u0000y", "", "../../x", "\u00ff"]
BAD_VERSIONS = ["1.0 beta", "abc", "", "1..0", "==1.0", "1.0/../.."]
HOSTILE_URLS = [
    "ftp://x/{w}",
    "javascript:alert(1)",
    "https://x/%2E%2E%2F%2E%2E%2Fevil-1.0.tar.gz",
    "https://x/",
    "https://x/other_pkg-1.0-py3-none-any.whl",
    "https://x/a b.whl",
    "//x/{w}",
]
BAD_SHA256 = ["abc", "g" * 64, "", "a" * 63]
BAD_SIZES = ["-1", '"10"', "true", "1.5"]
BAD_MARKERS = ["python_version > 'abc'", "os_name =", "foo == 'x'", "extra == 'x'", "sys_platform == 'linux' and"]
Mutation = Callable[[str, int], "str | None"]


def _blocks(text: str) -> list[tuple[int, int]]:
    """Spans of the `[[packages]]` tables."""
    starts = [m.start() for m in re.finditer(r"^\[\[packages\]\]\n", text, re.M)]
    ends = [*starts[1:], len(re.split(r"^\[tool", text, flags=re.M)[0]) if "\n[tool" in text else len(text)]
    return list(itertools.pairwise([*starts, ends[-1]]))


def _sub(text: str, block: int, pattern: str, repl: str | Callable[[re.Match[str]], str]) -> str | None:
    a, b = _blocks(text)[block]
    literal = repl
    part, n = re.subn(
        pattern, (lambda m: literal) if isinstance(literal, str) else literal, text[a:b], count=1, flags=re.M
    )
    return None if n == 0 else text[:a] + part + text[b:]


def _add(text: str, block: int, line: str) -> str:
    """The block with `line` added right after its `name = ...` line."""
    out = _sub(text, block, r'^(name = "[^"]+"\n)', lambda m: m.group(1) + line + "\n")
    assert out is not None
    return out


def _set(text: str, block: int, key: str, value: str) -> str | None:
    """The block with `key = value`: its line replaced, or added."""
    return _sub(text, block, rf"^{key} = .*$", f"{key} = {value}") or _add(text, block, f"{key} = {value}")


def _name_of(text: str, block: int) -> str:
    a, b = _blocks(text)[block]
    m = re.search(r'^name = "([^"]+)"', text[a:b], re.M)
    assert m is not None
    return m.group(1)


def _mutations() -> list[tuple[str, Mutation, bool]]:
    """(family, mutate(text, block), whether the ERROR names the package)."""
    out: list[tuple[str, Mutation, bool]] = []
    for bad in BAD_NAMES:
        out.append((f"name={bad!r}", lambda t, i, bad=bad: _sub(t, i, r'^name = "[^"]+"', f'name = "{bad}"'), False))
    for bad in BAD_VERSIONS:
        out.append(
            (f"version={bad!r}", lambda t, i, bad=bad: _sub(t, i, r'^version = "[^"]+"', f'version = "{bad}"'), True)
        )
    out.append(("version-int", lambda t, i: _sub(t, i, r'^version = "[^"]+"', "version = 1"), True))
    out.append(("version-missing", lambda t, i: _sub(t, i, r'^version = "[^"]+"\n', ""), True))
    for url in HOSTILE_URLS:
        out.append(
            (
                f"url={url!r}",
                lambda t, i, url=url: _sub(
                    t, i, r'url = "[^"]+/([^"/]+)"', lambda m: f'url = "{url.format(w=m.group(1))}"'
                ),
                True,
            )
        )
    for bad in BAD_SHA256:
        out.append(
            (f"sha256={bad!r}", lambda t, i, bad=bad: _sub(t, i, r'sha256 = "[0-9a-f]{64}"', f'sha256 = "{bad}"'), True)
        )
    out.append(("sha256-int", lambda t, i: _sub(t, i, r'sha256 = "[0-9a-f]{64}"', "sha256 = 5"), True))
    out.append(("md5-only", lambda t, i: _sub(t, i, r'sha256 = "[0-9a-f]{64}"', 'md5 = "' + "0" * 32 + '"'), True))
    out.append(
        ("sha512-only", lambda t, i: _sub(t, i, r'sha256 = "[0-9a-f]{64}"', 'sha512 = "' + "0" * 128 + '"'), True)
    )
    out.append(
        ("hashes-empty", lambda t, i: _sub(t, i, r"hashes = \{ ?sha256 = \"[0-9a-f]{64}\" ?\}", "hashes = {}"), True)
    )
    out.append(
        ("hashes-string", lambda t, i: _sub(t, i, r"hashes = \{ ?sha256 = \"[0-9a-f]{64}\" ?\}", 'hashes = "x"'), True)
    )
    out.append(("hashes-missing", lambda t, i: _sub(t, i, r",? ?hashes = \{ ?sha256 = \"[0-9a-f]{64}\" ?\}", ""), True))
    for bad in BAD_SIZES:
        out.append((f"size={bad}", lambda t, i, bad=bad: _sub(t, i, r"size = \d+", f"size = {bad}"), True))
    for bad in BAD_MARKERS:
        out.append((f"marker={bad!r}", lambda t, i, bad=bad: _set(t, i, "marker", f'"{bad}"'), True))
    out.append(("requires-python-bad", lambda t, i: _set(t, i, "requires-python", '">=3.11,<<4"'), True))
    out.append(("requires-python-excludes", lambda t, i: _set(t, i, "requires-python", '"<3"'), True))
    out.append(("wheels-not-array", lambda t, i: _sub(t, i, r"^wheels = \[", 'wheels = "x"\nold_wheels = ['), True))
    out.append(("sdist-not-table", lambda t, i: _sub(t, i, r"^sdist = \{", 'sdist = "x"\nold_sdist = {'), True))
    out.append(("index-bad", lambda t, i: _set(t, i, "index", '"not a url"'), True))
    out.append(
        ("vcs", lambda t, i: _add(t, i, 'vcs = { type = "git", url = "https://x/y.git", commit-id = "abc" }'), True)
    )
    out.append(("no-source", lambda t, i: _no_source(t, i), True))
    out.append(
        (
            "archive-and-wheels",
            lambda t, i: _add(
                t, i, 'archive = { url = "https://x/y-1.0.tar.gz", hashes = { sha256 = "' + "a" * 64 + '" } }'
            ),
            True,
        )
    )
    out.append(("directory-not-table", lambda t, i: _with_only(t, i, 'directory = "."'), True))
    out.append(
        (
            "archive-subdirectory",
            lambda t, i: _with_only(
                t,
                i,
                'archive = { url = "https://x/y-1.0.tar.gz", subdirectory = "s", hashes = { sha256 = "'
                + "a" * 64
                + '" } }',
            ),
            True,
        )
    )
    out.append(
        (
            "archive-no-location",
            lambda t, i: _with_only(t, i, 'archive = { hashes = { sha256 = "' + "a" * 64 + '" } }'),
            True,
        )
    )
    out.append(
        (
            "archive-bad-suffix",
            lambda t, i: _with_only(
                t, i, 'archive = { url = "https://x/y-1.0.rar", hashes = { sha256 = "' + "a" * 64 + '" } }'
            ),
            True,
        )
    )
    out.append(
        (
            "wheel-name-of-other-package",
            lambda t, i: (
                _sub(t, i, r'name = "[^"]+\.whl"', 'name = "other-1.0-py3-none-any.whl"')
                or _sub(
                    t, i, r'url = "([^"]+/)[^"/]+\.whl"', lambda m: f'url = "{m.group(1)}other-1.0-py3-none-any.whl"'
                )
            ),
            True,
        )
    )
    out.append(("dependencies-not-array", lambda t, i: _add(t, i, 'dependencies = "x"'), True))
    out.append(
        ("dependency-not-in-lock", lambda t, i: _add(t, i, 'dependencies = [{ name = "surely-not-locked" }]'), True)
    )
    out.append(("dependency-bad-name", lambda t, i: _add(t, i, 'dependencies = [{ name = "a/b" }]'), True))
    out.append(("dependency-not-table", lambda t, i: _add(t, i, 'dependencies = ["requests"]'), True))
    out.append(("pdm-dependency-unparsable", lambda t, i: _pdm(t, i, '"not a requirement !!"'), True))
    out.append(("pdm-dependency-direct-url", lambda t, i: _pdm(t, i, '"x @ https://x/x-1.0.tar.gz"'), True))
    out.append(("pdm-dependency-not-in-lock", lambda t, i: _pdm(t, i, '"surely-not-locked>=1"'), True))
    out.append(("pdm-dependencies-not-strings", lambda t, i: _pdm(t, i, "1"), True))
    return out


def _no_source(text: str, block: int) -> str | None:
    a, b = _blocks(text)[block]
    part = re.sub(r"^(sdist|wheels) = .*?(?=^[A-Za-z\[]|\Z)", "", text[a:b], flags=re.M | re.S)
    part = re.sub(r"^\[\[?packages\.(wheels|sdist)[^\n]*\n(?:(?!\[\[?packages\]?\]).*\n?)*", "", part, flags=re.M)
    return text[:a] + part + text[b:] if part != text[a:b] else None


def _with_only(text: str, block: int, line: str) -> str | None:
    """The block with its files replaced by one source line."""
    stripped = _no_source(text, block)
    return None if stripped is None else _add(stripped, block, line)


def _pdm(text: str, block: int, item: str) -> str | None:
    a, b = _blocks(text)[block]
    if "[packages.tool.pdm]" in text[a:b]:
        return _sub(text, block, r"^dependencies = \[", f"dependencies = [{item}, ")
    return text[:b] + f"\n[packages.tool.pdm]\ndependencies = [{item}]\n\n" + text[b:]


def _whole_file_mutations(text: str) -> list[tuple[str, bytes, str]]:
    """(family, data, words the ERROR must contain)."""
    raw = text.encode()
    out = []
    for family, data in damaged(raw):
        out.append((family, data, "not UTF-8" if family.startswith("byte-ff") else SHOWN))
    version = re.compile(rb'^lock-version = "1\.0"$', re.M)
    for bad, words in (
        (b'"2.0"', "lock-version '2.0' is not supported (only 1.x)"),
        (b'"1"', "is not <major>.<minor>"),
        (b"1.0", "not a str"),
        (b'"x.y"', "is not <major>.<minor>"),
    ):
        out.append((f"lock-version={bad.decode()}", version.sub(b"lock-version = " + bad, raw, count=1), words))
    out.append(("lock-version-missing", version.sub(b"", raw, count=1), "has no `lock-version`"))
    out.append(
        (
            "created-by-missing",
            re.sub(rb'^created-by = "[^"]+"\n', b"", raw, count=1, flags=re.M),
            "has no `created-by`",
        )
    )
    out.append(
        ("created-by-int", re.sub(rb'^created-by = "[^"]+"$', b"created-by = 1", raw, count=1, flags=re.M), "not a str")
    )
    head = raw.split(b"[[packages]]", 1)[0]
    out.append(("packages-missing", head, "has no `packages`"))
    out.append(("packages-not-array", head + b'packages = "x"\n', "not a list"))
    out.append(("packages-entry-not-table", head.replace(b"\n\n", b"\n") + b"packages = [1]\n", "not a table"))
    for key, value, words in (
        ("environments", b"[\"python_version > 'abc'\"]", "not a version"),
        ("environments", b'"linux"', "not a list"),
        ("environments", b"[\"sys_platform == 'aix'\"]", "outside the lock's environments"),
        ("requires-python", b'"<3"', "outside requires-python"),
        ("requires-python", b'">=3.11,<<4"', "not a version specifier"),
        ("extras", b'["a b"]', "not a valid package name"),
        ("dependency-groups", b"[1]", "not an array of strings"),
        ("default-groups", b'["nope"]', "is not in `dependency-groups`"),
    ):
        pattern = re.compile(rb"^" + re.escape(key.encode()) + rb" = .*?\n(?=[A-Za-z\[])", re.M | re.S)
        line = key.encode() + b" = " + value + b"\n"
        data = pattern.sub(line, raw, count=1) if pattern.search(raw) else line + raw
        out.append((f"{key}={value.decode()}", data, words))
    out.append(("toml-unclosed-table", raw.replace(b"[[packages]]", b"[[packages]", 1), "not valid TOML"))
    out.append(
        (
            "toml-duplicate-key",
            raw.replace(b"lock-version = ", b'created-by = "x"\nlock-version = ', 1),
            "not valid TOML",
        )
    )
    out.append(("nul-byte", raw.replace(b"\n", b"\0\n", 1), "not valid TOML"))
    out.append(("empty", b"", "has no `lock-version`"))
    a, b = _blocks(text)[0]
    out.append(("duplicate-package", (text + "\n" + text[a:b]).encode(), "is in the lock twice"))
    return out


def _plan_case(name: str, data: bytes, expect: str = "error", words: str = SHOWN) -> Case:
    def run(sandbox: Path) -> tuple[int, str]:
        lock = sandbox / "pylock.toml"
        lock.write_bytes(data)
        argv = ["--format=pylock.toml", f"--lock={lock}", f"--lock-name={SHOWN}", f"--needs={sandbox / 'needs.json'}"]
        return run_main(lock_plan.main, [*argv, "--python-version=3.11"])

    return Case(name, run, expect, words if expect == "error" else "")


def _cases() -> list[Case]:
    cases = []
    for lock, raw in LOCKS.items():
        text = raw.decode()
        cases += [_plan_case(f"{lock}:{family}", data, "ok") for family, data in harmless_edits(raw)]
        for block in (0, len(_blocks(text)) // 2):
            package = _name_of(text, block)
            for family, mutate, names_package in _mutations():
                mutated = mutate(text, block)
                if mutated is not None:
                    words = f"{SHOWN}/{package}" if names_package else SHOWN
                    cases.append(_plan_case(f"{lock}:{package}:{family}", mutated.encode(), words=words))
        for family, data, words in _whole_file_mutations(text):
            cases.append(_plan_case(f"{lock}:{family}", data, words=words))
    return cases


def test_the_pylock_corpus_every_invalid_mutation_is_one_clear_error(tmp_path):
    cases = _cases()
    assert len([c for c in cases if c.expect == "error"]) >= 400
    run_corpus("pylock corpus", cases, tmp_path / "corpus", seconds=20)
