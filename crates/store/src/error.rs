//! The one error type of the crate. Every variant has a stable snake_case
//! code (for programs and logs) and a Simplified Chinese message (for people).
//! Messages never contain keys, PINs or document text.

use std::path::PathBuf;

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("I/O error on {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("search index error: {0}")]
    Search(#[from] pingshen_docs::search::SearchError),
    #[error(transparent)]
    Pki(#[from] pingshen_pki::PkiError),
    #[error("the store database rejects the key (wrong key or damaged file)")]
    KeyRejected,
    #[error("the profile is open in another window or process")]
    Locked,
    #[error("the presented key does not belong to the profile's certificate")]
    KeyMismatch,
    #[error("profile {profile} belongs to another certificate ({presented})")]
    NotProfileOwner { profile: String, presented: String },
    #[error("profile {profile} is damaged: {detail}")]
    ProfileDamaged { profile: String, detail: String },
    #[error("no profile {profile}")]
    NoProfile { profile: String },
    #[error("database schema version {found} is newer than this program ({supported})")]
    SchemaTooNew { found: i64, supported: i64 },
    #[error("invalid {what}: {value:?}")]
    InvalidId { what: &'static str, value: String },
    #[error("invalid JSON for {what}: {detail}")]
    InvalidJson { what: &'static str, detail: String },
    #[error("{what} not found: {key}")]
    NotFound { what: &'static str, key: String },
    #[error("submission {id} was already queued with a different body")]
    OutboxConflict { id: String },
    #[error("submission {id} already has a different receipt")]
    ReceiptConflict { id: String },
    #[error("witness log of {project}: expected seq {expected}, got {got}")]
    WitnessSeqGap {
        project: String,
        expected: i64,
        got: i64,
    },
    #[error("witness log of {project}: entry {seq} does not chain to the previous hash")]
    WitnessPrevMismatch { project: String, seq: i64 },
    #[error("witness log of {project}: entry {seq} already exists with other content")]
    WitnessConflict { project: String, seq: i64 },
    #[error("score sheet of {project} is {state} and can no longer change")]
    SheetLocked {
        project: String,
        state: &'static str,
    },
    #[error("project {project} has {count} undelivered submissions")]
    PurgeBlocked { project: String, count: i64 },
    #[error("encrypted file {file_id} is damaged or was tampered with: {detail}")]
    BlobCorrupt { file_id: String, detail: String },
    #[error("range {offset}+{len} is outside file {file_id} ({size} bytes)")]
    RangeInvalid {
        file_id: String,
        offset: u64,
        len: u64,
        size: u64,
    },
    #[error("cryptographic library error in {context}")]
    Crypto { context: &'static str },
}

/// Result with [`StoreError`].
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    /// Stable machine-readable code, e.g. `store_locked`.
    pub fn code(&self) -> &'static str {
        use StoreError::*;
        match self {
            Io { .. } => "io_error",
            Database(_) => "database_error",
            Search(e) => e.code(),
            Pki(e) => e.code(),
            KeyRejected => "store_key_rejected",
            Locked => "store_locked",
            KeyMismatch => "key_mismatch",
            NotProfileOwner { .. } => "profile_owner_mismatch",
            ProfileDamaged { .. } => "profile_damaged",
            NoProfile { .. } => "no_profile",
            SchemaTooNew { .. } => "schema_too_new",
            InvalidId { .. } => "invalid_id",
            InvalidJson { .. } => "invalid_json",
            NotFound { .. } => "not_found",
            OutboxConflict { .. } => "outbox_conflict",
            ReceiptConflict { .. } => "receipt_conflict",
            WitnessSeqGap { .. } => "witness_seq_gap",
            WitnessPrevMismatch { .. } => "witness_prev_mismatch",
            WitnessConflict { .. } => "witness_conflict",
            SheetLocked { .. } => "sheet_locked",
            PurgeBlocked { .. } => "purge_blocked",
            BlobCorrupt { .. } => "blob_corrupt",
            RangeInvalid { .. } => "range_invalid",
            Crypto { .. } => "crypto_error",
        }
    }

    /// Message for people, in Simplified Chinese.
    pub fn message_zh(&self) -> String {
        use StoreError::*;
        match self {
            Io { path, source } => {
                format!("读写本地文件失败：{}（{source}）", path.display())
            }
            Database(e) => format!("本地数据库出错：{e}"),
            Search(e) => format!("全文检索出错：{e}"),
            Pki(e) => e.message_zh(),
            KeyRejected => "无法打开本地数据库：密钥不符或文件已损坏".to_string(),
            Locked => "该用户的本地数据已在另一个窗口或程序中打开，请先关闭它".to_string(),
            KeyMismatch => "所插入的证书介质（或证书文件）中的私钥与此用户的证书不符".to_string(),
            NotProfileOwner { .. } => {
                "所选用户的本地数据属于另一张证书，不能用当前证书打开".to_string()
            }
            ProfileDamaged { detail, .. } => format!("本地用户资料已损坏：{detail}"),
            NoProfile { .. } => "本机没有该用户的本地数据".to_string(),
            SchemaTooNew { found, supported } => format!(
                "本地数据库由更新版本的程序创建（版本 {found}，本程序支持 {supported}），请升级程序"
            ),
            InvalidId { what, value } => format!("{what}不合法：{value:?}"),
            InvalidJson { what, detail } => format!("{what}不是合法的 JSON：{detail}"),
            NotFound { what, key } => format!("未找到{what}：{key}"),
            OutboxConflict { id } => {
                format!("提交编号 {id} 已用于另一份不同的内容，拒绝重复使用")
            }
            ReceiptConflict { id } => format!("提交编号 {id} 已有一份不同的回执"),
            WitnessSeqGap { expected, got, .. } => {
                format!("见证记录序号不连续：应为 {expected}，实为 {got}")
            }
            WitnessPrevMismatch { seq, .. } => {
                format!("见证记录第 {seq} 条的前一条哈希与本地记录不符")
            }
            WitnessConflict { seq, .. } => {
                format!("见证记录第 {seq} 条已存在且内容不同")
            }
            SheetLocked { state, .. } => {
                format!("评分表已{state}，不能再修改")
            }
            PurgeBlocked { count, .. } => {
                format!("该项目还有 {count} 份提交尚未送达平台，暂不能清除本地数据")
            }
            BlobCorrupt { file_id, .. } => {
                format!("加密文件 {file_id} 已损坏或被篡改，请重新下载")
            }
            RangeInvalid {
                file_id,
                offset,
                len,
                size,
            } => format!("读取范围 {offset}+{len} 超出文件 {file_id} 的长度（{size} 字节）"),
            Crypto { context } => format!("加密库出错（{context}）"),
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        StoreError::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn not_found(what: &'static str, key: impl Into<String>) -> Self {
        StoreError::NotFound {
            what,
            key: key.into(),
        }
    }
}

/// Maps an OpenSSL failure without leaking its details (they may quote inputs).
pub(crate) fn crypto(context: &'static str) -> impl Fn(openssl::error::ErrorStack) -> StoreError {
    move |_| StoreError::Crypto { context }
}

/// The desktop's IPC error: the same stable code, the Chinese message.
impl From<StoreError> for pingshen_api::ipc::AppError {
    fn from(e: StoreError) -> Self {
        pingshen_api::ipc::AppError::new(e.code(), e.message_zh())
    }
}
