#!/usr/bin/env python3
"""paired.py — paired whole-process timer for scripts/bench (stdlib only).

Contract:
  paired.py [--runs N] [--warmup W] [--title T] [--json FILE]
            [--rss-probe PATH] [--ratio-line LABEL:NAME[:LIMIT]]...
            NAME=COMMAND NAME=COMMAND...

  The first NAME=COMMAND is the baseline. COMMAND is split with shlex (no
  shell is involved, so the shell's own start-up is not measured); its first
  word is resolved on PATH once, before timing.

  Each iteration runs every command once, back to back, and the starting
  command rotates from one iteration to the next (A B C, B C A, C A B, ...),
  so slow drifts of the machine (frequency, cache, other load) hit all
  commands alike and no command always runs "first" or "after X".
  A sample is the wall time from just before os.posix_spawn to just after
  os.waitpid returns: start-up, work and exit of the whole process, the way
  a user sees it. Each command's ratio is computed per iteration against the
  baseline sample of the same iteration; the reported ratio is the median of
  those paired ratios (robust to outliers, unlike a ratio of means).
  Peak RSS (KiB) comes from the --rss-probe launcher (benchmarks/maxrss.c),
  run RSS_SAMPLES times per command after the timing, largest value kept; it
  is the biggest single process of the command's tree, not a sum. It is not
  read from our own wait4: at exec the kernel counts the pre-exec address
  space, so a child spawned from Python would report Python's ~15 MiB.
  Without --rss-probe the column says n/a.

  Output: a Markdown section on stdout (table + ratio lines); with --json, all
  raw samples. Exit status 1 (with the command named on stderr) as soon as a
  command exits non-zero or is killed; 2 for usage errors.
"""
import argparse
import gc
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time


def parse_command(spec):
    name, sep, command = spec.partition("=")
    if not sep or not name or not command.strip():
        raise SystemExit(f"paired.py: expected NAME=COMMAND, got {spec!r}")
    argv = shlex.split(command)
    path = argv[0] if "/" in argv[0] else shutil.which(argv[0])
    if path is None or not os.access(path, os.X_OK):
        raise SystemExit(f"paired.py: {name}: {argv[0]}: not found or not executable")
    return {"name": name, "command": command, "path": os.path.abspath(path), "argv": argv}


RSS_SAMPLES = 5


def fail(cmd, how):
    sys.stderr.write(f"paired.py: {cmd['name']} failed ({how}): {cmd['command']}\n")
    raise SystemExit(1)


def run_once(cmd, file_actions):
    """One timed run, in ns; stops the benchmark on failure."""
    start = time.perf_counter_ns()
    pid = os.posix_spawn(cmd["path"], cmd["argv"], os.environ, file_actions=file_actions)
    _, status = os.waitpid(pid, 0)
    elapsed = time.perf_counter_ns() - start
    if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
        fail(cmd, f"exit status {os.WEXITSTATUS(status)}" if os.WIFEXITED(status)
             else f"signal {os.WTERMSIG(status)}")
    return elapsed


def peak_rss(cmd, probe):
    """Largest ru_maxrss (KiB) over RSS_SAMPLES runs through the probe."""
    values = []
    for _ in range(RSS_SAMPLES):
        r = subprocess.run([probe] + cmd["argv"],
                           stdout=subprocess.PIPE, text=True)
        if r.returncode != 0:
            fail(cmd, f"under {probe}, status {r.returncode}")
        values.append(int(r.stdout))
    return values


def main():
    ap = argparse.ArgumentParser(description="paired whole-process timer")
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--title", default="benchmark")
    ap.add_argument("--json")
    ap.add_argument("--rss-probe", metavar="PATH")
    ap.add_argument("--ratio-line", action="append", default=[],
                    metavar="LABEL:NAME[:LIMIT]")
    ap.add_argument("commands", nargs="+", metavar="NAME=COMMAND")
    opts = ap.parse_args()
    if opts.runs < 1 or opts.warmup < 0:
        ap.error("--runs must be >= 1 and --warmup >= 0")
    cmds = [parse_command(s) for s in opts.commands]
    if len(cmds) < 2:
        ap.error("need a baseline and at least one other command")
    names = [c["name"] for c in cmds]
    if len(set(names)) != len(names):
        ap.error("command names must be unique")
    by_name = {c["name"]: i for i, c in enumerate(cmds)}

    # The commands' stdout is not part of the measurement (hyperfine does the
    # same); stderr stays attached so a failure explains itself.
    file_actions = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)]
    k = len(cmds)
    samples = [[] for _ in cmds]

    # A collection pause inside a timed window would land on one command only.
    gc.disable()
    for it in range(opts.warmup + opts.runs):
        for j in range(k):
            i = (it + j) % k
            ns = run_once(cmds[i], file_actions)
            if it >= opts.warmup:
                samples[i].append(ns)
    gc.enable()
    rss = [peak_rss(c, opts.rss_probe) if opts.rss_probe else [] for c in cmds]

    base = samples[0]
    ratios = [[s / b for s, b in zip(samples[i], base)] for i in range(k)]
    rows = []
    for i, c in enumerate(cmds):
        rows.append({
            "name": c["name"],
            "command": c["command"],
            "median_ms": statistics.median(samples[i]) / 1e6,
            "ratio": statistics.median(ratios[i]),
            "peak_rss_kib": max(rss[i]) if rss[i] else None,
        })

    out = []
    out.append(f"### {opts.title}")
    out.append("")
    out.append(f"{opts.runs} paired runs after {opts.warmup} warm-up rounds, "
               f"order rotated each round; ratio = median of per-round ratios.")
    out.append("")
    out.append(f"| command | median ms | ratio vs {cmds[0]['name']} | peak RSS KiB |")
    out.append("|---|---:|---:|---:|")
    for r in rows:
        out.append(f"| `{r['command']}` | {r['median_ms']:.3f} | {r['ratio']:.2f} | {r['peak_rss_kib'] or 'n/a'} |")
    out.append("")
    for spec in opts.ratio_line:
        parts = spec.split(":")
        if len(parts) not in (2, 3) or parts[1] not in by_name:
            raise SystemExit(f"paired.py: bad --ratio-line {spec!r}")
        ratio = rows[by_name[parts[1]]]["ratio"]
        if len(parts) == 3:
            limit = float(parts[2])
            verdict = "met" if ratio <= limit else "MISSED"
            out.append(f"{parts[0]} ratio {ratio:.2f} (target <= {parts[2]}) — {verdict}")
        else:
            out.append(f"{parts[0]} ratio {ratio:.2f} (no target set)")
        out.append("")
    sys.stdout.write("\n".join(out) + "\n")

    if opts.json:
        with open(opts.json, "w") as f:
            json.dump({
                "title": opts.title,
                "runs": opts.runs,
                "warmup": opts.warmup,
                "baseline": cmds[0]["name"],
                "results": [dict(r, argv=c["argv"], samples_ns=samples[i],
                                 maxrss_kib=rss[i], ratios=ratios[i])
                            for i, (r, c) in enumerate(zip(rows, cmds))],
            }, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
