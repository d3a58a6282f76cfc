"""elf64.py — the parts of an ELF64 little-endian executable that nsrun's
build scripts read and patch (scripts/bolt-relative-pointers.py,
scripts/patch-cpuid.py). Only the Python standard library.
"""
import struct

SHT_SYMTAB, SHT_RELA = 2, 4
SHF_ALLOC, SHF_EXECINSTR = 0x2, 0x4
STT_FUNC = 2


class Elf:
    """The parts of an ELF64 little-endian executable this script reads."""

    def __init__(self, path):
        with open(path, "rb") as f:
            self.data = bytearray(f.read())
        d = self.data
        if d[:4] != b"\x7fELF" or d[4] != 2 or d[5] != 1:
            raise ValueError(f"{path}: not a 64-bit little-endian ELF file")
        phoff, shoff = struct.unpack_from("<QQ", d, 0x20)
        phentsize, phnum, shentsize, shnum, shstrndx = struct.unpack_from("<HHHHH", d, 0x36)
        self.sections = []
        for i in range(shnum):
            name, typ, flags, addr, off, size, link, info, _, entsize = struct.unpack_from(
                "<IIQQQQIIQQ", d, shoff + i * shentsize)
            self.sections.append(dict(name=name, type=typ, flags=flags, addr=addr, off=off,
                                      size=size, link=link, info=info, entsize=entsize))
        strtab = self.sections[shstrndx]
        for s in self.sections:
            s["name"] = self.cstr(strtab["off"] + s["name"])
        self.loads = []
        for i in range(phnum):
            typ, _, off, vaddr, _, filesz = struct.unpack_from("<IIQQQQ", d, phoff + i * phentsize)
            if typ == 1:  # PT_LOAD
                self.loads.append((vaddr, off, filesz))

    def cstr(self, off):
        return self.data[off:self.data.index(0, off)].decode("utf-8", "replace")

    def _entries(self):
        """(name, info, section index, value, size) for every symtab entry."""
        for s in self.sections:
            if s["type"] != SHT_SYMTAB:
                continue
            names = self.sections[s["link"]]["off"]
            for k in range(s["size"] // 24):
                name, info, _, shndx, value, size = struct.unpack_from("<IBBHQQ", self.data, s["off"] + k * 24)
                yield self.cstr(names + name), info, shndx, value, size

    def symbols(self):
        """(name, type, value, section index) for every symtab entry."""
        for name, info, shndx, value, _ in self._entries():
            yield name, info & 0xF, value, shndx

    def functions(self):
        """(name, address, size) for every function symbol with an address."""
        for name, info, _, value, size in self._entries():
            if info & 0xF == STT_FUNC and value != 0:
                yield name, value, size

    def file_offset(self, vaddr):
        for start, off, size in self.loads:
            if start <= vaddr and vaddr + 4 <= start + size:
                return off + vaddr - start
        return None
