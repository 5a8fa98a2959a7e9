//! The coordinator's matching pages: both proposals side by side, pins and forbids, choosing
//! a mentor by hand, publishing, and the pool of mentees still without a mentor.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use crate::cycles::applications;
use crate::cycles::background::{self, Job, Kind};
use crate::cycles::cycle::{self, Cycle};
use crate::cycles::engine::{self, Only};
use crate::cycles::matching::{self, PairRule, ProposalRow, Show, Solver, Summary};
use crate::cycles::pages::{actor_of, managed_cycle};
use crate::cycles::pool::{self, PoolEntry};
use crate::cycles::proposals;
use crate::cycles::state::{self, CycleState, Move};
use crate::network::{self, Region};
use crate::people::profile;
use crate::people::topics::Stage;
use crate::platform::auth::viewer::Viewer;
use crate::platform::error::{AppError, AppResult};
use crate::platform::jobs;
use crate::platform::state::AppState;
use crate::platform::web::flash::{redirect_with, Flash};
use crate::platform::web::pages::{render, render_invalid, Page};

const PER_PAGE: i64 = 50;

/// One side of a mentee's line: the proposed mentor with the reasons.
pub struct PairView {
    /// The mentor.
    pub mentor_id: i64,
    /// Their name.
    pub mentor_name: String,
    /// The score.
    pub score: i64,
    /// The reasons, in words.
    pub reasons: Vec<String>,
}

/// A mentee's line of the side-by-side table.
pub struct RowView {
    /// The mentee.
    pub mentee_id: i64,
    /// Their name.
    pub mentee_name: String,
    /// Their stage in words.
    pub stage: &'static str,
    /// The optimal proposal's mentor.
    pub optimal: Option<PairView>,
    /// The stable proposal's mentor.
    pub stable: Option<PairView>,
    /// Whether both proposals agree.
    pub same: bool,
    /// The mentor the coordinator pinned, if any.
    pub pinned_mentor_id: Option<i64>,
}

impl RowView {
    /// Both proposals' pairs, optimal first, for one loop in the template.
    pub fn sides(&self) -> [&Option<PairView>; 2] {
        [&self.optimal, &self.stable]
    }
}

#[derive(Template)]
#[template(path = "cycles/matching.html")]
struct MatchingPage {
    page: Page,
    cycle: Cycle,
    summary: Option<Summary>,
    regions: Vec<(String, [usize; 4])>,
    rows: Vec<RowView>,
    rules: Vec<(PairRule, String, String)>,
    show: &'static str,
    current_page: i64,
    has_next: bool,
    may_change: bool,
    failed: Option<Job>,
}

/// The page shown while a run or a publication works: it reloads itself every few seconds
/// (a meta refresh, no JavaScript) and has a link to reload by hand.
#[derive(Template)]
#[template(path = "cycles/running.html")]
struct RunningPage {
    page: Page,
    cycle: Cycle,
    job: Job,
}

impl MatchingPage {
    fn mean(&self, value: &f64) -> String {
        format!("{value:.1}")
    }
}

/// The page's filter and page number.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MatchingQuery {
    show: String,
    page: Option<i64>,
}

/// Shows the latest run's two proposals side by side, a page of mentees at a time.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<MatchingQuery>,
) -> AppResult<Response> {
    let cycle = managed_cycle(&state, &viewer, id).await?;
    if let Some(job) = background::running(&state.db, id).await? {
        return render(&RunningPage { page, cycle, job });
    }
    let failed = background::latest(&state.db, id)
        .await?
        .filter(|job| job.status == "failed");
    let summary = matching::latest_summary(&state.db, id).await?;
    let show = Show::parse(&query.show);
    let current_page = query.page.unwrap_or(1).clamp(1, 100_000);
    let mut rows = matching::proposal_rows(
        &state.db,
        id,
        show,
        PER_PAGE + 1,
        (current_page - 1) * PER_PAGE,
    )
    .await?;
    let has_next = rows.len() as i64 > PER_PAGE;
    rows.truncate(PER_PAGE as usize);

    let rows = explained_rows(&state, &cycle, rows).await?;
    let all_regions = network::list_regions(&state.db).await?;
    let regions = summary
        .as_ref()
        .map(|s| region_table(s, &all_regions))
        .unwrap_or_default();
    let rules = named_rules(&state, id).await?;
    render(&MatchingPage {
        page,
        may_change: cycle.state() == CycleState::Matching,
        cycle,
        summary,
        regions,
        rows,
        rules,
        show: show.code(),
        current_page,
        has_next,
        failed,
    })
}

// Each pair of the page with its reasons, computed now from the stored profiles so that
// a run stores only ids and scores.
async fn explained_rows(
    state: &AppState,
    cycle: &Cycle,
    rows: Vec<ProposalRow>,
) -> AppResult<Vec<RowView>> {
    let mut people: Vec<i64> = rows.iter().map(|r| r.mentee_id).collect();
    people.extend(rows.iter().filter_map(|r| r.optimal_mentor_id));
    people.extend(rows.iter().filter_map(|r| r.stable_mentor_id));
    people.sort_unstable();
    people.dedup();
    let topics = profile::list_topics(&state.db).await?;
    let inputs = engine::load(&state.db, cycle, &topics, Only::People(&people)).await?;

    let reasons = |mentee: i64, mentor: i64| -> Vec<String> {
        match (inputs.mentee_index(mentee), inputs.mentor_index(mentor)) {
            (Some(a), Some(o)) => inputs
                .explain(a, o)
                .map(|e| e.reasons.iter().map(ToString::to_string).collect())
                .unwrap_or_else(|rejection| vec![format!("no longer possible: {rejection}")]),
            _ => Vec::new(),
        }
    };
    Ok(rows
        .into_iter()
        .map(|row| {
            let side = |mentor: Option<i64>, name: Option<String>, score: Option<i64>| {
                mentor.map(|mentor_id| PairView {
                    mentor_id,
                    mentor_name: name.unwrap_or_default(),
                    score: score.unwrap_or(0),
                    reasons: reasons(row.mentee_id, mentor_id),
                })
            };
            RowView {
                mentee_id: row.mentee_id,
                stage: Stage::parse(&row.stage).map_or("", Stage::label),
                same: row.optimal_mentor_id == row.stable_mentor_id,
                optimal: side(
                    row.optimal_mentor_id,
                    row.optimal_mentor_name,
                    row.optimal_score,
                ),
                stable: side(
                    row.stable_mentor_id,
                    row.stable_mentor_name,
                    row.stable_score,
                ),
                pinned_mentor_id: row.pinned_mentor_id,
                mentee_name: row.mentee_name,
            }
        })
        .collect())
}

fn region_table(summary: &Summary, regions: &[Region]) -> Vec<(String, [usize; 4])> {
    let mut table: BTreeMap<String, [usize; 4]> = BTreeMap::new();
    let name = |id: i64| {
        regions
            .iter()
            .find(|r| r.id == id)
            .map_or_else(|| "No region".to_owned(), |r| r.name.clone())
    };
    for (offset, counts) in [
        (0, &summary.optimal.by_region),
        (2, &summary.stable.by_region),
    ] {
        for count in counts {
            let entry = table.entry(name(count.region_id)).or_default();
            entry[offset] += count.matched;
            entry[offset + 1] += count.unmatched;
        }
    }
    table.into_iter().collect()
}

async fn named_rules(
    state: &AppState,
    cycle_id: i64,
) -> AppResult<Vec<(PairRule, String, String)>> {
    let rules = matching::pair_rules(&state.db, cycle_id).await?;
    let mut ids: Vec<i64> = rules
        .iter()
        .flat_map(|r| [r.mentee_id, r.mentor_id])
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let names = pool::person_names(&state.db, &ids).await?;
    let name = |id: i64| {
        names
            .iter()
            .find(|(p, _)| *p == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    };
    Ok(rules
        .into_iter()
        .map(|rule| {
            let mentee = name(rule.mentee_id);
            let mentor = name(rule.mentor_id);
            (rule, mentee, mentor)
        })
        .collect())
}

fn matching_cycle(cycle: &Cycle) -> AppResult<()> {
    if cycle.state() == CycleState::Matching {
        Ok(())
    } else {
        Err(AppError::BadRequest("the cycle is not in matching"))
    }
}

/// Runs the engine on the cycle (again) under the current pins and forbids.
pub async fn run(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let cycle = managed_cycle(&state, &viewer, id).await?;
    matching_cycle(&cycle)?;
    let topics = profile::list_topics(&state.db).await?;
    // A national run takes tens of seconds: it works in the background and the matching
    // page says it is running until it is done. A second click while it runs starts nothing.
    if let Some(job) = background::start(&state.db, id, Kind::Run, viewer.person_id).await? {
        let db = state.db.clone();
        let by = viewer.person_id;
        jobs::run_in_background("matching run", async move {
            let outcome = matching::run(&db, &cycle, &topics, by).await.map(|_| ());
            background::finish(&db, job, &outcome).await?;
            outcome
        });
    }
    Ok(redirect_with(
        &format!("/cycles/{id}/matching"),
        Flash::Saved,
    ))
}

/// A pin, a forbid, or the removal of either.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RuleForm {
    mentee: i64,
    mentor: i64,
    kind: String,
}

/// Pins, forbids or clears a pair; the next run honors it.
pub async fn rule(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<RuleForm>,
) -> AppResult<Response> {
    let cycle = managed_cycle(&state, &viewer, id).await?;
    matching_cycle(&cycle)?;
    let db = &state.db;
    let in_cycle = applications::find_application(db, id, form.mentee)
        .await?
        .is_some()
        && applications::find_offer(db, id, form.mentor)
            .await?
            .is_some();
    if !in_cycle {
        return Err(AppError::BadRequest("that pair is not in this cycle"));
    }
    match form.kind.as_str() {
        "pin" | "forbid" => {
            matching::set_rule(
                db,
                id,
                form.mentee,
                form.mentor,
                &form.kind,
                viewer.person_id,
            )
            .await?
        }
        "clear" => matching::clear_rule(db, id, form.mentee, form.mentor).await?,
        _ => return Err(AppError::BadRequest("unknown rule")),
    }
    Ok(redirect_with(
        &format!("/cycles/{id}/matching"),
        Flash::Saved,
    ))
}

/// A mentor a coordinator can choose for one mentee, with the score and reasons.
pub struct Choice {
    /// The mentor.
    pub mentor_id: i64,
    /// Their name.
    pub name: String,
    /// The score.
    pub score: u16,
    /// The reasons.
    pub reasons: Vec<String>,
    /// Places offered.
    pub capacity: u8,
}

#[derive(Template)]
#[template(path = "cycles/assign.html")]
struct AssignPage {
    page: Page,
    cycle: Cycle,
    mentee_id: i64,
    mentee_name: String,
    choices: Vec<Choice>,
    ruled_out: Vec<(String, usize)>,
    may_change: bool,
}

/// How many mentors the hand-assignment page lists.
const CHOICES: usize = 30;

/// Lists the mentors one mentee could have, best first, with the reasons, to pin by hand.
pub async fn assign(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path((id, mentee_id)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let cycle = managed_cycle(&state, &viewer, id).await?;
    let topics = profile::list_topics(&state.db).await?;
    let inputs = engine::load(&state.db, &cycle, &topics, Only::Mentee(mentee_id)).await?;
    let mentee = inputs.mentee_index(mentee_id).ok_or(AppError::NotFound)?;

    let mut choices = Vec::new();
    let mut ruled_out: BTreeMap<String, usize> = BTreeMap::new();
    for (mentor, offer) in inputs.offers.iter().enumerate() {
        match inputs.explain(mentee, mentor) {
            Ok(explanation) => choices.push((explanation, mentor, offer.capacity)),
            Err(rejection) => *ruled_out.entry(rejection.to_string()).or_default() += 1,
        }
    }
    choices.sort_by(|a, b| b.0.score.cmp(&a.0.score).then(a.1.cmp(&b.1)));
    choices.truncate(CHOICES);

    let mut ids: Vec<i64> = choices
        .iter()
        .map(|(_, mentor, _)| engine::person_id(inputs.offers[*mentor].person))
        .collect();
    ids.push(mentee_id);
    let names = pool::person_names(&state.db, &ids).await?;
    let name = |id: i64| {
        names
            .iter()
            .find(|(p, _)| *p == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    };
    let choices = choices
        .into_iter()
        .map(|(explanation, mentor, capacity)| {
            let mentor_id = engine::person_id(inputs.offers[mentor].person);
            Choice {
                mentor_id,
                name: name(mentor_id),
                score: explanation.score,
                reasons: explanation
                    .reasons
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
                capacity,
            }
        })
        .collect();
    render(&AssignPage {
        page,
        may_change: cycle.state() == CycleState::Matching,
        cycle,
        mentee_id,
        mentee_name: name(mentee_id),
        choices,
        ruled_out: ruled_out.into_iter().collect(),
    })
}

/// The proposal to publish.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PublishForm {
    solver: String,
}

/// Publishes one of the two proposals: the cycle moves to published and both people of
/// every pair are told.
pub async fn publish(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<PublishForm>,
) -> AppResult<Response> {
    let cycle = managed_cycle(&state, &viewer, id).await?;
    let solver = Solver::parse(&form.solver).ok_or(AppError::BadRequest("choose a proposal"))?;
    // A self-match cycle may be published without a run: mentees then choose their mentors.
    if !cycle.self_match && matching::latest_summary(&state.db, id).await?.is_none() {
        return Err(AppError::BadRequest("run the matching first"));
    }
    let from = cycle.state();
    let to = state::next(from, Move::Publish, actor_of(&viewer, &cycle))
        .map_err(|_| AppError::BadRequest("the cycle is not in matching"))?;
    let Some(job) = background::start(&state.db, id, Kind::Publish, viewer.person_id).await? else {
        return Err(AppError::BadRequest(
            "wait until the matching has finished running",
        ));
    };

    // The move is conditional on the state: of two coordinators publishing at once, only
    // one sends anything. The emails, one per person, go out in the background.
    let moved = cycle::record_move(
        &state.db,
        id,
        Move::Publish,
        from,
        to,
        Some(viewer.person_id),
    )
    .await;
    match moved {
        Ok(true) => {
            let db = state.db.clone();
            let base_url = state.config.base_url.clone();
            jobs::run_in_background("publication", async move {
                let outcome = proposals::publish(&db, &cycle, solver, &base_url)
                    .await
                    .map(|_| ())
                    .map_err(anyhow::Error::from);
                background::finish(&db, job, &outcome).await?;
                outcome
            });
        }
        Ok(false) => background::finish(&state.db, job, &Ok(())).await?,
        Err(error) => {
            let failed = Err(anyhow::anyhow!("the move was not recorded"));
            background::finish(&state.db, job, &failed).await?;
            return Err(error.into());
        }
    }
    Ok(redirect_with(
        &format!("/cycles/{id}/matching"),
        Flash::Saved,
    ))
}

#[derive(Template)]
#[template(path = "cycles/pool.html")]
struct PoolPage {
    page: Page,
    cycle: Cycle,
    entries: Vec<PoolEntry>,
    may_confirm: bool,
    notice: String,
}

/// Shows the mentees still without a mentor, in order of application, each with the
/// engine's best mentor who has a free place.
pub async fn pool(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let cycle = managed_cycle(&state, &viewer, id).await?;
    let topics = profile::list_topics(&state.db).await?;
    let entries = pool::pool(&state.db, &cycle, &topics).await?;
    render(&PoolPage {
        page,
        may_confirm: cycle.state().takes_answers(),
        cycle,
        entries,
        notice: String::new(),
    })
}

/// The pair a coordinator confirms from the pool.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ConfirmForm {
    mentee: i64,
    mentor: i64,
}

/// Sends a pool pair out as a proposal, if the mentor still has a free place.
pub async fn confirm(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<ConfirmForm>,
) -> AppResult<Response> {
    let cycle = managed_cycle(&state, &viewer, id).await?;
    if !cycle.state().takes_answers() {
        return Err(AppError::BadRequest("the cycle takes no new pairs now"));
    }
    let topics = profile::list_topics(&state.db).await?;
    let people = [form.mentee, form.mentor];
    let inputs = engine::load(&state.db, &cycle, &topics, Only::People(&people)).await?;
    let (Some(mentee), Some(mentor)) = (
        inputs.mentee_index(form.mentee),
        inputs.mentor_index(form.mentor),
    ) else {
        return Err(AppError::BadRequest("that pair is not in this cycle"));
    };
    let score = inputs
        .explain(mentee, mentor)
        .map_err(|_| AppError::BadRequest("that pair breaks a hard constraint"))?
        .score;

    let base_url = state.config.base_url.clone();
    let proposed = proposals::propose_now(
        &state.db,
        &cycle,
        form.mentee,
        form.mentor,
        score,
        &base_url,
    )
    .await?;
    if proposed.is_some() {
        return Ok(redirect_with(&format!("/cycles/{id}/pool"), Flash::Saved));
    }
    let entries = pool::pool(&state.db, &cycle, &topics).await?;
    render_invalid(&PoolPage {
        page,
        may_confirm: true,
        cycle,
        entries,
        notice: "That pair was not sent: the mentor has no free place left, or the mentee \
                 already has a proposal. The suggestions below are up to date."
            .into(),
    })
}
