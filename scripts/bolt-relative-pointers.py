#!/usr/bin/env python3
"""bolt-relative-pointers.py — points Swift's relative pointers at the
functions BOLT moved (scripts/build-release, DESIGN.md 2.5 in
docs/ARCHITECTURE.md).

Contract:
  bolt-relative-pointers.py INPUT OUTPUT
    INPUT   the executable lld linked with --emit-relocs (its relocations
            are read, nothing is written)
    OUTPUT  what llvm-bolt made of INPUT; patched in place
  Exit status 0 with "N relative pointers retargeted" on stderr; 1 with the
  reason when either file is not what is expected (nothing is written then).

Why: Swift's metadata refers to code through 32-bit relative pointers
(`.long function - .`): a type descriptor to its metadata accessor, a
method descriptor to its implementation. In the linked executable these are
R_X86_64_PC32 relocations from data to code, and llvm-bolt does not apply
them (it treats PC-relative data-to-code relocations as jump-table entries,
which it resolves itself). So every accessor the runtime reaches through
metadata would still run from its original copy, which BOLT leaves in place:
correct, but one more page of old text faulted in for each. This rewrites
each such pointer whose target is the start of a function BOLT moved to
that function's new address, and only when the pointer still holds exactly
the value the relocation gave it. Pointers to anything else (the middle of
a function, data, a tagged value) are left alone: the old copies stay
intact, so they remain correct.

Only the Python standard library: the ELF64 structures are read directly
(scripts/elf64.py).
"""
import struct
import sys

from elf64 import SHF_ALLOC, SHF_EXECINSTR, SHT_RELA, SHT_SYMTAB, STT_FUNC, Elf

R_X86_64_PC32 = 2
# Sections BOLT rewrites itself (unwind tables) or that do not hold pointers.
SKIPPED = {".eh_frame", ".eh_frame_hdr", ".gcc_except_table"}


def unique_functions(elf):
    """Function name -> address, for names that occur once."""
    seen, dup = {}, set()
    for name, typ, value, _ in elf.symbols():
        if typ != STT_FUNC or not name or value == 0:
            continue
        if name in seen and seen[name] != value:
            dup.add(name)
        seen.setdefault(name, value)
    return {n: a for n, a in seen.items() if n not in dup}


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: bolt-relative-pointers.py INPUT OUTPUT")
    try:
        old, new = Elf(sys.argv[1]), Elf(sys.argv[2])
    except (OSError, ValueError) as e:
        sys.exit(f"bolt-relative-pointers.py: {e}")
    before, after = unique_functions(old), unique_functions(new)
    moved, conflicting = {}, set()
    for name, addr in before.items():
        if name in after and after[name] != addr:
            if moved.setdefault(addr, after[name]) != after[name]:
                conflicting.add(addr)  # aliases BOLT placed apart: leave them
    for addr in conflicting:
        del moved[addr]
    symtab = [s for s in old.sections if s["type"] == SHT_SYMTAB]
    if not symtab:
        sys.exit("bolt-relative-pointers.py: INPUT has no symbol table")
    values = [v for _, _, v, _ in old.symbols()]
    retargeted = 0
    for rela in old.sections:
        if rela["type"] != SHT_RELA or rela["info"] >= len(old.sections):
            continue
        target = old.sections[rela["info"]]
        if not target["flags"] & SHF_ALLOC or target["flags"] & SHF_EXECINSTR or target["name"] in SKIPPED:
            continue
        for k in range(rela["size"] // 24):
            offset, info, addend = struct.unpack_from("<QQq", old.data, rela["off"] + k * 24)
            if info & 0xFFFFFFFF != R_X86_64_PC32:
                continue
            dest = values[info >> 32] + addend
            if dest not in moved:
                continue
            where = new.file_offset(offset)
            if where is None or struct.unpack_from("<i", new.data, where)[0] != dest - offset:
                continue  # not the value the link gave it: not ours to change
            struct.pack_into("<i", new.data, where, moved[dest] - offset)
            retargeted += 1
    with open(sys.argv[2], "r+b") as f:
        f.write(new.data)
    print(f"bolt-relative-pointers.py: {retargeted} relative pointers retargeted", file=sys.stderr)


if __name__ == "__main__":
    main()
