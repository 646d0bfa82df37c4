//! The comparison bar, shown while the view is compared with a base profile: the base's name
//! and total, the colour legend (the flame graph's, or pprof's red and green on the call
//! graph), "Normalize" and "Stop comparing".

use yew::prelude::*;

use crate::analysis::options::DiffMode;
use crate::format;
use crate::web::app::state::{AppAction, AppState};
use crate::web::app::Shown;

#[derive(Properties, PartialEq)]
pub struct DiffBarProps {
    pub mode: DiffMode,
    pub shown: Shown,
    /// The call graph is shown, in pprof's colours.
    pub call_graph: bool,
    pub dispatch: UseReducerDispatcher<AppState>,
}

#[component]
pub fn DiffBar(props: &DiffBarProps) -> Html {
    let set_diff = |mode: DiffMode| {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_: Event| dispatch.dispatch(AppAction::AskDiff(mode)))
    };
    let normalized = props.mode == DiffMode::Normalized;
    let on_normalize = set_diff(if normalized {
        DiffMode::Base
    } else {
        DiffMode::Normalized
    });
    let on_stop = set_diff(DiffMode::Off);
    let base_total = props.shown.graph.diff.as_ref().map(|d| d.table.total);
    let base = props.shown.loaded.0.base_name().unwrap_or_default();
    html! {
        <div class="diff-bar" data-mode={props.mode.name()}>
            <span class="diff-base">{format!("Compared with {base}")}</span>
            if let Some(base_total) = base_total {
                <span class="muted">{format!(" (base total {})", format::value(base_total, props.shown.unit()))}</span>
            }
            <span class={classes!("legend", props.shown.colors.colour_blind.then_some("colour-blind"))}><span class="grew">{"grew"}</span><span class={classes!("shrank", props.call_graph.then_some("pprof"))}>{"shrank"}</span></span>
            <label><input type="checkbox" class="normalize" checked={normalized} onchange={on_normalize} />
                {" Normalize (scale this profile to the base's total)"}</label>
            <button class="link stop-comparing" onclick={on_stop.reform(Event::from)}>{"Stop comparing"}</button>
        </div>
    }
}
