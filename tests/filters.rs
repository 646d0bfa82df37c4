//! pprof's name filters (focus, ignore, hide, show, show_from) against `go tool pprof -top`
//! with the same flags: `tests/filters/*.tsv`, written by `scripts/filter-references.py` from
//! the corpus. Needs the corpus (skipped without it, a failure when CI=true).

use std::collections::BTreeMap;
use std::path::PathBuf;

use scorch::filter::{self, Filters};
use scorch::load;
use scorch::pprof::DecodeOptions;

fn corpus() -> PathBuf {
    std::env::var_os("SCORCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"))
}

/// `# FILE --value-type T --focus 'RE' ...` -> (file, value type, filters).
fn parse_header(line: &str) -> (String, String, Filters) {
    let mut parts = line.trim_start_matches("# ").splitn(2, " --value-type ");
    let file = parts.next().unwrap().to_string();
    let rest = parts.next().unwrap();
    let (value_type, flags) = rest.split_once(' ').unwrap_or((rest, ""));
    let mut filters = Filters::default();
    for flag in flags.split(" --").filter(|f| !f.is_empty()) {
        let (name, value) = flag.trim_start_matches("--").split_once(' ').unwrap();
        let value = value.trim_matches('\'');
        let re = Some(regex::Regex::new(value).unwrap());
        match name {
            "focus" => filters.focus = re,
            "ignore" => filters.ignore = re,
            "hide" => filters.hide = re,
            "show" => filters.show = re,
            "show-from" => filters.show_from = re,
            other => panic!("unknown filter {other}"),
        }
    }
    (file, value_type.to_string(), filters)
}

#[test]
fn filters_match_go_tool_pprof() {
    let corpus = corpus();
    if !corpus.join("MANIFEST.tsv").is_file() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "no corpus at {}",
            corpus.display()
        );
        eprintln!("SKIPPED: no corpus at {}", corpus.display());
        return;
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/filters");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "tsv"))
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 10,
        "expected the filter references in {}",
        dir.display()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let text = std::fs::read_to_string(case).unwrap();
        let mut lines = text.lines();
        let (file, value_type, filters) = parse_header(lines.next().unwrap());
        let expected_total: i64 = lines.next().unwrap()["total\t".len()..].parse().unwrap();
        let expected: BTreeMap<String, (i64, i64)> = lines
            .map(|l| {
                let mut f = l.splitn(3, '\t');
                let flat = f.next().unwrap().parse().unwrap();
                let cum = f.next().unwrap().parse().unwrap();
                (f.next().unwrap().to_string(), (flat, cum))
            })
            .collect();
        let bytes = std::fs::read(corpus.join(&file)).unwrap();
        let profile = load::open(&bytes, &DecodeOptions::default()).unwrap();
        let index = profile.value_index(&value_type).unwrap();
        let tree = filter::call_tree(&profile, index, &filters);
        let got: BTreeMap<String, (i64, i64)> = tree
            .function_table()
            .iter()
            .map(|r| (tree.frames().name(r.frame).to_string(), (r.flat, r.cum)))
            .collect();
        let name = case.file_name().unwrap().to_string_lossy();
        if !expected.is_empty() && tree.profile_total() != expected_total {
            failures.push(format!(
                "{name}: total {} != {expected_total}",
                tree.profile_total()
            ));
        }
        if got != expected {
            let differing: Vec<_> = expected
                .iter()
                .filter(|(k, v)| got.get(*k) != Some(v))
                .map(|(k, v)| format!("{k}: pprof {v:?}, scorch {:?}", got.get(k)))
                .chain(
                    got.keys()
                        .filter(|k| !expected.contains_key(*k))
                        .map(|k| format!("{k}: only scorch {:?}", got[k])),
                )
                .take(5)
                .collect();
            failures.push(format!(
                "{name}: {} differ, e.g.\n  {}",
                differing.len(),
                differing.join("\n  ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
