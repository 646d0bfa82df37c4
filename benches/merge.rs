//! Native benchmark of merging (`go tool pprof A B ...`): ten profiles of about 1 MiB decoded one
//! by one, then merged, then the merged profile's call tree, against decoding them alone; for ten
//! synthetic profiles of different seeds and for one corpus profile taken ten times (ten
//! captures of one program, whose functions and stacks mostly coincide).
//!
//! `cargo bench --bench merge` prints a markdown table (medians of 5 runs).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use scorch::analysis::options::FilterSpec;
use scorch::analysis::report;
use scorch::input::load;
use scorch::input::pprof::DecodeOptions;
use scorch::model::concat::merge;
use scorch::model::profile::Profile;
use scorch::synthetic::{self, SyntheticOptions};

const RUNS: usize = 5;
const PROFILES: usize = 10;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn time<T>(mut f: impl FnMut() -> T) -> Duration {
    median(
        (0..RUNS)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(f());
                start.elapsed()
            })
            .collect(),
    )
}

/// Ten synthetic profiles of about 1 MiB gzipped, of seeds 1 to 10.
fn synthetic_files() -> Vec<Vec<u8>> {
    (1..=PROFILES as u64)
        .map(|seed| {
            let mut bytes = Vec::new();
            let options = SyntheticOptions {
                target_gzipped_bytes: 1 << 20,
                seed,
            };
            synthetic::write(&options, &mut bytes).expect("write synthetic");
            bytes
        })
        .collect()
}

fn corpus() -> PathBuf {
    std::env::var_os("SCORCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"))
}

fn decode(bytes: &[u8]) -> Profile {
    load::open(bytes, &DecodeOptions::default()).expect("decode")
}

fn row(name: &str, files: &[Vec<u8>]) {
    let decode_all = time(|| files.iter().map(|f| decode(f)).collect::<Vec<_>>());
    let profiles: Vec<Profile> = files.iter().map(|f| decode(f)).collect();
    let refs: Vec<&Profile> = profiles.iter().collect();
    let merge_time = time(|| merge(&refs));
    let merged = merge(&refs);
    let index = merged.default_value_index;
    let filters = FilterSpec::default().compile().expect("no filters");
    let aggregate = time(|| report::report(&merged, index, &filters));
    let aggregate_each = time(|| {
        profiles
            .iter()
            .map(|p| report::report(p, index, &filters))
            .collect::<Vec<_>>()
    });
    let ms = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1e3);
    let gzipped: usize = files.iter().map(Vec::len).sum();
    println!(
        "| {name} | {:.1} | {} | {} | {} | {:.2} | {} | {} |",
        gzipped as f64 / 1048576.0,
        merged.samples.len(),
        ms(decode_all),
        ms(merge_time),
        merge_time.as_secs_f64() / decode_all.as_secs_f64(),
        ms(aggregate),
        ms(aggregate_each),
    );
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is read from the command line.
    println!(
        "| ten profiles | gzipped MiB | merged samples | decode all ms | merge ms | merge / decode \
         | merged tree ms | ten trees ms |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    row("synthetic 1 MiB, seeds 1-10", &synthetic_files());
    for name in ["pyroscope/profile.pprof", "pyroscope/distributors.pb.gz"] {
        if let Ok(bytes) = std::fs::read(corpus().join(name)) {
            row(&format!("{name} ×10"), &vec![bytes; PROFILES]);
        }
    }
}
