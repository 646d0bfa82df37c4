//! The page's side of the Web Worker that runs the engine (see `worker.rs`): starts it, asks
//! it to open files, build a call tree, lay out a call graph, list a function's source or save
//! the profile, and turns its answers into [`EngineEvent`]s.
//! Dropping an [`Engine`] ends its worker, which is how a load is cancelled; a call graph's
//! build is cancelled by a message, and the profile stays open.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Uint8Array;
use prost::bytes::Buf;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, ErrorEvent, MessageEvent, Worker, WorkerOptions, WorkerType};

use super::protocol::{
    filters_of, filters_value, get, graph_options_of, graph_options_value, message_of, source_of,
    take,
};
use crate::analysis::call_graph::{GraphOptions, GraphStep};
use crate::analysis::options::FilterSpec;
use crate::analysis::report::Report;
use crate::analysis::source::FunctionSource;
use crate::transfer::{self, Summary};
use crate::view::graph_drawing::GraphDrawing;
use crate::web::trace;

/// The worker script written next to the app (scripts/finish-dist.mjs).
const WORKER_SCRIPT: &str = "./worker.js";

/// What the engine is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading the file, inflating and decoding as it comes.
    Reading,
    /// Making the stacks read into a trie and checking their locations (after the last byte).
    Indexing,
    /// Merging the files opened together (after the last one was read).
    Merging,
    /// Building a call tree.
    Aggregating,
}

/// How far a load has come.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    pub stage: Stage,
    /// Bytes read of all the files, of `total`.
    pub done: f64,
    pub total: f64,
    /// The file being read (from 0), of `files`.
    pub file: usize,
    pub files: usize,
}

/// A file given to the engine: its blob, its name, and the most inflated bytes it may have.
#[derive(Clone)]
pub struct Part {
    pub blob: Blob,
    pub name: String,
    pub limit: u64,
}

impl Part {
    /// The part as the message `{op, blob, name, limit}`.
    fn message(&self, op: &str) -> JsValue {
        message_of(
            op,
            &[
                ("blob", self.blob.clone().into()),
                ("name", self.name.as_str().into()),
                ("limit", (self.limit as f64).into()),
            ],
        )
    }
}

/// A profile opened in the engine.
pub struct Opened {
    pub summary: Summary,
    /// The report for value type `index` under `filters`.
    pub index: usize,
    pub filters: FilterSpec,
    pub report: Report,
    /// [`crate::view::share::content_hash`] of the file.
    pub hash: String,
    /// The file itself, when it is small enough to put in a link.
    pub kept: Option<Rc<[u8]>>,
    /// The engine's wasm memory once the file was opened, in bytes (its peak so far).
    pub engine_memory: f64,
}

pub enum EngineEvent {
    Progress(Progress),
    Opened(Box<Opened>),
    Tree {
        index: usize,
        filters: FilterSpec,
        report: Box<Report>,
        /// The base profile's report, when `filters` compare with one.
        base: Option<Box<Report>>,
    },
    /// The call graph of value type `index` under `filters` and `options`, laid out, and as
    /// a DOT file; or why it could not be built.
    CallGraph {
        index: usize,
        filters: FilterSpec,
        options: GraphOptions,
        drawn: Result<Box<(GraphDrawing, String)>, String>,
    },
    /// The call graph asked for last is at this step.
    CallGraphStep(GraphStep),
    /// A base profile to compare with was opened.
    BaseOpened,
    /// The source of `function` in the view of value type `index` under `filters`, or why
    /// it could not be listed.
    Source {
        index: usize,
        filters: FilterSpec,
        function: String,
        source: Result<Box<FunctionSource>, String>,
    },
    /// The profile as filters leave it, gzipped profile.proto, to save as `name`.
    Saved {
        name: String,
        bytes: Vec<u8>,
    },
    Failed(String),
}

/// Receives an engine's events.
type Handler = Rc<RefCell<Box<dyn Fn(EngineEvent)>>>;

/// A worker holding at most one opened profile.
pub struct Engine {
    worker: Worker,
    handler: Handler,
    early_failure: Rc<RefCell<Option<String>>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

fn bytes(object: &JsValue, key: &str) -> Option<Vec<u8>> {
    get(object, key)
        .dyn_into::<Uint8Array>()
        .ok()
        .map(|a| a.to_vec())
}

/// A byte array of a message read as a [`Buf`] a window at a time, so that a call tree is
/// decoded without first copying its bytes whole into the wasm memory, where the copy would
/// stay part of the page's peak (27 MiB for a tree of 4 million nodes).
struct JsBytes {
    array: Uint8Array,
    len: u32,
    /// Where `window` starts in `array`.
    start: u32,
    window: Vec<u8>,
    /// How much of `window` was read.
    at: usize,
}

impl JsBytes {
    const WINDOW: u32 = 64 << 10;

    /// Field `key` of a message, if it is a byte array.
    fn of(object: &JsValue, key: &str) -> Option<JsBytes> {
        let array: Uint8Array = get(object, key).dyn_into().ok()?;
        let mut bytes = JsBytes {
            len: array.length(),
            array,
            start: 0,
            window: Vec::new(),
            at: 0,
        };
        bytes.fill(0);
        Some(bytes)
    }

    fn fill(&mut self, start: u32) {
        let end = start.saturating_add(JsBytes::WINDOW).min(self.len);
        self.window.resize((end - start) as usize, 0);
        self.array.subarray(start, end).copy_to(&mut self.window);
        self.start = start;
        self.at = 0;
    }
}

impl Buf for JsBytes {
    fn remaining(&self) -> usize {
        (self.len - self.start) as usize - self.at
    }

    fn chunk(&self) -> &[u8] {
        &self.window[self.at..]
    }

    fn advance(&mut self, cnt: usize) {
        assert!(
            cnt <= self.remaining(),
            "advanced past the end of a message"
        );
        let at = self.at + cnt;
        if at < self.window.len() {
            self.at = at;
        } else {
            self.fill(self.start + at as u32);
        }
    }
}

/// The event a worker message stands for.
fn event_of(data: &JsValue) -> EngineEvent {
    let op = get(data, "op").as_string().unwrap_or_default();
    let tree_of = |data: &JsValue| {
        let bytes = JsBytes::of(data, "tree").ok_or("the engine sent no call tree")?;
        transfer::decode_report(bytes).map_err(|e| e.to_string())
    };
    let result = match op.as_str() {
        "progress" => Ok(EngineEvent::Progress(Progress {
            stage: match get(data, "stage").as_string().as_deref() {
                Some("indexing") => Stage::Indexing,
                Some("merging") => Stage::Merging,
                Some("aggregating") => Stage::Aggregating,
                _ => Stage::Reading,
            },
            done: get(data, "done").as_f64().unwrap_or(0.0),
            total: get(data, "total").as_f64().unwrap_or(0.0),
            file: get(data, "file").as_f64().unwrap_or(0.0) as usize,
            files: get(data, "files").as_f64().unwrap_or(1.0) as usize,
        })),
        "opened" => (|| {
            trace::mark("tree-received");
            trace::mark_times(&get(data, "timings"));
            let summary = bytes(data, "summary").ok_or("the engine sent no summary")?;
            let summary = Summary::decode(&summary).map_err(|e| e.to_string())?;
            let index = get(data, "index").as_f64().unwrap_or(0.0) as usize;
            let report = tree_of(data)?;
            trace::mark("tree-decoded");
            Ok(EngineEvent::Opened(Box::new(Opened {
                index: index.min(summary.value_types.len() - 1),
                filters: filters_of(data),
                summary,
                report,
                hash: get(data, "hash").as_string().unwrap_or_default(),
                kept: bytes(data, "kept").map(Rc::from),
                engine_memory: get(data, "memory").as_f64().unwrap_or(0.0),
            })))
        })(),
        "tree" => (|| {
            let base = match JsBytes::of(data, "base") {
                Some(bytes) => Some(Box::new(
                    transfer::decode_report(bytes).map_err(|e| e.to_string())?,
                )),
                None => None,
            };
            Ok(EngineEvent::Tree {
                index: get(data, "index").as_f64().unwrap_or(0.0) as usize,
                filters: filters_of(data),
                report: Box::new(tree_of(data)?),
                base,
            })
        })(),
        "callgraph" | "callgraphfailed" => Ok(EngineEvent::CallGraph {
            index: get(data, "index").as_f64().unwrap_or(0.0) as usize,
            filters: filters_of(data),
            options: graph_options_of(data),
            drawn: match get(data, "message").as_string() {
                Some(message) => Err(message),
                None => (|| {
                    let drawing = bytes(data, "drawing").ok_or("the engine sent no call graph")?;
                    let drawing = transfer::decode_drawing(&drawing).map_err(|e| e.to_string())?;
                    let dot = get(data, "dot").as_string().unwrap_or_default();
                    Ok(Box::new((drawing, dot)))
                })(),
            },
        }),
        "graphprogress" => get(data, "step")
            .as_f64()
            .and_then(|n| GraphStep::of_number(n as usize))
            .map(EngineEvent::CallGraphStep)
            .ok_or_else(|| "the engine sent an unknown step".to_string()),
        "base" => Ok(EngineEvent::BaseOpened),
        "source" => Ok(EngineEvent::Source {
            index: get(data, "index").as_f64().unwrap_or(0.0) as usize,
            filters: filters_of(data),
            function: get(data, "function").as_string().unwrap_or_default(),
            source: match get(data, "message").as_string() {
                Some(message) => Err(message),
                None => source_of(data)
                    .map(Box::new)
                    .ok_or_else(|| "the engine sent no source".to_string()),
            },
        }),
        "proto" => bytes(data, "bytes")
            .map(|bytes| EngineEvent::Saved {
                name: get(data, "name").as_string().unwrap_or_default(),
                bytes,
            })
            .ok_or_else(|| "the engine sent no profile".to_string()),
        "error" => Ok(EngineEvent::Failed(
            get(data, "message")
                .as_string()
                .unwrap_or_else(|| "the engine failed".into()),
        )),
        _ => Err(format!("the engine sent an unknown answer {op:?}")),
    };
    result.unwrap_or_else(EngineEvent::Failed)
}

/// The engine worker the page's start-up script began (`boot.js`, written by
/// scripts/finish-dist.mjs) and gave the compiled module, taken once; none if it failed.
fn started_worker() -> Option<Worker> {
    let window = web_sys::window()?;
    let worker: Worker = take(&window, "scorchWorker")?.dyn_into().ok()?;
    if get(&window, "scorchWorkerFailed").is_truthy() {
        worker.terminate();
        return None;
    }
    Some(worker)
}

impl Engine {
    /// Starts a worker, which loads the wasm module at once, so it is ready when a file comes;
    /// [`Engine::on_event`] says where its reports go.
    /// The first one is the worker the page's start-up script began, if it started.
    pub fn spawn() -> Result<Engine, String> {
        let (worker, given_module) = match started_worker() {
            Some(worker) => (worker, true),
            None => {
                let options = WorkerOptions::new();
                options.set_type(WorkerType::Module);
                let worker = Worker::new_with_options(WORKER_SCRIPT, &options)
                    .map_err(|_| "this browser cannot start the engine's worker".to_string())?;
                (worker, false)
            }
        };
        // Until someone listens, a failure (the worker could not start) is kept for them.
        let early_failure: Rc<RefCell<Option<String>>> = Rc::default();
        let handler: Handler = {
            let early_failure = early_failure.clone();
            Rc::new(RefCell::new(Box::new(move |event| {
                if let EngineEvent::Failed(message) = event {
                    *early_failure.borrow_mut() = Some(message);
                }
            })))
        };
        let on_message = {
            let handler = handler.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                // The handler may replace itself; it is called from a clone.
                let event = event_of(&event.data());
                let handler = handler.borrow();
                handler(event)
            })
        };
        let on_event = handler.clone();
        // A worker that cannot start, or stops (out of memory), reports an error event.
        let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
            event.prevent_default();
            let detail = event.message();
            let on_event = on_event.borrow();
            on_event(EngineEvent::Failed(if detail.is_empty() {
                "the engine stopped unexpectedly (out of memory?)".to_string()
            } else {
                format!("the engine stopped unexpectedly ({detail})")
            }))
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        // The page's compiled module, so the worker does not compile it again.
        if !given_module {
            worker
                .post_message(&message_of("module", &[("module", wasm_bindgen::module())]))
                .map_err(|_| "this browser cannot start the engine's worker".to_string())?;
        }
        Ok(Engine {
            worker,
            handler,
            early_failure,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Sends this engine's reports to `on_event` from now on.
    /// A failure from before is reported to it afterwards, as any report would be.
    /// Called from within the current handler (a profile that has just opened takes over its
    /// engine's answers), the switch happens as soon as that handler returns, before the next
    /// answer.
    pub fn on_event(&self, on_event: impl Fn(EngineEvent) + 'static) {
        let on_event: Box<dyn Fn(EngineEvent)> = Box::new(on_event);
        match self.handler.try_borrow_mut() {
            Ok(mut handler) => *handler = on_event,
            Err(_) => {
                let handler = self.handler.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    *handler.borrow_mut() = on_event;
                });
            }
        }
        if let Some(message) = self.early_failure.borrow_mut().take() {
            let handler = self.handler.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let handler = handler.borrow();
                handler(EngineEvent::Failed(message))
            });
        }
    }

    /// Opens `parts` merged (each refusing more inflated bytes than its limit), with the tree
    /// for `value_type` (a name or position; empty for the default) under `filters`; a single
    /// file comes back whole when it is at most `keep` bytes.
    pub fn open(&self, parts: &[Part], value_type: &str, filters: &FilterSpec, keep: usize) {
        let parts: js_sys::Array = parts.iter().map(|p| p.message("part")).collect();
        let message = message_of(
            "open",
            &[
                ("parts", parts.into()),
                ("valueType", value_type.into()),
                ("filters", filters_value(filters)),
                ("keep", (keep as f64).into()),
            ],
        );
        let _ = self.worker.post_message(&message);
    }

    /// Opens `part` as the base profile to compare with; the profile stays open.
    pub fn open_base(&self, part: &Part) {
        let _ = self.worker.post_message(&part.message("base"));
    }

    /// Asks for the tree of value type `index` under `filters`.
    pub fn request_tree(&self, index: usize, filters: &FilterSpec) {
        let message = message_of(
            "tree",
            &[
                ("index", (index as f64).into()),
                ("filters", filters_value(filters)),
            ],
        );
        let _ = self.worker.post_message(&message);
    }

    /// Asks for the call graph of value type `index` under `filters` and `options`, its DOT
    /// file titled `title`.
    pub fn request_call_graph(
        &self,
        index: usize,
        filters: &FilterSpec,
        options: &GraphOptions,
        title: &str,
    ) {
        let message = message_of(
            "callgraph",
            &[
                ("index", (index as f64).into()),
                ("filters", filters_value(filters)),
                ("options", graph_options_value(options)),
                ("title", title.into()),
            ],
        );
        let _ = self.worker.post_message(&message);
    }

    /// Asks for the profile as `filters` leave it, with value type `index` the default, as
    /// gzipped profile.proto to save as `name`.
    pub fn request_proto(&self, index: usize, filters: &FilterSpec, name: &str) {
        let message = message_of(
            "proto",
            &[
                ("index", (index as f64).into()),
                ("filters", filters_value(filters)),
                ("name", name.into()),
            ],
        );
        let _ = self.worker.post_message(&message);
    }

    /// Asks for the source of `function` in the view of value type `index` under `filters`.
    pub fn request_source(&self, index: usize, filters: &FilterSpec, function: &str) {
        let message = message_of(
            "source",
            &[
                ("index", (index as f64).into()),
                ("filters", filters_value(filters)),
                ("function", function.into()),
            ],
        );
        let _ = self.worker.post_message(&message);
    }

    /// Stops building the call graph asked for last, at its next step (no answer comes).
    pub fn cancel_call_graph(&self) {
        let _ = self.worker.post_message(&message_of("cancel", &[]));
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
