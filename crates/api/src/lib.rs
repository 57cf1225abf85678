//! Wire types of the Pingshen platform API.
//!
//! This crate is the one contract between the desktop client and the
//! platform: both sides serialise exactly these types, and the platform
//! derives its OpenAPI document from them (feature `openapi`). It holds no
//! logic beyond (de)serialisation and must stay wasm-compatible, because the
//! Leptos UI shares the types that cross the Tauri IPC.

mod auth;
mod clarification;
mod code;
mod diagnostics;
mod documents;
mod error;
mod evaluation;
mod health;
pub mod ipc;
mod motions;
mod pieces;
mod project;
mod range;
mod receipt;
mod records;
mod rules;
mod screening;
mod settings;
mod update;
mod witness;

pub use auth::{
    CertSummary, Challenge, ChallengeRequest, Person, Role, Session, SessionRequest,
    SignedEnvelope, LOGIN_PURPOSE, LOGIN_TYP,
};
pub use clarification::{
    Clarification, ClarificationAnswer, ClarificationQuestion, ClarificationState, Clarifications,
    RecordedAnswer, CLARIFICATION_ANSWER_TYP, CLARIFICATION_QUESTION_TYP, PLATFORM_ASKER,
    PLATFORM_ASKER_ZH,
};
pub use code::ErrorCode;
pub use diagnostics::{
    AppFacts, Diagnostics, PlatformCheck, ProjectFacts, SettingsFacts, TokenModule,
    DIAGNOSTICS_FORMAT,
};
pub use documents::{
    DocumentKind, FileChunks, Manifest, ManifestFile, CHUNK_SIZE, MANIFEST_PURPOSE, MANIFEST_TYP,
};
pub use error::{ApiError, ErrorBody};
pub use evaluation::{
    Accepted, Declaration, DeclarationDecision, EvaluationPackage, LeaderVote, PanelMember,
    PanelStatus, PanelSummary, ReasonRequest, Reopen, ReportSignature, ReportStatus, ScoreSheet,
    SignedSubmission, SignedWithReceipt, DECLARATION_TEXT, DECLARATION_TYP,
    EVALUATION_PACKAGE_FORMAT, LEADER_VOTE_TYP, REPORT_SIGNATURE_TYP, SCORE_SHEET_TYP,
};
pub use health::Health;
pub use motions::{
    Motion, MotionKind, MotionStatus, MotionVote, Motions, RecordedMotionVote, MOTION_TYP,
    MOTION_VOTE_TYP,
};
pub use pieces::{decode_pieces, encode_pieces, FilePiece, PiecesFormatError, PIECES_MEDIA_TYPE};
pub use project::{
    Assignment, Bidder, NewBidder, NewProject, ProjectDetail, ProjectSummary, Stage, StageChange,
};
pub use range::parse_range;
pub use receipt::{Receipt, RECEIPT_PURPOSE, RECEIPT_TYP};
pub use records::{
    CreditRecordDoc, CreditRecords, CrlSet, OpenedBid, OpeningRecord, PanelClarification,
    PanelMotion, PanelMotionVote, PanelRecord, PanelRecordPerson, PanelSeat, PanelVote,
    SignedRecord, CREDIT_RECORD_TYP, OPENING_RECORD_TYP, PANEL_RECORD_TYP,
};
pub use rules::{PublishRules, PublishedRules, RulesDocument, RULES_TYP};
pub use screening::{
    RecordedScreenDecision, ScreenDecision, ScreenDecisions, ScreenVerdict, SCREEN_DECISION_TYP,
};
pub use settings::{
    FoundCertificateFile, PlatformIdentity, SettingSource, SettingValue, SettingsChange,
    SettingsView, SetupAnswers, SetupDetection, SetupStatus,
};
pub use update::{
    ArtifactKind, InstallKind, SignedUpdateManifest, UpdateArtifact, UpdateCheck, UpdateInstalled,
    UpdateManifest, UpdateOffer, UPDATE_MANIFEST_FORMAT, UPDATE_PRODUCT, UPDATE_SIGNING_CONTEXT,
};
pub use witness::*;

/// Every route of the API lives under this prefix.
pub const API_PREFIX: &str = "/api/v1";

/// Version of this API contract, reported by `GET /health`.
pub const API_VERSION: &str = "1.0.0";
