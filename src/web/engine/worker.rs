//! The engine's side of the Web Worker: opens a file read piece by piece (inflate, decode), keeps
//! the profile, and answers with call trees, laid-out call graphs, a function's source lines and
//! the saved profile as bytes. Runs in the worker's
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
    source_value, wasm_memory_bytes,
};
use crate::analysis::call_graph::GraphStep;
use crate::analysis::diff::{self};
use crate::analysis::options::DiffMode;
use crate::analysis::pause::Pause;
use crate::analysis::report;
use crate::analysis::source;
use crate::input::load;
use crate::input::pprof::{encode_gzipped, DecodeOptions};
use crate::model::profile::Profile;
use crate::transfer::{self, Summary};
use crate::view::graph_drawing;
use crate::view::share::ContentHasher;
use crate::web::trace;

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
    /// When this worker became ready, and when the file being opened was last read to its end
    /// (wall-clock ms, for the page's trace).
    static READY_AT: Cell<f64> = const { Cell::new(0.0) };
    static READ_AT: Cell<f64> = const { Cell::new(0.0) };
}

/// Called by the worker script once the module is loaded: answers the page's requests.
#[wasm_bindgen]
pub fn worker_start() {
    READY_AT.set(trace::now());
    let handler = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        let data = event.data();
        let op = get(&data, "op").as_string().unwrap_or_default();
        let reply = match op.as_str() {
            "open" => open(&data),
            "base" => base(&data),
            "tree" => tree(&data),
            "proto" => proto(&data),
            "source" => Ok(source(&data)),
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

/// Where a file's bytes stand among the files being opened, for progress reports.
#[derive(Clone, Copy)]
struct Share {
    /// The file's position among them, and how many there are.
    file: usize,
    files: usize,
    /// The bytes of the files before it, and of all of them.
    before: f64,
    total: f64,
}

impl Share {
    const ONE: Share = Share {
        file: 0,
        files: 1,
        before: 0.0,
        total: 0.0,
    };

    /// Past the last of files of `total` bytes.
    fn after(total: f64) -> Share {
        Share {
            before: total,
            total,
            ..Share::ONE
        }
    }

    fn report(&self, stage: &str, done: f64) {
        post(
            &message_of(
                "progress",
                &[
                    ("stage", stage.into()),
                    ("done", (self.before + done).into()),
                    ("total", self.total.into()),
                    ("file", (self.file as f64).into()),
                    ("files", (self.files as f64).into()),
                ],
            ),
            &[],
        );
    }
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
    share: Share,
    /// Whether the end was reported (the decoder then indexes the stacks).
    ended: bool,
}

impl BlobReader {
    /// A reader of `blob`, keeping the bytes when there are at most `keep`.
    fn new(blob: Blob, keep: f64, share: Share) -> Result<BlobReader, String> {
        let size = blob.size();
        Ok(BlobReader {
            reader: FileReaderSync::new()
                .map_err(|_| "this browser cannot read files in a worker")?,
            blob,
            at: 0.0,
            size,
            hasher: ContentHasher::default(),
            kept: (size <= keep).then(Vec::new),
            share,
            ended: false,
        })
    }

    /// Reads the whole blob as a profile, refusing more than `limit` inflated bytes.
    fn decode(&mut self, limit: f64) -> Result<Profile, String> {
        let options = DecodeOptions {
            max_inflated_bytes: limit as u64,
        };
        load::open_read(BufReader::with_capacity(READ_BYTES, self), &options)
            .map_err(|e| e.to_string())
    }
}

impl Read for BlobReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.at >= self.size {
            if !self.ended {
                self.ended = true;
                READ_AT.set(trace::now());
                self.share.report("indexing", self.size);
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
        self.share.report("reading", self.at);
        Ok(n)
    }
}

/// A file to open: its blob, its name, and the most inflated bytes it may have.
struct Part {
    blob: Blob,
    name: String,
    limit: f64,
}

impl Part {
    fn of(value: &JsValue) -> Result<Part, String> {
        Ok(Part {
            blob: get(value, "blob")
                .dyn_into()
                .map_err(|_| "no file was given".to_string())?,
            name: get(value, "name").as_string().unwrap_or_default(),
            limit: get(value, "limit").as_f64().unwrap_or(0.0),
        })
    }
}

/// The files opened merged (each checked against the first), with their content hash: the
/// file's own for one file, otherwise one made of theirs; and the file itself, when one
/// file of at most `keep` bytes was given.
fn open_parts(parts: &[Part], keep: f64) -> Result<(Profile, String, Option<Vec<u8>>), String> {
    let total = parts.iter().map(|p| p.blob.size()).sum();
    let several = parts.len() > 1;
    let mut profiles = Vec::with_capacity(parts.len());
    let mut hashes = Vec::with_capacity(parts.len());
    let mut kept = None;
    let mut before = 0.0;
    for (file, part) in parts.iter().enumerate() {
        let share = Share {
            file,
            files: parts.len(),
            before,
            total,
        };
        share.report("reading", 0.0);
        let keep = if several { -1.0 } else { keep };
        let mut reader = BlobReader::new(part.blob.clone(), keep, share)?;
        let named = |e: String| match several {
            true => format!("{}: {e}", part.name),
            false => e,
        };
        let profile = reader.decode(part.limit).map_err(named)?;
        if profile.value_types.is_empty() {
            return Err(named(
                "the profile declares no value type, so there is nothing to draw".into(),
            ));
        }
        before += reader.size;
        hashes.push(reader.hasher.finish());
        kept = reader.kept.take();
        profiles.push(profile);
    }
    if several {
        Share::after(total).report("merging", 0.0);
    }
    let names: Vec<String> = parts.iter().map(|p| p.name.clone()).collect();
    let profile = diff::merge_all(&names, profiles)?;
    let hash = match several {
        true => {
            let mut hasher = ContentHasher::default();
            hasher.update(hashes.join("+").as_bytes());
            hasher.finish()
        }
        false => hashes.remove(0),
    };
    Ok((profile, hash, kept))
}

/// `{op: "open", parts: [{blob, name, limit}], valueType, filters, keep}`: decodes the files,
/// merges them, keeps the profile, and answers `{op: "opened", summary, tree, hash, memory,
/// timings, kept?}` with the tree for `valueType` (or the default one), the size of the
/// worker's wasm memory and the wall-clock times of its phases (`{"engine-read": ms, ...}`).
/// A failure of one of several files is named by its name.
fn open(data: &JsValue) -> Result<Reply, String> {
    let received = trace::now();
    PROFILE.with(|p| p.borrow_mut().take());
    BASE.with(|p| p.borrow_mut().take());
    let keep = get(data, "keep").as_f64().unwrap_or(0.0);
    let value_type = get(data, "valueType").as_string().unwrap_or_default();
    let filter_spec = filters_of(data);
    let filters = filter_spec.compile().map_err(|e| e.to_string())?;
    let parts = Array::from(&get(data, "parts"))
        .iter()
        .map(|p| Part::of(&p))
        .collect::<Result<Vec<_>, _>>()?;
    if parts.is_empty() {
        return Err("no file was given".into());
    }
    let (profile, hash, kept) = open_parts(&parts, keep)?;
    let decoded = trace::now();
    Share::after(parts.iter().map(|p| p.blob.size()).sum()).report("aggregating", 0.0);
    let index = profile
        .value_index(&value_type)
        .unwrap_or(profile.default_value_index);
    let (tree, labels) = report::report_parts(&profile, index, &filters);
    let built = trace::now();
    let tree = transfer::encode_report(tree, labels);
    let summary = Summary::of(&profile).encode();
    PROFILE.with(|p| *p.borrow_mut() = Some(Rc::new(profile)));
    let timings = [
        ("engine-ready", READY_AT.get()),
        ("engine-received", received),
        ("engine-read", READ_AT.get()),
        ("engine-decoded", decoded),
        ("engine-tree", built),
        ("engine-encoded", trace::now()),
    ];
    let timings = trace::times_value(&timings);
    let (summary, summary_buffer) = bytes_value(&summary);
    let (tree, tree_buffer) = bytes_value(&tree);
    let mut fields = vec![
        ("summary", summary),
        ("tree", tree),
        ("index", (index as f64).into()),
        ("filters", filters_value(&filter_spec)),
        ("hash", hash.into()),
        ("memory", wasm_memory_bytes().into()),
        ("timings", timings),
    ];
    let mut transfer = vec![summary_buffer, tree_buffer];
    if let Some(kept) = &kept {
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
    let part = Part::of(data)?;
    let base = BlobReader::new(part.blob, -1.0, Share::ONE)?
        .decode(part.limit)
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

/// Runs `f` on the open profile and value type `index` of it, or says why there is none.
fn with_profile<T>(
    index: f64,
    f: impl FnOnce(&Profile, usize) -> Result<T, String>,
) -> Result<T, String> {
    PROFILE.with(|p| {
        let p = p.borrow();
        let profile = p.as_ref().ok_or("no profile is open in the engine")?;
        if index < 0.0 || index as usize >= profile.value_types.len() {
            return Err(format!("no value type {index}"));
        }
        f(profile, index as usize)
    })
}

/// Runs `f` on the base profile to compare with, or says there is none.
fn with_base<T>(f: impl FnOnce(&Profile) -> Result<T, String>) -> Result<T, String> {
    BASE.with(|b| {
        let b = b.borrow();
        f(b.as_ref()
            .ok_or("no base profile is open to compare with")?)
    })
}

/// `{op: "tree", index, filters}`: answers `{op: "tree", index, filters, tree, base?}`, with
/// the base profile's report when the filters compare with it.
fn tree(data: &JsValue) -> Result<Reply, String> {
    let index = get(data, "index").as_f64().unwrap_or(-1.0);
    let filter_spec = filters_of(data);
    let filters = filter_spec.compile().map_err(|e| e.to_string())?;
    let (bytes, base) = with_profile(index, |profile, index| {
        if filter_spec.diff == DiffMode::Off {
            let (tree, labels) = report::report_parts(profile, index, &filters);
            return Ok((transfer::encode_report(tree, labels), None));
        }
        with_base(|base| {
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

/// `{op: "proto", index, filters, name}`: answers `{op: "proto", name, bytes}`, the profile as
/// the filters leave it, gzipped profile.proto with value type `index` the default (see
/// [`report::view_profile`]); a comparison in the filters is not part of it.
fn proto(data: &JsValue) -> Result<Reply, String> {
    let index = get(data, "index").as_f64().unwrap_or(-1.0);
    let filters = filters_of(data).compile().map_err(|e| e.to_string())?;
    let bytes = with_profile(index, |profile, index| {
        let saved = report::view_profile(profile, index, &filters);
        Ok(encode_gzipped(&saved))
    })?;
    let (bytes, buffer) = bytes_value(&bytes);
    Ok(Reply {
        message: message_of("proto", &[("name", get(data, "name")), ("bytes", bytes)]),
        transfer: vec![buffer],
    })
}

/// `{op: "source", index, filters, function}`: answers `{op: "source", index, filters, function,
/// source}`, the function's lines under the view (compared with the base when the filters
/// say so) and the view's tree nodes each produced (see [`source::function_source`]); or
/// `{..., message}` saying why not.
fn source(data: &JsValue) -> Reply {
    let index = get(data, "index").as_f64().unwrap_or(-1.0);
    let spec = filters_of(data);
    let function = get(data, "function").as_string().unwrap_or_default();
    let listed = spec
        .compile()
        .map_err(|e| e.to_string())
        .and_then(|filters| {
            with_profile(index, |profile, index| match spec.diff {
                DiffMode::Off => Ok(source::function_source(
                    profile, None, index, &filters, &function,
                )),
                mode => with_base(|base| {
                    let base = Some((base, mode));
                    Ok(source::function_source(
                        profile, base, index, &filters, &function,
                    ))
                }),
            })
        });
    let answer = match listed {
        Ok(listed) => ("source", source_value(&listed)),
        Err(message) => ("message", message.into()),
    };
    Reply {
        message: message_of(
            "source",
            &[
                ("index", index.into()),
                ("filters", filters_value(&spec)),
                ("function", function.into()),
                answer,
            ],
        ),
        transfer: Vec::new(),
    }
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
