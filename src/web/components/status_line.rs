//! The status line under the toolbar: the profile's name (or how many were merged, their names
//! on hover), value type and total, the duration and how much of it was sampled, how the
//! flame graph is reshaped, the heat legend, what the filters leave of it, and the button to
//! the details. Its data attributes are what tests read of the view.

use yew::prelude::*;

use crate::analysis::call_tree::CallTree;
use crate::format;
use crate::view::color::{heat_color, ColorBy, HEAT_STEPS};
use crate::view::view_state::ViewState;
use crate::web::app::state::{AppAction, AppState};
use crate::web::app::Shown;

#[derive(Properties, PartialEq)]
pub struct StatusLineProps {
    pub shown: Shown,
    pub view: ViewState,
    pub dispatch: UseReducerDispatcher<AppState>,
}

#[component]
pub fn StatusLine(props: &StatusLineProps) -> Html {
    let (view, loaded, tree) = (&props.view, &props.shown.loaded.0, &props.shown.graph.tree);
    let unit = props.shown.unit();
    let total = tree.profile_total();
    let shown = tree.total_value(CallTree::ROOT);
    let value_type = &loaded.summary.value_types[view.value_index];
    let details = &loaded.summary.details;
    // pprof's "Duration: D, Total samples = X (P%)", short.
    let duration = (details.duration_nanos != 0).then(|| {
        let share = details
            .duration_share(total, unit)
            // A duration the samples are no part of (a bogus one) says nothing.
            .filter(|share| share != "0.00%")
            .map(|share| format!(" ({share} of it sampled)"))
            .unwrap_or_default();
        format!(
            " · duration {}{share}",
            format::value(details.duration_nanos, "nanoseconds")
        )
    });
    let open_details = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_| dispatch.dispatch(AppAction::ShowDetails(true)))
    };
    html! {
        <div class="status" data-total={total.to_string()} data-value-type={view.value_index.to_string()}
            data-shown={shown.to_string()}
            data-orientation={format!("{:?}", view.orientation).to_lowercase()}>
            if let [_, _, ..] = loaded.parts() {
                <span class="profile-name merged" data-merged={loaded.parts().len().to_string()}
                    title={loaded.parts().iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join("\n")}>
                    {format!("{} profiles merged", loaded.parts().len())}</span>
            } else {
                <span class="profile-name" title={loaded.name.clone()}>{loaded.name.clone()}</span>
            }
            <span>{format!(" · {value_type} · total {}", format::value(total, unit))}</span>
            if let Some(duration) = duration { <span class="duration">{duration}</span> }
            if view.shape.inverted {
                <span class="shape inverted">{" · inverted"}</span>
            }
            if view.shape.collapse_recursion {
                <span class="shape collapsed">{" · recursion collapsed"}</span>
            }
            if view.colors.by == ColorBy::SelfShare {
                <span class="heat-legend" title="Frames coloured by their function's self value (flat), against the hottest">
                    {" · self: cold "}
                    { for [0, 3, 5, 8, HEAT_STEPS].into_iter().map(|step| html! {
                        <span class="swatch" style={format!("background:{}",
                            heat_color(step, props.shown.theme, view.colors.colour_blind))}></span>
                    }) }
                    {" hot"}</span>
            }
            if !view.filters.is_empty() {
                <span class="shown">{format!(" · filtered: {} ({})",
                    format::value(shown, unit), format::percent(shown, total, 1))}</span>
            }
            {" · "}<button class="link details-toggle" onclick={open_details}
                title="Type, time, duration, period, sample types, mappings (i)">{"Details"}</button>
            <span class="hint">{" · drop a .pprof anywhere to open it"}</span>
        </div>
    }
}
