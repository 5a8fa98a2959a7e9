//! The cohort pages: the list, the admin's new-cohort form, a cohort with its curriculum,
//! records and readiness, graduation, and the certificate.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use chrono::NaiveDate;

use crate::cohorts::readiness::{self, Readiness};
use crate::cohorts::store::{
    self, Cohort, CohortForm, Enrolled, Member, Module, ModuleForm, Record, RecordForm,
    RECORD_KINDS,
};
use crate::network::succession::today;
use crate::people::store as people;
use crate::platform::auth::policy;
use crate::platform::auth::roles::Role;
use crate::platform::auth::viewer::Viewer;
use crate::platform::error::{AppError, AppResult};
use crate::platform::mail;
use crate::platform::state::AppState;
use crate::platform::web::flash::{redirect_with, Flash};
use crate::platform::web::forms::{self, FieldErrors};
use crate::platform::web::pages::{render, render_invalid, Page};

#[derive(Template)]
#[template(path = "cohorts/list.html")]
struct ListPage {
    page: Page,
    cohorts: Vec<Cohort>,
    mine: Vec<(i64, String, bool)>,
    may_create: bool,
    today: NaiveDate,
}

/// Every cohort, with the viewer's own first.
pub async fn list(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
) -> AppResult<Response> {
    let cohorts = store::list(&state.db).await?;
    let mine = store::cohorts_of(&state.db, viewer.person_id).await?;
    render(&ListPage {
        page,
        cohorts,
        mine,
        may_create: policy::may_create_cohorts(&viewer),
        today: today(),
    })
}

#[derive(Template)]
#[template(path = "cohorts/new.html")]
struct NewPage {
    page: Page,
    form: CohortForm,
    leads: Vec<(i64, String)>,
    errors: FieldErrors,
}

/// The admin's form for a new cohort, with the default requirements filled in.
pub async fn new_form(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
) -> AppResult<Response> {
    if !policy::may_create_cohorts(&viewer) {
        return Err(AppError::Forbidden);
    }
    render(&NewPage {
        page,
        form: CohortForm::default(),
        leads: store::possible_leads(&state.db).await?,
        errors: FieldErrors::new(),
    })
}

/// Creates a cohort, or shows the form again with its problems.
pub async fn create(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Form(form): Form<CohortForm>,
) -> AppResult<Response> {
    if !policy::may_create_cohorts(&viewer) {
        return Err(AppError::Forbidden);
    }
    let leads = store::possible_leads(&state.db).await?;
    let ids: Vec<i64> = leads.iter().map(|(id, _)| *id).collect();
    match store::validate_cohort(&form, &ids) {
        Ok(cohort) => {
            let id = store::create(&state.db, &cohort, viewer.person_id).await?;
            Ok(redirect_with(&format!("/cohorts/{id}"), Flash::Saved))
        }
        Err(errors) => {
            tracing::debug!(problems = errors.all().len(), "cohort refused");
            render_invalid(&NewPage {
                page,
                form,
                leads,
                errors,
            })
        }
    }
}

/// A member's row on the cohort page.
struct MemberRow {
    member: Member,
    /// Shown only to the member and to those who run the cohort.
    readiness: Option<Readiness>,
}

/// What was typed in the cohort page's forms, kept when one is refused.
#[derive(Default)]
struct Typed {
    convenings: String,
    resources: String,
    sessions: String,
    module: ModuleForm,
    record: RecordForm,
    coordinator: String,
    reason: String,
    /// The member whose graduation form has a problem.
    graduating: Option<i64>,
}

#[derive(Template)]
#[template(path = "cohorts/show.html")]
struct ShowPage {
    page: Page,
    cohort: Cohort,
    today: NaiveDate,
    rows: Vec<MemberRow>,
    modules: Vec<(Module, bool)>,
    records: Vec<Record>,
    is_member: bool,
    may_run: bool,
    may_enroll: bool,
    enrollable: Vec<(i64, String)>,
    typed: Typed,
    errors: FieldErrors,
}

impl ShowPage {
    fn record_kinds(&self) -> &'static [(&'static str, &'static str)] {
        &RECORD_KINDS
    }

    fn reason_id(&self, person_id: &i64) -> String {
        if self.typed.graduating == Some(*person_id) {
            "reason".to_owned()
        } else {
            format!("reason-{person_id}")
        }
    }
}

/// Loads everything the cohort page shows to this viewer, or refuses them.
async fn load(
    state: &AppState,
    viewer: &Viewer,
    cohort_id: i64,
    page: Page,
) -> AppResult<ShowPage> {
    let cohort = store::find(&state.db, cohort_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let members = store::members(&state.db, cohort_id).await?;
    let is_member = members.iter().any(|m| m.person_id == viewer.person_id);
    if !policy::may_view_cohort(viewer, cohort.lead_id, is_member) {
        return Err(AppError::Forbidden);
    }

    let modules = store::modules(&state.db, cohort_id).await?;
    let completions = store::completions(&state.db, cohort_id).await?;
    let records = store::records(&state.db, cohort_id).await?;
    let earned = store::earned(&state.db, cohort_id, &members).await?;
    let progress =
        store::progress_by_member(&members, modules.len(), &completions, &earned, &records);
    let requirements = cohort.requirements();
    let rows = members
        .into_iter()
        .map(|member| {
            let visible = policy::may_see_readiness(viewer, member.person_id, cohort.lead_id);
            let readiness = visible.then(|| {
                let p = progress.get(&member.person_id).copied().unwrap_or_default();
                readiness::assess(&requirements, &p)
            });
            MemberRow { member, readiness }
        })
        .collect();
    let modules = modules
        .into_iter()
        .map(|m| {
            let done = completions.contains(&(m.id, viewer.person_id));
            (m, done)
        })
        .collect();

    let may_run = policy::may_run_cohort(viewer, cohort.lead_id);
    let records = records
        .into_iter()
        .filter(|r| may_run || r.person_id == viewer.person_id)
        .collect();
    let may_enroll = policy::may_create_cohorts(viewer);
    let enrollable = if may_enroll {
        store::coordinators(&state.db).await?
    } else {
        Vec::new()
    };
    let typed = Typed {
        convenings: cohort.min_convenings.to_string(),
        resources: cohort.min_resources.to_string(),
        sessions: cohort.min_sessions.to_string(),
        ..Typed::default()
    };
    Ok(ShowPage {
        page,
        cohort,
        today: today(),
        rows,
        modules,
        records,
        is_member,
        may_run,
        may_enroll,
        enrollable,
        typed,
        errors: FieldErrors::new(),
    })
}

/// A cohort: its curriculum, members and, for those allowed, readiness and records.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    render(&load(&state, &viewer, id, page).await?)
}

fn back_to(cohort_id: i64) -> Response {
    redirect_with(&format!("/cohorts/{cohort_id}"), Flash::Saved)
}

/// The requirements form.
#[derive(serde::Deserialize)]
pub struct RequirementsForm {
    #[serde(default)]
    min_convenings: String,
    #[serde(default)]
    min_resources: String,
    #[serde(default)]
    min_sessions: String,
}

/// Changes a cohort's collaboration requirements.
pub async fn save_requirements(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<RequirementsForm>,
) -> AppResult<Response> {
    let mut view = load(&state, &viewer, id, page).await?;
    if !view.may_run {
        return Err(AppError::Forbidden);
    }
    let mut errors = FieldErrors::new();
    let requirements = store::validate_requirements(
        &mut errors,
        &form.min_convenings,
        &form.min_resources,
        &form.min_sessions,
    );
    if errors.is_empty() {
        store::set_requirements(&state.db, id, &requirements).await?;
        return Ok(back_to(id));
    }
    view.typed.convenings = form.min_convenings;
    view.typed.resources = form.min_resources;
    view.typed.sessions = form.min_sessions;
    view.errors = errors;
    render_invalid(&view)
}

/// The enrollment form.
#[derive(serde::Deserialize)]
pub struct EnrollForm {
    #[serde(default)]
    coordinator: String,
}

/// Enrolls a coordinator in a cohort.
pub async fn enroll(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<EnrollForm>,
) -> AppResult<Response> {
    if !policy::may_create_cohorts(&viewer) {
        return Err(AppError::Forbidden);
    }
    let mut view = load(&state, &viewer, id, page).await?;
    let chosen = form.coordinator.trim().parse::<i64>().ok();
    let person = view.enrollable.iter().find(|(pid, _)| Some(*pid) == chosen);
    let mut errors = FieldErrors::new();
    match person {
        None => errors.add("coordinator", "Choose a coordinator to enroll."),
        Some((person_id, name)) => match store::enroll(&state.db, id, *person_id).await? {
            Enrolled::Yes => return Ok(back_to(id)),
            Enrolled::AlreadyMember => errors.add(
                "coordinator",
                format!("{name} is already enrolled in this cohort."),
            ),
        },
    }
    tracing::debug!("enrollment refused");
    view.typed.coordinator = form.coordinator;
    view.errors = errors;
    render_invalid(&view)
}

/// Adds a module to a cohort's curriculum.
pub async fn add_module(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<ModuleForm>,
) -> AppResult<Response> {
    let mut view = load(&state, &viewer, id, page).await?;
    if !view.may_run {
        return Err(AppError::Forbidden);
    }
    match store::validate_module(&form) {
        Ok(module) => {
            store::add_module(&state.db, id, &module).await?;
            Ok(back_to(id))
        }
        Err(errors) => {
            tracing::debug!("module refused");
            view.typed.module = form;
            view.errors = errors;
            render_invalid(&view)
        }
    }
}

/// The module checkbox form.
#[derive(serde::Deserialize)]
pub struct DoneForm {
    #[serde(default)]
    done: String,
}

/// A member marks a module of their cohort done, or not done.
pub async fn mark_module(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path((id, module_id)): Path<(i64, i64)>,
    Form(form): Form<DoneForm>,
) -> AppResult<Response> {
    let view = load(&state, &viewer, id, page).await?;
    if !view.is_member {
        return Err(AppError::Forbidden);
    }
    if !view.modules.iter().any(|(m, _)| m.id == module_id) {
        return Err(AppError::NotFound);
    }
    let done = form.done == "1";
    store::set_done(&state.db, module_id, viewer.person_id, done).await?;
    Ok(back_to(id))
}

/// Gives a member credit by hand, with its reason, for attendance, a contribution or
/// co-facilitation the records of convenings and the library cannot show.
pub async fn add_record(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<RecordForm>,
) -> AppResult<Response> {
    let mut view = load(&state, &viewer, id, page).await?;
    if !view.may_run {
        return Err(AppError::Forbidden);
    }
    let members: Vec<i64> = view.rows.iter().map(|r| r.member.person_id).collect();
    match store::validate_record(&form, &members) {
        Ok(record) => {
            store::add_record(&state.db, id, &record, viewer.person_id).await?;
            Ok(back_to(id))
        }
        Err(errors) => {
            tracing::debug!("cohort record refused");
            view.typed.record = form;
            view.errors = errors;
            render_invalid(&view)
        }
    }
}

/// The graduation form.
#[derive(serde::Deserialize)]
pub struct GraduateForm {
    #[serde(default)]
    reason: String,
}

/// Approves a member's graduation: when they are ready, or with a recorded reason when they
/// are not. The graduate becomes a guide and is told by email.
pub async fn graduate(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path((id, person_id)): Path<(i64, i64)>,
    Form(form): Form<GraduateForm>,
) -> AppResult<Response> {
    let mut view = load(&state, &viewer, id, page).await?;
    if !view.may_run {
        return Err(AppError::Forbidden);
    }
    let row = view
        .rows
        .iter()
        .find(|r| r.member.person_id == person_id && r.member.graduated_at.is_none())
        .ok_or(AppError::NotFound)?;

    let mut errors = FieldErrors::new();
    let reason = forms::text(&mut errors, "reason", &form.reason, false, 1_000);
    let ready = row.readiness.as_ref().is_some_and(Readiness::is_ready);
    if !ready && reason.is_empty() && errors.is_empty() {
        let missing = row
            .readiness
            .as_ref()
            .map(|r| r.missing().join("; "))
            .unwrap_or_default();
        errors.add(
            "reason",
            format!(
                "{} is not ready yet ({missing}). To approve graduation anyway, give the reason; \
                 it is recorded.",
                row.member.name
            ),
        );
    }
    if !errors.is_empty() {
        tracing::debug!("graduation refused");
        view.typed.reason = form.reason;
        view.typed.graduating = Some(person_id);
        view.errors = errors;
        return render_invalid(&view);
    }

    let override_reason = (!ready).then_some(reason.as_str());
    if store::graduate(&state.db, id, person_id, viewer.person_id, override_reason).await? {
        people::grant(
            &state.db,
            person_id,
            Role::Guide,
            None,
            Some(viewer.person_id),
        )
        .await?;
        tracing::info!(cohort.id = id, overridden = !ready, "graduation approved");
        tell_graduate(&state, &view.cohort, person_id).await?;
    }
    Ok(back_to(id))
}

async fn tell_graduate(state: &AppState, cohort: &Cohort, person_id: i64) -> AppResult<()> {
    let Some(account) = people::find(&state.db, person_id).await? else {
        return Ok(());
    };
    let body = format!(
        "Congratulations: you have graduated from {cohort} and are now a guide in Carrel.\n\n\
         Your certificate, ready to print:\n{base}/cohorts/{id}/certificates/{person_id}\n\n\
         As a guide you can start a mentor circle: {base}/circles/new\n",
        cohort = cohort.name,
        base = state.config.base_url,
        id = cohort.id,
    );
    mail::enqueue(&state.db, &account.email, "You have graduated", &body).await?;
    Ok(())
}

#[derive(Template)]
#[template(path = "cohorts/certificate.html")]
struct CertificatePage {
    page: Page,
    cohort: Cohort,
    member: Member,
}

/// A graduate's printable certificate.
pub async fn certificate(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path((id, person_id)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let cohort = store::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !policy::may_view_certificate(&viewer, person_id, cohort.lead_id) {
        return Err(AppError::Forbidden);
    }
    let member = store::members(&state.db, id)
        .await?
        .into_iter()
        .find(|m| m.person_id == person_id && m.graduated_at.is_some())
        .ok_or(AppError::NotFound)?;
    render(&CertificatePage {
        page,
        cohort,
        member,
    })
}
