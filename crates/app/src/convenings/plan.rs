//! Planning convenings: the form to plan one (once or repeating), to change or move one
//! meeting, and to cancel one.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use chrono::Utc;
use serde::Deserialize;

use crate::convenings::audience::Audience;
use crate::convenings::notices::{self, Notice};
use crate::convenings::pages::{viewer_zone, visible};
use crate::convenings::schedule::{self, Repeat, Times, TimesInput, MAX_MEETINGS};
use crate::convenings::store::{self, Changes, Convening, NewConvening};
use crate::convenings::video::{self, AllowedHosts};
use crate::convenings::AudienceNames;
use crate::network;
use crate::people::profile;
use crate::platform::auth::policy;
use crate::platform::auth::viewer::Viewer;
use crate::platform::db::now;
use crate::platform::error::{AppError, AppResult};
use crate::platform::state::AppState;
use crate::platform::web::flash::{redirect_with, Flash};
use crate::platform::web::forms::{self, FieldErrors};
use crate::platform::web::pages::{render, render_invalid, Page};

/// Longest title, in characters.
const MAX_TITLE: usize = 150;
/// Longest agenda, in characters.
const MAX_AGENDA: usize = 20_000;

/// The convening form, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ConveningForm {
    /// The title.
    pub title: String,
    /// The audience's form value (new convenings only).
    pub audience: String,
    /// The agenda, Markdown.
    pub agenda: String,
    /// The (first) date.
    pub date: String,
    /// The start time.
    pub start: String,
    /// The end time.
    pub end: String,
    /// The zone the times are in.
    pub time_zone: String,
    /// How it repeats (new convenings only).
    pub repeat: String,
    /// How many meetings, when it repeats.
    pub meetings: String,
    /// A pasted video link, or empty for a generated Jitsi room.
    pub video_url: String,
}

impl ConveningForm {
    fn times(&self) -> TimesInput<'_> {
        TimesInput {
            date: &self.date,
            start: &self.start,
            end: &self.end,
            time_zone: &self.time_zone,
        }
    }

    fn of(convening: &Convening) -> Self {
        let zone = schedule::zone_or_default(&convening.time_zone);
        let start = convening.starts_at.with_timezone(&zone);
        let end = convening.ends_at.with_timezone(&zone);
        ConveningForm {
            title: convening.title.clone(),
            audience: String::new(),
            agenda: convening.agenda.clone(),
            date: start.format("%Y-%m-%d").to_string(),
            start: start.format("%H:%M").to_string(),
            end: end.format("%H:%M").to_string(),
            time_zone: convening.time_zone.clone(),
            repeat: Repeat::Never.code().to_owned(),
            meetings: "1".to_owned(),
            video_url: convening.video_url.clone(),
        }
    }
}

/// The parts of a form every convening needs, checked.
struct Checked {
    title: String,
    agenda: String,
    times: Times,
    video_url: String,
}

/// Checks title, agenda, times and link. `earliest` refuses starts before it.
fn check_common(
    errors: &mut FieldErrors,
    form: &ConveningForm,
    hosts: &AllowedHosts,
    jitsi_server: &str,
    earliest: Option<chrono::DateTime<Utc>>,
) -> Option<Checked> {
    let title = forms::text(errors, "title", &form.title, true, MAX_TITLE);
    let times = schedule::check_times(errors, &form.times(), earliest);
    let video_url = if form.video_url.trim().is_empty() {
        video::new_jitsi_room(jitsi_server)
    } else {
        match hosts.check(&form.video_url) {
            Ok(link) => link,
            Err(message) => {
                errors.add("video_url", message);
                String::new()
            }
        }
    };
    let agenda = forms::text(errors, "agenda", &form.agenda, false, MAX_AGENDA);
    Some(Checked {
        title,
        agenda,
        times: times?,
        video_url,
    })
    .filter(|_| errors.is_empty())
}

/// How a new convening repeats and how many meetings it has.
fn check_repeat(errors: &mut FieldErrors, form: &ConveningForm) -> (Repeat, u32) {
    let Some(repeat) = Repeat::parse(&form.repeat) else {
        errors.add("repeat", "Choose how the convening repeats.");
        return (Repeat::Never, 1);
    };
    if repeat == Repeat::Never {
        return (repeat, 1);
    }
    match form.meetings.trim().parse::<u32>() {
        Ok(n) if (2..=MAX_MEETINGS).contains(&n) => (repeat, n),
        _ => {
            errors.add(
                "meetings",
                format!("Enter how many meetings, from 2 to {MAX_MEETINGS}."),
            );
            (repeat, 1)
        }
    }
}

#[derive(Template)]
#[template(path = "convenings/form.html")]
struct FormPage {
    page: Page,
    form: ConveningForm,
    errors: FieldErrors,
    /// For a new convening, the audiences on offer; for an edit, empty.
    audiences: Vec<(Audience, String)>,
    zones: Vec<String>,
    /// The meeting being changed, if this is an edit.
    editing: Option<Convening>,
}

impl FormPage {
    fn repeats(&self) -> [Repeat; 4] {
        Repeat::ALL
    }
}

/// The audiences a viewer may plan for, with their names.
async fn plannable(state: &AppState, viewer: &Viewer) -> AppResult<Vec<(Audience, String)>> {
    let names = AudienceNames::load(&state.db).await?;
    let regions = network::list_regions(&state.db).await?;
    let candidates =
        std::iter::once(Audience::Network).chain(regions.iter().map(|r| Audience::Region(r.id)));
    Ok(candidates
        .filter(|a| policy::may_plan_convening(viewer, *a))
        .map(|a| (a, names.label(Some(a))))
        .collect())
}

/// Every zone of the network's regions, plus the form's own if it is another valid one.
async fn zones(state: &AppState, current: &str) -> AppResult<Vec<String>> {
    let regions = network::list_regions(&state.db).await?;
    let mut zones = profile::all_zones(&regions);
    if current.parse::<chrono_tz::Tz>().is_ok() && !zones.iter().any(|z| z == current) {
        zones.push(current.to_owned());
    }
    Ok(zones)
}

/// The form to plan a convening, in the viewer's zone.
pub async fn new(State(state): State<AppState>, page: Page, viewer: Viewer) -> AppResult<Response> {
    if !policy::may_plan_any_convening(&viewer) {
        return Err(AppError::Forbidden);
    }
    let zone = viewer_zone(&state, &viewer).await?;
    let form = ConveningForm {
        time_zone: zone.name().to_owned(),
        repeat: Repeat::Never.code().to_owned(),
        meetings: "1".to_owned(),
        start: "15:00".to_owned(),
        end: "16:00".to_owned(),
        ..ConveningForm::default()
    };
    render(&FormPage {
        page,
        audiences: plannable(&state, &viewer).await?,
        zones: zones(&state, &form.time_zone).await?,
        form,
        errors: FieldErrors::new(),
        editing: None,
    })
}

/// Plans a convening and invites its audience, or shows the form again with its problems.
pub async fn create(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Form(form): Form<ConveningForm>,
) -> AppResult<Response> {
    if !policy::may_plan_any_convening(&viewer) {
        return Err(AppError::Forbidden);
    }
    let audiences = plannable(&state, &viewer).await?;
    let hosts = AllowedHosts::new(&state.config.jitsi_url, &state.config.video_hosts);

    let mut errors = FieldErrors::new();
    let audience = Audience::parse_form_value(&form.audience)
        .filter(|a| audiences.iter().any(|(offered, _)| offered == a));
    if audience.is_none() {
        errors.add("audience", "Choose who the convening is for.");
    }
    let checked = check_common(
        &mut errors,
        &form,
        &hosts,
        &state.config.jitsi_url,
        Some(now()),
    );
    let (repeat, count) = check_repeat(&mut errors, &form);
    let (Some(audience), Some(checked)) = (audience, checked.filter(|_| errors.is_empty())) else {
        tracing::debug!(problems = errors.all().len(), "convening plan refused");
        return render_invalid(&FormPage {
            page,
            zones: zones(&state, &form.time_zone).await?,
            form,
            errors,
            audiences,
            editing: None,
        });
    };

    let t = checked.times;
    let slots = schedule::plan_slots(t.zone, t.date, t.start, t.end, repeat, count);
    let ids = store::create(
        &state.db,
        &NewConvening {
            audience,
            title: &checked.title,
            agenda: &checked.agenda,
            host_id: viewer.person_id,
            time_zone: t.zone.name(),
            video_url: &checked.video_url,
            repeat,
            slots: &slots,
        },
    )
    .await?;
    tracing::info!(
        convening.id = ids[0],
        meetings = ids.len(),
        "convening planned"
    );

    let mut meetings = Vec::with_capacity(ids.len());
    for id in &ids {
        meetings.extend(store::find(&state.db, *id).await?);
    }
    notices::invite(&state, &meetings).await?;
    Ok(redirect_with(
        &format!("/convenings/{}", ids[0]),
        Flash::Saved,
    ))
}

/// Loads a meeting the viewer runs: 404 if they may not see it, 403 if they may see but
/// not run it.
async fn run_by(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<Convening> {
    let convening = visible(state, viewer, id).await?;
    if !policy::may_run_convening(viewer, convening.host_id) {
        return Err(AppError::Forbidden);
    }
    Ok(convening)
}

/// The form to change or move one meeting.
pub async fn edit(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let convening = run_by(&state, &viewer, id).await?;
    let form = ConveningForm::of(&convening);
    render(&FormPage {
        page,
        zones: zones(&state, &form.time_zone).await?,
        form,
        errors: FieldErrors::new(),
        audiences: Vec::new(),
        editing: Some(convening),
    })
}

/// Changes one meeting, raises its SEQUENCE and tells the audience.
pub async fn update(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<ConveningForm>,
) -> AppResult<Response> {
    let convening = run_by(&state, &viewer, id).await?;
    if convening.is_cancelled() {
        return Err(AppError::BadRequest(
            "a cancelled convening cannot be changed",
        ));
    }
    let hosts = AllowedHosts::new(&state.config.jitsi_url, &state.config.video_hosts);

    // Fixing a typo in a past meeting is fine; moving a meeting into the past is not.
    let mut errors = FieldErrors::new();
    let moved = schedule::check_times(&mut FieldErrors::new(), &form.times(), None)
        .is_some_and(|t| t.slot() != convening.slot());
    let earliest = moved.then(now);
    let checked = check_common(
        &mut errors,
        &form,
        &hosts,
        &state.config.jitsi_url,
        earliest,
    );
    let Some(checked) = checked else {
        tracing::debug!(problems = errors.all().len(), "convening change refused");
        return render_invalid(&FormPage {
            page,
            zones: zones(&state, &form.time_zone).await?,
            form,
            errors,
            audiences: Vec::new(),
            editing: Some(convening),
        });
    };

    let changes = Changes {
        title: &checked.title,
        agenda: &checked.agenda,
        time_zone: checked.times.zone.name(),
        slot: checked.times.slot(),
        video_url: &checked.video_url,
    };
    store::update(&state.db, id, &changes).await?;
    tracing::info!(convening.id = id, moved, "convening changed");
    if let Some(changed) = store::find(&state.db, id).await? {
        notices::tell(&state, &changed, Notice::Changed).await?;
    }
    Ok(redirect_with(&format!("/convenings/{id}"), Flash::Saved))
}

/// Cancels one meeting, raises its SEQUENCE and tells the audience.
pub async fn cancel(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    run_by(&state, &viewer, id).await?;

    if store::cancel(&state.db, id).await? {
        tracing::info!(convening.id = id, "convening cancelled");
        if let Some(cancelled) = store::find(&state.db, id).await? {
            notices::tell(&state, &cancelled, Notice::Cancelled).await?;
        }
    }
    Ok(redirect_with(&format!("/convenings/{id}"), Flash::Saved))
}
