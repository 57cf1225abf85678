//! The signed-submission pipeline every signed route goes through:
//!
//! 1. **accept** ([`accept`]): the envelope verifies (chain, revocation and
//!    validity at the platform's clock, the expected `typ`), its signer is
//!    the registered person making the request, and its payload parses as
//!    the document the route takes;
//! 2. the route checks what only it knows (ids match the path, reasons are
//!    given) on the parsed document;
//! 3. **record once** ([`record_once`], or [`record_in`] inside a batch's
//!    transaction): in one transaction, a document already recorded in the
//!    same place answers its stored receipt when it is the very same signed
//!    envelope (a retry: 200) and is refused otherwise (409, the record's own
//!    code); then the record's checks against the stored state (stage,
//!    versions, candidates) run, the platform signs a receipt over the
//!    envelope's exact bytes, and the record is inserted with it (201).
//!
//! A new signed document is a [`Record`] implementation — where it is
//! stored, what else it needs, how it is inserted — and a route of a few
//! lines.

use crate::db::people;
use crate::db::sql::Conn;
use crate::receipts::{self, from_wire, sha256_hex, Received, Submitter};
use crate::{AppState, Caller, PlatformError};
use axum::http::StatusCode;
use pingshen_api::SignedEnvelope;
use pingshen_pki::envelope::{verify_parsed, VerifiedEnvelope, VerifyOptions};
use serde::de::DeserializeOwned;
use time::OffsetDateTime;

/// The signed envelope of an accepted document, as it is hashed, receipted
/// and stored.
#[derive(Debug, Clone)]
pub struct SignedBody {
    pub submitter: Submitter,
    /// The wire envelope as JSON text: what the receipt's `body_sha256`
    /// covers and what the archive keeps.
    pub envelope_json: String,
    pub envelope_sha256: String,
    /// The platform's clock when the document arrived (whole seconds).
    pub at: OffsetDateTime,
}

impl SignedBody {
    /// The envelope JSON of `env`, received at `at` from `submitter`.
    pub fn new(
        env: &SignedEnvelope,
        submitter: Submitter,
        at: OffsetDateTime,
    ) -> Result<Self, PlatformError> {
        let envelope_json = receipts::envelope_json(env)?;
        Ok(SignedBody {
            envelope_sha256: sha256_hex(envelope_json.as_bytes()),
            envelope_json,
            submitter,
            at,
        })
    }
}

/// A verified, parsed signed document and its envelope.
pub struct Incoming<T> {
    pub doc: T,
    pub body: SignedBody,
}

/// A kind of document people sign and send: its envelope type and what it
/// is called in a refusal (签名内容不是{WHAT}).
pub trait SignedDocument: DeserializeOwned {
    const TYP: &'static str;
    const WHAT: &'static str;
}

macro_rules! signed_documents {
    ($($doc:ty = $typ:expr, $what:literal;)*) => {
        $(impl SignedDocument for $doc {
            const TYP: &'static str = $typ;
            const WHAT: &'static str = $what;
        })*
    };
}

signed_documents! {
    pingshen_api::Declaration = pingshen_api::DECLARATION_TYP, "回避声明";
    pingshen_api::LeaderVote = pingshen_api::LEADER_VOTE_TYP, "组长推选票";
    pingshen_api::ScoreSheet = pingshen_api::SCORE_SHEET_TYP, "评分表";
    pingshen_api::ReportSignature = pingshen_api::REPORT_SIGNATURE_TYP, "报告确认";
    pingshen_api::ScreenDecision = pingshen_api::SCREEN_DECISION_TYP, "串标分析决定";
    pingshen_api::RulesDocument = pingshen_api::RULES_TYP, "评标办法发布文件";
    pingshen_api::Motion = pingshen_api::MOTION_TYP, "表决事项";
    pingshen_api::MotionVote = pingshen_api::MOTION_VOTE_TYP, "表决票";
    pingshen_api::ClarificationQuestion = pingshen_api::CLARIFICATION_QUESTION_TYP, "澄清问题";
}

/// Verifies `env` at the platform's clock as a `T`, checks that it was
/// signed with a certificate registered to the caller, and parses it.
pub async fn accept<T: SignedDocument>(
    state: &AppState,
    caller: &Caller,
    env: &SignedEnvelope,
) -> Result<Incoming<T>, PlatformError> {
    let at = crate::clock::now();
    let verified = verify_by_caller(state, caller, env, T::TYP, at).await?;
    let submitter = Submitter::new(caller, &verified.signer.fingerprint_sha256);
    let doc = serde_json::from_value(verified.payload).map_err(|e| {
        PlatformError::bad_request("bad_document", format!("签名内容不是{}：{e}", T::WHAT))
    })?;
    Ok(Incoming {
        doc,
        body: SignedBody::new(env, submitter, at)?,
    })
}

/// Verifies `env` (type `typ`) at `now` and checks it was signed with a
/// certificate registered to the caller.
pub async fn verify_by_caller(
    state: &AppState,
    caller: &Caller,
    env: &SignedEnvelope,
    typ: &str,
    now: OffsetDateTime,
) -> Result<VerifiedEnvelope, PlatformError> {
    let verified = verify_envelope(state, env, typ, now)?;
    let fp = verified.signer.fingerprint_sha256.clone();
    let signer = state
        .db
        .call(move |c| people::by_fingerprint(c, &fp))
        .await?;
    match signer {
        Some(p) if p.id == caller.person.id => Ok(verified),
        _ => Err(PlatformError::forbidden(
            "signer_mismatch",
            "签名证书不属于当前登录人员",
        )),
    }
}

/// Verifies `env` (type `typ`) at `now` against the recognised CAs and
/// their CRLs: who signed it is the caller's business.
pub fn verify_envelope(
    state: &AppState,
    env: &SignedEnvelope,
    typ: &str,
    now: OffsetDateTime,
) -> Result<VerifiedEnvelope, PlatformError> {
    verify_parsed(
        &state.pki.trust(),
        &from_wire(env),
        &VerifyOptions {
            at: Some(now),
            expected_typ: Some(typ.to_string()),
        },
    )
    .map_err(|e| PlatformError::Pki {
        code: e.code(),
        message: format!("签名无效：{}", e.message_zh()),
    })
}

/// A signed document already recorded in an incoming one's place: the hash
/// of its envelope and what a retry is answered.
pub struct Stored<A> {
    pub envelope_sha256: String,
    pub answer: A,
}

/// What is stored beside a record's own fields.
pub struct Receipted<'a> {
    pub body: &'a SignedBody,
    pub receipt: &'a SignedEnvelope,
    /// The receipt as stored (JSON text).
    pub receipt_json: &'a str,
}

/// One kind of signed document the platform records.
pub trait Record {
    /// What the route answers: the receipt, or the stored document.
    type Answer;
    /// The receipt's `kind`.
    const KIND: &'static str;

    /// The receipt's `submission_id`: where this document is recorded.
    fn submission_id(&self) -> String;
    fn project_id(&self) -> &str;
    /// The document recorded in this one's place, if any.
    fn stored(&self, tx: &Conn) -> Result<Option<Stored<Self::Answer>>, PlatformError>;
    /// The refusal when a different document is recorded in this one's place.
    fn conflict(&self) -> PlatformError;
    /// Checks against the stored state, before the receipt is signed.
    fn check(&mut self, _tx: &Conn) -> Result<(), PlatformError> {
        Ok(())
    }
    /// Inserts the record with its receipt; answers what the route returns.
    fn insert(&self, tx: &Conn, r: &Receipted) -> Result<Self::Answer, PlatformError>;
}

/// Records `record` once inside `tx`: a retry of the same envelope answers
/// what is stored (200), a different document in its place is refused,
/// otherwise the checks run, a receipt is signed and the record inserted
/// (201). The caller commits.
pub fn record_in<R: Record>(
    tx: &Conn,
    state: &AppState,
    body: &SignedBody,
    mut record: R,
) -> Result<(StatusCode, R::Answer), PlatformError> {
    if let Some(stored) = record.stored(tx)? {
        return if stored.envelope_sha256 == body.envelope_sha256 {
            Ok((StatusCode::OK, stored.answer))
        } else {
            Err(record.conflict())
        };
    }
    record.check(tx)?;
    let receipt = receipts::issue(
        state,
        &Received {
            kind: R::KIND,
            submission_id: &record.submission_id(),
            project_id: record.project_id(),
            submitter: &body.submitter,
            body: body.envelope_json.as_bytes(),
        },
        body.at,
    )?;
    let receipt_json = receipts::envelope_json(&receipt)?;
    let answer = record.insert(
        tx,
        &Receipted {
            body,
            receipt: &receipt,
            receipt_json: &receipt_json,
        },
    )?;
    Ok((StatusCode::CREATED, answer))
}

/// [`record_in`] in a transaction of its own.
pub async fn record_once<R>(
    state: &AppState,
    body: SignedBody,
    record: R,
) -> Result<(StatusCode, R::Answer), PlatformError>
where
    // Cloned for each attempt: PostgreSQL may run the transaction again.
    R: Record + Clone + Send + 'static,
    R::Answer: Send + 'static,
{
    let st = state.clone();
    state
        .db
        .write(move |tx| record_in(tx, &st, &body, record.clone()))
        .await
}

/// A client's idempotency key: 1–64 characters of `[A-Za-z0-9_-]` (a UUID in
/// practice). An empty or odd key would make every later retry ambiguous.
pub fn check_submission_id(id: &str) -> Result<(), PlatformError> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(PlatformError::bad_request(
            "bad_submission_id",
            "提交编号无效：应为 1–64 位字母、数字、连字符或下划线（通常为 UUID）",
        ))
    }
}
