//! Records `static/example.pb.gz`: Scorch's engine profiled with pprof-rs (sampling at 199 Hz)
//! while it generates, decodes and aggregates synthetic profiles for a few seconds, written
//! gzipped like every `.pb.gz` that Go writes.

use std::io::Write;
use std::time::{Duration, Instant};

use flate2::write::GzEncoder;
use flate2::Compression;
use pprof::protos::Message;
use scorch::input::pprof::decode;
use scorch::synthetic::{self, SyntheticOptions};
use scorch::CallTree;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "static/example.pb.gz".to_string());
    let guard = pprof::ProfilerGuardBuilder::default()
        .frequency(199)
        .build()?;
    let start = Instant::now();
    let mut rounds = 0;
    while start.elapsed() < Duration::from_secs(6) {
        rounds += 1;
        let mut bytes = Vec::new();
        let options = SyntheticOptions {
            target_gzipped_bytes: 2 << 20,
            seed: rounds,
        };
        synthetic::write(&options, &mut bytes)?;
        let profile = decode(&bytes)?;
        for index in 0..profile.value_types.len() {
            let tree = CallTree::build(&profile, index);
            std::hint::black_box(tree.function_table());
            std::hint::black_box(tree.folded_stacks().len());
        }
    }
    let report = guard.report().build()?;
    let mut body = Vec::new();
    report.pprof()?.write_to_vec(&mut body)?;
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    gz.write_all(&body)?;
    let gz = gz.finish()?;
    std::fs::write(&out, &gz)?;
    eprintln!("{out}: {} bytes gzipped, {rounds} rounds", gz.len());
    Ok(())
}
