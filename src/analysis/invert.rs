//! The inverted (bottom-up) profile: every stack read from its leaf frame to its root, so the
//! call tree built from it has the functions that hold the time at the root and their callers
//! above (flamegraph.pl's `--reverse`, Firefox's "Invert call stack"). Depends only on the
//! profile model.

use crate::model::profile::{Line, Location, LocationId, Profile, StackId, Stacks, StacksBuilder};

/// `profile` with each stack reversed frame by frame: a location's inlined lines are split
/// into locations of one line each (same address and mapping), so the innermost inlined
/// callee comes first too. The root's children of its call tree are the frames with samples
/// ending in them, each as wide as its flat. Inlined frames are not marked as such (each is a
/// location of its own).
pub fn inverted(profile: &Profile) -> Profile {
    let mut lines: Vec<Line> = Vec::with_capacity(profile.lines.len());
    let mut locations: Vec<Location> = Vec::with_capacity(profile.lines.len());
    // Per original location, its first one-line location; they run leaf first.
    let mut first = Vec::with_capacity(profile.locations.len() + 1);
    for location in &profile.locations {
        first.push(locations.len() as u32);
        let original = profile.location_lines(location);
        if original.is_empty() {
            locations.push(Location {
                lines: 0..0,
                ..location.clone()
            });
        }
        for line in original {
            let start = lines.len() as u32;
            lines.push(*line);
            locations.push(Location {
                lines: start..start + 1,
                ..location.clone()
            });
        }
    }
    first.push(locations.len() as u32);
    let stacks = &profile.stacks;
    let mut builder = StacksBuilder::default();
    // Each original stack's reversed stack, made once however many samples share it.
    let mut reversed: Vec<Option<StackId>> = vec![None; stacks.len()];
    reversed[0] = Some(Stacks::EMPTY);
    let mut samples = profile.samples.clone();
    for stack in samples.stack.iter_mut() {
        let s = stack.0 as usize;
        if reversed[s].is_none() {
            let mut path = Vec::new();
            let mut at = *stack;
            while at != Stacks::EMPTY {
                let l = stacks.location(at).0 as usize;
                path.extend((first[l]..first[l + 1]).map(LocationId));
                at = stacks.parent(at);
            }
            // More stacks than u32 holds cannot come from a profile that fit in u32 ids.
            reversed[s] = Some(builder.stack(path).unwrap_or(Stacks::EMPTY));
        }
        *stack = reversed[s].unwrap_or(Stacks::EMPTY);
    }
    profile.derived(lines, locations, builder.finish(), samples)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::call_tree::CallTree;
    use crate::input::folded;

    #[test]
    fn stacks_read_leaf_first() {
        let profile = folded::parse("main;a;b 3\nmain;c;b 5\nmain;a 2\nmain 1\n").unwrap();
        let tree = CallTree::build(&inverted(&profile), 0);
        assert_eq!(
            tree.folded_stacks(),
            ["a;main 2", "b;a;main 3", "b;c;main 5", "main 1"]
        );
        assert_eq!(tree.total_value(CallTree::ROOT), 11);
    }
}
