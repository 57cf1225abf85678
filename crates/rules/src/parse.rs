//! Reading and writing the TOML rules file, with line numbers on every
//! diagnostic.

use crate::diag::Diagnostic;
use crate::file::RulesFile;
use crate::model::Rules;
use crate::RulesError;
use std::collections::HashMap;
use std::ops::Range;
use toml_edit::{ImDocument, Item, Table, Value};

impl Rules {
    /// Parses and validates a rules file. All semantic problems are
    /// reported together; a syntax or shape error (unknown field, wrong
    /// type) stops at the first one, as the parser does.
    pub fn from_toml(text: &str) -> Result<Rules, RulesError> {
        let spans = match ImDocument::parse(text) {
            Ok(doc) => SpanIndex::of(&doc),
            Err(e) => {
                let mut d = Diagnostic::new(
                    "toml_syntax",
                    "",
                    format!("TOML 语法错误：{}", first_line(e.message())),
                );
                d.line = e.span().map(|s| line_of(text, s.start));
                return Err(RulesError(vec![d]));
            }
        };
        let file: RulesFile = toml_edit::de::from_str(text).map_err(|e| {
            let span = e.span();
            let mut d = shape_error(e.message(), span.as_ref().and_then(|s| spans.path_at(s)));
            d.line = span.map(|s| line_of(text, s.start));
            RulesError(vec![d])
        })?;
        crate::validate::build(file).map_err(|RulesError(list)| {
            RulesError(
                list.into_iter()
                    .map(|mut d| {
                        d.line = spans.line_for(&d.path).map(|o| line_of(text, o));
                        d
                    })
                    .collect(),
            )
        })
    }

    /// Writes the rules as a TOML file that [`Rules::from_toml`] reads back
    /// to an equal value.
    pub fn to_toml(&self) -> String {
        let file = RulesFile::from(self.clone());
        // The file types hold only strings, numbers, booleans, tables and
        // arrays, which the TOML serializer always accepts.
        toml_edit::ser::to_string_pretty(&file).unwrap_or_default()
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s).trim()
}

/// 1-based line of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> u32 {
    let end = offset.min(text.len());
    let n = text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count();
    u32::try_from(n + 1).unwrap_or(u32::MAX)
}

/// Turns a serde/TOML shape error into a diagnostic with a stable code.
fn shape_error(message: &str, path: Option<String>) -> Diagnostic {
    let msg = first_line(message);
    let path = path.unwrap_or_default();
    // Our own decimal errors carry "code|message".
    if let Some((code, zh)) = msg.split_once('|') {
        if code.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            return Diagnostic::new(code, path, zh);
        }
    }
    let quoted = between_backticks(msg);
    if msg.starts_with("unknown field") {
        let name = quoted.unwrap_or("?");
        Diagnostic::new(
            "unknown_field",
            path,
            format!("未知字段 `{name}`（检查拼写或删除）"),
        )
    } else if msg.starts_with("missing field") {
        let name = quoted.unwrap_or("?");
        Diagnostic::new("missing_field", path, format!("缺少必填字段 `{name}`"))
    } else if msg.starts_with("unknown variant") {
        let name = quoted.unwrap_or("?");
        let allowed = msg
            .split_once("expected")
            .map(|(_, a)| a.trim())
            .unwrap_or("");
        Diagnostic::new(
            "unknown_value",
            path,
            format!("取值 `{name}` 无效，可选值：{allowed}"),
        )
    } else {
        Diagnostic::new("invalid_value", path, format!("取值类型不对：{msg}"))
    }
}

fn between_backticks(s: &str) -> Option<&str> {
    let start = s.find('`')? + 1;
    let len = s[start..].find('`')?;
    Some(&s[start..start + len])
}

/// Where each field path starts in the text, so that a diagnostic on
/// `factors[2].step` can name its line. A path with no span of its own
/// (a missing field) falls back to its nearest parent.
#[derive(Default)]
struct SpanIndex {
    starts: HashMap<String, usize>,
    ranges: Vec<(String, Range<usize>)>,
}

impl SpanIndex {
    fn of(doc: &ImDocument<&str>) -> SpanIndex {
        let mut index = SpanIndex::default();
        index.table("", doc.as_table());
        index
    }

    fn record(&mut self, path: String, span: Option<Range<usize>>, key: Option<Range<usize>>) {
        if let Some(start) = key.as_ref().or(span.as_ref()).map(|r| r.start) {
            self.starts.entry(path.clone()).or_insert(start);
        }
        let whole = match (key, span) {
            (Some(k), Some(v)) => Some(k.start.min(v.start)..k.end.max(v.end)),
            (k, v) => k.or(v),
        };
        if let Some(r) = whole {
            self.ranges.push((path, r));
        }
    }

    fn table(&mut self, prefix: &str, t: &Table) {
        for (k, item) in t.iter() {
            let path = join(prefix, k);
            let key_span = t.key(k).and_then(|key| key.span());
            self.item(path, item, key_span);
        }
    }

    fn item(&mut self, path: String, item: &Item, key_span: Option<Range<usize>>) {
        match item {
            Item::Table(t) => {
                self.record(path.clone(), t.span(), key_span);
                self.table(&path, t);
            }
            Item::ArrayOfTables(a) => {
                self.record(path.clone(), a.span(), key_span);
                for (i, t) in a.iter().enumerate() {
                    let p = format!("{path}[{i}]");
                    self.record(p.clone(), t.span(), None);
                    self.table(&p, t);
                }
            }
            Item::Value(v) => self.value(path, v, key_span),
            Item::None => {}
        }
    }

    fn value(&mut self, path: String, v: &Value, key_span: Option<Range<usize>>) {
        self.record(path.clone(), v.span(), key_span);
        match v {
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    self.value(format!("{path}[{i}]"), x, None);
                }
            }
            Value::InlineTable(t) => {
                for (k, x) in t.iter() {
                    let key_span = t.key(k).and_then(|key| key.span());
                    self.value(join(&path, k), x, key_span);
                }
            }
            _ => {}
        }
    }

    /// Start offset of `path` or of its nearest recorded parent.
    fn line_for(&self, path: &str) -> Option<usize> {
        let mut p = path;
        loop {
            if let Some(s) = self.starts.get(p) {
                return Some(*s);
            }
            let cut = p.rfind(['.', '['])?;
            p = &p[..cut];
        }
    }

    /// The innermost path whose span holds the error span.
    fn path_at(&self, span: &Range<usize>) -> Option<String> {
        self.ranges
            .iter()
            .filter(|(_, r)| r.start <= span.start && span.start < r.end.max(r.start + 1))
            .min_by_key(|(_, r)| r.end - r.start)
            .map(|(p, _)| p.clone())
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}
