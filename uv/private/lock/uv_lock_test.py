"""Unit tests of the uv.lock reader on small hand-written locks."""

import textwrap

import pytest
import uv_lock
from lock_errors import LockFormatError, LockSyntaxError, UnsupportedSourceError

H1 = "sha256:" + "a" * 64
H2 = "sha256:" + "B" * 64

GOOD = f"""
version = 1
revision = 3
requires-python = ">=3.11"
resolution-markers = ["sys_platform == 'win32'", "sys_platform != 'win32'"]

[manifest]
members = ["App", "lib"]

[[package]]
name = "App"
version = "0.1.0"
source = {{ editable = "." }}
dependencies = [
    {{ name = "Click" }},
    {{ name = "cowsay" }},
    {{ name = "lib" }},
]

[package.optional-dependencies]
Fast = [{{ name = "requests", extra = ["socks", "Use_Chardet"], marker = "python_version >= '3.11'" }}]

[package.dev-dependencies]
dev = [{{ name = "pytest" }}]

[[package]]
name = "lib"
version = "1.0"
source = {{ directory = "libs/lib" }}

[[package]]
name = "click"
version = "8.1.7"
source = {{ registry = "https://pypi.org/simple" }}
dependencies = [{{ name = "colorama", marker = "sys_platform == 'win32'" }}]
sdist = {{ url = "https://files.example/click-8.1.7.tar.gz", hash = "{H1}", size = 336121 }}
wheels = [{{ url = "https://files.example/click-8.1.7-py3-none-any.whl", hash = "{H2}", size = 97941 }}]

[[package]]
name = "cowsay"
version = "6.0"
source = {{ url = "https://files.example/source/c/cowsay/cowsay-6.0.tar.gz" }}
sdist = {{ hash = "{H1}" }}
"""


def lock(text: str) -> uv_lock.Lock:
    return uv_lock.parse_lock(textwrap.dedent(text), "app/uv.lock")


def package(text: str, name: str) -> uv_lock.Package:
    return next(p for p in lock(text).packages if p.name == name)


def test_reads_lock_level_fields_with_normalized_names():
    got = lock(GOOD)
    assert got.requires_python == ">=3.11"
    assert got.resolution_markers == ("sys_platform == 'win32'", "sys_platform != 'win32'")
    assert got.members == ("app", "lib")
    assert [p.name for p in got.packages] == ["app", "lib", "click", "cowsay"]


def test_registry_package_has_files_with_hash_size_and_filename():
    click = package(GOOD, "click")
    assert click.source == uv_lock.Source("registry", "https://pypi.org/simple", "registry")
    assert click.sdist == uv_lock.File(
        "sdist", "https://files.example/click-8.1.7.tar.gz", "a" * 64, 336121, "click-8.1.7.tar.gz"
    )
    assert click.wheels[0].filename == "click-8.1.7-py3-none-any.whl"
    assert click.wheels[0].sha256 == "b" * 64  # lowercased
    assert click.dependencies == (uv_lock.Dependency("colorama", "sys_platform == 'win32'"),)


def test_direct_url_sdist_takes_the_source_url():
    cowsay = package(GOOD, "cowsay")
    assert cowsay.source.kind == "url"
    assert cowsay.sdist is not None
    assert cowsay.sdist.url == "https://files.example/source/c/cowsay/cowsay-6.0.tar.gz"
    assert (cowsay.sdist.filename, cowsay.sdist.size, cowsay.wheels) == ("cowsay-6.0.tar.gz", None, ())


def test_direct_url_wheel_takes_the_source_url():
    text = f"""
    version = 1
    [[package]]
    name = "w"
    version = "1"
    source = {{ url = "https://x/w-1-py3-none-any.whl" }}
    wheels = [{{ hash = "{H1}" }}]
    """
    assert package(text, "w").wheels[0].filename == "w-1-py3-none-any.whl"


@pytest.mark.parametrize("kind", ["editable", "virtual", "directory", "path"])
def test_workspace_sources_are_first_party_with_their_path(kind):
    text = f"""
    version = 1
    [[package]]
    name = "m"
    source = {{ {kind} = "pkgs/m" }}
    """
    assert package(text, "m").source == uv_lock.Source("first_party", "pkgs/m", kind)


def test_extras_and_groups_are_read_and_normalized():
    app = package(GOOD, "app")
    assert app.optional_dependencies == {
        "fast": (uv_lock.Dependency("requests", "python_version >= '3.11'", ("socks", "use-chardet")),)
    }
    assert app.dev_dependencies == {"dev": (uv_lock.Dependency("pytest"),)}


def test_bad_toml_names_line_and_column():
    with pytest.raises(LockSyntaxError) as e:
        lock("version = 1\n[[package]]\nname = \n")
    assert str(e.value).startswith("not valid TOML: Invalid value (at line 3, column 8) (app/uv.lock): fix the file")


def test_git_source_is_not_supported_yet():
    text = """
    version = 1
    [[package]]
    name = "Rich"
    version = "13.0"
    source = { git = "https://github.com/Textualize/rich?rev=v13#abc" }
    """
    with pytest.raises(UnsupportedSourceError) as e:
        lock(text)
    assert str(e.value) == (
        "git source 'https://github.com/Textualize/rich?rev=v13#abc' is not supported yet (app/uv.lock/rich): "
        "depend on a released version from an index, or on a direct URL to an sdist or wheel"
    )


def test_unknown_source_kind_is_an_error():
    text = 'version = 1\n[[package]]\nname = "x"\nversion = "1"\nsource = { svn = "svn://x" }\n'
    with pytest.raises(UnsupportedSourceError, match=r"unknown source kind \['svn'\] \(app/uv.lock/x\): use one of"):
        lock(text)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('name = "x"\nsource = { registry = "https://r" }', "the package has no `version` (app/uv.lock/x)"),
        ('name = "x"\nversion = "1"', "the package has no `source` (app/uv.lock/x)"),
        ('version = "1"', "a `[[package]]` table has no `name` (app/uv.lock)"),
        (
            'name = "x"\nversion = 1\nsource = { registry = "https://r" }',
            "`version` of the package is a int, not a str",
        ),
        (
            f'name = "x"\nversion = "1"\nsource = {{ registry = "https://r" }}\nsdist = {{ hash = "{H1}" }}',
            "the sdist has no `url` (app/uv.lock/x): only remote indexes are supported",
        ),
        (
            'name = "x"\nversion = "1"\nsource = { registry = "https://r" }\nsdist = { url = "https://x/x-1.tar.gz" }',
            "the sdist has no `hash` (app/uv.lock/x)",
        ),
        (
            'name = "x"\nversion = "1"\nsource = { registry = "https://r" }\nwheels = [{ url = "https://x/x.whl", hash = "'
            + H1
            + '" }]',
            "bad wheel file name 'x.whl'",
        ),
        (
            'name = "x"\nversion = "1"\nsource = { registry = "https://r" }\ndependencies = [{ marker = "os_name == \'nt\'" }]',
            "an entry of `dependencies` has no `name` (app/uv.lock/x)",
        ),
    ],
)
def test_missing_or_mistyped_fields_are_errors(body, message):
    with pytest.raises(LockFormatError) as e:
        lock(f"version = 1\n[[package]]\n{body}\n")
    assert message in str(e.value)


@pytest.mark.parametrize("bad", ["md5:" + "a" * 32, "sha256:" + "a" * 63, "sha256:" + "g" * 64, "a" * 64])
def test_hash_must_be_sha256_hex(bad):
    text = 'version = 1\n[[package]]\nname = "x"\nversion = "1"\nsource = { registry = "https://r" }\n'
    text += f'sdist = {{ url = "https://x/x-1.tar.gz", hash = "{bad}" }}\n'
    with pytest.raises(LockFormatError, match=r"not sha256:<64 hex digits> \(app/uv.lock/x\)"):
        lock(text)


def test_unsupported_lock_version_is_an_error():
    with pytest.raises(LockFormatError, match=r"lock format version 2 is not supported \(only 1\) \(app/uv.lock\)"):
        lock("version = 2\n")


def test_read_lock_of_missing_file_is_an_error(tmp_path):
    with pytest.raises(LockFormatError, match="cannot read it: No such file"):
        uv_lock.read_lock(tmp_path / "uv.lock")


def test_arrays_of_strings_are_checked():
    with pytest.raises(
        LockFormatError, match=r"`members` of `\[manifest\]` is not an array of strings \(app/uv.lock\)"
    ):
        lock("version = 1\n[manifest]\nmembers = [1]\n")
    text = 'version = 1\n[[package]]\nname = "x"\nversion = "1"\nsource = { registry = "https://r" }\n'
    with pytest.raises(
        LockFormatError, match=r"`extra` of dependency 'y' is not an array of strings \(app/uv.lock/x\)"
    ):
        lock(text + 'dependencies = [{ name = "y", extra = [1] }]\n')


def test_path_source_of_a_wheel_or_sdist_file_is_fetched_from_a_file_url(tmp_path):
    text = textwrap.dedent(f"""
        version = 1
        [[package]]
        name = "six"
        version = "1.16.0"
        source = {{ path = "wheels/six-1.16.0-py2.py3-none-any.whl" }}
        wheels = [{{ filename = "six-1.16.0-py2.py3-none-any.whl", hash = "{H1}" }}]

        [[package]]
        name = "tomli"
        version = "2.0.1"
        source = {{ path = "wheels/tomli-2.0.1.tar.gz" }}
        sdist = {{ hash = "{H2}" }}

        [[package]]
        name = "lib"
        version = "1.0"
        source = {{ path = "libs/lib" }}
    """)
    (tmp_path / "uv.lock").write_text(text)
    got = {p.name: p for p in uv_lock.read_lock(tmp_path / "uv.lock", "//:uv.lock").packages}
    wheel_url = (tmp_path / "wheels/six-1.16.0-py2.py3-none-any.whl").as_uri()
    assert got["six"].source == uv_lock.Source("url", wheel_url, "path")
    assert got["six"].wheels == (uv_lock.File("wheel", wheel_url, "a" * 64, None, "six-1.16.0-py2.py3-none-any.whl"),)
    sdist_url = (tmp_path / "wheels/tomli-2.0.1.tar.gz").as_uri()
    assert got["tomli"].sdist == uv_lock.File("sdist", sdist_url, "b" * 64, None, "tomli-2.0.1.tar.gz")
    assert got["lib"].source.kind == "first_party"  # a directory: built from the workspace


def test_path_file_of_another_package_is_an_error(tmp_path):
    text = f"""
        version = 1
        [[package]]
        name = "six"
        version = "1.16.0"
        source = {{ path = "wheels/evil-1.0-py3-none-any.whl" }}
        wheels = [{{ filename = "evil-1.0-py3-none-any.whl", hash = "{H1}" }}]
    """
    with pytest.raises(LockFormatError, match=r"is not a file of six 1.16.0 \(.*/six\)"):
        uv_lock.parse_lock(textwrap.dedent(text), "uv.lock", tmp_path)
