//! A proposal as its two people see it, and their answer.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use carrel_matching::scoring::ReasonKind;
use serde::Deserialize;

use crate::cycles::applications;
use crate::cycles::cycle::{self, Cycle};
use crate::cycles::engine::{self, Only};
use crate::cycles::proposals::{self, Answered, Mentorship, Proposal, Side};
use crate::people::profile;
use crate::platform::auth::policy;
use crate::platform::auth::viewer::Viewer;
use crate::platform::db::now;
use crate::platform::error::{AppError, AppResult};
use crate::platform::state::AppState;
use crate::platform::web::flash::{redirect_with, Flash};
use crate::platform::web::forms::{self, FieldErrors};
use crate::platform::web::pages::{render, render_invalid, Page};

#[derive(Template)]
#[template(path = "cycles/proposal.html")]
struct ProposalPage {
    page: Page,
    proposal: Proposal,
    cycle: Cycle,
    side: Option<Side>,
    may_answer: bool,
    reasons: Vec<String>,
    goals: String,
    needs: Vec<String>,
    affinity: String,
    mentorship: Option<Mentorship>,
    reason: String,
    errors: FieldErrors,
}

impl ProposalPage {
    fn is_mentee(&self) -> bool {
        self.side == Some(Side::Mentee)
    }

    fn answer_by(&self) -> String {
        self.proposal
            .answer_by
            .map(|d| d.format("%B %-d, %Y").to_string())
            .unwrap_or_default()
    }
}

async fn load(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<(Proposal, Cycle)> {
    let proposal = proposals::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let cycle = cycle::find(&state.db, proposal.cycle_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let visible = proposal.status != "draft"
        && policy::may_view_proposal(
            viewer,
            proposal.mentee_id,
            proposal.mentor_id,
            &cycle.regions(),
        );
    if !visible {
        return Err(AppError::NotFound);
    }
    Ok((proposal, cycle))
}

async fn page_for(
    state: &AppState,
    page: Page,
    viewer: &Viewer,
    proposal: Proposal,
    cycle: Cycle,
) -> AppResult<ProposalPage> {
    let side = proposal.side_of(viewer.person_id);
    let sees_affinity = policy::may_see_affinity(viewer, &cycle.regions());
    let topics = profile::list_topics(&state.db).await?;
    let people = [proposal.mentee_id, proposal.mentor_id];
    let inputs = engine::load(&state.db, &cycle, &topics, Only::People(&people)).await?;
    let reasons = match (
        inputs.mentee_index(proposal.mentee_id),
        inputs.mentor_index(proposal.mentor_id),
    ) {
        (Some(a), Some(o)) => inputs
            .explain(a, o)
            .map(|e| {
                e.reasons
                    .iter()
                    // Shared identity is the mentee's to tell; only the matching and the
                    // coordinators know of it.
                    .filter(|r| {
                        sees_affinity
                            || side == Some(Side::Mentee)
                            || r.kind != ReasonKind::Affinity
                    })
                    .map(ToString::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let application =
        applications::find_application(&state.db, cycle.id, proposal.mentee_id).await?;
    let (goals, needs, affinity) = match &application {
        Some(a) => {
            let codes = applications::need_codes(&state.db, a.id).await?;
            let needs = codes
                .iter()
                .filter_map(|c| topics.iter().find(|t| &t.code == c).map(|t| t.name.clone()))
                .collect();
            let affinity = if sees_affinity {
                applications::affinity_labels(&a.affinity)
            } else {
                String::new()
            };
            (a.goals.clone(), needs, affinity)
        }
        None => (String::new(), Vec::new(), String::new()),
    };
    let mentorship = proposals::mentorship_of(&state.db, proposal.id).await?;
    Ok(ProposalPage {
        page,
        may_answer: side.is_some_and(|s| proposal.awaits(s, now())),
        side,
        reasons,
        goals,
        needs,
        affinity,
        mentorship,
        proposal,
        cycle,
        reason: String::new(),
        errors: FieldErrors::new(),
    })
}

/// Shows a proposal to its two people and those who run its cycle.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (proposal, cycle) = load(&state, &viewer, id).await?;
    render(&page_for(&state, page, &viewer, proposal, cycle).await?)
}

/// An answer: accept, or decline with a reason.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AnswerForm {
    answer: String,
    reason: String,
}

/// Records the viewer's answer to a proposal they are part of.
pub async fn answer(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<AnswerForm>,
) -> AppResult<Response> {
    let (proposal, cycle) = load(&state, &viewer, id).await?;
    let side = proposal
        .side_of(viewer.person_id)
        .ok_or(AppError::Forbidden)?;

    let mut errors = FieldErrors::new();
    let accept = match form.answer.as_str() {
        "accept" => true,
        "decline" => false,
        _ => {
            errors.add("answer", "Choose to accept or decline.");
            false
        }
    };
    let reason = forms::text(&mut errors, "reason", &form.reason, !accept, 1000);
    if !accept && errors.get("reason").is_some() && reason.is_empty() {
        errors = FieldErrors::new();
        errors.add(
            "reason",
            "Say briefly why, so the coordinator can find a better match.",
        );
    }
    if !errors.is_empty() {
        tracing::debug!("answer refused");
        let mut again = page_for(&state, page, &viewer, proposal, cycle).await?;
        again.reason = form.reason;
        again.errors = errors;
        return render_invalid(&again);
    }

    let outcome = proposals::answer(&state.db, &proposal, side, accept, &reason).await?;
    if outcome == Answered::TooLate {
        let mut again = page_for(&state, page, &viewer, proposal, cycle).await?;
        again.errors.add(
            "answer",
            "This proposal no longer takes an answer from you: it was answered, or its \
             deadline passed.",
        );
        return render_invalid(&again);
    }
    Ok(redirect_with(&format!("/proposals/{id}"), Flash::Saved))
}
