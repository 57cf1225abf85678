//! The evaluation report (评标报告) and the evaluation package (评标档案包):
//! the platform renders the report once every sitting expert has submitted,
//! each expert signs its SHA-256, and the package carries everything an
//! auditor needs to re-verify the evaluation offline with `pingshen verify`.

use crate::clock::now;
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
use time::OffsetDateTime;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/projects/{id}/report", get(status))
        .route("/projects/{id}/report/pdf", get(pdf))
        .route("/projects/{id}/report/signatures", post(sign))
        .route("/projects/{id}/package", get(package))
}

/// The current report: rendered from the current sheets (re-rendered when a
/// sheet changed, which changes its hash and so asks for new signatures).
struct Current {
    sha256: String,
    size: u64,
    generated_at: OffsetDateTime,
    bytes: Vec<u8>,
    result: pingshen_rules::PanelResult,
}

fn current(
    conn: &Conn,
    data_dir: &std::path::Path,
    project: &str,
) -> Result<Current, PlatformError> {
    if !logic::all_submitted(conn, project)? {
        return Err(PlatformError::conflict(
            "panel_incomplete",
            "尚有专家未提交评分表，评标报告尚未生成",
        ));
    }
    let motions = crate::evaluation::motion_statuses(conn, project)?;
    let (result, sheets, _) = logic::aggregate_given(conn, project, &motions)?;
    let detail = projects::get(conn, project)?;
    let rules = rules_db::get(conn, project, None)?
        .ok_or_else(|| PlatformError::conflict("conflict", "该项目尚未发布评标办法"))?;
    // The report is dated by the last sheet that went into it: never the clock.
    // A motion or vote after the last sheet is in the report too: it is
    // dated by the latest of them.
    // Clarifications are listed as of the report's date, not the clock, so
    // re-rendering is stable; an answer arriving later changes the date.
    let last_motion = motions
        .iter()
        .flat_map(|m| std::iter::once(m.proposed_at).chain(m.votes.iter().map(|v| v.received_at)))
        .max();
    let clarifications =
        crate::routes::clarifications::clarifications(conn, project, crate::clock::now())?;
    // A deadline that passed unanswered is an event too (the question
    // expired): once passed, it stays passed, so the date is stable.
    let last_clarification = clarifications
        .iter()
        .flat_map(|c| {
            let expired = (c.state == pingshen_api::ClarificationState::Expired)
                .then_some(c.question.deadline);
            [
                Some(c.asked_at),
                c.answer.as_ref().map(|a| a.received_at),
                expired,
            ]
        })
        .flatten()
        .max();
    let generated_at = ev::latest_sheets(conn, project)?
        .iter()
        .map(|s| s.received_at)
        .chain(last_motion)
        .chain(last_clarification)
        .max()
        .unwrap_or(detail.summary.opening_time);
    // Rendering loads the CJK fonts (~19 MB): the stored report is reused
    // while its date — the last sheet's arrival — is unchanged, since the
    // same sheets render the same bytes.
    if let Some((sha256, size, at)) = ev::report(conn, project)? {
        if at == generated_at {
            if let Ok(bytes) = std::fs::read(crate::files::path(data_dir, &sha256)) {
                if crate::files::digests(&bytes)?.0 == sha256 {
                    return Ok(Current {
                        sha256,
                        size,
                        generated_at,
                        bytes,
                        result,
                    });
                }
            }
        }
    }
    let experts: Vec<(String, String)> = logic::sitting(conn, project)?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let bytes = crate::report_pdf::render(
        &detail,
        &experts,
        &rules,
        &sheets,
        &result,
        &motions,
        &clarifications,
        generated_at,
    )?;
    let stored = crate::files::put(data_dir, &bytes)?;
    ev::set_report(conn, project, &stored.sha256, stored.size, generated_at)?;
    Ok(Current {
        sha256: stored.sha256,
        size: stored.size,
        generated_at,
        bytes,
        result,
    })
}

fn status_of(conn: &Conn, project: &str, c: &Current) -> Result<ReportStatus, PlatformError> {
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
    let data_dir = state.data_dir.clone();
    let status = state
        .db
        .call(move |c| {
            let cur = current(c, &data_dir, &project_id)?;
            status_of(c, &project_id, &cur)
        })
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
    let data_dir = state.data_dir.clone();
    let cur = state
        .db
        .call(move |c| current(c, &data_dir, &project_id))
        .await?;
    Response::builder()
        .header(header::CONTENT_TYPE, "application/pdf")
        .header(header::ETAG, format!("\"{}\"", cur.sha256))
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
    let record = SignatureRecord {
        doc,
        data_dir: state.data_dir.clone(),
    };
    let (status, receipt) = record_once(&state, body, record).await?;
    Ok((status, Json(Accepted { receipt })))
}

/// One signature per expert over each version of the report, while the
/// panel sits and only over the current one. A new signature over the same
/// hash is a second, different document, not a retry.
#[derive(Clone)]
struct SignatureRecord {
    doc: ReportSignature,
    data_dir: std::path::PathBuf,
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
        if current(tx, &self.data_dir, &self.doc.project_id)?.sha256 != self.doc.report_sha256 {
            return Err(PlatformError::conflict(
                "report_changed",
                "评标报告已更新（有评分表变更），请重新查看后签名",
            ));
        }
        Ok(())
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
    let cur = current(c, &state.data_dir, project_id)?;
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
        if sha256 == cur.sha256 {
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
        result: cur.result,
        report_pdf_base64: base64::engine::general_purpose::STANDARD.encode(&cur.bytes),
        report_sha256: cur.sha256,
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
