//! Annotated source, pprof's `-list`: the flat and cum of each source line of the functions a
//! name test accepts (at lines granularity, as pprof forces for it), the calls inlined at each
//! line, a comparison's per-line deltas, and where a recorded source path is looked for.
//! Depends on the filters, the call tree and the comparison's normalization.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::analysis::call_tree::{CallTree, NodeId};
use crate::analysis::diff;
use crate::analysis::filter::{filtered, Filters};
use crate::analysis::options::DiffMode;
use crate::analysis::total::pprof_total;
use crate::model::frames::{clean, FrameId, Granularity};
use crate::model::profile::{Line, LocationId, Profile, StackId};

/// One source line of a routine with a value: its flat and cum, and the functions inlined into
/// the routine at this line (calls the compiler replaced by the callee's code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLine {
    /// The line number (0 when the profile does not record it).
    pub line: i64,
    pub flat: i64,
    pub cum: i64,
    /// Names of the callees inlined at this line, sorted.
    pub inlined: Vec<String>,
}

/// One function in one source file (pprof's `ROUTINE`): its flat and cum (pprof's sums over
/// its lines, so cum counts a sample once per line it passes through) and its lines in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routine {
    pub name: String,
    /// The source file as pprof prints it (cleaned); empty when the profile records none
    /// (pprof's "No source information").
    pub file: String,
    pub flat: i64,
    pub cum: i64,
    /// Some of its code was inlined into its callers.
    pub inlined: bool,
    pub lines: Vec<SourceLine>,
}

/// pprof's `-list` of a profile: the report total and the routines, by name then file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    pub total: i64,
    pub routines: Vec<Routine>,
}

/// What one line of a function accumulates while a listing is built.
#[derive(Default)]
struct LineEntry {
    flat: i64,
    cum: i64,
    inlined: Vec<String>,
}

type Lines = BTreeMap<(String, String), (bool, BTreeMap<i64, LineEntry>)>;

/// The listing of `profile` for value type `value_index` under `filters` (whose granularity is
/// ignored: a listing is by line) of the functions whose name `matches` accepts.
pub fn listing(
    profile: &Profile,
    value_index: usize,
    filters: &Filters,
    matches: impl Fn(&str) -> bool,
) -> Listing {
    let shown = filtered(profile, filters);
    listed(profile, &shown, None, value_index, filters, &matches)
}

/// The listing of a comparison: `profile`'s values (scaled to the base's total first in
/// [`DiffMode::Normalized`]) minus `base`'s, line by line, as pprof's `-list -diff_base`; the
/// total is the base's, or the new profile's when that is zero.
pub fn diff_listing(
    profile: &Profile,
    base: &Profile,
    mode: DiffMode,
    value_index: usize,
    filters: &Filters,
    matches: impl Fn(&str) -> bool,
) -> Listing {
    let viewed = diff::new_side(profile, base, mode);
    let shown = filtered(&viewed, filters);
    listed(&viewed, &shown, Some(base), value_index, filters, &matches)
}

/// The listing of `shown` (`viewed`, the new profile, as the filters leave it), minus `base`'s
/// under the same filters when there is one; the total is pprof's of `viewed`, or of a
/// comparison (the base's, or the new profile's when that is zero).
fn listed(
    viewed: &Profile,
    shown: &Profile,
    base: Option<&Profile>,
    value_index: usize,
    filters: &Filters,
    matches: &dyn Fn(&str) -> bool,
) -> Listing {
    let mut lines = collect(shown, value_index, matches);
    let Some(base) = base else {
        return Listing {
            total: pprof_total(viewed, value_index),
            routines: routines(lines),
        };
    };
    for (key, (inlined, base_lines)) in collect(&filtered(base, filters), value_index, matches) {
        let (is_inlined, new_lines) = lines.entry(key).or_default();
        *is_inlined |= inlined;
        for (line, entry) in base_lines {
            let new = new_lines.entry(line).or_default();
            new.flat -= entry.flat;
            new.cum -= entry.cum;
            for name in entry.inlined {
                if !new.inlined.contains(&name) {
                    new.inlined.push(name);
                }
            }
        }
    }
    Listing {
        total: match pprof_total(base, value_index) {
            0 => pprof_total(viewed, value_index),
            base_total => base_total,
        },
        routines: routines(lines),
    }
}

/// The function, file (cleaned, as pprof prints it) and line number of a location's line;
/// empty for a location without lines or a line without a function.
fn line_identity<'a>(profile: &'a Profile, line: Option<&Line>) -> (&'a str, Cow<'a, str>, i64) {
    let function = line
        .and_then(|l| l.function)
        .map(|f| &profile.functions[f.0 as usize]);
    match (line, function) {
        (Some(line), Some(function)) => (
            profile.str(function.name),
            match profile.str(function.file) {
                "" => Cow::Borrowed(""),
                file => clean(file),
            },
            line.line,
        ),
        _ => ("", Cow::Borrowed(""), 0),
    }
}

/// The lines of the matching functions of `profile` (filtered already): pprof's nodes at
/// lines granularity, one per function, file and line, with their flat and cum.
fn collect(profile: &Profile, value_index: usize, matches: &dyn Fn(&str) -> bool) -> Lines {
    let tree = CallTree::build_with(profile, value_index, 0, Granularity::Lines);
    let frames = tree.frames();
    // Each frame's function, file and line.
    let mut identity: Vec<Option<(String, String, i64)>> = vec![None; frames.len()];
    for (i, location) in profile.locations.iter().enumerate() {
        let (ids, _) = frames.of_location(LocationId(i as u32));
        let lines = profile.location_lines(location);
        for (k, id) in ids.iter().enumerate() {
            let f = id.0 as usize;
            if identity[f].is_none() {
                let (name, file, line) = line_identity(profile, lines.get(k));
                identity[f] = Some((name.to_string(), file.into_owned(), line));
            }
        }
    }
    // What is inlined where, as the tree's nodes say: an inlined node's parent is the line of
    // the caller its code was inlined into.
    let mut inlined_here: Vec<Vec<FrameId>> = vec![Vec::new(); frames.len()];
    let mut is_inlined = vec![false; frames.len()];
    for n in 1..tree.len() as u32 {
        let node = NodeId(n);
        if tree.is_inlined(node) {
            let callee = tree.frame(node);
            is_inlined[callee.0 as usize] = true;
            let here = &mut inlined_here[tree.frame(tree.parent(node)).0 as usize];
            if !here.contains(&callee) {
                here.push(callee);
            }
        }
    }
    let mut lines = Lines::new();
    for row in tree.function_table() {
        let f = row.frame.0 as usize;
        let Some((name, file, line)) = identity[f].clone() else {
            continue;
        };
        if !matches(&name) {
            continue;
        }
        let (inlined, by_line) = lines.entry((name, file)).or_default();
        *inlined |= is_inlined[f];
        let entry = by_line.entry(line).or_default();
        entry.flat += row.flat;
        entry.cum += row.cum;
        entry.inlined.extend(
            inlined_here[f]
                .iter()
                .filter_map(|c| identity[c.0 as usize].as_ref().map(|i| i.0.clone())),
        );
    }
    lines
}

/// Routines of the collected lines, in pprof's order (name, then file), without the lines that
/// have no value (pprof drops such nodes) and the routines left with none.
fn routines(lines: Lines) -> Vec<Routine> {
    lines
        .into_iter()
        .filter_map(|((name, file), (inlined, by_line))| {
            let lines: Vec<SourceLine> = by_line
                .into_iter()
                .filter(|(_, e)| e.flat != 0 || e.cum != 0)
                .map(|(line, mut e)| {
                    e.inlined.sort();
                    e.inlined.dedup();
                    SourceLine {
                        line,
                        flat: e.flat,
                        cum: e.cum,
                        inlined: e.inlined,
                    }
                })
                .collect();
            (!lines.is_empty()).then(|| Routine {
                flat: lines.iter().map(|l| l.flat).sum(),
                cum: lines.iter().map(|l| l.cum).sum(),
                name,
                file,
                inlined,
                lines,
            })
        })
        .collect()
}

/// What the Source panel shows of one function: its listing under a view and, per routine and
/// line, the nodes of the view's call tree that samples passed through at that line (what the
/// line produced in the flame graph), in node order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionSource {
    pub listing: Listing,
    pub nodes: Vec<Vec<Vec<NodeId>>>,
}

/// The source of function `function` (an exact name) in the view of `profile` for value type
/// `value_index` under `filters` (whose granularity is the tree's), compared with `base` when
/// one is given: the listing as [`listing`] or [`diff_listing`], and the nodes of the tree
/// that [`report::call_tree`](crate::analysis::report::call_tree) builds for the view (of the
/// new profile, for a comparison) that each line produced.
pub fn function_source(
    profile: &Profile,
    base: Option<(&Profile, DiffMode)>,
    value_index: usize,
    filters: &Filters,
    function: &str,
) -> FunctionSource {
    let matches = |name: &str| name == function;
    let viewed = match base {
        Some((base, mode)) => diff::new_side(profile, base, mode),
        None => Cow::Borrowed(profile),
    };
    let shown = filtered(&viewed, filters);
    let base = base.map(|(base, _)| base);
    let listing = listed(&viewed, &shown, base, value_index, filters, &matches);
    let tree = CallTree::build_with(&shown, value_index, 0, filters.granularity);
    let nodes = line_nodes(&shown, &tree, &listing.routines);
    FunctionSource { listing, nodes }
}

/// For each of `routines` and each of its lines, the nodes of `tree` (built from `profile`)
/// whose frame comes from that line of that function at some stack: found by walking down
/// the tree along each stack that passes through one of those lines.
pub fn line_nodes(
    profile: &Profile,
    tree: &CallTree,
    routines: &[Routine],
) -> Vec<Vec<Vec<NodeId>>> {
    let mut nodes: Vec<Vec<Vec<NodeId>>> = routines
        .iter()
        .map(|r| vec![Vec::new(); r.lines.len()])
        .collect();
    let mut wanted: std::collections::HashMap<(&str, &str, i64), (usize, usize)> =
        Default::default();
    for (r, routine) in routines.iter().enumerate() {
        for (l, line) in routine.lines.iter().enumerate() {
            wanted.insert((&routine.name, &routine.file, line.line), (r, l));
        }
    }
    // Per location, its frames' lines among the wanted ones (frames leaf first).
    let frames = tree.frames();
    let located: Vec<Vec<Option<(usize, usize)>>> = profile
        .locations
        .iter()
        .map(|location| {
            let lines = profile.location_lines(location);
            (0..lines.len().max(1))
                .map(|k| {
                    let (name, file, line) = line_identity(profile, lines.get(k));
                    wanted.get(&(name, &file, line)).copied()
                })
                .collect()
        })
        .collect();
    // The stacks through a wanted line and their callers: the only ones walked.
    let stacks = &profile.stacks;
    let mut needed = vec![false; stacks.len()];
    for s in (1..stacks.len()).rev() {
        let location = stacks.location(StackId(s as u32)).0 as usize;
        if needed[s] || located[location].iter().any(Option::is_some) {
            needed[s] = true;
            needed[stacks.parent(StackId(s as u32)).0 as usize] = true;
        }
    }
    let child =
        |node: NodeId, frame: FrameId| tree.children(node).find(|&c| tree.frame(c) == frame);
    // The node each stack's innermost frame is, if the tree has it (a stack whose samples all
    // have no value is not in the tree).
    let mut node_of: Vec<Option<NodeId>> = vec![None; stacks.len()];
    node_of[0] = Some(CallTree::ROOT);
    for s in 1..stacks.len() {
        if !needed[s] {
            continue;
        }
        let stack = StackId(s as u32);
        let Some(mut node) = node_of[stacks.parent(stack).0 as usize] else {
            continue;
        };
        let location = stacks.location(stack);
        let (ids, _) = frames.of_location(location);
        let mut found = true;
        for k in (0..ids.len()).rev() {
            match child(node, ids[k]) {
                Some(c) => node = c,
                None => {
                    found = false;
                    break;
                }
            }
            if let Some((r, l)) = located[location.0 as usize][k] {
                nodes[r][l].push(node);
            }
        }
        node_of[s] = found.then_some(node);
    }
    for lines in &mut nodes {
        for line in lines {
            line.sort_unstable();
            line.dedup();
        }
    }
    nodes
}

/// The function a frame of `granularity` stands for, to list its source: the frame's name
/// without the address and file pprof prints with it; none for a frame of a whole file.
pub fn function_of_frame(name: &str, file: &str, granularity: Granularity) -> Option<String> {
    let name = match granularity {
        Granularity::Functions => return Some(name.to_string()),
        Granularity::Files => return None,
        Granularity::Addresses => match name.split_once(' ') {
            Some((address, rest)) if address.len() == 16 => rest,
            _ => name,
        },
        Granularity::FileFunctions | Granularity::Lines => name,
    };
    let file = clean(file);
    match name.rfind(&format!(" {file}")) {
        Some(end) if !file.is_empty() => Some(name[..end].to_string()),
        _ => Some(name.to_string()),
    }
}

/// Prefixes pprof always trims from recorded paths (Bazel's sandboxes).
const ALWAYS_TRIMMED: [&str; 2] = ["/proc/self/cwd/./", "/proc/self/cwd/"];

/// Where the source of `recorded` is looked for, in order: the recorded path itself; with a
/// prefix of `trim_paths` (or one pprof always trims; the first that matches) removed, as given and under each of
/// `dirs`; then every suffix of the path that starts at a directory, longest first, under each
/// of `dirs` (so a checkout or the Go toolchain's `src/` is found wherever it was built).
/// Backslashes count as separators; an empty dir means the suffix alone (a chosen folder's own
/// relative paths).
pub fn source_candidates(recorded: &str, trim_paths: &[String], dirs: &[String]) -> Vec<String> {
    let path = recorded.replace('\\', "/");
    let join = |dir: &str, rest: &str| {
        if dir.is_empty() {
            rest.to_string()
        } else {
            format!("{}/{rest}", dir.trim_end_matches('/'))
        }
    };
    let mut out = vec![recorded.to_string()];
    let trims = trim_paths
        .iter()
        .map(String::as_str)
        .chain(ALWAYS_TRIMMED)
        .filter(|t| !t.is_empty());
    for trim in trims {
        let trim = format!("{}/", trim.replace('\\', "/").trim_end_matches('/'));
        if let Some(rest) = path.strip_prefix(&trim) {
            out.push(rest.to_string());
            out.extend(dirs.iter().map(|d| join(d, rest)));
            // As pprof, only the first prefix that matches is removed.
            break;
        }
    }
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    for start in 0..parts.len() {
        let rest = parts[start..].join("/");
        out.extend(dirs.iter().map(|d| join(d, &rest)));
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|c| seen.insert(c.clone()));
    out
}

/// The first and last line to show of a routine's source: pprof's five lines of margin around
/// the lines with a value, within the file's `line_count` lines.
pub fn window(routine: &Routine, line_count: usize) -> Option<(usize, usize)> {
    const MARGIN: i64 = 5;
    let first = routine
        .lines
        .iter()
        .map(|l| l.line)
        .filter(|&l| l > 0)
        .min()?;
    let last = routine.lines.iter().map(|l| l.line).max()?;
    let start = (first - MARGIN).max(1) as usize;
    let end = ((last + MARGIN) as usize).min(line_count);
    (start <= end).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::folded;

    #[test]
    fn candidates_try_the_path_then_trimmed_then_suffixes_longest_first() {
        let dirs = vec!["/src".to_string()];
        let got = source_candidates("/build/app/pkg/x.go", &["/build".to_string()], &dirs);
        assert_eq!(
            got,
            [
                "/build/app/pkg/x.go",
                "app/pkg/x.go",
                "/src/app/pkg/x.go",
                "/src/build/app/pkg/x.go",
                "/src/pkg/x.go",
                "/src/x.go",
            ]
        );
        let folder = source_candidates(r"C:\work\app\x.go", &[], &[String::new()]);
        assert_eq!(
            folder[1..],
            ["C:/work/app/x.go", "work/app/x.go", "app/x.go", "x.go"]
        );
        let bazel = source_candidates("/proc/self/cwd/./a/b.go", &[], &[]);
        assert_eq!(bazel, ["/proc/self/cwd/./a/b.go", "a/b.go"]);
    }

    #[test]
    fn the_function_of_a_frame_drops_its_address_and_file() {
        use Granularity::*;
        assert_eq!(
            function_of_frame("main.f", "/a/m.go", Functions).unwrap(),
            "main.f"
        );
        assert_eq!(
            function_of_frame("main.f /a/m.go", "/a/m.go", FileFunctions).unwrap(),
            "main.f"
        );
        assert_eq!(
            function_of_frame("main.f /a/m.go:12", "/a//m.go", Lines).unwrap(),
            "main.f"
        );
        let at = "00000000004a1b2c main.f /a/m.go:12";
        assert_eq!(
            function_of_frame(at, "/a/m.go", Addresses).unwrap(),
            "main.f"
        );
        assert_eq!(function_of_frame("/a/m.go", "/a/m.go", Files), None);
    }

    #[test]
    fn each_line_leads_to_the_nodes_it_produced() {
        // b is called from a at two places, which folded stacks cannot tell apart: one line.
        let profile = folded::parse("main;a;b 3\nmain;c;b 5\nmain;a 2\n").unwrap();
        let source = function_source(&profile, None, 0, &Filters::default(), "b");
        assert_eq!(source.listing.routines.len(), 1);
        let tree = CallTree::build(&profile, 0);
        let names: Vec<String> = source.nodes[0][0]
            .iter()
            .map(|&n| tree.names_path(n).join(";"))
            .collect();
        assert_eq!(names, ["main;a;b", "main;c;b"]);
    }

    #[test]
    fn a_folded_profile_has_no_source_lines_but_its_routines_are_listed() {
        let profile = folded::parse("main;a;b 3\nmain;a 2\n").unwrap();
        let got = listing(&profile, 0, &Filters::default(), |n| n == "a");
        assert_eq!(got.total, 5);
        assert_eq!(got.routines.len(), 1);
        let a = &got.routines[0];
        assert_eq!(
            (a.name.as_str(), a.file.as_str(), a.flat, a.cum),
            ("a", "", 2, 5)
        );
        assert_eq!(window(a, 100), None);
    }
}
