"""The image's app: prints its machine and uses native modules of its wheels."""

import os
import platform

import markupsafe
import yaml

print("machine", platform.machine())
print("yaml", yaml.__version__, "libyaml", yaml.__with_libyaml__)
print("markupsafe", markupsafe.escape("<b>"), markupsafe._speedups.__name__)
print("mode", os.environ.get("APP_MODE"))
