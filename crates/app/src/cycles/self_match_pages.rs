//! Self-match pages: a mentee's suggested mentors and requests, and a mentor's requests
//! with their answers.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use carrel_matching::scoring::ReasonKind;
use serde::Deserialize;

use crate::cycles::applications;
use crate::cycles::cycle::{self, Cycle};
use crate::cycles::engine::{self, Only};
use crate::cycles::pages::visible_cycle;
use crate::cycles::self_match::{self, Request, Suggested};
use crate::people::profile;
use crate::platform::auth::policy;
use crate::platform::auth::viewer::Viewer;
use crate::platform::error::{AppError, AppResult};
use crate::platform::state::AppState;
use crate::platform::web::flash::{redirect_with, Flash};
use crate::platform::web::forms::{self, FieldErrors};
use crate::platform::web::pages::{render, render_invalid, Page};

#[derive(Template)]
#[template(path = "cycles/mentors.html")]
struct MentorsPage {
    page: Page,
    cycle: Cycle,
    applied: bool,
    open: bool,
    suggestions: Vec<Suggested>,
    requests: Vec<Request>,
    /// The mentor whose form had a problem, with what was typed.
    typed: Option<(i64, String)>,
    errors: FieldErrors,
}

impl MentorsPage {
    fn failed(&self, mentor_id: &i64) -> bool {
        self.errors.get("message").is_some()
            && self.typed.as_ref().is_some_and(|(id, _)| id == mentor_id)
    }

    fn suggested(&self, mentor_id: &i64) -> bool {
        self.suggestions.iter().any(|s| s.mentor_id == *mentor_id)
    }

    fn typed_for(&self, mentor_id: &i64) -> &str {
        match &self.typed {
            Some((id, text)) if id == mentor_id => text,
            _ => "",
        }
    }
}

async fn mentors_page(
    state: &AppState,
    page: Page,
    viewer: &Viewer,
    cycle: Cycle,
) -> AppResult<MentorsPage> {
    let applied = applications::find_application(&state.db, cycle.id, viewer.person_id)
        .await?
        .is_some();
    let open = self_match::takes_requests(&cycle);
    let suggestions = if applied && open {
        let topics = profile::list_topics(&state.db).await?;
        self_match::suggestions(&state.db, &cycle, &topics, viewer.person_id).await?
    } else {
        Vec::new()
    };
    let requests = self_match::of_mentee(&state.db, cycle.id, viewer.person_id).await?;
    Ok(MentorsPage {
        page,
        cycle,
        applied,
        open,
        suggestions,
        requests,
        typed: None,
        errors: FieldErrors::new(),
    })
}

// A cycle the viewer may take part in as a mentee; mentors and staff are refused.
async fn mentee_cycle(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<Cycle> {
    let cycle = visible_cycle(state, viewer, id).await?;
    if !policy::may_apply(viewer, &cycle.regions()) {
        return Err(AppError::Forbidden);
    }
    Ok(cycle)
}

/// Shows a mentee their suggested mentors with the reasons, and their requests so far.
pub async fn mentors(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let cycle = mentee_cycle(&state, &viewer, id).await?;
    render(&mentors_page(&state, page, &viewer, cycle).await?)
}

/// A mentee's request: the mentor and a message.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RequestForm {
    mentor: i64,
    message: String,
}

/// Sends a request to a suggested mentor, or shows the page again with the problem at the
/// message and the message kept.
pub async fn request(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<RequestForm>,
) -> AppResult<Response> {
    let cycle = mentee_cycle(&state, &viewer, id).await?;
    if !self_match::takes_requests(&cycle) {
        return Err(AppError::BadRequest("this cycle takes no requests now"));
    }
    let applied = applications::find_application(&state.db, id, viewer.person_id)
        .await?
        .is_some();
    if !policy::may_request_mentor(&viewer, &cycle.regions(), applied) {
        return Err(AppError::BadRequest("apply to the cycle first"));
    }
    let topics = profile::list_topics(&state.db).await?;
    let people = [viewer.person_id, form.mentor];
    let inputs = engine::load(&state.db, &cycle, &topics, Only::People(&people)).await?;
    let score = match (
        inputs.mentee_index(viewer.person_id),
        inputs.mentor_index(form.mentor),
    ) {
        (Some(mentee), Some(mentor)) => inputs.explain(mentee, mentor).ok().map(|e| e.score),
        _ => None,
    };
    let Some(score) = score else {
        return Err(AppError::BadRequest(
            "that mentor is not one of your suggestions",
        ));
    };

    let refused = match self_match::validate_message(&form.message) {
        Err(errors) => Some(errors),
        Ok(message) => {
            let base_url = state.config.base_url.clone();
            let sent = self_match::send(
                &state.db,
                &cycle,
                viewer.person_id,
                form.mentor,
                score,
                &message,
                &base_url,
            )
            .await?;
            sent.err().map(|why| {
                let mut errors = FieldErrors::new();
                errors.add("message", why.message());
                errors
            })
        }
    };
    match refused {
        None => Ok(redirect_with(
            &format!("/cycles/{id}/mentors"),
            Flash::Saved,
        )),
        Some(errors) => {
            tracing::debug!(cycle.id = id, "mentor request refused");
            let mut again = mentors_page(&state, page, &viewer, cycle).await?;
            again.typed = Some((form.mentor, form.message));
            again.errors = errors;
            render_invalid(&again)
        }
    }
}

/// A request as its mentor sees it, with why Carrel suggested them.
pub struct Received {
    /// The request.
    pub request: Request,
    /// The reasons, in words (shared identity left out: it is the mentee's to tell).
    pub reasons: Vec<String>,
}

#[derive(Template)]
#[template(path = "cycles/requests.html")]
struct RequestsPage {
    page: Page,
    cycle: Cycle,
    free: i64,
    received: Vec<Received>,
    /// The request whose answer was refused, with the message and the reply typed.
    refused: Option<(i64, String, String)>,
}

impl RequestsPage {
    fn refusal_for(&self, request_id: &i64) -> &str {
        match &self.refused {
            Some((id, message, _)) if id == request_id => message,
            _ => "",
        }
    }

    fn reply_for(&self, request_id: &i64) -> &str {
        match &self.refused {
            Some((id, _, reply)) if id == request_id => reply,
            _ => "",
        }
    }
}

async fn requests_page(
    state: &AppState,
    page: Page,
    viewer: &Viewer,
    cycle: Cycle,
) -> AppResult<RequestsPage> {
    let requests = self_match::of_mentor(&state.db, cycle.id, viewer.person_id).await?;
    let mut people: Vec<i64> = requests.iter().map(|r| r.mentee_id).collect();
    people.push(viewer.person_id);
    let topics = profile::list_topics(&state.db).await?;
    let inputs = engine::load(&state.db, &cycle, &topics, Only::People(&people)).await?;
    let received = requests
        .into_iter()
        .map(|request| {
            let reasons = match (
                inputs.mentee_index(request.mentee_id),
                inputs.mentor_index(viewer.person_id),
            ) {
                (Some(a), Some(o)) => inputs
                    .explain(a, o)
                    .map(|e| {
                        e.reasons
                            .iter()
                            .filter(|r| r.kind != ReasonKind::Affinity)
                            .map(ToString::to_string)
                            .collect()
                    })
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            Received { request, reasons }
        })
        .collect();
    Ok(RequestsPage {
        page,
        free: self_match::free_places(&state.db, cycle.id, viewer.person_id).await?,
        cycle,
        received,
        refused: None,
    })
}

/// Shows a mentor the requests they received in a cycle.
pub async fn requests(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let cycle = visible_cycle(&state, &viewer, id).await?;
    if !policy::may_offer(&viewer, &cycle.regions()) {
        return Err(AppError::Forbidden);
    }
    render(&requests_page(&state, page, &viewer, cycle).await?)
}

/// A mentor's answer: accept, or decline with an optional reply.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AnswerForm {
    answer: String,
    reply: String,
}

/// Records a mentor's answer to a request; anyone but that mentor is told it does not exist.
pub async fn answer(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<AnswerForm>,
) -> AppResult<Response> {
    let request = self_match::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !policy::may_answer_request(&viewer, request.mentor_id) {
        return Err(AppError::NotFound);
    }
    let cycle = cycle::find(&state.db, request.cycle_id)
        .await?
        .ok_or(AppError::NotFound)?;

    let mut errors = FieldErrors::new();
    let reply = forms::text(&mut errors, "reply", &form.reply, false, 1000);
    let outcome = match form.answer.as_str() {
        _ if !errors.is_empty() => None,
        "accept" => Some(self_match::accept(&state.db, &request).await?),
        "decline" => Some(self_match::decline(&state.db, &request, &reply).await?),
        _ => return Err(AppError::BadRequest("choose to accept or decline")),
    };
    let refusal = match outcome {
        None => errors
            .get("reply")
            .map_or_else(String::new, ToString::to_string),
        Some(outcome) => match outcome.refusal() {
            None => {
                let to = format!("/cycles/{}/requests", cycle.id);
                return Ok(redirect_with(&to, Flash::Saved));
            }
            Some(message) => message.to_owned(),
        },
    };
    let mut again = requests_page(&state, page, &viewer, cycle).await?;
    again.refused = Some((id, refusal, form.reply));
    render_invalid(&again)
}
