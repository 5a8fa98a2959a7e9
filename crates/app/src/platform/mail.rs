//! Email: every message goes to the outbox table first; a background worker delivers
//! queued messages over SMTP when SMTP is configured, with retries.
//!
//! Without SMTP, messages stay in the outbox, where admins can read them in the app, so
//! nothing is lost while Carrel is being tried out.

use std::time::Duration;

use chrono::{DateTime, Utc};
use lettre::message::{header::ContentType, Mailbox};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::platform::config::{Config, SmtpSecurity};
use crate::platform::db::{now, Db, Engine};
use crate::{execute, on_db};

/// Failed deliveries are retried this many times, with growing waits, then given up.
const MAX_ATTEMPTS: i64 = 8;
/// How long a worker holds a claimed message before another may take it.
const LEASE: Duration = Duration::from_secs(120);
/// How often the worker looks for due messages.
const POLL: Duration = Duration::from_secs(5);

/// Failures of mail delivery.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// An address or the message could not be built.
    #[error("could not build the message: {0}")]
    Build(String),
    /// The SMTP server refused or could not be reached.
    #[error("SMTP delivery failed: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    /// The outbox could not be read or written.
    #[error("outbox: {0}")]
    Database(#[from] sqlx::Error),
}

/// A message in the outbox.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OutboxMessage {
    /// Its id.
    pub id: i64,
    /// The recipient.
    pub to_address: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub body_text: String,
    /// `queued`, `sent` or `failed`.
    pub status: String,
    /// Delivery attempts so far.
    pub attempts: i64,
    /// The last delivery error, if any.
    pub last_error: Option<String>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When it was delivered.
    pub sent_at: Option<DateTime<Utc>>,
}

/// Puts a plain-text message in the outbox.
pub async fn enqueue(db: &Db, to: &str, subject: &str, body: &str) -> Result<(), sqlx::Error> {
    let at = now();
    execute!(
        db,
        sqlx::query(
            "INSERT INTO outbox (to_address, subject, body_text, status, next_attempt_at, \
             created_at) VALUES ($1, $2, $3, 'queued', $4, $4)",
        )
        .bind(to)
        .bind(subject)
        .bind(body)
        .bind(at)
    )?;
    tracing::info!("email queued");
    Ok(())
}

/// One message for [`enqueue_many`].
#[derive(Clone, Debug)]
pub struct Outgoing {
    /// The recipient.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub body: String,
}

/// How many messages one statement inserts: four values each stays far below both engines'
/// limits on bound parameters.
const BATCH_ROWS: usize = 200;

/// Puts many plain-text messages in the outbox in one transaction, a few hundred rows per
/// statement, so writing to everyone in a cycle costs a handful of statements, not one
/// round trip per person. Returns how many were queued.
pub async fn enqueue_many(db: &Db, messages: &[Outgoing]) -> Result<usize, sqlx::Error> {
    if messages.is_empty() {
        return Ok(0);
    }
    let at = now();
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        for chunk in messages.chunks(BATCH_ROWS) {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO outbox (to_address, subject, body_text, status, next_attempt_at, \
                 created_at) ",
            );
            insert.push_values(chunk, |mut row, message| {
                row.push_bind(&message.to)
                    .push_bind(&message.subject)
                    .push_bind(&message.body)
                    .push("'queued'")
                    .push_bind(at)
                    .push_bind(at);
            });
            insert.build().execute(&mut *tx).await?;
        }
        tx.commit().await
    })?;
    tracing::info!(messages = messages.len(), "emails queued");
    Ok(messages.len())
}

/// The newest messages first, a page at a time.
pub async fn list(db: &Db, limit: i64, offset: i64) -> Result<Vec<OutboxMessage>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT id, to_address, subject, body_text, status, attempts, last_error, \
             created_at, sent_at FROM outbox ORDER BY id DESC LIMIT $1 OFFSET $2",
        )
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await
    })
}

/// One message by id.
pub async fn find(db: &Db, id: i64) -> Result<Option<OutboxMessage>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT id, to_address, subject, body_text, status, attempts, last_error, \
             created_at, sent_at FROM outbox WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await
    })
}

/// Starts the delivery worker when SMTP is configured; returns whether it started.
pub fn spawn_delivery(db: Db, config: &Config) -> Result<bool, MailError> {
    let Some(transport) = transport(config)? else {
        tracing::info!("SMTP is not configured: email stays in the outbox");
        return Ok(false);
    };
    let from: Mailbox = config
        .mail_from
        .parse()
        .map_err(|e| MailError::Build(format!("mail from: {e}")))?;
    tokio::spawn(async move {
        loop {
            match deliver_due(&db, &transport, &from).await {
                Ok(0) => tokio::time::sleep(POLL).await,
                Ok(_) => {}
                Err(error) => {
                    tracing::error!(%error, "email delivery round failed");
                    tokio::time::sleep(POLL).await;
                }
            }
        }
    });
    Ok(true)
}

/// The SMTP transport the configuration describes, or `None` without an SMTP host.
pub fn transport(config: &Config) -> Result<Option<AsyncSmtpTransport<Tokio1Executor>>, MailError> {
    let Some(host) = &config.smtp_host else {
        return Ok(None);
    };
    let builder = match config.smtp_security {
        SmtpSecurity::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)?,
        SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)?,
        SmtpSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
    };
    let mut builder = builder
        .port(config.smtp_port)
        .timeout(Some(Duration::from_secs(30)));
    if let (Some(user), Some(password)) = (&config.smtp_user, &config.smtp_password) {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    Ok(Some(builder.build()))
}

/// Claims the due messages, sends them and records the outcome; returns how many it tried.
pub async fn deliver_due(
    db: &Db,
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    from: &Mailbox,
) -> Result<usize, MailError> {
    let claimed = claim_due(db, 10).await?;
    for message in &claimed {
        match send(transport, from, message).await {
            Ok(()) => mark_sent(db, message.id).await?,
            Err(error) => {
                tracing::warn!(outbox.id = message.id, %error, "email delivery failed");
                mark_failed(db, message, &error.to_string()).await?;
            }
        }
    }
    Ok(claimed.len())
}

async fn send(
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    from: &Mailbox,
    message: &OutboxMessage,
) -> Result<(), MailError> {
    let to: Mailbox = message
        .to_address
        .parse()
        .map_err(|e| MailError::Build(format!("recipient: {e}")))?;
    let email = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(message.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(message.body_text.clone())
        .map_err(|e| MailError::Build(e.to_string()))?;
    transport.send(email).await?;
    Ok(())
}

async fn claim_due(db: &Db, limit: i64) -> Result<Vec<OutboxMessage>, sqlx::Error> {
    let at = now();
    let lease_end = at + chrono::Duration::from_std(LEASE).unwrap_or_default();
    // PostgreSQL may run several instances: SKIP LOCKED lets each claim different rows.
    // SQLite has one writer at a time, so the plain subquery is already exclusive.
    let lock = match db.engine() {
        Engine::Postgres => "FOR UPDATE SKIP LOCKED",
        Engine::Sqlite => "",
    };
    let sql = format!(
        "UPDATE outbox SET locked_until = $1, attempts = attempts + 1 WHERE id IN (\
         SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= $2 \
         AND (locked_until IS NULL OR locked_until < $2) ORDER BY id LIMIT $3 {lock}) \
         RETURNING id, to_address, subject, body_text, status, attempts, last_error, \
         created_at, sent_at"
    );
    on_db!(db, |pool| {
        sqlx::query_as(&sql)
            .bind(lease_end)
            .bind(at)
            .bind(limit)
            .fetch_all(pool)
            .await
    })
}

async fn mark_sent(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query(
            "UPDATE outbox SET status = 'sent', sent_at = $1, locked_until = NULL, \
             last_error = NULL WHERE id = $2",
        )
        .bind(now())
        .bind(id)
    )?;
    Ok(())
}

async fn mark_failed(db: &Db, message: &OutboxMessage, error: &str) -> Result<(), sqlx::Error> {
    let status = if message.attempts >= MAX_ATTEMPTS {
        "failed"
    } else {
        "queued"
    };
    // Waits grow as 1, 2, 4 … minutes, so a server that is down for an hour loses nothing.
    let wait = chrono::Duration::minutes(1 << message.attempts.clamp(0, 10));
    let error: String = error.chars().take(500).collect();
    execute!(
        db,
        sqlx::query(
            "UPDATE outbox SET status = $1, next_attempt_at = $2, locked_until = NULL, \
             last_error = $3 WHERE id = $4",
        )
        .bind(status)
        .bind(now() + wait)
        .bind(&error)
        .bind(message.id)
    )?;
    Ok(())
}
