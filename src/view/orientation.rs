//! Which way a flame graph grows: the one two-way choice every drawing, hit test, link and
//! export shares.

/// Which way the graph grows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Orientation {
    /// Root at the bottom, callees above (Brendan Gregg's flame graph).
    #[default]
    Flame,
    /// Root at the top, callees below.
    Icicle,
}
