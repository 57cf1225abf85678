//! Diagnostics: what is wrong, where, with a stable code and a Chinese message.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One problem found in a rules file, a sheet or an engine input.
///
/// `code` is stable (snake_case) for programs; `message_zh` is for people;
/// `path` names the field (`factors[2].step`, `price.k.max`); `line` is the
/// 1-based line in the TOML text when the problem has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub code: String,
    pub message_zh: String,
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

impl Diagnostic {
    pub fn new(code: &str, path: impl Into<String>, message_zh: impl Into<String>) -> Self {
        Diagnostic {
            code: code.to_string(),
            message_zh: message_zh.into(),
            path: path.into(),
            line: None,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "第{line}行 ")?;
        }
        if self.path.is_empty() {
            write!(f, "[{}] {}", self.code, self.message_zh)
        } else {
            write!(f, "[{}] {}：{}", self.code, self.path, self.message_zh)
        }
    }
}

/// The error of every fallible public function: one or more diagnostics.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", render(.0))]
pub struct RulesError(pub Vec<Diagnostic>);

fn render(list: &[Diagnostic]) -> String {
    list.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

impl RulesError {
    pub fn one(code: &str, path: impl Into<String>, message_zh: impl Into<String>) -> Self {
        RulesError(vec![Diagnostic::new(code, path, message_zh)])
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.0
    }

    /// Whether any diagnostic carries this code.
    pub fn has(&self, code: &str) -> bool {
        self.0.iter().any(|d| d.code == code)
    }
}

/// Collects diagnostics during a validation pass.
#[derive(Debug, Default)]
pub(crate) struct Sink(pub Vec<Diagnostic>);

impl Sink {
    pub fn push(&mut self, code: &str, path: impl Into<String>, message_zh: impl Into<String>) {
        self.0.push(Diagnostic::new(code, path, message_zh));
    }

    pub fn finish(self) -> Result<(), RulesError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(RulesError(self.0))
        }
    }
}
