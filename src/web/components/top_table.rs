//! The top table panel: pprof's flat, flat%, sum%, cum, cum% and name per function, sortable
//! by each column, narrowed by the search box, and virtualised (only the rows in view are in
//! the page), so 100,000 functions scroll smoothly. Clicking a row selects its function, which
//! the graph highlights; the function under the pointer in the graph is highlighted here.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use yew::prelude::*;

use crate::analysis::top::{Arranged, TopColumn, TopSort};
use crate::format;
use crate::model::frames::FrameId;
use crate::view::search::{name_matcher, SearchResult};
use crate::web::app::loaded::Graph;
use crate::web::hooks::use_measured;
use rustc_hash::FxHashMap;

/// Height of a row in CSS pixels (the stylesheet's `.top-row` height).
const ROW_HEIGHT: f64 = 22.0;
/// Rows drawn above and below those in view, so a fast scroll shows no gap.
const OVERSCAN: usize = 12;

#[derive(Properties, PartialEq)]
pub struct TopTableProps {
    pub graph: Rc<Graph>,
    pub search: Rc<Option<SearchResult>>,
    /// The search box's text (a comparison's table also lists functions only in the base).
    pub query: String,
    pub unit: String,
    /// The selected function, highlighted in the graph.
    pub selected: Option<FrameId>,
    /// The function under the pointer in the graph.
    pub hovered: Option<FrameId>,
    pub on_select: Callback<Option<FrameId>>,
    /// Double-click on a row: the function's source lines.
    pub on_source: Callback<FrameId>,
}

#[component]
pub fn TopTablePanel(props: &TopTableProps) -> Html {
    // The order, and the header that set it (flat and flat% sort alike; one shows the arrow).
    let sort = use_state(|| (TopSort::default(), "flat"));
    let scroll_top = use_state(|| 0.0f64);
    let body_ref = use_node_ref();
    let body_height = use_measured(
        body_ref.clone(),
        |body| body.client_height().max(1) as f64,
        600.0,
        (),
    );
    let table = props.graph.top_table();
    // Rows: of the top table, or of a comparison's diff table.
    let arranged: Rc<Arranged> = {
        let deps = (
            props.graph.clone(),
            sort.0,
            props.search.clone(),
            props.query.clone(),
        );
        let table = table.clone();
        use_memo(deps, move |(graph, sort, search, query)| {
            match &graph.diff {
                Some(diff) => {
                    let matches = (!query.is_empty()).then(|| name_matcher(query).1);
                    diff.table
                        .arranged(*sort, |name| matches.as_ref().is_none_or(|m| m(name)))
                }
                None => table.arranged(&graph.tree, *sort, |frame| {
                    (**search)
                        .as_ref()
                        .is_none_or(|s| s.frame_matches[frame.0 as usize])
                }),
            }
        })
    };
    // A comparison's rows are names: their frames in the graph's tree (only a comparison
    // needs them).
    let frame_of_name: Rc<FxHashMap<String, FrameId>> = use_memo(props.graph.clone(), |graph| {
        let frames = graph.tree.frames();
        match graph.diff {
            Some(_) => (1..frames.len() as u32)
                .map(|f| (frames.name(FrameId(f)).to_string(), FrameId(f)))
                .collect(),
            None => FxHashMap::default(),
        }
    });
    let order = &arranged.order;
    // The row of the function under the pointer in the graph comes into view.
    {
        let body_ref = body_ref.clone();
        let arranged = arranged.clone();
        let table = table.clone();
        let graph = props.graph.clone();
        use_effect_with(props.hovered, move |hovered| {
            let row = hovered.and_then(|frame| {
                let index = match &graph.diff {
                    Some(diff) => {
                        let name = graph.tree.frames().name(frame);
                        diff.table.rows().iter().position(|r| r.name == name)?
                    }
                    None => table.position(frame)?,
                } as u32;
                arranged.order.iter().position(|&i| i == index)
            });
            if let (Some(row), Some(body)) = (row, body_ref.cast::<HtmlElement>()) {
                let top = row as f64 * ROW_HEIGHT;
                let (from, height) = (body.scroll_top() as f64, body.client_height() as f64);
                if top < from || top + ROW_HEIGHT > from + height {
                    body.set_scroll_top((top - height / 2.0).max(0.0) as i32);
                }
            }
        });
    }

    let onscroll = {
        let scroll_top = scroll_top.clone();
        Callback::from(move |e: Event| {
            if let Some(body) = e.target().and_then(|t| t.dyn_into::<HtmlElement>().ok()) {
                scroll_top.set(body.scroll_top() as f64);
            }
        })
    };
    let tree = &props.graph.tree;
    let total = tree.profile_total();
    let unit = &props.unit;
    let first = ((*scroll_top / ROW_HEIGHT) as usize).saturating_sub(OVERSCAN);
    // The body may grow without a resize (a panel above it closes): rows for a tall one.
    let count = (body_height.max(1200.0) / ROW_HEIGHT) as usize + 2 * OVERSCAN + 1;
    let last = (first + count).min(order.len());
    // Rows are keyed by the table's row, so a row the person points at keeps its element.
    let diff_rows = props.graph.diff.is_some();
    let row_view = |position: usize,
                    frame: Option<FrameId>,
                    name: String,
                    cells: Html,
                    data: (i64, i64)| {
        let key = format!("{}{}", if diff_rows { "d" } else { "t" }, order[position]);
        let selected = frame.is_some() && props.selected == frame;
        let hovered = frame.is_some() && props.hovered == frame;
        let onclick = {
            let on_select = props.on_select.clone();
            Callback::from(move |_| on_select.emit(frame.filter(|_| !selected)))
        };
        let ondblclick = {
            let on_source = props.on_source.clone();
            Callback::from(move |_: MouseEvent| {
                if let Some(frame) = frame {
                    on_source.emit(frame)
                }
            })
        };
        let style = format!("top:{}px", position as f64 * ROW_HEIGHT);
        html! {
            <div {key} class={classes!("top-row", selected.then_some("selected"), hovered.then_some("hovered"))}
                role="row" aria-selected={selected.to_string()} data-flat={data.0.to_string()}
                data-cum={data.1.to_string()} data-sum={arranged.sums[position].to_string()}
                title={name.clone()} {style} {onclick} {ondblclick}>
                {cells}
                <span class="name">{format::frame_label(&name).into_owned()}</span>
            </div>
        }
    };
    let signed = |v: i64| format!("{}{}", if v > 0 { "+" } else { "" }, format::value(v, unit));
    let rows: Html = (first..last)
        .map(|position| match &props.graph.diff {
            Some(diff) => {
                let row = &diff.table.rows()[order[position] as usize];
                let cells = html! {
                    <>
                        <span class="num">{format::value(row.new_flat, unit)}</span>
                        <span class="num delta">{signed(row.flat())}</span>
                        <span class="num">{format::value(row.new_cum, unit)}</span>
                        <span class="num delta">{signed(row.cum())}</span>
                        <span class="num">{format::percent(row.cum(), diff.table.total, 2)}</span>
                    </>
                };
                let frame = frame_of_name.get(&row.name).copied();
                row_view(
                    position,
                    frame,
                    row.name.clone(),
                    cells,
                    (row.flat(), row.cum()),
                )
            }
            None => {
                let row = table.rows()[order[position] as usize];
                let cells = html! {
                    <>
                        <span class="num">{format::value(row.flat, unit)}</span>
                        <span class="num">{format::percent(row.flat, total, 2)}</span>
                        <span class="num">{format::percent(arranged.sums[position], total, 2)}</span>
                        <span class="num">{format::value(row.cum, unit)}</span>
                        <span class="num">{format::percent(row.cum, total, 2)}</span>
                    </>
                };
                let name = tree.frames().name(row.frame).to_string();
                row_view(position, Some(row.frame), name, cells, (row.flat, row.cum))
            }
        })
        .collect();
    let all = props
        .graph
        .diff
        .as_ref()
        .map_or(table.rows().len(), |d| d.table.rows().len());
    let shown = match (props.query.is_empty(), &props.graph.diff) {
        (false, _) => format!("{} of {all} functions match", order.len()),
        (true, Some(_)) => format!("{all} functions changed (new minus base)"),
        (true, None) => format!("{all} functions"),
    };
    let head = table_head(&sort, props.graph.diff.is_some());
    html! {
        <section class={classes!("side", "top-table", props.graph.diff.is_some().then_some("diff"))}
            role="table" aria-label="Top functions"
            data-rows={order.len().to_string()}>
            <div class="top-caption">{shown}</div>
            <div class="top-header" role="row">{head}</div>
            <div class="top-body" ref={body_ref} {onscroll}>
                <div class="top-rows" style={format!("height:{}px", order.len() as f64 * ROW_HEIGHT)}>
                    {rows}
                </div>
            </div>
        </section>
    }
}

/// A header that sorts by `column`; it shows the order when it set it.
fn sort_header(
    sort: &UseStateHandle<(TopSort, &'static str)>,
    column: TopColumn,
    label: &'static str,
    class: &'static str,
) -> Html {
    let sort = sort.clone();
    let (current, clicked) = *sort;
    let active = current.column == column && clicked == label;
    let aria = match (active, current.descending) {
        (false, _) => "none",
        (true, true) => "descending",
        (true, false) => "ascending",
    };
    let arrow = match aria {
        "descending" => " ▾",
        "ascending" => " ▴",
        _ => "",
    };
    let onclick = Callback::from(move |_| {
        let descending = if current.column == column {
            !current.descending
        } else {
            column.descending_first()
        };
        sort.set((TopSort { column, descending }, label));
    });
    html! {
        <button class={classes!("top-head", class)} role="columnheader" aria-sort={aria}
            data-column={label} {onclick}>{label}{arrow}</button>
    }
}

/// The header row: pprof's columns, or a comparison's.
fn table_head(sort: &UseStateHandle<(TopSort, &'static str)>, diff: bool) -> Html {
    match diff {
        true => html! {
            <>
                <span class="top-head num">{"flat"}</span>
                {sort_header(sort, TopColumn::Flat, "Δflat", "num")}
                <span class="top-head num">{"cum"}</span>
                {sort_header(sort, TopColumn::Cum, "Δcum", "num")}
                {sort_header(sort, TopColumn::Cum, "Δcum%", "num")}
                {sort_header(sort, TopColumn::Name, "name", "name")}
            </>
        },
        false => html! {
            <>
                {sort_header(sort, TopColumn::Flat, "flat", "num")}
                {sort_header(sort, TopColumn::Flat, "flat%", "num")}
                <span class="top-head num" title="The running sum of flat down the table, as pprof's sum%">{"sum%"}</span>
                {sort_header(sort, TopColumn::Cum, "cum", "num")}
                {sort_header(sort, TopColumn::Cum, "cum%", "num")}
                {sort_header(sort, TopColumn::Name, "name", "name")}
            </>
        },
    }
}
