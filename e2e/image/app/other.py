"""Another binary with the same packages as app.py (its packages layer is the same)."""

import platform

import markupsafe
import yaml

print("machine", platform.machine())
print("yaml", yaml.__version__, "libyaml", yaml.__with_libyaml__)
print("markupsafe", markupsafe.escape("<b>"), markupsafe._speedups.__name__)
