//! profile.proto bytes -> validated [`Profile`]. The top-level message is walked field by
//! field (twice: once for the tables, once for the samples, which Go writes before the strings
//! and locations they refer to), and each nested message is decoded with prost into a reused
//! buffer, so no per-sample allocation survives and peak memory stays close to the input.

use prost::encoding::{decode_key, decode_varint, WireType};
use prost::Message;
use rustc_hash::FxHashMap;

use super::proto;
use crate::error::LoadError;
use crate::profile::{
    Function, FunctionId, Label, LabelValue, Line, Location, LocationId, Mapping, MappingId,
    Profile, Samples, StrId, StringTable, ValueType,
};

/// One top-level field's payload.
enum Payload<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    /// Fixed-width fields carry nothing profile.proto uses; they are skipped.
    Fixed,
}

/// Iterates the top-level fields of a protobuf message.
struct Fields<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Fields<'a> {
    type Item = Result<(u32, Payload<'a>), LoadError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        Some(self.read_field())
    }
}

impl<'a> Fields<'a> {
    fn read_field(&mut self) -> Result<(u32, Payload<'a>), LoadError> {
        let not_profile = |detail: String| LoadError::NotAProfile { detail };
        let at = |rest: &[u8], total: usize| total - rest.len();
        let total = self.rest.len();
        let (tag, wire_type) = decode_key(&mut self.rest)
            .map_err(|e| not_profile(format!("{e} at byte {}", at(self.rest, total))))?;
        let payload = match wire_type {
            WireType::Varint => Payload::Varint(
                decode_varint(&mut self.rest)
                    .map_err(|e| not_profile(format!("{e} in field {tag}")))?,
            ),
            WireType::LengthDelimited => {
                let len = decode_varint(&mut self.rest)
                    .map_err(|e| not_profile(format!("{e} in field {tag}")))?;
                if len > self.rest.len() as u64 {
                    return Err(not_profile(format!(
                        "field {tag} declares {len} bytes but only {} remain (the file is cut short)",
                        self.rest.len()
                    )));
                }
                let (bytes, rest) = self.rest.split_at(len as usize);
                self.rest = rest;
                Payload::Bytes(bytes)
            }
            WireType::SixtyFourBit | WireType::ThirtyTwoBit => {
                let width = if wire_type == WireType::SixtyFourBit {
                    8
                } else {
                    4
                };
                if self.rest.len() < width {
                    return Err(not_profile(format!("field {tag} is cut short")));
                }
                self.rest = &self.rest[width..];
                Payload::Fixed
            }
            WireType::StartGroup | WireType::EndGroup => {
                return Err(not_profile(format!(
                    "field {tag} uses protobuf groups, which profile.proto never does"
                )))
            }
        };
        Ok((tag, payload))
    }
}

fn fields(bytes: &[u8]) -> Fields<'_> {
    Fields { rest: bytes }
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
        _ => "unknown",
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

/// Everything of the top-level message except the samples, still in the file's terms.
#[derive(Default)]
struct Tables {
    value_types: Vec<proto::ValueType>,
    sample_count: usize,
    mappings: Vec<proto::Mapping>,
    locations: Vec<proto::Location>,
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
}

fn read_tables(bytes: &[u8]) -> Result<Tables, LoadError> {
    let mut t = Tables::default();
    for field in fields(bytes) {
        let (tag, payload) = field?;
        match (tag, &payload) {
            (1, Payload::Bytes(b)) => t.value_types.push(nested(b, || {
                format!("sample_type {}", t.value_types.len())
            })?),
            (2, Payload::Bytes(_)) => t.sample_count += 1,
            (3, Payload::Bytes(b)) => t
                .mappings
                .push(nested(b, || format!("mapping {}", t.mappings.len()))?),
            (4, Payload::Bytes(b)) => t
                .locations
                .push(nested(b, || format!("location {}", t.locations.len()))?),
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
            (1..=14, _) => return Err(wire_error(tag, &payload)),
            _ => {} // Fields added to profile.proto later (doc_url...) are not needed here.
        }
    }
    Ok(t)
}

/// Decodes uncompressed profile.proto bytes.
pub fn decode_protobuf(bytes: &[u8]) -> Result<Profile, LoadError> {
    let tables = read_tables(bytes)?;
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
    if value_types.is_empty() && tables.sample_count > 0 {
        return Err(LoadError::NoValueTypes {
            samples: tables.sample_count,
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
    let mut lines = Vec::new();
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
        let start = lines.len() as u32;
        for line in &l.line {
            let function = match line.function_id {
                0 => None,
                id => Some(FunctionId(
                    function_ids
                        .get(id)
                        .ok_or(LoadError::UnknownFunction { location: l.id, id })?,
                )),
            };
            lines.push(Line {
                function,
                line: line.line,
            });
        }
        if lines.len() > u32::MAX as usize {
            return Err(LoadError::TooMany { what: "lines" });
        }
        locations.push(Location {
            id: l.id,
            mapping,
            address: l.address,
            is_folded: l.is_folded,
            lines: start..lines.len() as u32,
        });
    }
    drop(tables.locations);

    let samples = read_samples(
        bytes,
        tables.sample_count,
        value_types.len(),
        &location_ids,
        &strings,
    )?;

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
        strings: tables.strings,
        mappings,
        functions,
        locations,
        lines,
        samples,
    })
}

fn read_samples(
    bytes: &[u8],
    count: usize,
    value_count: usize,
    location_ids: &IdMap,
    strings: &StringIndex,
) -> Result<Samples, LoadError> {
    let mut samples = Samples {
        stack_starts: Vec::with_capacity(count + 1),
        values: Vec::with_capacity(count.saturating_mul(value_count)),
        label_starts: Vec::with_capacity(count + 1),
        ..Samples::default()
    };
    samples.stack_starts.push(0);
    samples.label_starts.push(0);
    // One message reused for every sample: `clear` keeps the vectors' capacity.
    let mut sample = proto::Sample::default();
    for field in fields(bytes) {
        let (tag, payload) = field?;
        let (2, Payload::Bytes(b)) = (tag, payload) else {
            continue;
        };
        let index = samples.len();
        sample.clear();
        sample.merge(b).map_err(|e| LoadError::Protobuf {
            what: format!("sample {index}"),
            detail: e.to_string(),
        })?;
        if sample.value.len() != value_count {
            return Err(LoadError::ValueCount {
                sample: index,
                got: sample.value.len(),
                expected: value_count,
            });
        }
        for &id in &sample.location_id {
            let location = location_ids
                .get(id)
                .ok_or(LoadError::UnknownLocation { sample: index, id })?;
            samples.stack.push(LocationId(location));
        }
        samples.values.extend_from_slice(&sample.value);
        for label in &sample.label {
            let what = |part: &'static str| move || format!("sample {index} label {part}");
            let key = strings.id(label.key, what("key"))?;
            let value = if label.str != 0 {
                LabelValue::Str(strings.id(label.str, what("value"))?)
            } else if label.num != 0 || label.num_unit != 0 {
                LabelValue::Num {
                    value: label.num,
                    unit: strings.id(label.num_unit, what("unit"))?,
                }
            } else {
                // pprof drops a label that carries neither a string nor a number.
                continue;
            };
            samples.labels.push(Label { key, value });
        }
        let (Ok(stack_end), Ok(labels_end)) = (
            u32::try_from(samples.stack.len()),
            u32::try_from(samples.labels.len()),
        ) else {
            return Err(LoadError::TooMany {
                what: "stack frames",
            });
        };
        samples.stack_starts.push(stack_end);
        samples.label_starts.push(labels_end);
    }
    Ok(samples)
}
