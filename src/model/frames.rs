//! Frames: the function identities a call tree is built from, at pprof's default granularity
//! (functions merged by name), and each location's frames with inlined lines expanded.
//! Depends only on the profile model.

use std::borrow::Cow;

use rustc_hash::FxHashMap;

use crate::model::profile::{LocationId, Profile};

/// An index into a [`Frames`] table; [`Frames::ROOT`] is the pseudo-frame above every stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FrameId(pub u32);

/// A frame: what pprof prints as a node name at the granularity the frames were built at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// pprof's name for the node: `Function.name` (at function granularity), or
    /// `[binary]` / `<unknown>` for a frame without one.
    pub name: String,
    /// The source file of the first function seen with this frame (may be empty).
    pub file: String,
    /// The line shown with `file`: the frame's own line at lines or addresses granularity,
    /// else that function's start line (0 when unknown).
    pub line: i64,
}

impl Frame {
    /// Where its code is: `file:line`, the file alone without a line, none without a file.
    pub fn location(&self) -> Option<String> {
        (!self.file.is_empty()).then(|| match self.line {
            line if line > 0 => format!("{}:{line}", self.file),
            _ => self.file.clone(),
        })
    }
}

/// The frame table of a profile and the frames of each of its locations.
#[derive(Debug, Clone)]
pub struct Frames {
    frames: Vec<Frame>,
    /// `locations.len() + 1` offsets into `location_frames`.
    location_starts: Vec<u32>,
    /// Each location's frames, leaf first: `Line[0]` (the innermost inlined callee) first.
    location_frames: Vec<FrameId>,
    /// Parallel to `location_frames`: the frame was inlined into the next one.
    location_inlined: Vec<bool>,
}

/// The basename of a mapping's file, as Go's `filepath.Base`.
fn basename(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/";
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}

/// How finely frames are told apart: pprof's `-granularity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Granularity {
    /// One frame per function name (pprof's default).
    #[default]
    Functions,
    /// Per function name and source file.
    FileFunctions,
    /// Per source file.
    Files,
    /// Per function, file and line.
    Lines,
    /// Per address, function, file and line.
    Addresses,
}

impl Granularity {
    pub const ALL: [Granularity; 5] = [
        Granularity::Functions,
        Granularity::FileFunctions,
        Granularity::Files,
        Granularity::Lines,
        Granularity::Addresses,
    ];

    /// pprof's name for it, also the value in a link.
    pub fn name(self) -> &'static str {
        match self {
            Granularity::Functions => "functions",
            Granularity::FileFunctions => "filefunctions",
            Granularity::Files => "files",
            Granularity::Lines => "lines",
            Granularity::Addresses => "addresses",
        }
    }

    /// The granularity called `name` by pprof.
    pub fn from_name(name: &str) -> Option<Granularity> {
        Granularity::ALL.into_iter().find(|g| g.name() == name)
    }
}

/// What tells one frame from another: pprof's `NodeInfo` after `Profile::Aggregate` cleared
/// what the granularity does not keep.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct FrameKey<'a> {
    address: u64,
    line: i64,
    name: &'a str,
    file: Cow<'a, str>,
    objfile: &'a str,
    start_line: i64,
}

impl FrameKey<'_> {
    /// pprof's `PrintableName`: the parts the key has, joined by spaces.
    fn printable(&self) -> String {
        let mut parts = Vec::new();
        if self.address != 0 {
            parts.push(format!("{:016x}", self.address));
        }
        if !self.name.is_empty() {
            parts.push(self.name.to_string());
        }
        if self.line != 0 {
            parts.push(format!("{}:{}", self.file, self.line));
        } else if !self.file.is_empty() {
            parts.push(self.file.to_string());
        } else if self.name.is_empty() {
            parts.push(if self.objfile.is_empty() {
                "<unknown>".to_string()
            } else {
                format!("[{}]", basename(self.objfile))
            });
        }
        parts.join(" ")
    }
}

/// Go's `filepath.Clean` for slash-separated paths: the shortest equivalent path.
pub(crate) fn clean(path: &str) -> Cow<'_, str> {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|&p| p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            part => parts.push(part),
        }
    }
    let joined = parts.join("/");
    let cleaned = match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    };
    if cleaned == path {
        Cow::Borrowed(path)
    } else {
        Cow::Owned(cleaned)
    }
}

impl Frames {
    /// The pseudo-frame at the root of every call tree.
    pub const ROOT: FrameId = FrameId(0);

    /// Builds the frame table of `profile` at pprof's default granularity (functions).
    pub fn build(profile: &Profile) -> Frames {
        Frames::build_at(profile, Granularity::Functions)
    }

    /// Builds the frame table of `profile`, frames told apart as pprof's `-granularity`
    /// tells its nodes apart (so two frames may print the same name, as in pprof).
    pub fn build_at(profile: &Profile, granularity: Granularity) -> Frames {
        use Granularity::*;
        let keep_name = matches!(granularity, Functions | FileFunctions | Lines | Addresses);
        let keep_file = matches!(granularity, FileFunctions | Files | Lines | Addresses);
        let keep_line = matches!(granularity, Lines | Addresses);
        let keep_address = granularity == Addresses;
        let mut frames = vec![Frame {
            name: "root".to_string(),
            file: String::new(),
            line: 0,
        }];
        // Kept apart from the root pseudo-frame even if a function is called "root".
        let mut by_key: FxHashMap<FrameKey<'_>, FrameId> = FxHashMap::default();
        let mut location_starts = Vec::with_capacity(profile.locations.len() + 1);
        let mut location_frames = Vec::with_capacity(profile.lines.len());
        let mut location_inlined = Vec::with_capacity(profile.lines.len());
        location_starts.push(0);
        for location in &profile.locations {
            let objfile = location
                .mapping
                .map_or("", |m| profile.str(profile.mappings[m.0 as usize].file));
            let address = if keep_address { location.address } else { 0 };
            let lines = profile.location_lines(location);
            // A location without lines is one frame of its address and binary.
            let count = lines.len().max(1);
            for i in 0..count {
                let line = lines.get(i);
                let function = line
                    .and_then(|l| l.function)
                    .map(|f| &profile.functions[f.0 as usize]);
                let key = match (line, function) {
                    (Some(line), Some(function)) => {
                        let name = if keep_name {
                            profile.str(function.name)
                        } else {
                            ""
                        };
                        let file = match profile.str(function.file) {
                            file if keep_file && !file.is_empty() => clean(file),
                            _ => Cow::Borrowed(""),
                        };
                        FrameKey {
                            address,
                            line: if keep_line { line.line } else { 0 },
                            name,
                            file,
                            objfile: if name.is_empty() { objfile } else { "" },
                            start_line: if name.is_empty() {
                                function.start_line
                            } else {
                                0
                            },
                        }
                    }
                    _ => FrameKey {
                        address,
                        line: 0,
                        name: "",
                        file: Cow::Borrowed(""),
                        objfile,
                        start_line: 0,
                    },
                };
                let next = FrameId(frames.len() as u32);
                let frame = *by_key.entry(key).or_insert_with_key(|key| {
                    frames.push(Frame {
                        name: key.printable(),
                        file: function.map_or(String::new(), |f| profile.str(f.file).to_string()),
                        line: match line {
                            Some(line) if keep_line => line.line,
                            _ => function.map_or(0, |f| f.start_line),
                        },
                    });
                    next
                });
                location_frames.push(frame);
                location_inlined.push(i + 1 < count);
            }
            location_starts.push(location_frames.len() as u32);
        }
        Frames {
            frames,
            location_starts,
            location_frames,
            location_inlined,
        }
    }

    /// A frame table without locations, for a call tree that was built elsewhere (in a
    /// worker) and moved here: `frames[0]` must be the root pseudo-frame.
    pub fn from_frames(frames: Vec<Frame>) -> Frames {
        Frames {
            frames,
            location_starts: vec![0],
            location_frames: Vec::new(),
            location_inlined: Vec::new(),
        }
    }

    /// Every frame, by id.
    pub fn all(&self) -> &[Frame] {
        &self.frames
    }

    /// Frame `id`.
    pub fn frame(&self, id: FrameId) -> &Frame {
        &self.frames[id.0 as usize]
    }

    /// The name of frame `id`.
    pub fn name(&self, id: FrameId) -> &str {
        &self.frames[id.0 as usize].name
    }

    /// Number of frames, the root pseudo-frame included.
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    /// Never true: the root pseudo-frame is always there.
    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// The frames of `location`, leaf first, and whether each was inlined into the next.
    pub fn of_location(&self, location: LocationId) -> (&[FrameId], &[bool]) {
        let start = self.location_starts[location.0 as usize] as usize;
        let end = self.location_starts[location.0 as usize + 1] as usize;
        (
            &self.location_frames[start..end],
            &self.location_inlined[start..end],
        )
    }

    /// Every frame id, ordered by name (byte order), root first.
    pub fn by_name(&self) -> Vec<FrameId> {
        let mut ids: Vec<FrameId> = (1..self.frames.len() as u32).map(FrameId).collect();
        ids.sort_unstable_by(|a, b| self.name(*a).cmp(self.name(*b)));
        ids.insert(0, Frames::ROOT);
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::{basename, clean};

    #[test]
    fn clean_follows_go() {
        assert_eq!(clean("/a/b/../c/./d.go"), "/a/c/d.go");
        assert_eq!(clean("a//b/"), "a/b");
        assert_eq!(clean("../x/../../y"), "../../y");
        assert_eq!(clean("/../x"), "/x");
        assert_eq!(clean("./"), ".");
        assert_eq!(clean("main.go"), "main.go");
    }

    #[test]
    fn basename_follows_go() {
        assert_eq!(basename("/usr/lib/libc.so.6"), "libc.so.6");
        assert_eq!(basename("app"), "app");
        assert_eq!(basename("/opt/app/"), "app");
        assert_eq!(basename("/"), "/");
    }
}
