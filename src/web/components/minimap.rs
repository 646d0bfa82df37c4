//! The minimap, shown while the flame graph is zoomed: the whole graph small, in the corner,
//! with the window in view outlined. Dragging the window pans the graph; pressing outside it
//! centres the window there.

use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use crate::view::view_state::{ViewAction, ViewState};
use crate::view::viewport::dragged_window;
use crate::web::app::state::{AppAction, AppState};
use crate::web::app::Shown;
use crate::web::paint::{paint_overview, Overview};

/// The minimap's drawing size in CSS pixels (a narrow screen shows it smaller).
pub const WIDTH: f64 = 240.0;
pub const HEIGHT: f64 = 64.0;

/// Where a pointer event is across the minimap as shown, as a fraction of its width.
fn across(e: &PointerEvent) -> f64 {
    let width = e
        .target_dyn_into::<web_sys::Element>()
        .map_or(WIDTH, |t| f64::from(t.client_width()).max(1.0));
    f64::from(e.offset_x()) / width
}

#[derive(Properties, PartialEq)]
pub struct MinimapProps {
    pub shown: Shown,
    pub view: ViewState,
    pub dispatch: UseReducerDispatcher<AppState>,
}

#[component]
pub fn Minimap(props: &MinimapProps) -> Html {
    let canvas_ref = use_node_ref();
    // While dragging: where in the window it was grabbed (a fraction of its width).
    let grabbed = use_mut_ref(|| None::<f64>);
    {
        let canvas_ref = canvas_ref.clone();
        let shown = props.shown.clone();
        let deps = (shown.clone(), props.view.window, props.view.orientation);
        use_effect_with(deps, move |(_, window, orientation)| {
            if let Some(canvas) = canvas_ref.cast::<HtmlCanvasElement>() {
                let g = &shown.graph;
                let palette = g.palette(shown.theme, shown.colors);
                let overview = Overview {
                    tree: &g.tree,
                    layout: &g.layout,
                    orientation: *orientation,
                    diff: g
                        .diff
                        .as_ref()
                        .map(|d| d.colors(shown.theme, shown.colors.colour_blind)),
                    palette: &palette,
                    window: *window,
                    width: WIDTH,
                    height: HEIGHT,
                };
                let _ = paint_overview(&canvas, &overview);
            }
        });
    }
    let window = props.view.window;
    let move_to = {
        let dispatch = props.dispatch.clone();
        move |x: f64, grab: f64| {
            let window = dragged_window(x, grab, window);
            dispatch.dispatch(AppAction::View(ViewAction::SetWindow(window)))
        }
    };
    let onpointerdown = {
        let grabbed = grabbed.clone();
        let move_to = move_to.clone();
        Callback::from(move |e: PointerEvent| {
            e.stop_propagation();
            e.prevent_default();
            if let Some(target) = e.target_dyn_into::<web_sys::Element>() {
                let _ = target.set_pointer_capture(e.pointer_id());
            }
            let x = across(&e);
            let (left, right) = window;
            let grab = if (left..=right).contains(&x) && right > left {
                (x - left) / (right - left)
            } else {
                // Outside the window: it is centred under the pointer.
                move_to(x, 0.5);
                0.5
            };
            *grabbed.borrow_mut() = Some(grab);
        })
    };
    let onpointermove = {
        let grabbed = grabbed.clone();
        Callback::from(move |e: PointerEvent| {
            e.stop_propagation();
            if let Some(grab) = *grabbed.borrow() {
                move_to(across(&e), grab);
            }
        })
    };
    let release = {
        let grabbed = grabbed.clone();
        Callback::from(move |e: PointerEvent| {
            e.stop_propagation();
            *grabbed.borrow_mut() = None;
        })
    };
    let stop_wheel = Callback::from(|e: WheelEvent| e.stop_propagation());
    let stop_touch = Callback::from(|e: TouchEvent| e.stop_propagation());
    html! {
        <div class="minimap" title="The whole graph: drag the outlined window to pan"
            data-window={format!("{:.6},{:.6}", window.0, window.1)}>
            <canvas ref={canvas_ref} {onpointerdown} {onpointermove} onpointerup={release.clone()}
                onpointercancel={release} onwheel={stop_wheel} ontouchstart={stop_touch}></canvas>
        </div>
    }
}
