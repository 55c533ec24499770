"""snippets: markers are read from the line above a fence; `in` blocks must be in their file, in order."""

import snippets


def _docs(tmp_path, text):
    (tmp_path / "docs").mkdir()
    (tmp_path / "README.md").write_text("# r\n")
    (tmp_path / "docs" / "a.md").write_text(text)
    (tmp_path / "src.bzl").write_text(
        'x = use_extension("a", "b")\n\nx.lock(\n    name = "pypi",\n    lock = "//:uv.lock",\n)\n'
    )


def test_in_blocks_match_stripped_lines_in_order_skipping_comments_and_ellipses(tmp_path):
    _docs(
        tmp_path,
        '<!-- snippet: in src.bzl -->\n```starlark\n# a comment\nx.lock(\n  name = "pypi",\n  ...\n)\n```\n'
        "<!-- snippet: illustrative (a sketch) -->\n\n```\nanything\n```\n",
    )
    errors, counts = snippets.check(tmp_path)
    assert errors == []
    assert counts == {"in": 1, "illustrative": 1}


def test_unmarked_blocks_lines_not_in_the_file_and_missing_reasons_are_errors(tmp_path):
    _docs(
        tmp_path,
        "text\n```\nx\n```\n"
        "<!-- snippet: in src.bzl -->\n```\n)\nx.lock(\n```\n"
        "<!-- snippet: in nope.bzl -->\n```\nx\n```\n"
        "<!-- snippet: illustrative -->\n```\nx\n```\n",
    )
    errors, _ = snippets.check(tmp_path)
    assert errors == [
        "docs/a.md:2: a block without a `<!-- snippet: ... -->` marker above it",
        "docs/a.md:6: the line 'x.lock(' is not in src.bzl (after line 6)",
        "docs/a.md:11: `in nope.bzl`: no such file",
        "docs/a.md:15: `illustrative` needs a reason",
    ]


def test_extract_writes_a_workspace_s_files_and_commands_in_order(tmp_path):
    _docs(
        tmp_path,
        "<!-- snippet: file walkthrough/BUILD.bazel -->\n```\nfilegroup()\n```\n"
        "<!-- snippet: run walkthrough -->\n```sh\nbazel build //...\n```\n"
        "<!-- snippet: run getting-started -->\n```sh\nnot this\n```\n",
    )
    dest = tmp_path / "out"
    dest.mkdir()
    assert snippets.check(tmp_path)[0] == []
    assert snippets.extract("walkthrough", dest, tmp_path) == 2
    assert (dest / "BUILD.bazel").read_text() == "filegroup()\n"
    assert (dest / "steps.sh").read_text() == "set -euxo pipefail\n# docs/a.md:6\nbazel build //...\n\n"


def test_file_and_run_blocks_must_name_a_docs_workspace_and_a_path(tmp_path):
    _docs(
        tmp_path,
        "<!-- snippet: run elsewhere -->\n```\nx\n```\n"
        "<!-- snippet: file walkthrough -->\n```\nx\n```\n"
        "<!-- snippet: run walkthrough/x -->\n```\nx\n```\n",
    )
    errors, _ = snippets.check(tmp_path)
    assert errors == [
        "docs/a.md:2: `run elsewhere`: no docs workspace 'elsewhere' (e2e/docs runs getting-started, walkthrough)",
        "docs/a.md:6: `file walkthrough` is not `file <workspace>/<path>`",
        "docs/a.md:10: `run walkthrough/x` is not `run <workspace>`",
    ]
