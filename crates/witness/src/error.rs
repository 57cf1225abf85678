//! Why an entry (or an envelope holding one) is not acceptable. Each variant
//! has a stable `code()`; the Display text is Chinese for people.

/// A malformed entry or envelope.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    #[error("{field}无效：{reason}")]
    BadField { field: &'static str, reason: String },
    #[error("见证记录编号“{0}”不是小写的 UUIDv7")]
    BadEntryId(String),
    #[error("序号 {0} 无效：序号从 1 开始，且不超过 2^53−1")]
    BadSeq(u64),
    #[error("上一条哈希无效：{0}")]
    BadPrevHash(String),
    #[error("记录文字过长（{len} 个字符，最多 {max} 个）")]
    TextTooLong { len: usize, max: usize },
    #[error("“{category}”类记录必须写明情况")]
    TextRequired { category: &'static str },
    #[error("附件 {index}：{reason}")]
    BadAttachment { index: usize, reason: String },
    #[error("更正的记录编号无效：{0}")]
    BadCorrection(String),
    #[error("签名信封格式错误：{0}")]
    BadEnvelope(String),
    #[error("签名内容不是见证记录：{0}")]
    NotAnEntry(String),
    #[error("签名内容与待签的见证记录不一致")]
    PayloadMismatch,
}

impl EntryError {
    /// Stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            EntryError::BadField { .. } => "bad_field",
            EntryError::BadEntryId(_) => "bad_entry_id",
            EntryError::BadSeq(_) => "bad_seq",
            EntryError::BadPrevHash(_) => "bad_prev_hash",
            EntryError::TextTooLong { .. } => "text_too_long",
            EntryError::TextRequired { .. } => "text_required",
            EntryError::BadAttachment { .. } => "bad_attachment",
            EntryError::BadCorrection(_) => "bad_correction",
            EntryError::BadEnvelope(_) => "bad_envelope",
            EntryError::NotAnEntry(_) => "not_an_entry",
            EntryError::PayloadMismatch => "payload_mismatch",
        }
    }

    /// The Chinese message (same as Display).
    pub fn message_zh(&self) -> String {
        self.to_string()
    }
}
