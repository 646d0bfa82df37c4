//! The help dialog (`?`): every keyboard shortcut and what the mouse and touch do.

use yew::prelude::*;

use crate::view::keys;
use crate::web::app::state::{AppAction, AppState};

#[derive(Properties, PartialEq)]
pub struct HelpProps {
    pub dispatch: UseReducerDispatcher<AppState>,
}

#[component]
pub fn Help(props: &HelpProps) -> Html {
    let close = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_| dispatch.dispatch(AppAction::ShowHelp(false)))
    };
    let rows = |list: &'static [(&'static str, &'static str)]| -> Html {
        list.iter()
            .map(|(keys, what)| html! { <tr><th><kbd>{*keys}</kbd></th><td>{*what}</td></tr> })
            .collect()
    };
    html! {
        <div class="help" role="dialog" aria-label="Keyboard shortcuts">
            <div class="help-head"><strong>{"Keyboard"}</strong>
                <button class="link" onclick={close}>{"Close"}</button></div>
            <table>{rows(keys::SHORTCUTS)}</table>
            <div class="help-head"><strong>{"Mouse and touch"}</strong></div>
            <table class="help-pointer">{rows(keys::POINTER)}</table>
        </div>
    }
}
