//! What the reference tests share: where the corpus is, running `scorch` as a reference's
//! first line says (or with other arguments), and the first line where its output differs
//! from the reference.

use std::path::{Path, PathBuf};
use std::process::Command;

/// `$SCORCH_CORPUS`, else `../shared/corpus` beside the repository.
fn corpus() -> PathBuf {
    std::env::var_os("SCORCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"))
}

/// The corpus, or `None` (said on stderr) when it is missing outside CI; in CI
/// (`CI=true`) a missing corpus is a failure.
pub fn corpus_or_skip() -> Option<PathBuf> {
    let corpus = corpus();
    if corpus.join("MANIFEST.tsv").is_file() {
        return Some(corpus);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "no corpus at {}",
        corpus.display()
    );
    eprintln!("SKIPPED: no corpus at {}", corpus.display());
    None
}

/// The first line where `got` differs from `want`, or a difference in length.
pub fn difference(want: &[&str], got: &[&str]) -> Option<String> {
    match want.iter().zip(got).position(|(w, g)| w != g) {
        Some(i) => Some(format!(
            "line {}: pprof {:?}, scorch {:?}",
            i + 1,
            want[i],
            got[i]
        )),
        None if want.len() != got.len() => Some(format!(
            "pprof has {} lines, scorch {}; first extra: {:?}",
            want.len(),
            got.len(),
            want.get(got.len()).or(got.get(want.len()))
        )),
        None => None,
    }
}

/// A reference file: the `scorch` arguments of its first line (`#<TAB>`-separated, corpus
/// paths relative to `corpus`) run with `extra`; its other lines and scorch's output, or why
/// scorch failed.
pub fn run_reference(
    case: &Path,
    corpus: &Path,
    extra: &[&str],
) -> (String, Result<String, String>) {
    let (mut args, want) = read_reference(case, corpus);
    args.extend(extra.iter().map(|a| a.to_string()));
    (want, run_scorch(&args))
}

/// A reference file's `scorch` arguments, corpus paths made whole, and its other lines.
pub fn read_reference(case: &Path, corpus: &Path) -> (Vec<String>, String) {
    let text = std::fs::read_to_string(case).unwrap();
    let (header, want) = text.split_once('\n').unwrap();
    let mut args: Vec<String> = header.split('\t').skip(1).map(str::to_string).collect();
    // The profiles (one, or several merged) and a base profile are corpus paths: the
    // arguments after the command up to the first option or peek's regex, and the base.
    let files = args[1..]
        .iter()
        .take_while(|a| !a.starts_with("--") && corpus.join(a).is_file())
        .count();
    for i in 1..args.len() {
        if i <= files || args[i - 1] == "--diff-base" {
            args[i] = corpus.join(&args[i]).to_string_lossy().into_owned();
        }
    }
    (args, want.to_string())
}

/// What `scorch ARGS` prints, or why it failed.
pub fn run_scorch<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Result<String, String> {
    let output = Command::new(env!("CARGO_BIN_EXE_scorch"))
        .args(args)
        .output()
        .unwrap();
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(format!(
            "scorch failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}
