//! `POST /auth/challenge` and `POST /auth/session`: certificate login;
//! `DELETE /auth/session`: logout.

use crate::auth::{token_hash, BearerToken};
use crate::db::sessions::ChallengeRefusal;
use crate::db::{people, sessions};
use crate::json::ApiJson;
use crate::{AppState, PlatformError};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use base64::engine::general_purpose::{STANDARD as B64, URL_SAFE_NO_PAD as B64URL};
use base64::Engine;
use pingshen_api::{
    CertSummary, Challenge, ChallengeRequest, ErrorBody, Session, SessionRequest, LOGIN_PURPOSE,
    LOGIN_TYP,
};
use pingshen_pki::envelope::{verify_parsed, Envelope, VerifyOptions};
use time::{Duration, OffsetDateTime};

/// How long a challenge may be answered.
pub const CHALLENGE_TTL: Duration = Duration::minutes(2);
/// How long a session token lives; the client re-proves its key afterwards.
pub const SESSION_TTL: Duration = Duration::minutes(30);

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| OffsetDateTime::now_utc())
}

/// Issues a single-use challenge to a registered certificate whose chain is valid.
#[utoipa::path(post, path = "/api/v1/auth/challenge", tag = "auth",
    request_body = ChallengeRequest,
    responses(
        (status = 200, description = "待签名的登录挑战", body = Challenge),
        (status = 401, description = "证书无效（过期、吊销、不受信任……）", body = ErrorBody),
        (status = 403, description = "证书未登记", body = ErrorBody)))]
pub async fn challenge(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<ChallengeRequest>,
) -> Result<Json<Challenge>, PlatformError> {
    let chain = decode_chain(&req.chain)?;
    let now = now();
    let validated = state
        .pki
        .trust()
        .validate(&chain[0], &chain[1..], now)
        .map_err(PlatformError::from_pki)?;
    let fingerprint = validated.leaf.fingerprint_sha256.clone();
    let mut nonce = [0u8; 32];
    openssl::rand::rand_bytes(&mut nonce).map_err(|e| PlatformError::Internal(e.to_string()))?;
    let challenge = Challenge {
        purpose: LOGIN_PURPOSE.to_string(),
        nonce: B64URL.encode(nonce),
        platform_id: state.platform_id.clone(),
        cert_fingerprint: fingerprint.clone(),
        issued_at: now,
        expires_at: now + CHALLENGE_TTL,
    };
    let stored = challenge.clone();
    state
        .db
        .call(move |c| {
            if people::by_fingerprint(c, &fingerprint)?.is_none() {
                return Err(unregistered());
            }
            sessions::prune(c, now - Duration::days(1))?;
            sessions::store_challenge(c, &stored)
        })
        .await?;
    Ok(Json(challenge))
}

/// Opens a session from a signed challenge.
#[utoipa::path(post, path = "/api/v1/auth/session", tag = "auth",
    request_body = SessionRequest,
    responses(
        (status = 200, description = "登录成功", body = Session),
        (status = 401, description = "签名、证书或挑战无效（重放、过期、他平台……）", body = ErrorBody),
        (status = 403, description = "证书未登记", body = ErrorBody)))]
pub async fn session(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<SessionRequest>,
) -> Result<Json<Session>, PlatformError> {
    let env = Envelope {
        protected: req.envelope.protected,
        payload: req.envelope.payload,
        signature: req.envelope.signature,
    };
    let now = now();
    let verified = verify_parsed(
        &state.pki.trust(),
        &env,
        &VerifyOptions {
            at: Some(now),
            expected_typ: Some(LOGIN_TYP.to_string()),
        },
    )
    .map_err(PlatformError::from_pki)?;
    let signed: Challenge = serde_json::from_value(verified.payload.clone()).map_err(|e| {
        PlatformError::unauthenticated("bad_challenge", format!("登录挑战内容无效：{e}"))
    })?;
    if signed.purpose != LOGIN_PURPOSE {
        return Err(PlatformError::unauthenticated(
            "bad_challenge",
            "签名内容不是登录挑战",
        ));
    }
    if signed.platform_id != state.platform_id {
        return Err(PlatformError::unauthenticated(
            "foreign_challenge",
            "该登录挑战来自其他平台，已拒绝",
        ));
    }
    let fingerprint = verified.signer.fingerprint_sha256.clone();
    if signed.cert_fingerprint != fingerprint {
        return Err(PlatformError::unauthenticated(
            "challenge_mismatch",
            "签名证书与申请登录挑战的证书不一致",
        ));
    }
    let mut token = [0u8; 32];
    openssl::rand::rand_bytes(&mut token).map_err(|e| PlatformError::Internal(e.to_string()))?;
    let token = B64URL.encode(token);
    let hash = token_hash(&token);
    let platform_id = state.platform_id.clone();
    let expires_at = now + SESSION_TTL;
    let fp = fingerprint.clone();
    let person = state
        .db
        .write(move |tx| {
            match sessions::consume_challenge(tx, &signed, &platform_id, now)? {
                Ok(()) => {}
                Err(refusal) => return Err(refused(refusal)),
            }
            let person = people::by_fingerprint(tx, &fp)?.ok_or_else(unregistered)?;
            sessions::create_session(tx, &hash, &person.id, &fp, now, expires_at)?;
            Ok(person)
        })
        .await?;
    let leaf = &verified.chain.leaf;
    tracing::info!(person = %person.id, alg = verified.algorithm.jws_name(), "session opened");
    Ok(Json(Session {
        token,
        expires_at,
        person,
        certificate: CertSummary {
            subject: leaf.subject.clone(),
            issuer: leaf.issuer.clone(),
            alg: verified.algorithm.jws_name().to_string(),
            fingerprint,
            not_after: leaf.not_after,
        },
    }))
}

/// Ends the session of the bearer token: the token stops working at once,
/// instead of living to its expiry (a copied token is then worthless).
/// Idempotent: a token with no session left (ended, expired, pruned) is
/// answered 204 as well — there is nothing more to end, and the answer
/// tells a guesser nothing.
#[utoipa::path(delete, path = "/api/v1/auth/session", tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "已退出登录：该登录凭据立即失效（重复退出同样答复 204）"),
        (status = 401, description = "未提供登录凭据或格式错误", body = ErrorBody)))]
pub async fn logout(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
) -> Result<StatusCode, PlatformError> {
    let hash = token_hash(&token);
    let ended = state.db.call(move |c| sessions::delete(c, &hash)).await?;
    if ended {
        tracing::info!("session ended by logout");
    }
    Ok(StatusCode::NO_CONTENT)
}

fn decode_chain(chain: &[String]) -> Result<Vec<pingshen_pki::X509>, PlatformError> {
    if chain.is_empty() {
        return Err(PlatformError::bad_request("malformed", "证书链为空"));
    }
    chain
        .iter()
        .map(|b64| {
            let der = B64
                .decode(b64)
                .map_err(|_| PlatformError::bad_request("malformed", "证书不是 base64 编码"))?;
            pingshen_pki::cert::parse_der(&der).map_err(PlatformError::from_pki)
        })
        .collect()
}

fn unregistered() -> PlatformError {
    PlatformError::forbidden(
        "unregistered_certificate",
        "该证书未在本平台登记，请联系交易中心办理证书登记",
    )
}

fn refused(r: ChallengeRefusal) -> PlatformError {
    let (code, message) = match r {
        ChallengeRefusal::Unknown => ("unknown_challenge", "登录挑战不存在，请重新登录"),
        ChallengeRefusal::Replayed => {
            ("challenge_replayed", "登录挑战已被使用（疑似重放），已拒绝")
        }
        ChallengeRefusal::Expired => ("challenge_expired", "登录挑战已过期，请重新登录"),
        ChallengeRefusal::Altered => ("bad_challenge", "登录挑战内容被改动，已拒绝"),
    };
    PlatformError::unauthenticated(code, message)
}
