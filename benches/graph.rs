//! Native benchmark of the call graph: building pprof's graph of a large Go CPU profile
//! (pyroscope/profile.pprof, ~5,000 functions) for 80, 200 and 500 nodes, then Scorch's
//! layout of it and the SVG, medians of 5 runs. `cargo bench --bench graph` prints a markdown
//! table; `SCORCH_CORPUS` as for the tests.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use scorch::analysis::call_graph::{call_graph, GraphOptions};
use scorch::analysis::filter::Filters;
use scorch::input::load;
use scorch::input::pprof::DecodeOptions;
use scorch::model::frames::Granularity;
use scorch::view::color::Theme;
use scorch::view::graph_drawing::GraphDrawing;
use scorch::view::graph_svg::{write, SvgStyle};

fn median(mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[2]
}

fn main() {
    let corpus = std::env::var_os("SCORCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    let path = corpus.join("pyroscope/profile.pprof");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let profile = load::open(&bytes, &DecodeOptions::default()).expect("decodes");
    let index = profile.default_value_index;
    let unit = profile.value_types[index].unit.clone();
    println!("| nodes | edges | graph | layout | SVG |\n|---|---|---|---|---|");
    for count in [80, 200, 500] {
        let options = GraphOptions {
            node_count: count,
            node_fraction: 0.0,
            ..GraphOptions::default()
        };
        let graph = call_graph(&profile, index, &Filters::default(), &options);
        let build = median(|| {
            call_graph(&profile, index, &Filters::default(), &options);
        });
        let layout = median(|| {
            GraphDrawing::new(&graph, &unit, Granularity::Functions);
        });
        let drawing = GraphDrawing::new(&graph, &unit, Granularity::Functions);
        let style = SvgStyle {
            theme: Theme::Light,
            colour_blind: false,
            file: None,
        };
        let svg = median(|| {
            write(&drawing, &style);
        });
        println!(
            "| {} | {} | {:.1} ms | {:.1} ms | {:.1} ms |",
            graph.nodes.len(),
            graph.edges.len(),
            build.as_secs_f64() * 1e3,
            layout.as_secs_f64() * 1e3,
            svg.as_secs_f64() * 1e3
        );
    }
}
