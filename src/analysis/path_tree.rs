//! A call tree merged from paths of frames: a trie of frame ids with a self value (and an
//! inlined flag) per node, numbered in the call tree's pre-order with children by frame name
//! once finished. What the sandwich's trees and the reshaped views are built with. Depends on
//! the call tree and the trie.

use crate::analysis::call_tree::{CallTree, NodeId, TreeParts};
use crate::model::frames::{FrameId, Frames};
use crate::model::trie::Trie;

/// Paths of frames added one by one, each adding a value at its end.
pub(crate) struct PathTree {
    trie: Trie,
    self_value: Vec<i64>,
    inlined: Vec<bool>,
}

impl PathTree {
    pub(crate) fn new() -> PathTree {
        PathTree {
            trie: Trie::default(),
            self_value: vec![0],
            inlined: vec![false],
        }
    }

    /// Adds `value` at the end of `path` (frames from the root's child down, each with
    /// whether it was inlined into the frame before it), telling `visited` each step's
    /// position in the path and its trie node (which [`PathTree::finish`] numbers).
    pub(crate) fn add(
        &mut self,
        path: impl Iterator<Item = (FrameId, bool)>,
        value: i64,
        mut visited: impl FnMut(usize, u32),
    ) {
        let node = path
            .enumerate()
            .fold(0u32, |node, (step, (frame, inlined))| {
                // Fewer nodes than the source tree has stack positions, which fit in u32.
                let child = self
                    .trie
                    .child(node, frame.0)
                    .expect("fewer nodes than u32::MAX");
                if child as usize == self.self_value.len() {
                    self.self_value.push(0);
                    self.inlined.push(inlined);
                }
                visited(step, child);
                child
            });
        self.self_value[node as usize] += value;
    }

    /// The tree, with `source`'s frames (the root standing for `root`), value type and
    /// total; and per trie node its node in the tree.
    pub(crate) fn finish(self, source: &CallTree, root: FrameId) -> (CallTree, Vec<NodeId>) {
        let frames = source.frames();
        let (parent, item) = self.trie.into_parts();
        let node_frame = |node: u32| FrameId(item[node as usize]);
        let mut children: Vec<Vec<u32>> = vec![Vec::new(); parent.len()];
        for node in 1..parent.len() {
            children[parent[node] as usize].push(node as u32);
        }
        let mut numbered = vec![NodeId(0); parent.len()];
        let (mut frame, mut depth, mut self_value, mut inlined) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut pending = vec![(0u32, 0u32)];
        while let Some((node, d)) = pending.pop() {
            numbered[node as usize] = NodeId(frame.len() as u32);
            frame.push(if node == 0 {
                Frames::ROOT
            } else {
                node_frame(node)
            });
            depth.push(d);
            self_value.push(self.self_value[node as usize]);
            inlined.push(self.inlined[node as usize]);
            let kids = &mut children[node as usize];
            kids.sort_by(|&a, &b| frames.name(node_frame(a)).cmp(frames.name(node_frame(b))));
            // Pushed in reverse, so the first by name comes out first.
            pending.extend(kids.iter().rev().map(|&k| (k, d + 1)));
        }
        let mut table = frames.all().to_vec();
        table[0] = frames.frame(root).clone();
        let tree = CallTree::from_parts(TreeParts {
            frames: Frames::from_frames(table),
            value_index: source.value_index(),
            profile_total: source.profile_total(),
            frame,
            depth,
            self_value,
            inlined,
        })
        .expect("a merged tree is a tree");
        (tree, numbered)
    }
}
