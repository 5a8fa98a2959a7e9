//! The demo's mentorships, built over the cycles' demo, deterministic from the seed.
//!
//! Last year's closed New York cycle gets its story told to the end: agreements, goals,
//! monthly meetings, and mostly completed mentorships with reflections (a few ended early).
//! Texas's pairs are active, started weeks ago, and spread over every health state: on
//! track, at risk, stalled, and at risk for a poor fit. The demo mentee and mentor are a pair
//! too, watched by the New York coordinator. At national scale a national cycle from last
//! season adds about 60,000 active pairs with their meetings, for the dashboard's
//! measurements; those are written in batches straight into the tables (proposals included),
//! as going through one proposal at a time would take the demo minutes.

use carrel_matching::synthetic::SplitMix64;
use chrono::{DateTime, Days, NaiveDate, Utc};

use crate::cycles::applications::{self, ValidApplication, ValidOffer};
use crate::cycles::cycle::{self, Cycle, CycleForm, CycleScope, Placement};
use crate::cycles::proposals::{self, Side};
use crate::cycles::state::{CycleState, Move};
use crate::demo::{Scale, DEMO_SIGN_INS};
use crate::mentorships::store::{self, Agreement, NewMeeting, PairRow, Scope};
use crate::platform::db::{now, Db};
use crate::{execute, on_db};

/// Mentorships of the national demo cycle.
pub const NATIONAL_PAIRS: usize = 60_000;

const GOALS: [&str; 8] = [
    "Lead a project team from plan to launch",
    "Prepare the dossier for promotion",
    "Design and teach a new instruction session",
    "Write a first grant application",
    "Build a network beyond my own library",
    "Learn to supervise a small team",
    "Present at a regional conference",
    "Plan a move to another library type",
];

const MILESTONES: [&str; 4] = [
    "Agree on what success looks like",
    "Draft a first version",
    "Get feedback from a colleague",
    "Share the result",
];

const REFLECTIONS: [&str; 5] = [
    "Having someone outside my library to think aloud with changed how I plan my work.",
    "We kept our monthly rhythm, and the small steps added up to more than I expected.",
    "Mentoring made me put into words what I had only done by instinct.",
    "The goals shifted halfway, and that turned out to be the most useful part.",
    "I leave with a plan for the next two years and the confidence to start it.",
];

const EARLY_ENDS: [&str; 3] = [
    "A new job left no time for our meetings.",
    "Family leave for the rest of the year.",
    "We reached the goal early and agreed to stop here.",
];

const NOTES: [&str; 4] = [
    "Talked through the reorganization and what it means for my role.",
    "Practised the interview questions; next time, the budget question.",
    "Went over the draft; three sections to tighten.",
    "Mostly about balance this time; agreed to protect Friday afternoons.",
];

const TOPICS: [&str; 5] = [
    "leadership",
    "supervision",
    "instruction",
    "grant_writing",
    "well_being",
];

/// Builds the demo's mentorship stories over the cycles' demo.
pub async fn build(db: &Db, scale: Scale, seed: u64) -> anyhow::Result<()> {
    let mut dice = SplitMix64::new(seed ^ 0x0A6E_E3E7);
    let today = now().date_naive();
    let cycles = cycle::list(db, &CycleScope::All).await?;
    demo_pair(db, &cycles, today).await?;

    let pairs = store::pairs(db, &Scope::National, Some("active")).await?;
    for (index, pair) in pairs.iter().enumerate() {
        let Some(cycle) = cycles.iter().find(|c| c.id == pair.mentorship.cycle_id) else {
            continue;
        };
        if cycle.state() == CycleState::Closed {
            tell_to_the_end(db, pair, cycle, index, &mut dice).await?;
        } else if !is_demo_pair(pair) {
            keep_active(db, pair, today, index, &mut dice).await?;
        }
    }

    if scale == Scale::National {
        national(db, today, &mut dice).await?;
    }
    tracing::info!("demo mentorships built");
    Ok(())
}

fn is_demo_pair(pair: &PairRow) -> bool {
    pair.mentorship.mentee_email == DEMO_SIGN_INS[5].1
}

fn pick<'a>(dice: &mut SplitMix64, items: &[&'a str]) -> &'a str {
    items[dice.below(items.len() as u64) as usize]
}

fn noon(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc()
}

async fn set_dates(
    db: &Db,
    id: i64,
    started_on: NaiveDate,
    ends_on: NaiveDate,
) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query("UPDATE mentorships SET started_at = $1, ends_on = $2 WHERE id = $3")
            .bind(noon(started_on))
            .bind(ends_on)
            .bind(id)
    )?;
    Ok(())
}

async fn agree(db: &Db, pair: &PairRow, both: bool, ends_on: NaiveDate) -> anyhow::Result<()> {
    let m = &pair.mentorship;
    let agreement = Agreement {
        goals: "Grow in the goals below, one step a month.".into(),
        cadence: m.cycle_cadence.clone(),
        meeting_mode: "video".into(),
        confidentiality: "What we say stays between us.".into(),
        ..Agreement::default()
    };
    store::save_agreement(db, m.id, &agreement, ends_on, Side::Mentee, m.mentee_id).await?;
    if both {
        store::confirm_agreement(db, m.id, Side::Mentor).await?;
    }
    Ok(())
}

async fn set_goals(
    db: &Db,
    pair: &PairRow,
    dice: &mut SplitMix64,
    progress: u64,
) -> anyhow::Result<()> {
    let m = &pair.mentorship;
    for _ in 0..1 + dice.below(2) {
        let milestones: Vec<String> = MILESTONES.iter().map(|s| (*s).to_owned()).collect();
        let goal = store::add_goal(db, m.id, pick(dice, &GOALS), &milestones, m.mentee_id).await?;
        let reached = store::goals(db, m.id)
            .await?
            .into_iter()
            .find(|g| g.id == goal)
            .map(|g| g.milestones)
            .unwrap_or_default();
        let share = (progress + dice.below(30)).min(100);
        let done: Vec<i64> = reached
            .iter()
            .take((reached.len() as u64 * share / 100) as usize)
            .map(|k| k.id)
            .collect();
        store::update_goal(db, goal, i64::try_from(share).unwrap_or(100), &done).await?;
    }
    Ok(())
}

async fn meet(
    db: &Db,
    pair: &PairRow,
    on: NaiveDate,
    dice: &mut SplitMix64,
) -> Result<(), sqlx::Error> {
    let meeting = NewMeeting {
        met_on: on,
        minutes: [30, 45, 60, 60, 90][dice.below(5) as usize],
        mode: ["video", "video", "phone", "in_person"][dice.below(4) as usize].into(),
        topics: pick(dice, &TOPICS).into(),
        private_notes: pick(dice, &NOTES).into(),
    };
    let by = if dice.below(2) == 0 {
        pair.mentorship.mentee_id
    } else {
        pair.mentorship.mentor_id
    };
    store::log_meeting(db, pair.mentorship.id, &meeting, by).await
}

// A closed cycle's pair: monthly meetings from the start, then completed (or, for one in
// seven, ended early halfway), with reflections from most.
async fn tell_to_the_end(
    db: &Db,
    pair: &PairRow,
    cycle: &Cycle,
    index: usize,
    dice: &mut SplitMix64,
) -> anyhow::Result<()> {
    let m = &pair.mentorship;
    let start = cycle.starts_on;
    let end = cycle.ends_on();
    set_dates(db, m.id, start, end).await?;
    agree(db, pair, true, end).await?;
    set_goals(db, pair, dice, 60).await?;

    let early = index % 7 == 3;
    let months = (end - start).num_days() / 30;
    let last_month = if early { months / 2 } else { months };
    for month in 0..last_month {
        if dice.below(10) < 8 {
            let day = start + Days::new((month * 30) as u64 + dice.below(10));
            meet(db, pair, day, dice).await?;
        }
    }

    let (status, reason, ended_on) = if early {
        let reason = pick(dice, &EARLY_ENDS);
        ("ended", reason, start + Days::new((last_month * 30) as u64))
    } else {
        ("completed", "", end)
    };
    execute!(
        db,
        sqlx::query(
            "UPDATE mentorships SET status = $1, end_reason = $2, ended_at = $3 WHERE id = $4"
        )
        .bind(status)
        .bind(reason)
        .bind(noon(ended_on))
        .bind(m.id)
    )?;
    for person in [m.mentee_id, m.mentor_id] {
        if dice.below(10) < 8 {
            let attainment = 2 + i64::try_from(dice.below(4)).unwrap_or(0);
            let text = pick(dice, &REFLECTIONS);
            store::save_reflection(db, m.id, person, text, attainment).await?;
        }
    }
    Ok(())
}

// An active pair: started weeks ago, in one of the health states by its place in the list.
async fn keep_active(
    db: &Db,
    pair: &PairRow,
    today: NaiveDate,
    index: usize,
    dice: &mut SplitMix64,
) -> anyhow::Result<()> {
    let m = &pair.mentorship;
    let days_in = 70 + dice.below(60);
    let start = today - Days::new(days_in);
    let ends_on = m.planned_end().max(today + Days::new(120));
    set_dates(db, m.id, start, ends_on).await?;
    agree(db, pair, index % 4 != 1, ends_on).await?;
    set_goals(db, pair, dice, 10).await?;

    // The last meeting's distance from today decides the health: on track (two in five),
    // at risk, stalled, and on track but for a poor fit.
    let last = match index % 5 {
        0 | 1 | 4 => 5 + dice.below(20),
        2 => 42 + dice.below(15),
        _ => days_in,
    };
    let mut day = start + Days::new(7);
    while day <= today - Days::new(last) {
        meet(db, pair, day, dice).await?;
        day = day + Days::new(25 + dice.below(10));
    }
    if index % 5 != 3 && last < days_in {
        meet(db, pair, today - Days::new(last), dice).await?;
    }
    let mentee_fit = if index % 5 == 4 { "poor" } else { "good" };
    store::answer_fit(db, m.id, m.mentee_id, mentee_fit).await?;
    store::answer_fit(db, m.id, m.mentor_id, "good").await?;
    Ok(())
}

// The demo mentee and mentor: a pair in Texas's cycle since fifty days, on track, watched by
// the New York coordinator, with an agreement the mentor still has to confirm.
async fn demo_pair(db: &Db, cycles: &[Cycle], today: NaiveDate) -> anyhow::Result<()> {
    let Some(cycle) = cycles.iter().find(|c| c.state().takes_answers()) else {
        return Ok(());
    };
    let id_of = |email: &'static str| async move {
        let row: Option<(i64,)> = on_db!(db, |pool| {
            sqlx::query_as("SELECT id FROM people WHERE email = $1")
                .bind(email)
                .fetch_optional(pool)
                .await
        })?;
        Ok::<_, sqlx::Error>(row.map(|r| r.0))
    };
    let (Some(mentee), Some(mentor), Some(liaison)) = (
        id_of(DEMO_SIGN_INS[5].1).await?,
        id_of(DEMO_SIGN_INS[4].1).await?,
        id_of(DEMO_SIGN_INS[1].1).await?,
    ) else {
        return Ok(());
    };
    let needs = crate::people::profile::topic_codes(db, mentee, "need").await?;
    let topics = crate::people::profile::list_topics(db).await?;
    let need_ids: Vec<i64> = topics
        .iter()
        .filter(|t| needs.contains(&t.code))
        .map(|t| t.id)
        .collect();
    let application = ValidApplication {
        need_ids,
        goals: "Lead my first team project with confidence.".into(),
        same_library_type: false,
        nearby: false,
        wants_peer: false,
        avoid_same_institution: false,
        language: String::new(),
        modality: "either".into(),
        availability: String::new(),
        affinity: String::new(),
    };
    let offer = ValidOffer {
        capacity: 1,
        topic_ids: topics.iter().take(3).map(|t| t.id).collect(),
        stages: "student,early,mid".into(),
        modality: "either".into(),
        availability: String::new(),
        affinity: String::new(),
    };
    applications::save_applications(db, cycle.id, &[(mentee, application)]).await?;
    applications::save_offers(db, cycle.id, &[(mentor, offer)]).await?;
    let base = "http://127.0.0.1:8080";
    let Some(proposal) = proposals::propose_now(db, cycle, mentee, mentor, 720, base).await? else {
        return Ok(());
    };
    for side in [Side::Mentee, Side::Mentor] {
        if let Some(fresh) = proposals::find(db, proposal).await? {
            proposals::answer(db, &fresh, side, true, "").await?;
        }
    }
    let Some(m) = proposals::mentorship_of(db, proposal).await? else {
        return Ok(());
    };

    let start = today - Days::new(50);
    let ends_on = today + Days::new(220);
    set_dates(db, m.id, start, ends_on).await?;
    execute!(
        db,
        sqlx::query("UPDATE mentorships SET liaison_id = $1 WHERE id = $2")
            .bind(liaison)
            .bind(m.id)
    )?;
    let pair = store::pairs(db, &Scope::Cycle(cycle.id), Some("active"))
        .await?
        .into_iter()
        .find(|p| p.mentorship.id == m.id)
        .ok_or(sqlx::Error::RowNotFound)?;
    let mut dice = SplitMix64::new(50);
    agree(db, &pair, false, ends_on).await?;
    set_goals(db, &pair, &mut dice, 20).await?;
    meet(db, &pair, start + Days::new(6), &mut dice).await?;
    meet(db, &pair, today - Days::new(12), &mut dice).await?;
    Ok(())
}

// About 60,000 pairs of a national cycle that started a hundred days ago, with meetings that
// spread them over every health state; written in batches.
async fn national(db: &Db, today: NaiveDate, dice: &mut SplitMix64) -> anyhow::Result<()> {
    let opens_on = today - Days::new(150);
    let form = CycleForm {
        name: "National 2025–26".into(),
        region: "national".into(),
        ..CycleForm::starting(opens_on)
    };
    let placement = Placement {
        national: true,
        regions: &[],
    };
    let valid = cycle::validate(&form, &placement)
        .map_err(|_| anyhow::anyhow!("the demo cycle's settings are invalid"))?;
    let cycle_id = cycle::create(db, &valid, None, None).await?;
    let path = [
        (Move::Open, CycleState::Draft, CycleState::Open),
        (Move::StartMatching, CycleState::Open, CycleState::Matching),
        (Move::Publish, CycleState::Matching, CycleState::Published),
        (Move::Start, CycleState::Published, CycleState::Active),
    ];
    for (step, from, to) in path {
        cycle::record_move(db, cycle_id, step, from, to, None).await?;
    }

    let pairs = national_pairs(db).await?;
    let started = noon(opens_on + Days::new(49));
    for chunk in pairs.chunks(2000) {
        let sql = format!(
            "INSERT INTO proposals (cycle_id, solver, mentee_id, mentor_id, score, status, \
             mentee_answer, mentor_answer, created_at) VALUES {}",
            crate::platform::db::numbered_rows(chunk.len(), 9)
        );
        on_db!(db, |pool| {
            let mut query = sqlx::query(&sql);
            for (mentee, mentor) in chunk {
                query = query
                    .bind(cycle_id)
                    .bind("optimal")
                    .bind(*mentee)
                    .bind(*mentor)
                    .bind(500 + i64::try_from(dice.below(400)).unwrap_or(0))
                    .bind("accepted")
                    .bind("accepted")
                    .bind("accepted")
                    .bind(started);
            }
            query.execute(pool).await.map(|_| ())
        })?;
    }
    execute!(
        db,
        sqlx::query(
            "INSERT INTO mentorships (cycle_id, proposal_id, mentee_id, mentor_id, status, \
             started_at) SELECT cycle_id, id, mentee_id, mentor_id, 'active', $2 \
             FROM proposals WHERE cycle_id = $1 AND status = 'accepted'",
        )
        .bind(cycle_id)
        .bind(started)
    )?;
    // The liaison of a national pair is the longest-serving coordinator of its mentee's region.
    execute!(
        db,
        sqlx::query(
            "UPDATE mentorships SET liaison_id = (SELECT g.person_id FROM grants g \
             JOIN people e ON e.region_id = g.region_id WHERE e.id = mentorships.mentee_id \
             AND g.role = 'coordinator' ORDER BY g.created_at, g.id LIMIT 1) \
             WHERE cycle_id = $1",
        )
        .bind(cycle_id)
    )?;
    national_meetings(db, cycle_id, today, dice).await?;
    tracing::info!(pairs = pairs.len(), "demo national mentorships built");
    Ok(())
}

// Mentees and mentors of the national network, each mentee once, each mentor up to three
// times, never a person with themself.
async fn national_pairs(db: &Db) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    let with_role = |role: &'static str| async move {
        let rows: Vec<(i64,)> = on_db!(db, |pool| {
            sqlx::query_as(
                "SELECT p.id FROM people p JOIN grants g ON g.person_id = p.id \
                 WHERE g.role = $1 AND p.status = 'active' ORDER BY p.id",
            )
            .bind(role)
            .fetch_all(pool)
            .await
        })?;
        Ok::<Vec<i64>, sqlx::Error>(rows.into_iter().map(|(id,)| id).collect())
    };
    let mentees = with_role("mentee").await?;
    let mentors = with_role("mentor").await?;
    if mentors.is_empty() {
        return Ok(Vec::new());
    }
    let mut pairs = Vec::with_capacity(NATIONAL_PAIRS);
    let mut next = 0;
    for mentee in mentees {
        if pairs.len() == NATIONAL_PAIRS || next / 3 >= mentors.len() {
            break;
        }
        let mentor = mentors[next / 3];
        if mentor == mentee {
            continue;
        }
        pairs.push((mentee, mentor));
        next += 1;
    }
    Ok(pairs)
}

async fn national_meetings(
    db: &Db,
    cycle_id: i64,
    today: NaiveDate,
    dice: &mut SplitMix64,
) -> Result<(), sqlx::Error> {
    let ids: Vec<(i64, i64)> = on_db!(db, |pool| {
        sqlx::query_as("SELECT id, mentee_id FROM mentorships WHERE cycle_id = $1 ORDER BY id")
            .bind(cycle_id)
            .fetch_all(pool)
            .await
    })?;
    let at = now();
    let mut rows: Vec<(i64, NaiveDate, i64, i64)> = Vec::new();
    for (index, (id, mentee)) in ids.iter().enumerate() {
        // On track for three in five, at risk for one, stalled for one.
        let last = match index % 5 {
            0..=2 => 3 + dice.below(25),
            3 => 42 + dice.below(15),
            _ => 70 + dice.below(30),
        };
        let mut day = today - Days::new(last);
        for _ in 0..1 + dice.below(4) {
            rows.push((*id, day, *mentee, [45, 60, 60, 90][dice.below(4) as usize]));
            day = day - Days::new(28 + dice.below(6));
        }
    }
    for chunk in rows.chunks(3000) {
        let sql = format!(
            "INSERT INTO mentorship_meetings (mentorship_id, met_on, minutes, mode, topics, \
             private_notes, logged_by, created_at) VALUES {}",
            crate::platform::db::numbered_rows(chunk.len(), 8)
        );
        on_db!(db, |pool| {
            let mut query = sqlx::query(&sql);
            for (id, day, by, minutes) in chunk {
                query = query
                    .bind(*id)
                    .bind(*day)
                    .bind(*minutes)
                    .bind("video")
                    .bind("leadership")
                    .bind("")
                    .bind(*by)
                    .bind(at);
            }
            query.execute(pool).await.map(|_| ())
        })?;
    }
    // Both have answered the fit question, so the daily round does not ask 120,000 people
    // at once when the demo starts; one pair in forty says it does not fit.
    for side in ["mentee_id", "mentor_id"] {
        let sql = format!(
            "INSERT INTO mentorship_fit (mentorship_id, person_id, answer, answered_at) \
             SELECT id, {side}, CASE WHEN id % 40 = 0 AND '{side}' = 'mentee_id' \
             THEN 'poor' ELSE 'good' END, $2 FROM mentorships WHERE cycle_id = $1"
        );
        execute!(db, sqlx::query(&sql).bind(cycle_id).bind(at))?;
    }
    Ok(())
}
