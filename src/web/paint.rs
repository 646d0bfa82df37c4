//! The canvas painter: draws the visible rects of a flame graph, and the minimap's overview of
//! a whole graph with the visible window outlined. Only rects at least a third of a pixel wide
//! are drawn and text only where it fits, so a redraw costs what is visible.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::app::loaded::{DiffColors, Palette};
use crate::analysis::call_tree::{CallTree, NodeId};
use crate::model::frames::FrameId;
use crate::view::color::Theme;
use crate::view::flame_layout::{FlameLayout, Rect};
use crate::view::hit_test::row_top;
use crate::view::orientation::Orientation;
use crate::view::search::SearchResult;
use crate::view::viewport::Viewport;

/// Height of one row in CSS pixels.
pub const ROW_HEIGHT: f64 = 18.0;
/// Rects narrower than this (CSS pixels) are not drawn, nor anything under them.
const MIN_RECT_CSS: f64 = 0.35;
const FONT: &str = "12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace";

/// Everything one frame of drawing depends on.
pub struct Scene<'a> {
    pub tree: &'a CallTree,
    pub layout: &'a FlameLayout,
    pub viewport: Viewport,
    pub orientation: Orientation,
    pub search: Option<&'a SearchResult>,
    /// The frame under the pointer (or the keyboard's cursor): outlined, and every other
    /// rect of its function outlined thinner, dashed.
    pub hover: Option<NodeId>,
    /// The selected function: every rect of it is outlined.
    pub selected: Option<FrameId>,
    /// Nodes marked from elsewhere (a source line's frames), sorted: outlined, dashed.
    pub marked: &'a [NodeId],
    /// For a comparison with a base profile: each node coloured by its change.
    pub diff: Option<DiffColors<'a>>,
    pub palette: &'a Palette,
}

impl Scene<'_> {
    /// Rows drawn: one per depth.
    pub fn rows(&self) -> u32 {
        self.tree.max_depth() + 1
    }
}

/// The painter's own colours for a theme.
struct Chrome {
    dimmed: &'static str,
    text: &'static str,
    root: &'static str,
    selected: &'static str,
    marked: &'static str,
}

impl Chrome {
    fn of(theme: Theme) -> Chrome {
        let (dimmed, text, root, selected, marked) = match theme {
            Theme::Light => ("#d9d9de", "#1a1a1a", "#c8c8d0", "#1c4fd8", "#b3006b"),
            Theme::Dark => ("#3a3a42", "#f2f2f2", "#55555f", "#7cb4ff", "#ff7ad1"),
        };
        Chrome {
            dimmed,
            text,
            root,
            selected,
            marked,
        }
    }
}

/// How rects are filled: the palette's colour of their frame, a comparison's colour of their
/// change, dimmed when a search does not match them, the root grey.
struct Fills<'a> {
    tree: &'a CallTree,
    palette: &'a Palette,
    diff: Option<&'a DiffColors<'a>>,
    search: Option<&'a SearchResult>,
}

impl Fills<'_> {
    /// Fills `rects`, each where `place` puts it (x, y, width, height). Rects never overlap,
    /// so they are filled grouped by colour: one style change per colour instead of one per
    /// rect.
    fn fill(
        &self,
        ctx: &CanvasRenderingContext2d,
        rects: &[Rect],
        place: impl Fn(&Rect) -> (f64, f64, f64, f64),
    ) {
        let chrome = Chrome::of(self.palette.theme);
        // Fill colour per rect: a palette index, or one of the fixed colours past its end.
        let (root_fill, dimmed_fill) = (u32::MAX, u32::MAX - 1);
        // A comparison's colours come just below those two.
        let diff_fill = |color: u8| u32::MAX - 2 - color as u32;
        let fill_of = |node: NodeId| {
            if node == CallTree::ROOT {
                root_fill
            } else if self.search.is_some_and(|s| !s.matches(self.tree, node)) {
                dimmed_fill
            } else if let Some(diff) = self.diff {
                diff_fill(diff.node_color[node.0 as usize])
            } else {
                self.palette.frame_color[self.tree.frame(node).0 as usize]
            }
        };
        let mut order: Vec<(u32, usize)> = rects
            .iter()
            .enumerate()
            .map(|(i, r)| (fill_of(r.node), i))
            .collect();
        order.sort_unstable();
        let mut current = None;
        for &(fill, i) in &order {
            if current != Some(fill) {
                current = Some(fill);
                ctx.set_fill_style_str(match (fill, self.diff) {
                    (f, _) if f == root_fill => chrome.root,
                    (f, _) if f == dimmed_fill => chrome.dimmed,
                    (f, Some(diff)) => &diff.colors[(u32::MAX - 2 - f) as usize],
                    (f, None) => &self.palette.colors[f as usize],
                });
            }
            let (x, y, w, h) = place(&rects[i]);
            ctx.fill_rect(x, y, w, h);
        }
    }
}

/// What one drawing drew.
pub struct Painted {
    pub rects: usize,
    /// Rects of the selected function (outlined).
    pub selected: usize,
    /// Rects of marked nodes.
    pub marked: usize,
    /// Other rects of the hovered frame's function.
    pub same_function: usize,
}

/// Sizes `canvas` to `width` x `height` CSS pixels (crisp on high-DPI screens) and returns
/// its context, cleared, drawing in CSS pixels.
fn prepare(
    canvas: &HtmlCanvasElement,
    width: f64,
    height: f64,
) -> Result<CanvasRenderingContext2d, JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let dpr = window.device_pixel_ratio().max(1.0);
    let (device_w, device_h) = ((width * dpr).round() as u32, (height * dpr).round() as u32);
    if canvas.width() != device_w || canvas.height() != device_h {
        canvas.set_width(device_w);
        canvas.set_height(device_h);
    }
    let style = canvas.style();
    style.set_property("width", &format!("{width}px"))?;
    style.set_property("height", &format!("{height}px"))?;
    let ctx: CanvasRenderingContext2d = canvas
        .get_context("2d")?
        .ok_or("no 2d context")?
        .dyn_into()?;
    ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0)?;
    ctx.clear_rect(0.0, 0.0, width, height);
    Ok(ctx)
}

/// What the minimap draws: a whole graph squeezed into `width` x `height` CSS pixels, and the
/// window in view.
pub struct Overview<'a> {
    pub tree: &'a CallTree,
    pub layout: &'a FlameLayout,
    pub orientation: Orientation,
    pub diff: Option<DiffColors<'a>>,
    pub palette: &'a Palette,
    /// The window in view, as fractions of the whole width.
    pub window: (f64, f64),
    pub width: f64,
    pub height: f64,
}

/// The tallest a row of the minimap is, in CSS pixels.
const OVERVIEW_ROW_MAX: f64 = 3.0;

/// Draws the minimap: every rect of the graph wider than half a pixel, rows as thin as it
/// takes to fit, the part outside the window shaded and the window outlined.
pub fn paint_overview(canvas: &HtmlCanvasElement, overview: &Overview<'_>) -> Result<(), JsValue> {
    let (width, height) = (overview.width, overview.height);
    let ctx = prepare(canvas, width, height)?;
    let rows = overview.tree.max_depth() + 1;
    let row = (height / rows as f64).min(OVERVIEW_ROW_MAX);
    let whole = overview.layout.extent(overview.tree, CallTree::ROOT).max(1) as f64;
    let rects =
        overview
            .layout
            .visible_rects(overview.tree, &Viewport::new(0.0, whole, width), 0.5);
    let fills = Fills {
        tree: overview.tree,
        palette: overview.palette,
        diff: overview.diff.as_ref(),
        search: None,
    };
    fills.fill(&ctx, &rects, |rect| {
        let y = match overview.orientation {
            Orientation::Flame => height - (rect.depth + 1) as f64 * row,
            Orientation::Icicle => rect.depth as f64 * row,
        };
        (rect.css_x, y, rect.css_width.max(0.5), row.max(0.5))
    });
    let chrome = Chrome::of(overview.palette.theme);
    let (x0, x1) = (overview.window.0 * width, overview.window.1 * width);
    ctx.set_fill_style_str(match overview.palette.theme {
        Theme::Light => "rgb(0 0 0 / 22%)",
        Theme::Dark => "rgb(255 255 255 / 16%)",
    });
    ctx.fill_rect(0.0, 0.0, x0, height);
    ctx.fill_rect(x1, 0.0, width - x1, height);
    ctx.set_stroke_style_str(chrome.selected);
    ctx.set_line_width(1.5);
    // At least a few pixels wide, so a deep zoom's window can still be seen and grabbed.
    let shown = (x1 - x0).max(4.0);
    let left = x0.min(width - shown).max(0.0);
    ctx.stroke_rect(left + 0.75, 0.75, shown - 1.5, height - 1.5);
    Ok(())
}

/// Sizes `canvas` for the scene (crisp on high-DPI screens) and draws it.
pub fn paint(canvas: &HtmlCanvasElement, scene: &Scene<'_>) -> Result<Painted, JsValue> {
    let rows = scene.rows();
    let width = scene.viewport.width_css;
    let ctx = prepare(canvas, width, rows as f64 * ROW_HEIGHT)?;
    ctx.set_font(FONT);
    ctx.set_text_baseline("middle");
    let char_width = ctx.measure_text("m")?.width().max(1.0);
    let Chrome {
        text: text_color,
        selected: selected_color,
        marked: marked_color,
        ..
    } = Chrome::of(scene.palette.theme);
    let rects = scene
        .layout
        .visible_rects(scene.tree, &scene.viewport, MIN_RECT_CSS);
    let y_of = |depth| row_top(depth, ROW_HEIGHT, rows, scene.orientation);
    let fills = Fills {
        tree: scene.tree,
        palette: scene.palette,
        diff: scene.diff.as_ref(),
        search: scene.search,
    };
    fills.fill(&ctx, &rects, |rect| {
        // A hairline gap between neighbours once they are wide enough to see it.
        let gap = if rect.css_width > 3.0 { 0.5 } else { 0.0 };
        (
            rect.css_x,
            y_of(rect.depth),
            (rect.css_width - gap).max(0.1),
            ROW_HEIGHT - 1.0,
        )
    });
    ctx.set_stroke_style_str(text_color);
    for rect in &rects {
        let matched = scene
            .search
            .is_some_and(|s| s.matches(scene.tree, rect.node));
        let hovered = Some(rect.node) == scene.hover;
        if matched || hovered {
            let y = y_of(rect.depth);
            ctx.set_line_width(if matched { 1.5 } else { 1.0 });
            ctx.stroke_rect(
                rect.css_x + 0.75,
                y + 0.75,
                rect.css_width - 2.0,
                ROW_HEIGHT - 2.5,
            );
        }
    }
    // Strokes the rects of the nodes `keep` accepts, `inset` pixels inside their edges, and
    // says how many.
    let outline = |keep: &dyn Fn(NodeId) -> bool, inset: f64| {
        let mut count = 0;
        for rect in rects.iter().filter(|r| keep(r.node)) {
            count += 1;
            ctx.stroke_rect(
                rect.css_x + inset,
                y_of(rect.depth) + inset,
                (rect.css_width - 2.0 * inset - 0.5).max(1.0),
                ROW_HEIGHT - 2.0 * inset - 1.0,
            );
        }
        count
    };
    let mut same_function = 0;
    if let Some(hovered) = scene.hover.filter(|&n| n != CallTree::ROOT) {
        let frame = scene.tree.frame(hovered);
        ctx.set_stroke_style_str(text_color);
        ctx.set_line_width(1.0);
        ctx.set_line_dash(&js_sys::Array::of2(&3.0.into(), &2.0.into()))?;
        same_function = outline(
            &|node| node != hovered && scene.tree.frame(node) == frame,
            0.75,
        );
        ctx.set_line_dash(&js_sys::Array::new())?;
    }
    let mut selected_rects = 0;
    if let Some(selected) = scene.selected {
        ctx.set_stroke_style_str(selected_color);
        ctx.set_line_width(2.0);
        selected_rects = outline(&|node| scene.tree.frame(node) == selected, 1.0);
    }
    let mut marked_rects = 0;
    if !scene.marked.is_empty() {
        ctx.set_stroke_style_str(marked_color);
        ctx.set_line_width(2.5);
        let dashes = js_sys::Array::of2(&4.0.into(), &2.0.into());
        ctx.set_line_dash(&dashes)?;
        marked_rects = outline(&|node| scene.marked.binary_search(&node).is_ok(), 1.25);
        ctx.set_line_dash(&js_sys::Array::new())?;
    }
    ctx.set_fill_style_str(text_color);
    for rect in &rects {
        let room = ((rect.css_width - 6.0) / char_width).floor() as usize;
        if room < 3 {
            continue;
        }
        let name = crate::format::frame_label(scene.tree.name(rect.node));
        let label = if name.chars().count() <= room {
            name
        } else {
            let mut cut: String = name.chars().take(room - 1).collect();
            cut.push('…');
            std::borrow::Cow::Owned(cut)
        };
        ctx.fill_text(
            &label,
            rect.css_x + 3.0,
            y_of(rect.depth) + ROW_HEIGHT / 2.0,
        )?;
    }
    Ok(Painted {
        rects: rects.len(),
        selected: selected_rects,
        marked: marked_rects,
        same_function,
    })
}
