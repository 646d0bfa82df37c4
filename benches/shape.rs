//! Native benchmark of the reshaped views: a profile's call tree built and laid out, against
//! the same tree inverted, with recursion collapsed, and both (what the page computes when the
//! view is switched), for a synthetic 1 MiB profile and large corpus profiles.
//!
//! `cargo bench --bench shape` prints a markdown table (medians of 5 runs); `SCORCH_CORPUS`
//! as for the tests.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use scorch::analysis::shape::{reshaped, Shape};
use scorch::input::load;
use scorch::input::pprof::DecodeOptions;
use scorch::model::frames::Granularity;
use scorch::synthetic::{self, SyntheticOptions};
use scorch::view::flame_layout::FlameLayout;
use scorch::CallTree;

fn time<T>(mut f: impl FnMut() -> T) -> Duration {
    let mut times: Vec<Duration> = (0..5)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect();
    times.sort();
    times[2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let corpus = std::env::var_os("SCORCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    let mut synthetic_bytes = Vec::new();
    synthetic::write(&SyntheticOptions::default(), &mut synthetic_bytes).expect("writes");
    let mut files = vec![("synthetic 1 MiB".to_string(), synthetic_bytes)];
    for name in [
        "pyroscope/profile.pprof",
        "pyroscope/distributors.pb.gz",
        "pprof/large.cpu",
        "go-profiler-notes/cpu-max-stack-depth.pprof",
    ] {
        let path = corpus.join(name);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        files.push((name.to_string(), bytes));
    }
    println!(
        "| profile | nodes | tree | layout | inverted (nodes) | collapsed (nodes) | both |\n\
         |---|---|---|---|---|---|---|"
    );
    for (name, bytes) in files {
        let profile = load::open(&bytes, &DecodeOptions::default()).expect("decodes");
        let index = profile.default_value_index;
        let tree = CallTree::build(&profile, index);
        let build = time(|| CallTree::build(&profile, index));
        let layout = time(|| FlameLayout::new(&tree));
        let shaped = |inverted, collapse_recursion| {
            let shape = Shape {
                inverted,
                collapse_recursion,
            };
            let nodes = reshaped(&tree, shape, Granularity::Functions).len();
            (
                time(|| reshaped(&tree, shape, Granularity::Functions)),
                nodes,
            )
        };
        let (inverted, inverted_nodes) = shaped(true, false);
        let (collapsed, collapsed_nodes) = shaped(false, true);
        let (both, _) = shaped(true, true);
        println!(
            "| {name} | {} | {} | {} | {} ({inverted_nodes}) | {} ({collapsed_nodes}) | {} |",
            tree.len(),
            ms(build),
            ms(layout),
            ms(inverted),
            ms(collapsed),
            ms(both)
        );
    }
}
