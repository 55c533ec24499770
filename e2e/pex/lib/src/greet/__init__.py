"""A first-party package whose data file travels with it."""

from pathlib import Path


def greeting() -> str:
    return (Path(__file__).parent / "greeting.txt").read_text().strip()
