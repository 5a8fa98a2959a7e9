//! Admin pages of the foundation: the email outbox.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use crate::platform::auth::policy;
use crate::platform::auth::viewer::Viewer;
use crate::platform::error::{AppError, AppResult};
use crate::platform::mail::{self, OutboxMessage};
use crate::platform::state::AppState;
use crate::platform::web::pages::{render, Page};
use crate::platform::web::routes::Routes;

const PAGE_SIZE: i64 = 50;

/// The routes of this feature.
pub fn routes() -> Routes {
    Routes::default()
        .get("/admin/outbox", outbox)
        .get("/admin/outbox/{id}", message)
}

#[derive(Template)]
#[template(path = "admin/outbox.html")]
struct OutboxPage {
    page: Page,
    messages: Vec<OutboxMessage>,
    current_page: i64,
    has_next: bool,
}

/// The page of the outbox list.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PageQuery {
    page: Option<i64>,
}

async fn outbox(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Query(query): Query<PageQuery>,
) -> AppResult<Response> {
    if !policy::may_administer(&viewer) {
        return Err(AppError::Forbidden);
    }
    let current_page = query.page.unwrap_or(1).clamp(1, 10_000);
    let mut messages = mail::list(&state.db, PAGE_SIZE + 1, (current_page - 1) * PAGE_SIZE).await?;
    let has_next = messages.len() as i64 > PAGE_SIZE;
    messages.truncate(PAGE_SIZE as usize);
    render(&OutboxPage {
        page,
        messages,
        current_page,
        has_next,
    })
}

#[derive(Template)]
#[template(path = "admin/message.html")]
struct MessagePage {
    page: Page,
    message: OutboxMessage,
}

async fn message(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    if !policy::may_administer(&viewer) {
        return Err(AppError::Forbidden);
    }
    let message = mail::find(&state.db, id).await?.ok_or(AppError::NotFound)?;
    tracing::info!(outbox.id = id, by = viewer.person_id, "outbox message read");
    render(&MessagePage { page, message })
}
