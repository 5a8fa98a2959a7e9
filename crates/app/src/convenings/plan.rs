//! Planning convenings: the form to plan one (once or repeating), to change or move one
//! meeting, and to cancel one.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use chrono::Utc;
use serde::Deserialize;

use crate::convenings::audience::{self, Audience, Groups};
use crate::convenings::notices::{self, Notice};
use crate::convenings::pages::{viewer_zone, visible};
use crate::convenings::schedule::{
    self, zone_or_default, Repeat, Scope, Slot, Times, TimesInput, MAX_MEETINGS,
};
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
    /// The email address of a member of the audience who co-hosts, or empty.
    pub cohost_email: String,
    /// Which meetings of a series a change applies to (edits only).
    pub scope: String,
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
            cohost_email: String::new(),
            scope: Scope::This.code().to_owned(),
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

/// The co-host named on the form: a member of the audience other than the host, or nobody.
async fn check_cohost(
    state: &AppState,
    errors: &mut FieldErrors,
    form: &ConveningForm,
    audience: Audience,
    host_id: i64,
) -> AppResult<Vec<i64>> {
    if form.cohost_email.trim().is_empty() {
        return Ok(Vec::new());
    }
    let email = forms::email(errors, "cohost_email", &form.cohost_email);
    if email.is_empty() {
        return Ok(Vec::new());
    }
    match audience::member_by_email(&state.db, audience, &email).await? {
        Some(member) if member.id == host_id => {
            errors.add(
                "cohost_email",
                "The host cannot co-host too: name someone else.",
            );
            Ok(Vec::new())
        }
        Some(member) => Ok(vec![member.id]),
        None => {
            errors.add(
                "cohost_email",
                "No member of this convening's audience has that email address.",
            );
            Ok(Vec::new())
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

    fn scopes(&self) -> [Scope; 3] {
        Scope::ALL
    }

    fn in_series(&self) -> bool {
        self.editing.as_ref().is_some_and(|c| c.series_id.is_some())
    }
}

/// The audiences a viewer may plan for, with their names.
async fn plannable(
    state: &AppState,
    viewer: &Viewer,
    groups: &Groups,
) -> AppResult<Vec<(Audience, String)>> {
    let names = AudienceNames::load(&state.db).await?;
    Ok(names
        .every()
        .into_iter()
        .filter(|a| policy::may_plan_convening(viewer, groups, *a))
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
    let groups = audience::groups_of(&state.db, viewer.person_id).await?;
    if !policy::may_plan_any_convening(&viewer, &groups) {
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
        audiences: plannable(&state, &viewer, &groups).await?,
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
    let groups = audience::groups_of(&state.db, viewer.person_id).await?;
    if !policy::may_plan_any_convening(&viewer, &groups) {
        return Err(AppError::Forbidden);
    }
    let audiences = plannable(&state, &viewer, &groups).await?;
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
    let cohosts = match audience {
        Some(audience) => {
            check_cohost(&state, &mut errors, &form, audience, viewer.person_id).await?
        }
        None => Vec::new(),
    };
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

    store::set_cohosts(&state.db, &ids, &cohosts).await?;

    let meetings = store::find_many(&state.db, &ids).await?;
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
    let mut form = ConveningForm::of(&convening);
    let cohosts = store::cohosts(&state.db, id).await?;
    if let Some((_, _, email)) = cohosts.first() {
        form.cohost_email = email.clone();
    }
    render(&FormPage {
        page,
        zones: zones(&state, &form.time_zone).await?,
        form,
        errors: FieldErrors::new(),
        audiences: Vec::new(),
        editing: Some(convening),
    })
}

/// Changes one meeting, or with it the following ones or its whole series, raises each
/// changed meeting's SEQUENCE and tells the audience once.
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
    let audience = convening.audience().ok_or(AppError::NotFound)?;

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
    let scope =
        Scope::parse(&form.scope).filter(|s| *s == Scope::This || convening.series_id.is_some());
    if scope.is_none() {
        errors.add("scope", "Choose which meetings the change applies to.");
    }
    let cohosts = check_cohost(&state, &mut errors, &form, audience, convening.host_id).await?;
    let targets = match (&checked, scope) {
        (Some(checked), Some(scope)) => {
            affected(&state, &convening, scope, &checked.times, &mut errors).await?
        }
        _ => Vec::new(),
    };
    let Some(checked) = checked.filter(|_| errors.is_empty()) else {
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

    let changes: Vec<(i64, Changes)> = targets
        .iter()
        .map(|(meeting_id, slot)| {
            let change = Changes {
                title: &checked.title,
                agenda: &checked.agenda,
                time_zone: checked.times.zone.name(),
                slot: *slot,
                video_url: &checked.video_url,
            };
            (*meeting_id, change)
        })
        .collect();
    store::update(&state.db, &changes).await?;
    let ids: Vec<i64> = targets.iter().map(|(meeting_id, _)| *meeting_id).collect();
    store::set_cohosts(&state.db, &ids, &cohosts).await?;
    tracing::info!(
        convening.id = id,
        meetings = ids.len(),
        moved,
        "convening changed"
    );

    let changed = store::find_many(&state.db, &ids).await?;
    notices::tell_changed(&state, &changed).await?;
    Ok(redirect_with(&format!("/convenings/{id}"), Flash::Saved))
}

/// The meetings a change applies to, each with its new times; a meeting the change would
/// move into the past is refused at the date field.
///
/// Cancelled meetings stay as they are. In the whole-series scope, meetings that already
/// started keep their times (they took place when they did) and take only the new title,
/// agenda and link.
async fn affected(
    state: &AppState,
    edited: &Convening,
    scope: Scope,
    times: &Times,
    errors: &mut FieldErrors,
) -> AppResult<Vec<(i64, Slot)>> {
    let series = match (scope, edited.series_id) {
        (Scope::This, _) | (_, None) => return Ok(vec![(edited.id, times.slot())]),
        (_, Some(series_id)) => store::series(&state.db, series_id).await?,
    };
    let at = now();
    let edited_zone = zone_or_default(&edited.time_zone);
    let mut targets = Vec::new();
    for meeting in series.iter().filter(|m| !m.is_cancelled()) {
        let slot = if meeting.id == edited.id {
            times.slot()
        } else if scope == Scope::Following && meeting.series_position < edited.series_position {
            continue;
        } else if meeting.starts_at <= at {
            meeting.slot()
        } else {
            let zone = zone_or_default(&meeting.time_zone);
            schedule::shifted_slot(meeting.slot(), zone, edited.slot(), edited_zone, times)
        };
        if slot != meeting.slot() && slot.starts_at < at {
            errors.add(
                "date",
                "That would move a meeting of the series into the past. Choose a later date.",
            );
            return Ok(Vec::new());
        }
        targets.push((meeting.id, slot));
    }
    Ok(targets)
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
