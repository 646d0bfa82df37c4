//! A call graph as a Graphviz file that renders as `go tool pprof -dot` does: pprof's legend,
//! boxes labelled with the short name split on package boundaries and flat and cum with
//! percentages, font size by flat, colour by cum, edges weighted and widened by their share,
//! dotted residual edges and "(inline)" labels; and the pieces the page's Graph view shares
//! with it (short names, pprof's units and percentages, its colours). Label boxes are left
//! out. Depends on the call graph and the tag scaling.

use std::fmt::Write;
use std::sync::OnceLock;

use regex::Regex;

use crate::analysis::call_graph::CallGraph;
use crate::analysis::options::FilterSpec;
use crate::analysis::tags::{scale, scaled_label};
use crate::model::frames::Granularity;

/// What the legend says besides the graph's own numbers.
pub struct DotOptions<'a> {
    /// The file the profile came from (the graph's title).
    pub title: &'a str,
    /// The value type's name and unit.
    pub value_type: &'a str,
    pub unit: &'a str,
    /// The granularity the frames were built at (how their names read).
    pub granularity: Granularity,
    /// The filters in force, as `focus=...` lines.
    pub filters: &'a [String],
}

/// The graph as DOT text.
pub fn write(graph: &CallGraph, options: &DotOptions<'_>) -> String {
    let unit = output_unit(graph, options.unit);
    let value = |v: i64| scaled_label(v, options.unit, &unit);
    let mut out = String::new();
    let _ = writeln!(out, "digraph \"{}\" {{", escape(options.title));
    let _ = writeln!(out, "node [style=filled fillcolor=\"#f8f8f8\"]");
    let legend = legend(graph, options, &value);
    let _ = writeln!(
        out,
        "subgraph cluster_L {{ \"{}\" [shape=box fontsize=16 label=\"{}\\l\" tooltip=\"{}\"] }}",
        escape(&legend[0]),
        legend
            .iter()
            .map(|l| escape(l))
            .collect::<Vec<_>>()
            .join("\\l"),
        escape(options.title)
    );
    let max_flat = max_flat(graph);
    let total = graph.total;
    for (i, node) in graph.nodes.iter().enumerate() {
        let name = graph.frames.name(node.frame);
        let mut label = String::new();
        for line in label_lines(name, options.granularity) {
            label.push_str(&escape(&line));
            label.push_str("\\n");
        }
        let flat = value(node.flat);
        if node.flat != 0 {
            let _ = write!(label, "{flat} ({})", percentage(node.flat, total));
        } else {
            label.push('0');
        }
        let mut cum = flat;
        if node.cum != node.flat {
            label.push_str(if node.flat != 0 { "\\n" } else { " " });
            cum = value(node.cum);
            let _ = write!(label, "of {cum} ({})", percentage(node.cum, total));
        }
        let font = font_size(node.flat, max_flat);
        let share = node.cum as f64 / total.unsigned_abs() as f64;
        let _ = writeln!(
            out,
            "N{id} [label=\"{label}\" id=\"node{id}\" fontsize={font} shape=box tooltip=\"{} ({cum})\" color=\"{}\" fillcolor=\"{}\"]",
            escape(name),
            color(share, false),
            color(share, true),
            id = i + 1,
        );
    }
    for edge in &graph.edges {
        let weight = value(edge.weight);
        let mut attributes = format!(
            "label=\" {weight}{}\"",
            if edge.inline { "\\n (inline)" } else { "" }
        );
        if total != 0 {
            let share = |scale: i64| 1 + (edge.weight.wrapping_mul(scale) / total).abs().min(scale);
            if share(100) > 1 {
                let _ = write!(attributes, " weight={}", share(100));
            }
            if share(5) > 1 {
                let _ = write!(attributes, " penwidth={}", share(5));
            }
            let share = edge.weight as f64 / total.unsigned_abs() as f64;
            let _ = write!(attributes, " color=\"{}\"", color(share, false));
        }
        let (caller, callee) = (
            graph.frames.name(graph.nodes[edge.caller].frame),
            graph.frames.name(graph.nodes[edge.callee].frame),
        );
        let tooltip = format!(
            "\"{} {} {} ({weight})\"",
            escape(caller),
            if edge.residual { "..." } else { "->" },
            escape(callee)
        );
        let _ = write!(attributes, " tooltip={tooltip} labeltooltip={tooltip}");
        if edge.residual {
            attributes.push_str(" style=\"dotted\"");
        }
        let _ = writeln!(
            out,
            "N{} -> N{} [{attributes}]",
            edge.caller + 1,
            edge.callee + 1
        );
    }
    out.push_str("}\n");
    out
}

/// The legend's "Active filters" lines for `spec`: pprof's options as `name=value`.
pub fn filter_lines(spec: &FilterSpec) -> Vec<String> {
    spec.entries()
        .into_iter()
        .filter(|(key, _)| *key != "granularity")
        .map(|(key, value)| format!("{key}={value}"))
        .collect()
}

/// The largest |flat| of the graph's nodes.
pub fn max_flat(graph: &CallGraph) -> f64 {
    graph
        .nodes
        .iter()
        .map(|n| n.flat.unsigned_abs())
        .max()
        .unwrap_or(0) as f64
}

/// pprof's font size for a box: 8, growing to 24 with the square root of its share of the
/// largest flat.
pub fn font_size(flat: i64, max_flat: f64) -> i32 {
    let mut font = 8;
    if max_flat != 0.0 && flat != 0 && flat.unsigned_abs() as f64 <= max_flat {
        font += (16.0 * (flat.unsigned_abs() as f64 / max_flat).sqrt()).ceil() as i32;
    }
    font
}

/// pprof's legend: the type, the filters, what is shown and what was dropped.
fn legend(
    graph: &CallGraph,
    options: &DotOptions<'_>,
    value: &dyn Fn(i64) -> String,
) -> Vec<String> {
    let mut lines = vec![
        format!("File: {}", options.title),
        format!("Type: {}", options.value_type),
    ];
    if !options.filters.is_empty() {
        lines.push("Active filters:".to_string());
        lines.extend(options.filters.iter().map(|f| format!("   {f}")));
    }
    lines.extend(legend_counts(graph, value));
    lines
}

/// The legend's lines on what the graph shows of the profile, as pprof words them.
pub fn legend_counts(graph: &CallGraph, value: &dyn Fn(i64) -> String) -> Vec<String> {
    let mut lines = vec![format!(
        "Showing nodes accounting for {}, {} of {} total",
        value(graph.shown),
        percentage(graph.shown, graph.total),
        value(graph.total)
    )];
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n > 1 { "s" } else { "" });
    if graph.dropped_nodes > 0 {
        lines.push(format!(
            "Dropped {} (cum <= {})",
            plural(graph.dropped_nodes, "node"),
            value(graph.node_limit)
        ));
    }
    if graph.dropped_edges > 0 {
        lines.push(format!(
            "Dropped {} (freq <= {})",
            plural(graph.dropped_edges, "edge"),
            value(graph.edge_limit)
        ));
    }
    if let Some((shown, of)) = graph.top_of {
        lines.push(format!("Showing top {shown} nodes out of {of}"));
    }
    lines
}

/// pprof's `selectOutputUnit`: the unit that shows the smallest node's value without losing
/// it, unless that is a hundredth of the total or less.
pub fn output_unit(graph: &CallGraph, unit: &str) -> String {
    let smallest = graph
        .nodes
        .iter()
        .map(|n| if n.flat != 0 { n.flat } else { n.cum }.wrapping_abs())
        .filter(|&v| v > 0)
        .min();
    let Some(smallest) = smallest else {
        return unit.to_string();
    };
    let (_, low) = scale(smallest, unit, "minimum");
    let (_, high) = scale(graph.total, unit, "minimum");
    let chosen = if low != high && smallest.saturating_mul(100) < graph.total {
        scale(smallest.saturating_mul(100), unit, "minimum").1
    } else {
        low
    };
    if chosen.is_empty() {
        unit.to_string()
    } else {
        chosen
    }
}

/// pprof's `measurement.Percentage`, trimmed: two decimals from 1%, two significant digits
/// below.
pub fn percentage(value: i64, total: i64) -> String {
    let ratio = if total == 0 {
        0.0
    } else {
        (value as f64 / total as f64).abs() * 100.0
    };
    if (99.95..=100.05).contains(&ratio) {
        "100%".to_string()
    } else if ratio >= 1.0 {
        format!("{ratio:.2}%")
    } else {
        format!("{}%", go_g2(ratio))
    }
}

/// Go's `%.2g`: two significant digits, exponent form below 1e-4.
fn go_g2(x: f64) -> String {
    if x == 0.0 {
        return "0".to_string();
    }
    let exponent = format!("{x:.1e}");
    let (mantissa, power) = exponent.split_once('e').unwrap_or((&exponent, "0"));
    let power: i32 = power.parse().unwrap_or(0);
    let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
    if power < -4 {
        return format!(
            "{mantissa}e{}{:02}",
            if power < 0 { '-' } else { '+' },
            power.abs()
        );
    }
    let decimals = (1 - power).max(0) as usize;
    let text = format!("{x:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// A frame's name as pprof labels its box: the function's short name (no package path) cut
/// at each `.` and `::`, then the file's base name and line, one per line.
pub fn label_lines(name: &str, granularity: Granularity) -> Vec<String> {
    let mut rest = name;
    let mut lines = Vec::new();
    if granularity == Granularity::Addresses {
        if let Some((address, more)) = rest.split_once(' ') {
            lines.push(address.to_string());
            rest = more;
        }
    }
    let (function, file) = match granularity {
        Granularity::Files => ("", rest),
        Granularity::Functions => (rest, ""),
        _ => match rest.rsplit_once(' ') {
            Some((function, file)) if file.contains('/') || file.contains(':') => (function, file),
            _ => (rest, ""),
        },
    };
    if !function.is_empty() {
        let short = short_name(function)
            .replace("::", "\n")
            .replace("[...]", "[…]")
            .replace('.', "\n");
        lines.extend(short.split('\n').map(str::to_string));
    }
    if !file.is_empty() {
        lines.push(file.rsplit('/').next().unwrap_or(file).to_string());
    }
    lines
}

/// pprof's `ShortenFunctionName`: a Go, Java or C++ name without its package or namespace.
pub fn short_name(name: &str) -> String {
    static PATTERNS: OnceLock<[Regex; 5]> = OnceLock::new();
    let [anonymous, version, go, java, cpp] = PATTERNS.get_or_init(|| {
        let w = "[0-9A-Za-z_]";
        [
            Regex::new(r"^\(anonymous namespace\)::").unwrap(),
            Regex::new(r"^(.*?)/v(?:[2-9]|[1-9][0-9]+)([./].*)$").unwrap(),
            Regex::new(r"^(?:[0-9A-Za-z_\-\.]+/)+(.+)").unwrap(),
            Regex::new(&format!(
                r"^(?:[a-z]{w}*\.)*([A-Z][0-9A-Za-z_$]*\.(?:<init>|[a-z][0-9A-Za-z_$]*(?:\$[0-9]+)?))(?:\(|$)"
            ))
            .unwrap(),
            Regex::new(&format!(
                r"^(?:[_a-zA-Z]{w}*::)+(_*[A-Z]{w}*::~?[_a-zA-Z]{w}*(?:<.*>)?)"
            ))
            .unwrap(),
        ]
    });
    let name = anonymous.replace(name, "");
    let name = version.replace(&name, "${1}${2}");
    for re in [go, java, cpp] {
        if let Some(m) = re.captures(&name).and_then(|c| c.get(1)) {
            return m.as_str().to_string();
        }
    }
    name.into_owned()
}

/// pprof's `dotColor`: grey near 0, red for a large positive share, green for a negative
/// one; light for a fill, dark for a line.
pub fn color(share: f64, background: bool) -> String {
    let (saturation, value) = if background { (0.1, 0.93) } else { (1.0, 0.7) };
    shaded_color(share, saturation, value)
}

/// pprof's `dotColor` with its saturation and value (brightness) given: grey near 0, towards
/// red for a positive share and green for a negative one.
pub fn shaded_color(share: f64, saturation: f64, value: f64) -> String {
    let mut saturation = saturation;
    let mut score = share.clamp(-1.0, 1.0);
    if score.is_nan() {
        score = 0.0;
    }
    if score.abs() < 0.2 {
        saturation *= score.abs() / 0.2;
    }
    if score > 0.0 {
        score = score.powf(0.3);
    } else if score < 0.0 {
        score = -(-score).powf(0.3);
    }
    let (r, g) = if score < 0.0 {
        (value * (1.0 + saturation * score), value)
    } else {
        (value, value * (1.0 - saturation * score))
    };
    let b = value * (1.0 - saturation);
    let byte = |x: f64| (x * 255.0) as u8;
    format!("#{:02x}{:02x}{:02x}", byte(r), byte(g), byte(b))
}

/// pprof's `escapeForDot`: backslashes and quotes escaped, a line break left-justified.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\l")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_follow_pprof() {
        // From pprof's own graph_test.go.
        for (name, short) in [
            (
                "github.com/blah/blah/vendor/gopkg.in/yaml.v2.(*yamlParser).parse",
                "yaml.v2.(*yamlParser).parse",
            ),
            ("github.com/foo/bar/v4.(*Foo).Bar", "bar.(*Foo).Bar"),
            (
                "java.util.concurrent.ThreadPoolExecutor$Worker.run",
                "ThreadPoolExecutor$Worker.run",
            ),
            ("com.google.Foo.bar$1", "Foo.bar$1"),
            ("std::vector<int>::push_back", "std::vector<int>::push_back"),
            ("(anonymous namespace)::Foo::Bar", "Foo::Bar"),
            ("main.main", "main.main"),
        ] {
            assert_eq!(short_name(name), short, "{name}");
        }
        assert_eq!(
            label_lines("runtime.gcBgMarkWorker", Granularity::Functions),
            ["runtime", "gcBgMarkWorker"]
        );
        assert_eq!(
            label_lines("main.f /src/app/main.go:12", Granularity::Lines),
            ["main", "f", "main.go:12"]
        );
    }

    #[test]
    fn percentages_and_colours_follow_pprof() {
        assert_eq!(percentage(1, 2), "50.00%");
        assert_eq!(percentage(1, 1000), "0.1%");
        assert_eq!(percentage(12, 100000), "0.012%");
        assert_eq!(percentage(1, 10_000_000), "1e-05%");
        assert_eq!(percentage(9996, 10000), "100%");
        assert_eq!(color(0.0, false), "#b2b2b2");
        assert_eq!(color(1.0, false), "#b20000");
        assert_eq!(color(-1.0, false), "#00b200");
    }
}
