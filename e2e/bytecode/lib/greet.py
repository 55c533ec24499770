"""Greeting."""


def hello() -> str:
    return "hello"
