//! Single-use links: invitations, email confirmations, password resets and the setup link.
//!
//! The link carries a random token; the table stores its digest. A token is consumed by one
//! conditional update, so two clicks at once cannot both succeed.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::platform::db::{now, Db};
use crate::platform::web::tokens;
use crate::{execute, on_db};

/// What a link is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Join Carrel with a role, from an admin or coordinator.
    Invite,
    /// Confirm the email address given at sign-up.
    Confirm,
    /// Choose a new password.
    Reset,
    /// Create the first admin.
    Setup,
}

impl Purpose {
    fn code(self) -> &'static str {
        match self {
            Purpose::Invite => "invite",
            Purpose::Confirm => "confirm",
            Purpose::Reset => "reset",
            Purpose::Setup => "setup",
        }
    }

    /// How long a link stays valid.
    pub fn lifetime(self) -> Duration {
        match self {
            Purpose::Invite => Duration::from_secs(14 * 24 * 3600),
            Purpose::Confirm | Purpose::Setup => Duration::from_secs(24 * 3600),
            // A reset link in a mailbox is a key to the account: it expires within the hour.
            Purpose::Reset => Duration::from_secs(3600),
        }
    }
}

/// What a link was issued with.
#[derive(Clone, Debug, Default)]
pub struct Issue<'a> {
    /// The address the link is sent to.
    pub email: &'a str,
    /// The person the link is for, when they already exist.
    pub person_id: Option<i64>,
    /// The role an invitation grants.
    pub role: &'a str,
    /// The region an invitation is for.
    pub region_id: Option<i64>,
    /// The invited person's name, as the inviter typed it.
    pub name: &'a str,
    /// Who issued it.
    pub created_by: Option<i64>,
}

/// A valid link's stored facts.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Link {
    /// The address it was sent to.
    pub email: String,
    /// The person it is for, if known.
    pub person_id: Option<i64>,
    /// The role it grants (invitations).
    pub role: String,
    /// The region (invitations).
    pub region_id: Option<i64>,
    /// The invited name (invitations).
    pub name: String,
    /// Who issued it.
    pub created_by: Option<i64>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// Issues a link and returns its token.
pub async fn issue(db: &Db, purpose: Purpose, facts: &Issue<'_>) -> Result<String, sqlx::Error> {
    let token = tokens::new_token();
    let at = now();
    let expires = at + chrono::Duration::from_std(purpose.lifetime()).unwrap_or_default();
    execute!(
        db,
        sqlx::query(
            "INSERT INTO one_time_tokens (token_hash, purpose, email, person_id, role, \
             region_id, name, created_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(tokens::digest(&token))
        .bind(purpose.code())
        .bind(facts.email)
        .bind(facts.person_id)
        .bind(facts.role)
        .bind(facts.region_id)
        .bind(facts.name)
        .bind(facts.created_by)
        .bind(at)
        .bind(expires)
    )?;
    Ok(token)
}

const LINK_COLUMNS: &str = "email, person_id, role, region_id, name, created_by, expires_at";

/// The link's facts if it is unused and unexpired, without using it up.
pub async fn peek(db: &Db, purpose: Purpose, token: &str) -> Result<Option<Link>, sqlx::Error> {
    let sql = format!(
        "SELECT {LINK_COLUMNS} FROM one_time_tokens WHERE token_hash = $1 AND purpose = $2 \
         AND used_at IS NULL AND expires_at > $3"
    );
    on_db!(db, |pool| {
        sqlx::query_as(&sql)
            .bind(tokens::digest(token))
            .bind(purpose.code())
            .bind(now())
            .fetch_optional(pool)
            .await
    })
}

/// Uses the link up and returns its facts, or `None` if it was used, expired or unknown.
pub async fn consume(db: &Db, purpose: Purpose, token: &str) -> Result<Option<Link>, sqlx::Error> {
    let sql = format!(
        "UPDATE one_time_tokens SET used_at = $1 WHERE token_hash = $2 AND purpose = $3 \
         AND used_at IS NULL AND expires_at > $1 RETURNING {LINK_COLUMNS}"
    );
    on_db!(db, |pool| {
        sqlx::query_as(&sql)
            .bind(now())
            .bind(tokens::digest(token))
            .bind(purpose.code())
            .fetch_optional(pool)
            .await
    })
}
