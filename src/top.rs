//! The top table: pprof's `-top` rows (flat, flat%, sum%, cum, cum%, name) for a call tree, in
//! pprof's order, and the same rows sorted by any column and narrowed by a search. Depends on
//! the call tree only.

use std::cmp::Ordering;

use crate::call_tree::{CallTree, FunctionRow};
use crate::frames::FrameId;
use crate::search::SearchResult;

/// One row: a frame's flat and cum, and `sum`, the flat of this row and every row before it
/// in pprof's order (pprof's sum%).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopRow {
    pub frame: FrameId,
    pub flat: i64,
    pub cum: i64,
    pub sum: i64,
}

/// A column to sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TopColumn {
    Flat,
    /// pprof's sum%: the same order as [`TopColumn::Flat`].
    Sum,
    Cum,
    Name,
}

impl TopColumn {
    /// The order a first click sorts in: largest first, names from A.
    pub fn descending_first(self) -> bool {
        self != TopColumn::Name
    }
}

/// The table's order: a column and a direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TopSort {
    pub column: TopColumn,
    pub descending: bool,
}

impl Default for TopSort {
    /// pprof's order.
    fn default() -> Self {
        TopSort {
            column: TopColumn::Flat,
            descending: true,
        }
    }
}

/// pprof's order of `-top` rows (its `FlatNameOrder`) on (flat, name, cum): |flat| largest
/// first, then name, then |cum| largest first.
pub fn pprof_order(a: (i64, &str, i64), b: (i64, &str, i64)) -> Ordering {
    b.0.abs()
        .cmp(&a.0.abs())
        .then_with(|| a.1.cmp(b.1))
        .then_with(|| b.2.abs().cmp(&a.2.abs()))
}

/// The indices of rows `0..len` (in pprof's order) that `keep` accepts, in `sort`'s order,
/// reading each row's cum and name with `cum` and `name`. Ties keep pprof's order.
pub fn arrange<'a>(
    len: usize,
    sort: TopSort,
    keep: impl Fn(usize) -> bool,
    cum: impl Fn(usize) -> i64,
    name: impl Fn(usize) -> &'a str,
) -> Vec<u32> {
    let mut order: Vec<u32> = (0..len as u32).filter(|&i| keep(i as usize)).collect();
    match sort.column {
        // pprof's order is the flat order.
        TopColumn::Flat | TopColumn::Sum => {}
        TopColumn::Cum => order.sort_by_key(|&i| std::cmp::Reverse(cum(i as usize))),
        TopColumn::Name => order.sort_by(|&a, &b| name(b as usize).cmp(name(a as usize))),
    }
    if !sort.descending {
        order.reverse();
    }
    order
}

/// Every function with a non-zero flat or cum, in pprof's `-top` order: by |flat| (largest
/// first), then name, then |cum| (largest first).
#[derive(Debug, Clone)]
pub struct TopTable {
    rows: Vec<TopRow>,
}

impl TopTable {
    pub fn new(tree: &CallTree) -> TopTable {
        let mut rows: Vec<FunctionRow> = tree.function_table();
        let frames = tree.frames();
        rows.sort_by(|a, b| {
            pprof_order(
                (a.flat, frames.name(a.frame), a.cum),
                (b.flat, frames.name(b.frame), b.cum),
            )
            .then_with(|| a.frame.cmp(&b.frame))
        });
        let mut sum = 0;
        let rows = rows
            .into_iter()
            .map(|r| {
                sum += r.flat;
                TopRow {
                    frame: r.frame,
                    flat: r.flat,
                    cum: r.cum,
                    sum,
                }
            })
            .collect();
        TopTable { rows }
    }

    /// The rows in pprof's order.
    pub fn rows(&self) -> &[TopRow] {
        &self.rows
    }

    /// The row of `frame`, if it has one.
    pub fn position(&self, frame: FrameId) -> Option<usize> {
        self.rows.iter().position(|r| r.frame == frame)
    }

    /// Indices into [`TopTable::rows`] in `sort`'s order, of the rows whose frame matches
    /// `search` (all rows without one). Ties keep pprof's order.
    pub fn arranged(
        &self,
        tree: &CallTree,
        sort: TopSort,
        search: Option<&SearchResult>,
    ) -> Vec<u32> {
        let frames = tree.frames();
        let rows = &self.rows;
        arrange(
            rows.len(),
            sort,
            |i| search.is_none_or(|s| s.frame_matches[rows[i].frame.0 as usize]),
            |i| rows[i].cum,
            |i| frames.name(rows[i].frame),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::folded;
    use crate::search::search;

    fn tree(text: &str) -> CallTree {
        let profile = folded::parse(text).unwrap();
        CallTree::build(&profile, 0)
    }

    fn names(tree: &CallTree, table: &TopTable, order: &[u32]) -> Vec<String> {
        order
            .iter()
            .map(|&i| {
                tree.frames()
                    .name(table.rows()[i as usize].frame)
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn pprof_order_and_running_sum() {
        let tree = tree("main;a;b 5\nmain;c 5\nmain;a 2\nmain 1\n");
        let table = TopTable::new(&tree);
        let rows: Vec<_> = table
            .rows()
            .iter()
            .map(|r| (tree.frames().name(r.frame), r.flat, r.sum, r.cum))
            .collect();
        // b and c tie on flat: name order.
        assert_eq!(
            rows,
            vec![
                ("b", 5, 5, 5),
                ("c", 5, 10, 5),
                ("a", 2, 12, 7),
                ("main", 1, 13, 13)
            ]
        );
    }

    #[test]
    fn sorted_by_each_column_and_searched() {
        let tree = tree("main;a;b 5\nmain;c 4\nmain;a 2\n");
        let table = TopTable::new(&tree);
        let by = |column, descending| {
            names(
                &tree,
                &table,
                &table.arranged(&tree, TopSort { column, descending }, None),
            )
        };
        assert_eq!(by(TopColumn::Flat, true), ["b", "c", "a", "main"]);
        assert_eq!(by(TopColumn::Flat, false), ["main", "a", "c", "b"]);
        assert_eq!(by(TopColumn::Cum, true), ["main", "a", "b", "c"]);
        assert_eq!(by(TopColumn::Name, false), ["a", "b", "c", "main"]);
        let found = search(&tree, "^[ab]$").unwrap();
        let order = table.arranged(&tree, TopSort::default(), Some(&found));
        assert_eq!(names(&tree, &table, &order), ["b", "a"]);
        assert_eq!(table.position(table.rows()[2].frame), Some(2));
    }
}
