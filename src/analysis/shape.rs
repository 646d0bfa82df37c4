//! A call tree reshaped for reading, its values kept: inverted (each stack read from its
//! leaf, so the functions that hold the time are at the root: flamegraph.pl's `--reverse`,
//! Firefox's "Invert call stack") and with recursion collapsed (a frame whose function is
//! already on the stack below it is dropped, as speedscope does, so no function is on a stack
//! twice). Built from the tree's stacks, collapsed first. Depends on the call tree, the path
//! tree and the frames' functions.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::analysis::call_tree::{CallTree, NodeId, TreeParts, Visit};
use crate::analysis::path_tree::PathTree;
use crate::analysis::source::function_of_frame;
use crate::model::frames::{FrameId, Frames, Granularity};

/// How a view reshapes its call tree; the default leaves it as built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Shape {
    /// Stacks read leaf first.
    pub inverted: bool,
    /// A function's recursive calls merged into its outermost frame.
    pub collapse_recursion: bool,
}

impl Shape {
    /// True when the tree is left as built.
    pub fn is_plain(self) -> bool {
        self == Shape::default()
    }
}

/// `tree` reshaped: its frames were told apart at `granularity`, which says what a frame's
/// function is. The root's total stays; inverted, the root's children are the frames with a
/// self value, each as wide as its flat in pprof's table. Frames inlined into the frame below
/// them stay marked when collapsed, not when inverted.
pub fn reshaped(tree: &CallTree, shape: Shape, granularity: Granularity) -> CallTree {
    reshape(tree, shape, granularity, &[]).0
}

/// The nodes of the reshaped tree ([`reshaped`]) that hold samples through any of `nodes`
/// (nodes of `tree`), sorted: where a mark on the tree as built is drawn.
pub fn reshaped_nodes(
    tree: &CallTree,
    shape: Shape,
    granularity: Granularity,
    nodes: &[NodeId],
) -> Vec<NodeId> {
    reshape(tree, shape, granularity, nodes).1
}

/// A step kept on the collapsed stack.
struct Kept {
    frame: FrameId,
    inlined: bool,
    /// How many marked nodes on the current path it stands for.
    marks: u32,
}

/// Where the samples of one node with a self value are in a tree: the node they end at and
/// their value; the cursors [`invert`] starts from.
type Ends = Vec<(u32, i64)>;

/// [`reshaped`], and the reshaped nodes at `marked`'s positions.
fn reshape(
    tree: &CallTree,
    shape: Shape,
    granularity: Granularity,
    marked: &[NodeId],
) -> (CallTree, Vec<NodeId>) {
    let mut is_marked = vec![false; tree.len()];
    for node in marked.iter().filter(|n| (n.0 as usize) < tree.len()) {
        is_marked[node.0 as usize] = true;
    }
    let (reshaped, is_marked) = match (shape.collapse_recursion, shape.inverted) {
        (false, false) => (tree.clone(), is_marked),
        (false, true) => {
            let ends = (1..tree.len() as u32)
                .map(|n| (n, tree.self_value(NodeId(n))))
                .filter(|&(_, value)| value != 0)
                .collect();
            invert(tree, ends, |_, node| is_marked[node as usize])
        }
        (true, inverted) => {
            let collapsed = collapse(tree, granularity, &is_marked);
            if inverted {
                let marked: FxHashSet<(u32, u32)> = collapsed.marked.into_iter().collect();
                let ends = collapsed.ends;
                invert(&collapsed.tree, ends, |end, node| {
                    marked.contains(&(end, node))
                })
            } else {
                let mut marks = vec![false; collapsed.tree.len()];
                for (_, node) in collapsed.marked {
                    marks[node as usize] = true;
                }
                (collapsed.tree, marks)
            }
        }
    };
    let nodes = (0..reshaped.len() as u32)
        .filter(|&n| is_marked[n as usize])
        .map(NodeId)
        .collect();
    (reshaped, nodes)
}

/// A tree with recursion collapsed, and where the original samples went in it.
struct Collapsed {
    tree: CallTree,
    /// Per node of the original tree with a self value (root excepted), in pre-order: where
    /// its samples end in the collapsed tree.
    ends: Ends,
    /// The positions marked nodes went to: (an index into `ends`, the node of the collapsed
    /// tree on its path that a marked node went into).
    marked: Vec<(u32, u32)>,
}

/// `tree` with each frame whose function is already on the stack below it dropped (its
/// samples go on with the frame kept), and where the samples and the nodes of `is_marked` went.
fn collapse(tree: &CallTree, granularity: Granularity, is_marked: &[bool]) -> Collapsed {
    let function = functions(tree.frames(), granularity);
    let mut merged = PathTree::new();
    let mut kept: Vec<Kept> = Vec::new();
    // Per open node (root excluded): its place in `kept`, and whether it put it there.
    let mut open: Vec<(usize, bool)> = Vec::new();
    // Per function, its place in `kept` while one of its frames is open.
    let mut entry_of: Vec<Option<usize>> = vec![None; function.len()];
    // As `Collapsed`'s, in trie nodes.
    let mut ends: Ends = Vec::new();
    let mut marked_trie: Vec<(u32, u32)> = Vec::new();
    tree.walk(|visit| match visit {
        Visit::Enter(node) => {
            if node != CallTree::ROOT {
                let f = function[tree.frame(node).0 as usize] as usize;
                let place = match entry_of[f] {
                    Some(place) => {
                        open.push((place, false));
                        place
                    }
                    None => {
                        // Inlined into the frame before it only if that one was kept.
                        let parent_kept = open.last().is_none_or(|&(_, pushed)| pushed);
                        kept.push(Kept {
                            frame: tree.frame(node),
                            inlined: tree.is_inlined(node) && parent_kept,
                            marks: 0,
                        });
                        entry_of[f] = Some(kept.len() - 1);
                        open.push((kept.len() - 1, true));
                        kept.len() - 1
                    }
                };
                kept[place].marks += u32::from(is_marked[node.0 as usize]);
            }
            let value = tree.self_value(node);
            if value != 0 {
                let steps = kept.iter().map(|k| (k.frame, k.inlined));
                let (sample, mut end) = (ends.len() as u32, 0);
                merged.add(steps, value, |step, trie| {
                    if kept[step].marks > 0 {
                        marked_trie.push((sample, trie));
                    }
                    end = trie;
                });
                if node != CallTree::ROOT {
                    ends.push((end, value));
                }
            }
        }
        Visit::Leave(node) => {
            if node == CallTree::ROOT {
                return;
            }
            let (place, pushed) = open.pop().expect("entered");
            kept[place].marks -= u32::from(is_marked[node.0 as usize]);
            if pushed {
                kept.pop();
                entry_of[function[tree.frame(node).0 as usize] as usize] = None;
            }
        }
    });
    let (collapsed, numbered) = merged.finish(tree, Frames::ROOT);
    let node = |trie: u32| numbered[trie as usize].0;
    Collapsed {
        tree: collapsed,
        ends: ends.into_iter().map(|(end, v)| (node(end), v)).collect(),
        marked: marked_trie.into_iter().map(|(s, t)| (s, node(t))).collect(),
    }
}

/// `tree` with each stack read leaf first, from `ends` (where its samples end, with their
/// values), and per node of it whether `is_marked(i, node)` for a cursor standing at `node`
/// that started at `ends[i]`. Built without hashing, as a radix sort of the stacks: each end
/// starts a cursor, and a node of the inverted tree owns a range of cursors (all at nodes of
/// its frame), which step to their callers and split by frame into its children.
fn invert(
    tree: &CallTree,
    ends: Ends,
    is_marked: impl Fn(u32, u32) -> bool,
) -> (CallTree, Vec<bool>) {
    let frames = tree.frames();
    let mut rank = vec![0u32; frames.len()];
    for (r, f) in frames.by_name().into_iter().enumerate() {
        rank[f.0 as usize] = r as u32;
    }
    let key = |node: u32| rank[tree.frame(NodeId(node)).0 as usize];
    // (node the cursor is at, the value it carries, the end it started at).
    let mut cursors: Vec<(u32, i64, u32)> = ends
        .into_iter()
        .enumerate()
        .map(|(i, (node, value))| (node, value, i as u32))
        .collect();
    let (mut frame, mut depth, mut self_value, mut marks) = (
        vec![Frames::ROOT],
        vec![0u32],
        vec![tree.self_value(CallTree::ROOT)],
        vec![false],
    );
    // Ranges of `cursors` still to number, with their depth; popped in pre-order.
    let mut pending: Vec<(usize, usize, u32)> = Vec::new();
    let split =
        |cursors: &mut [(u32, i64, u32)], start: usize, depth: u32, pending: &mut Vec<_>| {
            cursors.sort_unstable_by_key(|c| key(c.0));
            let mut groups = Vec::new();
            let mut at = 0;
            while at < cursors.len() {
                let k = key(cursors[at].0);
                let end = at + cursors[at..].iter().take_while(|c| key(c.0) == k).count();
                groups.push((start + at, start + end, depth));
                at = end;
            }
            // Reversed, so the first by name is popped first.
            pending.extend(groups.into_iter().rev());
        };
    split(&mut cursors, 0, 1, &mut pending);
    while let Some((start, end, d)) = pending.pop() {
        let range = &mut cursors[start..end];
        frame.push(tree.frame(NodeId(range[0].0)));
        depth.push(d);
        marks.push(range.iter().any(|c| is_marked(c.2, c.0)));
        // Step to the callers; the cursors whose stack ends here go first.
        for c in range.iter_mut() {
            c.0 = tree.parent(NodeId(c.0)).0;
        }
        range.sort_unstable_by_key(|c| c.0 != 0);
        let ended = range.iter().take_while(|c| c.0 == 0).count();
        self_value.push(range[..ended].iter().map(|c| c.1).sum());
        split(&mut range[ended..], start + ended, d + 1, &mut pending);
    }
    let inlined = vec![false; frame.len()];
    let inverted = CallTree::from_parts(TreeParts {
        frames: Frames::from_frames(frames.all().to_vec()),
        value_index: tree.value_index(),
        profile_total: tree.profile_total(),
        frame,
        depth,
        self_value,
        inlined,
    })
    .expect("an inverted tree is a tree");
    (inverted, marks)
}

/// Per frame, a number for its function (the same for the frames of one function); a frame
/// with no function at `granularity` (a file) is its own.
fn functions(frames: &Frames, granularity: Granularity) -> Vec<u32> {
    let mut ids: FxHashMap<String, u32> = FxHashMap::default();
    frames
        .all()
        .iter()
        .map(|frame| {
            let function = function_of_frame(&frame.name, &frame.file, granularity)
                .unwrap_or_else(|| frame.name.clone());
            let next = ids.len() as u32;
            *ids.entry(function).or_insert(next)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::folded;

    fn tree(text: &str) -> CallTree {
        CallTree::build(&folded::parse(text).unwrap(), 0)
    }

    fn shaped(text: &str, inverted: bool, collapse_recursion: bool) -> Vec<String> {
        let shape = Shape {
            inverted,
            collapse_recursion,
        };
        reshaped(&tree(text), shape, Granularity::Functions).folded_stacks()
    }

    const RECURSIVE: &str = "main;f;g;f;h 3\nmain;f;f;f 2\nmain;g;f;g 4\nmain 1\n";

    #[test]
    fn stacks_read_leaf_first() {
        let text = "main;a;b 3\nmain;c;b 5\nmain;a 2\nmain 1\n";
        assert_eq!(
            shaped(text, true, false),
            ["a;main 2", "b;a;main 3", "b;c;main 5", "main 1"]
        );
        assert_eq!(
            reshaped(&tree(text), Shape::default(), Granularity::Functions).folded_stacks(),
            tree(text).folded_stacks()
        );
    }

    #[test]
    fn recursion_collapses_into_the_outermost_frame() {
        assert_eq!(
            shaped(RECURSIVE, false, true),
            ["main 1", "main;f 2", "main;f;g;h 3", "main;g;f 4"]
        );
        // Collapsed, then read leaf first.
        assert_eq!(
            shaped(RECURSIVE, true, true),
            ["f;g;main 4", "f;main 2", "h;g;f;main 3", "main 1"]
        );
        let whole = tree(RECURSIVE).total_value(CallTree::ROOT);
        let collapsed = reshaped(
            &tree(RECURSIVE),
            Shape {
                inverted: false,
                collapse_recursion: true,
            },
            Granularity::Functions,
        );
        assert_eq!(collapsed.total_value(CallTree::ROOT), whole);
        assert_eq!(collapsed.max_depth(), 4);
    }

    #[test]
    fn marks_follow_the_samples_through_the_marked_nodes() {
        let built = tree(RECURSIVE);
        // The inner f of main;f;g;f (with h below it).
        let inner = built
            .find_path(&["main", "f", "g", "f"].map(String::from))
            .unwrap();
        let marked = |inverted, collapse_recursion| -> Vec<Vec<String>> {
            let shape = Shape {
                inverted,
                collapse_recursion,
            };
            let shaped = reshaped(&built, shape, Granularity::Functions);
            reshaped_nodes(&built, shape, Granularity::Functions, &[inner])
                .into_iter()
                .map(|n| shaped.names_path(n))
                .collect()
        };
        let path = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        assert_eq!(marked(false, false), [path(&["main", "f", "g", "f"])]);
        // Read from h: h;f;g;f;main.
        assert_eq!(marked(true, false), [path(&["h", "f"])]);
        // Collapsed into the outer f, whose node also holds main;f;f;f.
        assert_eq!(marked(false, true), [path(&["main", "f"])]);
        // Collapsed, then read from h: only h;g;f;main went through it, not f;main.
        assert_eq!(marked(true, true), [path(&["h", "g", "f"])]);
    }
}
