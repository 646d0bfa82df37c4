//! The Graph view: pprof's call graph as the engine laid it out, drawn as SVG markup. Drag to
//! pan, wheel or pinch to zoom, Fit; hover a node or an edge for its values; click a node for
//! its menu; the search's matches and the selected function are highlighted; the node count
//! and fractions are set in its bar; a resized window places the view again.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use gloo::timers::callback::Timeout;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement, PointerEvent, SvgElement, WheelEvent};
use yew::prelude::*;

use crate::analysis::call_graph::{GraphOptions, MAX_NODE_COUNT};
use crate::view::color::Theme;
use crate::view::graph_svg::{self, SvgStyle};
use crate::view::graph_viewport::ViewBox;
use crate::view::search::name_matcher;
use crate::view::view_state::ViewAction;
use crate::web::app::loaded::CallGraphView;
use crate::web::app::state::{AppAction, AppState};
use crate::web::components::frame_menu::FrameMenu;
use crate::web::components::tooltip::beside;

#[derive(Properties, PartialEq)]
pub struct CallGraphPanelProps {
    pub graph: Rc<CallGraphView>,
    pub theme: Theme,
    /// Blue instead of green for what shrank.
    pub colour_blind: bool,
    /// The search box's text: matching nodes are highlighted.
    pub search: AttrValue,
    /// The selected function's name.
    pub selected: Option<AttrValue>,
    pub options: GraphOptions,
    pub dispatch: UseReducerDispatcher<AppState>,
}

/// What the pointer is on.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Target {
    Node(usize),
    Edge(usize),
}

/// The pointer's target and where the pointer is, in client pixels.
#[derive(Clone, Copy, PartialEq, Debug)]
struct Pointed {
    target: Target,
    at: (i32, i32),
}

/// A drag in progress: where it began and the view then.
#[derive(Clone, Copy)]
struct Drag {
    from: (f64, f64),
    view: ViewBox,
    moved: bool,
}

/// Two fingers on the drawing: how far apart and about which point they began, and the view
/// then.
#[derive(Clone, Copy)]
struct Pinch {
    distance: f64,
    middle: (f64, f64),
    view: ViewBox,
}

/// A pointer's id and where it is, in client pixels.
type PointerAt = (i32, (f64, f64));

/// How the view came to be, which says what a new size of the screen does to it.
#[derive(Clone, Copy, Default, PartialEq)]
enum Placed {
    /// The first view of the graph: made again for the new size.
    #[default]
    First,
    /// Fit: fitted again.
    Fit,
    /// Panned or zoomed: the same scale about the same centre.
    Moved,
}

/// The drawing's element, its view and the gesture going on, shared by the handlers.
#[derive(Clone, Default)]
struct Stage {
    area: NodeRef,
    view: Rc<RefCell<Option<ViewBox>>>,
    placed: Rc<RefCell<Placed>>,
    /// The screen the view was shown on, in CSS pixels.
    shown_on: Rc<RefCell<(f64, f64)>>,
    drag: Rc<RefCell<Option<Drag>>>,
    /// The pointers down on the drawing, by id, where they are.
    pointers: Rc<RefCell<Vec<PointerAt>>>,
    pinch: Rc<RefCell<Option<Pinch>>>,
    /// Ends the current pan or zoom a moment after its last step.
    settle: Rc<RefCell<Option<Timeout>>>,
}

/// How long after its last step a pan or zoom is over, and the drawing is painted sharp at
/// its new scale.
const SETTLE_MS: u32 = 200;

impl Stage {
    fn area(&self) -> Option<HtmlElement> {
        self.area.cast::<HtmlElement>()
    }

    fn screen(&self) -> (f64, f64) {
        self.area().map_or((1.0, 1.0), |a| {
            (
                a.client_width().max(1) as f64,
                a.client_height().max(1) as f64,
            )
        })
    }

    /// Shows `view` and keeps it. The drawing moves by a CSS transform, which the compositor
    /// applies to the layer it has painted while a pan or zoom goes on (class `moving`); once
    /// it is over, the drawing is painted again at its new scale.
    fn show(&self, view: ViewBox) {
        *self.view.borrow_mut() = Some(view);
        *self.shown_on.borrow_mut() = self.screen();
        let Some(area) = self.area() else {
            return;
        };
        let _ = area.set_attribute("data-view", &view.attribute());
        if let Some(layer) = self.layer() {
            let transform = view.transform(self.screen().0);
            let _ = layer.style().set_property("transform", &transform);
        }
    }

    /// The drawing's element, which moves.
    fn layer(&self) -> Option<SvgElement> {
        let layer = self.area()?.first_element_child()?;
        layer.dyn_into::<SvgElement>().ok()
    }

    /// Shows `view` as a step of a pan or zoom.
    fn step(&self, view: ViewBox) {
        *self.placed.borrow_mut() = Placed::Moved;
        if let Some(layer) = self.layer() {
            let _ = layer.style().set_property("will-change", "transform");
            *self.settle.borrow_mut() = Some(Timeout::new(SETTLE_MS, move || {
                let _ = layer.style().remove_property("will-change");
            }));
        }
        self.show(view);
    }

    fn fit(&self, graph: &CallGraphView) {
        let drawing = &graph.drawing;
        *self.placed.borrow_mut() = Placed::Fit;
        self.show(ViewBox::fit(drawing.width, drawing.height, self.screen()));
    }

    /// The first view of a graph (see [`ViewBox::first`]), about its root.
    fn first(&self, graph: &CallGraphView) {
        let drawing = &graph.drawing;
        let top_x = drawing.top_node().map_or(drawing.width / 2.0, |n| n.x);
        *self.placed.borrow_mut() = Placed::First;
        let view = ViewBox::first(drawing.width, drawing.height, self.screen(), top_x);
        self.show(view);
    }

    /// The view for the screen's new size.
    fn resized(&self, graph: &CallGraphView) {
        let Some(view) = *self.view.borrow() else {
            return;
        };
        let placed = *self.placed.borrow();
        match placed {
            Placed::First => self.first(graph),
            Placed::Fit => self.fit(graph),
            Placed::Moved => {
                let from = *self.shown_on.borrow();
                self.show(view.resized(from, self.screen()));
            }
        }
    }

    /// A pointer went down at `at`; with a second one, a pinch begins (and a drag ends).
    fn pointer_down(&self, id: i32, at: (f64, f64)) {
        let mut pointers = self.pointers.borrow_mut();
        pointers.retain(|(p, _)| *p != id);
        pointers.push((id, at));
        if let ([(_, a), (_, b)], Some(view)) = (pointers.as_slice(), *self.view.borrow()) {
            self.drag.borrow_mut().take();
            *self.pinch.borrow_mut() = Some(Pinch {
                distance: distance(*a, *b).max(1.0),
                middle: middle(*a, *b),
                view,
            });
        }
    }

    /// A pointer moved to `at`: the pinch zooms by how far apart the fingers are now and
    /// follows their middle. `false` when no pinch goes on.
    fn pinch_move(&self, id: i32, at: (f64, f64)) -> bool {
        let mut pointers = self.pointers.borrow_mut();
        if let Some(p) = pointers.iter_mut().find(|(p, _)| *p == id) {
            p.1 = at;
        }
        let (Some(pinch), [(_, a), (_, b)]) = (*self.pinch.borrow(), pointers.as_slice()) else {
            return false;
        };
        let Some(area) = self.area() else {
            return true;
        };
        let rect = area.get_bounding_client_rect();
        let (sw, sh) = self.screen();
        let (mx, my) = middle(*a, *b);
        let (fx, fy) = (
            (pinch.middle.0 - rect.left()) / sw,
            (pinch.middle.1 - rect.top()) / sh,
        );
        let zoomed = pinch
            .view
            .zoom_at(distance(*a, *b) / pinch.distance, fx, fy, sw);
        self.step(zoomed.pan(mx - pinch.middle.0, my - pinch.middle.1, sw));
        true
    }

    /// A pointer went up (or was cancelled): a pinch ends; the finger left, if any, goes on
    /// as a drag from here.
    fn pointer_up(&self, id: i32) {
        let mut pointers = self.pointers.borrow_mut();
        pointers.retain(|(p, _)| *p != id);
        if self.pinch.borrow_mut().take().is_some() {
            if let ([(_, at)], Some(view)) = (pointers.as_slice(), *self.view.borrow()) {
                *self.drag.borrow_mut() = Some(Drag {
                    from: *at,
                    view,
                    moved: true,
                });
            }
        }
    }

    /// Zooms by `factor` around the client point (`x`, `y`).
    fn zoom(&self, factor: f64, x: f64, y: f64) {
        let (Some(area), Some(view)) = (self.area(), *self.view.borrow()) else {
            return;
        };
        let rect = area.get_bounding_client_rect();
        let (sw, sh) = self.screen();
        let (fx, fy) = ((x - rect.left()) / sw, (y - rect.top()) / sh);
        self.step(view.zoom_at(factor, fx, fy, sw));
    }
}

fn distance(a: (f64, f64), b: (f64, f64)) -> f64 {
    (a.0 - b.0).hypot(a.1 - b.1)
}

fn middle(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0)
}

/// The node or edge an element belongs to.
fn target_of(element: Option<Element>) -> Option<Target> {
    let element = element?;
    let found = element.closest("[data-node], [data-edge]").ok()??;
    let index = |key: &str| found.get_attribute(key)?.parse::<usize>().ok();
    index("data-node")
        .map(Target::Node)
        .or_else(|| index("data-edge").map(Target::Edge))
}

fn element_of(event: &PointerEvent) -> Option<Element> {
    event.target()?.dyn_into::<Element>().ok()
}

#[component]
pub fn CallGraphPanel(props: &CallGraphPanelProps) -> Html {
    let stage = use_memo((), |_| Stage::default());
    // Compared when set, so clearing what is already clear does not render again.
    let pointed = use_state_eq(|| None::<Pointed>);
    let menu = use_state(|| None::<(usize, (i32, i32))>);
    use_markup(&stage, &props.graph, props.theme, props.colour_blind);
    let matched = use_highlights(&stage, props);
    use_wheel_zoom(&stage, pointed.clone());
    use_resize(&stage, &props.graph);

    let onpointerdown = {
        let stage = stage.clone();
        Callback::from(move |e: PointerEvent| {
            if e.button() != 0 {
                return;
            }
            let Some(view) = *stage.view.borrow() else {
                return;
            };
            if let Some(area) = stage.area() {
                let _ = area.set_pointer_capture(e.pointer_id());
            }
            let at = (e.client_x() as f64, e.client_y() as f64);
            if stage.pointers.borrow().is_empty() {
                *stage.drag.borrow_mut() = Some(Drag {
                    from: at,
                    view,
                    moved: false,
                });
            }
            stage.pointer_down(e.pointer_id(), at);
        })
    };
    let onpointermove = {
        let (stage, pointed) = (stage.clone(), pointed.clone());
        Callback::from(move |e: PointerEvent| {
            let at = (e.client_x() as f64, e.client_y() as f64);
            if stage.pinch_move(e.pointer_id(), at) {
                pointed.set(None);
                return;
            }
            let mut drag = stage.drag.borrow_mut();
            if let Some(drag) = drag.as_mut() {
                let (dx, dy) = (
                    e.client_x() as f64 - drag.from.0,
                    e.client_y() as f64 - drag.from.1,
                );
                drag.moved |= dx.abs() + dy.abs() > 4.0;
                if drag.moved {
                    let view = drag.view.pan(dx, dy, stage.screen().0);
                    stage.step(view);
                    if pointed.is_some() {
                        pointed.set(None);
                    }
                }
                return;
            }
            let next = target_of(element_of(&e)).map(|target| Pointed {
                target,
                at: (e.client_x(), e.client_y()),
            });
            if next.is_some() || pointed.is_some() {
                pointed.set(next);
            }
        })
    };
    let onpointerup = {
        let (stage, menu, dispatch) = (stage.clone(), menu.clone(), props.dispatch.clone());
        let graph = props.graph.clone();
        Callback::from(move |e: PointerEvent| {
            let pinching = stage.pinch.borrow().is_some();
            stage.pointer_up(e.pointer_id());
            if pinching {
                return;
            }
            let Some(drag) = stage.drag.borrow_mut().take() else {
                return;
            };
            if drag.moved {
                return;
            }
            // A click: the element under the pointer (the capture made the area the target).
            let under = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.element_from_point(e.client_x() as f32, e.client_y() as f32));
            match target_of(under) {
                Some(Target::Node(node)) if node < graph.drawing.nodes.len() => {
                    let name = graph.drawing.nodes[node].name.clone();
                    dispatch.dispatch(AppAction::View(ViewAction::Select(Some(name))));
                    menu.set(Some((node, (e.client_x(), e.client_y()))));
                }
                _ => menu.set(None),
            }
        })
    };
    let onpointerleave = {
        let pointed = pointed.clone();
        Callback::from(move |_: PointerEvent| pointed.set(None))
    };
    let onpointercancel = {
        let stage = stage.clone();
        Callback::from(move |e: PointerEvent| {
            stage.pointer_up(e.pointer_id());
            stage.drag.borrow_mut().take();
        })
    };
    let on_fit = {
        let (stage, graph) = (stage.clone(), props.graph.clone());
        Callback::from(move |_: MouseEvent| stage.fit(&graph))
    };
    let zoom_button = |factor: f64| {
        let stage = stage.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(rect) = stage.area().map(|a| a.get_bounding_client_rect()) {
                let (x, y) = (
                    rect.left() + rect.width() / 2.0,
                    rect.top() + rect.height() / 2.0,
                );
                stage.zoom(factor, x, y);
            }
        })
    };
    let close_menu = {
        let menu = menu.clone();
        Callback::from(move |()| menu.set(None))
    };
    let drawing = &props.graph.drawing;
    let tooltip = (*pointed)
        .filter(|_| menu.is_none())
        .map(|p| html! { <GraphTooltip graph={props.graph.clone()} pointed_at={p.at} target={p.target} /> });
    let menu = menu.and_then(|(node, at)| {
        let name = drawing.nodes.get(node)?.name.clone();
        Some(html! {
            <FrameMenu name={name} {at} call_graph=true dispatch={props.dispatch.clone()} on_close={close_menu} />
        })
    });
    html! {
        <section class="call-graph" data-nodes={drawing.nodes.len().to_string()}
            data-edges={drawing.edges.len().to_string()}>
            <div class="call-graph-bar">
                <GraphOptionsForm options={props.options} dispatch={props.dispatch.clone()} />
                <button class="button fit" onclick={on_fit} title="Show the whole graph">{"Fit"}</button>
                <button class="button zoom-in" onclick={zoom_button(1.25)} aria-label="Zoom in">{"+"}</button>
                <button class="button zoom-out" onclick={zoom_button(0.8)} aria-label="Zoom out">{"−"}</button>
                if let Some(matched) = matched {
                    <span class="graph-matches" data-matched={matched.to_string()}>
                        {format!("{matched} of {} nodes match", drawing.nodes.len())}</span>
                }
            </div>
            <div class="graph-legend">
                { for drawing.legend.iter().map(|line| html! { <span>{line.clone()}</span> }) }
            </div>
            <div class="call-graph-area" ref={stage.area.clone()} {onpointerdown} {onpointermove}
                {onpointerup} {onpointerleave} {onpointercancel}></div>
            {tooltip.unwrap_or_default()}
            {menu.unwrap_or_default()}
        </section>
    }
}

/// The drawing's markup, written when the graph or its colours change; a new graph gets its
/// first view, new colours keep the view.
#[hook]
fn use_markup(stage: &Rc<Stage>, graph: &Rc<CallGraphView>, theme: Theme, colour_blind: bool) {
    let stage = stage.clone();
    let last = use_mut_ref(|| None::<Rc<CallGraphView>>);
    let deps = (graph.clone(), theme, colour_blind);
    use_effect_with(deps, move |(graph, theme, colour_blind)| {
        let Some(area) = stage.area() else {
            return;
        };
        let style = SvgStyle {
            theme: *theme,
            colour_blind: *colour_blind,
            file: None,
        };
        area.set_inner_html(&graph_svg::write(&graph.drawing, &style));
        let same = last.borrow().as_ref().is_some_and(|g| Rc::ptr_eq(g, graph));
        let kept = (*stage.view.borrow()).filter(|_| same);
        match kept {
            Some(view) => stage.show(view),
            None => stage.first(graph),
        }
        *last.borrow_mut() = Some(graph.clone());
        let _ = web_sys::window()
            .and_then(|w| w.performance())
            .map(|p| p.mark("scorch:call-graph-drawn"));
    });
}

/// Marks the nodes that match the search and the selected one; the number matched, when there
/// is a search.
#[hook]
fn use_highlights(stage: &Rc<Stage>, props: &CallGraphPanelProps) -> Option<usize> {
    let deps = (
        props.graph.clone(),
        props.theme,
        props.search.clone(),
        props.selected.clone(),
    );
    let matched = use_memo(deps.clone(), |(graph, _, search, _)| {
        if search.is_empty() {
            return None;
        }
        let (_, matches) = name_matcher(search);
        Some(
            graph
                .drawing
                .nodes
                .iter()
                .map(|n| matches(&n.name))
                .collect::<Vec<bool>>(),
        )
    });
    let stage = stage.clone();
    let flags = matched.clone();
    use_effect_with(deps, move |(graph, _, _, selected)| {
        let Some(area) = stage.area() else {
            return;
        };
        if let Some(svg) = area.query_selector("svg").ok().flatten() {
            let _ = svg.set_attribute("class", if flags.is_some() { "searching" } else { "" });
        }
        let Ok(nodes) = area.query_selector_all("[data-node]") else {
            return;
        };
        for i in 0..nodes.length() {
            let Some(element) = nodes.get(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
                continue;
            };
            let node = i as usize;
            let hit = (*flags)
                .as_ref()
                .is_some_and(|f| f.get(node) == Some(&true));
            let chosen = selected
                .as_ref()
                .is_some_and(|s| graph.drawing.nodes.get(node).is_some_and(|n| *s == n.name));
            let class = match (hit, chosen) {
                (true, true) => "node match selected",
                (true, false) => "node match",
                (false, true) => "node selected",
                (false, false) => "node",
            };
            let _ = element.set_attribute("class", class);
        }
    });
    (*matched)
        .as_ref()
        .map(|f| f.iter().filter(|&&m| m).count())
}

/// The wheel zooms around the pointer; the listener is not passive so the page does not
/// scroll instead.
#[hook]
fn use_wheel_zoom(stage: &Rc<Stage>, pointed: UseStateHandle<Option<Pointed>>) {
    let stage = stage.clone();
    use_effect_with((), move |_| {
        let options = EventListenerOptions::enable_prevent_default();
        let target = stage.area();
        let listener = target.map(|area| {
            EventListener::new_with_options(&area, "wheel", options, move |event| {
                let Some(wheel) = event.dyn_ref::<WheelEvent>() else {
                    return;
                };
                wheel.prevent_default();
                // What was under the pointer has moved.
                pointed.set(None);
                let factor = (-wheel.delta_y() * 0.002).exp();
                stage.zoom(factor, wheel.client_x() as f64, wheel.client_y() as f64);
            })
        });
        move || drop(listener)
    });
}

/// A new size of the window (a phone turned, a window resized) places the view again.
#[hook]
fn use_resize(stage: &Rc<Stage>, graph: &Rc<CallGraphView>) {
    let stage = stage.clone();
    use_effect_with(graph.clone(), move |graph| {
        let graph = graph.clone();
        let listener = web_sys::window()
            .map(|w| EventListener::new(&w, "resize", move |_| stage.resized(&graph)));
        move || drop(listener)
    });
}

#[derive(Properties, PartialEq)]
struct GraphTooltipProps {
    graph: Rc<CallGraphView>,
    target: Target,
    pointed_at: (i32, i32),
}

/// A node's full name with its flat and cum, or an edge's caller, callee and weight.
#[component]
fn GraphTooltip(props: &GraphTooltipProps) -> Html {
    let drawing = &props.graph.drawing;
    let value = |v: i64| format!("{} ({})", drawing.value(v), drawing.percentage(v));
    let style = beside(props.pointed_at.0, props.pointed_at.1, 14);
    let body = match props.target {
        Target::Node(n) => {
            let Some(node) = drawing.nodes.get(n) else {
                return html! {};
            };
            html! {
                <>
                    <div class="tooltip-name">{node.name.clone()}</div>
                    <table>
                        <tr><th>{"Flat"}</th><td data-value={node.flat.to_string()}>{value(node.flat)}</td></tr>
                        <tr><th>{"Cum"}</th><td data-value={node.cum.to_string()}>{value(node.cum)}</td></tr>
                    </table>
                </>
            }
        }
        Target::Edge(e) => {
            let Some(edge) = drawing.edges.get(e) else {
                return html! {};
            };
            let (caller, callee) = (
                &drawing.nodes[edge.caller].name,
                &drawing.nodes[edge.callee].name,
            );
            let mut notes = Vec::new();
            if edge.residual {
                notes.push("through frames not shown");
            }
            if edge.inline {
                notes.push("inlined");
            }
            html! {
                <>
                    <div class="tooltip-name">{caller.clone()}</div>
                    <div class="tooltip-file">{"calls "}{callee.clone()}</div>
                    <table>
                        <tr><th>{"Weight"}</th><td data-value={edge.weight.to_string()}>{value(edge.weight)}</td></tr>
                    </table>
                    if !notes.is_empty() { <div class="tooltip-file">{notes.join(", ")}</div> }
                </>
            }
        }
    };
    html! { <div class="tooltip graph-tooltip" role="tooltip" {style}>{body}</div> }
}

#[derive(Properties, PartialEq)]
struct GraphOptionsFormProps {
    options: GraphOptions,
    dispatch: UseReducerDispatcher<AppState>,
}

/// pprof's node count and fractions; a value out of range is not taken.
#[component]
fn GraphOptionsForm(props: &GraphOptionsFormProps) -> Html {
    let options = props.options;
    let field = |key: &'static str,
                 class: &'static str,
                 step: &'static str,
                 title: &'static str| {
        let current = options.entry(key).unwrap_or_default();
        let onchange = {
            let (dispatch, current) = (props.dispatch.clone(), current.clone());
            Callback::from(move |e: Event| {
                let input: HtmlInputElement = e.target_unchecked_into();
                match options.with_entry(key, input.value().trim()) {
                    Some(next) => {
                        dispatch.dispatch(AppAction::View(ViewAction::SetGraphOptions(next)))
                    }
                    None => input.set_value(&current),
                }
            })
        };
        let max = if key == "nodecount" {
            MAX_NODE_COUNT.to_string()
        } else {
            "1".to_string()
        };
        html! {
            <input {class} type="number" min="0" {max} {step} {title} value={current} {onchange} />
        }
    };
    html! {
        <>
            <label>{"Nodes "}{field("nodecount", "node-count", "1",
                "pprof -nodecount: at most this many nodes (0: all)")}</label>
            <label>{"Node fraction "}{field("nodefraction", "node-fraction", "0.001",
                "pprof -nodefraction: drop nodes under this share of the total")}</label>
            <label>{"Edge fraction "}{field("edgefraction", "edge-fraction", "0.001",
                "pprof -edgefraction: drop edges under this share of the total")}</label>
        </>
    }
}
