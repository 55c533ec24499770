"""Unit tests of the planner on small hand-written locks."""

import json

import lock_plan
import pytest
import uv_lock
import xpy.platforms as tp
from lock_errors import LockError, LockFormatError

H = "sha256:" + "c" * 64
LINUX = tp.DEFAULT_PLATFORMS["linux_x86_64"]
WIN = tp.DEFAULT_PLATFORMS["windows_x86_64"]


def registry(name, version="1.0", deps="", extra_tables="", wheels=("py3-none-any",)):
    files = ", ".join(f'{{ url = "https://x/{name}-{version}-{w}.whl", hash = "{H}" }}' for w in wheels)
    return f"""
[[package]]
name = "{name}"
version = "{version}"
source = {{ registry = "https://pypi.org/simple" }}
dependencies = [{deps}]
sdist = {{ url = "https://x/{name}-{version}.tar.gz", hash = "{H}", size = 10 }}
wheels = [{files}]
{extra_tables}
"""


APP = """
version = 1
requires-python = ">=3.11"

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [{ name = "click" }, { name = "a" }]

[package.optional-dependencies]
net = [{ name = "requests", extra = ["socks"] }]

[package.dev-dependencies]
dev = [{ name = "pytest" }]
lint = [{ name = "ruff", marker = "sys_platform != 'win32'" }]
"""

LOCK = (
    APP
    + registry("click", deps='{ name = "colorama", marker = "sys_platform == \'win32\'" }')
    + registry("colorama")
    + registry("a", deps='{ name = "b" }')
    + registry("b", deps='{ name = "a" }, { name = "b" }')  # a cycle and a self-edge
    + registry(
        "requests",
        deps='{ name = "idna" }',
        extra_tables='[package.optional-dependencies]\nsocks = [{ name = "pysocks" }]\nunused = [{ name = "colorama" }]',
    )
    + registry("idna")
    + registry("pysocks")
    + registry("pytest", deps='{ name = "colorama", marker = "sys_platform == \'win32\'" }')
    + registry("ruff", wheels=("py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64", "py3-none-win_amd64"))
)


def plan(text=LOCK, platforms=(LINUX, WIN), **selection):
    return lock_plan.make_plan(uv_lock.parse_lock(text, "uv.lock"), platforms, lock_plan.Selection(**selection))


def closure(p, platform):
    return p["platforms"][platform]["closure"]


def test_default_closure_follows_markers_per_platform():
    p = plan()
    assert closure(p, "linux_x86_64") == ["a", "app", "b", "click"]
    assert closure(p, "windows_x86_64") == ["a", "app", "b", "click", "colorama"]
    assert p["packages"]["click"]["platforms"]["linux_x86_64"]["dependencies"] == []
    assert p["packages"]["click"]["platforms"]["windows_x86_64"]["dependencies"] == ["colorama"]
    assert list(p["packages"]["colorama"]["platforms"]) == ["windows_x86_64"]


def test_cycles_and_self_edges_terminate():
    p = plan()
    assert p["packages"]["a"]["platforms"]["linux_x86_64"]["dependencies"] == ["b"]
    assert p["packages"]["b"]["platforms"]["linux_x86_64"]["dependencies"] == ["a"]


def test_root_extra_propagates_dependency_extras():
    p = plan(extras=("net",))
    assert closure(p, "linux_x86_64") == ["a", "app", "b", "click", "idna", "pysocks", "requests"]
    requests = p["packages"]["requests"]["platforms"]["linux_x86_64"]
    assert (requests["dependencies"], requests["extras"]) == (["idna", "pysocks"], ["socks"])
    assert p["extras"] == ["net"]


def test_groups_are_opt_in_and_evaluate_markers():
    assert "pytest" not in closure(plan(), "linux_x86_64")
    p = plan(groups=("dev",))
    assert "pytest" in closure(p, "linux_x86_64") and "ruff" not in closure(p, "linux_x86_64")
    p = plan(all_groups=True)
    assert p["groups"] == ["dev", "lint"]
    assert "ruff" in closure(p, "linux_x86_64")
    assert "ruff" not in closure(p, "windows_x86_64")


def test_unknown_group_or_extra_is_an_error():
    with pytest.raises(LockError, match=r"no root has the group 'docs' \(uv.lock\): pick groups the roots declare"):
        plan(groups=("docs",))
    with pytest.raises(LockError, match="no root has the extra 'gui'"):
        plan(extras=("gui",))


def test_files_and_choices_are_keyed_by_file_id():
    p = plan(all_groups=True)
    ruff = p["packages"]["ruff"]
    linux_id = "ruff-1.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
    assert ruff["platforms"]["linux_x86_64"]["file"] == linux_id
    assert ruff["files"][linux_id] == {
        "kind": "wheel",
        "url": f"https://x/{linux_id}",
        "sha256": "c" * 64,
        "size": None,
        "filename": linux_id,
    }
    app = p["packages"]["app"]
    assert app["source"] == {"kind": "first_party", "location": "."}
    assert app["files"] == {} and app["platforms"]["linux_x86_64"]["file"] is None


def test_file_id_is_lowercased_and_safe():
    f = uv_lock.File("wheel", "u", "0" * 64, None, "PyYAML-6.0-cp311-cp311-win_amd64+local.whl")
    assert lock_plan.file_id(f) == "pyyaml-6.0-cp311-cp311-win_amd64_local.whl"


FORKED = (
    """
version = 1
requires-python = ">=3.11"
resolution-markers = ["python_full_version >= '3.12'", "python_full_version < '3.12'"]

[manifest]
members = ["app", "lib"]

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [
    { name = "idna", version = "3.9", source = { registry = "https://pypi.org/simple" }, marker = "python_full_version < '3.12'" },
    { name = "idna", version = "3.10", source = { registry = "https://pypi.org/simple" }, marker = "python_full_version >= '3.12'" },
    { name = "lib" },
]

[[package]]
name = "lib"
version = "1.0"
source = { editable = "lib" }
dependencies = [{ name = "app" }]
"""
    + registry("idna", "3.9")
    + registry("idna", "3.10")
)


def test_forked_versions_get_versioned_ids_and_members_are_roots():
    p311 = plan(FORKED, [LINUX])
    p312 = plan(FORKED, [LINUX.with_python("3.12")])
    assert p311["roots"] == ["app", "lib"]
    assert closure(p311, "linux_x86_64") == ["app", "idna@3.9", "lib"]
    assert closure(p312, "linux_x86_64") == ["app", "idna@3.10", "lib"]
    assert p312["packages"]["lib"]["platforms"]["linux_x86_64"]["dependencies"] == ["app"]


def test_root_can_be_chosen():
    assert plan(FORKED, [LINUX], roots=("lib",))["roots"] == ["lib"]
    with pytest.raises(LockError, match="root 'idna' is not a first-party package"):
        plan(FORKED, [LINUX], roots=("idna",))


def test_dangling_or_ambiguous_dependency_is_an_error():
    ambiguous = FORKED.replace('version = "3.10", ', "")
    with pytest.raises(LockFormatError, match=r"dependency 'idna' is ambiguous .* \(uv.lock/app\)"):
        plan(ambiguous, [LINUX.with_python("3.12")])
    with pytest.raises(LockFormatError, match=r"dependency 'colorama' is not in the lock \(uv.lock/click\)"):
        rest = registry("a") + registry("requests") + registry("pytest") + registry("ruff")
        plan(APP + rest + registry("click", deps='{ name = "colorama" }'), [LINUX])


def test_bad_marker_is_an_error_naming_the_package():
    text = APP.replace('{ name = "click" }, { name = "a" }', '{ name = "click", marker = "os_name =" }')
    with pytest.raises(LockFormatError) as e:
        plan(text, [LINUX])
    line = str(e.value)
    assert line.startswith(
        "the marker of dependency 'click': marker 'os_name =' does not parse (Expected marker operator"
    )
    assert line.endswith(" (uv.lock/app): regenerate the lock")
    assert "\n" not in line


@pytest.mark.parametrize(
    "marker", ["python_version > 'abc'", "python_full_version < 'x.y'", "implementation_version == '3.*x'"]
)
def test_a_version_comparison_with_a_non_version_is_an_error_not_false(marker):
    text = APP.replace('{ name = "click" }, { name = "a" }', f'{{ name = "click", marker = "{marker}" }}')
    with pytest.raises(
        LockFormatError,
        match=r"the marker of dependency 'click': marker .* compares \w+ with '.*', which is not a version \(uv.lock/app\)",
    ):
        plan(text, [LINUX])


def test_python_outside_requires_python_is_an_error():
    with pytest.raises(LockError, match=r"python 3.10 of linux_x86_64 is outside requires-python '>=3.11'"):
        plan(platforms=[LINUX.with_python("3.10")])


def test_main_writes_sorted_json_from_a_param_file(tmp_path):
    lock = tmp_path / "uv.lock"
    lock.write_text(LOCK)
    out = tmp_path / "plan.json"
    params = tmp_path / "params"
    params.write_text(f"--lock={lock}\n--platform=windows_x86_64\n--group=dev\n--python-version=3.12\n--output={out}\n")
    assert lock_plan.main([f"@{params}"]) == 0
    text = out.read_text()
    p = json.loads(text)
    assert text == json.dumps(p, indent=2, sort_keys=True) + "\n"
    assert list(p["platforms"]) == ["windows_x86_64"]
    assert p["platforms"]["windows_x86_64"]["python_version"] == "3.12"
    assert "pytest" in closure(p, "windows_x86_64")


def test_main_prints_one_error_line(tmp_path, capsys):
    lock = tmp_path / "uv.lock"
    lock.write_text('version = 1\n[[package]]\nname = "x"\nversion = "1"\nsource = { git = "https://g/x" }\n')
    assert lock_plan.main([f"--lock={lock}"]) == 1
    err = capsys.readouterr().err
    assert (
        err
        == f"ERROR: git source 'https://g/x' is not supported yet ({lock}/x): depend on a released version from an index, or on a direct URL to an sdist or wheel\n"
    )
    assert lock_plan.main([f"--lock={lock}", "--platform=solaris"]) == 1
    assert capsys.readouterr().err.startswith("ERROR: unknown target platform 'solaris' (target platforms): use one of")


def test_no_binary_packages_choose_their_sdist_where_wheels_fit():
    p = plan(no_binary=frozenset({"click"}))
    assert p["packages"]["click"]["platforms"]["linux_x86_64"]["file"] == "click-1.0.tar.gz"
    assert p["packages"]["a"]["platforms"]["linux_x86_64"]["file"] == "a-1.0-py3-none-any.whl"
    everything = plan(no_binary_all=True)
    assert everything["packages"]["a"]["platforms"]["windows_x86_64"]["file"] == "a-1.0.tar.gz"


def test_no_binary_settings_are_read_from_pyproject(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.uv]\nno-binary-package = ["Click"]\n')
    assert lock_plan.read_no_binary(pyproject) == ({"click"}, False)
    pyproject.write_text("[tool.uv]\nno-binary = true\n")
    assert lock_plan.read_no_binary(pyproject) == (set(), True)
    pyproject.write_text("[tool.uv\n")
    with pytest.raises(LockError, match="not valid TOML"):
        lock_plan.read_no_binary(pyproject)
    for text, message in [
        ('tool = "uv"\n', "`tool` of pyproject.toml is a str, not a dict"),
        ("[tool]\nuv = 1\n", "`uv` of \\[tool\\] is a int, not a dict"),
        ("[tool.uv]\nno-binary = 1\n", "`no-binary` of \\[tool.uv\\] is a int, not a bool"),
        ('[tool.uv]\nno-binary-package = ["a/b"]\n', "entry 'a/b' is not a valid package name"),
    ]:
        pyproject.write_text(text)
        with pytest.raises(LockError, match=message):
            lock_plan.read_no_binary(pyproject)
    pyproject.write_bytes(b"[tool.uv]\n\xff = 1\n")
    with pytest.raises(LockError, match=r"the file is not UTF-8 \(byte 10\)"):
        lock_plan.read_no_binary(pyproject)


def test_cli_reads_no_binary_from_pyproject(tmp_path):
    lock, pyproject, out = tmp_path / "uv.lock", tmp_path / "pyproject.toml", tmp_path / "plan.json"
    lock.write_text(LOCK)
    pyproject.write_text('[tool.uv]\nno-binary-package = ["idna"]\n')
    args = [f"--lock={lock}", "--platform=linux_x86_64", f"--pyproject={pyproject}", f"--output={out}"]
    assert lock_plan.main([*args, "--extra=net", "--no-binary=click"]) == 0
    packages = json.loads(out.read_text())["packages"]
    assert packages["idna"]["platforms"]["linux_x86_64"]["file"] == "idna-1.0.tar.gz"
    assert packages["click"]["platforms"]["linux_x86_64"]["file"] == "click-1.0.tar.gz"


def test_override_deps_add_an_edge_on_every_platform():
    p = plan(extra_deps=(("click", "idna"),))
    assert closure(p, "linux_x86_64") == ["a", "app", "b", "click", "idna"]
    assert p["packages"]["click"]["platforms"]["linux_x86_64"]["dependencies"] == ["idna"]
    assert p["packages"]["click"]["platforms"]["windows_x86_64"]["dependencies"] == ["colorama", "idna"]


def test_override_deps_on_a_package_not_in_the_lock_is_an_error():
    with pytest.raises(
        LockError, match=r"uv.override_package\(name = 'click', deps = \[..., 'nope'\]\): 'nope' is not"
    ):
        plan(extra_deps=(("click", "nope"),))
    with pytest.raises(LockError, match=r"'app' is not a third-party package of the lock"):
        plan(extra_deps=(("app", "idna"),))


def test_override_deps_on_a_package_with_several_versions_is_an_error():
    text = LOCK + registry("idna", version="2.0")
    with pytest.raises(LockError, match=r"the lock holds idna in versions 1.0, 2.0, and an added dependency cannot"):
        plan(text, extra_deps=(("click", "idna"),))
