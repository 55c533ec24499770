"""Benchmark payload: start, import a few stdlib modules, print one line."""

import json
import pathlib

print(json.dumps({"hello": pathlib.PurePath("world").name}))
