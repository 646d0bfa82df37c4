//! A call graph laid out, as plain data: each node's box (pprof's label lines, font size by
//! flat, place), each edge's route and label, and the legend. What the page draws and the SVG
//! file is written from, built where the graph is (the engine's worker) and moved as bytes,
//! with the graph's DOT file. Depends on the call graph, the layout and the DOT module.

use crate::analysis::call_graph::{call_graph_paused, CallGraph, GraphOptions, GraphStep};
use crate::analysis::options::{DiffMode, FilterSpec};
use crate::analysis::pause::{without_pauses, NoPause, Pause};
use crate::analysis::tags::scaled_label;
use crate::model::frames::Granularity;
use crate::model::profile::Profile;
use crate::view::dot::{
    self, filter_lines, font_size, label_lines, legend_counts, max_flat, output_unit, percentage,
    DotOptions,
};
use crate::view::graph_layout::{layout, Size};

/// The call graph, laid out.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GraphDrawing {
    /// pprof's legend lines on what is shown and what was dropped.
    pub legend: Vec<String>,
    pub nodes: Vec<DrawnNode>,
    /// Heaviest first, as the call graph orders them.
    pub edges: Vec<DrawnEdge>,
    pub width: f64,
    pub height: f64,
    /// pprof's total, the 100% of shares.
    pub total: i64,
    /// The value type's unit, and the unit labels are written in (pprof's output unit).
    pub unit: String,
    pub output_unit: String,
}

/// A node's box.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DrawnNode {
    /// The frame's full name.
    pub name: String,
    pub flat: i64,
    pub cum: i64,
    /// pprof's label: the short name split on package boundaries, then flat and cum.
    pub lines: Vec<String>,
    /// Font size in pixels (pprof's 8 to 24, by flat).
    pub font: f64,
    /// The box's centre and size.
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// An edge from node `caller` to node `callee` (indices into [`GraphDrawing::nodes`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DrawnEdge {
    pub caller: usize,
    pub callee: usize,
    pub weight: i64,
    /// Through dropped frames: drawn dotted.
    pub residual: bool,
    /// Every call was inlined.
    pub inline: bool,
    /// The weight as pprof writes it on the edge, with "(inline)" when inlined.
    pub label: String,
    /// From the caller's box to the callee's, at least two points.
    pub route: Vec<(f64, f64)>,
}

/// Characters are taken as this share of the font size wide (a monospace-ish estimate, so
/// the layout needs no text measuring).
pub const CHAR_WIDTH: f64 = 0.62;
pub const LINE_HEIGHT: f64 = 1.25;
pub const PADDING: f64 = 8.0;

impl GraphDrawing {
    /// `graph` laid out, with values in `unit` (the value type's) scaled as pprof scales them.
    pub fn new(graph: &CallGraph, unit: &str, granularity: Granularity) -> GraphDrawing {
        let output = output_unit(graph, unit);
        let value = |v: i64| scaled_label(v, unit, &output);
        let max_flat = max_flat(graph);
        let mut nodes: Vec<DrawnNode> = graph
            .nodes
            .iter()
            .map(|node| {
                let name = graph.frames.name(node.frame);
                let mut lines = label_lines(name, granularity);
                if node.flat != 0 {
                    lines.push(format!(
                        "{} ({})",
                        value(node.flat),
                        percentage(node.flat, graph.total)
                    ));
                } else {
                    lines.push("0".to_string());
                }
                if node.cum != node.flat {
                    let of = format!(
                        "of {} ({})",
                        value(node.cum),
                        percentage(node.cum, graph.total)
                    );
                    if node.flat != 0 {
                        lines.push(of);
                    } else if let Some(last) = lines.last_mut() {
                        *last = format!("{last} {of}");
                    }
                }
                let font = font_size(node.flat, max_flat) as f64;
                let chars = lines.iter().map(|l| l.chars().count()).max().unwrap_or(1) as f64;
                DrawnNode {
                    name: name.to_string(),
                    flat: node.flat,
                    cum: node.cum,
                    width: chars * font * CHAR_WIDTH + 2.0 * PADDING,
                    height: lines.len() as f64 * font * LINE_HEIGHT + PADDING,
                    lines,
                    font,
                    x: 0.0,
                    y: 0.0,
                }
            })
            .collect();
        let sizes: Vec<Size> = nodes
            .iter()
            .map(|n| Size {
                width: n.width,
                height: n.height,
            })
            .collect();
        let pairs: Vec<(usize, usize)> = graph.edges.iter().map(|e| (e.caller, e.callee)).collect();
        let placed = layout(&sizes, &pairs);
        for (node, &(x, y)) in nodes.iter_mut().zip(&placed.centers) {
            (node.x, node.y) = (x, y);
        }
        let edges = graph
            .edges
            .iter()
            .zip(placed.routes)
            .map(|(edge, route)| DrawnEdge {
                caller: edge.caller,
                callee: edge.callee,
                weight: edge.weight,
                residual: edge.residual,
                inline: edge.inline,
                label: if edge.inline {
                    format!("{} (inline)", value(edge.weight))
                } else {
                    value(edge.weight)
                },
                route,
            })
            .collect();
        GraphDrawing {
            legend: legend_counts(graph, &value),
            nodes,
            edges,
            width: placed.width,
            height: placed.height,
            total: graph.total,
            unit: unit.to_string(),
            output_unit: output,
        }
    }

    /// `value` as the drawing's labels write it.
    pub fn value(&self, value: i64) -> String {
        scaled_label(value, &self.unit, &self.output_unit)
    }

    /// `value`'s share of the total, as pprof writes it.
    pub fn percentage(&self, value: i64) -> String {
        percentage(value, self.total)
    }

    /// `value` as a share of the total, signed (0 for an empty graph).
    pub fn share(&self, value: i64) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            value as f64 / self.total.unsigned_abs() as f64
        }
    }

    /// The node the graph starts from: the heaviest of the top row.
    pub fn top_node(&self) -> Option<&DrawnNode> {
        self.nodes.iter().min_by(|a, b| {
            a.y.total_cmp(&b.y)
                .then_with(|| b.cum.wrapping_abs().cmp(&a.cum.wrapping_abs()))
        })
    }

    /// Where `node`'s box starts: its top left corner.
    pub fn corner(&self, node: usize) -> (f64, f64) {
        let n = &self.nodes[node];
        (n.x - n.width / 2.0, n.y - n.height / 2.0)
    }
}

/// The call graph of `profile` for value type `index` under `spec` (compared with `base` when
/// `spec` says so), laid out, and as a DOT file titled `title`.
pub fn draw(
    profile: &Profile,
    base: Option<&Profile>,
    index: usize,
    spec: &FilterSpec,
    options: &GraphOptions,
    title: &str,
) -> Result<(GraphDrawing, String), String> {
    let mut pause = NoPause;
    without_pauses(draw_paused(
        profile, base, index, spec, options, title, &mut pause,
    ))
}

/// [`draw`], awaiting `pause` before each step: `Err` when a pause stopped it, `Ok(Err)` when
/// the request cannot be drawn (no such value type, a bad filter, a comparison without base).
pub async fn draw_paused<P: Pause<GraphStep>>(
    profile: &Profile,
    base: Option<&Profile>,
    index: usize,
    spec: &FilterSpec,
    options: &GraphOptions,
    title: &str,
    pause: &mut P,
) -> Result<Result<(GraphDrawing, String), String>, P::Stop> {
    let Some(value_type) = profile.value_types.get(index) else {
        return Ok(Err(format!("no value type {index}")));
    };
    let filters = match spec.compile() {
        Ok(filters) => filters,
        Err(e) => return Ok(Err(e.to_string())),
    };
    let base = match (spec.diff, base) {
        (DiffMode::Off, _) => None,
        (mode, Some(base)) => Some((base, mode)),
        (_, None) => return Ok(Err("no base profile is open to compare with".into())),
    };
    let graph = call_graph_paused(profile, base, index, &filters, options, pause).await?;
    pause.pause(GraphStep::LayingOut).await?;
    let drawing = GraphDrawing::new(&graph, &value_type.unit, spec.granularity);
    let dot = dot::write(
        &graph,
        &DotOptions {
            title,
            value_type: &value_type.name,
            unit: &value_type.unit,
            granularity: spec.granularity,
            filters: &filter_lines(spec),
        },
    );
    Ok(Ok((drawing, dot)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::call_graph::{call_graph, GraphOptions};
    use crate::analysis::filter::Filters;
    use crate::input::folded;

    #[test]
    fn boxes_carry_pprof_labels_and_do_not_overlap() {
        let profile = folded::parse("main;a;b 3\nmain;c;b 5\nmain;a;d 2\n").unwrap();
        let graph = call_graph(&profile, 0, &Filters::default(), &GraphOptions::default());
        let drawing = GraphDrawing::new(&graph, "count", Granularity::Functions);
        let b = drawing.nodes.iter().find(|n| n.name == "b").unwrap();
        assert_eq!(b.lines, vec!["b", "8 (80.00%)"]);
        let main = drawing.nodes.iter().find(|n| n.name == "main").unwrap();
        assert_eq!(main.lines, vec!["main", "0 of 10 (100%)"]);
        assert_eq!(drawing.top_node().map(|n| n.name.as_str()), Some("main"));
        assert_eq!(drawing.edges.len(), graph.edges.len());
        for (i, p) in drawing.nodes.iter().enumerate() {
            for q in &drawing.nodes[i + 1..] {
                let apart = (p.x - q.x).abs() * 2.0 >= p.width + q.width
                    || (p.y - q.y).abs() * 2.0 >= p.height + q.height;
                assert!(apart, "{} and {} overlap", p.name, q.name);
            }
        }
        assert!(drawing.edges.iter().all(|e| e.route.len() >= 2));
        assert_eq!(
            drawing.legend[0],
            "Showing nodes accounting for 10, 100% of 10 total"
        );
    }

    #[test]
    fn a_drawing_comes_with_its_dot_file_and_a_comparison_needs_a_base() {
        let profile = folded::parse("main;a;b 3\nmain;c;b 5\n").unwrap();
        let spec = FilterSpec::default();
        let (drawing, dot) = draw(
            &profile,
            None,
            0,
            &spec,
            &GraphOptions::default(),
            "p.pb.gz",
        )
        .unwrap();
        assert_eq!(drawing.nodes.len(), 4);
        assert!(dot.contains("File: p.pb.gz"), "{dot}");
        let compared = FilterSpec {
            diff: DiffMode::Base,
            ..FilterSpec::default()
        };
        assert!(draw(&profile, None, 0, &compared, &GraphOptions::default(), "p").is_err());
        let (diff, _) = draw(
            &profile,
            Some(&profile),
            0,
            &compared,
            &GraphOptions::default(),
            "p",
        )
        .unwrap();
        assert!(diff.nodes.is_empty(), "a profile minus itself is nothing");
    }
}
