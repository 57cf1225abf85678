//! The engine-neutral layer every db function is written against: one SQL
//! text (SQLite's `?1` placeholders, rewritten to `$1` for PostgreSQL),
//! parameters and columns as [`Value`]s, and a [`Conn`] that runs them on
//! whichever engine the platform was started with. The API mirrors the
//! subset of rusqlite the platform used, so each query reads as before.

use std::cell::RefCell;

/// A parameter or a column: the types the schema uses (TEXT, INTEGER,
/// BLOB/BYTEA), each engine's own types mapped onto these.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
}

/// Why a query failed, whatever the engine.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// `query_row` found nothing ([`OptionalExtension::optional`] makes it `None`).
    #[error("查询没有返回任何行")]
    NoRows,
    #[error("SQLite：{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("PostgreSQL：{}", postgres_message(.0))]
    Postgres(#[from] postgres::Error),
    /// A column read as a type it does not hold.
    #[error("第 {column} 列的类型不符：{found}")]
    Type { column: usize, found: String },
}

impl DbError {
    /// Whether running the whole transaction again may succeed: another
    /// instance's concurrent transaction won (PostgreSQL's serialization
    /// failure or deadlock), or inserted the row this one checked for
    /// (unique violation), which the retry then finds.
    pub fn is_retryable(&self) -> bool {
        use postgres::error::SqlState;
        match self {
            DbError::Postgres(e) => matches!(
                e.code(),
                Some(c) if *c == SqlState::T_R_SERIALIZATION_FAILURE
                    || *c == SqlState::T_R_DEADLOCK_DETECTED
                    || *c == SqlState::UNIQUE_VIOLATION
            ),
            _ => false,
        }
    }
}

pub type SqlResult<T> = Result<T, DbError>;

/// The server's own message and SQLSTATE (the client's Display says only
/// "db error").
fn postgres_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}（{}）", db.message(), db.code().code()),
        None => e.to_string(),
    }
}

/// A Rust value as a parameter.
pub trait ToValue {
    fn to_value(&self) -> Value;
}

impl ToValue for str {
    fn to_value(&self) -> Value {
        Value::Text(self.to_string())
    }
}
impl ToValue for String {
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
}
impl ToValue for i64 {
    fn to_value(&self) -> Value {
        Value::Int(*self)
    }
}
impl ToValue for i32 {
    fn to_value(&self) -> Value {
        Value::Int(i64::from(*self))
    }
}
impl ToValue for u32 {
    fn to_value(&self) -> Value {
        Value::Int(i64::from(*self))
    }
}
impl ToValue for bool {
    fn to_value(&self) -> Value {
        Value::Int(i64::from(*self))
    }
}
impl ToValue for [u8] {
    fn to_value(&self) -> Value {
        Value::Blob(self.to_vec())
    }
}
impl ToValue for Vec<u8> {
    fn to_value(&self) -> Value {
        Value::Blob(self.clone())
    }
}
impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToValue::to_value)
    }
}
impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}

/// A column read as a Rust value.
pub trait FromValue: Sized {
    fn from_value(v: &Value, column: usize) -> SqlResult<Self>;
}

fn mismatch<T>(v: &Value, column: usize) -> SqlResult<T> {
    Err(DbError::Type {
        column,
        found: format!("{v:?}").chars().take(40).collect(),
    })
}

impl FromValue for String {
    fn from_value(v: &Value, column: usize) -> SqlResult<Self> {
        match v {
            Value::Text(s) => Ok(s.clone()),
            _ => mismatch(v, column),
        }
    }
}
impl FromValue for i64 {
    fn from_value(v: &Value, column: usize) -> SqlResult<Self> {
        match v {
            Value::Int(i) => Ok(*i),
            _ => mismatch(v, column),
        }
    }
}
macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(v: &Value, column: usize) -> SqlResult<Self> {
                match v {
                    Value::Int(i) => <$t>::try_from(*i).or_else(|_| mismatch(v, column)),
                    _ => mismatch(v, column),
                }
            }
        }
    )*};
}
from_int!(i32, u32, u64, usize);
impl FromValue for bool {
    fn from_value(v: &Value, column: usize) -> SqlResult<Self> {
        match v {
            Value::Int(i) => Ok(*i != 0),
            _ => mismatch(v, column),
        }
    }
}
impl FromValue for Vec<u8> {
    fn from_value(v: &Value, column: usize) -> SqlResult<Self> {
        match v {
            Value::Blob(b) => Ok(b.clone()),
            _ => mismatch(v, column),
        }
    }
}
impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: &Value, column: usize) -> SqlResult<Self> {
        match v {
            Value::Null => Ok(None),
            _ => T::from_value(v, column).map(Some),
        }
    }
}

/// What a statement takes as parameters: `[]`, an array of one type, or
/// [`params!`] (a slice of mixed ones).
pub trait Params {
    fn into_values(self) -> Vec<Value>;
}

impl Params for [&dyn ToValue; 0] {
    fn into_values(self) -> Vec<Value> {
        Vec::new()
    }
}
impl Params for &[&dyn ToValue] {
    fn into_values(self) -> Vec<Value> {
        self.iter().map(|p| p.to_value()).collect()
    }
}
macro_rules! array_params {
    ($($n:literal),*) => {$(
        impl<T: ToValue> Params for [T; $n] {
            fn into_values(self) -> Vec<Value> {
                self.iter().map(ToValue::to_value).collect()
            }
        }
    )*};
}
array_params!(1, 2, 3, 4, 5, 6, 7, 8);

/// Parameters of mixed types, as with rusqlite's macro of that name.
macro_rules! params {
    () => {
        &[] as &[&dyn $crate::db::sql::ToValue]
    };
    ($($p:expr),+ $(,)?) => {
        &[$(&$p as &dyn $crate::db::sql::ToValue),+] as &[&dyn $crate::db::sql::ToValue]
    };
}
pub(crate) use params;

/// One row of a result, its columns read by index.
pub struct Row {
    values: Vec<Value>,
}

impl Row {
    pub fn get<I: RowIndex, T: FromValue>(&self, index: I) -> SqlResult<T> {
        let i = index.index();
        match self.values.get(i) {
            Some(v) => T::from_value(v, i),
            None => Err(DbError::Type {
                column: i,
                found: "没有这一列".into(),
            }),
        }
    }
}

/// A column index (rusqlite's name for it, so `r.get(0)` reads as before).
pub trait RowIndex {
    fn index(self) -> usize;
}
impl RowIndex for usize {
    fn index(self) -> usize {
        self
    }
}

/// `query_row`'s "no row" as `None`.
pub trait OptionalExtension<T> {
    fn optional(self) -> SqlResult<Option<T>>;
}
impl<T> OptionalExtension<T> for SqlResult<T> {
    fn optional(self) -> SqlResult<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(DbError::NoRows) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// The engine a [`Conn`] runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A connection inside the transaction (or, for SQLite reads, the
/// connection) a db function runs in.
pub struct Conn<'a> {
    inner: Inner<'a>,
}

enum Inner<'a> {
    Sqlite(&'a rusqlite::Connection),
    // postgres' transaction needs `&mut self` per statement; a `Conn` is
    // shared as `&Conn` like rusqlite's, and used by one thread at a time.
    Postgres(RefCell<postgres::Transaction<'a>>),
}

impl<'a> Conn<'a> {
    pub(crate) fn sqlite(c: &'a rusqlite::Connection) -> Self {
        Conn {
            inner: Inner::Sqlite(c),
        }
    }

    pub(crate) fn postgres(tx: postgres::Transaction<'a>) -> Self {
        Conn {
            inner: Inner::Postgres(RefCell::new(tx)),
        }
    }

    /// Commits a PostgreSQL transaction (a SQLite one is committed by
    /// whoever opened it).
    pub(crate) fn commit(self) -> SqlResult<()> {
        match self.inner {
            Inner::Sqlite(_) => Ok(()),
            Inner::Postgres(tx) => Ok(tx.into_inner().commit()?),
        }
    }

    pub fn engine(&self) -> Engine {
        match self.inner {
            Inner::Sqlite(_) => Engine::Sqlite,
            Inner::Postgres(_) => Engine::Postgres,
        }
    }

    /// Runs one statement; answers the number of rows it changed.
    pub fn execute<P: Params>(&self, sql: &str, params: P) -> SqlResult<usize> {
        let values = params.into_values();
        match &self.inner {
            Inner::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                Ok(stmt.execute(rusqlite::params_from_iter(values.iter()))?)
            }
            Inner::Postgres(tx) => {
                let refs = pg_params(&values);
                let n = tx.borrow_mut().execute(&pg_sql(sql), &refs)?;
                Ok(usize::try_from(n).unwrap_or(usize::MAX))
            }
        }
    }

    /// Runs statements without parameters, separated by `;` (migrations).
    pub fn execute_batch(&self, sql: &str) -> SqlResult<()> {
        match &self.inner {
            Inner::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Inner::Postgres(tx) => Ok(tx.borrow_mut().batch_execute(sql)?),
        }
    }

    /// Every row `sql` selects, read by `row`.
    pub fn query<P: Params, T>(
        &self,
        sql: &str,
        params: P,
        mut row: impl FnMut(&Row) -> SqlResult<T>,
    ) -> SqlResult<Vec<T>> {
        let values = params.into_values();
        let mut out = Vec::new();
        match &self.inner {
            Inner::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let n = stmt.column_count();
                let mut rows = stmt.query(rusqlite::params_from_iter(values.iter()))?;
                while let Some(r) = rows.next()? {
                    let values = (0..n)
                        .map(|i| Ok(from_sqlite(r.get_ref(i)?)))
                        .collect::<SqlResult<_>>()?;
                    out.push(row(&Row { values })?);
                }
            }
            Inner::Postgres(tx) => {
                let refs = pg_params(&values);
                for r in tx.borrow_mut().query(&pg_sql(sql), &refs)? {
                    let values = (0..r.len())
                        .map(|i| from_postgres(&r, i))
                        .collect::<SqlResult<_>>()?;
                    out.push(row(&Row { values })?);
                }
            }
        }
        Ok(out)
    }

    /// The first row `sql` selects, read by `row`; [`DbError::NoRows`] if none.
    pub fn query_row<P: Params, T>(
        &self,
        sql: &str,
        params: P,
        row: impl FnOnce(&Row) -> SqlResult<T>,
    ) -> SqlResult<T> {
        let mut row = Some(row);
        let first = self
            .query(sql, params, |r| match row.take() {
                Some(f) => f(r).map(Some),
                None => Ok(None),
            })?
            .into_iter()
            .next();
        match first {
            Some(Some(v)) => Ok(v),
            _ => Err(DbError::NoRows),
        }
    }

    /// A statement to run with [`Stmt::query_map`] (rusqlite's two steps).
    pub fn prepare<'c>(&'c self, sql: &str) -> SqlResult<Stmt<'c, 'a>> {
        Ok(Stmt {
            conn: self,
            sql: sql.to_string(),
        })
    }
}

/// A statement text bound to its connection.
pub struct Stmt<'c, 'a> {
    conn: &'c Conn<'a>,
    sql: String,
}

impl Stmt<'_, '_> {
    /// Every row, each read by `row`.
    pub fn query_map<P: Params, T>(
        &mut self,
        params: P,
        row: impl FnMut(&Row) -> SqlResult<T>,
    ) -> SqlResult<std::vec::IntoIter<SqlResult<T>>> {
        let rows = self.conn.query(&self.sql, params, row)?;
        Ok(rows.into_iter().map(Ok).collect::<Vec<_>>().into_iter())
    }
}

fn from_sqlite(v: rusqlite::types::ValueRef<'_>) -> Value {
    use rusqlite::types::ValueRef;
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        // The schema has no REAL column; a computed one reads as text.
        ValueRef::Real(f) => Value::Text(f.to_string()),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => ValueRef::Null,
            Value::Int(i) => ValueRef::Integer(*i),
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

pub(crate) use super::pg::{from_postgres, pg_params, pg_sql};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sqlite_conn_reads_and_writes_through_values() {
        let c = rusqlite::Connection::open_in_memory().unwrap();
        let conn = Conn::sqlite(&c);
        conn.execute_batch("CREATE TABLE t (a TEXT PRIMARY KEY, n INTEGER, b BLOB)")
            .unwrap();
        let n = conn
            .execute(
                "INSERT INTO t (a, n, b) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                params!["x", 7i64, vec![1u8, 2]],
            )
            .unwrap();
        assert_eq!(n, 1);
        let again = conn
            .execute(
                "INSERT INTO t (a, n, b) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                params!["x", 8i64, Option::<Vec<u8>>::None],
            )
            .unwrap();
        assert_eq!(again, 0, "the conflict is ignored on both engines");
        let (n, b): (u32, Vec<u8>) = conn
            .query_row("SELECT n, b FROM t WHERE a = ?1", ["x"], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((n, b), (7, vec![1, 2]));
        let none: Option<String> = conn
            .query_row("SELECT a FROM t WHERE a = ?1", ["y"], |r| r.get(0))
            .optional()
            .unwrap();
        assert_eq!(none, None);
        let text: SqlResult<String> = conn.query_row("SELECT n FROM t", [], |r| r.get(0));
        assert!(matches!(text, Err(DbError::Type { column: 0, .. })));
    }
}
