use super::blocks::{BlockWriter, Posting, ReaderStatements, SegmentReader};
use super::grams::{bigram, is_bigram, segment_keys, unigram, LENGTHS, SEGMENT_LIMIT};
use super::postings::{PageList, Varints, Writer};
use super::SearchError;
use crate::model::PageText;
use crate::normalize::{nfkc, search_form};
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::RangeInclusive;

/// Which document the pages belong to. `doc` is the caller's stable id (for
/// example the manifest file name); `bidder` is `None` for the tender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocRef {
    pub doc: String,
    pub bidder: Option<String>,
}

/// A page to index: number and text.
#[derive(Debug, Clone, Copy)]
pub struct PageInput<'a> {
    pub number: u32,
    pub text: &'a str,
}

impl<'a> From<&'a PageText> for PageInput<'a> {
    fn from(page: &'a PageText) -> Self {
        PageInput {
            number: page.number,
            text: &page.text,
        }
    }
}

/// Segments are merged this many at a time, when the newest ones are all of
/// one size level…
const FAN_IN: usize = 4;
/// …levels being < 64 pages, < 256, < 1,024, < 4,096 and the rest, which is
/// not merged further (so no merge rewrites more than 16,384 pages).
const BASE_PAGES: u64 = 64;
const TOP_LEVEL: u32 = 4;

fn level(pages: u64) -> u32 {
    let mut level = 0;
    let mut bound = BASE_PAGES;
    while pages >= bound && level < TOP_LEVEL {
        level += 1;
        bound *= FAN_IN as u64;
    }
    level
}

/// Indexes (or re-indexes) a document's pages in one transaction, in page
/// number order. Returns the number of pages indexed. Replacing a document
/// removes its old pages and their postings first.
pub fn index_document<'a>(
    conn: &Connection,
    doc: &DocRef,
    pages: impl IntoIterator<Item = PageInput<'a>>,
) -> Result<usize, SearchError> {
    let tx = conn.unchecked_transaction()?;
    let count = add_document(&tx, doc, pages)?;
    tx.commit()?;
    Ok(count)
}

/// [`index_document`] inside the caller's transaction.
pub(crate) fn add_document<'a>(
    conn: &Connection,
    doc: &DocRef,
    pages: impl IntoIterator<Item = PageInput<'a>>,
) -> Result<usize, SearchError> {
    remove_rows(conn, &[doc.doc.as_str()])?;
    let mut pages: Vec<PageInput<'a>> = pages.into_iter().collect();
    pages.sort_by_key(|p| p.number);
    if pages.is_empty() {
        return Ok(0);
    }
    // A document's pages get consecutive ids above every page indexed: a
    // document is an id range, and a new segment lies above all others.
    let first: i64 = conn.query_row("SELECT coalesce(max(id), 0) + 1 FROM doc_pages", [], |r| {
        r.get(0)
    })?;
    let mut segment = SegmentBuilder::default();
    {
        let mut insert = conn.prepare_cached(
            "INSERT INTO doc_pages (id, doc, bidder, page, text) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for (i, page) in pages.iter().enumerate() {
            let id = first + i as i64;
            let text = nfkc(page.text);
            let (chars, _) = search_form(&text);
            insert.execute(params![id, doc.doc, doc.bidder, page.number, text])?;
            segment.add_page(id, &chars);
        }
    }
    conn.execute(
        "INSERT INTO search_docs (doc, bidder, first_id, pages) VALUES (?1, ?2, ?3, ?4)",
        params![doc.doc, doc.bidder, first, pages.len() as i64],
    )?;
    segment.write(conn)?;
    merge_segments(conn)?;
    Ok(pages.len())
}

/// Purges a document: deletes its pages and rewrites the postings that held
/// them, with `secure_delete` on so freed database pages are zeroed: no gram
/// of the document is left in the index. Returns the number of pages
/// removed. The file does not shrink; call [`compact`] (VACUUM) for that.
///
/// Side effect: leaves `PRAGMA secure_delete = ON` on the connection.
pub fn remove_document(conn: &Connection, doc: &str) -> Result<usize, SearchError> {
    remove_documents(conn, &[doc])
}

/// [`remove_document`] for several documents at once, in one transaction:
/// each segment holding any of them is rewritten once (a purge of a whole
/// project). Returns the number of pages removed.
pub fn remove_documents<S: AsRef<str>>(
    conn: &Connection,
    docs: &[S],
) -> Result<usize, SearchError> {
    conn.pragma_update(None, "secure_delete", "ON")?;
    let tx = conn.unchecked_transaction()?;
    let docs: Vec<&str> = docs.iter().map(AsRef::as_ref).collect();
    let removed = remove_rows(&tx, &docs)?;
    tx.commit()?;
    Ok(removed)
}

/// Rebuilds the database file (VACUUM) so it shrinks after purges. Must not
/// run inside a transaction.
pub fn compact(conn: &Connection) -> Result<(), SearchError> {
    conn.execute_batch("VACUUM")?;
    Ok(())
}

/// The indexed text of a document's pages, in page order: what the screens
/// compare (the index keeps no text).
pub fn page_texts(conn: &Connection, doc: &str) -> Result<Vec<(u32, String)>, SearchError> {
    let mut stmt = conn.prepare("SELECT page, text FROM doc_pages WHERE doc = ?1 ORDER BY page")?;
    let rows = stmt.query_map([doc], |r| Ok((r.get::<_, u32>(0)?, r.get::<_, String>(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn remove_rows(conn: &Connection, docs: &[&str]) -> Result<usize, SearchError> {
    let mut ranges: Vec<RangeInclusive<i64>> = Vec::new();
    {
        let mut find =
            conn.prepare_cached("SELECT first_id, pages FROM search_docs WHERE doc = ?1")?;
        for doc in docs {
            let found: Option<(i64, i64)> = find
                .query_row([doc], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            if let Some((first, pages)) = found {
                ranges.push(first..=first + pages - 1);
            }
        }
    }
    ranges.sort_by_key(|r| *r.start());
    if !ranges.is_empty() {
        let overlapping: Vec<Segment> = segments(conn)?
            .into_iter()
            .filter(|s| {
                ranges
                    .iter()
                    .any(|r| s.first <= *r.end() && s.last >= *r.start())
            })
            .collect();
        for segment in overlapping {
            rewrite(conn, &[segment], &ranges)?;
        }
    }
    let mut removed = 0;
    for doc in docs {
        conn.execute("DELETE FROM search_docs WHERE doc = ?1", [doc])?;
        removed += conn.execute("DELETE FROM doc_pages WHERE doc = ?1", [doc])?;
    }
    Ok(removed)
}

/// A segment's row in `search_segments`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Segment {
    pub id: u32,
    pub first: i64,
    pub last: i64,
    pub pages: i64,
    pub chars: i64,
}

/// All segments, in id range order.
pub(crate) fn segments(conn: &Connection) -> Result<Vec<Segment>, SearchError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, first_id, last_id, pages, chars FROM search_segments ORDER BY first_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Segment {
            id: r.get(0)?,
            first: r.get(1)?,
            last: r.get(2)?,
            pages: r.get(3)?,
            chars: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The lowest segment number not in use.
fn free_segment(conn: &Connection) -> Result<u32, SearchError> {
    let mut stmt = conn.prepare_cached("SELECT id FROM search_segments ORDER BY id")?;
    let used = stmt.query_map([], |r| r.get::<_, u32>(0))?;
    let mut next = 1;
    for id in used {
        if id? != next {
            break;
        }
        next += 1;
    }
    if next >= SEGMENT_LIMIT {
        return Err(SearchError::CorruptIndex);
    }
    Ok(next)
}

/// Merges the newest `FAN_IN` segments while they are all of one level, so
/// a search reads a few segments however many documents were indexed.
fn merge_segments(conn: &Connection) -> Result<(), SearchError> {
    loop {
        let all = segments(conn)?;
        if all.len() < FAN_IN {
            return Ok(());
        }
        let tail = &all[all.len() - FAN_IN..];
        let tail_level = level(tail[0].pages as u64);
        if tail_level >= TOP_LEVEL || tail.iter().any(|s| level(s.pages as u64) != tail_level) {
            return Ok(());
        }
        rewrite(conn, tail, &[])?;
    }
}

/// Whether `id` is in one of `ranges` (sorted, disjoint).
fn dropped(ranges: &[RangeInclusive<i64>], id: i64) -> bool {
    let after = ranges.partition_point(|r| *r.start() <= id);
    after > 0 && ranges[after - 1].contains(&id)
}

/// Rewrites segments (consecutive, in id order) as one new segment, without
/// the pages in `without` (sorted, disjoint): merging, and removing a document. Streams the
/// postings gram by gram; the old rows are deleted (zeroed with
/// `secure_delete`).
fn rewrite(
    conn: &Connection,
    parts: &[Segment],
    without: &[RangeInclusive<i64>],
) -> Result<(), SearchError> {
    let merged = free_segment(conn)?;
    let mut statements = parts
        .iter()
        .map(|_| ReaderStatements::new(conn))
        .collect::<Result<Vec<_>, _>>()?;
    // (first id, last id, pages, characters) of what is kept.
    let mut totals = (i64::MAX, i64::MIN, 0i64, 0i64);
    {
        let mut readers: Vec<(SegmentReader<'_, '_>, Option<Posting>)> = Vec::new();
        for (statement, part) in statements.iter_mut().zip(parts) {
            let mut reader = statement.open(part.id)?;
            let current = reader.next_posting()?;
            readers.push((reader, current));
        }
        let mut writer = BlockWriter::new(conn, merged)?;
        while let Some(gram) = readers
            .iter()
            .filter_map(|(_, p)| p.as_ref().map(|p| p.gram))
            .min()
        {
            let mut out = Writer::default();
            let mut last = 0;
            // Parts are in id order and do not overlap: appending keeps order.
            for (reader, current) in readers.iter_mut() {
                let Some(posting) = current.as_ref().filter(|p| p.gram == gram) else {
                    continue;
                };
                let mut entries = PageList::new(&posting.list);
                let mut position_bytes = Varints::new(&posting.positions);
                while let Some(entry) = entries.next_entry()? {
                    if entry.id <= last {
                        return Err(SearchError::CorruptIndex);
                    }
                    last = entry.id;
                    let own = if is_bigram(gram) {
                        position_bytes.take(u64::from(entry.count))?
                    } else {
                        &[]
                    };
                    if dropped(without, entry.id) {
                        continue;
                    }
                    if gram == LENGTHS {
                        totals.0 = totals.0.min(entry.id);
                        totals.1 = totals.1.max(entry.id);
                        totals.2 += 1;
                        totals.3 += i64::from(entry.count);
                    }
                    out.push_encoded(entry.id, entry.count, own);
                }
                *current = reader.next_posting()?;
            }
            if !out.is_empty() {
                writer.add(gram, &out.list, &out.positions)?;
            }
        }
        writer.flush()?;
    }
    drop(statements);
    for part in parts {
        let (from, to) = segment_keys(part.id);
        conn.execute(
            "DELETE FROM search_postings WHERE key BETWEEN ?1 AND ?2",
            [from, to],
        )?;
        conn.execute("DELETE FROM search_segments WHERE id = ?1", [part.id])?;
    }
    let (first, last, pages, chars) = totals;
    if pages > 0 {
        conn.execute(
            "INSERT INTO search_segments (id, first_id, last_id, pages, chars)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![merged, first, last, pages, chars],
        )?;
    }
    Ok(())
}

/// A fast hash for gram codes (the splitmix64 finaliser).
#[derive(Debug, Default, Clone, Copy)]
struct GramHasher(u64);

impl Hasher for GramHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        let mut z = (self.0 ^ n).wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        self.0 = z ^ (z >> 31);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The postings of one document's pages, built in memory.
#[derive(Debug, Default)]
struct SegmentBuilder {
    grams: HashMap<u64, Writer, BuildHasherDefault<GramHasher>>,
    lengths: Writer,
    first: i64,
    last: i64,
    pages: i64,
    chars: i64,
    unigrams: Vec<u64>,
    pairs: Vec<(u64, u32)>,
    positions: Vec<u32>,
}

impl SegmentBuilder {
    fn add_page(&mut self, id: i64, chars: &[char]) {
        if self.pages == 0 {
            self.first = id;
        }
        self.last = id;
        self.pages += 1;
        self.chars += chars.len() as i64;
        self.lengths.push(id, chars.len() as u64);
        self.unigrams.clear();
        self.unigrams.extend(chars.iter().map(|&c| unigram(c)));
        self.unigrams.sort_unstable();
        for run in self.unigrams.chunk_by(|a, b| a == b) {
            self.grams
                .entry(run[0])
                .or_default()
                .push(id, run.len() as u64);
        }
        self.pairs.clear();
        self.pairs.extend(
            chars
                .windows(2)
                .enumerate()
                .map(|(i, w)| (bigram(w[0], w[1]), i as u32)),
        );
        self.pairs.sort_unstable();
        for run in self.pairs.chunk_by(|a, b| a.0 == b.0) {
            self.positions.clear();
            self.positions.extend(run.iter().map(|&(_, p)| p));
            self.grams
                .entry(run[0].0)
                .or_default()
                .push_positions(id, &self.positions);
        }
    }

    fn write(self, conn: &Connection) -> Result<(), SearchError> {
        let segment = free_segment(conn)?;
        conn.execute(
            "INSERT INTO search_segments (id, first_id, last_id, pages, chars)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![segment, self.first, self.last, self.pages, self.chars],
        )?;
        let mut writer = BlockWriter::new(conn, segment)?;
        writer.add(LENGTHS, &self.lengths.list, &[])?;
        let mut grams: Vec<(&u64, &Writer)> = self.grams.iter().collect();
        grams.sort_unstable_by_key(|(g, _)| **g);
        for (gram, postings) in grams {
            writer.add(*gram, &postings.list, &postings.positions)?;
        }
        writer.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Every (gram, page id) in the index, read posting by posting.
    fn all_postings(conn: &Connection) -> BTreeSet<(u64, i64)> {
        let mut out = BTreeSet::new();
        for segment in segments(conn).unwrap() {
            let mut statements = ReaderStatements::new(conn).unwrap();
            let mut reader = statements.open(segment.id).unwrap();
            while let Some(posting) = reader.next_posting().unwrap() {
                let mut entries = PageList::new(&posting.list);
                let mut positions = Varints::new(&posting.positions);
                while let Some(entry) = entries.next_entry().unwrap() {
                    if is_bigram(posting.gram) {
                        positions.take(u64::from(entry.count)).unwrap();
                    }
                    out.insert((posting.gram, entry.id));
                }
                assert!(positions.is_empty());
            }
        }
        out
    }

    fn grams_of(text: &str) -> BTreeSet<u64> {
        let (chars, _) = search_form(&nfkc(text));
        let mut grams: BTreeSet<u64> = chars.iter().map(|&c| unigram(c)).collect();
        grams.extend(chars.windows(2).map(|w| bigram(w[0], w[1])));
        grams
    }

    #[test]
    fn removing_a_document_leaves_none_of_its_postings() {
        let conn = Connection::open_in_memory().unwrap();
        super::super::create_schema(&conn).unwrap();
        let texts = ["共同的文字甲", "共同的文字，独有恒达", "共同的文字乙"];
        // Enough documents that the one removed sits in a merged segment.
        for round in 0..5 {
            for (i, text) in texts.iter().enumerate() {
                let doc = DocRef {
                    doc: format!("d{i}-{round}"),
                    bidder: None,
                };
                let pages = (1..=20).map(|n| PageInput { number: n, text });
                add_document(&conn, &doc, pages).unwrap();
            }
        }
        assert!(segments(&conn).unwrap().iter().any(|s| s.pages > 20));
        let (first, pages): (i64, i64) = conn
            .query_row(
                "SELECT first_id, pages FROM search_docs WHERE doc = 'd1-2'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let before = all_postings(&conn);
        assert!(before.iter().any(|&(_, id)| id == first));
        assert_eq!(remove_document(&conn, "d1-2").unwrap(), 20);
        let after = all_postings(&conn);
        let removed = first..first + pages;
        assert!(after.iter().all(|(_, id)| !removed.contains(id)));
        // Exactly the removed document's entries are gone.
        let want: BTreeSet<(u64, i64)> = before
            .into_iter()
            .filter(|(_, id)| !removed.contains(id))
            .collect();
        assert_eq!(after, want);
        // Its grams that no other document has are gone entirely.
        let unique: BTreeSet<u64> = grams_of(texts[1])
            .difference(&grams_of(&format!("{}{}", texts[0], texts[2])))
            .copied()
            .collect();
        assert!(!unique.is_empty());
        let mut left = after.iter().map(|(g, _)| *g).collect::<BTreeSet<_>>();
        left.retain(|g| unique.contains(g));
        // The other copies of the same text still hold them.
        assert_eq!(left, unique);
        // The other copies at once, spread over several segments.
        let rest: Vec<String> = [0, 1, 3, 4].iter().map(|r| format!("d1-{r}")).collect();
        assert_eq!(remove_documents(&conn, &rest).unwrap(), 80);
        let after = all_postings(&conn);
        assert!(after.iter().all(|(g, _)| !unique.contains(g)));
        let pages: i64 = segments(&conn).unwrap().iter().map(|s| s.pages).sum();
        assert_eq!(pages, 200);
    }

    #[test]
    fn levels_grow_by_the_fan_in() {
        assert_eq!(level(1), 0);
        assert_eq!(level(63), 0);
        assert_eq!(level(64), 1);
        assert_eq!(level(255), 1);
        assert_eq!(level(256), 2);
        assert_eq!(level(4095), 3);
        assert_eq!(level(4096), TOP_LEVEL);
        assert_eq!(level(1_000_000), TOP_LEVEL);
    }
}
