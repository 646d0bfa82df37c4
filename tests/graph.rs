//! `scorch graph --format tsv` against pprof's call graph (`go tool pprof -dot`, read by the
//! oracle's graph.py): `tests/graph/corpus/` holds every corpus profile pprof decodes, for
//! every value type, and `tests/graph/cases/` option cases; all written by
//! `scripts/graph-references.py`, each starting with the `scorch` arguments that must print
//! it. Every line must be equal. `scorch graph --format dot` must write the node and edge
//! lines of pprof's own `-dot` (`tests/graph/dot/`). Needs the corpus (skipped without it, a
//! failure when CI=true).

use std::path::{Path, PathBuf};

mod common;
use common::{corpus_or_skip, difference, run_reference};

/// Every `.tsv` under `dir`, sorted.
fn references(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "tsv") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// A name as graph.py reads it back from pprof's DOT: pprof escapes `\\` and `"` (and a
/// line break as `\l`), graph.py unescapes only `\"`.
fn as_oracle_reads(name: &str) -> String {
    name.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\l")
        .replace("\\\"", "\"")
}

/// scorch's TSV with its names as the oracle would have read them.
fn oracle_view(tsv: &str) -> Vec<String> {
    tsv.lines()
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            let names = match cells[0] {
                "node" => 3..cells.len(),
                "edge" => 4..cells.len(),
                _ => 0..0,
            };
            cells
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    if names.contains(&i) {
                        as_oracle_reads(c)
                    } else {
                        c.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join("\t")
        })
        .collect()
}

#[test]
fn scorch_draws_the_graph_go_tool_pprof_draws() {
    let Some(corpus) = corpus_or_skip() else {
        return;
    };
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/graph");
    let cases = references(&dir);
    let option_cases = cases
        .iter()
        .filter(|c| c.starts_with(dir.join("cases")))
        .count();
    assert!(
        cases.len() >= 200 && option_cases >= 12,
        "expected the references in {} ({} found, {option_cases} option cases)",
        dir.display(),
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.strip_prefix(&dir).unwrap().display().to_string();
        match run_reference(case, &corpus, &["--format", "tsv"]) {
            (_, Err(why)) => failures.push(format!("{name}: {why}")),
            (want, Ok(got)) => {
                let got = oracle_view(&got);
                let got: Vec<&str> = got.iter().map(String::as_str).collect();
                let want: Vec<&str> = want.lines().collect();
                if let Some(d) = difference(&want, &got) {
                    failures.push(format!("{name}: {d}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn scorch_writes_the_dot_go_tool_pprof_writes() {
    let Some(corpus) = corpus_or_skip() else {
        return;
    };
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/graph/dot");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 4,
        "expected the DOT references in {}",
        dir.display()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let (want, got) = run_reference(case, &corpus, &[]);
        let got = got.unwrap_or_else(|why| panic!("{}: {why}", case.display()));
        // The node and edge lines: pprof's legend names its file differently.
        let got: Vec<&str> = got
            .lines()
            .filter(|l| l.starts_with('N') && l[1..].starts_with(|c: char| c.is_ascii_digit()))
            .collect();
        let want: Vec<&str> = want.lines().collect();
        if let Some(d) = difference(&want, &got) {
            failures.push(format!("{}: {d}", case.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
