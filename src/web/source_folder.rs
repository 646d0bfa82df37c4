//! A source folder the person chose (a directory picker's files): where a recorded source path
//! is in it, found as `scorch list --source-dir` finds it, and its files' text, read on the
//! page when first shown and kept. Nothing is sent anywhere.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use wasm_bindgen_futures::JsFuture;
use web_sys::{File, FileList};

use crate::analysis::source::source_candidates;

/// Files bigger than this are not read as source text.
const MAX_SOURCE_BYTES: f64 = 16.0 * 1024.0 * 1024.0;

/// The files of a chosen folder by their path below it, and the text of those read so far.
pub struct SourceFolder {
    /// The folder's own name.
    pub name: String,
    files: HashMap<String, File>,
    texts: RefCell<HashMap<String, Rc<[String]>>>,
}

/// A folder is only equal to itself: each choice is a new one.
impl PartialEq for SourceFolder {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl SourceFolder {
    /// The folder a directory picker gave (each file's `webkitRelativePath` starts with the
    /// folder's name); `None` when it gave no files.
    pub fn of(list: &FileList) -> Option<SourceFolder> {
        let mut name = String::new();
        let mut files = HashMap::new();
        for i in 0..list.length() {
            let Some(file) = list.item(i) else { continue };
            // web-sys does not bind `webkitRelativePath`, which every browser has.
            let relative = js_sys::Reflect::get(&file, &"webkitRelativePath".into())
                .ok()
                .and_then(|p| p.as_string())
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| file.name());
            let (top, rest) = relative.split_once('/').unwrap_or(("", relative.as_str()));
            if name.is_empty() {
                name = top.to_string();
            }
            files.insert(rest.to_string(), file);
        }
        (!files.is_empty()).then(|| SourceFolder {
            name,
            files,
            texts: RefCell::default(),
        })
    }

    /// How many files it has.
    pub fn file_count(&self) -> usize {
        self.files.len()
    }

    /// The path in the folder of the source recorded as `recorded`: the longest suffix of it
    /// that is a file here.
    pub fn find(&self, recorded: &str) -> Option<String> {
        source_candidates(recorded, &[], &[String::new()])
            .into_iter()
            .find(|c| self.files.contains_key(c))
    }

    /// The lines of file `path`, if read already.
    pub fn text(&self, path: &str) -> Option<Rc<[String]>> {
        self.texts.borrow().get(path).cloned()
    }

    /// Reads file `path` (once) and keeps its lines; an error says why it could not be.
    pub async fn read(&self, path: &str) -> Result<Rc<[String]>, String> {
        if let Some(text) = self.text(path) {
            return Ok(text);
        }
        let file = self.files.get(path).ok_or("not in the folder")?;
        if file.size() > MAX_SOURCE_BYTES {
            return Err(format!("{path} is too big to be source code"));
        }
        let text = JsFuture::from(file.text())
            .await
            .map_err(|_| format!("{path} could not be read"))?
            .as_string()
            .unwrap_or_default();
        let lines: Rc<[String]> = text.lines().map(str::to_string).collect();
        self.texts
            .borrow_mut()
            .insert(path.to_string(), lines.clone());
        Ok(lines)
    }
}
