"""One package and its closure: what the fetch-count test builds."""

import requests

print("requests", requests.__version__)
