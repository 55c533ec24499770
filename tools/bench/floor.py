"""The floor of a Python tool action: start the interpreter, read the param file, write the output."""

import sys

with open(sys.argv[1][1:], encoding="utf-8") as params:
    output = params.read().strip()
with open(output, "w", encoding="utf-8") as out:
    out.write("")
