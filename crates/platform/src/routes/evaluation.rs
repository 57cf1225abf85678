//! The evaluation: declaration (回避声明), leader vote (推选组长), signed score
//! sheets with receipts, reopening (评审回退), panel status and summary.

use crate::clock::now;
use crate::db::sql::Conn;
use crate::db::{evaluation as ev, projects};
use crate::evaluation::{self as logic, rules_in_force};
use crate::json::ApiJson;
use crate::path::ApiPath;
use crate::receipts::{envelope_json, sha256_hex};
use crate::submission::{
    accept, check_submission_id, record_once, Incoming, Receipted, Record, Stored,
};
use crate::{AppState, Caller, PlatformError};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use pingshen_api::{
    Accepted, Declaration, DeclarationDecision, ErrorBody, LeaderVote, PanelMember, PanelStatus,
    PanelSummary, Reopen, Role, ScoreSheet, SignedSubmission, Stage, DECLARATION_TEXT,
};

fn bad(code: &'static str, message: impl Into<String>) -> PlatformError {
    PlatformError::bad_request(code, message)
}

pub(crate) fn require_stage(
    conn: &Conn,
    project: &str,
    allowed: &[Stage],
) -> Result<(), PlatformError> {
    let stage = projects::stage_of(conn, project)?;
    if allowed.contains(&stage) {
        Ok(())
    } else {
        Err(PlatformError::conflict(
            "wrong_stage",
            format!("项目当前处于“{}”阶段，不能进行此操作", stage.label_zh()),
        ))
    }
}

/// Signs the 回避声明 or recuses with a reason. Recusing removes access to
/// the project's documents. One declaration per expert; the same signed
/// declaration again answers the same receipt.
#[utoipa::path(post, path = "/api/v1/projects/{id}/declaration", tag = "evaluation",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "项目编号")),
    request_body = SignedSubmission,
    responses(
        (status = 201, description = "已登记", body = Accepted),
        (status = 200, description = "该声明已登记过", body = Accepted),
        (status = 400, description = "声明内容无效", body = ErrorBody),
        (status = 409, description = "已声明过不同内容 / 阶段不符", body = ErrorBody)))]
pub async fn declare(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(project_id): ApiPath<String>,
    ApiJson(body): ApiJson<SignedSubmission>,
) -> Result<(StatusCode, Json<Accepted>), PlatformError> {
    caller.require_role(Role::Expert)?;
    caller.require_project(&state, &project_id).await?;
    let Incoming { doc: d, body } = accept::<Declaration>(&state, &caller, &body.envelope).await?;
    if d.project_id != project_id || d.expert_id != caller.person.id {
        return Err(bad("project_mismatch", "声明的项目或专家与请求不符"));
    }
    if d.statement != DECLARATION_TEXT {
        return Err(bad("bad_statement", "声明文本与规定文本不一致"));
    }
    let reason = d.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    if d.decision == DeclarationDecision::Recuse && reason.map_or(0, |r| r.chars().count()) < 4 {
        return Err(bad(
            "reason_required",
            "申请回避须写明理由（不少于 4 个字）",
        ));
    }
    let record = DeclarationRecord {
        reason: reason.map(str::to_string),
        doc: d,
    };
    receipted(record_once(&state, body, record).await?)
}

fn receipted(
    (status, receipt): (StatusCode, pingshen_api::SignedEnvelope),
) -> Result<(StatusCode, Json<Accepted>), PlatformError> {
    Ok((status, Json(Accepted { receipt })))
}

/// One declaration per expert and project, never changed.
#[derive(Clone)]
struct DeclarationRecord {
    doc: Declaration,
    reason: Option<String>,
}

impl Record for DeclarationRecord {
    type Answer = pingshen_api::SignedEnvelope;
    const KIND: &'static str = "declaration";

    fn submission_id(&self) -> String {
        format!("{}/declaration/{}", self.doc.project_id, self.doc.expert_id)
    }
    fn project_id(&self) -> &str {
        &self.doc.project_id
    }
    fn stored(&self, tx: &Conn) -> Result<Option<Stored<Self::Answer>>, PlatformError> {
        ev::recorded_declaration(tx, &self.doc.project_id, &self.doc.expert_id)
    }
    fn conflict(&self) -> PlatformError {
        PlatformError::conflict("already_declared", "您已就本项目作出声明，不能更改")
    }
    fn check(&mut self, tx: &Conn) -> Result<(), PlatformError> {
        require_stage(tx, &self.doc.project_id, &[Stage::Evaluating])
    }
    fn insert(&self, tx: &Conn, r: &Receipted) -> Result<Self::Answer, PlatformError> {
        ev::insert_declaration(
            tx,
            &ev::NewDeclaration {
                project_id: &self.doc.project_id,
                expert_id: &self.doc.expert_id,
                decision: self.doc.decision,
                reason: self.reason.as_deref(),
            },
            r,
        )?;
        Ok(r.receipt.clone())
    }
}

/// A signed vote for the panel leader.
#[utoipa::path(post, path = "/api/v1/projects/{id}/leader/votes", tag = "evaluation",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "项目编号")),
    request_body = SignedSubmission,
    responses(
        (status = 201, description = "已计票", body = Accepted),
        (status = 200, description = "该票已计过", body = Accepted),
        (status = 409, description = "已投过票 / 未声明 / 候选人无效", body = ErrorBody)))]
pub async fn vote(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(project_id): ApiPath<String>,
    ApiJson(body): ApiJson<SignedSubmission>,
) -> Result<(StatusCode, Json<Accepted>), PlatformError> {
    caller.require_role(Role::Expert)?;
    caller.require_documents(&state, &project_id).await?;
    let Incoming { doc, body } = accept::<LeaderVote>(&state, &caller, &body.envelope).await?;
    if doc.project_id != project_id || doc.voter_id != caller.person.id {
        return Err(bad("project_mismatch", "选票的项目或投票人与请求不符"));
    }
    let recorded = record_once(&state, body, doc).await?;
    // With a leader elected, the rules' abnormal-price reviews open.
    crate::abnormal_review::open(&state, &project_id).await?;
    receipted(recorded)
}

/// One vote per expert and project, for a sitting expert who declared.
impl Record for LeaderVote {
    type Answer = pingshen_api::SignedEnvelope;
    const KIND: &'static str = "leader_vote";

    fn submission_id(&self) -> String {
        format!("{}/leader-vote/{}", self.project_id, self.voter_id)
    }
    fn project_id(&self) -> &str {
        &self.project_id
    }
    fn stored(&self, tx: &Conn) -> Result<Option<Stored<Self::Answer>>, PlatformError> {
        ev::recorded_vote(tx, &self.project_id, &self.voter_id)
    }
    fn conflict(&self) -> PlatformError {
        PlatformError::conflict("already_voted", "您已投过票，不能更改")
    }
    fn check(&mut self, tx: &Conn) -> Result<(), PlatformError> {
        require_stage(tx, &self.project_id, &[Stage::Evaluating])?;
        let sitting = logic::sitting(tx, &self.project_id)?;
        let declared = ev::declaration(tx, &self.project_id, &self.candidate_id)?
            == Some(DeclarationDecision::NoConflict);
        if !sitting.iter().any(|p| p.id == self.candidate_id) || !declared {
            return Err(PlatformError::conflict(
                "bad_candidate",
                "候选人须为已签署声明、未回避的本项目评标专家",
            ));
        }
        Ok(())
    }
    fn insert(&self, tx: &Conn, r: &Receipted) -> Result<Self::Answer, PlatformError> {
        ev::insert_vote(
            tx,
            &ev::NewVote {
                project_id: &self.project_id,
                voter_id: &self.voter_id,
                candidate_id: &self.candidate_id,
            },
            r,
        )?;
        Ok(r.receipt.clone())
    }
}

/// Submits one signed version of an expert's score sheet. The platform checks
/// signature, role, assignment, declaration, stage, the rules version and
/// every value against the rules. Idempotent on `submission_id`: the same id
/// and body answer the same receipt; the same id with another body is a 409.
#[utoipa::path(post, path = "/api/v1/projects/{id}/sheets", tag = "evaluation",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "项目编号")),
    request_body = SignedSubmission,
    responses(
        (status = 201, description = "已接收，附平台签名回执", body = Accepted),
        (status = 200, description = "同一提交已接收过，返回原回执", body = Accepted),
        (status = 400, description = "分值或内容不符合评标办法", body = ErrorBody),
        (status = 409, description = "同一提交编号内容不同 / 版本冲突 / 阶段不符", body = ErrorBody)))]
pub async fn submit_sheet(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(project_id): ApiPath<String>,
    ApiJson(body): ApiJson<SignedSubmission>,
) -> Result<(StatusCode, Json<Accepted>), PlatformError> {
    caller.require_role(Role::Expert)?;
    caller.require_documents(&state, &project_id).await?;
    if let Some(replay) = sheet_retry(&state, &caller, &project_id, &body.envelope).await? {
        return receipted((StatusCode::OK, replay));
    }
    let Incoming { doc: sheet, body } =
        accept::<ScoreSheet>(&state, &caller, &body.envelope).await?;
    if sheet.project_id != project_id
        || sheet.expert_id != caller.person.id
        || sheet.sheet.expert != caller.person.id
    {
        return Err(bad("project_mismatch", "评分表的项目或专家与请求不符"));
    }
    check_submission_id(&sheet.submission_id)?;
    receipted(
        record_once(
            &state,
            body,
            SheetRecord {
                sheet,
                rules_version: 0,
            },
        )
        .await?,
    )
}

/// A retry of a stored sheet answers its receipt before anything else (the
/// session, the stage or the clock may have moved on since it was
/// accepted): the same submission id, body, expert and project.
async fn sheet_retry(
    state: &AppState,
    caller: &Caller,
    project_id: &str,
    envelope: &pingshen_api::SignedEnvelope,
) -> Result<Option<pingshen_api::SignedEnvelope>, PlatformError> {
    let body_sha = sha256_hex(envelope_json(envelope)?.as_bytes());
    let Some(sid) = serde_json::from_slice::<serde_json::Value>(
        &base64_url(&envelope.payload).unwrap_or_default(),
    )
    .ok()
    .and_then(|v| v.get("submission_id")?.as_str().map(str::to_string)) else {
        return Ok(None);
    };
    let Some((stored_project, stored)) = state
        .db
        .call(move |c| ev::sheet_by_submission(c, &sid))
        .await?
    else {
        return Ok(None);
    };
    if stored.body_sha256 == body_sha
        && stored.expert_id == caller.person.id
        && stored_project == project_id
    {
        Ok(Some(stored.receipt))
    } else {
        Err(sheet_conflict())
    }
}

fn sheet_conflict() -> PlatformError {
    PlatformError::conflict("conflict", "该提交编号已用于不同内容的评分表")
}

/// Each version of a sheet once, under its submission id; a new version
/// only after a reopening or in the reasons round; values within the rules
/// in force.
#[derive(Clone)]
struct SheetRecord {
    sheet: ScoreSheet,
    /// The rules version in force, found by the check.
    rules_version: u32,
}

impl Record for SheetRecord {
    type Answer = pingshen_api::SignedEnvelope;
    const KIND: &'static str = "score_sheet";

    fn submission_id(&self) -> String {
        self.sheet.submission_id.clone()
    }
    fn project_id(&self) -> &str {
        &self.sheet.project_id
    }
    fn stored(&self, tx: &Conn) -> Result<Option<Stored<Self::Answer>>, PlatformError> {
        // Re-checked inside the transaction: a concurrent retry may have won.
        match ev::sheet_by_submission(tx, &self.sheet.submission_id)? {
            Some((project, _)) if project != self.sheet.project_id => Err(sheet_conflict()),
            Some((_, stored)) => Ok(Some(Stored {
                envelope_sha256: stored.body_sha256,
                answer: stored.receipt,
            })),
            None => Ok(None),
        }
    }
    fn conflict(&self) -> PlatformError {
        sheet_conflict()
    }
    fn check(&mut self, tx: &Conn) -> Result<(), PlatformError> {
        let (project_id, expert) = (&self.sheet.project_id, &self.sheet.expert_id);
        let (rules, rules_version, rules_sha) = rules_in_force(tx, project_id)?;
        if self.sheet.rules_version != rules_version || self.sheet.rules_sha256 != rules_sha {
            return Err(PlatformError::conflict(
                "rules_changed",
                format!("评分所依据的评标办法不是当前版本（第 {rules_version} 版）"),
            ));
        }
        self.rules_version = rules_version;
        let latest = ev::latest_version(tx, project_id, expert)?;
        let expected = latest.map_or(1, |v| v + 1);
        if self.sheet.version != expected {
            return Err(PlatformError::conflict(
                "version_conflict",
                format!(
                    "评分表版本应为第 {expected} 版，提交的是第 {} 版",
                    self.sheet.version
                ),
            ));
        }
        if let Some(prev) = latest {
            // A new version needs a reopening, or is the reason round.
            let reopened = ev::reopened(tx, project_id, expert, prev)?;
            let reasons = logic::reasons_required(tx, project_id, expert)?;
            if !reopened && reasons.is_empty() {
                return Err(PlatformError::conflict(
                    "sheet_locked",
                    "评分表已提交，修改须由工作人员办理评审回退",
                ));
            }
            require_stage(tx, project_id, &[Stage::Evaluating, Stage::Summary])?;
        } else {
            require_stage(tx, project_id, &[Stage::Evaluating])?;
        }
        let bidders = logic::bidder_ids(tx, project_id)?;
        pingshen_rules::validate_sheet_for(&rules, &self.sheet.sheet, &bidders).map_err(|e| {
            bad(
                "invalid_scores",
                format!(
                    "评分不符合评标办法：{}",
                    e.0.iter()
                        .map(|d| format!("{}：{}", d.path, d.message_zh))
                        .collect::<Vec<_>>()
                        .join("；")
                ),
            )
        })
    }
    fn insert(&self, tx: &Conn, r: &Receipted) -> Result<Self::Answer, PlatformError> {
        let sheet_json = serde_json::to_string(&self.sheet.sheet)
            .map_err(|e| PlatformError::Internal(e.to_string()))?;
        ev::insert_sheet(
            tx,
            &ev::NewSheet {
                project_id: &self.sheet.project_id,
                expert_id: &self.sheet.expert_id,
                version: self.sheet.version,
                submission_id: &self.sheet.submission_id,
                sheet_json: &sheet_json,
                rules_version: self.rules_version,
            },
            r,
        )?;
        Ok(r.receipt.clone())
    }
}

fn base64_url(s: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .ok()
}

/// 评审回退: staff allow an expert to submit a corrected version, with a reason.
#[utoipa::path(post, path = "/api/v1/projects/{id}/sheets/{expert}/reopen", tag = "evaluation",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "项目编号"), ("expert" = String, Path, description = "专家编号")),
    request_body = Reopen,
    responses(
        (status = 200, description = "已回退，专家可提交新版本", body = PanelStatus),
        (status = 409, description = "该专家尚无评分表 / 阶段不符", body = ErrorBody)))]
pub async fn reopen(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((project_id, expert)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<Reopen>,
) -> Result<Json<PanelStatus>, PlatformError> {
    caller.require_role(Role::Staff)?;
    if body.reason.trim().chars().count() < 4 {
        return Err(bad(
            "reason_required",
            "评审回退须写明理由（不少于 4 个字）",
        ));
    }
    let by = caller.person.id.clone();
    let pid = project_id.clone();
    state
        .db
        .write(move |tx| {
            require_stage(tx, &pid, &[Stage::Evaluating, Stage::Summary])?;
            let latest = ev::latest_version(tx, &pid, &expert)?
                .ok_or_else(|| PlatformError::conflict("no_sheet", "该专家尚未提交评分表"))?;
            ev::insert_reopening(tx, &pid, &expert, latest, body.reason.trim(), &by, now())?;
            Ok(())
        })
        .await?;
    panel_status(&state, &caller, &project_id).await.map(Json)
}

/// Who sits on the panel, who declared, voted and submitted, and who leads.
#[utoipa::path(get, path = "/api/v1/projects/{id}/panel", tag = "evaluation",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "项目编号")),
    responses((status = 200, description = "评标委员会状态", body = PanelStatus)))]
pub async fn panel(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(project_id): ApiPath<String>,
) -> Result<Json<PanelStatus>, PlatformError> {
    caller.require_project(&state, &project_id).await?;
    panel_status(&state, &caller, &project_id).await.map(Json)
}

async fn panel_status(
    state: &AppState,
    caller: &Caller,
    project_id: &str,
) -> Result<PanelStatus, PlatformError> {
    let pid = project_id.to_string();
    let me = caller.person.id.clone();
    state
        .db
        .call(move |c| {
            let members = logic::panel(c, &pid)?;
            let votes = ev::votes(c, &pid)?;
            let mut out = Vec::new();
            for p in members {
                let declaration = ev::declaration(c, &pid, &p.id)?;
                let sheet_version = ev::latest_version(c, &pid, &p.id)?;
                let reasons_required = logic::reasons_required(c, &pid, &p.id)?;
                let reopened = match sheet_version {
                    Some(v) => ev::reopened(c, &pid, &p.id, v)?,
                    None => false,
                };
                out.push(PanelMember {
                    voted_for: votes
                        .iter()
                        .find(|(v, _)| v == &p.id)
                        .map(|(_, c)| c.clone()),
                    may_resubmit: reopened || !reasons_required.is_empty(),
                    reasons_required,
                    declaration,
                    sheet_version,
                    id: p.id,
                    name: p.name,
                    city: p.city,
                });
            }
            let my_sheet = ev::latest_sheets(c, &pid)?
                .into_iter()
                .find(|s| s.expert_id == me)
                .map(|s| s.envelope);
            Ok(PanelStatus {
                leader: logic::leader(c, &pid)?,
                all_submitted: logic::all_submitted(c, &pid)?,
                project_id: pid.clone(),
                members: out,
                my_sheet,
            })
        })
        .await
}

/// The panel summary for the leader (and staff): every expert's score per
/// bidder and factor, aggregates, flags and the ranking with its trace.
#[utoipa::path(get, path = "/api/v1/projects/{id}/summary", tag = "evaluation",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "项目编号")),
    responses(
        (status = 200, description = "汇总结果", body = PanelSummary),
        (status = 403, description = "仅限评标组长与工作人员", body = ErrorBody),
        (status = 409, description = "尚有专家未提交", body = ErrorBody)))]
pub async fn summary(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(project_id): ApiPath<String>,
) -> Result<Json<PanelSummary>, PlatformError> {
    caller
        .require_leader(&state, &project_id, "汇总结果")
        .await?;
    let pid = project_id.clone();
    let summary = state
        .db
        .call(move |c| {
            if !logic::all_submitted(c, &pid)? {
                return Err(PlatformError::conflict(
                    "panel_incomplete",
                    "尚有专家未提交评分表",
                ));
            }
            let (result, sheets, rules_version) = logic::aggregate(c, &pid)?;
            Ok(PanelSummary {
                project_id: pid.clone(),
                rules_version,
                sheets,
                result,
            })
        })
        .await?;
    Ok(Json(summary))
}
