"""xpy.bytecode: the same source gives the same .pyc bytes whatever the process did before."""

import subprocess
import sys
from pathlib import Path

import xpy.bytecode

# A module whose constants are one-character strings that are not identifiers (the compiler interns those):
# CPython's singletons, which marshal writes differently once something in the process has interned them
# (idna's uts46data.py is such a table).
SOURCE = "TABLE = [(0x20, ' '), (0x2D, '-'), (0x2E, '.')]\n"
COMPILE = """
import sys
from pathlib import Path
{before}
from xpy.bytecode import compile_file
assert compile_file(Path(sys.argv[1]), Path(sys.argv[2]), "pkg/table.py", "unchecked")
"""


def _pyc(tmp_path: Path, name: str, before: str) -> bytes:
    source = tmp_path / "table.py"
    source.write_text(SOURCE)
    pyc = tmp_path / name
    lib = str(Path(xpy.bytecode.__file__).parents[1])
    code = COMPILE.format(before=before)
    subprocess.run([sys.executable, "-c", code, str(source), str(pyc)], check=True, env={"PYTHONPATH": lib})
    return pyc.read_bytes()


def test_a_process_that_interned_the_constants_first_writes_the_same_bytes(tmp_path):
    fresh = _pyc(tmp_path, "fresh.pyc", "")
    # What a worker may do between wheels: anything that interns those strings (an attribute named "-", ...).
    worked = _pyc(tmp_path, "worked.pyc", "sys.intern(' '), sys.intern('-'), sys.intern('.')")
    assert fresh == worked
