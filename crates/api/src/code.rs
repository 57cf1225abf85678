//! The stable error codes carried by [`crate::ApiError`] (platform answers)
//! and [`crate::ipc::AppError`] (desktop commands).
//!
//! On the wire a code is a plain snake_case string, so a newer platform may
//! send a code this build does not know: it arrives as [`ErrorCode::Other`]
//! and is shown as is. Code that *branches* on a code names a variant, so a
//! misspelt code is a compile error rather than a branch that never runs.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $variant:ident = $text:literal, )*) => {
        /// A stable, machine-readable error code. See the module comment.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )*
            /// A code this build has no variant for (never one of the
            /// known texts: [`ErrorCode::parse`] maps those to their variant).
            Other(String),
        }

        impl ErrorCode {
            /// Every code with a variant, as its wire text.
            pub const KNOWN: &'static [&'static str] = &[$($text,)*];

            /// The code's wire text.
            pub fn as_str(&self) -> &str {
                match self {
                    $( ErrorCode::$variant => $text, )*
                    ErrorCode::Other(text) => text,
                }
            }

            /// The variant for `text`, or [`ErrorCode::Other`].
            pub fn parse(text: &str) -> Self {
                match text {
                    $( $text => ErrorCode::$variant, )*
                    other => ErrorCode::Other(other.to_string()),
                }
            }
        }
    };
}

error_codes! {
    // Reaching the platform and being let in.
    PlatformUnreachable = "platform_unreachable",
    PlatformTimeout = "platform_timeout",
    /// The connection broke while an answer was arriving (reset, or closed
    /// before the promised length).
    PlatformInterrupted = "platform_interrupted",
    Unauthenticated = "unauthenticated",
    SessionExpired = "session_expired",
    NotLoggedIn = "not_logged_in",
    Forbidden = "forbidden",
    NotStaff = "not_staff",
    NotLeader = "not_leader",
    PinRequired = "pin_required",
    OfflineFirstLogin = "offline_first_login",
    BadKeyId = "bad_key_id",
    CertFileMissing = "cert_file_missing",
    RevocationUnknown = "revocation_unknown",
    // The certificate and key (the pki crate's codes).
    WrongPassword = "wrong_password",
    PinIncorrect = "pin_incorrect",
    PinLocked = "pin_locked",
    TokenNotFound = "token_not_found",
    KeyNotFound = "key_not_found",
    TokenError = "token_error",
    Expired = "expired",
    NotYetValid = "not_yet_valid",
    Revoked = "revoked",
    UntrustedRoot = "untrusted_root",
    BadKeyUsage = "bad_key_usage",
    BadSignature = "bad_signature",
    UnregisteredCertificate = "unregistered_certificate",
    ChallengeReplayed = "challenge_replayed",
    ChallengeExpired = "challenge_expired",
    ForeignChallenge = "foreign_challenge",
    UnknownChallenge = "unknown_challenge",
    // The platform's own certificate (pinned on first use).
    PlatformCertChanged = "platform_cert_changed",
    PlatformCertConfigured = "platform_cert_configured",
    PlatformNotPinned = "platform_not_pinned",
    // The project's state.
    NotFound = "not_found",
    Conflict = "conflict",
    PanelIncomplete = "panel_incomplete",
    SheetSubmitted = "sheet_submitted",
    ReportNotViewed = "report_not_viewed",
    NoRules = "no_rules",
    InvalidRules = "invalid_rules",
    RulesUnverified = "rules_unverified",
    /// Open data (OCDS) is published only once the result is final.
    EvaluationUnfinished = "evaluation_unfinished",
    // What the expert typed or chose.
    InvalidScores = "invalid_scores",
    ReasonRequired = "reason_required",
    EmptyText = "empty_text",
    InvalidWitnessEntry = "invalid_witness_entry",
    InvalidAttachment = "invalid_attachment",
    AttachmentTooLarge = "attachment_too_large",
    AttachmentUnreadable = "attachment_unreadable",
    // Panel votes (表决).
    BadMotion = "bad_motion",
    BadOptions = "bad_options",
    BadOption = "bad_option",
    NotSitting = "not_sitting",
    AlreadyVoted = "already_voted",
    MotionUnverified = "motion_unverified",
    // Clarification (澄清).
    BadQuestion = "bad_question",
    BadDeadline = "bad_deadline",
    DeadlinePassed = "deadline_passed",
    Unsolicited = "unsolicited",
    AlreadyAnswered = "already_answered",
    NotBidder = "not_bidder",
    MotionNotCarried = "motion_not_carried",
    ClarificationUnverified = "clarification_unverified",
    // Documents and what the platform signed.
    NotSynced = "not_synced",
    DocumentsNotSynced = "documents_not_synced",
    BadDocument = "bad_document",
    BadManifest = "bad_manifest",
    ManifestMismatch = "manifest_mismatch",
    ChunkListMismatch = "chunk_list_mismatch",
    ChunkMismatch = "chunk_mismatch",
    FileMismatch = "file_mismatch",
    BadRange = "bad_range",
    BadReceipt = "bad_receipt",
    BadReportHash = "bad_report_hash",
    ReportHashMismatch = "report_hash_mismatch",
    OpeningRecordMismatch = "opening_record_mismatch",
    WitnessLogEmpty = "witness_log_empty",
    WitnessLogDamaged = "witness_log_damaged",
    Malformed = "malformed",
    // This machine.
    StoreUnavailable = "store_unavailable",
    DataDirUnusable = "data_dir_unusable",
    // Settings and the first-run setup.
    BadSetting = "bad_setting",
    BadTokenModule = "bad_token_module",
    SettingsFileInvalid = "settings_file_invalid",
    /// The platform presents another certificate than the one the person
    /// confirmed a moment ago.
    FingerprintNotConfirmed = "fingerprint_not_confirmed",
    /// The platform address is not configured yet (first run).
    SetupNeeded = "setup_needed",
    // Signed updates (软件更新).
    /// No update has been published on this platform.
    NoUpdatePublished = "no_update_published",
    /// The manifest's signature does not hold, or its key is not one this
    /// build trusts.
    UpdateSignatureInvalid = "update_signature_invalid",
    /// The manifest is signed but unusable (format, product, version, file).
    UpdateManifestInvalid = "update_manifest_invalid",
    /// The downloaded file is not the one the manifest names.
    UpdateFileMismatch = "update_file_mismatch",
    /// The offered version is not newer than the running one.
    UpdateNotNewer = "update_not_newer",
    /// A submission waits in the outbox (or cannot be checked): installing
    /// now could strand it.
    UpdateBlockedOutbox = "update_blocked_outbox",
    /// This copy was not installed from a package the app can update.
    UpdateNotInstallable = "update_not_installable",
    UpdateInstallFailed = "update_install_failed",
    IoError = "io_error",
    ExportFailed = "export_failed",
    ReportWriteFailed = "report_write_failed",
    IpcFailed = "ipc_failed",
    UiEncode = "ui_encode",
    UiDecode = "ui_decode",
    InternalError = "internal_error",
}

impl ErrorCode {
    /// The platform could not be reached at all; the caller may carry on
    /// offline and try again later.
    pub fn is_offline(&self) -> bool {
        matches!(
            self,
            ErrorCode::PlatformUnreachable
                | ErrorCode::PlatformTimeout
                | ErrorCode::PlatformInterrupted
        )
    }

    /// The session is gone: log in again (or renew) and retry.
    pub fn is_session_gone(&self) -> bool {
        matches!(self, ErrorCode::SessionExpired | ErrorCode::Unauthenticated)
    }
}

impl From<&str> for ErrorCode {
    fn from(text: &str) -> Self {
        ErrorCode::parse(text)
    }
}

impl From<String> for ErrorCode {
    fn from(text: String) -> Self {
        ErrorCode::parse(&text)
    }
}

impl From<&String> for ErrorCode {
    fn from(text: &String) -> Self {
        ErrorCode::parse(text)
    }
}

impl From<&ErrorCode> for ErrorCode {
    fn from(code: &ErrorCode) -> Self {
        code.clone()
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Ok(ErrorCode::parse(&text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_code_round_trips_as_its_own_variant() {
        for text in ErrorCode::KNOWN {
            let code = ErrorCode::parse(text);
            assert!(!matches!(code, ErrorCode::Other(_)), "{text}");
            assert_eq!(code.as_str(), *text);
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{text}\""));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), code);
        }
        let mut sorted = ErrorCode::KNOWN.to_vec();
        sorted.sort();
        sorted.dedup();
        assert_eq!(
            sorted.len(),
            ErrorCode::KNOWN.len(),
            "a code is listed twice"
        );
    }

    #[test]
    fn an_unknown_code_is_kept_verbatim() {
        let code: ErrorCode = serde_json::from_str("\"deadline_passed_v9\"").unwrap();
        assert_eq!(code, ErrorCode::Other("deadline_passed_v9".into()));
        assert_eq!(
            serde_json::to_string(&code).unwrap(),
            "\"deadline_passed_v9\""
        );
    }

    #[test]
    fn codes_are_snake_case() {
        for text in ErrorCode::KNOWN {
            assert!(
                text.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit()),
                "{text}"
            );
        }
    }
}
