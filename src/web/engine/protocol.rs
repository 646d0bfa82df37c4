//! The messages the page and the engine's worker exchange, shared by both sides: a message is
//! `{op, ...fields}`; filters travel as their non-default options, a call graph's options as
//! `{nodecount, nodefraction, edgefraction}`, a function's source as plain objects.

use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::analysis::call_graph::GraphOptions;
use crate::analysis::call_tree::NodeId;
use crate::analysis::options::DiffMode;
use crate::analysis::options::FilterSpec;
use crate::analysis::source::{FunctionSource, Listing, Routine, SourceLine};

/// Field `key` of a message (undefined when missing).
pub fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// Field `key` of `object`, taken out of it (`None` when it has none): what the page's
/// start-up script left on the window for the app to adopt once.
pub fn take(object: &JsValue, key: &str) -> Option<JsValue> {
    let value = get(object, key);
    if value.is_undefined() {
        return None;
    }
    let _ = Reflect::delete_property(object.unchecked_ref::<Object>(), &key.into());
    Some(value)
}

/// The size of this thread's wasm memory in bytes: its peak so far, as a wasm memory never
/// shrinks.
pub fn wasm_memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as f64
}

/// A message between the page and the worker: `{op, ...fields}`.
pub fn message_of(op: &str, fields: &[(&str, JsValue)]) -> JsValue {
    let message = Object::new();
    let _ = Reflect::set(&message, &"op".into(), &op.into());
    for (key, value) in fields {
        let _ = Reflect::set(&message, &(*key).into(), value);
    }
    message.into()
}

/// Filters as a message field: `{focus: "...", granularity: "lines", ...}`, the options that
/// are not the default.
pub fn filters_value(filters: &FilterSpec) -> JsValue {
    let object = Object::new();
    for (key, value) in filters.entries() {
        let _ = Reflect::set(&object, &key.into(), &value.into());
    }
    if filters.diff != DiffMode::Off {
        let _ = Reflect::set(&object, &"diff".into(), &filters.diff.name().into());
    }
    object.into()
}

/// The filters of a message's `filters` field (missing ones are the default).
pub fn filters_of(message: &JsValue) -> FilterSpec {
    let object = get(message, "filters");
    let mut filters = FilterSpec::default();
    if let Ok(object) = object.dyn_into::<Object>() {
        for entry in Object::entries(&object) {
            let pair = js_sys::Array::from(&entry);
            if let (Some(key), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                if key == "diff" {
                    filters.diff = DiffMode::from_name(&value);
                } else {
                    filters.set_entry(&key, &value);
                }
            }
        }
    }
    filters
}

/// A call graph's options as a message field.
pub fn graph_options_value(options: &GraphOptions) -> JsValue {
    let object = Object::new();
    let _ = Reflect::set(
        &object,
        &"nodecount".into(),
        &(options.node_count as f64).into(),
    );
    let _ = Reflect::set(
        &object,
        &"nodefraction".into(),
        &options.node_fraction.into(),
    );
    let _ = Reflect::set(
        &object,
        &"edgefraction".into(),
        &options.edge_fraction.into(),
    );
    object.into()
}

/// The call graph options of a message's `options` field (missing ones are pprof's).
pub fn graph_options_of(message: &JsValue) -> GraphOptions {
    let object = get(message, "options");
    let default = GraphOptions::default();
    let number = |key: &str| get(&object, key).as_f64();
    GraphOptions {
        node_count: number("nodecount").map_or(default.node_count, |n| n as usize),
        node_fraction: number("nodefraction").unwrap_or(default.node_fraction),
        edge_fraction: number("edgefraction").unwrap_or(default.edge_fraction),
    }
}

/// A function's source as a message field: `{total, routines: [{name, file, flat, cum,
/// inlined, lines: [{line, flat, cum, inlined: [names], nodes: Uint32Array}]}]}`.
pub fn source_value(source: &FunctionSource) -> JsValue {
    let set = |object: &Object, key: &str, value: JsValue| {
        let _ = Reflect::set(object, &key.into(), &value);
    };
    let routines = js_sys::Array::new();
    for (routine, nodes) in source.listing.routines.iter().zip(&source.nodes) {
        let object = Object::new();
        set(&object, "name", routine.name.as_str().into());
        set(&object, "file", routine.file.as_str().into());
        set(&object, "flat", (routine.flat as f64).into());
        set(&object, "cum", (routine.cum as f64).into());
        set(&object, "inlined", routine.inlined.into());
        let lines = js_sys::Array::new();
        for (line, nodes) in routine.lines.iter().zip(nodes) {
            let entry = Object::new();
            set(&entry, "line", (line.line as f64).into());
            set(&entry, "flat", (line.flat as f64).into());
            set(&entry, "cum", (line.cum as f64).into());
            let inlined: js_sys::Array = line
                .inlined
                .iter()
                .map(|n| JsValue::from(n.as_str()))
                .collect();
            set(&entry, "inlined", inlined.into());
            let ids: Vec<u32> = nodes.iter().map(|n| n.0).collect();
            set(&entry, "nodes", js_sys::Uint32Array::from(&ids[..]).into());
            lines.push(&entry);
        }
        set(&object, "lines", lines.into());
        routines.push(&object);
    }
    let object = Object::new();
    set(&object, "total", (source.listing.total as f64).into());
    set(&object, "routines", routines.into());
    object.into()
}

/// The function's source in a message's `source` field, if it is one.
pub fn source_of(message: &JsValue) -> Option<FunctionSource> {
    let object = get(message, "source");
    let number = |o: &JsValue, key: &str| get(o, key).as_f64().map(|n| n as i64);
    let array = |o: &JsValue, key: &str| get(o, key).dyn_into::<js_sys::Array>().ok();
    let mut routines = Vec::new();
    let mut all_nodes = Vec::new();
    for routine in array(&object, "routines")?.iter() {
        let mut lines = Vec::new();
        let mut nodes = Vec::new();
        for line in array(&routine, "lines")?.iter() {
            let inlined = array(&line, "inlined")?
                .iter()
                .filter_map(|n| n.as_string())
                .collect();
            lines.push(SourceLine {
                line: number(&line, "line")?,
                flat: number(&line, "flat")?,
                cum: number(&line, "cum")?,
                inlined,
            });
            let ids = get(&line, "nodes").dyn_into::<js_sys::Uint32Array>().ok()?;
            nodes.push(ids.to_vec().into_iter().map(NodeId).collect());
        }
        routines.push(Routine {
            name: get(&routine, "name").as_string()?,
            file: get(&routine, "file").as_string()?,
            flat: number(&routine, "flat")?,
            cum: number(&routine, "cum")?,
            inlined: get(&routine, "inlined").as_bool()?,
            lines,
        });
        all_nodes.push(nodes);
    }
    Some(FunctionSource {
        listing: Listing {
            total: number(&object, "total")?,
            routines,
        },
        nodes: all_nodes,
    })
}
