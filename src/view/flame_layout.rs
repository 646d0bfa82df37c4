//! Call tree -> rects in value units: each node's horizontal position and extent, and the rects
//! visible through a viewport (level of detail: subtrees narrower than a pixel or outside the
//! view are skipped whole). Depends on the call tree and viewport only.

use crate::analysis::call_tree::{CallTree, NodeId};
use crate::view::viewport::Viewport;

/// Horizontal placement of every node, in value units.
///
/// A node's extent is the sum of |self value| over its subtree, so children always fit inside
/// their parent even when values are negative (heap diffs); for ordinary profiles it equals the
/// node's total, which the tree already holds, so only a tree with a negative value has its
/// extents stored here. Children sit left to right from their parent's left edge, in name
/// order.
#[derive(Debug, Clone)]
pub struct FlameLayout {
    x: Vec<i64>,
    /// Every node's extent, when it is not its total.
    extent: Option<Vec<i64>>,
}

/// A rect to draw, in CSS pixels horizontally and rows vertically.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub node: NodeId,
    pub depth: u32,
    pub css_x: f64,
    pub css_width: f64,
}

impl FlameLayout {
    pub fn new(tree: &CallTree) -> FlameLayout {
        let n = tree.len();
        let extent = (0..n as u32)
            .any(|i| tree.self_value(NodeId(i)) < 0)
            .then(|| {
                let mut extent: Vec<i64> = (0..n as u32)
                    .map(|i| tree.self_value(NodeId(i)).abs())
                    .collect();
                for i in (1..n as u32).rev() {
                    let parent = tree.parent(NodeId(i)).0 as usize;
                    extent[parent] += extent[i as usize];
                }
                extent
            });
        let mut layout = FlameLayout {
            x: Vec::with_capacity(n),
            extent,
        };
        // Nodes are in pre-order, so a parent is placed before its children, and the next
        // child of each node on the path from the root is placed where its previous sibling
        // ended.
        let mut next_x: Vec<i64> = Vec::new();
        for i in 0..n as u32 {
            let node = NodeId(i);
            let depth = tree.depth(node) as usize;
            next_x.truncate(depth);
            let x = next_x.last().copied().unwrap_or(0);
            layout.x.push(x);
            if let Some(slot) = next_x.last_mut() {
                *slot += layout.extent(tree, node);
            }
            next_x.push(x);
        }
        layout
    }

    /// Left edge of `node` in value units.
    pub fn x(&self, node: NodeId) -> i64 {
        self.x[node.0 as usize]
    }

    /// Width of `node` of `tree` (the tree this layout was made from) in value units.
    pub fn extent(&self, tree: &CallTree, node: NodeId) -> i64 {
        match &self.extent {
            Some(extent) => extent[node.0 as usize],
            None => tree.total_value(node),
        }
    }

    /// The rects visible through `viewport` that are at least `min_css_width` wide, in
    /// pre-order. A node narrower than that hides its whole subtree (children are never wider
    /// than their parent), so the cost depends on what is visible, not on the tree's size.
    pub fn visible_rects(
        &self,
        tree: &CallTree,
        viewport: &Viewport,
        min_css_width: f64,
    ) -> Vec<Rect> {
        let mut rects = Vec::new();
        let mut node = 0u32;
        let end = tree.len() as u32;
        while node < end {
            let id = NodeId(node);
            let left = viewport.css_x(self.x(id) as f64);
            let right = viewport.css_x((self.x(id) + self.extent(tree, id)) as f64);
            let outside = right <= 0.0 || left >= viewport.width_css;
            if outside || right - left < min_css_width {
                node = tree.subtree_end(id).0;
                continue;
            }
            let css_x = left.max(0.0);
            rects.push(Rect {
                node: id,
                depth: tree.depth(id),
                css_x,
                css_width: right.min(viewport.width_css) - css_x,
            });
            node += 1;
        }
        rects
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::load;
    use crate::input::pprof::DecodeOptions;

    fn tree(folded: &str) -> CallTree {
        let profile = load::open(folded.as_bytes(), &DecodeOptions::default()).unwrap();
        CallTree::build(&profile, 0)
    }

    fn find(tree: &CallTree, name: &str) -> NodeId {
        (0..tree.len() as u32)
            .map(NodeId)
            .find(|&n| tree.name(n) == name)
            .unwrap()
    }

    #[test]
    fn children_sit_left_to_right_inside_their_parent() {
        let t = tree("main;a;x 3\nmain;b 5\nmain 2\n");
        let layout = FlameLayout::new(&t);
        let (main, a, b, x) = (
            find(&t, "main"),
            find(&t, "a"),
            find(&t, "b"),
            find(&t, "x"),
        );
        assert_eq!((layout.x(main), layout.extent(&t, main)), (0, 10));
        assert_eq!((layout.x(a), layout.extent(&t, a)), (0, 3));
        assert_eq!((layout.x(b), layout.extent(&t, b)), (3, 5));
        assert_eq!((layout.x(x), layout.extent(&t, x)), (0, 3));
    }

    #[test]
    fn negative_values_still_nest() {
        let t = tree("main;a 3\nmain;b -5\n");
        let layout = FlameLayout::new(&t);
        assert_eq!(layout.extent(&t, CallTree::ROOT), 8);
        assert_eq!(layout.x(find(&t, "b")), 3);
    }

    #[test]
    fn narrow_and_hidden_subtrees_are_skipped() {
        let t = tree("main;a;deep;deeper 1\nmain;b 999\n");
        let layout = FlameLayout::new(&t);
        let viewport = Viewport::new(0.0, 1000.0, 100.0);
        let names: Vec<&str> = layout
            .visible_rects(&t, &viewport, 0.5)
            .iter()
            .map(|r| t.name(r.node))
            .collect();
        // `a` is 0.1 px wide: it and everything under it are skipped.
        assert_eq!(names, vec!["root", "main", "b"]);
        let zoomed = Viewport::new(0.0, 1.0, 100.0);
        let rects = layout.visible_rects(&t, &zoomed, 0.5);
        let deeper = rects.iter().find(|r| t.name(r.node) == "deeper").unwrap();
        assert_eq!(
            (deeper.depth, deeper.css_x, deeper.css_width),
            (4, 0.0, 100.0)
        );
        assert!(
            rects.iter().all(|r| t.name(r.node) != "b"),
            "b is right of the view"
        );
    }
}
