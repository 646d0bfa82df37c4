//! Native benchmark of the engine: each stage (inflate, decode, aggregate, layout) alone with
//! its throughput in MiB of inflated profile per second, then the whole path (inflate, decode,
//! aggregate) with its peak memory, on the largest corpus profiles and on synthetic ones the
//! project generates (1, 10, 50, 100 MiB gzipped by default); where `go` is installed,
//! `go tool pprof -raw` on the same file.
//!
//! `cargo bench --bench pipeline` prints a markdown table. Environment:
//! - `SCORCH_BENCH_SIZES=1,10` synthetic sizes in MiB (default `1,10,50,100`);
//! - `SCORCH_BENCH_GO=0` skips `go tool pprof`;
//! - `SCORCH_CORPUS` as for the tests.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use scorch::input::pprof;
use scorch::synthetic::{self, SyntheticOptions};
use scorch::view::flame_layout::FlameLayout;
use scorch::CallTree;

/// Counts live heap bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, layout, new_size) };
        if !q.is_null() {
            if new_size > layout.size() {
                let grow = new_size - layout.size();
                let live = LIVE.fetch_add(grow, Ordering::Relaxed) + grow;
                PEAK.fetch_max(live, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        q
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(f());
                start.elapsed()
            })
            .collect(),
    )
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / 1048576.0
}

fn inputs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = std::env::var_os("SCORCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/corpus"));
    let mut files: Vec<PathBuf> = [
        "pyroscope/distributors.pb.gz",
        "pprof/large.cpu",
        "pyroscope/profile.pprof",
    ]
    .iter()
    .map(|p| corpus.join(p))
    .filter(|p| p.is_file())
    .collect();
    let sizes = std::env::var("SCORCH_BENCH_SIZES").unwrap_or_else(|_| "1,10,50,100".into());
    let dir = root.join("target/bench-data");
    std::fs::create_dir_all(&dir).expect("create target/bench-data");
    for size in sizes
        .split(',')
        .filter_map(|s| s.trim().parse::<u64>().ok())
    {
        let path = dir.join(format!("synthetic-{size}mib.pb.gz"));
        if !path.is_file() {
            eprintln!("generating {}", path.display());
            let file = std::fs::File::create(&path).expect("create synthetic profile");
            let options = SyntheticOptions {
                target_gzipped_bytes: size << 20,
                seed: size,
            };
            synthetic::write(&options, std::io::BufWriter::new(file)).expect("write synthetic");
        }
        files.push(path);
    }
    files
}

fn go_raw_seconds(path: &Path) -> Option<f64> {
    if std::env::var("SCORCH_BENCH_GO").as_deref() == Ok("0") {
        return None;
    }
    let start = Instant::now();
    let status = Command::new("go")
        .args(["tool", "pprof", "-raw", "-symbolize=none"])
        .arg(path)
        .env("GOPROXY", "off")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?;
    status.success().then(|| start.elapsed().as_secs_f64())
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is read from the command line.
    println!(
        "| profile | gzipped MiB | inflated MiB | samples | stacks | nodes | inflate s (MiB/s) \
         | decode s (MiB/s) | aggregate s (MiB/s) | layout s (MiB/s) | inflate+decode+aggregate s \
         | vs inflate | peak MiB | peak / inflated | go -raw s | speed-up vs go |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for path in inputs() {
        let bytes = std::fs::read(&path).expect("read input");
        let inflated = if pprof::is_gzip(&bytes) {
            pprof::inflate(&bytes, u64::MAX).expect("inflate")
        } else {
            bytes.clone()
        };
        let inflated_len = inflated.len();
        let runs = if bytes.len() > 20 << 20 { 3 } else { 5 };
        // Each stage alone, for finding a regression; then the whole path, measured for peak.
        let decode_time = time(runs, || {
            pprof::decode_uncompressed(&inflated).expect("decode")
        });
        let profile = pprof::decode_uncompressed(&inflated).expect("decode");
        drop(inflated);
        let stacks = profile.stacks.len() - 1;
        let aggregate_time = time(runs, || {
            CallTree::build(&profile, profile.default_value_index)
        });
        let tree = CallTree::build(&profile, profile.default_value_index);
        drop(profile);
        let layout_time = time(runs, || FlameLayout::new(&tree));
        drop(tree);
        let inflate_time = if pprof::is_gzip(&bytes) {
            time(runs, || {
                pprof::inflate(&bytes, u64::MAX).expect("inflate").len()
            })
        } else {
            Duration::ZERO
        };
        let mut nodes = 0;
        let mut samples = 0;
        let baseline = LIVE.load(Ordering::Relaxed);
        PEAK.store(baseline, Ordering::Relaxed);
        let total_time = time(runs, || {
            let profile = pprof::decode(&bytes).expect("decode");
            let tree = CallTree::build(&profile, profile.default_value_index);
            samples = profile.samples.len();
            nodes = tree.len();
        });
        let peak = PEAK.load(Ordering::Relaxed) - baseline;
        let go = go_raw_seconds(&path);
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let stage = |t: Duration| {
            format!(
                "{:.3} ({:.0})",
                t.as_secs_f64(),
                mib(inflated_len) / t.as_secs_f64()
            )
        };
        println!(
            "| {name} | {:.1} | {:.1} | {samples} | {stacks} | {nodes} | {} | {} | {} | {} | {:.3} | {} | {:.0} | {:.2} | {} | {} |",
            mib(bytes.len()),
            mib(inflated_len),
            if inflate_time.is_zero() {
                "-".to_string()
            } else {
                stage(inflate_time)
            },
            stage(decode_time),
            stage(aggregate_time),
            stage(layout_time),
            total_time.as_secs_f64(),
            if inflate_time.is_zero() {
                "-".to_string()
            } else {
                format!("{:.2}x", total_time.as_secs_f64() / inflate_time.as_secs_f64())
            },
            mib(peak),
            peak as f64 / inflated_len as f64,
            go.map_or("-".to_string(), |s| format!("{s:.2}")),
            go.map_or("-".to_string(), |s| format!("{:.0}x", s / total_time.as_secs_f64())),
        );
    }
}
