//! A segment's postings on disk: blocks of consecutive grams, so that a
//! segment is a few hundred rows however many grams it has.
//!
//! A block is the row `list_key(segment, first gram)`. Its data: the number
//! of entries, then for each entry (in gram order) the gram's difference
//! from the previous one (the first from the key's gram), the length of its
//! page list and `positions length << 1 | separate`; then, for each entry,
//! its page list followed by its positions unless `separate`. A posting of
//! `BIG` bytes or more is a block of its own, its positions (if any) in the
//! row `positions_key(segment, gram)`, so reading a list never reads a large
//! positions row with it. Blocks are otherwise cut at about `BLOCK` bytes.

use super::grams::{list_key, positions_key, segment_keys, split_key};
use super::postings::{put, Varints};
use super::SearchError;
use rusqlite::{params, CachedStatement, Connection, OptionalExtension, Rows, Statement};
use std::ops::Range;

/// Blocks are cut once they reach this many bytes.
const BLOCK: usize = 4000;
/// A posting this large is a block of its own, positions apart.
const BIG: usize = 2000;

/// One gram's place in a block's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Located {
    pub gram: u64,
    pub list: Range<usize>,
    /// In the block, or (`separate`) in the gram's positions row.
    pub positions: Range<usize>,
    pub separate: bool,
}

/// The entries of a block whose key's gram is `first`.
pub(crate) fn entries(data: &[u8], first: u64) -> Result<Vec<Located>, SearchError> {
    let mut header = Varints::new(data);
    let count = header.next()?;
    let mut out = Vec::with_capacity(count.min(4096) as usize);
    let mut gram = first;
    let mut sizes = Vec::with_capacity(out.capacity());
    for _ in 0..count {
        gram += header.next()?;
        let list = header.next()? as usize;
        let field = header.next()?;
        sizes.push((gram, list, (field >> 1) as usize, field & 1 == 1));
    }
    let mut at = header.offset();
    for (gram, list, positions, separate) in sizes {
        let list_end = at.checked_add(list).ok_or(SearchError::CorruptIndex)?;
        let (positions_range, end) = if separate {
            (0..positions, list_end)
        } else {
            let end = list_end
                .checked_add(positions)
                .ok_or(SearchError::CorruptIndex)?;
            (list_end..end, end)
        };
        if end > data.len() {
            return Err(SearchError::CorruptIndex);
        }
        out.push(Located {
            gram,
            list: at..list_end,
            positions: positions_range,
            separate,
        });
        at = end;
    }
    Ok(out)
}

/// Finds `gram` in a block (whose key's gram is `first`) without building
/// the entry list.
pub(crate) fn find(data: &[u8], first: u64, gram: u64) -> Result<Option<Located>, SearchError> {
    let mut header = Varints::new(data);
    let count = header.next()?;
    let mut current = first;
    let mut payload = 0usize;
    let mut found = None;
    for _ in 0..count {
        current += header.next()?;
        let list = header.next()? as usize;
        let field = header.next()?;
        let separate = field & 1 == 1;
        let positions = (field >> 1) as usize;
        if current == gram {
            found = Some((payload, list, positions, separate));
        }
        payload += list + if separate { 0 } else { positions };
    }
    let Some((offset, list, positions, separate)) = found else {
        return Ok(None);
    };
    let start = header.offset() + offset;
    let list_end = start + list;
    let end = list_end + if separate { 0 } else { positions };
    if end > data.len() {
        return Err(SearchError::CorruptIndex);
    }
    Ok(Some(Located {
        gram,
        list: start..list_end,
        positions: if separate {
            0..positions
        } else {
            list_end..end
        },
        separate,
    }))
}

/// Writes a segment's postings in gram order.
pub(crate) struct BlockWriter<'c> {
    segment: u32,
    insert: CachedStatement<'c>,
    grams: Vec<(u64, usize, usize)>,
    payload: Vec<u8>,
    first: Option<u64>,
    last: Option<u64>,
}

impl<'c> BlockWriter<'c> {
    pub(crate) fn new(conn: &'c Connection, segment: u32) -> Result<Self, SearchError> {
        Ok(BlockWriter {
            segment,
            insert: conn
                .prepare_cached("INSERT INTO search_postings (key, data) VALUES (?1, ?2)")?,
            grams: Vec::new(),
            payload: Vec::new(),
            first: None,
            last: None,
        })
    }

    /// Adds a gram's postings; grams must increase. `positions` is empty for
    /// single characters and the lengths row.
    pub(crate) fn add(
        &mut self,
        gram: u64,
        list: &[u8],
        positions: &[u8],
    ) -> Result<(), SearchError> {
        if self.last.is_some_and(|last| gram <= last) {
            return Err(SearchError::CorruptIndex);
        }
        self.last = Some(gram);
        if list.len() + positions.len() >= BIG {
            self.flush()?;
            let mut data = Vec::with_capacity(list.len() + 8);
            put(&mut data, 1);
            put(&mut data, 0);
            put(&mut data, list.len() as u64);
            put(&mut data, (positions.len() as u64) << 1 | 1);
            data.extend_from_slice(list);
            self.insert
                .execute(params![list_key(self.segment, gram), data])?;
            if !positions.is_empty() {
                self.insert
                    .execute(params![positions_key(self.segment, gram), positions])?;
            }
            return Ok(());
        }
        self.first.get_or_insert(gram);
        self.grams.push((gram, list.len(), positions.len()));
        self.payload.extend_from_slice(list);
        self.payload.extend_from_slice(positions);
        if self.payload.len() >= BLOCK {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the block being filled.
    pub(crate) fn flush(&mut self) -> Result<(), SearchError> {
        let Some(first) = self.first.take() else {
            return Ok(());
        };
        let mut data = Vec::with_capacity(self.payload.len() + self.grams.len() * 4 + 4);
        put(&mut data, self.grams.len() as u64);
        let mut previous = first;
        for &(gram, list, positions) in &self.grams {
            put(&mut data, gram - previous);
            put(&mut data, list as u64);
            put(&mut data, (positions as u64) << 1);
            previous = gram;
        }
        data.extend_from_slice(&self.payload);
        self.insert
            .execute(params![list_key(self.segment, first), data])?;
        self.grams.clear();
        self.payload.clear();
        Ok(())
    }
}

/// One gram's postings, owned.
#[derive(Debug)]
pub(crate) struct Posting {
    pub gram: u64,
    pub list: Vec<u8>,
    pub positions: Vec<u8>,
}

/// Reads a segment's postings in gram order, a block at a time.
pub(crate) struct SegmentReader<'s, 'c> {
    segment: u32,
    blocks: Rows<'s>,
    separate: &'s mut Statement<'c>,
    pending: std::vec::IntoIter<Posting>,
}

/// The statements a `SegmentReader` runs (kept by the caller, so that
/// several readers can be open at once).
pub(crate) struct ReaderStatements<'c> {
    blocks: Statement<'c>,
    separate: Statement<'c>,
}

impl<'c> ReaderStatements<'c> {
    pub(crate) fn new(conn: &'c Connection) -> Result<Self, SearchError> {
        Ok(ReaderStatements {
            blocks: conn.prepare(
                "SELECT key, data FROM search_postings WHERE key BETWEEN ?1 AND ?2 ORDER BY key",
            )?,
            separate: conn.prepare("SELECT data FROM search_postings WHERE key = ?1")?,
        })
    }

    pub(crate) fn open(&mut self, segment: u32) -> Result<SegmentReader<'_, 'c>, SearchError> {
        let (from, _) = segment_keys(segment);
        let lists_end = positions_key(segment, 0) - 1;
        Ok(SegmentReader {
            segment,
            blocks: self.blocks.query([from, lists_end])?,
            separate: &mut self.separate,
            pending: Vec::new().into_iter(),
        })
    }
}

impl SegmentReader<'_, '_> {
    pub(crate) fn next_posting(&mut self) -> Result<Option<Posting>, SearchError> {
        loop {
            if let Some(posting) = self.pending.next() {
                return Ok(Some(posting));
            }
            let Some(row) = self.blocks.next()? else {
                return Ok(None);
            };
            let (first, _) = split_key(row.get(0)?);
            let data: Vec<u8> = row.get(1)?;
            let mut out = Vec::new();
            for located in entries(&data, first)? {
                let positions = if located.separate {
                    if located.positions.is_empty() {
                        Vec::new()
                    } else {
                        self.separate
                            .query_row([positions_key(self.segment, located.gram)], |r| r.get(0))
                            .optional()?
                            .ok_or(SearchError::CorruptIndex)?
                    }
                } else {
                    data[located.positions.clone()].to_vec()
                };
                out.push(Posting {
                    gram: located.gram,
                    list: data[located.list].to_vec(),
                    positions,
                });
            }
            self.pending = out.into_iter();
        }
    }
}

/// Point reads of one gram's postings in a segment, for searches.
pub(crate) struct Lookup<'c> {
    block: CachedStatement<'c>,
    separate: CachedStatement<'c>,
}

impl<'c> Lookup<'c> {
    pub(crate) fn new(conn: &'c Connection) -> Result<Self, SearchError> {
        Ok(Lookup {
            block: conn.prepare_cached(
                "SELECT key, data FROM search_postings WHERE key BETWEEN ?1 AND ?2
                 ORDER BY key DESC LIMIT 1",
            )?,
            separate: conn.prepare_cached("SELECT data FROM search_postings WHERE key = ?1")?,
        })
    }

    /// Copies out of the block that would hold `gram` the gram's list, or
    /// its positions; `Ok(None)` if the segment has no such gram. For
    /// positions kept apart, returns the empty vector and `true`.
    fn read(
        &mut self,
        segment: u32,
        gram: u64,
        positions: bool,
    ) -> Result<Option<(Vec<u8>, bool)>, SearchError> {
        let (from, _) = segment_keys(segment);
        let mut rows = self.block.query([from, list_key(segment, gram)])?;
        let Some(row) = rows.next()? else {
            return Ok(None);
        };
        let (first, _) = split_key(row.get(0)?);
        // Read in place: only the part wanted is copied.
        let data = match row.get_ref(1)? {
            rusqlite::types::ValueRef::Blob(data) => data,
            _ => return Err(SearchError::CorruptIndex),
        };
        let Some(located) = find(data, first, gram)? else {
            return Ok(None);
        };
        Ok(Some(if !positions {
            (data[located.list].to_vec(), false)
        } else if located.separate {
            (Vec::new(), !located.positions.is_empty())
        } else {
            (data[located.positions].to_vec(), false)
        }))
    }

    /// A gram's page list in a segment.
    pub(crate) fn list(&mut self, segment: u32, gram: u64) -> Result<Option<Vec<u8>>, SearchError> {
        Ok(self.read(segment, gram, false)?.map(|(list, _)| list))
    }

    /// A pair's positions in a segment.
    pub(crate) fn positions(
        &mut self,
        segment: u32,
        gram: u64,
    ) -> Result<Option<Vec<u8>>, SearchError> {
        match self.read(segment, gram, true)? {
            None => Ok(None),
            Some((positions, false)) => Ok(Some(positions)),
            Some((_, true)) => Ok(self
                .separate
                .query_row([positions_key(segment, gram)], |r| r.get(0))
                .optional()?),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_find_every_gram_and_only_those() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE search_postings (key INTEGER PRIMARY KEY, data BLOB NOT NULL)",
        )
        .unwrap();
        // Small postings fill blocks; a big one stands alone, positions apart.
        let postings: Vec<(u64, Vec<u8>, Vec<u8>)> = (0..500u64)
            .map(|i| {
                let gram = i * 3 + 1;
                let size = if i == 250 {
                    5000
                } else {
                    (i % 17) as usize + 1
                };
                let positions = if i % 2 == 0 {
                    vec![i as u8; size]
                } else {
                    Vec::new()
                };
                (gram, vec![(i % 251) as u8; size / 2 + 1], positions)
            })
            .collect();
        {
            let mut writer = BlockWriter::new(&conn, 9).unwrap();
            for (gram, list, positions) in &postings {
                writer.add(*gram, list, positions).unwrap();
            }
            writer.flush().unwrap();
            assert!(writer.add(1, &[1], &[]).is_err(), "grams must increase");
        }
        let rows: i64 = conn
            .query_row("SELECT count(*) FROM search_postings", [], |r| r.get(0))
            .unwrap();
        assert!(rows < 20, "{rows} rows");
        let mut lookup = Lookup::new(&conn).unwrap();
        for (gram, list, positions) in &postings {
            assert_eq!(
                lookup.list(9, *gram).unwrap().as_ref(),
                Some(list),
                "{gram}"
            );
            assert_eq!(
                lookup.positions(9, *gram).unwrap().as_ref(),
                Some(positions)
            );
            assert_eq!(lookup.list(9, gram + 1).unwrap(), None);
            assert_eq!(lookup.list(8, *gram).unwrap(), None);
            assert_eq!(lookup.list(10, *gram).unwrap(), None);
        }
        assert_eq!(lookup.list(9, 0).unwrap(), None);
        let mut statements = ReaderStatements::new(&conn).unwrap();
        let mut reader = statements.open(9).unwrap();
        for (gram, list, positions) in &postings {
            let posting = reader.next_posting().unwrap().unwrap();
            assert_eq!(
                (&posting.gram, &posting.list, &posting.positions),
                (gram, list, positions)
            );
        }
        assert!(reader.next_posting().unwrap().is_none());
    }

    #[test]
    fn damaged_blocks_are_errors() {
        assert!(entries(&[1, 0, 200, 0], 5).is_err());
        assert!(find(&[2, 0, 1, 0], 5, 5).is_err());
        assert!(entries(&[0x80], 5).is_err());
    }
}
