//! Schema migrations, applied in order inside one transaction each and
//! tracked by `PRAGMA user_version`. Never edit a released migration: add one.

use rusqlite::Connection;

const MIGRATIONS: &[&str] = &[
    // 1: platform identity, projects and bidders.
    r#"
    CREATE TABLE platform_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE projects (
        id            TEXT PRIMARY KEY,
        name          TEXT NOT NULL,
        lot           TEXT NOT NULL,
        centre        TEXT NOT NULL,
        tenderer      TEXT NOT NULL,
        stage         TEXT NOT NULL,
        ceiling_price TEXT NOT NULL,
        opening_time  TEXT NOT NULL,
        created_at    TEXT NOT NULL,
        -- SHA-256 of the canonical creation body: a repeated POST with the
        -- same body is accepted, a different one is a conflict.
        body_hash     TEXT NOT NULL
    );
    CREATE TABLE bidders (
        project_id TEXT NOT NULL REFERENCES projects(id),
        id         TEXT NOT NULL,
        name       TEXT NOT NULL,
        bid_price  TEXT NOT NULL,
        position   INTEGER NOT NULL,
        PRIMARY KEY (project_id, id)
    );
    "#,
    // 2: people, their certificates, assignments, login challenges, sessions.
    r#"
    CREATE TABLE people (
        id   TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('expert', 'witness', 'staff')),
        city TEXT NOT NULL
    );
    -- A person may hold certificates from several recognised CAs (CA互认);
    -- each is bound to the person by its SHA-256 fingerprint.
    CREATE TABLE person_certs (
        fingerprint   TEXT PRIMARY KEY,
        person_id     TEXT NOT NULL REFERENCES people(id),
        subject       TEXT NOT NULL,
        issuer        TEXT NOT NULL,
        registered_at TEXT NOT NULL
    );
    CREATE TABLE assignments (
        project_id TEXT NOT NULL REFERENCES projects(id),
        person_id  TEXT NOT NULL REFERENCES people(id),
        PRIMARY KEY (project_id, person_id)
    );
    CREATE TABLE challenges (
        nonce       TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        issued_at   TEXT NOT NULL,
        expires_at  TEXT NOT NULL,
        used_at     TEXT
    );
    -- Only a hash of each token is stored: a copy of the database cannot be
    -- used to impersonate anyone.
    CREATE TABLE sessions (
        token_hash  TEXT PRIMARY KEY,
        person_id   TEXT NOT NULL REFERENCES people(id),
        fingerprint TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        expires_at  TEXT NOT NULL
    );
    "#,
    // 3: evaluation rules, every published version kept.
    r#"
    CREATE TABLE rules_versions (
        project_id      TEXT NOT NULL REFERENCES projects(id),
        version         INTEGER NOT NULL,
        rules_toml      TEXT NOT NULL,
        sha256          TEXT NOT NULL,
        -- The staff member's signed envelope exactly as received.
        envelope        TEXT NOT NULL,
        envelope_sha256 TEXT NOT NULL UNIQUE,
        published_by    TEXT NOT NULL REFERENCES people(id),
        published_at    TEXT NOT NULL,
        receipt         TEXT NOT NULL,
        PRIMARY KEY (project_id, version)
    );
    "#,
];

pub fn apply(conn: &mut Connection) -> rusqlite::Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_once_and_are_idempotent() {
        let mut conn = Connection::open_in_memory().unwrap();
        apply(&mut conn).unwrap();
        apply(&mut conn).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v as usize, MIGRATIONS.len());
    }
}
