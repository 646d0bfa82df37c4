//! The toolbar's "View" menu: how the flame graph reads its stacks (inverted, recursion
//! collapsed). Each choice is also a key and goes in the link.

use yew::prelude::*;

use crate::analysis::shape::Shape;
use crate::view::view_state::{ViewAction, ViewState};
use crate::web::app::state::{AppAction, AppState};

#[derive(Properties, PartialEq)]
pub struct ViewMenuProps {
    pub view: ViewState,
    pub dispatch: UseReducerDispatcher<AppState>,
}

#[component]
pub fn ViewMenu(props: &ViewMenuProps) -> Html {
    let shape = props.view.shape;
    let set_shape = |change: fn(Shape) -> Shape| {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_: Event| {
            dispatch.dispatch(AppAction::View(ViewAction::SetShape(change(shape))))
        })
    };
    let reshaped = !shape.is_plain();
    html! {
        <details class="view-menu secondary">
            <summary class={classes!("button", reshaped.then_some("active"))}
                title="How the flame graph reads its stacks">{"View"}</summary>
            <div class="view-menu-items">
                <label title="Bottom-up: the functions that hold the time at the root, their callers above (b)">
                    <input type="checkbox" class="inverted-toggle" checked={shape.inverted}
                        onchange={set_shape(|s| Shape { inverted: !s.inverted, ..s })} />
                    {"Inverted (bottom-up)"}<kbd>{"b"}</kbd></label>
                <label title="A function's recursive calls merged into its outermost frame, so deep recursion stops being a needle (r)">
                    <input type="checkbox" class="collapse-toggle" checked={shape.collapse_recursion}
                        onchange={set_shape(|s| Shape { collapse_recursion: !s.collapse_recursion, ..s })} />
                    {"Collapse recursion"}<kbd>{"r"}</kbd></label>
            </div>
        </details>
    }
}
