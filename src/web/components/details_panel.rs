//! The profile's details (`i`): the lines `go tool pprof` prints above its reports for the
//! value type shown, then everything profile.proto carries besides samples: files, sample
//! types with their totals, time, duration, period, comments, the documentation link (only an
//! http(s) address is a link), drop and keep frames, mappings and label keys. Its data
//! attributes hold the exact numbers, for tests.

use wasm_bindgen::JsValue;
use yew::prelude::*;

use crate::analysis::details::Details;
use crate::format;
use crate::web::app::state::{AppAction, AppState};
use crate::web::app::Shown;

/// Mappings listed; the rest are counted.
const MAPPINGS_SHOWN: usize = 200;

#[derive(Properties, PartialEq)]
pub struct DetailsProps {
    pub shown: Shown,
    pub dispatch: UseReducerDispatcher<AppState>,
}

/// A Unix time in nanoseconds in the reader's own time zone, as the browser writes dates.
fn local_time(nanos: i64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(nanos as f64 / 1e6));
    String::from(date.to_locale_string("default", &JsValue::UNDEFINED))
}

#[component]
pub fn DetailsPanel(props: &DetailsProps) -> Html {
    let loaded = &props.shown.loaded.0;
    let summary = &loaded.summary;
    let details: &Details = &summary.details;
    let tree = &props.shown.graph.tree;
    let index = tree.value_index();
    let value_type = &summary.value_types[index];
    let total = tree.profile_total();
    let close = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_| dispatch.dispatch(AppAction::ShowDetails(false)))
    };
    let header = details.pprof_header(&value_type.name, total, &value_type.unit);
    let files: Vec<String> = match loaded.parts() {
        [] => vec![loaded.name.clone()],
        parts => parts.iter().map(|p| p.name.clone()).collect(),
    };
    let row = |label: &'static str, class: &'static str, value: Html| {
        html! { <tr class={class}><th>{label}</th><td>{value}</td></tr> }
    };
    let types: Html = summary
        .value_types
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let total = details.totals.get(i).copied().unwrap_or_default();
            let marks = [
                (i == summary.default_value_index).then_some("default"),
                (i == index).then_some("shown"),
            ];
            let marks: Vec<&str> = marks.into_iter().flatten().collect();
            html! {
                <li data-index={i.to_string()} data-type={t.to_string()} data-total={total.to_string()}
                    class={classes!((i == index).then_some("shown"))}>
                    <code>{t.to_string()}</code>{format!(" total {}", format::value(total, &t.unit))}
                    if !marks.is_empty() { <span class="muted">{format!(" ({})", marks.join(", "))}</span> }
                </li>
            }
        })
        .collect();
    let doc = (!details.doc_url.is_empty()).then(|| match details.doc_link() {
        Some(url) => html! {
            <a class="doc-url" href={url.to_string()} target="_blank" rel="noopener noreferrer">{url}</a>
        },
        None => html! {
            <span><code class="doc-url">{details.doc_url.clone()}</code>
                <span class="muted">{" (not an http or https address, so not a link)"}</span></span>
        },
    });
    let mappings: Html = details
        .mappings
        .iter()
        .take(MAPPINGS_SHOWN)
        .map(|m| {
            html! {
                <tr class="mapping" data-build-id={m.build_id.clone()} data-symbols={m.has_functions.to_string()}>
                    <td><code>{if m.file.is_empty() { "(no file)".to_string() } else { m.file.clone() }}</code></td>
                    <td><code>{if m.build_id.is_empty() { "-".to_string() } else { m.build_id.clone() }}</code></td>
                    <td>{if m.has_functions { "yes" } else { "no" }}</td>
                    <td><code>{format!("{:#x}–{:#x}", m.memory_start, m.memory_limit)}</code></td>
                </tr>
            }
        })
        .collect();
    let more_mappings = details.mappings.len().saturating_sub(MAPPINGS_SHOWN);
    let text = |s: &str| html! { <code>{s.to_string()}</code> };
    html! {
        <section class="details-panel" role="dialog" aria-label="Profile details">
            <div class="help-head"><strong>{"Profile details"}</strong>
                <button class="link" onclick={close}>{"Close"}</button></div>
            if !header.is_empty() {
                <pre class="pprof-header" title="What go tool pprof prints above its reports (time in UTC)">
                    {header.join("\n")}</pre>
            }
            <table class="details">
                {row(if files.len() > 1 { "Files" } else { "File" }, "files", html! { {files.join(", ")} })}
                {row("Sample types", "types", html! { <ul>{types}</ul> })}
                if let Some(time) = details.time() {
                    {row("Time", "time", html! {
                        <span data-nanos={details.time_nanos.to_string()}>{time}
                            <span class="muted">{format!(" · {} here", local_time(details.time_nanos))}</span></span>
                    })}
                }
                if details.duration_nanos != 0 {
                    {row("Duration", "duration", html! {
                        <span data-nanos={details.duration_nanos.to_string()}>
                            {format::value(details.duration_nanos, "nanoseconds")}</span>
                    })}
                }
                {row("Total samples", "total-samples", html! {
                    <span data-total={total.to_string()}>{format::value(total, &value_type.unit)}
                        if let Some(share) = details.duration_share(total, &value_type.unit) {
                            {format!(" ({share} of the duration)")}
                        }</span>
                })}
                if let Some(period) = details.period_text() {
                    {row("Period", "period", html! {
                        <span data-period={details.period.to_string()}
                            data-period-type={details.period_type.as_ref().map(|t| t.to_string()).unwrap_or_default()}>
                            {period}</span>
                    })}
                }
                if !details.comments.is_empty() {
                    {row("Comments", "comments", html! {
                        <ul>{for details.comments.iter().map(|c| html! { <li>{c.clone()}</li> })}</ul>
                    })}
                }
                if let Some(doc) = doc { {row("Documentation", "doc", doc)} }
                if !details.drop_frames.is_empty() { {row("drop_frames", "drop-frames", text(&details.drop_frames))} }
                if !details.keep_frames.is_empty() { {row("keep_frames", "keep-frames", text(&details.keep_frames))} }
                {row("Label keys", "label-keys", html! {
                    if details.label_keys.is_empty() { <span class="muted">{"none"}</span> }
                    else { {details.label_keys.join(", ")} }
                })}
                {row("Counts", "counts", html! {
                    {[(details.samples, "sample"), (details.locations, "location"),
                        (details.functions, "function"), (details.mappings.len() as u64, "mapping")]
                        .iter()
                        .map(|&(n, what)| format!("{} {what}{}", format::separated(n as i64), if n == 1 { "" } else { "s" }))
                        .collect::<Vec<_>>()
                        .join(" · ")}
                })}
            </table>
            if !details.mappings.is_empty() {
                <table class="mappings">
                    <tr><th>{"Mapping"}</th><th>{"Build ID"}</th><th>{"Symbols"}</th><th>{"Addresses"}</th></tr>
                    {mappings}
                </table>
                if more_mappings > 0 { <p class="muted">{format!("and {more_mappings} more mappings")}</p> }
            }
        </section>
    }
}
