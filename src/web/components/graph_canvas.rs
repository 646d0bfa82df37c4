//! The flame graph's area: the canvas drawn after each change, the pointer (hover, click to
//! zoom, drag to pan, right-click for the frame menu, a tap on a touch screen to select), the
//! wheel (zoom, shift to pan), and the scroll position that keeps the root row on screen.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlCanvasElement, HtmlElement, PointerEvent, ResizeObserver};
use yew::prelude::*;

use crate::analysis::call_tree::{CallTree, NodeId};
use crate::view::hit_test::{depth_at, node_at, row_top};
use crate::view::orientation::Orientation;
use crate::view::view_state::{ViewAction, ViewState};
use crate::view::viewport::Viewport;
use crate::web::app::loaded::Shared;
use crate::web::app::state::{AppAction, AppState};
use crate::web::app::{Hover, Shown};
use crate::web::components::minimap::Minimap;
use crate::web::engine::protocol::wasm_memory_bytes;
use crate::web::link;
use crate::web::paint::{paint, Scene, ROW_HEIGHT};
use crate::web::trace;

#[derive(Properties, PartialEq)]
pub struct GraphCanvasProps {
    pub shown: Shown,
    pub view: ViewState,
    pub dispatch: UseReducerDispatcher<AppState>,
    /// The frame under the pointer (or tapped), with where the pointer is.
    pub hover: Option<Hover>,
    pub on_hover: Callback<Option<Hover>>,
    /// Right-click on a frame: the frame menu at client (x, y).
    pub on_menu: Callback<(NodeId, i32, i32)>,
    /// The keyboard's cursor frame.
    pub cursor: Option<NodeId>,
    /// Hidden (the callers and callees are shown in its place).
    pub hidden: bool,
}

/// A drag in progress: where it started and the viewport then.
struct Drag {
    start_x: f64,
    viewport: Viewport,
    moved: bool,
}

/// What listeners made once read of the latest render.
struct Latest {
    shown: Shown,
    viewport: Viewport,
    /// The graph's width in value units.
    whole: f64,
    orientation: Orientation,
    rows: u32,
    hover: Option<Hover>,
    on_hover: Callback<Option<Hover>>,
}

impl Latest {
    /// The node under client point (`x`, `y`), if the point is on the canvas.
    fn node_at_client(&self, canvas: &HtmlCanvasElement, x: i32, y: i32) -> Option<NodeId> {
        let rect = canvas.get_bounding_client_rect();
        let (css_x, css_y) = (x as f64 - rect.left(), y as f64 - rect.top());
        if css_x < 0.0 || css_x > rect.width() {
            return None;
        }
        let depth = depth_at(css_y, ROW_HEIGHT, self.rows, self.orientation)?;
        let graph = &self.shown.graph;
        node_at(&graph.tree, &graph.layout, &self.viewport, depth, css_x)
    }

    /// The hover follows the frame now under the pointer at client `pointer` (after a zoom,
    /// pan, scroll or a new graph), or goes away; a tapped frame stays.
    fn refresh_hover(&self, canvas: &HtmlCanvasElement, pointer: Option<(i32, i32)>) {
        if self.hover.is_some_and(|h| h.tapped) {
            return;
        }
        let next = pointer.and_then(|(x, y)| {
            let node = self.node_at_client(canvas, x, y)?;
            Some(Hover {
                graph: Hover::key(&self.shown.graph),
                node,
                client_x: x,
                client_y: y,
                tapped: false,
            })
        });
        if next != self.hover {
            self.on_hover.emit(next);
        }
    }
}

/// How far the scroll position is from the root's edge of the area (the bottom in flame, the
/// top in icicle), in CSS pixels.
fn distance_from_root(area: &HtmlElement, orientation: Orientation) -> f64 {
    let top = area.scroll_top() as f64;
    match orientation {
        Orientation::Icicle => top,
        Orientation::Flame => (area.scroll_height() - area.client_height()) as f64 - top,
    }
}

/// The scroll position the person chose, as a distance from the root's edge (0: the root row
/// at the edge), kept when the area or the graph changes height. Only scrolling that follows
/// the person's own input on the area (wheel or scrollbar, keys, touch) moves it: the app's
/// scrolls and the browser's clamps come with scroll events too, at times after a later
/// change of size.
#[derive(Default)]
struct Anchor {
    distance: f64,
    /// Until when (`Date.now()` milliseconds) a scroll event is taken as the person's.
    person_until: f64,
}

/// How long after the person's input on the area its scroll events are taken as theirs.
const PERSON_SCROLL_MS: f64 = 600.0;

impl Anchor {
    /// Scrolls `area` to the anchor's distance from the root's edge.
    fn apply(&self, area: &HtmlElement, orientation: Orientation) {
        let top = match orientation {
            Orientation::Icicle => self.distance,
            Orientation::Flame => {
                (area.scroll_height() - area.client_height()) as f64 - self.distance
            }
        };
        let top = top.max(0.0).round() as i32;
        if area.scroll_top() != top {
            area.set_scroll_top(top);
        }
    }

    /// The person is about to scroll the area themselves.
    fn person_input(&mut self) {
        self.person_until = js_sys::Date::now() + PERSON_SCROLL_MS;
    }

    /// A scroll event: the person's only just after their input.
    fn scrolled(&mut self, area: &HtmlElement, orientation: Orientation) {
        if js_sys::Date::now() <= self.person_until {
            self.distance = distance_from_root(area, orientation);
        }
    }

    /// Scrolls `area` to `top` (to show a row), which the person then keeps.
    fn scroll_to(&mut self, area: &HtmlElement, orientation: Orientation, top: i32) {
        area.set_scroll_top(top.max(0));
        self.distance = distance_from_root(area, orientation);
    }
}

/// The element refs and mutable state the canvas's listeners share across renders.
#[derive(Clone)]
struct Refs {
    canvas_ref: NodeRef,
    area_ref: NodeRef,
    drag: Rc<RefCell<Option<Drag>>>,
    anchor: Rc<RefCell<Anchor>>,
    /// Where the mouse is over the canvas, in client pixels (none off it, or for a finger).
    pointer: Rc<RefCell<Option<(i32, i32)>>>,
    latest: Rc<RefCell<Option<Latest>>>,
}

impl Refs {
    /// The hover follows what is under the pointer now.
    fn refresh_hover(&self) {
        if let (Some(latest), Some(canvas)) = (
            self.latest.borrow().as_ref(),
            self.canvas_ref.cast::<HtmlCanvasElement>(),
        ) {
            latest.refresh_hover(&canvas, *self.pointer.borrow());
        }
    }
}

#[hook]
fn use_refs() -> Refs {
    Refs {
        canvas_ref: use_node_ref(),
        area_ref: use_node_ref(),
        drag: use_mut_ref(|| None),
        anchor: use_mut_ref(Anchor::default),
        pointer: use_mut_ref(|| None),
        latest: use_mut_ref(|| None),
    }
}

#[component]
pub fn GraphCanvas(props: &GraphCanvasProps) -> Html {
    let refs = use_refs();
    let width = use_state(|| 800.0f64);
    let graph = &props.shown.graph;
    let view = &props.view;
    let whole = graph.layout.extent(&graph.tree, CallTree::ROOT).max(1) as f64;
    let viewport = Viewport::new(view.window.0 * whole, view.window.1 * whole, *width);
    let rows = graph.tree.max_depth() + 1;
    *refs.latest.borrow_mut() = Some(Latest {
        shown: props.shown.clone(),
        viewport,
        whole,
        orientation: view.orientation,
        rows,
        hover: props.hover,
        on_hover: props.on_hover.clone(),
    });
    use_area_observer(&refs, width.clone());
    // A new profile or orientation starts with the root row at its edge.
    {
        let anchor = refs.anchor.clone();
        let deps = (props.shown.loaded.clone(), view.orientation);
        use_effect_with(deps, move |_| *anchor.borrow_mut() = Anchor::default());
    }
    use_drawing(&refs, props, viewport, *width);
    use_reveal(&refs, props, rows);
    use_wheel(&refs, props.dispatch.clone());
    let handlers = pointer_handlers(&refs, props, viewport, whole);
    let onscroll = {
        let refs = refs.clone();
        let orientation = view.orientation;
        Callback::from(move |e: Event| {
            if let Some(area) = e.target().and_then(|t| t.dyn_into::<HtmlElement>().ok()) {
                refs.anchor.borrow_mut().scrolled(&area, orientation);
            }
            refs.refresh_hover();
        })
    };
    // Input on the area itself (its scrollbar, a wheel beside the drawing, keys, a finger),
    // not on the canvas, where the wheel zooms and a drag pans.
    let person = {
        let refs = refs.clone();
        move |e: &Event| {
            let on_area = e
                .target()
                .zip(refs.area_ref.get())
                .is_some_and(|(target, area)| target == area.into());
            if on_area || e.type_() == "keydown" || e.type_() == "touchstart" {
                refs.anchor.borrow_mut().person_input();
            }
        }
    };
    let onwheel = {
        let person = person.clone();
        Callback::from(move |e: WheelEvent| person(&e))
    };
    let onpointerdown_area = {
        let person = person.clone();
        Callback::from(move |e: PointerEvent| person(&e))
    };
    let onkeydown = {
        let person = person.clone();
        Callback::from(move |e: KeyboardEvent| person(&e))
    };
    let ontouchstart = Callback::from(move |e: TouchEvent| person(&e));
    let orientation_class = match view.orientation {
        Orientation::Flame => "flame",
        Orientation::Icicle => "icicle",
    };
    let empty = (graph.tree.total_value(CallTree::ROOT) == 0).then(|| empty_message(view));
    let PointerHandlers {
        onpointermove,
        onpointerdown,
        onpointerup,
        onpointerleave,
        oncontextmenu,
    } = handlers;
    // Zoomed in, the minimap shows where the view is in the whole graph.
    let zoomed = props.view.window.0 > 1e-9 || props.view.window.1 < 1.0 - 1e-9;
    html! {
        <div class={classes!("graph", orientation_class, props.hidden.then_some("hidden"))}
            ref={refs.area_ref.clone()} {onscroll} {onwheel} onpointerdown={onpointerdown_area}
            {onkeydown} {ontouchstart}>
            if let Some(message) = empty {
                <div class="graph-empty" role="status">{message}</div>
            }
            if zoomed {
                <Minimap shown={props.shown.clone()} view={props.view.clone()} dispatch={props.dispatch.clone()} />
            }
            // Entering is moving: the canvas may come back under a pointer that stayed still
            // (the page's layout changed), and the hover must find it again.
            <canvas ref={refs.canvas_ref.clone()} onpointerover={onpointermove.clone()} {onpointermove}
                {onpointerdown} {onpointerup} {onpointerleave} {oncontextmenu}></canvas>
        </div>
    }
}

/// The area's width, and the root kept in view when its size changes (a panel opens, the
/// window is resized, the breadcrumbs appear); what is under the pointer moves with it.
#[hook]
fn use_area_observer(refs: &Refs, width: UseStateHandle<f64>) {
    let refs = refs.clone();
    use_effect_with((), move |_| {
        let area = refs.area_ref.cast::<HtmlElement>();
        let observer = area.as_ref().and_then(|area| {
            let observed = area.clone();
            let callback = Closure::<dyn FnMut()>::new(move || {
                let measured = observed.client_width().max(100) as f64;
                if measured != *width {
                    width.set(measured);
                }
                let orientation = refs.latest.borrow().as_ref().map(|l| l.orientation);
                if let Some(orientation) = orientation {
                    refs.anchor.borrow().apply(&observed, orientation);
                    refs.refresh_hover();
                }
            });
            let observer = ResizeObserver::new(callback.as_ref().unchecked_ref()).ok()?;
            observer.observe(area);
            Some((observer, callback))
        });
        move || {
            if let Some((observer, _callback)) = observer {
                observer.disconnect();
            }
        }
    });
}

/// Draws after every render that changed what is shown, then puts the root where the person
/// left it and lets the hover follow what is now under the pointer.
#[hook]
fn use_drawing(refs: &Refs, props: &GraphCanvasProps, viewport: Viewport, width: f64) {
    // The profile whose first drawing was marked (for tests and benchmarks).
    let marked = use_mut_ref(|| None::<Shared>);
    let refs = refs.clone();
    let shown = props.shown.clone();
    // The pointer's frame, else the keyboard cursor's, is outlined.
    let outlined = props.hover.map(|h| h.node).or(props.cursor);
    let deps = (props.shown.clone(), props.view.clone(), width, outlined);
    use_effect_with(deps, move |(_, view, _, _)| {
        let Some(canvas) = refs.canvas_ref.cast::<HtmlCanvasElement>() else {
            return;
        };
        let g = &shown.graph;
        let palette = g.palette(shown.theme, shown.colors);
        let diff_colors = g
            .diff
            .as_ref()
            .map(|d| d.colors(shown.theme, shown.colors.colour_blind));
        let scene = Scene {
            palette: &palette,
            tree: &g.tree,
            layout: &g.layout,
            viewport,
            orientation: view.orientation,
            search: (*shown.search).as_ref(),
            hover: outlined,
            selected: shown.selected,
            marked: &shown.marked,
            diff: diff_colors,
        };
        let first = marked.borrow().as_ref() != Some(&shown.loaded);
        if first {
            trace::mark("paint-start");
        }
        let performance = web_sys::window().and_then(|w| w.performance());
        let started = performance.as_ref().map_or(0.0, |p| p.now());
        if let Ok(drawn) = paint(&canvas, &scene) {
            // For tests and benchmarks: what was drawn and how long painting took.
            let took = performance.as_ref().map_or(0.0, |p| p.now()) - started;
            let _ = canvas.set_attribute("data-drawn", &drawn.rects.to_string());
            let _ = canvas.set_attribute("data-selected", &drawn.selected.to_string());
            let _ = canvas.set_attribute("data-marked", &drawn.marked.to_string());
            let _ = canvas.set_attribute("data-depth", &g.tree.max_depth().to_string());
            let _ = canvas.set_attribute("data-same-function", &drawn.same_function.to_string());
            let colors = shown.colors;
            let palette = if colors.colour_blind { ",cb" } else { "" };
            let _ = canvas.set_attribute("data-colors", &format!("{}{palette}", colors.by_name()));
            let _ = canvas.set_attribute("data-paint-ms", &format!("{took:.3}"));
            if first {
                // The wasm memory of the page and of the profile's engine, in bytes: their
                // peaks, as a wasm memory never shrinks.
                let _ = canvas.set_attribute("data-wasm-bytes", &wasm_memory_bytes().to_string());
                let engine = shown.loaded.0.engine_memory;
                let _ = canvas.set_attribute("data-engine-wasm-bytes", &engine.to_string());
                *marked.borrow_mut() = Some(shown.loaded.clone());
                trace::mark("first-draw");
            }
        }
        if let Some(area) = refs.area_ref.cast::<HtmlElement>() {
            refs.anchor.borrow().apply(&area, view.orientation);
        }
        refs.refresh_hover();
    });
}

/// Stepping to a search match, or moving the keyboard's cursor, brings that row into view
/// (only then: a search or cursor cleared moves nothing).
#[hook]
fn use_reveal(refs: &Refs, props: &GraphCanvasProps, rows: u32) {
    let view = &props.view;
    let tree = &props.shown.graph.tree;
    let matched = view.match_cursor.and_then(|c| {
        let result = (*props.shown.search).as_ref()?;
        result.top_matches.get(c).copied()
    });
    let matched = matched.map(|node| tree.depth(node));
    let cursor = props.cursor.map(|node| tree.depth(node));
    let orientation = view.orientation;
    let refs = refs.clone();
    let deps = (view.match_cursor, view.cursor.clone());
    let last = use_mut_ref(|| deps.clone());
    use_effect_with(deps, move |deps| {
        let before = std::mem::replace(&mut *last.borrow_mut(), deps.clone());
        let wanted = if deps.0.is_some() && deps.0 != before.0 {
            matched
        } else if deps.1.is_some() && deps.1 != before.1 {
            cursor
        } else {
            None
        };
        let (Some(depth), Some(area)) = (wanted, refs.area_ref.cast::<HtmlElement>()) else {
            return;
        };
        let y = row_top(depth, ROW_HEIGHT, rows, orientation);
        // The canvas sits at the bottom of an area taller than it.
        let offset = (area.client_height() as f64 - rows as f64 * ROW_HEIGHT).max(0.0);
        let y = y + if orientation == Orientation::Flame {
            offset
        } else {
            0.0
        };
        let (top, height) = (area.scroll_top() as f64, area.client_height() as f64);
        if y < top || y + ROW_HEIGHT > top + height {
            let top = (y - height / 2.0) as i32;
            refs.anchor.borrow_mut().scroll_to(&area, orientation, top);
        }
    });
}

/// The wheel zooms around the pointer (shift or a horizontal swipe pans); the listener is not
/// passive so the page does not scroll instead.
#[hook]
fn use_wheel(refs: &Refs, dispatch: UseReducerDispatcher<AppState>) {
    let refs = refs.clone();
    use_effect_with((), move |_| {
        let options = EventListenerOptions::enable_prevent_default();
        let listener = refs.canvas_ref.cast::<HtmlCanvasElement>().map(|canvas| {
            EventListener::new_with_options(&canvas, "wheel", options, move |event| {
                let Some(wheel) = event.dyn_ref::<WheelEvent>() else {
                    return;
                };
                let Some((viewport, whole)) =
                    refs.latest.borrow().as_ref().map(|l| (l.viewport, l.whole))
                else {
                    return;
                };
                let (dx, dy) = (wheel.delta_x(), wheel.delta_y());
                let next = if wheel.shift_key() || dx.abs() > dy.abs() {
                    viewport.pan(-(if dx.abs() > dy.abs() { dx } else { dy }), whole)
                } else if wheel.ctrl_key() || dy != 0.0 {
                    viewport.zoom_around(wheel.offset_x() as f64, (-dy * 0.002).exp(), whole)
                } else {
                    return;
                };
                wheel.prevent_default();
                dispatch.dispatch(show_window(&next, whole));
            })
        });
        move || drop(listener)
    });
}

/// The canvas's pointer listeners.
struct PointerHandlers {
    onpointermove: Callback<PointerEvent>,
    onpointerdown: Callback<PointerEvent>,
    onpointerup: Callback<PointerEvent>,
    onpointerleave: Callback<PointerEvent>,
    oncontextmenu: Callback<MouseEvent>,
}

/// Hover, click to zoom, drag to pan, right-click for the menu, a tap to select.
fn pointer_handlers(
    refs: &Refs,
    props: &GraphCanvasProps,
    viewport: Viewport,
    whole: f64,
) -> PointerHandlers {
    let graph = &props.shown.graph;
    let node_at_event = {
        let refs = refs.clone();
        move |e: &MouseEvent| -> Option<NodeId> {
            let canvas = refs.canvas_ref.cast::<HtmlCanvasElement>()?;
            refs.latest
                .borrow()
                .as_ref()?
                .node_at_client(&canvas, e.client_x(), e.client_y())
        }
    };
    let graph_key = Hover::key(graph);
    let hover_at = move |node: NodeId, e: &MouseEvent, tapped: bool| Hover {
        graph: graph_key,
        node,
        client_x: e.client_x(),
        client_y: e.client_y(),
        tapped,
    };
    let onpointermove = {
        let drag = refs.drag.clone();
        let pointer = refs.pointer.clone();
        let dispatch = props.dispatch.clone();
        let on_hover = props.on_hover.clone();
        let current = props.hover;
        let node_at_event = node_at_event.clone();
        Callback::from(move |e: PointerEvent| {
            if let Some(d) = drag.borrow_mut().as_mut() {
                if e.buttons() & 1 == 1 {
                    let dx = e.offset_x() as f64 - d.start_x;
                    if dx.abs() > 3.0 {
                        d.moved = true;
                    }
                    if d.moved {
                        dispatch.dispatch(show_window(&d.viewport.pan(dx, whole), whole));
                        return;
                    }
                }
            }
            // A finger that moves without dragging points at nothing.
            if e.pointer_type() == "touch" {
                return;
            }
            *pointer.borrow_mut() = Some((e.client_x(), e.client_y()));
            let next = node_at_event(&e).map(|node| hover_at(node, &e, false));
            if current != next {
                on_hover.emit(next);
            }
        })
    };
    let onpointerdown = {
        let drag = refs.drag.clone();
        Callback::from(move |e: PointerEvent| {
            if e.button() != 0 {
                return;
            }
            *drag.borrow_mut() = Some(Drag {
                start_x: e.offset_x() as f64,
                viewport,
                moved: false,
            });
        })
    };
    // A click zooms to the frame; a tap on a touch screen selects it (its tooltip offers the
    // zoom), so a finger can read a frame before changing the view.
    let onpointerup = {
        let drag = refs.drag.clone();
        let dispatch = props.dispatch.clone();
        let on_hover = props.on_hover.clone();
        let graph = graph.clone();
        let node_at_event = node_at_event.clone();
        Callback::from(move |e: PointerEvent| {
            if e.button() != 0 {
                return;
            }
            let was_drag = drag.borrow_mut().take().is_some_and(|d| d.moved);
            if was_drag {
                return;
            }
            let node = node_at_event(&e);
            if e.pointer_type() == "touch" {
                on_hover.emit(node.map(|node| hover_at(node, &e, true)));
            } else if let Some(node) = node {
                dispatch.dispatch(AppAction::View(link::zoom_to(&graph, node)));
            }
        })
    };
    // Right-click on a frame: a menu to filter by it.
    let oncontextmenu = {
        let on_menu = props.on_menu.clone();
        let node_at_event = node_at_event.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(node) = node_at_event(&e) {
                e.prevent_default();
                on_menu.emit((node, e.client_x(), e.client_y()));
            }
        })
    };
    let onpointerleave = {
        let drag = refs.drag.clone();
        let pointer = refs.pointer.clone();
        let on_hover = props.on_hover.clone();
        let tapped = props.hover.is_some_and(|h| h.tapped);
        Callback::from(move |e: PointerEvent| {
            *drag.borrow_mut() = None;
            *pointer.borrow_mut() = None;
            if e.pointer_type() != "touch" && !tapped {
                on_hover.emit(None);
            }
        })
    };
    PointerHandlers {
        onpointermove,
        onpointerdown,
        onpointerup,
        onpointerleave,
        oncontextmenu,
    }
}

/// What a graph with nothing in it says: which options left nothing.
fn empty_message(view: &ViewState) -> String {
    let options: Vec<String> = view
        .filters
        .entries()
        .into_iter()
        .filter(|(key, _)| *key != "granularity")
        .map(|(key, value)| format!("{key}={value}"))
        .collect();
    if options.is_empty() {
        "This value type has no samples (every value is zero).".to_string()
    } else {
        format!(
            "No samples match {}: remove a filter to see the graph.",
            options.join(", ")
        )
    }
}

/// The action that shows `viewport`'s window of a graph `whole` value units wide.
fn show_window(viewport: &Viewport, whole: f64) -> AppAction {
    AppAction::View(ViewAction::SetWindow((
        viewport.start / whole,
        viewport.end / whole,
    )))
}
