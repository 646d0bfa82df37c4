//! Several profiles as one: their tables side by side and every sample kept, optionally
//! negated and labelled, as pprof's `-diff_base` merges a base into a profile (its samples
//! negated, marked `pprof::base`), and as `go tool pprof A B` merges several profiles. Frames
//! are told apart by content, so equal functions of two parts become one frame when frames
//! are built. Depends only on the profile model.

use crate::model::profile::{
    FunctionId, Label, LabelSetId, LabelSetsBuilder, LabelValue, LocationId, MappingId, Profile,
    StackId, Stacks, StrId,
};

/// One profile of a [`concat`], and what its samples become.
#[derive(Debug, Clone, Copy)]
pub struct Part<'a> {
    pub profile: &'a Profile,
    /// Each value negated (a base subtracted).
    pub negate: bool,
    /// A string label (key, value) added to each of its samples.
    pub label: Option<(&'a str, &'a str)>,
}

impl<'a> Part<'a> {
    /// `profile` as it is.
    pub fn plain(profile: &'a Profile) -> Part<'a> {
        Part {
            profile,
            negate: false,
            label: None,
        }
    }

    /// `profile` as pprof's `-diff_base` takes a base: negated, each sample marked
    /// `pprof::base=true`.
    pub fn base(profile: &'a Profile) -> Part<'a> {
        Part {
            profile,
            negate: true,
            label: Some(("pprof::base", "true")),
        }
    }
}

/// The parts as one profile: the first part's header (value types, period, time), every
/// part's tables and samples. The parts must have as many value types as the first.
pub fn concat(parts: &[Part<'_>]) -> Profile {
    let Some(first) = parts.first() else {
        return Profile::default();
    };
    let mut out = first.profile.clone_tables();
    out.strings = Default::default();
    out.strings.push("");
    out.mappings.clear();
    out.functions.clear();
    let mut parent = vec![Stacks::EMPTY];
    let mut location = vec![LocationId(u32::MAX)];
    let mut sets = LabelSetsBuilder::default();
    let width = first.profile.value_types.len();
    for part in parts {
        let p = part.profile;
        debug_assert_eq!(p.value_types.len(), width);
        // Every id of the part, moved past what earlier parts added.
        let strings: Vec<StrId> = (0..p.strings.len() as u32)
            .map(|i| out.strings.push(p.str(StrId(i))))
            .collect();
        let s = |id: StrId| strings[id.0 as usize];
        let mapping_base = out.mappings.len() as u32;
        out.mappings.extend(p.mappings.iter().map(|m| {
            let mut m = m.clone();
            m.file = s(m.file);
            m.build_id = s(m.build_id);
            m
        }));
        let function_base = out.functions.len() as u32;
        out.functions.extend(p.functions.iter().map(|f| {
            let mut f = f.clone();
            f.name = s(f.name);
            f.system_name = s(f.system_name);
            f.file = s(f.file);
            f
        }));
        let line_base = out.lines.len() as u32;
        out.lines.extend(p.lines.iter().map(|l| {
            let mut l = *l;
            l.function = l.function.map(|f| FunctionId(f.0 + function_base));
            l
        }));
        let location_base = out.locations.len() as u32;
        out.locations.extend(p.locations.iter().map(|l| {
            let mut l = l.clone();
            l.mapping = l.mapping.map(|m| MappingId(m.0 + mapping_base));
            l.lines = l.lines.start + line_base..l.lines.end + line_base;
            l
        }));
        // The part's stacks after the ones before; its empty stack is the shared one.
        let stack_base = parent.len() as u32 - 1;
        let moved = |stack: StackId| match stack {
            Stacks::EMPTY => Stacks::EMPTY,
            StackId(i) => StackId(i + stack_base),
        };
        for i in 1..p.stacks.len() as u32 {
            parent.push(moved(p.stacks.parent(StackId(i))));
            location.push(LocationId(p.stacks.location(StackId(i)).0 + location_base));
        }
        let extra = part.label.map(|(key, value)| Label {
            key: out.strings.push(key),
            value: LabelValue::Str(out.strings.push(value)),
        });
        let label_sets: Vec<LabelSetId> = (0..p.label_sets.len() as u32)
            .map(|i| {
                let mut labels: Vec<Label> = p
                    .label_sets
                    .get(LabelSetId(i))
                    .iter()
                    .map(|l| Label {
                        key: s(l.key),
                        value: match l.value {
                            LabelValue::Str(v) => LabelValue::Str(s(v)),
                            LabelValue::Num { value, unit } => LabelValue::Num {
                                value,
                                unit: s(unit),
                            },
                        },
                    })
                    .collect();
                labels.extend(extra);
                sets.intern(&labels)
            })
            .collect();
        out.samples
            .stack
            .extend(p.samples.stack.iter().map(|&s| moved(s)));
        out.samples.label_set.extend(
            p.samples
                .label_set
                .iter()
                .map(|set| label_sets[set.0 as usize]),
        );
        let sign = if part.negate { -1 } else { 1 };
        out.samples
            .values
            .extend(p.samples.values.iter().map(|v| v.wrapping_mul(sign)));
    }
    out.stacks = Stacks::from_parts(parent, location);
    out.label_sets = sets.finish();
    out
}

/// Several profiles of the same kind merged as pprof's `profile.Merge` merges them (what
/// `go tool pprof A B C` shows): every sample kept, the earliest start time, the durations
/// added, the largest period, each comment once, drop and keep frames and the default value
/// type of the first. The caller checks first that the value types and period types agree.
pub fn merge(profiles: &[&Profile]) -> Profile {
    let parts: Vec<Part<'_>> = profiles.iter().map(|p| Part::plain(p)).collect();
    let mut merged = concat(&parts);
    merged.time_nanos =
        profiles
            .iter()
            .map(|p| p.time_nanos)
            .fold(0, |t, s| if t == 0 || s < t { s } else { t });
    merged.duration_nanos = profiles
        .iter()
        .fold(0i64, |d, p| d.wrapping_add(p.duration_nanos));
    merged.period = profiles.iter().map(|p| p.period).fold(0, i64::max);
    let mut comments: Vec<String> = Vec::new();
    for comment in profiles.iter().flat_map(|p| &p.comments) {
        if !comments.contains(comment) {
            comments.push(comment.clone());
        }
    }
    merged.comments = comments;
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::call_tree::CallTree;
    use crate::input::folded;

    #[test]
    fn parts_keep_their_stacks_and_a_base_is_negated_and_marked() {
        let a = folded::parse("main;a;b 3\nmain;c 5\n").unwrap();
        let b = folded::parse("main;a;b 1\nmain;d 2\n").unwrap();
        let both = concat(&[Part::plain(&a), Part::base(&b)]);
        assert_eq!(both.samples.len(), 4);
        let tree = CallTree::build(&both, 0);
        let mut stacks = tree.folded_stacks();
        stacks.sort();
        assert_eq!(stacks, ["main;a;b 2", "main;c 5", "main;d -2"]);
        let marked: Vec<bool> = (0..both.samples.len())
            .map(|i| {
                both.label_sets
                    .get(both.samples.label_set[i])
                    .iter()
                    .any(|l| both.str(l.key) == "pprof::base")
            })
            .collect();
        assert_eq!(marked, [false, false, true, true]);
        // pprof's total of a diff is the base's.
        assert_eq!(crate::analysis::total::pprof_total(&both, 0), 3);
    }

    #[test]
    fn merged_profiles_add_their_samples_and_combine_their_headers() {
        let mut a = folded::parse("main;a;b 3\nmain;c 5\n").unwrap();
        let mut b = folded::parse("main;a;b 1\nmain;d 2\n").unwrap();
        (a.time_nanos, a.duration_nanos, a.period) = (200, 10, 1);
        (b.time_nanos, b.duration_nanos, b.period) = (100, 20, 3);
        a.comments = vec!["x".into(), "y".into()];
        b.comments = vec!["y".into(), "z".into()];
        let merged = merge(&[&a, &b]);
        let mut stacks = CallTree::build(&merged, 0).folded_stacks();
        stacks.sort();
        assert_eq!(stacks, ["main;a;b 4", "main;c 5", "main;d 2"]);
        assert_eq!(
            (merged.time_nanos, merged.duration_nanos, merged.period),
            (100, 30, 3)
        );
        assert_eq!(merged.comments, ["x", "y", "z"]);
        // pprof's fold: a profile without a start time gives way to the next, but is itself
        // less than any time before it.
        b.time_nanos = 0;
        assert_eq!(merge(&[&b, &a]).time_nanos, 200);
        assert_eq!(merge(&[&a, &b]).time_nanos, 0);
    }
}
