//! People, their certificates and their project assignments.

use crate::db::projects::format_time;
use crate::db::sql::{params, Conn, OptionalExtension, Row, SqlResult};
use crate::PlatformError;
use pingshen_api::{Person, Role};
use time::OffsetDateTime;

/// Registers (or updates) a person. Idempotent.
pub fn upsert_person(conn: &Conn, p: &Person) -> Result<(), PlatformError> {
    conn.execute(
        "INSERT INTO people (id, name, role, city) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, role = excluded.role,
                                       city = excluded.city",
        params![p.id, p.name, p.role.as_str(), p.city],
    )?;
    Ok(())
}

/// Binds a certificate (by fingerprint) to a person. A fingerprint already
/// bound to someone else is a conflict.
pub fn bind_cert(
    conn: &Conn,
    person_id: &str,
    fingerprint: &str,
    subject: &str,
    issuer: &str,
    now: OffsetDateTime,
) -> Result<(), PlatformError> {
    let owner: Option<String> = conn
        .query_row(
            "SELECT person_id FROM person_certs WHERE fingerprint = ?1",
            [fingerprint],
            |r| r.get(0),
        )
        .optional()?;
    match owner {
        Some(o) if o == person_id => Ok(()),
        Some(o) => Err(PlatformError::conflict(
            "conflict",
            format!("该证书已登记给 {o}，不能再登记给 {person_id}"),
        )),
        None => {
            conn.execute(
                "INSERT INTO person_certs (fingerprint, person_id, subject, issuer, registered_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![fingerprint, person_id, subject, issuer, format_time(now)?],
            )?;
            Ok(())
        }
    }
}

pub fn assign(conn: &Conn, project_id: &str, person_id: &str) -> Result<(), PlatformError> {
    conn.execute(
        "INSERT INTO assignments (project_id, person_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        params![project_id, person_id],
    )?;
    Ok(())
}

pub fn is_assigned(conn: &Conn, project_id: &str, person_id: &str) -> Result<bool, PlatformError> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM assignments WHERE project_id = ?1 AND person_id = ?2",
            params![project_id, person_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// The person a certificate is registered to.
pub fn by_fingerprint(conn: &Conn, fingerprint: &str) -> Result<Option<Person>, PlatformError> {
    conn.query_row(
        "SELECT p.id, p.name, p.role, p.city FROM person_certs c
         JOIN people p ON p.id = c.person_id WHERE c.fingerprint = ?1",
        [fingerprint],
        person_from_row,
    )
    .optional()?
    .transpose()
}

pub fn by_id(conn: &Conn, id: &str) -> Result<Option<Person>, PlatformError> {
    conn.query_row(
        "SELECT id, name, role, city FROM people WHERE id = ?1",
        [id],
        person_from_row,
    )
    .optional()?
    .transpose()
}

pub(crate) fn person_from_row(r: &Row) -> SqlResult<Result<Person, PlatformError>> {
    let role: String = r.get(2)?;
    let (id, name, city) = (r.get(0)?, r.get(1)?, r.get(3)?);
    Ok(match Role::parse(&role) {
        Some(role) => Ok(Person {
            id,
            name,
            role,
            city,
        }),
        None => Err(PlatformError::Internal(format!("未知角色：{role}"))),
    })
}
