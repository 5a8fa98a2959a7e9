//! Matching runs and publications in the background: a national run takes tens of seconds,
//! and publishing writes an email per person, so neither happens inside the request.
//!
//! A job is a row of `matching_jobs`: `running`, then `done` or `failed`. A unique index on
//! the running job of a cycle lets one start at a time, on any instance; the matching page
//! reads the row to say the work is running. A job still running after [`STALE_MINUTES`]
//! (its instance stopped) is marked failed when the next one starts.

use chrono::{DateTime, Duration, Utc};

use crate::on_db;
use crate::platform::db::{is_unique_violation, now, Db};

/// Minutes after which a running job is taken to have died with its instance.
pub const STALE_MINUTES: i64 = 30;

/// What a job does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A matching run.
    Run,
    /// A publication: proposals out and emails to both people of every pair.
    Publish,
}

impl Kind {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Run => "run",
            Kind::Publish => "publish",
        }
    }
}

/// A job as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Job {
    /// Its id.
    pub id: i64,
    /// `run` or `publish`.
    pub kind: String,
    /// `running`, `done` or `failed`.
    pub status: String,
    /// Why it failed, for the coordinator.
    pub error: String,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it ended.
    pub finished_at: Option<DateTime<Utc>>,
}

impl Job {
    /// What is running, in words.
    pub fn label(&self) -> &'static str {
        if self.kind == "publish" {
            "Publishing: the proposals are going out and both people of every pair are told"
        } else {
            "The matching is running"
        }
    }
}

/// Starts a job for a cycle, unless one is already running there. Returns its id.
pub async fn start(
    db: &Db,
    cycle_id: i64,
    kind: Kind,
    by: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let at = now();
    crate::execute!(
        db,
        sqlx::query(
            "UPDATE matching_jobs SET status = 'failed', finished_at = $1, \
             error = 'stopped with its instance' \
             WHERE cycle_id = $2 AND status = 'running' AND started_at < $3",
        )
        .bind(at)
        .bind(cycle_id)
        .bind(at - Duration::minutes(STALE_MINUTES))
    )?;
    let inserted: Result<(i64,), sqlx::Error> = on_db!(db, |pool| {
        sqlx::query_as(
            "INSERT INTO matching_jobs (cycle_id, kind, status, person_id, started_at) \
             VALUES ($1, $2, 'running', $3, $4) RETURNING id",
        )
        .bind(cycle_id)
        .bind(kind.code())
        .bind(by)
        .bind(at)
        .fetch_one(pool)
        .await
    });
    match inserted {
        Ok((id,)) => {
            tracing::info!(
                cycle.id = cycle_id,
                job.id = id,
                kind = kind.code(),
                "job started"
            );
            Ok(Some(id))
        }
        Err(error) if is_unique_violation(&error) => Ok(None),
        Err(error) => Err(error),
    }
}

/// Records how a job ended.
pub async fn finish(db: &Db, id: i64, outcome: &anyhow::Result<()>) -> Result<(), sqlx::Error> {
    let (status, error) = match outcome {
        Ok(()) => ("done", String::new()),
        Err(error) => ("failed", error.to_string()),
    };
    crate::execute!(
        db,
        sqlx::query(
            "UPDATE matching_jobs SET status = $1, error = $2, finished_at = $3 WHERE id = $4"
        )
        .bind(status)
        .bind(&error)
        .bind(now())
        .bind(id)
    )?;
    tracing::info!(job.id = id, status, "job ended");
    Ok(())
}

/// A cycle's latest job, running or ended.
pub async fn latest(db: &Db, cycle_id: i64) -> Result<Option<Job>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT id, kind, status, error, started_at, finished_at FROM matching_jobs \
             WHERE cycle_id = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(cycle_id)
        .fetch_optional(pool)
        .await
    })
}

/// The job running on a cycle, if any.
pub async fn running(db: &Db, cycle_id: i64) -> Result<Option<Job>, sqlx::Error> {
    Ok(latest(db, cycle_id)
        .await?
        .filter(|job| job.status == "running"))
}
