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
