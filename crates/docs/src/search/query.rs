use super::grams::gram;
use super::snippet::snippet;
use super::SearchError;
use crate::normalize::{nfkc, search_form};
use rusqlite::{params_from_iter, types::Value, Connection};
use std::collections::HashMap;
use std::ops::Range;

/// A search: whitespace-separated terms, all of which must occur on a page
/// (AND), optionally restricted to some bidders and/or documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub text: String,
    /// Only these bidders (empty: all, including the tender).
    pub bidders: Vec<String>,
    /// Only these documents (empty: all).
    pub docs: Vec<String>,
    /// Most hits returned, best first.
    pub limit: usize,
}

impl Query {
    pub fn new(text: impl Into<String>) -> Self {
        Query {
            text: text.into(),
            bidders: Vec::new(),
            docs: Vec::new(),
            limit: 20,
        }
    }

    pub fn bidder(mut self, bidder: impl Into<String>) -> Self {
        self.bidders.push(bidder.into());
        self
    }

    pub fn doc(mut self, doc: impl Into<String>) -> Self {
        self.docs.push(doc.into());
        self
    }

    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = limit;
        self
    }
}

/// One page that matches. `highlights` are byte ranges into `snippet`.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub doc: String,
    pub bidder: Option<String>,
    pub page: u32,
    /// Relevance (negated BM25 summed over terms): higher is better.
    pub score: f64,
    pub snippet: String,
    pub highlights: Vec<Range<usize>>,
}

/// Runs a query; hits are ordered best first, ties by document and page.
pub fn search(conn: &Connection, query: &Query) -> Result<Vec<Hit>, SearchError> {
    let terms = terms_of(&query.text);
    if terms.is_empty() {
        return Err(SearchError::EmptyQuery);
    }
    let (short, long): (Vec<&Vec<char>>, Vec<&Vec<char>>) = terms.iter().partition(|t| t.len() < 3);
    let mut lookups = Vec::new();
    if !short.is_empty() {
        let expr = short
            .iter()
            .map(|t| quote(&gram(t)))
            .collect::<Vec<_>>()
            .join(" AND ");
        lookups.push(("doc_grams", expr));
    }
    if !long.is_empty() {
        let expr = long
            .iter()
            .map(|t| quote(&t.iter().collect::<String>()))
            .collect::<Vec<_>>()
            .join(" AND ");
        lookups.push(("doc_trigram", expr));
    }
    // One index: let SQLite rank and cut. Two: intersect and add scores.
    let single = lookups.len() == 1;
    let mut scores: Option<HashMap<i64, f64>> = None;
    for (table, expr) in &lookups {
        let found = match_ids(conn, table, expr, query, single.then_some(query.limit))?;
        scores = Some(match scores {
            None => found.into_iter().collect(),
            Some(previous) => found
                .into_iter()
                .filter_map(|(id, s)| previous.get(&id).map(|p| (id, p + s)))
                .collect(),
        });
    }
    let mut ranked: Vec<(i64, f64)> = scores.unwrap_or_default().into_iter().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.truncate(query.limit);
    let mut page_row =
        conn.prepare_cached("SELECT doc, bidder, page, text FROM doc_pages WHERE id = ?1")?;
    let mut hits = Vec::with_capacity(ranked.len());
    for (id, score) in ranked {
        let (doc, bidder, page, text): (String, Option<String>, u32, String) =
            page_row.query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        let (snippet, highlights) = snippet(&text, &terms);
        hits.push(Hit {
            doc,
            bidder,
            page,
            score,
            snippet,
            highlights,
        });
    }
    Ok(hits)
}

/// Query terms in search form, deduplicated, in the order typed.
fn terms_of(text: &str) -> Vec<Vec<char>> {
    let mut terms: Vec<Vec<char>> = Vec::new();
    for word in nfkc(text).split_whitespace() {
        let word = word.trim_matches('"');
        let (chars, _) = search_form(word);
        if !chars.is_empty() && !terms.contains(&chars) {
            terms.push(chars);
        }
    }
    terms
}

/// An FTS5 string literal.
fn quote(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// Page ids matching `expr` in `table` (after the query's filters), with
/// scores (negated BM25). With `limit`, only the best that many.
fn match_ids(
    conn: &Connection,
    table: &str,
    expr: &str,
    query: &Query,
    limit: Option<usize>,
) -> Result<Vec<(i64, f64)>, SearchError> {
    // Join the page table only to filter (a lookup per match); CROSS JOIN
    // keeps the full-text match as the outer loop.
    let filtered = !query.bidders.is_empty() || !query.docs.is_empty();
    let join = if filtered {
        format!(" CROSS JOIN doc_pages p ON p.id = {table}.rowid")
    } else {
        String::new()
    };
    let mut sql = format!(
        "SELECT {table}.rowid AS id, -bm25({table}) AS score FROM {table}{join} WHERE {table} MATCH ?1"
    );
    let mut args: Vec<Value> = vec![Value::Text(expr.to_string())];
    for (column, values) in [("p.bidder", &query.bidders), ("p.doc", &query.docs)] {
        if values.is_empty() {
            continue;
        }
        let marks: Vec<String> = values
            .iter()
            .map(|v| {
                args.push(Value::Text(v.clone()));
                format!("?{}", args.len())
            })
            .collect();
        sql.push_str(&format!(" AND {column} IN ({})", marks.join(", ")));
    }
    if let Some(limit) = limit {
        args.push(Value::Integer(limit as i64));
        sql.push_str(&format!(" ORDER BY score DESC, id LIMIT ?{}", args.len()));
    }
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map(params_from_iter(args), |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
