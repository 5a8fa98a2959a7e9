//! Scheduled background work: reminders, digests and other periodic tasks.
//!
//! Every instance runs the same scheduler; a task that must happen once (one reminder per
//! convening, one digest per person and month) first claims a key with [`claim_once`],
//! which inserts a row and succeeds for exactly one instance, whichever engine is used.
//! Tasks must be idempotent for everything they do before claiming.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::execute;
use crate::platform::db::{is_unique_violation, now, Db};
use crate::platform::state::AppState;

/// The future a task returns.
pub type TaskFuture = Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send>>;

/// A periodic task: a name for logs, how often it runs, and what it does.
pub struct Task {
    /// Shown in logs.
    pub name: &'static str,
    /// Time between runs.
    pub every: Duration,
    /// The work; it receives the application state.
    pub run: fn(AppState) -> TaskFuture,
}

/// Claims a unit of work by key. Returns `true` for the one caller that inserted the key;
/// every later caller, on any instance, gets `false`.
pub async fn claim_once(db: &Db, key: &str) -> Result<bool, sqlx::Error> {
    let result = execute!(
        db,
        sqlx::query("INSERT INTO job_runs (run_key, claimed_at) VALUES ($1, $2)")
            .bind(key)
            .bind(now())
    );
    match result {
        Ok(_) => Ok(true),
        Err(error) if is_unique_violation(&error) => Ok(false),
        Err(error) => Err(error),
    }
}

/// Starts one loop per task. A failing run is logged and retried at the next interval.
pub fn spawn_scheduler(state: AppState, tasks: Vec<Task>) {
    for task in tasks {
        let state = state.clone();
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(task.every);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                interval.tick().await;
                if let Err(error) = (task.run)(state.clone()).await {
                    tracing::error!(task = task.name, error = %error, "scheduled task failed");
                }
            }
        });
    }
}

/// Runs one piece of work in the background, off the request that started it: the request
/// answers at once and the work's outcome is recorded by the work itself. A failure is
/// logged here as well.
pub fn run_in_background<F>(name: &'static str, work: F)
where
    F: Future<Output = anyhow::Result<()>> + Send + 'static,
{
    tokio::spawn(async move {
        if let Err(error) = work.await {
            tracing::error!(job = name, error = %error, "background job failed");
        }
    });
}
