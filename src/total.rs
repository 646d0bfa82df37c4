//! pprof's report total: the 100% that every percentage is relative to. Depends only on the
//! profile model.
//!
//! `go tool pprof` merges samples with the same locations and labels on load (so `+v` and `-v`
//! cancel first), then sums |value| over the merged samples, empty stacks included. When any
//! sample carries the label `pprof::base=true` (a saved `-diff_base` profile) only those
//! samples count.

use rustc_hash::FxHashMap;

use crate::profile::{LabelValue, Profile};

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
        .samples
        .labels
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

fn is_base_label(profile: &Profile, label: &crate::profile::Label) -> bool {
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
/// whether the merged sample is marked `pprof::base`.
fn merged_values(
    profile: &Profile,
    value_index: usize,
) -> FxHashMap<(Vec<u32>, Vec<LabelKey<'_>>), (i64, bool)> {
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
    let mut groups: FxHashMap<(Vec<u32>, Vec<LabelKey<'_>>), (i64, bool)> = FxHashMap::default();
    for sample in 0..profile.samples.len() {
        let stack = profile
            .samples
            .stack(sample)
            .iter()
            .map(|l| canonical[l.0 as usize])
            .collect();
        let labels = profile.samples.labels(sample);
        let mut label_keys: Vec<LabelKey<'_>> = labels
            .iter()
            .map(|l| match l.value {
                LabelValue::Str(v) => LabelKey::Str(s(l.key), s(v)),
                LabelValue::Num { value, unit } => LabelKey::Num(s(l.key), value, s(unit)),
            })
            .collect();
        label_keys.sort_unstable();
        let is_base = labels.iter().any(|l| is_base_label(profile, l));
        let entry = groups.entry((stack, label_keys)).or_insert((0, is_base));
        entry.0 += profile.value(sample, value_index);
    }
    groups
}
