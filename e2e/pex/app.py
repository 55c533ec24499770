"""Imports a first-party package, two packages with per-platform wheels and a pure one."""

import os
import sys

import charset_normalizer
import greet
import six
import yaml

print(greet.greeting())
print("yaml", yaml.__version__, "libyaml", yaml.__with_libyaml__)
print("charset_normalizer", charset_normalizer.__version__, charset_normalizer.from_bytes(b"hello").best().encoding)
print("six", six.__version__)
print("APP_MODE", os.environ.get("APP_MODE"))
print("args", sys.argv[1:])
