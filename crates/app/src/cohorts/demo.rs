//! Cohorts and circles for the demo network: one graduated cohort, one in progress, one
//! starting, and several mentor circles led by guides.
//!
//! Runs after the network's demo terms, and draws its people from them: the graduated cohort
//! holds the demo's guides, the others hold coordinators who are still training.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};

use crate::cohorts::circles::{self, NewCircle};
use crate::cohorts::readiness::Requirements;
use crate::cohorts::store::{self, NewCohort, NewModule, NewRecord};
use crate::convenings::store::NewConvening;
use crate::convenings::{self, audience::Audience, schedule, schedule::Repeat, video};
use crate::demo::DEMO_SIGN_INS;
use crate::network::demo::roll;
use crate::network::succession;
use crate::platform::db::{now, Db};
use crate::{execute, on_db};

/// The curriculum every demo cohort follows, as (title, description, linked resource).
const MODULES: [(&str, &str, &str); 6] = [
    (
        "The coordinator's year",
        "Cycles, check-ins and the calendar of a regional program.",
        "/network",
    ),
    (
        "Recruiting mentors who stay",
        "Where mentors come from, and what keeps them for a second cycle.",
        "",
    ),
    (
        "Reading a match",
        "How scores are explained, and when to pin or forbid a pair.",
        "",
    ),
    (
        "When a mentorship stalls",
        "The health signal, the first conversation, and when to end kindly.",
        "",
    ),
    (
        "Writing for the library",
        "Turning what works in your region into a resource others can use.",
        "",
    ),
    (
        "Facilitating online",
        "Running a convening people want to attend.",
        "",
    ),
];

fn shift(today: NaiveDate, days: i64) -> NaiveDate {
    let magnitude = Days::new(days.unsigned_abs());
    let moved = if days < 0 {
        today.checked_sub_days(magnitude)
    } else {
        today.checked_add_days(magnitude)
    };
    moved.unwrap_or(today)
}

/// Builds the demo's cohorts and circles; returns (cohorts, circles) made.
pub async fn build(db: &Db, seed: u64) -> anyhow::Result<(usize, usize)> {
    let today = succession::today();
    let admin = person_id(db, DEMO_SIGN_INS[0].1).await?;
    let guide = person_id(db, DEMO_SIGN_INS[3].1).await?;
    let ny_coordinator = person_id(db, DEMO_SIGN_INS[1].1).await?;

    let mut guides = ids(
        db,
        "SELECT person_id FROM grants WHERE role = 'guide' ORDER BY 1",
    )
    .await?;
    guides.retain(|id| *id != guide);
    let trainees = ids(
        db,
        "SELECT DISTINCT t.person_id FROM coordinator_terms t WHERE t.role = 'backup' \
         AND NOT EXISTS (SELECT 1 FROM grants g WHERE g.person_id = t.person_id \
         AND g.role = 'guide') ORDER BY 1",
    )
    .await?;

    let graduated = cohort(
        db,
        "Cohort 2025",
        shift(today, -520),
        shift(today, -140),
        admin,
    )
    .await?;
    let mut graduates = vec![guide];
    graduates.extend(guides.iter().copied());
    fill(
        db,
        graduated,
        &graduates,
        today,
        -500,
        Fill::Complete,
        admin,
    )
    .await?;

    let current = cohort(
        db,
        "Cohort 2026",
        shift(today, -120),
        shift(today, 240),
        guide,
    )
    .await?;
    let mut current_members = vec![ny_coordinator];
    current_members.extend(trainees.iter().take(10));
    fill(
        db,
        current,
        &current_members,
        today,
        -100,
        Fill::Partial(seed),
        guide,
    )
    .await?;

    let starting = cohort(
        db,
        "Cohort 2027",
        shift(today, 45),
        shift(today, 410),
        admin,
    )
    .await?;
    let next: Vec<i64> = trainees.iter().skip(10).take(6).copied().collect();
    fill(db, starting, &next, today, 60, Fill::Empty, admin).await?;

    let circles = build_circles(db, seed, guide, &guides, today).await?;
    tracing::info!(circles, "demo cohorts and circles built");
    Ok((3, circles))
}

async fn cohort(
    db: &Db,
    name: &str,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    lead: i64,
) -> Result<i64, sqlx::Error> {
    let cohort = NewCohort {
        name: name.to_owned(),
        starts_on,
        ends_on,
        lead_id: Some(lead),
        requirements: Requirements::default(),
    };
    store::create(db, &cohort, lead).await
}

/// How far a cohort's members got.
#[derive(Clone, Copy)]
enum Fill {
    /// Everything done, and graduated.
    Complete,
    /// Some of everything, varying by member.
    Partial(u64),
    /// Enrolled, nothing done yet.
    Empty,
}

async fn fill(
    db: &Db,
    cohort_id: i64,
    members: &[i64],
    today: NaiveDate,
    first_due: i64,
    how: Fill,
    lead: i64,
) -> anyhow::Result<()> {
    for (index, (title, description, url)) in MODULES.iter().enumerate() {
        let module = NewModule {
            title: (*title).to_owned(),
            description: (*description).to_owned(),
            due_on: Some(shift(today, first_due + 40 * index as i64)),
            resource_url: (*url).to_owned(),
        };
        store::add_module(db, cohort_id, &module).await?;
    }
    let modules = store::modules(db, cohort_id).await?;

    let mut progress = Vec::with_capacity(members.len());
    for &person in members {
        store::enroll(db, cohort_id, person).await?;
        let (modules_done, convenings, sessions) = match how {
            Fill::Complete => (modules.len(), 4, 1),
            Fill::Partial(seed) => (
                roll(seed, person as u64, modules.len() as u64 + 1) as usize,
                roll(seed, person as u64 + 1, 5) as usize,
                roll(seed, person as u64 + 3, 2) as usize,
            ),
            Fill::Empty => (0, 0, 0),
        };
        for module in modules.iter().take(modules_done) {
            store::set_done(db, module.id, person, true).await?;
        }
        progress.push((person, convenings, sessions));
    }
    match how {
        // The graduated cohort trained before this network used Carrel: its credit was
        // given by hand, each with its reason.
        Fill::Complete => {
            for &(person, convenings, sessions) in &progress {
                give_credit(db, cohort_id, person, convenings, sessions, today, lead).await?;
                store::graduate(db, cohort_id, person, lead, None).await?;
            }
            backdate_graduations(db, cohort_id).await?;
        }
        Fill::Partial(_) => {
            backdate_enrollments(db, cohort_id).await?;
            hold_cohort_meetings(db, cohort_id, lead, &progress, today).await?;
        }
        Fill::Empty => {}
    }
    Ok(())
}

/// Credit given by hand for work done before the network used Carrel.
async fn give_credit(
    db: &Db,
    cohort_id: i64,
    person: i64,
    convenings: usize,
    sessions: usize,
    today: NaiveDate,
    lead: i64,
) -> Result<(), sqlx::Error> {
    let credits = [
        ("convening", convenings, "Network call held before Carrel"),
        (
            "resource",
            1,
            "Regional recruiting guide, published before Carrel",
        ),
        (
            "session",
            sessions,
            "Co-facilitated an orientation before Carrel",
        ),
    ];
    for (kind, count, note) in credits {
        for k in 0..count {
            let record = NewRecord {
                person_id: person,
                kind,
                occurred_on: shift(today, -480 + 30 * k as i64),
                note: note.to_owned(),
            };
            store::add_record(db, cohort_id, &record, lead).await?;
        }
    }
    Ok(())
}

/// The cohort's own monthly calls so far, led by its lead: each member attended their
/// share of them, and those who co-facilitated co-hosted one, so readiness comes from
/// the records as it would in a real network.
async fn hold_cohort_meetings(
    db: &Db,
    cohort_id: i64,
    lead: i64,
    progress: &[(i64, usize, usize)],
    today: NaiveDate,
) -> anyhow::Result<()> {
    let zone = chrono_tz::America::New_York;
    let first = shift(today, -95);
    let (three, four) = (at(15), at(16));
    let slots = schedule::plan_slots(zone, first, three, four, Repeat::MonthlyByWeekday, 4);
    let ids = convenings::store::create(
        db,
        &NewConvening {
            audience: Audience::Cohort(cohort_id),
            title: "Cohort call",
            agenda: "1. Round of regions\n2. This month's module\n3. Questions for the lead",
            host_id: lead,
            time_zone: zone.name(),
            video_url: &video::new_jitsi_room("https://meet.jit.si"),
            repeat: Repeat::MonthlyByWeekday,
            slots: &slots,
        },
    )
    .await?;
    let held: Vec<i64> = ids
        .iter()
        .zip(&slots)
        .filter(|(_, slot)| slot.starts_at < now())
        .map(|(id, _)| *id)
        .collect();
    for (index, id) in held.iter().enumerate() {
        let present: Vec<i64> = progress
            .iter()
            .filter(|(_, attended, _)| *attended > index)
            .map(|(person, _, _)| *person)
            .collect();
        convenings::store::record_attendance(db, *id, &present, lead).await?;
        let cohosts: Vec<i64> = progress
            .iter()
            .enumerate()
            .filter(|(n, (_, _, sessions))| *sessions > 0 && n % held.len().max(1) == index)
            .map(|(_, (person, _, _))| *person)
            .collect();
        convenings::store::set_cohosts(db, &[*id], &cohosts).await?;
    }
    Ok(())
}

fn at(hour: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or(NaiveTime::MIN)
}

/// Members of a running cohort enrolled on its first day, not when the demo was built, so
/// the meetings since count toward their readiness.
async fn backdate_enrollments(db: &Db, cohort_id: i64) -> Result<(), sqlx::Error> {
    let (starts_on,): (NaiveDate,) = on_db!(db, |pool| {
        sqlx::query_as("SELECT starts_on FROM cohorts WHERE id = $1")
            .bind(cohort_id)
            .fetch_one(pool)
            .await
    })?;
    let at: DateTime<Utc> = starts_on.and_time(NaiveTime::MIN).and_utc();
    execute!(
        db,
        sqlx::query("UPDATE cohort_members SET enrolled_at = $1 WHERE cohort_id = $2")
            .bind(at)
            .bind(cohort_id)
    )?;
    Ok(())
}

/// Graduations of a finished cohort happened on its last day, not when the demo was built.
async fn backdate_graduations(db: &Db, cohort_id: i64) -> Result<(), sqlx::Error> {
    let (ends_on,): (NaiveDate,) = on_db!(db, |pool| {
        sqlx::query_as("SELECT ends_on FROM cohorts WHERE id = $1")
            .bind(cohort_id)
            .fetch_one(pool)
            .await
    })?;
    let at: DateTime<Utc> = ends_on.and_time(NaiveTime::MIN).and_utc();
    execute!(
        db,
        sqlx::query("UPDATE cohort_members SET graduated_at = $1 WHERE cohort_id = $2")
            .bind(at)
            .bind(cohort_id)
    )?;
    Ok(())
}

async fn build_circles(
    db: &Db,
    seed: u64,
    guide: i64,
    other_guides: &[i64],
    today: NaiveDate,
) -> anyhow::Result<usize> {
    let mentor = person_id(db, DEMO_SIGN_INS[4].1).await?;
    let region = |code: &'static str| async move {
        let row: Option<(i64,)> = on_db!(db, |pool| {
            sqlx::query_as("SELECT id FROM regions WHERE code = $1")
                .bind(code)
                .fetch_optional(pool)
                .await
        })?;
        Ok::<_, sqlx::Error>(row.map(|(id,)| id))
    };
    let topic = |code: &'static str| async move {
        let row: Option<(i64,)> = on_db!(db, |pool| {
            sqlx::query_as("SELECT id FROM topics WHERE code = $1")
                .bind(code)
                .fetch_optional(pool)
                .await
        })?;
        Ok::<_, sqlx::Error>(row.map(|(id,)| id))
    };

    let plans = [
        ("Ohio mentors", Some(region("OH").await?), None, guide),
        (
            "Leading from the middle",
            None,
            Some(topic("leadership").await?),
            guide,
        ),
        (
            "New York academic mentors",
            Some(region("NY").await?),
            Some(topic("tenure_promotion").await?),
            other_guides.first().copied().unwrap_or(guide),
        ),
        (
            "Youth services mentors",
            None,
            Some(topic("youth_services").await?),
            other_guides.get(1).copied().unwrap_or(guide),
        ),
    ];
    let mut made = 0;
    for (index, (name, region_id, topic_id, leader)) in plans.into_iter().enumerate() {
        let circle = NewCircle {
            name: name.to_owned(),
            description: format!(
                "Mentors who meet monthly to trade notes: {}.",
                name.to_lowercase()
            ),
            region_id: region_id.flatten(),
            topic_id: topic_id.flatten(),
        };
        let id = circles::create(db, &circle, leader).await?;
        made += 1;

        for person in mentors_for(db, circle.region_id, seed, index as u64).await? {
            if person != leader {
                circles::add_member(db, id, person).await?;
            }
        }
        match index {
            1 => circles::add_member(db, id, mentor).await?,
            2 => circles::request_to_join(db, id, mentor).await?,
            _ => {}
        }
        for g in 0..3 {
            let held_on = shift(today, -75 + 30 * g);
            let note = [
                "Introductions; everyone brought one question from their first meetings.",
                "Setting goals that a mentee still cares about in month three.",
                "What to do when a mentee goes quiet.",
            ][g as usize];
            circles::add_gathering(db, id, held_on, note, leader).await?;
        }
        circles::add_note(
            db,
            id,
            leader,
            "Next time: bring one thing that worked and one that did not.",
        )
        .await?;
    }
    Ok(made)
}

/// Up to eight mentors for a circle, from its region when it has one.
async fn mentors_for(
    db: &Db,
    region_id: Option<i64>,
    seed: u64,
    salt: u64,
) -> Result<Vec<i64>, sqlx::Error> {
    let sql = "SELECT p.id FROM people p JOIN grants g ON g.person_id = p.id \
         WHERE g.role = 'mentor' AND p.status = 'active' AND ($1 = 0 OR p.region_id = $1) \
         ORDER BY p.id LIMIT 200";
    let rows: Vec<(i64,)> = on_db!(db, |pool| {
        sqlx::query_as(sql)
            .bind(region_id.unwrap_or(0))
            .fetch_all(pool)
            .await
    })?;
    let mut chosen = Vec::new();
    for k in 0..8 {
        if rows.is_empty() {
            break;
        }
        let pick = rows[roll(seed ^ salt, k, rows.len() as u64) as usize].0;
        if !chosen.contains(&pick) {
            chosen.push(pick);
        }
    }
    Ok(chosen)
}

async fn person_id(db: &Db, email: &str) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = on_db!(db, |pool| {
        sqlx::query_as("SELECT id FROM people WHERE email = $1")
            .bind(email)
            .fetch_one(pool)
            .await
    })?;
    Ok(id)
}

async fn ids(db: &Db, sql: &str) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = on_db!(db, |pool| sqlx::query_as(sql).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}
