//! The frame menu (right-click on a frame): filter by the frame (focus, ignore, hide, show
//! from) or show its callers and callees.

use yew::prelude::*;

use crate::analysis::call_tree::NodeId;
use crate::analysis::options::FilterKind;
use crate::format;
use crate::view::view_state::ViewAction;
use crate::web::app::state::{AppAction, AppState};
use crate::web::app::Shown;
use crate::web::components::tooltip::beside;

#[derive(Properties, PartialEq)]
pub struct FrameMenuProps {
    pub shown: Shown,
    pub node: NodeId,
    /// Where it was asked for, in client pixels.
    pub at: (i32, i32),
    pub dispatch: UseReducerDispatcher<AppState>,
    pub on_close: Callback<()>,
}

#[component]
pub fn FrameMenu(props: &FrameMenuProps) -> Html {
    let tree = &props.shown.graph.tree;
    if props.node.0 as usize >= tree.len() {
        return html! {};
    }
    let name = tree.name(props.node).to_string();
    let pattern = format!("^{}$", regex::escape(&name));
    let item = |kind: FilterKind, label: &'static str| {
        let dispatch = props.dispatch.clone();
        let on_close = props.on_close.clone();
        let pattern = pattern.clone();
        let onclick = Callback::from(move |_| {
            on_close.emit(());
            dispatch.dispatch(AppAction::AskFilter(kind, pattern.clone()));
        });
        html! { <button class="link" role="menuitem" data-filter={kind.name()} {onclick}>{label}</button> }
    };
    let on_sandwich = {
        let dispatch = props.dispatch.clone();
        let on_close = props.on_close.clone();
        let name = name.clone();
        Callback::from(move |_| {
            on_close.emit(());
            dispatch.dispatch(AppAction::View(ViewAction::Select(Some(name.clone()))));
            dispatch.dispatch(AppAction::View(ViewAction::ShowSandwich(true)));
        })
    };
    let close = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <div class="frame-menu" role="menu" style={beside(props.at.0, props.at.1, 0)}>
            <div class="frame-menu-name">{format::frame_label(&name).into_owned()}</div>
            {item(FilterKind::Focus, "Focus on it (keep stacks through it)")}
            {item(FilterKind::Ignore, "Ignore it (drop stacks through it)")}
            {item(FilterKind::Hide, "Hide it (keep its callees)")}
            {item(FilterKind::ShowFrom, "Show from it (drop its callers)")}
            <button class="link" role="menuitem" data-action="sandwich" onclick={on_sandwich}>
                {"Callers and callees"}</button>
            <button class="link" onclick={close}>{"Close"}</button>
        </div>
    }
}
