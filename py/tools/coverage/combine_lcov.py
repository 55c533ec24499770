"""Combine the tests' lcov reports into one (`bazel coverage --combined_report=lcov`), offline.

Bazel's default report generator is downloaded (`@remote_coverage_tools`); point
`--coverage_report_generator` at this tool instead (docs/reference.md). Bazel runs it with
`--reports_file=<file listing each test's coverage.dat>` and `--output_file=<the combined report>`; other
flags are ignored. Records of the same source file are merged: a line's hit count is the sum over the
tests, and LH/LF are counted again.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

__all__ = ["combine", "main"]


def combine(reports: Iterable[str]) -> str:
    """One lcov text of the `SF`/`DA` records of `reports` (lcov texts), sorted by source file and line."""
    lines: dict[str, dict[int, int]] = {}
    current: dict[int, int] | None = None
    for text in reports:
        for raw in text.splitlines():
            if raw.startswith("SF:"):
                current = lines.setdefault(raw[3:], {})
            elif raw.startswith("DA:") and current is not None:
                number, _, rest = raw[3:].partition(",")
                hits = rest.split(",", 1)[0]
                if number.isdigit() and hits.lstrip("-").isdigit():
                    current[int(number)] = current.get(int(number), 0) + max(int(hits), 0)
            elif raw == "end_of_record":
                current = None
    out = []
    for source, data in sorted(lines.items()):
        out.append(f"SF:{source}")
        out += [f"DA:{n},{h}" for n, h in sorted(data.items())]
        out += [f"LH:{sum(1 for h in data.values() if h)}", f"LF:{len(data)}", "end_of_record"]
    return "".join(line + "\n" for line in out)


def main(argv: Sequence[str]) -> int:
    flags = dict(a[2:].split("=", 1) for a in argv if a.startswith("--") and "=" in a)
    if "reports_file" not in flags or "output_file" not in flags:
        print("ERROR: combine_lcov: needs --reports_file=<path> and --output_file=<path>", file=sys.stderr)
        return 2
    listed = Path(flags["reports_file"]).read_text(encoding="utf-8").split()
    texts = [Path(p).read_text(encoding="utf-8", errors="replace") for p in listed if Path(p).is_file()]
    Path(flags["output_file"]).write_text(combine(texts), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
