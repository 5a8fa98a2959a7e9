//! Curation: submitting, reviewing, archiving and restoring resources, confirming that a
//! due resource is still current, ratings, and the curators' list of what waits for them.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use crate::platform::auth::policy;
use crate::platform::auth::viewer::Viewer;
use crate::platform::db::now;
use crate::platform::error::{AppError, AppResult};
use crate::platform::state::AppState;
use crate::platform::web::flash::{redirect_with, Flash};
use crate::platform::web::pages::{render, Page};
use crate::resources::model::{self, Action, Status};
use crate::resources::noindex;
use crate::resources::pages::Loaded;
use crate::resources::store::{self, CurationList, Listed};

/// The longest review or rating comment.
pub const MAX_COMMENT: usize = 2_000;

/// A comment sent with a curation step or a rating.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CommentForm {
    /// `approve` or `changes` for reviews; `yes` or `no` for ratings.
    decision: String,
    /// Free text.
    comment: String,
}

impl CommentForm {
    /// The comment, trimmed and cut to [`MAX_COMMENT`] characters; control characters other
    /// than line breaks are dropped.
    fn comment(&self) -> String {
        self.comment
            .trim()
            .chars()
            .filter(|c| !c.is_control() || *c == '\n')
            .take(MAX_COMMENT)
            .collect()
    }
}

fn back_to(id: i64) -> String {
    format!("/resources/{id}?copy=working")
}

/// Refuses a step that does not apply to the resource's current status. The page offered
/// the step, so the status changed meanwhile (another curator acted): say so and go back.
fn stale_step(id: i64) -> Response {
    tracing::debug!(resource.id = id, "curation step no longer applies");
    Redirect::to(&back_to(id)).into_response()
}

/// Sends a draft for review, once it has its content.
pub async fn submit(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let loaded = Loaded::load(&state, id, Some(&viewer)).await?;
    loaded.require_edit(&viewer)?;
    let resource = &loaded.resource;
    let missing = model::missing_for_review(
        resource.kind(),
        &resource.body,
        &resource.url,
        resource.file_id.is_some(),
    );
    if missing.is_some() {
        // The page shows what is missing beside the disabled step.
        return Ok(stale_step(id));
    }

    store::transition(
        &state.db,
        id,
        viewer.person_id,
        resource.status(),
        Action::Submit,
        "",
    )
    .await?;
    Ok(redirect_with(&back_to(id), Flash::Saved))
}

/// A reviewer approves (publishing the next version) or asks for changes, with a comment.
pub async fn review(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<CommentForm>,
) -> AppResult<Response> {
    let loaded = Loaded::load(&state, id, Some(&viewer)).await?;
    if !policy::may_review_resource(&viewer, loaded.is_author) {
        return Err(
            if loaded.sees_copy(Some(&viewer)) || loaded.resource.is_live() {
                AppError::Forbidden
            } else {
                AppError::NotFound
            },
        );
    }
    if loaded.resource.status() != Status::InReview {
        return Ok(stale_step(id));
    }

    let comment = form.comment();
    match form.decision.as_str() {
        "approve" => {
            let days = state.config.resource_review_days;
            store::publish(&state.db, id, viewer.person_id, &comment, days).await?;
        }
        "changes" if !comment.is_empty() => {
            let from = Status::InReview;
            store::transition(
                &state.db,
                id,
                viewer.person_id,
                from,
                Action::RequestChanges,
                &comment,
            )
            .await?;
        }
        // Asking for changes without saying which helps no one: the form requires it.
        _ => {
            return Err(AppError::BadRequest(
                "a review needs a decision, and changes a comment",
            ))
        }
    }
    Ok(redirect_with(&back_to(id), Flash::Saved))
}

/// Withdraws a resource from the library; its versions are kept.
pub async fn archive(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let loaded = Loaded::load(&state, id, Some(&viewer)).await?;
    loaded.require_edit(&viewer)?;
    let status = loaded.resource.status();
    if !store::transition(&state.db, id, viewer.person_id, status, Action::Archive, "").await? {
        return Ok(stale_step(id));
    }
    Ok(redirect_with(&back_to(id), Flash::Saved))
}

/// Takes an archived resource back as a draft.
pub async fn restore(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let loaded = Loaded::load(&state, id, Some(&viewer)).await?;
    loaded.require_edit(&viewer)?;
    let status = loaded.resource.status();
    if !store::transition(&state.db, id, viewer.person_id, status, Action::Restore, "").await? {
        return Ok(stale_step(id));
    }
    Ok(redirect_with(&back_to(id), Flash::Saved))
}

/// A reviewer checked a published resource and found it still current.
pub async fn confirm(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<CommentForm>,
) -> AppResult<Response> {
    let loaded = Loaded::load(&state, id, Some(&viewer)).await?;
    if !policy::may_review_resource(&viewer, loaded.is_author) {
        return Err(if loaded.resource.is_live() {
            AppError::Forbidden
        } else {
            AppError::NotFound
        });
    }
    let days = state.config.resource_review_days;
    if !store::confirm_current(&state.db, id, viewer.person_id, &form.comment(), days).await? {
        return Ok(stale_step(id));
    }
    Ok(redirect_with(&back_to(id), Flash::Saved))
}

/// A member marks a published resource helpful or not, with an optional comment.
pub async fn rate(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<CommentForm>,
) -> AppResult<Response> {
    let loaded = Loaded::load(&state, id, Some(&viewer)).await?;
    if !loaded.resource.is_live() {
        return Err(AppError::NotFound);
    }
    let helpful = match form.decision.as_str() {
        "yes" => true,
        "no" => false,
        _ => return Err(AppError::BadRequest("a rating is yes or no")),
    };

    store::rate(&state.db, id, viewer.person_id, helpful, &form.comment()).await?;
    Ok(redirect_with(
        &format!("/resources/{id}#rating"),
        Flash::Saved,
    ))
}

#[derive(Template)]
#[template(path = "resources/curation.html")]
struct QueuePage {
    page: Page,
    in_review: Vec<Listed>,
    due: Vec<Listed>,
    drafts: Vec<Listed>,
    most_viewed: Vec<Listed>,
    review_days: u32,
}

/// What waits for curators: copies in review, resources due for review, their own drafts,
/// and how the library is used.
pub async fn queue(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
) -> AppResult<Response> {
    if !policy::may_curate_resources(&viewer) {
        return Err(AppError::Forbidden);
    }
    let due_before = now() + chrono::Duration::days(model::DUE_SOON_DAYS);

    let response = render(&QueuePage {
        page,
        in_review: store::curation_list(&state.db, CurationList::InReview).await?,
        due: store::curation_list(&state.db, CurationList::DueBefore(due_before)).await?,
        drafts: store::curation_list(&state.db, CurationList::DraftsOf(viewer.person_id)).await?,
        most_viewed: store::curation_list(&state.db, CurationList::MostViewed).await?,
        review_days: state.config.resource_review_days,
    })?;
    Ok(noindex(response))
}
