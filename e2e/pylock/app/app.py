"""Imports every package of the pylock e2e locks and prints what it got (the test reads the lines)."""

import importlib.metadata as md

import attrs
import charset_normalizer
import click
import docopt
import idna
import markupsafe
import orjson
import psutil
import requests
import rich
import yaml

for dist in ("attrs", "charset-normalizer", "click", "docopt", "idna", "markupsafe", "orjson", "psutil", "pyyaml"):
    print(dist, md.version(dist))
for dist in ("requests", "rich", "urllib3", "certifi", "markdown-it-py", "pygments", "mdurl"):
    print(dist, md.version(dist))
print("yaml", yaml.safe_dump({"a": [1, 2]}, default_flow_style=True).strip(), "libyaml", yaml.__with_libyaml__)
print("orjson", orjson.dumps({"k": 1}).decode())
print("markupsafe", markupsafe.escape("<b>"), markupsafe._speedups.__name__)
print("docopt", docopt.docopt("usage: prog [--x]", argv=["--x"]))
print("psutil", psutil.cpu_count() > 0)
print("charset", charset_normalizer.from_bytes("héllo wörld".encode()).best().encoding)
print("idna", idna.encode("bücher.example").decode())
print("attrs", attrs.define is not None, "click", click.echo is not None, "rich", rich.print is not None)
print("requests-api", requests.get is not None)
