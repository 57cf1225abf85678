//! Login challenges and sessions.

use crate::db::people::person_from_row;
use crate::db::projects::{format_time, parse_time};
use crate::db::sql::{params, Conn, OptionalExtension};
use crate::PlatformError;
use pingshen_api::{Challenge, Person};
use time::OffsetDateTime;

pub fn store_challenge(conn: &Conn, c: &Challenge) -> Result<(), PlatformError> {
    conn.execute(
        "INSERT INTO challenges (nonce, fingerprint, issued_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![
            c.nonce,
            c.cert_fingerprint,
            format_time(c.issued_at)?,
            format_time(c.expires_at)?
        ],
    )?;
    Ok(())
}

/// Why a signed challenge cannot open a session.
pub enum ChallengeRefusal {
    Unknown,
    Replayed,
    Expired,
    /// The stored challenge differs from the signed one.
    Altered,
}

/// Marks the challenge with `signed.nonce` used, if it is the one the
/// platform issued, unused and unexpired. Must run in the transaction that
/// also creates the session, so that a replay racing the first use loses.
pub fn consume_challenge(
    conn: &Conn,
    signed: &Challenge,
    platform_id: &str,
    now: OffsetDateTime,
) -> Result<Result<(), ChallengeRefusal>, PlatformError> {
    let row: Option<(String, String, String, Option<String>)> = conn
        .query_row(
            "SELECT fingerprint, issued_at, expires_at, used_at FROM challenges WHERE nonce = ?1",
            [&signed.nonce],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((fingerprint, issued_at, expires_at, used_at)) = row else {
        return Ok(Err(ChallengeRefusal::Unknown));
    };
    if used_at.is_some() {
        return Ok(Err(ChallengeRefusal::Replayed));
    }
    let stored = Challenge {
        purpose: pingshen_api::LOGIN_PURPOSE.to_string(),
        nonce: signed.nonce.clone(),
        platform_id: platform_id.to_string(),
        cert_fingerprint: fingerprint,
        issued_at: parse_time(&issued_at)?,
        expires_at: parse_time(&expires_at)?,
    };
    if &stored != signed {
        return Ok(Err(ChallengeRefusal::Altered));
    }
    if now > stored.expires_at {
        return Ok(Err(ChallengeRefusal::Expired));
    }
    let changed = conn.execute(
        "UPDATE challenges SET used_at = ?2 WHERE nonce = ?1 AND used_at IS NULL",
        params![signed.nonce, format_time(now)?],
    )?;
    Ok(if changed == 1 {
        Ok(())
    } else {
        Err(ChallengeRefusal::Replayed)
    })
}

pub fn create_session(
    conn: &Conn,
    token_hash: &str,
    person_id: &str,
    fingerprint: &str,
    now: OffsetDateTime,
    expires_at: OffsetDateTime,
) -> Result<(), PlatformError> {
    conn.execute(
        "INSERT INTO sessions (token_hash, person_id, fingerprint, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            token_hash,
            person_id,
            fingerprint,
            format_time(now)?,
            format_time(expires_at)?
        ],
    )?;
    Ok(())
}

/// A live session's person and certificate fingerprint.
pub struct SessionRow {
    pub person: Person,
    pub fingerprint: String,
    pub expires_at: OffsetDateTime,
}

pub fn session(conn: &Conn, token_hash: &str) -> Result<Option<SessionRow>, PlatformError> {
    let row = conn
        .query_row(
            "SELECT p.id, p.name, p.role, p.city, s.fingerprint, s.expires_at
             FROM sessions s JOIN people p ON p.id = s.person_id WHERE s.token_hash = ?1",
            [token_hash],
            |r| {
                Ok((
                    person_from_row(r)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                ))
            },
        )
        .optional()?;
    match row {
        None => Ok(None),
        Some((person, fingerprint, expires_at)) => Ok(Some(SessionRow {
            person: person?,
            fingerprint,
            expires_at: parse_time(&expires_at)?,
        })),
    }
}

/// Ends a session (logout). Answers whether there was one to end.
pub fn delete(conn: &Conn, token_hash: &str) -> Result<bool, PlatformError> {
    Ok(conn.execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash])? > 0)
}

/// Forgets challenges and sessions that expired long ago.
pub fn prune(conn: &Conn, before: OffsetDateTime) -> Result<(), PlatformError> {
    let t = format_time(before)?;
    conn.execute("DELETE FROM challenges WHERE expires_at < ?1", [&t])?;
    conn.execute("DELETE FROM sessions WHERE expires_at < ?1", [&t])?;
    Ok(())
}
