"""A first-party library: greets with a phrase read from its data file."""

import os
from pathlib import Path


def phrase() -> str:
    runfiles = Path(os.environ["RUNFILES_DIR"])
    return (runfiles / "_main/lib/greeting.txt").read_text().strip()


def greet(name: str) -> str:
    return f"{phrase()}, {name}!"
