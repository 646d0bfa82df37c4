//! A trie of `u32` items built one edge at a time: the shape shared by the profile's stacks
//! (items are locations) and the call tree under construction (items are frames). Depends on
//! nothing else in the crate.

use rustc_hash::FxHashMap;

/// Nodes numbered from 0 (the root) in the order they are added, so a node's parent always
/// has a smaller number.
#[derive(Debug, Clone)]
pub struct Trie {
    parent: Vec<u32>,
    item: Vec<u32>,
    /// (parent, item) -> child.
    children: FxHashMap<u64, u32>,
    /// Per node, the item and child reached last from it: deep call chains mostly have one
    /// child, so this answers most lookups without hashing (and without reading the child).
    last_child: Vec<(u32, u32)>,
}

impl Default for Trie {
    fn default() -> Self {
        Trie {
            parent: vec![0],
            item: vec![u32::MAX],
            children: FxHashMap::default(),
            last_child: vec![(u32::MAX, 0)],
        }
    }
}

impl Trie {
    /// The child of `parent` for `item`, added if new; `None` past `u32::MAX - 1` nodes.
    pub fn child(&mut self, parent: u32, item: u32) -> Option<u32> {
        let (hint_item, hint) = self.last_child[parent as usize];
        if hint_item == item && hint != 0 {
            return Some(hint);
        }
        let next = self.parent.len() as u32;
        let key = (u64::from(parent) << 32) | u64::from(item);
        let child = *self.children.entry(key).or_insert(next);
        if child == next {
            if next == u32::MAX {
                self.children.remove(&key);
                return None;
            }
            self.parent.push(parent);
            self.item.push(item);
            self.last_child.push((u32::MAX, 0));
        }
        self.last_child[parent as usize] = (item, child);
        Some(child)
    }

    /// Each node's parent and item (the root's item is `u32::MAX`); the lookup tables are
    /// dropped.
    pub fn into_parts(self) -> (Vec<u32>, Vec<u32>) {
        (self.parent, self.item)
    }
}

#[cfg(test)]
mod tests {
    use super::Trie;

    #[test]
    fn children_are_shared_and_numbered_after_their_parent() {
        let mut trie = Trie::default();
        let a = trie.child(0, 7).unwrap();
        let b = trie.child(a, 8).unwrap();
        let c = trie.child(0, 9).unwrap();
        assert_eq!(
            trie.child(0, 7),
            Some(a),
            "hint miss falls back to the table"
        );
        assert_eq!(trie.child(a, 8), Some(b));
        assert!(a < b && b < c);
        let (parent, item) = trie.into_parts();
        assert_eq!(parent, vec![0, 0, a, 0]);
        assert_eq!(item, vec![u32::MAX, 7, 8, 9]);
    }
}
