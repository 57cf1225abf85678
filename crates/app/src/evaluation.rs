//! The expert's side of the evaluation: sign the declaration and the leader
//! vote, autosave every score cell, sign and queue the score sheet.
//!
//! Order matters for "nothing lost, nothing doubled": a signed sheet enters
//! the outbox first, and only then is the sheet marked submitted; if the app
//! dies in between, [`reconcile`] finishes the job on the next start.

use crate::outbox::enqueue;
use crate::AppError;
use pingshen_api::{
    Declaration, DeclarationDecision, LeaderVote, ScoreSheet, DECLARATION_TEXT, DECLARATION_TYP,
    LEADER_VOTE_TYP, SCORE_SHEET_TYP,
};
use pingshen_client::sign_document;
use pingshen_pki::Signer;
use pingshen_rules::cells::{build_sheet, Cell};
use pingshen_rules::Rules;
use pingshen_store::{DraftInput, SheetState, Store};

pub const KIND_DECLARATION: &str = "declaration";
pub const KIND_LEADER_VOTE: &str = "leader_vote";
pub const KIND_SCORE_SHEET: &str = "score_sheet";

fn endpoint(project: &str, tail: &str) -> String {
    format!("projects/{project}/{tail}")
}

/// Signs the declaration (or the recusal) and queues it. Returns the outbox id.
pub fn declare(
    store: &Store,
    signer: &dyn Signer,
    project: &str,
    expert: &str,
    decision: DeclarationDecision,
    reason: Option<String>,
) -> Result<String, AppError> {
    let reason = reason
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    if decision == DeclarationDecision::Recuse
        && reason.as_ref().map_or(0, |r| r.chars().count()) < 4
    {
        return Err(AppError::new(
            "reason_required",
            "申请回避须写明理由（不少于 4 个字）",
        ));
    }
    let doc = Declaration {
        project_id: project.into(),
        expert_id: expert.into(),
        statement: DECLARATION_TEXT.into(),
        decision,
        reason,
    };
    let env = sign_document(signer, DECLARATION_TYP, &doc)?;
    let id = uuid::Uuid::now_v7().to_string();
    enqueue(
        store,
        &id,
        KIND_DECLARATION,
        project,
        &endpoint(project, "declaration"),
        &env,
    )?;
    Ok(id)
}

/// Signs a vote for the panel leader and queues it.
pub fn vote(
    store: &Store,
    signer: &dyn Signer,
    project: &str,
    voter: &str,
    candidate: &str,
) -> Result<String, AppError> {
    let doc = LeaderVote {
        project_id: project.into(),
        voter_id: voter.into(),
        candidate_id: candidate.into(),
    };
    let env = sign_document(signer, LEADER_VOTE_TYP, &doc)?;
    let id = uuid::Uuid::now_v7().to_string();
    enqueue(
        store,
        &id,
        KIND_LEADER_VOTE,
        project,
        &endpoint(project, "leader/votes"),
        &env,
    )?;
    Ok(id)
}

/// Where the expert's sheet stands locally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SheetStatus {
    /// The version being edited or last submitted.
    pub version: u32,
    pub editable: bool,
}

pub fn sheet_status(store: &Store, project: &str) -> Result<SheetStatus, AppError> {
    Ok(match store.drafts().latest_sheet(project)? {
        None => SheetStatus {
            version: 1,
            editable: true,
        },
        Some(s) => SheetStatus {
            version: s.version,
            editable: s.state == SheetState::Editing,
        },
    })
}

/// Saves one cell, durably, at once. Refused once the sheet is submitted.
pub fn save_cell(store: &Store, project: &str, cell: &Cell) -> Result<(), AppError> {
    if !sheet_status(store, project)?.editable {
        return Err(AppError::new(
            "sheet_submitted",
            "评分表已提交，不能再修改；如需更正，请联系工作人员办理评审回退",
        ));
    }
    store.drafts().upsert(
        project,
        &DraftInput {
            sheet_kind: &cell.kind,
            bidder: &cell.bidder,
            item: &cell.item,
            value: &cell.value,
            reason: &cell.reason,
        },
    )?;
    Ok(())
}

pub fn cells(store: &Store, project: &str) -> Result<Vec<Cell>, AppError> {
    Ok(store
        .drafts()
        .list(project)?
        .into_iter()
        .map(|d| Cell {
            kind: d.sheet_kind,
            bidder: d.bidder,
            item: d.item,
            value: d.value,
            reason: d.reason,
        })
        .collect())
}

/// The rules in force, as the sheet must name them.
pub struct RulesInForce<'a> {
    pub rules: &'a Rules,
    pub version: u32,
    pub sha256: &'a str,
}

/// What a submission produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    pub submission_id: String,
    pub version: u32,
}

/// Validates the drafts against the rules, signs the sheet, queues it, then
/// marks the version submitted. Refuses an invalid sheet with every problem
/// listed.
pub fn submit_sheet(
    store: &Store,
    signer: &dyn Signer,
    project: &str,
    expert: &str,
    rules: &RulesInForce<'_>,
    bidders: &[String],
) -> Result<Queued, AppError> {
    let status = sheet_status(store, project)?;
    if !status.editable {
        return Err(AppError::new("sheet_submitted", "该版本评分表已提交"));
    }
    let sheet = build_sheet(rules.rules, expert, bidders, &cells(store, project)?);
    pingshen_rules::validate_sheet_for(rules.rules, &sheet, bidders).map_err(|e| {
        AppError::new(
            "invalid_scores",
            e.0.iter()
                .map(|d| format!("{}（{}）", d.message_zh, d.path))
                .collect::<Vec<_>>()
                .join("；"),
        )
    })?;
    let submission_id = uuid::Uuid::now_v7().to_string();
    let doc = ScoreSheet {
        submission_id: submission_id.clone(),
        project_id: project.into(),
        expert_id: expert.into(),
        version: status.version,
        rules_version: rules.version,
        rules_sha256: rules.sha256.into(),
        sheet,
    };
    let env = sign_document(signer, SCORE_SHEET_TYP, &doc)?;
    enqueue(
        store,
        &submission_id,
        KIND_SCORE_SHEET,
        project,
        &endpoint(project, "sheets"),
        &env,
    )?;
    store.drafts().set_sheet_state(
        project,
        status.version,
        SheetState::Submitted,
        Some(&submission_id),
    )?;
    Ok(Queued {
        submission_id,
        version: status.version,
    })
}

/// [`submit_sheet`] by the rules and bidders this computer cached (and
/// verified) with the project: what the expert scored by, online or not.
pub fn submit_cached(
    store: &Store,
    signer: &dyn Signer,
    project: &str,
    expert: &str,
) -> Result<Queued, AppError> {
    let not_synced = || AppError::new("not_synced", "该项目尚未在本机同步");
    let cached = store.projects().get(project)?.ok_or_else(not_synced)?;
    let published: pingshen_api::PublishedRules = cached
        .rules_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .ok_or_else(|| AppError::new("no_rules", "尚未取得评标办法"))?;
    let detail: pingshen_api::ProjectDetail = cached
        .detail_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .ok_or_else(not_synced)?;
    let rules = Rules::from_toml(&published.rules_toml)
        .map_err(|_| AppError::new("no_rules", "本地评标办法无法解析"))?;
    let bidders: Vec<String> = detail.bidders.into_iter().map(|b| b.id).collect();
    submit_sheet(
        store,
        signer,
        project,
        expert,
        &RulesInForce {
            rules: &rules,
            version: published.version,
            sha256: &published.sha256,
        },
        &bidders,
    )
}

/// Opens the next version for editing (after the platform granted a
/// reopening or asks for deviation reasons). The drafts carry over.
pub fn begin_revision(store: &Store, project: &str) -> Result<u32, AppError> {
    let status = sheet_status(store, project)?;
    if status.editable {
        return Ok(status.version);
    }
    let next = status.version + 1;
    store
        .drafts()
        .set_sheet_state(project, next, SheetState::Editing, None)?;
    Ok(next)
}

/// Finishes a submission that was queued but not yet marked submitted when
/// the app stopped. Call it before showing the project's sheet.
pub fn reconcile(store: &Store, project: &str) -> Result<usize, AppError> {
    let mut fixed = 0;
    for entry in store.outbox().list(project)? {
        // A refused sheet stays open for correction (see `reopen_refused`).
        if entry.kind != KIND_SCORE_SHEET || entry.state == pingshen_store::OutboxState::Refused {
            continue;
        }
        let Some(version) = queued_version(&entry.body) else {
            continue;
        };
        let current = store.drafts().sheet(&entry.project, version)?;
        if current.is_none_or(|s| s.state == SheetState::Editing) {
            store.drafts().set_sheet_state(
                &entry.project,
                version,
                SheetState::Submitted,
                Some(&entry.submission_id),
            )?;
            fixed += 1;
        }
    }
    Ok(fixed)
}

/// After the platform refused a signed sheet for good, the expert may
/// correct it and sign again: the version goes back to editing, with its
/// cells as they were. The refused submission stays in the outbox, signed.
pub fn reopen_refused(store: &Store, entry: &pingshen_store::OutboxEntry) -> Result<(), AppError> {
    if entry.kind != KIND_SCORE_SHEET {
        return Ok(());
    }
    let Some(version) = queued_version(&entry.body) else {
        return Ok(());
    };
    store
        .drafts()
        .reopen_refused(&entry.project, version, &entry.submission_id)?;
    Ok(())
}

/// The sheet version inside a queued envelope.
fn queued_version(body: &[u8]) -> Option<u32> {
    use base64::Engine;
    let env: pingshen_api::SignedEnvelope = serde_json::from_slice(body).ok()?;
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(env.payload)
        .ok()?;
    let v: serde_json::Value = serde_json::from_slice(&payload).ok()?;
    v.get("version")?.as_u64().map(|v| v as u32)
}

/// Outbox kind of an expert's signature over the evaluation report.
pub const KIND_REPORT_SIGNATURE: &str = "report_signature";

/// Signs the report's SHA-256 (the expert read that report) and queues it.
/// Returns the outbox id.
pub fn sign_report(
    store: &Store,
    signer: &dyn Signer,
    project: &str,
    expert: &str,
    report_sha256: &str,
) -> Result<String, AppError> {
    if report_sha256.len() != 64 || !report_sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::new("bad_report_hash", "评标报告哈希无效"));
    }
    let doc = pingshen_api::ReportSignature {
        project_id: project.into(),
        expert_id: expert.into(),
        report_sha256: report_sha256.to_ascii_lowercase(),
    };
    let env = sign_document(signer, pingshen_api::REPORT_SIGNATURE_TYP, &doc)?;
    // One signature per report version and expert: the id says which.
    let id = format!("report-{expert}-{}", &doc.report_sha256[..16]);
    enqueue(
        store,
        &id,
        KIND_REPORT_SIGNATURE,
        project,
        &endpoint(project, "report/signatures"),
        &env,
    )?;
    Ok(id)
}
