//! What the reference tests share: where the corpus is, and the first line where scorch's
//! output differs from a reference.

use std::path::PathBuf;

/// `$SCORCH_CORPUS`, else `../shared/corpus` beside the repository.
pub fn corpus() -> PathBuf {
    std::env::var_os("SCORCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"))
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
