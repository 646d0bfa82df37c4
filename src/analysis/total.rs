//! pprof's report total: the 100% that every percentage is relative to. Depends only on the
//! profile model.
//!
//! `go tool pprof` merges samples with the same locations and labels on load (so `+v` and `-v`
//! cancel first), then sums |value| over the merged samples, empty stacks included. When any
//! sample carries the label `pprof::base=true` (a saved `-diff_base` profile) only those
//! samples count.

use rustc_hash::FxHashMap;

use crate::model::profile::{LabelSetId, LabelValue, Profile, StackId};
use crate::model::trie::Trie;

/// pprof's total for value type `value_index`.
pub fn pprof_total(profile: &Profile, value_index: usize) -> i64 {
    let value_count = profile.value_types.len();
    let column = || {
        profile
            .samples
            .values
            .iter()
            .skip(value_index)
            .step_by(value_count.max(1))
    };
    let base_marked = profile
        .label_sets
        .all()
        .iter()
        .any(|l| is_base_label(profile, l));
    if !base_marked && column().all(|&v| v >= 0) {
        // Nothing can cancel: the merge would not change the sum.
        return column().sum();
    }
    let groups = merged_values(profile, value_index);
    if base_marked {
        let base: i64 = groups
            .values()
            .filter(|(_, is_base)| *is_base)
            .map(|(v, _)| v.abs())
            .sum();
        if base > 0 {
            return base;
        }
    }
    groups.values().map(|(v, _)| v.abs()).sum()
}

fn is_base_label(profile: &Profile, label: &crate::model::profile::Label) -> bool {
    matches!(label.value, LabelValue::Str(s)
        if profile.str(label.key) == "pprof::base" && profile.str(s) == "true")
}

/// A function by content: name, system name, file, start line.
type FunctionKey<'a> = (&'a str, &'a str, &'a str, i64);

/// A location as pprof's merge sees it: mapping, address, folding and lines by content.
#[derive(PartialEq, Eq, Hash)]
struct LocationKey<'a> {
    mapping: Option<(u64, u64, u64, &'a str, &'a str)>,
    address: u64,
    is_folded: bool,
    lines: Vec<(Option<FunctionKey<'a>>, i64)>,
}

/// A label by content.
#[derive(PartialEq, Eq, Hash, PartialOrd, Ord)]
enum LabelKey<'a> {
    Str(&'a str, &'a str),
    Num(&'a str, i64, &'a str),
}

/// Sums `value_index` per merged sample (same locations by content, same labels), with
/// whether the merged sample is marked `pprof::base`. Keys are a stack of canonical
/// locations and a canonical label set.
fn merged_values(profile: &Profile, value_index: usize) -> FxHashMap<(u32, u32), (i64, bool)> {
    let s = |id| profile.str(id);
    let mut canonical_ids: FxHashMap<LocationKey<'_>, u32> = FxHashMap::default();
    let canonical: Vec<u32> = profile
        .locations
        .iter()
        .enumerate()
        .map(|(i, location)| {
            let key = LocationKey {
                mapping: location.mapping.map(|m| {
                    let m = &profile.mappings[m.0 as usize];
                    (
                        m.memory_start,
                        m.memory_limit,
                        m.file_offset,
                        s(m.file),
                        s(m.build_id),
                    )
                }),
                address: location.address,
                is_folded: location.is_folded,
                lines: profile
                    .location_lines(location)
                    .iter()
                    .map(|line| {
                        let function = line.function.map(|f| {
                            let f = &profile.functions[f.0 as usize];
                            (s(f.name), s(f.system_name), s(f.file), f.start_line)
                        });
                        (function, line.line)
                    })
                    .collect(),
            };
            *canonical_ids.entry(key).or_insert(i as u32)
        })
        .collect();
    // Stacks by canonical locations: the profile's trie, rebuilt over canonical ids.
    let stacks = &profile.stacks;
    let mut canonical_stacks = Trie::default();
    let mut canonical_stack = vec![0u32; stacks.len()];
    for s in 1..stacks.len() {
        let stack = StackId(s as u32);
        let parent = canonical_stack[stacks.parent(stack).0 as usize];
        let location = canonical[stacks.location(stack).0 as usize];
        // Never more canonical stacks than stacks, which have u32 ids.
        canonical_stack[s] = canonical_stacks.child(parent, location).unwrap_or(parent);
    }
    // Label sets by content, order aside.
    let mut set_ids: FxHashMap<Vec<LabelKey<'_>>, u32> = FxHashMap::default();
    let canonical_set: Vec<(u32, bool)> = (0..profile.label_sets.len())
        .map(|set| {
            let labels = profile.label_sets.get(LabelSetId(set as u32));
            let mut keys: Vec<LabelKey<'_>> = labels
                .iter()
                .map(|l| match l.value {
                    LabelValue::Str(v) => LabelKey::Str(s(l.key), s(v)),
                    LabelValue::Num { value, unit } => LabelKey::Num(s(l.key), value, s(unit)),
                })
                .collect();
            keys.sort_unstable();
            let next = set_ids.len() as u32;
            let id = *set_ids.entry(keys).or_insert(next);
            (id, labels.iter().any(|l| is_base_label(profile, l)))
        })
        .collect();
    let mut groups: FxHashMap<(u32, u32), (i64, bool)> = FxHashMap::default();
    for (sample, &stack) in profile.samples.stack.iter().enumerate() {
        let (set, is_base) = canonical_set[profile.samples.label_set[sample].0 as usize];
        let entry = groups
            .entry((canonical_stack[stack.0 as usize], set))
            .or_insert((0, is_base));
        entry.0 += profile.value(sample, value_index);
    }
    groups
}
