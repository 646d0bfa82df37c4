//! The tooltip of a frame: name, file:line, total and self with their share of the profile and
//! of the parent, base -> new in a comparison. Placed beside the pointer towards the larger
//! free side; a frame tapped on a touch screen keeps its tooltip, with a zoom button.

use yew::prelude::*;

use crate::analysis::call_tree::CallTree;
use crate::format;
use crate::web::app::state::{AppAction, AppState};
use crate::web::app::{Hover, Shown};
use crate::web::link;

#[derive(Properties, PartialEq)]
pub struct TooltipProps {
    pub shown: Shown,
    pub hover: Hover,
    pub dispatch: UseReducerDispatcher<AppState>,
    pub on_close: Callback<()>,
}

/// The window's inner size in CSS pixels.
fn window_size() -> (i32, i32) {
    web_sys::window()
        .map(|w| {
            let size = |v: Result<wasm_bindgen::JsValue, _>| {
                v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0)
            };
            (size(w.inner_width()) as i32, size(w.inner_height()) as i32)
        })
        .unwrap_or((0, 0))
}

/// Where a box asked for at client (`x`, `y`) goes: beside the point, opening upwards and
/// leftwards in the lower and right halves of the window so it stays on screen.
pub fn beside(x: i32, y: i32, gap: i32) -> String {
    let (width, height) = window_size();
    let horizontal = if x > width / 2 {
        format!("right:{}px", width - x + gap)
    } else {
        format!("left:{}px", x + gap)
    };
    let vertical = if y > height / 2 {
        format!("bottom:{}px", height - y + gap)
    } else {
        format!("top:{}px", y + gap)
    };
    format!("{horizontal};{vertical}")
}

#[component]
pub fn Tooltip(props: &TooltipProps) -> Html {
    let graph = &props.shown.graph;
    let tree = &graph.tree;
    let node = props.hover.node;
    if node.0 as usize >= tree.len() {
        return html! {};
    }
    let unit = props.shown.unit();
    let total = tree.profile_total();
    let frame = tree.frames().frame(tree.frame(node));
    let self_value = tree.self_value(node);
    let node_total = tree.total_value(node);
    let parent_total = tree.total_value(tree.parent(node));
    let inverted = props.shown.shape.inverted;
    let name = format::frame_label(&frame.name);
    // At line granularity the name already ends with its file:line.
    let location = frame
        .location()
        .filter(|location| !name.ends_with(location.as_str()));
    let style = beside(props.hover.client_x, props.hover.client_y, 14);
    // Compared with a base: before -> after, and the change.
    let change = graph.diff.as_ref().map(|d| {
        let before = d.base_values[node.0 as usize];
        let delta = node_total - before;
        let relative = if before == 0 {
            "new".to_string()
        } else {
            format!("{:+.1}%", delta as f64 * 100.0 / before.abs() as f64)
        };
        let sign = if delta > 0 { "+" } else { "" };
        html! {
            <>
                <tr class="before-after"><th>{"Base → new"}</th>
                    <td colspan="2">{format!("{} → {}", format::value(before, unit), format::value(node_total, unit))}</td></tr>
                <tr class="delta"><th>{"Change"}</th>
                    <td data-value={delta.to_string()}>{format!("{sign}{}", format::value(delta, unit))}</td>
                    <td>{relative}</td></tr>
            </>
        }
    });
    let actions = props.hover.tapped.then(|| {
        let zoom = {
            let dispatch = props.dispatch.clone();
            let graph = graph.clone();
            let on_close = props.on_close.clone();
            Callback::from(move |_| {
                dispatch.dispatch(AppAction::View(link::zoom_to(&graph, node)));
                on_close.emit(());
            })
        };
        let close = props.on_close.reform(|_: MouseEvent| ());
        html! {
            <div class="tooltip-actions">
                <button class="button" onclick={zoom}>{"Zoom in"}</button>
                <button class="link" onclick={close}>{"Close"}</button>
            </div>
        }
    });
    html! {
        <div class={classes!("tooltip", props.hover.tapped.then_some("tapped"))} role="tooltip" {style}
            data-depth={tree.depth(node).to_string()}>
            <div class="tooltip-name">{name.into_owned()}
                if tree.is_inlined(node) { <span class="inlined">{" (inlined)"}</span> }
            </div>
            if let Some(location) = location { <div class="tooltip-file">{location}</div> }
            <table>
                <tr><th>{"Total"}</th><td data-value={node_total.to_string()}>{format::value(node_total, unit)}</td>
                    <td>{format::percent(node_total, total, 2)}</td></tr>
                // Inverted, a node's own samples are those whose stack starts there: not a
                // self value anyone reads.
                if !inverted {
                    <tr><th>{"Self"}</th><td data-value={self_value.to_string()}>{format::value(self_value, unit)}</td>
                        <td>{format::percent(self_value, total, 2)}</td></tr>
                }
                if node != CallTree::ROOT {
                    <tr><th>{if inverted { "Of callee" } else { "Of parent" }}</th><td></td>
                        <td>{format::percent(node_total, parent_total, 2)}</td></tr>
                }
                {change.unwrap_or_default()}
            </table>
            {actions.unwrap_or_default()}
        </div>
    }
}
