//! Schema migrations, applied in order inside one transaction each and
//! tracked by name in `schema_migrations`, so that features developed side by
//! side each append their own without renumbering. Never edit a released
//! migration: add one.
//!
//! PostgreSQL runs the same list ([`apply_postgres`]): each text with
//! SQLite's type names as PostgreSQL's, or a text of its own where SQLite's
//! syntax has no PostgreSQL equivalent (`postgres_text`).

use rusqlite::{Connection, OptionalExtension};

const MIGRATIONS: &[(&str, &str)] = &[
    // Platform identity, projects and bidders.
    (
        "0001_projects",
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
    ),
    // People, their certificates, assignments, login challenges, sessions.
    (
        "0002_people_sessions",
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
    ),
    // Evaluation rules, every published version kept.
    (
        "0003_rules",
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
    ),
    // Project documents (the files themselves live in DATA/files/<sha256>).
    (
        "0004_documents",
        r#"
    CREATE TABLE documents (
        project_id TEXT NOT NULL REFERENCES projects(id),
        file_id    TEXT NOT NULL,
        bidder_id  TEXT,
        kind       TEXT NOT NULL CHECK (kind IN ('tender', 'bid', 'clarification')),
        name       TEXT NOT NULL,
        size       INTEGER NOT NULL,
        sha256     TEXT NOT NULL,
        sm3        TEXT NOT NULL,
        position   INTEGER NOT NULL,
        PRIMARY KEY (project_id, file_id)
    );
    "#,
    ),
    // Witness logs, append-only (schema in db/witness.rs).
    ("0005_witness", super::witness::SCHEMA),
    // The evaluation: K drawn at opening, declarations, leader votes, signed
    // score sheets (every version), reopenings, the report and its signatures.
    ("0006_evaluation", super::evaluation::SCHEMA),
    ("0007_screen_decisions", super::screening::SCHEMA),
    // The platform-signed opening record of each project.
    ("0008_opening_records", crate::records::SCHEMA),
    // Panel votes (表决): motions and the signed votes on them.
    ("0009_motions", super::motions::SCHEMA),
    // Clarification (澄清): bidders' certificates, questions and answers.
    ("0010_clarifications", super::clarifications::SCHEMA),
    // Credit records (信用记录), signed by the platform.
    ("0011_credit_records", crate::records::CREDIT_SCHEMA),
    // The platform opens abnormal-price reviews: `asked_by` may be it.
    (
        "0012_platform_questions",
        super::clarifications::PLATFORM_ASKS,
    ),
    // The report row names what it was rendered from, so that whether it
    // is current is read, not re-computed.
    ("0013_report_basis", super::evaluation::REPORT_BASIS),
];

/// PostgreSQL's triggers for the witness table (SQLite's are written
/// `BEGIN SELECT RAISE(...); END`).
const POSTGRES_APPEND_ONLY: &str = r#"
    CREATE FUNCTION witness_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'witness entries are append-only'; END $$;
    CREATE TRIGGER witness_entries_no_update BEFORE UPDATE ON witness_entries
    FOR EACH ROW EXECUTE FUNCTION witness_entries_append_only();
    CREATE TRIGGER witness_entries_no_delete BEFORE DELETE ON witness_entries
    FOR EACH ROW EXECUTE FUNCTION witness_entries_append_only();
"#;

/// PostgreSQL drops the reference in place (SQLite rebuilds the table).
/// `rowid` is SQLite's implicit row order, which a query uses to keep the
/// questions recorded within one second in order: a column here.
const POSTGRES_PLATFORM_ASKS: &str = "
    ALTER TABLE clarifications DROP CONSTRAINT clarifications_asked_by_fkey;
    ALTER TABLE clarifications ADD COLUMN rowid BIGSERIAL;
";

/// A migration's PostgreSQL text: the same schema.
fn postgres_text(name: &str, sqlite: &str) -> String {
    // The schema's only other SQLite-specific words are its column types.
    // Text compares byte by byte as in SQLite (the "C" collation), whatever
    // the database's locale: canonical orders (ids, times) must not change
    // with the engine.
    let types = |s: &str| {
        s.replace("INTEGER", "BIGINT")
            .replace("BLOB", "BYTEA")
            .replace(" TEXT", " TEXT COLLATE \"C\"")
    };
    match name {
        "0005_witness" => {
            let table = sqlite.split("CREATE TRIGGER").next().unwrap_or(sqlite);
            format!("{}{POSTGRES_APPEND_ONLY}", types(table))
        }
        "0012_platform_questions" => POSTGRES_PLATFORM_ASKS.to_string(),
        _ => types(sqlite),
    }
}

/// Any key, the same for every instance: the lock that makes instances
/// starting together migrate one after the other.
const MIGRATION_LOCK: i64 = 0x7069_6e67_7368_656e;

/// Brings a PostgreSQL database up to date, all migrations in one
/// transaction (PostgreSQL's DDL is transactional) under an advisory lock.
pub fn apply_postgres(client: &mut postgres::Client) -> Result<(), postgres::Error> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute(
        r#"CREATE TABLE IF NOT EXISTS schema_migrations (
             name       TEXT PRIMARY KEY,
             applied_at TEXT NOT NULL
                 DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
         )"#,
    )?;
    for (name, sql) in MIGRATIONS {
        let done = tx
            .query_opt("SELECT 1 FROM schema_migrations WHERE name = $1", &[name])?
            .is_some();
        if !done {
            tx.batch_execute(&postgres_text(name, sql))?;
            tx.execute("INSERT INTO schema_migrations (name) VALUES ($1)", &[name])?;
        }
    }
    tx.commit()
}

pub fn apply(conn: &mut Connection) -> rusqlite::Result<()> {
    // Foreign keys off while migrating (a migration may rebuild a table,
    // the way SQLite documents it: the setting cannot change inside a
    // transaction), then every reference checked before they are back on.
    let enforced: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let applied = apply_each(conn);
    let broken: Option<String> = conn
        .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
        .optional()?;
    conn.pragma_update(None, "foreign_keys", enforced)?;
    applied?;
    match broken {
        None => Ok(()),
        Some(table) => Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY),
            Some(format!("迁移后表 {table} 的外键引用不完整")),
        )),
    }
}

fn apply_each(conn: &mut Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             name       TEXT PRIMARY KEY,
             applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
         )",
    )?;
    for (name, sql) in MIGRATIONS {
        let tx = conn.transaction()?;
        let done = tx
            .query_row(
                "SELECT 1 FROM schema_migrations WHERE name = ?1",
                [name],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        if !done {
            tx.execute_batch(sql)?;
            tx.execute("INSERT INTO schema_migrations (name) VALUES (?1)", [name])?;
        }
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
        let n: i64 = conn
            .query_row("SELECT COUNT(*) FROM schema_migrations", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n as usize, MIGRATIONS.len());
    }

    #[test]
    fn a_rebuilt_table_keeps_the_references_to_it_and_enforcement_comes_back() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        apply(&mut conn).unwrap();
        let on: bool = conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert!(on);
        let parent: String = conn
            .query_row(
                "SELECT \"table\" FROM pragma_foreign_key_list('clarification_answers')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(parent, "clarifications");
        // An answer to a question that does not exist is still refused.
        let orphan = conn.execute(
            "INSERT INTO clarification_answers VALUES ('P', 'c1', 'B01', '{}', '{}', 'h', '{}', 't', 'f')",
            [],
        );
        assert!(orphan.is_err(), "{orphan:?}");
    }

    #[test]
    fn postgres_runs_each_migration_with_its_own_types_and_byte_order() {
        for (name, sql) in MIGRATIONS {
            let pg = postgres_text(name, sql);
            for sqlite_only in ["INTEGER", "BLOB", "RAISE(", "strftime"] {
                assert!(!pg.contains(sqlite_only), "{name}: {sqlite_only}");
            }
            // Every text column compares as SQLite's do.
            assert_eq!(
                pg.matches(" TEXT").count(),
                pg.matches(" TEXT COLLATE \"C\"").count(),
                "{name}"
            );
        }
        assert!(postgres_text("0005_witness", super::super::witness::SCHEMA)
            .contains("EXECUTE FUNCTION witness_entries_append_only()"));
    }

    #[test]
    fn migration_names_are_unique() {
        let mut names: Vec<_> = MIGRATIONS.iter().map(|(n, _)| *n).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), MIGRATIONS.len());
    }
}
