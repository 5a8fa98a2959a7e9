//! Calendar files: the invitation of one meeting, and each person's private feed.
//!
//! A feed is reached by an unguessable token in its URL, because calendar apps cannot sign
//! in. Only the token's digest is stored; the URL is shown once, when it is made. Replacing
//! the feed makes a new token and the old URL stops working; revoking removes it. A wrong or
//! revoked token gets the same 404 as any unknown page.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

use crate::convenings::audience;
use crate::convenings::ical::{self, Event, Method};
use crate::convenings::store::{self, Convening, Window};
use crate::convenings::AudienceNames;
use crate::platform::auth::policy;
use crate::platform::auth::session;
use crate::platform::auth::viewer::Viewer;
use crate::platform::db::{now, Db};
use crate::platform::error::{AppError, AppResult};
use crate::platform::state::AppState;
use crate::platform::web::flash::{redirect_with, Flash};
use crate::platform::web::pages::{render, Page};
use crate::platform::web::tokens;
use crate::{execute, on_db};

/// How far back a feed reaches, so recent meetings keep their minutes link in calendars.
const FEED_PAST_DAYS: i64 = 90;
/// The most meetings one feed lists.
const FEED_LIMIT: i64 = 500;

/// The calendar event of a meeting.
pub fn event_of(convening: &Convening, audience: &str, base_url: &str, organizer: &str) -> Event {
    let page = format!("{base_url}/convenings/{}", convening.id);
    let mut description = format!(
        "Hosted by {} for {audience}.\n\nJoin by video: {}\nPage: {page}",
        convening.host_name, convening.video_url
    );
    if !convening.agenda.trim().is_empty() {
        description.push_str("\n\nAgenda:\n");
        description.push_str(convening.agenda.trim());
    }
    Event {
        uid: ical::uid(&convening.uid),
        sequence: convening.sequence,
        stamp: convening.updated_at,
        starts_at: convening.starts_at,
        ends_at: convening.ends_at,
        summary: convening.title.clone(),
        description,
        location: convening.video_url.clone(),
        url: page,
        organizer: organizer.to_owned(),
        cancelled: convening.is_cancelled(),
    }
}

/// The sender address of `Name <address>`, or the whole text when it has no brackets.
fn address_of(mailbox: &str) -> &str {
    mailbox
        .split_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map_or(mailbox, |(address, _)| address)
        .trim()
}

fn calendar_response(body: String, method: Method, filename: Option<&str>) -> Response {
    let content_type = format!("text/calendar; charset=utf-8; method={}", method.name());
    let mut response = ([(header::CONTENT_TYPE, content_type)], body).into_response();
    if let Some(filename) = filename {
        let disposition = format!("attachment; filename=\"{filename}\"");
        if let Ok(value) = header::HeaderValue::from_str(&disposition) {
            response
                .headers_mut()
                .insert(header::CONTENT_DISPOSITION, value);
        }
    }
    response
}

/// The invitation of one meeting: a request, or a cancellation once it is cancelled.
pub async fn invitation(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let convening = store::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let audience = convening.audience().ok_or(AppError::NotFound)?;
    let groups = audience::groups_of(&state.db, viewer.person_id).await?;
    if !policy::may_see_convening(&viewer, &groups, audience) {
        return Err(AppError::NotFound);
    }

    let names = AudienceNames::load(&state.db).await?;
    let event = event_of(
        &convening,
        &names.label(Some(audience)),
        &state.config.base_url,
        address_of(&state.config.mail_from),
    );
    let method = if convening.is_cancelled() {
        Method::Cancel
    } else {
        Method::Request
    };
    let body = ical::calendar(method, None, &[event]);
    let filename = format!("convening-{id}.ics");
    Ok(calendar_response(body, method, Some(&filename)))
}

/// Makes a new feed token for a person, replacing any earlier one; returns the token.
pub async fn replace_token(db: &Db, person_id: i64) -> Result<String, sqlx::Error> {
    let token = tokens::new_token();
    execute!(
        db,
        sqlx::query(
            "INSERT INTO calendar_feeds (person_id, token_digest, created_at) \
             VALUES ($1, $2, $3) ON CONFLICT (person_id) \
             DO UPDATE SET token_digest = excluded.token_digest, \
             created_at = excluded.created_at",
        )
        .bind(person_id)
        .bind(tokens::digest(&token))
        .bind(now())
    )?;
    tracing::info!(person.id = person_id, "calendar feed replaced");
    Ok(token)
}

/// Removes a person's feed; its URL stops working.
pub async fn revoke_token(db: &Db, person_id: i64) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query("DELETE FROM calendar_feeds WHERE person_id = $1").bind(person_id)
    )?;
    tracing::info!(person.id = person_id, "calendar feed revoked");
    Ok(())
}

/// When a person's current feed was made, if they have one.
pub async fn feed_made_at(db: &Db, person_id: i64) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let row: Option<(DateTime<Utc>,)> = on_db!(db, |pool| {
        sqlx::query_as("SELECT created_at FROM calendar_feeds WHERE person_id = $1")
            .bind(person_id)
            .fetch_optional(pool)
            .await
    })?;
    Ok(row.map(|(at,)| at))
}

#[derive(sqlx::FromRow)]
struct FeedOwner {
    person_id: i64,
    name: String,
    region_id: Option<i64>,
}

/// The active person a feed token belongs to, as a viewer with their grants.
async fn owner_of(db: &Db, token: &str) -> Result<Option<Viewer>, sqlx::Error> {
    let owner: Option<FeedOwner> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT f.person_id, p.name, p.region_id FROM calendar_feeds f \
             JOIN people p ON p.id = f.person_id \
             WHERE f.token_digest = $1 AND p.status = 'active'",
        )
        .bind(tokens::digest(token))
        .fetch_optional(pool)
        .await
    })?;
    let Some(owner) = owner else {
        return Ok(None);
    };
    let grants = session::grants_of(db, owner.person_id).await?;
    Ok(Some(Viewer {
        person_id: owner.person_id,
        name: owner.name,
        region_id: owner.region_id,
        grants,
        session_digest: String::new(),
    }))
}

/// A private feed: every meeting of the owner's audiences from 90 days ago on, cancelled
/// ones marked so calendars remove them.
pub async fn feed(State(state): State<AppState>, Path(file): Path<String>) -> AppResult<Response> {
    // Tokens are 43 characters; anything else cannot match and is not looked up.
    let token = file
        .strip_suffix(".ics")
        .filter(|t| t.len() == 43)
        .ok_or(AppError::NotFound)?;
    let Some(owner) = owner_of(&state.db, token).await? else {
        tracing::debug!("calendar feed refused: unknown or revoked token");
        return Err(AppError::NotFound);
    };

    let groups = audience::groups_of(&state.db, owner.person_id).await?;
    let window = Window {
        audiences: policy::own_audiences(&owner, &groups),
        from: Some(now() - chrono::Duration::days(FEED_PAST_DAYS)),
        until: None,
        newest_first: false,
        limit: FEED_LIMIT,
    };
    let convenings = store::list(&state.db, &window).await?;
    let names = AudienceNames::load(&state.db).await?;
    let organizer = address_of(&state.config.mail_from);
    let events: Vec<Event> = convenings
        .iter()
        .map(|c| {
            let audience = names.label(c.audience());
            event_of(c, &audience, &state.config.base_url, organizer)
        })
        .collect();
    let body = ical::calendar(Method::Publish, Some("Carrel convenings"), &events);
    Ok(calendar_response(body, Method::Publish, None))
}

#[derive(Template)]
#[template(path = "convenings/calendar.html")]
struct CalendarPage {
    page: Page,
    made_at: Option<String>,
    new_url: Option<String>,
}

/// The feed settings: whether there is a feed, and buttons to make, replace or revoke it.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
) -> AppResult<Response> {
    let made_at = feed_made_at(&state.db, viewer.person_id).await?;
    render(&CalendarPage {
        page,
        made_at: made_at.map(|at| at.format("%Y-%m-%d").to_string()),
        new_url: None,
    })
}

/// Makes (or replaces) the viewer's feed and shows its URL, this once.
pub async fn create(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
) -> AppResult<Response> {
    let token = replace_token(&state.db, viewer.person_id).await?;
    let new_url = format!("{}/calendar/{token}.ics", state.config.base_url);
    render(&CalendarPage {
        page,
        made_at: Some(now().format("%Y-%m-%d").to_string()),
        new_url: Some(new_url),
    })
}

/// Revokes the viewer's feed.
pub async fn revoke(State(state): State<AppState>, viewer: Viewer) -> AppResult<Response> {
    revoke_token(&state.db, viewer.person_id).await?;
    Ok(redirect_with("/calendar", Flash::Saved))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_organizer_is_the_sender_address() {
        assert_eq!(
            address_of("Carrel <carrel@library.example>"),
            "carrel@library.example"
        );
        assert_eq!(
            address_of("carrel@library.example"),
            "carrel@library.example"
        );
    }
}
