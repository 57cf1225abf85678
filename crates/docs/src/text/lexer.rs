//! A tolerant tokenizer for content streams and CMaps: operands pile up
//! until an operator (a bare keyword) arrives. Damaged input never stops it:
//! an unreadable byte is skipped, an unterminated string or array ends at the
//! end of the data, nesting is bounded.

/// Arrays nested deeper than this are skipped rather than parsed.
const MAX_DEPTH: usize = 16;
/// Operands kept for one operator; more than this (never seen in a real
/// content stream) are dropped.
const MAX_OPERANDS: usize = 100_000;

#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Number(f64),
    Name(Vec<u8>),
    String(Vec<u8>),
    Array(Vec<Operand>),
    /// Dictionaries, procedures, booleans, null: read past, never needed.
    Other,
}

impl Operand {
    pub fn number(&self) -> Option<f64> {
        match self {
            Operand::Number(n) if n.is_finite() => Some(*n),
            _ => None,
        }
    }
}

pub struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
}

fn is_white(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'\0')
}

fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(b: u8) -> bool {
    !is_white(b) && !is_delimiter(b)
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

enum Token<'a> {
    Operand(Operand),
    Keyword(&'a [u8]),
    ArrayEnd,
    End,
}

impl<'a> Lexer<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Lexer { data, pos: 0 }
    }

    /// The next operator, with its operands in `operands` (cleared first).
    /// `None` at the end of the data.
    pub fn next_operation(&mut self, operands: &mut Vec<Operand>) -> Option<&'a [u8]> {
        operands.clear();
        loop {
            match self.token(0) {
                Token::Operand(operand) => {
                    if operands.len() < MAX_OPERANDS {
                        operands.push(operand);
                    }
                }
                Token::Keyword(b"BI") => {
                    self.skip_inline_image();
                    operands.clear();
                }
                Token::Keyword(keyword) => return Some(keyword),
                Token::ArrayEnd => {}
                Token::End => return None,
            }
        }
    }

    fn skip_white(&mut self) {
        while let Some(&b) = self.data.get(self.pos) {
            if is_white(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(&c) = self.data.get(self.pos) {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    fn token(&mut self, depth: usize) -> Token<'a> {
        loop {
            self.skip_white();
            let Some(&b) = self.data.get(self.pos) else {
                return Token::End;
            };
            match b {
                b'(' => {
                    self.pos += 1;
                    return Token::Operand(Operand::String(self.literal_string()));
                }
                b'<' if self.data.get(self.pos + 1) == Some(&b'<') => {
                    self.pos += 2;
                    self.skip_nested(b"<<", b">>");
                    return Token::Operand(Operand::Other);
                }
                b'<' => {
                    self.pos += 1;
                    return Token::Operand(Operand::String(self.hex_string()));
                }
                b'[' => {
                    self.pos += 1;
                    if depth >= MAX_DEPTH {
                        self.skip_nested(b"[", b"]");
                        return Token::Operand(Operand::Other);
                    }
                    let mut items = Vec::new();
                    loop {
                        match self.token(depth + 1) {
                            Token::Operand(o) => {
                                if items.len() < MAX_OPERANDS {
                                    items.push(o)
                                }
                            }
                            // Keywords inside arrays (damage) are ignored.
                            Token::Keyword(_) => {}
                            Token::ArrayEnd | Token::End => break,
                        }
                    }
                    return Token::Operand(Operand::Array(items));
                }
                b']' => {
                    self.pos += 1;
                    return Token::ArrayEnd;
                }
                b'{' => {
                    self.pos += 1;
                    self.skip_nested(b"{", b"}");
                    return Token::Operand(Operand::Other);
                }
                b'/' => {
                    self.pos += 1;
                    return Token::Operand(Operand::Name(self.name()));
                }
                b'0'..=b'9' | b'+' | b'-' | b'.' => {
                    return Token::Operand(self.number());
                }
                b')' | b'>' | b'}' => {
                    // Stray closing delimiter: skip it.
                    self.pos += 1;
                }
                _ => {
                    let start = self.pos;
                    while self.data.get(self.pos).is_some_and(|&c| is_regular(c)) {
                        self.pos += 1;
                    }
                    let word = &self.data[start..self.pos];
                    return match word {
                        b"true" | b"false" | b"null" => Token::Operand(Operand::Other),
                        _ => Token::Keyword(word),
                    };
                }
            }
        }
    }

    fn literal_string(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut depth = 1usize;
        while let Some(&b) = self.data.get(self.pos) {
            self.pos += 1;
            match b {
                b'(' => {
                    depth += 1;
                    out.push(b);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return out;
                    }
                    out.push(b);
                }
                b'\\' => {
                    let Some(&e) = self.data.get(self.pos) else {
                        break;
                    };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'0'..=b'7' => {
                            let mut value = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.data.get(self.pos) {
                                    Some(&d @ b'0'..=b'7') => {
                                        value = value * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push(value as u8);
                        }
                        b'\r' => {
                            if self.data.get(self.pos) == Some(&b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        other => out.push(other),
                    }
                }
                _ => out.push(b),
            }
        }
        out
    }

    fn hex_string(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut high: Option<u8> = None;
        while let Some(&b) = self.data.get(self.pos) {
            self.pos += 1;
            if b == b'>' {
                break;
            }
            if let Some(v) = hex_value(b) {
                match high.take() {
                    Some(h) => out.push(h << 4 | v),
                    None => high = Some(v),
                }
            }
        }
        if let Some(h) = high {
            out.push(h << 4);
        }
        out
    }

    fn name(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        while let Some(&b) = self.data.get(self.pos) {
            if !is_regular(b) {
                break;
            }
            self.pos += 1;
            if b == b'#' {
                let hi = self.data.get(self.pos).copied().and_then(hex_value);
                let lo = self.data.get(self.pos + 1).copied().and_then(hex_value);
                if let (Some(hi), Some(lo)) = (hi, lo) {
                    out.push(hi << 4 | lo);
                    self.pos += 2;
                    continue;
                }
            }
            out.push(b);
        }
        out
    }

    fn number(&mut self) -> Operand {
        let start = self.pos;
        while self.data.get(self.pos).is_some_and(|&c| is_regular(c)) {
            self.pos += 1;
        }
        let text = &self.data[start..self.pos];
        // Tolerate producers' oddities ("--5", "1.2.3", "4-"): read the
        // longest prefix that makes a number.
        let mut negative = false;
        let mut i = 0;
        while i < text.len() && (text[i] == b'-' || text[i] == b'+') {
            negative ^= text[i] == b'-';
            i += 1;
        }
        let mut value = 0f64;
        let mut seen_digit = false;
        while i < text.len() && text[i].is_ascii_digit() {
            value = value * 10.0 + f64::from(text[i] - b'0');
            seen_digit = true;
            i += 1;
        }
        if i < text.len() && text[i] == b'.' {
            i += 1;
            let mut scale = 0.1;
            while i < text.len() && text[i].is_ascii_digit() {
                value += f64::from(text[i] - b'0') * scale;
                scale *= 0.1;
                seen_digit = true;
                i += 1;
            }
        }
        if !seen_digit {
            return Operand::Other;
        }
        Operand::Number(if negative { -value } else { value })
    }

    /// Skips to the matching `close` (the opening one is consumed already),
    /// passing over strings so that brackets inside them do not count.
    fn skip_nested(&mut self, open: &[u8], close: &[u8]) {
        let mut depth = 1usize;
        while self.pos < self.data.len() {
            let rest = &self.data[self.pos..];
            if rest[0] == b'(' {
                self.pos += 1;
                self.literal_string();
            } else if rest.starts_with(close) {
                self.pos += close.len();
                depth -= 1;
                if depth == 0 {
                    return;
                }
            } else if rest.starts_with(open) {
                self.pos += open.len();
                depth += 1;
            } else if open == b"<<" && rest[0] == b'<' {
                self.pos += 1;
                self.hex_string();
            } else {
                self.pos += 1;
            }
        }
    }

    /// `BI … ID <binary> EI`: the binary data ends at whitespace + `EI`
    /// followed by whitespace or the end.
    fn skip_inline_image(&mut self) {
        let Some(id) = find(&self.data[self.pos..], b"ID") else {
            self.pos = self.data.len();
            return;
        };
        self.pos += id + 3;
        let data = &self.data[self.pos.min(self.data.len())..];
        let mut i = 0;
        while i + 2 <= data.len() {
            if &data[i..i + 2] == b"EI"
                && (i == 0 || is_white(data[i - 1]))
                && data
                    .get(i + 2)
                    .is_none_or(|&c| is_white(c) || is_delimiter(c))
            {
                self.pos += i + 2;
                return;
            }
            i += 1;
        }
        self.pos = self.data.len();
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operations(data: &[u8]) -> Vec<(String, Vec<Operand>)> {
        let mut lexer = Lexer::new(data);
        let mut operands = Vec::new();
        let mut out = Vec::new();
        while let Some(op) = lexer.next_operation(&mut operands) {
            out.push((String::from_utf8_lossy(op).into_owned(), operands.clone()));
        }
        out
    }

    #[test]
    fn reads_operators_and_operands() {
        let ops = operations(
            b"BT /F1 12 Tf 1 0 0 1 72.5 -.5 Tm (a\\(b\\)\\101\\\n) Tj [<00 4F> -250 (x)] TJ ET",
        );
        assert_eq!(ops[0].0, "BT");
        assert_eq!(
            ops[1],
            (
                "Tf".into(),
                vec![Operand::Name(b"F1".to_vec()), Operand::Number(12.0)]
            )
        );
        assert_eq!(ops[2].1[4], Operand::Number(72.5));
        assert_eq!(ops[2].1[5], Operand::Number(-0.5));
        assert_eq!(ops[3].1, vec![Operand::String(b"a(b)A".to_vec())]);
        assert_eq!(
            ops[4].1,
            vec![Operand::Array(vec![
                Operand::String(vec![0x00, 0x4F]),
                Operand::Number(-250.0),
                Operand::String(b"x".to_vec())
            ])]
        );
        assert_eq!(ops[5].0, "ET");
    }

    #[test]
    fn skips_dictionaries_inline_images_and_damage() {
        let ops = operations(
            b"/P <</MCID 0 /Alt (a >> b)>> BDC BI /W 2 /H 1 ID \x00EI\xff EI Q ) ] --3 4. Td",
        );
        let names: Vec<&str> = ops.iter().map(|(o, _)| o.as_str()).collect();
        assert_eq!(names, ["BDC", "Q", "Td"]);
        assert_eq!(ops[2].1, vec![Operand::Number(3.0), Operand::Number(4.0)]);
        // Unterminated input ends cleanly.
        assert_eq!(operations(b"(never closed").len(), 0);
        assert_eq!(
            operations(b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1 Tj").len(),
            0
        );
    }
}
