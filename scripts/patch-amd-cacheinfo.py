#!/usr/bin/env python3
"""patch-amd-cacheinfo.py — sends glibc's handle_amd in a linked nsrun to
nsrun_amd_cache_info (Sources/CNSRunStart/amd_cacheinfo.c), which answers
the same questions with each cpuid leaf executed once instead of 22 cpuid
instructions at every start (scripts/build-release; docs/ARCHITECTURE.md
2.5).

Contract:
  patch-amd-cacheinfo.py BINARY
    BINARY  the nsrun executable (lld's or BOLT's layout); patched in place
  Every function symbol named handle_amd (and BOLT's handle_amd.org.N, the
  original copy it leaves behind) whose first instructions are glibc 2.36's
  (push %rbx; mov %edi,%esi; mov $0x80000000,%eax; cpuid) gets a jump
  (e9 rel32) to nsrun_amd_cache_info as its first instruction; a copy that
  already jumps to another copy (BOLT's link from the original to the moved
  function) is left as it is. One line on stdout says what was done.
  Exit status 0 when patched, already patched, or left alone for a stated
  reason (another glibc than 2.36, which may compute its cache values
  differently; no handle_amd or no nsrun_amd_cache_info in the binary;
  other first instructions); 1 when BINARY is unreadable or not an ELF64
  file. Nothing is written unless every copy can be patched.
"""
import struct
import subprocess
import sys

from elf64 import STT_FUNC, Elf

# push %rbx; mov %edi,%esi; mov $0x80000000,%eax; cpuid — glibc 2.36's
# handle_amd as Debian 12 compiles it (sysdeps/x86/dl-cacheinfo.h).
PROLOGUE = bytes.fromhex("53 89 fe b8 00 00 00 80 0f a2")
JMP_REL32 = 0xE9


def glibc_version():
    """The version of the libc6-dev whose libc.a was linked, or None."""
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "libc6-dev"],
                             capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.strip() or None


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: patch-amd-cacheinfo.py BINARY")
    path = sys.argv[1]
    try:
        elf = Elf(path)
    except (OSError, ValueError) as e:
        sys.exit(f"patch-amd-cacheinfo.py: {e}")
    version = glibc_version()
    if version is None or not version.startswith("2.36-"):
        print(f"patch-amd-cacheinfo.py: {path} not patched: glibc {version or 'unknown'}, not 2.36")
        return
    copies, targets = set(), set()
    for name, typ, value, _ in elf.symbols():
        if typ != STT_FUNC or value == 0:
            continue
        if name == "handle_amd" or name.startswith("handle_amd.org."):
            copies.add(value)
        elif name == "nsrun_amd_cache_info":
            targets.add(value)
    if not copies or len(targets) != 1:
        print(f"patch-amd-cacheinfo.py: {path} not patched: "
              f"{len(copies)} handle_amd, {len(targets)} nsrun_amd_cache_info")
        return
    target = targets.pop()
    writes, already = [], 0
    for addr in sorted(copies):
        where = elf.file_offset(addr)
        if where is None:
            sys.exit(f"patch-amd-cacheinfo.py: handle_amd at {addr:#x} is outside every segment")
        jump = struct.pack("<Bi", JMP_REL32, target - (addr + 5))
        head = bytes(elf.data[where:where + len(PROLOGUE)])
        if head[:5] == jump:
            already += 1
        elif head[0] == JMP_REL32 and addr + 5 + struct.unpack_from("<i", head, 1)[0] in copies:
            continue  # BOLT's jump from the original copy to the moved one
        elif head == PROLOGUE:
            writes.append((where, jump))
        else:
            print(f"patch-amd-cacheinfo.py: {path} not patched: handle_amd at {addr:#x} "
                  f"starts {head.hex(' ')}, not glibc 2.36's code")
            return
    if not writes:
        print(f"patch-amd-cacheinfo.py: {path} already patched")
        return
    with open(path, "r+b") as f:
        for where, jump in writes:
            f.seek(where)
            f.write(jump)
    print(f"patch-amd-cacheinfo.py: {path}: handle_amd sent to nsrun_amd_cache_info")


if __name__ == "__main__":
    main()
