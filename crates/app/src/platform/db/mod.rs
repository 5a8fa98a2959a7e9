//! The database: one handle over SQLite or PostgreSQL, chosen once from the URL.
//!
//! Queries are written once with `$1` placeholders, which both engines accept, and run
//! through [`on_db!`](crate::on_db), which expands the same query for each engine's pool.
//! Per-engine code is kept to the places where the dialects really differ.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

/// A pool of connections to one of the two supported engines.
#[derive(Clone, Debug)]
pub enum Db {
    /// The embedded default: one file, WAL mode.
    Sqlite(SqlitePool),
    /// A PostgreSQL server, for several instances or a managed database.
    Postgres(PgPool),
}

/// Which engine a [`Db`] runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// Failures while opening or migrating the database.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The URL names neither `sqlite:` nor `postgres:`.
    #[error("unsupported database URL scheme (use sqlite:// or postgres://)")]
    UnsupportedScheme,
    /// The data directory could not be created.
    #[error("could not create the data directory: {0}")]
    DataDir(#[from] std::io::Error),
    /// The engine refused the connection.
    #[error("could not connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    /// A migration failed.
    #[error("could not migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Runs one expression against whichever pool a [`Db`] holds.
///
/// The body is expanded once per engine, so a query written with `sqlx::query_as` is type
/// checked against both drivers. Inside the body, the pool is bound to the given name.
#[macro_export]
macro_rules! on_db {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::platform::db::Db::Sqlite($pool) => $body,
            $crate::platform::db::Db::Postgres($pool) => $body,
        }
    };
}

/// Runs a statement that returns no rows against whichever pool a [`Db`] holds, and gives
/// the number of rows it changed.
#[macro_export]
macro_rules! execute {
    ($db:expr, $query:expr) => {
        match $db {
            $crate::platform::db::Db::Sqlite(pool) => {
                $query.execute(pool).await.map(|done| done.rows_affected())
            }
            $crate::platform::db::Db::Postgres(pool) => {
                $query.execute(pool).await.map(|done| done.rows_affected())
            }
        }
    };
}

impl Db {
    /// Opens the database the URL names, creating an SQLite file and its folder if needed.
    pub async fn connect(url: &str) -> Result<Self, ConnectError> {
        if url.starts_with("sqlite:") {
            Self::connect_sqlite(url).await
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Self::connect_postgres(url).await
        } else {
            Err(ConnectError::UnsupportedScheme)
        }
    }

    async fn connect_sqlite(url: &str) -> Result<Self, ConnectError> {
        let options = SqliteConnectOptions::from_str(url).map_err(ConnectError::Connect)?;
        if let Some(folder) = options.get_filename().parent() {
            if !folder.as_os_str().is_empty() {
                std::fs::create_dir_all(folder)?;
            }
        }

        // FULL makes a committed transaction survive a power loss, not only a crash; the
        // busy timeout lets a writer wait for another instead of failing at once.
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .map_err(ConnectError::Connect)?;
        Ok(Db::Sqlite(pool))
    }

    async fn connect_postgres(url: &str) -> Result<Self, ConnectError> {
        // Twenty stays well under PostgreSQL's default limit of 100 connections, leaving
        // room for several instances and an operator's psql.
        let pool = PgPoolOptions::new()
            .max_connections(20)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await
            .map_err(ConnectError::Connect)?;
        Ok(Db::Postgres(pool))
    }

    /// Applies every migration the database has not seen yet.
    pub async fn migrate(&self) -> Result<(), ConnectError> {
        match self {
            Db::Sqlite(pool) => sqlx::migrate!("migrations/sqlite").run(pool).await?,
            Db::Postgres(pool) => sqlx::migrate!("migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// The engine behind this handle.
    pub fn engine(&self) -> Engine {
        match self {
            Db::Sqlite(_) => Engine::Sqlite,
            Db::Postgres(_) => Engine::Postgres,
        }
    }

    /// Checks that the database answers a trivial query.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        execute!(self, sqlx::query("SELECT 1"))?;
        Ok(())
    }

    /// Closes every connection, waiting for checked-out ones to return.
    pub async fn close(&self) {
        on_db!(self, |pool| pool.close().await)
    }
}

/// Whether an error is a violated unique constraint (a duplicate email, say).
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .is_some_and(|e| e.is_unique_violation())
}

/// The current time, truncated to whole seconds.
///
/// SQLite stores timestamps as text, so every stored time uses the same precision to keep
/// text order equal to time order.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::{SubsecRound, Utc};
    Utc::now().trunc_subsecs(0)
}

/// `($1, $2, …), ($n+1, …)`: placeholders for `rows` rows of `columns` values each.
pub fn numbered_rows(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|row| {
            let cells: Vec<String> = (1..=columns)
                .map(|col| format!("${}", row * columns + col))
                .collect();
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Joins ids into `1,2,3` for an SQL `IN (…)` list. Only for ids that come from the
/// database or the access policy, never from a request: they are integers, so nothing can be
/// injected, and the list length stays small.
pub fn join_ids(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}
