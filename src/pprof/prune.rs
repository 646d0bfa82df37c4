//! pprof's load-time pruning (`Profile.RemoveUninteresting`): frames matching the profile's
//! `drop_frames` (and not `keep_frames`) are removed with everything beneath them, as
//! `go tool pprof` does before it reports anything.

use regex::Regex;

use crate::error::LoadError;
use crate::profile::{LocationId, Profile};

fn anchored(field: &'static str, pattern: &str) -> Result<Regex, LoadError> {
    Regex::new(&format!("^({pattern})$")).map_err(|e| LoadError::FramesRegex {
        field,
        detail: e.to_string(),
    })
}

/// pprof's `simplifyFunc`: drops a leading `.` and the argument list from the first `(` that
/// does not start `(anonymous namespace)` or belong to `operator()`.
fn simplify_function_name(name: &str) -> &str {
    const RESERVED: [&str; 2] = ["(anonymous namespace)", "operator()"];
    let name = name.strip_prefix('.').unwrap_or(name);
    let mut at = 0;
    while at < name.len() {
        let rest = &name[at..];
        if let Some(reserved) = RESERVED.iter().find(|r| rest.starts_with(*r)) {
            at += reserved.len();
        } else if rest.starts_with('(') {
            return &name[..at];
        } else {
            at += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    name
}

/// Applies `drop_frames` / `keep_frames`, as pprof's `Profile.Prune`.
pub fn drop_frames(profile: &mut Profile) -> Result<(), LoadError> {
    if profile.drop_frames.is_empty() {
        return Ok(());
    }
    let drop = anchored("drop_frames", &profile.drop_frames)?;
    let keep = match profile.keep_frames.as_str() {
        "" => None,
        pattern => Some(anchored("keep_frames", pattern)?),
    };
    // Per location: prune it whole (the outermost line matches) or below a matching line.
    let mut prune = vec![false; profile.locations.len()];
    let mut beneath = vec![false; profile.locations.len()];
    let mut trimmed = Vec::new();
    for (index, location) in profile.locations.iter().enumerate() {
        let lines = profile.location_lines(location);
        let matching = lines.iter().rposition(|line| {
            line.function.is_some_and(|f| {
                let name = profile.str(profile.functions[f.0 as usize].name);
                let simple = simplify_function_name(name);
                !name.is_empty()
                    && drop.is_match(simple)
                    && !keep.as_ref().is_some_and(|k| k.is_match(simple))
            })
        });
        if let Some(i) = matching {
            beneath[index] = true;
            if i == lines.len() - 1 {
                prune[index] = true;
            } else {
                // Keep only the callers of the matching line.
                trimmed.push((index, location.lines.start + i as u32 + 1));
            }
        }
    }
    for (index, start) in trimmed {
        profile.locations[index].lines.start = start;
    }
    // Per sample: from the root, after the first frame that is not pruned, cut at the first
    // pruned location (dropping it) or location with pruned lines (keeping it).
    let samples = &mut profile.samples;
    let mut stack: Vec<LocationId> = Vec::with_capacity(samples.stack.len());
    let mut starts = Vec::with_capacity(samples.stack_starts.len());
    starts.push(0u32);
    for i in 0..samples.len() {
        let mut kept = samples.stack(i);
        let mut found_user = false;
        for (at, location) in kept.iter().enumerate().rev() {
            let l = location.0 as usize;
            if !prune[l] && !beneath[l] {
                found_user = true;
                continue;
            }
            if !found_user {
                continue;
            }
            kept = if prune[l] {
                &kept[at + 1..]
            } else {
                &kept[at..]
            };
            break;
        }
        stack.extend_from_slice(kept);
        starts.push(stack.len() as u32);
    }
    samples.stack = stack;
    samples.stack_starts = starts;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::simplify_function_name;

    #[test]
    fn simplify_keeps_reserved_parentheses() {
        assert_eq!(simplify_function_name("foo(int)"), "foo");
        assert_eq!(simplify_function_name(".foo"), "foo");
        assert_eq!(
            simplify_function_name("(anonymous namespace)::f(int)"),
            "(anonymous namespace)::f"
        );
        assert_eq!(
            simplify_function_name("Cls::operator()(int)"),
            "Cls::operator()"
        );
        assert_eq!(simplify_function_name("main.f"), "main.f");
    }
}
