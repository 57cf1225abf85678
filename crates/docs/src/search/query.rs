use super::blocks::Lookup;
use super::grams::{bigram, unigram, LENGTHS};
use super::index::{segments, Segment};
use super::postings::{decode_positions, Entry, PageList, Varints};
use super::snippet::snippet_of_utf8;
use super::SearchError;
use crate::normalize::{nfkc, search_form};
use rusqlite::{Connection, OptionalExtension};
use std::cmp::Ordering;
use std::collections::hash_map::Entry as Slot;
use std::collections::{BinaryHeap, HashMap};
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
    /// Relevance: BM25 summed over terms, with the statistics of the pages
    /// searched (for a term of 3+ characters, its document frequency counts
    /// the pages holding all its covering pairs). Higher is better.
    pub score: f64,
    pub snippet: String,
    pub highlights: Vec<Range<usize>>,
}

/// BM25 parameters (those of SQLite FTS5).
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Runs a query; hits are ordered best first, ties by page id (the order
/// documents were indexed, then page number).
///
/// Every matching page is ranked from the index alone (counts and page
/// lengths); only the best `limit` are then read for their text and snippet.
pub fn search(conn: &Connection, query: &Query) -> Result<Vec<Hit>, SearchError> {
    let terms = terms_of(&query.text);
    if terms.is_empty() {
        return Err(SearchError::EmptyQuery);
    }
    if query.limit == 0 {
        return Ok(Vec::new());
    }
    // One read transaction: a concurrent merge is seen whole or not at all.
    let own_transaction = conn.is_autocommit();
    if own_transaction {
        conn.prepare_cached("BEGIN")?.execute([])?;
    }
    let result = ranked(conn, &terms, query).and_then(|ranked| hits(conn, &terms, ranked));
    if own_transaction {
        conn.prepare_cached("COMMIT")?.execute([])?;
    }
    result
}

/// The best `query.limit` pages as (score, page id), best first.
///
/// Every page matching all terms is scored from the page lists (counts and
/// page lengths). For a term of 1 or 2 characters the count is exact; for a
/// longer term the lists give the pages where all its covering pairs occur
/// and a bound (the least of their counts), and only the pages that could
/// still reach the best `limit` are verified from positions, best bound
/// first, so the result is exactly that of verifying every page.
pub(crate) fn ranked(
    conn: &Connection,
    terms: &[Vec<char>],
    query: &Query,
) -> Result<Vec<(f64, i64)>, SearchError> {
    let terms: Vec<Term> = terms.iter().map(|t| Term::new(t)).collect();
    let n = terms.len();
    let scope = Scope::of(conn, query)?;
    let all = segments(conn)?;
    let total_pages: i64 = all.iter().map(|s| s.pages).sum();
    let total_chars: i64 = all.iter().map(|s| s.chars).sum();
    let searched = match &scope {
        Some(scope) => scope.pages,
        None => total_pages,
    };
    let mut read = Lookup::new(conn)?;
    // Each term's pages, segment by segment; how many: its document
    // frequency (for a longer term, the pages holding all its pairs).
    let mut lists: Vec<(u32, Vec<TermPages>)> = Vec::new();
    let mut frequency = vec![0u64; n];
    for segment in &all {
        let ranges = match &scope {
            Some(scope) => {
                let ranges = scope.overlapping(segment);
                if ranges.is_empty() {
                    continue;
                }
                Some(ranges)
            }
            None => None,
        };
        let mut per_term = Vec::with_capacity(n);
        for (t, term) in terms.iter().enumerate() {
            let pages = term.pages_in(&mut read, segment.id, ranges)?;
            frequency[t] += pages.entries.len() as u64;
            per_term.push(pages);
        }
        if per_term.iter().all(|p| !p.entries.is_empty()) {
            lists.push((segment.id, per_term));
        }
    }
    let average = if total_pages > 0 {
        total_chars as f64 / total_pages as f64
    } else {
        1.0
    };
    let idf: Vec<f64> = frequency
        .iter()
        .map(|&df| {
            let df = df as f64;
            let idf = ((searched as f64 - df + 0.5) / (df + 0.5)).ln();
            if idf > 0.0 {
                idf
            } else {
                1e-6
            }
        })
        .collect();
    let score = |length: u32, counts: &[u32]| -> f64 {
        let norm = K1 * (1.0 - B + B * f64::from(length) / average);
        counts
            .iter()
            .zip(&idf)
            .map(|(&c, idf)| {
                let c = f64::from(c);
                idf * c * (K1 + 1.0) / (c + norm)
            })
            .sum()
    };
    // The pages holding every term, scored as they are met: exactly when
    // every count is exact (kept in a top-`limit` heap), else as a bound.
    let phrases = terms.iter().any(|t| !t.pairs.is_empty());
    let mut top = TopK::new(query.limit);
    let mut bounded: Vec<Candidate> = Vec::new();
    let mut entry_of: Vec<u32> = Vec::new();
    let mut counts = vec![0u32; n];
    for (s, (segment, per_term)) in lists.iter().enumerate() {
        let lengths = read
            .list(*segment, LENGTHS)?
            .ok_or(SearchError::CorruptIndex)?;
        let mut lengths = PageList::new(&lengths);
        let mut at = vec![0usize; n];
        'pages: for (first, entry) in per_term[0].entries.iter().enumerate() {
            for (t, list) in per_term.iter().enumerate().skip(1) {
                let hits = &list.entries;
                while at[t] < hits.len() && hits[at[t]].id < entry.id {
                    at[t] += 1;
                }
                if at[t] == hits.len() {
                    break 'pages;
                }
                if hits[at[t]].id != entry.id {
                    continue 'pages;
                }
            }
            let length = loop {
                let page = lengths.next_entry()?.ok_or(SearchError::CorruptIndex)?;
                if page.id == entry.id {
                    break page.count;
                }
            };
            counts[0] = entry.count;
            for (t, list) in per_term.iter().enumerate().skip(1) {
                counts[t] = list.entries[at[t]].count;
            }
            let bound = score(length, &counts);
            if !phrases {
                top.push(bound, entry.id);
                continue;
            }
            bounded.push(Candidate {
                bound,
                id: entry.id,
                length,
                segment: s as u32,
                index: bounded.len() as u32,
            });
            entry_of.push(first as u32);
            entry_of.extend(at[1..].iter().map(|&a| a as u32));
        }
    }
    if !phrases {
        return Ok(top.into_sorted());
    }
    // Verify in batches, best bounds first, until no page left unverified
    // can reach the last of the best `limit` verified.
    let found = Found {
        terms: n,
        entry_of,
        segments: lists,
    };
    let mut verified = TopK::new(query.limit);
    let mut exact: Vec<u32> = Vec::new();
    let mut rows = HashMap::new();
    let mut batch = query.limit.saturating_mul(2).max(32);
    let mut rest: &mut [Candidate] = &mut bounded;
    while !rest.is_empty() {
        let take = batch.min(rest.len());
        if take < rest.len() {
            rest.select_nth_unstable_by(take, |a, b| compare(&(a.bound, a.id), &(b.bound, b.id)));
        }
        let (now, later) = rest.split_at_mut(take);
        found.verify(&mut read, &terms, now, &mut exact, &mut rows)?;
        for (candidate, counts) in now.iter().zip(exact.chunks_exact(n)) {
            if counts.iter().all(|&c| c > 0) {
                verified.push(score(candidate.length, counts), candidate.id);
            }
        }
        // `later` starts with its best bound (select_nth put it there): if
        // even that, as an exact score, ranks below the last kept, none can.
        let settled = verified.worst_if_full().is_some_and(|kth| {
            later
                .first()
                .is_none_or(|next| compare(&(next.bound, next.id), &kth).is_gt())
        });
        if settled {
            break;
        }
        rest = later;
        batch = batch.saturating_mul(2);
    }
    Ok(verified.into_sorted())
}

/// The best `limit` of (score, page id) pushed, by [`compare`].
struct TopK {
    limit: usize,
    heap: BinaryHeap<Worse>,
}

/// Orders a max-heap with the worst (score, id) on top.
#[derive(Debug, Clone, Copy)]
struct Worse(f64, i64);

impl Ord for Worse {
    fn cmp(&self, other: &Self) -> Ordering {
        compare(&(self.0, self.1), &(other.0, other.1))
    }
}

impl PartialOrd for Worse {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Worse {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Worse {}

impl TopK {
    fn new(limit: usize) -> Self {
        TopK {
            limit,
            heap: BinaryHeap::with_capacity(limit.min(1024)),
        }
    }

    #[inline]
    fn push(&mut self, score: f64, id: i64) {
        if self.heap.len() < self.limit {
            self.heap.push(Worse(score, id));
        } else if let Some(mut worst) = self.heap.peek_mut() {
            if compare(&(score, id), &(worst.0, worst.1)).is_lt() {
                *worst = Worse(score, id);
            }
        }
    }

    /// The worst (score, id) kept, once `limit` are kept.
    fn worst_if_full(&self) -> Option<(f64, i64)> {
        if self.heap.len() < self.limit {
            return None;
        }
        self.heap.peek().map(|w| (w.0, w.1))
    }

    /// Best first.
    fn into_sorted(self) -> Vec<(f64, i64)> {
        self.heap
            .into_sorted_vec()
            .into_iter()
            .map(|Worse(score, id)| (score, id))
            .collect()
    }
}

/// A page to rank: its score bound, id, length, segment (index in the
/// segment lists) and index (in `Found::entry_of`, `terms` per page).
#[derive(Debug, Clone, Copy)]
struct Candidate {
    bound: f64,
    id: i64,
    length: u32,
    segment: u32,
    index: u32,
}

/// A query term in search form; for 3+ characters, the pairs that cover it
/// (offsets 0, 2, 4… and the last pair) as (offset, gram): it occurs at p
/// where each pair occurs at p + its offset.
struct Term {
    chars: Vec<char>,
    pairs: Vec<(usize, u64)>,
}

impl Term {
    fn new(chars: &[char]) -> Self {
        let n = chars.len();
        let mut pairs = Vec::new();
        if n >= 3 {
            let mut offsets: Vec<usize> = (0..=n - 2).step_by(2).collect();
            if offsets.last() != Some(&(n - 2)) {
                offsets.push(n - 2);
            }
            pairs = offsets
                .into_iter()
                .map(|o| (o, bigram(chars[o], chars[o + 1])))
                .collect();
        }
        Term {
            chars: chars.to_vec(),
            pairs,
        }
    }

    /// The pages of one segment (in scope) on which the term occurs (for
    /// 3+ characters: may occur), in id order, from the page lists alone.
    fn pages_in(
        &self,
        read: &mut Lookup<'_>,
        segment: u32,
        ranges: Option<&[(i64, i64)]>,
    ) -> Result<TermPages, SearchError> {
        let mut out = TermPages::default();
        let mut scope = InScope { ranges, at: 0 };
        if self.pairs.is_empty() {
            let gram = match self.chars[..] {
                [c] => unigram(c),
                [a, b] => bigram(a, b),
                _ => return Ok(out),
            };
            let Some(list) = read.list(segment, gram)? else {
                return Ok(out);
            };
            let mut entries = PageList::new(&list);
            while let Some(entry) = entries.next_entry()? {
                match scope.check(entry.id) {
                    Some(true) => out.entries.push(entry),
                    Some(false) => {}
                    None => break,
                }
            }
            return Ok(out);
        }
        let mut lists = Vec::with_capacity(self.pairs.len());
        for &(_, gram) in &self.pairs {
            match read.list(segment, gram)? {
                Some(list) => lists.push(list),
                None => return Ok(out),
            }
        }
        let mut cursors: Vec<ListCursor<'_>> = lists.iter().map(|l| ListCursor::new(l)).collect();
        for cursor in &mut cursors {
            if !cursor.advance()? {
                return Ok(out);
            }
        }
        let mut target = cursors[0].entry.id;
        loop {
            let mut aligned = true;
            for cursor in &mut cursors {
                while cursor.entry.id < target {
                    if !cursor.advance()? {
                        return Ok(out);
                    }
                }
                if cursor.entry.id > target {
                    target = cursor.entry.id;
                    aligned = false;
                    break;
                }
            }
            if !aligned {
                continue;
            }
            match scope.check(target) {
                None => return Ok(out),
                Some(false) => {}
                Some(true) => {
                    let bound = cursors.iter().map(|c| c.entry.count).min().unwrap_or(0);
                    out.entries.push(Entry {
                        id: target,
                        count: bound,
                    });
                    out.marks
                        .extend(cursors.iter().map(|c| (c.before, c.entry.count)));
                }
            }
            if !cursors[0].advance()? {
                return Ok(out);
            }
            target = cursors[0].entry.id;
        }
    }
}

/// A term's pages in one segment: (id, count or bound) and, for 3+
/// characters, for each page and each covering pair, where the page's
/// positions are in the pair's positions row (how many numbers come before)
/// and how many there are.
#[derive(Debug, Default)]
struct TermPages {
    entries: Vec<Entry>,
    marks: Vec<(u64, u32)>,
}

/// A page list walked for its ids, counting the positions it passes.
struct ListCursor<'a> {
    list: PageList<'a>,
    entry: Entry,
    before: u64,
}

impl<'a> ListCursor<'a> {
    fn new(list: &'a [u8]) -> Self {
        ListCursor {
            list: PageList::new(list),
            entry: Entry { id: 0, count: 0 },
            before: 0,
        }
    }

    #[inline]
    fn advance(&mut self) -> Result<bool, SearchError> {
        self.before += u64::from(self.entry.count);
        match self.list.next_entry()? {
            Some(entry) => {
                self.entry = entry;
                Ok(true)
            }
            None => Ok(false),
        }
    }
}

/// What verification needs: each term's pages by segment, and for each
/// candidate the index of its entry in each term's list.
struct Found {
    terms: usize,
    entry_of: Vec<u32>,
    segments: Vec<(u32, Vec<TermPages>)>,
}

impl Found {
    /// The exact count of every term on each candidate (`terms` per
    /// candidate, into `exact`): counts of 1- and 2-character terms as they
    /// are, longer terms counted from their pairs' positions.
    fn verify(
        &self,
        read: &mut Lookup<'_>,
        terms: &[Term],
        candidates: &[Candidate],
        exact: &mut Vec<u32>,
        rows: &mut HashMap<(u32, u64), Vec<u8>>,
    ) -> Result<(), SearchError> {
        let n = self.terms;
        exact.clear();
        exact.resize(candidates.len() * n, 0);
        let mut order: Vec<usize> = (0..candidates.len()).collect();
        // By segment, then page: one forward pass over each positions row.
        order.sort_unstable_by_key(|&c| (candidates[c].segment, candidates[c].id));
        let mut decoded: Vec<Vec<u32>> = Vec::new();
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for group in order.chunk_by(|&a, &b| candidates[a].segment == candidates[b].segment) {
            let segment = candidates[group[0]].segment as usize;
            let (segment_id, lists) = &self.segments[segment];
            for (t, term) in terms.iter().enumerate() {
                let entry_of =
                    |c: usize| self.entry_of[candidates[c].index as usize * n + t] as usize;
                if term.pairs.is_empty() {
                    for &c in group {
                        exact[c * n + t] = lists[t].entries[entry_of(c)].count;
                    }
                    continue;
                }
                let pairs = term.pairs.len();
                let marks = &lists[t].marks;
                // Per pair, the byte span of each candidate's positions (the
                // rows read once a query, kept for its later batches).
                for &(_, gram) in &term.pairs {
                    if let Slot::Vacant(vacant) = rows.entry((*segment_id, gram)) {
                        let row = read
                            .positions(*segment_id, gram)?
                            .ok_or(SearchError::CorruptIndex)?;
                        vacant.insert(row);
                    }
                }
                let term_rows: Vec<&Vec<u8>> = term
                    .pairs
                    .iter()
                    .map(|&(_, gram)| &rows[&(*segment_id, gram)])
                    .collect();
                spans.clear();
                spans.resize(group.len() * pairs, (0, 0));
                for (k, row) in term_rows.iter().enumerate() {
                    let mut reader = Varints::new(row);
                    let mut passed = 0u64;
                    for (g, &c) in group.iter().enumerate() {
                        let (before, count) = marks[entry_of(c) * pairs + k];
                        reader.take(before - passed)?;
                        let start = reader.offset();
                        reader.take(u64::from(count))?;
                        spans[g * pairs + k] = (start, reader.offset());
                        passed = before + u64::from(count);
                    }
                }
                decoded.resize(pairs, Vec::new());
                let offsets: Vec<usize> = term.pairs.iter().map(|&(o, _)| o).collect();
                for (g, &c) in group.iter().enumerate() {
                    for (k, into) in decoded.iter_mut().enumerate() {
                        let (start, end) = spans[g * pairs + k];
                        decode_positions(&term_rows[k][start..end], into)?;
                    }
                    exact[c * n + t] = phrase_count(&decoded, &offsets);
                }
            }
        }
        Ok(())
    }
}

/// How many p in `positions[0]` have `p + offsets[i]` in every
/// `positions[i]` (all sorted).
pub(crate) fn phrase_count(positions: &[Vec<u32>], offsets: &[usize]) -> u32 {
    let mut at = vec![0usize; positions.len()];
    let mut count = 0;
    'starts: for &p in &positions[0] {
        for i in 1..positions.len() {
            let want = p + offsets[i] as u32;
            let list = &positions[i];
            while at[i] < list.len() && list[at[i]] < want {
                at[i] += 1;
            }
            if at[i] == list.len() {
                break 'starts;
            }
            if list[at[i]] != want {
                continue 'starts;
            }
        }
        count += 1;
    }
    count
}

/// Membership of increasing page ids in sorted, disjoint ranges (`None`:
/// every page).
struct InScope<'a> {
    ranges: Option<&'a [(i64, i64)]>,
    at: usize,
}

impl InScope<'_> {
    /// `Some(in scope)`, or `None` once `id` is past the last range.
    #[inline]
    fn check(&mut self, id: i64) -> Option<bool> {
        let Some(ranges) = self.ranges else {
            return Some(true);
        };
        while self.at < ranges.len() && ranges[self.at].1 < id {
            self.at += 1;
        }
        let range = ranges.get(self.at)?;
        Some(range.0 <= id)
    }
}

/// The pages a query's filters leave: sorted, disjoint id ranges.
struct Scope {
    ranges: Vec<(i64, i64)>,
    pages: i64,
}

impl Scope {
    fn of(conn: &Connection, query: &Query) -> Result<Option<Scope>, SearchError> {
        if query.bidders.is_empty() && query.docs.is_empty() {
            return Ok(None);
        }
        let mut ranges = Vec::new();
        if query.docs.is_empty() {
            let mut stmt =
                conn.prepare_cached("SELECT first_id, pages FROM search_docs WHERE bidder = ?1")?;
            for bidder in &query.bidders {
                let rows = stmt.query_map([bidder], |r| Ok((r.get(0)?, r.get(1)?)))?;
                for row in rows {
                    let (first, pages): (i64, i64) = row?;
                    ranges.push((first, first + pages - 1));
                }
            }
        } else {
            let mut stmt = conn
                .prepare_cached("SELECT bidder, first_id, pages FROM search_docs WHERE doc = ?1")?;
            for doc in &query.docs {
                let row: Option<(Option<String>, i64, i64)> = stmt
                    .query_row([doc], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .optional()?;
                let Some((bidder, first, pages)) = row else {
                    continue;
                };
                let wanted =
                    query.bidders.is_empty() || bidder.is_some_and(|b| query.bidders.contains(&b));
                if wanted {
                    ranges.push((first, first + pages - 1));
                }
            }
        }
        ranges.sort_unstable();
        ranges.dedup();
        let pages = ranges.iter().map(|(a, b)| b - a + 1).sum();
        Ok(Some(Scope { ranges, pages }))
    }

    /// The ranges that overlap a segment.
    fn overlapping(&self, segment: &Segment) -> &[(i64, i64)] {
        let start = self.ranges.partition_point(|r| r.1 < segment.first);
        let end = self.ranges.partition_point(|r| r.0 <= segment.last);
        &self.ranges[start..end.max(start)]
    }
}

/// Reads the ranked pages and cuts their snippets.
fn hits(
    conn: &Connection,
    terms: &[Vec<char>],
    ranked: Vec<(f64, i64)>,
) -> Result<Vec<Hit>, SearchError> {
    let mut page_row =
        conn.prepare_cached("SELECT doc, bidder, page, text FROM doc_pages WHERE id = ?1")?;
    let mut hits = Vec::with_capacity(ranked.len());
    for (score, id) in ranked {
        let hit = page_row.query_row([id], |r| {
            let text = r.get_ref(3)?.as_bytes()?;
            let (snippet, highlights) =
                snippet_of_utf8(text, terms).map_err(|e| rusqlite::Error::Utf8Error(3, e))?;
            Ok(Hit {
                doc: r.get(0)?,
                bidder: r.get(1)?,
                page: r.get(2)?,
                score,
                snippet,
                highlights,
            })
        })?;
        hits.push(hit);
    }
    Ok(hits)
}

/// Query terms in search form, deduplicated, in the order typed.
pub(crate) fn terms_of(text: &str) -> Vec<Vec<char>> {
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

/// Best first: higher score, then lower id (a total order).
fn compare(a: &(f64, i64), b: &(f64, i64)) -> Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrase_counts_occurrences_where_every_pair_lines_up() {
        // (positions of the pairs at each offset, offsets, occurrences)
        let table: [(Vec<Vec<u32>>, Vec<usize>, u32); 6] = [
            // 3 characters: pairs at 0 and 1.
            (vec![vec![0, 10], vec![1, 5]], vec![0, 1], 1),
            (vec![vec![0, 10], vec![2, 12]], vec![0, 1], 0),
            // "aaaa" holds "aaa" twice (overlapping): pair "aa" at 0, 1, 2.
            (vec![vec![0, 1, 2], vec![0, 1, 2]], vec![0, 1], 2),
            // 4 characters: pairs at 0 and 2.
            (vec![vec![3, 7, 20], vec![5, 9, 30]], vec![0, 2], 2),
            // 5 characters: pairs at 0, 2 and 3; one missing breaks it.
            (vec![vec![0, 8], vec![2, 10], vec![3]], vec![0, 2, 3], 1),
            (vec![vec![], vec![2]], vec![0, 2], 0),
        ];
        for (positions, offsets, want) in table {
            assert_eq!(
                phrase_count(&positions, &offsets),
                want,
                "{positions:?} {offsets:?}"
            );
        }
    }

    #[test]
    fn the_cut_equals_the_head_of_the_full_order() {
        // Ties on score are broken by id.
        let scored: Vec<(f64, i64)> = (0..200)
            .map(|i| (f64::from((i * 37 % 11) as u8), i64::from(i)))
            .collect();
        let mut full = scored.clone();
        full.sort_by(compare);
        for limit in [0, 1, 5, 20, 199, 200, 1000, usize::MAX] {
            let mut top = TopK::new(limit);
            for &(score, id) in &scored {
                top.push(score, id);
            }
            let full_at_limit = limit.min(full.len());
            assert_eq!(
                top.worst_if_full(),
                (full_at_limit == limit && limit > 0).then(|| full[limit - 1])
            );
            assert_eq!(top.into_sorted(), full[..full_at_limit], "limit {limit}");
        }
        assert_eq!(full[0], (10.0, 8));
        assert!(full.windows(2).all(|w| compare(&w[0], &w[1]).is_lt()));
    }

    #[test]
    fn terms_are_normalised_and_deduplicated() {
        let terms = terms_of(" 工期  \"ＳＭＡ\" 工期 sma ");
        let texts: Vec<String> = terms.iter().map(|t| t.iter().collect()).collect();
        assert_eq!(texts, vec!["工期", "sma"]);
    }
}
