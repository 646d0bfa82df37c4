//! The keyboard: which key does what (the help overlay lists [`SHORTCUTS`], and what the
//! pointer does, [`POINTER`]), and moving the keyboard's frame cursor through a call tree.
//! Depends on the call tree only.

use crate::analysis::call_tree::{CallTree, NodeId};
use crate::view::orientation::Orientation;

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    FocusSearch,
    NextMatch,
    PreviousMatch,
    /// Zoom out one level (to the zoomed frame's caller).
    ZoomOut,
    /// Zoom out entirely; also clears the cursor and closes the help.
    Reset,
    NextValueType,
    PreviousValueType,
    ToggleOrientation,
    ToggleTable,
    ToggleSandwich,
    /// Show the selected function's source lines, or close them.
    ToggleSource,
    /// Show the call graph instead of the flame graph, or back.
    ToggleCallGraph,
    /// Invert the flame graph (bottom-up), or back.
    ToggleInverted,
    /// Collapse recursion in the flame graph, or not.
    ToggleCollapseRecursion,
    /// Show what the profile says of itself, or close it.
    ToggleDetails,
    /// Move the cursor to the frame drawn above or below, or beside.
    Move(Direction),
    /// Zoom to the cursor's frame.
    ZoomToCursor,
    ToggleHelp,
}

/// A direction on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
    Left,
    Right,
}

/// The keys and what they do, as the help overlay lists them.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("/  or  Ctrl+F", "search frames"),
    (
        "n  /  Shift+N",
        "next / previous match (Enter, Shift+Enter in the search box)",
    ),
    ("Backspace  or  -", "zoom out one level"),
    (
        "Escape  or  0",
        "reset zoom, clear the cursor, close this help and the details",
    ),
    ("v  /  Shift+V", "next / previous value type"),
    ("o", "flame or icicle"),
    (
        "b",
        "bottom-up: the inverted flame graph (the functions that hold the time at the root)",
    ),
    (
        "r",
        "collapse recursion (a function's recursive calls in one frame)",
    ),
    (
        "i",
        "the profile's details: type, time, duration, period, sample types, mappings",
    ),
    ("t", "top table"),
    ("c", "callers and callees of the selected function"),
    ("s", "source lines of the selected function"),
    (
        "g",
        "the call graph (pprof's Graph view), or back to the flame graph",
    ),
    (
        "↑ ↓",
        "move the cursor to a frame's callee (the heaviest) or caller, as drawn",
    ),
    ("← →", "move the cursor to the previous or next sibling"),
    ("Enter", "zoom to the frame under the cursor"),
    ("?", "this help"),
];

/// What the mouse and touch do on the graph, as the help overlay lists them.
pub const POINTER: &[(&str, &str)] = &[
    ("click", "zoom to a frame"),
    ("wheel", "zoom in and out around the pointer"),
    ("Shift+wheel  or  drag", "pan left and right"),
    (
        "right-click",
        "filter by a frame, or see its callers and callees",
    ),
    ("tap", "a frame's numbers, with a button to zoom to it"),
    (
        "call graph: drag, wheel, click",
        "pan, zoom around the pointer, a node's menu",
    ),
];

/// The command of a key press (`key` as the browser names it), if any. Keys typed into a
/// text field are not commands (the caller checks); Ctrl+F is.
pub fn command(key: &str, shift: bool, ctrl: bool) -> Option<Command> {
    if ctrl {
        return (key == "f").then_some(Command::FocusSearch);
    }
    Some(match key {
        "/" => Command::FocusSearch,
        "n" => Command::NextMatch,
        "N" => Command::PreviousMatch,
        "Backspace" | "-" => Command::ZoomOut,
        "Escape" | "0" => Command::Reset,
        "v" => Command::NextValueType,
        "V" => Command::PreviousValueType,
        "o" => Command::ToggleOrientation,
        "t" => Command::ToggleTable,
        "c" => Command::ToggleSandwich,
        "s" => Command::ToggleSource,
        "g" => Command::ToggleCallGraph,
        "b" => Command::ToggleInverted,
        "r" => Command::ToggleCollapseRecursion,
        "i" => Command::ToggleDetails,
        "ArrowUp" => Command::Move(Direction::Up),
        "ArrowDown" => Command::Move(Direction::Down),
        "ArrowLeft" => Command::Move(Direction::Left),
        "ArrowRight" => Command::Move(Direction::Right),
        "Enter" => Command::ZoomToCursor,
        "?" => Command::ToggleHelp,
        _ if shift && key == "n" => Command::PreviousMatch,
        _ => return None,
    })
}

/// Where the cursor goes from `node` in `direction`: towards the callees (the heaviest one)
/// or the caller, as the orientation draws them, or to the previous or next sibling. `None`
/// when there is nothing that way. From no cursor, any move starts at the root's heaviest
/// callee.
pub fn step(
    tree: &CallTree,
    node: Option<NodeId>,
    direction: Direction,
    orientation: Orientation,
) -> Option<NodeId> {
    let heaviest = |n: NodeId| {
        tree.children(n).fold(None::<NodeId>, |best, c| match best {
            Some(b) if tree.total_value(b).abs() >= tree.total_value(c).abs() => Some(b),
            _ => Some(c),
        })
    };
    let Some(node) = node else {
        return heaviest(CallTree::ROOT);
    };
    let towards_callees = match (direction, orientation) {
        (Direction::Up, Orientation::Flame) | (Direction::Down, Orientation::Icicle) => true,
        (Direction::Down, Orientation::Flame) | (Direction::Up, Orientation::Icicle) => false,
        (Direction::Left | Direction::Right, _) => {
            if node == CallTree::ROOT {
                return None;
            }
            let siblings: Vec<NodeId> = tree.children(tree.parent(node)).collect();
            let at = siblings.iter().position(|&s| s == node)?;
            return match direction {
                Direction::Left => at.checked_sub(1).map(|i| siblings[i]),
                _ => siblings.get(at + 1).copied(),
            };
        }
    };
    if towards_callees {
        heaviest(node)
    } else {
        (node != CallTree::ROOT).then(|| tree.parent(node))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::folded;

    #[test]
    fn the_cursor_moves_along_the_tree_as_drawn() {
        let tree = CallTree::build(
            &folded::parse("main;a 2\nmain;b 5\nmain;b;c 1\n").unwrap(),
            0,
        );
        let name = |n: Option<NodeId>| n.map(|n| tree.name(n).to_string());
        let main = step(&tree, None, Direction::Up, Orientation::Flame);
        assert_eq!(name(main), Some("main".into()));
        let b = step(&tree, main, Direction::Up, Orientation::Flame);
        assert_eq!(name(b), Some("b".into()));
        assert_eq!(
            name(step(&tree, b, Direction::Left, Orientation::Flame)),
            Some("a".into())
        );
        assert_eq!(step(&tree, b, Direction::Right, Orientation::Flame), None);
        assert_eq!(
            step(&tree, b, Direction::Down, Orientation::Icicle).map(|n| tree.name(n)),
            Some("c")
        );
        assert_eq!(step(&tree, b, Direction::Down, Orientation::Flame), main);
        assert_eq!(
            step(&tree, main, Direction::Down, Orientation::Flame),
            Some(CallTree::ROOT)
        );
        assert_eq!(
            step(
                &tree,
                Some(CallTree::ROOT),
                Direction::Down,
                Orientation::Flame
            ),
            None
        );
    }

    #[test]
    fn keys_map_to_commands() {
        assert_eq!(command("f", false, true), Some(Command::FocusSearch));
        assert_eq!(command("N", true, false), Some(Command::PreviousMatch));
        assert_eq!(
            command("ArrowLeft", false, false),
            Some(Command::Move(Direction::Left))
        );
        assert_eq!(command("x", false, false), None);
        assert_eq!(command("v", false, true), None);
    }
}
