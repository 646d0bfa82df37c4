//! A laid-out call graph as SVG: pprof's boxes (label lines, font size by flat, colour by
//! cum), edges as curves through their layers with arrowheads, widened by weight, dotted when
//! residual, labelled with their weight. The same markup is a file of its own (with the
//! legend, for export and `scorch graph --format svg`) and the page's Graph view (themed,
//! each node and edge an element the page finds by `data-node` and `data-edge`). Depends on
//! the drawing, pprof's colours and the theme.

use std::fmt::Write;

use crate::view::color::Theme;
use crate::view::dot::{color, shaded_color};
use crate::view::graph_drawing::{GraphDrawing, LINE_HEIGHT, PADDING};

/// How the SVG is written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SvgStyle<'a> {
    pub theme: Theme,
    /// Blue instead of pprof's green for what shrank, told apart from red with any colour
    /// blindness.
    pub colour_blind: bool,
    /// A file of its own: sized, on a background, with this title over the legend. `None`
    /// for the page, which sizes it, shows the legend itself and gives the tooltips.
    pub file: Option<&'a str>,
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

/// The middle of a route: its middle point, or halfway along its middle segment.
fn middle(route: &[(f64, f64)]) -> Option<(f64, f64)> {
    let n = route.len();
    if n % 2 == 1 {
        return Some(route[n / 2]);
    }
    let (a, b) = (route.get((n / 2).checked_sub(1)?)?, route.get(n / 2)?);
    Some(((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0))
}

/// XML text escaping.
fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// pprof's colour for a share of the total: its own in the light theme; in the dark one the
/// same hues, dark for a fill and bright for a line. For colour blindness a negative share
/// (what shrank) is blue instead of green: its green and blue channels swapped.
pub fn share_color(share: f64, background: bool, theme: Theme, colour_blind: bool) -> String {
    let color = match theme {
        Theme::Light => color(share, background),
        Theme::Dark => {
            let (saturation, value) = if background {
                (0.5, 0.28)
            } else {
                (0.75, 0.75)
            };
            shaded_color(share, saturation, value)
        }
    };
    match colour_blind && share < 0.0 {
        true => format!("#{}{}{}", &color[1..3], &color[5..7], &color[3..5]),
        false => color,
    }
}

/// The colour of text and of edge labels.
fn ink(theme: Theme) -> (&'static str, &'static str) {
    match theme {
        Theme::Light => ("#000000", "#555555"),
        Theme::Dark => ("#e6e6e6", "#a8a8a8"),
    }
}

/// The drawing as SVG.
pub fn write(drawing: &GraphDrawing, style: &SvgStyle<'_>) -> String {
    let (text, faint) = ink(style.theme);
    let mut out = String::new();
    let legend: Vec<&str> = match style.file {
        Some(title) => std::iter::once(title)
            .chain(drawing.legend.iter().map(String::as_str))
            .collect(),
        None => Vec::new(),
    };
    let top = if legend.is_empty() {
        0.0
    } else {
        16.0 + 16.0 * legend.len() as f64
    };
    let (width, height) = (drawing.width.max(1.0), drawing.height.max(1.0));
    if style.file.is_some() {
        let (width, height) = (width.max(480.0), height + top);
        let _ = writeln!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
             viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"sans-serif\">"
        );
    } else {
        let _ = writeln!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
             viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"sans-serif\">"
        );
    }
    let _ = writeln!(
        out,
        "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"9\" \
         markerHeight=\"9\" markerUnits=\"userSpaceOnUse\" orient=\"auto-start-reverse\"><path \
         d=\"M0,0 L10,5 L0,10 z\" fill=\"context-stroke\"/></marker></defs>"
    );
    if style.file.is_some() {
        let background = match style.theme {
            Theme::Light => "#ffffff",
            Theme::Dark => "#1e1e1e",
        };
        let _ = writeln!(
            out,
            "<rect width=\"100%\" height=\"100%\" fill=\"{background}\"/>"
        );
    }
    for (i, line) in legend.iter().enumerate() {
        let _ = writeln!(
            out,
            "<text x=\"16\" y=\"{:.0}\" font-size=\"{}\" fill=\"{text}\">{}</text>",
            22.0 + 16.0 * i as f64,
            if i == 0 { 14 } else { 12 },
            xml(line)
        );
    }
    let _ = writeln!(out, "<g transform=\"translate(0,{top:.0})\">");
    for (e, edge) in drawing.edges.iter().enumerate() {
        let share = drawing.share(edge.weight);
        let pen = 1.0 + (share.abs() * 5.0).floor().min(5.0);
        let d = curve(&edge.route);
        let caller = &drawing.nodes[edge.caller].name;
        let callee = &drawing.nodes[edge.callee].name;
        let _ = write!(
            out,
            "<g class=\"edge\" data-edge=\"{e}\" data-caller=\"{}\" data-callee=\"{}\" \
             data-weight=\"{}\">",
            xml(caller),
            xml(callee),
            edge.weight
        );
        if style.file.is_some() {
            let _ = write!(
                out,
                "<title>{} {} {} ({})</title>",
                xml(caller),
                if edge.residual { "..." } else { "->" },
                xml(callee),
                xml(&edge.label)
            );
        } else {
            // A wide clear stroke under the line, so a thin edge is easy to point at.
            let _ = write!(
                out,
                "<path class=\"hit\" d=\"{d}\" fill=\"none\" stroke=\"transparent\" \
                 stroke-width=\"10\"/>"
            );
        }
        let _ = write!(
            out,
            "<path d=\"{d}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{pen}\"{} \
             marker-end=\"url(#arrow)\"/>",
            share_color(share, false, style.theme, style.colour_blind),
            if edge.residual {
                " stroke-dasharray=\"3,3\""
            } else {
                ""
            },
        );
        if let Some((x, y)) = middle(&edge.route) {
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9\" fill=\"{faint}\">{}</text>",
                x + 4.0,
                y,
                xml(&edge.label)
            );
        }
        out.push_str("</g>\n");
    }
    for (i, node) in drawing.nodes.iter().enumerate() {
        let share = drawing.share(node.cum);
        let (left, top) = drawing.corner(i);
        let _ = write!(
            out,
            "<g class=\"node\" data-node=\"{i}\" data-name=\"{}\" data-flat=\"{}\" data-cum=\"{}\">",
            xml(&node.name),
            node.flat,
            node.cum,
        );
        if style.file.is_some() {
            let _ = write!(
                out,
                "<title>{} ({})</title>",
                xml(&node.name),
                xml(&drawing.value(node.cum))
            );
        }
        let _ = write!(
            out,
            "<rect x=\"{left:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"3\" \
             fill=\"{}\" stroke=\"{}\"/>",
            node.width,
            node.height,
            share_color(share, true, style.theme, style.colour_blind),
            share_color(share, false, style.theme, style.colour_blind),
        );
        for (l, line) in node.lines.iter().enumerate() {
            let y = top + PADDING / 2.0 + node.font * LINE_HEIGHT * (l as f64 + 0.8);
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{y:.1}\" font-size=\"{}\" text-anchor=\"middle\" \
                 fill=\"{text}\">{}</text>",
                node.x,
                node.font,
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
    use crate::model::frames::Granularity;

    #[test]
    fn every_node_is_an_element_with_its_exact_values() {
        let profile = folded::parse("main;a;b 3\nmain;c;b 5\nmain;a;<d> 2\n").unwrap();
        let graph = call_graph(&profile, 0, &Filters::default(), &GraphOptions::default());
        let drawing = GraphDrawing::new(&graph, "count", Granularity::Functions);
        for file in [Some("t<1>"), None] {
            let svg = write(
                &drawing,
                &SvgStyle {
                    theme: Theme::Dark,
                    colour_blind: false,
                    file,
                },
            );
            for (i, node) in graph.nodes.iter().enumerate() {
                let element = format!(
                    "<g class=\"node\" data-node=\"{i}\" data-name=\"{}\" data-flat=\"{}\" data-cum=\"{}\">",
                    xml(graph.frames.name(node.frame)),
                    node.flat,
                    node.cum
                );
                assert!(svg.contains(&element), "{element}");
            }
            assert_eq!(svg.matches("<g class=\"node\"").count(), graph.nodes.len());
            assert_eq!(svg.matches("marker-end").count(), graph.edges.len());
            assert!(svg.contains("&lt;d&gt;") && !svg.contains("<d>"));
            assert_eq!(svg.contains("t&lt;1&gt;"), file.is_some());
            assert_eq!(svg.contains("<title>"), file.is_some());
        }
    }

    #[test]
    fn labels_go_halfway_along() {
        assert_eq!(middle(&[]), None);
        assert_eq!(middle(&[(0.0, 0.0), (4.0, 8.0)]), Some((2.0, 4.0)));
        assert_eq!(
            middle(&[(0.0, 0.0), (1.0, 1.0), (4.0, 8.0)]),
            Some((1.0, 1.0))
        );
    }

    #[test]
    fn curves_pass_through_their_points() {
        assert_eq!(
            curve(&[(0.0, 0.0), (0.0, 10.0)]),
            "M0.0,0.0 C0.0,1.7 0.0,8.3 0.0,10.0"
        );
        assert!(curve(&[(0.0, 0.0), (5.0, 10.0), (0.0, 20.0)]).ends_with(" 0.0,20.0"));
    }

    #[test]
    fn the_light_theme_has_pprof_colours_and_the_dark_one_dark_fills() {
        assert_eq!(
            share_color(0.5, true, Theme::Light, false),
            color(0.5, true)
        );
        let fill = share_color(0.5, true, Theme::Dark, false);
        let red = u8::from_str_radix(&fill[1..3], 16).unwrap();
        assert!(red < 0x60, "{fill}");
        assert_ne!(fill, share_color(-0.5, true, Theme::Dark, false));
        // Shrank: green in pprof's colours, blue in the colour-blind ones; grew stays red.
        let channel = |c: &str, i: usize| u8::from_str_radix(&c[i..i + 2], 16).unwrap();
        let green = share_color(-0.8, false, Theme::Light, false);
        let blue = share_color(-0.8, false, Theme::Light, true);
        assert!(channel(&green, 3) > channel(&green, 5) && channel(&blue, 5) > channel(&blue, 3));
        assert_eq!(
            share_color(0.8, false, Theme::Light, true),
            share_color(0.8, false, Theme::Light, false)
        );
    }
}
