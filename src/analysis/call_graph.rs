//! pprof's call graph (`go tool pprof -dot`, the Graph view of `-http`): a node per frame with
//! its flat and cum, an edge per caller and callee with the weight of the samples through it,
//! trimmed as pprof's `newTrimmedGraph` trims it (nodes under `nodefraction` of the total,
//! then the top `nodecount` in pprof's entropy order, counting label boxes as nodes; edges
//! under `edgefraction`; residual edges over dropped nodes, and the redundant ones removed).
//! Depends on the profile model, the filters, pprof's total and the tag scaling.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::analysis::filter::{filtered, Filters};
use crate::analysis::options::DiffMode;
use crate::analysis::pause::{without_pauses, NoPause, Pause};
use crate::analysis::tags::{scaled_label, NumUnits};
use crate::analysis::total::pprof_total;
use crate::model::concat::{concat, Part};
use crate::model::frames::{FrameId, Frames};
use crate::model::profile::{LabelSetId, LabelValue, Profile, StackId, Stacks};

/// How much of the graph to keep: pprof's `-nodecount`, `-nodefraction`, `-edgefraction`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GraphOptions {
    /// At most this many nodes (label boxes count too, as pprof counts them); 0 keeps all.
    pub node_count: usize,
    /// Drop nodes whose |cum| is under this share of the sum of flat.
    pub node_fraction: f64,
    /// Drop edges whose |weight| is under this share of the sum of flat.
    pub edge_fraction: f64,
}

/// The most nodes the call graph may be asked for (pprof has no limit; a drawing of more
/// than a few thousand boxes is no use to anyone).
pub const MAX_NODE_COUNT: usize = 5000;

impl GraphOptions {
    /// pprof's names of the options.
    pub const KEYS: [&'static str; 3] = ["nodecount", "nodefraction", "edgefraction"];

    /// The value of the option pprof calls `key` (one of [`GraphOptions::KEYS`]), as text.
    pub fn entry(&self, key: &str) -> Option<String> {
        match key {
            "nodecount" => Some(self.node_count.to_string()),
            "nodefraction" => Some(self.node_fraction.to_string()),
            "edgefraction" => Some(self.edge_fraction.to_string()),
            _ => None,
        }
    }

    /// The options that are not pprof's default, by pprof's names, with their values.
    pub fn entries(&self) -> Vec<(&'static str, String)> {
        let default = GraphOptions::default();
        GraphOptions::KEYS
            .into_iter()
            .filter_map(|key| {
                let value = self.entry(key)?;
                (Some(&value) != default.entry(key).as_ref()).then_some((key, value))
            })
            .collect()
    }

    /// These options with the one pprof calls `key` set to `text`; `None` for another key or
    /// a value out of range (a count up to [`MAX_NODE_COUNT`], a share from 0 to 1).
    pub fn with_entry(&self, key: &str, text: &str) -> Option<GraphOptions> {
        let fraction = || text.parse::<f64>().ok().filter(|f| (0.0..=1.0).contains(f));
        let mut next = *self;
        match key {
            "nodecount" => next.node_count = text.parse().ok().filter(|&n| n <= MAX_NODE_COUNT)?,
            "nodefraction" => next.node_fraction = fraction()?,
            "edgefraction" => next.edge_fraction = fraction()?,
            _ => return None,
        }
        Some(next)
    }
}

impl Default for GraphOptions {
    /// pprof's defaults for a graph.
    fn default() -> Self {
        GraphOptions {
            node_count: 80,
            node_fraction: 0.005,
            edge_fraction: 0.001,
        }
    }
}

/// A node: a frame with its flat (samples ending there) and cum (samples through it, once
/// per sample).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GraphNode {
    pub frame: FrameId,
    pub flat: i64,
    pub cum: i64,
}

/// An edge between two nodes (indices into [`CallGraph::nodes`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GraphEdge {
    pub caller: usize,
    pub callee: usize,
    /// The samples with this call on their stack, each once.
    pub weight: i64,
    /// The call goes through frames that were dropped (pprof draws it dotted).
    pub residual: bool,
    /// Every such call was inlined into the caller.
    pub inline: bool,
}

/// The call graph as pprof draws it, with its legend's numbers.
#[derive(Debug, Clone)]
pub struct CallGraph {
    pub frames: Frames,
    /// In pprof's order (its `N1`, `N2`, ...).
    pub nodes: Vec<GraphNode>,
    /// Heaviest first (pprof's order: |weight|, then caller and callee names).
    pub edges: Vec<GraphEdge>,
    /// pprof's total: the 100% of percentages.
    pub total: i64,
    /// The sum of the flat of the nodes shown ("Showing nodes accounting for").
    pub shown: i64,
    /// "Dropped N nodes (cum <= node_limit)", 0 if none.
    pub dropped_nodes: usize,
    /// "Dropped M edges (freq <= edge_limit)", 0 if none.
    pub dropped_edges: usize,
    /// The legend's limits: the total times each fraction.
    pub node_limit: i64,
    pub edge_limit: i64,
    /// "Showing top K nodes out of N", when nodes were cut by the node count.
    pub top_of: Option<(usize, usize)>,
}

/// A step of making a call graph, reported (see [`Pause`]) before it begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphStep {
    /// Applying the filters (and the base of a comparison) and naming the frames.
    Filtering,
    /// pprof's first graph, of every frame.
    Counting,
    /// The graph again with only the frames the node fraction and the node count keep.
    Trimming,
    /// Placing the boxes and routing the edges (the drawing's step, after the graph's).
    LayingOut,
}

impl GraphStep {
    /// How many steps there are.
    pub const COUNT: usize = 4;

    /// Which step this is, from 1.
    pub fn number(self) -> usize {
        match self {
            GraphStep::Filtering => 1,
            GraphStep::Counting => 2,
            GraphStep::Trimming => 3,
            GraphStep::LayingOut => 4,
        }
    }

    /// The step with this [`GraphStep::number`].
    pub fn of_number(number: usize) -> Option<GraphStep> {
        [
            GraphStep::Filtering,
            GraphStep::Counting,
            GraphStep::Trimming,
            GraphStep::LayingOut,
        ]
        .into_iter()
        .find(|s| s.number() == number)
    }

    /// What the step does, for a person waiting on it.
    pub fn describe(self) -> &'static str {
        match self {
            GraphStep::Filtering => "applying the filters",
            GraphStep::Counting => "counting every frame",
            GraphStep::Trimming => "keeping the top nodes",
            GraphStep::LayingOut => "laying it out",
        }
    }
}

/// The call graph of `profile` for value type `value_index` under `filters`.
pub fn call_graph(
    profile: &Profile,
    value_index: usize,
    filters: &Filters,
    options: &GraphOptions,
) -> CallGraph {
    without_pauses(call_graph_paused(
        profile,
        None,
        value_index,
        filters,
        options,
        &mut NoPause,
    ))
}

/// The call graph of `profile` minus `base`, as pprof's `-diff_base` (and `-normalize` when
/// `mode` says so) draws it: the base's samples negated and merged in.
pub fn diff_call_graph(
    profile: &Profile,
    base: &Profile,
    mode: DiffMode,
    value_index: usize,
    filters: &Filters,
    options: &GraphOptions,
) -> CallGraph {
    without_pauses(call_graph_paused(
        profile,
        Some((base, mode)),
        value_index,
        filters,
        options,
        &mut NoPause,
    ))
}

/// [`call_graph`], or [`diff_call_graph`] with a base, awaiting `pause` before each step.
pub async fn call_graph_paused<P: Pause<GraphStep>>(
    profile: &Profile,
    base: Option<(&Profile, DiffMode)>,
    value_index: usize,
    filters: &Filters,
    options: &GraphOptions,
    pause: &mut P,
) -> Result<CallGraph, P::Stop> {
    pause.pause(GraphStep::Filtering).await?;
    let merged;
    let profile = match base {
        None => profile,
        Some((base, mode)) => {
            let normalized;
            let profile = if mode == DiffMode::Normalized {
                normalized = crate::analysis::diff::normalize(profile, base);
                &normalized
            } else {
                profile
            };
            merged = concat(&[Part::plain(profile), Part::base(base)]);
            &merged
        }
    };
    let total = pprof_total(profile, value_index);
    let profile = filtered(profile, filters);
    build(&profile, value_index, filters, options, total, pause).await
}

async fn build<P: Pause<GraphStep>>(
    profile: &Profile,
    value_index: usize,
    filters: &Filters,
    options: &GraphOptions,
    total: i64,
    pause: &mut P,
) -> Result<CallGraph, P::Stop> {
    let frames = Frames::build_at(profile, filters.granularity);
    let samples = Samples::of(profile, value_index, &frames);
    pause.pause(GraphStep::Counting).await?;
    let all = samples.graph(&frames, None);
    let flat_sum: i64 = all.nodes.iter().map(|&f| all.flat[f.0 as usize]).sum();
    let node_cutoff = (flat_sum as f64 * options.node_fraction) as i64;
    let node_cutoff = node_cutoff.wrapping_abs();
    let edge_cutoff = ((flat_sum as f64 * options.edge_fraction) as i64).wrapping_abs();

    // Nodes under the cutoff go, and the graph is built again without them.
    let mut dropped_nodes = 0;
    let mut graph = all;
    if node_cutoff > 0 {
        let kept: Vec<FrameId> = graph
            .nodes
            .iter()
            .copied()
            .filter(|&f| graph.cum[f.0 as usize].wrapping_abs() >= node_cutoff)
            .collect();
        if kept.len() != graph.nodes.len() {
            dropped_nodes = graph.nodes.len() - kept.len();
            pause.pause(GraphStep::Trimming).await?;
            graph = samples.graph(&frames, Some(&keep_set(&frames, &kept)));
        }
    }
    let before_count = graph.nodes.len();
    graph.sort(&frames);
    if options.node_count > 0 {
        graph.trim_edges(edge_cutoff);
        let top = graph.top_nodes(options.node_count, node_cutoff);
        if top.len() != graph.nodes.len() {
            pause.pause(GraphStep::Trimming).await?;
            graph = samples.graph(&frames, Some(&keep_set(&frames, &top)));
            graph.sort(&frames);
        }
    }
    let dropped_edges = graph.trim_edges(edge_cutoff);
    graph.remove_redundant_edges(&frames);

    let index: FxHashMap<FrameId, usize> = graph
        .nodes
        .iter()
        .enumerate()
        .map(|(i, &f)| (f, i))
        .collect();
    let nodes: Vec<GraphNode> = graph
        .nodes
        .iter()
        .map(|&f| GraphNode {
            frame: f,
            flat: graph.flat[f.0 as usize],
            cum: graph.cum[f.0 as usize],
        })
        .collect();
    // An edge into a node that cancelled out (a comparison) has nowhere to go; pprof's own
    // drawing cannot name it either.
    let mut edges: Vec<GraphEdge> = graph
        .edges
        .iter()
        .filter_map(|(&(caller, callee), e)| {
            Some(GraphEdge {
                caller: *index.get(&caller)?,
                callee: *index.get(&callee)?,
                weight: e.weight,
                residual: e.residual,
                inline: e.inline,
            })
        })
        .collect();
    edges.sort_by(|a, b| {
        let name = |i: usize| frames.name(nodes[i].frame);
        b.weight
            .wrapping_abs()
            .cmp(&a.weight.wrapping_abs())
            .then_with(|| name(a.caller).cmp(name(b.caller)))
            .then_with(|| name(a.callee).cmp(name(b.callee)))
            .then_with(|| (a.caller, a.callee).cmp(&(b.caller, b.callee)))
    });
    let shown = nodes.iter().map(|n| n.flat).sum();
    let limit = |fraction: f64| ((total as f64 * fraction) as i64).wrapping_abs();
    let top_of = (!nodes.is_empty() && nodes.len() < before_count && total != 0)
        .then_some((nodes.len(), before_count));
    let (dropped_nodes, dropped_edges) = if total == 0 {
        (0, 0)
    } else {
        (dropped_nodes, dropped_edges)
    };
    Ok(CallGraph {
        nodes,
        edges,
        total,
        shown,
        dropped_nodes,
        dropped_edges,
        node_limit: limit(options.node_fraction),
        edge_limit: limit(options.edge_fraction),
        top_of,
        frames,
    })
}

/// Frames kept, as a table by frame id.
fn keep_set(frames: &Frames, kept: &[FrameId]) -> Vec<bool> {
    let mut set = vec![false; frames.len()];
    for f in kept {
        set[f.0 as usize] = true;
    }
    set
}

/// A frame on a stack, root first, and whether it was inlined into the frame before it.
type Step = (FrameId, bool);

/// What the graph is built from, once for each trimming pass.
enum Samples<'a> {
    /// Samples without tags: the profile's stacks with their weights, walked as a tree.
    Stacks(StackWeights<'a>),
    Tagged(Tagged),
}

impl Samples<'_> {
    fn of<'a>(profile: &'a Profile, value_index: usize, frames: &Frames) -> Samples<'a> {
        let tag_of = TagNames::of(profile, value_index);
        let has_tags = tag_of
            .groups
            .iter()
            .any(|(labels, numbers)| *labels != NO_LABELS || !numbers.is_empty());
        if has_tags {
            Samples::Tagged(Tagged::of(profile, value_index, frames, tag_of))
        } else {
            Samples::Stacks(StackWeights::of(profile, value_index))
        }
    }

    /// pprof's `newGraph` over these samples, with only the `kept` frames when given: a call
    /// through frames left out becomes a residual edge from the frame above them.
    fn graph(&self, frames: &Frames, kept: Option<&[bool]>) -> Graph {
        match self {
            Samples::Stacks(stacks) => stacks.graph(frames, kept),
            Samples::Tagged(tagged) => tagged.graph(frames, kept),
        }
    }
}

/// The profile's stack trie with the weight of the samples on each stack and under it.
/// pprof's per-sample walk, done once per stack: a frame's cum gets a stack's whole weight
/// where the frame first appears on the path from the root, and an edge likewise where the
/// pair first appears, which is where each sample under the stack first meets it.
struct StackWeights<'a> {
    profile: &'a Profile,
    /// Per stack: the samples ending on it, and those on it or under it.
    own: Vec<i64>,
    weight: Vec<i64>,
    /// The stacks under each stack that some sample with a value is on: those of stack `s`
    /// are `children[child_start[s]..child_start[s + 1]]`.
    child_start: Vec<u32>,
    children: Vec<StackId>,
}

/// A count to take back when the walk leaves a stack.
enum Undo {
    Frame(FrameId),
    Edge(usize),
}

impl StackWeights<'_> {
    fn of(profile: &Profile, value_index: usize) -> StackWeights<'_> {
        let width = profile.value_types.len();
        let n = profile.stacks.len();
        let mut own = vec![0i64; n];
        let mut live = vec![false; n];
        for (i, &stack) in profile.samples.stack.iter().enumerate() {
            let weight = profile.samples.values[i * width + value_index];
            if weight != 0 {
                own[stack.0 as usize] = own[stack.0 as usize].wrapping_add(weight);
                live[stack.0 as usize] = true;
            }
        }
        // A stack's parent was made before it, so its id is smaller: one pass from the
        // leaves up sums the weights.
        let mut weight = own.clone();
        let mut count = vec![0u32; n + 1];
        for s in (1..n).rev() {
            let parent = profile.stacks.parent(StackId(s as u32)).0 as usize;
            debug_assert!(parent < s);
            if live[s] {
                weight[parent] = weight[parent].wrapping_add(weight[s]);
                live[parent] = true;
                count[parent + 1] += 1;
            }
        }
        for s in 0..n {
            count[s + 1] += count[s];
        }
        let mut next = count.clone();
        let mut children = vec![Stacks::EMPTY; count[n] as usize];
        for (s, _) in live.iter().enumerate().skip(1).filter(|(_, &live)| live) {
            let parent = profile.stacks.parent(StackId(s as u32)).0 as usize;
            children[next[parent] as usize] = StackId(s as u32);
            next[parent] += 1;
        }
        StackWeights {
            profile,
            own,
            weight,
            child_start: count,
            children,
        }
    }

    fn children(&self, stack: StackId) -> &[StackId] {
        let s = stack.0 as usize;
        &self.children[self.child_start[s] as usize..self.child_start[s + 1] as usize]
    }

    fn graph(&self, frames: &Frames, kept: Option<&[bool]>) -> Graph {
        let n = frames.len();
        let mut flat = vec![0i64; n];
        let mut cum = vec![0i64; n];
        // How often each frame, and each edge, is on the path from the root to the stack.
        let mut on_path = vec![0u32; n];
        let mut edge_index: FxHashMap<(FrameId, FrameId), usize> = FxHashMap::default();
        let mut edge_list: Vec<((FrameId, FrameId), Edge, u32)> = Vec::new();
        let mut undo: Vec<Undo> = Vec::new();
        enum Visit {
            /// A stack, with the frame above it and whether frames were left out since.
            Enter(StackId, Option<FrameId>, bool),
            /// Leaving a stack: take the counts back to this length of `undo`.
            Leave(usize),
        }
        let mut work: Vec<Visit> = self
            .children(Stacks::EMPTY)
            .iter()
            .map(|&s| Visit::Enter(s, None, false))
            .collect();
        while let Some(visit) = work.pop() {
            let (stack, mut parent, mut residual) = match visit {
                Visit::Leave(mark) => {
                    for taken in undo.drain(mark..) {
                        match taken {
                            Undo::Frame(f) => on_path[f.0 as usize] -= 1,
                            Undo::Edge(e) => edge_list[e].2 -= 1,
                        }
                    }
                    continue;
                }
                Visit::Enter(stack, parent, residual) => (stack, parent, residual),
            };
            let weight = self.weight[stack.0 as usize];
            let mark = undo.len();
            let (ids, inlined) = frames.of_location(self.profile.stacks.location(stack));
            for (&frame, &inline) in ids.iter().zip(inlined).rev() {
                let f = frame.0 as usize;
                if kept.is_some_and(|k| !k[f]) {
                    residual = true;
                    continue;
                }
                if on_path[f] == 0 {
                    cum[f] = cum[f].wrapping_add(weight);
                }
                on_path[f] += 1;
                undo.push(Undo::Frame(frame));
                if let Some(p) = parent.filter(|&p| p != frame) {
                    let e = *edge_index.entry((p, frame)).or_insert_with(|| {
                        let edge = Edge {
                            weight: 0,
                            residual,
                            inline,
                        };
                        edge_list.push(((p, frame), edge, 0));
                        edge_list.len() - 1
                    });
                    let (_, edge, depth) = &mut edge_list[e];
                    if *depth == 0 {
                        edge.weight = edge.weight.wrapping_add(weight);
                        edge.residual |= residual;
                        edge.inline &= inline;
                    }
                    *depth += 1;
                    undo.push(Undo::Edge(e));
                }
                parent = Some(frame);
                residual = false;
            }
            if let (Some(leaf), false) = (parent, residual) {
                let own = self.own[stack.0 as usize];
                flat[leaf.0 as usize] = flat[leaf.0 as usize].wrapping_add(own);
            }
            work.push(Visit::Leave(mark));
            work.extend(
                self.children(stack)
                    .iter()
                    .map(|&s| Visit::Enter(s, parent, residual)),
            );
        }
        let edges = edge_list
            .into_iter()
            .map(|(key, edge, _)| (key, edge))
            .collect();
        Graph::new(flat, cum, edges, Vec::new())
    }
}

/// The samples with a value, grouped by stack and labels, for profiles whose samples carry
/// tags: each path is walked once per trimming pass.
struct Tagged {
    /// Each distinct stack's frames, root first.
    paths: Vec<Vec<Step>>,
    /// (path, tags, weight) per distinct stack and label set.
    weighted: Vec<(u32, u32, i64)>,
    /// Per tag group: the joined string labels (an id, or `NO_LABELS`) and the names of the
    /// numeric `bytes` labels; pprof counts each as a box beside the node.
    tags: Vec<(u32, Vec<u32>)>,
}

const NO_LABELS: u32 = u32::MAX;

impl Tagged {
    fn of(profile: &Profile, value_index: usize, frames: &Frames, tag_of: TagNames) -> Tagged {
        let width = profile.value_types.len();
        let mut path_of: FxHashMap<StackId, u32> = FxHashMap::default();
        let mut paths: Vec<Vec<Step>> = Vec::new();
        let mut group: FxHashMap<(u32, LabelSetId), usize> = FxHashMap::default();
        let mut weighted: Vec<(u32, u32, i64)> = Vec::new();
        for (i, &stack) in profile.samples.stack.iter().enumerate() {
            let weight = profile.samples.values[i * width + value_index];
            if weight == 0 {
                continue;
            }
            let path = *path_of.entry(stack).or_insert_with(|| {
                paths.push(path(profile, frames, stack));
                paths.len() as u32 - 1
            });
            let set = profile.samples.label_set[i];
            let slot = *group.entry((path, set)).or_insert_with(|| {
                weighted.push((path, tag_of.group[set.0 as usize], 0));
                weighted.len() - 1
            });
            weighted[slot].2 = weighted[slot].2.wrapping_add(weight);
        }
        Tagged {
            paths,
            weighted,
            tags: tag_of.groups,
        }
    }

    fn graph(&self, frames: &Frames, kept: Option<&[bool]>) -> Graph {
        let n = frames.len();
        let mut flat = vec![0i64; n];
        let mut cum = vec![0i64; n];
        let mut edges: FxHashMap<(FrameId, FrameId), Edge> = FxHashMap::default();
        let mut tags: Vec<FxHashMap<(u32, u32), (i64, i64)>> = vec![FxHashMap::default(); n];
        let mut seen = vec![u32::MAX; n];
        let mut seen_edges: FxHashSet<(FrameId, FrameId)> = FxHashSet::default();
        for (round, &(path, group, weight)) in self.weighted.iter().enumerate() {
            let round = round as u32;
            seen_edges.clear();
            let mut add_tags = |frame: FrameId, flat: bool| {
                let (labels, numbers) = &self.tags[group as usize];
                let at = &mut tags[frame.0 as usize];
                let keys = (*labels != NO_LABELS)
                    .then_some((*labels, NO_LABELS))
                    .into_iter()
                    .chain(numbers.iter().map(|&number| (*labels, number)));
                for key in keys {
                    let tag = at.entry(key).or_insert((0, 0));
                    if flat {
                        tag.0 = tag.0.wrapping_add(weight);
                    } else {
                        tag.1 = tag.1.wrapping_add(weight);
                    }
                }
            };
            let mut parent: Option<FrameId> = None;
            let mut residual = false;
            for &(frame, inline) in &self.paths[path as usize] {
                if kept.is_some_and(|k| !k[frame.0 as usize]) {
                    residual = true;
                    continue;
                }
                let f = frame.0 as usize;
                if seen[f] != round {
                    seen[f] = round;
                    cum[f] = cum[f].wrapping_add(weight);
                    add_tags(frame, false);
                }
                if let Some(p) = parent.filter(|&p| p != frame) {
                    if seen_edges.insert((p, frame)) {
                        let edge = edges.entry((p, frame)).or_insert(Edge {
                            weight: 0,
                            residual,
                            inline,
                        });
                        edge.weight = edge.weight.wrapping_add(weight);
                        edge.residual |= residual;
                        edge.inline &= inline;
                    }
                }
                parent = Some(frame);
                residual = false;
            }
            if let (Some(leaf), false) = (parent, residual) {
                flat[leaf.0 as usize] = flat[leaf.0 as usize].wrapping_add(weight);
                add_tags(leaf, true);
            }
        }
        Graph::new(flat, cum, edges, tags)
    }
}

/// The frames of `stack`, root first, each with whether it was inlined into the one before.
fn path(profile: &Profile, frames: &Frames, stack: StackId) -> Vec<Step> {
    let mut leaf_first = Vec::new();
    let mut s = stack;
    while s != Stacks::EMPTY {
        let (ids, inlined) = frames.of_location(profile.stacks.location(s));
        leaf_first.extend(ids.iter().copied().zip(inlined.iter().copied()));
        s = profile.stacks.parent(s);
    }
    leaf_first.reverse();
    leaf_first
}

/// The tags pprof attaches to a sample, by label set: all string labels joined (sorted
/// `key:value` lines), and each numeric `bytes` label as pprof names it.
struct TagNames {
    /// Per label set, its tag group.
    group: Vec<u32>,
    groups: Vec<(u32, Vec<u32>)>,
}

impl TagNames {
    fn of(profile: &Profile, value_index: usize) -> TagNames {
        let units = NumUnits::of_profile(profile);
        // pprof names numeric tags in the report's output unit; here the value type's own,
        // as `go tool pprof -unit=UNIT` (its default, "minimum", can give two sizes one name).
        let output = match profile.value_types[value_index].unit.as_str() {
            "" | "count" => "count",
            unit => unit,
        };
        let mut names: FxHashMap<String, u32> = FxHashMap::default();
        let mut intern = |text: String| {
            let next = names.len() as u32;
            *names.entry(text).or_insert(next)
        };
        let mut groups: FxHashMap<(u32, Vec<u32>), u32> = FxHashMap::default();
        let mut list = Vec::new();
        let mut group = Vec::with_capacity(profile.label_sets.len());
        for set in 0..profile.label_sets.len() as u32 {
            let labels = profile.label_sets.get(LabelSetId(set));
            let mut strings: Vec<String> = labels
                .iter()
                .filter_map(|l| match l.value {
                    LabelValue::Str(v) if profile.str(l.key) != "pprof::base" => {
                        Some(format!("{}:{}", profile.str(l.key), profile.str(v)))
                    }
                    _ => None,
                })
                .collect();
            strings.sort();
            let joined = if strings.is_empty() {
                NO_LABELS
            } else {
                intern(strings.join("\\n"))
            };
            let numbers: Vec<u32> = labels
                .iter()
                .filter_map(|l| match l.value {
                    LabelValue::Num { value, .. } if profile.str(l.key) == "bytes" => {
                        let unit = units.of("bytes");
                        Some(intern(format!("#{}", scaled_label(value, unit, output))))
                    }
                    _ => None,
                })
                .collect();
            let key = (joined, numbers);
            let id = *groups.entry(key.clone()).or_insert_with(|| {
                list.push(key);
                list.len() as u32 - 1
            });
            group.push(id);
        }
        TagNames {
            group,
            groups: list,
        }
    }
}

/// An edge while the graph is built.
#[derive(Debug, Clone, Copy)]
struct Edge {
    weight: i64,
    residual: bool,
    inline: bool,
}

/// One pass of pprof's `newGraph`: per frame flat, cum and tags; the edges; the nodes.
struct Graph {
    nodes: Vec<FrameId>,
    flat: Vec<i64>,
    cum: Vec<i64>,
    edges: FxHashMap<(FrameId, FrameId), Edge>,
    /// Per frame: (labels, numeric name or `NO_LABELS`) -> (flat, cum); empty when the
    /// samples have no tags.
    tags: Vec<FxHashMap<(u32, u32), (i64, i64)>>,
}

impl Graph {
    /// A pass's graph: its nodes are the frames (not the root) with a flat or cum.
    fn new(
        flat: Vec<i64>,
        cum: Vec<i64>,
        edges: FxHashMap<(FrameId, FrameId), Edge>,
        tags: Vec<FxHashMap<(u32, u32), (i64, i64)>>,
    ) -> Graph {
        let nodes = (1..flat.len() as u32)
            .map(FrameId)
            .filter(|f| cum[f.0 as usize] != 0 || flat[f.0 as usize] != 0)
            .collect();
        Graph {
            nodes,
            flat,
            cum,
            edges,
            tags,
        }
    }

    /// pprof's `EntropyOrder`: entropy score, then name, then |flat|.
    fn sort(&mut self, frames: &Frames) {
        let mut ins: FxHashMap<FrameId, Vec<i64>> = FxHashMap::default();
        let mut outs: FxHashMap<FrameId, Vec<i64>> = FxHashMap::default();
        for (&(caller, callee), e) in &self.edges {
            outs.entry(caller).or_default().push(e.weight);
            ins.entry(callee).or_default().push(e.weight);
        }
        let none = Vec::new();
        let score: FxHashMap<FrameId, i64> = self
            .nodes
            .iter()
            .map(|&f| {
                let (flat, cum) = (self.flat[f.0 as usize], self.cum[f.0 as usize]);
                let score = entropy_score(
                    flat,
                    cum,
                    ins.get(&f).unwrap_or(&none),
                    outs.get(&f).unwrap_or(&none),
                );
                (f, score)
            })
            .collect();
        let flat = &self.flat;
        self.nodes.sort_by(|&a, &b| {
            score[&b]
                .wrapping_abs()
                .cmp(&score[&a].wrapping_abs())
                .then_with(|| frames.name(a).cmp(frames.name(b)))
                .then_with(|| {
                    flat[b.0 as usize]
                        .wrapping_abs()
                        .cmp(&flat[a.0 as usize].wrapping_abs())
                })
                .then_with(|| a.cmp(&b))
        });
    }

    /// Removes the edges into nodes lighter than `cutoff`; returns how many.
    fn trim_edges(&mut self, cutoff: i64) -> usize {
        let nodes: FxHashSet<FrameId> = self.nodes.iter().copied().collect();
        let before = self.edges.len();
        self.edges
            .retain(|(_, callee), e| !nodes.contains(callee) || e.weight.wrapping_abs() >= cutoff);
        before - self.edges.len()
    }

    /// pprof's `selectTopNodes` in visual mode: nodes in order until they and their label
    /// boxes (at most 4 each, those with flat left after trimming at `tag_cutoff`) reach
    /// `max`.
    fn top_nodes(&self, max: usize, tag_cutoff: i64) -> Vec<FrameId> {
        let mut take = max;
        let mut count = 0;
        for (i, &f) in self.nodes.iter().enumerate() {
            let boxes = self.tags.get(f.0 as usize).map_or(0, |tags| {
                tags.values()
                    .filter(|&&(flat, cum)| {
                        flat != 0
                            && (flat.wrapping_abs() >= tag_cutoff
                                || cum.wrapping_abs() >= tag_cutoff)
                    })
                    .count()
            });
            count += boxes.min(MAX_NODELETS) + 1;
            if count >= max {
                take = i + 1;
                break;
            }
        }
        self.nodes[..take.min(self.nodes.len())].to_vec()
    }

    /// pprof's `RemoveRedundantEdges`: from the last node back, its residual edges lightest
    /// first, each removed if its callee is still reached from its caller another way.
    fn remove_redundant_edges(&mut self, frames: &Frames) {
        let mut ins: FxHashMap<FrameId, Vec<FrameId>> = FxHashMap::default();
        for &(caller, callee) in self.edges.keys() {
            ins.entry(callee).or_default().push(caller);
        }
        for &node in self.nodes.iter().rev() {
            let mut callers = ins.get(&node).cloned().unwrap_or_default();
            // pprof's edge order: |weight| descending, then caller and callee names.
            callers.sort_by(|&a, &b| {
                let (wa, wb) = (self.edges[&(a, node)].weight, self.edges[&(b, node)].weight);
                wb.wrapping_abs()
                    .cmp(&wa.wrapping_abs())
                    .then_with(|| frames.name(a).cmp(frames.name(b)))
                    .then_with(|| a.cmp(&b))
            });
            for &caller in callers.iter().rev() {
                if !self.edges[&(caller, node)].residual {
                    break;
                }
                if reached_otherwise(&ins, caller, node) {
                    self.edges.remove(&(caller, node));
                    if let Some(list) = ins.get_mut(&node) {
                        list.retain(|&c| c != caller);
                    }
                }
            }
        }
    }
}

/// pprof's `maxNodelets`: label boxes drawn (and counted) per node.
const MAX_NODELETS: usize = 4;

/// Whether `callee` is reached from `caller` by a path other than their direct edge.
fn reached_otherwise(
    ins: &FxHashMap<FrameId, Vec<FrameId>>,
    caller: FrameId,
    callee: FrameId,
) -> bool {
    let mut seen: FxHashSet<FrameId> = FxHashSet::default();
    seen.insert(callee);
    let mut queue = std::collections::VecDeque::from([callee]);
    while let Some(n) = queue.pop_front() {
        for &from in ins.get(&n).map_or(&[][..], Vec::as_slice) {
            if (n == callee && from == caller) || seen.contains(&from) {
                continue;
            }
            if from == caller {
                return true;
            }
            seen.insert(from);
            queue.push_back(from);
        }
    }
    false
}

/// pprof's `entropyScore`: nodes whose calls fan in or out score higher than nodes that only
/// pass their samples on.
fn entropy_score(flat: i64, cum: i64, ins: &[i64], outs: &[i64]) -> i64 {
    let mut score = 0.0f64;
    score += if ins.is_empty() {
        1.0
    } else {
        edge_entropy(ins, 0)
    };
    score += if outs.is_empty() {
        1.0
    } else {
        edge_entropy(outs, flat)
    };
    go_f64_to_i64(score * cum as f64).wrapping_add(flat)
}

/// pprof's `edgeEntropyScore`.
fn edge_entropy(weights: &[i64], own: i64) -> f64 {
    let mut score = 0.0f64;
    let mut total = own;
    for &w in weights {
        if w > 0 {
            total = total.wrapping_add(w.wrapping_abs());
        }
    }
    if total != 0 {
        for &w in weights {
            let frac = w.wrapping_abs() as f64 / total as f64;
            score += -frac * go_log2(frac);
        }
        if own > 0 {
            let frac = own.wrapping_abs() as f64 / total as f64;
            score += -frac * go_log2(frac);
        }
    }
    score
}

/// Go's float64 to int64 conversion on amd64: out of range (and NaN) is `i64::MIN`.
fn go_f64_to_i64(x: f64) -> i64 {
    let limit = (1u64 << 63) as f64;
    if x.is_nan() || !(-limit..limit).contains(&x) {
        i64::MIN
    } else {
        x as i64
    }
}

/// Go's `math.Log2`, bit for bit (its `Log` is the same algorithm on every platform).
fn go_log2(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 || x.is_infinite() {
        return x.log2();
    }
    let (frac, exp) = frexp(x);
    if frac == 0.5 {
        return (exp - 1) as f64;
    }
    go_log(frac) * (1.0 / std::f64::consts::LN_2) + exp as f64
}

/// Go's `math.Frexp` for positive normal and subnormal numbers.
fn frexp(x: f64) -> (f64, i32) {
    let (mut x, mut exp) = (x, 0);
    if x < f64::MIN_POSITIVE {
        x *= (1u64 << 52) as f64;
        exp = -52;
    }
    let bits = x.to_bits();
    exp += ((bits >> 52) & 0x7ff) as i32 - 1022;
    (f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52)), exp)
}

/// Go's `math.Log` (FreeBSD's `e_log.c`, its constants by their bits) for positive finite `x`.
fn go_log(x: f64) -> f64 {
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    const L1: f64 = f64::from_bits(0x3fe5_5555_5555_5593);
    const L2: f64 = f64::from_bits(0x3fd9_9999_9997_fa04);
    const L3: f64 = f64::from_bits(0x3fd2_4924_9422_9359);
    const L4: f64 = f64::from_bits(0x3fcc_71c5_1d8e_78af);
    const L5: f64 = f64::from_bits(0x3fc7_4664_96cb_03de);
    const L6: f64 = f64::from_bits(0x3fc3_9a09_d078_c69f);
    const L7: f64 = f64::from_bits(0x3fc2_f112_df3e_5244);
    let (mut f1, mut ki) = frexp(x);
    if f1 < std::f64::consts::SQRT_2 / 2.0 {
        f1 *= 2.0;
        ki -= 1;
    }
    let f = f1 - 1.0;
    let k = ki as f64;
    let s = f / (2.0 + f);
    let s2 = s * s;
    let s4 = s2 * s2;
    let t1 = s2 * (L1 + s4 * (L3 + s4 * (L5 + s4 * L7)));
    let t2 = s4 * (L2 + s4 * (L4 + s4 * L6));
    let r = t1 + t2;
    let hfsq = 0.5 * f * f;
    k * LN2_HI - ((hfsq - (s * (hfsq + r) + k * LN2_LO)) - f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::folded;

    fn graph(text: &str, node_fraction: f64) -> (CallGraph, Vec<(String, i64, i64)>) {
        let profile = folded::parse(text).unwrap();
        let options = GraphOptions {
            node_count: 80,
            node_fraction,
            edge_fraction: 0.0,
        };
        let graph = call_graph(&profile, 0, &Filters::default(), &options);
        let mut nodes: Vec<_> = graph
            .nodes
            .iter()
            .map(|n| (graph.frames.name(n.frame).to_string(), n.flat, n.cum))
            .collect();
        nodes.sort();
        (graph, nodes)
    }

    fn edges(graph: &CallGraph) -> Vec<(String, String, i64, bool)> {
        let name = |i: usize| graph.frames.name(graph.nodes[i].frame).to_string();
        let mut edges: Vec<_> = graph
            .edges
            .iter()
            .map(|e| (name(e.caller), name(e.callee), e.weight, e.residual))
            .collect();
        edges.sort();
        edges
    }

    #[test]
    fn cum_counts_a_sample_once_and_flat_goes_to_the_leaf() {
        let (graph, nodes) = graph("main;a;b 3\nmain;c;b 5\nmain;a;d 2\nmain;a;a;d 1\n", 0.0);
        assert_eq!(
            nodes,
            [
                ("a".into(), 0, 6),
                ("b".into(), 8, 8),
                ("c".into(), 0, 5),
                ("d".into(), 3, 3),
                ("main".into(), 0, 11)
            ]
        );
        // The recursive a;a adds no self edge, and a -> d counts its sample once.
        let e = |a: &str, b: &str, w| (a.to_string(), b.to_string(), w, false);
        assert_eq!(
            edges(&graph),
            [
                e("a", "b", 3),
                e("a", "d", 3),
                e("c", "b", 5),
                e("main", "a", 6),
                e("main", "c", 5)
            ]
        );
        assert_eq!((graph.total, graph.shown, graph.dropped_nodes), (11, 11, 0));
    }

    #[test]
    fn a_call_through_a_dropped_node_is_residual_and_goes_when_redundant() {
        // a (cum 1) is under 20% of 10: main -> b becomes residual, then redundant (main
        // reaches b through c).
        let text = "main;a;b 1\nmain;c;b 5\nmain;d 4\n";
        let (graph, nodes) = graph(text, 0.2);
        let names: Vec<&str> = nodes.iter().map(|n| n.0.as_str()).collect();
        assert_eq!(names, ["b", "c", "d", "main"]);
        assert_eq!(graph.dropped_nodes, 1);
        assert!(edges(&graph).iter().all(|e| !(e.0 == "main" && e.1 == "b")));
        // Without c to reach b another way, the residual edge stays.
        let (graph, _) = graph_without_c();
        assert!(edges(&graph).contains(&("main".into(), "b".into(), 1, true)));
    }

    fn graph_without_c() -> (CallGraph, Vec<(String, i64, i64)>) {
        graph("main;a;b 1\nother;b 5\nmain;d 4\n", 0.2)
    }

    /// Records the steps and stops before `stop_at`.
    struct Steps {
        seen: Vec<GraphStep>,
        stop_at: Option<GraphStep>,
    }

    impl Pause<GraphStep> for Steps {
        type Stop = GraphStep;

        async fn pause(&mut self, step: GraphStep) -> Result<(), GraphStep> {
            self.seen.push(step);
            match self.stop_at == Some(step) {
                true => Err(step),
                false => Ok(()),
            }
        }
    }

    #[test]
    fn the_build_pauses_before_each_pass_and_stops_where_told() {
        use crate::analysis::pause::poll_once;
        // Two nodes under 20%: the graph is built again without them; then the top 2.
        let profile = folded::parse(
            "main;a;b 1
main;c;b 5
main;d 4
x 1
",
        )
        .unwrap();
        let options = GraphOptions {
            node_count: 2,
            node_fraction: 0.2,
            edge_fraction: 0.0,
        };
        let run = |stop_at| {
            let mut steps = Steps {
                seen: Vec::new(),
                stop_at,
            };
            let filters = Filters::default();
            let built = poll_once(call_graph_paused(
                &profile, None, 0, &filters, &options, &mut steps,
            ))
            .expect("these pauses never wait");
            (built.map(|g| g.nodes.len()), steps.seen)
        };
        use GraphStep::*;
        assert_eq!(
            run(None),
            (Ok(2), vec![Filtering, Counting, Trimming, Trimming])
        );
        assert_eq!(
            run(Some(Counting)),
            (Err(Counting), vec![Filtering, Counting])
        );
        let plain = call_graph(&profile, 0, &Filters::default(), &options);
        assert_eq!(plain.nodes.len(), 2);
        for step in [Filtering, Counting, Trimming, LayingOut] {
            assert_eq!(GraphStep::of_number(step.number()), Some(step));
        }
        assert_eq!(GraphStep::of_number(GraphStep::COUNT + 1), None);
    }

    #[test]
    fn go_log2_is_exact_on_powers_of_two_and_close_elsewhere() {
        assert_eq!(go_log2(0.25), -2.0);
        assert_eq!(go_log2(1.0), 0.0);
        for x in [0.1, 0.3, 0.5001, 0.7, 0.999] {
            assert!((go_log2(x) - f64::log2(x)).abs() < 1e-15, "{x}");
        }
        assert_eq!(go_f64_to_i64(f64::NAN), i64::MIN);
        assert_eq!(go_f64_to_i64(1e300), i64::MIN);
        assert_eq!(go_f64_to_i64(-2.7), -2);
    }
}
