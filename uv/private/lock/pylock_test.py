"""pylock.toml through the planner: sources, package markers, extras and groups, edges from every writer."""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

import pytest
from lock_errors import LockError
from lock_plan import Selection, make_plan, metadata_files
from pkg_metadata import Requires, requires_dist, requires_txt
from pylock import parse_pylock, read_pylock
from xpy.platforms import load_platforms

LOCKS = Path(__file__).resolve().parents[3] / "e2e" / "pylock" / "locks"
SHOWN = "//:pylock.toml"
H = "a" * 64
PLATFORMS = load_platforms(["linux_x86_64", "windows_x86_64", "macos_arm64"], None, "")


def wheel(name: str, version: str, tag: str = "py3-none-any", sha: str = H) -> str:
    return f'{{ url = "https://files.example/{name}-{version}-{tag}.whl", hashes = {{ sha256 = "{sha}" }} }}'


def lock(*packages: str, head: str = "") -> str:
    return 'lock-version = "1.0"\ncreated-by = "test"\n' + head + "\n" + "\n".join(packages)


def package(name: str, version: str = "1.0", extra: str = "", wheels: str | None = None) -> str:
    files = wheels if wheels is not None else wheel(name, version)
    return f'[[packages]]\nname = "{name}"\nversion = "{version}"\nwheels = [{files}]\n{extra}\n'


def plan(text: str, selection: Selection | None = None, reads: dict | None = None, platforms=PLATFORMS) -> dict:
    return make_plan(parse_pylock(text, SHOWN, Path("/work/app")), platforms, selection, reads)


def closure(p: dict, platform: str) -> set[str]:
    return {pid for pid in p["platforms"][platform]["closure"] if pid != SHOWN}


def deps(p: dict, pid: str, platform: str) -> list[str]:
    return p["packages"][pid]["platforms"][platform]["dependencies"]


@pytest.mark.parametrize("writer", ["pdm", "uv", "pip", "pex"])
def test_the_real_locks_read_into_one_root_and_16_packages(writer):
    lk = read_pylock(LOCKS / writer / "pylock.toml", SHOWN)
    assert lk.format == "pylock.toml" and lk.members == (SHOWN,)
    names = sorted(p.name for p in lk.packages[1:])
    assert len(names) == 16 and "docopt" in names and "charset-normalizer" in names
    docopt = next(p for p in lk.packages if p.name == "docopt")
    assert docopt.sdist is not None and not docopt.wheels and docopt.sdist.filename == "docopt-0.6.2.tar.gz"
    edges = {p.edges for p in lk.packages[1:]}
    assert edges == {"pdm": {"tool.pdm"}, "uv": {"missing"}, "pip": {"missing"}, "pex": {"lock"}}[writer]


def test_a_package_marker_installs_it_only_where_it_holds():
    p = plan(lock(package("a"), package("colorama", extra="marker = \"sys_platform == 'win32'\"")))
    assert closure(p, "windows_x86_64") == {"a", "colorama"}
    assert closure(p, "linux_x86_64") == {"a"}
    assert p["unneeded"] == {}  # needed on windows
    p = plan(
        lock(package("a"), package("colorama", extra="marker = \"sys_platform == 'aix'\"")),
        platforms=PLATFORMS[:1],
    )
    assert p["unneeded"]["colorama"]["markers"] == [
        {"dependent": "", "marker": "sys_platform == 'aix'", "platforms": ["linux_x86_64"]}
    ]


def test_dependency_groups_default_groups_and_extras_select_packages():
    head = 'extras = ["fast"]\ndependency-groups = ["default", "dev"]\ndefault-groups = ["default"]\n'
    text = lock(
        package("base", extra="marker = \"'default' in dependency_groups\""),
        package("pytest", extra="marker = \"'dev' in dependency_groups\""),
        package("speedups", extra="marker = \"'fast' in extras\""),
        head=head,
    )
    assert closure(plan(text), "linux_x86_64") == {"base"}
    assert closure(plan(text, Selection(groups=("dev",))), "linux_x86_64") == {"pytest"}
    assert closure(plan(text, Selection(all_groups=True, extras=("fast",))), "linux_x86_64") == {
        "base",
        "pytest",
        "speedups",
    }
    with pytest.raises(LockError, match=r"the lock has no dependency group 'docs' \(it has: default, dev\)"):
        plan(text, Selection(groups=("docs",)))
    with pytest.raises(LockError, match="the lock has no extra 'slow'"):
        plan(text, Selection(extras=("slow",)))


def test_two_versions_with_markers_resolve_per_platform():
    text = lock(
        package("app", extra='dependencies = [{ name = "numpy" }]'),
        package("numpy", "1.0", extra="marker = \"sys_platform == 'win32'\""),
        package("numpy", "2.0", extra="marker = \"sys_platform != 'win32'\""),
    )
    p = plan(text)
    assert deps(p, "app", "windows_x86_64") == ["numpy@1.0"]
    assert deps(p, "app", "linux_x86_64") == ["numpy@2.0"]
    both = text.replace("sys_platform != 'win32'", "python_version >= '3'")
    with pytest.raises(LockError, match="dependency 'numpy' is ambiguous on windows_x86_64"):
        plan(both)


def test_pdm_requirement_edges_pick_the_version_their_specifier_allows():
    text = lock(
        package("app", extra='[packages.tool.pdm]\ndependencies = ["lib>=2", "win; sys_platform == \'win32\'"]'),
        package("lib", "1.0", extra="marker = \"python_version < '3'\""),
        package("lib", "2.5"),
        package("win", extra="marker = \"sys_platform == 'win32'\""),
    )
    p = plan(text)
    assert deps(p, "app", "linux_x86_64") == ["lib@2.5"]
    assert deps(p, "app", "windows_x86_64") == ["lib@2.5", "win"]


def test_a_requirement_the_lock_lacks_where_it_holds_is_an_error():
    text = lock(package("app", extra="[packages.tool.pdm]\ndependencies = [\"win; sys_platform == 'win32'\"]"))
    assert deps(plan(text, platforms=PLATFORMS[:1]), "app", "linux_x86_64") == []
    with pytest.raises(LockError, match="app depends on 'win' on windows_x86_64, and the lock has no such package"):
        plan(text)


def test_metadata_edges_follow_an_extra_only_when_all_of_it_is_locked():
    text = lock(package("requests"), package("pysocks"), package("urllib3"), package("chardet"))
    reads = {
        "requests==1.0": Requires(
            (
                "urllib3>=1",
                'PySocks!=1.5.7; extra == "socks"',
                'chardet; extra == "use-chardet"',
                'missing-pkg; extra == "use-chardet"',
                'win-only; sys_platform == "win32" and extra == "socks"',
            ),
            "Requires-Dist of requests-1.0-py3-none-any.whl",
        )
    }
    p = plan(text, reads=reads, platforms=PLATFORMS[:1])
    # socks: every requirement that holds on linux is locked; use-chardet: missing-pkg is not, so not asked for.
    assert deps(p, "requests", "linux_x86_64") == ["pysocks", "urllib3"]
    assert p["packages"]["requests"]["edges"] == "metadata"
    assert deps(plan(text, reads=reads, platforms=PLATFORMS[1:2]), "requests", "windows_x86_64") == ["urllib3"]


def test_unknown_metadata_makes_a_package_depend_on_every_other_package():
    text = lock(package("old"), package("a"), package("b", extra="marker = \"sys_platform == 'win32'\""))
    p = plan(text, reads={"old==1.0": Requires(None, "no Requires-Dist")}, platforms=PLATFORMS[:2])
    assert deps(p, "old", "linux_x86_64") == ["a"]
    assert deps(p, "old", "windows_x86_64") == ["a", "b"]
    assert p["packages"]["old"]["edges"] == "unknown"


def test_metadata_files_prefer_a_pure_wheel_a_platform_installs():
    native = ", ".join(
        [wheel("lib", "1.0", "cp311-cp311-win_amd64"), wheel("lib", "1.0", "cp311-cp311-manylinux_2_17_x86_64")]
    )
    text = lock(package("lib", wheels=native + ", " + wheel("lib", "1.0")), package("other"))
    lk = parse_pylock(text, SHOWN)
    needed = metadata_files(lk, make_plan(lk, PLATFORMS))
    assert needed["lib==1.0"]["filename"] == "lib-1.0-py3-none-any.whl"
    only_native = lock(package("lib", wheels=native))
    lk = parse_pylock(only_native, SHOWN)
    assert metadata_files(lk, make_plan(lk, PLATFORMS[:2]))["lib==1.0"]["filename"].endswith("x86_64.whl")


def test_archive_directory_and_path_sources():
    text = lock(
        '[[packages]]\nname = "proj"\ndirectory = { path = ".", editable = true }\n',
        f'[[packages]]\nname = "rel"\narchive = {{ url = "https://x/rel-1.0.tar.gz", hashes = {{ sha256 = "{H}" }} }}\n',
        f'[[packages]]\nname = "whl"\narchive = {{ path = "dist/whl-2.0-py3-none-any.whl", hashes = {{ sha256 = "{H}" }} }}\n',
        f'[[packages]]\nname = "local"\nversion = "3.0"\nwheels = [{{ path = "w/local-3.0-py3-none-any.whl", hashes = {{ sha256 = "{H}" }} }}]\n',
    )
    p = plan(text, platforms=PLATFORMS[:1])
    pk = p["packages"]
    assert pk["proj"]["source"] == {"kind": "first_party", "location": "."}
    assert pk["rel"]["platforms"]["linux_x86_64"]["reason"].startswith("no wheel fits")  # an sdist: built
    assert pk["rel"]["files"]["rel-1.0.tar.gz"]["kind"] == "sdist"
    assert pk["whl"]["files"]["whl-2.0-py3-none-any.whl"]["url"] == "file:///work/app/dist/whl-2.0-py3-none-any.whl"
    assert pk["local"]["files"]["local-3.0-py3-none-any.whl"]["url"] == "file:///work/app/w/local-3.0-py3-none-any.whl"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            lock(package("a"), head="environments = [\"sys_platform == 'linux'\"]\n"),
            "target platform windows_x86_64 is outside",
        ),
        (
            lock(package("a"), head='requires-python = ">=3.12"\n'),
            "python 3.11 of linux_x86_64 is outside requires-python",
        ),
        (lock(package("a", extra='requires-python = ">=3.12"')), "outside the package's requires-python '>=3.12'"),
        (lock(package("a", extra="marker = \"extra == 'x'\"")), "compares `extra`, which package markers do not have"),
        (lock(package("a", wheels=wheel("a", "1.0").replace("sha256", "sha512"))), "has only sha512 hashes"),
        (lock('[[packages]]\nname = "a"\nvcs = { type = "git", url = "https://g/a.git" }\n'), "is not supported yet"),
        (lock(package("a"), head='lock-version = "2.0"\n').replace('lock-version = "1.0"\n', ""), "only 1.x"),
        (
            lock(package("a", wheels=wheel("a", "1.0").replace("{ url", '{ name = "a-1.0-py2-none-any.whl", url'))),
            "its URL names the file 'a-1.0-py3-none-any.whl'",
        ),
    ],
)
def test_lock_level_and_package_level_errors(text, message):
    with pytest.raises(LockError, match=message.replace("(", r"\(").replace(")", r"\)")):
        plan(text)


def test_requires_txt_sections_become_markers():
    text = 'a>=1\n\n[socks]\nPySocks\n\n[:sys_platform == "win32"]\ncolorama\n\n[fast:python_version < "3.12"]\nb; os_name == "nt"\n'
    assert requires_txt(text) == (
        "a>=1",
        "PySocks; extra == 'socks'",
        'colorama; (sys_platform == "win32")',
        'b; os_name == "nt" and (extra == \'fast\' and (python_version < "3.12"))',
    )


def _tar(path: Path, files: dict[str, str]) -> Path:
    with tarfile.open(path, "w:gz") as tf:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return path


def test_requires_dist_from_wheels_and_sdists(tmp_path):
    whl = tmp_path / "w-1.0-py3-none-any.whl"
    with zipfile.ZipFile(whl, "w") as zf:
        zf.writestr("w.py", "")
        zf.writestr("w-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: w\nVersion: 1.0\nRequires-Dist: x>=1\n")
    assert requires_dist(whl, "w", "1.0", SHOWN) == Requires(("x>=1",), "Requires-Dist of w-1.0-py3-none-any.whl")
    new = _tar(tmp_path / "n-1.0.tar.gz", {"n-1.0/PKG-INFO": "Metadata-Version: 2.2\nName: n\nVersion: 1.0\n"})
    assert requires_dist(new, "n", "1.0", SHOWN).requirements == ()
    dynamic = "Metadata-Version: 2.2\nName: d\nVersion: 1.0\nDynamic: Requires-Dist\n"
    old = _tar(tmp_path / "d-1.0.tar.gz", {"d-1.0/PKG-INFO": dynamic, "d-1.0/d.egg-info/requires.txt": "y\n"})
    assert requires_dist(old, "d", "1.0", SHOWN) == Requires(("y",), "d-1.0/d.egg-info/requires.txt")
    bare = _tar(tmp_path / "b-1.0.tar.gz", {"b-1.0/PKG-INFO": "Metadata-Version: 1.1\nName: b\n", "b-1.0/setup.py": ""})
    assert requires_dist(bare, "b", "1.0", SHOWN).requirements is None
    bad = _tar(tmp_path / "x-1.0.tar.gz", {"x-1.0/PKG-INFO": "Metadata-Version: 2.1\nName: x\nRequires-Dist: !!\n"})
    with pytest.raises(LockError, match="declares the requirement '!!', which does not parse"):
        requires_dist(bad, "x", "1.0", SHOWN)
    (tmp_path / "z-1.0-py3-none-any.whl").write_bytes(b"not a zip")
    with pytest.raises(LockError, match=r"cannot read the dependencies of z-1\.0-py3-none-any\.whl"):
        requires_dist(tmp_path / "z-1.0-py3-none-any.whl", "z", "1.0", SHOWN)
