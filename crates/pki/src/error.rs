//! The one error type of the crate. Every variant has a stable snake_case
//! code (for programs and logs) and a Simplified Chinese message (for people).
//! Messages never contain PINs, passwords or key material.

use std::path::PathBuf;

/// Everything that can go wrong in the pki crate.
#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    #[error("malformed {what}: {detail}")]
    Malformed { what: String, detail: String },
    #[error("certificate {subject} expired at {not_after}")]
    Expired { subject: String, not_after: String },
    #[error("certificate {subject} not valid before {not_before}")]
    NotYetValid { subject: String, not_before: String },
    #[error("no trusted root for {subject}")]
    UntrustedRoot { subject: String },
    #[error("certificate {subject} (serial {serial}) is revoked since {revoked_at}")]
    Revoked {
        subject: String,
        serial: String,
        revoked_at: String,
    },
    #[error("certificate {subject}: key usage does not allow {needed}")]
    BadKeyUsage { subject: String, needed: String },
    #[error("certificate {subject} may not issue certificates (basic constraints)")]
    BadBasicConstraints { subject: String },
    #[error("signature on certificate {subject} does not verify")]
    BadSignature { subject: String },
    #[error("CRL of {issuer} expired at {next_update}")]
    CrlExpired { issuer: String, next_update: String },
    #[error("CRL of {issuer} has a bad signature")]
    CrlBadSignature { issuer: String },
    #[error("no CRL for issuer {issuer}")]
    CrlMissing { issuer: String },
    #[error("{subject} is not the platform's signing certificate")]
    NotPlatform { subject: String },
    #[error("platform certificate {fingerprint} is not the pinned one")]
    PlatformNotPinned { fingerprint: String },
    #[error("chain validation failed: {detail}")]
    ChainInvalid { detail: String },
    #[error("unsupported algorithm: {detail}")]
    UnsupportedAlgorithm { detail: String },
    #[error("wrong password or corrupted PKCS#12 file")]
    WrongPassword,
    #[error("incorrect PIN")]
    PinIncorrect,
    #[error("PIN locked")]
    PinLocked,
    #[error("token {label} not found")]
    TokenNotFound { label: String },
    #[error("key or certificate with id {id} not found on the token")]
    KeyNotFound { id: String },
    #[error("token error: {detail}")]
    Token { detail: String },
    #[error("signature does not verify")]
    SignatureInvalid,
    #[error("algorithm {header} does not match the signer's {key} key")]
    AlgMismatch { header: String, key: String },
    #[error("bad envelope: {detail}")]
    BadEnvelope { detail: String },
    #[error("payload is not canonical JSON (RFC 8785)")]
    NotCanonical,
    #[error("invalid JSON: {detail}")]
    InvalidJson { detail: String },
    #[error("cannot unwrap data key: {detail}")]
    UnwrapFailed { detail: String },
    #[error("private key does not belong to the certificate")]
    KeyMismatch,
    #[error("{path} exists and is not empty")]
    AlreadyExists { path: PathBuf },
    #[error("I/O error on {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cryptographic library error: {detail}")]
    Crypto { detail: String },
}

impl PkiError {
    /// Stable machine-readable code, e.g. `expired`.
    pub fn code(&self) -> &'static str {
        use PkiError::*;
        match self {
            Malformed { .. } => "malformed",
            Expired { .. } => "expired",
            NotYetValid { .. } => "not_yet_valid",
            UntrustedRoot { .. } => "untrusted_root",
            Revoked { .. } => "revoked",
            BadKeyUsage { .. } => "bad_key_usage",
            BadBasicConstraints { .. } => "bad_basic_constraints",
            BadSignature { .. } => "bad_signature",
            // Both mean the same for a decision: nobody can say whether the
            // certificate is revoked. Policy turns this into a refusal.
            CrlExpired { .. } | CrlMissing { .. } => "revocation_unknown",
            CrlBadSignature { .. } => "crl_bad_signature",
            NotPlatform { .. } => "not_platform_signer",
            PlatformNotPinned { .. } => "platform_cert_changed",
            ChainInvalid { .. } => "chain_invalid",
            UnsupportedAlgorithm { .. } => "unsupported_algorithm",
            WrongPassword => "wrong_password",
            PinIncorrect => "pin_incorrect",
            PinLocked => "pin_locked",
            TokenNotFound { .. } => "token_not_found",
            KeyNotFound { .. } => "key_not_found",
            Token { .. } => "token_error",
            SignatureInvalid => "signature_invalid",
            AlgMismatch { .. } => "alg_mismatch",
            BadEnvelope { .. } => "bad_envelope",
            NotCanonical => "not_canonical",
            InvalidJson { .. } => "invalid_json",
            UnwrapFailed { .. } => "unwrap_failed",
            KeyMismatch => "key_mismatch",
            AlreadyExists { .. } => "already_exists",
            Io { .. } => "io_error",
            Crypto { .. } => "crypto_error",
        }
    }

    /// Message for people, in Simplified Chinese.
    pub fn message_zh(&self) -> String {
        use PkiError::*;
        match self {
            Malformed { what, detail } => format!("{what}格式错误，无法解析（{detail}）"),
            Expired { subject, not_after } => {
                format!("证书已过期：{subject}（有效期至 {not_after}）")
            }
            NotYetValid {
                subject,
                not_before,
            } => format!("证书尚未生效：{subject}（生效时间 {not_before}）"),
            UntrustedRoot { subject } => {
                format!("证书链无法追溯到受信任的根证书（CA互认列表之外）：{subject}")
            }
            Revoked {
                subject,
                serial,
                revoked_at,
            } => {
                format!("证书已被吊销：{subject}（序列号 {serial}，吊销时间 {revoked_at}）")
            }
            BadKeyUsage { subject, needed } => {
                format!("证书密钥用法不允许{needed}：{subject}")
            }
            BadBasicConstraints { subject } => {
                format!("证书基本约束不允许其签发证书（不是CA证书或超出路径长度）：{subject}")
            }
            BadSignature { subject } => format!("证书签名验证失败：{subject}"),
            CrlExpired {
                issuer,
                next_update,
            } => format!(
                "吊销状态未知：签发者的证书吊销列表已过期（{issuer}，应于 {next_update} 前更新）"
            ),
            CrlBadSignature { issuer } => format!("证书吊销列表签名无效：{issuer}"),
            CrlMissing { issuer } => {
                format!("吊销状态未知：缺少签发者的证书吊销列表，无法检查吊销状态（{issuer}）")
            }
            NotPlatform { subject } => {
                format!("签名人不是评标平台，已拒绝：{subject}")
            }
            PlatformNotPinned { fingerprint } => format!(
                "评标平台的签名证书与本机固定的证书不符（指纹 {fingerprint}）。\
如平台确已更换证书，请向交易中心核实新指纹后再接受"
            ),
            ChainInvalid { detail } => format!("证书链验证失败：{detail}"),
            UnsupportedAlgorithm { detail } => format!("不支持的算法或密钥：{detail}"),
            WrongPassword => "证书文件密码错误，或文件已损坏".to_string(),
            PinIncorrect => "PIN码错误".to_string(),
            PinLocked => "PIN码已锁定，请联系CA机构解锁".to_string(),
            TokenNotFound { label } => format!("未找到标签为“{label}”的证书介质（USB Key）"),
            KeyNotFound { id } => format!("证书介质中未找到标识为 {id} 的密钥或证书"),
            Token { detail } => format!("证书介质操作失败：{detail}"),
            SignatureInvalid => "签名值验证失败：文档内容或签名已被篡改".to_string(),
            AlgMismatch { header, key } => {
                format!("签名算法 {header} 与签名者证书的密钥类型 {key} 不一致")
            }
            BadEnvelope { detail } => format!("签名信封格式错误：{detail}"),
            NotCanonical => "签名内容不是规范化JSON（RFC 8785）".to_string(),
            InvalidJson { detail } => format!("JSON格式错误：{detail}"),
            UnwrapFailed { detail } => format!("无法解开本地缓存密钥：{detail}"),
            KeyMismatch => "私钥与证书不匹配".to_string(),
            AlreadyExists { path } => {
                format!("目录已存在且不为空：{}", path.display())
            }
            Io { path, source } => format!("读写文件失败：{}（{source}）", path.display()),
            Crypto { detail } => format!("密码运算失败：{detail}"),
        }
    }

    pub(crate) fn crypto(context: &str, e: openssl::error::ErrorStack) -> Self {
        PkiError::Crypto {
            detail: format!("{context}: {e}"),
        }
    }

    pub(crate) fn malformed(what: &str, detail: impl std::fmt::Display) -> Self {
        PkiError::Malformed {
            what: what.to_string(),
            detail: detail.to_string(),
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        PkiError::Io {
            path: path.into(),
            source,
        }
    }
}

/// Result alias used throughout the crate.
pub type Result<T> = std::result::Result<T, PkiError>;

/// The desktop's IPC error: the same stable code, the Chinese message.
impl From<PkiError> for pingshen_api::ipc::AppError {
    fn from(e: PkiError) -> Self {
        pingshen_api::ipc::AppError::new(e.code(), e.message_zh())
    }
}
