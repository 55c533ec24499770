"""Imports modules of four wheels that share two namespaces, and shows the import path."""

import sys

import ns.a
import ns.b
import zz.a
import zz.b

print(ns.a.NAME, ns.b.NAME, zz.a.NAME, zz.b.NAME)
print("site-packages entries", len([p for p in sys.path if p.endswith("site-packages")]))
print("install trees on sys.path", len([p for p in sys.path if "whl_install" in p]))
