//! The engine's side of the Web Worker: opens a file read piece by piece (inflate, decode), keeps
//! the profile, and answers with call trees and laid-out call graphs as bytes. Runs in the worker's
//! own copy of the wasm module, so the page stays responsive and can cancel by ending the worker.
//! A call graph is built a step at a time, reading messages between steps, so it can be
//! cancelled or superseded while the profile stays.

use std::cell::{Cell, RefCell};
use std::io::{self, BufReader, Read};
use std::rc::Rc;

use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, DedicatedWorkerGlobalScope, FileReaderSync, MessageEvent};

use super::protocol::{
    filters_of, filters_value, get, graph_options_of, graph_options_value, message_of,
    wasm_memory_bytes,
};
use crate::analysis::call_graph::GraphStep;
use crate::analysis::diff::{self};
use crate::analysis::options::DiffMode;
use crate::analysis::pause::Pause;
use crate::analysis::report;
use crate::input::load;
use crate::input::pprof::DecodeOptions;
use crate::model::profile::Profile;
use crate::transfer::{self, Summary};
use crate::view::graph_drawing;
use crate::view::share::ContentHasher;

/// How much of the file is read at a time (and how often progress is reported).
const READ_BYTES: usize = 4 << 20;

thread_local! {
    /// Shared with the call graph being built, which holds it while it waits.
    static PROFILE: RefCell<Option<Rc<Profile>>> = const { RefCell::new(None) };
    /// The profile to compare with, if one was opened.
    static BASE: RefCell<Option<Rc<Profile>>> = const { RefCell::new(None) };
    /// Counts the call graphs asked for and the cancels: a build goes on while it is the
    /// latest of both.
    static GRAPH_REQUESTS: Cell<u32> = const { Cell::new(0) };
}

/// Called by the worker script once the module is loaded: answers the page's requests.
#[wasm_bindgen]
pub fn worker_start() {
    let handler = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        let data = event.data();
        let op = get(&data, "op").as_string().unwrap_or_default();
        let reply = match op.as_str() {
            "open" => open(&data),
            "base" => base(&data),
            "tree" => tree(&data),
            "callgraph" => {
                let request = stop_call_graph();
                wasm_bindgen_futures::spawn_local(async move {
                    if let Some(reply) = call_graph(&data, request).await {
                        post(&reply.message, &reply.transfer);
                    }
                });
                return;
            }
            "cancel" => {
                stop_call_graph();
                return;
            }
            _ => Err(format!("unknown request {op:?}")),
        };
        answer(reply);
    });
    scope().set_onmessage(Some(handler.as_ref().unchecked_ref()));
    handler.forget();
}

fn answer(reply: Result<Reply, String>) {
    match reply {
        Ok(reply) => post(&reply.message, &reply.transfer),
        Err(message) => post(&message_of("error", &[("message", message.into())]), &[]),
    }
}

/// Stops the call graph being built, if any, at its next step; returns the count a build
/// started now goes on with.
fn stop_call_graph() -> u32 {
    let next = GRAPH_REQUESTS.with(|n| n.get().wrapping_add(1));
    GRAPH_REQUESTS.with(|n| n.set(next));
    next
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(message: &JsValue, transfer: &[JsValue]) {
    let list: Array = transfer.iter().collect();
    let _ = scope().post_message_with_transfer(message, &list);
}

fn progress(stage: &str, done: f64, total: f64) {
    post(
        &message_of(
            "progress",
            &[
                ("stage", stage.into()),
                ("done", done.into()),
                ("total", total.into()),
            ],
        ),
        &[],
    );
}

/// Bytes moved to the page without a copy: the array's buffer is transferred.
fn bytes_value(bytes: &[u8]) -> (JsValue, JsValue) {
    let array = Uint8Array::from(bytes);
    let buffer = array.buffer().into();
    (array.into(), buffer)
}

struct Reply {
    message: JsValue,
    transfer: Vec<JsValue>,
}

/// Reads a blob in pieces with the worker's synchronous reader, hashing what it reads and
/// keeping it whole when small (for links that carry the profile).
struct BlobReader {
    blob: Blob,
    reader: FileReaderSync,
    at: f64,
    size: f64,
    hasher: ContentHasher,
    kept: Option<Vec<u8>>,
    /// Whether the end was reported (the decoder then indexes the stacks).
    ended: bool,
}

impl BlobReader {
    /// A reader of the message's `blob`, keeping the bytes when there are at most `keep`.
    fn of_message(data: &JsValue, keep: f64) -> Result<BlobReader, String> {
        let blob: Blob = get(data, "blob")
            .dyn_into()
            .map_err(|_| "no file was given".to_string())?;
        let size = blob.size();
        Ok(BlobReader {
            reader: FileReaderSync::new()
                .map_err(|_| "this browser cannot read files in a worker")?,
            blob,
            at: 0.0,
            size,
            hasher: ContentHasher::default(),
            kept: (size <= keep).then(Vec::new),
            ended: false,
        })
    }
}

impl Read for BlobReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.at >= self.size {
            if !self.ended {
                self.ended = true;
                progress("indexing", self.size, self.size);
            }
            return Ok(0);
        }
        if buf.is_empty() {
            return Ok(0);
        }
        let end = (self.at + buf.len().min(READ_BYTES) as f64).min(self.size);
        let failed =
            |e: JsValue| io::Error::other(e.as_string().unwrap_or_else(|| format!("{e:?}")));
        let piece = self
            .blob
            .slice_with_f64_and_f64(self.at, end)
            .map_err(failed)?;
        let buffer = self.reader.read_as_array_buffer(&piece).map_err(failed)?;
        let bytes = Uint8Array::new(&buffer);
        let n = (bytes.length() as usize).min(buf.len());
        bytes.subarray(0, n as u32).copy_to(&mut buf[..n]);
        self.hasher.update(&buf[..n]);
        if let Some(kept) = &mut self.kept {
            kept.extend_from_slice(&buf[..n]);
        }
        self.at += n as f64;
        progress("reading", self.at, self.size);
        Ok(n)
    }
}

/// `{op: "open", blob, limit, valueType, keep}`: decodes the blob, keeps the profile, and
/// answers `{op: "opened", summary, tree, hash, memory, kept?}` with the tree for `valueType`
/// (or the default one) and the size of the worker's wasm memory.
fn open(data: &JsValue) -> Result<Reply, String> {
    PROFILE.with(|p| p.borrow_mut().take());
    BASE.with(|p| p.borrow_mut().take());
    let limit = get(data, "limit").as_f64().unwrap_or(0.0);
    let keep = get(data, "keep").as_f64().unwrap_or(0.0);
    let value_type = get(data, "valueType").as_string().unwrap_or_default();
    let filter_spec = filters_of(data);
    let filters = filter_spec.compile().map_err(|e| e.to_string())?;
    let mut reader = BlobReader::of_message(data, keep)?;
    let size = reader.size;
    progress("reading", 0.0, size);
    let options = DecodeOptions {
        max_inflated_bytes: limit as u64,
    };
    let profile = load::open_read(BufReader::with_capacity(READ_BYTES, &mut reader), &options)
        .map_err(|e| e.to_string())?;
    if profile.value_types.is_empty() {
        return Err("the profile declares no value type, so there is nothing to draw".into());
    }
    progress("aggregating", size, size);
    let index = profile
        .value_index(&value_type)
        .unwrap_or(profile.default_value_index);
    let (tree, labels) = report::report_parts(&profile, index, &filters);
    let tree = transfer::encode_report(tree, labels);
    let summary = Summary::of(&profile).encode();
    PROFILE.with(|p| *p.borrow_mut() = Some(Rc::new(profile)));
    let (summary, summary_buffer) = bytes_value(&summary);
    let (tree, tree_buffer) = bytes_value(&tree);
    let mut fields = vec![
        ("summary", summary),
        ("tree", tree),
        ("index", (index as f64).into()),
        ("filters", filters_value(&filter_spec)),
        ("hash", reader.hasher.finish().into()),
        ("memory", wasm_memory_bytes().into()),
    ];
    let mut transfer = vec![summary_buffer, tree_buffer];
    if let Some(kept) = &reader.kept {
        let (kept, buffer) = bytes_value(kept);
        fields.push(("kept", kept));
        transfer.push(buffer);
    }
    Ok(Reply {
        message: message_of("opened", &fields),
        transfer,
    })
}

/// `{op: "base", blob, limit}`: decodes the blob as the profile to compare with, keeps it
/// (in place of the earlier one) if it can be compared with the open one, and answers
/// `{op: "base"}`. A base that fails leaves the earlier one, so the comparison shown stays.
fn base(data: &JsValue) -> Result<Reply, String> {
    let mut reader = BlobReader::of_message(data, -1.0)?;
    let options = DecodeOptions {
        max_inflated_bytes: get(data, "limit").as_f64().unwrap_or(0.0) as u64,
    };
    let base = load::open_read(BufReader::with_capacity(READ_BYTES, &mut reader), &options)
        .map_err(|e| format!("the base profile: {e}"))?;
    PROFILE.with(|p| {
        let p = p.borrow();
        let profile = p.as_ref().ok_or("no profile is open in the engine")?;
        diff::check_compatible(profile, &base).map_err(|e| e.to_string())
    })?;
    // A call graph being built compares with the old base: it would come too late to show.
    stop_call_graph();
    BASE.with(|p| *p.borrow_mut() = Some(Rc::new(base)));
    Ok(Reply {
        message: message_of("base", &[]),
        transfer: Vec::new(),
    })
}

/// `{op: "tree", index, filters}`: answers `{op: "tree", index, filters, tree, base?}`, with
/// the base profile's report when the filters compare with it.
fn tree(data: &JsValue) -> Result<Reply, String> {
    let index = get(data, "index").as_f64().unwrap_or(-1.0);
    let filter_spec = filters_of(data);
    let filters = filter_spec.compile().map_err(|e| e.to_string())?;
    let (bytes, base) = PROFILE.with(|p| {
        let p = p.borrow();
        let profile = p.as_ref().ok_or("no profile is open in the engine")?;
        if index < 0.0 || index as usize >= profile.value_types.len() {
            return Err(format!("no value type {index}"));
        }
        let index = index as usize;
        if filter_spec.diff == DiffMode::Off {
            let (tree, labels) = report::report_parts(profile, index, &filters);
            return Ok((transfer::encode_report(tree, labels), None));
        }
        BASE.with(|b| {
            let b = b.borrow();
            let base = b
                .as_ref()
                .ok_or("no base profile is open to compare with")?;
            let (new, base) = diff::reports(profile, base, filter_spec.diff, index, &filters);
            Ok((
                transfer::encode_report(new.tree.into_parts(), new.labels),
                Some(transfer::encode_report(base.tree.into_parts(), base.labels)),
            ))
        })
    })?;
    let (tree, buffer) = bytes_value(&bytes);
    let mut fields = vec![
        ("index", index.into()),
        ("filters", filters_value(&filter_spec)),
        ("tree", tree),
    ];
    let mut transfer = vec![buffer];
    if let Some(base) = base {
        let (base, buffer) = bytes_value(&base);
        fields.push(("base", base));
        transfer.push(buffer);
    }
    Ok(Reply {
        message: message_of("tree", &fields),
        transfer,
    })
}

/// `{op: "callgraph", index, filters, options, title}`: answers `{op: "callgraph", index,
/// filters, options, drawing, dot}`, the call graph laid out and as a DOT file, or `{op:
/// "callgraphfailed", index, filters, options, message}`, after a `{op: "graphprogress",
/// step}` before each step; nothing if another call graph, a base or a `{op: "cancel"}` came
/// in the meantime (`request` is this one's count).
async fn call_graph(data: &JsValue, request: u32) -> Option<Reply> {
    let index = get(data, "index").as_f64().unwrap_or(-1.0);
    let spec = filters_of(data);
    let options = graph_options_of(data);
    let title = get(data, "title").as_string().unwrap_or_default();
    let key = [
        ("index", index.into()),
        ("filters", filters_value(&spec)),
        ("options", graph_options_value(&options)),
    ];
    let failed = |message: String| {
        let mut fields = key.to_vec();
        fields.push(("message", message.into()));
        Reply {
            message: message_of("callgraphfailed", &fields),
            transfer: Vec::new(),
        }
    };
    if index < 0.0 {
        return Some(failed(format!("no value type {index}")));
    }
    let Some(profile) = PROFILE.with(|p| p.borrow().clone()) else {
        return Some(failed("no profile is open in the engine".into()));
    };
    let base = BASE.with(|b| b.borrow().clone());
    let mut pause = WorkerPause { request };
    let drawn = graph_drawing::draw_paused(
        &profile,
        base.as_deref(),
        index as usize,
        &spec,
        &options,
        &title,
        &mut pause,
    )
    .await
    .ok()?;
    Some(match drawn {
        Ok((drawing, dot)) => {
            let (drawing, buffer) = bytes_value(&transfer::encode_drawing(&drawing));
            let mut fields = key.to_vec();
            fields.extend([("drawing", drawing), ("dot", dot.into())]);
            Reply {
                message: message_of("callgraph", &fields),
                transfer: vec![buffer],
            }
        }
        Err(message) => failed(message),
    })
}

/// A call graph's pauses in the worker: each reports the step, then lets the worker read the
/// messages that came in, and stops the build if one asked for another graph or cancelled.
struct WorkerPause {
    request: u32,
}

/// Another call graph was asked for, or the build was cancelled.
struct Superseded;

impl WorkerPause {
    fn current(&self) -> Result<(), Superseded> {
        match GRAPH_REQUESTS.with(Cell::get) == self.request {
            true => Ok(()),
            false => Err(Superseded),
        }
    }
}

impl Pause<GraphStep> for WorkerPause {
    type Stop = Superseded;

    async fn pause(&mut self, step: GraphStep) -> Result<(), Superseded> {
        self.current()?;
        let number = step.number() as f64;
        post(
            &message_of("graphprogress", &[("step", number.into())]),
            &[],
        );
        // A task of its own after the messages already queued.
        let next_task = js_sys::Promise::new(&mut |resolve, _| {
            let _ = scope().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        });
        let _ = wasm_bindgen_futures::JsFuture::from(next_task).await;
        self.current()
    }
}
