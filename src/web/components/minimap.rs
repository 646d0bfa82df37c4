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

/// The minimap's size in CSS pixels.
pub const WIDTH: f64 = 240.0;
pub const HEIGHT: f64 = 64.0;

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
            let window = dragged_window(x / WIDTH, grab, window);
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
            let x = f64::from(e.offset_x());
            let (left, right) = (window.0 * WIDTH, window.1 * WIDTH);
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
                move_to(f64::from(e.offset_x()), grab);
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
    html! {
        <div class="minimap" title="The whole graph: drag the outlined window to pan"
            data-window={format!("{:.6},{:.6}", window.0, window.1)}>
            <canvas ref={canvas_ref} {onpointerdown} {onpointermove} onpointerup={release.clone()}
                onpointercancel={release} onwheel={stop_wheel}></canvas>
        </div>
    }
}
