//! The one typed bridge from the UI to the desktop shell's commands.
//!
//! Components call these functions; none of them spells a command name or
//! touches Tauri's JavaScript directly.
//!
//! The app runs with `withGlobalTauri` off, so there is no `window.__TAURI__`
//! (the bundled `@tauri-apps/api`): a page script cannot reach plugin APIs
//! through a global. We call the two primitives Tauri v2 always injects,
//! `window.__TAURI_INTERNALS__.invoke` and `.transformCallback`, exactly as
//! `@tauri-apps/api/core` and `/event` do.

use pingshen_api::ipc::{cmd, AppError, AppInfo, IdentityFile, LoginRequest, LoginState};
use pingshen_api::{
    Diagnostics, Health, PlatformIdentity, ProjectDetail, ProjectSummary, SettingsChange,
    SettingsView, SetupAnswers, SetupDetection, SetupStatus, UpdateCheck, UpdateInstalled,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI_INTERNALS__"], catch)]
    async fn invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;
    /// Registers a JS callback the shell can call by number (what
    /// `@tauri-apps/api`'s `transformCallback` does); `once` = false keeps it.
    #[wasm_bindgen(js_namespace = ["window", "__TAURI_INTERNALS__"], js_name = transformCallback)]
    fn transform_callback(callback: &Closure<dyn FnMut(JsValue)>, once: bool) -> f64;
}

async fn call<A: Serialize, R: DeserializeOwned>(name: &str, args: &A) -> Result<R, AppError> {
    let args = serde_wasm_bindgen::to_value(args)
        .map_err(|e| AppError::new("ui_encode", format!("界面参数无法编码：{e}")))?;
    match invoke(name, args).await {
        Ok(value) => serde_wasm_bindgen::from_value(value)
            .map_err(|e| AppError::new("ui_decode", format!("界面无法解析返回内容：{e}"))),
        Err(err) => Err(
            serde_wasm_bindgen::from_value::<AppError>(err.clone()).unwrap_or_else(|_| {
                AppError::new(
                    "ipc_failed",
                    format!(
                        "与客户端内核通信失败：{}",
                        err.as_string().unwrap_or_else(|| "未知原因".into())
                    ),
                )
            }),
        ),
    }
}

#[derive(Serialize)]
struct NoArgs {}

#[derive(Serialize)]
struct IdArg<'a> {
    id: &'a str,
}

pub async fn app_info() -> Result<AppInfo, AppError> {
    call(cmd::APP_INFO, &NoArgs {}).await
}

pub async fn platform_health() -> Result<Health, AppError> {
    call(cmd::PLATFORM_HEALTH, &NoArgs {}).await
}

pub async fn diagnostics() -> Result<Diagnostics, AppError> {
    call(cmd::DIAGNOSTICS, &NoArgs {}).await
}

/// Writes the diagnostics bundle; its path.
pub async fn export_diagnostics() -> Result<String, AppError> {
    call(cmd::EXPORT_DIAGNOSTICS, &NoArgs {}).await
}

/// The platform's signed update for this copy, verified (`offer` when newer).
pub async fn check_update() -> Result<UpdateCheck, AppError> {
    call(cmd::CHECK_UPDATE, &NoArgs {}).await
}

#[derive(Serialize)]
struct VersionArg<'a> {
    version: &'a str,
}

/// Downloads, verifies and installs `version` (refused while the outbox holds anything).
pub async fn install_update(version: &str) -> Result<UpdateInstalled, AppError> {
    call(cmd::INSTALL_UPDATE, &VersionArg { version }).await
}

pub async fn setup_status() -> Result<SetupStatus, AppError> {
    call(cmd::SETUP_STATUS, &NoArgs {}).await
}

#[derive(Serialize)]
struct UrlArg<'a> {
    url: &'a str,
}

/// Asks the platform at `url` who it is (nothing is saved).
pub async fn check_platform(url: &str) -> Result<PlatformIdentity, AppError> {
    call(cmd::CHECK_PLATFORM, &UrlArg { url }).await
}

/// The USB-key drivers and certificate files on this computer.
pub async fn detect() -> Result<SetupDetection, AppError> {
    call(cmd::DETECT, &NoArgs {}).await
}

#[derive(Serialize)]
struct AnswersArg<'a> {
    answers: &'a SetupAnswers,
}

pub async fn finish_setup(answers: &SetupAnswers) -> Result<(), AppError> {
    call(cmd::FINISH_SETUP, &AnswersArg { answers }).await
}

pub async fn get_settings() -> Result<SettingsView, AppError> {
    call(cmd::GET_SETTINGS, &NoArgs {}).await
}

#[derive(Serialize)]
struct ChangeArg<'a> {
    change: &'a SettingsChange,
}

pub async fn save_settings(change: &SettingsChange) -> Result<SettingsView, AppError> {
    call(cmd::SAVE_SETTINGS, &ChangeArg { change }).await
}

/// Restarts the app (the window closes and opens again).
pub async fn restart() -> Result<(), AppError> {
    call(cmd::RESTART, &NoArgs {}).await
}

pub async fn list_identity_files() -> Result<Vec<IdentityFile>, AppError> {
    call(cmd::LIST_IDENTITY_FILES, &NoArgs {}).await
}

#[derive(Serialize)]
struct LoginArgs<'a> {
    request: &'a LoginRequest,
}

pub async fn login(request: &LoginRequest) -> Result<LoginState, AppError> {
    call(cmd::LOGIN, &LoginArgs { request }).await
}

pub async fn login_state() -> Result<Option<LoginState>, AppError> {
    call(cmd::LOGIN_STATE, &NoArgs {}).await
}

pub async fn lock() -> Result<(), AppError> {
    call(cmd::LOCK, &NoArgs {}).await
}

pub async fn logout() -> Result<(), AppError> {
    call(cmd::LOGOUT, &NoArgs {}).await
}

pub async fn list_projects() -> Result<Vec<ProjectSummary>, AppError> {
    call(cmd::LIST_PROJECTS, &NoArgs {}).await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExportArgs<'a> {
    project: &'a str,
    submission_id: &'a str,
}

/// Writes a signed submission to the data folder; answers the file's path.
pub async fn export_submission(project: &str, submission_id: &str) -> Result<String, AppError> {
    call(
        pingshen_api::ipc::expert_cmd::EXPORT_SUBMISSION,
        &ExportArgs {
            project,
            submission_id,
        },
    )
    .await
}

/// The person's projects with what this computer holds of each; offline,
/// from the local copy.
pub async fn my_projects() -> Result<pingshen_api::ipc::ProjectList, AppError> {
    call(cmd::MY_PROJECTS, &NoArgs {}).await
}

pub async fn get_project(id: &str) -> Result<ProjectDetail, AppError> {
    call(cmd::GET_PROJECT, &IdArg { id }).await
}

// Staff: evaluation rules (评标办法).

#[derive(Serialize)]
struct PublishRulesArgs<'a> {
    request: &'a pingshen_api::ipc::PublishRulesRequest,
}

/// The latest published rules of a project; `None` when none were published.
pub async fn get_rules(id: &str) -> Result<Option<pingshen_api::ipc::RulesVersion>, AppError> {
    call(cmd::GET_RULES, &IdArg { id }).await
}

pub async fn publish_rules(
    request: &pingshen_api::ipc::PublishRulesRequest,
) -> Result<pingshen_api::ipc::RulesVersion, AppError> {
    call(cmd::PUBLISH_RULES, &PublishRulesArgs { request }).await
}

/// Starts the evaluation: the platform freezes the rules from then on.
pub async fn start_evaluation(id: &str) -> Result<ProjectDetail, AppError> {
    call(cmd::START_EVALUATION, &IdArg { id }).await
}

// ---------------------------------------------------------------- expert workspace

use pingshen_api::ipc::{
    events, expert_cmd, Cell, LocateHit, NoteInfo, SearchHit, SyncProgressEvent, SyncSummary,
    Workspace,
};
use pingshen_api::PanelSummary;

/// `plugin:event|listen`'s arguments, as `@tauri-apps/api/event`'s `listen`
/// sends them: events for any target, delivered to callback `handler`.
#[derive(Serialize)]
struct ListenArgs<'a> {
    event: &'a str,
    target: ListenTarget,
    handler: f64,
}

#[derive(Serialize)]
struct ListenTarget {
    kind: &'static str,
}

/// Listens to a shell event for the life of the page; `on` gets each payload.
pub fn on_event<T: DeserializeOwned + 'static>(
    name: &'static str,
    mut on: impl FnMut(T) + 'static,
) {
    let closure = Closure::<dyn FnMut(JsValue)>::new(move |ev: JsValue| {
        if let Ok(payload) = js_sys::Reflect::get(&ev, &JsValue::from_str("payload")) {
            if let Ok(value) = serde_wasm_bindgen::from_value::<T>(payload) {
                on(value);
            }
        }
    });
    let handler = transform_callback(&closure, false);
    // The page lives as long as the window: keep the handler alive.
    closure.forget();
    wasm_bindgen_futures::spawn_local(async move {
        let args = ListenArgs {
            event: name,
            target: ListenTarget { kind: "Any" },
            handler,
        };
        if let Err(e) = call::<_, f64>("plugin:event|listen", &args).await {
            web_sys::console::error_1(&JsValue::from_str(&format!(
                "无法监听事件 {name}：{} {}",
                e.code, e.message
            )));
        }
    });
}

pub fn on_sync_progress(on: impl FnMut(SyncProgressEvent) + 'static) {
    on_event(events::SYNC_PROGRESS, on);
}

#[derive(Serialize)]
struct ProjectArg<'a> {
    project: &'a str,
}

pub async fn workspace(project: &str) -> Result<Workspace, AppError> {
    call(expert_cmd::WORKSPACE, &ProjectArg { project }).await
}

#[derive(Serialize)]
struct DeclareArgs<'a> {
    project: &'a str,
    recuse: bool,
    reason: Option<String>,
}

pub async fn declare(
    project: &str,
    recuse: bool,
    reason: Option<String>,
) -> Result<String, AppError> {
    call(
        expert_cmd::DECLARE,
        &DeclareArgs {
            project,
            recuse,
            reason,
        },
    )
    .await
}

#[derive(Serialize)]
struct VoteArgs<'a> {
    project: &'a str,
    candidate: &'a str,
}

pub async fn vote_leader(project: &str, candidate: &str) -> Result<String, AppError> {
    call(expert_cmd::VOTE_LEADER, &VoteArgs { project, candidate }).await
}

pub async fn send_now() -> Result<u64, AppError> {
    call(expert_cmd::SEND_NOW, &NoArgs {}).await
}

pub async fn sync_project(project: &str) -> Result<SyncSummary, AppError> {
    call(expert_cmd::SYNC_PROJECT, &ProjectArg { project }).await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SearchArgs<'a> {
    project: &'a str,
    text: &'a str,
    bidder: Option<String>,
    file_id: Option<String>,
}

pub async fn search(
    project: &str,
    text: &str,
    bidder: Option<String>,
    file_id: Option<String>,
) -> Result<Vec<SearchHit>, AppError> {
    call(
        expert_cmd::SEARCH,
        &SearchArgs {
            project,
            text,
            bidder,
            file_id,
        },
    )
    .await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LocateArgs<'a> {
    project: &'a str,
    factor_name: &'a str,
}

pub async fn locate(project: &str, factor_name: &str) -> Result<Vec<LocateHit>, AppError> {
    call(
        expert_cmd::LOCATE,
        &LocateArgs {
            project,
            factor_name,
        },
    )
    .await
}

#[derive(Serialize)]
struct CellArgs<'a> {
    project: &'a str,
    cell: &'a Cell,
}

pub async fn save_cell(project: &str, cell: &Cell) -> Result<(), AppError> {
    call(expert_cmd::SAVE_CELL, &CellArgs { project, cell }).await
}

pub async fn submit_sheet(project: &str) -> Result<String, AppError> {
    call(expert_cmd::SUBMIT_SHEET, &ProjectArg { project }).await
}

pub async fn begin_revision(project: &str) -> Result<u32, AppError> {
    call(expert_cmd::BEGIN_REVISION, &ProjectArg { project }).await
}

pub async fn list_notes(project: &str) -> Result<Vec<NoteInfo>, AppError> {
    call(expert_cmd::LIST_NOTES, &ProjectArg { project }).await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NoteArgs<'a> {
    project: &'a str,
    file_id: &'a str,
    page: u32,
    kind: &'a str,
    text: &'a str,
}

pub async fn add_note(
    project: &str,
    file_id: &str,
    page: u32,
    kind: &str,
    text: &str,
) -> Result<NoteInfo, AppError> {
    call(
        expert_cmd::ADD_NOTE,
        &NoteArgs {
            project,
            file_id,
            page,
            kind,
            text,
        },
    )
    .await
}

#[derive(Serialize)]
struct IdArgNum {
    id: i64,
}

pub async fn delete_note(id: i64) -> Result<(), AppError> {
    call(expert_cmd::DELETE_NOTE, &IdArgNum { id }).await
}

pub async fn panel_summary(project: &str) -> Result<PanelSummary, AppError> {
    call(expert_cmd::PANEL_SUMMARY, &ProjectArg { project }).await
}

// ---------------------------------------------------------------- witness

use pingshen_api::ipc::{witness_cmd, WitnessDraft, WitnessEntryInfo, WitnessPage};

#[derive(Serialize)]
struct WitnessRecordArgs<'a> {
    project: &'a str,
    draft: &'a WitnessDraft,
}

pub async fn witness_page(project: &str) -> Result<WitnessPage, AppError> {
    call(witness_cmd::PAGE, &ProjectArg { project }).await
}

pub async fn witness_record(
    project: &str,
    draft: &WitnessDraft,
) -> Result<WitnessEntryInfo, AppError> {
    call(witness_cmd::RECORD, &WitnessRecordArgs { project, draft }).await
}

/// Sends waiting entries; returns how many still wait.
pub async fn witness_sync(project: &str) -> Result<usize, AppError> {
    call(witness_cmd::SYNC, &ProjectArg { project }).await
}

/// Renders, signs and saves the witness report of a project.
pub async fn witness_report(
    project: &str,
) -> Result<pingshen_api::ipc::WitnessReportInfo, AppError> {
    call(witness_cmd::REPORT, &ProjectArg { project }).await
}

// ---------------------------------------------------------------- 串标分析

use pingshen_api::ipc::{screening_cmd, FlagDecisionRequest, ScreenPage};

#[derive(Serialize)]
struct DecideArgs<'a> {
    project: &'a str,
    request: &'a FlagDecisionRequest,
}

pub async fn screen_page(project: &str) -> Result<ScreenPage, AppError> {
    call(screening_cmd::PAGE, &ProjectArg { project }).await
}

/// Signs and queues the panel's decision; returns its submission id.
pub async fn decide_flag(project: &str, request: &FlagDecisionRequest) -> Result<String, AppError> {
    call(screening_cmd::DECIDE, &DecideArgs { project, request }).await
}

// ---------------------------------------------------------------- 澄清

use pingshen_api::ipc::{clarification_cmd, ClarificationPage, QuestionDraft};

#[derive(Serialize)]
struct AskArgs<'a> {
    project: &'a str,
    draft: &'a QuestionDraft,
}

/// The panel's questions and the bidders' answers, verified on this machine.
pub async fn clarification_page(project: &str) -> Result<ClarificationPage, AppError> {
    call(clarification_cmd::PAGE, &ProjectArg { project }).await
}

/// Signs and queues the leader's question; returns its id.
pub async fn ask_clarification(project: &str, draft: &QuestionDraft) -> Result<String, AppError> {
    call(clarification_cmd::ASK, &AskArgs { project, draft }).await
}

// ---------------------------------------------------------------- 表决

use pingshen_api::ipc::{motion_cmd, MotionDraft, MotionsPage};

#[derive(Serialize)]
struct ProposeArgs<'a> {
    project: &'a str,
    draft: &'a MotionDraft,
}

#[derive(Serialize)]
struct VoteMotionArgs<'a> {
    project: &'a str,
    motion: &'a str,
    option: &'a str,
}

/// The panel's motions, each verified and recounted on this machine.
pub async fn motions_page(project: &str) -> Result<MotionsPage, AppError> {
    call(motion_cmd::PAGE, &ProjectArg { project }).await
}

/// Signs and queues a motion; returns its id.
pub async fn propose_motion(project: &str, draft: &MotionDraft) -> Result<String, AppError> {
    call(motion_cmd::PROPOSE, &ProposeArgs { project, draft }).await
}

/// Signs and queues this expert's vote on `motion`.
pub async fn vote_motion(project: &str, motion: &str, option: &str) -> Result<String, AppError> {
    call(
        motion_cmd::VOTE,
        &VoteMotionArgs {
            project,
            motion,
            option,
        },
    )
    .await
}

// ---------------------------------------------------------------- 评标报告

use pingshen_api::ipc::{report_cmd, SavedReport, ViewedReport};

#[derive(Serialize)]
struct SignReportArgs<'a> {
    project: &'a str,
    sha256: &'a str,
}

pub async fn report_status(project: &str) -> Result<pingshen_api::ReportStatus, AppError> {
    call(report_cmd::STATUS, &ProjectArg { project }).await
}

pub async fn save_report(project: &str) -> Result<SavedReport, AppError> {
    call(report_cmd::SAVE, &ProjectArg { project }).await
}

pub async fn sign_report(project: &str, sha256: &str) -> Result<String, AppError> {
    call(report_cmd::SIGN, &SignReportArgs { project, sha256 }).await
}

/// Fetches the report for reading; its bytes stay in the shell, which signs
/// only their hash.
pub async fn open_report(project: &str) -> Result<ViewedReport, AppError> {
    call(report_cmd::OPEN, &ProjectArg { project }).await
}

// ---------------------------------------------------------------- 平台证书

use pingshen_api::ipc::PlatformCertInfo;

#[derive(Serialize)]
struct FingerprintArg<'a> {
    fingerprint: &'a str,
}

pub async fn platform_certificate() -> Result<PlatformCertInfo, AppError> {
    call(cmd::PLATFORM_CERT, &NoArgs {}).await
}

pub async fn accept_platform_certificate(fingerprint: &str) -> Result<(), AppError> {
    call(cmd::ACCEPT_PLATFORM_CERT, &FingerprintArg { fingerprint }).await
}
