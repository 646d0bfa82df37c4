//! The labels panel: every label key of the samples shown, its values with their totals, and
//! pprof's label options one click away: focus on a value or ignore it (tagfocus, tagignore)
//! and group by a key (tagroot).

use std::rc::Rc;

use yew::prelude::*;

use crate::analysis::labels::{LabelKind, LabelTotal};
use crate::analysis::options::FilterKind;
use crate::analysis::tags::label_filter;
use crate::format;
use crate::web::app::loaded::Graph;

/// Values listed per key; the rest are counted.
const VALUES_SHOWN: usize = 40;

#[derive(Properties, PartialEq)]
pub struct LabelsProps {
    pub graph: Rc<Graph>,
    pub unit: String,
    /// The keys grouped by now (pprof's tagroot, comma-separated).
    pub tagroot: String,
    /// Set one of pprof's options (tagfocus, tagignore, tagroot).
    pub on_option: Callback<(FilterKind, String)>,
}

#[component]
pub fn LabelsPanel(props: &LabelsProps) -> Html {
    let labels = &props.graph.labels;
    let total = props.graph.tree.profile_total();
    let unit = &props.unit;
    if labels.is_empty() {
        return html! {
            <section class="labels-panel" aria-label="Labels">
                <p class="labels-none">{"The samples shown carry no labels."}</p>
            </section>
        };
    }
    // Keys in the listing's order (numbers first, then by key), values by total.
    let mut keys: Vec<(LabelKind, &str, Vec<&LabelTotal>)> = Vec::new();
    for label in labels {
        match keys.last_mut() {
            Some((kind, key, values)) if *kind == label.kind && *key == label.key => {
                values.push(label)
            }
            _ => keys.push((label.kind, &label.key, vec![label])),
        }
    }
    let grouped: Vec<&str> = props.tagroot.split(',').filter(|k| !k.is_empty()).collect();
    let sections: Html = keys
        .into_iter()
        .map(|(kind, key, mut values)| {
            values.sort_by(|a, b| b.total.abs().cmp(&a.total.abs()).then(a.value.cmp(&b.value)));
            // tagroot names the key without its unit.
            let bare = key.split('[').next().unwrap_or(key).to_string();
            let is_grouped = grouped.contains(&bare.as_str());
            let on_group = {
                let on_option = props.on_option.clone();
                let mut keys: Vec<String> = grouped.iter().map(|k| k.to_string()).collect();
                if is_grouped {
                    keys.retain(|k| *k != bare);
                } else {
                    keys.push(bare.clone());
                }
                Callback::from(move |_| on_option.emit((FilterKind::TagRoot, keys.join(","))))
            };
            let more = values.len().saturating_sub(VALUES_SHOWN);
            let rows: Html = values
                .iter()
                .take(VALUES_SHOWN)
                .map(|label| {
                    let filter = label_filter(label);
                    let button = |option: FilterKind, text: &'static str| {
                        let on_option = props.on_option.clone();
                        let filter = filter.clone();
                        let onclick = Callback::from(move |_| on_option.emit((option, filter.clone())));
                        html! { <button class="link" data-option={option.name()} {onclick}>{text}</button> }
                    };
                    html! {
                        <tr key={filter.clone()} data-key={bare.clone()} data-value={label.value.clone()} data-total={label.total.to_string()}>
                            <td class="label-value">{label.value.clone()}</td>
                            <td class="num">{format::value(label.total, unit)}</td>
                            <td class="num">{format::percent(label.total, total, 2)}</td>
                            <td>{button(FilterKind::TagFocus, "focus")}{button(FilterKind::TagIgnore, "ignore")}</td>
                        </tr>
                    }
                })
                .collect();
            html! {
                <div class="label-key" key={format!("{kind}:{key}")} data-key={bare.clone()}>
                    <div class="label-key-head">
                        <strong>{key.to_string()}</strong>
                        <span class="muted">{if kind == LabelKind::Num { " number" } else { "" }}
                            {format!(" · {} {}", values.len(), if values.len() == 1 { "value" } else { "values" })}</span>
                        <button class={classes!("button", "group-by", is_grouped.then_some("active"))}
                            onclick={on_group} aria-pressed={is_grouped.to_string()}
                            title="A frame per value of this key at the root of every stack (pprof's tagroot)">
                            {"Group by"}</button>
                    </div>
                    <table class="label-values"><tbody>{rows}</tbody></table>
                    if more > 0 { <div class="muted">{format!("and {more} more {}", if more == 1 { "value" } else { "values" })}</div> }
                </div>
            }
        })
        .collect();
    html! {
        <section class="labels-panel" aria-label="Labels">{sections}</section>
    }
}
