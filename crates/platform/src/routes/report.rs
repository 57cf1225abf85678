//! The evaluation report (评标报告) and the evaluation package (评标档案包):
//! the platform renders the report once every sitting expert has submitted,
//! each expert signs its SHA-256, and the package carries everything an
//! auditor needs to re-verify the evaluation offline with `pingshen verify`.

use crate::clock::now;
use crate::db::projects::format_time;
use crate::db::sql::Conn;
use crate::db::{evaluation as ev, projects, rules as rules_db};
use crate::evaluation as logic;
use crate::json::ApiJson;
use crate::path::ApiPath;
use crate::submission::{accept, record_once, Incoming, Receipted, Record, Stored};
use crate::{AppState, Caller, PlatformError};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use pingshen_api::{
    Accepted, ErrorBody, EvaluationPackage, ReportSignature, ReportStatus, Role, SignedSubmission,
    SignedWithReceipt, Stage, EVALUATION_PACKAGE_FORMAT,
};
use std::collections::HashMap;
use std::sync::Arc;
use time::OffsetDateTime;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/projects/{id}/report", get(status))
        .route("/projects/{id}/report/pdf", get(pdf))
        .route("/projects/{id}/report/signatures", post(sign))
        .route("/projects/{id}/package", get(package))
}

/// A version of the report, as stored (its row) and its bytes.
struct Report {
    row: ev::StoredReport,
    bytes: Vec<u8>,
}

/// Renderers of this instance, one lock per project: the panel's members
/// ask for the report together once the last sheet is in, and one of them
/// renders it while the others wait for it. Another instance may render
/// the same version meanwhile, harmlessly: the same records make the same
/// bytes, stored under their hash, and the same report row.
#[derive(Default)]
pub(crate) struct RenderLocks(std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>);

impl RenderLocks {
    fn of(&self, project: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.0.lock().unwrap_or_else(|p| p.into_inner());
        locks.entry(project.to_string()).or_default().clone()
    }
}

/// What the current records make of the report: its date and its basis.
struct Version {
    /// The last record that goes into the report: the last sheet, or a
    /// motion or vote after it, or a clarification asked, answered or
    /// expired (a deadline that passed unanswered is an event: once passed
    /// it stays passed, so the date is stable). Never the clock otherwise,
    /// so re-rendering the same records gives the same bytes.
    date: Option<OffsetDateTime>,
    /// What the stored report row must name to be this version: the
    /// records' counts, the expired questions (listed as such) and the date.
    basis: String,
}

fn version(conn: &Conn, project: &str, now: OffsetDateTime) -> Result<Version, PlatformError> {
    let basis = ev::report_basis(conn, project)?;
    let expired: Vec<OffsetDateTime> =
        crate::db::clarifications::unanswered_deadlines(conn, project)?
            .into_iter()
            .filter(|deadline| now > *deadline)
            .collect();
    let date = basis
        .arrivals
        .into_iter()
        .chain(expired.iter().copied())
        .max();
    let at = date.map(format_time).transpose()?.unwrap_or_default();
    Ok(Version {
        date,
        basis: format!("{} expired={} at={at}", basis.counts, expired.len()),
    })
}

fn panel_incomplete() -> PlatformError {
    PlatformError::conflict("panel_incomplete", "尚有专家未提交评分表，评标报告尚未生成")
}

/// The stored report row and whether it is the current version: the
/// panel has all submitted (else `panel_incomplete`) and the row names the
/// current records' basis. A few small reads; nothing is aggregated,
/// rendered or written, so a signature's transaction can afford it.
fn stored_version(
    conn: &Conn,
    project: &str,
    now: OffsetDateTime,
) -> Result<Option<(ev::StoredReport, bool)>, PlatformError> {
    if !logic::all_submitted(conn, project)? {
        return Err(panel_incomplete());
    }
    let Some(row) = ev::report(conn, project)? else {
        return Ok(None);
    };
    let current = row.basis.as_deref() == Some(version(conn, project, now)?.basis.as_str());
    Ok(Some((row, current)))
}

/// The stored file `sha256`, if it is there whole (a missing or damaged
/// file is rendered again).
fn stored_bytes(data_dir: &std::path::Path, sha256: &str) -> Option<Vec<u8>> {
    let bytes = std::fs::read(crate::files::path(data_dir, sha256)).ok()?;
    (hex::encode(openssl::sha::sha256(&bytes)) == sha256).then_some(bytes)
}

/// Everything one version of the report is rendered from, read together.
struct Inputs {
    detail: pingshen_api::ProjectDetail,
    experts: Vec<(String, String)>,
    rules: pingshen_api::PublishedRules,
    sheets: Vec<pingshen_rules::ExpertSheet>,
    result: pingshen_rules::PanelResult,
    motions: Vec<pingshen_api::MotionStatus>,
    clarifications: Vec<pingshen_api::Clarification>,
    generated_at: OffsetDateTime,
    basis: String,
}

fn inputs(conn: &Conn, project: &str, now: OffsetDateTime) -> Result<Inputs, PlatformError> {
    if !logic::all_submitted(conn, project)? {
        return Err(panel_incomplete());
    }
    let motions = crate::evaluation::motion_statuses(conn, project)?;
    let (result, sheets, _) = logic::aggregate_given(conn, project, &motions)?;
    let detail = projects::get(conn, project)?;
    let rules = rules_db::get(conn, project, None)?
        .ok_or_else(|| PlatformError::conflict("conflict", "该项目尚未发布评标办法"))?;
    // Clarifications are listed in their state at the same instant the
    // report is dated at (an expired one is both listed so and dates it).
    let clarifications = crate::routes::clarifications::clarifications(conn, project, now)?;
    let version = version(conn, project, now)?;
    // Unreachable with every sitting member's sheet in.
    let generated_at = version.date.unwrap_or(detail.summary.opening_time);
    let experts = logic::sitting(conn, project)?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    Ok(Inputs {
        detail,
        experts,
        rules,
        sheets,
        result,
        motions,
        clarifications,
        generated_at,
        basis: version.basis,
    })
}

/// Renders `inputs` (the CJK fonts, ~19 MB, are loaded: never inside a
/// transaction) and stores the PDF under its hash.
fn render(data_dir: &std::path::Path, inputs: &Inputs) -> Result<Report, PlatformError> {
    let bytes = crate::report_pdf::render(
        &inputs.detail,
        &inputs.experts,
        &inputs.rules,
        &inputs.sheets,
        &inputs.result,
        &inputs.motions,
        &inputs.clarifications,
        inputs.generated_at,
    )?;
    let stored = crate::files::put(data_dir, &bytes)?;
    Ok(Report {
        row: ev::StoredReport {
            sha256: stored.sha256,
            size: stored.size,
            generated_at: inputs.generated_at,
            basis: Some(inputs.basis.clone()),
        },
        bytes,
    })
}

/// Records `report` as the project's report if it is still the current
/// version (a sheet may have arrived while it was rendered: then the row is
/// left for the renderer of the newer one); a row already naming it is
/// left untouched, so renderers that raced write once.
fn store_if_current(
    conn: &Conn,
    project: &str,
    row: &ev::StoredReport,
) -> Result<(), PlatformError> {
    let current = version(conn, project, crate::clock::now())?.basis;
    if row.basis.as_deref() != Some(current.as_str()) {
        return Ok(());
    }
    if ev::report(conn, project)?.as_ref() != Some(row) {
        ev::set_report(conn, project, row)?;
    }
    Ok(())
}

/// The current version of the stored report, if it is stored and its file
/// is whole.
async fn stored_current(state: &AppState, project: &str) -> Result<Option<Report>, PlatformError> {
    let p = project.to_string();
    let row = state.db.call(move |c| stored_version(c, &p, now())).await?;
    let Some((row, true)) = row else {
        return Ok(None);
    };
    let data_dir = state.data_dir.clone();
    tokio::task::spawn_blocking(move || {
        stored_bytes(&data_dir, &row.sha256).map(|bytes| Report { row, bytes })
    })
    .await
    .map_err(|e| PlatformError::Internal(e.to_string()))
}

/// The current report: the stored one while the records it was made from
/// are unchanged (a few reads), otherwise rendered from the current records
/// — a changed sheet changes its hash and so asks for new signatures — and
/// stored, outside any transaction.
async fn current(state: &AppState, project: &str) -> Result<Report, PlatformError> {
    if let Some(report) = stored_current(state, project).await? {
        return Ok(report);
    }
    let lock = state.report_renders.of(project);
    let _rendering = lock.lock().await;
    // Whoever held the lock may just have rendered this very version.
    if let Some(report) = stored_current(state, project).await? {
        return Ok(report);
    }
    let p = project.to_string();
    let inputs = state.db.call(move |c| inputs(c, &p, now())).await?;
    let data_dir = state.data_dir.clone();
    let report = tokio::task::spawn_blocking(move || render(&data_dir, &inputs))
        .await
        .map_err(|e| PlatformError::Internal(e.to_string()))??;
    let (p, row) = (project.to_string(), report.row.clone());
    state
        .db
        .write(move |tx| store_if_current(tx, &p, &row))
        .await?;
    Ok(report)
}

fn status_of(conn: &Conn, project: &str, c: &Report) -> Result<ReportStatus, PlatformError> {
    let c = &c.row;
    let signed_by = ev::report_signers(conn, project, &c.sha256)?;
    let sitting = logic::sitting(conn, project)?;
    let complete = !sitting.is_empty() && sitting.iter().all(|p| signed_by.contains(&p.id));
    Ok(ReportStatus {
        project_id: project.to_string(),
        sha256: c.sha256.clone(),
        size: c.size,
        generated_at: c.generated_at,
        signed_by,
        complete,
    })
}

/// The report's hash and who has signed it: for staff and the sitting
/// experts who declared no conflict (not witnesses, not recused experts).
#[utoipa::path(get, path = "/api/v1/projects/{id}/report", tag = "evaluation",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "项目编号")),
    responses(
        (status = 200, description = "评标报告状态", body = ReportStatus),
        (status = 403, description = "仅限已签署无利害关系声明的评标专家与工作人员（wrong_role、recused、declaration_required、not_assigned）", body = ErrorBody),
        (status = 409, description = "尚有专家未提交", body = ErrorBody)))]
pub async fn status(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(project_id): ApiPath<String>,
) -> Result<Json<ReportStatus>, PlatformError> {
    caller
        .require_panel(&state, &project_id, "评标报告")
        .await?;
    let cur = current(&state, &project_id).await?;
    let status = state
        .db
        .call(move |c| status_of(c, &project_id, &cur))
        .await?;
    Ok(Json(status))
}

/// The report itself (PDF), for the same people as its status.
#[utoipa::path(get, path = "/api/v1/projects/{id}/report/pdf", tag = "evaluation",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "项目编号")),
    responses(
        (status = 200, description = "评标报告 PDF", content_type = "application/pdf"),
        (status = 403, description = "仅限已签署无利害关系声明的评标专家与工作人员（wrong_role、recused、declaration_required、not_assigned）", body = ErrorBody),
        (status = 409, description = "尚有专家未提交", body = ErrorBody)))]
pub async fn pdf(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(project_id): ApiPath<String>,
) -> Result<Response, PlatformError> {
    caller
        .require_panel(&state, &project_id, "评标报告")
        .await?;
    let cur = current(&state, &project_id).await?;
    Response::builder()
        .header(header::CONTENT_TYPE, "application/pdf")
        .header(header::ETAG, format!("\"{}\"", cur.row.sha256))
        .body(Body::from(cur.bytes))
        .map_err(|e| PlatformError::Internal(e.to_string()))
}

/// An expert's signature over the current report's hash.
#[utoipa::path(post, path = "/api/v1/projects/{id}/report/signatures", tag = "evaluation",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "项目编号")),
    request_body = SignedSubmission,
    responses(
        (status = 201, description = "已签名确认", body = Accepted),
        (status = 200, description = "该签名已登记过", body = Accepted),
        (status = 409, description = "报告已变化 / 阶段不符", body = ErrorBody)))]
pub async fn sign(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(project_id): ApiPath<String>,
    ApiJson(body): ApiJson<SignedSubmission>,
) -> Result<(StatusCode, Json<Accepted>), PlatformError> {
    caller.require_role(Role::Expert)?;
    caller.require_documents(&state, &project_id).await?;
    let Incoming { doc, body } = accept::<ReportSignature>(&state, &caller, &body.envelope).await?;
    if doc.project_id != project_id || doc.expert_id != caller.person.id {
        return Err(PlatformError::bad_request(
            "project_mismatch",
            "确认的项目或专家与请求不符",
        ));
    }
    let record = SignatureRecord { doc };
    let (status, receipt) = record_once(&state, body, record).await?;
    Ok((status, Json(Accepted { receipt })))
}

/// One signature per expert over each version of the report, while the
/// panel sits and only over the current one. A new signature over the same
/// hash is a second, different document, not a retry.
#[derive(Clone)]
struct SignatureRecord {
    doc: ReportSignature,
}

impl Record for SignatureRecord {
    type Answer = pingshen_api::SignedEnvelope;
    const KIND: &'static str = "report_signature";

    fn submission_id(&self) -> String {
        let d = &self.doc;
        format!(
            "{}/report/{}/{}",
            d.project_id, d.report_sha256, d.expert_id
        )
    }
    fn project_id(&self) -> &str {
        &self.doc.project_id
    }
    fn stored(&self, tx: &Conn) -> Result<Option<Stored<Self::Answer>>, PlatformError> {
        let d = &self.doc;
        ev::recorded_report_signature(tx, &d.project_id, &d.expert_id, &d.report_sha256)
    }
    fn conflict(&self) -> PlatformError {
        PlatformError::conflict("already_signed", "您已签名确认过本报告，不能再次签名")
    }
    fn check(&mut self, tx: &Conn) -> Result<(), PlatformError> {
        let stage = projects::stage_of(tx, &self.doc.project_id)?;
        if !matches!(stage, Stage::Evaluating | Stage::Summary) {
            return Err(PlatformError::conflict(
                "wrong_stage",
                format!("项目当前处于“{}”阶段，不能签署评标报告", stage.label_zh()),
            ));
        }
        // The signed hash against the stored current version: a few reads,
        // never a rendering (the expert took the hash from a status call,
        // which rendered and stored it first).
        let changed = |message: &str| PlatformError::conflict("report_changed", message);
        match stored_version(tx, &self.doc.project_id, now())? {
            Some((row, true)) if row.sha256 == self.doc.report_sha256 => Ok(()),
            // Another hash, or the stored report is older than the records.
            Some(_) => Err(changed("评标报告已更新（有评分表变更），请重新查看后签名")),
            None => Err(changed("评标报告尚未生成，请先查看评标报告后签名")),
        }
    }
    fn insert(&self, tx: &Conn, r: &Receipted) -> Result<Self::Answer, PlatformError> {
        ev::insert_report_signature(
            tx,
            &ev::NewReportSignature {
                project_id: &self.doc.project_id,
                expert_id: &self.doc.expert_id,
                report_sha256: &self.doc.report_sha256,
            },
            r,
        )?;
        Ok(r.receipt.clone())
    }
}

/// The evaluation package (评标档案包) for auditors: it holds every
/// declaration (with recusal reasons), every sheet version and the witness
/// logs, so only staff and the elected panel leader may take it.
#[utoipa::path(get, path = "/api/v1/projects/{id}/package", tag = "evaluation",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "项目编号")),
    responses(
        (status = 200, description = "评标档案包", body = EvaluationPackage),
        (status = 403, description = "仅限评标组长与工作人员（not_leader、wrong_role、not_assigned）", body = ErrorBody),
        (status = 409, description = "尚有专家未提交", body = ErrorBody)))]
pub async fn package(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(project_id): ApiPath<String>,
) -> Result<Json<EvaluationPackage>, PlatformError> {
    caller
        .require_leader(&state, &project_id, "评标档案包")
        .await?;
    // Rendered, when the records changed, before the package's reads.
    current(&state, &project_id).await?;
    let st = state.clone();
    let package = state
        .db
        .call(move |c| build_package(c, &st, &project_id))
        .await?;
    Ok(Json(package))
}

/// Everything the package holds, each list in its canonical order (by
/// person, then version: docs/package.md).
pub(crate) fn build_package(
    c: &Conn,
    state: &AppState,
    project_id: &str,
) -> Result<EvaluationPackage, PlatformError> {
    let at = now();
    // The report stored as current; rendered here only when the records
    // changed since (the route rendered it just before).
    let stored = match stored_version(c, project_id, at)? {
        Some((row, true)) => {
            stored_bytes(&state.data_dir, &row.sha256).map(|bytes| Report { row, bytes })
        }
        _ => None,
    };
    let cur = match stored {
        Some(cur) => cur,
        None => {
            let report = render(&state.data_dir, &inputs(c, project_id, at)?)?;
            store_if_current(c, project_id, &report.row)?;
            report
        }
    };
    let (result, _, _) = logic::aggregate(c, project_id)?;
    let rules = rules_db::get(c, project_id, None)?
        .ok_or_else(|| PlatformError::conflict("conflict", "该项目尚未发布评标办法"))?;
    let parse =
        |s: &str| serde_json::from_str(s).map_err(|e| PlatformError::Internal(e.to_string()));
    let pair = |(envelope, receipt): (String, String)| -> Result<SignedWithReceipt, PlatformError> {
        Ok(SignedWithReceipt {
            envelope: parse(&envelope)?,
            receipt: parse(&receipt)?,
        })
    };
    let declarations = ev::declarations(c, project_id)?
        .into_iter()
        .map(|(_, _, envelope, receipt)| pair((envelope, receipt)))
        .collect::<Result<_, _>>()?;
    let leader_votes = ev::vote_documents(c, project_id)?
        .into_iter()
        .map(pair)
        .collect::<Result<_, _>>()?;
    let sheets = ev::all_sheets(c, project_id)?
        .into_iter()
        .map(|s| SignedWithReceipt {
            envelope: s.envelope,
            receipt: s.receipt,
        })
        .collect();
    let mut report_signatures = Vec::new();
    for (_, sha256, envelope, receipt) in ev::report_signatures(c, project_id)? {
        if sha256 == cur.row.sha256 {
            report_signatures.push(SignedWithReceipt {
                envelope: parse(&envelope)?,
                receipt: parse(&receipt)?,
            });
        }
    }
    let mut witness_logs = Vec::new();
    for w in crate::db::witness::assigned_witnesses(c, project_id)? {
        witness_logs.push(crate::routes::witness::build_export(
            c,
            state,
            project_id,
            Some(w),
            at,
        )?);
    }
    // Motions in the panel record's order, each one's votes by voter.
    let mut motions = Vec::new();
    let mut motion_votes = Vec::new();
    for m in crate::db::motions::motions(c, project_id)? {
        let mut votes = crate::db::motions::votes(c, project_id, &m.doc.motion_id)?;
        votes.sort_by(|a, b| a.voter_id.cmp(&b.voter_id));
        motion_votes.extend(votes.into_iter().map(|v| SignedWithReceipt {
            envelope: v.envelope,
            receipt: v.receipt,
        }));
        motions.push(SignedWithReceipt {
            envelope: m.envelope,
            receipt: m.receipt,
        });
    }
    // Questions in the panel record's order, each answer after its question.
    let mut clarification_questions = Vec::new();
    let mut clarification_answers = Vec::new();
    for q in crate::db::clarifications::questions(c, project_id)? {
        if let Some(a) = crate::db::clarifications::answer(c, project_id, &q.doc.clarification_id)?
        {
            clarification_answers.push(SignedWithReceipt {
                envelope: a.envelope,
                receipt: a.receipt,
            });
        }
        clarification_questions.push(SignedWithReceipt {
            envelope: q.envelope,
            receipt: q.receipt,
        });
    }
    Ok(EvaluationPackage {
        format: EVALUATION_PACKAGE_FORMAT.into(),
        project_id: project_id.to_string(),
        opening_record: crate::records::opening_record(c, state, project_id)?,
        panel_record: crate::records::panel_record(c, state, project_id, at)?,
        rules,
        declarations,
        leader_votes,
        sheets,
        result,
        report_pdf_base64: base64::engine::general_purpose::STANDARD.encode(&cur.bytes),
        report_sha256: cur.row.sha256,
        report_signatures,
        witness_logs,
        motions,
        motion_votes,
        credit_record: crate::records::credit_record(c, project_id)?.map(|(_, env)| env),
        clarification_questions,
        clarification_answers,
        crls: state.pki.crls_pem(),
        exported_at: at,
    })
}
