//! The pages where mentees apply and mentors offer, and where coordinators list and import
//! applications and offers.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use crate::cycles::applications::{
    self, ApplicationForm, Listed, OfferForm, AFFINITIES, AVAILABILITY,
};
use crate::cycles::cycle::Cycle;
use crate::cycles::import::{self, Kind, RowError};
use crate::cycles::pages::{managed_cycle, today, visible_cycle};
use crate::people::profile::{self, Topic, LANGUAGES, MODALITIES};
use crate::people::topics::Stage;
use crate::platform::auth::policy;
use crate::platform::auth::viewer::Viewer;
use crate::platform::error::{AppError, AppResult};
use crate::platform::state::AppState;
use crate::platform::web::flash::{redirect_with, Flash};
use crate::platform::web::forms::FieldErrors;
use crate::platform::web::pages::{render, render_invalid, Page};

/// The choices every application and offer form shows.
struct Choices {
    topics: Vec<Topic>,
}

impl Choices {
    fn languages(&self) -> &'static [(&'static str, &'static str)] {
        LANGUAGES
    }

    fn modalities(&self) -> &'static [(&'static str, &'static str)] {
        &MODALITIES
    }

    fn availability(&self) -> Vec<(&'static str, &'static str)> {
        AVAILABILITY.iter().map(|s| (s.0, s.1)).collect()
    }

    fn affinities(&self) -> &'static [(&'static str, &'static str)] {
        &AFFINITIES
    }

    fn stages(&self) -> [Stage; 5] {
        Stage::ALL
    }
}

fn window_message(cycle: &Cycle) -> String {
    if cycle.state().takes_applications() && today() < cycle.opens_on {
        format!(
            "Applications open on {}.",
            cycle.opens_on.format("%B %-d, %Y")
        )
    } else {
        format!(
            "The application window closed on {}; ask a coordinator if something must change.",
            cycle.closes_on.format("%B %-d, %Y")
        )
    }
}

#[derive(Template)]
#[template(path = "cycles/apply.html")]
struct ApplyPage {
    page: Page,
    cycle: Cycle,
    form: ApplicationForm,
    choices: Choices,
    errors: FieldErrors,
    editable: bool,
    exists: bool,
    closed_message: String,
}

/// Shows the viewer's application to a cycle: a form while the window is open.
pub async fn application(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let cycle = visible_cycle(&state, &viewer, id).await?;
    if !policy::may_apply(&viewer, &cycle.regions()) {
        return Err(AppError::Forbidden);
    }
    let stored = applications::find_application(&state.db, id, viewer.person_id).await?;
    let form = match &stored {
        Some(a) => a.to_form(&applications::need_codes(&state.db, a.id).await?),
        None => ApplicationForm::blank(),
    };
    render(&ApplyPage {
        page,
        editable: cycle.window_is_open(today()),
        exists: stored.is_some(),
        closed_message: window_message(&cycle),
        cycle,
        form,
        choices: Choices {
            topics: profile::list_topics(&state.db).await?,
        },
        errors: FieldErrors::new(),
    })
}

/// Saves the viewer's application, or shows the form again with its problems.
pub async fn save_application(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let cycle = visible_cycle(&state, &viewer, id).await?;
    if !policy::may_apply(&viewer, &cycle.regions()) {
        return Err(AppError::Forbidden);
    }
    let form = ApplicationForm::from_pairs(pairs);
    let topics = profile::list_topics(&state.db).await?;
    let editable = cycle.window_is_open(today());
    let result = if editable {
        applications::validate_application(&form, &topics)
    } else {
        let mut errors = FieldErrors::new();
        errors.add("window", window_message(&cycle));
        Err(errors)
    };
    match result {
        Ok(valid) => {
            applications::save_applications(&state.db, id, &[(viewer.person_id, valid)]).await?;
            Ok(redirect_with(&format!("/cycles/{id}"), Flash::Saved))
        }
        Err(errors) => {
            tracing::debug!(problems = errors.all().len(), "application refused");
            let exists = applications::find_application(&state.db, id, viewer.person_id)
                .await?
                .is_some();
            render_invalid(&ApplyPage {
                page,
                editable,
                exists,
                closed_message: window_message(&cycle),
                cycle,
                form,
                choices: Choices { topics },
                errors,
            })
        }
    }
}

#[derive(Template)]
#[template(path = "cycles/offer.html")]
struct OfferPage {
    page: Page,
    cycle: Cycle,
    form: OfferForm,
    choices: Choices,
    errors: FieldErrors,
    editable: bool,
    exists: bool,
    closed_message: String,
}

/// Shows the viewer's offer to a cycle: a form while the window is open.
pub async fn offer(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let cycle = visible_cycle(&state, &viewer, id).await?;
    if !policy::may_offer(&viewer, &cycle.regions()) {
        return Err(AppError::Forbidden);
    }
    let stored = applications::find_offer(&state.db, id, viewer.person_id).await?;
    let form = match &stored {
        Some(o) => o.to_form(&applications::offer_topic_codes(&state.db, o.id).await?),
        None => OfferForm::blank(),
    };
    render(&OfferPage {
        page,
        editable: cycle.window_is_open(today()),
        exists: stored.is_some(),
        closed_message: window_message(&cycle),
        cycle,
        form,
        choices: Choices {
            topics: profile::list_topics(&state.db).await?,
        },
        errors: FieldErrors::new(),
    })
}

/// Saves the viewer's offer, or shows the form again with its problems.
pub async fn save_offer(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let cycle = visible_cycle(&state, &viewer, id).await?;
    if !policy::may_offer(&viewer, &cycle.regions()) {
        return Err(AppError::Forbidden);
    }
    let form = OfferForm::from_pairs(pairs);
    let topics = profile::list_topics(&state.db).await?;
    let editable = cycle.window_is_open(today());
    let result = if editable {
        applications::validate_offer(&form, &topics)
    } else {
        let mut errors = FieldErrors::new();
        errors.add("window", window_message(&cycle));
        Err(errors)
    };
    match result {
        Ok(valid) => {
            applications::save_offers(&state.db, id, &[(viewer.person_id, valid)]).await?;
            Ok(redirect_with(&format!("/cycles/{id}"), Flash::Saved))
        }
        Err(errors) => {
            tracing::debug!(problems = errors.all().len(), "offer refused");
            let exists = applications::find_offer(&state.db, id, viewer.person_id)
                .await?
                .is_some();
            render_invalid(&OfferPage {
                page,
                editable,
                exists,
                closed_message: window_message(&cycle),
                cycle,
                form,
                choices: Choices { topics },
                errors,
            })
        }
    }
}

/// The list's page and tab.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    kind: String,
    page: Option<i64>,
}

const PER_PAGE: i64 = 100;

#[derive(Template)]
#[template(path = "cycles/entries.html")]
struct EntriesPage {
    page: Page,
    cycle: Cycle,
    offers: bool,
    entries: Vec<Listed>,
    current_page: i64,
    has_next: bool,
}

/// Lists a cycle's applications (in order of submission) or offers, for those who run it.
pub async fn list(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<ListQuery>,
) -> AppResult<Response> {
    let cycle = managed_cycle(&state, &viewer, id).await?;
    let offers = query.kind == "offers";
    let current_page = query.page.unwrap_or(1).clamp(1, 100_000);
    let offset = (current_page - 1) * PER_PAGE;
    let mut entries = if offers {
        applications::list_offers(&state.db, id, PER_PAGE + 1, offset).await?
    } else {
        applications::list_applications(&state.db, id, PER_PAGE + 1, offset).await?
    };
    let has_next = entries.len() as i64 > PER_PAGE;
    entries.truncate(PER_PAGE as usize);
    render(&EntriesPage {
        page,
        cycle,
        offers,
        entries,
        current_page,
        has_next,
    })
}

#[derive(Template)]
#[template(path = "cycles/import.html")]
struct ImportPage {
    page: Page,
    cycle: Cycle,
    kind: String,
    text: String,
    problems: Vec<RowError>,
    kind_error: bool,
}

impl ImportPage {
    fn columns(&self, kind: &str) -> String {
        let (required, optional) = Kind::parse(kind).map(Kind::columns).unwrap_or((&[], &[]));
        format!(
            "{} (required); {}",
            required.join(", "),
            optional.join(", ")
        )
    }
}

/// Shows the import form.
pub async fn import_form(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let cycle = managed_cycle(&state, &viewer, id).await?;
    render(&ImportPage {
        page,
        cycle,
        kind: "applications".into(),
        text: String::new(),
        problems: Vec::new(),
        kind_error: false,
    })
}

/// The pasted file.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ImportForm {
    kind: String,
    text: String,
}

/// Imports a pasted CSV file when every row is clean; otherwise lists every problem and
/// imports nothing.
pub async fn import(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<ImportForm>,
) -> AppResult<Response> {
    let cycle = managed_cycle(&state, &viewer, id).await?;
    let invalid = |problems: Vec<RowError>, kind_error: bool, form: ImportForm, cycle| {
        render_invalid(&ImportPage {
            page: page.clone(),
            cycle,
            kind: form.kind,
            text: form.text,
            problems,
            kind_error,
        })
    };
    let Some(kind) = Kind::parse(&form.kind) else {
        return invalid(Vec::new(), true, form, cycle);
    };
    if !cycle.state().takes_imports() {
        let problem = RowError {
            line: 0,
            column: String::new(),
            message: "This cycle no longer takes imports: matches are published.".into(),
        };
        return invalid(vec![problem], false, form, cycle);
    }

    let topics = profile::list_topics(&state.db).await?;
    let members = import::members_named(&state.db, &form.text, &cycle, kind).await?;
    match import::check(&form.text, kind, &cycle.regions(), &topics, &members) {
        Ok(checked) => {
            applications::save_applications(&state.db, id, &checked.applications).await?;
            applications::save_offers(&state.db, id, &checked.offers).await?;
            tracing::info!(cycle.id = id, "import saved");
            Ok(redirect_with(
                &format!("/cycles/{id}/applications"),
                Flash::Saved,
            ))
        }
        Err(problems) => {
            tracing::debug!(problems = problems.len(), "import refused");
            invalid(problems, false, form, cycle)
        }
    }
}
