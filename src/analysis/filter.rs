//! pprof's filters on frame names, applied to a profile as `go tool pprof` applies them
//! (`FilterSamplesByName`, then `ShowFrom`): focus, ignore, hide, show and show_from, each a
//! regular expression matched anywhere in a function's name or file name, or a location's
//! mapping file, compiled from [`crate::analysis::options`], with the label filters (see
//! [`crate::analysis::tags`]). Depends on the profile model and the tag filters.

use std::borrow::Cow;

use regex::Regex;

use crate::analysis::tags::{filter_samples, tag_root, TagFilter};
use crate::model::frames::Granularity;
use crate::model::profile::{Line, Location, Profile, Samples, StackId, Stacks, StacksBuilder};

/// A filter's regular expression that does not compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadFilter {
    pub filter: &'static str,
    pub detail: String,
}

impl std::fmt::Display for BadFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the {} expression is not valid: {}",
            self.filter, self.detail
        )
    }
}

impl std::error::Error for BadFilter {}

/// The filters; `None` is no filter.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Keep samples with a frame that matches.
    pub focus: Option<Regex>,
    /// Drop samples with a frame that matches.
    pub ignore: Option<Regex>,
    /// Remove matching frames from the stacks.
    pub hide: Option<Regex>,
    /// Keep only matching frames in the stacks.
    pub show: Option<Regex>,
    /// Remove the callers of the outermost matching frame; drop samples without one.
    pub show_from: Option<Regex>,
    /// Keep only samples whose labels match (pprof's tagfocus).
    pub tagfocus: Option<TagFilter>,
    /// Drop samples whose labels match (pprof's tagignore).
    pub tagignore: Option<TagFilter>,
    /// Label keys whose values become pseudo-frames at the root (pprof's tagroot).
    pub tagroot: Vec<String>,
    /// How finely frames are told apart (not a filter of samples).
    pub granularity: Granularity,
}

impl Filters {
    /// Compiles one filter's expression (empty means none).
    pub fn regex(filter: &'static str, pattern: &str) -> Result<Option<Regex>, BadFilter> {
        if pattern.is_empty() {
            return Ok(None);
        }
        Regex::new(pattern).map(Some).map_err(|e| BadFilter {
            filter,
            detail: e.to_string(),
        })
    }

    /// True when no name filter is set.
    fn has_no_name_filter(&self) -> bool {
        self.focus.is_none()
            && self.ignore.is_none()
            && self.hide.is_none()
            && self.show.is_none()
            && self.show_from.is_none()
    }
}

/// `profile` as pprof reports it under `filters`: tag roots added, then the name filters and
/// the tag filters applied (borrowed when there is nothing to do).
pub fn filtered<'a>(profile: &'a Profile, filters: &Filters) -> Cow<'a, Profile> {
    let mut current = Cow::Borrowed(profile);
    if !filters.tagroot.is_empty() {
        let keys: Vec<&str> = filters.tagroot.iter().map(String::as_str).collect();
        current = Cow::Owned(tag_root(&current, &keys));
    }
    if !filters.has_no_name_filter() {
        current = Cow::Owned(apply(&current, filters));
    }
    if filters.tagfocus.is_some() || filters.tagignore.is_some() {
        let (focus, ignore) = (filters.tagfocus.as_ref(), filters.tagignore.as_ref());
        current = Cow::Owned(filter_samples(&current, focus, ignore));
    }
    current
}

/// What a regular expression matches in a profile, computed once per function and mapping.
struct Matcher<'a> {
    profile: &'a Profile,
    function: Vec<bool>,
    mapping: Vec<bool>,
}

impl<'a> Matcher<'a> {
    fn new(profile: &'a Profile, re: &Regex) -> Matcher<'a> {
        let s = |id| profile.str(id);
        Matcher {
            profile,
            function: profile
                .functions
                .iter()
                .map(|f| re.is_match(s(f.name)) || re.is_match(s(f.file)))
                .collect(),
            mapping: profile
                .mappings
                .iter()
                .map(|m| re.is_match(s(m.file)))
                .collect(),
        }
    }

    /// A line matches by its function; a line without one never does.
    fn line(&self, line: &Line) -> bool {
        line.function.is_some_and(|f| self.function[f.0 as usize])
    }

    fn mapping(&self, location: &Location) -> bool {
        location.mapping.is_some_and(|m| self.mapping[m.0 as usize])
    }

    /// pprof's `matchesName`: a line or the mapping matches.
    fn location(&self, location: &Location) -> bool {
        self.profile
            .location_lines(location)
            .iter()
            .any(|l| self.line(l))
            || self.mapping(location)
    }
}

/// Per location: in the sample filter, ignored, focused or neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Neither,
    Focused,
    Ignored,
}

/// `profile` with `filters` applied: locations keep the lines pprof keeps, samples keep the
/// locations pprof keeps, and samples pprof drops are gone. The total percentages refer to
/// stays the unfiltered profile's (pprof computes it before filtering).
pub fn apply(profile: &Profile, filters: &Filters) -> Profile {
    let matcher = |re: &Option<Regex>| re.as_ref().map(|re| Matcher::new(profile, re));
    let (focus, ignore, hide, show, show_from) = (
        matcher(&filters.focus),
        matcher(&filters.ignore),
        matcher(&filters.hide),
        matcher(&filters.show),
        matcher(&filters.show_from),
    );
    let n = profile.locations.len();
    let mut marks = Vec::with_capacity(n);
    let mut hidden = vec![false; n];
    let mut starts_shown = vec![false; n];
    let mut lines: Vec<Line> = Vec::with_capacity(profile.lines.len());
    let mut locations = Vec::with_capacity(n);
    for (l, location) in profile.locations.iter().enumerate() {
        let original = profile.location_lines(location);
        // Focus and ignore look at the lines as the file gives them.
        marks.push(if ignore.as_ref().is_some_and(|m| m.location(location)) {
            Mark::Ignored
        } else if focus.as_ref().is_none_or(|m| m.location(location)) {
            Mark::Focused
        } else {
            Mark::Neither
        });
        let mut kept: Vec<Line> = original.to_vec();
        if let Some(hide) = &hide {
            if hide.location(location) {
                kept = if hide.mapping(location) {
                    Vec::new()
                } else {
                    kept.into_iter().filter(|l| !hide.line(l)).collect()
                };
                hidden[l] |= kept.is_empty();
            }
        }
        if let Some(show) = &show {
            if !show.mapping(location) {
                // Lines without a function are kept, as pprof's `matchedLines` keeps them.
                kept.retain(|l| l.function.is_none() || show.line(l));
            }
            hidden[l] |= kept.is_empty();
        }
        if let Some(show_from) = &show_from {
            if show_from.mapping(location) {
                starts_shown[l] = true;
            } else if let Some(i) = kept.iter().rposition(|l| show_from.line(l)) {
                kept.truncate(i + 1);
                starts_shown[l] = true;
            }
        }
        let start = lines.len() as u32;
        lines.extend_from_slice(&kept);
        locations.push(Location {
            lines: start..lines.len() as u32,
            ..location.clone()
        });
    }

    // Per stack, from the root: whether an ignored or focused location is on it, and its
    // filtered stack (hidden locations left out; with show_from, starting at the outermost
    // location that starts the shown part).
    #[derive(Clone, Copy)]
    struct State {
        ignored: bool,
        focused: bool,
        shown: bool,
        stack: StackId,
    }
    let stacks = &profile.stacks;
    let mut builder = StacksBuilder::default();
    let mut states = Vec::with_capacity(stacks.len());
    states.push(State {
        ignored: false,
        focused: false,
        shown: show_from.is_none(),
        stack: Stacks::EMPTY,
    });
    for s in 1..stacks.len() {
        let stack = StackId(s as u32);
        let parent = states[stacks.parent(stack).0 as usize];
        let location = stacks.location(stack);
        let l = location.0 as usize;
        let mut state = State {
            ignored: parent.ignored || marks[l] == Mark::Ignored,
            focused: parent.focused || marks[l] == Mark::Focused,
            ..parent
        };
        if !hidden[l] {
            if !parent.shown && starts_shown[l] {
                state.shown = true;
                state.stack = Stacks::EMPTY;
            }
            if state.shown {
                // Fewer stacks than the profile has, which fit in u32.
                state.stack = builder.child(state.stack, location).unwrap_or(state.stack);
            }
        }
        states.push(state);
    }
    let value_count = profile.value_types.len();
    let mut samples = Samples::default();
    for (i, &stack) in profile.samples.stack.iter().enumerate() {
        let state = states[stack.0 as usize];
        if state.ignored || !state.focused || !state.shown || state.stack == Stacks::EMPTY {
            continue;
        }
        samples.stack.push(state.stack);
        samples.label_set.push(profile.samples.label_set[i]);
        samples
            .values
            .extend_from_slice(&profile.samples.values[i * value_count..][..value_count]);
    }
    profile.derived(lines, locations, builder.finish(), samples)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::call_tree::CallTree;
    use crate::input::folded;

    fn filtered(filters: Filters) -> Vec<String> {
        let profile = folded::parse("main;a;b 3\nmain;c;b 5\nmain;a;d 2\nother 4\n").unwrap();
        CallTree::build(&apply(&profile, &filters), 0).folded_stacks()
    }

    fn re(pattern: &str) -> Option<Regex> {
        Some(Regex::new(pattern).unwrap())
    }

    #[test]
    fn each_filter_keeps_what_pprof_keeps() {
        let focus = filtered(Filters {
            focus: re("^c$"),
            ..Filters::default()
        });
        assert_eq!(focus, ["main;c;b 5"]);
        let ignore = filtered(Filters {
            ignore: re("^a$"),
            ..Filters::default()
        });
        assert_eq!(ignore, ["main;c;b 5", "other 4"]);
        let hide = filtered(Filters {
            hide: re("^(a|main)$"),
            ..Filters::default()
        });
        assert_eq!(hide, ["b 3", "c;b 5", "d 2", "other 4"]);
        let show = filtered(Filters {
            show: re("^(main|b)$"),
            ..Filters::default()
        });
        assert_eq!(show, ["main 2", "main;b 8"]);
        let show_from = filtered(Filters {
            show_from: re("^(a|c)$"),
            ..Filters::default()
        });
        assert_eq!(show_from, ["a;b 3", "a;d 2", "c;b 5"]);
        assert!(Filters::regex("focus", "(").is_err());
        assert!(Filters::regex("focus", "").unwrap().is_none());
    }
}
