//! An opened profile and the derivations drawn from it (call tree and layout per value type),
//! each computed once and kept.

use std::cell::RefCell;
use std::rc::Rc;

use crate::call_tree::CallTree;
use crate::color::{frame_color, Theme};
use crate::flame_layout::FlameLayout;
use crate::profile::Profile;

/// The fill colour of every frame for one theme, as indices into distinct CSS colours, so the
/// painter formats no colour per rect and can group rects of one colour.
pub struct Palette {
    pub theme: Theme,
    /// Per frame id: index into `colors`.
    pub frame_color: Vec<u32>,
    pub colors: Vec<String>,
}

/// A call tree with its layout.
pub struct Graph {
    pub tree: CallTree,
    pub layout: FlameLayout,
    palette: RefCell<Option<Rc<Palette>>>,
}

impl Graph {
    /// The palette for `theme`, computed once per theme change.
    pub fn palette(&self, theme: Theme) -> Rc<Palette> {
        if let Some(p) = self.palette.borrow().as_ref().filter(|p| p.theme == theme) {
            return p.clone();
        }
        let frames = self.tree.frames();
        let mut index: std::collections::HashMap<String, u32> = Default::default();
        let mut colors = Vec::new();
        let frame_color = (0..frames.len() as u32)
            .map(|f| {
                let color = frame_color(frames.name(crate::frames::FrameId(f)), theme);
                *index.entry(color.clone()).or_insert_with(|| {
                    colors.push(color);
                    colors.len() as u32 - 1
                })
            })
            .collect();
        let palette = Rc::new(Palette {
            theme,
            frame_color,
            colors,
        });
        *self.palette.borrow_mut() = Some(palette.clone());
        palette
    }
}

/// Files up to this size are kept in memory after opening, so "Copy link" can embed them.
pub const KEEP_FILE_BYTES: usize = 8 << 20;

/// Where an opened profile came from, which decides what a shared link carries.
pub enum Source {
    /// The bundled example.
    Example { bytes: Rc<[u8]> },
    /// A file the person opened: its hash, and its bytes when small enough to embed.
    File {
        hash: String,
        bytes: Option<Rc<[u8]>>,
    },
    /// A profile carried inside the link that opened the page.
    Embedded { text: String },
    /// A profile fetched from an address (`#url=`).
    Url { url: String },
}

/// An opened profile.
pub struct Loaded {
    /// The file name the person gave (or "example").
    pub name: String,
    pub profile: Profile,
    pub source: Source,
    graphs: RefCell<Vec<Option<Rc<Graph>>>>,
}

impl Loaded {
    pub fn new(name: String, profile: Profile, source: Source) -> Loaded {
        let graphs = RefCell::new(vec![None; profile.value_types.len()]);
        Loaded {
            name,
            profile,
            source,
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
        let graph = Rc::new(Graph {
            tree,
            layout,
            palette: RefCell::new(None),
        });
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
