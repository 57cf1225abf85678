//! The PostgreSQL side of [`super::sql`]: placeholders, values and a small
//! connection pool. Several platform instances may share one database, so
//! every transaction is SERIALIZABLE and retried when another instance's
//! wins (`Db::write`): the same outcome as SQLite's one writer at a time.

use super::sql::{DbError, SqlResult, Value};
use bytes::BytesMut;
use postgres::types::{IsNull, ToSql, Type};
use postgres::{Client, NoTls};
use std::error::Error;
use std::sync::{Condvar, Mutex};

/// SQLite's `?1`/`?` placeholders as PostgreSQL's `$1` (outside quotes).
pub(crate) fn pg_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    let (mut quoted, mut next) = (false, 1);
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '?' if !quoted => {
                out.push('$');
                if chars.peek().is_some_and(char::is_ascii_digit) {
                    while let Some(d) = chars.next_if(char::is_ascii_digit) {
                        out.push(d);
                    }
                } else {
                    out.push_str(&next.to_string());
                    next += 1;
                }
            }
            _ => out.push(c),
        }
    }
    out
}

pub(crate) fn pg_params(values: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    values.iter().map(|v| v as &(dyn ToSql + Sync)).collect()
}

/// Column `i` of `row` as a [`Value`], by its PostgreSQL type.
pub(crate) fn from_postgres(row: &postgres::Row, i: usize) -> SqlResult<Value> {
    let ty = row.columns()[i].type_().clone();
    let v = if ty == Type::INT8 {
        row.try_get::<_, Option<i64>>(i)?.map(Value::Int)
    } else if ty == Type::INT4 {
        row.try_get::<_, Option<i32>>(i)?
            .map(|n| Value::Int(n.into()))
    } else if ty == Type::INT2 {
        row.try_get::<_, Option<i16>>(i)?
            .map(|n| Value::Int(n.into()))
    } else if ty == Type::BOOL {
        row.try_get::<_, Option<bool>>(i)?
            .map(|b| Value::Int(b.into()))
    } else if ty == Type::BYTEA {
        row.try_get::<_, Option<Vec<u8>>>(i)?.map(Value::Blob)
    } else if [Type::TEXT, Type::VARCHAR, Type::BPCHAR, Type::NAME].contains(&ty) {
        row.try_get::<_, Option<String>>(i)?.map(Value::Text)
    } else {
        return Err(DbError::Type {
            column: i,
            found: format!("PostgreSQL 类型 {ty}"),
        });
    };
    Ok(v.unwrap_or(Value::Null))
}

/// A value sent as the type PostgreSQL inferred for its placeholder (an
/// INTEGER column is BIGINT here, but a literal's context may say INT4).
impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) if *ty == Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
            Value::Int(i) if *ty == Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
            Value::Int(i) if *ty == Type::BOOL => (*i != 0).to_sql(ty, out),
            Value::Int(i) if *ty == Type::INT8 => i.to_sql(ty, out),
            Value::Int(i) => i.to_string().as_str().to_sql(ty, out),
            Value::Text(s) => s.as_str().to_sql(ty, out),
            Value::Blob(b) => b.as_slice().to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    fn to_sql_checked(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        self.to_sql(ty, out)
    }
}

/// At most [`Pool::MAX`] connections per platform instance; idle ones are
/// kept. A broken connection is dropped rather than returned.
pub struct Pool {
    url: String,
    state: Mutex<PoolState>,
    freed: Condvar,
}

struct PoolState {
    idle: Vec<Client>,
    open: usize,
}

impl Pool {
    /// Enough for the blocking pool's bursts; two instances stay far below
    /// PostgreSQL's default 100 connections.
    const MAX: usize = 16;

    pub fn new(url: &str) -> Self {
        Pool {
            url: url.to_string(),
            state: Mutex::new(PoolState {
                idle: Vec::new(),
                open: 0,
            }),
            freed: Condvar::new(),
        }
    }

    /// A connection, waiting for one to be returned when all are in use.
    /// Must not be called on an async worker thread (the sync client
    /// blocks on a runtime of its own).
    pub fn get(&self) -> SqlResult<Pooled<'_>> {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(c) = st.idle.pop() {
                if c.is_closed() {
                    st.open -= 1;
                    drop_off_runtime(vec![c]);
                    continue;
                }
                return Ok(Pooled {
                    pool: self,
                    client: Some(c),
                });
            }
            if st.open < Self::MAX {
                st.open += 1;
                drop(st);
                return match Client::connect(&self.url, NoTls) {
                    Ok(c) => Ok(Pooled {
                        pool: self,
                        client: Some(c),
                    }),
                    Err(e) => {
                        self.release(None);
                        Err(e.into())
                    }
                };
            }
            st = self.freed.wait(st).unwrap_or_else(|p| p.into_inner());
        }
    }

    fn release(&self, client: Option<Client>) {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        match client {
            Some(c) if !c.is_closed() => st.idle.push(c),
            other => {
                st.open -= 1;
                drop_off_runtime(other.into_iter().collect());
            }
        }
        self.freed.notify_one();
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        let st = self.state.get_mut().unwrap_or_else(|p| p.into_inner());
        drop_off_runtime(std::mem::take(&mut st.idle));
    }
}

/// Each sync client owns a small tokio runtime, which must not be dropped
/// on an async thread (a test drops its platform there): a thread of its
/// own does it.
fn drop_off_runtime(clients: Vec<Client>) {
    if clients.is_empty() {
        return;
    }
    if tokio::runtime::Handle::try_current().is_ok() {
        let _ = std::thread::spawn(move || drop(clients)).join();
    } else {
        drop(clients);
    }
}

/// A connection borrowed from the pool, returned on drop.
pub struct Pooled<'p> {
    pool: &'p Pool,
    client: Option<Client>,
}

impl std::ops::Deref for Pooled<'_> {
    type Target = Client;
    fn deref(&self) -> &Client {
        self.client.as_ref().expect("a pooled client until dropped")
    }
}

impl std::ops::DerefMut for Pooled<'_> {
    fn deref_mut(&mut self) -> &mut Client {
        self.client.as_mut().expect("a pooled client until dropped")
    }
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        self.pool.release(self.client.take());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_postgres_outside_quotes() {
        assert_eq!(
            pg_sql("SELECT a FROM t WHERE a = ?1 AND (?2 IS NULL OR b = ?2) AND c = '?'"),
            "SELECT a FROM t WHERE a = $1 AND ($2 IS NULL OR b = $2) AND c = '?'"
        );
        assert_eq!(pg_sql("VALUES (?, ?)"), "VALUES ($1, $2)");
    }
}
