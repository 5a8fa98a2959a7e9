//! The circle pages: the list, a guide's new-circle form, a circle with its members,
//! gatherings and notes, and the requests to join.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;

use crate::cohorts::circles::{
    self, Circle, CircleForm, CircleMember, Gathering, GatheringForm, Note,
};
use crate::network::{self, Region};
use crate::people::profile::{self, Topic};
use crate::platform::auth::policy;
use crate::platform::auth::viewer::Viewer;
use crate::platform::error::{AppError, AppResult};
use crate::platform::state::AppState;
use crate::platform::web::flash::{redirect_with, Flash};
use crate::platform::web::forms::{self, FieldErrors};
use crate::platform::web::markdown;
use crate::platform::web::pages::{render, render_invalid, Page};

#[derive(Template)]
#[template(path = "cohorts/circles.html")]
struct ListPage {
    page: Page,
    circles: Vec<Circle>,
    may_start: bool,
}

/// Every circle.
pub async fn list(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
) -> AppResult<Response> {
    render(&ListPage {
        page,
        circles: circles::list(&state.db).await?,
        may_start: policy::may_start_circle(&viewer),
    })
}

#[derive(Template)]
#[template(path = "cohorts/circle_new.html")]
struct NewPage {
    page: Page,
    form: CircleForm,
    regions: Vec<Region>,
    topics: Vec<Topic>,
    errors: FieldErrors,
}

/// A guide's form for a new circle.
pub async fn new_form(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
) -> AppResult<Response> {
    if !policy::may_start_circle(&viewer) {
        return Err(AppError::Forbidden);
    }
    render(&NewPage {
        page,
        form: CircleForm::default(),
        regions: network::list_regions(&state.db).await?,
        topics: profile::list_topics(&state.db).await?,
        errors: FieldErrors::new(),
    })
}

/// Starts a circle led by the viewer.
pub async fn create(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Form(form): Form<CircleForm>,
) -> AppResult<Response> {
    if !policy::may_start_circle(&viewer) {
        return Err(AppError::Forbidden);
    }
    let regions = network::list_regions(&state.db).await?;
    let topics = profile::list_topics(&state.db).await?;
    match circles::validate_circle(&form, &regions, &topics) {
        Ok(circle) => {
            let id = circles::create(&state.db, &circle, viewer.person_id).await?;
            Ok(redirect_with(&format!("/circles/{id}"), Flash::Saved))
        }
        Err(errors) => {
            tracing::debug!(problems = errors.all().len(), "circle refused");
            render_invalid(&NewPage {
                page,
                form,
                regions,
                topics,
                errors,
            })
        }
    }
}

#[derive(Template)]
#[template(path = "cohorts/circle.html")]
struct ShowPage {
    page: Page,
    circle: Circle,
    people: Vec<CircleMember>,
    gatherings: Vec<Gathering>,
    notes: Vec<(Note, String)>,
    standing: Option<String>,
    may_lead: bool,
    may_read: bool,
    may_write: bool,
    may_ask: bool,
    gathering: GatheringForm,
    note: String,
    errors: FieldErrors,
}

async fn load(state: &AppState, viewer: &Viewer, id: i64, page: Page) -> AppResult<ShowPage> {
    let circle = circles::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let standing = circles::standing(&state.db, id, viewer.person_id).await?;
    let may_read = policy::may_read_circle(viewer, circle.guide_id, standing.as_deref());
    let (people, gatherings, notes) = if may_read {
        let notes = circles::notes(&state.db, id)
            .await?
            .into_iter()
            .map(|n| {
                let html = markdown::render_safe(&n.body);
                (n, html)
            })
            .collect();
        (
            circles::members(&state.db, id).await?,
            circles::gatherings(&state.db, id).await?,
            notes,
        )
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    Ok(ShowPage {
        page,
        may_lead: policy::may_lead_circle(viewer, circle.guide_id),
        may_write: policy::may_write_in_circle(viewer, circle.guide_id, standing.as_deref()),
        may_ask: policy::may_ask_to_join_circle(viewer, circle.guide_id, standing.as_deref()),
        may_read,
        circle,
        people,
        gatherings,
        notes,
        standing,
        gathering: GatheringForm::default(),
        note: String::new(),
        errors: FieldErrors::new(),
    })
}

/// A circle: who is in it, its gatherings and notes for its guide and members, and the way
/// in for mentors.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    render(&load(&state, &viewer, id, page).await?)
}

/// A mentor asks to join a circle.
pub async fn join(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let circle = circles::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let standing = circles::standing(&state.db, id, viewer.person_id).await?;
    if !policy::may_ask_to_join_circle(&viewer, circle.guide_id, standing.as_deref()) {
        return Err(AppError::Forbidden);
    }
    circles::request_to_join(&state.db, id, viewer.person_id).await?;
    Ok(redirect_with(&format!("/circles/{id}"), Flash::Saved))
}

/// The guide accepts a request to join.
pub async fn accept(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, person_id)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let circle = circles::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !policy::may_lead_circle(&viewer, circle.guide_id) {
        return Err(AppError::Forbidden);
    }
    if !circles::accept(&state.db, id, person_id).await? {
        return Err(AppError::NotFound);
    }
    Ok(redirect_with(&format!("/circles/{id}"), Flash::Saved))
}

/// The guide logs a gathering.
pub async fn add_gathering(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<GatheringForm>,
) -> AppResult<Response> {
    let mut view = load(&state, &viewer, id, page).await?;
    if !view.may_lead {
        return Err(AppError::Forbidden);
    }
    match circles::validate_gathering(&form) {
        Ok((held_on, note)) => {
            circles::add_gathering(&state.db, id, held_on, &note, viewer.person_id).await?;
            Ok(redirect_with(&format!("/circles/{id}"), Flash::Saved))
        }
        Err(errors) => {
            tracing::debug!("gathering refused");
            view.gathering = form;
            view.errors = errors;
            render_invalid(&view)
        }
    }
}

/// The note form.
#[derive(serde::Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    body: String,
}

/// The guide or a member adds a note.
pub async fn add_note(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<NoteForm>,
) -> AppResult<Response> {
    let mut view = load(&state, &viewer, id, page).await?;
    if !view.may_write {
        return Err(AppError::Forbidden);
    }
    let mut errors = FieldErrors::new();
    let body = forms::text(&mut errors, "body", &form.body, true, 4_000);
    if errors.is_empty() {
        circles::add_note(&state.db, id, viewer.person_id, &body).await?;
        return Ok(redirect_with(&format!("/circles/{id}"), Flash::Saved));
    }
    tracing::debug!("circle note refused");
    view.note = form.body;
    view.errors = errors;
    render_invalid(&view)
}
