//! An opened profile on the page and the graphs drawn from it (call tree and layout per value
//! type and filters; call graphs laid out, per value type, filters and options; functions'
//! source lines), each built once and kept; and where the profile lives (page or worker).

use std::cell::{Cell, OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use crate::analysis::call_graph::GraphOptions;
use crate::analysis::call_tree::CallTree;
use crate::analysis::call_tree::NodeId;
use crate::analysis::diff::{self, DiffTable};
use crate::analysis::labels::LabelTotal;
use crate::analysis::options::DiffMode;
use crate::analysis::options::FilterSpec;
use crate::analysis::report::{self, Report};
use crate::analysis::shape::{self, Shape};
use crate::analysis::source::{self, FunctionSource};
use crate::analysis::top::TopTable;
use crate::model::frames::Granularity;
use crate::model::profile::Profile;
use crate::transfer::Summary;
use crate::view::color::{
    diff_color, diff_step, frame_color, heat_color, heat_step, ColorBy, Colors, Theme, DIFF_STEPS,
};
use crate::view::flame_layout::FlameLayout;
use crate::view::graph_drawing::{self, GraphDrawing};

use crate::web::engine::page::{Engine, Opened, Part};

/// The fill colour of every frame for one theme and colouring, as indices into distinct CSS
/// colours, so the painter formats no colour per rect and can group rects of one colour.
pub struct Palette {
    pub theme: Theme,
    pub colors_of: Colors,
    /// Per frame id: index into `colors`.
    pub frame_color: Vec<u32>,
    pub colors: Vec<String>,
}

/// A call tree with its layout, and what is derived from it on first use.
pub struct Graph {
    pub tree: CallTree,
    pub layout: FlameLayout,
    /// Label totals of the samples in the tree.
    pub labels: Vec<LabelTotal>,
    /// The comparison with a base profile, when the view has one.
    pub diff: Option<DiffView>,
    palette: RefCell<Option<Rc<Palette>>>,
    /// pprof's table, of the tree as built (a reshaped graph shares its origin's).
    top: OnceCell<Rc<TopTable>>,
    /// The graph last reshaped from this one, and its shape.
    reshaped: RefCell<Option<(Shape, Rc<Graph>)>>,
}

/// A graph's comparison with the base profile's tree (built the same way).
pub struct DiffView {
    /// pprof's diff table: per function, new and base flat and cum (of the trees as built).
    pub table: Rc<DiffTable>,
    /// Per node of the graph's tree, the base's value on the same path.
    pub base_values: Vec<i64>,
    /// Per node, its step of change (see [`diff_step`]) as an index into
    /// [`DiffView::colors`]'s colours.
    node_color: Vec<u8>,
    /// The base's tree, shaped as the graph's.
    base: Rc<CallTree>,
}

/// The fill colour of each node of a compared graph, as indices into distinct CSS colours.
pub struct DiffColors<'a> {
    pub node_color: &'a [u8],
    pub colors: Vec<String>,
}

impl DiffView {
    pub fn new(tree: &CallTree, base: CallTree) -> DiffView {
        let table = Rc::new(DiffTable::new(tree, &base));
        DiffView::with_table(tree, Rc::new(base), table)
    }

    /// The comparison of `tree` with `base`, both shaped alike, whose functions' table is
    /// `table`.
    fn with_table(tree: &CallTree, base: Rc<CallTree>, table: Rc<DiffTable>) -> DiffView {
        let base_values = diff::base_values(tree, &base);
        let node_color = (0..tree.len())
            .map(|n| {
                let step = diff_step(tree.total_value(NodeId(n as u32)), base_values[n]);
                (step + DIFF_STEPS) as u8
            })
            .collect();
        DiffView {
            table,
            base_values,
            node_color,
            base,
        }
    }

    /// The node colours for `theme` and the palette (only the few colours themselves depend
    /// on them).
    pub fn colors(&self, theme: Theme, colour_blind: bool) -> DiffColors<'_> {
        DiffColors {
            node_color: &self.node_color,
            colors: (-DIFF_STEPS..=DIFF_STEPS)
                .map(|s| diff_color(s, theme, colour_blind))
                .collect(),
        }
    }
}

/// A graph is only equal to itself: each is built once and shared.
impl PartialEq for Graph {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Graph {
    /// A tree laid out, with the label totals of its samples.
    pub fn new(tree: CallTree, labels: Vec<LabelTotal>) -> Graph {
        let layout = FlameLayout::new(&tree);
        Graph {
            tree,
            layout,
            labels,
            diff: None,
            palette: RefCell::new(None),
            top: OnceCell::new(),
            reshaped: RefCell::new(None),
        }
    }

    /// This graph reshaped (itself when `shape` is plain), its frames told apart at
    /// `granularity`; the last one is kept. Its tables are this graph's: pprof's numbers.
    pub fn shaped(self: &Rc<Graph>, shape: Shape, granularity: Granularity) -> Rc<Graph> {
        if shape.is_plain() {
            return self.clone();
        }
        if let Some((_, graph)) = self.reshaped.borrow().as_ref().filter(|(s, _)| *s == shape) {
            return graph.clone();
        }
        let tree = shape::reshaped(&self.tree, shape, granularity);
        let diff = self.diff.as_ref().map(|d| {
            let base = Rc::new(shape::reshaped(&d.base, shape, granularity));
            DiffView::with_table(&tree, base, d.table.clone())
        });
        let mut graph = Graph::new(tree, self.labels.clone());
        graph.diff = diff;
        graph.top = OnceCell::from(self.top_table());
        let graph = Rc::new(graph);
        *self.reshaped.borrow_mut() = Some((shape, graph.clone()));
        graph
    }

    /// The top table, computed on first use.
    pub fn top_table(&self) -> Rc<TopTable> {
        self.top
            .get_or_init(|| Rc::new(TopTable::new(&self.tree)))
            .clone()
    }

    /// The palette for `theme` coloured as `colors_of` says, computed once per change; by
    /// self share, a frame's heat is its function's flat in pprof's table.
    pub fn palette(&self, theme: Theme, colors_of: Colors) -> Rc<Palette> {
        let current = |p: &&Rc<Palette>| p.theme == theme && p.colors_of == colors_of;
        if let Some(p) = self.palette.borrow().as_ref().filter(current) {
            return p.clone();
        }
        let frames = self.tree.frames();
        let mut flat = vec![0i64; frames.len()];
        if colors_of.by == ColorBy::SelfShare {
            for row in self.top_table().rows() {
                flat[row.frame.0 as usize] = row.flat;
            }
        }
        let hottest = flat.iter().map(|f| f.abs()).max().unwrap_or(0);
        let mut index: std::collections::HashMap<String, u32> = Default::default();
        let mut colors = Vec::new();
        let frame_color = (0..frames.len())
            .map(|f| {
                let color = match colors_of.by {
                    ColorBy::Package => frame_color(
                        frames.name(crate::model::frames::FrameId(f as u32)),
                        theme,
                        colors_of.colour_blind,
                    ),
                    ColorBy::SelfShare => {
                        heat_color(heat_step(flat[f], hottest), theme, colors_of.colour_blind)
                    }
                };
                *index.entry(color.clone()).or_insert_with(|| {
                    colors.push(color);
                    colors.len() as u32 - 1
                })
            })
            .collect();
        let palette = Rc::new(Palette {
            theme,
            colors_of,
            frame_color,
            colors,
        });
        *self.palette.borrow_mut() = Some(palette.clone());
        palette
    }
}

/// A call graph laid out, with its DOT file.
pub struct CallGraphView {
    pub drawing: GraphDrawing,
    pub dot: String,
}

/// A call graph, or why it could not be built (a bad filter, a comparison without base).
pub type CallGraphBuilt = Result<Rc<CallGraphView>, String>;

/// A call graph is only equal to itself: each is built once and shared.
impl PartialEq for CallGraphView {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

/// What a call graph is built for: value type, filters and options (fractions by their bits).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CallGraphKey {
    pub index: usize,
    pub filters: FilterSpec,
    node_count: usize,
    node_fraction: u64,
    edge_fraction: u64,
}

impl CallGraphKey {
    pub fn new(index: usize, filters: &FilterSpec, options: &GraphOptions) -> CallGraphKey {
        CallGraphKey {
            index,
            filters: filters.clone(),
            node_count: options.node_count,
            node_fraction: options.node_fraction.to_bits(),
            edge_fraction: options.edge_fraction.to_bits(),
        }
    }

    pub fn options(&self) -> GraphOptions {
        GraphOptions {
            node_count: self.node_count,
            node_fraction: f64::from_bits(self.node_fraction),
            edge_fraction: f64::from_bits(self.edge_fraction),
        }
    }
}

/// What a function's source is listed for: value type, filters (the view's) and the function.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SourceKey {
    pub index: usize,
    pub filters: FilterSpec,
    pub function: String,
}

/// A function's source lines, or why they could not be listed.
pub type SourceBuilt = Result<Rc<FunctionSource>, String>;

/// Files up to this size are kept in memory after opening, so "Copy link" can embed them.
pub const KEEP_FILE_BYTES: usize = 8 << 20;

/// Where an opened profile came from, which decides what a shared link carries.
pub enum Source {
    /// The bundled example.
    Example { bytes: Rc<[u8]> },
    /// A file the person opened: its hash, and its bytes when small enough to embed.
    File {
        hash: String,
        bytes: Option<Rc<[u8]>>,
    },
    /// A profile carried inside the link that opened the page.
    Embedded { text: String },
    /// A profile fetched from an address (`#url=`).
    Url { url: String },
}

/// Where the profile itself is kept, and its call trees built.
pub enum Backend {
    /// On the page: small profiles (the example, a profile inside a link), opened at once.
    Local(Box<Profile>),
    /// In a worker, which sends each tree when asked.
    Worker(Engine),
}

/// An opened profile.
pub struct Loaded {
    /// Tells this profile's engine answers from others' (0 for a local profile).
    pub id: u32,
    /// The file name the person gave (or "example"); the names of several files merged, joined
    /// by commas.
    pub name: String,
    /// The files opened in the engine (merged when several), which it can open again with
    /// others added.
    parts: Vec<Part>,
    pub summary: Summary,
    pub source: Source,
    backend: Backend,
    /// Graphs by value type and filters, each built once.
    graphs: RefCell<HashMap<(usize, FilterSpec), Rc<Graph>>>,
    /// The value type and filters of the graph the profile opened with (always there).
    pub opened_with: (usize, FilterSpec),
    /// Call graphs, each built once, or why one could not be.
    call_graphs: RefCell<HashMap<CallGraphKey, CallGraphBuilt>>,
    /// Functions' source lines, each listed once, or why one could not be.
    sources: RefCell<HashMap<SourceKey, SourceBuilt>>,
    /// How many base profiles have opened: a comparison's call graph is asked for again.
    base_count: Cell<u32>,
    /// The base profile compared with.
    base: RefCell<Option<Part>>,
    /// A base profile being opened, which replaces `base` once it has opened, and the mode it
    /// is to be shown in (see [`AppAction::BaseOpened`](super::state::AppAction::BaseOpened)).
    opening_base: RefCell<Option<(Part, Option<DiffMode>)>>,
    /// The size of the engine's wasm memory when it had opened the profile, in bytes (0 for
    /// a profile on the page).
    pub engine_memory: f64,
}

impl Loaded {
    /// A profile kept on the page.
    pub fn local(name: String, profile: Profile, source: Source) -> Loaded {
        Loaded {
            id: 0,
            name,
            parts: Vec::new(),
            summary: Summary::of(&profile),
            graphs: RefCell::default(),
            opened_with: (profile.default_value_index, FilterSpec::default()),
            call_graphs: RefCell::default(),
            sources: RefCell::default(),
            base_count: Cell::default(),
            base: RefCell::default(),
            opening_base: RefCell::default(),
            source,
            backend: Backend::Local(Box::new(profile)),
            engine_memory: 0.0,
        }
    }

    /// The files `parts` opened (merged) in `engine`, with their first tree.
    pub fn in_worker(
        id: u32,
        parts: Vec<Part>,
        opened: Opened,
        engine: Engine,
        source: Source,
    ) -> Loaded {
        let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
        let loaded = Loaded {
            id,
            name: names.join(", "),
            parts,
            graphs: RefCell::default(),
            opened_with: (opened.index, opened.filters.clone()),
            call_graphs: RefCell::default(),
            sources: RefCell::default(),
            base_count: Cell::default(),
            base: RefCell::default(),
            opening_base: RefCell::default(),
            summary: opened.summary,
            source,
            backend: Backend::Worker(engine),
            engine_memory: opened.engine_memory,
        };
        loaded.insert_report(opened.index, opened.filters, opened.report, None);
        loaded
    }

    /// The graph for value type `index` under `filters`: built on first use for a local
    /// profile; for one in a worker, `None` until its tree has arrived (see
    /// [`Loaded::request_graph`]). Filters that do not compile have no graph.
    pub fn graph(&self, index: usize, filters: &FilterSpec) -> Option<Rc<Graph>> {
        if index >= self.summary.value_types.len() {
            return None;
        }
        let key = (index, filters.clone());
        if let Some(graph) = self.graphs.borrow().get(&key) {
            return Some(graph.clone());
        }
        match &self.backend {
            Backend::Local(profile) => {
                if filters.diff != DiffMode::Off {
                    return None;
                }
                let report = report::report(profile, index, &filters.compile().ok()?);
                Some(self.insert_report(index, key.1, report, None))
            }
            Backend::Worker(_) => None,
        }
    }

    /// Asks the worker for the tree of value type `index` under `filters`, unless its graph
    /// is already here.
    pub fn request_graph(&self, index: usize, filters: &FilterSpec) {
        if let Backend::Worker(engine) = &self.backend {
            if !self.graphs.borrow().contains_key(&(index, filters.clone())) {
                engine.request_tree(index, filters);
            }
        }
    }

    /// The call graph for `key`: built on first use for a local profile; for one in a worker,
    /// `None` until it has arrived (see [`Loaded::request_call_graph`]).
    pub fn call_graph(&self, key: &CallGraphKey) -> Option<CallGraphBuilt> {
        if let Some(built) = self.call_graphs.borrow().get(key) {
            return Some(built.clone());
        }
        let Backend::Local(profile) = &self.backend else {
            return None;
        };
        let options = key.options();
        let drawn =
            graph_drawing::draw(profile, None, key.index, &key.filters, &options, &self.name);
        self.insert_call_graph(key.clone(), drawn);
        self.call_graphs.borrow().get(key).cloned()
    }

    /// Asks the worker for the call graph for `key`, unless it is already here (or failed).
    pub fn request_call_graph(&self, key: &CallGraphKey) {
        if let Backend::Worker(engine) = &self.backend {
            if !self.call_graphs.borrow().contains_key(key) {
                engine.request_call_graph(key.index, &key.filters, &key.options(), &self.name);
            }
        }
    }

    /// Stops the worker's build of a call graph, if one goes on.
    pub fn cancel_call_graph(&self) {
        if let Backend::Worker(engine) = &self.backend {
            engine.cancel_call_graph();
        }
    }

    /// Keeps a call graph that was built (its drawing and DOT file), or why it was not.
    pub fn insert_call_graph(
        &self,
        key: CallGraphKey,
        drawn: Result<(GraphDrawing, String), String>,
    ) {
        let built = drawn.map(|(drawing, dot)| Rc::new(CallGraphView { drawing, dot }));
        self.call_graphs.borrow_mut().insert(key, built);
    }

    /// The source of `key`'s function: listed on first use for a local profile; for one in a
    /// worker, `None` until it has arrived (see [`Loaded::request_source`]).
    pub fn source(&self, key: &SourceKey) -> Option<SourceBuilt> {
        if let Some(built) = self.sources.borrow().get(key) {
            return Some(built.clone());
        }
        let Backend::Local(profile) = &self.backend else {
            return None;
        };
        let built = key
            .filters
            .compile()
            .map_err(|e| e.to_string())
            .map(|filters| {
                Rc::new(source::function_source(
                    profile,
                    None,
                    key.index,
                    &filters,
                    &key.function,
                ))
            });
        self.sources.borrow_mut().insert(key.clone(), built.clone());
        Some(built)
    }

    /// Asks the worker for the source of `key`'s function, unless it is already here.
    pub fn request_source(&self, key: &SourceKey) {
        if let Backend::Worker(engine) = &self.backend {
            if !self.sources.borrow().contains_key(key) {
                engine.request_source(key.index, &key.filters, &key.function);
            }
        }
    }

    /// Keeps a function's source that was listed, or why it was not.
    pub fn insert_source(&self, key: SourceKey, built: Result<FunctionSource, String>) {
        self.sources.borrow_mut().insert(key, built.map(Rc::new));
    }

    /// How many base profiles have opened so far.
    pub fn base_count(&self) -> u32 {
        self.base_count.get()
    }

    /// The engine's worker holding this profile, if it is not kept on the page.
    pub fn engine(&self) -> Option<&Engine> {
        match &self.backend {
            Backend::Worker(engine) => Some(engine),
            Backend::Local(_) => None,
        }
    }

    /// Saves the profile as `filters` leave it (a comparison is not part of it), value type
    /// `index` its default, as a gzipped profile.proto file named `name`: made here for a
    /// profile on the page, asked of the worker otherwise (see
    /// [`EngineEvent::Saved`](crate::web::engine::page::EngineEvent::Saved)).
    pub fn save_proto(&self, index: usize, filters: &FilterSpec, name: &str) -> Result<(), String> {
        let filters = FilterSpec {
            diff: DiffMode::Off,
            ..filters.clone()
        };
        match &self.backend {
            Backend::Worker(engine) => {
                engine.request_proto(index, &filters, name);
                Ok(())
            }
            Backend::Local(profile) => {
                let compiled = filters.compile().map_err(|e| e.to_string())?;
                let saved = report::view_profile(profile, index, &compiled);
                let bytes = crate::input::pprof::encode_gzipped(&saved);
                save_profile(name, &bytes)
            }
        }
    }

    /// The files opened in the engine (none for a profile on the page).
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// Opens `part` as the base profile to compare with (in the worker; a profile kept on the
    /// page cannot be compared), to be shown in `mode` once opened (see
    /// [`AppAction::BaseOpened`](super::state::AppAction::BaseOpened)). The comparison shown
    /// stays until the new base has opened.
    pub fn open_base(&self, part: Part, mode: Option<DiffMode>) -> Result<(), String> {
        let Backend::Worker(engine) = &self.backend else {
            return Err(
                "Open a profile file first: the example and profiles inside a link \
                        cannot be compared with a base."
                    .into(),
            );
        };
        engine.open_base(&part);
        *self.opening_base.borrow_mut() = Some((part, mode));
        Ok(())
    }

    /// The base being opened has opened: graphs compared with an earlier base are dropped.
    /// Returns the mode it is to be shown in, `None` when no base was being opened.
    pub fn base_opened(&self) -> Option<Option<DiffMode>> {
        let (part, mode) = self.opening_base.borrow_mut().take()?;
        self.graphs
            .borrow_mut()
            .retain(|(_, filters), _| filters.diff == DiffMode::Off);
        self.call_graphs
            .borrow_mut()
            .retain(|key, _| key.filters.diff == DiffMode::Off);
        self.sources
            .borrow_mut()
            .retain(|key, _| key.filters.diff == DiffMode::Off);
        self.base_count.set(self.base_count.get().wrapping_add(1));
        *self.base.borrow_mut() = Some(part);
        Some(mode)
    }

    /// The base being opened failed: the earlier one (if any) stays.
    pub fn base_failed(&self) {
        self.opening_base.borrow_mut().take();
    }

    /// The base profile's name, once one has opened.
    pub fn base_name(&self) -> Option<String> {
        self.base.borrow().as_ref().map(|p| p.name.clone())
    }

    /// The base profile compared with, once one has opened.
    pub fn base_part(&self) -> Option<Part> {
        self.base.borrow().clone()
    }

    /// Keeps the report of value type `index` under `filters` (laid out), compared with the
    /// base's report when there is one, and returns its graph.
    pub fn insert_report(
        &self,
        index: usize,
        filters: FilterSpec,
        report: Report,
        base: Option<Report>,
    ) -> Rc<Graph> {
        let mut graph = Graph::new(report.tree, report.labels);
        graph.diff = base.map(|base| DiffView::new(&graph.tree, base.tree));
        let graph = Rc::new(graph);
        self.graphs
            .borrow_mut()
            .insert((index, filters), graph.clone());
        graph
    }
}

/// Saves gzipped profile.proto `bytes` as `name`, or says why not.
pub fn save_profile(name: &str, bytes: &[u8]) -> Result<(), String> {
    crate::web::download::save_bytes(name, bytes, "application/gzip")
        .map_err(|_| "The pprof file could not be saved.".to_string())
}

/// An `Rc<Loaded>` compared by identity, for hook dependencies.
#[derive(Clone)]
pub struct Shared(pub Rc<Loaded>);

impl PartialEq for Shared {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}
