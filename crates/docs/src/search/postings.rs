//! The byte format of postings. All numbers are unsigned LEB128 varints.
//!
//! - A page list: for each page holding the gram, in increasing page id
//!   order, the id's difference from the previous one (the first from 0) and
//!   the count of the gram on the page (for the lengths row: the page's
//!   length in characters).
//! - A pair's positions: for each page of its list, in the same order, that
//!   many positions (character offsets in the page's search form), the first
//!   as is and each next as the difference from the one before.

use super::SearchError;

pub(crate) fn put(buf: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        buf.push(value as u8 | 0x80);
        value >>= 7;
    }
    buf.push(value as u8);
}

fn corrupt() -> SearchError {
    SearchError::CorruptIndex
}

/// Reads varints from a byte slice.
#[derive(Debug, Clone)]
pub(crate) struct Varints<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Varints<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Varints { data, at: 0 }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.at >= self.data.len()
    }

    /// Bytes read so far.
    pub(crate) fn offset(&self) -> usize {
        self.at
    }

    #[inline(always)]
    pub(crate) fn next(&mut self) -> Result<u64, SearchError> {
        // Most numbers are one byte.
        if let Some(&byte) = self.data.get(self.at) {
            if byte < 0x80 {
                self.at += 1;
                return Ok(u64::from(byte));
            }
        }
        let mut value = 0u64;
        let mut shift = 0;
        loop {
            let byte = *self.data.get(self.at).ok_or_else(corrupt)?;
            self.at += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Ok(value);
            }
            shift += 7;
            if shift > 63 {
                return Err(corrupt());
            }
        }
    }

    /// The bytes of the next `count` varints, not decoded.
    #[inline]
    pub(crate) fn take(&mut self, count: u64) -> Result<&'a [u8], SearchError> {
        let start = self.at;
        let mut left = count;
        // Eight bytes at a time while they cannot hold the last number: the
        // numbers ending in them are the bytes with the high bit clear.
        while left > 8 {
            let Some(chunk) = self.data.get(self.at..self.at + 8) else {
                break;
            };
            let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
            left -= u64::from((!word & 0x8080_8080_8080_8080).count_ones());
            self.at += 8;
        }
        while left > 0 {
            let byte = *self.data.get(self.at).ok_or_else(corrupt)?;
            self.at += 1;
            if byte < 0x80 {
                left -= 1;
            }
        }
        Ok(&self.data[start..self.at])
    }
}

/// One page of a page list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    pub id: i64,
    pub count: u32,
}

/// The entries of a page list, in id order.
#[derive(Debug, Clone)]
pub(crate) struct PageList<'a> {
    bytes: Varints<'a>,
    last: i64,
}

impl<'a> PageList<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        PageList {
            bytes: Varints::new(data),
            last: 0,
        }
    }

    #[inline(always)]
    pub(crate) fn next_entry(&mut self) -> Result<Option<Entry>, SearchError> {
        if self.bytes.is_empty() {
            return Ok(None);
        }
        let delta = self.bytes.next()?;
        let count = self.bytes.next()?;
        self.last = self
            .last
            .checked_add(i64::try_from(delta).map_err(|_| corrupt())?)
            .ok_or_else(corrupt)?;
        Ok(Some(Entry {
            id: self.last,
            count: u32::try_from(count).map_err(|_| corrupt())?,
        }))
    }

    #[cfg(test)]
    pub(crate) fn collect(mut self) -> Result<Vec<Entry>, SearchError> {
        let mut out = Vec::new();
        while let Some(entry) = self.next_entry()? {
            out.push(entry);
        }
        Ok(out)
    }
}

/// Positions of one page, decoded from the bytes `Varints::take` returned.
pub(crate) fn decode_positions(bytes: &[u8], into: &mut Vec<u32>) -> Result<(), SearchError> {
    into.clear();
    let mut reader = Varints::new(bytes);
    let mut position = 0u64;
    let mut first = true;
    while !reader.is_empty() {
        let value = reader.next()?;
        position = if first { value } else { position + value };
        first = false;
        into.push(u32::try_from(position).map_err(|_| corrupt())?);
    }
    Ok(())
}

/// Writes a page list, and a pair's positions beside it.
#[derive(Debug, Default)]
pub(crate) struct Writer {
    pub list: Vec<u8>,
    pub positions: Vec<u8>,
    last: i64,
}

impl Writer {
    /// Appends a page; ids must increase.
    pub(crate) fn push(&mut self, id: i64, count: u64) {
        debug_assert!(id > self.last || self.list.is_empty());
        put(&mut self.list, (id - self.last) as u64);
        put(&mut self.list, count);
        self.last = id;
    }

    /// Appends a page with its positions (increasing).
    pub(crate) fn push_positions(&mut self, id: i64, positions: &[u32]) {
        self.push(id, positions.len() as u64);
        let mut previous = 0;
        for (i, &p) in positions.iter().enumerate() {
            put(
                &mut self.positions,
                u64::from(if i == 0 { p } else { p - previous }),
            );
            previous = p;
        }
    }

    /// Appends a page with positions already encoded (copied from a list).
    pub(crate) fn push_encoded(&mut self, id: i64, count: u32, positions: &[u8]) {
        self.push(id, u64::from(count));
        self.positions.extend_from_slice(positions);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_positions_round_trip() {
        let mut writer = Writer::default();
        writer.push_positions(3, &[0, 5, 300]);
        writer.push_positions(1_000_000, &[7]);
        writer.push(1_000_200, 2);
        let mut list = PageList::new(&writer.list);
        let mut positions = Varints::new(&writer.positions);
        let mut decoded = Vec::new();
        let first = list.next_entry().unwrap().unwrap();
        assert_eq!(first, Entry { id: 3, count: 3 });
        decode_positions(positions.take(3).unwrap(), &mut decoded).unwrap();
        assert_eq!(decoded, vec![0, 5, 300]);
        let second = list.next_entry().unwrap().unwrap();
        assert_eq!(
            second,
            Entry {
                id: 1_000_000,
                count: 1
            }
        );
        decode_positions(positions.take(1).unwrap(), &mut decoded).unwrap();
        assert_eq!(decoded, vec![7]);
        assert_eq!(
            list.next_entry().unwrap(),
            Some(Entry {
                id: 1_000_200,
                count: 2
            })
        );
        assert_eq!(list.next_entry().unwrap(), None);
        assert!(positions.is_empty());
    }

    #[test]
    fn take_skips_exactly_the_numbers_asked_for() {
        let values: Vec<u64> = (0..300u64).map(|i| (i * 7919) % (1 << (i % 30))).collect();
        let mut bytes = Vec::new();
        let mut ends = vec![0];
        for &v in &values {
            put(&mut bytes, v);
            ends.push(bytes.len());
        }
        for (from, count) in [
            (0, 0),
            (0, 1),
            (0, 9),
            (3, 17),
            (5, 200),
            (0, 300),
            (299, 1),
        ] {
            let mut reader = Varints::new(&bytes);
            reader.take(from as u64).unwrap();
            let taken = reader.take(count as u64).unwrap();
            assert_eq!(
                taken,
                &bytes[ends[from]..ends[from + count]],
                "{from} {count}"
            );
            if from + count < values.len() {
                assert_eq!(reader.next().unwrap(), values[from + count]);
            }
        }
        assert!(Varints::new(&bytes).take(301).is_err());
    }

    #[test]
    fn truncated_bytes_are_an_error_not_a_panic() {
        let mut writer = Writer::default();
        writer.push(u32::MAX as i64 * 4, 1);
        let cut = &writer.list[..2];
        assert!(PageList::new(cut).collect().is_err());
        assert!(Varints::new(&[0x80]).take(1).is_err());
        assert!(Varints::new(&[0xff; 11]).next().is_err());
    }
}
