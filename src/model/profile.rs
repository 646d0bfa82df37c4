//! The decoded profile: value types, samples, locations, functions, mappings and labels, with
//! every id resolved to a `u32` index. Knows nothing of protobuf, gzip or the call tree.
//!
//! Samples are stored column-wise in flat arrays (no allocation per sample): sample `i` has
//! the stack `stack[i]`, the label set `label_set[i]` and the values
//! `values[i * value_types.len()..][..value_types.len()]`. Stacks are nodes of a trie of
//! locations ([`Stacks`]), so a shared caller chain is stored once however many samples pass
//! through it; label sets are interned ([`LabelSets`]).

use std::fmt;
use std::ops::Range;

use rustc_hash::FxHashMap;

use crate::model::trie::Trie;

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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

/// An index into [`Stacks`]: a stack of locations; [`Stacks::EMPTY`] is the empty stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct StackId(pub u32);

/// Every stack of a profile as a trie rooted at the empty stack: a stack is its caller's stack
/// plus one location, so stack `s` is `location(s)` called from `parent(s)`. A stack's id is
/// always greater than its parent's, so visiting ids in order visits callers first.
#[derive(Debug, Clone)]
pub struct Stacks {
    parent: Vec<StackId>,
    location: Vec<LocationId>,
}

impl Default for Stacks {
    fn default() -> Self {
        Stacks {
            parent: vec![Stacks::EMPTY],
            location: vec![LocationId(u32::MAX)],
        }
    }
}

impl Stacks {
    /// The empty stack (its own parent; it has no location).
    pub const EMPTY: StackId = StackId(0);

    /// Number of stacks, the empty one included.
    pub fn len(&self) -> usize {
        self.parent.len()
    }

    /// Never true: the empty stack is always there.
    pub fn is_empty(&self) -> bool {
        self.parent.is_empty()
    }

    /// The stack `stack` is called from.
    pub fn parent(&self, stack: StackId) -> StackId {
        self.parent[stack.0 as usize]
    }

    /// The innermost location of `stack`, which must not be [`Stacks::EMPTY`].
    pub fn location(&self, stack: StackId) -> LocationId {
        self.location[stack.0 as usize]
    }

    /// The trie of `parent` and `location` per stack, where `parent[0]` and `location[0]`
    /// are the empty stack's and every other stack's parent comes before it.
    pub(crate) fn from_parts(parent: Vec<StackId>, location: Vec<LocationId>) -> Self {
        debug_assert!(parent
            .iter()
            .enumerate()
            .all(|(i, p)| i == 0 || (p.0 as usize) < i));
        Stacks { parent, location }
    }
}

/// Builds a [`Stacks`] trie one stack at a time.
#[derive(Debug, Default)]
pub struct StacksBuilder {
    trie: Trie,
}

impl StacksBuilder {
    /// The stack `location` called from `parent`, added if new.
    pub fn child(
        &mut self,
        parent: StackId,
        location: LocationId,
    ) -> Result<StackId, TooManyStacks> {
        self.trie
            .child(parent.0, location.0)
            .map(StackId)
            .ok_or(TooManyStacks)
    }

    /// The stack of `locations`, given root first.
    pub fn stack(
        &mut self,
        locations: impl IntoIterator<Item = LocationId>,
    ) -> Result<StackId, TooManyStacks> {
        locations
            .into_iter()
            .try_fold(Stacks::EMPTY, |parent, location| {
                self.child(parent, location)
            })
    }

    pub fn finish(self) -> Stacks {
        let (parent, location) = self.trie.into_parts();
        Stacks {
            parent: parent.into_iter().map(StackId).collect(),
            location: location.into_iter().map(LocationId).collect(),
        }
    }
}

/// More than `u32::MAX` distinct stacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooManyStacks;

/// Makes room in `vec` for `additional` more items, growing by a quarter when full instead of
/// doubling: the model's largest arrays grow while a file is read, and a doubled array may
/// be half empty at the peak.
pub(crate) fn reserve_gently<T>(vec: &mut Vec<T>, additional: usize) {
    if vec.capacity() - vec.len() < additional {
        vec.reserve_exact(additional.max(vec.capacity() / 4).max(1024));
    }
}

/// An index into [`LabelSets`]; [`LabelSets::EMPTY`] has no label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct LabelSetId(pub u32);

/// The distinct label sets of a profile, each stored once (thousands of samples usually share
/// a handful of sets such as `{goroutine=worker}`).
#[derive(Debug, Clone)]
pub struct LabelSets {
    /// `len() + 1` offsets into `labels`.
    starts: Vec<u32>,
    labels: Vec<Label>,
}

impl Default for LabelSets {
    fn default() -> Self {
        LabelSets {
            starts: vec![0, 0],
            labels: Vec::new(),
        }
    }
}

impl LabelSets {
    /// The set with no label.
    pub const EMPTY: LabelSetId = LabelSetId(0);

    /// Number of sets, the empty one included.
    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// Never true: the empty set is always there.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The labels of `set`, in the order the file gave them.
    pub fn get(&self, set: LabelSetId) -> &[Label] {
        let i = set.0 as usize;
        &self.labels[self.starts[i] as usize..self.starts[i + 1] as usize]
    }

    /// Every label of every set.
    pub fn all(&self) -> &[Label] {
        &self.labels
    }
}

/// Interns label sets into a [`LabelSets`].
#[derive(Debug, Default)]
pub struct LabelSetsBuilder {
    sets: LabelSets,
    ids: FxHashMap<Box<[Label]>, u32>,
}

impl LabelSetsBuilder {
    /// The id of the set of `labels`, added if new.
    pub fn intern(&mut self, labels: &[Label]) -> LabelSetId {
        if labels.is_empty() {
            return LabelSets::EMPTY;
        }
        if let Some(&id) = self.ids.get(labels) {
            return LabelSetId(id);
        }
        let id = self.sets.len() as u32;
        self.sets.labels.extend_from_slice(labels);
        self.sets.starts.push(self.sets.labels.len() as u32);
        self.ids.insert(labels.into(), id);
        LabelSetId(id)
    }

    pub fn finish(self) -> LabelSets {
        self.sets
    }
}

/// The samples, column-wise.
#[derive(Debug, Clone, Default)]
pub struct Samples {
    /// Each sample's stack.
    pub stack: Vec<StackId>,
    /// Each sample's labels.
    pub label_set: Vec<LabelSetId>,
    /// `len() * value_types.len()` values, row-major.
    pub values: Vec<i64>,
}

impl Samples {
    /// Number of samples.
    pub fn len(&self) -> usize {
        self.stack.len()
    }

    /// True when there are no samples.
    pub fn is_empty(&self) -> bool {
        self.stack.is_empty()
    }
}

/// Finds a value type as `go tool pprof -sample_index` does: a position (`1`), a type name
/// (`cpu`), or a name with pprof's `inuse_` prefix dropped. Empty means `default_index`.
pub fn find_value_type(
    value_types: &[ValueType],
    default_index: usize,
    spec: &str,
) -> Result<usize, UnknownValueType> {
    let unknown = || UnknownValueType {
        asked: spec.to_string(),
        available: value_types
            .iter()
            .enumerate()
            .map(|(i, t)| format!("{i}: {t}"))
            .collect(),
    };
    if spec.is_empty() {
        return if value_types.is_empty() {
            Err(unknown())
        } else {
            Ok(default_index)
        };
    }
    if let Ok(i) = spec.parse::<usize>() {
        return if i < value_types.len() {
            Ok(i)
        } else {
            Err(unknown())
        };
    }
    let without_inuse = spec.strip_prefix("inuse_").unwrap_or(spec);
    value_types
        .iter()
        .position(|t| t.name == spec || t.name == without_inuse)
        .ok_or_else(unknown)
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
    /// A link to documentation of the profile (profile.proto's `doc_url`); any text, to be
    /// checked before it is followed.
    pub doc_url: String,
    pub strings: StringTable,
    pub mappings: Vec<Mapping>,
    pub functions: Vec<Function>,
    pub locations: Vec<Location>,
    pub lines: Vec<Line>,
    pub stacks: Stacks,
    pub label_sets: LabelSets,
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

    /// A profile derived from this one: these lines, locations, stacks and samples, with a
    /// copy of everything else (value types, strings, functions, mappings, ...).
    pub fn derived(
        &self,
        lines: Vec<Line>,
        locations: Vec<Location>,
        stacks: Stacks,
        samples: Samples,
    ) -> Profile {
        Profile {
            lines,
            locations,
            stacks,
            samples,
            ..self.clone_tables()
        }
    }

    /// A copy of everything but the lines, locations, stacks and samples, which are left
    /// empty: the base of a profile derived from this one (see `filter::apply`).
    pub fn clone_tables(&self) -> Profile {
        Profile {
            value_types: self.value_types.clone(),
            default_value_index: self.default_value_index,
            period_type: self.period_type.clone(),
            period: self.period,
            time_nanos: self.time_nanos,
            duration_nanos: self.duration_nanos,
            comments: self.comments.clone(),
            drop_frames: self.drop_frames.clone(),
            keep_frames: self.keep_frames.clone(),
            doc_url: self.doc_url.clone(),
            strings: self.strings.clone(),
            mappings: self.mappings.clone(),
            functions: self.functions.clone(),
            label_sets: self.label_sets.clone(),
            ..Profile::default()
        }
    }

    /// Value `value_index` of sample `sample`.
    pub fn value(&self, sample: usize, value_index: usize) -> i64 {
        self.samples.values[sample * self.value_types.len() + value_index]
    }

    /// Finds a value type as `go tool pprof -sample_index` does (see [`find_value_type`]).
    pub fn value_index(&self, spec: &str) -> Result<usize, UnknownValueType> {
        find_value_type(&self.value_types, self.default_value_index, spec)
    }

    /// Distinct label keys, in first-seen order, with `[unit]` appended to numeric ones.
    pub fn label_keys(&self) -> Vec<String> {
        let mut seen = rustc_hash::FxHashSet::default();
        let mut keys = Vec::new();
        for label in self.label_sets.all() {
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
