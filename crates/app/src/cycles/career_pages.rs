//! The career check-in page: a person confirms or updates their stage and needs, and sees
//! their timeline.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::Form;

use crate::cycles::career::{self, CheckIn, CheckInForm};
use crate::people::profile::{self, Topic};
use crate::people::topics::Stage;
use crate::platform::auth::viewer::Viewer;
use crate::platform::error::{AppError, AppResult};
use crate::platform::state::AppState;
use crate::platform::web::flash::{redirect_with, Flash};
use crate::platform::web::forms::FieldErrors;
use crate::platform::web::pages::{render, render_invalid, Page};

#[derive(Template)]
#[template(path = "cycles/career.html")]
struct CareerPage {
    page: Page,
    form: CheckInForm,
    topics: Vec<Topic>,
    timeline: Vec<CheckIn>,
    due: bool,
    months: u32,
    errors: FieldErrors,
}

impl CareerPage {
    fn stages(&self) -> [Stage; 5] {
        Stage::ALL
    }

    fn need_fields(&self) -> Vec<(usize, String, &str)> {
        self.form
            .needs()
            .into_iter()
            .enumerate()
            .map(|(i, code)| (i + 1, format!("need_{}", i + 1), code))
            .collect()
    }
}

async fn career_page(
    state: &AppState,
    page: Page,
    viewer: &Viewer,
    form: CheckInForm,
    errors: FieldErrors,
) -> AppResult<CareerPage> {
    let months = state.config.career_check_months;
    Ok(CareerPage {
        page,
        form,
        topics: profile::list_topics(&state.db).await?,
        timeline: career::timeline(&state.db, viewer.person_id).await?,
        due: career::is_due(&state.db, viewer.person_id, months).await?,
        months,
        errors,
    })
}

/// Shows the check-in form filled with the viewer's current stage and needs.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
) -> AppResult<Response> {
    let current = profile::load_active(&state.db, viewer.person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let needs = profile::topic_codes(&state.db, viewer.person_id, "need").await?;
    let form = CheckInForm::current(&current.stage, &needs);
    render(&career_page(&state, page, &viewer, form, FieldErrors::new()).await?)
}

/// Records the viewer's check-in, or shows the form again with its problems.
pub async fn save(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Form(form): Form<CheckInForm>,
) -> AppResult<Response> {
    let topics = profile::list_topics(&state.db).await?;
    match career::validate(&form, &topics) {
        Ok(check) => {
            career::record(&state.db, viewer.person_id, &check).await?;
            Ok(redirect_with("/career", Flash::Saved))
        }
        Err(errors) => {
            tracing::debug!(problems = errors.all().len(), "career check-in refused");
            render_invalid(&career_page(&state, page, &viewer, form, errors).await?)
        }
    }
}
