//! The toolbar's "View" menu: how the flame graph reads its stacks (inverted, recursion
//! collapsed; each also a key) and how frames are coloured (by package or by self share, and
//! a colour-blind palette; remembered across visits). Every choice goes in the link.

use yew::prelude::*;

use crate::analysis::shape::Shape;
use crate::view::color::{ColorBy, Colors};
use crate::view::view_state::{ViewAction, ViewState};
use crate::web::app::state::{AppAction, AppState};
use crate::web::preferences;

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
    let colors = props.view.colors;
    let set_colors = |change: fn(Colors) -> Colors| {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_: Event| {
            let next = change(colors);
            preferences::remember_colors(next);
            dispatch.dispatch(AppAction::View(ViewAction::SetColors(next)))
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
                <hr />
                <span class="muted">{"Colour frames by"}</span>
                <label title="Every frame of one package in one hue, wherever it is">
                    <input type="radio" name="color-by" class="color-package" checked={colors.by == ColorBy::Package}
                        onchange={set_colors(|c| Colors { by: ColorBy::Package, ..c })} />
                    {"Package"}</label>
                <label title="Hot functions (large self, pprof's flat) deep, cold ones pale">
                    <input type="radio" name="color-by" class="color-self" checked={colors.by == ColorBy::SelfShare}
                        onchange={set_colors(|c| Colors { by: ColorBy::SelfShare, ..c })} />
                    {"Self share (hot frames stand out)"}</label>
                <label title="Colours told apart with any colour blindness, in the flame graph and in a comparison">
                    <input type="checkbox" class="colour-blind-toggle" checked={colors.colour_blind}
                        onchange={set_colors(|c| Colors { colour_blind: !c.colour_blind, ..c })} />
                    {"Colour-blind palette"}</label>
            </div>
        </details>
    }
}
