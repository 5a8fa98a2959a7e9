//! The pages to find and read convenings: the list (upcoming or past, searchable by
//! audience and date), the month view, and each convening's page.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

use crate::convenings::audience::{self, Audience, Groups};
use crate::convenings::schedule::{self, zone_or_default, Repeat};
use crate::convenings::store::{self, ActionItem, Convening, ItemStatus, Participant, Rsvp};
use crate::convenings::video::AllowedHosts;
use crate::convenings::AudienceNames;
use crate::platform::auth::policy;
use crate::platform::auth::viewer::Viewer;
use crate::platform::db::now;
use crate::platform::error::{AppError, AppResult};
use crate::platform::state::AppState;
use crate::platform::web::forms::FieldErrors;
use crate::platform::web::markdown;
use crate::platform::web::pages::{render, render_invalid, Page};

/// The viewer's zone, from their profile.
pub async fn viewer_zone(state: &AppState, viewer: &Viewer) -> AppResult<Tz> {
    let name = store::time_zone_of(&state.db, viewer.person_id).await?;
    Ok(zone_or_default(name.as_deref().unwrap_or_default()))
}

/// Loads a meeting the viewer may see; for anyone else it does not exist.
pub async fn visible(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<Convening> {
    let convening = store::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let audience = convening.audience().ok_or(AppError::NotFound)?;
    let groups = audience::groups_of(&state.db, viewer.person_id).await?;
    if !policy::may_see_convening(viewer, &groups, audience) {
        return Err(AppError::NotFound);
    }
    Ok(convening)
}

/// The audiences a viewer may pick from when searching: their own, and for admins every one.
async fn searchable_audiences(
    state: &AppState,
    viewer: &Viewer,
    groups: &Groups,
) -> AppResult<Vec<(Audience, String)>> {
    let names = AudienceNames::load(&state.db).await?;
    let audiences = if viewer.is_admin() {
        names.every()
    } else {
        policy::own_audiences(viewer, groups)
    };
    Ok(audiences
        .into_iter()
        .map(|a| (a, names.label(Some(a))))
        .collect())
}

/// The list's search, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListFilters {
    /// `upcoming` (the default) or `past`.
    pub when: String,
    /// An audience's form value, or empty for all of the viewer's.
    pub audience: String,
    /// From this date, `YYYY-MM-DD`, in the viewer's zone.
    pub from: String,
    /// To this date, inclusive.
    pub to: String,
}

impl ListFilters {
    /// Whether the past is searched.
    pub fn is_past(&self) -> bool {
        self.when == "past"
    }
}

/// One line of a list.
pub struct Row {
    /// The meeting's id.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// When, in the viewer's zone.
    pub when: String,
    /// Who it is for.
    pub audience: String,
    /// Whether it is cancelled.
    pub cancelled: bool,
    /// The viewer's answer, in words, or empty.
    pub answer: &'static str,
}

async fn rows(
    state: &AppState,
    viewer: &Viewer,
    zone: Tz,
    convenings: &[Convening],
) -> AppResult<Vec<Row>> {
    let names = AudienceNames::load(&state.db).await?;
    let ids: Vec<i64> = convenings.iter().map(|c| c.id).collect();
    let answers = store::rsvps_of(&state.db, viewer.person_id, &ids).await?;
    Ok(convenings
        .iter()
        .map(|c| Row {
            id: c.id,
            title: c.title.clone(),
            when: schedule::describe(c.starts_at, zone),
            audience: names.label(c.audience()),
            cancelled: c.is_cancelled(),
            answer: answers
                .iter()
                .find(|(id, _)| *id == c.id)
                .and_then(|(_, code)| Rsvp::parse(code))
                .map_or("", Rsvp::label),
        })
        .collect())
}

#[derive(Template)]
#[template(path = "convenings/list.html")]
struct ListPage {
    page: Page,
    filters: ListFilters,
    audiences: Vec<(Audience, String)>,
    rows: Vec<Row>,
    zone: String,
    may_plan: bool,
    errors: FieldErrors,
}

/// Local midnight of a date in a zone, as UTC.
fn start_of_day(date: NaiveDate, zone: Tz) -> DateTime<Utc> {
    schedule::to_utc(zone, date.and_time(NaiveTime::MIN))
}

/// The meetings a search shows: past ones newest first, up to now; upcoming ones soonest
/// first, from now on.
fn search_window(
    past: bool,
    audiences: Vec<Audience>,
    from: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
) -> store::Window {
    let at = now();
    // A meeting that began within the hour is still "upcoming": its join link is needed.
    let recent = at - Duration::hours(1);
    store::Window {
        audiences,
        from: if past {
            from
        } else {
            Some(from.map_or(recent, |f| f.max(recent)))
        },
        until: if past {
            Some(until.map_or(at, |u| u.min(at)))
        } else {
            until
        },
        newest_first: past,
        limit: 200,
    }
}

/// The upcoming convenings of everything the viewer belongs to, or a search of past ones.
pub async fn list(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Query(filters): Query<ListFilters>,
) -> AppResult<Response> {
    let zone = viewer_zone(&state, &viewer).await?;
    let groups = audience::groups_of(&state.db, viewer.person_id).await?;
    let audiences = searchable_audiences(&state, &viewer, &groups).await?;

    let mut errors = FieldErrors::new();
    let chosen = match filters.audience.as_str() {
        "" => Some(policy::own_audiences(&viewer, &groups)),
        value => Audience::parse_form_value(value)
            .filter(|a| policy::may_see_convening(&viewer, &groups, *a))
            .map(|a| vec![a]),
    };
    if chosen.is_none() {
        errors.add("audience", "Choose an audience from the list.");
    }
    let mut date = |field: &'static str, value: &str| -> Option<NaiveDate> {
        if value.trim().is_empty() {
            return None;
        }
        let parsed = NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok();
        if parsed.is_none() {
            errors.add(field, "Enter the date as year-month-day, like 2027-02-09.");
        }
        parsed
    };
    let from = date("from", &filters.from).map(|d| start_of_day(d, zone));
    let until = date("to", &filters.to).map(|d| start_of_day(d + Duration::days(1), zone));

    let Some(chosen) = chosen.filter(|_| errors.is_empty()) else {
        tracing::debug!(problems = errors.all().len(), "convening search refused");
        return render_invalid(&ListPage {
            page,
            filters,
            audiences,
            rows: Vec::new(),
            zone: zone.name().to_owned(),
            may_plan: policy::may_plan_any_convening(&viewer, &groups),
            errors,
        });
    };

    let window = search_window(filters.is_past(), chosen, from, until);
    let convenings = store::list(&state.db, &window).await?;
    let rows = rows(&state, &viewer, zone, &convenings).await?;
    render(&ListPage {
        page,
        filters,
        audiences,
        rows,
        zone: zone.name().to_owned(),
        may_plan: policy::may_plan_any_convening(&viewer, &groups),
        errors,
    })
}

/// One day of the month view.
pub struct Day {
    /// The day of the month.
    pub number: u32,
    /// Whether it is today in the viewer's zone.
    pub today: bool,
    /// Its meetings: (id, start time, title, cancelled).
    pub meetings: Vec<(i64, String, String, bool)>,
}

#[derive(Template)]
#[template(path = "convenings/month.html")]
struct MonthPage {
    page: Page,
    title: String,
    zone: String,
    weeks: Vec<Vec<Option<Day>>>,
    previous: String,
    next: String,
}

/// The month view's query.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct MonthQuery {
    /// `YYYY-MM`; empty for the current month.
    pub month: String,
}

fn first_of_month(value: &str, today: NaiveDate) -> Option<NaiveDate> {
    if value.is_empty() {
        return today.with_day(1);
    }
    NaiveDate::parse_from_str(&format!("{value}-01"), "%Y-%m-%d")
        .ok()
        .filter(|d| (1900..=9000).contains(&d.year()))
}

fn next_month(first: NaiveDate) -> NaiveDate {
    first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(first)
}

/// A month of the viewer's convenings as a table of weeks, Sunday first, in their zone.
pub async fn month(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Query(query): Query<MonthQuery>,
) -> AppResult<Response> {
    let zone = viewer_zone(&state, &viewer).await?;
    let today = now().with_timezone(&zone).date_naive();
    let first = first_of_month(&query.month, today)
        .ok_or(AppError::BadRequest("month must look like 2027-02"))?;
    let following = next_month(first);

    let groups = audience::groups_of(&state.db, viewer.person_id).await?;
    let window = store::Window {
        audiences: policy::own_audiences(&viewer, &groups),
        from: Some(start_of_day(first, zone)),
        until: Some(start_of_day(following, zone)),
        newest_first: false,
        limit: 500,
    };
    let convenings = store::list(&state.db, &window).await?;
    let weeks = weeks_of(first, following, today, zone, &convenings);
    let previous = first
        .checked_sub_months(chrono::Months::new(1))
        .unwrap_or(first);
    render(&MonthPage {
        page,
        title: first.format("%B %Y").to_string(),
        zone: zone.name().to_owned(),
        weeks,
        previous: previous.format("%Y-%m").to_string(),
        next: following.format("%Y-%m").to_string(),
    })
}

fn weeks_of(
    first: NaiveDate,
    following: NaiveDate,
    today: NaiveDate,
    zone: Tz,
    convenings: &[Convening],
) -> Vec<Vec<Option<Day>>> {
    let lead = first.weekday().num_days_from_sunday() as usize;
    let mut cells: Vec<Option<Day>> = (0..lead).map(|_| None).collect();
    let mut date = first;
    while date < following {
        let meetings = convenings
            .iter()
            .filter(|c| c.starts_at.with_timezone(&zone).date_naive() == date)
            .map(|c| {
                let clock = schedule::clock(c.starts_at, zone);
                (c.id, clock, c.title.clone(), c.is_cancelled())
            })
            .collect();
        cells.push(Some(Day {
            number: date.day(),
            today: date == today,
            meetings,
        }));
        date = date.succ_opt().unwrap_or(following);
    }
    while cells.len() % 7 != 0 {
        cells.push(None);
    }
    let mut weeks = Vec::new();
    let mut cells = cells.into_iter();
    loop {
        let week: Vec<Option<Day>> = cells.by_ref().take(7).collect();
        if week.is_empty() {
            break;
        }
        weeks.push(week);
    }
    weeks
}

/// One meeting of the same series, for the page's list.
pub struct SeriesRow {
    /// Its id.
    pub id: i64,
    /// When, in the viewer's zone.
    pub when: String,
    /// Whether it is cancelled.
    pub cancelled: bool,
    /// Whether it is the meeting on this page.
    pub current: bool,
}

/// An action item as the page shows it.
pub struct ItemRow {
    /// The item.
    pub item: ActionItem,
    /// Whether the viewer may change its status.
    pub may_update: bool,
}

/// What was typed in the page's host forms, kept when they come back with a problem.
#[derive(Clone, Debug, Default)]
pub struct Entered {
    /// The minutes.
    pub minutes: Option<String>,
    /// The recording link.
    pub recording_url: Option<String>,
    /// A new action item's description.
    pub description: String,
    /// Its owner's id, as typed.
    pub owner: String,
    /// Its due date, as typed.
    pub due_on: String,
    /// An attendee's email, as typed.
    pub attendee_email: String,
    /// Problems, by field.
    pub errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "convenings/show.html")]
pub(crate) struct ShowPage {
    page: Page,
    convening: Convening,
    when: String,
    when_planned: Option<String>,
    audience: String,
    video_label: &'static str,
    agenda_html: String,
    minutes_html: String,
    repeat_label: &'static str,
    series: Vec<SeriesRow>,
    my_answer: String,
    counts: [(&'static str, usize); 3],
    runs: bool,
    participants: Vec<Participant>,
    attended: usize,
    items: Vec<ItemRow>,
    owners: Vec<(i64, String)>,
    entered: Entered,
    started: bool,
    /// The co-hosts' names.
    cohosts: Vec<String>,
}

impl ShowPage {
    fn answers(&self) -> [Rsvp; 3] {
        Rsvp::ALL
    }

    fn statuses(&self) -> [ItemStatus; 3] {
        ItemStatus::ALL
    }

    fn answer_label(&self, code: &str) -> &'static str {
        Rsvp::parse(code).map_or("No answer", Rsvp::label)
    }

    fn host_listed(&self) -> bool {
        let host = self.convening.host_id;
        self.participants.iter().any(|p| p.person_id == host)
    }

    fn minutes_value(&self) -> &str {
        self.entered
            .minutes
            .as_deref()
            .unwrap_or(&self.convening.minutes)
    }

    fn recording_value(&self) -> &str {
        self.entered
            .recording_url
            .as_deref()
            .unwrap_or(&self.convening.recording_url)
    }
}

/// Builds a meeting's page; the host forms show what was typed in `entered`.
pub(crate) async fn show_page(
    state: &AppState,
    page: Page,
    viewer: &Viewer,
    convening: Convening,
    entered: Entered,
) -> AppResult<ShowPage> {
    let zone = viewer_zone(state, viewer).await?;
    let names = AudienceNames::load(&state.db).await?;
    let planned_zone = zone_or_default(&convening.time_zone);
    let hosts = AllowedHosts::new(&state.config.jitsi_url, &state.config.video_hosts);
    let runs = policy::may_run_convening(viewer, convening.host_id);

    let series = series_rows(state, &convening, zone).await?;
    let repeat_label = match convening.series_id {
        Some(series_id) => series_repeat(state, series_id).await?,
        None => Repeat::Never.label(),
    };
    let participants = store::participants(&state.db, convening.id).await?;
    let my_answer = participants
        .iter()
        .find(|p| p.person_id == viewer.person_id)
        .map(|p| p.answer.clone())
        .unwrap_or_default();
    let count = |r: Rsvp| participants.iter().filter(|p| p.answer == r.code()).count();
    let counts = Rsvp::ALL.map(|r| (r.label(), count(r)));
    let attended = participants.iter().filter(|p| p.attended).count();
    let cohosts = store::cohosts(&state.db, convening.id)
        .await?
        .into_iter()
        .map(|(_, name, _)| name)
        .collect();
    let items = store::action_items(&state.db, convening.id)
        .await?
        .into_iter()
        .map(|item| ItemRow {
            may_update: policy::may_update_action_item(viewer, item.owner_id, item.host_id),
            item,
        })
        .collect();
    let mut owners: Vec<(i64, String)> = vec![(convening.host_id, convening.host_name.clone())];
    for p in &participants {
        if !owners.iter().any(|(id, _)| *id == p.person_id) {
            owners.push((p.person_id, p.name.clone()));
        }
    }

    Ok(ShowPage {
        page,
        when: schedule::describe_range(convening.slot(), zone),
        when_planned: (planned_zone != zone)
            .then(|| schedule::describe_range(convening.slot(), planned_zone)),
        audience: names.label(convening.audience()),
        video_label: hosts.label_of(&convening.video_url),
        agenda_html: markdown::render_safe(&convening.agenda),
        minutes_html: markdown::render_safe(&convening.minutes),
        repeat_label,
        series,
        my_answer,
        counts,
        // Names of who answered and attended are for the host; others see counts.
        participants: if runs { participants } else { Vec::new() },
        runs,
        attended,
        items,
        owners,
        entered,
        started: convening.starts_at <= now(),
        cohosts,
        convening,
    })
}

async fn series_rows(
    state: &AppState,
    convening: &Convening,
    zone: Tz,
) -> AppResult<Vec<SeriesRow>> {
    let Some(series_id) = convening.series_id else {
        return Ok(Vec::new());
    };
    Ok(store::series(&state.db, series_id)
        .await?
        .into_iter()
        .map(|c| SeriesRow {
            id: c.id,
            when: schedule::describe(c.starts_at, zone),
            cancelled: c.is_cancelled(),
            current: c.id == convening.id,
        })
        .collect())
}

async fn series_repeat(state: &AppState, series_id: i64) -> AppResult<&'static str> {
    let rule = store::repeat_rule(&state.db, series_id).await?;
    Ok(rule
        .as_deref()
        .and_then(Repeat::parse)
        .unwrap_or(Repeat::Never)
        .label())
}

/// A convening's page: when (in the viewer's zone, naming it), where to join, the agenda,
/// RSVP, and after it starts the attendance, minutes and action items.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let convening = visible(&state, &viewer, id).await?;
    let view = show_page(&state, page, &viewer, convening, Entered::default()).await?;
    render(&view)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_is_whole_weeks_starting_on_sunday() {
        // February 2027 starts on a Monday and has 28 days.
        let first = NaiveDate::from_ymd_opt(2027, 2, 1).expect("a date");
        let weeks = weeks_of(
            first,
            next_month(first),
            first,
            chrono_tz::America::New_York,
            &[],
        );
        assert_eq!(weeks.len(), 5);
        assert!(weeks.iter().all(|w| w.len() == 7));
        assert!(weeks[0][0].is_none());
        assert_eq!(weeks[0][1].as_ref().map(|d| d.number), Some(1));
        assert_eq!(weeks[4][0].as_ref().map(|d| d.number), Some(28));
    }

    #[test]
    fn a_month_query_must_name_a_year_and_month() {
        let today = NaiveDate::from_ymd_opt(2027, 2, 17).expect("a date");
        assert_eq!(
            first_of_month("", today),
            NaiveDate::from_ymd_opt(2027, 2, 1)
        );
        assert_eq!(
            first_of_month("2027-11", today),
            NaiveDate::from_ymd_opt(2027, 11, 1)
        );
        assert_eq!(first_of_month("2027-13", today), None);
        assert_eq!(first_of_month("soon", today), None);
    }
}
