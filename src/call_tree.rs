//! The call tree: an arena of nodes (root -> leaf) with self and total values for one value
//! type, and pprof's per-function flat/cum table derived from it. Built from a [`Profile`];
//! knows nothing of protobuf or drawing.

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

/// One sample while a tree is built: a cursor walking its stack root to leaf, frame by frame.
struct Span {
    /// Where the sample's stack starts in `Samples::stack`.
    start: u32,
    /// Locations not yet passed, counting from the leaf: the cursor is in location
    /// `start + location - 1` (stacks are leaf first); 0 when the stack has ended.
    location: u32,
    /// Frames of that location not yet passed: the cursor is on frame `line - 1`.
    line: u32,
    /// The frame rank + 1 under the cursor (0: the stack has ended), cached for sorting.
    key: u32,
    value: i64,
}

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
    pub fn build(profile: &Profile, value_index: usize) -> CallTree {
        let frames = Frames::build(profile);
        let mut rank = vec![0u32; frames.len()];
        let by_name = frames.by_name();
        for (r, f) in by_name.iter().enumerate() {
            rank[f.0 as usize] = r as u32;
        }
        let stacks = &profile.samples;
        let value_count = profile.value_types.len();
        // The frame under a span's cursor: its name rank + 1, or 0 where the stack has ended.
        let key = |span: &Span| -> u32 {
            if span.location == 0 {
                return 0;
            }
            let location = stacks.stack[(span.start + span.location - 1) as usize];
            let (location_frames, _) = frames.of_location(location);
            rank[location_frames[span.line as usize - 1].0 as usize] + 1
        };
        let is_inlined = |span: &Span| -> bool {
            let location = stacks.stack[(span.start + span.location - 1) as usize];
            frames.of_location(location).1[span.line as usize - 1]
        };
        // Moves a span's cursor one frame towards the leaf: to the next line of the same
        // location (an inlined callee), else to the next location.
        let advance = |span: &mut Span| {
            span.line -= 1;
            if span.line == 0 {
                span.location -= 1;
                if span.location > 0 {
                    let location = stacks.stack[(span.start + span.location - 1) as usize];
                    span.line = frames.of_location(location).0.len() as u32;
                }
            }
        };
        let mut spans: Vec<Span> = (0..stacks.len())
            .filter_map(|sample| {
                let value = stacks.values[sample * value_count + value_index];
                let start = stacks.stack_starts[sample];
                let location = stacks.stack_starts[sample + 1] - start;
                let line = match location {
                    0 => 0,
                    _ => {
                        let leaf_side = stacks.stack[(start + location - 1) as usize];
                        frames.of_location(leaf_side).0.len() as u32
                    }
                };
                (value != 0).then_some(Span {
                    start,
                    location,
                    line,
                    key: 0,
                    value,
                })
            })
            .collect();

        let mut frame = vec![Frames::ROOT];
        let mut parent = vec![CallTree::ROOT];
        let mut depth = vec![0u32];
        let mut self_value = vec![0i64];
        let mut inlined = vec![false];
        // Most-significant-digit radix construction: a group is a run of samples that share
        // their first `d` frames, i.e. one node. Splitting it by the frame at position `d`
        // gives the node's children in name order; pending children are kept on a stack in
        // reverse, so nodes are created in depth-first pre-order. No per-frame buffer and no
        // hash lookups (a hash per frame per sample is a cache miss each on large profiles).
        struct Pending {
            lo: usize,
            hi: usize,
            depth: u32,
            parent: u32,
        }
        let mut pending = vec![Pending {
            lo: 0,
            hi: spans.len(),
            depth: 0,
            parent: u32::MAX,
        }];
        while let Some(Pending {
            lo,
            hi,
            depth: d,
            parent: p,
        }) = pending.pop()
        {
            let group = &mut spans[lo..hi];
            let node = if p == u32::MAX {
                0
            } else {
                // Every span of the group has this node's frame under its cursor.
                let node = frame.len() as u32;
                frame.push(by_name[group[0].key as usize - 1]);
                parent.push(NodeId(p));
                depth.push(d);
                self_value.push(0);
                inlined.push(group.iter().any(&is_inlined));
                group.iter_mut().for_each(advance);
                node
            };
            // Read each span's next frame once, so sorting does not chase pointers.
            for span in group.iter_mut() {
                span.key = key(span);
            }
            if group.windows(2).any(|w| w[0].key != w[1].key) {
                group.sort_unstable_by_key(|span| span.key);
            }
            let mut at = 0;
            while at < group.len() && group[at].key == 0 {
                self_value[node as usize] += group[at].value;
                at += 1;
            }
            let first_child = pending.len();
            while at < group.len() {
                let k = group[at].key;
                let run = group[at..].iter().take_while(|s| s.key == k).count();
                pending.push(Pending {
                    lo: lo + at,
                    hi: lo + at + run,
                    depth: d + 1,
                    parent: node,
                });
                at += run;
            }
            pending[first_child..].reverse();
        }
        drop(spans);
        // Pre-order: a node's subtree is itself plus its descendants, which follow it.
        let mut size = vec![1u32; frame.len()];
        for node in (1..frame.len()).rev() {
            size[parent[node].0 as usize] += size[node];
        }
        let subtree_end: Vec<u32> = size
            .iter()
            .enumerate()
            .map(|(node, &s)| node as u32 + s)
            .collect();
        drop(size);
        // Parents come before their children, so one backward pass sums totals.
        let mut total_value = self_value.clone();
        for node in (1..total_value.len()).rev() {
            let p = parent[node].0 as usize;
            total_value[p] += total_value[node];
        }
        CallTree {
            profile_total: total::pprof_total(profile, value_index),
            frames,
            value_index,
            frame,
            parent,
            depth,
            subtree_end,
            self_value,
            total_value,
            inlined,
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
