//! Approving people who signed up themselves.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

use crate::accounts::emails;
use crate::network::{self, Region};
use crate::people::store::{self, Account, Status};
use crate::platform::auth::policy::{self, DirectoryScope};
use crate::platform::auth::roles::Role;
use crate::platform::auth::viewer::Viewer;
use crate::platform::error::{AppError, AppResult};
use crate::platform::mail;
use crate::platform::state::AppState;
use crate::platform::web::flash::{redirect_with, Flash};
use crate::platform::web::pages::{render, Page};

#[derive(Template)]
#[template(path = "accounts/approvals.html")]
struct ApprovalsPage {
    page: Page,
    waiting: Vec<(Account, String)>,
}

/// Lists the people waiting for approval in the viewer's regions.
pub async fn list(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
) -> AppResult<Response> {
    let scope = policy::directory_scope(&viewer).ok_or(AppError::Forbidden)?;
    let accounts = match &scope {
        DirectoryScope::National => store::pending_approval(&state.db, None).await?,
        DirectoryScope::Regions(ids) => store::pending_approval(&state.db, Some(ids)).await?,
    };
    let regions = network::list_regions(&state.db).await?;
    let region_name = |id: Option<i64>| {
        regions
            .iter()
            .find(|r| Some(r.id) == id)
            .map(|r: &Region| r.name.clone())
    };
    let waiting = accounts
        .into_iter()
        .map(|account| {
            let region = region_name(account.region_id).unwrap_or_default();
            (account, region)
        })
        .collect();
    render(&ApprovalsPage { page, waiting })
}

async fn pending_for(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<Account> {
    let account = store::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !policy::may_approve(viewer, account.region_id) {
        return Err(AppError::Forbidden);
    }
    if account.status != Status::PendingApproval.code() {
        return Err(AppError::NotFound);
    }
    Ok(account)
}

/// Approves a request: the person becomes active with the role they asked for.
pub async fn approve(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let account = pending_for(&state, &viewer, id).await?;
    let role = Role::parse(&account.requested_role)
        .filter(|r| matches!(r, Role::Mentor | Role::Mentee))
        .unwrap_or(Role::Mentee);

    store::set_status(&state.db, account.id, Status::Active).await?;
    store::grant(&state.db, account.id, role, None, Some(viewer.person_id)).await?;
    let message = emails::approval_outcome(&state.config.base_url, true);
    mail::enqueue(&state.db, &account.email, &message.subject, &message.body).await?;
    tracing::info!(
        person.id = account.id,
        by = viewer.person_id,
        "sign-up approved"
    );
    Ok(redirect_with("/approvals", Flash::Approved))
}

/// Declines a request: the account is disabled and the person told.
pub async fn decline(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let account = pending_for(&state, &viewer, id).await?;

    store::set_status(&state.db, account.id, Status::Disabled).await?;
    let message = emails::approval_outcome(&state.config.base_url, false);
    mail::enqueue(&state.db, &account.email, &message.subject, &message.body).await?;
    tracing::info!(
        person.id = account.id,
        by = viewer.person_id,
        "sign-up declined"
    );
    Ok(redirect_with("/approvals", Flash::Declined))
}
