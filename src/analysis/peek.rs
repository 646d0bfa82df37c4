//! Callers and callees of one function: pprof's `-peek` (the weight of each edge into and out
//! of the function, each sample counted once per edge) and the two merged trees of a sandwich
//! view (who calls it, inverted, and what it calls). Depends on the call tree and the path
//! tree.

use rustc_hash::FxHashMap;

use crate::analysis::call_tree::{CallTree, NodeId, Visit};
use crate::analysis::path_tree::PathTree;
use crate::model::frames::FrameId;

/// An edge to or from the function: the other frame and the value of the samples through it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    pub frame: FrameId,
    pub weight: i64,
}

/// What `go tool pprof -peek` prints for one function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peek {
    pub frame: FrameId,
    pub flat: i64,
    pub cum: i64,
    /// Its callers, in pprof's order (|weight| largest first, then name).
    pub callers: Vec<Edge>,
    /// Its callees, in the same order.
    pub callees: Vec<Edge>,
}

/// pprof's `-peek` for `frame` in `tree`. An edge's weight counts a sample once however often
/// the edge is on its stack; a function calling itself has no edge (as pprof).
pub fn peek(tree: &CallTree, frame: FrameId) -> Peek {
    let (mut flat, mut cum) = (0, 0);
    let mut callers: FxHashMap<FrameId, i64> = FxHashMap::default();
    let mut callees: FxHashMap<FrameId, i64> = FxHashMap::default();
    // How many of the function's nodes, and of each edge, are on the current path.
    let mut open = 0u32;
    let mut open_callers: FxHashMap<FrameId, u32> = FxHashMap::default();
    let mut open_callees: FxHashMap<FrameId, u32> = FxHashMap::default();
    // The edge a node entered, to close it when leaving.
    let edge_of = |node: NodeId| -> Option<(bool, FrameId)> {
        if node == CallTree::ROOT {
            return None;
        }
        let parent = tree.parent(node);
        let (f, p) = (tree.frame(node), tree.frame(parent));
        if parent == CallTree::ROOT || f == p {
            None
        } else if f == frame {
            Some((true, p))
        } else if p == frame {
            Some((false, f))
        } else {
            None
        }
    };
    tree.walk(|visit| match visit {
        Visit::Enter(node) => {
            if node != CallTree::ROOT && tree.frame(node) == frame {
                flat += tree.self_value(node);
                if open == 0 {
                    cum += tree.total_value(node);
                }
                open += 1;
            }
            if let Some((caller, other)) = edge_of(node) {
                let (counts, weights) = if caller {
                    (&mut open_callers, &mut callers)
                } else {
                    (&mut open_callees, &mut callees)
                };
                let count = counts.entry(other).or_insert(0);
                if *count == 0 {
                    *weights.entry(other).or_insert(0) += tree.total_value(node);
                }
                *count += 1;
            }
        }
        Visit::Leave(node) => {
            if node != CallTree::ROOT && tree.frame(node) == frame {
                open -= 1;
            }
            if let Some((caller, other)) = edge_of(node) {
                let counts = if caller {
                    &mut open_callers
                } else {
                    &mut open_callees
                };
                *counts.get_mut(&other).expect("entered") -= 1;
            }
        }
    });
    let frames = tree.frames();
    let sorted = |weights: FxHashMap<FrameId, i64>| {
        let mut edges: Vec<Edge> = weights
            .into_iter()
            .filter(|&(_, weight)| weight != 0)
            .map(|(frame, weight)| Edge { frame, weight })
            .collect();
        edges.sort_by(|a, b| {
            b.weight
                .abs()
                .cmp(&a.weight.abs())
                .then_with(|| frames.name(a.frame).cmp(frames.name(b.frame)))
                .then_with(|| a.frame.cmp(&b.frame))
        });
        edges
    };
    Peek {
        frame,
        flat,
        cum,
        callers: sorted(callers),
        callees: sorted(callees),
    }
}

/// The nodes of `frame` with no ancestor of the same frame: each sample through the function
/// passes through exactly one of them.
fn outermost(tree: &CallTree, frame: FrameId) -> Vec<NodeId> {
    let mut nodes = Vec::new();
    let mut node = 1u32;
    while (node as usize) < tree.len() {
        if tree.frame(NodeId(node)) == frame {
            nodes.push(NodeId(node));
            node = tree.subtree_end(NodeId(node)).0;
        } else {
            node += 1;
        }
    }
    nodes
}

/// What `frame` calls: the subtrees under its outermost nodes merged. The root stands for
/// the function (its frame is the function's, under [`Frames::ROOT`]; its total is the
/// function's cum); the other frames are `tree`'s.
pub fn callees_tree(tree: &CallTree, frame: FrameId) -> CallTree {
    let mut merged = PathTree::new();
    let mut path: Vec<FrameId> = Vec::new();
    for top in outermost(tree, frame) {
        let base = tree.depth(top);
        for node in top.0..tree.subtree_end(top).0 {
            let node = NodeId(node);
            path.truncate((tree.depth(node) - base) as usize);
            if node != top {
                path.push(tree.frame(node));
            }
            merged.add(
                path.iter().map(|&f| (f, false)),
                tree.self_value(node),
                |_, _| (),
            );
        }
    }
    merged.finish(tree, frame).0
}

/// Who calls `frame`, inverted: from each outermost node of the function up to the root, its
/// callers, then theirs. The root stands for the function, as in [`callees_tree`].
pub fn callers_tree(tree: &CallTree, frame: FrameId) -> CallTree {
    let mut merged = PathTree::new();
    for top in outermost(tree, frame) {
        let up = std::iter::successors(Some(tree.parent(top)), |&n| {
            let parent = tree.parent(n);
            (parent != CallTree::ROOT).then_some(parent)
        })
        .filter(|&n| n != CallTree::ROOT);
        merged.add(
            up.map(|n| (tree.frame(n), false)),
            tree.total_value(top),
            |_, _| (),
        );
    }
    merged.finish(tree, frame).0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::folded;

    fn tree(text: &str) -> CallTree {
        CallTree::build(&folded::parse(text).unwrap(), 0)
    }

    fn frame(tree: &CallTree, name: &str) -> FrameId {
        let frames = tree.frames();
        (0..frames.len() as u32)
            .map(FrameId)
            .find(|&f| frames.name(f) == name)
            .unwrap()
    }

    fn edges(tree: &CallTree, edges: &[Edge]) -> Vec<(String, i64)> {
        edges
            .iter()
            .map(|e| (tree.frames().name(e.frame).to_string(), e.weight))
            .collect()
    }

    #[test]
    fn peek_counts_each_edge_once_per_sample() {
        // f calls itself (no edge), and f -> g twice on one stack (counted once).
        let t = tree("main;f;g 5\nmain;f;f;h 2\nmain;f;g;f;g 3\nother;f 1\nmain;f 4\n");
        let p = peek(&t, frame(&t, "f"));
        assert_eq!((p.flat, p.cum), (5, 15));
        let s = |v: &[(&str, i64)]| -> Vec<(String, i64)> {
            v.iter().map(|(n, w)| (n.to_string(), *w)).collect()
        };
        assert_eq!(
            edges(&t, &p.callers),
            s(&[("main", 14), ("g", 3), ("other", 1)])
        );
        assert_eq!(edges(&t, &p.callees), s(&[("g", 8), ("h", 2)]));
    }

    #[test]
    fn sandwich_trees_total_the_cum() {
        let t = tree("main;a;f;g 5\nmain;b;f 2\nmain;f;f;h 2\n");
        let f = frame(&t, "f");
        let callees = callees_tree(&t, f);
        assert_eq!(callees.name(CallTree::ROOT), "f");
        assert_eq!(callees.folded_stacks(), vec!["f;h 2", "g 5"]);
        assert_eq!(callees.self_value(CallTree::ROOT), 2);
        let callers = callers_tree(&t, f);
        assert_eq!(
            callers.folded_stacks(),
            vec!["a;main 5", "b;main 2", "main 2"]
        );
        assert_eq!(callers.total_value(CallTree::ROOT), peek(&t, f).cum);
        assert_eq!(callees.total_value(CallTree::ROOT), peek(&t, f).cum);
    }
}
