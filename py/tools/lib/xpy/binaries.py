"""Read what a native file is built for: ELF (Linux), Mach-O (macOS) and PE (Windows) headers.

`read_native(stream)` looks at a file's first bytes and, for a native binary,
returns a `NativeFile`: the OS its format belongs to, the CPUs it holds code
for (several for a macOS universal binary), and for ELF files the C library
it links against (from `DT_NEEDED` and the interpreter) and the newest
`GLIBC_x.y` symbol version it needs. Only headers and the dynamic section are
read, never more than the declared sizes, and a damaged header is
`BinaryFormatError`. `xpy.platforms.TargetPlatform.native_misfit` decides
whether such a file runs on a target.
"""

from __future__ import annotations

import os
import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from xpy.errors import XpyError

__all__ = [
    "NATIVE_SUFFIXES",
    "BinaryFormatError",
    "NativeFile",
    "is_native_name",
    "read_native",
    "scan_tree",
    "scan_zip",
]

NATIVE_SUFFIXES = (".so", ".pyd", ".dll", ".dylib")
"""Names of loadable native code (plus versioned `.so.N`): what wheel and image checks look at."""

_ELF_MACHINES = {3: "i386", 62: "x86_64", 40: "arm", 183: "aarch64", 21: "ppc64", 22: "s390x", 243: "riscv"}
_MACHO_CPUS = {7: "i386", 0x01000007: "x86_64", 12: "arm", 0x0100000C: "arm64", 0x0200000C: "arm64_32", 18: "ppc"}
_PE_MACHINES = {0x14C: "i386", 0x8664: "x86_64", 0x1C0: "arm", 0x1C4: "arm", 0xAA64: "arm64"}
_CPU_OF_ARCH = {"x86_64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}
_GLIBC = re.compile(rb"GLIBC_(\d+)\.(\d+)")
_MAX_TABLE = 1 << 20  # dynamic section, string table and version records: far more than any real file has
_MAX_FAT_ARCHES = 16


class BinaryFormatError(XpyError):
    """A file starts like a native binary but its headers are damaged or inconsistent."""

    default_fix = "the file is damaged: rebuild or download it again"


@dataclass(frozen=True)
class NativeFile:
    """What a native binary is built for."""

    kind: str  # "ELF" | "Mach-O" | "PE"
    os: str  # "linux" | "macos" | "windows" (the OS of the format)
    arches: tuple[str, ...]  # architectures as the format names them, e.g. ("x86_64",), ("x86_64", "arm64")
    libc: str | None = None  # ELF: "glibc" | "musl" | None (not known: links no libc)
    glibc_needed: tuple[int, int] | None = None  # ELF: newest GLIBC_x.y symbol version it needs

    @property
    def cpus(self) -> tuple[str, ...]:
        """The arches as rules_xpy's cpu names (x86_64, aarch64); others are left out."""
        return tuple(_CPU_OF_ARCH[a] for a in self.arches if a in _CPU_OF_ARCH)

    def describe(self) -> str:
        """`ELF aarch64 glibc 2.17`, for messages."""
        text = f"{self.kind} {'/'.join(self.arches) or 'unknown architecture'}"
        if self.libc:
            text += f" {self.libc}"
        if self.glibc_needed:
            text += " " + ".".join(str(v) for v in self.glibc_needed)
        return text


def is_native_name(name: str) -> bool:
    """Whether a file name looks like loadable native code: `.so`, `.so.1.2`, `.pyd`, `.dll`, `.dylib`."""
    base = name.rsplit("/", 1)[-1].lower()
    return base.endswith(NATIVE_SUFFIXES) or re.search(r"\.so(\.\d+)+$", base) is not None


def scan_tree(root: Path) -> Iterator[tuple[str, NativeFile]]:
    """(path relative to `root`, NativeFile) of each native-named regular file below `root`, in sorted order."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            if is_native_name(name) and not os.path.islink(path):
                with open(path, "rb") as stream:
                    native = read_native(stream, os.fstat(stream.fileno()).st_size)
                if native is not None:
                    yield os.path.relpath(path, root).replace(os.sep, "/"), native


def scan_zip(archive: zipfile.ZipFile) -> Iterator[tuple[str, NativeFile]]:
    """(member name, NativeFile) of each native-named member of a zip archive (a wheel), in archive order."""
    for info in archive.infolist():
        if not info.is_dir() and is_native_name(info.filename):
            with archive.open(info) as stream:
                native = read_native(stream, info.file_size)
            if native is not None:
                yield info.filename, native


class _Reader:
    """Bounded reads at offsets of a seekable binary stream."""

    def __init__(self, stream: IO[bytes], size: int) -> None:
        self.stream = stream
        self.size = size

    def read(self, offset: int, length: int, what: str) -> bytes:
        if offset < 0 or length < 0 or offset + length > self.size or length > _MAX_TABLE:
            raise BinaryFormatError(f"{what} lies outside the file (offset {offset}, {length} bytes of {self.size})")
        self.stream.seek(offset)
        data = self.stream.read(length)
        if len(data) != length:
            raise BinaryFormatError(f"{what} is cut short")
        return data


def read_native(stream: IO[bytes], size: int) -> NativeFile | None:
    """What the native file in `stream` (seekable, `size` bytes) is built for; None if it is not ELF, Mach-O or PE."""
    stream.seek(0)
    head = stream.read(64)
    reader = _Reader(stream, size)
    if head[:4] == b"\x7fELF":
        return _elf(reader, head)
    if head[:4] in (b"\xfe\xed\xfa\xce", b"\xce\xfa\xed\xfe", b"\xfe\xed\xfa\xcf", b"\xcf\xfa\xed\xfe"):
        return _macho_thin(head)
    if head[:4] in (b"\xca\xfe\xba\xbe", b"\xca\xfe\xba\xbf"):
        count = struct.unpack(">I", head[4:8])[0] if len(head) >= 8 else 0
        if 0 < count <= _MAX_FAT_ARCHES:  # Java class files share the magic; their "count" is 45 or more
            return _macho_fat(reader, head, count)
        return None
    if head[:2] == b"MZ" and len(head) >= 64:
        return _pe(reader, head)
    return None


def _macho_thin(head: bytes) -> NativeFile:
    order = ">" if head[:4] in (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf") else "<"
    if len(head) < 8:
        raise BinaryFormatError("Mach-O header is cut short")
    cpu = struct.unpack(order + "i", head[4:8])[0] & 0xFFFFFFFF
    return NativeFile("Mach-O", "macos", (_MACHO_CPUS.get(cpu, f"cputype {cpu:#x}"),))


def _macho_fat(reader: _Reader, head: bytes, count: int) -> NativeFile:
    wide = head[:4] == b"\xca\xfe\xba\xbf"
    entry = 32 if wide else 20
    table = reader.read(8, count * entry, "Mach-O fat header")
    arches = []
    for i in range(count):
        cpu = struct.unpack(">I", table[i * entry : i * entry + 4])[0]
        arches.append(_MACHO_CPUS.get(cpu, f"cputype {cpu:#x}"))
    return NativeFile("Mach-O", "macos", tuple(arches))


def _pe(reader: _Reader, head: bytes) -> NativeFile | None:
    offset = struct.unpack("<I", head[0x3C:0x40])[0]
    if offset + 6 > reader.size:
        return None  # a DOS program, or something else that starts with MZ
    header = reader.read(offset, 6, "PE header")
    if header[:4] != b"PE\0\0":
        return None
    machine = struct.unpack("<H", header[4:6])[0]
    return NativeFile("PE", "windows", (_PE_MACHINES.get(machine, f"machine {machine:#x}"),))


def _elf(reader: _Reader, head: bytes) -> NativeFile:
    if len(head) < 52 or head[4] not in (1, 2) or head[5] not in (1, 2):
        raise BinaryFormatError("ELF header is damaged")
    wide = head[4] == 2
    order = "<" if head[5] == 1 else ">"
    machine = struct.unpack(order + "H", head[18:20])[0]
    arch = _ELF_MACHINES.get(machine, f"machine {machine}")
    if wide:
        phoff, phentsize, phnum = struct.unpack(order + "Q", head[32:40])[0], *struct.unpack(order + "HH", head[54:58])
    else:
        phoff, phentsize, phnum = struct.unpack(order + "I", head[28:32])[0], *struct.unpack(order + "HH", head[42:46])
    if phnum == 0:
        return NativeFile("ELF", "linux", (arch,))  # an object file: no dynamic linking to look at
    if phentsize < (56 if wide else 32) or phnum > 4096:
        raise BinaryFormatError("ELF program headers are damaged")
    table = reader.read(phoff, phnum * phentsize, "ELF program headers")
    loads: list[tuple[int, int, int]] = []  # (vaddr, offset, filesz)
    dynamic = interp = None
    for i in range(phnum):
        raw = table[i * phentsize : (i + 1) * phentsize]
        if wide:
            kind, _, off, vaddr, _, filesz = struct.unpack(order + "IIQQQQ", raw[:40])
        else:
            kind, off, vaddr, _, filesz = struct.unpack(order + "IIIII", raw[:20])
        if kind == 1:
            loads.append((vaddr, off, filesz))
        elif kind == 2:
            dynamic = (off, filesz)
        elif kind == 3:
            interp = reader.read(off, min(filesz, 4096), "ELF interpreter").rstrip(b"\0")
    needed: list[bytes] = []
    glibc: tuple[int, int] | None = None
    if dynamic is not None:
        needed, version_names = _dynamic(reader, order, wide, dynamic, loads)
        for m in (_GLIBC.fullmatch(n) for n in version_names):
            if m:
                found = (int(m[1]), int(m[2]))
                glibc = max(glibc, found) if glibc else found
    libc = None
    if any(n.startswith(b"libc.musl-") for n in needed) or (interp and b"ld-musl" in interp):
        libc = "musl"
    elif b"libc.so.6" in needed or glibc or (interp and b"ld-linux" in interp):
        libc = "glibc"
    return NativeFile("ELF", "linux", (arch,), libc, glibc)


def _dynamic(
    reader: _Reader, order: str, wide: bool, dynamic: tuple[int, int], loads: list[tuple[int, int, int]]
) -> tuple[list[bytes], list[bytes]]:
    """DT_NEEDED names and the names of the symbol versions needed (DT_VERNEED)."""

    def offset_of(vaddr: int, what: str) -> int:
        for start, off, filesz in loads:
            if start <= vaddr < start + filesz:
                return off + vaddr - start
        raise BinaryFormatError(f"ELF {what} address {vaddr:#x} is in no loaded segment")

    entry = 16 if wide else 8
    data = reader.read(dynamic[0], min(dynamic[1], _MAX_TABLE) // entry * entry, "ELF dynamic section")
    values: dict[int, list[int]] = {}
    for i in range(0, len(data), entry):
        tag, value = struct.unpack(order + ("qQ" if wide else "iI"), data[i : i + entry])
        if tag == 0:
            break
        values.setdefault(tag, []).append(value)
    if 5 not in values:  # no DT_STRTAB
        return [], []
    strtab = offset_of(values[5][0], "string table")
    strsz = min(values.get(10, [_MAX_TABLE])[0], _MAX_TABLE, reader.size - strtab)
    strings = reader.read(strtab, max(strsz, 0), "ELF string table")

    def string(index: int) -> bytes:
        if index >= len(strings):
            raise BinaryFormatError("ELF string index is outside the string table")
        return strings[index : strings.find(b"\0", index) if b"\0" in strings[index:] else len(strings)]

    needed = [string(v) for v in values.get(1, [])]
    versions: list[bytes] = []
    if 0x6FFFFFFE in values:  # DT_VERNEED, DT_VERNEEDNUM
        at = offset_of(values[0x6FFFFFFE][0], "version table")
        for _ in range(min(values.get(0x6FFFFFFF, [0])[0], 256)):
            _, count, _, aux, nxt = struct.unpack(order + "HHIII", reader.read(at, 16, "ELF version record"))
            here = at + aux
            for _ in range(min(count, 256)):
                _, _, _, name, aux_next = struct.unpack(order + "IHHII", reader.read(here, 16, "ELF version record"))
                versions.append(string(name))
                if not aux_next:
                    break
                here += aux_next
            if not nxt:
                break
            at += nxt
    return needed, versions
