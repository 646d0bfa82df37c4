//! A generator of large, realistic pprof profiles for benchmarks: deep stacks with shared
//! prefixes, recursion, inlined frames, two value types (`samples/count`, `cpu/nanoseconds`)
//! and labels, written gzipped until a target size is reached. Deterministic for a seed.
//! Depends only on the protobuf messages.

use std::io::{self, Write};

use flate2::write::GzEncoder;
use flate2::Compression;
use prost::Message;

use crate::input::pprof::proto;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct SyntheticOptions {
    /// Stop adding samples once the gzipped output reaches this many bytes. Default: 1 MiB.
    pub target_gzipped_bytes: u64,
    /// Seed of the pseudo-random sequence; the same seed gives the same file. Default: 1.
    pub seed: u64,
}

impl Default for SyntheticOptions {
    fn default() -> Self {
        SyntheticOptions {
            target_gzipped_bytes: 1 << 20,
            seed: 1,
        }
    }
}

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyntheticSummary {
    pub samples: u64,
    pub gzipped_bytes: u64,
    pub inflated_bytes: u64,
}

/// splitmix64: tiny, fast and stable forever, so a seed names the same file in every version
/// (a general-purpose RNG crate does not promise that).
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const PACKAGES: u64 = 160;
const FUNCTIONS_PER_PACKAGE: u64 = 48;
const FUNCTIONS: u64 = PACKAGES * FUNCTIONS_PER_PACKAGE;
/// Distinct call sites (locations) per function.
const SITES: u64 = 4;
const PERIOD_NS: i64 = 10_000_000;
const HANDLERS: [&str; 8] = [
    "/api/v1/query",
    "/api/v1/push",
    "/api/v1/labels",
    "/metrics",
    "/debug/pprof/profile",
    "/ingest",
    "/render",
    "/healthz",
];

/// The deepest stack written.
const MAX_DEPTH: usize = 160;

/// A call tree grown by random walks: node -> (function, children, whether walks end there).
struct Tree {
    function: Vec<u32>,
    children: Vec<Vec<u32>>,
    leaf: Vec<bool>,
}

impl Tree {
    /// The next node of a walk below `node`, or `None` where the walk must end.
    /// `budget` is how many nodes the tree may hold: about one per sample, as in real CPU
    /// profiles (a real Go profile of 88k samples has 63k call-tree nodes).
    fn child(
        &mut self,
        random: &mut Random,
        node: usize,
        depth: usize,
        budget: usize,
    ) -> Option<usize> {
        let existing = self.children[node].len() as u64;
        let full = self.function.len() >= budget;
        if existing == 0 && full {
            return None;
        }
        // New branches get rarer with the square of a node's children, so most samples follow
        // paths already seen and differ only near the leaf.
        let grow = existing == 0 || (!full && random.below(existing * existing * 16 + 8) == 0);
        if !grow {
            // Favour the first children (two draws, keep the smaller): a skewed, realistic mix.
            let pick = random.below(existing).min(random.below(existing));
            return Some(self.children[node][pick as usize] as usize);
        }
        let parent_function = self.function[node] as u64;
        let function = if depth > 4 && random.chance(4) {
            parent_function // direct recursion
        } else if random.chance(70) {
            // Mostly calls within the same package.
            parent_function / FUNCTIONS_PER_PACKAGE * FUNCTIONS_PER_PACKAGE
                + random.below(FUNCTIONS_PER_PACKAGE)
        } else {
            random.below(FUNCTIONS)
        };
        let id = self.function.len();
        self.function.push(function as u32);
        self.children.push(Vec::new());
        // Below the first levels a walk ends at each new node with 6% chance: stacks are
        // mostly 6 to 60 frames deep, with a tail beyond 100.
        self.leaf.push(depth >= 6 && random.chance(6));
        self.children[node].push(id as u32);
        Some(id)
    }
}

/// Counts the bytes passing to `inner`.
struct Counting<W> {
    inner: W,
    count: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.count += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Writes a gzipped profile of about `options.target_gzipped_bytes` to `out`.
pub fn write(options: &SyntheticOptions, out: impl Write) -> io::Result<SyntheticSummary> {
    let mut random = Random(options.seed);
    let mut strings = vec![String::new()];
    let mut string = |s: String| -> i64 {
        strings.push(s);
        strings.len() as i64 - 1
    };
    let value_types = [
        proto::ValueType {
            r#type: string("samples".into()),
            unit: string("count".into()),
        },
        proto::ValueType {
            r#type: string("cpu".into()),
            unit: string("nanoseconds".into()),
        },
    ];
    let handler_key = string("handler".into());
    let handler_values: Vec<i64> = HANDLERS.iter().map(|h| string(h.to_string())).collect();
    let size_key = string("request_size".into());
    let bytes_unit = string("bytes".into());

    // Gzip at the fastest level, as Go's runtime/pprof writes profiles.
    let mut gz = GzEncoder::new(
        Counting {
            inner: out,
            count: 0,
        },
        Compression::fast(),
    );
    let mut buffer = Vec::with_capacity(1 << 16);
    let mut inflated = 0u64;
    let mut flush = |gz: &mut GzEncoder<Counting<_>>, buffer: &mut Vec<u8>| -> io::Result<()> {
        gz.write_all(buffer)?;
        inflated += buffer.len() as u64;
        buffer.clear();
        Ok(())
    };
    for vt in &value_types {
        prost::encoding::message::encode(1, vt, &mut buffer);
    }

    let mut tree = Tree {
        function: vec![0],
        children: vec![Vec::new()],
        leaf: vec![false],
    };
    let mut used_sites = vec![false; (FUNCTIONS * SITES) as usize];
    let mut sample = proto::Sample::default();
    let mut samples = 0u64;
    let mut stack_sites = Vec::new();
    loop {
        // A walk from the root down to a leaf function.
        let mut node = 0;
        stack_sites.clear();
        let budget = samples as usize + 1024;
        for d in 0..MAX_DEPTH {
            let Some(next) = tree.child(&mut random, node, d, budget) else {
                break;
            };
            node = next;
            let site = tree.function[node] as u64 * SITES + node as u64 % SITES;
            stack_sites.push(site);
            if tree.leaf[node] {
                break;
            }
        }
        sample.clear();
        sample
            .location_id
            .extend(stack_sites.iter().rev().map(|&s| s + 1));
        for &s in &stack_sites {
            used_sites[s as usize] = true;
        }
        let count = 1 + random.below(4) as i64;
        sample.value.extend([count, count * PERIOD_NS]);
        sample.label.push(proto::Label {
            key: handler_key,
            str: handler_values[random.below(HANDLERS.len() as u64) as usize],
            ..proto::Label::default()
        });
        if random.chance(30) {
            sample.label.push(proto::Label {
                key: size_key,
                num: 64 << random.below(16),
                num_unit: bytes_unit,
                ..proto::Label::default()
            });
        }
        prost::encoding::message::encode(2, &sample, &mut buffer);
        samples += 1;
        if buffer.len() >= 1 << 16 {
            flush(&mut gz, &mut buffer)?;
            if gz.get_ref().count >= options.target_gzipped_bytes {
                break;
            }
        }
    }

    let mapping = proto::Mapping {
        id: 1,
        memory_start: 0x400000,
        memory_limit: 0x400000 + FUNCTIONS * 0x400,
        filename: string("/usr/local/bin/synthetic-server".into()),
        has_functions: true,
        has_filenames: true,
        has_line_numbers: true,
        has_inline_frames: true,
        ..proto::Mapping::default()
    };
    prost::encoding::message::encode(3, &mapping, &mut buffer);
    let mut used_functions = vec![false; FUNCTIONS as usize];
    for (site, _) in used_sites.iter().enumerate().filter(|(_, used)| **used) {
        let function = site as u64 / SITES;
        let variant = site as u64 % SITES;
        let mut line = Vec::new();
        // One call site in four has a helper from the same package inlined into it.
        if variant == 3 {
            let helper = function / FUNCTIONS_PER_PACKAGE * FUNCTIONS_PER_PACKAGE
                + (function * 7 + 3) % FUNCTIONS_PER_PACKAGE;
            used_functions[helper as usize] = true;
            line.push(proto::Line {
                function_id: helper + 1,
                line: 12 + (function % 40) as i64,
            });
        }
        used_functions[function as usize] = true;
        line.push(proto::Line {
            function_id: function + 1,
            line: 20 + (variant * 9 + function % 50) as i64,
        });
        let location = proto::Location {
            id: site as u64 + 1,
            mapping_id: 1,
            address: 0x400000 + function * 0x400 + variant * 0x40,
            line,
            is_folded: false,
        };
        prost::encoding::message::encode(4, &location, &mut buffer);
        if buffer.len() >= 1 << 16 {
            flush(&mut gz, &mut buffer)?;
        }
    }
    for (function, _) in used_functions.iter().enumerate().filter(|(_, used)| **used) {
        let package = function as u64 / FUNCTIONS_PER_PACKAGE;
        let index = function as u64 % FUNCTIONS_PER_PACKAGE;
        let name = if function == 0 {
            "runtime.goexit".to_string()
        } else {
            format!(
                "github.com/example/service/pkg{package:03}.(*Handler{}).Method{index:02}",
                index % 5
            )
        };
        let file = format!(
            "/src/github.com/example/service/pkg{package:03}/file{}.go",
            index % 6
        );
        let f = proto::Function {
            id: function as u64 + 1,
            name: string(name.clone()),
            system_name: string(name),
            filename: string(file),
            start_line: 10 + index as i64 * 3,
        };
        prost::encoding::message::encode(5, &f, &mut buffer);
    }
    let period_type = proto::ValueType {
        r#type: string("cpu".into()),
        unit: string("nanoseconds".into()),
    };
    let tail = proto::Profile {
        string_table: strings,
        period_type: Some(period_type),
        period: PERIOD_NS,
        duration_nanos: 60_000_000_000,
        time_nanos: 1_700_000_000_000_000_000,
        ..proto::Profile::default()
    };
    tail.encode(&mut buffer)?;
    flush(&mut gz, &mut buffer)?;
    let counting = gz.finish()?;
    Ok(SyntheticSummary {
        samples,
        gzipped_bytes: counting.count,
        inflated_bytes: inflated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_profile_decodes_with_everything_it_promises() {
        let mut bytes = Vec::new();
        let options = SyntheticOptions {
            target_gzipped_bytes: 64 << 10,
            seed: 7,
        };
        let summary = write(&options, &mut bytes).unwrap();
        assert_eq!(summary.gzipped_bytes, bytes.len() as u64);
        let profile = crate::input::pprof::decode(&bytes).unwrap();
        assert_eq!(profile.samples.len() as u64, summary.samples);
        assert_eq!(profile.value_types.len(), 2);
        assert!(
            profile.lines.len() > profile.locations.len(),
            "inlined frames"
        );
        assert!(!profile.label_sets.all().is_empty());
        let tree = crate::CallTree::build(&profile, 1);
        assert!(tree.max_depth() > 40);
        // The same seed gives the same bytes.
        let mut again = Vec::new();
        write(&options, &mut again).unwrap();
        assert_eq!(bytes, again);
    }
}
