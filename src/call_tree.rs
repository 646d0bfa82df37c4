//! The call tree: an arena of nodes (root -> leaf) with self and total values for one value
//! type, and pprof's per-function flat/cum table derived from it. Built from a [`Profile`];
//! knows nothing of protobuf or drawing.

use rustc_hash::FxHashMap;

use crate::frames::{FrameId, Frames};
use crate::profile::Profile;
use crate::total;

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

/// An immutable call tree for one value type.
#[derive(Debug, Clone)]
pub struct CallTree {
    frames: Frames,
    value_index: usize,
    /// pprof's report total (see [`total::pprof_total`]): the 100% of every percentage.
    profile_total: i64,
    frame: Vec<FrameId>,
    parent: Vec<NodeId>,
    depth: Vec<u32>,
    self_value: Vec<i64>,
    total_value: Vec<i64>,
    inlined: Vec<bool>,
    /// `len() + 1` offsets into `children`.
    child_starts: Vec<u32>,
    /// Each node's children, ordered by frame name.
    children: Vec<NodeId>,
}

impl CallTree {
    /// The root node; its frame is [`Frames::ROOT`] and its self value is the value of the
    /// samples with an empty stack.
    pub const ROOT: NodeId = NodeId(0);

    /// Aggregates `profile`'s samples for value type `value_index` (which must be in range).
    /// Samples whose value is zero are skipped; negative values are kept.
    pub fn build(profile: &Profile, value_index: usize) -> CallTree {
        let frames = Frames::build(profile);
        let mut frame = vec![Frames::ROOT];
        let mut parent = vec![CallTree::ROOT];
        let mut depth = vec![0u32];
        let mut self_value = vec![0i64];
        let mut inlined = vec![false];
        let mut child_of: FxHashMap<(u32, u32), u32> = FxHashMap::default();
        let value_count = profile.value_types.len();
        for sample in 0..profile.samples.len() {
            let value = profile.samples.values[sample * value_count + value_index];
            if value == 0 {
                continue;
            }
            let mut node = 0u32;
            for &location in profile.samples.stack(sample).iter().rev() {
                let (location_frames, location_inlined) = frames.of_location(location);
                for (&f, &was_inlined) in location_frames.iter().zip(location_inlined).rev() {
                    let next = frame.len() as u32;
                    let child = *child_of.entry((node, f.0)).or_insert(next);
                    if child == next {
                        frame.push(f);
                        parent.push(NodeId(node));
                        depth.push(depth[node as usize] + 1);
                        self_value.push(0);
                        inlined.push(false);
                    }
                    inlined[child as usize] |= was_inlined;
                    node = child;
                }
            }
            self_value[node as usize] += value;
        }
        drop(child_of);
        // Parents are created before their children, so one backward pass sums totals.
        let mut total_value = self_value.clone();
        for node in (1..total_value.len()).rev() {
            let p = parent[node].0 as usize;
            total_value[p] += total_value[node];
        }
        let (child_starts, children) = children_by_name(&frames, &frame, &parent);
        CallTree {
            profile_total: total::pprof_total(profile, value_index),
            frames,
            value_index,
            frame,
            parent,
            depth,
            self_value,
            total_value,
            inlined,
            child_starts,
            children,
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

    /// `node`'s children, ordered by frame name.
    pub fn children(&self, node: NodeId) -> &[NodeId] {
        let i = node.0 as usize;
        &self.children[self.child_starts[i] as usize..self.child_starts[i + 1] as usize]
    }

    /// The deepest depth in the tree.
    pub fn max_depth(&self) -> u32 {
        self.depth.iter().copied().max().unwrap_or(0)
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

    /// Visits every node depth-first, children in name order: `Visit::Enter` before a node's
    /// children, `Visit::Leave` after them. Iterative, so a stack of any depth is safe.
    pub fn walk(&self, mut visit: impl FnMut(Visit)) {
        let mut stack: Vec<(NodeId, u32)> = vec![(CallTree::ROOT, 0)];
        visit(Visit::Enter(CallTree::ROOT));
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let children = self.children(node);
            if let Some(&child) = children.get(*next as usize) {
                *next += 1;
                visit(Visit::Enter(child));
                stack.push((child, 0));
            } else {
                visit(Visit::Leave(node));
                stack.pop();
            }
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

/// Builds the children lists (CSR), each ordered by frame name.
fn children_by_name(
    frames: &Frames,
    frame: &[FrameId],
    parent: &[NodeId],
) -> (Vec<u32>, Vec<NodeId>) {
    let mut rank = vec![0u32; frames.len()];
    for (r, f) in frames.by_name().into_iter().enumerate() {
        rank[f.0 as usize] = r as u32;
    }
    let mut child_starts = vec![0u32; frame.len() + 1];
    for &p in &parent[1..] {
        child_starts[p.0 as usize + 1] += 1;
    }
    for i in 0..frame.len() {
        child_starts[i + 1] += child_starts[i];
    }
    let mut fill = child_starts.clone();
    let mut children = vec![NodeId(0); frame.len() - 1];
    for (node, &p) in parent.iter().enumerate().skip(1) {
        let slot = &mut fill[p.0 as usize];
        children[*slot as usize] = NodeId(node as u32);
        *slot += 1;
    }
    for i in 0..frame.len() {
        children[child_starts[i] as usize..child_starts[i + 1] as usize]
            .sort_unstable_by_key(|c| rank[frame[c.0 as usize].0 as usize]);
    }
    (child_starts, children)
}
