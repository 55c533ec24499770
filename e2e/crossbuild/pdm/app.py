"""The PDM seed app: docopt built from its sdist for this machine, pyyaml's C loader, requests."""

import platform

import docopt
import requests
import yaml

print("docopt", docopt.docopt("usage: app <name>", argv=[platform.machine()]))
print("yaml", yaml.__version__, "libyaml", yaml.__with_libyaml__)
print("requests", requests.__version__)
