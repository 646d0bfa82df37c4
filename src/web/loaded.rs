//! An opened profile and the derivations drawn from it (call tree and layout per value type),
//! each computed once and kept.

use std::cell::RefCell;
use std::rc::Rc;

use crate::call_tree::CallTree;
use crate::flame_layout::FlameLayout;
use crate::profile::Profile;

/// A call tree with its layout.
pub struct Graph {
    pub tree: CallTree,
    pub layout: FlameLayout,
}

/// An opened profile.
pub struct Loaded {
    /// The file name the person gave (or "example").
    pub name: String,
    pub profile: Profile,
    graphs: RefCell<Vec<Option<Rc<Graph>>>>,
}

impl Loaded {
    pub fn new(name: String, profile: Profile) -> Loaded {
        let graphs = RefCell::new(vec![None; profile.value_types.len()]);
        Loaded {
            name,
            profile,
            graphs,
        }
    }

    /// The graph for value type `index`, built on first use.
    pub fn graph(&self, index: usize) -> Rc<Graph> {
        if let Some(graph) = &self.graphs.borrow()[index] {
            return graph.clone();
        }
        let tree = CallTree::build(&self.profile, index);
        let layout = FlameLayout::new(&tree);
        let graph = Rc::new(Graph { tree, layout });
        self.graphs.borrow_mut()[index] = Some(graph.clone());
        graph
    }
}

/// An `Rc<Loaded>` compared by identity, for hook dependencies.
#[derive(Clone)]
pub struct Shared(pub Rc<Loaded>);

impl PartialEq for Shared {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}
