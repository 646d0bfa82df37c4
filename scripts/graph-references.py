#!/usr/bin/env python3
"""Writes tests/graph/: pprof's call graph (`go tool pprof -dot`, read by
../shared/oracle/graph.py into exact-integer TSV) for every corpus profile that pprof and
Scorch decode (not the legacy formats),
for every value type (tests/graph/corpus/), and for option cases (tests/graph/cases/: node
count and fractions, filters, granularity, labels, a diff base), for tests/graph.rs to compare
line for line with `scorch graph --format tsv`.

    scripts/graph-references.py [CORPUS]     (default ../shared/corpus)

Each file starts with `#<TAB>`-separated `scorch` arguments (corpus paths relative to the
corpus), then graph.py's output. tests/graph/dot/ holds the node and edge lines of pprof's own
`-dot` (label boxes left out) for a few profiles, for `scorch graph --format dot`."""
import csv
import importlib.util
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "corpus")
ORACLE = os.path.join(CORPUS, "..", "oracle", "graph.py")
OUT = os.path.join(ROOT, "tests", "graph")

spec = importlib.util.spec_from_file_location(
    "references", os.path.join(ROOT, "scripts", "pprof-references.py"))
references = importlib.util.module_from_spec(spec)
sys.argv, argv = sys.argv[:1] + [CORPUS], sys.argv
spec.loader.exec_module(references)
sys.argv = argv

GO_CPU = references.GO_CPU
GO_HEAP = references.GO_HEAP
GO_LABELS = references.GO_LABELS

# (name, corpus file, value type index, {option: value}); options are pprof's names.
CASES = [
    ("go-cpu-nodecount-20", GO_CPU, 0, {"nodecount": "20"}),
    ("go-cpu-nodecount-200", GO_CPU, 0, {"nodecount": "200"}),
    ("go-cpu-everything", GO_CPU, 0, {"nodecount": "0", "nodefraction": "0", "edgefraction": "0"}),
    ("go-cpu-fractions", GO_CPU, 0, {"nodefraction": "0.05", "edgefraction": "0.01"}),
    ("go-cpu-focus-hide", GO_CPU, 0, {"focus": "gcBgMarkWorker|http", "hide": r"runtime\.mcall"}),
    ("go-cpu-ignore-show-from", GO_CPU, 0, {"ignore": "markroot", "show_from": "gcDrain"}),
    ("go-cpu-lines", GO_CPU, 0, {"granularity": "lines", "focus": "encoding"}),
    ("go-heap-lines", GO_HEAP, 1, {"granularity": "lines"}),
    ("go-heap-files", GO_HEAP, 3, {"granularity": "files"}),
    ("go-heap-addresses", GO_HEAP, 0, {"granularity": "addresses", "nodecount": "30"}),
    ("go-heap-tagfocus", GO_HEAP, 1, {"tagfocus": "bytes=1kb:64kb"}),
    ("go-labels-tagroot", GO_LABELS, 1, {"tagroot": "function"}),
    ("go-labels-tagfocus", GO_LABELS, 0, {"tagfocus": "function=slow", "nodecount": "8"}),
    ("diff-heap", "dd-trace-go/heap.pprof", 1, {"diff_base": "dd-trace-go/heap.after.pprof"}),
    ("diff-heap-normalize", "dd-trace-go/heap.pprof", 2,
     {"diff_base": "dd-trace-go/heap.after.pprof", "normalize": True}),
    ("diff-heap-big-lines", GO_HEAP, 0,
     {"diff_base": "dd-trace-go/heap.pprof", "granularity": "lines", "hide": "runtime"}),
]

# (corpus file, value type index) whose DOT lines are kept.
DOT = [(GO_LABELS, 1), (GO_HEAP, 0), (GO_HEAP, 3), (GO_CPU, 0)]


def dot_lines(file, index):
    """pprof's -dot node and edge lines, without label boxes and their spacing."""
    text = references.pprof(["-dot", f"-sample_index={index}", os.path.join(CORPUS, file)])
    lines = [line.replace(" minlen=2", "") for line in text.splitlines()
             if re.match(r"^N\d+ (->|\[)", line) and not re.search(r"N\d+_\d", line)]
    return "".join(line + "\n" for line in lines)


def graph(file, index, flags=()):
    """graph.py's lines for `file`, or None when it cannot read pprof's output."""
    run = subprocess.run([sys.executable, ORACLE, os.path.join(CORPUS, file), str(index), "--"]
                         + list(flags), capture_output=True, text=True, errors="surrogateescape")
    if run.returncode != 0:
        print(f"{file} {index}: graph.py failed: {run.stderr.strip().splitlines()[-1:]}")
        return None
    return run.stdout


def write(path, args, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", errors="surrogateescape") as out:
        out.write("#\t" + "\t".join(args) + "\n" + text)


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    with open(os.path.join(CORPUS, "MANIFEST.tsv"), encoding="utf-8") as manifest:
        rows = [r for r in csv.DictReader(manifest, delimiter="\t") if r["path"]]
    for row in rows:
        # Scorch refuses the legacy (pre-protobuf) formats by name; it draws every other file.
        if row["decodes_with_go_pprof"] != "y" or "legacy (non-protobuf) format" in row["notes"]:
            continue
        for index in range(len(row["sample_types"].split(","))):
            text = graph(row["path"], index)
            if text is not None:
                write(os.path.join(OUT, "corpus", f"{row['path']}.{index}.tsv"),
                      ["graph", row["path"], "--value-type", str(index)], text)
    for name, file, index, options in CASES:
        flags = references.pprof_flags(options)
        text = graph(file, index, flags)
        if text is None:
            raise SystemExit(f"{name}: no reference")
        args = references.scorch_args("graph", file, str(index), options)
        write(os.path.join(OUT, "cases", f"{name}.tsv"), args, text)
        print(f"{name}: {text.count(chr(10))} lines")
    for file, index in DOT:
        name = f"{file.replace('/', '-')}.{index}.dot"
        write(os.path.join(OUT, "dot", name),
              ["graph", file, "--value-type", str(index), "--format", "dot"], dot_lines(file, index))


if __name__ == "__main__":
    main()
