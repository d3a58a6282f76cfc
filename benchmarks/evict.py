#!/usr/bin/env python3
"""benchmarks/evict.py FILE... — drops each file's pages from the page cache.

Why (scripts/bench): how a file entered the page cache changes how fast a
program starts from it. A file just written with write(2), as cc's linker
or cp writes it, is cached by ext4 in large folios, and a fault on its text
maps a whole folio; lld writes through a shared mapping and leaves single
pages; a file read back from disk by the faults of an exec is cached the
way readahead brings it. Measured on the nsrun binary, same bytes: 84, 94
and 94 page faults for `nsrun -e return`, and peak RSS moving with them.
So that no command of a comparison is timed from a state a user would not
see, the benchmark evicts every file it runs (the programs, and the shared
libraries ldd names for them) before the warm-up rounds, which then read
them back as a machine does after a reboot.

Contract: fsync is not needed (the files are clean: sync runs first);
posix_fadvise(POSIX_FADV_DONTNEED) drops clean pages that no process maps,
so a library every process maps (libc) keeps its pages, which is the state
a running machine has anyway. A missing file is skipped. Exit status 0.
"""
import os
import sys

os.sync()
for path in sys.argv[1:]:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        continue
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)
