//! pprof's filters on frame names, applied to a profile as `go tool pprof` applies them
//! (`FilterSamplesByName`, then `ShowFrom`): focus, ignore, hide, show and show_from, each a
//! regular expression matched anywhere in a function's name or file name, or a location's
//! mapping file; with the label options (see [`crate::tags`]) and the granularity, what
//! shapes a call tree. Depends only on the profile model.

use std::borrow::Cow;

use regex::Regex;

use crate::call_tree::{CallTree, TreeParts};
use crate::diff::DiffMode;
use crate::frames::Granularity;
use crate::labels::{label_totals, LabelTotal};
use crate::profile::{Line, Location, Profile, Samples, StackId, Stacks, StacksBuilder};
use crate::tags::{filter_samples, tag_root, TagFilter};

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

/// One of pprof's options written as text: the name filters, then the label options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FilterKind {
    Focus,
    Ignore,
    Hide,
    Show,
    ShowFrom,
    TagFocus,
    TagIgnore,
    /// Not a filter: label keys whose values become frames at the root.
    TagRoot,
}

impl FilterKind {
    pub const ALL: [FilterKind; 8] = [
        FilterKind::Focus,
        FilterKind::Ignore,
        FilterKind::Hide,
        FilterKind::Show,
        FilterKind::ShowFrom,
        FilterKind::TagFocus,
        FilterKind::TagIgnore,
        FilterKind::TagRoot,
    ];

    /// pprof's option name (`show_from`), also the key in a link.
    pub fn name(self) -> &'static str {
        match self {
            FilterKind::Focus => "focus",
            FilterKind::Ignore => "ignore",
            FilterKind::Hide => "hide",
            FilterKind::Show => "show",
            FilterKind::ShowFrom => "show_from",
            FilterKind::TagFocus => "tagfocus",
            FilterKind::TagIgnore => "tagignore",
            FilterKind::TagRoot => "tagroot",
        }
    }
}

/// What shapes a call tree besides its value type, as the person wrote it (empty: not set):
/// the filters and the granularity. What a view and a link hold.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct FilterSpec {
    pub focus: String,
    pub ignore: String,
    pub hide: String,
    pub show: String,
    pub show_from: String,
    /// pprof's tagfocus: `[key=]regexp[,regexp...]` or `[key=]range`.
    pub tagfocus: String,
    pub tagignore: String,
    /// Comma-separated label keys.
    pub tagroot: String,
    pub granularity: Granularity,
    /// Whether the tree is compared with a base profile. Not in a link: the base is a file
    /// on the person's machine.
    pub diff: DiffMode,
}

impl FilterSpec {
    pub fn get(&self, kind: FilterKind) -> &str {
        match kind {
            FilterKind::Focus => &self.focus,
            FilterKind::Ignore => &self.ignore,
            FilterKind::Hide => &self.hide,
            FilterKind::Show => &self.show,
            FilterKind::ShowFrom => &self.show_from,
            FilterKind::TagFocus => &self.tagfocus,
            FilterKind::TagIgnore => &self.tagignore,
            FilterKind::TagRoot => &self.tagroot,
        }
    }

    pub fn set(&mut self, kind: FilterKind, pattern: String) {
        *match kind {
            FilterKind::Focus => &mut self.focus,
            FilterKind::Ignore => &mut self.ignore,
            FilterKind::Hide => &mut self.hide,
            FilterKind::Show => &mut self.show,
            FilterKind::ShowFrom => &mut self.show_from,
            FilterKind::TagFocus => &mut self.tagfocus,
            FilterKind::TagIgnore => &mut self.tagignore,
            FilterKind::TagRoot => &mut self.tagroot,
        } = pattern;
    }

    /// True when no filter of samples or frames is set: the tree holds every sample
    /// (whatever the tag roots and granularity).
    pub fn is_empty(&self) -> bool {
        FilterKind::ALL
            .iter()
            .all(|&k| k == FilterKind::TagRoot || self.get(k).is_empty())
    }

    /// The settings that are not the default, as pprof's option names and their values: what
    /// a link and a message to the engine carry.
    pub fn entries(&self) -> Vec<(&'static str, String)> {
        let mut entries: Vec<(&'static str, String)> = FilterKind::ALL
            .iter()
            .filter(|&&k| !self.get(k).is_empty())
            .map(|&k| (k.name(), self.get(k).to_string()))
            .collect();
        if self.granularity != Granularity::default() {
            entries.push(("granularity", self.granularity.name().to_string()));
        }
        entries
    }

    /// Sets the option pprof calls `key` (one of [`FilterSpec::entries`]' names); false when
    /// there is no such option or the value is not one of its values.
    pub fn set_entry(&mut self, key: &str, value: &str) -> bool {
        if key == "granularity" {
            return Granularity::from_name(value)
                .map(|g| self.granularity = g)
                .is_some();
        }
        match FilterKind::ALL.iter().find(|k| k.name() == key) {
            Some(&kind) => {
                self.set(kind, value.to_string());
                true
            }
            None => false,
        }
    }

    /// The compiled filters.
    pub fn compile(&self) -> Result<Filters, BadFilter> {
        Ok(Filters {
            focus: Filters::regex("focus", &self.focus)?,
            ignore: Filters::regex("ignore", &self.ignore)?,
            hide: Filters::regex("hide", &self.hide)?,
            show: Filters::regex("show", &self.show)?,
            show_from: Filters::regex("show_from", &self.show_from)?,
            tagfocus: tag_filter("tagfocus", &self.tagfocus)?,
            tagignore: tag_filter("tagignore", &self.tagignore)?,
            tagroot: self
                .tagroot
                .split(',')
                .filter(|k| !k.is_empty())
                .map(str::to_string)
                .collect(),
            granularity: self.granularity,
        })
    }
}

/// One tag filter's expression compiled (empty means none).
fn tag_filter(filter: &'static str, text: &str) -> Result<Option<TagFilter>, BadFilter> {
    if text.is_empty() {
        return Ok(None);
    }
    TagFilter::parse(text)
        .map(Some)
        .map_err(|detail| BadFilter { filter, detail })
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

/// A call tree and the label totals of the samples it holds: what a view shows of a profile.
#[derive(Debug, Clone)]
pub struct Report {
    pub tree: CallTree,
    pub labels: Vec<LabelTotal>,
}

/// The report of `profile` for value type `value_index` under `filters`, as [`call_tree`].
pub fn report(profile: &Profile, value_index: usize, filters: &Filters) -> Report {
    let total = crate::total::pprof_total(profile, value_index);
    let profile = filtered(profile, filters);
    Report {
        tree: CallTree::build_with(&profile, value_index, total, filters.granularity),
        labels: label_totals(&profile, value_index),
    }
}

/// [`report`] with the tree as the parts that move to the page ([`CallTree::parts_with`]):
/// what the engine's worker encodes.
pub fn report_parts(
    profile: &Profile,
    value_index: usize,
    filters: &Filters,
) -> (TreeParts, Vec<LabelTotal>) {
    let total = crate::total::pprof_total(profile, value_index);
    let profile = filtered(profile, filters);
    let tree = CallTree::parts_with(&profile, value_index, total, filters.granularity);
    (tree, label_totals(&profile, value_index))
}

/// The call tree of `profile` for value type `value_index` under `filters`, at their
/// granularity, with pprof's total of the whole profile (pprof computes it before filtering).
pub fn call_tree(profile: &Profile, value_index: usize, filters: &Filters) -> CallTree {
    let total = crate::total::pprof_total(profile, value_index);
    let profile = filtered(profile, filters);
    CallTree::build_with(&profile, value_index, total, filters.granularity)
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
    Profile {
        lines,
        locations,
        stacks: builder.finish(),
        samples,
        ..profile.clone_tables()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::folded;

    fn filtered(filters: Filters) -> Vec<String> {
        let profile = folded::parse("main;a;b 3\nmain;c;b 5\nmain;a;d 2\nother 4\n").unwrap();
        folded::write(&CallTree::build(&apply(&profile, &filters), 0))
    }

    fn re(pattern: &str) -> Option<Regex> {
        Some(Regex::new(pattern).unwrap())
    }

    #[test]
    fn report_parts_make_the_report_again() {
        let profile = folded::parse("main;a;b 3\nmain;c;b 5\nmain;a;d 2\nother 4\n").unwrap();
        let filters = Filters {
            hide: re("^c$"),
            ..Filters::default()
        };
        let report = report(&profile, 0, &filters);
        let (parts, labels) = report_parts(&profile, 0, &filters);
        let tree = CallTree::from_parts(parts).unwrap();
        assert_eq!(folded::write(&tree), folded::write(&report.tree));
        assert_eq!(tree.profile_total(), report.tree.profile_total());
        assert_eq!(labels, report.labels);
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
