#!/usr/bin/env python3
"""Writes tests/pprof/*.tsv: what `go tool pprof` (Debian's golang-go) prints for corpus profiles
under pprof's options (filters, tag filters, tag roots, granularity, diff base, peek), as exact
integers, for tests/pprof.rs to compare with what `scorch` prints for the same options; and
for several profiles merged, as `go tool pprof A B ...` merges them; and for profiles saved by
`scorch proto` under those options, what `go tool pprof -top` reads in the saved file.

    scripts/pprof-references.py [CORPUS]     (default ../shared/corpus; needs target/release/scorch)

Each file starts with `#<TAB>`-separated `scorch` arguments (corpus paths relative to the corpus),
then `total<TAB>N` (pprof's total), then pprof's rows in pprof's order:
  top:  `flat<TAB>sum<TAB>cum<TAB>name`, sum being the running sum of flat (pprof's sum%);
  peek: per function, `node<TAB>flat<TAB>cum<TAB>name`, then `caller<TAB>weight<TAB>name` and
        `callee<TAB>weight<TAB>name` rows as pprof lists them;
  list: per function and file, `function<TAB>flat<TAB>cum<TAB>name<TAB>file`, then
        `line<TAB>flat<TAB>cum<TAB>lineno` for each line with a value (as `scorch list --format
        tsv` prints them).
headers.txt holds the lines pprof prints above its reports for a few profiles (see headers())."""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "corpus")
OUT = os.path.join(ROOT, "tests", "pprof")

JFR_BLOCK = ("pyroscope/cortex-dev-01__kafka-0__cpu_lock0_alloc0__0.jfr.gz."
             "block_contentions_count_block_count.17241709254077376921.pb.gz")
GO_CPU = "pyroscope/profile.pprof"
GO_HEAP = "dd-trace-go/big-heap.pprof"
GO_LABELS = "pyroscope/go.cpu.labels.pprof"
JAVA_CPU = ("pyroscope/cortex-dev-01__kafka-0__cpu_lock0_alloc0__0.jfr.gz."
            "process_cpu_cpu_nanoseconds_cpu_nanoseconds.17241709254077376921.pb.gz")
JAVA_DUMP_CPU = ("pyroscope/dump1.jfr.gz."
                 "process_cpu_cpu_nanoseconds_cpu_nanoseconds.17241709254077376921.pb.gz")

# (name, command, corpus file, sample type, {option: value}); options are pprof's names.
CASES = [
    ("go-cpu-focus", "top", GO_CPU, "cpu", {"focus": "runtime"}),
    ("go-cpu-ignore", "top", GO_CPU, "cpu", {"ignore": "runtime"}),
    ("go-cpu-hide", "top", GO_CPU, "cpu", {"hide": "runtime"}),
    ("go-cpu-show", "top", GO_CPU, "cpu", {"show": "runtime"}),
    ("go-cpu-show-from", "top", GO_CPU, "cpu", {"show_from": "scanobject"}),
    ("go-cpu-focus-ignore-hide", "top", GO_CPU, "samples",
     {"focus": "gcBgMarkWorker|http", "ignore": "markroot", "hide": r"runtime\.(mcall|park_m)"}),
    ("go-heap-focus", "top", GO_HEAP, "alloc_space", {"focus": "json"}),
    ("go-heap-hide-inlined", "top", GO_HEAP, "inuse_space", {"hide": "runtime"}),
    ("go-heap-show", "top", GO_HEAP, "alloc_objects", {"show": "encoding|fastdelta"}),
    ("go-heap-show-from", "top", GO_HEAP, "alloc_space",
     {"show_from": "salami|coffee", "hide": "runtime"}),
    ("java-block-ignore", "top", JFR_BLOCK, "", {"ignore": "Purgatory"}),
    ("java-block-hide-focus", "top", JFR_BLOCK, "", {"hide": "^java", "focus": "kafka"}),
    ("node-hide-mapping", "top", "parca/node-profile.pb.gz", "", {"hide": "libc"}),
    ("node-show-from-mapping", "top", "parca/node-profile.pb.gz", "", {"show_from": "node$"}),
    ("partial-focus-mapping", "top", "parca/pkg-symbolizer-testdata/profile.pb.gz", "",
     {"focus": "main"}),
    ("partial-show", "top", "parca/pkg-symbolizer-testdata/profile.pb.gz", "",
     {"show": "timer|task"}),
    # Granularity.
    ("go-cpu-filefunctions", "top", GO_CPU, "cpu", {"granularity": "filefunctions", "focus": "tsdb"}),
    ("go-cpu-files", "top", GO_CPU, "cpu", {"granularity": "files", "focus": "gcBgMarkWorker"}),
    ("go-cpu-lines", "top", GO_CPU, "cpu", {"granularity": "lines", "focus": "encoding"}),
    ("go-heap-lines-inlined", "top", GO_HEAP, "alloc_space", {"granularity": "lines"}),
    ("go-heap-addresses", "top", GO_HEAP, "inuse_space", {"granularity": "addresses"}),
    ("go-heap-files-focus", "top", GO_HEAP, "alloc_objects",
     {"granularity": "files", "focus": "json"}),
    ("node-addresses", "top", "parca/node-profile.pb.gz", "", {"granularity": "addresses"}),
    ("node-files", "top", "parca/node-profile.pb.gz", "", {"granularity": "files"}),
    ("partial-lines", "top", "parca/pkg-symbolizer-testdata/profile.pb.gz", "",
     {"granularity": "lines"}),
    # Labels: tag filters and tag roots.
    ("tags-go-tagfocus-key", "top", GO_LABELS, "", {"tagfocus": "function=slow"}),
    ("tags-go-tagignore-any-key", "top", GO_LABELS, "", {"tagignore": "fast"}),
    ("tags-go-tagfocus-all-of", "top", GO_LABELS, "", {"tagfocus": "foo:bar,function:s"}),
    ("tags-go-tagroot", "top", GO_LABELS, "", {"tagroot": "function,foo"}),
    ("tags-go-tagroot-focus", "top", GO_LABELS, "",
     {"tagroot": "function", "focus": "^fast$", "tagignore": "profile_id=^0"}),
    ("tags-heap-range", "top", GO_HEAP, "alloc_space", {"tagfocus": "bytes=1kb:64kb"}),
    ("tags-heap-range-open", "top", GO_HEAP, "alloc_objects", {"tagignore": "1mb:"}),
    ("tags-heap-tagroot-numeric", "top", GO_HEAP, "inuse_space",
     {"tagroot": "bytes", "hide": "runtime|encoding"}),
    ("tags-node-tagroot", "top", "parca/node-profile.pb.gz", "", {"tagroot": "thread_name,nokey"}),
    # Diff against a base profile (the option's value is a corpus path; normalize is a flag).
    ("diff-heap", "top", "dd-trace-go/heap.pprof", "alloc_space",
     {"diff_base": "dd-trace-go/heap.after.pprof"}),
    ("diff-heap-normalize", "top", "dd-trace-go/heap.pprof", "inuse_objects",
     {"diff_base": "dd-trace-go/heap.after.pprof", "normalize": True}),
    ("diff-cpu-normalize-focus", "top", "pyroscope/go.cpu.labels.pprof", "cpu",
     {"diff_base": "pprof/sample.cpu", "normalize": True, "focus": "main|runtime"}),
    ("diff-heap-big-lines", "top", GO_HEAP, "alloc_objects",
     {"diff_base": "dd-trace-go/heap.pprof", "granularity": "lines", "hide": "runtime"}),
    # Sorted by cum (pprof -top -cum): sum% is still the running sum of flat, in that order.
    ("go-cpu-cum", "top", GO_CPU, "cpu", {"cum": True}),
    ("go-heap-cum-hide", "top", GO_HEAP, "alloc_space", {"cum": True, "hide": "runtime"}),
    ("diff-heap-cum", "top", "dd-trace-go/heap.pprof", "alloc_space",
     {"diff_base": "dd-trace-go/heap.after.pprof", "cum": True}),
    # Peek: callers and callees (the regular expression is the option `peek`).
    ("peek-go-cpu-scanobject", "peek", GO_CPU, "cpu", {"peek": "scanobject$|gcDrain$"}),
    ("peek-go-heap-json-recursive", "peek", GO_HEAP, "alloc_space", {"peek": "encoding/json"}),
    ("peek-go-heap-lines-hide", "peek", GO_HEAP, "inuse_objects",
     {"peek": "json", "granularity": "lines", "hide": "reflect"}),
    ("peek-java-block", "peek", JFR_BLOCK, "", {"peek": "kafka.*Purgatory"}),
    # Several profiles merged (`go tool pprof A B ...`): the option `merge` lists the files
    # after the first.
    ("merge-cpu-three", "top", "pprof/sample.cpu", "cpu",
     {"merge": ["go-profiler-notes/benchmark.cpu.pb.gz", GO_LABELS]}),
    ("merge-heap", "top", "dd-trace-go/heap.pprof", "alloc_space",
     {"merge": ["dd-trace-go/heap.after.pprof"]}),
    ("merge-heap-focus-lines", "top", "dd-trace-go/heap.pprof", "inuse_objects",
     {"merge": ["dd-trace-go/heap.after.pprof"], "focus": "runtime", "granularity": "lines"}),
    ("merge-java-cpu", "top", JAVA_CPU, "", {"merge": [JAVA_DUMP_CPU]}),
    ("merge-tags-tagfocus", "top", GO_LABELS, "", {"merge": ["pprof/sample.cpu"],
                                                   "tagfocus": "function=slow"}),
    ("peek-merge-heap", "peek", "dd-trace-go/heap.pprof", "alloc_space",
     {"merge": ["dd-trace-go/heap.after.pprof"], "peek": "profileMerger|Delta$"}),
    # Annotated source (pprof -list; the regular expression is the option `list`): per
    # function and file its flat and cum, then the flat and cum of each line with a value.
    ("list-go-cpu-gc", "list", GO_CPU, "cpu", {"list": r"scanobject$|gcDrain$|findObject$"}),
    ("list-go-cpu-focus", "list", GO_CPU, "samples",
     {"list": r"^runtime\.(mallocgc|memmove|heapBitsSetType)$", "focus": "tsdb"}),
    ("list-go-heap-inlined", "list", GO_HEAP, "alloc_space",
     {"list": r"WithLabels|oklahoma|runtime\.(newobject|makemap|makeslice)$"}),
    ("list-go-heap-hide", "list", GO_HEAP, "inuse_objects",
     {"list": "salami|coffee", "hide": "runtime"}),
    ("list-go-labels-tagfocus", "list", GO_LABELS, "cpu",
     {"list": r"^main\.", "tagfocus": "function=slow"}),
    ("list-diff-heap", "list", "dd-trace-go/heap.pprof", "alloc_space",
     {"list": "profileMerger|Delta|compress", "diff_base": "dd-trace-go/heap.after.pprof"}),
    ("list-diff-cpu-normalize", "list", "pyroscope/go.cpu.labels.pprof", "cpu",
     {"list": r"^(main|runtime)\.", "diff_base": "pprof/sample.cpu", "normalize": True}),
    ("list-merge-heap", "list", "dd-trace-go/heap.pprof", "alloc_objects",
     {"list": "Delta|encoding", "merge": ["dd-trace-go/heap.after.pprof"]}),
    ("list-go-notes-cpu", "list", "go-profiler-notes/benchmark.cpu.pb.gz", "",
     {"list": r"^(runtime|main)\."}),
    # Saved by `scorch proto` with the options, then read by `go tool pprof -top` without them
    # (at the options' granularity): tests/pprof.rs checks that scorch reads the saved file the
    # same, and that the rows are those of `scorch top` of the original with the options.
    ("proto-plain", "proto", "pprof/sample.cpu", "", {}),
    ("proto-go-cpu-focus", "proto", GO_CPU, "cpu", {"focus": "runtime"}),
    ("proto-go-heap-hide", "proto", GO_HEAP, "alloc_space", {"hide": "runtime"}),
    ("proto-go-heap-lines-show-from", "proto", GO_HEAP, "inuse_space",
     {"show_from": "json", "granularity": "lines"}),
    ("proto-tags-tagfocus", "proto", GO_LABELS, "", {"tagfocus": "function=slow"}),
    ("proto-tags-tagroot", "proto", GO_LABELS, "samples", {"tagroot": "function"}),
    ("proto-merge-heap", "proto", "dd-trace-go/heap.pprof", "alloc_objects",
     {"merge": ["dd-trace-go/heap.after.pprof"], "ignore": "Delta"}),
    ("proto-java-block-ignore", "proto", JFR_BLOCK, "", {"ignore": "Purgatory"}),
    ("proto-node-hide-mapping", "proto", "parca/node-profile.pb.gz", "", {"hide": "libc"}),
]

TOTAL_RE = re.compile(r"^Showing nodes accounting for (\S+), \S+ of (\S+) total$")
ROW_RE = re.compile(r"^\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S.*)$")


def pprof(args):
    env = dict(os.environ, GOPROXY="off")
    return subprocess.run(["go", "tool", "pprof", "-symbolize=none"] + args, env=env,
                          check=True, capture_output=True, text=True,
                          errors="surrogateescape").stdout


def unit_of(path, sample_type):
    """The name and unit of `sample_type` (default: pprof's default type), from -raw's header."""
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


def pprof_flags(options):
    flags = []
    for key, value in options.items():
        if key == "merge":
            continue
        if key == "granularity":
            flags.append(f"-{value}")
        elif value is True:
            flags.append(f"-{key}")
        elif key == "diff_base":
            flags.append(f"-{key}={os.path.join(CORPUS, value)}")
        else:
            flags.append(f"-{key}={value}")
    return flags


def scorch_args(command, file, sample_type, options):
    args = [command, file] + options.get("merge", [])
    args += [options[command]] if command in ("peek", "list") else []
    args += ["--value-type", sample_type]
    for key, value in options.items():
        if key not in ("peek", "list", "merge"):
            args += [f"--{key.replace('_', '-')}"] + ([] if value is True else [value])
    return args


PEEK_EDGE_RE = re.compile(r"^\s+(\S+)\s+\S+\s+\|   (.*)$")
PEEK_NODE_RE = re.compile(r"^\s*(\S+)\s+\S+\s+\S+\s+(\S+)\s+\S+\s+\| (.*)$")


def peek(name, paths, base_args, regex):
    """pprof's -peek: per matching function, its callers, itself, its callees."""
    total, rows, block, node = None, [], [], False
    inline = re.compile(r" \((partial-)?inline\)$")
    for line in pprof([f"-peek={regex}"] + base_args + paths).splitlines():
        m = TOTAL_RE.match(line)
        if m:
            total = integer(m.group(2))
            continue
        if line.startswith("-----"):
            rows += block
            block, node = [], False
            continue
        if total is None or re.match(r"^\s*flat\s+flat%", line):
            continue
        m = PEEK_NODE_RE.match(line)
        if m and not node:
            block.insert(0, f"node\t{integer(m.group(1))}\t{integer(m.group(2))}\t{m.group(3)}")
            node = True
            continue
        m = PEEK_EDGE_RE.match(line)
        if not m:
            raise RuntimeError(f"{name}: unparsed peek line {line!r}")
        kind = "callee" if node else "caller"
        block.append(f"{kind}\t{integer(m.group(1))}\t{inline.sub('', m.group(2))}")
    return total, rows


def top(name, paths, base_args):
    total, rows, table, running = None, [], False, 0
    for line in pprof(["-top"] + base_args + paths).splitlines():
        if not table:
            m = TOTAL_RE.match(line)
            if m:
                total = integer(m.group(2))
            table = bool(re.match(r"^\s*flat\s+flat%\s+sum%\s+cum\s+cum%\s*$", line))
            continue
        m = ROW_RE.match(line)
        if not m:
            raise RuntimeError(f"{name}: unparsed row {line!r}")
        flat = integer(m.group(1))
        running += flat
        frame = re.sub(r" \((partial-)?inline\)$", "", m.group(6))
        rows.append(f"{flat}\t{running}\t{integer(m.group(4))}\t{frame}")
    return total, rows


ROUTINE_RE = re.compile(r"^ROUTINE =+ (.*) in (.*)$")
LIST_ROW_RE = re.compile(r"^\s*(\S+)\s+(\S+)\s+(\d+):")
LINES = 100000


def list_source(name, paths, base_args, regex):
    """pprof's -list: the routines and their totals as pprof lists them from a folder with no
    source in it (so their files are as recorded); then each routine's lines, from a folder of
    stand-in sources of LINES lines at the recorded paths, which pprof finds with -trim_path=/
    and prints line by line (its file names trimmed)."""
    def run(extra, cwd):
        env = dict(os.environ, GOPROXY="off")
        return subprocess.run(["go", "tool", "pprof", "-symbolize=none", f"-list={regex}"]
                              + base_args + extra + paths, env=env, cwd=cwd, check=True,
                              capture_output=True, text=True, errors="surrogateescape").stdout
    total, routines = None, []
    with tempfile.TemporaryDirectory() as empty:
        lines = run([f"-source_path={empty}"], "/").splitlines()
    for i, line in enumerate(lines):
        if line.startswith("Total: "):
            total = integer(line[len("Total: "):])
        m = ROUTINE_RE.match(line)
        if m:
            flat, cum = lines[i + 1].split()[:2]
            routines.append((m.group(1), m.group(2), integer(flat), integer(cum)))
    with tempfile.TemporaryDirectory() as src:
        for _, file, _, _ in routines:
            relative = file.lstrip("/")
            if relative.startswith(".."):
                raise RuntimeError(f"{name}: {file} is outside any folder")
            os.makedirs(os.path.dirname(os.path.join(src, relative)) or src, exist_ok=True)
            with open(os.path.join(src, relative), "w", errors="surrogateescape") as f:
                f.write("//\n" * LINES)
        listed, current = {}, None
        for line in run([f"-source_path={src}", "-trim_path=/"], "/").splitlines():
            m = ROUTINE_RE.match(line)
            if m:
                current = listed.setdefault((m.group(1), m.group(2)), [])
                continue
            if line.startswith(" Error:"):
                raise RuntimeError(f"{name}: pprof did not find a stand-in source: {line}")
            m = LIST_ROW_RE.match(line)
            if m and current is not None and "(flat, cum)" not in line:
                flat, cum = (0 if v == "." else integer(v) for v in m.group(1, 2))
                if int(m.group(3)) >= LINES:
                    raise RuntimeError(f"{name}: a line beyond the stand-in sources")
                if flat or cum:
                    current.append(f"line\t{flat}\t{cum}\t{m.group(3)}")
    rows = []
    for routine, file, flat, cum in routines:
        rows.append(f"function\t{flat}\t{cum}\t{routine}\t{file}")
        rows += listed[(routine, file.lstrip("/"))]
    return total, rows


def saved_top(name, file, sample_type, options, base_args):
    """`go tool pprof -top` of what `scorch proto` saves with the options: the filters are in
    the saved file, so only the value type, unit and granularity are given to pprof."""
    args = scorch_args("proto", file, sample_type, options)
    args[1:2 + len(options.get("merge", []))] = [
        os.path.join(CORPUS, f) for f in [file] + options.get("merge", [])]
    with tempfile.TemporaryDirectory() as tmp:
        saved = os.path.join(tmp, "saved.pb.gz")
        subprocess.run([os.path.join(ROOT, "target", "release", "scorch")] + args
                       + ["--output", saved], check=True)
        granularity = [f"-{options['granularity']}"] if "granularity" in options else []
        return top(name, [saved], base_args[:5] + (granularity or ["-functions"]))


# Profiles whose header (what pprof prints above a report) is written to headers.txt.
HEADERS = [GO_CPU, GO_HEAP, GO_LABELS, JAVA_CPU, "pprof/large.cpu", "parca/node-profile.pb.gz",
           "go-profiler-notes/cpu-max-stack-depth.pprof", "dd-trace-go/heap.pprof",
           "pprof/sample.cpu", "pyroscope/profile_java"]


def headers():
    """headers.txt: per profile, `file<TAB>line` for each line `go tool pprof -top` prints
    above its table (File, Build ID, comments, Type, Time in UTC, Duration), in order."""
    with open(os.path.join(OUT, "headers.txt"), "w", encoding="utf-8") as out:
        for file in HEADERS:
            env = dict(os.environ, GOPROXY="off", TZ="UTC")
            text = subprocess.run(["go", "tool", "pprof", "-symbolize=none", "-top",
                                   "-nodecount=1", os.path.join(CORPUS, file)], env=env,
                                  check=True, capture_output=True, text=True).stdout
            lines = text.splitlines()
            lines = lines[:next(i for i, l in enumerate(lines) if l.startswith("Showing "))]
            for line in lines:
                out.write(f"{file}\t{line.rstrip()}\n")
            print(f"headers {file}: {len(lines)} lines")


def main():
    os.makedirs(OUT, exist_ok=True)
    headers()
    for name, command, file, sample_type, options in CASES:
        path = os.path.join(CORPUS, file)
        paths = [path] + [os.path.join(CORPUS, f) for f in options.get("merge", [])]
        sample_type, unit = unit_of(path, sample_type)
        base_args = [f"-sample_index={sample_type}", f"-unit={unit}", "-nodecount=1000000",
                     "-nodefraction=0", "-edgefraction=0"]
        if "granularity" not in options and command != "list":
            base_args.append("-functions")
        base_args += pprof_flags({k: v for k, v in options.items() if k not in ("peek", "list")})
        if command == "peek":
            total, rows = peek(name, paths, base_args, options["peek"])
        elif command == "list":
            total, rows = list_source(name, paths, base_args, options["list"])
        elif command == "proto":
            total, rows = saved_top(name, file, sample_type, options, base_args)
        else:
            total, rows = top(name, paths, base_args)
        if total is None:
            # pprof prints no table when the filters leave nothing: its total, unfiltered.
            total, _ = top(name, paths, base_args[:5] + ["-nodecount=1"])
        with open(os.path.join(OUT, f"{name}.tsv"), "w", encoding="utf-8",
                  errors="surrogateescape") as out:
            out.write("#\t" + "\t".join(scorch_args(command, file, sample_type, options)) + "\n")
            out.write(f"total\t{total}\n")
            for row in rows:
                out.write(row + "\n")
        print(f"{name}: {len(rows)} rows")


if __name__ == "__main__":
    main()
