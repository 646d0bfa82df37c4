//! The decoded profile: value types, samples, locations, functions, mappings and labels, with
//! every id resolved to a `u32` index. Knows nothing of protobuf, gzip or the call tree.
//!
//! Samples are stored column-wise in flat arrays (no allocation per sample): sample `i` owns
//! `stack[stack_starts[i]..stack_starts[i + 1]]` (leaf first, as in profile.proto) and
//! `values[i * value_types.len()..][..value_types.len()]`.

use std::fmt;
use std::ops::Range;

/// An index into [`Profile::strings`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct StrId(pub u32);

/// An index into [`Profile::mappings`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MappingId(pub u32);

/// An index into [`Profile::functions`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FunctionId(pub u32);

/// An index into [`Profile::locations`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LocationId(pub u32);

/// All strings of a profile in one buffer; `StrId(0)` is always `""`.
#[derive(Debug, Clone, Default)]
pub struct StringTable {
    text: String,
    ends: Vec<u32>,
}

impl StringTable {
    /// Appends a string and returns its id.
    pub fn push(&mut self, s: &str) -> StrId {
        let id = StrId(self.ends.len() as u32);
        self.text.push_str(s);
        self.ends.push(self.text.len() as u32);
        id
    }

    /// Number of strings.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when there is no string at all (not even the mandatory `""`).
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Total bytes of text held.
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    /// The string for `id`; ids come from this table, so they are in range by construction.
    pub fn get(&self, id: StrId) -> &str {
        let i = id.0 as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }
}

/// One value column: `cpu/nanoseconds`, `alloc_space/bytes`, `samples/count`...
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueType {
    /// The type name (`cpu`); may be empty.
    pub name: String,
    /// The unit (`nanoseconds`); may be empty.
    pub unit: String,
}

impl fmt::Display for ValueType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.name, self.unit)
    }
}

/// A binary or library the profiled program had mapped.
#[derive(Debug, Clone)]
pub struct Mapping {
    pub id: u64,
    pub memory_start: u64,
    pub memory_limit: u64,
    pub file_offset: u64,
    pub file: StrId,
    pub build_id: StrId,
    pub has_functions: bool,
}

/// A function identity as written in the file.
#[derive(Debug, Clone)]
pub struct Function {
    pub id: u64,
    pub name: StrId,
    pub system_name: StrId,
    pub file: StrId,
    pub start_line: i64,
}

/// One source line of a location. `function` is `None` when the file gives function id 0.
#[derive(Debug, Clone, Copy)]
pub struct Line {
    pub function: Option<FunctionId>,
    pub line: i64,
}

/// A program counter and the source lines it stands for: `lines[0]` is the innermost inlined
/// callee and the last line the function that holds the address.
#[derive(Debug, Clone)]
pub struct Location {
    pub id: u64,
    pub mapping: Option<MappingId>,
    pub address: u64,
    pub is_folded: bool,
    /// Range into [`Profile::lines`].
    pub lines: Range<u32>,
}

/// What a label carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LabelValue {
    Str(StrId),
    Num { value: i64, unit: StrId },
}

/// A sample label (`key = value`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Label {
    pub key: StrId,
    pub value: LabelValue,
}

/// The samples, column-wise.
#[derive(Debug, Clone, Default)]
pub struct Samples {
    /// `len() + 1` offsets into `stack`.
    pub stack_starts: Vec<u32>,
    /// Location ids of every sample, leaf first.
    pub stack: Vec<LocationId>,
    /// `len() * value_types.len()` values, row-major.
    pub values: Vec<i64>,
    /// `len() + 1` offsets into `labels`.
    pub label_starts: Vec<u32>,
    pub labels: Vec<Label>,
}

impl Samples {
    /// Number of samples.
    pub fn len(&self) -> usize {
        self.stack_starts.len().saturating_sub(1)
    }

    /// True when there are no samples.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Sample `i`'s stack, leaf first.
    pub fn stack(&self, i: usize) -> &[LocationId] {
        &self.stack[self.stack_starts[i] as usize..self.stack_starts[i + 1] as usize]
    }

    /// Sample `i`'s labels.
    pub fn labels(&self, i: usize) -> &[Label] {
        &self.labels[self.label_starts[i] as usize..self.label_starts[i + 1] as usize]
    }
}

/// A decoded, validated profile.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    pub value_types: Vec<ValueType>,
    /// `default_sample_type` when it names a value type, else the last one (as pprof).
    pub default_value_index: usize,
    pub period_type: Option<ValueType>,
    pub period: i64,
    pub time_nanos: i64,
    pub duration_nanos: i64,
    pub comments: Vec<String>,
    pub drop_frames: String,
    pub keep_frames: String,
    pub strings: StringTable,
    pub mappings: Vec<Mapping>,
    pub functions: Vec<Function>,
    pub locations: Vec<Location>,
    pub lines: Vec<Line>,
    pub samples: Samples,
}

/// A `--value-type` that names no value type of the profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValueType {
    pub asked: String,
    pub available: Vec<String>,
}

impl fmt::Display for UnknownValueType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no value type {:?} in this profile; it has: {}",
            self.asked,
            self.available.join(", ")
        )
    }
}

impl std::error::Error for UnknownValueType {}

impl Profile {
    /// The string for `id`.
    pub fn str(&self, id: StrId) -> &str {
        self.strings.get(id)
    }

    /// The lines of `location`, innermost inlined callee first.
    pub fn location_lines(&self, location: &Location) -> &[Line] {
        &self.lines[location.lines.start as usize..location.lines.end as usize]
    }

    /// Value `value_index` of sample `sample`.
    pub fn value(&self, sample: usize, value_index: usize) -> i64 {
        self.samples.values[sample * self.value_types.len() + value_index]
    }

    /// Finds a value type as `go tool pprof -sample_index` does: a position (`1`), a type
    /// name (`cpu`), or a name with pprof's `inuse_` prefix dropped. Empty means the default.
    pub fn value_index(&self, spec: &str) -> Result<usize, UnknownValueType> {
        let unknown = || UnknownValueType {
            asked: spec.to_string(),
            available: self
                .value_types
                .iter()
                .enumerate()
                .map(|(i, t)| format!("{i}: {t}"))
                .collect(),
        };
        if spec.is_empty() {
            return if self.value_types.is_empty() {
                Err(unknown())
            } else {
                Ok(self.default_value_index)
            };
        }
        if let Ok(i) = spec.parse::<usize>() {
            return if i < self.value_types.len() {
                Ok(i)
            } else {
                Err(unknown())
            };
        }
        let without_inuse = spec.strip_prefix("inuse_").unwrap_or(spec);
        self.value_types
            .iter()
            .position(|t| t.name == spec || t.name == without_inuse)
            .ok_or_else(unknown)
    }

    /// Distinct label keys, in first-seen order, with `[unit]` appended to numeric ones.
    pub fn label_keys(&self) -> Vec<String> {
        let mut seen = rustc_hash::FxHashSet::default();
        let mut keys = Vec::new();
        for label in &self.samples.labels {
            let unit = match label.value {
                LabelValue::Str(_) => None,
                LabelValue::Num { unit, .. } => Some(unit),
            };
            if seen.insert((label.key, unit)) {
                keys.push(match unit {
                    Some(unit) if !self.str(unit).is_empty() => {
                        format!("{}[{}]", self.str(label.key), self.str(unit))
                    }
                    _ => self.str(label.key).to_string(),
                });
            }
        }
        keys
    }
}
