//! `scorch` against `go tool pprof` with the same options (filters, granularity, tag filters,
//! tag roots, diff base, peek, list, several profiles merged): `tests/pprof/*.tsv`, written by
//! `scripts/pprof-references.py` from the corpus. Each reference starts with the `scorch`
//! arguments that must print it. Also the header `scorch info` starts with (`headers.txt`), the
//! inverted and collapsed folded stacks against the plain ones, and profiles read from an
//! address.
//! Needs the corpus (skipped without it, a failure when CI=true).

use std::path::PathBuf;
use std::process::Command;

mod common;
use common::{corpus_or_skip, difference, read_reference, run_reference, run_scorch};

/// The references in tests/pprof whose names start with `prefix` and with none of `others`.
fn references(prefix: &str, others: &[&str]) -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/pprof");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "tsv"))
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with(prefix) && !others.iter().any(|o| name.starts_with(o))
        })
        .collect();
    cases.sort();
    cases
}

#[test]
fn scorch_prints_what_go_tool_pprof_prints() {
    let Some(corpus) = corpus_or_skip() else {
        return;
    };
    let cases = references("", &["proto-", "list-"]);
    assert!(cases.len() >= 20, "expected the references in tests/pprof");
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy();
        match run_reference(case, &corpus, &["--format", "ordered"]) {
            (_, Err(why)) => failures.push(format!("{name}: {why}")),
            (want, Ok(got)) => {
                let want: Vec<&str> = want.lines().collect();
                if let Some(d) = difference(&want, &got.lines().collect::<Vec<_>>()) {
                    failures.push(format!("{name}: {d}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `scorch list --format tsv` prints the routines and per-line values `go tool pprof -list`
/// prints (the reference's total line is pprof's, which the tsv does not repeat).
#[test]
fn listings_are_go_tool_pprof_lists() {
    let Some(corpus) = corpus_or_skip() else {
        return;
    };
    let cases = references("list-", &[]);
    assert!(cases.len() >= 8, "expected the list-* references");
    let mut failures = Vec::new();
    let mut routines = 0;
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy();
        match run_reference(case, &corpus, &["--format", "tsv"]) {
            (_, Err(why)) => failures.push(format!("{name}: {why}")),
            (want, Ok(got)) => {
                let want: Vec<&str> = want.lines().skip(1).collect();
                routines += want.iter().filter(|l| l.starts_with("function\t")).count();
                if let Some(d) = difference(&want, &got.lines().collect::<Vec<_>>()) {
                    failures.push(format!("{name}: {d}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(routines >= 10, "only {routines} functions listed");
}

/// The source text of a listing is found under `--source-dir` by a suffix of the recorded
/// path, and printed beside each line's values; without it the lines still have their values.
#[test]
fn listings_show_the_source_found_under_a_folder() {
    let Some(corpus) = corpus_or_skip() else {
        return;
    };
    let profile = corpus.join("dd-trace-go/big-heap.pprof");
    let (args, want) = read_reference(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/pprof/list-go-heap-inlined.tsv"),
        &corpus,
    );
    assert_eq!(args[1], profile.to_string_lossy());
    // The first routine with a file and its first line with a value, from the reference.
    let rows: Vec<Vec<&str>> = want.lines().map(|l| l.split('\t').collect()).collect();
    let function = rows.iter().position(|r| r[0] == "function").unwrap();
    let (name, file) = (rows[function][3], rows[function][4]);
    let line: usize = rows[function + 1][3].parse().unwrap();
    let dir = std::env::temp_dir().join(format!("scorch-source-{}", std::process::id()));
    let suffix: PathBuf = file
        .rsplit('/')
        .take(2)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    std::fs::create_dir_all(dir.join(&suffix).parent().unwrap()).unwrap();
    let text: String = (1..=line + 10)
        .map(|n| format!("code of line {n}\n"))
        .collect();
    std::fs::write(dir.join(&suffix), text).unwrap();
    let regex = format!("^{}$", regex::escape(name));
    let base = [
        "list".to_string(),
        args[1].clone(),
        regex,
        "--value-type".into(),
        "alloc_space".into(),
    ];
    let found = run_scorch(
        &[
            &base[..],
            &["--source-dir".into(), dir.display().to_string()],
        ]
        .concat(),
    );
    std::fs::remove_dir_all(&dir).unwrap();
    let found = found.unwrap();
    let row = found
        .lines()
        .find(|l| l.ends_with(&format!(" {line}:code of line {line}")))
        .unwrap_or_else(|| panic!("no source text at line {line}:\n{found}"));
    let values: Vec<&str> = row.split_whitespace().take(2).collect();
    assert_ne!(values, [".", "."], "line {line} has no value: {row}");
    assert!(found.contains(&format!(
        "{}:code of line {}",
        line.saturating_sub(5).max(1),
        line.saturating_sub(5).max(1)
    )));
    let missing = run_scorch(&base).unwrap();
    assert!(missing.contains(&format!(" {line}:\n")), "{missing}");
    assert!(
        missing.contains(&format!("source not found: looked for {file}")),
        "{missing}"
    );
}

/// Profiles of different kinds are not merged: the error names the one that differs, the first,
/// and their value types.
#[test]
fn profiles_of_different_kinds_are_refused() {
    let Some(corpus) = corpus_or_skip() else {
        return;
    };
    let cpu = corpus.join("pprof/sample.cpu");
    let heap = corpus.join("dd-trace-go/heap.pprof");
    let output = Command::new(env!("CARGO_BIN_EXE_scorch"))
        .args(["top".as_ref(), cpu.as_os_str(), heap.as_os_str()])
        .output()
        .unwrap();
    assert!(!output.status.success(), "the pair was merged");
    let error = String::from_utf8_lossy(&output.stderr);
    let expected = format!(
        "{} cannot be merged with {}: its value types are alloc_objects/count, \
         alloc_space/bytes, inuse_objects/count, inuse_space/bytes where the first's are \
         samples/count, cpu/nanoseconds",
        heap.display(),
        cpu.display()
    );
    assert!(error.contains(&expected), "{error}");
}

/// A profile saved by `scorch proto` under options reads back, in scorch, as `go tool pprof
/// -top` read the file the reference script saved; and its rows (not its total, which is the
/// saved samples' and not the whole profile's) are `scorch top`'s of the original under the
/// options.
#[test]
fn saved_profiles_read_back_as_the_view_in_go_tool_pprof() {
    let Some(corpus) = corpus_or_skip() else {
        return;
    };
    let cases = references("proto-", &[]);
    assert!(cases.len() >= 8, "expected the proto-* references");
    let dir = std::env::temp_dir().join(format!("scorch-proto-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let (args, want) = read_reference(case, &corpus);
        let want: Vec<&str> = want.lines().collect();
        let saved = dir.join(format!("{name}.pb.gz"));
        let mut save = args.clone();
        save.extend(["--output".into(), saved.to_string_lossy().into_owned()]);
        if let Err(why) = run_scorch(&save) {
            failures.push(format!("{name}: {why}"));
            continue;
        }
        // Read back with the value type and granularity only.
        let mut read = vec!["top".to_string(), saved.to_string_lossy().into_owned()];
        for pair in args.windows(2) {
            if pair[0] == "--value-type" || pair[0] == "--granularity" {
                read.extend(pair.iter().cloned());
            }
        }
        read.extend(["--format".into(), "ordered".into()]);
        let mut view = args.clone();
        view[0] = "top".into();
        view.extend(["--format".into(), "ordered".into()]);
        for (what, run, skip) in [("read back", &read, 0), ("the view", &view, 1)] {
            match run_scorch(run) {
                Err(why) => failures.push(format!("{name}, {what}: {why}")),
                Ok(got) => {
                    let got: Vec<&str> = got.lines().skip(skip).collect();
                    if let Some(d) = difference(&want[skip..], &got) {
                        failures.push(format!("{name}, {what}: {d}"));
                    }
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The calls inlined at a line name functions whose code was inlined into a caller, and a
/// Go heap profile built with inlining has some.
#[test]
fn inlined_calls_are_marked_at_their_lines() {
    let Some(corpus) = corpus_or_skip() else {
        return;
    };
    let bytes = std::fs::read(corpus.join("dd-trace-go/big-heap.pprof")).unwrap();
    let profile = scorch::input::load::open(&bytes, &Default::default()).unwrap();
    let listing = scorch::analysis::source::listing(&profile, 1, &Default::default(), |_| true);
    let inlined: std::collections::HashSet<&str> = listing
        .routines
        .iter()
        .filter(|r| r.inlined)
        .map(|r| r.name.as_str())
        .collect();
    let calls: Vec<&String> = listing
        .routines
        .iter()
        .flat_map(|r| &r.lines)
        .flat_map(|l| &l.inlined)
        .collect();
    assert!(!calls.is_empty(), "no inlined call marked");
    for callee in calls {
        assert!(
            inlined.contains(callee.as_str()),
            "{callee} is marked but not inlined"
        );
    }
}

/// The nodes the lines of a function produced are the nodes of that function in the flame
/// graph: each is one of its frames, and together its lines cover every one of them.
#[test]
fn the_lines_of_a_function_produced_its_frames() {
    let Some(corpus) = corpus_or_skip() else {
        return;
    };
    let bytes = std::fs::read(corpus.join("pyroscope/profile.pprof")).unwrap();
    let profile = scorch::input::load::open(&bytes, &Default::default()).unwrap();
    let index = profile.default_value_index;
    let tree = scorch::CallTree::build(&profile, index);
    let table = tree.function_table();
    let mut checked = 0;
    for row in table.iter().step_by(149) {
        let name = tree.frames().name(row.frame);
        let source = scorch::analysis::source::function_source(
            &profile,
            None,
            index,
            &Default::default(),
            name,
        );
        if source.listing.routines.iter().all(|r| r.file.is_empty()) {
            continue;
        }
        let mut produced: Vec<_> = source.nodes.iter().flatten().flatten().copied().collect();
        produced.sort_unstable();
        produced.dedup();
        let frames: Vec<_> = (0..tree.len() as u32)
            .map(scorch::NodeId)
            .filter(|&n| tree.frame(n) == row.frame)
            .collect();
        assert_eq!(produced, frames, "{name}");
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} functions checked");
}

/// `scorch folded --inverted` prints each stack of `scorch folded` leaf first (flamegraph.pl's
/// `--reverse`), with the same values, inlined frames included.
#[test]
fn inverted_folded_stacks_are_the_stacks_leaf_first() {
    let Some(corpus) = corpus_or_skip() else {
        return;
    };
    for name in ["pyroscope/profile.pprof", "dd-trace-go/big-heap.pprof"] {
        let file = corpus.join(name).display().to_string();
        let reversed = |text: String| {
            let mut lines: Vec<String> = text
                .lines()
                .map(|l| {
                    let (stack, value) = l.rsplit_once(' ').unwrap();
                    let frames: Vec<&str> = stack.split(';').rev().collect();
                    format!("{} {value}", frames.join(";"))
                })
                .collect();
            lines.sort();
            lines
        };
        let mut inverted: Vec<String> = run_scorch(&["folded", &file, "--inverted"])
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
        inverted.sort();
        let want = reversed(run_scorch(&["folded", &file]).unwrap());
        assert!(want.len() > 100, "{name}: too few stacks");
        assert_eq!(inverted, want, "{name}");
    }
}

/// `scorch folded --collapse-recursion` prints `scorch folded`'s stacks with each frame whose
/// function is already on the stack below it dropped, equal stacks added up; with
/// `--inverted` too, those stacks leaf first.
#[test]
fn collapsed_folded_stacks_have_each_function_once() {
    let Some(corpus) = corpus_or_skip() else {
        return;
    };
    let lines = |args: &[&str]| -> Vec<String> {
        let mut lines: Vec<String> = run_scorch(args)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
        lines.sort();
        lines
    };
    for name in [
        "gdu/default.pgo",
        "go-profiler-notes/cpu-max-stack-depth.pprof",
        "dd-trace-go/heap.pprof",
    ] {
        let file = corpus.join(name).display().to_string();
        let mut merged: std::collections::BTreeMap<(bool, String), i64> = Default::default();
        let mut recursive = 0;
        for line in lines(&["folded", &file]) {
            let (stack, value) = line.rsplit_once(' ').unwrap();
            let mut frames: Vec<&str> = Vec::new();
            for frame in stack.split(';') {
                if !frames.contains(&frame) {
                    frames.push(frame);
                }
            }
            recursive += usize::from(frames.len() < stack.split(';').count());
            let value: i64 = value.parse().unwrap();
            *merged.entry((false, frames.join(";"))).or_default() += value;
            frames.reverse();
            *merged.entry((true, frames.join(";"))).or_default() += value;
        }
        assert!(recursive > 0, "{name}: no recursive stack");
        for inverted in [false, true] {
            let mut want: Vec<String> = merged
                .iter()
                .filter(|((i, _), &v)| *i == inverted && v != 0)
                .map(|((_, stack), v)| format!("{stack} {v}"))
                .collect();
            want.sort();
            let mut args = vec!["folded", file.as_str(), "--collapse-recursion"];
            if inverted {
                args.push("--inverted");
            }
            assert_eq!(lines(&args), want, "{name} {args:?}");
        }
    }
}

/// `scorch info` starts with the lines `go tool pprof` prints above its reports (File, Build
/// ID, comments, Type, Time in UTC, Duration with the total samples): `tests/pprof/headers.txt`.
/// The Duration line's numbers are in Scorch's units, so only that it is there, and whether it
/// has a share of the duration, are compared.
#[test]
fn info_starts_with_pprof_header() {
    let Some(corpus) = corpus_or_skip() else {
        return;
    };
    let reference = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/pprof/headers.txt");
    let text = std::fs::read_to_string(reference).unwrap();
    let mut files: Vec<&str> = Vec::new();
    for line in text.lines() {
        let file = line.split('\t').next().unwrap();
        if !files.contains(&file) {
            files.push(file);
        }
    }
    assert!(files.len() >= 8, "expected the headers of several profiles");
    for file in files {
        let want: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix(file)?.strip_prefix('\t'))
            .collect();
        let info = run_scorch(&["info", &corpus.join(file).display().to_string()]).unwrap();
        let got: Vec<&str> = info.lines().take_while(|l| *l != "value types:").collect();
        assert_eq!(got.len(), want.len(), "{file}: {got:?} against {want:?}");
        for (got, want) in got.iter().zip(&want) {
            if want.starts_with("Duration: ") {
                assert!(got.starts_with("Duration: "), "{file}: {got}");
                assert!(got.contains(", Total samples = "), "{file}: {got}");
                assert_eq!(
                    got.ends_with("%)"),
                    want.ends_with("%)"),
                    "{file}: {got} / {want}"
                );
            } else {
                assert_eq!(got, want, "{file}");
            }
        }
    }
}

/// A profile given by address is fetched by the command (with `--seconds` as pprof's
/// `-seconds`) and reads as the file does; a server's refusal is reported with pprof's words.
#[test]
fn commands_read_profiles_from_an_address() {
    let Some(corpus) = corpus_or_skip() else {
        return;
    };
    let file = corpus.join("pprof/sample.cpu");
    let bytes = std::fs::read(&file).unwrap();
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    let seen = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for request in server.incoming_requests().take(2) {
            seen.push(request.url().to_string());
            let response = if request.url().starts_with("/debug/pprof/profile") {
                tiny_http::Response::from_data(bytes.clone())
            } else {
                // What net/http/pprof answers for an unknown profile.
                tiny_http::Response::from_string("Unknown profile")
                    .with_status_code(404)
                    .with_header("X-Go-Pprof: 1".parse::<tiny_http::Header>().unwrap())
                    .with_header(
                        "Content-Type: text/plain; charset=utf-8"
                            .parse::<tiny_http::Header>()
                            .unwrap(),
                    )
            };
            request.respond(response).unwrap();
        }
        seen
    });
    let address = format!("http://127.0.0.1:{port}");
    let top = |source: &str, more: &[&str]| {
        let mut args = vec!["top", source, "--nodecount", "8"];
        args.extend_from_slice(more);
        run_scorch(&args)
    };
    let fetched = top(
        &format!("{address}/debug/pprof/profile"),
        &["--seconds", "3"],
    );
    assert_eq!(fetched, top(&file.display().to_string(), &[]));
    // As pprof, `host:port/path` is an address too, fetched over http.
    let refused =
        run_scorch(&["info", &format!("127.0.0.1:{port}/debug/pprof/nothing")]).unwrap_err();
    assert!(
        refused.contains(&format!(
            "{address}/debug/pprof/nothing: server response: 404 Not Found - Unknown profile"
        )),
        "{refused}"
    );
    assert_eq!(
        seen.join().unwrap(),
        ["/debug/pprof/profile?seconds=3", "/debug/pprof/nothing"]
    );
}
