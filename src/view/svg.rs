//! A flame graph as a self-contained SVG file, in the manner of flamegraph.pl: every frame a
//! rect with its name and a tooltip, and a small script that zooms on click, resets, and
//! searches by regular expression with the matched share, so the file works anywhere an SVG
//! opens, without Scorch. Depends on the call tree and its layout.

use std::fmt::Write;

use crate::analysis::call_tree::{CallTree, NodeId};
use crate::format;
use crate::view::flame_layout::FlameLayout;
use crate::view::orientation::Orientation;

/// Width of the drawing in pixels.
const WIDTH: f64 = 1200.0;
const ROW: f64 = 16.0;
const TOP: f64 = 48.0;
const BOTTOM: f64 = 24.0;
/// Frames narrower than this (pixels at the export's width) are left out, as flamegraph.pl's
/// `--minwidth`.
const MIN_WIDTH: f64 = 0.1;

/// What to export and how to label it.
pub struct SvgOptions<'a> {
    pub title: &'a str,
    /// The value type's unit, for tooltips.
    pub unit: &'a str,
    /// The frame shown full width: the root, or the zoomed frame (its callers are drawn full
    /// width beside it, as in the viewer).
    pub root: NodeId,
    pub orientation: Orientation,
    /// The fill colour of each node.
    pub color: &'a dyn Fn(NodeId) -> String,
}

/// XML text with `&`, `<`, `>`, `"` and `'` escaped (control characters dropped).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// The script: zoom on click, reset, search. Frames are `<g>` with `data-x` and `data-w`
/// (fractions of the export's width) and `data-d` (depth), in pre-order.
const SCRIPT: &str = r#"
var W = +document.documentElement.getAttribute('data-width'), frames = document.getElementById('frames'), details = document.getElementById('details');
var matched = document.getElementById('matched'), reset = document.getElementById('reset');
function frameOf(e) { while (e && e.tagName !== 'g') e = e.parentNode; return e && e.hasAttribute('data-x') ? e : null; }
function num(g, k) { return +g.getAttribute(k); }
function fit(g, x, w) {
  var t = g.querySelector('text'), name = g.getAttribute('data-name'), room = Math.floor((w - 6) / 7);
  t.setAttribute('x', x + 3);
  t.textContent = room < 3 ? '' : name.length <= room ? name : name.slice(0, room - 1) + '\u2026';
}
function show(x0, w0, d0) {
  var gs = frames.querySelectorAll('g');
  for (var i = 0; i < gs.length; i++) {
    var g = gs[i], x = num(g, 'data-x'), w = num(g, 'data-w'), r = g.querySelector('rect');
    var caller = num(g, 'data-d') < d0 && x <= x0 && x + w >= x0 + w0;
    var inside = x >= x0 - 1e-12 && x + w <= x0 + w0 + 1e-12 && num(g, 'data-d') >= d0;
    if (!caller && !inside) { g.style.display = 'none'; continue; }
    g.style.display = '';
    var px = caller ? 0 : (x - x0) / w0 * W, pw = caller ? W : w / w0 * W;
    r.setAttribute('x', px + 10); r.setAttribute('width', Math.max(pw - 0.5, 0.1));
    fit(g, px + 10, pw);
    g.style.opacity = caller ? 0.6 : 1;
  }
  reset.style.display = w0 < 1 || d0 > 0 ? '' : 'none';
}
frames.addEventListener('mouseover', function (e) { var g = frameOf(e.target); if (g) details.textContent = g.querySelector('title').textContent; });
frames.addEventListener('mouseout', function () { details.textContent = ' '; });
frames.addEventListener('click', function (e) { var g = frameOf(e.target); if (g) show(num(g, 'data-x'), num(g, 'data-w'), num(g, 'data-d')); });
reset.addEventListener('click', function () { show(0, 1, 0); });
document.getElementById('search').addEventListener('click', function () {
  var q = prompt('Search (regular expression)', ''), gs = frames.querySelectorAll('g'), re = null, sum = 0, until = -1;
  if (q === null) return;
  try { re = q ? new RegExp(q) : null; } catch (err) { alert(err); return; }
  for (var i = 0; i < gs.length; i++) {
    var g = gs[i], r = g.querySelector('rect'), hit = re && re.test(g.getAttribute('data-name'));
    r.setAttribute('fill', hit ? 'rgb(230,0,230)' : r.getAttribute('data-fill'));
    // Frames come in pre-order: a match inside a counted match is not counted again.
    if (hit && num(g, 'data-x') >= until) { sum += num(g, 'data-w'); until = num(g, 'data-x') + num(g, 'data-w'); }
  }
  matched.textContent = re ? 'Matched: ' + (sum * 100).toFixed(2) + '%' : ' ';
});
show(0, 1, 0);
"#;

/// The SVG of `tree` laid out by `layout`, from `options.root`.
pub fn write(tree: &CallTree, layout: &FlameLayout, options: &SvgOptions<'_>) -> String {
    let root = options.root;
    let callers = tree.path(root);
    // The export's frames: the root's callers (full width), then its subtree.
    let base_depth = tree.depth(root);
    let x0 = layout.x(root) as f64;
    let whole = layout.extent(tree, root).max(1) as f64;
    let root_total = tree.total_value(root);
    let mut nodes: Vec<(NodeId, f64, f64, u32)> = callers
        .iter()
        .filter(|&&n| n != root)
        .map(|&n| (n, 0.0, 1.0, tree.depth(n)))
        .collect();
    let mut max_depth = base_depth;
    let mut node = root.0;
    while node < tree.subtree_end(root).0 {
        let n = NodeId(node);
        let w = layout.extent(tree, n) as f64 / whole;
        if w * WIDTH < MIN_WIDTH {
            // Nothing under a frame too narrow to draw is drawn either.
            node = tree.subtree_end(n).0;
            continue;
        }
        let x = (layout.x(n) as f64 - x0) / whole;
        max_depth = max_depth.max(tree.depth(n));
        nodes.push((n, x, w, tree.depth(n)));
        node += 1;
    }
    let rows = max_depth + 1;
    let height = TOP + rows as f64 * ROW + BOTTOM;
    let y_of = |depth: u32| match options.orientation {
        Orientation::Flame => TOP + (rows - 1 - depth) as f64 * ROW,
        Orientation::Icicle => TOP + depth as f64 * ROW,
    };
    let total = tree.profile_total();
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<?xml version="1.0" standalone="no"?>
<svg version="1.1" width="{w}" height="{height}" viewBox="0 0 {w} {height}" data-width="{WIDTH}" xmlns="http://www.w3.org/2000/svg">
<style>text {{ font: 12px Verdana, sans-serif; fill: #000; }} #frames text {{ pointer-events: none; }} .ui {{ cursor: pointer; fill: #333; }} g rect {{ cursor: pointer; }}</style>
<rect width="100%" height="100%" fill="#fafafa"/>
<text x="{cx}" y="24" text-anchor="middle" style="font-size:17px">{title}</text>
<text id="reset" class="ui" x="10" y="24" style="display:none">Reset Zoom</text>
<text id="search" class="ui" x="{sx}" y="24">Search</text>
<text id="matched" x="{sx}" y="{by}"> </text>
<text id="details" x="10" y="{by}"> </text>
<g id="frames">
"##,
        w = WIDTH + 20.0,
        cx = (WIDTH + 20.0) / 2.0,
        sx = WIDTH - 90.0,
        by = height - 8.0,
        title = escape(options.title),
    );
    for (n, x, w, depth) in nodes {
        let name = tree.name(n);
        let value = tree.total_value(n);
        let tip = format!(
            "{name} ({}, {} of all, {} of the export)",
            format::value(value, options.unit),
            format::percent(value, total, 2),
            format::percent(value, root_total, 2)
        );
        let fill = (options.color)(n);
        let _ = writeln!(
            svg,
            r#"<g data-x="{x}" data-w="{w}" data-d="{d}" data-name="{name}"><title>{tip}</title><rect x="{px:.2}" y="{y}" width="{pw:.2}" height="{h}" fill="{fill}" data-fill="{fill}" rx="2"/><text x="{tx:.2}" y="{ty}"></text></g>"#,
            d = depth,
            name = escape(name),
            tip = escape(&tip),
            px = 10.0 + x * WIDTH,
            y = y_of(depth),
            pw = (w * WIDTH - 0.5).max(0.1),
            h = ROW - 1.0,
            fill = escape(&fill),
            tx = 13.0 + x * WIDTH,
            ty = y_of(depth) + ROW - 4.0,
        );
    }
    let _ = write!(
        svg,
        "</g>\n<script type=\"text/ecmascript\"><![CDATA[{SCRIPT}]]></script>\n</svg>\n"
    );
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::folded;

    #[test]
    fn every_frame_wide_enough_is_drawn_and_names_are_escaped() {
        let profile = folded::parse("main;<b>&\"x\" 3\nmain;other 1\n").unwrap();
        let tree = CallTree::build(&profile, 0);
        let layout = FlameLayout::new(&tree);
        let svg = write(
            &tree,
            &layout,
            &SvgOptions {
                title: "a <title>",
                unit: "count",
                root: CallTree::ROOT,
                orientation: Orientation::Flame,
                color: &|_| "hsl(10 50% 50%)".to_string(),
            },
        );
        assert_eq!(svg.matches("<g data-x").count(), tree.len());
        assert!(svg.contains("data-name=\"&lt;b&gt;&amp;&quot;x&quot;\""));
        assert!(svg.contains("a &lt;title&gt;"));
        assert!(!svg.contains("<b>"));
        // Zoomed on `other`: its caller full width, then it.
        let other = tree.find_path(&["main".into(), "other".into()]).unwrap();
        let zoomed = write(
            &tree,
            &layout,
            &SvgOptions {
                root: other,
                title: "",
                unit: "count",
                orientation: Orientation::Icicle,
                color: &|_| "red".to_string(),
            },
        );
        assert_eq!(zoomed.matches("<g data-x").count(), 3);
        assert!(zoomed.contains(r#"data-x="0" data-w="1" data-d="2" data-name="other""#));
    }
}
