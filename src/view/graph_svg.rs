//! A call graph drawn by Scorch's own layout as a self-contained SVG: pprof's boxes (short
//! name, flat and cum with percentages, font size by flat, colour by cum), edges as curves
//! through their layers with arrowheads, widened by weight, dotted when residual, labelled
//! with their weight. Also the box sizes and labels the page draws. Depends on the call
//! graph, its layout and the DOT module's names, units and colours.

use std::fmt::Write;

use crate::analysis::call_graph::CallGraph;
use crate::analysis::tags::scaled_label;
use crate::model::frames::Granularity;
use crate::view::dot::{
    color, font_size, label_lines, legend_counts, max_flat, output_unit, percentage,
};
use crate::view::graph_layout::{layout, Layout, Size};

/// One node's box: its text lines and font size (pprof's 8 to 24 by flat).
#[derive(Debug, Clone, PartialEq)]
pub struct NodeBox {
    pub lines: Vec<String>,
    pub font: f64,
    pub size: Size,
}

/// Characters are taken as this share of the font size wide (a monospace-ish estimate, so
/// the layout needs no text measuring).
const CHAR_WIDTH: f64 = 0.62;
const LINE_HEIGHT: f64 = 1.25;
const PADDING: f64 = 8.0;

/// The boxes of `graph`'s nodes, with values in `unit` scaled as pprof scales them.
pub fn node_boxes(graph: &CallGraph, unit: &str, granularity: Granularity) -> Vec<NodeBox> {
    let output = output_unit(graph, unit);
    let value = |v: i64| scaled_label(v, unit, &output);
    let max_flat = max_flat(graph);
    graph
        .nodes
        .iter()
        .map(|node| {
            let mut lines = label_lines(graph.frames.name(node.frame), granularity);
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
            let size = Size {
                width: chars * font * CHAR_WIDTH + 2.0 * PADDING,
                height: lines.len() as f64 * font * LINE_HEIGHT + PADDING,
            };
            NodeBox { lines, font, size }
        })
        .collect()
}

/// The graph's boxes and their layout.
pub fn arrange(graph: &CallGraph, boxes: &[NodeBox]) -> Layout {
    let sizes: Vec<Size> = boxes.iter().map(|b| b.size).collect();
    let edges: Vec<(usize, usize)> = graph.edges.iter().map(|e| (e.caller, e.callee)).collect();
    layout(&sizes, &edges)
}

/// An SVG path through `points`: straight for two, else a Catmull-Rom curve as cubic
/// Béziers.
pub fn curve(points: &[(f64, f64)]) -> String {
    let mut d = String::new();
    let Some(&(x0, y0)) = points.first() else {
        return d;
    };
    let _ = write!(d, "M{x0:.1},{y0:.1}");
    for i in 1..points.len() {
        let (p1, p2) = (points[i - 1], points[i]);
        let p0 = if i >= 2 { points[i - 2] } else { p1 };
        let p3 = *points.get(i + 1).unwrap_or(&p2);
        let c1 = (p1.0 + (p2.0 - p0.0) / 6.0, p1.1 + (p2.1 - p0.1) / 6.0);
        let c2 = (p2.0 - (p3.0 - p1.0) / 6.0, p2.1 - (p3.1 - p1.1) / 6.0);
        let _ = write!(
            d,
            " C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
            c1.0, c1.1, c2.0, c2.1, p2.0, p2.1
        );
    }
    d
}

/// XML text escaping.
fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The whole graph as an SVG file titled `title`.
pub fn write(graph: &CallGraph, title: &str, unit: &str, granularity: Granularity) -> String {
    let boxes = node_boxes(graph, unit, granularity);
    let placed = arrange(graph, &boxes);
    let output = output_unit(graph, unit);
    let value = |v: i64| scaled_label(v, unit, &output);
    let legend = std::iter::once(title.to_string())
        .chain(legend_counts(graph, &value))
        .collect::<Vec<_>>();
    let top = 16.0 + 16.0 * legend.len() as f64;
    let (width, height) = (placed.width.max(480.0), placed.height + top);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"sans-serif\">"
    );
    let _ = writeln!(
        out,
        "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"9\" \
         markerHeight=\"9\" markerUnits=\"userSpaceOnUse\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" \
         fill=\"context-stroke\"/></marker></defs>"
    );
    let _ = writeln!(
        out,
        "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>"
    );
    for (i, line) in legend.iter().enumerate() {
        let _ = writeln!(
            out,
            "<text x=\"16\" y=\"{:.0}\" font-size=\"{}\">{}</text>",
            22.0 + 16.0 * i as f64,
            if i == 0 { 14 } else { 12 },
            xml(line)
        );
    }
    let _ = writeln!(out, "<g transform=\"translate(0,{top:.0})\">");
    let total = graph.total.unsigned_abs().max(1) as f64;
    for (e, edge) in graph.edges.iter().enumerate() {
        let share = edge.weight as f64 / total;
        let pen = 1.0 + (share.abs() * 5.0).floor().min(5.0);
        let route = &placed.routes[e];
        let _ = writeln!(
            out,
            "<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{pen}\"{} marker-end=\"url(#arrow)\"><title>{} {} {} ({})</title></path>",
            curve(route),
            color(share, false),
            if edge.residual { " stroke-dasharray=\"3,3\"" } else { "" },
            xml(graph.frames.name(graph.nodes[edge.caller].frame)),
            if edge.residual { "..." } else { "->" },
            xml(graph.frames.name(graph.nodes[edge.callee].frame)),
            xml(&value(edge.weight)),
        );
        if let Some(&(x, y)) = route.get(route.len() / 2) {
            let label = if edge.inline {
                format!("{} (inline)", value(edge.weight))
            } else {
                value(edge.weight)
            };
            let _ = writeln!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9\" fill=\"#555555\">{}</text>",
                x + 4.0,
                y,
                xml(&label)
            );
        }
    }
    for (i, (node, b)) in graph.nodes.iter().zip(&boxes).enumerate() {
        let (cx, cy) = placed.centers[i];
        let (w, h) = (b.size.width, b.size.height);
        let share = node.cum as f64 / total;
        let _ = writeln!(
            out,
            "<g data-name=\"{}\" data-flat=\"{}\" data-cum=\"{}\"><title>{} ({})</title>\
             <rect x=\"{:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" rx=\"3\" fill=\"{}\" stroke=\"{}\"/>",
            xml(graph.frames.name(node.frame)),
            node.flat,
            node.cum,
            xml(graph.frames.name(node.frame)),
            xml(&value(node.cum)),
            cx - w / 2.0,
            cy - h / 2.0,
            color(share, true),
            color(share, false),
        );
        for (l, line) in b.lines.iter().enumerate() {
            let y = cy - h / 2.0 + PADDING / 2.0 + b.font * LINE_HEIGHT * (l as f64 + 0.8);
            let _ = writeln!(
                out,
                "<text x=\"{cx:.1}\" y=\"{y:.1}\" font-size=\"{}\" text-anchor=\"middle\">{}</text>",
                b.font,
                xml(line)
            );
        }
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::call_graph::{call_graph, GraphOptions};
    use crate::analysis::filter::Filters;
    use crate::input::folded;

    #[test]
    fn every_node_is_an_element_with_its_exact_values() {
        let profile = folded::parse("main;a;b 3\nmain;c;b 5\nmain;a;d 2\n").unwrap();
        let graph = call_graph(&profile, 0, &Filters::default(), &GraphOptions::default());
        let svg = write(&graph, "t<1>", "count", Granularity::Functions);
        for node in &graph.nodes {
            let element = format!(
                "<g data-name=\"{}\" data-flat=\"{}\" data-cum=\"{}\">",
                graph.frames.name(node.frame),
                node.flat,
                node.cum
            );
            assert!(svg.contains(&element), "{element}");
        }
        assert_eq!(svg.matches("<g data-name=").count(), graph.nodes.len());
        assert_eq!(svg.matches("marker-end").count(), graph.edges.len());
        assert!(svg.contains("t&lt;1&gt;"));
    }

    #[test]
    fn curves_pass_through_their_points() {
        assert_eq!(
            curve(&[(0.0, 0.0), (0.0, 10.0)]),
            "M0.0,0.0 C0.0,1.7 0.0,8.3 0.0,10.0"
        );
        assert!(curve(&[(0.0, 0.0), (5.0, 10.0), (0.0, 20.0)]).ends_with(" 0.0,20.0"));
    }
}
