//! The rules being edited: one TOML text (what gets published) and a form
//! model kept in step with it through `Rules::from_toml` / `Rules::to_toml`.
//!
//! The text is the source of truth. A form edit changes the model and
//! rewrites the text from it; a text edit that validates replaces the model.
//! A text edit that does not validate leaves the model behind: the form is
//! then paused (read-only) until the text validates again, because the
//! typed model cannot hold a file that does not parse.

use leptos::prelude::*;
use pingshen_rules::{Diagnostic, Rules};

/// Where a draft came from, for the editor's header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub label: String,
    /// Set when the draft started from the original template text (with its
    /// comments); cleared once the form rewrites the text.
    pub verbatim: bool,
}

/// What survives switching to another project and back.
#[derive(Debug, Clone)]
pub struct SavedDraft {
    pub text: String,
    pub base: Option<u32>,
    pub origin: Origin,
}

#[derive(Clone, Copy)]
pub struct Draft {
    /// The TOML that will be signed and published.
    pub text: RwSignal<String>,
    /// The form's model; `None` until a draft is started.
    pub form: RwSignal<Option<Rules>>,
    /// Whether `form` describes `text`.
    pub form_live: RwSignal<bool>,
    /// Bumped when the form must be rebuilt from `form` (a new draft, or a
    /// text edit). Form edits do not bump it, so typing never re-renders the
    /// field being typed in.
    pub generation: RwSignal<u32>,
    /// The published version this draft started from (`based_on_version`).
    pub base: RwSignal<Option<u32>>,
    pub origin: RwSignal<Option<Origin>>,
    /// Validation of `text`, re-run on every change.
    pub check: Memo<Result<Rules, Vec<Diagnostic>>>,
}

impl Draft {
    pub fn new() -> Self {
        let text = RwSignal::new(String::new());
        let check = Memo::new(move |_| text.with(|t| Rules::from_toml(t).map_err(|e| e.0)));
        Draft {
            text,
            form: RwSignal::new(None),
            form_live: RwSignal::new(false),
            generation: RwSignal::new(0),
            base: RwSignal::new(None),
            origin: RwSignal::new(None),
            check,
        }
    }

    pub fn started(&self) -> bool {
        self.origin.with(Option::is_some)
    }

    /// Starts over from `text` (a template or a published version).
    pub fn load(&self, text: &str, base: Option<u32>, origin: Origin) {
        self.text.set(text.to_string());
        self.base.set(base);
        self.origin.set(Some(origin));
        self.follow_text(text);
    }

    pub fn restore(&self, saved: SavedDraft) {
        self.load(&saved.text, saved.base, saved.origin);
    }

    pub fn save(&self) -> Option<SavedDraft> {
        Some(SavedDraft {
            text: self.text.get_untracked(),
            base: self.base.get_untracked(),
            origin: self.origin.get_untracked()?,
        })
    }

    /// A change made in the raw TOML tab.
    pub fn edit_text(&self, text: String) {
        self.follow_text(&text);
        self.text.set(text);
    }

    /// A change made in a form field: applied to the model, then written back
    /// as the canonical TOML of the model.
    pub fn edit_form(&self, change: impl FnOnce(&mut Rules)) {
        if !self.form_live.get_untracked() {
            return;
        }
        let mut text = None;
        self.form.update(|model| {
            if let Some(rules) = model {
                change(rules);
                text = Some(rules.to_toml());
            }
        });
        if let Some(text) = text {
            self.text.set(text);
            self.origin.update(|o| {
                if let Some(o) = o {
                    o.verbatim = false;
                }
            });
        }
    }

    /// A form edit that adds or removes rows: the form is rebuilt so every
    /// row's index matches the model again.
    pub fn restructure(&self, change: impl FnOnce(&mut Rules)) {
        self.edit_form(change);
        self.generation.update(|g| *g += 1);
    }

    /// Gives up a text edit that does not validate: the text goes back to
    /// what the form holds.
    pub fn revert_text_to_form(&self) {
        if let Some(rules) = self.form.get_untracked() {
            self.text.set(rules.to_toml());
            self.form_live.set(true);
            self.generation.update(|g| *g += 1);
        }
    }

    fn follow_text(&self, text: &str) {
        match Rules::from_toml(text) {
            Ok(rules) => {
                self.form.set(Some(rules));
                self.form_live.set(true);
                self.generation.update(|g| *g += 1);
            }
            Err(_) => self.form_live.set(false),
        }
    }
}

/// Whether a diagnostic's path is `prefix` or lies inside it
/// (`factors[2]` holds `factors[2].step` and `factors[2].options[0].points`).
pub fn path_within(path: &str, prefix: &str) -> bool {
    path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

/// The current diagnostics under `prefix`.
pub fn diagnostics_within(draft: &Draft, prefix: &str) -> Vec<Diagnostic> {
    draft.check.with(|c| match c {
        Ok(_) => Vec::new(),
        Err(list) => list
            .iter()
            .filter(|d| path_within(&d.path, prefix))
            .cloned()
            .collect(),
    })
}
