//! A view as plain text, for pasting into an issue or a chat: the profile's name and pprof's
//! header, the options that shape the view, a search's matched share, and pprof's top rows by
//! flat and by cum with their values and percentages. Depends on the call tree, the top table
//! and the units.

use std::fmt::Write;

use crate::analysis::call_tree::CallTree;
use crate::analysis::top::{Arranged, TopColumn, TopSort, TopTable};
use crate::format;

/// Rows listed per order.
pub const ROWS: usize = 20;

/// What a summary says besides the tables.
#[derive(Debug, Clone, Default)]
pub struct SummaryHead<'a> {
    /// The file (or files) shown.
    pub name: &'a str,
    /// pprof's header lines (see `Details::pprof_header`).
    pub header: &'a [String],
    /// The options that shape the view, as `name=value` or a word (`inverted`).
    pub options: &'a [String],
    /// The search box's text and the value of the samples it matches.
    pub search: Option<(&'a str, i64)>,
}

/// The summary of `tree` (whose pprof table is `top`, values in `unit`) under `head`.
pub fn summary(head: &SummaryHead, tree: &CallTree, top: &TopTable, unit: &str) -> String {
    let total = tree.profile_total();
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(out, "Scorch summary of {}", head.name);
    for line in head.header {
        let _ = writeln!(out, "{line}");
    }
    if !head.options.is_empty() {
        let _ = writeln!(out, "Options: {}", head.options.join(", "));
    }
    let shown = tree.total_value(CallTree::ROOT);
    if shown != total {
        let _ = writeln!(
            out,
            "Shown: {} of {} total ({})",
            format::value(shown, unit),
            format::value(total, unit),
            format::percent(shown, total, 2)
        );
    }
    if let Some((query, matched)) = head.search {
        let _ = writeln!(
            out,
            "Search {query:?}: matched {} ({})",
            format::value(matched, unit),
            format::percent(matched, total, 2)
        );
    }
    for (column, label) in [(TopColumn::Flat, "flat"), (TopColumn::Cum, "cum")] {
        let sort = TopSort {
            column,
            descending: true,
        };
        let arranged = top.arranged(tree, sort, |_| true);
        let _ = writeln!(
            out,
            "\nTop {} by {label} of {} functions (total {}):",
            ROWS.min(arranged.order.len()),
            arranged.order.len(),
            format::value(total, unit)
        );
        for line in top_lines(tree, top, &arranged, ROWS, unit) {
            let _ = writeln!(out, "{line}");
        }
    }
    out
}

/// pprof's `-top` text table: its column header, then the first `count` rows in `arranged`'s
/// order with values in `unit` and percentages of `tree`'s total.
pub fn top_lines(
    tree: &CallTree,
    top: &TopTable,
    arranged: &Arranged,
    count: usize,
    unit: &str,
) -> Vec<String> {
    let total = tree.profile_total();
    let header = format!(
        "{:>10} {:>7} {:>7} {:>10} {:>7}  name",
        "flat", "flat%", "sum%", "cum", "cum%"
    );
    let rows = arranged.order.iter().zip(&arranged.sums).take(count);
    std::iter::once(header)
        .chain(rows.map(|(&i, &sum)| {
            let row = top.rows()[i as usize];
            format!(
                "{:>10} {:>7} {:>7} {:>10} {:>7}  {}",
                format::value(row.flat, unit),
                format::percent(row.flat, total, 2),
                format::percent(sum, total, 2),
                format::value(row.cum, unit),
                format::percent(row.cum, total, 2),
                tree.frames().name(row.frame)
            )
        }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::folded;

    #[test]
    fn a_summary_lists_the_top_rows_both_ways() {
        let profile = folded::parse("main;a;b 5\nmain;c 3\nmain;a 2\n").unwrap();
        let tree = CallTree::build(&profile, 0);
        let top = TopTable::new(&tree);
        let header = vec!["Type: samples".to_string()];
        let options = vec!["hide=x".to_string()];
        let head = SummaryHead {
            name: "test.folded",
            header: &header,
            options: &options,
            search: Some(("^a$", 7)),
        };
        let text = summary(&head, &tree, &top, "count");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "Scorch summary of test.folded");
        assert_eq!(lines[1], "Type: samples");
        assert_eq!(lines[2], "Options: hide=x");
        assert_eq!(lines[3], "Search \"^a$\": matched 7 (70.00%)");
        let flat = lines
            .iter()
            .position(|l| l.starts_with("Top 4 by flat"))
            .unwrap();
        // b and c hold the flat; main's cum is everything.
        assert!(lines[flat + 2].ends_with("  b") && lines[flat + 2].contains("50.00%"));
        assert!(lines[flat + 3].ends_with("  c"));
        let cum = lines
            .iter()
            .position(|l| l.starts_with("Top 4 by cum"))
            .unwrap();
        assert!(lines[cum + 2].ends_with("  main") && lines[cum + 2].contains("100.00%"));
    }
}
