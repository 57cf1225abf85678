//! Types crossing the Tauri IPC between the desktop shell and the UI.
//!
//! Command names live here once, so the shell and the UI cannot drift apart.

use crate::{CertSummary, ErrorCode, Person};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The one error type every desktop command returns: a stable `code` the UI
/// may branch on, and a Chinese `message` it shows as is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
}

impl AppError {
    pub fn new(code: impl Into<ErrorCode>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}（{}）", self.message, self.code)
    }
}

impl std::error::Error for AppError {}

/// Where the app is pointed and where it keeps its data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppInfo {
    pub version: String,
    pub platform_url: String,
    pub data_dir: String,
    /// Folder searched for .p12/.pfx files on the login screen.
    pub cert_dir: String,
    /// Default PKCS#11 module offered on the login screen.
    pub pkcs11_module: String,
}

/// Where the person's private key is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KeySource {
    /// A PKCS#12 file (.p12 / .pfx), protected by a password.
    P12 { path: String },
    /// A PKCS#11 token (USB key), protected by a PIN.
    Pkcs11 {
        module: String,
        token_label: String,
        /// CKA_ID of the key and certificate, hex.
        key_id: String,
    },
}

/// Arguments of the `login` command. The PIN crosses the IPC once and is
/// zeroised on the Rust side as soon as the key is open.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub source: KeySource,
    pub pin: String,
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("source", &self.source)
            .field("pin", &"<redacted>")
            .finish()
    }
}

/// Who is logged in, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginState {
    pub person: Person,
    pub certificate: CertSummary,
    /// True when the platform accepted the login; false when the local data
    /// was unlocked offline by proving possession of the key.
    pub online: bool,
    #[serde(with = "time::serde::rfc3339::option")]
    pub session_expires_at: Option<OffsetDateTime>,
    /// Minutes of inactivity after which the app locks.
    pub idle_lock_minutes: u32,
}

/// A certificate file found in the configured certificate folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityFile {
    pub path: String,
    pub file_name: String,
}

/// The one table of desktop commands: for each, the constant the UI calls
/// it by (in its group module), the shell module that implements it and its
/// name (the shell function's name). Everything else comes from here: the
/// constants and [`ALL_COMMANDS`] below, the shell's handler list
/// (`src-tauri/src/main.rs`), the ACL manifest and the capability file
/// (`src-tauri/build.rs`); `src-tauri/tests/command_table.rs` fails if
/// any of them, or the UI's wrappers, disagree.
///
/// Call it with a macro that takes
/// `$( $group:ident { $( $konst:ident = $module:ident :: $name:ident, )* } )*`.
#[macro_export]
macro_rules! for_each_command {
    ($m:ident) => {
        $m! {
        cmd {
            APP_INFO = app::app_info,
            PLATFORM_HEALTH = app::platform_health,
            DIAGNOSTICS = diagnostics::diagnostics,
            EXPORT_DIAGNOSTICS = diagnostics::export_diagnostics,
            CHECK_UPDATE = update::check_update,
            INSTALL_UPDATE = update::install_update,
            SETUP_STATUS = setup::setup_status,
            CHECK_PLATFORM = setup::check_platform,
            DETECT = setup::detect,
            FINISH_SETUP = setup::finish_setup,
            GET_SETTINGS = setup::get_settings,
            SAVE_SETTINGS = setup::save_settings,
            RESTART = setup::restart,
            LIST_IDENTITY_FILES = auth::list_identity_files,
            LOGIN = auth::login,
            LOGIN_STATE = auth::login_state,
            LOCK = auth::lock,
            LOGOUT = auth::logout,
            ACCEPT_PLATFORM_CERT = auth::accept_platform_certificate,
            PLATFORM_CERT = auth::platform_certificate,
            LIST_PROJECTS = projects::list_projects,
            MY_PROJECTS = projects::my_projects,
            GET_PROJECT = projects::get_project,
            GET_RULES = staff::get_rules,
            PUBLISH_RULES = staff::publish_rules,
            START_EVALUATION = staff::start_evaluation,
        }
        expert_cmd {
            WORKSPACE = expert::workspace,
            DECLARE = expert::declare,
            VOTE_LEADER = expert::vote_leader,
            SYNC_PROJECT = expert::sync_project,
            SEARCH = expert::search_documents,
            LOCATE = expert::locate_factor,
            SAVE_CELL = expert::save_cell,
            SUBMIT_SHEET = expert::submit_sheet,
            BEGIN_REVISION = expert::begin_revision,
            SEND_NOW = expert::send_now,
            LIST_NOTES = expert::list_notes,
            ADD_NOTE = expert::add_note,
            DELETE_NOTE = expert::delete_note,
            PANEL_SUMMARY = expert::panel_summary,
            EXPORT_SUBMISSION = expert::export_submission,
        }
        witness_cmd {
            PAGE = witness::witness_page,
            RECORD = witness::witness_record,
            SYNC = witness::witness_sync,
            REPORT = witness::witness_report,
        }
        clarification_cmd {
            PAGE = clarification::clarification_page,
            ASK = clarification::ask_clarification,
        }
        motion_cmd {
            PAGE = motions::motions_page,
            PROPOSE = motions::propose_motion,
            VOTE = motions::vote_motion,
        }
        screening_cmd {
            PAGE = screening::screen_page,
            DECIDE = screening::decide_flag,
        }
        report_cmd {
            STATUS = report::report_status,
            SAVE = report::save_report,
            SIGN = report::sign_report,
            OPEN = report::open_report,
        }
        }
    };
}

macro_rules! define_commands {
    ($( $group:ident { $( $konst:ident = $module:ident :: $name:ident, )* } )*) => {
        $(
            #[doc = "Desktop command names (from [`for_each_command`])."]
            pub mod $group {
                $( pub const $konst: &str = stringify!($name); )*
            }
        )*
        /// Every desktop command name, in table order.
        pub const ALL_COMMANDS: &[&str] = &[$($(stringify!($name),)*)*];
    };
}

crate::for_each_command!(define_commands);

/// The shell's capability file (`src-tauri/capabilities/main.json`) for
/// `commands`: each allowed by name, plus listening for events. `build.rs`
/// writes it; a test checks the committed one.
pub fn capability_file(commands: &[&str]) -> String {
    let mut permissions: Vec<String> = commands
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    // The UI listens for the sync's progress events.
    permissions.push("core:event:allow-listen".into());
    permissions.push("core:event:allow-unlisten".into());
    let value = serde_json::json!({
        "$schema": "../gen/schemas/desktop-schema.json",
        "identifier": "main",
        "description": "The main window: only Pingshen's own commands, nothing else.",
        "windows": ["main"],
        "permissions": permissions,
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// Events the shell emits to the UI.
pub mod events {
    /// Event carrying [`super::SyncProgressEvent`].
    pub const SYNC_PROGRESS: &str = "sync-progress";
}

/// Arguments of `publish_rules`: the shell signs a [`crate::RulesDocument`]
/// with the logged-in staff member's key and publishes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishRulesRequest {
    pub project_id: String,
    pub rules_toml: String,
    /// The published version the edit started from; `None` when none was.
    pub based_on_version: Option<u32>,
}

/// One published version of a project's rules, as the desktop shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulesVersion {
    pub project_id: String,
    pub version: u32,
    pub rules_toml: String,
    /// SHA-256 (hex) of `rules_toml`.
    pub sha256: String,
    pub published_by: String,
    pub published_by_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: OffsetDateTime,
    /// `received_at` of the platform's signed receipt, when it could be read.
    #[serde(with = "time::serde::rfc3339::option")]
    pub receipt_received_at: Option<OffsetDateTime>,
}

// ---------------------------------------------------------------- expert workspace

/// A cell of the grid: the rules' own cell type (one type for the draft,
/// the IPC and the sheet).
pub use pingshen_rules::cells::Cell;

/// A project document and the state of its local, encrypted copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentInfo {
    pub file_id: String,
    pub bidder_id: Option<String>,
    /// `tender`, `bid`, `clarification`.
    pub kind: String,
    pub name: String,
    pub size: u64,
    /// `missing`, `partial`, `verified`, `failed`.
    pub state: String,
    pub pages: Option<u32>,
}

/// A signed submission and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxItem {
    pub submission_id: String,
    /// `declaration`, `leader_vote`, `score_sheet`, …
    pub kind: String,
    pub delivered: bool,
    pub attempts: u32,
    pub last_error: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The platform's receipt time, once delivered and verified.
    #[serde(with = "time::serde::rfc3339::option")]
    pub received_at: Option<OffsetDateTime>,
    /// The platform refused it for good: its code and reason. The signed
    /// submission is kept and can be exported; it is never resent.
    #[serde(default)]
    pub refused: Option<AppError>,
}

/// The rules in force for a project, as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulesInfo {
    pub version: u32,
    pub sha256: String,
    pub toml: String,
    pub published_by_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: OffsetDateTime,
}

/// Everything the expert's project page shows, from the platform when it is
/// reachable and from the local store otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workspace {
    /// The logged-in expert's id.
    pub me: String,
    pub project: crate::ProjectDetail,
    pub rules: Option<RulesInfo>,
    /// Why the rules the platform served were refused (staff signature,
    /// receipt or hash did not verify): they are neither shown nor used.
    #[serde(default)]
    pub rules_error: Option<AppError>,
    /// `None` offline.
    pub panel: Option<crate::PanelStatus>,
    /// The expert's own declaration (from the platform, or queued locally).
    pub declaration: Option<crate::DeclarationDecision>,
    pub documents: Vec<DocumentInfo>,
    pub sheet_version: u32,
    pub sheet_editable: bool,
    pub cells: Vec<Cell>,
    pub outbox: Vec<OutboxItem>,
    pub online: bool,
    /// The bidders' credit records as the platform signed them (verified),
    /// when published and online; credit factors are computed from them.
    #[serde(default)]
    pub credit: Option<crate::CreditRecords>,
    /// Bids the panel rejected by vote (abnormal-price motions), verified
    /// and counted on this machine: the price view treats them as failing
    /// the preliminary review.
    #[serde(default)]
    pub rejected: Vec<pingshen_rules::motion::PanelRejection>,
}

/// The platform's signing certificate: the pinned fingerprint and the one
/// the platform presents now (`None` offline), for a person to compare
/// before accepting a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformCertInfo {
    pub pinned: Option<String>,
    pub presented: Option<String>,
    /// The centre configured the fingerprint: it cannot be accepted away.
    pub configured: bool,
}

/// How much of a project's documents this computer holds, verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    /// Every document of the signed manifest is here and verified.
    Full,
    /// Some are here; the rest still have to be fetched.
    Partial,
    /// Nothing yet (never opened, or never synced, on this computer).
    Never,
}

/// One line of the person's project list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectEntry {
    pub summary: crate::ProjectSummary,
    pub sync: SyncState,
    pub documents_verified: usize,
    pub documents_total: usize,
    /// When the platform last answered about this project on this computer.
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_contact: Option<time::OffsetDateTime>,
}

/// The person's projects: from the platform when it answers, else from what
/// this computer keeps (`online` false).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectList {
    pub online: bool,
    pub projects: Vec<ProjectEntry>,
}

/// The report as fetched for reading: the viewer's file id, the SHA-256 of
/// the bytes fetched (what signing will approve) and the hash the platform
/// states for the current report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewedReport {
    pub file_id: String,
    pub sha256: String,
    pub platform_sha256: String,
    pub size: u64,
}

/// Progress of a project sync, sent as the `sync-progress` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncProgressEvent {
    pub project: String,
    /// `manifest`, `downloading`, `indexing`, `done`.
    pub phase: String,
    pub files_total: usize,
    pub files_done: usize,
    /// Files whose text is searchable already.
    pub files_indexed: usize,
    pub bytes_total: u64,
    pub bytes_done: u64,
    /// Measured over the last seconds; `None` until known.
    pub bytes_per_sec: Option<u64>,
    /// At the measured rate; `None` when unknown or nothing arrives.
    pub seconds_left: Option<u64>,
    pub current: Option<String>,
}

/// What a finished sync reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncSummary {
    pub files: usize,
    pub verified: usize,
    pub indexed: usize,
    /// (file name, Chinese reason) of files that could not be made available.
    pub failed: Vec<(String, String)>,
}

/// A search hit in a project's documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    pub file_id: String,
    pub bidder_id: Option<String>,
    pub page: u32,
    pub snippet: String,
    /// Byte ranges of the match inside `snippet`.
    pub highlights: Vec<(usize, usize)>,
}

/// A note or bookmark on a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteInfo {
    pub id: i64,
    pub file_id: String,
    pub page: u32,
    /// `note` or `bookmark`.
    pub kind: String,
    pub text: String,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// Where a bidder addresses an evaluation factor: outline entries and search hits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocateHit {
    pub bidder_id: Option<String>,
    pub file_id: String,
    pub page: u32,
    /// `outline` or `search`.
    pub source: String,
    pub title: String,
}

// ---------------------------------------------------------------- witness

/// What a witness records (见证记录): stage and category as their signed
/// snake_case names (`docs/witness.md`), the text, files to attach, and the
/// entry it corrects, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WitnessDraft {
    pub stage: String,
    pub category: String,
    pub text: String,
    #[serde(default)]
    pub attachments: Vec<WitnessUpload>,
    #[serde(default)]
    pub corrects: Option<String>,
}

/// A file picked in the webview, sent whole (base64) to the shell, which
/// hashes it and keeps it encrypted; only its name, type, size and SHA-256
/// are signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WitnessUpload {
    pub name: String,
    pub media_type: String,
    pub base64: String,
}

/// One entry of the witness's own log, as the logging screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WitnessEntryInfo {
    pub seq: u64,
    pub entry_id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub observed_at: OffsetDateTime,
    pub clock_offset_ms: i64,
    pub stage: String,
    pub stage_zh: String,
    pub category: String,
    pub category_zh: String,
    pub irregular: bool,
    pub text: String,
    /// `(name, size, sha256)` of each attachment.
    pub attachments: Vec<(String, u64, String)>,
    pub corrects: Option<String>,
    pub entry_hash: String,
    /// When the platform acknowledged it; `None` while it waits to sync.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub synced_at: Option<OffsetDateTime>,
}

/// The logging screen of one project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WitnessPage {
    pub project: crate::ProjectDetail,
    pub entries: Vec<WitnessEntryInfo>,
    /// Platform clock minus this computer's clock, ms; `None` when never
    /// measured (offline since start).
    pub clock_offset_ms: Option<i64>,
    pub online: bool,
    /// Entries not yet acknowledged by the platform.
    pub unsynced: usize,
}

/// A witness report written to disk, with its detached signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WitnessReportInfo {
    pub pdf_path: String,
    pub signature_path: String,
    pub sha256: String,
    pub entries: u64,
}

// ---------------------------------------------------------------- 串标分析

/// The 串标分析 page: the screens' report (JSON of
/// `pingshen_screens::ScreenReport`, read by the UI with that crate's
/// types), the panel's recorded decisions, and whether this expert is the
/// leader who records them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScreenPage {
    pub report_json: String,
    pub decisions: Vec<crate::RecordedScreenDecision>,
    /// Submission ids of this computer's decisions still waiting to be sent.
    pub pending: Vec<String>,
    pub is_leader: bool,
    /// False when the decisions could not be fetched (offline).
    pub online: bool,
}

/// A decision on one flag, as the leader records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlagDecisionRequest {
    pub flag_id: String,
    pub flag_kind: String,
    pub involved: Vec<String>,
    pub verdict: crate::ScreenVerdict,
    pub reason: String,
}

/// Where the desktop saved the evaluation report and package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedReport {
    pub pdf_path: String,
    /// Only the panel leader (and staff) may take the evaluation package.
    pub package_path: Option<String>,
    pub sha256: String,
}

/// A motion as the expert drafts it (`propose_motion`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MotionDraft {
    pub kind: crate::MotionKind,
    pub bidder_id: Option<String>,
    pub text: String,
    pub options: Vec<String>,
}

/// A motion as the desktop shows it, after verifying the motion and every
/// vote (signature, receipt, author) and recounting the outcome itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MotionView {
    pub motion_id: String,
    pub kind: crate::MotionKind,
    pub bidder_id: Option<String>,
    pub text: String,
    pub options: Vec<String>,
    pub proposer_id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub proposed_at: OffsetDateTime,
    /// (voter, option), oldest first.
    pub votes: Vec<(String, String)>,
    pub sitting: Vec<String>,
    pub outcome: pingshen_rules::motion::MotionOutcome,
    pub tallies: Vec<pingshen_rules::motion::Tally>,
    pub outcome_zh: String,
    /// The caller's own vote: recorded by the platform, or waiting in the
    /// outbox (signed, not yet sent).
    pub my_vote: Option<String>,
    /// The caller's vote is signed but not yet acknowledged.
    pub my_vote_pending: bool,
}

/// The motions page: every motion, and those proposed here that wait in
/// the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MotionsPage {
    pub motions: Vec<MotionView>,
    /// Motions signed here that the platform has not acknowledged yet.
    pub pending: Vec<MotionDraft>,
}

/// The leader's question as drafted (`ask_clarification`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionDraft {
    pub bidder_id: String,
    pub text: String,
    /// Hours the bidder is given (1–168).
    pub hours: u32,
}

/// A question and its answer as the desktop shows them, each verified
/// (the leader's signature and receipt; the bidder's own certificate and
/// receipt) before it is shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClarificationView {
    pub clarification_id: String,
    pub bidder_id: String,
    pub asked_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub asked_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub deadline: OffsetDateTime,
    pub text: String,
    pub state: crate::ClarificationState,
    pub answer: Option<AnswerView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerView {
    pub text: String,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    /// Who signed it, from the certificate.
    pub signer: String,
    /// The project document holding question and answer.
    pub file_id: String,
}

/// The clarification page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClarificationPage {
    pub items: Vec<ClarificationView>,
    /// Questions signed here that wait in the outbox.
    pub pending: Vec<QuestionDraft>,
}
