//! Export of the view as a file on the person's machine: an SVG that opens anywhere, folded
//! stacks, or a PNG of the drawing under a title line (profile, value type, total); the call
//! graph as SVG or as a Graphviz DOT file; the profile as the filters leave it (pprof); and
//! the view's text summary, for the clipboard.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::app::Shown;
use super::download;
use crate::analysis::call_tree::{CallTree, NodeId};
use crate::analysis::options::DiffMode;
use crate::format;
use crate::view::color::Theme;
use crate::view::graph_svg::{self, SvgStyle};
use crate::view::summary::{summary, SummaryHead};
use crate::view::svg::SvgOptions;
use crate::view::view_state::ViewState;
use crate::web::app::loaded::CallGraphKey;

/// What to export.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    Svg,
    Folded,
    Png,
    CallGraphSvg,
    CallGraphDot,
    Pprof,
}

impl ExportKind {
    pub fn name(self) -> &'static str {
        match self {
            ExportKind::Svg => "svg",
            ExportKind::Folded => "folded",
            ExportKind::Png => "png",
            ExportKind::CallGraphSvg => "call graph SVG",
            ExportKind::CallGraphDot => "DOT",
            ExportKind::Pprof => "pprof",
        }
    }
}

/// The title of an exported view: `name · value type · total N`.
fn title(shown: &Shown, view: &ViewState) -> String {
    let value_type = &shown.loaded.0.summary.value_types[view.value_index];
    format!(
        "{} · {} · total {}",
        shown.loaded.0.name,
        value_type,
        format::value(shown.graph.tree.profile_total(), shown.unit())
    )
}

/// The view as text to paste (see [`summary`]): pprof's header, the options, the search's
/// matched share, the top rows by flat and by cum.
pub fn summary_text(shown: &Shown, view: &ViewState) -> String {
    let loaded = &shown.loaded.0;
    let graph = &shown.graph;
    let value_type = &loaded.summary.value_types[view.value_index];
    let header = loaded.summary.details.pprof_header(
        &value_type.name,
        graph.tree.profile_total(),
        &value_type.unit,
    );
    let mut options: Vec<String> = view
        .filters
        .entries()
        .into_iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect();
    if view.filters.diff != DiffMode::Off {
        let base = loaded.base_name().unwrap_or_default();
        options.push(format!(
            "compared with {base} ({}; the tables are this profile's)",
            view.filters.diff.name()
        ));
    }
    options.extend(view.shape.inverted.then(|| "inverted".to_string()));
    options.extend(
        view.shape
            .collapse_recursion
            .then(|| "recursion collapsed".to_string()),
    );
    let search = (*shown.search)
        .as_ref()
        .map(|result| (view.search.as_str(), result.matched_total));
    let head = SummaryHead {
        name: &loaded.name,
        header: &header,
        options: &options,
        search,
    };
    summary(&head, &graph.tree, &graph.top_table(), shown.unit())
}

/// Saves the view as `kind`, with a message when the browser refused.
pub fn save(kind: ExportKind, shown: &Shown, view: &ViewState) -> Result<(), String> {
    let loaded = &shown.loaded.0;
    let graph = &shown.graph;
    let value_type = &loaded.summary.value_types[view.value_index].name;
    let name = |extension| download::file_name(&[&loaded.name, value_type], extension);
    let saved = match kind {
        ExportKind::Svg => {
            let root = graph
                .tree
                .find_path(&view.zoom_path)
                .filter(|_| !view.zoom_path.is_empty())
                .unwrap_or(CallTree::ROOT);
            let palette = graph.palette(Theme::Light, shown.colors);
            let diff = graph
                .diff
                .as_ref()
                .map(|d| d.colors(Theme::Light, shown.colors.colour_blind));
            let color = |n: NodeId| match &diff {
                Some(d) => d.colors[d.node_color[n.0 as usize] as usize].clone(),
                None => palette.colors
                    [palette.frame_color[graph.tree.frame(n).0 as usize] as usize]
                    .clone(),
            };
            let svg = crate::view::svg::write(
                &graph.tree,
                &graph.layout,
                &SvgOptions {
                    title: &title(shown, view),
                    unit: shown.unit(),
                    root,
                    orientation: view.orientation,
                    color: &color,
                },
            );
            download::save_text(&name("svg"), &svg, "image/svg+xml")
        }
        ExportKind::Folded => {
            let mut text = graph.tree.folded_stacks().join("\n");
            text.push('\n');
            download::save_text(&name("folded.txt"), &text, "text/plain")
        }
        ExportKind::Pprof => {
            return loaded.save_proto(view.value_index, &view.filters, &name("pb.gz"));
        }
        ExportKind::Png => titled_png(&title(shown, view), shown.theme)
            .and_then(|url| download::save_url(&name("png"), &url)),
        ExportKind::CallGraphSvg | ExportKind::CallGraphDot => {
            let key = CallGraphKey::new(view.value_index, &view.filters, &view.graph_options);
            let graph = loaded
                .call_graph(&key)
                .ok_or("The call graph is still being built: export it once it is shown.")?
                .map_err(|e| format!("The call graph could not be built: {e}"))?;
            if kind == ExportKind::CallGraphDot {
                download::save_text(&name("dot"), &graph.dot, "text/vnd.graphviz")
            } else {
                let style = SvgStyle {
                    theme: Theme::Light,
                    colour_blind: shown.colors.colour_blind,
                    file: Some(&title(shown, view)),
                };
                let svg = graph_svg::write(&graph.drawing, &style);
                download::save_text(&name("graph.svg"), &svg, "image/svg+xml")
            }
        }
    };
    saved.map_err(|_| format!("The {} file could not be saved.", kind.name()))
}

/// The graph's canvas as a PNG data URL, with `title` in a band above it.
fn titled_png(title: &str, theme: Theme) -> Result<String, JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let graph: HtmlCanvasElement = document
        .query_selector(".graph > canvas")?
        .ok_or("no drawing")?
        .dyn_into()?;
    let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio().max(1.0));
    let band = (28.0 * dpr).round() as u32;
    let out: HtmlCanvasElement = document.create_element("canvas")?.dyn_into()?;
    out.set_width(graph.width());
    out.set_height(graph.height() + band);
    let ctx: CanvasRenderingContext2d =
        out.get_context("2d")?.ok_or("no 2d context")?.dyn_into()?;
    let (background, text) = match theme {
        Theme::Light => ("#ffffff", "#1a1a1a"),
        Theme::Dark => ("#17171c", "#f2f2f2"),
    };
    ctx.set_fill_style_str(background);
    ctx.fill_rect(0.0, 0.0, out.width() as f64, out.height() as f64);
    ctx.set_fill_style_str(text);
    ctx.set_font(&format!(
        "600 {}px ui-sans-serif, system-ui, sans-serif",
        (13.0 * dpr).round()
    ));
    ctx.set_text_baseline("middle");
    ctx.fill_text(title, 8.0 * dpr, band as f64 / 2.0)?;
    ctx.draw_image_with_html_canvas_element(&graph, 0.0, band as f64)?;
    out.to_data_url_with_type("image/png")
}
