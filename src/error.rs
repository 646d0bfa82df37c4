//! `LoadError`: why a file could not be opened, one variant per cause, each carrying the
//! context a person needs to understand it. Depends on nothing else in the crate.

use std::fmt;

/// Why a file could not be turned into a [`crate::model::profile::Profile`].
///
/// The `Display` text is shown to the person as written, so every message names the file's
/// problem in their terms ("sample 12 has 3 values but the profile declares 2 value types").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// The file has no bytes at all.
    Empty,
    /// The file could not be read.
    Read { detail: String },
    /// The gzip stream is damaged or cut short.
    Inflate { detail: String },
    /// Inflating would exceed the configured bound (a decompression bomb, or simply too big).
    InflatedTooLarge { limit: u64 },
    /// A pre-protobuf pprof format (gperftools binary CPU, heapz/contentionz/threadz text).
    LegacyFormat { format: &'static str },
    /// The bytes are not a protobuf message at all (or are cut short at the top level).
    NotAProfile { detail: String },
    /// A text format recognised by its start that is not a profile Scorch reads: `format`
    /// names it and `advice` says what to do instead.
    OtherFormat {
        format: &'static str,
        advice: &'static str,
    },
    /// One nested message failed to decode (`what` says which one, e.g. "sample 12").
    Protobuf { what: String, detail: String },
    /// A known field arrived with a wire type profile.proto does not allow for it.
    WireType {
        field: &'static str,
        wire_type: String,
    },
    /// The profile has no string table; profile.proto requires `string_table[0] = ""`.
    MissingStringTable,
    /// profile.proto: "string_table\[0\] must always be ''".
    FirstStringNotEmpty { found: String },
    /// A string index points outside the string table.
    StringIndex {
        what: String,
        index: i64,
        len: usize,
    },
    /// profile.proto reserves id 0 for "absent" in mappings, locations and functions.
    ReservedId { kind: &'static str },
    /// Two entries of one kind share an id.
    DuplicateId { kind: &'static str, id: u64 },
    /// A sample refers to a location id that does not exist.
    UnknownLocation { sample: usize, id: u64 },
    /// A location's line refers to a function id that does not exist.
    UnknownFunction { location: u64, id: u64 },
    /// A location refers to a mapping id that does not exist.
    UnknownMapping { location: u64, id: u64 },
    /// A sample has a different number of values than there are value types.
    ValueCount {
        sample: usize,
        got: usize,
        expected: usize,
    },
    /// Samples exist but no value type describes them.
    NoValueTypes { samples: usize },
    /// `drop_frames` or `keep_frames` is not a valid regular expression.
    FramesRegex { field: &'static str, detail: String },
    /// More entries of one kind than the model can index (u32 ids).
    TooMany { what: &'static str },
    /// A line of folded-stack text could not be read.
    Folded { line: usize, detail: String },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Empty => write!(f, "the file is empty"),
            LoadError::Read { detail } => write!(f, "the file could not be read ({detail})"),
            LoadError::Inflate { detail } => {
                write!(f, "the gzip data is damaged or cut short ({detail})")
            }
            LoadError::InflatedTooLarge { limit } => write!(
                f,
                "the file inflates to more than {} MiB, the most this viewer accepts \
                 (a decompression bomb, or a profile too large to open here)",
                limit / (1024 * 1024)
            ),
            LoadError::LegacyFormat { format } => write!(
                f,
                "this is a {format}, a pre-protobuf pprof format that is not supported; \
                 convert it with `go tool pprof -proto FILE > FILE.pb.gz`"
            ),
            LoadError::NotAProfile { detail } => write!(
                f,
                "this is not a pprof profile (profile.proto) or folded stacks: {detail}"
            ),
            LoadError::OtherFormat { format, advice } => {
                write!(f, "this looks like {format}, not a pprof profile: {advice}")
            }
            LoadError::Protobuf { what, detail } => {
                write!(f, "{what} is damaged: {detail}")
            }
            LoadError::WireType { field, wire_type } => write!(
                f,
                "field `{field}` is encoded as {wire_type}, which profile.proto does not allow \
                 (not a pprof profile?)"
            ),
            LoadError::MissingStringTable => {
                write!(
                    f,
                    "the profile has no string table (string_table[0] must be \"\")"
                )
            }
            LoadError::FirstStringNotEmpty { found } => write!(
                f,
                "string_table[0] must be the empty string, but it is {found:?}"
            ),
            LoadError::StringIndex { what, index, len } => write!(
                f,
                "{what} uses string index {index}, outside the string table of {len} entries"
            ),
            LoadError::ReservedId { kind } => {
                write!(f, "a {kind} has id 0, which profile.proto reserves")
            }
            LoadError::DuplicateId { kind, id } => {
                write!(f, "two {kind}s have the same id {id}")
            }
            LoadError::UnknownLocation { sample, id } => write!(
                f,
                "sample {sample} refers to location id {id}, which does not exist"
            ),
            LoadError::UnknownFunction { location, id } => write!(
                f,
                "location {location} refers to function id {id}, which does not exist"
            ),
            LoadError::UnknownMapping { location, id } => write!(
                f,
                "location {location} refers to mapping id {id}, which does not exist"
            ),
            LoadError::ValueCount {
                sample,
                got,
                expected,
            } => write!(
                f,
                "sample {sample} has {got} values but the profile declares {expected} value types"
            ),
            LoadError::NoValueTypes { samples } => write!(
                f,
                "the profile has {samples} samples but declares no value type"
            ),
            LoadError::FramesRegex { field, detail } => {
                write!(f, "{field} is not a valid regular expression: {detail}")
            }
            LoadError::TooMany { what } => {
                write!(f, "the profile has more {what} than this viewer can index")
            }
            LoadError::Folded { line, detail } => {
                write!(f, "folded stacks, line {line}: {detail}")
            }
        }
    }
}

impl std::error::Error for LoadError {}
