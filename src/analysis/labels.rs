//! Label totals: how much of one value type each label value carries, as pprof's `-tags`.
//! Depends only on the profile model.

use rustc_hash::FxHashMap;

use crate::model::profile::{LabelSetId, LabelValue, Profile, Stacks};

/// Whether a label holds text or a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LabelKind {
    // Numbers sort first, as in pprof's and the references' `num` < `str`.
    Num,
    Str,
}

impl std::fmt::Display for LabelKind {
    /// `num` or `str`, as pprof's and the references' label listings write them.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LabelKind::Num => "num",
            LabelKind::Str => "str",
        })
    }
}

/// The total of one label value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct LabelTotal {
    pub kind: LabelKind,
    /// The key; a numeric key with a unit is written `key[unit]`.
    pub key: String,
    /// The value as text (numbers in decimal).
    pub value: String,
    pub total: i64,
}

/// Totals per (kind, key, value) over samples with a non-empty stack and a non-zero value,
/// sorted by kind, key and value.
pub fn label_totals(profile: &Profile, value_index: usize) -> Vec<LabelTotal> {
    // Sum per label set first (samples are many, sets few), noting the sets that some
    // counted sample has.
    let mut per_set: Vec<Option<i64>> = vec![None; profile.label_sets.len()];
    for (sample, &stack) in profile.samples.stack.iter().enumerate() {
        let value = profile.value(sample, value_index);
        if value != 0 && stack != Stacks::EMPTY {
            let set = &mut per_set[profile.samples.label_set[sample].0 as usize];
            *set = Some(set.unwrap_or(0) + value);
        }
    }
    let mut totals: FxHashMap<(LabelKind, String, String), i64> = FxHashMap::default();
    for (set, value) in per_set.iter().enumerate() {
        let Some(value) = *value else {
            continue;
        };
        for label in profile.label_sets.get(LabelSetId(set as u32)) {
            let key = profile.str(label.key);
            let entry = match label.value {
                LabelValue::Str(s) => (LabelKind::Str, key.to_string(), profile.str(s).to_string()),
                LabelValue::Num { value, unit } => {
                    let key = match profile.str(unit) {
                        "" => key.to_string(),
                        unit => format!("{key}[{unit}]"),
                    };
                    (LabelKind::Num, key, value.to_string())
                }
            };
            *totals.entry(entry).or_insert(0) += value;
        }
    }
    let mut rows: Vec<LabelTotal> = totals
        .into_iter()
        .map(|((kind, key, value), total)| LabelTotal {
            kind,
            key,
            value,
            total,
        })
        .collect();
    rows.sort();
    rows
}
