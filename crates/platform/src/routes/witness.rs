//! The witness log (见证记录): the witness syncs signed, chained entries in
//! batches; the witness, staff and the panel leader read them; an export
//! carries everything an auditor needs to verify a log offline.
//! Format and rules: `docs/witness.md`.

use crate::db::sql::Conn;
use crate::db::{people, projects, witness as db};
use crate::json::ApiJson;
use crate::path::ApiPath;
use crate::query::ApiQuery;
use crate::receipts::{self, sha256_hex, Submitter};
use crate::submission::{record_in, verify_by_caller, Receipted, Record, SignedBody, Stored};
use crate::{AppState, Caller, PlatformError};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use pingshen_api::{
    AttestedEntry, ErrorBody, Role, Stage, SubmitWitnessEntries, WitnessEntryReceipt,
    WitnessExport, WitnessLogAttestation, WitnessLogView, WitnessSyncResult, WITNESS_ENTRY_TYP,
    WITNESS_EXPORT_FORMAT, WITNESS_LOG_PURPOSE, WITNESS_LOG_TYP, WITNESS_MAX_BATCH,
    WITNESS_RECEIPT_KIND,
};
use pingshen_witness::{
    canonical_envelope, check_next, decode_unverified, parse_entry, WitnessEntry,
};
use serde::Deserialize;
use time::OffsetDateTime;

/// The witness routes, merged into the API router.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/projects/{id}/witness/entries", get(list).post(submit))
        .route("/projects/{id}/witness/export", get(export))
}

fn refused(status: StatusCode, code: &'static str, message: impl Into<String>) -> PlatformError {
    PlatformError::refused(status, code, message)
}

/// `?witness=` of the read routes.
#[derive(Debug, Deserialize)]
pub(crate) struct LogQuery {
    witness: Option<String>,
}

/// Appends signed entries to the caller's log. The batch is all or
/// nothing; each entry is idempotent on its id: the same entry again gets
/// its original receipt.
#[utoipa::path(post, path = "/api/v1/projects/{id}/witness/entries", tag = "witness",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "项目编号")),
    request_body = SubmitWitnessEntries,
    responses(
        (status = 201, description = "已保存新记录（每条附平台回执）", body = WitnessSyncResult),
        (status = 200, description = "这些记录此前均已保存", body = WitnessSyncResult),
        (status = 400, description = "批次为空或过大、记录无效、项目或见证人不符", body = ErrorBody),
        (status = 401, description = "未登录，或签名/证书无效", body = ErrorBody),
        (status = 403, description = "仅限分配到本项目的见证人本人签名提交", body = ErrorBody),
        (status = 409, description = "gap：缺少之前的记录；fork：该序号已有另一条记录或上一条哈希不符；conflict：同一记录编号内容不同", body = ErrorBody)))]
pub(crate) async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(project_id): ApiPath<String>,
    ApiJson(body): ApiJson<SubmitWitnessEntries>,
) -> Result<(StatusCode, Json<WitnessSyncResult>), PlatformError> {
    caller.require_role(Role::Witness)?;
    caller.require_project(&state, &project_id).await?;
    if body.entries.is_empty() {
        return Err(refused(
            StatusCode::BAD_REQUEST,
            "empty_batch",
            "没有要同步的见证记录",
        ));
    }
    if body.entries.len() > WITNESS_MAX_BATCH {
        return Err(refused(
            StatusCode::BAD_REQUEST,
            "batch_too_large",
            format!("一次最多同步 {WITNESS_MAX_BATCH} 条见证记录，请分批提交"),
        ));
    }
    let now = now_seconds();
    let mut batch = Vec::with_capacity(body.entries.len());
    for (i, env) in body.entries.into_iter().enumerate() {
        batch.push(prepare(&state, &caller, &project_id, i + 1, env, now).await?);
    }
    let st = state.clone();
    let witness_id = caller.person.id.clone();
    let (status, result) = state
        .db
        .write(move |c| store_batch(c, &st, &project_id, &witness_id, &batch))
        .await?;
    Ok((status, Json(result)))
}

/// A submitted entry, checked on its own.
struct Prepared {
    entry: WitnessEntry,
    /// The canonical envelope: its hash is the entry's hash.
    body: SignedBody,
}

/// Checks entry `n` of a batch: well-formed, signed by the caller, for this
/// project. An envelope already stored was verified when it arrived, so an
/// exact retry is not re-verified (the certificate may have expired since).
async fn prepare(
    state: &AppState,
    caller: &Caller,
    project_id: &str,
    n: usize,
    env: pingshen_api::SignedEnvelope,
    now: OffsetDateTime,
) -> Result<Prepared, PlatformError> {
    let invalid = |code: &'static str, what: String| {
        refused(
            StatusCode::BAD_REQUEST,
            code,
            format!("第 {n} 条见证记录{what}"),
        )
    };
    let canonical =
        canonical_envelope(&env).map_err(|e| invalid(e.code(), format!("格式错误：{e}")))?;
    let hash = sha256_hex(&canonical);
    let envelope_json =
        String::from_utf8(canonical).map_err(|_| invalid("bad_envelope", "不是 UTF-8".into()))?;
    let h = hash.clone();
    let known = state.db.call(move |c| db::has_hash(c, &h)).await?;
    // A stored entry is answered with its stored receipt, so its submitter
    // (here the session's certificate) is never receipted again.
    let (entry, submitter) = if known {
        (
            decode_unverified(&env).map_err(|e| PlatformError::Internal(e.to_string()))?,
            Submitter::new(caller, &caller.fingerprint),
        )
    } else {
        let verified = verify_by_caller(state, caller, &env, WITNESS_ENTRY_TYP, now).await?;
        (
            parse_entry(&verified.payload_bytes)
                .map_err(|e| invalid(e.code(), format!("无效：{e}")))?,
            Submitter::new(caller, &verified.signer.fingerprint_sha256),
        )
    };
    if entry.project_id != project_id {
        return Err(invalid(
            "project_mismatch",
            format!("属于项目 {}，不是 {project_id}", entry.project_id),
        ));
    }
    if entry.witness_id != caller.person.id {
        return Err(invalid(
            "witness_mismatch",
            format!(
                "写明的见证人是 {}，不是签名人 {}",
                entry.witness_id, caller.person.id
            ),
        ));
    }
    Ok(Prepared {
        entry,
        body: SignedBody {
            submitter,
            envelope_json,
            envelope_sha256: hash,
            at: now,
        },
    })
}

/// Stores a prepared batch in one transaction, each entry continuing the
/// log, and answers one receipt per entry.
fn store_batch(
    c: &Conn,
    state: &AppState,
    project_id: &str,
    witness_id: &str,
    batch: &[Prepared],
) -> Result<(StatusCode, WitnessSyncResult), PlatformError> {
    let mut head = db::head(c, project_id, witness_id)?;
    let mut answers = Vec::with_capacity(batch.len());
    let mut stored = 0u32;
    for p in batch {
        let record = EntryRecord {
            entry: &p.entry,
            project_id,
            witness_id,
            head: head.clone(),
        };
        let (status, answer) = record_in(c, state, &p.body, record)?;
        if status == StatusCode::CREATED {
            head = Some((p.entry.seq, p.body.envelope_sha256.clone()));
            stored += 1;
        }
        answers.push(answer);
    }
    let status = if stored > 0 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        WitnessSyncResult {
            project_id: project_id.to_string(),
            witness_id: witness_id.to_string(),
            stored,
            receipts: answers,
        },
    ))
}

/// An entry of a witness's log: once under its id, never changed, each
/// continuing the log (`check_next`), not after the project is archived.
struct EntryRecord<'a> {
    entry: &'a WitnessEntry,
    project_id: &'a str,
    witness_id: &'a str,
    /// The log's last entry before this one: (seq, hash).
    head: Option<(u64, String)>,
}

impl Record for EntryRecord<'_> {
    type Answer = WitnessEntryReceipt;
    const KIND: &'static str = WITNESS_RECEIPT_KIND;

    fn submission_id(&self) -> String {
        self.entry.entry_id.clone()
    }
    fn project_id(&self) -> &str {
        self.project_id
    }
    fn stored(&self, tx: &Conn) -> Result<Option<Stored<Self::Answer>>, PlatformError> {
        Ok(db::by_id(tx, &self.entry.entry_id)?.map(|existing| Stored {
            envelope_sha256: existing.entry_hash.clone(),
            answer: WitnessEntryReceipt {
                seq: existing.seq,
                entry_id: existing.entry_id,
                entry_hash: existing.entry_hash,
                received_at: existing.received_at,
                receipt: existing.receipt,
            },
        }))
    }
    fn conflict(&self) -> PlatformError {
        refused(
            StatusCode::CONFLICT,
            "conflict",
            format!(
                "记录 {}（序号 {}）已同步且内容不同：见证记录一经提交不能修改，更正请另写一条记录",
                self.entry.entry_id, self.entry.seq
            ),
        )
    }
    fn check(&mut self, tx: &Conn) -> Result<(), PlatformError> {
        if projects::stage_of(tx, self.project_id)? == Stage::Archived {
            return Err(refused(
                StatusCode::CONFLICT,
                "project_archived",
                format!("项目 {} 已归档，不能再添加见证记录", self.project_id),
            ));
        }
        check_next(
            self.head.as_ref().map(|(s, h)| (*s, h.as_str())),
            self.entry,
        )
        .map_err(|l| refused(StatusCode::CONFLICT, l.code(), l.to_string()))?;
        check_correction(tx, self.project_id, self.witness_id, self.entry)
    }
    fn insert(&self, tx: &Conn, r: &Receipted) -> Result<Self::Answer, PlatformError> {
        let e = self.entry;
        db::insert(
            tx,
            &db::NewEntry {
                project_id: self.project_id,
                witness_id: self.witness_id,
                seq: e.seq,
                entry_id: &e.entry_id,
                prev_hash: &e.prev_hash,
            },
            r,
        )?;
        Ok(WitnessEntryReceipt {
            seq: e.seq,
            entry_id: e.entry_id.clone(),
            entry_hash: r.body.envelope_sha256.clone(),
            received_at: r.body.at,
            receipt: r.receipt.clone(),
        })
    }
}

/// A correction must name an earlier entry of the same log.
fn check_correction(
    c: &Conn,
    project_id: &str,
    witness_id: &str,
    e: &WitnessEntry,
) -> Result<(), PlatformError> {
    let Some(target) = &e.corrects else {
        return Ok(());
    };
    match db::by_id(c, target)? {
        Some(t) if t.project_id == project_id && t.witness_id == witness_id && t.seq < e.seq => {
            Ok(())
        }
        _ => Err(refused(
            StatusCode::BAD_REQUEST,
            "bad_correction",
            format!(
                "第 {} 条记录要更正的记录 {target} 不是本人在本项目此前提交的记录",
                e.seq
            ),
        )),
    }
}

/// The project's witness log(s) with their receipts.
#[utoipa::path(get, path = "/api/v1/projects/{id}/witness/entries", tag = "witness",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "项目编号"),
        ("witness" = Option<String>, Query, description = "只看该见证人的记录（见证人只能看自己的）")),
    responses(
        (status = 200, description = "见证记录（按见证人、序号排列）", body = WitnessLogView),
        (status = 403, description = "仅限见证人本人、工作人员和评标组长", body = ErrorBody),
        (status = 404, description = "项目不存在", body = ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(project_id): ApiPath<String>,
    ApiQuery(q): ApiQuery<LogQuery>,
) -> Result<Json<WitnessLogView>, PlatformError> {
    let witness = readable(&state, &caller, &project_id, q.witness).await?;
    let pid = project_id.clone();
    let entries = state
        .db
        .call(move |c| db::list(c, &pid, witness.as_deref()))
        .await?;
    Ok(Json(WitnessLogView {
        project_id,
        entries,
    }))
}

/// One witness's log as a self-contained document for offline
/// verification (`pingshen verify`), with the platform's signed attestation.
#[utoipa::path(get, path = "/api/v1/projects/{id}/witness/export", tag = "witness",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "项目编号"),
        ("witness" = Option<String>, Query, description = "见证人编号；项目只有一名见证人时可省略")),
    responses(
        (status = 200, description = "导出的见证记录", body = WitnessExport),
        (status = 400, description = "项目有多名见证人，须指定 witness", body = ErrorBody),
        (status = 403, description = "仅限见证人本人、工作人员和评标组长", body = ErrorBody),
        (status = 404, description = "项目或见证人不存在", body = ErrorBody)))]
pub(crate) async fn export(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(project_id): ApiPath<String>,
    ApiQuery(q): ApiQuery<LogQuery>,
) -> Result<Json<WitnessExport>, PlatformError> {
    let witness = readable(&state, &caller, &project_id, q.witness).await?;
    let st = state.clone();
    let now = now_seconds();
    let doc = state
        .db
        .call(move |c| build_export(c, &st, &project_id, witness.clone(), now))
        .await?;
    Ok(Json(doc))
}

/// Who may read which log: a witness their own, staff any, the panel
/// leader their project's ([`db::is_panel_leader`]). Answers the witness
/// to restrict the listing to (`None`: all of the project's).
async fn readable(
    state: &AppState,
    caller: &Caller,
    project_id: &str,
    asked: Option<String>,
) -> Result<Option<String>, PlatformError> {
    caller.require_project(state, project_id).await?;
    let (pid, me) = (project_id.to_string(), caller.person.id.clone());
    let leader = state
        .db
        .call(move |c| {
            projects::stage_of(c, &pid)?;
            db::is_panel_leader(c, &pid, &me)
        })
        .await?;
    match caller.person.role {
        Role::Witness => match asked {
            Some(w) if w != caller.person.id => Err(PlatformError::forbidden(
                "not_own_log",
                "见证人只能查看自己的见证记录",
            )),
            _ => Ok(Some(caller.person.id.clone())),
        },
        Role::Staff => Ok(asked),
        Role::Expert if leader => Ok(asked),
        Role::Expert | Role::Bidder | Role::Platform => Err(PlatformError::forbidden(
            "wrong_role",
            "见证记录仅限见证人本人、工作人员和评标组长查看",
        )),
    }
}

pub(crate) fn build_export(
    c: &Conn,
    state: &AppState,
    project_id: &str,
    asked: Option<String>,
    now: OffsetDateTime,
) -> Result<WitnessExport, PlatformError> {
    let witness_id = match asked {
        Some(w) => match people::by_id(c, &w)? {
            Some(p) if p.role == Role::Witness => w,
            _ => return Err(PlatformError::not_found(format!("见证人 {w} "))),
        },
        None => match db::assigned_witnesses(c, project_id)?.as_slice() {
            [one] => one.clone(),
            [] => return Err(PlatformError::not_found("该项目的见证人")),
            _ => {
                return Err(PlatformError::bad_request(
                    "witness_required",
                    "该项目有多名见证人，请用 witness 参数指定要导出谁的记录",
                ))
            }
        },
    };
    let log = db::log_of(c, project_id, &witness_id)?;
    let attestation = WitnessLogAttestation {
        purpose: WITNESS_LOG_PURPOSE.to_string(),
        platform_id: state.platform_id.clone(),
        project_id: project_id.to_string(),
        witness_id: witness_id.clone(),
        exported_at: now,
        entries: log
            .iter()
            .map(|e| AttestedEntry {
                seq: e.seq,
                entry_id: e.entry_id.clone(),
                entry_hash: e.entry_hash.clone(),
                received_at: e.received_at,
            })
            .collect(),
    };
    let signed = pingshen_pki::sign_value(state.pki.signer(), WITNESS_LOG_TYP, &attestation, now)
        .map_err(|e| {
        PlatformError::Internal(format!("无法签署见证日志证明：{}", e.message_zh()))
    })?;
    Ok(WitnessExport {
        format: WITNESS_EXPORT_FORMAT.to_string(),
        project_id: project_id.to_string(),
        witness_id,
        receipts: log.iter().map(|e| e.receipt.clone()).collect(),
        entries: log.into_iter().map(|e| e.envelope).collect(),
        attestation: receipts::to_wire(signed),
    })
}

fn now_seconds() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(0).unwrap_or(now)
}
