//! A call tree, a laid-out call graph and an opened profile's summary (its value types and
//! details) as bytes (protobuf, with prost), to move them from the Web Worker that decodes and
//! aggregates to the page that draws. Depends on the model, the call tree, the details and the
//! graph drawing; knows nothing of the browser.

use prost::Message;

use crate::analysis::call_tree::{CallTree, InvalidTree, TreeParts};
use crate::analysis::details::{Details, MappingDetails};
use crate::analysis::labels::{LabelKind, LabelTotal};
use crate::analysis::report::Report;
use crate::model::frames::{Frame, FrameId, Frames};
use crate::model::profile::{find_value_type, Profile, UnknownValueType, ValueType};
use crate::view::graph_drawing::{DrawnEdge, DrawnNode, GraphDrawing};

#[derive(Clone, PartialEq, prost::Message)]
struct TreeMessage {
    #[prost(string, repeated, tag = "1")]
    names: Vec<String>,
    #[prost(string, repeated, tag = "2")]
    files: Vec<String>,
    #[prost(int64, repeated, tag = "3")]
    lines: Vec<i64>,
    #[prost(uint32, tag = "4")]
    value_index: u32,
    #[prost(int64, tag = "5")]
    profile_total: i64,
    /// Per node in pre-order: frame, depth (small numbers, so short varints), self value and
    /// inlined flag; parents and totals follow from them.
    #[prost(uint32, repeated, tag = "6")]
    frame: Vec<u32>,
    #[prost(uint32, repeated, tag = "7")]
    depth: Vec<u32>,
    #[prost(sint64, repeated, tag = "8")]
    self_value: Vec<i64>,
    #[prost(bool, repeated, tag = "9")]
    inlined: Vec<bool>,
    #[prost(message, repeated, tag = "10")]
    labels: Vec<LabelMessage>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct LabelMessage {
    #[prost(bool, tag = "1")]
    numeric: bool,
    #[prost(string, tag = "2")]
    key: String,
    #[prost(string, tag = "3")]
    value: String,
    #[prost(int64, tag = "4")]
    total: i64,
}

#[derive(Clone, PartialEq, prost::Message)]
struct ValueTypeMessage {
    #[prost(string, tag = "1")]
    name: String,
    #[prost(string, tag = "2")]
    unit: String,
}

#[derive(Clone, PartialEq, prost::Message)]
struct SummaryMessage {
    #[prost(message, repeated, tag = "1")]
    value_types: Vec<ValueTypeMessage>,
    #[prost(uint32, tag = "2")]
    default_value_index: u32,
    #[prost(message, optional, tag = "3")]
    details: Option<DetailsMessage>,
}

/// [`Details`], field for field.
#[derive(Clone, PartialEq, prost::Message)]
struct DetailsMessage {
    #[prost(sint64, repeated, tag = "1")]
    totals: Vec<i64>,
    #[prost(message, optional, tag = "2")]
    period_type: Option<ValueTypeMessage>,
    #[prost(int64, tag = "3")]
    period: i64,
    #[prost(int64, tag = "4")]
    time_nanos: i64,
    #[prost(int64, tag = "5")]
    duration_nanos: i64,
    #[prost(string, repeated, tag = "6")]
    comments: Vec<String>,
    #[prost(string, tag = "7")]
    doc_url: String,
    #[prost(string, tag = "8")]
    drop_frames: String,
    #[prost(string, tag = "9")]
    keep_frames: String,
    #[prost(message, repeated, tag = "10")]
    mappings: Vec<MappingMessage>,
    #[prost(string, repeated, tag = "11")]
    label_keys: Vec<String>,
    #[prost(uint64, tag = "12")]
    samples: u64,
    #[prost(uint64, tag = "13")]
    locations: u64,
    #[prost(uint64, tag = "14")]
    functions: u64,
}

#[derive(Clone, PartialEq, prost::Message)]
struct MappingMessage {
    #[prost(string, tag = "1")]
    file: String,
    #[prost(string, tag = "2")]
    build_id: String,
    #[prost(bool, tag = "3")]
    has_functions: bool,
    #[prost(uint64, tag = "4")]
    memory_start: u64,
    #[prost(uint64, tag = "5")]
    memory_limit: u64,
}

impl From<&Details> for DetailsMessage {
    fn from(d: &Details) -> DetailsMessage {
        DetailsMessage {
            totals: d.totals.clone(),
            period_type: d.period_type.as_ref().map(|t| ValueTypeMessage {
                name: t.name.clone(),
                unit: t.unit.clone(),
            }),
            period: d.period,
            time_nanos: d.time_nanos,
            duration_nanos: d.duration_nanos,
            comments: d.comments.clone(),
            doc_url: d.doc_url.clone(),
            drop_frames: d.drop_frames.clone(),
            keep_frames: d.keep_frames.clone(),
            mappings: d
                .mappings
                .iter()
                .map(|m| MappingMessage {
                    file: m.file.clone(),
                    build_id: m.build_id.clone(),
                    has_functions: m.has_functions,
                    memory_start: m.memory_start,
                    memory_limit: m.memory_limit,
                })
                .collect(),
            label_keys: d.label_keys.clone(),
            samples: d.samples,
            locations: d.locations,
            functions: d.functions,
        }
    }
}

impl From<DetailsMessage> for Details {
    fn from(m: DetailsMessage) -> Details {
        Details {
            totals: m.totals,
            period_type: m.period_type.map(|t| ValueType {
                name: t.name,
                unit: t.unit,
            }),
            period: m.period,
            time_nanos: m.time_nanos,
            duration_nanos: m.duration_nanos,
            comments: m.comments,
            doc_url: m.doc_url,
            drop_frames: m.drop_frames,
            keep_frames: m.keep_frames,
            mappings: m
                .mappings
                .into_iter()
                .map(|m| MappingDetails {
                    file: m.file,
                    build_id: m.build_id,
                    has_functions: m.has_functions,
                    memory_start: m.memory_start,
                    memory_limit: m.memory_limit,
                })
                .collect(),
            label_keys: m.label_keys,
            samples: m.samples,
            locations: m.locations,
            functions: m.functions,
        }
    }
}

#[derive(Clone, PartialEq, prost::Message)]
struct DrawingMessage {
    #[prost(string, repeated, tag = "1")]
    legend: Vec<String>,
    #[prost(message, repeated, tag = "2")]
    nodes: Vec<NodeMessage>,
    #[prost(message, repeated, tag = "3")]
    edges: Vec<EdgeMessage>,
    #[prost(double, tag = "4")]
    width: f64,
    #[prost(double, tag = "5")]
    height: f64,
    #[prost(int64, tag = "6")]
    total: i64,
    #[prost(string, tag = "7")]
    unit: String,
    #[prost(string, tag = "8")]
    output_unit: String,
}

#[derive(Clone, PartialEq, prost::Message)]
struct NodeMessage {
    #[prost(string, tag = "1")]
    name: String,
    #[prost(int64, tag = "2")]
    flat: i64,
    #[prost(int64, tag = "3")]
    cum: i64,
    #[prost(string, repeated, tag = "4")]
    lines: Vec<String>,
    /// Font size, then the box's centre and size.
    #[prost(double, repeated, tag = "5")]
    geometry: Vec<f64>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct EdgeMessage {
    #[prost(uint32, tag = "1")]
    caller: u32,
    #[prost(uint32, tag = "2")]
    callee: u32,
    #[prost(int64, tag = "3")]
    weight: i64,
    #[prost(bool, tag = "4")]
    residual: bool,
    #[prost(bool, tag = "5")]
    inline: bool,
    #[prost(string, tag = "6")]
    label: String,
    /// The route's points as x, y pairs.
    #[prost(double, repeated, tag = "7")]
    route: Vec<f64>,
}

/// Why bytes are not a moved call tree or summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferError {
    Protobuf(String),
    Tree(InvalidTree),
    /// The summary's default value type is not one of its value types.
    DefaultValueType,
    /// A drawn edge names a node that is not there, or a node or route is cut short.
    Drawing,
}

impl std::fmt::Display for TransferError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TransferError::Protobuf(e) => write!(f, "the engine's answer is damaged ({e})"),
            TransferError::Tree(e) => write!(f, "the engine's call tree is damaged: {e}"),
            TransferError::DefaultValueType => {
                write!(f, "the engine's summary names no valid default value type")
            }
            TransferError::Drawing => write!(f, "the engine's call graph is damaged"),
        }
    }
}

impl std::error::Error for TransferError {}

/// A report (call tree and label totals, see [`crate::analysis::report::report_parts`]) as bytes: the
/// number of nodes as a varint, then a `TreeMessage`.
///
/// The per-node fields are appended to the rest of the message straight from the tree's
/// arrays (a message is its fields in any order), not copied into a message first: the
/// worker holds the profile, the tree and its bytes at once. The count in front lets the
/// page make its arrays exactly that long before decoding into them (decoded one by one,
/// they would double as they fill and could end half empty).
pub fn encode_report(tree: TreeParts, labels: Vec<LabelTotal>) -> Vec<u8> {
    use prost::encoding::{bool, encode_key, encode_varint, encoded_len_varint, sint64, uint32};
    use prost::encoding::{key_len, WireType};

    let frames = tree.frames.all();
    let head = TreeMessage {
        names: frames.iter().map(|f| f.name.clone()).collect(),
        files: frames.iter().map(|f| f.file.clone()).collect(),
        lines: frames.iter().map(|f| f.line).collect(),
        value_index: tree.value_index as u32,
        profile_total: tree.profile_total,
        labels: labels
            .into_iter()
            .map(|l| LabelMessage {
                numeric: l.kind == LabelKind::Num,
                key: l.key,
                value: l.value,
                total: l.total,
            })
            .collect(),
        ..TreeMessage::default()
    };
    let frames_len: usize = tree
        .frame
        .iter()
        .map(|f| encoded_len_varint(u64::from(f.0)))
        .sum();
    let frames_field_len = if tree.frame.is_empty() {
        0
    } else {
        key_len(6) + encoded_len_varint(frames_len as u64) + frames_len
    };
    let mut bytes = Vec::new();
    encode_varint(tree.frame.len() as u64, &mut bytes);
    head.encode(&mut bytes)
        .expect("a Vec grows to take any message");
    bytes.reserve_exact(
        frames_field_len
            + uint32::encoded_len_packed(7, &tree.depth)
            + sint64::encoded_len_packed(8, &tree.self_value)
            + bool::encoded_len_packed(9, &tree.inlined),
    );
    if !tree.frame.is_empty() {
        encode_key(6, WireType::LengthDelimited, &mut bytes);
        encode_varint(frames_len as u64, &mut bytes);
        for frame in &tree.frame {
            encode_varint(u64::from(frame.0), &mut bytes);
        }
    }
    uint32::encode_packed(7, &tree.depth, &mut bytes);
    sint64::encode_packed(8, &tree.self_value, &mut bytes);
    bool::encode_packed(9, &tree.inlined, &mut bytes);
    bytes
}

/// A report from [`encode_report`]'s bytes, read from any buffer (the page reads them from
/// the worker's message a piece at a time rather than copying them whole first).
pub fn decode_report(mut message: impl prost::bytes::Buf) -> Result<Report, TransferError> {
    let damaged = |e: prost::DecodeError| TransferError::Protobuf(e.to_string());
    let count = prost::encoding::decode_varint(&mut message).map_err(damaged)?;
    // Each node takes at least four bytes, so a damaged count cannot reserve much more than
    // the message's size.
    let count = (count as usize).min(message.remaining() / 4);
    let mut m = TreeMessage {
        frame: Vec::with_capacity(count),
        depth: Vec::with_capacity(count),
        self_value: Vec::with_capacity(count),
        inlined: Vec::with_capacity(count),
        ..TreeMessage::default()
    };
    m.merge(message).map_err(damaged)?;
    if m.files.len() != m.names.len() || m.lines.len() != m.names.len() {
        return Err(TransferError::Tree(InvalidTree::Lengths));
    }
    let frames = m
        .names
        .into_iter()
        .zip(m.files)
        .zip(m.lines)
        .map(|((name, file), line)| Frame { name, file, line })
        .collect();
    let labels = m
        .labels
        .into_iter()
        .map(|l| LabelTotal {
            kind: if l.numeric {
                LabelKind::Num
            } else {
                LabelKind::Str
            },
            key: l.key,
            value: l.value,
            total: l.total,
        })
        .collect();
    let tree = CallTree::from_parts(TreeParts {
        frames: Frames::from_frames(frames),
        value_index: m.value_index as usize,
        profile_total: m.profile_total,
        frame: m.frame.into_iter().map(FrameId).collect(),
        depth: m.depth,
        self_value: m.self_value,
        inlined: m.inlined,
    })
    .map_err(TransferError::Tree)?;
    Ok(Report { tree, labels })
}

/// A laid-out call graph as bytes.
pub fn encode_drawing(drawing: &GraphDrawing) -> Vec<u8> {
    DrawingMessage {
        legend: drawing.legend.clone(),
        nodes: drawing
            .nodes
            .iter()
            .map(|n| NodeMessage {
                name: n.name.clone(),
                flat: n.flat,
                cum: n.cum,
                lines: n.lines.clone(),
                geometry: vec![n.font, n.x, n.y, n.width, n.height],
            })
            .collect(),
        edges: drawing
            .edges
            .iter()
            .map(|e| EdgeMessage {
                caller: e.caller as u32,
                callee: e.callee as u32,
                weight: e.weight,
                residual: e.residual,
                inline: e.inline,
                label: e.label.clone(),
                route: e.route.iter().flat_map(|&(x, y)| [x, y]).collect(),
            })
            .collect(),
        width: drawing.width,
        height: drawing.height,
        total: drawing.total,
        unit: drawing.unit.clone(),
        output_unit: drawing.output_unit.clone(),
    }
    .encode_to_vec()
}

/// A laid-out call graph from [`encode_drawing`]'s bytes, its edges checked to join its nodes.
pub fn decode_drawing(bytes: &[u8]) -> Result<GraphDrawing, TransferError> {
    let m = DrawingMessage::decode(bytes).map_err(|e| TransferError::Protobuf(e.to_string()))?;
    let count = m.nodes.len();
    let nodes = m
        .nodes
        .into_iter()
        .map(|n| match n.geometry[..] {
            [font, x, y, width, height] => Ok(DrawnNode {
                name: n.name,
                flat: n.flat,
                cum: n.cum,
                lines: n.lines,
                font,
                x,
                y,
                width,
                height,
            }),
            _ => Err(TransferError::Drawing),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let edges = m
        .edges
        .into_iter()
        .map(|e| {
            let joins = (e.caller as usize) < count && (e.callee as usize) < count;
            if !joins || e.route.len() < 4 || e.route.len() % 2 != 0 {
                return Err(TransferError::Drawing);
            }
            Ok(DrawnEdge {
                caller: e.caller as usize,
                callee: e.callee as usize,
                weight: e.weight,
                residual: e.residual,
                inline: e.inline,
                label: e.label,
                route: e.route.chunks(2).map(|p| (p[0], p[1])).collect(),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(GraphDrawing {
        legend: m.legend,
        nodes,
        edges,
        width: m.width,
        height: m.height,
        total: m.total,
        unit: m.unit,
        output_unit: m.output_unit,
    })
}

/// What the page needs to know of a profile that stays in the worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub value_types: Vec<ValueType>,
    /// Always an index into `value_types`, which is never empty.
    pub default_value_index: usize,
    /// What the profile says of itself, for the details panel.
    pub details: Details,
}

impl Summary {
    pub fn of(profile: &Profile) -> Summary {
        Summary {
            value_types: profile.value_types.clone(),
            default_value_index: profile.default_value_index,
            details: Details::of(profile),
        }
    }

    /// As [`Profile::value_index`].
    pub fn value_index(&self, spec: &str) -> Result<usize, UnknownValueType> {
        find_value_type(&self.value_types, self.default_value_index, spec)
    }

    pub fn encode(&self) -> Vec<u8> {
        SummaryMessage {
            value_types: self
                .value_types
                .iter()
                .map(|t| ValueTypeMessage {
                    name: t.name.clone(),
                    unit: t.unit.clone(),
                })
                .collect(),
            default_value_index: self.default_value_index as u32,
            details: Some((&self.details).into()),
        }
        .encode_to_vec()
    }

    pub fn decode(bytes: &[u8]) -> Result<Summary, TransferError> {
        let m =
            SummaryMessage::decode(bytes).map_err(|e| TransferError::Protobuf(e.to_string()))?;
        if m.default_value_index as usize >= m.value_types.len() {
            return Err(TransferError::DefaultValueType);
        }
        Ok(Summary {
            value_types: m
                .value_types
                .into_iter()
                .map(|t| ValueType {
                    name: t.name,
                    unit: t.unit,
                })
                .collect(),
            default_value_index: m.default_value_index as usize,
            details: m.details.map(Details::from).unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::folded;

    fn profile() -> Profile {
        folded::parse("main;a;b 3\nmain;a 2\nmain;c;b 5\nother -4\n").unwrap()
    }

    fn report() -> Report {
        Report {
            tree: CallTree::build(&profile(), 0),
            labels: vec![LabelTotal {
                kind: LabelKind::Num,
                key: "bytes".into(),
                value: "512".into(),
                total: 7,
            }],
        }
    }

    #[test]
    fn a_drawing_survives_the_move_and_a_damaged_one_is_refused() {
        use crate::analysis::call_graph::{call_graph, GraphOptions};
        use crate::analysis::filter::Filters;
        use crate::model::frames::Granularity;
        let graph = call_graph(&profile(), 0, &Filters::default(), &GraphOptions::default());
        let drawing = GraphDrawing::new(&graph, "count", Granularity::Functions);
        assert!(!drawing.edges.is_empty());
        let bytes = encode_drawing(&drawing);
        assert_eq!(decode_drawing(&bytes), Ok(drawing.clone()));
        let mut broken = drawing.clone();
        broken.edges[0].callee = drawing.nodes.len();
        assert_eq!(
            decode_drawing(&encode_drawing(&broken)),
            Err(TransferError::Drawing)
        );
        assert!(decode_drawing(&bytes[..bytes.len() / 2]).is_err());
    }

    #[test]
    fn a_report_survives_the_move() {
        let report = report();
        let tree = &report.tree;
        let moved = decode_report(&encode(report.clone())[..]).unwrap();
        assert_eq!(moved.labels, report.labels);
        let moved = moved.tree;
        assert_eq!(moved.folded_stacks(), tree.folded_stacks());
        assert_eq!(moved.function_table(), tree.function_table());
        assert_eq!(moved.profile_total(), tree.profile_total());
        assert_eq!(moved.len(), tree.len());
        for n in 0..tree.len() as u32 {
            let node = crate::analysis::call_tree::NodeId(n);
            assert_eq!(moved.parent(node), tree.parent(node));
            assert_eq!(moved.subtree_end(node), tree.subtree_end(node));
            assert_eq!(moved.total_value(node), tree.total_value(node));
        }
    }

    fn encode(report: Report) -> Vec<u8> {
        encode_report(report.tree.into_parts(), report.labels)
    }

    /// The message of a report's bytes, and the bytes of a message, its count in front.
    fn message_of(mut bytes: &[u8]) -> TreeMessage {
        prost::encoding::decode_varint(&mut bytes).unwrap();
        TreeMessage::decode(bytes).unwrap()
    }

    fn bytes_of(m: &TreeMessage) -> Vec<u8> {
        let mut bytes = Vec::new();
        prost::encoding::encode_varint(m.frame.len() as u64, &mut bytes);
        m.encode(&mut bytes).unwrap();
        bytes
    }

    #[test]
    fn damaged_trees_are_refused() {
        let bytes = encode(report());
        assert!(matches!(
            decode_report(&bytes[..bytes.len() / 2]),
            Err(TransferError::Protobuf(_))
        ));
        let mut m = message_of(&bytes);
        m.depth[2] = 7;
        assert_eq!(
            decode_report(&bytes_of(&m)[..]).unwrap_err(),
            TransferError::Tree(InvalidTree::Depth { node: 2 })
        );
        let mut m = message_of(&bytes);
        m.frame[1] = 99;
        assert_eq!(
            decode_report(&bytes_of(&m)[..]).unwrap_err(),
            TransferError::Tree(InvalidTree::Frame { node: 1 })
        );
        // A wrong count in front only makes the arrays start at another size.
        let m = message_of(&bytes);
        for count in [0, 1, u64::MAX] {
            let mut wrong = Vec::new();
            prost::encoding::encode_varint(count, &mut wrong);
            m.encode(&mut wrong).unwrap();
            let moved = decode_report(&wrong[..]).unwrap().tree;
            assert_eq!(moved.folded_stacks(), report().tree.folded_stacks());
        }
        let mut m = message_of(&bytes);
        m.inlined.pop();
        assert_eq!(
            decode_report(&bytes_of(&m)[..]).unwrap_err(),
            TransferError::Tree(InvalidTree::Lengths)
        );
    }

    #[test]
    fn a_summary_survives_the_move() {
        let mut profile = profile();
        profile.comments = vec!["a comment".into()];
        profile.doc_url = "https://example.com/doc".into();
        (profile.duration_nanos, profile.time_nanos, profile.period) = (3, 4, 5);
        let summary = Summary::of(&profile);
        assert_eq!(summary.details.totals.len(), 1);
        assert_eq!(Summary::decode(&summary.encode()).unwrap(), summary);
        assert_eq!(summary.value_index("samples"), Ok(0));
        let empty = SummaryMessage::default().encode_to_vec();
        assert_eq!(
            Summary::decode(&empty),
            Err(TransferError::DefaultValueType)
        );
    }
}
