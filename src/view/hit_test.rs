//! Point -> node: which rect is under the pointer, for either orientation. Depends on the call
//! tree, layout and viewport only.

use crate::analysis::call_tree::{CallTree, NodeId};
use crate::view::flame_layout::FlameLayout;
use crate::view::orientation::Orientation;
use crate::view::viewport::Viewport;

/// The depth shown in the row at CSS y `css_y` of a drawing `rows` rows of `row_height` high.
pub fn depth_at(css_y: f64, row_height: f64, rows: u32, orientation: Orientation) -> Option<u32> {
    if css_y < 0.0 || row_height <= 0.0 {
        return None;
    }
    let row = (css_y / row_height) as u32;
    if row >= rows {
        return None;
    }
    Some(match orientation {
        Orientation::Icicle => row,
        Orientation::Flame => rows - 1 - row,
    })
}

/// The CSS y of the top of the row showing `depth`.
pub fn row_top(depth: u32, row_height: f64, rows: u32, orientation: Orientation) -> f64 {
    let row = match orientation {
        Orientation::Icicle => depth,
        Orientation::Flame => rows.saturating_sub(1 + depth),
    };
    row as f64 * row_height
}

/// The node at `depth` whose rect contains CSS x `css_x`, if any.
pub fn node_at(
    tree: &CallTree,
    layout: &FlameLayout,
    viewport: &Viewport,
    depth: u32,
    css_x: f64,
) -> Option<NodeId> {
    let value_x = viewport.value_x(css_x);
    let contains = |n: NodeId| {
        let x = layout.x(n) as f64;
        value_x >= x && value_x < x + layout.extent(tree, n) as f64
    };
    let mut node = CallTree::ROOT;
    if !contains(node) {
        return None;
    }
    for _ in 0..depth {
        node = tree.children(node).find(|&c| contains(c))?;
    }
    Some(node)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::load;
    use crate::input::pprof::DecodeOptions;

    #[test]
    fn finds_the_rect_under_the_pointer_in_both_orientations() {
        let profile = load::open(b"main;a 3\nmain;b;c 5\n", &DecodeOptions::default()).unwrap();
        let tree = CallTree::build(&profile, 0);
        let layout = FlameLayout::new(&tree);
        let viewport = Viewport::new(0.0, 8.0, 80.0);
        let rows = tree.max_depth() + 1;
        let name = |y: f64, x: f64, o: Orientation| {
            let depth = depth_at(y, 10.0, rows, o)?;
            node_at(&tree, &layout, &viewport, depth, x).map(|n| tree.name(n).to_string())
        };
        assert_eq!(
            name(5.0, 50.0, Orientation::Icicle).as_deref(),
            Some("root")
        );
        assert_eq!(name(25.0, 10.0, Orientation::Icicle).as_deref(), Some("a"));
        assert_eq!(name(35.0, 50.0, Orientation::Icicle).as_deref(), Some("c"));
        assert_eq!(
            name(35.0, 10.0, Orientation::Icicle),
            None,
            "a has no child"
        );
        assert_eq!(name(5.0, 50.0, Orientation::Flame).as_deref(), Some("c"));
        assert_eq!(
            name(35.0, 50.0, Orientation::Flame).as_deref(),
            Some("root")
        );
        assert_eq!(
            name(45.0, 50.0, Orientation::Flame),
            None,
            "below the drawing"
        );
        assert_eq!(row_top(0, 10.0, rows, Orientation::Flame), 30.0);
        assert_eq!(row_top(0, 10.0, rows, Orientation::Icicle), 0.0);
    }
}
