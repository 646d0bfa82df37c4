//! The top table: pprof's `-top` rows (flat, flat%, sum%, cum, cum%, name) for a call tree, in
//! pprof's order or `-top -cum`'s, sorted by any column and narrowed to some frames, with
//! sum% the running sum of flat in the order shown. Depends on the call tree only.

use std::cmp::Ordering;

use crate::analysis::call_tree::{CallTree, FunctionRow};
use crate::model::frames::FrameId;

/// One row: a frame's flat and cum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopRow {
    pub frame: FrameId,
    pub flat: i64,
    pub cum: i64,
}

/// A column to sort by. pprof's sum% is not one: it is the running sum of flat in whatever
/// order the rows are printed, so it grows down every order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TopColumn {
    /// pprof's default order (`-top`).
    Flat,
    /// pprof's `-top -cum`.
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

/// Rows in the order they are shown, with pprof's sum% for each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Arranged {
    /// Indices of the rows shown, in the order shown.
    pub order: Vec<u32>,
    /// Per position in `order`: the flat of that row and of every row above it (pprof's sum%
    /// is "the percentage of the total accounted for by this row and the rows above it").
    pub sums: Vec<i64>,
}

/// One row's fields, as [`arrange`] reads them.
pub struct RowKey<'a> {
    pub flat: i64,
    pub cum: i64,
    pub name: &'a str,
}

/// The rows `0..len` (in pprof's flat order) that `keep` accepts, in `sort`'s order, reading
/// each row with `row`, and the running sum of flat down that order. Sorted by cum they are in
/// pprof's `-top -cum` order; ties otherwise keep pprof's flat order.
pub fn arrange<'a>(
    len: usize,
    sort: TopSort,
    keep: impl Fn(usize) -> bool,
    row: impl Fn(usize) -> RowKey<'a>,
) -> Arranged {
    let mut order: Vec<u32> = (0..len as u32).filter(|&i| keep(i as usize)).collect();
    match sort.column {
        // pprof's order is the flat order.
        TopColumn::Flat => {}
        // pprof's `CumNameOrder` is its flat order with cum and flat swapped.
        TopColumn::Cum => order.sort_by(|&a, &b| {
            let (a, b) = (row(a as usize), row(b as usize));
            pprof_order((a.cum, a.name, a.flat), (b.cum, b.name, b.flat))
        }),
        TopColumn::Name => order.sort_by(|&a, &b| row(b as usize).name.cmp(row(a as usize).name)),
    }
    if !sort.descending {
        order.reverse();
    }
    let mut sum = 0i64;
    let sums = order
        .iter()
        .map(|&i| {
            sum += row(i as usize).flat;
            sum
        })
        .collect();
    Arranged { order, sums }
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
        let rows = rows
            .into_iter()
            .map(|r| TopRow {
                frame: r.frame,
                flat: r.flat,
                cum: r.cum,
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

    /// The rows whose frame `keep` accepts (a search's matches, or every frame), as indices
    /// into [`TopTable::rows`] in `sort`'s order, with their running sums.
    pub fn arranged(
        &self,
        tree: &CallTree,
        sort: TopSort,
        keep: impl Fn(FrameId) -> bool,
    ) -> Arranged {
        let frames = tree.frames();
        let rows = &self.rows;
        arrange(
            rows.len(),
            sort,
            |i| keep(rows[i].frame),
            |i| RowKey {
                flat: rows[i].flat,
                cum: rows[i].cum,
                name: frames.name(rows[i].frame),
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::folded;
    use crate::view::search::search;

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
        let arranged = table.arranged(&tree, TopSort::default(), |_| true);
        let rows: Vec<_> = table
            .rows()
            .iter()
            .zip(&arranged.sums)
            .map(|(r, &sum)| (tree.frames().name(r.frame), r.flat, sum, r.cum))
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
                &table
                    .arranged(&tree, TopSort { column, descending }, |_| true)
                    .order,
            )
        };
        assert_eq!(by(TopColumn::Flat, true), ["b", "c", "a", "main"]);
        assert_eq!(by(TopColumn::Flat, false), ["main", "a", "c", "b"]);
        assert_eq!(by(TopColumn::Cum, true), ["main", "a", "b", "c"]);
        assert_eq!(by(TopColumn::Name, false), ["a", "b", "c", "main"]);
        let found = search(&tree, "^[ab]$").unwrap();
        let shown = table.arranged(&tree, TopSort::default(), |f| {
            found.frame_matches[f.0 as usize]
        });
        assert_eq!(names(&tree, &table, &shown.order), ["b", "a"]);
        assert_eq!(shown.sums, [5, 7]);
        assert_eq!(table.position(table.rows()[2].frame), Some(2));
    }

    #[test]
    fn by_cum_the_running_sum_of_flat_follows_the_printed_order() {
        // As `go tool pprof -top -cum`: main and a have no flat, so sum% starts at 0.
        let tree = tree(
            "main;a;b 5
main;a;c 5
main;d 2
",
        );
        let table = TopTable::new(&tree);
        let cum = TopSort {
            column: TopColumn::Cum,
            descending: true,
        };
        let shown = table.arranged(&tree, cum, |_| true);
        // b and c tie on cum and flat: name order.
        assert_eq!(
            names(&tree, &table, &shown.order),
            ["main", "a", "b", "c", "d"]
        );
        assert_eq!(shown.sums, [0, 0, 5, 10, 12]);
    }

    #[test]
    fn by_cum_ties_go_by_name_then_flat_as_pprof() {
        // x and y both have cum 4; pprof orders them by name before flat.
        let tree = tree(
            "main;y 4
main;x;z 4
",
        );
        let table = TopTable::new(&tree);
        let cum = TopSort {
            column: TopColumn::Cum,
            descending: true,
        };
        let shown = table.arranged(&tree, cum, |_| true);
        assert_eq!(names(&tree, &table, &shown.order), ["main", "x", "y", "z"]);
    }
}
