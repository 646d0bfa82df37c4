//! Every option that shapes a call tree besides its value type, as data: pprof's name
//! filters, label options and granularity as the person wrote them ([`FilterSpec`], what a
//! view and a link hold), compiled into [`Filters`] in one place; and whether the view is
//! compared with a base ([`DiffMode`]). Depends on the filters and tag options it compiles to.

use crate::analysis::filter::{BadFilter, Filters};
use crate::analysis::tags::TagFilter;
use crate::model::frames::Granularity;

/// Whether a view compares its profile with a base profile, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DiffMode {
    /// No comparison.
    #[default]
    Off,
    /// New minus base (pprof's `-diff_base`).
    Base,
    /// New, scaled to the base's total, minus base (with pprof's `-normalize`).
    Normalized,
}

impl DiffMode {
    /// How a message names it (`off`, `base`, `normalized`).
    pub fn name(self) -> &'static str {
        match self {
            DiffMode::Off => "off",
            DiffMode::Base => "base",
            DiffMode::Normalized => "normalized",
        }
    }

    pub fn from_name(name: &str) -> DiffMode {
        match name {
            "base" => DiffMode::Base,
            "normalized" => DiffMode::Normalized,
            _ => DiffMode::Off,
        }
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
