"""Example binary: prints a greeting and where its interpreter and venv are."""

import os
import sys

from greet import greet

if __name__ == "__main__":
    print(greet(os.environ.get("XPY_E2E_WHO", "world")))
    print(f"python {sys.version_info[0]}.{sys.version_info[1]} venv={sys.prefix != sys.base_prefix}")
    print("args:", " ".join(sys.argv[1:]))
