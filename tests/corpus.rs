//! The engine against `go tool pprof`: every corpus profile that pprof decodes must decode,
//! and for every value type the total, the per-function flat/cum, the folded stacks and the
//! label totals must equal the references exactly, also once written back as profile.proto,
//! and the reshaped trees must keep pprof's numbers: the inverted root's children are the
//! functions with a flat, as wide as it, and with recursion collapsed no function is twice on a
//! stack while every function's cum stays.
//! Malformed files must give a `LoadError`.
//!
//! The corpus is read from `$SCORCH_CORPUS`, else `../shared/corpus` beside the repository.
//! Without it the test says so and passes, unless `SCORCH_REQUIRE_CORPUS=1` (set by `.ci/run`),
//! which makes a missing corpus a failure.

use std::io::Read;
use std::path::{Path, PathBuf};

use scorch::analysis::call_tree::{FunctionRow, Visit};
use scorch::analysis::labels::label_totals;
use scorch::analysis::shape::{self, Shape};
use scorch::input::load;
use scorch::input::pprof::{encode_gzipped, DecodeOptions};
use scorch::model::frames::Granularity;
use scorch::model::profile::Profile;
use scorch::{CallTree, LoadError};

fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("SCORCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    if dir.join("MANIFEST.tsv").is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var("SCORCH_REQUIRE_CORPUS").as_deref() != Ok("1"),
        "SCORCH_REQUIRE_CORPUS=1 but there is no corpus at {} (set SCORCH_CORPUS)",
        dir.display()
    );
    eprintln!(
        "SKIPPED: no corpus at {} (set SCORCH_CORPUS to run the corpus tests)",
        dir.display()
    );
    None
}

struct Entry {
    path: String,
    decodes_with_go: bool,
    notes: String,
}

fn manifest(dir: &Path) -> Vec<Entry> {
    let text = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (path, decodes, notes) = (
        column("path"),
        column("decodes_with_go_pprof"),
        column("notes"),
    );
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            Entry {
                path: cells[path].to_string(),
                decodes_with_go: cells[decodes] == "y",
                notes: cells[notes].to_string(),
            }
        })
        .collect()
}

/// A reference file's header values and body lines.
struct Reference {
    total: i64,
    body: Vec<String>,
}

fn reference(path: &Path) -> Option<Reference> {
    let file = std::fs::File::open(path).ok()?;
    let mut text = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut text)
        .unwrap();
    let mut total = None;
    let mut body = Vec::new();
    for line in text.lines() {
        if let Some(header) = line.strip_prefix("# ") {
            if let Some(v) = header.strip_prefix("total: ") {
                total = Some(v.parse().unwrap());
            }
        } else {
            body.push(line.to_string());
        }
    }
    Some(Reference {
        total: total.unwrap(),
        body,
    })
}

/// The first difference between two sorted line lists, for a readable failure.
fn first_difference(want: &[String], got: &[String]) -> Option<String> {
    if want == got {
        return None;
    }
    let only_want: Vec<&String> = want.iter().filter(|l| !got.contains(l)).take(3).collect();
    let only_got: Vec<&String> = got.iter().filter(|l| !want.contains(l)).take(3).collect();
    Some(format!(
        "{} lines expected, {} produced; expected only: {only_want:?}; produced only: {only_got:?}",
        want.len(),
        got.len()
    ))
}

/// The inverted tree's root children are `rows`' functions with a flat, as wide as it; with
/// recursion collapsed, no function is twice on a stack and every function keeps its cum
/// (each sample's set of functions is the same); both keep the total.
fn check_shapes(tree: &CallTree, rows: &[FunctionRow]) -> Result<(), String> {
    let frames = tree.frames();
    let with = |inverted, collapse_recursion| {
        let shape = Shape {
            inverted,
            collapse_recursion,
        };
        shape::reshaped(tree, shape, Granularity::Functions)
    };
    let inverted = with(true, false);
    let mut leaves: Vec<String> = inverted
        .children(CallTree::ROOT)
        .filter(|&c| inverted.total_value(c) != 0)
        .map(|c| format!("{}\t{}", inverted.total_value(c), inverted.name(c)))
        .collect();
    leaves.sort_by(|a, b| a.split('\t').nth(1).cmp(&b.split('\t').nth(1)));
    let flat: Vec<String> = rows
        .iter()
        .filter(|r| r.flat != 0)
        .map(|r| format!("{}\t{}", r.flat, frames.name(r.frame)))
        .collect();
    if let Some(d) = first_difference(&flat, &leaves) {
        return Err(format!(
            "the inverted root's children are not the flat table: {d}"
        ));
    }
    let collapsed = with(false, true);
    let cum = |rows: &[FunctionRow], tree: &CallTree| -> Vec<String> {
        let mut cum: Vec<String> = rows
            .iter()
            .filter(|r| r.cum != 0)
            .map(|r| format!("{}\t{}", r.cum, tree.frames().name(r.frame)))
            .collect();
        cum.sort();
        cum
    };
    let collapsed_cum = cum(&collapsed.function_table(), &collapsed);
    if let Some(d) = first_difference(&cum(rows, tree), &collapsed_cum) {
        return Err(format!("collapsing recursion changed a cum: {d}"));
    }
    let mut open = vec![0u32; frames.len()];
    let mut twice = None;
    collapsed.walk(|visit| match visit {
        Visit::Enter(node) => {
            let f = collapsed.frame(node).0 as usize;
            if node != CallTree::ROOT && open[f] > 0 {
                twice.get_or_insert(node);
            }
            open[f] += 1;
        }
        Visit::Leave(node) => open[collapsed.frame(node).0 as usize] -= 1,
    });
    if let Some(node) = twice {
        return Err(format!(
            "with recursion collapsed, {} is twice on a stack",
            collapsed.name(node)
        ));
    }
    let both = with(true, true);
    for (name, shaped) in [
        ("inverted", &inverted),
        ("collapsed", &collapsed),
        ("both", &both),
    ] {
        if shaped.total_value(CallTree::ROOT) != tree.total_value(CallTree::ROOT) {
            return Err(format!("the {name} tree has another total"));
        }
    }
    Ok(())
}

fn check_profile(dir: &Path, entry: &Entry) -> Result<usize, String> {
    let bytes = std::fs::read(dir.join(&entry.path)).map_err(|e| e.to_string())?;
    let profile = load::open(&bytes, &DecodeOptions::default()).map_err(|e| e.to_string())?;
    // Written back as profile.proto (`scorch proto`), it reads back the same.
    let saved = load::open(&encode_gzipped(&profile), &DecodeOptions::default())
        .map_err(|e| format!("the profile written back does not decode: {e}"))?;
    let header = |p: &Profile| {
        (
            p.value_types.clone(),
            p.default_value_index,
            p.period_type.clone(),
            (p.period, p.time_nanos, p.duration_nanos),
            (
                p.comments.clone(),
                p.drop_frames.clone(),
                p.keep_frames.clone(),
                p.doc_url.clone(),
            ),
        )
    };
    if header(&saved) != header(&profile) {
        return Err("the profile written back has another header".into());
    }
    let mut checked = 0;
    for (index, value_type) in profile.value_types.iter().enumerate() {
        // The reference README calls an empty type name `unnamed`; the files use `#`.
        let names: &[&str] = if value_type.name.is_empty() {
            &["unnamed", "#"]
        } else {
            &[&value_type.name]
        };
        let file = |kind: &str| {
            let candidates = names.iter().map(|name| {
                dir.join("reference")
                    .join(format!("{}.{index}-{name}.{kind}.gz", entry.path))
            });
            let paths: Vec<PathBuf> = candidates.collect();
            paths
                .iter()
                .find(|p| p.is_file())
                .unwrap_or(&paths[0])
                .clone()
        };
        let top = reference(&file("top"))
            .ok_or_else(|| format!("no reference {}", file("top").display()))?;
        let folded_ref = reference(&file("folded")).ok_or("no folded reference")?;
        let labels_ref = reference(&file("labels")).ok_or("no labels reference")?;

        let tree = CallTree::build(&profile, index);
        let frames = tree.frames();
        let mut rows = tree.function_table();
        rows.sort_by(|a, b| frames.name(a.frame).cmp(frames.name(b.frame)));
        let top_got: Vec<String> = rows
            .iter()
            .map(|r| format!("{}\t{}\t{}", r.flat, r.cum, frames.name(r.frame)))
            .collect();
        let where_ = format!("value type {index} ({value_type})");
        if tree.profile_total() != top.total {
            return Err(format!(
                "{where_}: total {} but pprof says {}",
                tree.profile_total(),
                top.total
            ));
        }
        if let Some(d) = first_difference(&top.body, &top_got) {
            return Err(format!("{where_}: top differs: {d}"));
        }
        check_shapes(&tree, &rows).map_err(|e| format!("{where_}: {e}"))?;
        if let Some(d) = first_difference(&folded_ref.body, &tree.folded_stacks()) {
            return Err(format!("{where_}: folded differs: {d}"));
        }
        let labels_got: Vec<String> = label_totals(&profile, index)
            .into_iter()
            .map(|l| format!("{}\t{}\t{}\t{}", l.kind, l.key, l.value, l.total))
            .collect();
        if let Some(d) = first_difference(&labels_ref.body, &labels_got) {
            return Err(format!("{where_}: labels differ: {d}"));
        }
        let saved_folded = CallTree::build(&saved, index).folded_stacks();
        if let Some(d) = first_difference(&folded_ref.body, &saved_folded) {
            return Err(format!(
                "{where_}: folded of the profile written back differs: {d}"
            ));
        }
        let saved_labels: Vec<String> = label_totals(&saved, index)
            .into_iter()
            .map(|l| format!("{}\t{}\t{}\t{}", l.kind, l.key, l.value, l.total))
            .collect();
        if let Some(d) = first_difference(&labels_ref.body, &saved_labels) {
            return Err(format!(
                "{where_}: labels of the profile written back differ: {d}"
            ));
        }
        // The command-line tool prints the same lines.
        let cli = |args: &[&str]| -> Result<Vec<String>, String> {
            let output = std::process::Command::new(env!("CARGO_BIN_EXE_scorch"))
                .args(args)
                .arg("--value-type")
                .arg(index.to_string())
                .arg(dir.join(&entry.path))
                .output()
                .map_err(|e| e.to_string())?;
            if !output.status.success() {
                return Err(String::from_utf8_lossy(&output.stderr).into_owned());
            }
            Ok(String::from_utf8_lossy(&output.stdout)
                .lines()
                .map(str::to_string)
                .collect())
        };
        if let Some(d) = first_difference(&top.body, &cli(&["top", "--format", "tsv"])?) {
            return Err(format!("{where_}: `scorch top --format tsv` differs: {d}"));
        }
        if let Some(d) = first_difference(&folded_ref.body, &cli(&["folded"])?) {
            return Err(format!("{where_}: `scorch folded` differs: {d}"));
        }
        checked += 1;
    }
    Ok(checked)
}

#[test]
fn corpus_matches_go_tool_pprof() {
    let Some(dir) = corpus_dir() else { return };
    let entries = manifest(&dir);
    assert!(
        entries.len() >= 100,
        "the manifest lists {} profiles",
        entries.len()
    );
    let mut failures = Vec::new();
    let (mut matched, mut value_types, mut legacy, mut refused) = (0, 0, 0, 0);
    for entry in &entries {
        let is_legacy = entry.notes.contains("legacy (non-protobuf) format");
        let bytes = std::fs::read(dir.join(&entry.path)).unwrap();
        let result = std::panic::catch_unwind(|| load::open(&bytes, &DecodeOptions::default()));
        let Ok(result) = result else {
            failures.push(format!("{}: PANIC while decoding", entry.path));
            continue;
        };
        if is_legacy {
            match result {
                Err(LoadError::LegacyFormat { .. }) => legacy += 1,
                other => failures.push(format!(
                    "{}: a legacy format should be refused by name, got {:?}",
                    entry.path,
                    other.map(|_| "a profile")
                )),
            }
        } else if !entry.decodes_with_go {
            match result {
                Err(_) => refused += 1,
                Ok(_) => failures.push(format!(
                    "{}: go tool pprof refuses this file but it decoded",
                    entry.path
                )),
            }
        } else if entry.path.contains("malformed/") {
            // pprof decodes these damaged files; there is no reference, only no panic.
            if let Err(e) = result {
                failures.push(format!("{}: pprof decodes it but: {e}", entry.path));
            }
        } else {
            match check_profile(&dir, entry) {
                Ok(n) => {
                    matched += 1;
                    value_types += n;
                }
                Err(e) => failures.push(format!("{}: {e}", entry.path)),
            }
        }
    }
    eprintln!(
        "corpus: {matched} profiles ({value_types} value types) equal to go tool pprof; \
         {legacy} legacy files refused by name; {refused} malformed files refused"
    );
    assert!(
        failures.is_empty(),
        "{} of {} corpus profiles failed:\n{}",
        failures.len(),
        entries.len(),
        failures.join("\n")
    );
    assert!(matched >= 90, "only {matched} profiles were compared");
}
