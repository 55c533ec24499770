"""Imports requests (and so its dependencies)."""

import requests

print("requests", requests.__version__)
