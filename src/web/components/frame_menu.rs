//! The frame menu (right-click on a frame, click on a call graph node): filter by the frame
//! (focus, ignore, hide, show from), show its callers and callees or its source lines, copy
//! its name, its file:line or its stack, or, from the call graph, find it in the flame graph.

use std::rc::Rc;

use yew::prelude::*;

use crate::analysis::options::FilterKind;
use crate::format;
use crate::view::view_state::ViewAction;
use crate::web::app::state::{AppAction, AppState};
use crate::web::components::tooltip::beside;
use crate::web::link;

#[derive(Properties, PartialEq)]
pub struct FrameMenuProps {
    /// The frame's full name.
    pub name: AttrValue,
    /// Asked for on the call graph: the menu also leads to the flame graph.
    #[prop_or_default]
    pub call_graph: bool,
    /// Where the frame's code is (`file:line`), when known.
    #[prop_or_default]
    pub location: Option<AttrValue>,
    /// The frames from the root's child down to this one, on the flame graph.
    #[prop_or_default]
    pub stack: Option<Rc<Vec<String>>>,
    /// Where it was asked for, in client pixels.
    pub at: (i32, i32),
    pub dispatch: UseReducerDispatcher<AppState>,
    pub on_close: Callback<()>,
}

#[component]
pub fn FrameMenu(props: &FrameMenuProps) -> Html {
    let name = props.name.to_string();
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
    // Selects the frame, then shows it in another view.
    let select_then = |view: ViewAction| {
        let dispatch = props.dispatch.clone();
        let on_close = props.on_close.clone();
        let name = name.clone();
        Callback::from(move |_| {
            on_close.emit(());
            dispatch.dispatch(AppAction::View(ViewAction::Select(Some(name.clone()))));
            dispatch.dispatch(AppAction::View(view.clone()));
        })
    };
    let on_sandwich = select_then(ViewAction::ShowSandwich(true));
    let on_flame = select_then(ViewAction::ShowCallGraph(false));
    let on_source = select_then(ViewAction::ShowSource(true));
    let copy = |text: String, what: String| {
        let dispatch = props.dispatch.clone();
        let on_close = props.on_close.clone();
        Callback::from(move |_| {
            on_close.emit(());
            link::copy_to_clipboard(&text);
            dispatch.dispatch(AppAction::Notice(Some(format!("Copied {what}."))));
        })
    };
    let on_copy_name = copy(name.clone(), "the frame's name".into());
    let on_copy_location = props
        .location
        .as_ref()
        .map(|l| copy(l.to_string(), format!("{l}")));
    let on_copy_stack = props.stack.as_ref().map(|stack| {
        let what = format!("the stack ({} frames, root first)", stack.len());
        copy(stack.join("\n"), what)
    });
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
            <button class="link" role="menuitem" data-action="source" onclick={on_source}>
                {"Source lines"}</button>
            <button class="link" role="menuitem" data-action="copy-name" onclick={on_copy_name}>
                {"Copy name"}</button>
            if let Some(onclick) = on_copy_location {
                <button class="link" role="menuitem" data-action="copy-location" {onclick}>
                    {"Copy file:line"}</button>
            }
            if let Some(onclick) = on_copy_stack {
                <button class="link" role="menuitem" data-action="copy-stack" {onclick}
                    title="Every frame from the root to this one, one per line">{"Copy stack"}</button>
            }
            if props.call_graph {
                <button class="link" role="menuitem" data-action="flame" onclick={on_flame}>
                    {"Show in the flame graph"}</button>
            }
            <button class="link" onclick={close}>{"Close"}</button>
        </div>
    }
}
