//! Search: which frames match a query (a case-insensitive regular expression, or a plain
//! substring when the expression is invalid) and the share of the profile they account for,
//! each sample counted once. Depends on the call tree only.

use regex::RegexBuilder;

use crate::analysis::call_tree::{CallTree, NodeId, Visit};

/// How the query was understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryKind {
    Regex,
    /// The query is not a valid regular expression (`reason`), so it was matched as text.
    Substring {
        reason: String,
    },
}

/// The result of a search over one call tree.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResult {
    pub kind: QueryKind,
    /// Per frame id: does its name match?
    pub frame_matches: Vec<bool>,
    /// Value of the samples with at least one matching frame (each sample once).
    pub matched_total: i64,
    /// Matching nodes that have no matching ancestor, in pre-order (for stepping through).
    pub top_matches: Vec<NodeId>,
}

impl SearchResult {
    /// Does `node`'s frame match?
    pub fn matches(&self, tree: &CallTree, node: NodeId) -> bool {
        self.frame_matches[tree.frame(node).0 as usize]
    }
}

/// Compiled regular expressions are bounded so a hostile query cannot exhaust memory.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// A test of a name against a query.
pub type NameMatcher = Box<dyn Fn(&str) -> bool>;

/// How `query` is understood, and a test of a name against it.
pub fn name_matcher(query: &str) -> (QueryKind, NameMatcher) {
    let regex = RegexBuilder::new(query)
        .case_insensitive(true)
        .size_limit(REGEX_SIZE_LIMIT)
        .build();
    match regex {
        Ok(regex) => (QueryKind::Regex, Box::new(move |name| regex.is_match(name))),
        Err(e) => {
            let needle = query.to_lowercase();
            let reason = match e {
                regex::Error::Syntax(s) => s.lines().last().unwrap_or("invalid").trim().to_string(),
                other => other.to_string(),
            };
            (
                QueryKind::Substring { reason },
                Box::new(move |name| name.to_lowercase().contains(&needle)),
            )
        }
    }
}

/// Searches `tree`'s frame names for `query`; `None` for an empty query.
pub fn search(tree: &CallTree, query: &str) -> Option<SearchResult> {
    if query.is_empty() {
        return None;
    }
    let frames = tree.frames();
    let (kind, matches) = name_matcher(query);
    let frame_matches: Vec<bool> = (0..frames.len())
        .map(|f| f != 0 && matches(frames.name(crate::model::frames::FrameId(f as u32))))
        .collect();
    let mut matched_total = 0;
    let mut top_matches = Vec::new();
    let mut open_matches = 0u32;
    tree.walk(|visit| match visit {
        Visit::Enter(node) => {
            if frame_matches[tree.frame(node).0 as usize] {
                if open_matches == 0 {
                    matched_total += tree.total_value(node);
                    top_matches.push(node);
                }
                open_matches += 1;
            }
        }
        Visit::Leave(node) => {
            if frame_matches[tree.frame(node).0 as usize] {
                open_matches -= 1;
            }
        }
    });
    Some(SearchResult {
        kind,
        frame_matches,
        matched_total,
        top_matches,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::load;
    use crate::input::pprof::DecodeOptions;

    fn tree(folded: &str) -> CallTree {
        let profile = load::open(folded.as_bytes(), &DecodeOptions::default()).unwrap();
        CallTree::build(&profile, 0)
    }

    #[test]
    fn each_sample_counts_once() {
        let t = tree("main;alloc;gc;alloc 4\nmain;alloc 1\nmain;work 5\n");
        let r = search(&t, "ALLOC").unwrap();
        assert_eq!(r.kind, QueryKind::Regex);
        assert_eq!(r.matched_total, 5);
        assert_eq!(r.top_matches.len(), 1);
        assert_eq!(search(&t, "alloc|work").unwrap().matched_total, 10);
        assert!(search(&t, "").is_none());
        assert_eq!(
            search(&t, "^root$").unwrap().matched_total,
            0,
            "the root is not a frame"
        );
    }

    #[test]
    fn an_invalid_expression_falls_back_to_text() {
        let t = tree("main;(*T).run 3\nmain 1\n");
        let r = search(&t, "(*t").unwrap();
        assert!(
            matches!(r.kind, QueryKind::Substring { .. }),
            "{:?}",
            r.kind
        );
        assert_eq!(r.matched_total, 3);
    }
}
