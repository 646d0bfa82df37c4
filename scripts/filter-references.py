#!/usr/bin/env python3
"""Writes tests/filters/*.tsv: what `go tool pprof -top` (Debian's golang-go) prints for corpus
profiles under pprof's name filters, as exact integers, for tests/filters.rs to compare with.

    scripts/filter-references.py [CORPUS]     (default ../shared/corpus)

Each file: a comment with the command, `total<TAB>N` (pprof's total, which it computes before
filtering), then `flat<TAB>cum<TAB>name` per function, sorted by name (rows pprof prints twice
for one name, as for different start lines, are summed)."""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "corpus")
OUT = os.path.join(ROOT, "tests", "filters")

JFR_BLOCK = ("pyroscope/cortex-dev-01__kafka-0__cpu_lock0_alloc0__0.jfr.gz."
             "block_contentions_count_block_count.17241709254077376921.pb.gz")

# (name, corpus file, sample type, {filter: regexp})
CASES = [
    ("go-cpu-focus", "pyroscope/profile.pprof", "cpu", {"focus": "runtime"}),
    ("go-cpu-ignore", "pyroscope/profile.pprof", "cpu", {"ignore": "runtime"}),
    ("go-cpu-hide", "pyroscope/profile.pprof", "cpu", {"hide": "runtime"}),
    ("go-cpu-show", "pyroscope/profile.pprof", "cpu", {"show": "runtime"}),
    ("go-cpu-show-from", "pyroscope/profile.pprof", "cpu", {"show_from": "scanobject"}),
    ("go-cpu-focus-ignore-hide", "pyroscope/profile.pprof", "samples",
     {"focus": "gcBgMarkWorker|http", "ignore": "markroot", "hide": r"runtime\.(mcall|park_m)"}),
    ("go-heap-focus", "dd-trace-go/big-heap.pprof", "alloc_space", {"focus": "json"}),
    ("go-heap-hide-inlined", "dd-trace-go/big-heap.pprof", "inuse_space", {"hide": "runtime"}),
    ("go-heap-show", "dd-trace-go/big-heap.pprof", "alloc_objects", {"show": "encoding|fastdelta"}),
    ("go-heap-show-from", "dd-trace-go/big-heap.pprof", "alloc_space",
     {"show_from": "salami|coffee", "hide": "runtime"}),
    ("java-block-ignore", JFR_BLOCK, "", {"ignore": "Purgatory"}),
    ("java-block-hide-focus", JFR_BLOCK, "", {"hide": "^java", "focus": "kafka"}),
    ("node-hide-mapping", "parca/node-profile.pb.gz", "", {"hide": "libc"}),
    ("node-show-from-mapping", "parca/node-profile.pb.gz", "", {"show_from": "node$"}),
    ("partial-focus-mapping", "parca/pkg-symbolizer-testdata/profile.pb.gz", "", {"focus": "main"}),
    ("partial-show", "parca/pkg-symbolizer-testdata/profile.pb.gz", "", {"show": "timer|task"}),
]

TOTAL_RE = re.compile(r"^Showing nodes accounting for (\S+), \S+ of (\S+) total$")
ROW_RE = re.compile(r"^\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S.*)$")


def pprof(args):
    env = dict(os.environ, GOPROXY="off")
    return subprocess.run(["go", "tool", "pprof", "-symbolize=none"] + args, env=env,
                          check=True, capture_output=True, text=True,
                          errors="surrogateescape").stdout


def unit_of(path, sample_type):
    """The unit of `sample_type` (default: pprof's default type), from -raw's header."""
    for line in pprof(["-raw", path]).splitlines():
        types = re.findall(r"(\S+)/(\S+?)(\[dflt\])?(?=\s|$)", line)
        if types and all("/" in t for t in line.split()):
            for name, unit, dflt in types:
                if name == sample_type or (not sample_type and dflt):
                    return name, unit
            return types[-1][0], types[-1][1]
    raise RuntimeError(f"no sample types in -raw of {path}")


def integer(token):
    m = re.match(r"^(-?\d+)(?:\.(\d+))?[^\d.]*$", token)
    if not m or (m.group(2) and int(m.group(2))):
        raise ValueError(f"not an exact integer: {token!r}")
    return int(m.group(1))


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, file, sample_type, filters in CASES:
        path = os.path.join(CORPUS, file)
        sample_type, unit = unit_of(path, sample_type)
        args = ["-top", f"-sample_index={sample_type}", f"-unit={unit if unit != 'count' else 'count'}",
                "-nodecount=1000000", "-nodefraction=0", "-edgefraction=0", "-functions"]
        args += [f"-{k}={v}" for k, v in filters.items()]
        total, rows, table = None, {}, False
        for line in pprof(args + [path]).splitlines():
            if not table:
                m = TOTAL_RE.match(line)
                if m:
                    total = integer(m.group(2))
                table = bool(re.match(r"^\s*flat\s+flat%\s+sum%\s+cum\s+cum%\s*$", line))
                continue
            m = ROW_RE.match(line)
            if not m:
                raise RuntimeError(f"{name}: unparsed row {line!r}")
            frame = re.sub(r" \((partial-)?inline\)$", "", m.group(6))
            flat, cum = rows.get(frame, (0, 0))
            rows[frame] = (flat + integer(m.group(1)), cum + integer(m.group(4)))
        if total is None:
            total = 0  # pprof prints no table when the filters leave nothing
        with open(os.path.join(OUT, f"{name}.tsv"), "w", encoding="utf-8", errors="surrogateescape") as out:
            flags = " ".join(f"--{k.replace('_', '-')} '{v}'" for k, v in filters.items())
            out.write(f"# {file} --value-type {sample_type} {flags}\n")
            out.write(f"total\t{total}\n")
            for frame in sorted(rows):
                out.write(f"{rows[frame][0]}\t{rows[frame][1]}\t{frame}\n")
        print(f"{name}: {len(rows)} functions")


main()
