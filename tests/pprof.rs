//! `scorch` against `go tool pprof` with the same options (filters, granularity, tag filters,
//! tag roots, diff base, peek, several profiles merged): `tests/pprof/*.tsv`, written by
//! `scripts/pprof-references.py` from the corpus. Each reference starts with the `scorch`
//! arguments that must print it.
//! Needs the corpus (skipped without it, a failure when CI=true).

use std::path::PathBuf;
use std::process::Command;

mod common;
use common::{corpus_or_skip, difference, run_reference};

#[test]
fn scorch_prints_what_go_tool_pprof_prints() {
    let Some(corpus) = corpus_or_skip() else {
        return;
    };
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/pprof");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "tsv"))
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 20,
        "expected the references in {}",
        dir.display()
    );
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
