//! The pool: mentees without a live proposal (never matched, declined, or expired), in order
//! of application, each with the engine's best mentor who still has a free place.
//!
//! Suggestions are made first come, first served: the earliest applicant takes their best
//! candidate with a free place, then the next, so the waitlist's order is honored. A pair
//! that was declined, expired or forbidden is never suggested again. The coordinator
//! confirms each suggestion, which sends it out like a published proposal.

use std::collections::HashSet;

use carrel_matching::profile::PersonId;
use chrono::{DateTime, Utc};

use crate::cycles::cycle::Cycle;
use crate::cycles::engine::{self, Only};
use crate::on_db;
use crate::people::profile::Topic;
use crate::platform::db::Db;

/// The most pool entries shown at once.
pub const SHOWN: usize = 100;

/// One mentee of the pool.
#[derive(Clone, Debug)]
pub struct PoolEntry {
    /// The mentee.
    pub mentee_id: i64,
    /// Their name.
    pub name: String,
    /// When they applied: the pool's order.
    pub submitted_at: DateTime<Utc>,
    /// Their last declined or expired proposal: the mentor's name and the reason given.
    pub last_decline: Option<(String, String)>,
    /// The suggested next mentor.
    pub suggestion: Option<Suggestion>,
}

/// A mentor suggested for a pool mentee.
#[derive(Clone, Debug)]
pub struct Suggestion {
    /// The mentor.
    pub mentor_id: i64,
    /// Their name.
    pub name: String,
    /// The pair's score.
    pub score: u16,
    /// The reasons, in words.
    pub reasons: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct PoolRow {
    mentee_id: i64,
    name: String,
    submitted_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct EndedRow {
    mentee_id: i64,
    mentor_id: i64,
    mentor_name: String,
    decline_reason: String,
}

/// The pool of a cycle with a suggestion for as many mentees as free places allow.
pub async fn pool(db: &Db, cycle: &Cycle, topics: &[Topic]) -> anyhow::Result<Vec<PoolEntry>> {
    let waiting: Vec<PoolRow> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT a.person_id AS mentee_id, p.name, a.submitted_at FROM applications a \
             JOIN people p ON p.id = a.person_id WHERE a.cycle_id = $1 AND NOT EXISTS ( \
               SELECT 1 FROM proposals x WHERE x.cycle_id = a.cycle_id \
               AND x.mentee_id = a.person_id AND x.status IN ('published', 'accepted')) \
             ORDER BY a.submitted_at, a.id",
        )
        .bind(cycle.id)
        .fetch_all(pool)
        .await
    })?;
    let ended: Vec<EndedRow> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT x.mentee_id, x.mentor_id, m.name AS mentor_name, x.decline_reason \
             FROM proposals x JOIN people m ON m.id = x.mentor_id \
             WHERE x.cycle_id = $1 AND x.status IN ('declined', 'expired') ORDER BY x.id",
        )
        .bind(cycle.id)
        .fetch_all(pool)
        .await
    })?;
    let taken = places_taken(db, cycle.id).await?;
    let forbidden = crate::cycles::matching::pair_rules(db, cycle.id).await?;

    let mut excluded: HashSet<(i64, i64)> =
        ended.iter().map(|e| (e.mentee_id, e.mentor_id)).collect();
    excluded.extend(
        forbidden
            .iter()
            .filter(|r| r.kind == "forbid")
            .map(|r| (r.mentee_id, r.mentor_id)),
    );
    let suggestions = suggest(db, cycle, topics, &waiting, &taken, &excluded).await?;

    Ok(waiting
        .into_iter()
        .take(SHOWN)
        .zip(suggestions.into_iter().chain(std::iter::repeat(None)))
        .map(|(row, suggestion)| PoolEntry {
            last_decline: ended
                .iter()
                .rev()
                .find(|e| e.mentee_id == row.mentee_id)
                .map(|e| (e.mentor_name.clone(), e.decline_reason.clone())),
            mentee_id: row.mentee_id,
            name: row.name,
            submitted_at: row.submitted_at,
            suggestion,
        })
        .collect())
}

/// Places taken per mentor in a cycle: proposals out or accepted.
async fn places_taken(db: &Db, cycle_id: i64) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT mentor_id, COUNT(*) FROM proposals WHERE cycle_id = $1 \
             AND status IN ('published', 'accepted') GROUP BY mentor_id",
        )
        .bind(cycle_id)
        .fetch_all(pool)
        .await
    })
}

// First come, first served over the engine's candidates: one suggestion per shown mentee.
async fn suggest(
    db: &Db,
    cycle: &Cycle,
    topics: &[Topic],
    waiting: &[PoolRow],
    taken: &[(i64, i64)],
    excluded: &HashSet<(i64, i64)>,
) -> anyhow::Result<Vec<Option<Suggestion>>> {
    if waiting.is_empty() {
        return Ok(Vec::new());
    }
    let mut inputs = engine::load(db, cycle, topics, Only::All).await?;
    let waiting_ids: HashSet<PersonId> = waiting
        .iter()
        .map(|w| engine::person(w.mentee_id))
        .collect();
    inputs
        .applications
        .retain(|a| waiting_ids.contains(&a.person));
    for offer in &mut inputs.offers {
        let used = taken
            .iter()
            .find(|(mentor, _)| engine::person(*mentor) == offer.person)
            .map_or(0, |(_, n)| *n);
        offer.capacity = (i64::from(offer.capacity) - used).clamp(0, 5) as u8;
    }
    let names = person_names(
        db,
        &inputs
            .offers
            .iter()
            .map(|o| engine::person_id(o.person))
            .collect::<Vec<_>>(),
    )
    .await?;

    let candidates = inputs.candidates()?;
    let mut free: Vec<u8> = inputs.offers.iter().map(|o| o.capacity).collect();
    let mut suggestions = Vec::with_capacity(waiting.len().min(SHOWN));
    for row in waiting.iter().take(SHOWN) {
        let Some(mentee) = inputs
            .applications
            .iter()
            .position(|a| a.person == engine::person(row.mentee_id))
        else {
            suggestions.push(None);
            continue;
        };
        let pick = candidates.instance.candidates(mentee as u32).find(|c| {
            let mentor_id = engine::person_id(inputs.offers[c.mentor as usize].person);
            free[c.mentor as usize] > 0 && !excluded.contains(&(row.mentee_id, mentor_id))
        });
        let suggestion = pick.map(|c| {
            let mentor = c.mentor as usize;
            free[mentor] -= 1;
            let mentor_id = engine::person_id(inputs.offers[mentor].person);
            let reasons = inputs
                .explain(mentee, mentor)
                .map(|e| e.reasons.iter().map(ToString::to_string).collect())
                .unwrap_or_default();
            Suggestion {
                mentor_id,
                name: names
                    .iter()
                    .find(|(id, _)| *id == mentor_id)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default(),
                score: c.score,
                reasons,
            }
        });
        suggestions.push(suggestion);
    }
    Ok(suggestions)
}

/// The names of these people.
pub async fn person_names(db: &Db, ids: &[i64]) -> Result<Vec<(i64, String)>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id, name FROM people WHERE id IN ({})",
        crate::platform::db::join_ids(ids)
    );
    on_db!(db, |pool| sqlx::query_as(&sql).fetch_all(pool).await)
}
