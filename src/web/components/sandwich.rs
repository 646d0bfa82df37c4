//! Callers and callees of the selected function: pprof's `-peek` numbers (each caller's and
//! callee's weight and share of the function's cum) beside a sandwich of two merged graphs,
//! who calls it (growing up from the function) and what it calls (growing down). Clicking a
//! caller or callee makes it the selected function.

use std::rc::Rc;

use web_sys::{HtmlCanvasElement, HtmlElement};
use yew::prelude::*;

use crate::analysis::call_tree::{CallTree, NodeId};
use crate::analysis::peek::{callees_tree, callers_tree, peek, Edge, Peek};
use crate::format;
use crate::model::frames::{FrameId, Frames};
use crate::view::color::{Colors, Theme};
use crate::view::hit_test::{depth_at, node_at};
use crate::view::orientation::Orientation;
use crate::view::viewport::Viewport;
use crate::web::app::loaded::Graph;
use crate::web::hooks::use_measured;
use crate::web::paint::{paint, Scene, ROW_HEIGHT};

#[derive(Properties, PartialEq)]
pub struct SandwichProps {
    pub graph: Rc<Graph>,
    pub frame: FrameId,
    pub unit: String,
    pub theme: Theme,
    pub colors: Colors,
    /// Select another function (by its frame in `graph`).
    pub on_select: Callback<FrameId>,
    pub on_close: Callback<()>,
}

/// The peek and both graphs of one function.
struct Derived {
    peek: Peek,
    callers: Graph,
    callees: Graph,
}

impl Derived {
    /// The callers' graph (growing up from the function) or the callees' (growing down).
    fn side(&self, callers: bool) -> (&Graph, Orientation) {
        if callers {
            (&self.callers, Orientation::Flame)
        } else {
            (&self.callees, Orientation::Icicle)
        }
    }
}

/// Derived once per function and compared by identity.
impl PartialEq for Derived {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

/// Which graph the pointer is over, and the node there.
#[derive(Clone, Copy, PartialEq)]
struct Pointer {
    callers: bool,
    node: NodeId,
    client_x: i32,
    client_y: i32,
}

#[component]
pub fn SandwichPanel(props: &SandwichProps) -> Html {
    let derived: Rc<Derived> = use_memo((props.graph.clone(), props.frame), |(graph, frame)| {
        Derived {
            peek: peek(&graph.tree, *frame),
            callers: Graph::new(callers_tree(&graph.tree, *frame), Vec::new()),
            callees: Graph::new(callees_tree(&graph.tree, *frame), Vec::new()),
        }
    });
    let area_ref = use_node_ref();
    let callers_ref = use_node_ref();
    let callees_ref = use_node_ref();
    let pointer = use_state(|| None::<Pointer>);
    let css_width = use_measured(
        area_ref.clone(),
        |area| area.client_width().max(100) as f64,
        600.0,
        (),
    );
    let viewport_of = move |g: &Graph| {
        Viewport::new(
            0.0,
            g.layout.extent(&g.tree, CallTree::ROOT).max(1) as f64,
            css_width,
        )
    };
    {
        let derived = derived.clone();
        let (callers_ref, callees_ref) = (callers_ref.clone(), callees_ref.clone());
        let (theme, colors) = (props.theme, props.colors);
        let hover = *pointer;
        use_effect_with(
            (derived.clone(), css_width, theme, colors, hover),
            move |_| {
                for (canvas, callers) in [(&callers_ref, true), (&callees_ref, false)] {
                    let (graph, orientation) = derived.side(callers);
                    if let Some(canvas) = canvas.cast::<HtmlCanvasElement>() {
                        let palette = graph.palette(theme, colors);
                        let scene = Scene {
                            tree: &graph.tree,
                            layout: &graph.layout,
                            viewport: viewport_of(graph),
                            orientation,
                            search: None,
                            hover: hover.filter(|p| p.callers == callers).map(|p| p.node),
                            selected: None,
                            marked: &[],
                            diff: None,
                            palette: &palette,
                        };
                        if let Ok(painted) = paint(&canvas, &scene) {
                            let _ = canvas.set_attribute("data-drawn", &painted.rects.to_string());
                        }
                    }
                }
            },
        );
    }
    // The function's two rows (where the graphs meet) start in the middle of the view.
    {
        let area_ref = area_ref.clone();
        let callers_ref = callers_ref.clone();
        use_effect_with(derived.clone(), move |_| {
            if let (Some(area), Some(callers)) = (
                area_ref.cast::<HtmlElement>(),
                callers_ref.cast::<HtmlElement>(),
            ) {
                let meet = callers.offset_top() + callers.offset_height();
                area.set_scroll_top(meet - area.client_height() / 2);
            }
        });
    }
    let node_at_event = {
        let derived = derived.clone();
        move |e: &MouseEvent, callers: bool| -> Option<NodeId> {
            let (graph, orientation) = derived.side(callers);
            let rows = graph.tree.max_depth() + 1;
            let depth = depth_at(e.offset_y() as f64, ROW_HEIGHT, rows, orientation)?;
            node_at(
                &graph.tree,
                &graph.layout,
                &viewport_of(graph),
                depth,
                e.offset_x() as f64,
            )
        }
    };
    let handlers = |callers: bool| {
        let onmousemove = {
            let pointer = pointer.clone();
            let node_at_event = node_at_event.clone();
            Callback::from(move |e: MouseEvent| {
                let next = node_at_event(&e, callers).map(|node| Pointer {
                    callers,
                    node,
                    client_x: e.client_x(),
                    client_y: e.client_y(),
                });
                if *pointer != next {
                    pointer.set(next);
                }
            })
        };
        let onmouseleave = {
            let pointer = pointer.clone();
            Callback::from(move |_: MouseEvent| pointer.set(None))
        };
        let onclick = {
            let derived = derived.clone();
            let node_at_event = node_at_event.clone();
            let on_select = props.on_select.clone();
            let pointer = pointer.clone();
            Callback::from(move |e: MouseEvent| {
                let (graph, _) = derived.side(callers);
                if let Some(node) = node_at_event(&e, callers).filter(|&n| n != CallTree::ROOT) {
                    pointer.set(None);
                    on_select.emit(graph.tree.frame(node));
                }
            })
        };
        (onmousemove, onmouseleave, onclick)
    };
    let (callers_move, callers_leave, callers_click) = handlers(true);
    let (callees_move, callees_leave, callees_click) = handlers(false);

    let tree = &props.graph.tree;
    let unit = &props.unit;
    let p = &derived.peek;
    let name = tree.frames().name(props.frame).to_string();
    let edge_rows = |kind: &'static str, edges: &[Edge]| -> Html {
        edges
            .iter()
            .map(|e| {
                let onclick = {
                    let on_select = props.on_select.clone();
                    let frame = e.frame;
                    Callback::from(move |_| on_select.emit(frame))
                };
                let other = tree.frames().name(e.frame).to_string();
                html! {
                    <tr key={e.frame.0} class={kind} data-weight={e.weight.to_string()} title={other.clone()} {onclick}>
                        <td class="num">{format::value(e.weight, unit)}</td>
                        <td class="num">{format::percent(e.weight, p.cum, 2)}</td>
                        <td class="name"><span class="cut">{format::frame_label(&other).into_owned()}</span></td>
                    </tr>
                }
            })
            .collect()
    };
    let tooltip = (*pointer).map(|h| {
        let (graph, _) = derived.side(h.callers);
        let node_total = graph.tree.total_value(h.node);
        let role = match (h.node == CallTree::ROOT, h.callers) {
            (true, _) => "the function",
            (false, true) => "calls it through this path",
            (false, false) => "called from it through this path",
        };
        let style = format!("left:{}px;top:{}px", h.client_x + 14, h.client_y + 14);
        html! {
            <div class="tooltip" role="tooltip" {style}>
                <div class="tooltip-name">{graph.tree.name(h.node).to_string()}</div>
                <div class="tooltip-file">{role}</div>
                <table>
                    <tr><th>{"Total"}</th><td data-value={node_total.to_string()}>{format::value(node_total, unit)}</td>
                        <td>{format!("{} of its cum", format::percent(node_total, p.cum, 2))}</td></tr>
                </table>
            </div>
        }
    });
    let on_close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_| on_close.emit(()))
    };
    let root_frame = |g: &Graph| g.tree.frames().frame(Frames::ROOT).name.clone();
    html! {
        <section class="sandwich" aria-label={format!("Callers and callees of {name}")}
            data-function={name.clone()} data-flat={p.flat.to_string()} data-cum={p.cum.to_string()}>
            <header class="sandwich-head">
                <strong class="sandwich-name">{name.clone()}</strong>
                <span>{format!(" flat {} ({}) · cum {} ({})",
                    format::value(p.flat, unit), format::percent(p.flat, tree.profile_total(), 2),
                    format::value(p.cum, unit), format::percent(p.cum, tree.profile_total(), 2))}</span>
                <button class="link" onclick={on_close}>{"Close"}</button>
            </header>
            <div class="sandwich-body">
                <table class="peek">
                    <thead><tr><th class="num">{"weight"}</th><th class="num">{"of cum"}</th><th class="name">{"callers"}</th></tr></thead>
                    <tbody>{edge_rows("caller", &p.callers)}</tbody>
                    <thead><tr><th></th><th></th><th class="name">{"callees"}</th></tr></thead>
                    <tbody>{edge_rows("callee", &p.callees)}</tbody>
                </table>
                <div class="sandwich-graphs" ref={area_ref}>
                    <div class="sandwich-caption">{format!("Who calls {}", root_frame(&derived.callers))}</div>
                    <canvas class="callers" ref={callers_ref} onmousemove={callers_move}
                        onmouseleave={callers_leave} onclick={callers_click}></canvas>
                    <canvas class="callees" ref={callees_ref} onmousemove={callees_move}
                        onmouseleave={callees_leave} onclick={callees_click}></canvas>
                    <div class="sandwich-caption">{format!("What {} calls", root_frame(&derived.callees))}</div>
                </div>
            </div>
            {tooltip.unwrap_or_default()}
        </section>
    }
}
