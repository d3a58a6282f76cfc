#!/usr/bin/env python3
"""patch-cpuid.py — takes 29 of the 41 cpuid instructions out of a linked
nsrun's static glibc start-up, each a trap to the hypervisor in a virtual
machine (about 4.5 us here; scripts/build-release; docs/ARCHITECTURE.md
2.5). Three patches, each applied to every live copy of its function or to
none:

  handle_amd   glibc asks handle_amd(name) for eleven cache values, with two
               cpuid each over three distinct leaves. Its entry becomes a
               jump (e9 rel32) to nsrun_amd_cache_info
               (Sources/CNSRunStart/amd_cacheinfo.c), which executes each
               leaf once: 22 cpuid become 3 (2 with the next patch).
  repeated     leaf 0x80000000 is asked in init_cpu_features, then in
               handle_amd, then again by __libc_start_main's inlined cache
               code, with leaves 0x80000008 and 1, which init_cpu_features
               asked and kept. Each `mov $leaf,%eax; cpuid` (7 bytes)
               becomes a call (e8 rel32) and a 2-byte nop: the first of
               nsrun_cpuid_record_80000000, which executes it and keeps the
               registers, the repeats of a stub nsrun_cpuid_<leaf> that
               loads what the leaf gave the first time. 4 cpuid fewer.
               Needs handle_amd's patch: its function keeps the registers.
  xsave size   update_active sizes the XSAVE area for _dl_runtime_resolve,
               the lazy-binding trampoline of a dynamically loaded object,
               with 6 cpuid of leaf 0xd. nsrun loads none (only glibc's NSS
               could, through static dlopen, and then takes the fxsave
               trampoline, glibc's choice for a CPU without XSAVE: it keeps
               the argument registers any NSS function is called with). The
               `cpuid` of leaf 0xd, subleaf 0 becomes `xor %ebx,%ebx` (31 db):
               "no XSAVE area", as glibc's next instruction reads it.

Contract:
  patch-cpuid.py BINARY
    BINARY  the nsrun executable (lld's or BOLT's layout); patched in place
  A copy of a function that begins with a jump to another copy (BOLT's link
  from the original function to the moved one) is dead and left as it is.
  Every patch site is found by its exact bytes, glibc 2.36's as Debian 12
  compiles them, and must occur once in each live copy; a 7-byte site must
  not be the target of a branch anywhere but at its first byte (objdump
  checks). One line per patch on stdout says what was done or why not.
  Exit status 0 when patched, already patched, or left alone for a stated
  reason (another glibc than 2.36; missing symbols; other bytes); 1 when
  BINARY is unreadable or not an ELF64 file.
"""
import functools
import re
import shutil
import struct
import subprocess
import sys

from elf64 import Elf

# push %rbx; mov %edi,%esi; mov $0x80000000,%eax; cpuid — glibc 2.36's
# handle_amd (sysdeps/x86/dl-cacheinfo.h).
HANDLE_AMD_PROLOGUE = bytes.fromhex("53 89 fe b8 00 00 00 80 0f a2")
# Each `mov $leaf,%eax; cpuid` with the instructions that follow it, which
# pin the site (the first 7 bytes are replaced): the first 0x80000000 in
# get_extended_indices, then the repeats in dl_init_cacheinfo's AMD branch,
# inlined in __libc_start_main.
REPEATS = [
    (("get_extended_indices",), "nsrun_cpuid_record_80000000",
     bytes.fromhex("b8 00 00 00 80 0f a2 3d 00 00 00 80")),  # cmp $0x80000000,%eax
    (("__libc_start_main", "__libc_start_main_impl"), "nsrun_cpuid_80000000",
     bytes.fromhex("b8 00 00 00 80 0f a2 4d 85 ed")),  # test %r13,%r13
    (("__libc_start_main", "__libc_start_main_impl"), "nsrun_cpuid_80000008",
     bytes.fromhex("b8 08 00 00 80 0f a2 c1 e9 0c")),  # shr $0xc,%ecx
    (("__libc_start_main", "__libc_start_main_impl"), "nsrun_cpuid_1",
     bytes.fromhex("b8 01 00 00 00 0f a2 81 e2 00 00 00 10")),  # and $0x10000000,%edx
]
# update_active: mov $0xd,%eax; xor %ecx,%ecx; cpuid; test %ebx,%ebx; then
# je (short 74 or near 0f 84: BOLT relays it short), past the sizing.
XSAVE_SITE = bytes.fromhex("b8 0d 00 00 00 31 c9 0f a2 85 db")
JE = (bytes.fromhex("74"), bytes.fromhex("0f 84"))
XSAVE_CPUID_AT, XOR_EBX = 7, bytes.fromhex("31 db")
CPUID = bytes.fromhex("0f a2")
JMP_REL32, CALL_REL32, NOP2 = 0xE9, 0xE8, bytes.fromhex("66 90")


def glibc_version():
    """The version of the libc6-dev whose libc.a was linked, or None."""
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "libc6-dev"],
                             capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.strip() or None


def copies_of(functions, *names):
    """{address: size} of the functions called `name`, `name.constprop.N` or
    `name.org.N` (BOLT's original copy), for each of names."""
    found = {}
    for name, addr, size in functions:
        if name.split(".")[0] in names:
            found[addr] = max(size, found.get(addr, 0))
    return found


def live(elf, copies):
    """The copies that do not begin with a jump to another copy."""
    kept = {}
    for addr, size in copies.items():
        where = elf.file_offset(addr)
        head = bytes(elf.data[where:where + 5]) if where is not None else b""
        if len(head) == 5 and head[0] == JMP_REL32 and addr + 5 + struct.unpack_from("<i", head, 1)[0] in copies:
            continue
        kept[addr] = size
    return kept


@functools.cache
def branch_targets(path, start, size):
    """Every direct jump's or call's target inside [start, start + size), by
    objdump; once per function, however many of its sites are patched."""
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", f"--start-address={start:#x}",
                          f"--stop-address={start + size:#x}", path],
                         capture_output=True, text=True, check=True).stdout
    return {int(m.group(1), 16) for m in re.finditer(r"\t(?:j\w+|call)\s+([0-9a-f]+) <", out)}


class Refusal(Exception):
    """A patch left out, and why."""


def patch_handle_amd(elf, functions):
    copies = copies_of(functions, "handle_amd")
    targets = [a for n, a, _ in functions if n == "nsrun_amd_cache_info"]
    if not copies or len(targets) != 1:
        raise Refusal(f"{len(copies)} handle_amd, {len(targets)} nsrun_amd_cache_info")
    writes, done = [], 0
    for addr in sorted(live(elf, copies)):
        where = elf.file_offset(addr)
        jump = struct.pack("<Bi", JMP_REL32, targets[0] - (addr + 5))
        head = bytes(elf.data[where:where + len(HANDLE_AMD_PROLOGUE)])
        if head[:5] == jump:
            done += 1
        elif head == HANDLE_AMD_PROLOGUE:
            writes.append((where, jump))
        else:
            raise Refusal(f"handle_amd at {addr:#x} starts {head.hex(' ')}, not glibc 2.36's code")
    return writes, done


def find_once(elf, addr, size, pattern, what):
    where = elf.file_offset(addr)
    body = bytes(elf.data[where:where + size])
    hits = [m.start() for m in re.finditer(re.escape(pattern), body)]
    if len(hits) != 1:
        raise Refusal(f"{what}: {len(hits)} matches in the copy at {addr:#x}, expected 1")
    return addr + hits[0], where + hits[0]


def patch_repeats(elf, functions, path):
    stubs = {n: a for n, a, _ in functions if n in {stub for _, stub, _ in REPEATS}}
    if len(stubs) != len(REPEATS):
        raise Refusal(f"{len(stubs)} of the {len(REPEATS)} stubs in the binary")
    writes, done = [], 0
    for owners, stub, pattern in REPEATS:
        copies = live(elf, copies_of(functions, *owners))
        if not copies:
            raise Refusal(f"no {owners[0]}")
        for addr, size in sorted(copies.items()):
            where = elf.file_offset(addr)
            body = bytes(elf.data[where:where + size])
            # Already patched: a call of the stub, the nop, the pinning bytes.
            tail = NOP2 + pattern[7:]
            if any(m.start() >= 5 and body[m.start() - 5] == CALL_REL32
                   and addr + m.start() + struct.unpack_from("<i", body, m.start() - 4)[0] == stubs[stub]
                   for m in re.finditer(re.escape(tail), body)):
                done += 1
                continue
            site, offset = find_once(elf, addr, size, pattern, f"{stub}'s site")
            inside = sorted(t for t in branch_targets(path, addr, size) if site < t < site + 7)
            if inside:
                raise Refusal(f"a branch lands inside {stub}'s site at {site:#x} ({inside[0]:#x})")
            writes.append((offset, struct.pack("<Bi", CALL_REL32, stubs[stub] - (site + 5)) + NOP2))
    return writes, done


def patch_xsave(elf, functions):
    copies = live(elf, copies_of(functions, "update_active"))
    if not copies:
        raise Refusal("no update_active")
    writes, done = [], 0
    for addr, size in sorted(copies.items()):
        patched = XSAVE_SITE[:XSAVE_CPUID_AT] + XOR_EBX + XSAVE_SITE[XSAVE_CPUID_AT + 2:]
        where = elf.file_offset(addr)
        if bytes(elf.data[where:where + size]).count(patched) == 1:  # already
            done += 1
            continue
        _, offset = find_once(elf, addr, size, XSAVE_SITE, "leaf 0xd subleaf 0")
        after = bytes(elf.data[offset + len(XSAVE_SITE):offset + len(XSAVE_SITE) + 2])
        if not after.startswith(JE):
            raise Refusal(f"leaf 0xd subleaf 0 is followed by {after.hex(' ')}, not je")
        writes.append((offset + XSAVE_CPUID_AT, XOR_EBX))
    return writes, done


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: patch-cpuid.py BINARY")
    path = sys.argv[1]
    try:
        elf = Elf(path)
    except (OSError, ValueError) as e:
        sys.exit(f"patch-cpuid.py: {e}")
    version = glibc_version()
    if version is None or not version.startswith("2.36-"):
        print(f"patch-cpuid.py: {path} not patched: glibc {version or 'unknown'}, not 2.36")
        return
    functions = list(elf.functions())
    patches = [("handle_amd", lambda: patch_handle_amd(elf, functions)),
               ("repeated leaves", lambda: patch_repeats(elf, functions, path)),
               ("xsave size", lambda: patch_xsave(elf, functions))]
    all_writes, refused = [], set()
    for what, patch in patches:
        try:
            if what == "repeated leaves" and "handle_amd" in refused:
                # The stubs answer from what nsrun_amd_cache_info kept.
                raise Refusal("needs the handle_amd patch")
            if what == "repeated leaves" and not shutil.which("objdump"):
                raise Refusal("objdump is missing (binutils), and it checks the sites")
            writes, done = patch()
        except Refusal as why:
            refused.add(what)
            print(f"patch-cpuid.py: {path}: {what} not patched: {why}")
            continue
        all_writes += writes
        print(f"patch-cpuid.py: {path}: {what}: "
              + (f"{len(writes)} site(s) patched" if writes else f"already patched ({done} site(s))"))
    with open(path, "r+b") as f:
        for where, data in all_writes:
            f.seek(where)
            f.write(data)


if __name__ == "__main__":
    main()
