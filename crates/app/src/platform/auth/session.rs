//! Sessions stored in the database, named by a random token in an HttpOnly cookie.
//!
//! Only the token's digest is stored. A session ends after the idle timeout without a
//! request, after the absolute timeout in any case, at sign-out, and when the person's
//! password changes. Signing in always makes a new token, so a token planted before
//! sign-in is worthless after it.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, Utc};

use crate::platform::auth::roles::{Grant, Role};
use crate::platform::auth::viewer::Viewer;
use crate::platform::db::{now, Db};
use crate::platform::state::AppState;
use crate::platform::web::{cookies, tokens};
use crate::{execute, on_db};

const COOKIE: &str = "carrel_session";

/// Writing `last_seen_at` on every request would make every page view a write; once a
/// minute keeps the idle timeout accurate enough.
const TOUCH_INTERVAL_SECS: i64 = 60;

/// A session with its person and one of their grants: one row per grant, or one row with
/// no grant, so a single query loads everything a request needs.
#[derive(sqlx::FromRow)]
struct SessionRow {
    person_id: i64,
    name: String,
    region_id: Option<i64>,
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    role: Option<String>,
    grant_region_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct GrantRow {
    role: String,
    region_id: Option<i64>,
}

/// Starts a session for a person and returns the `Set-Cookie` value that carries it.
pub async fn start(state: &AppState, person_id: i64) -> Result<HeaderValue, sqlx::Error> {
    let token = tokens::new_token();
    let at = now();
    execute!(
        &state.db,
        sqlx::query(
            "INSERT INTO sessions (id_hash, person_id, created_at, last_seen_at) \
             VALUES ($1, $2, $3, $3)",
        )
        .bind(tokens::digest(&token))
        .bind(person_id)
        .bind(at)
    )?;
    tracing::info!(person.id = person_id, "session started");
    Ok(cookies::build(
        COOKIE,
        &token,
        None,
        state.config.secure_cookies(),
    ))
}

/// Ends one session and returns the `Set-Cookie` value that removes the cookie.
pub async fn end(state: &AppState, session_digest: &str) -> Result<HeaderValue, sqlx::Error> {
    execute!(
        &state.db,
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(session_digest)
    )?;
    Ok(cookies::build(
        COOKIE,
        "",
        Some(0),
        state.config.secure_cookies(),
    ))
}

/// Ends every session of a person, after a password change or when access is removed.
pub async fn end_all(db: &Db, person_id: i64) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query("DELETE FROM sessions WHERE person_id = $1").bind(person_id)
    )?;
    Ok(())
}

/// Loads the viewer of a request from its session cookie, if the session is still valid.
pub async fn load_viewer(state: AppState, mut request: Request, next: Next) -> Response {
    let token = cookies::read(request.headers(), COOKIE).filter(|t| !t.is_empty());
    let mut clear_cookie = false;
    let mut signed_in = None;
    if let Some(token) = token {
        match viewer_for(&state, &tokens::digest(&token)).await {
            Ok(Some(viewer)) => {
                request.extensions_mut().insert(viewer.clone());
                signed_in = Some(viewer);
            }
            Ok(None) => clear_cookie = true,
            Err(error) => tracing::error!(%error, "loading a session failed"),
        }
    }

    let mut response = next.run(request).await;
    // Outer layers (the error pages) draw the layout too, for the same person.
    if let Some(viewer) = signed_in {
        response.extensions_mut().insert(viewer);
    }
    if clear_cookie {
        let cookie = cookies::build(COOKIE, "", Some(0), state.config.secure_cookies());
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// The middleware form of [`load_viewer`].
pub async fn middleware(State(state): State<AppState>, request: Request, next: Next) -> Response {
    load_viewer(state, request, next).await
}

async fn viewer_for(state: &AppState, digest: &str) -> Result<Option<Viewer>, sqlx::Error> {
    let rows: Vec<SessionRow> = on_db!(&state.db, |pool| {
        sqlx::query_as(
            "SELECT s.person_id, p.name, p.region_id, s.created_at, s.last_seen_at, g.role, \
             g.region_id AS grant_region_id \
             FROM sessions s JOIN people p ON p.id = s.person_id \
             LEFT JOIN grants g ON g.person_id = p.id \
             WHERE s.id_hash = $1 AND p.status = 'active' ORDER BY g.id",
        )
        .bind(digest)
        .fetch_all(pool)
        .await
    })?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };

    let at = now();
    let idle = chrono::Duration::from_std(state.config.session_idle()).unwrap_or_default();
    let max = chrono::Duration::from_std(state.config.session_max()).unwrap_or_default();
    if at - first.last_seen_at > idle || at - first.created_at > max {
        end(state, digest).await?;
        return Ok(None);
    }
    if (at - first.last_seen_at).num_seconds() >= TOUCH_INTERVAL_SECS {
        touch(&state.db, digest, at).await?;
    }

    let grants = rows
        .iter()
        .filter_map(|row| {
            let role = Role::parse(row.role.as_deref()?)?;
            Some(Grant {
                role,
                region_id: row.grant_region_id,
            })
        })
        .collect();
    Ok(Some(Viewer {
        person_id: first.person_id,
        name: first.name.clone(),
        region_id: first.region_id,
        grants,
        session_digest: digest.to_owned(),
    }))
}

async fn touch(db: &Db, digest: &str, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
            .bind(at)
            .bind(digest)
    )?;
    Ok(())
}

/// Every grant a person holds.
pub async fn grants_of(db: &Db, person_id: i64) -> Result<Vec<Grant>, sqlx::Error> {
    let rows: Vec<GrantRow> = on_db!(db, |pool| {
        sqlx::query_as("SELECT role, region_id FROM grants WHERE person_id = $1 ORDER BY id")
            .bind(person_id)
            .fetch_all(pool)
            .await
    })?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Role::parse(&row.role).map(|role| Grant {
                role,
                region_id: row.region_id,
            })
        })
        .collect())
}
