//! `scorch`: the command-line front end over the core: `info`, `top`, `peek`, `list`,
//! `folded`, `svg`, `graph`, `labels`, `proto`, `generate` and `web`, which serves the browser
//! app. Every profile may be a file or an address (`http(s)://`, or `host:port/path` as pprof
//! takes it). Errors go to stderr with a non-zero exit code.

mod source;
mod web;

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::OnceLock;

use clap::{Parser, Subcommand, ValueEnum};

use scorch::analysis::call_graph::{call_graph, diff_call_graph, CallGraph, GraphOptions};
use scorch::analysis::details::Details;
use scorch::analysis::diff::{self, DiffTable};
use scorch::analysis::labels::label_totals;
use scorch::analysis::options::DiffMode;
use scorch::analysis::options::FilterSpec;
use scorch::analysis::report;
use scorch::analysis::shape::{self, Shape};
use scorch::analysis::top::{TopColumn, TopSort, TopTable};
use scorch::input::load;
use scorch::input::pprof::DecodeOptions;
use scorch::model::frames::Granularity;
use scorch::synthetic::{self, SyntheticOptions};
use scorch::view::color::Theme;
use scorch::view::dot::DotOptions;
use scorch::view::graph_drawing::GraphDrawing;
use scorch::view::graph_svg::SvgStyle;
use scorch::view::orientation::Orientation;
use scorch::view::summary::top_lines;
use scorch::view::svg::SvgOptions;
use scorch::{format, CallTree, Profile};

#[derive(Parser)]
#[command(
    name = "scorch",
    version,
    about = "Read pprof profiles: the numbers of `go tool pprof`, from the Scorch core"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// For a profile given by address: ask for this many seconds of profiling (pprof's
    /// `-seconds`, the address's `seconds=`).
    #[arg(long, global = true)]
    seconds: Option<u64>,
}

/// `--seconds`, set once at the start.
static SECONDS: OnceLock<Option<u64>> = OnceLock::new();

#[derive(Subcommand)]
enum Command {
    /// Value types with their totals (default marked), sample count, duration, period, table sizes, label keys.
    Info {
        /// One profile, or several of the same kind merged (as `go tool pprof A B`).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// pprof's `-top` table: flat flat% sum% cum cum% name.
    Top {
        /// One profile, or several of the same kind merged (as `go tool pprof A B`).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        value_type: ValueTypeArg,
        #[command(flatten)]
        filters: FilterArgs,
        /// Show at most this many rows (text format only).
        #[arg(long)]
        nodecount: Option<usize>,
        /// Sort by cum instead of flat (pprof -cum); sum% is still the running sum of flat.
        #[arg(long)]
        cum: bool,
        #[command(flatten)]
        base: BaseArgs,
        #[arg(long, value_enum, default_value_t = TopFormat::Text)]
        format: TopFormat,
    },
    /// pprof's `-peek`: callers and callees of each function whose name matches REGEX.
    Peek {
        /// One profile, or several of the same kind merged (as `go tool pprof A B`).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// A regular expression on the names pprof prints.
        regex: String,
        #[command(flatten)]
        value_type: ValueTypeArg,
        #[command(flatten)]
        filters: FilterArgs,
        #[arg(long, value_enum, default_value_t = PeekFormat::Text)]
        format: PeekFormat,
    },
    /// Merged folded stacks (`root;...;leaf value`) with exact integer values.
    Folded {
        /// One profile, or several of the same kind merged (as `go tool pprof A B`).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        value_type: ValueTypeArg,
        #[command(flatten)]
        filters: FilterArgs,
        #[command(flatten)]
        shape: ShapeArgs,
    },
    /// pprof's `-list`: per function whose name matches REGEX, its flat and cum per source
    /// line (by line whatever --granularity says), with the source text where it is found.
    List {
        /// One profile, or several of the same kind merged (as `go tool pprof A B`).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// A regular expression on function names.
        regex: String,
        #[command(flatten)]
        value_type: ValueTypeArg,
        #[command(flatten)]
        filters: FilterArgs,
        #[command(flatten)]
        base: BaseArgs,
        /// A folder to look for source files in, by the recorded path's suffixes (repeatable;
        /// default the current folder; pprof -source_path).
        #[arg(long = "source-dir")]
        source_dirs: Vec<PathBuf>,
        /// Prefixes to remove from recorded paths, separated by `:` (pprof -trim_path).
        #[arg(long, default_value = "")]
        trim_path: String,
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// The flame graph as a self-contained SVG (zoom on click, search), on standard output.
    Svg {
        /// One profile, or several of the same kind merged (as `go tool pprof A B`).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        value_type: ValueTypeArg,
        #[command(flatten)]
        filters: FilterArgs,
        /// Root at the top instead of the bottom.
        #[arg(long)]
        icicle: bool,
        #[command(flatten)]
        shape: ShapeArgs,
    },
    /// pprof's call graph (`-dot`): nodes and edges trimmed as pprof trims them.
    Graph {
        /// One profile, or several of the same kind merged (as `go tool pprof A B`).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        value_type: ValueTypeArg,
        #[command(flatten)]
        filters: FilterArgs,
        /// Show at most this many nodes, label boxes included; 0 shows all (pprof -nodecount).
        #[arg(long, default_value_t = GraphOptions::default().node_count)]
        nodecount: usize,
        /// Drop nodes with less than this share of the total (pprof -nodefraction).
        #[arg(long, default_value_t = GraphOptions::default().node_fraction)]
        nodefraction: f64,
        /// Drop edges with less than this share of the total (pprof -edgefraction).
        #[arg(long, default_value_t = GraphOptions::default().edge_fraction)]
        edgefraction: f64,
        #[command(flatten)]
        base: BaseArgs,
        #[arg(long, value_enum, default_value_t = GraphFormat::Tsv)]
        format: GraphFormat,
    },
    /// Label totals: `str|num<TAB>key<TAB>value<TAB>total`.
    Labels {
        /// One profile, or several of the same kind merged (as `go tool pprof A B`).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        value_type: ValueTypeArg,
    },
    /// The profile as the filters leave it, as gzipped profile.proto (pprof's `-proto`): every
    /// value type kept, the one given made the default.
    Proto {
        /// One profile, or several of the same kind merged (as `go tool pprof A B`).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        value_type: ValueTypeArg,
        #[command(flatten)]
        filters: FilterArgs,
        /// Write here instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Serve the browser app with the profile on this machine and open it in the default
    /// browser (as `go tool pprof -http`); the first line printed is the address, which carries
    /// a random token that the server asks of every request. Serves until stopped.
    Web {
        /// A profile (a file or an address: http(s)://, or host:port/path), or several of the
        /// same kind merged; none serves the app alone.
        files: Vec<PathBuf>,
        /// The port (a free one by default).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Print the address without opening a browser.
        #[arg(long)]
        no_browser: bool,
        /// Listen on this interface instead of the loopback one (127.0.0.1): other machines
        /// that can reach it may then open the profile with the address printed.
        #[arg(long)]
        listen: Option<IpAddr>,
        /// Serve the app from this directory (`make web`'s dist/) instead of the files built
        /// into this command.
        #[arg(long)]
        app: Option<PathBuf>,
    },
    /// Write a synthetic gzipped profile of about the given size (for benchmarks).
    Generate {
        out: PathBuf,
        /// Target gzipped size in MiB (fractions allowed).
        #[arg(long, default_value_t = 1.0)]
        size_mib: f64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

/// How the flame graph's stacks are reshaped for reading (the values stay).
#[derive(clap::Args)]
struct ShapeArgs {
    /// Each stack leaf first (flamegraph.pl --reverse): the functions that hold the time at
    /// the root, their callers above.
    #[arg(long)]
    inverted: bool,
    /// Drop a frame whose function is already on the stack below it, so recursive calls
    /// merge into the outermost one (speedscope's collapse recursion); applied before
    /// --inverted.
    #[arg(long)]
    collapse_recursion: bool,
}

impl ShapeArgs {
    fn shape(&self) -> Shape {
        Shape {
            inverted: self.inverted,
            collapse_recursion: self.collapse_recursion,
        }
    }
}

/// pprof's comparison with a base profile.
#[derive(clap::Args)]
struct BaseArgs {
    /// Compare with this base profile: values are FILES' minus the base's (pprof -diff_base).
    #[arg(long)]
    diff_base: Option<PathBuf>,
    /// With --diff-base, scale FILES' values to the base's total first (pprof -normalize).
    #[arg(long, requires = "diff_base")]
    normalize: bool,
}

impl BaseArgs {
    /// The `--diff-base` profile, checked against `profile`, and the comparison `--normalize`
    /// asks; none without `--diff-base`.
    fn open(&self, profile: &Profile) -> Result<Option<(Profile, DiffMode)>, Failure> {
        let Some(path) = &self.diff_base else {
            return Ok(None);
        };
        let base = open(path)?;
        diff::check_compatible(profile, &base)?;
        let mode = if self.normalize {
            DiffMode::Normalized
        } else {
            DiffMode::Base
        };
        Ok(Some((base, mode)))
    }
}

#[derive(clap::Args)]
struct ValueTypeArg {
    /// Value type by name (`cpu`, `alloc_space`) or position (`1`); default as pprof.
    #[arg(long = "value-type", default_value = "")]
    value_type: String,
}

/// pprof's filters on frame names (regular expressions matched anywhere in a function's name
/// or file name, or a location's mapping file).
#[derive(clap::Args)]
struct FilterArgs {
    /// Keep only samples with a matching frame (pprof -focus).
    #[arg(long, default_value = "")]
    focus: String,
    /// Drop samples with a matching frame (pprof -ignore).
    #[arg(long, default_value = "")]
    ignore: String,
    /// Remove matching frames (pprof -hide).
    #[arg(long, default_value = "")]
    hide: String,
    /// Keep only matching frames (pprof -show).
    #[arg(long, default_value = "")]
    show: String,
    /// Remove the callers of the outermost matching frame (pprof -show_from).
    #[arg(long, default_value = "")]
    show_from: String,
    /// Keep only samples whose labels match: `[key=]regexp[,regexp...]` or `[key=]range` such
    /// as `bytes=32kb:64kb` (pprof -tagfocus).
    #[arg(long, default_value = "")]
    tagfocus: String,
    /// Drop samples whose labels match, as --tagfocus (pprof -tagignore).
    #[arg(long, default_value = "")]
    tagignore: String,
    /// A pseudo-frame per value of these comma-separated label keys at the root (pprof -tagroot).
    #[arg(long, default_value = "")]
    tagroot: String,
    /// How finely frames are told apart (pprof -granularity).
    #[arg(long, value_parser = parse_granularity, default_value = "functions")]
    granularity: Granularity,
}

fn parse_granularity(name: &str) -> Result<Granularity, String> {
    Granularity::from_name(name).ok_or_else(|| {
        let names: Vec<_> = Granularity::ALL.iter().map(|g| g.name()).collect();
        format!("expected one of {}", names.join(", "))
    })
}

impl FilterArgs {
    fn spec(&self) -> FilterSpec {
        FilterSpec {
            focus: self.focus.clone(),
            ignore: self.ignore.clone(),
            hide: self.hide.clone(),
            show: self.show.clone(),
            show_from: self.show_from.clone(),
            tagfocus: self.tagfocus.clone(),
            tagignore: self.tagignore.clone(),
            tagroot: self.tagroot.clone(),
            granularity: self.granularity,
            ..FilterSpec::default()
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum GraphFormat {
    /// `total`, `shown`, `dropped`, `out_of` lines, then `node<TAB>FLAT<TAB>CUM<TAB>NAME` in
    /// pprof's order and `edge<TAB>WEIGHT<TAB>RESIDUAL<TAB>INLINE<TAB>CALLER<TAB>CALLEE` by
    /// caller and callee: exact integers, as ../shared/oracle/graph.py prints pprof's graph.
    Tsv,
    /// A Graphviz file drawn as `go tool pprof -dot` draws it (`dot -Tsvg` renders it).
    Dot,
    /// The graph laid out by Scorch itself, as a self-contained SVG (no Graphviz needed).
    Svg,
}

#[derive(Clone, Copy, ValueEnum)]
enum TopFormat {
    /// pprof's columns with readable units.
    Text,
    /// `flat<TAB>cum<TAB>name` with exact integers, every function, sorted by name.
    Tsv,
    /// `total<TAB>N`, then `flat<TAB>sum<TAB>cum<TAB>name` with exact integers, every
    /// function, in pprof's order.
    Ordered,
}

#[derive(Clone, Copy, ValueEnum)]
enum PeekFormat {
    /// pprof's layout with readable units: callers above each function, callees below.
    Text,
    /// `total<TAB>N`, then per function `node<TAB>flat<TAB>cum<TAB>name` and its
    /// `caller<TAB>weight<TAB>name` and `callee<TAB>weight<TAB>name` rows, exact integers.
    Ordered,
}

#[derive(Clone, Copy, ValueEnum)]
enum ListFormat {
    /// pprof's layout with readable units, and the source text where it is found.
    Text,
    /// Per function `function<TAB>FLAT<TAB>CUM<TAB>NAME<TAB>FILE`, then per line with a value
    /// `line<TAB>FLAT<TAB>CUM<TAB>LINENO`: exact integers, in pprof's order.
    Tsv,
}

type Failure = Box<dyn std::error::Error>;

/// The bytes of `path`, a file or an address (fetched with `--seconds`).
fn read(path: &Path) -> Result<Vec<u8>, Failure> {
    Ok(source::read(path, SECONDS.get().copied().flatten())?)
}

/// `bytes`, read from `path`, opened as a profile.
fn decoded(path: &Path, bytes: &[u8]) -> Result<Profile, Failure> {
    Ok(load::open(bytes, &DecodeOptions::default())
        .map_err(|e| format!("{}: {e}", path.display()))?)
}

/// The profile in `path`, a file or an address.
fn open(path: &Path) -> Result<Profile, Failure> {
    decoded(path, &read(path)?)
}

/// The files' names, for a title: "a.pprof, b.pprof" (an address by its path's last part).
fn title_of(files: &[PathBuf]) -> String {
    files
        .iter()
        .filter_map(|f| source::name(f))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The profiles in `files` merged (pprof's `profile.Merge`), once each has been checked
/// against the first: the same value types and period type.
fn open_all(files: &[PathBuf]) -> Result<Profile, Failure> {
    let profiles = files
        .iter()
        .map(|f| open(f))
        .collect::<Result<Vec<_>, _>>()?;
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    Ok(diff::merge_all(&names, profiles)?)
}

fn info(profile: &Profile, out: &mut impl Write) -> io::Result<()> {
    let details = Details::of(profile);
    if let Some(t) = profile.value_types.get(profile.default_value_index) {
        let total = details.totals[profile.default_value_index];
        for line in details.pprof_header(&t.name, total, &t.unit) {
            writeln!(out, "{line}")?;
        }
    }
    writeln!(out, "value types:")?;
    for (i, t) in profile.value_types.iter().enumerate() {
        let mark = if i == profile.default_value_index {
            "  (default)"
        } else {
            ""
        };
        writeln!(out, "  {i}: {t}  total {}{mark}", details.totals[i])?;
    }
    writeln!(out, "samples: {}", profile.samples.len())?;
    writeln!(out, "distinct stacks: {}", profile.stacks.len() - 1)?;
    if !profile.value_types.is_empty() {
        let tree = CallTree::build(profile, profile.default_value_index);
        writeln!(out, "call-tree nodes: {} (default value type)", tree.len())?;
    }
    if profile.duration_nanos != 0 {
        writeln!(
            out,
            "duration: {}",
            format::value(profile.duration_nanos, "nanoseconds")
        )?;
    }
    if let Some(t) = &profile.period_type {
        let text = details.period_text().unwrap_or_default();
        writeln!(out, "period: {} {t}  ({text})", profile.period)?;
    }
    writeln!(out, "locations: {}", profile.locations.len())?;
    writeln!(out, "functions: {}", profile.functions.len())?;
    writeln!(out, "mappings: {}", profile.mappings.len())?;
    for m in &details.mappings {
        let symbols = if m.has_functions {
            "symbols"
        } else {
            "no symbols"
        };
        let build_id = if m.build_id.is_empty() {
            "-"
        } else {
            &m.build_id
        };
        writeln!(
            out,
            "  {:#x}-{:#x} {} build id {build_id}, {symbols}",
            m.memory_start, m.memory_limit, m.file
        )?;
    }
    let keys = &details.label_keys;
    writeln!(
        out,
        "label keys: {}",
        if keys.is_empty() {
            "-".to_string()
        } else {
            keys.join(", ")
        }
    )?;
    for comment in &profile.comments {
        writeln!(out, "comment: {comment}")?;
    }
    for (name, value) in [
        ("doc url", &profile.doc_url),
        ("drop frames", &profile.drop_frames),
        ("keep frames", &profile.keep_frames),
    ] {
        if !value.is_empty() {
            writeln!(out, "{name}: {value}")?;
        }
    }
    Ok(())
}

fn top(
    profile: &Profile,
    tree: &CallTree,
    sort: TopSort,
    format_: TopFormat,
    nodecount: Option<usize>,
    out: &mut impl Write,
) -> io::Result<()> {
    let frames = tree.frames();
    match format_ {
        TopFormat::Tsv => {
            let mut rows = tree.function_table();
            rows.sort_unstable_by(|a, b| frames.name(a.frame).cmp(frames.name(b.frame)));
            for row in rows {
                writeln!(out, "{}\t{}\t{}", row.flat, row.cum, frames.name(row.frame))?;
            }
        }
        TopFormat::Ordered => {
            writeln!(out, "total\t{}", tree.profile_total())?;
            let table = TopTable::new(tree);
            let arranged = table.arranged(tree, sort, |_| true);
            for (&i, sum) in arranged.order.iter().zip(arranged.sums) {
                let row = table.rows()[i as usize];
                let name = frames.name(row.frame);
                writeln!(out, "{}\t{sum}\t{}\t{name}", row.flat, row.cum)?;
            }
        }
        TopFormat::Text => {
            let unit = &profile.value_types[tree.value_index()].unit;
            let total = tree.profile_total();
            let table = TopTable::new(tree);
            let arranged = table.arranged(tree, sort, |_| true);
            let rows = table.rows();
            let shown = nodecount.unwrap_or(rows.len()).min(rows.len());
            let shown_flat = shown.checked_sub(1).map_or(0, |last| arranged.sums[last]);
            writeln!(
                out,
                "Showing nodes accounting for {}, {} of {} total",
                format::value(shown_flat, unit),
                format::percent(shown_flat, total, 2),
                format::value(total, unit)
            )?;
            if shown < rows.len() {
                writeln!(out, "Dropped {} nodes", rows.len() - shown)?;
            }
            for line in top_lines(tree, &table, &arranged, shown, unit) {
                writeln!(out, "{line}")?;
            }
        }
    }
    Ok(())
}

/// `top` for a diff: flat and cum are the new values minus the base's.
fn diff_top(
    unit: &str,
    table: &DiffTable,
    sort: TopSort,
    format_: TopFormat,
    out: &mut impl Write,
) -> io::Result<()> {
    match format_ {
        TopFormat::Tsv => {
            let mut rows: Vec<_> = table.rows().iter().collect();
            rows.sort_unstable_by(|a, b| a.name.cmp(&b.name));
            for r in rows {
                writeln!(out, "{}\t{}\t{}", r.flat(), r.cum(), r.name)?;
            }
        }
        TopFormat::Ordered => {
            writeln!(out, "total\t{}", table.total)?;
            let arranged = table.arranged(sort, |_| true);
            for (&i, sum) in arranged.order.iter().zip(arranged.sums) {
                let r = &table.rows()[i as usize];
                writeln!(out, "{}\t{sum}\t{}\t{}", r.flat(), r.cum(), r.name)?;
            }
        }
        TopFormat::Text => {
            writeln!(
                out,
                "{:>10} {:>7} {:>10} {:>7}  name  (new minus base; % of the base's {} total)",
                "flat",
                "flat%",
                "cum",
                "cum%",
                format::value(table.total, unit)
            )?;
            for &i in &table.arranged(sort, |_| true).order {
                let r = &table.rows()[i as usize];
                writeln!(
                    out,
                    "{:>10} {:>7} {:>10} {:>7}  {}",
                    format::value(r.flat(), unit),
                    format::percent(r.flat(), table.total, 2),
                    format::value(r.cum(), unit),
                    format::percent(r.cum(), table.total, 2),
                    r.name
                )?;
            }
        }
    }
    Ok(())
}

fn peek(
    profile: &Profile,
    tree: &CallTree,
    regex: &regex::Regex,
    format_: PeekFormat,
    out: &mut impl Write,
) -> io::Result<()> {
    let frames = tree.frames();
    let unit = &profile.value_types[tree.value_index()].unit;
    let total = tree.profile_total();
    if let PeekFormat::Ordered = format_ {
        writeln!(out, "total\t{total}")?;
    }
    let table = TopTable::new(tree);
    for row in table.rows() {
        let name = frames.name(row.frame);
        if !regex.is_match(name) {
            continue;
        }
        let p = scorch::analysis::peek::peek(tree, row.frame);
        match format_ {
            PeekFormat::Ordered => {
                writeln!(out, "node\t{}\t{}\t{name}", p.flat, p.cum)?;
                for (kind, edges) in [("caller", &p.callers), ("callee", &p.callees)] {
                    for e in edges {
                        writeln!(out, "{kind}\t{}\t{}", e.weight, frames.name(e.frame))?;
                    }
                }
            }
            PeekFormat::Text => {
                writeln!(out, "{}", "-".repeat(72))?;
                let edge = |out: &mut dyn Write, e: &scorch::analysis::peek::Edge| {
                    writeln!(
                        out,
                        "{:>32} {:>8} |   {}",
                        format::value(e.weight, unit),
                        format::percent(e.weight, p.cum, 2),
                        frames.name(e.frame)
                    )
                };
                for e in &p.callers {
                    edge(out, e)?;
                }
                writeln!(
                    out,
                    "{:>10} {:>7} {:>10} {:>7}     | {name}",
                    format::value(p.flat, unit),
                    format::percent(p.flat, total, 2),
                    format::value(p.cum, unit),
                    format::percent(p.cum, total, 2)
                )?;
                for e in &p.callees {
                    edge(out, e)?;
                }
            }
        }
    }
    Ok(())
}

/// The graph as `graph.py` prints pprof's: legend lines, nodes in order, edges by name.
fn graph_tsv(graph: &CallGraph, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "total\t{}", graph.total)?;
    writeln!(out, "shown\t{}", graph.shown)?;
    writeln!(
        out,
        "dropped\t{}\t{}",
        graph.dropped_nodes, graph.dropped_edges
    )?;
    if let Some((shown, of)) = graph.top_of {
        writeln!(out, "out_of\t{shown}\t{of}")?;
    }
    let name = |i: usize| graph.frames.name(graph.nodes[i].frame);
    for node in &graph.nodes {
        let name = graph.frames.name(node.frame);
        writeln!(out, "node\t{}\t{}\t{name}", node.flat, node.cum)?;
    }
    let mut edges: Vec<_> = graph.edges.iter().collect();
    edges.sort_by(|a, b| (name(a.caller), name(a.callee)).cmp(&(name(b.caller), name(b.callee))));
    for e in edges {
        writeln!(
            out,
            "edge\t{}\t{}\t{}\t{}\t{}",
            e.weight,
            u8::from(e.residual),
            u8::from(e.inline),
            name(e.caller),
            name(e.callee)
        )?;
    }
    Ok(())
}

/// The text of the source file recorded as `file`, at the first place
/// [`source_candidates`] gives that can be read.
///
/// [`source_candidates`]: scorch::analysis::source::source_candidates
fn read_source(file: &str, trims: &[String], dirs: &[String]) -> Option<String> {
    scorch::analysis::source::source_candidates(file, trims, dirs)
        .iter()
        .find_map(|candidate| std::fs::read(candidate).ok())
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
}

fn list(
    listing: &scorch::analysis::source::Listing,
    unit: &str,
    format_: ListFormat,
    trims: &[String],
    dirs: &[String],
    out: &mut impl Write,
) -> io::Result<()> {
    let value_or_dot = |v: i64| {
        if v == 0 {
            ".".to_string()
        } else {
            format::value(v, unit)
        }
    };
    if let ListFormat::Text = format_ {
        writeln!(out, "Total: {}", format::value(listing.total, unit))?;
    }
    for routine in &listing.routines {
        match format_ {
            ListFormat::Tsv => {
                if routine.file.is_empty() {
                    continue;
                }
                writeln!(
                    out,
                    "function\t{}\t{}\t{}\t{}",
                    routine.flat, routine.cum, routine.name, routine.file
                )?;
                for line in routine.lines.iter().filter(|l| l.line > 0) {
                    writeln!(out, "line\t{}\t{}\t{}", line.flat, line.cum, line.line)?;
                }
            }
            ListFormat::Text => {
                if routine.file.is_empty() {
                    writeln!(out, "No source information for {}", routine.name)?;
                    continue;
                }
                writeln!(
                    out,
                    "ROUTINE ======================== {} in {}",
                    routine.name, routine.file
                )?;
                writeln!(
                    out,
                    "{:>10} {:>10} (flat, cum) {} of Total",
                    format::value(routine.flat, unit),
                    format::value(routine.cum, unit),
                    format::percent(routine.cum, listing.total, 2)
                )?;
                let by_line: std::collections::HashMap<i64, _> =
                    routine.lines.iter().map(|l| (l.line, l)).collect();
                let row = |out: &mut dyn Write, n: usize, text: &str| {
                    let (flat, cum) = by_line.get(&(n as i64)).map_or((0, 0), |l| (l.flat, l.cum));
                    writeln!(
                        out,
                        "{:>10} {:>10} {n:>6}:{text}",
                        value_or_dot(flat),
                        value_or_dot(cum)
                    )
                };
                match read_source(&routine.file, trims, dirs) {
                    Some(text) => {
                        let lines: Vec<&str> = text.lines().collect();
                        if let Some((start, end)) =
                            scorch::analysis::source::window(routine, lines.len())
                        {
                            for n in start..=end {
                                row(out, n, lines[n - 1])?;
                            }
                        }
                    }
                    None => {
                        for line in routine.lines.iter().filter(|l| l.line > 0) {
                            row(out, line.line as usize, "")?;
                        }
                        writeln!(
                            out,
                            " (source not found: looked for {}; give --source-dir or --trim-path)",
                            routine.file
                        )?;
                    }
                }
            }
        }
    }
    Ok(())
}

fn tree_for(
    profile: &Profile,
    value_type: &ValueTypeArg,
    filters: &FilterArgs,
) -> Result<CallTree, Failure> {
    let index = profile.value_index(&value_type.value_type)?;
    let filters = filters.spec().compile()?;
    Ok(report::call_tree(profile, index, &filters))
}

/// [`tree_for`], reshaped as `shape` asks.
fn shaped_tree_for(
    profile: &Profile,
    value_type: &ValueTypeArg,
    filters: &FilterArgs,
    shape: &ShapeArgs,
) -> Result<CallTree, Failure> {
    let tree = tree_for(profile, value_type, filters)?;
    Ok(match shape.shape() {
        s if s.is_plain() => tree,
        s => shape::reshaped(&tree, s, filters.spec().granularity),
    })
}

fn run(cli: Cli) -> Result<(), Failure> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let _ = SECONDS.set(cli.seconds);
    match cli.command {
        Command::Info { files } => info(&open_all(&files)?, &mut out)?,
        Command::Top {
            files,
            value_type,
            filters,
            nodecount,
            cum,
            base,
            format,
        } => {
            let profile = open_all(&files)?;
            let sort = TopSort {
                column: if cum { TopColumn::Cum } else { TopColumn::Flat },
                descending: true,
            };
            match base.open(&profile)? {
                None => {
                    let tree = tree_for(&profile, &value_type, &filters)?;
                    top(&profile, &tree, sort, format, nodecount, &mut out)?;
                }
                Some((base, mode)) => {
                    let index = profile.value_index(&value_type.value_type)?;
                    let filters = filters.spec().compile()?;
                    let (new, old) = diff::reports(&profile, &base, mode, index, &filters);
                    let unit = &profile.value_types[index].unit;
                    diff_top(
                        unit,
                        &DiffTable::new(&new.tree, &old.tree),
                        sort,
                        format,
                        &mut out,
                    )?;
                }
            }
        }
        Command::Peek {
            files,
            regex,
            value_type,
            filters,
            format,
        } => {
            let regex = regex::Regex::new(&regex)
                .map_err(|e| format!("the peek expression is not valid: {e}"))?;
            let profile = open_all(&files)?;
            let tree = tree_for(&profile, &value_type, &filters)?;
            peek(&profile, &tree, &regex, format, &mut out)?;
        }
        Command::List {
            files,
            regex,
            value_type,
            filters,
            base,
            source_dirs,
            trim_path,
            format,
        } => {
            let regex = regex::Regex::new(&regex)
                .map_err(|e| format!("the list expression is not valid: {e}"))?;
            let profile = open_all(&files)?;
            let index = profile.value_index(&value_type.value_type)?;
            let filters = filters.spec().compile()?;
            let matches = |name: &str| regex.is_match(name);
            let listing = match base.open(&profile)? {
                None => scorch::analysis::source::listing(&profile, index, &filters, matches),
                Some((base, mode)) => scorch::analysis::source::diff_listing(
                    &profile, &base, mode, index, &filters, matches,
                ),
            };
            if listing.routines.is_empty() {
                return Err(format!("no function matches {regex}").into());
            }
            let trims: Vec<String> = trim_path
                .split(':')
                .filter(|t| !t.is_empty())
                .map(String::from)
                .collect();
            let dirs: Vec<String> = if source_dirs.is_empty() {
                vec![".".to_string()]
            } else {
                source_dirs
                    .iter()
                    .map(|d| d.display().to_string())
                    .collect()
            };
            let unit = &profile.value_types[index].unit;
            list(&listing, unit, format, &trims, &dirs, &mut out)?;
        }
        Command::Folded {
            files,
            value_type,
            filters,
            shape,
        } => {
            let profile = open_all(&files)?;
            let tree = shaped_tree_for(&profile, &value_type, &filters, &shape)?;
            for line in tree.folded_stacks() {
                writeln!(out, "{line}")?;
            }
        }
        Command::Svg {
            files,
            value_type,
            filters,
            icicle,
            shape,
        } => {
            let profile = open_all(&files)?;
            let tree = shaped_tree_for(&profile, &value_type, &filters, &shape)?;
            let layout = scorch::view::flame_layout::FlameLayout::new(&tree);
            let title = title_of(&files);
            let color = |n: scorch::NodeId| {
                scorch::view::color::frame_color(tree.name(n), Theme::Light, false)
            };
            let svg = scorch::view::svg::write(
                &tree,
                &layout,
                &SvgOptions {
                    title: &title,
                    unit: &profile.value_types[tree.value_index()].unit,
                    root: CallTree::ROOT,
                    orientation: if icicle {
                        Orientation::Icicle
                    } else {
                        Orientation::Flame
                    },
                    color: &color,
                },
            );
            out.write_all(svg.as_bytes())?;
        }
        Command::Graph {
            files,
            value_type,
            filters,
            nodecount,
            nodefraction,
            edgefraction,
            base,
            format,
        } => {
            let profile = open_all(&files)?;
            let index = profile.value_index(&value_type.value_type)?;
            let spec = filters.spec();
            let filter_lines = scorch::view::dot::filter_lines(&spec);
            let filters = spec.compile()?;
            let options = GraphOptions {
                node_count: nodecount,
                node_fraction: nodefraction,
                edge_fraction: edgefraction,
            };
            let graph = match base.open(&profile)? {
                None => call_graph(&profile, index, &filters, &options),
                Some((base, mode)) => {
                    diff_call_graph(&profile, &base, mode, index, &filters, &options)
                }
            };
            match format {
                GraphFormat::Tsv => graph_tsv(&graph, &mut out)?,
                GraphFormat::Dot => {
                    let value_type = &profile.value_types[index];
                    let title = title_of(&files);
                    let dot = scorch::view::dot::write(
                        &graph,
                        &DotOptions {
                            title: &title,
                            value_type: &value_type.name,
                            unit: &value_type.unit,
                            granularity: filters.granularity,
                            filters: &filter_lines,
                        },
                    );
                    out.write_all(dot.as_bytes())?;
                }
                GraphFormat::Svg => {
                    let title = title_of(&files);
                    let drawing = GraphDrawing::new(
                        &graph,
                        &profile.value_types[index].unit,
                        filters.granularity,
                    );
                    let svg = scorch::view::graph_svg::write(
                        &drawing,
                        &SvgStyle {
                            theme: Theme::Light,
                            colour_blind: false,
                            file: Some(&title),
                        },
                    );
                    out.write_all(svg.as_bytes())?;
                }
            }
        }
        Command::Labels { files, value_type } => {
            let profile = open_all(&files)?;
            let index = profile.value_index(&value_type.value_type)?;
            for row in label_totals(&profile, index) {
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}",
                    row.kind, row.key, row.value, row.total
                )?;
            }
        }
        Command::Proto {
            files,
            value_type,
            filters,
            output,
        } => {
            let profile = open_all(&files)?;
            let index = profile.value_index(&value_type.value_type)?;
            let saved = report::view_profile(&profile, index, &filters.spec().compile()?);
            let bytes = scorch::input::pprof::encode_gzipped(&saved);
            match output {
                Some(path) => {
                    std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?
                }
                None if io::stdout().is_terminal() => {
                    return Err(
                        "scorch proto writes a gzipped profile: redirect it to a file \
                                (> out.pb.gz) or give --output"
                            .into(),
                    )
                }
                None => out.write_all(&bytes)?,
            }
        }
        Command::Web {
            files,
            port,
            no_browser,
            listen,
            app,
        } => {
            let app = web::AppFiles::choose(app)?;
            let served = match files.as_slice() {
                [] => None,
                [file] => {
                    let bytes = read(file)?;
                    // Decoded here, so that a file that is no profile is said so at once; the
                    // page is served the file's own bytes.
                    decoded(file, &bytes)?;
                    Some(web::Served {
                        name: title_of(&files),
                        bytes,
                    })
                }
                _ => Some(web::Served {
                    name: format!("merged: {}", title_of(&files)),
                    bytes: scorch::input::pprof::encode_gzipped(&open_all(&files)?),
                }),
            };
            let options = web::WebOptions {
                listen: listen.unwrap_or(web::WebOptions::default().listen),
                port,
                open_browser: !no_browser,
            };
            drop(out);
            return web::serve(app, served, &options, &mut io::stdout());
        }
        Command::Generate {
            out: path,
            size_mib,
            seed,
        } => {
            let file = File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let options = SyntheticOptions {
                target_gzipped_bytes: (size_mib * 1048576.0) as u64,
                seed,
            };
            let summary = synthetic::write(&options, BufWriter::new(file))?;
            writeln!(
                out,
                "{}: {} samples, {} bytes gzipped, {} bytes inflated",
                path.display(),
                summary.samples,
                summary.gzipped_bytes,
                summary.inflated_bytes
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // A closed pipe (`scorch folded f | head`) is not a failure worth a message.
            if e.downcast_ref::<io::Error>()
                .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("scorch: {e}");
            ExitCode::FAILURE
        }
    }
}
