//! A mentorship's pages: its overview, the agreement, goals, the meeting log, the fit
//! question, extending and ending, the closing reflection and the mentor's letter of service.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use chrono::{Months, NaiveDate};
use serde::Deserialize;

use crate::cycles::cycle::CADENCES;
use crate::cycles::proposals::Side;
use crate::mentorships::notices;
use crate::mentorships::rules::{self, Health, FIT_ANSWERS, MODES};
use crate::mentorships::store::{self, Agreement, Goal, Meeting, Mentorship, Reflection};
use crate::people::profile::{self, Topic};
use crate::platform::auth::policy;
use crate::platform::auth::viewer::Viewer;
use crate::platform::db::now;
use crate::platform::error::{AppError, AppResult};
use crate::platform::state::AppState;
use crate::platform::web::flash::{redirect_with, Flash};
use crate::platform::web::forms::{self, FieldErrors};
use crate::platform::web::pages::{render, render_invalid, Page};

/// The longest a pair may plan at the start, and extend by at once, in months.
const LONGEST_PLAN_MONTHS: u32 = 24;
const LONGEST_EXTENSION_MONTHS: u32 = 6;

fn pair(mentorship: &Mentorship) -> (i64, i64) {
    (mentorship.mentee_id, mentorship.mentor_id)
}

/// Loads a mentorship the viewer may see; anyone else is told it does not exist.
async fn load(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<Mentorship> {
    let mentorship = store::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let visible = policy::may_view_mentorship(
        viewer,
        pair(&mentorship),
        mentorship.liaison_id,
        &mentorship.cycle_regions(),
    );
    if !visible {
        return Err(AppError::NotFound);
    }
    Ok(mentorship)
}

/// Loads a mentorship for one of its pair, with their side; its watchers are refused.
async fn load_for_pair(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
) -> AppResult<(Mentorship, Side)> {
    let mentorship = load(state, viewer, id).await?;
    if !policy::may_work_on_mentorship(viewer, pair(&mentorship)) {
        return Err(AppError::Forbidden);
    }
    let side = mentorship
        .side_of(viewer.person_id)
        .ok_or(AppError::Forbidden)?;
    Ok((mentorship, side))
}

/// A meeting as a page shows it: the notes only for the pair.
pub struct MeetingView {
    /// The meeting.
    pub meeting: Meeting,
    /// The topics touched, in words.
    pub topics: Vec<String>,
    /// The private notes, present only for the pair.
    pub notes: Option<String>,
}

#[derive(Template)]
#[template(path = "mentorships/show.html")]
struct ShowPage {
    page: Page,
    m: Mentorship,
    side: Option<Side>,
    agreement: Option<Agreement>,
    goals: Vec<Goal>,
    meetings: Vec<MeetingView>,
    health: Option<Health>,
    health_reasons: Vec<&'static str>,
    next_due: NaiveDate,
    prompt: &'static str,
    fit_open: bool,
    own_fit: String,
    poor_fit: bool,
    may_repair: bool,
    reflections: Vec<Reflection>,
    goal_title: String,
    goal_milestones: String,
    errors: FieldErrors,
}

impl ShowPage {
    fn is_pair(&self) -> bool {
        self.side.is_some()
    }

    fn is_mentee(&self) -> bool {
        self.side == Some(Side::Mentee)
    }

    fn agreed_mode(&self) -> &str {
        self.agreement
            .as_ref()
            .map_or("", |a| rules::mode_label(&a.meeting_mode))
    }

    fn fit_answers(&self) -> &'static [(&'static str, &'static str)] {
        &FIT_ANSWERS
    }

    fn cadence_label(&self) -> &'static str {
        cadence_label(self.m.cadence())
    }

    fn confirmed_by(&self, side: &str) -> bool {
        let side = if side == "mentee" {
            Side::Mentee
        } else {
            Side::Mentor
        };
        self.agreement
            .as_ref()
            .is_some_and(|a| a.confirmed_by(side))
    }

    fn own_confirmation_missing(&self) -> bool {
        match (&self.agreement, self.side) {
            (Some(a), Some(side)) => !a.confirmed_by(side),
            _ => false,
        }
    }

    fn total_minutes(&self) -> i64 {
        self.meetings.iter().map(|m| m.meeting.minutes).sum()
    }

    fn writer_name(&self, person_id: &i64) -> &str {
        if *person_id == self.m.mentee_id {
            &self.m.mentee_name
        } else {
            &self.m.mentor_name
        }
    }
}

fn cadence_label(code: &str) -> &'static str {
    CADENCES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("Monthly", |(_, label)| label)
}

async fn show_page(
    state: &AppState,
    page: Page,
    viewer: &Viewer,
    m: Mentorship,
) -> AppResult<ShowPage> {
    let today = now().date_naive();
    let side = m.side_of(viewer.person_id);
    let db = &state.db;
    let topics = profile::topics(state).await?;

    let mut notes = if policy::may_read_private_notes(viewer, pair(&m)) {
        store::private_notes(db, m.id).await?
    } else {
        Vec::new()
    };
    let meetings: Vec<MeetingView> = store::meetings(db, m.id)
        .await?
        .into_iter()
        .map(|meeting| MeetingView {
            topics: topic_names(&topics, &meeting.topics),
            notes: notes
                .iter_mut()
                .find(|(id, _)| *id == meeting.id)
                .map(|(_, text)| std::mem::take(text)),
            meeting,
        })
        .collect();

    let since = meetings
        .first()
        .map_or_else(|| m.started_on(), |v| v.meeting.met_on);
    let fits = store::fit_answers(db, m.id).await?;
    let poor_fit = fits.iter().any(|(_, answer)| answer == "poor");
    let check_ins = store::check_ins(db, &m).await?;
    let concerns = concerns_seen_by(&m, side, &fits, &check_ins, today);
    let health = m
        .is_active()
        .then(|| rules::health(m.cadence(), since, today, concerns));
    let needs = profile::topic_codes(db, m.mentee_id, "need").await?;
    let prompt = rules::monthly_prompt(
        &m.mentee_stage,
        &needs,
        rules::month_of(m.started_on(), today),
    );
    let days_in = (today - m.started_on()).num_days();
    Ok(ShowPage {
        page,
        side,
        agreement: store::agreement(db, m.id).await?,
        goals: store::goals(db, m.id).await?,
        health,
        health_reasons: if m.is_active() {
            concerns.reasons()
        } else {
            Vec::new()
        },
        next_due: rules::next_meeting_due(m.cadence(), since),
        prompt,
        fit_open: side.is_some() && m.is_active() && days_in >= rules::FIT_QUESTION_DAY,
        own_fit: fits
            .iter()
            .find(|(person, _)| *person == viewer.person_id)
            .map(|(_, answer)| answer.clone())
            .unwrap_or_default(),
        poor_fit,
        may_repair: m.is_active()
            && policy::may_repair_mentorship(viewer, m.liaison_id, &m.cycle_regions()),
        reflections: store::reflections(db, m.id).await?,
        meetings,
        m,
        goal_title: String::new(),
        goal_milestones: String::new(),
        errors: FieldErrors::new(),
    })
}

/// The concerns behind the health a viewer sees. The liaison and coordinators see what either
/// of the pair raised, without learning which of them did. Each of the pair sees only what
/// they raised themselves: the other's fit answer and check-in are for the coordinators, and
/// a health that turned "at risk" on them would give the answer away.
fn concerns_seen_by(
    m: &Mentorship,
    side: Option<Side>,
    fits: &[(i64, String)],
    check_ins: &store::PairCheckIns,
    today: NaiveDate,
) -> rules::Concerns {
    let counted = |person: i64| side.is_none() || m.side_of(person) == side;
    let poor_fit = fits
        .iter()
        .any(|(person, answer)| answer == "poor" && counted(*person));
    let check_ins = match side {
        Some(side) => check_ins.of(side).into_iter().collect(),
        None => check_ins.both(),
    };
    rules::Concerns::from_answers(poor_fit, &check_ins, m.started_at, today)
}

fn topic_names(topics: &[Topic], codes: &str) -> Vec<String> {
    codes
        .split(',')
        .filter_map(|code| topics.iter().find(|t| t.code == code))
        .map(|t| t.name.clone())
        .collect()
}

/// A mentorship's overview: to its pair, everything; to its watchers, that meetings
/// happened and how often, never the notes.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let mentorship = load(&state, &viewer, id).await?;
    render(&show_page(&state, page, &viewer, mentorship).await?)
}

#[derive(Template)]
#[template(path = "mentorships/agreement.html")]
struct AgreementPage {
    page: Page,
    m: Mentorship,
    form: AgreementForm,
    errors: FieldErrors,
}

impl AgreementPage {
    fn cadences(&self) -> &'static [(&'static str, &'static str)] {
        &CADENCES
    }

    fn modes(&self) -> &'static [(&'static str, &'static str)] {
        &MODES
    }
}

/// The agreement form, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct AgreementForm {
    goals: String,
    cadence: String,
    meeting_mode: String,
    confidentiality: String,
    ends_on: String,
}

const DEFAULT_CONFIDENTIALITY: &str = "What we say in our meetings stays between us, unless \
     one of us asks to share it or someone's safety is at risk.";

/// The agreement form, filled with the agreement so far.
pub async fn agreement(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (m, _) = load_for_pair(&state, &viewer, id).await?;
    let current = store::agreement(&state.db, id).await?;
    let form = match current {
        Some(a) => AgreementForm {
            goals: a.goals,
            cadence: a.cadence,
            meeting_mode: a.meeting_mode,
            confidentiality: a.confidentiality,
            ends_on: m.planned_end().to_string(),
        },
        None => AgreementForm {
            cadence: m.cadence().to_owned(),
            meeting_mode: "video".into(),
            confidentiality: DEFAULT_CONFIDENTIALITY.into(),
            ends_on: m.planned_end().to_string(),
            ..AgreementForm::default()
        },
    };
    render(&AgreementPage {
        page,
        m,
        form,
        errors: FieldErrors::new(),
    })
}

fn validate_agreement(
    form: &AgreementForm,
    started_on: NaiveDate,
) -> Result<(Agreement, NaiveDate), FieldErrors> {
    let mut errors = FieldErrors::new();
    let goals = forms::text(&mut errors, "goals", &form.goals, true, 4000);
    if !CADENCES.iter().any(|(code, _)| *code == form.cadence) {
        errors.add("cadence", "Choose how often you will meet.");
    }
    if !MODES.iter().any(|(code, _)| *code == form.meeting_mode) {
        errors.add("meeting_mode", "Choose how you will usually meet.");
    }
    let confidentiality = forms::text(
        &mut errors,
        "confidentiality",
        &form.confidentiality,
        true,
        2000,
    );
    let latest = started_on
        .checked_add_months(Months::new(LONGEST_PLAN_MONTHS))
        .unwrap_or(started_on);
    let ends_on = rules::parse_date(&form.ends_on);
    match ends_on {
        None => errors.add("ends_on", "Enter the end date, like 2027-06-30."),
        Some(day) if day <= started_on => {
            errors.add("ends_on", "The end date must come after the day you began.")
        }
        Some(day) if day > latest => errors.add(
            "ends_on",
            format!("Plan at most {LONGEST_PLAN_MONTHS} months; you can extend later."),
        ),
        Some(_) => {}
    }
    errors.into_result()?;
    let agreement = Agreement {
        goals,
        cadence: form.cadence.clone(),
        meeting_mode: form.meeting_mode.clone(),
        confidentiality,
        ..Agreement::default()
    };
    Ok((agreement, ends_on.unwrap_or(started_on)))
}

/// Saves the agreement; the other person is asked to confirm it.
pub async fn save_agreement(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<AgreementForm>,
) -> AppResult<Response> {
    let (m, side) = load_for_pair(&state, &viewer, id).await?;
    if !m.is_active() {
        return Err(AppError::BadRequest("the mentorship has ended"));
    }
    let (agreement, ends_on) = match validate_agreement(&form, m.started_on()) {
        Ok(valid) => valid,
        Err(errors) => {
            tracing::debug!(mentorship.id = id, "agreement refused");
            return render_invalid(&AgreementPage {
                page,
                m,
                form,
                errors,
            });
        }
    };

    store::save_agreement(&state.db, id, &agreement, ends_on, side, viewer.person_id).await?;
    notices::agreement_to_confirm(&state, &m, side).await?;
    Ok(redirect_with(&format!("/mentorships/{id}"), Flash::Saved))
}

/// Confirms the agreement as it stands.
pub async fn confirm_agreement(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (_, side) = load_for_pair(&state, &viewer, id).await?;
    if store::agreement(&state.db, id).await?.is_none() {
        return Err(AppError::BadRequest("there is no agreement to confirm yet"));
    }
    store::confirm_agreement(&state.db, id, side).await?;
    Ok(redirect_with(&format!("/mentorships/{id}"), Flash::Saved))
}

/// A new goal, as typed: a title and one milestone per line.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct GoalForm {
    title: String,
    milestones: String,
}

/// Adds a goal with its milestones.
pub async fn add_goal(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<GoalForm>,
) -> AppResult<Response> {
    let (m, _) = load_for_pair(&state, &viewer, id).await?;
    let mut errors = FieldErrors::new();
    let title = forms::text(&mut errors, "title", &form.title, true, 300);
    let text = forms::text(&mut errors, "milestones", &form.milestones, false, 3000);
    let milestones: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect();
    if milestones.len() > 12 {
        errors.add("milestones", "List at most 12 milestones, one per line.");
    }
    if !m.is_active() {
        errors.add(
            "title",
            "The mentorship has ended; goals can no longer be added.",
        );
    }
    if !errors.is_empty() {
        tracing::debug!(mentorship.id = id, "goal refused");
        let mut again = show_page(&state, page, &viewer, m).await?;
        again.goal_title = form.title;
        again.goal_milestones = form.milestones;
        again.errors = errors;
        return render_invalid(&again);
    }

    store::add_goal(&state.db, id, &title, &milestones, viewer.person_id).await?;
    Ok(redirect_with(
        &format!("/mentorships/{id}#goals"),
        Flash::Saved,
    ))
}

/// Updates a goal's progress and milestones; either of the pair may.
pub async fn update_goal(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path((id, goal_id)): Path<(i64, i64)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (m, _) = load_for_pair(&state, &viewer, id).await?;
    let goals = store::goals(&state.db, id).await?;
    let goal = goals
        .iter()
        .find(|g| g.id == goal_id)
        .ok_or(AppError::NotFound)?;

    let value = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    };
    let progress = value("progress").trim().parse::<i64>().ok();
    let Some(progress) = progress.filter(|p| (0..=100).contains(p)) else {
        tracing::debug!(goal.id = goal_id, "goal progress refused");
        let mut again = show_page(&state, page, &viewer, m).await?;
        again
            .errors
            .add("progress", "Enter the progress as a number from 0 to 100.");
        return render_invalid(&again);
    };
    let done: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "done")
        .filter_map(|(_, v)| v.parse().ok())
        .filter(|milestone| goal.milestones.iter().any(|k| k.id == *milestone))
        .collect();

    store::update_goal(&state.db, goal_id, progress, &done).await?;
    Ok(redirect_with(
        &format!("/mentorships/{id}#goals"),
        Flash::Saved,
    ))
}

#[derive(Template)]
#[template(path = "mentorships/meeting.html")]
struct MeetingPage {
    page: Page,
    m: Mentorship,
    topics: Vec<Topic>,
    form: MeetingForm,
    errors: FieldErrors,
}

impl MeetingPage {
    fn modes(&self) -> &'static [(&'static str, &'static str)] {
        &MODES
    }

    fn touched(&self, code: &str) -> bool {
        self.form.topics.iter().any(|c| c == code)
    }
}

/// The meeting form, as typed.
#[derive(Clone, Debug, Default)]
pub struct MeetingForm {
    met_on: String,
    minutes: String,
    mode: String,
    topics: Vec<String>,
    private_notes: String,
}

impl MeetingForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut form = MeetingForm::default();
        for (key, value) in pairs {
            match key.as_str() {
                "met_on" => form.met_on = value,
                "minutes" => form.minutes = value,
                "mode" => form.mode = value,
                "topics" => form.topics.push(value),
                "private_notes" => form.private_notes = value,
                _ => {}
            }
        }
        form
    }
}

/// The form to log a meeting.
pub async fn new_meeting(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (m, _) = load_for_pair(&state, &viewer, id).await?;
    let topics = profile::topics(&state).await?.to_vec();
    let form = MeetingForm {
        met_on: now().date_naive().to_string(),
        minutes: "60".into(),
        mode: "video".into(),
        ..MeetingForm::default()
    };
    render(&MeetingPage {
        page,
        m,
        topics,
        form,
        errors: FieldErrors::new(),
    })
}

/// Logs a meeting: date, length, mode, topics and private notes.
pub async fn log_meeting(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (m, _) = load_for_pair(&state, &viewer, id).await?;
    let topics = profile::topics(&state).await?.to_vec();
    let form = MeetingForm::from_pairs(pairs);

    let mut errors = FieldErrors::new();
    let met_on = rules::parse_date(&form.met_on);
    let minutes = form.minutes.trim().parse::<i64>().ok();
    rules::check_meeting(
        &mut errors,
        met_on,
        minutes,
        m.started_on(),
        now().date_naive(),
    );
    if !MODES.iter().any(|(code, _)| *code == form.mode) {
        errors.add("mode", "Choose how you met.");
    }
    let notes = forms::text(
        &mut errors,
        "private_notes",
        &form.private_notes,
        false,
        10_000,
    );
    let codes: Vec<&str> = form
        .topics
        .iter()
        .filter(|code| topics.iter().any(|t| &t.code == *code))
        .map(String::as_str)
        .collect();
    if !m.is_active() {
        errors.add(
            "met_on",
            "The mentorship has ended; its meeting log is closed.",
        );
    }
    if !errors.is_empty() {
        tracing::debug!(mentorship.id = id, "meeting refused");
        return render_invalid(&MeetingPage {
            page,
            m,
            topics,
            form,
            errors,
        });
    }

    let meeting = store::NewMeeting {
        met_on: met_on.unwrap_or_default(),
        minutes: minutes.unwrap_or_default(),
        mode: form.mode.clone(),
        topics: codes.join(","),
        private_notes: notes,
    };
    store::log_meeting(&state.db, id, &meeting, viewer.person_id).await?;
    Ok(redirect_with(
        &format!("/mentorships/{id}#meetings"),
        Flash::Saved,
    ))
}

/// An answer to "does this match fit?".
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct FitForm {
    answer: String,
}

/// Records the viewer's answer to the fit question.
pub async fn answer_fit(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<FitForm>,
) -> AppResult<Response> {
    let (m, _) = load_for_pair(&state, &viewer, id).await?;
    if !FIT_ANSWERS.iter().any(|(code, _)| *code == form.answer) || !m.is_active() {
        tracing::debug!(mentorship.id = id, "fit answer refused");
        let mut again = show_page(&state, page, &viewer, m).await?;
        again.errors.add("fit", "Choose one of the answers.");
        return render_invalid(&again);
    }

    store::answer_fit(&state.db, id, viewer.person_id, &form.answer).await?;
    if form.answer == "poor" {
        notices::poor_fit_to_liaison(&state, &m).await?;
    }
    Ok(redirect_with(&format!("/mentorships/{id}"), Flash::Saved))
}

#[derive(Template)]
#[template(path = "mentorships/ending.html")]
struct EndingPage {
    page: Page,
    m: Mentorship,
    side: Option<Side>,
    may_repair: bool,
    poor_fit: bool,
    reflection: ReflectionForm,
    extension: ExtendForm,
    end: EndForm,
    errors: FieldErrors,
}

impl EndingPage {
    fn is_pair(&self) -> bool {
        self.side.is_some()
    }
}

async fn ending_page(
    state: &AppState,
    page: Page,
    viewer: &Viewer,
    m: Mentorship,
) -> AppResult<EndingPage> {
    let fits = store::fit_answers(&state.db, m.id).await?;
    let own = store::reflections(&state.db, m.id)
        .await?
        .into_iter()
        .find(|r| r.person_id == viewer.person_id);
    Ok(EndingPage {
        page,
        side: m.side_of(viewer.person_id),
        may_repair: m.is_active()
            && policy::may_repair_mentorship(viewer, m.liaison_id, &m.cycle_regions()),
        poor_fit: fits.iter().any(|(_, answer)| answer == "poor"),
        reflection: own.map_or_else(ReflectionForm::default, |r| ReflectionForm {
            reflection: r.reflection,
            attainment: r.attainment.to_string(),
        }),
        extension: ExtendForm {
            to_on: m.planned_end().to_string(),
            reason: String::new(),
        },
        end: EndForm::default(),
        m,
        errors: FieldErrors::new(),
    })
}

/// Extending, ending early, re-pairing and the closing reflection.
pub async fn ending(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let m = load(&state, &viewer, id).await?;
    render(&ending_page(&state, page, &viewer, m).await?)
}

/// A later end date and why.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ExtendForm {
    to_on: String,
    reason: String,
}

/// Moves the planned end to a later day.
pub async fn extend(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<ExtendForm>,
) -> AppResult<Response> {
    let (m, _) = load_for_pair(&state, &viewer, id).await?;
    let mut errors = FieldErrors::new();
    let reason = forms::text(&mut errors, "reason", &form.reason, true, 1000);
    let current = m.planned_end();
    let latest = current
        .checked_add_months(Months::new(LONGEST_EXTENSION_MONTHS))
        .unwrap_or(current);
    let to_on = rules::parse_date(&form.to_on);
    match to_on {
        None => errors.add("to_on", "Enter the new end date, like 2027-09-30."),
        Some(day) if day <= current => errors.add(
            "to_on",
            format!(
                "Choose a day after the current end, {}.",
                current.format("%B %-d, %Y")
            ),
        ),
        Some(day) if day > latest => errors.add(
            "to_on",
            format!("Extend by at most {LONGEST_EXTENSION_MONTHS} months at a time."),
        ),
        Some(_) => {}
    }
    if !m.is_active() {
        errors.add(
            "to_on",
            "The mentorship has ended and can no longer be extended.",
        );
    }
    if !errors.is_empty() {
        tracing::debug!(mentorship.id = id, "extension refused");
        let mut again = ending_page(&state, page, &viewer, m).await?;
        again.extension = form;
        again.errors = errors;
        return render_invalid(&again);
    }

    let to_on = to_on.unwrap_or(current);
    store::extend(&state.db, &m, to_on, &reason, viewer.person_id).await?;
    Ok(redirect_with(&format!("/mentorships/{id}"), Flash::Saved))
}

/// Why a mentorship ends early.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct EndForm {
    end_reason: String,
}

/// Ends the mentorship early, with a reason; either of the pair may.
pub async fn end_early(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<EndForm>,
) -> AppResult<Response> {
    let (m, _) = load_for_pair(&state, &viewer, id).await?;
    let mut errors = FieldErrors::new();
    let reason = forms::text(&mut errors, "end_reason", &form.end_reason, true, 1000);
    if !m.is_active() {
        errors.add("end_reason", "The mentorship has already ended.");
    }
    if !errors.is_empty() {
        tracing::debug!(mentorship.id = id, "early end refused");
        let mut again = ending_page(&state, page, &viewer, m).await?;
        again.end = form;
        again.errors = errors;
        return render_invalid(&again);
    }

    if store::close(&state.db, id, "ended", &reason).await? {
        notices::ended(&state, &m, false).await?;
    }
    Ok(redirect_with(
        &format!("/mentorships/{id}/ending"),
        Flash::Saved,
    ))
}

/// The reason recorded when a coordinator re-pairs a mentee.
pub const REPAIRED: &str = "re-paired";

/// Ends a poorly fitting mentorship and returns its mentee to the cycle's pool, where the
/// coordinator confirms a next mentor.
pub async fn repair(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let m = load(&state, &viewer, id).await?;
    if !policy::may_repair_mentorship(&viewer, m.liaison_id, &m.cycle_regions()) {
        return Err(AppError::Forbidden);
    }
    let fits = store::fit_answers(&state.db, id).await?;
    // Re-pairing undoes a match both accepted: only a poor fit said by one of them opens it.
    if !m.is_active() || !fits.iter().any(|(_, answer)| answer == "poor") {
        return Err(AppError::BadRequest(
            "only an active pair that reported a poor fit can be re-paired",
        ));
    }

    if store::close(&state.db, id, "ended", REPAIRED).await? {
        crate::cycles::proposals::release_to_pool(&state.db, m.proposal_id, REPAIRED).await?;
        notices::ended(&state, &m, true).await?;
    }
    Ok(redirect_with(
        &format!("/cycles/{}/pool", m.cycle_id),
        Flash::Saved,
    ))
}

/// The closing reflection, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReflectionForm {
    reflection: String,
    attainment: String,
}

/// Saves the viewer's closing reflection and goal-attainment rating.
pub async fn reflect(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<ReflectionForm>,
) -> AppResult<Response> {
    let (m, _) = load_for_pair(&state, &viewer, id).await?;
    let mut errors = FieldErrors::new();
    if m.is_active() {
        errors.add(
            "reflection",
            "Reflections are written once the mentorship has ended.",
        );
    }
    let reflection = forms::text(&mut errors, "reflection", &form.reflection, true, 4000);
    let attainment = form
        .attainment
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|a| (1..=5).contains(a));
    if attainment.is_none() {
        errors.add(
            "attainment",
            "Rate how far the goals were reached, from 1 to 5.",
        );
    }
    let (Some(attainment), true) = (attainment, errors.is_empty()) else {
        tracing::debug!(mentorship.id = id, "reflection refused");
        let mut again = ending_page(&state, page, &viewer, m).await?;
        again.reflection = form;
        again.errors = errors;
        return render_invalid(&again);
    };

    store::save_reflection(&state.db, id, viewer.person_id, &reflection, attainment).await?;
    Ok(redirect_with(&format!("/mentorships/{id}"), Flash::Saved))
}

#[derive(Template)]
#[template(path = "mentorships/letter.html")]
struct LetterPage {
    page: Page,
    m: Mentorship,
    meetings: usize,
    hours: i64,
    months: i64,
    attainment: Option<String>,
    ended_on: NaiveDate,
}

/// The mentor's printable letter of service, once the mentorship has ended.
pub async fn letter(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let m = load(&state, &viewer, id).await?;
    if !policy::may_view_letter_of_service(&viewer, m.mentor_id, &m.cycle_regions()) {
        return Err(AppError::Forbidden);
    }
    if m.is_active() {
        return Err(AppError::NotFound);
    }

    let meetings = store::meetings(&state.db, id).await?;
    let reflections = store::reflections(&state.db, id).await?;
    let ended_on = m
        .ended_at
        .map_or_else(|| now().date_naive(), |at| at.date_naive());
    let ratings: Vec<i64> = reflections.iter().map(|r| r.attainment).collect();
    let attainment = (!ratings.is_empty()).then(|| {
        let sum: i64 = ratings.iter().sum();
        format!("{:.1}", sum as f64 / ratings.len() as f64)
    });
    render(&LetterPage {
        page,
        meetings: meetings.len(),
        hours: meetings.iter().map(|g| g.minutes).sum::<i64>() / 60,
        months: ((ended_on - m.started_on()).num_days() / 30).max(1),
        attainment,
        ended_on,
        m,
    })
}
