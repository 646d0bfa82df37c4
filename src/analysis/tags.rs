//! pprof's label options: `tagfocus` / `tagignore` (keep or drop samples by their labels: a
//! regular expression on string labels, or a numeric range such as `32kb:64kb` on numeric
//! ones) and `tagroot` (a pseudo-frame per label value at the root of each stack). Numbers and
//! units follow pprof's `measurement` package. Depends only on the profile model.

use regex::Regex;
use rustc_hash::FxHashMap;

use crate::analysis::labels::{LabelKind, LabelTotal};
use crate::model::profile::{
    Function, LabelSetId, LabelValue, Line, Location, LocationId, Profile, Samples, StackId,
    Stacks, StacksBuilder,
};

/// A unit of a kind of quantity, as pprof's `measurement` names it.
struct Unit {
    name: &'static str,
    aliases: &'static [&'static str],
    factor: f64,
}

/// A kind of quantity: its units and the one used when no other is asked for.
struct UnitType {
    units: &'static [Unit],
    default: Unit,
}

const fn unit(name: &'static str, aliases: &'static [&'static str], factor: f64) -> Unit {
    Unit {
        name,
        aliases,
        factor,
    }
}

const UNIT_TYPES: [UnitType; 3] = [
    UnitType {
        units: &[
            unit("B", &["b", "byte"], 1.0),
            unit("kB", &["kb", "kbyte", "kilobyte"], 1024.0),
            unit("MB", &["mb", "mbyte", "megabyte"], 1048576.0),
            unit("GB", &["gb", "gbyte", "gigabyte"], 1073741824.0),
            unit("TB", &["tb", "tbyte", "terabyte"], 1099511627776.0),
            unit("PB", &["pb", "pbyte", "petabyte"], 1125899906842624.0),
        ],
        default: unit("B", &["b", "byte"], 1.0),
    },
    UnitType {
        units: &[
            unit("ns", &["ns", "nanosecond"], 1.0),
            unit("us", &["μs", "us", "microsecond"], 1e3),
            unit("ms", &["ms", "millisecond"], 1e6),
            unit("s", &["s", "sec", "second"], 1e9),
            unit("hrs", &["hour", "hr"], 3.6e12),
        ],
        default: unit("s", &[], 1e9),
    },
    UnitType {
        units: &[
            unit("n*GCU", &["nanogcu"], 1e-9),
            unit("u*GCU", &["microgcu"], 1e-6),
            unit("m*GCU", &["milligcu"], 1e-3),
            unit("GCU", &["gcu"], 1.0),
            unit("k*GCU", &["kilogcu"], 1e3),
            unit("M*GCU", &["megagcu"], 1e6),
            unit("G*GCU", &["gigagcu"], 1e9),
            unit("T*GCU", &["teragcu"], 1e12),
            unit("P*GCU", &["petagcu"], 1e15),
        ],
        default: unit("GCU", &[], 1.0),
    },
];

impl UnitType {
    /// pprof's `sniffUnit`: lower case, a plural `s` dropped, looked up among the aliases.
    fn sniff(&self, name: &str) -> Option<&Unit> {
        let lower = name.to_lowercase();
        let name = if lower.chars().count() > 2 {
            lower.strip_suffix('s').unwrap_or(&lower)
        } else {
            &lower
        };
        self.units.iter().find(|u| u.aliases.contains(&name))
    }

    /// pprof's `autoScale`: the largest unit the value is at least one of.
    fn auto_scale(&self, value: f64) -> Option<(f64, &'static str)> {
        let mut best: Option<&Unit> = None;
        for u in self.units {
            if best.is_none_or(|b| u.factor >= b.factor) && value / u.factor >= 1.0 {
                best = Some(u);
            }
        }
        best.map(|u| (value / u.factor, u.name))
    }
}

/// pprof's `measurement.Scale`: `value` in `from` converted to `to` ("minimum" or "auto": the
/// largest unit it is at least one of), with the unit's name.
pub(crate) fn scale(value: i64, from: &str, to: &str) -> (f64, String) {
    if value < 0 && value != i64::MIN {
        let (v, u) = scale(-value, from, to);
        return (-v, u);
    }
    for kind in &UNIT_TYPES {
        let Some(from) = kind.sniff(from) else {
            continue;
        };
        let v = value as f64 * from.factor;
        if to == "minimum" || to == "auto" {
            if let Some((v, name)) = kind.auto_scale(v) {
                return (v, name.to_string());
            }
            return (v / kind.default.factor, kind.default.name.to_string());
        }
        return match kind.sniff(to) {
            Some(to) => (v / to.factor, to.name.to_string()),
            None => (v / kind.default.factor, kind.default.name.to_string()),
        };
    }
    match to {
        "count" | "sample" | "unit" | "minimum" | "auto" => (value as f64, String::new()),
        _ => (value as f64, to.to_string()),
    }
}

/// pprof's `measurement.ScaledLabel`: a number with its unit, two decimals unless whole.
pub(crate) fn scaled_label(value: i64, from: &str, to: &str) -> String {
    let (v, unit) = scale(value, from, to);
    let text = format!("{v:.2}");
    let text = text.strip_suffix(".00").unwrap_or(&text);
    if text == "0" || text == "-0" {
        return "0".to_string();
    }
    format!("{text}{unit}")
}

/// A numeric range of a tag filter, in `unit`: `low..=high`, either end open.
#[derive(Debug, Clone)]
struct Range {
    low: Option<f64>,
    high: Option<f64>,
    unit: String,
}

impl Range {
    /// pprof's `parseTagFilterRange`: `N[unit]`, `N[unit]:`, `:N[unit]` or
    /// `N[unit]:M[unit]`; `None` when the text is not one (it is then regular expressions).
    fn parse(text: &str) -> Option<Range> {
        let number = Regex::new(r"([+-]?[[:digit:]]+)([[:alpha:]]+)?").expect("valid");
        let found: Vec<regex::Captures<'_>> = number.captures_iter(text).take(2).collect();
        let first = found.first()?;
        let value = |c: &regex::Captures<'_>| -> Option<(i64, String)> {
            let v = c[1].parse::<i64>().ok()?;
            Some((v, c.get(2).map_or("", |m| m.as_str()).to_string()))
        };
        let (v, u) = value(first)?;
        let (low, unit) = scale(v, &u, &u);
        let whole = &first[0];
        if found.len() == 1 {
            let (low, high) = if text == whole {
                (Some(low), Some(low))
            } else if text == format!("{whole}:") {
                (Some(low), None)
            } else if text == format!(":{whole}") {
                (None, Some(low))
            } else {
                return None;
            };
            return Some(Range { low, high, unit });
        }
        let second = &found[1];
        if text != format!("{whole}:{}", &second[0]) {
            return None;
        }
        let (v2, u2) = value(second)?;
        let (high, unit2) = scale(v2, &u2, &unit);
        (unit2 == unit).then_some(Range {
            low: Some(low),
            high: Some(high),
            unit,
        })
    }

    /// Whether `value`, in `unit`, is in the range.
    fn contains(&self, value: i64, unit: &str) -> bool {
        let (v, u) = scale(value, unit, &self.unit);
        u == self.unit && self.low.is_none_or(|l| v >= l) && self.high.is_none_or(|h| v <= h)
    }
}

/// What a tag filter matches.
#[derive(Debug, Clone)]
enum Matcher {
    /// Regular expressions, comma-separated in the option.
    Regexes(Vec<Regex>),
    Range(Range),
}

/// One of pprof's `tagfocus` / `tagignore` options: `[key=]regexp[,regexp...]` or
/// `[key=]range`.
#[derive(Debug, Clone)]
pub struct TagFilter {
    key: Option<String>,
    matcher: Matcher,
}

impl TagFilter {
    /// Parses an option's value as pprof does; an invalid regular expression is an error
    /// message.
    pub fn parse(text: &str) -> Result<TagFilter, String> {
        let (key, value) = match text.split_once('=') {
            Some((key, value)) => (Some(key.to_string()), value),
            None => (None, text),
        };
        let matcher = match Range::parse(value) {
            Some(range) => Matcher::Range(range),
            None => Matcher::Regexes(
                value
                    .split(',')
                    .map(|r| Regex::new(r).map_err(|e| e.to_string()))
                    .collect::<Result<_, _>>()?,
            ),
        };
        Ok(TagFilter { key, matcher })
    }

    /// Whether label set `set` of `profile` matches; `units` gives each numeric key's unit.
    fn matches(&self, profile: &Profile, set: LabelSetId, units: &NumUnits) -> bool {
        let labels = profile.label_sets.get(set);
        match (&self.matcher, &self.key) {
            (Matcher::Range(range), key) => labels.iter().any(|l| match l.value {
                LabelValue::Num { value, .. } => {
                    let k = profile.str(l.key);
                    key.as_deref().is_none_or(|key| key == k) && range.contains(value, units.of(k))
                }
                LabelValue::Str(_) => false,
            }),
            // Every expression matches some `key:value` of the sample.
            (Matcher::Regexes(regexes), None) => regexes.iter().all(|re| {
                labels.iter().any(|l| match l.value {
                    LabelValue::Str(v) => {
                        re.is_match(&format!("{}:{}", profile.str(l.key), profile.str(v)))
                    }
                    LabelValue::Num { .. } => false,
                })
            }),
            // Some expression matches some value of the key.
            (Matcher::Regexes(regexes), Some(key)) => labels.iter().any(|l| match l.value {
                LabelValue::Str(v) if profile.str(l.key) == key => {
                    regexes.iter().any(|re| re.is_match(profile.str(v)))
                }
                _ => false,
            }),
        }
    }
}

/// pprof's `NumLabelUnits`: each numeric label key's unit, the first one given for it, else
/// `bytes` for `alignment` and `request`, else the key itself.
pub(crate) struct NumUnits {
    units: FxHashMap<String, String>,
}

impl NumUnits {
    pub(crate) fn of_profile(profile: &Profile) -> NumUnits {
        let mut units: FxHashMap<String, String> = FxHashMap::default();
        // Label sets are numbered in the order samples first use them.
        for label in profile.label_sets.all() {
            if let LabelValue::Num { unit, .. } = label.value {
                let key = profile.str(label.key);
                let entry = units.entry(key.to_string()).or_default();
                if entry.is_empty() {
                    *entry = profile.str(unit).to_string();
                }
            }
        }
        for (key, unit) in units.iter_mut() {
            if unit.is_empty() {
                *unit = NumUnits::inferred(key);
            }
        }
        NumUnits { units }
    }

    /// The unit pprof gives a numeric key whose labels give none.
    fn inferred(key: &str) -> String {
        match key {
            "alignment" | "request" => "bytes".to_string(),
            key => key.to_string(),
        }
    }

    pub(crate) fn of<'a>(&'a self, key: &'a str) -> &'a str {
        self.units.get(key).map_or(key, String::as_str)
    }
}

/// The `tagfocus` / `tagignore` expression that matches exactly the label value `label`
/// (as [`crate::analysis::labels::label_totals`] lists it, a numeric key with a unit written
/// `key[unit]`): `key=^value$` for text, `key=N` plus the key's unit when pprof knows it.
pub fn label_filter(label: &LabelTotal) -> String {
    match label.kind {
        LabelKind::Str => format!("{}=^{}$", label.key, regex::escape(&label.value)),
        LabelKind::Num => {
            let (key, unit) = match label.key.strip_suffix(']').and_then(|k| k.split_once('[')) {
                Some((key, unit)) => (key, unit.to_string()),
                None => (label.key.as_str(), NumUnits::inferred(&label.key)),
            };
            let known = UNIT_TYPES.iter().any(|t| t.sniff(&unit).is_some())
                && unit.chars().all(char::is_alphabetic);
            format!(
                "{key}={}{}",
                label.value,
                if known { unit.as_str() } else { "" }
            )
        }
    }
}

/// `profile` without the samples `focus` does not match or `ignore` matches (pprof's
/// `FilterSamplesByTag`).
pub fn filter_samples(
    profile: &Profile,
    focus: Option<&TagFilter>,
    ignore: Option<&TagFilter>,
) -> Profile {
    let units = NumUnits::of_profile(profile);
    let kept: Vec<bool> = (0..profile.label_sets.len() as u32)
        .map(|set| {
            let set = LabelSetId(set);
            focus.is_none_or(|f| f.matches(profile, set, &units))
                && !ignore.is_some_and(|i| i.matches(profile, set, &units))
        })
        .collect();
    let value_count = profile.value_types.len();
    let mut samples = Samples::default();
    for (i, &set) in profile.samples.label_set.iter().enumerate() {
        if kept[set.0 as usize] {
            samples.stack.push(profile.samples.stack[i]);
            samples.label_set.push(set);
            samples
                .values
                .extend_from_slice(&profile.samples.values[i * value_count..][..value_count]);
        }
    }
    Profile {
        samples,
        lines: profile.lines.clone(),
        locations: profile.locations.clone(),
        stacks: profile.stacks.clone(),
        ..profile.clone_tables()
    }
}

/// pprof's `tagroot`: above each sample's stack, one pseudo-frame per key of `keys` (the
/// first nearest the root) named by the sample's values for it (joined by commas, numbers
/// scaled with their unit; empty when it has none), with the key as its file.
pub fn tag_root(profile: &Profile, keys: &[&str]) -> Profile {
    let mut derived = Profile {
        lines: profile.lines.clone(),
        locations: profile.locations.clone(),
        ..profile.clone_tables()
    };
    // The pseudo-frames' locations, by (name, key).
    let mut pseudo: FxHashMap<(String, String), LocationId> = FxHashMap::default();
    let mut prefix_of_set: Vec<Vec<LocationId>> = Vec::with_capacity(profile.label_sets.len());
    for set in 0..profile.label_sets.len() as u32 {
        let labels = profile.label_sets.get(LabelSetId(set));
        let mut prefix = Vec::with_capacity(keys.len());
        for &key in keys {
            let mut values: Vec<String> = labels
                .iter()
                .filter(|l| profile.str(l.key) == key)
                .filter_map(|l| match l.value {
                    LabelValue::Str(v) => Some(profile.str(v).to_string()),
                    LabelValue::Num { .. } => None,
                })
                .collect();
            values.extend(
                labels
                    .iter()
                    .filter(|l| profile.str(l.key) == key)
                    .filter_map(|l| match l.value {
                        LabelValue::Num { value, unit } => {
                            Some(scaled_label(value, profile.str(unit), "minimum"))
                        }
                        LabelValue::Str(_) => None,
                    }),
            );
            let name = values.join(",");
            let location = *pseudo
                .entry((name.clone(), key.to_string()))
                .or_insert_with(|| {
                    let function =
                        crate::model::profile::FunctionId(derived.functions.len() as u32);
                    derived.functions.push(Function {
                        id: 0,
                        name: derived.strings.push(&name),
                        system_name: crate::model::profile::StrId(0),
                        file: derived.strings.push(key),
                        start_line: 0,
                    });
                    let line = derived.lines.len() as u32;
                    derived.lines.push(Line {
                        function: Some(function),
                        line: 0,
                    });
                    let id = LocationId(derived.locations.len() as u32);
                    derived.locations.push(Location {
                        id: 0,
                        mapping: None,
                        address: 0,
                        is_folded: false,
                        lines: line..line + 1,
                    });
                    id
                });
            prefix.push(location);
        }
        prefix_of_set.push(prefix);
    }
    // Each (label set, stack) re-rooted under the set's pseudo-frames.
    let mut builder = StacksBuilder::default();
    let mut rerooted: FxHashMap<(LabelSetId, StackId), StackId> = FxHashMap::default();
    let stacks = &profile.stacks;
    let mut samples = Samples {
        stack: Vec::with_capacity(profile.samples.len()),
        label_set: profile.samples.label_set.clone(),
        values: profile.samples.values.clone(),
    };
    for (i, &stack) in profile.samples.stack.iter().enumerate() {
        let set = profile.samples.label_set[i];
        // The stack's ancestors not re-rooted yet, leaf first.
        let mut missing = Vec::new();
        let mut s = stack;
        let mut base = loop {
            if let Some(&done) = rerooted.get(&(set, s)) {
                break done;
            }
            if s == Stacks::EMPTY {
                let root = builder
                    .stack(prefix_of_set[set.0 as usize].iter().copied())
                    .expect("fewer stacks than the profile's");
                rerooted.insert((set, s), root);
                break root;
            }
            missing.push(s);
            s = stacks.parent(s);
        };
        for &s in missing.iter().rev() {
            base = builder
                .child(base, stacks.location(s))
                .expect("fewer stacks than the profile's");
            rerooted.insert((set, s), base);
        }
        samples.stack.push(base);
    }
    Profile {
        stacks: builder.finish(),
        samples,
        ..derived
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaling_follows_pprof_measurement() {
        assert_eq!(scaled_label(1536, "bytes", "minimum"), "1.50kB");
        assert_eq!(scaled_label(2048, "b", "minimum"), "2kB");
        assert_eq!(scaled_label(12, "", ""), "12");
        assert_eq!(scaled_label(0, "bytes", "minimum"), "0");
        assert_eq!(scaled_label(1_500_000, "ns", "minimum"), "1.50ms");
        assert_eq!(scale(3, "kb", "kb"), (3.0, "kB".to_string()));
        assert_eq!(
            scale(5, "requests", "requests"),
            (5.0, "requests".to_string())
        );
    }

    #[test]
    fn a_label_filter_matches_its_label() {
        let str_label = LabelTotal {
            kind: LabelKind::Str,
            key: "handler".into(),
            value: "/api/v1 (x)".into(),
            total: 1,
        };
        assert_eq!(label_filter(&str_label), r"handler=^/api/v1 \(x\)$");
        let num = |key: &str| LabelTotal {
            kind: LabelKind::Num,
            key: key.into(),
            value: "416".into(),
            total: 1,
        };
        assert_eq!(label_filter(&num("bytes")), "bytes=416bytes");
        assert_eq!(label_filter(&num("wait[ms]")), "wait=416ms");
        assert_eq!(label_filter(&num("thread_id")), "thread_id=416");
        let r = Range::parse("416bytes").unwrap();
        assert!(r.contains(416, "bytes") && !r.contains(417, "bytes"));
        assert!(Range::parse("416").unwrap().contains(416, "thread_id"));
    }

    #[test]
    fn ranges_parse_as_pprof_parses_them() {
        let r = Range::parse("32kb:64kb").unwrap();
        assert!(r.contains(40 * 1024, "bytes"));
        assert!(!r.contains(65 * 1024, "bytes"));
        assert!(!r.contains(40 * 1024, "ms"));
        assert!(Range::parse("1mb:").unwrap().contains(2 << 20, "bytes"));
        assert!(Range::parse(":10").unwrap().contains(10, "thread_id"));
        assert!(Range::parse("worker-1").is_none());
        assert!(Range::parse("1kb:2ms").is_none());
    }
}
