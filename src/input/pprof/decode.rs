//! profile.proto bytes -> validated [`Profile`], streaming: bytes are pushed in pieces of any
//! size as they are read or inflated, each complete top-level field is decoded at once and its
//! bytes let go, so the inflated file is never held whole. Nested messages are decoded with
//! prost into reused buffers, except samples, which a hand-written reader (`sample.rs`) puts
//! straight into the compact model (interned label sets, flat values, stacks as the file's
//! varints until the end makes them a trie). Go writes samples before the locations and
//! strings they refer to, so location ids and string indices are resolved and checked at the
//! end.

use prost::encoding::decode_varint;
use prost::Message;
use rustc_hash::FxHashMap;

use super::proto;
use super::sample::{self, SampleFields};
use super::stacks::RawStacks;
use crate::error::LoadError;
use crate::model::profile::{
    reserve_gently, Function, FunctionId, Label, LabelSetId, LabelSetsBuilder, LabelValue, Line,
    Location, Mapping, MappingId, Profile, Samples, StrId, StringTable, ValueType,
};

/// One top-level field's payload.
enum Payload<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    /// Fixed-width fields carry nothing profile.proto uses; they are skipped.
    Fixed,
}

/// A varint at the start of `bytes` and its length; `Ok(None)` when `bytes` end inside it
/// (the rest of the file is still to come).
fn varint(bytes: &[u8]) -> Result<Option<(u64, usize)>, &'static str> {
    let mut len = 0;
    match sample::varint(bytes, &mut len) {
        Ok(value) => Ok(Some((value, len))),
        Err(sample::CUT_SHORT) => Ok(None),
        Err(e) => Err(e.detail()),
    }
}

/// The top-level field at the start of `bytes` (which start at byte `offset` of the file):
/// its number, payload and length, or `None` when `bytes` end inside it.
fn next_field(bytes: &[u8], offset: u64) -> Result<Option<(u32, Payload<'_>, usize)>, LoadError> {
    let not_profile = |detail: String| LoadError::NotAProfile { detail };
    let Some((key, mut at)) =
        varint(bytes).map_err(|e| not_profile(format!("{e} at byte {offset}")))?
    else {
        return Ok(None);
    };
    let tag = key >> 3;
    if tag == 0 || tag > u64::from(u32::MAX >> 3) {
        return Err(not_profile(format!(
            "invalid field number {tag} at byte {offset}"
        )));
    }
    let tag = tag as u32;
    // The varint after the key: a number, or the length of the bytes that follow.
    let number = |at: usize| {
        varint(&bytes[at..])
            .map_err(|e| not_profile(format!("{e} in field {tag} at byte {offset}")))
    };
    let payload = match key & 7 {
        0 => {
            let Some((value, len)) = number(at)? else {
                return Ok(None);
            };
            at += len;
            Payload::Varint(value)
        }
        2 => {
            let Some((len, len_len)) = number(at)? else {
                return Ok(None);
            };
            at += len_len;
            if len > (bytes.len() - at) as u64 {
                return Ok(None);
            }
            let payload = &bytes[at..at + len as usize];
            at += len as usize;
            Payload::Bytes(payload)
        }
        wire @ (1 | 5) => {
            let width = if wire == 1 { 8 } else { 4 };
            if bytes.len() - at < width {
                return Ok(None);
            }
            at += width;
            Payload::Fixed
        }
        3 | 4 => {
            return Err(not_profile(format!(
                "field {tag} uses protobuf groups, which profile.proto never does"
            )))
        }
        wire => {
            return Err(not_profile(format!(
                "invalid wire type {wire} in field {tag} at byte {offset}"
            )))
        }
    };
    Ok(Some((tag, payload, at)))
}

/// Why the bytes left over at the end do not make a whole field.
fn cut_short(rest: &[u8], offset: u64) -> LoadError {
    let mut detail = format!(
        "the file ends inside a field that starts at byte {offset} (the file is cut short)"
    );
    if let Ok(Some((key, at))) = varint(rest) {
        let tag = key >> 3;
        detail = format!("field {tag} at byte {offset} is cut short: the file ends inside it");
        if key & 7 == 2 {
            if let Ok(Some((len, len_len))) = varint(&rest[at..]) {
                detail = format!(
                    "field {tag} declares {len} bytes but only {} remain (the file is cut short)",
                    rest.len() - at - len_len
                );
            }
        }
    }
    LoadError::NotAProfile { detail }
}

/// The field names of profile.proto's `Profile`, for error messages.
fn field_name(tag: u32) -> &'static str {
    match tag {
        1 => "sample_type",
        2 => "sample",
        3 => "mapping",
        4 => "location",
        5 => "function",
        6 => "string_table",
        7 => "drop_frames",
        8 => "keep_frames",
        9 => "time_nanos",
        10 => "duration_nanos",
        11 => "period_type",
        12 => "period",
        13 => "comment",
        14 => "default_sample_type",
        15 => "doc_url",
        _ => "unknown",
    }
}

fn nested<M: Message + Default>(bytes: &[u8], what: impl Fn() -> String) -> Result<M, LoadError> {
    M::decode(bytes).map_err(|e| LoadError::Protobuf {
        what: what(),
        detail: e.to_string(),
    })
}

/// Maps the file's `u64` ids of one kind to dense `u32` indices, refusing 0 and duplicates.
enum IdMap {
    /// Ids are small (Go numbers them 1..n): a direct table, `u32::MAX` meaning absent.
    Dense(Vec<u32>),
    Sparse(FxHashMap<u64, u32>),
}

impl IdMap {
    fn build(
        ids: impl ExactSizeIterator<Item = u64> + Clone,
        kind: &'static str,
    ) -> Result<Self, LoadError> {
        let count = ids.len();
        if count >= u32::MAX as usize {
            return Err(LoadError::TooMany { what: kind });
        }
        let max = ids.clone().max().unwrap_or(0);
        let mut map = if max <= (count as u64).saturating_mul(4).saturating_add(16) {
            IdMap::Dense(vec![u32::MAX; max as usize + 1])
        } else {
            IdMap::Sparse(FxHashMap::default())
        };
        for (index, id) in ids.enumerate() {
            if id == 0 {
                return Err(LoadError::ReservedId { kind });
            }
            let fresh = match &mut map {
                IdMap::Dense(table) => {
                    let slot = &mut table[id as usize];
                    let fresh = *slot == u32::MAX;
                    *slot = index as u32;
                    fresh
                }
                IdMap::Sparse(table) => table.insert(id, index as u32).is_none(),
            };
            if !fresh {
                return Err(LoadError::DuplicateId { kind, id });
            }
        }
        Ok(map)
    }

    fn get(&self, id: u64) -> Option<u32> {
        match self {
            IdMap::Dense(table) => table
                .get(usize::try_from(id).ok()?)
                .copied()
                .filter(|&i| i != u32::MAX),
            IdMap::Sparse(table) => table.get(&id).copied(),
        }
    }
}

/// Checks string indices against the table.
struct StringIndex {
    len: usize,
}

impl StringIndex {
    fn id(&self, index: i64, what: impl Fn() -> String) -> Result<StrId, LoadError> {
        if index >= 0 && (index as u64) < self.len as u64 {
            Ok(StrId(index as u32))
        } else {
            Err(LoadError::StringIndex {
                what: what(),
                index,
                len: self.len,
            })
        }
    }
}

fn wire_error(tag: u32, payload: &Payload<'_>) -> LoadError {
    LoadError::WireType {
        field: field_name(tag),
        wire_type: match payload {
            Payload::Varint(_) => "a number",
            Payload::Bytes(_) => "bytes",
            Payload::Fixed => "a fixed-width number",
        }
        .to_string(),
    }
}

/// A label as the file writes it: string indices not yet checked against the table (which
/// usually comes later). Normalised so that two labels that mean the same are equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct RawLabel {
    key: i64,
    str: i64,
    num: i64,
    num_unit: i64,
}

/// A location as the file writes it, its ids not yet resolved.
struct RawLocation {
    id: u64,
    mapping_id: u64,
    address: u64,
    is_folded: bool,
    /// Range into `Tables::location_lines` (function id, line number).
    lines: std::ops::Range<u32>,
}

/// Everything of the top-level message except the samples, still in the file's terms.
#[derive(Default)]
struct Tables {
    value_types: Vec<proto::ValueType>,
    mappings: Vec<proto::Mapping>,
    /// Locations flat: their lines are ranges of `location_lines`.
    locations: Vec<RawLocation>,
    location_lines: Vec<(u64, i64)>,
    /// Reused for every location.
    location_message: proto::Location,
    functions: Vec<proto::Function>,
    strings: StringTable,
    drop_frames: i64,
    keep_frames: i64,
    time_nanos: i64,
    duration_nanos: i64,
    period_type: Option<proto::ValueType>,
    period: i64,
    comments: Vec<i64>,
    default_sample_type: i64,
    doc_url: i64,
}

/// The samples as read so far, location ids and label strings not yet resolved.
#[derive(Default)]
struct RawSamples {
    samples: Samples,
    stacks: RawStacks,
    label_sets: Vec<Box<[RawLabel]>>,
    label_set_ids: FxHashMap<Box<[RawLabel]>, u32>,
    /// How many values the first sample has.
    first_value_count: usize,
    /// The first sample whose value count differs from the first one's, and its count.
    odd_value_count: Option<(usize, usize)>,
    /// Reused for every sample.
    fields: SampleFields,
    labels: Vec<RawLabel>,
}

impl RawSamples {
    fn push(&mut self, bytes: &[u8]) -> Result<(), LoadError> {
        // Each sample's stack is known only at the end (`RawStacks::build`).
        let index = self.samples.label_set.len();
        if index >= u32::MAX as usize {
            return Err(LoadError::TooMany { what: "samples" });
        }
        let sample = &mut self.fields;
        sample::read(bytes, sample).map_err(|e| LoadError::Protobuf {
            what: format!("sample {index}"),
            detail: e.to_string(),
        })?;
        if index == 0 {
            self.first_value_count = sample.values.len();
        } else if sample.values.len() != self.first_value_count && self.odd_value_count.is_none() {
            self.odd_value_count = Some((index, sample.values.len()));
        }
        reserve_gently(&mut self.samples.values, sample.values.len());
        self.samples.values.extend_from_slice(&sample.values);
        self.stacks.push(&sample.locations)?;
        self.labels.clear();
        for label in &sample.labels {
            // pprof drops a label that carries neither a string nor a number, and reads a
            // label with a string as a string label whatever number it also carries.
            if label.str != 0 {
                self.labels.push(RawLabel {
                    key: label.key,
                    str: label.str,
                    num: 0,
                    num_unit: 0,
                });
            } else if label.num != 0 || label.num_unit != 0 {
                self.labels.push(RawLabel {
                    key: label.key,
                    str: 0,
                    num: label.num,
                    num_unit: label.num_unit,
                });
            }
        }
        let set = if self.labels.is_empty() {
            0
        } else if let Some(&set) = self.label_set_ids.get(&self.labels[..]) {
            set
        } else {
            let set = self.label_sets.len() as u32 + 1;
            self.label_sets.push(self.labels.as_slice().into());
            self.label_set_ids
                .insert(self.labels.as_slice().into(), set);
            set
        };
        reserve_gently(&mut self.samples.label_set, 1);
        self.samples.label_set.push(LabelSetId(set));
        Ok(())
    }
}

/// How many bytes must be seen before the legacy formats can be told apart from protobuf.
const LEGACY_HEAD: usize = 64;

/// Decodes profile.proto pushed in pieces: [`ProtoDecoder::push`] each piece as it comes,
/// then [`ProtoDecoder::finish`].
#[derive(Default)]
pub struct ProtoDecoder {
    /// Bytes of a field not yet complete (or, before the format is known, the head).
    pending: Vec<u8>,
    /// The file offset of `pending[0]`.
    offset: u64,
    /// Whether the head was checked for the legacy formats.
    format_known: bool,
    tables: Tables,
    samples: RawSamples,
}

impl ProtoDecoder {
    pub fn new() -> Self {
        ProtoDecoder::default()
    }

    /// Decodes the next piece of the file.
    pub fn push(&mut self, bytes: &[u8]) -> Result<(), LoadError> {
        if !self.format_known {
            self.pending.extend_from_slice(bytes);
            if self.pending.len() < LEGACY_HEAD {
                return Ok(());
            }
            return self.check_format_and_consume();
        }
        if self.pending.is_empty() {
            let used = self.consume(bytes)?;
            self.pending.extend_from_slice(&bytes[used..]);
        } else {
            self.pending.extend_from_slice(bytes);
            self.consume_pending()?;
        }
        Ok(())
    }

    fn check_format_and_consume(&mut self) -> Result<(), LoadError> {
        if self.pending.is_empty() {
            return Err(LoadError::Empty);
        }
        if let Some(format) = super::legacy::legacy_format(&self.pending) {
            return Err(LoadError::LegacyFormat { format });
        }
        self.format_known = true;
        self.consume_pending()
    }

    fn consume_pending(&mut self) -> Result<(), LoadError> {
        let pending = std::mem::take(&mut self.pending);
        let used = self.consume(&pending);
        self.pending = pending;
        self.pending.drain(..used?);
        Ok(())
    }

    /// Decodes every complete field at the start of `bytes`; returns how many bytes they took.
    fn consume(&mut self, bytes: &[u8]) -> Result<usize, LoadError> {
        let mut used = 0;
        while let Some((tag, payload, len)) = next_field(&bytes[used..], self.offset)? {
            self.field(tag, payload)?;
            used += len;
            self.offset += len as u64;
        }
        Ok(used)
    }

    fn field(&mut self, tag: u32, payload: Payload<'_>) -> Result<(), LoadError> {
        let t = &mut self.tables;
        match (tag, &payload) {
            (1, Payload::Bytes(b)) => t.value_types.push(nested(b, || {
                format!("sample_type {}", t.value_types.len())
            })?),
            (2, Payload::Bytes(b)) => self.samples.push(b)?,
            (3, Payload::Bytes(b)) => t
                .mappings
                .push(nested(b, || format!("mapping {}", t.mappings.len()))?),
            (4, Payload::Bytes(b)) => {
                let message = &mut t.location_message;
                message.clear();
                message.merge(*b).map_err(|e| LoadError::Protobuf {
                    what: format!("location {}", t.locations.len()),
                    detail: e.to_string(),
                })?;
                let start = t.location_lines.len() as u32;
                t.location_lines
                    .extend(message.line.iter().map(|l| (l.function_id, l.line)));
                if t.location_lines.len() > u32::MAX as usize {
                    return Err(LoadError::TooMany { what: "lines" });
                }
                t.locations.push(RawLocation {
                    id: message.id,
                    mapping_id: message.mapping_id,
                    address: message.address,
                    is_folded: message.is_folded,
                    lines: start..t.location_lines.len() as u32,
                });
            }
            (5, Payload::Bytes(b)) => t
                .functions
                .push(nested(b, || format!("function {}", t.functions.len()))?),
            // Strings are taken as bytes: Go never checks UTF-8, and real profiles carry
            // Latin-1 file names, so invalid sequences become U+FFFD instead of an error.
            (6, Payload::Bytes(b)) => {
                t.strings.push(&String::from_utf8_lossy(b));
                if t.strings.text_len() > u32::MAX as usize {
                    return Err(LoadError::TooMany {
                        what: "string bytes",
                    });
                }
            }
            (7, Payload::Varint(v)) => t.drop_frames = *v as i64,
            (8, Payload::Varint(v)) => t.keep_frames = *v as i64,
            (9, Payload::Varint(v)) => t.time_nanos = *v as i64,
            (10, Payload::Varint(v)) => t.duration_nanos = *v as i64,
            (11, Payload::Bytes(b)) => t.period_type = Some(nested(b, || "period_type".into())?),
            (12, Payload::Varint(v)) => t.period = *v as i64,
            (13, Payload::Varint(v)) => t.comments.push(*v as i64),
            (13, Payload::Bytes(b)) => {
                let mut rest = *b;
                while !rest.is_empty() {
                    let v = decode_varint(&mut rest).map_err(|e| LoadError::Protobuf {
                        what: "comment".into(),
                        detail: e.to_string(),
                    })?;
                    t.comments.push(v as i64);
                }
            }
            (14, Payload::Varint(v)) => t.default_sample_type = *v as i64,
            (15, Payload::Varint(v)) => t.doc_url = *v as i64,
            (1..=15, _) => return Err(wire_error(tag, &payload)),
            _ => {} // Fields added to profile.proto later are not needed here.
        }
        Ok(())
    }

    /// Resolves and checks every id and string index, and returns the profile.
    pub fn finish(mut self) -> Result<Profile, LoadError> {
        if !self.format_known {
            self.check_format_and_consume()?;
        }
        if !self.pending.is_empty() {
            return Err(cut_short(&self.pending, self.offset));
        }
        build(self.tables, self.samples)
    }
}

/// Decodes uncompressed profile.proto bytes.
pub fn decode_protobuf(bytes: &[u8]) -> Result<Profile, LoadError> {
    let mut decoder = ProtoDecoder::new();
    decoder.push(bytes)?;
    decoder.finish()
}

fn build(tables: Tables, mut raw: RawSamples) -> Result<Profile, LoadError> {
    drop(std::mem::take(&mut raw.label_set_ids));
    if tables.strings.is_empty() {
        return Err(LoadError::MissingStringTable);
    }
    if !tables.strings.get(StrId(0)).is_empty() {
        return Err(LoadError::FirstStringNotEmpty {
            found: tables.strings.get(StrId(0)).chars().take(40).collect(),
        });
    }
    let strings = StringIndex {
        len: tables.strings.len(),
    };
    let value_type = |vt: &proto::ValueType, what: &str| -> Result<ValueType, LoadError> {
        Ok(ValueType {
            name: tables
                .strings
                .get(strings.id(vt.r#type, || format!("{what} type"))?)
                .to_string(),
            unit: tables
                .strings
                .get(strings.id(vt.unit, || format!("{what} unit"))?)
                .to_string(),
        })
    };
    let value_types = tables
        .value_types
        .iter()
        .enumerate()
        .map(|(i, vt)| value_type(vt, &format!("sample_type {i}")))
        .collect::<Result<Vec<_>, _>>()?;
    let sample_count = raw.samples.label_set.len();
    if value_types.is_empty() && sample_count > 0 {
        return Err(LoadError::NoValueTypes {
            samples: sample_count,
        });
    }
    let period_type = match &tables.period_type {
        Some(vt) => Some(value_type(vt, "period_type")?),
        None => None,
    };
    let default_name = tables
        .strings
        .get(strings.id(tables.default_sample_type, || "default_sample_type".into())?);
    // profile.proto: "If this field is not set, the last sample type is the default" (pprof
    // also falls back to the last one when the name matches no type).
    let default_value_index = value_types
        .iter()
        .position(|t| !default_name.is_empty() && t.name == default_name)
        .unwrap_or(value_types.len().saturating_sub(1));
    let str_of = |index: i64, what: &dyn Fn() -> String| -> Result<String, LoadError> {
        Ok(tables.strings.get(strings.id(index, what)?).to_string())
    };
    let comments = tables
        .comments
        .iter()
        .map(|&c| str_of(c, &|| "a comment".into()))
        .collect::<Result<Vec<_>, _>>()?;
    let drop_frames = str_of(tables.drop_frames, &|| "drop_frames".into())?;
    let keep_frames = str_of(tables.keep_frames, &|| "keep_frames".into())?;
    let doc_url = str_of(tables.doc_url, &|| "doc_url".into())?;

    let mapping_ids = IdMap::build(tables.mappings.iter().map(|m| m.id), "mapping")?;
    let function_ids = IdMap::build(tables.functions.iter().map(|f| f.id), "function")?;
    let location_ids = IdMap::build(tables.locations.iter().map(|l| l.id), "location")?;

    let mappings = tables
        .mappings
        .iter()
        .map(|m| {
            Ok(Mapping {
                id: m.id,
                memory_start: m.memory_start,
                memory_limit: m.memory_limit,
                file_offset: m.file_offset,
                file: strings.id(m.filename, || format!("mapping {} file name", m.id))?,
                build_id: strings.id(m.build_id, || format!("mapping {} build id", m.id))?,
                has_functions: m.has_functions,
            })
        })
        .collect::<Result<Vec<_>, LoadError>>()?;
    let functions = tables
        .functions
        .iter()
        .map(|f| {
            Ok(Function {
                id: f.id,
                name: strings.id(f.name, || format!("function {} name", f.id))?,
                system_name: strings
                    .id(f.system_name, || format!("function {} system name", f.id))?,
                file: strings.id(f.filename, || format!("function {} file name", f.id))?,
                start_line: f.start_line,
            })
        })
        .collect::<Result<Vec<_>, LoadError>>()?;
    let mut lines = Vec::with_capacity(tables.location_lines.len());
    let mut locations = Vec::with_capacity(tables.locations.len());
    for l in &tables.locations {
        let mapping = match l.mapping_id {
            0 => None,
            id => Some(MappingId(
                mapping_ids
                    .get(id)
                    .ok_or(LoadError::UnknownMapping { location: l.id, id })?,
            )),
        };
        for &(function_id, line) in
            &tables.location_lines[l.lines.start as usize..l.lines.end as usize]
        {
            let function = match function_id {
                0 => None,
                id => Some(FunctionId(
                    function_ids
                        .get(id)
                        .ok_or(LoadError::UnknownFunction { location: l.id, id })?,
                )),
            };
            lines.push(Line { function, line });
        }
        locations.push(Location {
            id: l.id,
            mapping,
            address: l.address,
            is_folded: l.is_folded,
            lines: l.lines.clone(),
        });
    }
    drop(tables.location_lines);

    // The samples: value counts, then location ids, then label strings, each reported for the
    // first sample at fault.
    let expected = value_types.len();
    if sample_count > 0 && raw.first_value_count != expected {
        return Err(LoadError::ValueCount {
            sample: 0,
            got: raw.first_value_count,
            expected,
        });
    }
    if let Some((sample, got)) = raw.odd_value_count {
        return Err(LoadError::ValueCount {
            sample,
            got,
            expected,
        });
    }
    // The arrays grown while reading give back what they did not fill before the trie is
    // made, the peak of decoding.
    raw.samples.values.shrink_to_fit();
    raw.samples.label_set.shrink_to_fit();
    let (stacks, sample_stacks) =
        std::mem::take(&mut raw.stacks).build(|id| location_ids.get(id), locations.len())?;
    drop(location_ids);

    let mut samples = raw.samples;
    samples.stack = sample_stacks;
    let mut label_sets = LabelSetsBuilder::default();
    let mut set_ids = vec![LabelSetId(0)];
    for (i, set) in raw.label_sets.iter().enumerate() {
        let mut labels = Vec::with_capacity(set.len());
        for label in set.iter() {
            let first_user = || {
                let set = LabelSetId(i as u32 + 1);
                samples
                    .label_set
                    .iter()
                    .position(|&s| s == set)
                    .unwrap_or(0)
            };
            let what = |part: &'static str| move || format!("sample {} label {part}", first_user());
            let key = strings.id(label.key, what("key"))?;
            let value = if label.str != 0 {
                LabelValue::Str(strings.id(label.str, what("value"))?)
            } else {
                LabelValue::Num {
                    value: label.num,
                    unit: strings.id(label.num_unit, what("unit"))?,
                }
            };
            labels.push(Label { key, value });
        }
        set_ids.push(label_sets.intern(&labels));
    }
    for set in &mut samples.label_set {
        *set = set_ids[set.0 as usize];
    }

    Ok(Profile {
        value_types,
        default_value_index,
        period_type,
        period: tables.period,
        time_nanos: tables.time_nanos,
        duration_nanos: tables.duration_nanos,
        comments,
        drop_frames,
        keep_frames,
        doc_url,
        strings: tables.strings,
        mappings,
        functions,
        locations,
        lines,
        stacks,
        label_sets: label_sets.finish(),
        samples,
    })
}
