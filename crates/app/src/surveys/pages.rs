//! The survey pages: a person's surveys and the answer form, a cycle's surveys with the
//! send form, results with their CSV, and the admin's named-response pages.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use crate::cycles::cycle::Cycle;
use crate::cycles::pages::{managed_cycle, visible_cycle};
use crate::platform::auth::policy;
use crate::platform::auth::viewer::Viewer;
use crate::platform::db::now;
use crate::platform::error::{AppError, AppResult};
use crate::platform::state::AppState;
use crate::platform::web::flash::{redirect_with, Flash};
use crate::platform::web::forms::{self, FieldErrors};
use crate::platform::web::pages::{render, render_invalid, Page};
use crate::surveys::builtin::{self, Audience, TEMPLATES};
use crate::surveys::question::{check_answer, Question, QuestionKind, Value};
use crate::surveys::results::{self, Counts, QuestionResult, MIN_GROUP};
use crate::surveys::schedule;
use crate::surveys::store::{self, AccessRecord, AskedSurvey, Submitted, Survey, SurveyRow};

#[derive(Template)]
#[template(path = "surveys/mine.html")]
struct MinePage {
    page: Page,
    surveys: Vec<AskedSurvey>,
}

/// Lists the surveys the viewer was asked, open ones with a link to answer.
pub async fn mine(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
) -> AppResult<Response> {
    let surveys = store::asked_of(&state.db, viewer.person_id).await?;
    render(&MinePage { page, surveys })
}

// A cycle's surveys and the send form ---------------------------------------------------

#[derive(Template)]
#[template(path = "surveys/cycle.html")]
struct CyclePage {
    page: Page,
    cycle: Cycle,
    surveys: Vec<SurveyRow>,
    form: SendForm,
    errors: FieldErrors,
}

impl CyclePage {
    fn templates(&self) -> Vec<(&'static str, &'static str)> {
        TEMPLATES.iter().map(|t| (t.code, t.title)).collect()
    }

    fn audiences(&self) -> Vec<(&'static str, &'static str)> {
        Audience::ALL
            .iter()
            .map(|a| (a.code(), a.label()))
            .collect()
    }
}

/// The send form, as typed.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct SendForm {
    template: String,
    audience: String,
    days: String,
}

impl Default for SendForm {
    fn default() -> Self {
        SendForm {
            template: "program_evaluation".into(),
            audience: "both".into(),
            days: schedule::OPEN_DAYS.to_string(),
        }
    }
}

/// Shows a cycle's surveys with their response rates, and the form to send one.
pub async fn of_cycle(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let cycle = sending_cycle(&state, &viewer, id).await?;
    let surveys = store::of_cycle(&state.db, id).await?;
    render(&CyclePage {
        page,
        cycle,
        surveys,
        form: SendForm::default(),
        errors: FieldErrors::new(),
    })
}

async fn sending_cycle(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<Cycle> {
    let cycle = managed_cycle(state, viewer, id).await?;
    if !policy::may_send_survey(viewer, &cycle.regions()) {
        return Err(AppError::Forbidden);
    }
    Ok(cycle)
}

struct ValidSend {
    template: &'static builtin::SurveyTemplate,
    audience: Audience,
    days: i64,
}

fn validate_send(form: &SendForm) -> Result<ValidSend, FieldErrors> {
    let mut errors = FieldErrors::new();
    let template = builtin::template(&form.template);
    if template.is_none() {
        errors.add("template", "Choose one of the surveys listed.");
    }
    let audience = Audience::parse(&form.audience);
    match (template, audience) {
        (_, None) => errors.add("audience", "Choose who the survey asks."),
        (Some(t), Some(a)) if !t.audiences.contains(&a) => {
            let allowed: Vec<&str> = t.audiences.iter().map(|a| a.label()).collect();
            errors.add(
                "audience",
                format!("This survey is for: {}.", allowed.join("; ").to_lowercase()),
            );
        }
        _ => {}
    }
    let days = crate::cycles::cycle::number(&mut errors, "days", &form.days, 3, 60);
    match (template, audience) {
        (Some(template), Some(audience)) if errors.is_empty() => Ok(ValidSend {
            template,
            audience,
            days,
        }),
        _ => Err(errors),
    }
}

/// Sends a survey to its audience now, with an invitation to each person; or shows the
/// form again with its problems.
pub async fn send(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<SendForm>,
) -> AppResult<Response> {
    let cycle = sending_cycle(&state, &viewer, id).await?;
    let valid = match validate_send(&form) {
        Ok(valid) => valid,
        Err(errors) => {
            tracing::debug!(problems = errors.all().len(), "survey refused");
            let surveys = store::of_cycle(&state.db, id).await?;
            return render_invalid(&CyclePage {
                page,
                cycle,
                surveys,
                form,
                errors,
            });
        }
    };

    let opens_at = now();
    let new = store::NewSurvey {
        cycle_id: cycle.id,
        template: valid.template,
        audience: valid.audience,
        opens_at,
        closes_at: opens_at + Duration::days(valid.days),
        scheduled: false,
        sent_by: Some(viewer.person_id),
    };
    let (survey_id, _) = store::create(&state.db, &new).await?;
    let base_url = &state.config.base_url;
    let title = valid.template.title;
    schedule::invite(
        &state.db,
        survey_id,
        title,
        &cycle.name,
        new.closes_at,
        base_url,
    )
    .await?;
    Ok(redirect_with(
        &format!("/cycles/{id}/surveys"),
        Flash::Saved,
    ))
}

/// Closes a survey early; later answers are refused.
pub async fn close(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let survey = store::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let cycle = sending_cycle(&state, &viewer, survey.cycle_id).await?;
    store::close(&state.db, survey.id).await?;
    Ok(redirect_with(
        &format!("/cycles/{}/surveys", cycle.id),
        Flash::Saved,
    ))
}

// Answering ------------------------------------------------------------------------------

/// One answer choice as the form shows it.
struct ChoiceView {
    id: String,
    value: String,
    label: String,
    checked: bool,
}

/// One question as the form shows it, with what was typed and its message.
struct QuestionView {
    field: &'static str,
    prompt: String,
    required: bool,
    kind: &'static str,
    hint: String,
    choices: Vec<ChoiceView>,
    text: String,
    error: String,
}

#[derive(Template)]
#[template(path = "surveys/answer.html")]
struct AnswerPage {
    page: Page,
    survey: Survey,
    introduction: &'static str,
    cycle_name: String,
    questions: Vec<QuestionView>,
    errors: FieldErrors,
    answered_at: Option<DateTime<Utc>>,
    open: bool,
}

fn question_views(
    questions: &[Question],
    sent: &HashMap<String, Vec<String>>,
    errors: &FieldErrors,
) -> Vec<QuestionView> {
    questions
        .iter()
        .map(|q| {
            let field = q.field();
            let typed = sent.get(field).cloned().unwrap_or_default();
            let kind = q.kind();
            let options: Vec<(String, String)> = if q.is_numbered() {
                q.numbers()
                    .into_iter()
                    .map(|(n, _)| (n.to_string(), n.to_string()))
                    .collect()
            } else {
                q.choice_list()
                    .into_iter()
                    .enumerate()
                    .map(|(i, words)| (i.to_string(), words.to_owned()))
                    .collect()
            };
            let hint = match kind {
                QuestionKind::Scale | QuestionKind::ZeroToTen => {
                    let numbers = q.numbers();
                    match (numbers.first(), numbers.last()) {
                        (Some(low), Some(high)) => {
                            format!("{} means {}; {} means {}.", low.0, low.1, high.0, high.1)
                        }
                        _ => String::new(),
                    }
                }
                QuestionKind::Multiple => "Choose all that apply.".into(),
                QuestionKind::Single | QuestionKind::Text => String::new(),
            };
            QuestionView {
                field,
                prompt: q.prompt.clone(),
                required: q.required,
                kind: match kind {
                    QuestionKind::Scale | QuestionKind::ZeroToTen => "numbered",
                    QuestionKind::Single => "single",
                    QuestionKind::Multiple => "multiple",
                    QuestionKind::Text => "text",
                },
                hint,
                choices: options
                    .into_iter()
                    .map(|(value, label)| ChoiceView {
                        id: format!("{field}-{value}"),
                        checked: typed.contains(&value),
                        value,
                        label,
                    })
                    .collect(),
                text: typed.first().cloned().unwrap_or_default(),
                error: errors.message(field).to_owned(),
            }
        })
        .collect()
}

/// How the viewer stands towards a survey.
enum Standing {
    /// They are asked, in this role.
    Asked(Survey, String),
    /// They are not asked, but run its cycle.
    Runs,
}

/// The viewer's standing towards a survey; to anyone neither asked nor running its cycle,
/// the survey does not exist.
async fn standing(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<Standing> {
    let survey = store::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(role) = store::recipient_role(&state.db, id, viewer.person_id).await? {
        return Ok(Standing::Asked(survey, role));
    }
    let cycle = crate::cycles::cycle::find(&state.db, survey.cycle_id).await?;
    if cycle.is_some_and(|c| policy::may_see_survey_results(viewer, &c.regions())) {
        return Ok(Standing::Runs);
    }
    Err(AppError::NotFound)
}

/// Shows the answer form to a person the survey asks, or their receipt once answered.
/// Those who run the cycle are sent to the results.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let survey = match standing(&state, &viewer, id).await? {
        Standing::Asked(survey, _) => survey,
        Standing::Runs => {
            return Ok(Redirect::to(&format!("/surveys/{id}/results")).into_response());
        }
    };
    let answered_at = store::answered_at(&state.db, id, viewer.person_id).await?;
    let errors = FieldErrors::new();
    answer_page(&state, page, survey, &HashMap::new(), errors, answered_at)
        .await
        .and_then(|p| render(&p))
}

async fn answer_page(
    state: &AppState,
    page: Page,
    survey: Survey,
    sent: &HashMap<String, Vec<String>>,
    errors: FieldErrors,
    answered_at: Option<DateTime<Utc>>,
) -> AppResult<AnswerPage> {
    let questions = store::questions(&state.db, survey.id).await?;
    let cycle = crate::cycles::cycle::find(&state.db, survey.cycle_id).await?;
    Ok(AnswerPage {
        page,
        introduction: builtin::template(&survey.template).map_or("", |t| t.introduction),
        cycle_name: cycle.map(|c| c.name).unwrap_or_default(),
        questions: question_views(&questions, sent, &errors),
        errors,
        answered_at,
        open: survey.is_open_now(),
        survey,
    })
}

/// Takes a person's answers: each is checked against its question, and anything wrong is
/// shown beside its question with everything typed kept. One answer per person; answers
/// cannot be changed once sent.
pub async fn answer(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    // Those who run the cycle know the survey exists, but are not asked it.
    let Standing::Asked(survey, role) = standing(&state, &viewer, id).await? else {
        return Err(AppError::Forbidden);
    };
    let mut sent: HashMap<String, Vec<String>> = HashMap::new();
    for (key, value) in pairs {
        sent.entry(key).or_default().push(value);
    }

    let questions = store::questions(&state.db, id).await?;
    let mut errors = FieldErrors::new();
    let answered_at = store::answered_at(&state.db, id, viewer.person_id).await?;
    if answered_at.is_some() {
        errors.add("survey", ALREADY_ANSWERED);
    } else if !policy::may_answer_survey(true, survey.is_open_now()) {
        errors.add("survey", closed_message(&survey));
    }
    let answers = check_all(&questions, &sent, &mut errors);
    if !errors.is_empty() {
        tracing::debug!(problems = errors.all().len(), "survey answer refused");
        let page = answer_page(&state, page, survey, &sent, errors, None).await?;
        return render_invalid(&page);
    }

    let outcome = store::submit(&state.db, id, viewer.person_id, &role, &answers).await?;
    let message = match outcome {
        Submitted::Saved => {
            return Ok(redirect_with(&format!("/surveys/{id}"), Flash::Saved));
        }
        Submitted::AlreadyAnswered => ALREADY_ANSWERED.to_owned(),
        Submitted::Closed => closed_message(&survey),
    };
    let mut errors = FieldErrors::new();
    errors.add("survey", message);
    let page = answer_page(&state, page, survey, &sent, errors, None).await?;
    render_invalid(&page)
}

const ALREADY_ANSWERED: &str =
    "You have already answered this survey, and answers cannot be changed once sent.";

fn closed_message(survey: &Survey) -> String {
    format!(
        "This survey closed on {} (UTC) and no longer takes answers.",
        survey.closes_at.format("%B %-d, %Y at %H:%M")
    )
}

fn check_all(
    questions: &[Question],
    sent: &HashMap<String, Vec<String>>,
    errors: &mut FieldErrors,
) -> Vec<(i64, Value)> {
    let mut answers = Vec::new();
    for question in questions {
        let values: Vec<&str> = sent
            .get(question.field())
            .map(|v| v.iter().map(String::as_str).collect())
            .unwrap_or_default();
        match check_answer(question, &values) {
            Ok(checked) => answers.extend(checked.into_iter().map(|v| (question.id, v))),
            Err(message) => errors.add(question.field(), message),
        }
    }
    answers
}

// Results ------------------------------------------------------------------------------

/// Asked and answered counts of one role.
struct RoleRate {
    label: &'static str,
    asked: i64,
    answered: i64,
    rate: i64,
}

#[derive(Template)]
#[template(path = "surveys/results.html")]
struct ResultsPage {
    page: Page,
    survey: Survey,
    cycle: Cycle,
    rates: Vec<RoleRate>,
    asked: i64,
    answered: i64,
    rate: i64,
    results: Vec<QuestionResult>,
    min_group: i64,
    open: bool,
    may_open_named: bool,
}

async fn results_of(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<(Survey, Cycle)> {
    let survey = store::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let cycle = visible_cycle(state, viewer, survey.cycle_id).await?;
    if !policy::may_see_survey_results(viewer, &cycle.regions()) {
        return Err(AppError::Forbidden);
    }
    Ok((survey, cycle))
}

async fn aggregate(
    state: &AppState,
    survey: &Survey,
) -> AppResult<(Vec<RoleRate>, Vec<QuestionResult>)> {
    let db = &state.db;
    let by_role = store::counts_by_role(db, survey.id).await?;
    let rates = by_role
        .iter()
        .map(|(role, asked, answered)| RoleRate {
            label: results::role_label(role),
            asked: *asked,
            answered: *answered,
            rate: store::percent(*answered, *asked),
        })
        .collect();
    let roles: Vec<String> = by_role.into_iter().map(|(role, _, _)| role).collect();
    let numbers = store::number_counts(db, survey.id).await?;
    let answered = store::answered_counts(db, survey.id).await?;
    let counts = Counts {
        roles: &roles,
        numbers: &numbers,
        answered: &answered,
    };

    let mut out = Vec::new();
    for question in store::questions(db, survey.id).await? {
        let people: i64 = answered
            .iter()
            .filter(|(q, _, _)| *q == question.id)
            .map(|(_, _, n)| n)
            .sum();
        // Free text is read only where it will be shown.
        let texts = if question.is_text() && results::may_show(people) {
            store::texts(db, survey.id, question.id, results::MAX_TEXTS).await?
        } else {
            Vec::new()
        };
        out.push(results::question_result(
            &question, &counts, texts, survey.id,
        ));
    }
    Ok((rates, out))
}

/// Shows a survey's results in aggregate: the response rate, and each question's
/// distribution as a chart and a table, for groups of at least five people.
pub async fn results(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (survey, cycle) = results_of(&state, &viewer, id).await?;
    let (rates, results) = aggregate(&state, &survey).await?;
    let asked = rates.iter().map(|r| r.asked).sum();
    let answered = rates.iter().map(|r| r.answered).sum();
    render(&ResultsPage {
        page,
        open: survey.is_open_now(),
        may_open_named: policy::may_open_named_response(&viewer),
        survey,
        cycle,
        rates,
        asked,
        answered,
        rate: store::percent(answered, asked),
        results,
        min_group: MIN_GROUP,
    })
}

/// The results as CSV: aggregates only, never free text or names.
pub async fn export(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (survey, _) = results_of(&state, &viewer, id).await?;
    let (_, results) = aggregate(&state, &survey).await?;
    let body = results::csv(&survey.title, &results).map_err(|e| AppError::Internal(e.into()))?;
    let disposition = format!("attachment; filename=\"survey-{id}-results.csv\"");
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

// Named responses (admins) ---------------------------------------------------------------

#[derive(Template)]
#[template(path = "surveys/named_form.html")]
struct NamedFormPage {
    page: Page,
    survey: Survey,
    respondents: Vec<(i64, String)>,
    form: NamedForm,
    errors: FieldErrors,
}

/// The named-response form, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct NamedForm {
    response: String,
    reason: String,
}

/// The shortest reason accepted for opening a named response.
const MIN_REASON: usize = 20;

fn admin_only(viewer: &Viewer) -> AppResult<()> {
    if policy::may_open_named_response(viewer) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Asks an admin which response to open and why; nothing is shown until they say why.
pub async fn named_form(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    admin_only(&viewer)?;
    let survey = store::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let respondents = store::respondents(&state.db, id).await?;
    render(&NamedFormPage {
        page,
        survey,
        respondents,
        form: NamedForm::default(),
        errors: FieldErrors::new(),
    })
}

#[derive(Template)]
#[template(path = "surveys/named.html")]
struct NamedPage {
    page: Page,
    survey: Survey,
    response: store::NamedResponse,
    answers: Vec<(String, String)>,
    reason: String,
}

/// Opens one named response for an admin who gave a reason, and logs who, when and why.
pub async fn open_named(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<NamedForm>,
) -> AppResult<Response> {
    admin_only(&viewer)?;
    let survey = store::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::new();
    let reason = forms::text(&mut errors, "reason", &form.reason, true, 500);
    if errors.get("reason").is_none() && reason.chars().count() < MIN_REASON {
        errors.add(
            "reason",
            format!("Say why in at least {MIN_REASON} characters; the reason is logged."),
        );
    }
    let chosen = match form.response.trim().parse::<i64>() {
        Ok(response_id) => store::named_response(&state.db, id, response_id).await?,
        Err(_) => None,
    };
    if chosen.is_none() {
        errors.add("response", "Choose a response of this survey.");
    }
    let Some(response) = chosen.filter(|_| errors.is_empty()) else {
        tracing::debug!(problems = errors.all().len(), "named response refused");
        let respondents = store::respondents(&state.db, id).await?;
        return render_invalid(&NamedFormPage {
            page,
            survey,
            respondents,
            form,
            errors,
        });
    };

    store::log_access(&state.db, id, response.id, viewer.person_id, &reason).await?;
    let answers = named_answers(&state, &survey, response.id).await?;
    let mut response_page = render(&NamedPage {
        page,
        survey,
        response,
        answers,
        reason,
    })?;
    // A named response must not linger in a shared browser's cache.
    response_page.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response_page)
}

async fn named_answers(
    state: &AppState,
    survey: &Survey,
    response_id: i64,
) -> AppResult<Vec<(String, String)>> {
    let questions = store::questions(&state.db, survey.id).await?;
    let given = store::answers_of(&state.db, response_id).await?;
    Ok(questions
        .iter()
        .map(|q| {
            let words: Vec<String> = given
                .iter()
                .filter(|(question_id, _, _)| *question_id == q.id)
                .map(|(_, number, text)| match number {
                    Some(n) if q.is_numbered() => n.to_string(),
                    Some(n) => usize::try_from(*n)
                        .ok()
                        .and_then(|i| q.choice_list().get(i).map(|c| (*c).to_owned()))
                        .unwrap_or_default(),
                    None => text.clone(),
                })
                .collect();
            let shown = if words.is_empty() {
                "(no answer)".to_owned()
            } else {
                words.join("; ")
            };
            (q.prompt.clone(), shown)
        })
        .collect())
}

#[derive(Template)]
#[template(path = "surveys/access_log.html")]
struct AccessLogPage {
    page: Page,
    records: Vec<AccessRecord>,
}

/// Lists every opening of a named response, newest first, for admins.
pub async fn access_log(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
) -> AppResult<Response> {
    admin_only(&viewer)?;
    let records = store::access_log(&state.db, 500).await?;
    render(&AccessLogPage { page, records })
}
