"""Imports a first-party module and wheels; prints what it got."""

import requests
import yaml
from lib import greet

print(greet.hello(), requests.__version__, yaml.__version__)
