//! The toolbar: open, add (merged) and compare files, value type, the flame or call graph,
//! orientation, the view menu, zoom reset, the panels, export, link, help and the search box
//! with its matched share. On a narrow screen the secondary controls fold behind "More".

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::analysis::options::DiffMode;
use crate::format;
use crate::view::keys::Command;
use crate::view::orientation::Orientation;
use crate::view::search::QueryKind;
use crate::view::view_state::ViewAction;
use crate::web::app::keyboard::key_actions;
use crate::web::app::loader::{file_part, files_of, Loader};
use crate::web::app::state::{AppAction, AppState};
use crate::web::app::Shown;
use crate::web::components::view_menu::ViewMenu;
use crate::web::export::{self, ExportKind};
use crate::web::link;

#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    pub state: UseReducerHandle<AppState>,
    pub shown: Shown,
    pub loader: Loader,
    pub search_ref: NodeRef,
}

/// The files of a file input's change, and the input emptied so the same files can come again.
fn picked_files(e: &Event) -> Vec<web_sys::File> {
    let input: HtmlInputElement = e.target_unchecked_into();
    let files = input.files().map(|f| files_of(&f)).unwrap_or_default();
    input.set_value("");
    files
}

/// The "Open profile…" button, also shown before any profile is.
#[derive(Properties, PartialEq)]
pub struct OpenButtonProps {
    pub loader: Loader,
}

#[component]
pub fn OpenButton(props: &OpenButtonProps) -> Html {
    let onchange = {
        let loader = props.loader.clone();
        Callback::from(move |e: Event| loader.load_files(picked_files(&e)))
    };
    html! {
        <label class="button" title="Open a .pprof, .pb.gz or folded-stacks file (or drop it anywhere, or paste it); several files open merged, as go tool pprof A B does">
            {"Open profile…"}
            <input type="file" class="hidden" multiple=true {onchange} />
        </label>
    }
}

/// Closes the `<details>` menu an item of which was clicked.
fn close_menu(e: &MouseEvent) {
    if let Some(details) = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|t| t.closest("details").ok().flatten())
    {
        let _ = details.remove_attribute("open");
    }
}

#[component]
pub fn Toolbar(props: &ToolbarProps) -> Html {
    let expanded = use_state(|| false);
    let state = &props.state;
    let view = &state.view;
    // A panel of the selected function shows only while that function is in the graph (a
    // change of granularity can leave it out).
    let sandwich = view.sandwich && props.shown.selected.is_some();
    let source = view.source && props.shown.selected.is_some();
    let dispatch = state.dispatcher();
    let loaded = &props.shown.loaded.0;
    let summary = &loaded.summary;
    let view_action = |action: ViewAction| {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(AppAction::View(action.clone())))
    };

    let on_base = {
        let dispatch = dispatch.clone();
        let loaded = loaded.clone();
        Callback::from(move |e: Event| {
            let Some(file) = picked_files(&e).into_iter().next() else {
                return;
            };
            let name = file.name();
            match loaded.open_base(file_part(file), None) {
                Ok(()) => dispatch.dispatch(AppAction::Notice(Some(format!(
                    "Opening {name} to compare with…"
                )))),
                Err(message) => dispatch.dispatch(AppAction::Fail(message)),
            }
        })
    };
    let on_add = {
        let loader = props.loader.clone();
        let loaded = loaded.clone();
        let view = view.clone();
        Callback::from(move |e: Event| loader.add_files(&loaded, &view, picked_files(&e)))
    };
    let on_value_type = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(index) = select.value().parse::<usize>() {
                dispatch.dispatch(AppAction::AskValueType(index));
            }
        })
    };
    // The quick samples/time toggle, where a profile has both.
    let count_index = summary.value_types.iter().position(|t| t.unit == "count");
    let time_index = summary
        .value_types
        .iter()
        .position(|t| format::is_time_unit(&t.unit));
    let toggle = count_index.zip(time_index).map(|(c, t)| {
        let target = if view.value_index == c { t } else { c };
        let label = if target == t {
            "Show time"
        } else {
            "Show samples"
        };
        let dispatch = dispatch.clone();
        let onclick = Callback::from(move |_| dispatch.dispatch(AppAction::AskValueType(target)));
        html! {
            <button class="button" title="Switch between sample counts and time" {onclick}>{label}</button>
        }
    });
    let (orientation_label, flipped) = match view.orientation {
        Orientation::Flame => ("Icicle", Orientation::Icicle),
        Orientation::Icicle => ("Flame", Orientation::Flame),
    };
    let pprof_title = match view.filters.diff {
        DiffMode::Off => "The samples the filters leave, every value type kept, as go tool pprof -proto saves them: opens in pprof and here",
        _ => "This profile's samples the filters leave (not the comparison), every value type kept, as go tool pprof -proto saves them",
    };
    let pprof_title = match view.shape.is_plain() {
        true => pprof_title.to_string(),
        false => format!(
            "{pprof_title}; their stacks as recorded (a profile is not inverted or collapsed)"
        ),
    };
    let export = |kind: ExportKind| {
        let shown = props.shown.clone();
        let view = view.clone();
        let dispatch = dispatch.clone();
        Callback::from(move |e: MouseEvent| {
            close_menu(&e);
            if let Err(message) = export::save(kind, &shown, &view) {
                dispatch.dispatch(AppAction::Fail(message));
            }
        })
    };
    let on_copy_summary = {
        let shown = props.shown.clone();
        let view = view.clone();
        let dispatch = dispatch.clone();
        Callback::from(move |e: MouseEvent| {
            close_menu(&e);
            link::copy_to_clipboard(&export::summary_text(&shown, &view));
            dispatch.dispatch(AppAction::Notice(Some(
                "Copied a summary of this view (header, options, top 20 by flat and by cum) \
                 as text."
                    .into(),
            )));
        })
    };
    let on_copy_link = {
        let dispatch = dispatch.clone();
        let loaded = loaded.clone();
        let view = view.clone();
        Callback::from(move |_| {
            let share_link = link::make_link(&loaded, &view);
            link::copy_to_clipboard(&share_link.url);
            dispatch.dispatch(AppAction::ShowLink(Some(share_link)));
        })
    };
    let on_help = {
        let dispatch = dispatch.clone();
        let shown = state.help;
        Callback::from(move |_| dispatch.dispatch(AppAction::ShowHelp(!shown)))
    };
    let on_search = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            dispatch.dispatch(AppAction::View(ViewAction::SetSearch(input.value())));
        })
    };
    // Enter and Shift+Enter in the search box step through matches as `n` and `N` do.
    let on_search_key = {
        let dispatch = dispatch.clone();
        let state = state.clone();
        let shown = props.shown.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() != "Enter" {
                return;
            }
            let command = if e.shift_key() {
                Command::PreviousMatch
            } else {
                Command::NextMatch
            };
            for action in key_actions(&state, &shown, command).into_iter().flatten() {
                dispatch.dispatch(action);
            }
        })
    };
    let on_more = {
        let expanded = expanded.clone();
        Callback::from(move |_| expanded.set(!*expanded))
    };
    let search_status = (*props.shown.search).as_ref().map(|result| {
        let total = props.shown.graph.tree.profile_total();
        let unit = props.shown.unit();
        let share = format!(
            "matched {} · {}",
            format::percent(result.matched_total, total, 1),
            format::value(result.matched_total, unit)
        );
        let note = match &result.kind {
            QueryKind::Regex => String::new(),
            QueryKind::Substring { reason } => {
                format!(" (not a regular expression: {reason}; matched as text)")
            }
        };
        let position = view
            .match_cursor
            .map(|c| format!(" · {}/{}", c + 1, result.top_matches.len()))
            .unwrap_or_default();
        html! {
            <span class="search-status" data-matched={result.matched_total.to_string()}>
                {share}{position}{note}
            </span>
        }
    });

    html! {
        <header class={classes!("toolbar", expanded.then_some("expanded"))}>
            <strong class="brand">{"Scorch"}</strong>
            <OpenButton loader={props.loader.clone()} />
            <button class="button more" aria-expanded={expanded.to_string()} onclick={on_more}
                title="More controls">{if *expanded { "Less" } else { "More…" }}</button>
            if !loaded.parts().is_empty() {
                <label class="button add-profile secondary" title="Add profiles to this one: they are merged, as go tool pprof A B merges them">
                    {"Add profile…"}
                    <input type="file" class="hidden" multiple=true onchange={on_add} />
                </label>
            }
            <label class="button compare secondary" title="Compare with a base profile (pprof -diff_base): widths show this profile, colours the change">
                {"Compare…"}
                <input type="file" class="hidden" onchange={on_base} />
            </label>
            <select class="value-type" aria-label="Value type" onchange={on_value_type}>
                { for summary.value_types.iter().enumerate().map(|(i, t)| {
                    let label = if t.name.is_empty() { format!("#{i}") } else { t.name.clone() };
                    let label = if t.unit.is_empty() { label } else { format!("{label} ({})", t.unit) };
                    html! { <option value={i.to_string()} selected={i == view.value_index}>{label}</option> }
                }) }
            </select>
            { toggle.unwrap_or_default() }
            <button class={classes!("button", "graph-toggle", view.call_graph.then_some("active"))}
                onclick={view_action(ViewAction::ShowCallGraph(!view.call_graph))} aria-pressed={view.call_graph.to_string()}
                title="pprof's call graph: boxes by flat, arrows by calls (g)">{"Graph"}</button>
            <button class="button orientation secondary" onclick={view_action(ViewAction::SetOrientation(flipped))}
                title="Switch between flame (root at the bottom) and icicle (root at the top)">
                {orientation_label}</button>
            <ViewMenu view={view.clone()} dispatch={dispatch.clone()} />
            <button class="button secondary" onclick={view_action(ViewAction::ResetZoom)} title="Zoom out (Escape)">{"Reset zoom"}</button>
            <button class={classes!("button", "table-toggle", view.table.then_some("active"))}
                onclick={view_action(ViewAction::ShowTable(!view.table))} aria-pressed={view.table.to_string()}
                title="The top table: flat and cum per function (t)">{"Table"}</button>
            <button class={classes!("button", "sandwich-toggle", "secondary", sandwich.then_some("active"))}
                onclick={view_action(ViewAction::ShowSandwich(!view.sandwich))} disabled={props.shown.selected.is_none()}
                aria-pressed={sandwich.to_string()}
                title="Callers and callees of the selected function (select one in the table or right-click a frame)">
                {"Callers/callees"}</button>
            <button class={classes!("button", "source-toggle", "secondary", source.then_some("active"))}
                onclick={view_action(ViewAction::ShowSource(!view.source))} disabled={props.shown.selected.is_none()}
                aria-pressed={source.to_string()}
                title="The selected function's source lines with their flat and cum (s)">
                {"Source"}</button>
            <details class="export secondary">
                <summary class="button" title="Save the view as a file">{"Export"}</summary>
                <div class="export-menu">
                    <button class="link" data-export="svg" onclick={export(ExportKind::Svg)}
                        title="A flame graph that opens anywhere: click to zoom, Search to find">{"SVG (zoomable)"}</button>
                    <button class="link" data-export="folded" onclick={export(ExportKind::Folded)}
                        title="main;a;b 12 lines, for flamegraph.pl, speedscope, inferno">{"Folded stacks"}</button>
                    <button class="link" data-export="pprof" onclick={export(ExportKind::Pprof)}
                        title={pprof_title}>{"pprof profile (.pb.gz)"}</button>
                    <button class="link" data-export="summary" onclick={on_copy_summary}
                        title="Puts a plain-text summary on the clipboard, for an issue or a chat: pprof's header, the options, the top 20 by flat and by cum">
                        {"Copy summary (text)"}</button>
                    if view.call_graph {
                        <button class="link" data-export="graph-svg" onclick={export(ExportKind::CallGraphSvg)}
                            title="The call graph as drawn here">{"Call graph SVG"}</button>
                        <button class="link" data-export="graph-dot" onclick={export(ExportKind::CallGraphDot)}
                            title="pprof's -dot file, for Graphviz">{"Call graph DOT"}</button>
                    } else {
                        <button class="link" data-export="png" onclick={export(ExportKind::Png)}>{"PNG image"}</button>
                    }
                </div>
            </details>
            <button class="button copy-link secondary" onclick={on_copy_link}
                title="A link to this view; the profile goes inside it when small enough, and is never uploaded">
                {"Copy link"}</button>
            <button class="button help-toggle secondary" title="Keyboard and mouse (?)" aria-label="Keyboard shortcuts"
                onclick={on_help}>{"?"}</button>
            <input ref={props.search_ref.clone()} class="search" type="search" placeholder="Search (regex) — / or Ctrl+F"
                aria-label="Search frames" value={view.search.clone()} oninput={on_search} onkeydown={on_search_key} />
            {search_status.unwrap_or_default()}
        </header>
    }
}
