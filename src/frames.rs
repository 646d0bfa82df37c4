//! Frames: the function identities a call tree is built from, at pprof's default granularity
//! (functions merged by name), and each location's frames with inlined lines expanded.
//! Depends only on the profile model.

use rustc_hash::FxHashMap;

use crate::profile::{LocationId, Profile};

/// An index into [`Frames::frames`]; [`Frames::ROOT`] is the pseudo-frame above every stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FrameId(pub u32);

/// A function identity: what pprof prints as a node name at function granularity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// `Function.name`, or `[binary]` / `<unknown>` for a frame without one (as pprof).
    pub name: String,
    /// The source file of the first function seen with this name (may be empty).
    pub file: String,
    /// That function's start line (0 when unknown).
    pub start_line: i64,
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

impl Frames {
    /// The pseudo-frame at the root of every call tree.
    pub const ROOT: FrameId = FrameId(0);

    /// Builds the frame table of `profile`.
    pub fn build(profile: &Profile) -> Frames {
        let mut frames = vec![Frame {
            name: "root".to_string(),
            file: String::new(),
            start_line: 0,
        }];
        // Keyed by name, so functions that share a name share a frame (pprof merges them),
        // and kept apart from the root pseudo-frame even if a function is called "root".
        let mut by_name: FxHashMap<String, FrameId> = FxHashMap::default();
        let mut intern = |name: &str, file: &str, start_line: i64| -> FrameId {
            if let Some(&id) = by_name.get(name) {
                return id;
            }
            let id = FrameId(frames.len() as u32);
            frames.push(Frame {
                name: name.to_string(),
                file: file.to_string(),
                start_line,
            });
            by_name.insert(name.to_string(), id);
            id
        };
        let mut location_starts = Vec::with_capacity(profile.locations.len() + 1);
        let mut location_frames = Vec::with_capacity(profile.lines.len());
        let mut location_inlined = Vec::with_capacity(profile.lines.len());
        location_starts.push(0);
        for location in &profile.locations {
            let anonymous = || match location.mapping {
                Some(m) => match profile.str(profile.mappings[m.0 as usize].file) {
                    "" => "<unknown>".to_string(),
                    file => format!("[{}]", basename(file)),
                },
                None => "<unknown>".to_string(),
            };
            let lines = profile.location_lines(location);
            if lines.is_empty() {
                location_frames.push(intern(&anonymous(), "", 0));
                location_inlined.push(false);
            }
            for (i, line) in lines.iter().enumerate() {
                let function = line.function.map(|f| &profile.functions[f.0 as usize]);
                let frame = match function {
                    Some(f) if !profile.str(f.name).is_empty() => {
                        intern(profile.str(f.name), profile.str(f.file), f.start_line)
                    }
                    _ => intern(&anonymous(), "", 0),
                };
                location_frames.push(frame);
                location_inlined.push(i + 1 < lines.len());
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
    use super::basename;

    #[test]
    fn basename_follows_go() {
        assert_eq!(basename("/usr/lib/libc.so.6"), "libc.so.6");
        assert_eq!(basename("app"), "app");
        assert_eq!(basename("/opt/app/"), "app");
        assert_eq!(basename("/"), "/");
    }
}
