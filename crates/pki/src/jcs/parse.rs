//! A strict I-JSON parser: the canonical form must never silently drop a
//! duplicate member or change a number, so serde_json's lenient parse
//! (last duplicate wins, approximate float parsing) is not used here.

use crate::error::{PkiError, Result};
use std::collections::HashSet;

/// Nesting deeper than this is refused (protects the stack).
const MAX_DEPTH: usize = 128;
/// 2^53: integers beyond it may not survive the trip through a double.
const MAX_SAFE: f64 = 9_007_199_254_740_992.0;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

pub(crate) fn parse(input: &[u8]) -> Result<Json> {
    let text = std::str::from_utf8(input).map_err(|e| err(format!("不是有效的 UTF-8：{e}")))?;
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        pos: 0,
    };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    if p.pos != p.s.len() {
        return Err(p.fail("JSON 值之后还有多余内容"));
    }
    Ok(v)
}

fn err(detail: String) -> PkiError {
    PkiError::InvalidJson { detail }
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn fail(&self, what: &str) -> PkiError {
        err(format!("{what}（位置 {}）", self.pos))
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.s.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn expect(&mut self, lit: &[u8]) -> Result<()> {
        if self.s[self.pos..].starts_with(lit) {
            self.pos += lit.len();
            Ok(())
        } else {
            Err(self.fail("无法识别的字面量"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json> {
        if depth > MAX_DEPTH {
            return Err(self.fail("嵌套层次过深"));
        }
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => Ok(Json::String(self.string()?)),
            Some(b't') => self.expect(b"true").map(|_| Json::Bool(true)),
            Some(b'f') => self.expect(b"false").map(|_| Json::Bool(false)),
            Some(b'n') => self.expect(b"null").map(|_| Json::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.fail("意外的字符")),
            None => Err(self.fail("意外的结尾")),
        }
    }

    fn object(&mut self, depth: usize) -> Result<Json> {
        self.pos += 1;
        let mut members = Vec::new();
        let mut seen = HashSet::new();
        self.ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Json::Object(members));
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return Err(self.fail("对象成员名必须是字符串"));
            }
            let key = self.string()?;
            if !seen.insert(key.clone()) {
                return Err(self.fail(&format!("成员名重复：{key}")));
            }
            self.ws();
            if self.peek() != Some(b':') {
                return Err(self.fail("缺少冒号"));
            }
            self.pos += 1;
            self.ws();
            let v = self.value(depth + 1)?;
            members.push((key, v));
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Json::Object(members));
                }
                _ => return Err(self.fail("缺少逗号或右花括号")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Json> {
        self.pos += 1;
        let mut items = Vec::new();
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Json::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value(depth + 1)?);
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Json::Array(items));
                }
                _ => return Err(self.fail("缺少逗号或右方括号")),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32> {
        let h = self
            .text
            .get(self.pos..self.pos + 4)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.fail("\\u 转义需要四位十六进制数"))?;
        self.pos += 4;
        Ok(u32::from_str_radix(h, 16).expect("checked hex digits"))
    }

    fn string(&mut self) -> Result<String> {
        self.pos += 1; // opening quote
        let mut out = String::new();
        loop {
            let start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.text[start..self.pos]);
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let esc = self.peek().ok_or_else(|| self.fail("意外的结尾"))?;
                    self.pos += 1;
                    match esc {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => out.push(self.unicode_escape()?),
                        _ => return Err(self.fail("无效的转义序列")),
                    }
                }
                Some(_) => return Err(self.fail("字符串中不允许未转义的控制字符")),
                None => return Err(self.fail("字符串没有结束")),
            }
        }
    }

    fn unicode_escape(&mut self) -> Result<char> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if !self.s[self.pos..].starts_with(b"\\u") {
                    return Err(self.fail("孤立的 UTF-16 代理项"));
                }
                self.pos += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.fail("孤立的 UTF-16 代理项"));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.fail("孤立的 UTF-16 代理项")),
            c => c,
        };
        char::from_u32(code).ok_or_else(|| self.fail("无效的 Unicode 码点"))
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Json> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.fail("无效的数值")),
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            integer = false;
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.fail("小数点后缺少数字"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            integer = false;
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.fail("指数缺少数字"));
            }
        }
        let text = &self.text[start..self.pos];
        // Rust's float parser is correctly rounded, as RFC 8785 requires.
        let value: f64 = text.parse().map_err(|_| self.fail("无效的数值"))?;
        if !value.is_finite() {
            return Err(self.fail("数值超出 IEEE 754 双精度范围"));
        }
        if integer && value.abs() > MAX_SAFE {
            // An integer literal that a double cannot hold exactly would be
            // changed by canonicalisation: refuse it (send big ids as strings).
            let exact = text
                .parse::<i128>()
                .ok()
                .map(|n| n as f64 == value && value as i128 == n);
            if exact != Some(true) {
                return Err(self.fail("整数超出 ±2^53，无法精确表示（请改用字符串）"));
            }
        }
        Ok(Json::Number(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_duplicates_lone_surrogates_and_garbage() {
        assert!(parse(br#"{"a":1,"a":2}"#).is_err());
        assert!(parse(br#""\ud800""#).is_err());
        assert!(parse(br#""\udc00x""#).is_err());
        assert!(parse(b"[1,]").is_err());
        assert!(parse(b"01").is_err());
        assert!(parse(b"1.").is_err());
        assert!(parse(b"1e400").is_err());
        assert!(parse(b"\"a\x01\"").is_err());
        assert!(parse(b"{} x").is_err());
        assert!(parse(b"12345678901234567891").is_err());
    }

    #[test]
    fn accepts_exact_large_integers_and_deep_but_bounded_nesting() {
        assert_eq!(
            parse(b"9007199254740992").unwrap(),
            Json::Number(9007199254740992.0)
        );
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert!(parse(deep.as_bytes()).is_ok());
        let too_deep = "[".repeat(200) + &"]".repeat(200);
        assert!(parse(too_deep.as_bytes()).is_err());
    }
}
