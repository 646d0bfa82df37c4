//! The call tree: an arena of nodes (root -> leaf) with self and total values for one value
//! type, and pprof's per-function flat/cum table derived from it. Built from a [`Profile`];
//! knows nothing of protobuf or drawing.

use crate::analysis::total;
use crate::model::frames::{FrameId, Frames, Granularity};
use crate::model::profile::{Profile, StackId};

/// An index into a [`CallTree`]'s nodes; [`CallTree::ROOT`] is the root.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

/// A step of [`CallTree::walk`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visit {
    /// Before the node's children.
    Enter(NodeId),
    /// After the node's children.
    Leave(NodeId),
}

/// One row of pprof's `-top` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FunctionRow {
    pub frame: FrameId,
    /// Sum of the samples whose leaf frame is this one.
    pub flat: i64,
    /// Sum of the samples whose stack contains this frame, once per sample even under
    /// recursion.
    pub cum: i64,
}

/// A tree's per-node arrays, nodes numbered in depth-first pre-order.
struct PreOrder {
    frame: Vec<FrameId>,
    parent: Vec<NodeId>,
    depth: Vec<u32>,
    self_value: Vec<i64>,
    inlined: Vec<bool>,
}

/// A call tree as its frames and its nodes in depth-first pre-order, each node's frame,
/// depth, self value and inlined flag: what [`CallTree::from_parts`] makes a tree of.
#[derive(Debug, Clone)]
pub struct TreeParts {
    pub frames: Frames,
    pub value_index: usize,
    pub profile_total: i64,
    pub frame: Vec<FrameId>,
    pub depth: Vec<u32>,
    pub self_value: Vec<i64>,
    pub inlined: Vec<bool>,
}

/// Why parts given to [`CallTree::from_parts`] are not a call tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvalidTree {
    /// The per-node arrays differ in length, or there is no node at all.
    Lengths,
    /// Node 0 is not the root (frame 0 at depth 0).
    Root,
    /// A node's frame is not in the frame table.
    Frame { node: usize },
    /// A node is deeper than one below the node before it, or at depth 0.
    Depth { node: usize },
}

impl std::fmt::Display for InvalidTree {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InvalidTree::Lengths => write!(f, "the node arrays differ in length"),
            InvalidTree::Root => write!(f, "the first node is not the root"),
            InvalidTree::Frame { node } => {
                write!(f, "node {node} names a frame that does not exist")
            }
            InvalidTree::Depth { node } => write!(f, "node {node} has an impossible depth"),
        }
    }
}

impl std::error::Error for InvalidTree {}

/// An immutable call tree for one value type.
///
/// Nodes are numbered in depth-first pre-order with children in frame-name order, so a node's
/// subtree is the contiguous range `node..subtree_end(node)`, its first child is `node + 1`
/// and its next sibling starts where its subtree ends. No child lists are stored.
#[derive(Debug, Clone)]
pub struct CallTree {
    frames: Frames,
    value_index: usize,
    /// pprof's report total (see [`total::pprof_total`]): the 100% of every percentage.
    profile_total: i64,
    frame: Vec<FrameId>,
    parent: Vec<NodeId>,
    depth: Vec<u32>,
    subtree_end: Vec<u32>,
    self_value: Vec<i64>,
    total_value: Vec<i64>,
    inlined: Vec<bool>,
}

impl CallTree {
    /// The root node; its frame is [`Frames::ROOT`] and its self value is the value of the
    /// samples with an empty stack.
    pub const ROOT: NodeId = NodeId(0);

    /// Aggregates `profile`'s samples for value type `value_index` (which must be in range).
    /// Samples whose value is zero are skipped; negative values are kept.
    ///
    /// Works on the profile's trie of stacks, not on each sample's frames: samples only add
    /// their value to their stack. A node is the set of positions (a stack and one frame of
    /// its location) that share their path of frames from the root; the positions one frame
    /// further down, sorted by frame name, split into the node's children. Pending nodes are
    /// kept on a stack, so nodes come out numbered in depth-first pre-order, with no hashing.
    pub fn build(profile: &Profile, value_index: usize) -> CallTree {
        CallTree::build_with(
            profile,
            value_index,
            total::pprof_total(profile, value_index),
            Granularity::Functions,
        )
    }

    /// As [`CallTree::build`], with the total percentages are relative to given (for a
    /// filtered profile, pprof's total is the unfiltered profile's), frames told apart at
    /// `granularity`.
    pub fn build_with(
        profile: &Profile,
        value_index: usize,
        profile_total: i64,
        granularity: Granularity,
    ) -> CallTree {
        let (frames, nodes) = CallTree::pre_order(profile, value_index, granularity);
        CallTree::from_pre_order(frames, value_index, profile_total, nodes)
    }

    /// The tree [`CallTree::build_with`] makes as the parts that move to the page, without
    /// the parents, subtree ends and totals the page derives again (and the engine need not
    /// hold while the parts are encoded).
    pub fn parts_with(
        profile: &Profile,
        value_index: usize,
        profile_total: i64,
        granularity: Granularity,
    ) -> TreeParts {
        let (frames, nodes) = CallTree::pre_order(profile, value_index, granularity);
        TreeParts {
            frames,
            value_index,
            profile_total,
            frame: nodes.frame,
            depth: nodes.depth,
            self_value: nodes.self_value,
            inlined: nodes.inlined,
        }
    }

    /// The frames of `profile` at `granularity` and the nodes of its call tree for value type
    /// `value_index`, numbered in depth-first pre-order.
    fn pre_order(
        profile: &Profile,
        value_index: usize,
        granularity: Granularity,
    ) -> (Frames, PreOrder) {
        let frames = Frames::build_at(profile, granularity);
        let by_name = frames.by_name();
        let mut rank = vec![0u32; frames.len()];
        for (r, f) in by_name.iter().enumerate() {
            rank[f.0 as usize] = r as u32;
        }
        let stacks = &profile.stacks;
        let samples = &profile.samples;
        let value_count = profile.value_types.len();
        // Value of the samples ending at each stack, and the stacks some sample with a
        // non-zero value passes through.
        let mut stack_self = vec![0i64; stacks.len()];
        let mut live = vec![false; stacks.len()];
        live[0] = true;
        for (i, &stack) in samples.stack.iter().enumerate() {
            let value = samples.values[i * value_count + value_index];
            if value == 0 {
                continue;
            }
            stack_self[stack.0 as usize] += value;
            let mut s = stack;
            while !live[s.0 as usize] {
                live[s.0 as usize] = true;
                s = stacks.parent(s);
            }
        }
        // The live children of each stack, back to back.
        let mut child_starts = vec![0u32; stacks.len() + 1];
        let live_stacks = || {
            live.iter()
                .enumerate()
                .skip(1)
                .filter(|&(_, &l)| l)
                .map(|(s, _)| (s as u32, stacks.parent(StackId(s as u32)).0 as usize))
        };
        for (_, p) in live_stacks() {
            child_starts[p + 1] += 1;
        }
        for s in 0..stacks.len() {
            child_starts[s + 1] += child_starts[s];
        }
        let mut children = vec![0u32; child_starts[stacks.len()] as usize];
        {
            let mut fill = child_starts.clone();
            for (s, p) in live_stacks() {
                children[fill[p] as usize] = s;
                fill[p] += 1;
            }
        }
        // At most one node per frame of each live stack (fewer where stacks merge), so the
        // node arrays are made that long at once rather than grown by copying, and give back
        // what they did not fill at the end.
        let most_nodes = 1 + live_stacks()
            .map(|(s, _)| frames.of_location(stacks.location(StackId(s))).0.len())
            .sum::<usize>();
        drop(live);

        /// A position: frame `remaining - 1` of the frames of `stack`'s location (which are
        /// leaf first, so a stack is entered at its last frame and left after frame 0).
        #[derive(Clone, Copy)]
        struct Position {
            stack: u32,
            remaining: u32,
        }
        let location_frames = |stack: u32| frames.of_location(stacks.location(StackId(stack)));
        let entered = |stack: u32| Position {
            stack,
            remaining: location_frames(stack).0.len() as u32,
        };
        let key =
            |p: &Position| rank[location_frames(p.stack).0[p.remaining as usize - 1].0 as usize];

        let mut frame = Vec::with_capacity(most_nodes);
        let mut parent = Vec::with_capacity(most_nodes);
        let mut depth = Vec::with_capacity(most_nodes);
        let mut self_value = Vec::with_capacity(most_nodes);
        let mut inlined = Vec::with_capacity(most_nodes);
        frame.push(Frames::ROOT);
        parent.push(CallTree::ROOT);
        depth.push(0);
        self_value.push(stack_self[0]);
        inlined.push(false);

        struct Pending {
            /// Where the node's positions start in `positions` (they run to its end).
            start: usize,
            depth: u32,
            parent: u32,
        }
        let mut positions: Vec<Position> = Vec::new();
        let mut pending: Vec<Pending> = Vec::new();
        // The positions one frame below the current node, with their sort key.
        let mut next: Vec<(u32, Position)> = Vec::new();
        let children_of = |stack: u32| {
            &children
                [child_starts[stack as usize] as usize..child_starts[stack as usize + 1] as usize]
        };
        next.extend(children_of(0).iter().map(|&c| {
            let p = entered(c);
            (key(&p), p)
        }));
        let split = |next: &mut Vec<(u32, Position)>,
                     positions: &mut Vec<Position>,
                     pending: &mut Vec<Pending>,
                     depth: u32,
                     parent: u32| {
            if next.windows(2).any(|w| w[0].0 > w[1].0) {
                next.sort_unstable_by_key(|&(k, _)| k);
            }
            // Children are pushed last-named first, so the first-named is processed next
            // and its positions are at the end of `positions`.
            let mut end = next.len();
            while end > 0 {
                let k = next[end - 1].0;
                let start = next[..end]
                    .iter()
                    .rposition(|&(x, _)| x != k)
                    .map_or(0, |i| i + 1);
                pending.push(Pending {
                    start: positions.len(),
                    depth,
                    parent,
                });
                positions.extend(next[start..end].iter().map(|&(_, p)| p));
                end = start;
            }
            next.clear();
        };
        split(&mut next, &mut positions, &mut pending, 1, 0);
        while let Some(Pending {
            start,
            depth: d,
            parent: p,
        }) = pending.pop()
        {
            let node = frame.len() as u32;
            let group = &positions[start..];
            let (first_frames, _) = location_frames(group[0].stack);
            frame.push(first_frames[group[0].remaining as usize - 1]);
            parent.push(NodeId(p));
            depth.push(d);
            let mut node_self = 0;
            let mut node_inlined = false;
            for position in group {
                let (_, is_inlined) = location_frames(position.stack);
                node_inlined |= is_inlined[position.remaining as usize - 1];
                if position.remaining > 1 {
                    let below = Position {
                        stack: position.stack,
                        remaining: position.remaining - 1,
                    };
                    next.push((key(&below), below));
                } else {
                    node_self += stack_self[position.stack as usize];
                    next.extend(children_of(position.stack).iter().map(|&c| {
                        let below = entered(c);
                        (key(&below), below)
                    }));
                }
            }
            self_value.push(node_self);
            inlined.push(node_inlined);
            positions.truncate(start);
            split(&mut next, &mut positions, &mut pending, d + 1, node);
        }
        drop(positions);
        drop(next);
        drop(stack_self);
        drop(children);
        drop(child_starts);
        frame.shrink_to_fit();
        parent.shrink_to_fit();
        depth.shrink_to_fit();
        self_value.shrink_to_fit();
        inlined.shrink_to_fit();

        let nodes = PreOrder {
            frame,
            parent,
            depth,
            self_value,
            inlined,
        };
        (frames, nodes)
    }

    /// The tree of nodes numbered in depth-first pre-order, with subtree ends and totals
    /// derived: a node's subtree is itself and the nodes after it up to its end, and parents
    /// come before their children, so one backward pass sums sizes and totals.
    fn from_pre_order(
        frames: Frames,
        value_index: usize,
        profile_total: i64,
        nodes: PreOrder,
    ) -> CallTree {
        let PreOrder {
            frame,
            parent,
            depth,
            self_value,
            inlined,
        } = nodes;
        let len = frame.len();
        let mut subtree_end: Vec<u32> = (1..=len as u32).collect();
        let mut total_value = self_value.clone();
        for node in (1..len).rev() {
            let p = parent[node].0 as usize;
            subtree_end[p] = subtree_end[p].max(subtree_end[node]);
            total_value[p] = total_value[p].wrapping_add(total_value[node]);
        }
        CallTree {
            frames,
            value_index,
            profile_total,
            frame,
            parent,
            depth,
            subtree_end,
            self_value,
            total_value,
            inlined,
        }
    }

    /// A tree from its nodes in depth-first pre-order (as [`CallTree::into_parts`] gives
    /// them), e.g. built in a worker and moved here as bytes. Parents, subtree ends and totals
    /// are derived again; the parts are checked, so bytes that are not such a tree give an
    /// error, never a panic.
    pub fn from_parts(parts: TreeParts) -> Result<CallTree, InvalidTree> {
        let TreeParts {
            frames,
            value_index,
            profile_total,
            frame,
            depth,
            self_value,
            inlined,
        } = parts;
        let len = frame.len();
        if len == 0 || depth.len() != len || self_value.len() != len || inlined.len() != len {
            return Err(InvalidTree::Lengths);
        }
        if frame[0] != Frames::ROOT || depth[0] != 0 {
            return Err(InvalidTree::Root);
        }
        if let Some(node) = frame.iter().position(|f| f.0 as usize >= frames.len()) {
            return Err(InvalidTree::Frame { node });
        }
        // In pre-order a node's parent is the last node before it that is one level up.
        let mut parent = vec![CallTree::ROOT; len];
        let mut path: Vec<u32> = vec![0];
        for node in 1..len {
            let d = depth[node] as usize;
            if d == 0 || d > path.len() {
                return Err(InvalidTree::Depth { node });
            }
            path.truncate(d);
            parent[node] = NodeId(path[d - 1]);
            path.push(node as u32);
        }
        let nodes = PreOrder {
            frame,
            parent,
            depth,
            self_value,
            inlined,
        };
        Ok(CallTree::from_pre_order(
            frames,
            value_index,
            profile_total,
            nodes,
        ))
    }

    /// The tree's frames and nodes without what [`CallTree::from_parts`] derives from them
    /// (parents, subtree ends, totals), which are dropped at once.
    pub fn into_parts(self) -> TreeParts {
        TreeParts {
            frames: self.frames,
            value_index: self.value_index,
            profile_total: self.profile_total,
            frame: self.frame,
            depth: self.depth,
            self_value: self.self_value,
            inlined: self.inlined,
        }
    }

    /// The frame table the nodes refer to.
    pub fn frames(&self) -> &Frames {
        &self.frames
    }

    /// The value type this tree aggregates.
    pub fn value_index(&self) -> usize {
        self.value_index
    }

    /// pprof's total for percentages (sum of |value| after pprof's merge).
    pub fn profile_total(&self) -> i64 {
        self.profile_total
    }

    /// The folded stacks: one line per distinct stack (`root;...;leaf value`) whose value is not zero, sorted by
    /// stack (byte order). Names are written as they are, even when they contain `;`.
    pub fn folded_stacks(&self) -> Vec<String> {
        let mut lines = Vec::new();
        let mut path = String::new();
        let mut lengths: Vec<usize> = Vec::new();
        self.walk(|visit| match visit {
            Visit::Enter(node) => {
                lengths.push(path.len());
                if node != CallTree::ROOT {
                    if !path.is_empty() {
                        path.push(';');
                    }
                    path.push_str(self.name(node));
                    let value = self.self_value(node);
                    if value != 0 {
                        lines.push(format!("{path} {value}"));
                    }
                }
            }
            Visit::Leave(_) => path.truncate(lengths.pop().unwrap_or(0)),
        });
        lines.sort_unstable();
        lines
    }

    /// Number of nodes, the root included.
    pub fn len(&self) -> usize {
        self.frame.len()
    }

    /// Never true: the root is always there.
    pub fn is_empty(&self) -> bool {
        self.frame.is_empty()
    }

    pub fn frame(&self, node: NodeId) -> FrameId {
        self.frame[node.0 as usize]
    }

    /// The name of `node`'s frame.
    pub fn name(&self, node: NodeId) -> &str {
        self.frames.name(self.frame(node))
    }

    /// The parent of `node` (the root is its own parent).
    pub fn parent(&self, node: NodeId) -> NodeId {
        self.parent[node.0 as usize]
    }

    /// Distance from the root (the root is 0).
    pub fn depth(&self, node: NodeId) -> u32 {
        self.depth[node.0 as usize]
    }

    /// Value of the samples whose stack ends at `node`.
    pub fn self_value(&self, node: NodeId) -> i64 {
        self.self_value[node.0 as usize]
    }

    /// Value of the samples whose stack passes through `node`.
    pub fn total_value(&self, node: NodeId) -> i64 {
        self.total_value[node.0 as usize]
    }

    /// True when this frame was inlined into its caller at some location merged here.
    pub fn is_inlined(&self, node: NodeId) -> bool {
        self.inlined[node.0 as usize]
    }

    /// The end (exclusive) of `node`'s subtree: its descendants are `node + 1..end`.
    pub fn subtree_end(&self, node: NodeId) -> NodeId {
        NodeId(self.subtree_end[node.0 as usize])
    }

    /// `node`'s children, ordered by frame name.
    pub fn children(&self, node: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        let end = self.subtree_end[node.0 as usize];
        let mut next = node.0 + 1;
        std::iter::from_fn(move || {
            (next < end).then(|| {
                let child = next;
                next = self.subtree_end[child as usize];
                NodeId(child)
            })
        })
    }

    /// Nodes from the root down to `node`, both included.
    pub fn path(&self, node: NodeId) -> Vec<NodeId> {
        let mut path = vec![node];
        let mut at = node;
        while at != CallTree::ROOT {
            at = self.parent(at);
            path.push(at);
        }
        path.reverse();
        path
    }

    /// The frame names from the root's child down to `node` (empty for the root): a way to
    /// name a node that survives rebuilding the tree for another value type.
    pub fn names_path(&self, node: NodeId) -> Vec<String> {
        self.path(node)[1..]
            .iter()
            .map(|&n| self.name(n).to_string())
            .collect()
    }

    /// The node reached from the root by following `names` (see [`CallTree::names_path`]).
    pub fn find_path(&self, names: &[String]) -> Option<NodeId> {
        let mut node = CallTree::ROOT;
        for name in names {
            node = self.children(node).find(|&c| self.name(c) == name)?;
        }
        Some(node)
    }

    /// The deepest depth in the tree.
    pub fn max_depth(&self) -> u32 {
        self.depth.iter().copied().max().unwrap_or(0)
    }

    /// Visits every node depth-first, children in name order: `Visit::Enter` before a node's
    /// descendants, `Visit::Leave` after them. Iterative, so a stack of any depth is safe.
    pub fn walk(&self, mut visit: impl FnMut(Visit)) {
        let mut open: Vec<u32> = Vec::new();
        for node in 0..self.len() as u32 {
            while let Some(&top) = open.last() {
                if node < self.subtree_end[top as usize] {
                    break;
                }
                open.pop();
                visit(Visit::Leave(NodeId(top)));
            }
            visit(Visit::Enter(NodeId(node)));
            open.push(node);
        }
        while let Some(top) = open.pop() {
            visit(Visit::Leave(NodeId(top)));
        }
    }

    /// pprof's `-top` table: flat and cum per frame, for every frame where either is non-zero,
    /// in frame id order.
    pub fn function_table(&self) -> Vec<FunctionRow> {
        let mut flat = vec![0i64; self.frames.len()];
        let mut cum = vec![0i64; self.frames.len()];
        // How many nodes of each frame are on the current path: a node adds its total to cum
        // only when no ancestor has the same frame, so a recursive sample counts once.
        let mut active = vec![0u32; self.frames.len()];
        self.walk(|visit| match visit {
            Visit::Enter(node) => {
                let f = self.frame(node).0 as usize;
                flat[f] += self.self_value(node);
                if active[f] == 0 {
                    cum[f] += self.total_value(node);
                }
                active[f] += 1;
            }
            Visit::Leave(node) => active[self.frame(node).0 as usize] -= 1,
        });
        (1..self.frames.len())
            .filter(|&f| flat[f] != 0 || cum[f] != 0)
            .map(|f| FunctionRow {
                frame: FrameId(f as u32),
                flat: flat[f],
                cum: cum[f],
            })
            .collect()
    }
}
