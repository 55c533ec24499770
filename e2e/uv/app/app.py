"""Imports every locked package and prints one line per package: `<module> <version>`."""

import sys
from importlib.metadata import version

import attrs
import charset_normalizer
import click
import cryptography.fernet
import jinja2
import markupsafe
import packaging.version
import psutil
import requests
import rich
import socks
import tqdm
import yaml

MODULES = [attrs, charset_normalizer, click, cryptography.fernet, jinja2, markupsafe, packaging.version, psutil]
MODULES += [requests, rich, socks, tqdm, yaml]

for dist in ["attrs", "charset-normalizer", "click", "cryptography", "jinja2", "markupsafe", "packaging"]:
    print(dist, version(dist))
for dist in ["psutil", "pyyaml", "requests", "rich", "pysocks", "tqdm"]:
    print(dist, version(dist))
# Native code runs: the C loader of pyyaml, psutil's C module, markupsafe's speedups.
print("yaml", yaml.safe_load("a: [1, 2]"), "libyaml", yaml.__with_libyaml__)
print("psutil cpus", psutil.cpu_count() > 0)
print("markupsafe", markupsafe.escape("<b>"), markupsafe._speedups.__name__)
print("fernet", len(cryptography.fernet.Fernet.generate_key()))
print("python", sys.version_info[:2])
