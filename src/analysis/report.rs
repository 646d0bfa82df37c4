//! What a view shows of a profile: its call tree under the options, with pprof's total of
//! the whole profile, and the label totals of the samples left; and the profile of a view, to
//! save. Depends on the filters, the call tree and the label totals.

use crate::analysis::call_tree::{CallTree, TreeParts};
use crate::analysis::filter::{filtered, Filters};
use crate::analysis::labels::{label_totals, LabelTotal};
use crate::model::profile::Profile;

/// A call tree and the label totals of the samples it holds: what a view shows of a profile.
#[derive(Debug, Clone)]
pub struct Report {
    pub tree: CallTree,
    pub labels: Vec<LabelTotal>,
}

/// The report of `profile` for value type `value_index` under `filters`, as [`call_tree`].
pub fn report(profile: &Profile, value_index: usize, filters: &Filters) -> Report {
    let total = crate::analysis::total::pprof_total(profile, value_index);
    let profile = filtered(profile, filters);
    Report {
        tree: CallTree::build_with(&profile, value_index, total, filters.granularity),
        labels: label_totals(&profile, value_index),
    }
}

/// The profile of what a view of value type `value_index` under `filters` shows, as pprof's
/// `-proto` saves it: tag roots added, the name and tag filters applied, every value type and
/// every location's lines and address kept (the granularity is the reader's), and
/// `value_index` the default value type, so it opens on what was shown.
pub fn view_profile(profile: &Profile, value_index: usize, filters: &Filters) -> Profile {
    let mut profile = filtered(profile, filters).into_owned();
    profile.default_value_index = value_index;
    profile
}

/// [`report`] with the tree as the parts that move to the page ([`CallTree::parts_with`]):
/// what the engine's worker encodes.
pub fn report_parts(
    profile: &Profile,
    value_index: usize,
    filters: &Filters,
) -> (TreeParts, Vec<LabelTotal>) {
    let total = crate::analysis::total::pprof_total(profile, value_index);
    let profile = filtered(profile, filters);
    let tree = CallTree::parts_with(&profile, value_index, total, filters.granularity);
    (tree, label_totals(&profile, value_index))
}

/// The call tree of `profile` for value type `value_index` under `filters`, at their
/// granularity, with pprof's total of the whole profile (pprof computes it before filtering).
pub fn call_tree(profile: &Profile, value_index: usize, filters: &Filters) -> CallTree {
    let total = crate::analysis::total::pprof_total(profile, value_index);
    let profile = filtered(profile, filters);
    CallTree::build_with(&profile, value_index, total, filters.granularity)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::folded;
    use regex::Regex;

    fn re(pattern: &str) -> Option<Regex> {
        Some(Regex::new(pattern).unwrap())
    }

    #[test]
    fn report_parts_make_the_report_again() {
        let profile = folded::parse("main;a;b 3\nmain;c;b 5\nmain;a;d 2\nother 4\n").unwrap();
        let filters = Filters {
            hide: re("^c$"),
            ..Filters::default()
        };
        let report = report(&profile, 0, &filters);
        let (parts, labels) = report_parts(&profile, 0, &filters);
        let tree = CallTree::from_parts(parts).unwrap();
        assert_eq!(tree.folded_stacks(), report.tree.folded_stacks());
        assert_eq!(tree.profile_total(), report.tree.profile_total());
        assert_eq!(labels, report.labels);
    }
}
