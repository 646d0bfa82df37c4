//! The Source panel: the selected function's lines with their flat and cum (pprof's `list`),
//! as bars, the hottest line brought into view, the calls inlined at each line marked, and the
//! source text from a folder the person chooses (read on the page only). Clicking a line marks
//! the frames it produced in the flame graph.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement};
use yew::prelude::*;

use crate::analysis::source::{window, Routine};
use crate::format;
use crate::web::app::loaded::SourceBuilt;
use crate::web::source_folder::SourceFolder;

#[derive(Properties, PartialEq)]
pub struct SourceProps {
    /// The function's name.
    pub function: AttrValue,
    /// Its lines, or why they could not be listed; `None` while the engine lists them.
    pub source: Option<SourceBuilt>,
    pub unit: String,
    /// The values are a comparison's changes (shown signed).
    pub diff: bool,
    pub folder: Option<Rc<SourceFolder>>,
    /// The line whose frames are marked (routine and line positions).
    pub marked: Option<(usize, usize)>,
    pub on_mark: Callback<Option<(usize, usize)>>,
    pub on_folder: Callback<Option<Rc<SourceFolder>>>,
    pub on_close: Callback<()>,
}

/// Where a routine's text comes from.
enum Text {
    /// No folder was chosen.
    NoFolder,
    /// The folder has no file at any suffix of the recorded path.
    NotFound,
    /// Found at this path in the folder, and read (or not yet).
    Found(String, Option<Rc<[String]>>),
}

fn text_of(folder: Option<&SourceFolder>, routine: &Routine) -> Text {
    let Some(folder) = folder else {
        return Text::NoFolder;
    };
    match folder.find(&routine.file) {
        Some(path) => {
            let text = folder.text(&path);
            Text::Found(path, text)
        }
        None => Text::NotFound,
    }
}

/// The line of a routine with the largest |cum|: where its time goes.
fn hottest(routine: &Routine) -> Option<usize> {
    (0..routine.lines.len()).max_by_key(|&i| {
        let l = &routine.lines[i];
        (l.cum.abs(), l.flat.abs(), std::cmp::Reverse(l.line))
    })
}

#[component]
pub fn SourcePanel(props: &SourceProps) -> Html {
    // Bumped when a file's text has been read, to draw it.
    let reads = use_state(|| 0u32);
    let body_ref = use_node_ref();
    let routines: &[Routine] = match &props.source {
        Some(Ok(source)) => &source.listing.routines,
        _ => &[],
    };
    // Reads the files of the routines shown from the folder.
    {
        let reads = reads.clone();
        let wanted: Vec<String> = props
            .folder
            .as_ref()
            .map(|f| routines.iter().filter_map(|r| f.find(&r.file)).collect())
            .unwrap_or_default();
        use_effect_with((props.folder.clone(), wanted), move |(folder, wanted)| {
            if let Some(folder) = folder.clone() {
                let wanted = wanted.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let mut read = false;
                    for path in &wanted {
                        if folder.text(path).is_none() {
                            read |= folder.read(path).await.is_ok();
                        }
                    }
                    if read {
                        reads.set(*reads + 1);
                    }
                });
            }
        });
    }
    // The hottest line of the first routine comes into view when a listing (or its text)
    // arrives.
    {
        let body_ref = body_ref.clone();
        let key = (
            props
                .source
                .as_ref()
                .map(|s| s.as_ref().ok().map(Rc::as_ptr)),
            *reads,
        );
        use_effect_with(key, move |_| {
            let body = body_ref.cast::<HtmlElement>();
            let row = body
                .as_ref()
                .and_then(|b| b.query_selector("tr.hottest").ok().flatten())
                .and_then(|r| r.dyn_into::<HtmlElement>().ok());
            if let (Some(body), Some(row)) = (body, row) {
                let top = row.offset_top() - body.client_height() / 2;
                body.set_scroll_top(top.max(0));
            }
        });
    }
    let on_choose = {
        let on_folder = props.on_folder.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(folder) = input.files().as_ref().and_then(SourceFolder::of) {
                on_folder.emit(Some(Rc::new(folder)));
            }
            input.set_value("");
        })
    };
    let on_forget = props.on_folder.reform(|_: MouseEvent| None);
    let on_close = props.on_close.reform(|_: MouseEvent| ());
    let unit = &props.unit;
    let total = match &props.source {
        Some(Ok(source)) => source.listing.total,
        _ => 0,
    };
    let folder = props.folder.as_deref();
    let diff = props.diff;
    let signed = move |v: i64| {
        let sign = if diff && v > 0 { "+" } else { "" };
        format!("{sign}{}", format::value(v, unit))
    };
    let value = |v: i64| {
        if v == 0 {
            ".".to_string()
        } else {
            signed(v)
        }
    };
    let body = match &props.source {
        None => html! { <p class="notice source-pending">{"Listing the lines…"}</p> },
        Some(Err(message)) => html! {
            <p class="notice source-failed">{format!("The lines could not be listed: {message}")}</p>
        },
        Some(Ok(_)) if routines.is_empty() => html! {
            <p class="notice source-none">{"No line of this function has a value in this view."}</p>
        },
        Some(Ok(_)) => routines
            .iter()
            .enumerate()
            .map(|(r, routine)| {
                if routine.file.is_empty() {
                    return html! {
                        <div class="routine" data-routine={r.to_string()}>
                            <p class="notice source-none">{format!(
                                "No source information: the profile records no file for {}.",
                                routine.name)}</p>
                        </div>
                    };
                }
                let text = text_of(folder, routine);
                let lines = match &text {
                    Text::Found(_, Some(lines)) => Some(lines.clone()),
                    _ => None,
                };
                let scale = routine
                    .lines
                    .iter()
                    .map(|l| l.cum.abs().max(l.flat.abs()))
                    .max()
                    .unwrap_or(0)
                    .max(1) as f64;
                let hot = hottest(routine);
                // The rows: every line of the window when the text is there, else the lines
                // with a value.
                let numbers: Vec<i64> = match lines.as_ref().and_then(|t| window(routine, t.len())) {
                    Some((start, end)) => (start as i64..=end as i64).collect(),
                    None => routine.lines.iter().map(|l| l.line).collect(),
                };
                let rows: Html = numbers
                    .iter()
                    .map(|&n| {
                        let at = routine.lines.iter().position(|l| l.line == n);
                        let line = at.map(|i| &routine.lines[i]);
                        let code = lines
                            .as_ref()
                            .and_then(|t| t.get((n - 1).max(0) as usize))
                            .cloned()
                            .unwrap_or_default();
                        let bar = |v: i64, kind: &'static str| {
                            let width = format!("width: {:.1}%", v.abs() as f64 / scale * 100.0);
                            html! { <span class={classes!("bar", kind)} style={width} /> }
                        };
                        let marked = at.is_some() && props.marked == at.map(|i| (r, i));
                        let onclick = at.map(|i| {
                            let on_mark = props.on_mark.clone();
                            Callback::from(move |_: MouseEvent| {
                                on_mark.emit((!marked).then_some((r, i)))
                            })
                        });
                        let title = line.map(|l| format!(
                            "line {n}: flat {}, cum {} ({} of the total); click to mark its frames in the flame graph",
                            signed(l.flat), signed(l.cum), format::percent(l.cum, total, 2)));
                        let inlined = line.filter(|l| !l.inlined.is_empty()).map(|l| {
                            html! {
                                <span class="inlined" title={l.inlined.join("\n")}>
                                    {format!("inlined: {}", l.inlined.iter()
                                        .map(|n| format::frame_label(n).into_owned())
                                        .collect::<Vec<_>>().join(", "))}</span>
                            }
                        });
                        let class = classes!(
                            line.map(|_| "valued"),
                            (at.is_some() && at == hot).then_some("hottest"),
                            marked.then_some("marked"),
                        );
                        html! {
                            <tr {class} data-line={n.to_string()} {title} {onclick}
                                data-flat={line.map(|l| l.flat.to_string())}
                                data-cum={line.map(|l| l.cum.to_string())}>
                                <td class="lineno">{if n > 0 { n.to_string() } else { "?".into() }}</td>
                                <td class="num">{line.map(|l| bar(l.flat, "flat"))}
                                    <span class="value">{value(line.map_or(0, |l| l.flat))}</span></td>
                                <td class="num">{line.map(|l| bar(l.cum, "cum"))}
                                    <span class="value">{value(line.map_or(0, |l| l.cum))}</span></td>
                                <td class="code"><code>{code}</code>{inlined}</td>
                            </tr>
                        }
                    })
                    .collect();
                let basename = routine.file.rsplit(['/', '\\']).next().unwrap_or(&routine.file);
                let whence = match &text {
                    Text::NoFolder => html! {
                        <p class="source-where missing">{format!(
                            "Looking for {basename} ({}): choose the folder of your checkout, or \
                             Go's src for the standard library, to see the code.", routine.file)}</p>
                    },
                    Text::NotFound => html! {
                        <p class="source-where missing">{format!(
                            "{basename} is not in {} (looked for every ending of {}).",
                            folder.map_or("", |f| f.name.as_str()), routine.file)}</p>
                    },
                    Text::Found(path, None) => html! {
                        <p class="source-where">{format!("Reading {}/{path}…",
                            folder.map_or("", |f| f.name.as_str()))}</p>
                    },
                    Text::Found(path, Some(_)) => html! {
                        <p class="source-where found">{format!("From {}/{path}",
                            folder.map_or("", |f| f.name.as_str()))}</p>
                    },
                };
                html! {
                    <div class="routine" data-routine={r.to_string()} data-file={routine.file.clone()}
                        data-flat={routine.flat.to_string()} data-cum={routine.cum.to_string()}>
                        <div class="routine-head">
                            <span class="routine-file" title={routine.file.clone()}>{routine.file.clone()}</span>
                            <span class="routine-values">{format!("flat {}, cum {} ({} of the {}total)",
                                signed(routine.flat), signed(routine.cum),
                                format::percent(routine.cum, total, 2), if diff { "base's " } else { "" })}</span>
                            if routine.inlined {
                                <span class="inlined">{"inlined into its callers in places"}</span>
                            }
                        </div>
                        {whence}
                        <table class="source-lines">
                            <thead><tr><th>{"line"}</th><th class="num">{"flat"}</th>
                                <th class="num">{"cum"}</th><th class="code">{"source"}</th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
            })
            .collect(),
    };
    html! {
        <section class="side source-panel" aria-label={format!("Source of {}", props.function)}>
            <header class="source-head">
                <strong class="source-name" title={props.function.clone()}>
                    {format::frame_label(&props.function).into_owned()}</strong>
                <label class="button source-folder">
                    {if folder.is_some() { "Another folder…" } else { "Choose source folder…" }}
                    <input type="file" webkitdirectory=true multiple=true onchange={on_choose}
                        aria-label="Choose the source folder" />
                </label>
                if let Some(folder) = folder {
                    <span class="source-folder-name" title="Read on this page only: nothing is uploaded">
                        {format!("{} ({} files)", folder.name, folder.file_count())}</span>
                    <button class="link" onclick={on_forget}>{"Forget it"}</button>
                }
                <button class="link" onclick={on_close}>{"Close"}</button>
            </header>
            <div class="source-body" ref={body_ref}>{body}</div>
        </section>
    }
}
