//! The filter bar: pprof's name filters typed as expressions (focus, ignore, hide, show,
//! show_from, tag options), granularity, the labels panel's toggle, "Hide runtime", and a chip
//! per filter set, each with a remove button.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::analysis::options::FilterKind;
use crate::model::frames::Granularity;
use crate::view::view_state::{ViewAction, ViewState};
use crate::web::app::state::{AppAction, AppState};
use crate::web::app::Shown;

/// The "Hide runtime" preset: Go's runtime and its internal packages, as pprof's -hide.
pub const HIDE_RUNTIME: &str = r"^runtime\.|^runtime/internal/|^internal/runtime/";

/// How a granularity is offered.
fn granularity_label(granularity: Granularity) -> &'static str {
    match granularity {
        Granularity::Functions => "functions",
        Granularity::FileFunctions => "functions + file",
        Granularity::Files => "files",
        Granularity::Lines => "lines",
        Granularity::Addresses => "addresses",
    }
}

#[derive(Properties, PartialEq)]
pub struct FilterBarProps {
    pub view: ViewState,
    pub shown: Shown,
    pub dispatch: UseReducerDispatcher<AppState>,
}

#[component]
pub fn FilterBar(props: &FilterBarProps) -> Html {
    let kind = use_state(|| FilterKind::Focus);
    let view = &props.view;
    let dispatch = &props.dispatch;
    let set_filter = |kind: FilterKind, pattern: String| {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            dispatch.dispatch(AppAction::AskFilter(kind, pattern.clone()))
        })
    };
    let on_kind = {
        let kind = kind.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Some(&k) = FilterKind::ALL.iter().find(|k| k.name() == select.value()) {
                kind.set(k);
            }
        })
    };
    let on_key = {
        let dispatch = dispatch.clone();
        let kind = *kind;
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                let input: HtmlInputElement = e.target_unchecked_into();
                if !input.value().is_empty() {
                    dispatch.dispatch(AppAction::AskFilter(kind, input.value()));
                    input.set_value("");
                }
            }
        })
    };
    let on_granularity = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Some(granularity) = Granularity::from_name(&select.value()) {
                dispatch.dispatch(AppAction::AskGranularity(granularity));
            }
        })
    };
    let on_labels = {
        let dispatch = dispatch.clone();
        let shown = view.labels;
        Callback::from(move |_| dispatch.dispatch(AppAction::View(ViewAction::ShowLabels(!shown))))
    };
    let hides_runtime = view.filters.hide == HIDE_RUNTIME;
    let runtime_pattern = if hides_runtime {
        String::new()
    } else {
        HIDE_RUNTIME.to_string()
    };
    let chips: Html = FilterKind::ALL
        .iter()
        .filter(|&&k| !view.filters.get(k).is_empty())
        .map(|&k| {
            let (key, value) = (k.name(), view.filters.get(k).to_string());
            html! {
                <span class="chip" key={key} data-filter={key}>
                    <span class="chip-kind">{key}</span>
                    <code>{value}</code>
                    <button class="link" aria-label={format!("Remove the {key} filter")}
                        onclick={set_filter(k, String::new())}>{"×"}</button>
                </span>
            }
        })
        .collect();
    html! {
        <div class="filters">
            <select class="filter-kind" aria-label="Filter kind" onchange={on_kind}>
                { for FilterKind::ALL.iter().map(|&k| html! {
                    <option value={k.name()} selected={k == *kind}>{k.name()}</option>
                }) }
            </select>
            <input class="filter-input" type="text" placeholder="Filter (regex on function, file or binary), Enter"
                aria-label="Filter expression" onkeydown={on_key} />
            <select class="granularity" aria-label="Granularity" onchange={on_granularity}
                title="How finely frames are told apart, as pprof's -granularity">
                { for Granularity::ALL.iter().map(|g| html! {
                    <option value={g.name()} selected={*g == view.filters.granularity}>{granularity_label(*g)}</option>
                }) }
            </select>
            <button class={classes!("button", "labels-toggle", view.labels.then_some("active"))}
                onclick={on_labels} aria-pressed={view.labels.to_string()}
                title="Label keys and values: focus on one, ignore one, group by a key">
                {format!("Labels ({})", props.shown.graph.labels.len())}</button>
            <button class={classes!("button", hides_runtime.then_some("active"))}
                onclick={set_filter(FilterKind::Hide, runtime_pattern)}
                title={format!("Hide Go's runtime frames (hide={HIDE_RUNTIME})")}>{"Hide runtime"}</button>
            {chips}
        </div>
    }
}
