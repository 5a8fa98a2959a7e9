//! What happens around a meeting: answers to the invitation, attendance, minutes, the
//! recording link, and action items.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use chrono::NaiveDate;

use crate::convenings::audience;
use crate::convenings::pages::{show_page, visible, Entered};
use crate::convenings::store::{self, Convening, ItemStatus, Rsvp};
use crate::convenings::video;
use crate::platform::auth::policy;
use crate::platform::auth::viewer::Viewer;
use crate::platform::db::now;
use crate::platform::error::{AppError, AppResult};
use crate::platform::state::AppState;
use crate::platform::web::flash::{redirect_with, Flash};
use crate::platform::web::forms::{self, FieldErrors};
use crate::platform::web::pages::{render_invalid, Page};

/// Longest minutes, in characters.
const MAX_MINUTES: usize = 50_000;
/// Longest action item, in characters.
const MAX_ITEM: usize = 500;

fn back_to(id: i64) -> Response {
    redirect_with(&format!("/convenings/{id}"), Flash::Saved)
}

/// Shows the meeting's page again with the problems of a host form, status 422.
async fn refuse(
    state: &AppState,
    page: Page,
    viewer: &Viewer,
    convening: Convening,
    entered: Entered,
) -> AppResult<Response> {
    tracing::debug!(
        convening.id = convening.id,
        problems = entered.errors.all().len(),
        "convening form refused"
    );
    let view = show_page(state, page, viewer, convening, entered).await?;
    render_invalid(&view)
}

fn value_of<'a>(pairs: &'a [(String, String)], key: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map_or("", |(_, v)| v.as_str())
}

/// Records the viewer's answer to a meeting's invitation.
pub async fn rsvp(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let convening = visible(&state, &viewer, id).await?;

    let mut errors = FieldErrors::new();
    let answer = Rsvp::parse(value_of(&pairs, "answer"));
    if answer.is_none() {
        errors.add("answer", "Choose whether you will come.");
    }
    if convening.is_cancelled() {
        errors.add(
            "answer",
            "This meeting is cancelled, so it takes no answers.",
        );
    }
    let Some(answer) = answer.filter(|_| errors.is_empty()) else {
        let entered = Entered {
            errors,
            ..Entered::default()
        };
        return refuse(&state, page, &viewer, convening, entered).await;
    };

    store::set_rsvp(&state.db, id, viewer.person_id, answer).await?;
    tracing::info!(convening.id = id, answer = answer.code(), "rsvp recorded");
    Ok(back_to(id))
}

/// Loads a meeting the viewer runs: 404 if they may not see it, 403 if they may not run it.
async fn run_by(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<Convening> {
    let convening = visible(state, viewer, id).await?;
    if !policy::may_run_convening(viewer, convening.host_id) {
        return Err(AppError::Forbidden);
    }
    Ok(convening)
}

/// Takes attendance: the checked people are present, and one more may be added by email.
pub async fn attendance(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let convening = run_by(&state, &viewer, id).await?;

    let mut errors = FieldErrors::new();
    if convening.starts_at > now() || convening.is_cancelled() {
        errors.add(
            "attendee_email",
            "Attendance is taken once the meeting has started, and not for a cancelled one.",
        );
    }
    let typed_email = value_of(&pairs, "attendee_email").to_owned();
    let extra = if typed_email.trim().is_empty() || !errors.is_empty() {
        None
    } else {
        let email = forms::email(&mut errors, "attendee_email", &typed_email);
        match convening.audience() {
            Some(audience) if errors.is_empty() => {
                let member = audience::member_by_email(&state.db, audience, &email).await?;
                if member.is_none() {
                    errors.add(
                        "attendee_email",
                        "No member of this convening's audience has that email address.",
                    );
                }
                member
            }
            _ => None,
        }
    };
    if !errors.is_empty() {
        let entered = Entered {
            attendee_email: typed_email,
            errors,
            ..Entered::default()
        };
        return refuse(&state, page, &viewer, convening, entered).await;
    }

    // Only people the form offered count: those who answered, were marked, or host.
    let offered: Vec<i64> = store::participants(&state.db, id)
        .await?
        .iter()
        .map(|p| p.person_id)
        .chain(std::iter::once(convening.host_id))
        .collect();
    let present: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "present")
        .filter_map(|(_, v)| v.parse().ok())
        .filter(|id| offered.contains(id))
        .collect();
    store::record_attendance(&state.db, id, &present, viewer.person_id).await?;
    if let Some(member) = extra {
        store::add_attendee(&state.db, id, member.id, viewer.person_id).await?;
    }
    tracing::info!(
        convening.id = id,
        present = present.len(),
        "attendance taken"
    );
    Ok(back_to(id))
}

/// Saves the minutes and the recording link.
pub async fn minutes(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let convening = run_by(&state, &viewer, id).await?;

    let mut errors = FieldErrors::new();
    let typed_minutes = value_of(&pairs, "minutes").to_owned();
    let typed_recording = value_of(&pairs, "recording_url").to_owned();
    let minutes = forms::text(&mut errors, "minutes", &typed_minutes, false, MAX_MINUTES);
    let recording = video::check_recording(&typed_recording).unwrap_or_else(|message| {
        errors.add("recording_url", message);
        String::new()
    });
    if !errors.is_empty() {
        let entered = Entered {
            minutes: Some(typed_minutes),
            recording_url: Some(typed_recording),
            errors,
            ..Entered::default()
        };
        return refuse(&state, page, &viewer, convening, entered).await;
    }

    store::save_minutes(&state.db, id, &minutes, &recording).await?;
    tracing::info!(convening.id = id, "minutes saved");
    Ok(back_to(id))
}

/// Adds an action item with an owner and a due date.
pub async fn add_action_item(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let convening = run_by(&state, &viewer, id).await?;
    let owners: Vec<i64> = store::participants(&state.db, id)
        .await?
        .iter()
        .map(|p| p.person_id)
        .chain(std::iter::once(convening.host_id))
        .collect();

    let mut errors = FieldErrors::new();
    let typed = Entered {
        description: value_of(&pairs, "description").to_owned(),
        owner: value_of(&pairs, "owner").to_owned(),
        due_on: value_of(&pairs, "due_on").to_owned(),
        ..Entered::default()
    };
    let description = forms::text(
        &mut errors,
        "description",
        &typed.description,
        true,
        MAX_ITEM,
    );
    let owner = typed
        .owner
        .parse::<i64>()
        .ok()
        .filter(|o| owners.contains(o));
    if owner.is_none() {
        errors.add("owner", "Choose who will do it.");
    }
    let due_on = NaiveDate::parse_from_str(typed.due_on.trim(), "%Y-%m-%d").ok();
    if due_on.is_none() {
        errors.add(
            "due_on",
            "Enter the due date as year-month-day, like 2027-03-01.",
        );
    }
    let (Some(owner), Some(due_on)) = (owner, due_on.filter(|_| errors.is_empty())) else {
        let entered = Entered { errors, ..typed };
        return refuse(&state, page, &viewer, convening, entered).await;
    };

    let item = store::add_action_item(&state.db, id, owner, &description, due_on).await?;
    tracing::info!(convening.id = id, item.id = item, "action item added");
    Ok(back_to(id))
}

/// Changes an action item's status: its owner, the host or an admin.
pub async fn action_item_status(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, item_id)): Path<(i64, i64)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    visible(&state, &viewer, id).await?;
    let item = store::find_action_item(&state.db, item_id)
        .await?
        .filter(|item| item.convening_id == id)
        .ok_or(AppError::NotFound)?;
    if !policy::may_update_action_item(&viewer, item.owner_id, item.host_id) {
        return Err(AppError::Forbidden);
    }
    // The choice is a fixed list of buttons; anything else is a forged request.
    let status = ItemStatus::parse(value_of(&pairs, "status"))
        .ok_or(AppError::BadRequest("unknown action item status"))?;

    store::set_item_status(&state.db, item_id, status).await?;
    tracing::info!(
        item.id = item_id,
        status = status.code(),
        "action item updated"
    );
    if value_of(&pairs, "back") == "home" {
        return Ok(redirect_with("/", Flash::Saved));
    }
    Ok(back_to(id))
}
