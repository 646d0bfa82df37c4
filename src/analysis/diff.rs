//! Comparing a profile with a base profile, as `go tool pprof -diff_base` (and `-normalize`)
//! does: per function, the new flat and cum minus the base's, with pprof's total (the base's);
//! per node of the new profile's tree, the base's value on the same path (for colour).
//! Works on two call trees built the same way, so each can be built where its profile is.
//! Depends on the profile model and the call tree.

use std::borrow::Cow;

use rustc_hash::FxHashMap;

use crate::analysis::call_tree::{CallTree, NodeId};
use crate::analysis::filter::Filters;
use crate::analysis::options::DiffMode;
use crate::analysis::report::{self, Report};
use crate::analysis::top::{arrange, pprof_order, Arranged, RowKey, TopSort};
use crate::model::concat::merge;
use crate::model::profile::Profile;

/// Why two profiles cannot be compared or merged (pprof's `compatible`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incompatible {
    /// The other profile's value types, and the first one's.
    ValueTypes {
        theirs: String,
        ours: String,
    },
    PeriodTypes,
}

impl Incompatible {
    /// Why, with the first profile called `first` ("this profile").
    pub fn reason(&self, first: &str) -> String {
        match self {
            Incompatible::ValueTypes { theirs, ours } => {
                format!("its value types are {theirs} where {first}'s are {ours}")
            }
            Incompatible::PeriodTypes => "their period types differ".into(),
        }
    }
}

impl std::fmt::Display for Incompatible {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the base profile cannot be compared with this one: {}",
            self.reason("this profile")
        )
    }
}

impl std::error::Error for Incompatible {}

/// Whether `base` can be compared with `profile` (or merged into it): the same value types,
/// in the same order, and the same period type.
pub fn check_compatible(profile: &Profile, base: &Profile) -> Result<(), Incompatible> {
    let describe = |p: &Profile| {
        p.value_types
            .iter()
            .map(|t| format!("{}/{}", t.name, t.unit))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if profile.value_types != base.value_types {
        return Err(Incompatible::ValueTypes {
            theirs: describe(base),
            ours: describe(profile),
        });
    }
    if profile.period_type != base.period_type {
        return Err(Incompatible::PeriodTypes);
    }
    Ok(())
}

/// The profiles merged as `go tool pprof A B C` merges them ([`merge`]), once each was checked
/// against the first: the same value types and period type. `names` are theirs, in order; the
/// error names the one that differs and the first.
pub fn merge_all(names: &[String], mut profiles: Vec<Profile>) -> Result<Profile, String> {
    for (name, profile) in names.iter().zip(&profiles).skip(1) {
        check_compatible(&profiles[0], profile).map_err(|e| {
            format!(
                "{name} cannot be merged with {}: {}",
                names[0],
                e.reason("the first")
            )
        })?;
    }
    Ok(match profiles.len() {
        1 => profiles.remove(0),
        _ => merge(&profiles.iter().collect::<Vec<_>>()),
    })
}

/// pprof's `-normalize`: `profile` with every value scaled by the base's sum over the
/// profile's (per value type, rounded per sample); a sample whose scaled values are all zero
/// is dropped (pprof's `ScaleN`).
pub fn normalize(profile: &Profile, base: &Profile) -> Profile {
    let count = profile.value_types.len();
    let sums = |p: &Profile| {
        let mut sums = vec![0i64; count];
        for (i, v) in p.samples.values.iter().enumerate() {
            sums[i % count] = sums[i % count].wrapping_add(*v);
        }
        sums
    };
    let (own, theirs) = (sums(profile), sums(base));
    let ratios: Vec<f64> = (0..count)
        .map(|i| match own[i] {
            0 => 0.0,
            own => theirs[i] as f64 / own as f64,
        })
        .collect();
    let mut scaled = Profile {
        lines: profile.lines.clone(),
        locations: profile.locations.clone(),
        stacks: profile.stacks.clone(),
        ..profile.clone_tables()
    };
    if ratios.iter().all(|&r| r == 1.0) {
        scaled.samples = profile.samples.clone();
        return scaled;
    }
    let samples = &profile.samples;
    for (s, &stack) in samples.stack.iter().enumerate() {
        let values = &samples.values[s * count..][..count];
        let mut keep = false;
        let new: Vec<i64> = values
            .iter()
            .zip(&ratios)
            .map(|(&v, &r)| {
                if r == 1.0 {
                    return v;
                }
                let v = (v as f64 * r).round() as i64;
                keep |= v != 0;
                v
            })
            .collect();
        if keep {
            scaled.samples.stack.push(stack);
            scaled.samples.label_set.push(samples.label_set[s]);
            scaled.samples.values.extend(new);
        }
    }
    scaled
}

/// The new side of a comparison with `base` in `mode`: `profile` scaled to the base's total
/// ([`normalize`]) in [`DiffMode::Normalized`], else `profile` itself.
pub fn new_side<'a>(profile: &'a Profile, base: &Profile, mode: DiffMode) -> Cow<'a, Profile> {
    match mode {
        DiffMode::Normalized => Cow::Owned(normalize(profile, base)),
        _ => Cow::Borrowed(profile),
    }
}

/// The reports of `profile` and of `base` for value type `value_index` under `filters`,
/// `profile` first scaled to the base's total when `mode` is [`DiffMode::Normalized`]: the two
/// halves of a comparison.
pub fn reports(
    profile: &Profile,
    base: &Profile,
    mode: DiffMode,
    value_index: usize,
    filters: &Filters,
) -> (Report, Report) {
    (
        report::report(&new_side(profile, base, mode), value_index, filters),
        report::report(base, value_index, filters),
    )
}

/// One function's row: the new and base flat and cum, and the deltas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffRow {
    pub name: String,
    pub new_flat: i64,
    pub new_cum: i64,
    pub base_flat: i64,
    pub base_cum: i64,
}

impl DiffRow {
    pub fn flat(&self) -> i64 {
        self.new_flat - self.base_flat
    }

    pub fn cum(&self) -> i64 {
        self.new_cum - self.base_cum
    }
}

/// pprof's `-top -diff_base` table, from the trees of the new and base profiles (built with
/// the same value type, filters and granularity): functions matched by the names pprof prints.
#[derive(Debug, Clone)]
pub struct DiffTable {
    rows: Vec<DiffRow>,
    /// pprof's total for a diff: the base's total, or the new profile's when that is zero.
    pub total: i64,
}

impl DiffTable {
    pub fn new(new: &CallTree, base: &CallTree) -> DiffTable {
        let mut by_name: FxHashMap<&str, DiffRow> = FxHashMap::default();
        for (tree, is_base) in [(new, false), (base, true)] {
            for r in tree.function_table() {
                let name = tree.frames().name(r.frame);
                let row = by_name.entry(name).or_insert_with(|| DiffRow {
                    name: name.to_string(),
                    new_flat: 0,
                    new_cum: 0,
                    base_flat: 0,
                    base_cum: 0,
                });
                if is_base {
                    row.base_flat += r.flat;
                    row.base_cum += r.cum;
                } else {
                    row.new_flat += r.flat;
                    row.new_cum += r.cum;
                }
            }
        }
        let mut rows: Vec<DiffRow> = by_name
            .into_values()
            .filter(|r| r.flat() != 0 || r.cum() != 0)
            .collect();
        rows.sort_by(|a, b| {
            pprof_order((a.flat(), &a.name, a.cum()), (b.flat(), &b.name, b.cum()))
        });
        let total = match base.profile_total() {
            0 => new.profile_total(),
            base_total => base_total,
        };
        DiffTable { rows, total }
    }

    /// The rows in pprof's order.
    pub fn rows(&self) -> &[DiffRow] {
        &self.rows
    }

    /// The rows whose name `keep` accepts, as indices into [`DiffTable::rows`] in `sort`'s
    /// order (flat and cum sort by their deltas), with the running sums of the flat deltas.
    pub fn arranged(&self, sort: TopSort, keep: impl Fn(&str) -> bool) -> Arranged {
        let rows = &self.rows;
        arrange(
            rows.len(),
            sort,
            |i| keep(&rows[i].name),
            |i| RowKey {
                flat: rows[i].flat(),
                cum: rows[i].cum(),
                name: &rows[i].name,
            },
        )
    }
}

/// Per node of `new`, the total of the node of `base` on the same path of frame names (0
/// where the base has none). Children are in name order in both trees, so they are matched
/// by a merge.
pub fn base_values(new: &CallTree, base: &CallTree) -> Vec<i64> {
    let mut values = vec![0i64; new.len()];
    let mut pending = vec![(CallTree::ROOT, CallTree::ROOT)];
    while let Some((n, b)) = pending.pop() {
        values[n.0 as usize] = base.total_value(b);
        let mut theirs = base.children(b).peekable();
        for child in new.children(n) {
            let name = new.name(child);
            while theirs.next_if(|&c| base.name(c) < name).is_some() {}
            if let Some(matched) = theirs.next_if(|&c| base.name(c) == name) {
                pending.push((child, matched));
            }
        }
    }
    values
}

/// The node of `tree` on `path` (frame names from the root's child down).
pub fn node_on_path(tree: &CallTree, path: &[&str]) -> Option<NodeId> {
    path.iter().try_fold(CallTree::ROOT, |node, name| {
        tree.children(node).find(|&c| tree.name(c) == *name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::folded;

    fn tree(text: &str) -> CallTree {
        CallTree::build(&folded::parse(text).unwrap(), 0)
    }

    #[test]
    fn deltas_per_function_and_per_node() {
        let new = tree("main;a;b 6\nmain;c 4\n");
        let base = tree("main;a;b 2\nmain;a 3\nmain;d 5\n");
        let table = DiffTable::new(&new, &base);
        let rows: Vec<(&str, i64, i64)> = table
            .rows()
            .iter()
            .map(|r| (r.name.as_str(), r.flat(), r.cum()))
            .collect();
        assert_eq!(
            rows,
            [("d", -5, -5), ("b", 4, 4), ("c", 4, 4), ("a", -3, 1)]
        );
        assert_eq!(table.total, 10);
        assert_eq!(table.arranged(TopSort::default(), |_| true).sums[3], 0);
        let values = base_values(&new, &base);
        let b = node_on_path(&new, &["main", "a", "b"]).unwrap();
        let c = node_on_path(&new, &["main", "c"]).unwrap();
        assert_eq!(
            (values[0], values[b.0 as usize], values[c.0 as usize]),
            (10, 2, 0)
        );
    }

    #[test]
    fn normalize_scales_the_new_profile_to_the_base_total() {
        let new = folded::parse("main;a 3\nmain;b 1\n").unwrap();
        let base = folded::parse("main;a 4\nmain;b 4\n").unwrap();
        let scaled = normalize(&new, &base);
        assert_eq!(
            CallTree::build(&scaled, 0).folded_stacks(),
            ["main;a 6", "main;b 2"]
        );
        assert!(check_compatible(&new, &base).is_ok());
    }
}
