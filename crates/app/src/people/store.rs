//! People as accounts: creation, lookup by email, status, password and grants.

use chrono::{DateTime, Utc};

use crate::people::words;
use crate::platform::auth::roles::Role;
use crate::platform::db::{is_unique_violation, join_ids, now, Db};
use crate::{execute, on_db};

/// Where a person's account stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Signed up, email not yet confirmed.
    PendingEmail,
    /// Email confirmed, waiting for a coordinator.
    PendingApproval,
    /// May sign in.
    Active,
    /// Declined or removed; may not sign in.
    Disabled,
}

impl Status {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Status::PendingEmail => "pending_email",
            Status::PendingApproval => "pending_approval",
            Status::Active => "active",
            Status::Disabled => "disabled",
        }
    }
}

/// The account facts of a person that sign-in and approval need.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Account {
    /// The person's id.
    pub id: i64,
    /// Their email address, lowercased.
    pub email: String,
    /// Their display name.
    pub name: String,
    /// The argon2id hash, absent until they choose a password.
    pub password_hash: Option<String>,
    /// The status code (see [`Status`]).
    pub status: String,
    /// The region of their profile.
    pub region_id: Option<i64>,
    /// The role they asked for at sign-up.
    pub requested_role: String,
    /// When they signed up.
    pub created_at: DateTime<Utc>,
}

/// What is needed to create a person.
pub struct NewPerson<'a> {
    /// Email, already normalized.
    pub email: &'a str,
    /// Display name.
    pub name: &'a str,
    /// Password hash, if chosen.
    pub password_hash: Option<&'a str>,
    /// Initial status.
    pub status: Status,
    /// Region, if known.
    pub region_id: Option<i64>,
    /// Role asked for at sign-up, or empty.
    pub requested_role: &'a str,
    /// Time zone of the region, as a starting point.
    pub time_zone: &'a str,
}

/// Creating a person failed.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    /// Someone already uses this email address.
    #[error("email already registered")]
    DuplicateEmail,
    /// Any other database failure.
    #[error(transparent)]
    Database(sqlx::Error),
}

/// Creates a person and returns their id.
pub async fn create(db: &Db, person: &NewPerson<'_>) -> Result<i64, CreateError> {
    let at = now();
    let confirmed = (person.status != Status::PendingEmail).then_some(at);
    match insert_person(db, person, confirmed, at).await {
        Ok(id) => Ok(id),
        Err(error) if is_unique_violation(&error) => Err(CreateError::DuplicateEmail),
        Err(error) => Err(CreateError::Database(error)),
    }
}

/// Inserts the person and the words the directory finds them by, together.
async fn insert_person(
    db: &Db,
    person: &NewPerson<'_>,
    confirmed: Option<DateTime<Utc>>,
    at: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO people (email, name, password_hash, status, region_id, requested_role, \
             time_zone, email_confirmed_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
        )
        .bind(person.email)
        .bind(person.name)
        .bind(person.password_hash)
        .bind(person.status.code())
        .bind(person.region_id)
        .bind(person.requested_role)
        .bind(person.time_zone)
        .bind(confirmed)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        words::replace_in(&mut tx, id, person.name, "").await?;
        tx.commit().await?;
        Ok(id)
    })
}

const ACCOUNT_COLUMNS: &str =
    "id, email, name, password_hash, status, region_id, requested_role, created_at";

/// The account with this email address.
pub async fn find_by_email(db: &Db, email: &str) -> Result<Option<Account>, sqlx::Error> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM people WHERE email = $1");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(email)
        .fetch_optional(pool)
        .await)
}

/// The account with this id.
pub async fn find(db: &Db, id: i64) -> Result<Option<Account>, sqlx::Error> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM people WHERE id = $1");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)
}

/// Accounts waiting for approval in the given regions (all regions when `None`).
pub async fn pending_approval(
    db: &Db,
    regions: Option<&[i64]>,
) -> Result<Vec<Account>, sqlx::Error> {
    let region_filter = match regions {
        None => String::new(),
        Some([]) => return Ok(Vec::new()),
        Some(ids) => format!("AND region_id IN ({})", join_ids(ids)),
    };
    let sql = format!(
        "SELECT {ACCOUNT_COLUMNS} FROM people WHERE status = 'pending_approval' {region_filter} \
         ORDER BY created_at, id LIMIT 500"
    );
    on_db!(db, |pool| sqlx::query_as(&sql).fetch_all(pool).await)
}

/// Sets the status of an account.
pub async fn set_status(db: &Db, id: i64, status: Status) -> Result<(), sqlx::Error> {
    let at = now();
    let confirmed_now = status == Status::PendingApproval;
    execute!(
        db,
        sqlx::query(
            "UPDATE people SET status = $1, updated_at = $2, \
             email_confirmed_at = CASE WHEN $3 THEN $2 ELSE email_confirmed_at END \
             WHERE id = $4",
        )
        .bind(status.code())
        .bind(at)
        .bind(confirmed_now)
        .bind(id)
    )?;
    Ok(())
}

/// Replaces a person's password hash.
pub async fn set_password(db: &Db, id: i64, hash: &str) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query("UPDATE people SET password_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(hash)
            .bind(now())
            .bind(id)
    )?;
    Ok(())
}

/// Grants a role; granting a role a person already holds changes nothing.
pub async fn grant(
    db: &Db,
    person_id: i64,
    role: Role,
    region_id: Option<i64>,
    granted_by: Option<i64>,
) -> Result<(), sqlx::Error> {
    let region_id = if role.is_regional() { region_id } else { None };
    let result = execute!(
        db,
        sqlx::query(
            "INSERT INTO grants (person_id, role, region_id, granted_by, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(person_id)
        .bind(role.code())
        .bind(region_id)
        .bind(granted_by)
        .bind(now())
    );
    match result {
        Err(error) if !is_unique_violation(&error) => Err(error),
        _ => {
            tracing::info!(person.id = person_id, role = role.code(), "role granted");
            Ok(())
        }
    }
}

/// Whether any admin exists yet.
pub async fn admin_exists(db: &Db) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> = on_db!(db, |pool| {
        sqlx::query_as("SELECT person_id FROM grants WHERE role = 'admin' LIMIT 1")
            .fetch_optional(pool)
            .await
    })?;
    Ok(row.is_some())
}

/// The email addresses of every active admin.
pub async fn admin_emails(db: &Db) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT p.email FROM people p JOIN grants g ON g.person_id = p.id \
             WHERE g.role = 'admin' AND p.status = 'active' ORDER BY p.id",
        )
        .fetch_all(pool)
        .await
    })?;
    Ok(rows.into_iter().map(|(email,)| email).collect())
}
