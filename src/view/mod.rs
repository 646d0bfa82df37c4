//! Drawing as data, without the DOM: the flame layout, value <-> pixel viewport, hit testing,
//! search, colours, keys, the view state and its actions, links, the SVG export, a view's text
//! summary, and the call graph's DOT, layout, drawing and SVG.

pub mod color;
pub mod dot;
pub mod flame_layout;
pub mod graph_drawing;
pub mod graph_layout;
pub mod graph_svg;
pub mod graph_viewport;
pub mod hit_test;
pub mod keys;
pub mod orientation;
pub mod search;
pub mod share;
pub mod summary;
pub mod svg;
pub mod view_state;
pub mod viewport;
