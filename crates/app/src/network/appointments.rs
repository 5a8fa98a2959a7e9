//! Appointing coordinators: a region's terms and candidates for admins, and the form where
//! mentors and guides apply to coordinate.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use chrono::NaiveDate;

use crate::network::coverage::{self, Coverage};
use crate::network::succession::{self, ApplyForm, Candidate};
use crate::network::terms::{self, AppointForm, Span, Term, TermRole};
use crate::network::{self, Region};
use crate::people::topics::Stage;
use crate::platform::auth::policy;
use crate::platform::auth::viewer::Viewer;
use crate::platform::error::{AppError, AppResult};
use crate::platform::state::AppState;
use crate::platform::web::flash::{redirect_with, Flash};
use crate::platform::web::forms::FieldErrors;
use crate::platform::web::pages::{render, render_invalid, Page};

#[derive(Template)]
#[template(path = "network/terms.html")]
struct TermsPage {
    page: Page,
    region: Region,
    today: NaiveDate,
    coverage: Coverage,
    terms: Vec<Term>,
    candidates: Vec<Candidate>,
    form: AppointForm,
    errors: FieldErrors,
}

impl TermsPage {
    fn roles(&self) -> [TermRole; 3] {
        TermRole::ALL
    }

    fn stage_label(&self, code: &str) -> &'static str {
        Stage::parse(code).map_or("", Stage::label)
    }
}

async fn load(state: &AppState, code: &str, page: Page) -> AppResult<TermsPage> {
    let region = network::find_region(&state.db, code)
        .await?
        .ok_or(AppError::NotFound)?;
    let today = succession::today();
    let terms = terms::for_region(&state.db, region.id).await?;
    let spans: Vec<Span> = terms.iter().filter_map(Term::span).collect();
    Ok(TermsPage {
        page,
        coverage: coverage::assess(&spans, today),
        candidates: succession::candidates(&state.db, region.id).await?,
        region,
        today,
        terms,
        form: AppointForm::default(),
        errors: FieldErrors::new(),
    })
}

/// A region's terms, past and present, the appointment form and the candidates.
pub async fn terms_page(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(code): Path<String>,
) -> AppResult<Response> {
    if !policy::may_appoint_coordinators(&viewer) {
        return Err(AppError::Forbidden);
    }
    render(&load(&state, &code, page).await?)
}

/// Appoints a coordinator for a term, or shows the form again with its problems.
pub async fn appoint(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(code): Path<String>,
    Form(form): Form<AppointForm>,
) -> AppResult<Response> {
    if !policy::may_appoint_coordinators(&viewer) {
        return Err(AppError::Forbidden);
    }
    let mut view = load(&state, &code, page).await?;
    let person_id = terms::appointable(&state.db, &form.person).await?;
    let existing: Vec<Span> = view.terms.iter().filter_map(Term::span).collect();

    match terms::validate_appointment(&form, person_id, &existing) {
        Ok(appointment) => {
            let region_id = view.region.id;
            terms::appoint(
                &state.db,
                region_id,
                &appointment,
                viewer.person_id,
                view.today,
            )
            .await?;
            succession::mark_appointed(
                &state.db,
                appointment.person_id,
                region_id,
                viewer.person_id,
            )
            .await?;
            Ok(redirect_with(
                &format!("/admin/regions/{}/terms", view.region.code),
                Flash::Saved,
            ))
        }
        Err(errors) => {
            tracing::debug!(problems = errors.all().len(), "appointment refused");
            view.form = form;
            view.errors = errors;
            render_invalid(&view)
        }
    }
}

/// Ends a term today: the coordinator's grant for the region ends with it.
pub async fn end_term(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    if !policy::may_appoint_coordinators(&viewer) {
        return Err(AppError::Forbidden);
    }
    let term = terms::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let today = succession::today();
    if term.ends_on >= today {
        terms::cut_short(&state.db, &term, today).await?;
    }
    Ok(redirect_with(
        &format!("/admin/regions/{}/terms", term.region_code),
        Flash::Saved,
    ))
}

/// Declines an open application.
pub async fn decline(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    if !policy::may_appoint_coordinators(&viewer) {
        return Err(AppError::Forbidden);
    }
    let region = succession::application_region(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if succession::close_application(&state.db, id, "declined", viewer.person_id).await? > 0 {
        tracing::info!(application.id = id, "coordinator application declined");
    }
    Ok(redirect_with(
        &format!("/admin/regions/{region}/terms"),
        Flash::Saved,
    ))
}

#[derive(Template)]
#[template(path = "network/apply.html")]
struct ApplyPage {
    page: Page,
    regions: Vec<Region>,
    form: ApplyForm,
    errors: FieldErrors,
}

/// The form where a mentor or guide applies to coordinate a region.
pub async fn apply_form(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
) -> AppResult<Response> {
    if !policy::may_apply_to_coordinate(&viewer) {
        return Err(AppError::Forbidden);
    }
    let regions = network::list_regions(&state.db).await?;
    let home = regions
        .iter()
        .find(|r| Some(r.id) == viewer.region_id)
        .map(|r| r.code.clone())
        .unwrap_or_default();
    render(&ApplyPage {
        page,
        regions,
        form: ApplyForm {
            region: home,
            statement: String::new(),
        },
        errors: FieldErrors::new(),
    })
}

/// Records an application, or shows the form again with its problems.
pub async fn apply(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Form(form): Form<ApplyForm>,
) -> AppResult<Response> {
    if !policy::may_apply_to_coordinate(&viewer) {
        return Err(AppError::Forbidden);
    }
    let regions = network::list_regions(&state.db).await?;
    let open = succession::open_regions_of(&state.db, viewer.person_id).await?;
    match succession::validate_application(&form, &regions, &open) {
        Ok((region_id, statement)) => {
            succession::apply(&state.db, viewer.person_id, region_id, &statement).await?;
            Ok(redirect_with("/", Flash::Saved))
        }
        Err(errors) => {
            tracing::debug!(problems = errors.all().len(), "application refused");
            render_invalid(&ApplyPage {
                page,
                regions,
                form,
                errors,
            })
        }
    }
}
