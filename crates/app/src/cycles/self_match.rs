//! Self-match: in a cycle that allows it, a mentee who applied browses the mentors the engine
//! suggests for them, with the reasons in words, and asks one with a message; the mentor
//! accepts or declines.
//!
//! A request is `waiting`, then `accepted`, `declined`, or `withdrawn` (the mentee found a
//! mentor another way first). An accepted request becomes a proposal of solver `self`, already
//! accepted by both, and a mentorship, in one transaction that first locks the mentor's offer
//! and counts their places within it: a mentor's capacity is never exceeded, even when two of
//! their requests are accepted at the same moment.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use crate::cycles::cycle::Cycle;
use crate::cycles::engine::{self, Only};
use crate::cycles::pool;
use crate::cycles::proposals;
use crate::cycles::state::CycleState;
use crate::mentorships::home::NextStep;
use crate::on_db;
use crate::people::profile::Topic;
use crate::platform::db::{now, Db};
use crate::platform::mail;
use crate::platform::web::forms::FieldErrors;

/// How many suggested mentors a mentee sees.
pub const SUGGESTED: usize = 10;

/// How many requests a mentee may have waiting at once, so a few mentors are asked at a time.
pub const MAX_WAITING: i64 = 3;

/// The longest message, in characters.
pub const MESSAGE_MAX: usize = 1000;

/// Whether a cycle takes self-match requests now: it allows them and its pairs are being
/// formed (published or active), so every place already given is counted.
pub fn takes_requests(cycle: &Cycle) -> bool {
    cycle.self_match && matches!(cycle.state(), CycleState::Published | CycleState::Active)
}

/// A mentor suggested to a mentee, with the score, the reasons and the places left.
#[derive(Clone, Debug)]
pub struct Suggested {
    /// The mentor.
    pub mentor_id: i64,
    /// Their name.
    pub name: String,
    /// The pair's score.
    pub score: u16,
    /// The reasons, in words.
    pub reasons: Vec<String>,
    /// Places the mentor still has.
    pub free: i64,
}

/// A request as stored, with both names.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Request {
    /// Its id.
    pub id: i64,
    /// The cycle.
    pub cycle_id: i64,
    /// The mentee who asked.
    pub mentee_id: i64,
    /// Their name.
    pub mentee_name: String,
    /// Their address.
    pub mentee_email: String,
    /// The mentor asked.
    pub mentor_id: i64,
    /// Their name.
    pub mentor_name: String,
    /// Their address.
    pub mentor_email: String,
    /// The mentee's message.
    pub message: String,
    /// The pair's score when asked.
    pub score: i64,
    /// `waiting`, `accepted`, `declined` or `withdrawn`.
    pub status: String,
    /// The mentor's reply.
    pub reply: String,
    /// When it was sent.
    pub created_at: DateTime<Utc>,
}

impl Request {
    /// The status in words.
    pub fn status_label(&self) -> &'static str {
        match self.status.as_str() {
            "waiting" => "Waiting for the mentor",
            "accepted" => "Accepted: your mentorship has begun",
            "declined" => "Declined",
            _ => "Withdrawn: you have a mentor",
        }
    }
}

const REQUEST_SELECT: &str = "SELECT r.id, r.cycle_id, r.mentee_id, e.name AS mentee_name, \
     e.email AS mentee_email, r.mentor_id, m.name AS mentor_name, m.email AS mentor_email, \
     r.message, r.score, r.status, r.reply, r.created_at \
     FROM match_requests r JOIN people e ON e.id = r.mentee_id JOIN people m ON m.id = r.mentor_id";

/// One request.
pub async fn find(db: &Db, id: i64) -> Result<Option<Request>, sqlx::Error> {
    let sql = format!("{REQUEST_SELECT} WHERE r.id = $1");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)
}

/// A mentee's requests in a cycle, newest first.
pub async fn of_mentee(
    db: &Db,
    cycle_id: i64,
    mentee_id: i64,
) -> Result<Vec<Request>, sqlx::Error> {
    let sql =
        format!("{REQUEST_SELECT} WHERE r.cycle_id = $1 AND r.mentee_id = $2 ORDER BY r.id DESC");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(cycle_id)
        .bind(mentee_id)
        .fetch_all(pool)
        .await)
}

/// The requests a mentor received in a cycle: waiting ones first, then the answered.
pub async fn of_mentor(
    db: &Db,
    cycle_id: i64,
    mentor_id: i64,
) -> Result<Vec<Request>, sqlx::Error> {
    let sql = format!(
        "{REQUEST_SELECT} WHERE r.cycle_id = $1 AND r.mentor_id = $2 \
         ORDER BY CASE WHEN r.status = 'waiting' THEN 0 ELSE 1 END, r.id LIMIT 200"
    );
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(cycle_id)
        .bind(mentor_id)
        .fetch_all(pool)
        .await)
}

/// What self-match asks of a person on their home page: choosing a mentor in the cycles
/// where they applied and still have none, and answering the mentees who asked them.
pub async fn home_steps(db: &Db, person_id: i64) -> Result<Vec<NextStep>, sqlx::Error> {
    let choosing = still_choosing(db, person_id).await?;
    let asked = awaiting_answer(db, person_id).await?;

    let mut steps: Vec<NextStep> = choosing
        .into_iter()
        .map(|c| NextStep {
            text: match c.waiting {
                0 => format!(
                    "Choose your mentor in {}: see who is suggested for you",
                    c.cycle_name
                ),
                1 => format!(
                    "You asked a mentor in {}: see their answer, or ask another",
                    c.cycle_name
                ),
                n => format!(
                    "You asked {n} mentors in {}: see their answers",
                    c.cycle_name
                ),
            },
            href: format!("/cycles/{}/mentors", c.cycle_id),
        })
        .collect();
    steps.extend(asked.into_iter().map(|c| NextStep {
        text: match c.waiting {
            1 => format!(
                "A mentee asked you to mentor them in {}: answer them",
                c.cycle_name
            ),
            n => format!(
                "{n} mentees asked you to mentor them in {}: answer them",
                c.cycle_name
            ),
        },
        href: format!("/cycles/{}/requests", c.cycle_id),
    }));
    Ok(steps)
}

// A self-match cycle with how many requests in it wait for an answer: the mentee's own, or
// those to the mentor.
#[derive(sqlx::FromRow)]
struct CycleRequests {
    cycle_id: i64,
    cycle_name: String,
    waiting: i64,
}

// The cycles taking requests now in which the mentee applied and has no mentor or proposal
// out yet.
async fn still_choosing(db: &Db, mentee_id: i64) -> Result<Vec<CycleRequests>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT c.id AS cycle_id, c.name AS cycle_name, \
             (SELECT COUNT(*) FROM match_requests r WHERE r.cycle_id = c.id \
              AND r.mentee_id = $1 AND r.status = 'waiting') AS waiting \
             FROM cycles c JOIN applications a ON a.cycle_id = c.id AND a.person_id = $1 \
             WHERE c.self_match = TRUE AND c.state IN ('published', 'active') \
             AND NOT EXISTS (SELECT 1 FROM proposals p WHERE p.cycle_id = c.id \
              AND p.mentee_id = $1 AND p.status IN ('published', 'accepted')) \
             ORDER BY c.id",
        )
        .bind(mentee_id)
        .fetch_all(pool)
        .await
    })
}

// The cycles in which mentees wait for this mentor's answer.
async fn awaiting_answer(db: &Db, mentor_id: i64) -> Result<Vec<CycleRequests>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT c.id AS cycle_id, c.name AS cycle_name, COUNT(*) AS waiting \
             FROM match_requests r JOIN cycles c ON c.id = r.cycle_id \
             WHERE r.mentor_id = $1 AND r.status = 'waiting' \
             GROUP BY c.id, c.name ORDER BY c.id",
        )
        .bind(mentor_id)
        .fetch_all(pool)
        .await
    })
}

/// Places a mentor has left in a cycle: their offer's capacity less proposals out or
/// accepted (none without an offer).
pub async fn free_places(db: &Db, cycle_id: i64, mentor_id: i64) -> Result<i64, sqlx::Error> {
    let (free,): (i64,) = on_db!(db, |pool| {
        sqlx::query_as(FREE_PLACES)
            .bind(cycle_id)
            .bind(mentor_id)
            .fetch_one(pool)
            .await
    })?;
    Ok(free)
}

const FREE_PLACES: &str = "SELECT COALESCE((SELECT capacity FROM offers \
       WHERE cycle_id = $1 AND person_id = $2), 0) \
     - (SELECT COUNT(*) FROM proposals WHERE cycle_id = $1 AND mentor_id = $2 \
        AND status IN ('published', 'accepted'))";

/// The mentors the engine suggests to one mentee, best first: acceptable pairs only, mentors
/// with a free place, none the mentee already asked.
pub async fn suggestions(
    db: &Db,
    cycle: &Cycle,
    topics: &[Topic],
    mentee_id: i64,
) -> anyhow::Result<Vec<Suggested>> {
    let inputs = engine::load(db, cycle, topics, Only::Mentee(mentee_id)).await?;
    let Some(mentee) = inputs.mentee_index(mentee_id) else {
        return Ok(Vec::new());
    };
    let asked: HashSet<i64> = of_mentee(db, cycle.id, mentee_id)
        .await?
        .iter()
        .map(|r| r.mentor_id)
        .collect();
    let taken = places_taken(db, cycle.id).await?;

    let mut ranked = Vec::new();
    for (mentor, offer) in inputs.offers.iter().enumerate() {
        let mentor_id = engine::person_id(offer.person);
        let used = taken
            .iter()
            .find(|(id, _)| *id == mentor_id)
            .map_or(0, |(_, n)| *n);
        let free = i64::from(offer.capacity) - used;
        if free <= 0 || asked.contains(&mentor_id) {
            continue;
        }
        if let Ok(explanation) = inputs.explain(mentee, mentor) {
            ranked.push((explanation, mentor_id, free));
        }
    }
    ranked.sort_by(|a, b| b.0.score.cmp(&a.0.score).then(a.1.cmp(&b.1)));
    ranked.truncate(SUGGESTED);

    let ids: Vec<i64> = ranked.iter().map(|(_, id, _)| *id).collect();
    let names = pool::person_names(db, &ids).await?;
    Ok(ranked
        .into_iter()
        .map(|(explanation, mentor_id, free)| Suggested {
            mentor_id,
            name: names
                .iter()
                .find(|(id, _)| *id == mentor_id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default(),
            score: explanation.score,
            reasons: explanation
                .reasons
                .iter()
                .map(ToString::to_string)
                .collect(),
            free,
        })
        .collect())
}

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

/// Checks a request's message: required, at most [`MESSAGE_MAX`] characters.
pub fn validate_message(message: &str) -> Result<String, FieldErrors> {
    let mut errors = FieldErrors::new();
    let trimmed = message.trim();
    if trimmed.is_empty() {
        errors.add(
            "message",
            "Write a few words to the mentor: what you hope to work on together.",
        );
    } else if trimmed.chars().count() > MESSAGE_MAX {
        errors.add(
            "message",
            format!("Keep the message to {MESSAGE_MAX} characters or fewer."),
        );
    }
    if errors.is_empty() {
        Ok(trimmed.to_owned())
    } else {
        Err(errors)
    }
}

/// Why a request was not sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotSent {
    /// The mentee already asked this mentor in this cycle.
    AlreadyAsked,
    /// The mentee has [`MAX_WAITING`] requests waiting.
    TooMany,
    /// The mentee already has a mentor or a proposal out in this cycle.
    HasMentor,
}

impl NotSent {
    /// The message shown at the field.
    pub fn message(self) -> String {
        match self {
            NotSent::AlreadyAsked => "You have already asked this mentor in this cycle.".into(),
            NotSent::TooMany => format!(
                "You have {MAX_WAITING} requests waiting; wait for an answer before asking \
                 another mentor."
            ),
            NotSent::HasMentor => "You already have a mentor or a proposed match in this \
                                   cycle."
                .into(),
        }
    }
}

/// Sends a request to a mentor and tells them by email. The pair must be one the engine
/// accepts (checked by the caller, which gives the score).
pub async fn send(
    db: &Db,
    cycle: &Cycle,
    mentee_id: i64,
    mentor_id: i64,
    score: u16,
    message: &str,
    base_url: &str,
) -> anyhow::Result<Result<i64, NotSent>> {
    let (asked, waiting, busy): (i64, i64, i64) = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM match_requests WHERE cycle_id = $1 \
               AND mentee_id = $2 AND mentor_id = $3), \
             (SELECT COUNT(*) FROM match_requests WHERE cycle_id = $1 AND mentee_id = $2 \
               AND status = 'waiting'), \
             (SELECT COUNT(*) FROM proposals WHERE cycle_id = $1 AND mentee_id = $2 \
               AND status IN ('published', 'accepted'))",
        )
        .bind(cycle.id)
        .bind(mentee_id)
        .bind(mentor_id)
        .fetch_one(pool)
        .await
    })?;
    let refusal = if asked > 0 {
        Some(NotSent::AlreadyAsked)
    } else if busy > 0 {
        Some(NotSent::HasMentor)
    } else if waiting >= MAX_WAITING {
        Some(NotSent::TooMany)
    } else {
        None
    };
    if let Some(refusal) = refusal {
        tracing::debug!(cycle.id = cycle.id, ?refusal, "mentor request refused");
        return Ok(Err(refusal));
    }

    // The unique key (cycle, mentee, mentor) settles two identical requests sent at once.
    let inserted: Option<(i64,)> = on_db!(db, |pool| {
        sqlx::query_as(
            "INSERT INTO match_requests (cycle_id, mentee_id, mentor_id, message, score, \
             status, created_at) VALUES ($1, $2, $3, $4, $5, 'waiting', $6) \
             ON CONFLICT (cycle_id, mentee_id, mentor_id) DO NOTHING RETURNING id",
        )
        .bind(cycle.id)
        .bind(mentee_id)
        .bind(mentor_id)
        .bind(message)
        .bind(i64::from(score))
        .bind(now())
        .fetch_optional(pool)
        .await
    })?;
    let Some((id,)) = inserted else {
        return Ok(Err(NotSent::AlreadyAsked));
    };
    if let Some(request) = find(db, id).await? {
        notify_mentor(db, cycle, &request, base_url).await?;
    }
    tracing::info!(cycle.id = cycle.id, request.id = id, "mentor requested");
    Ok(Ok(id))
}

async fn notify_mentor(
    db: &Db,
    cycle: &Cycle,
    request: &Request,
    base_url: &str,
) -> Result<(), sqlx::Error> {
    let body = format!(
        "Hello {},\n\n{} would like you as their mentor in {} and wrote:\n\n{}\n\n\
         See why Carrel suggested you, and accept or decline:\n{base_url}/cycles/{}/requests\n",
        request.mentor_name, request.mentee_name, cycle.name, request.message, cycle.id
    );
    mail::enqueue(
        db,
        &request.mentor_email,
        "A mentee asks you to mentor them",
        &body,
    )
    .await
}

/// What a mentor's answer led to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Accepted: the mentorship with this id exists.
    Mentorship(i64),
    /// Declined: the mentee was told.
    Declined,
    /// Not accepted: the mentor has no free place left.
    Full,
    /// Not accepted: the mentee already has a mentor or a proposal out.
    MenteeTaken,
    /// Nothing changed: the request was already answered or withdrawn.
    TooLate,
}

impl Outcome {
    /// What the mentor is told when the answer changed nothing.
    pub fn refusal(self) -> Option<&'static str> {
        match self {
            Outcome::Full => Some(
                "You have no free place left in this cycle: every place you offered is taken. \
                 Decline this request, or ask your coordinator to raise your capacity.",
            ),
            Outcome::MenteeTaken => {
                Some("This mentee has found a mentor in the meantime; their request is withdrawn.")
            }
            Outcome::TooLate => Some("This request was already answered."),
            Outcome::Mentorship(_) | Outcome::Declined => None,
        }
    }
}

/// Accepts a request: in one transaction, the mentor's offer row is locked (a row lock on
/// PostgreSQL, the database's write lock on SQLite), their free places and the mentee's
/// live proposals are counted, and only then the accepted proposal and the mentorship are
/// written. Of two acceptances for a mentor's last place, the second waits for the first and
/// then finds no place.
pub async fn accept(db: &Db, request: &Request) -> anyhow::Result<Outcome> {
    let at = now();
    let liaison = proposals::liaison_of(db, request.cycle_id, request.mentee_id).await?;
    let outcome: Outcome = on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        sqlx::query(
            "UPDATE offers SET updated_at = updated_at WHERE cycle_id = $1 AND person_id = $2",
        )
        .bind(request.cycle_id)
        .bind(request.mentor_id)
        .execute(&mut *tx)
        .await?;
        let (free,): (i64,) = sqlx::query_as(FREE_PLACES)
            .bind(request.cycle_id)
            .bind(request.mentor_id)
            .fetch_one(&mut *tx)
            .await?;
        let (mentee_busy,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM proposals WHERE cycle_id = $1 AND mentee_id = $2 \
             AND status IN ('published', 'accepted')",
        )
        .bind(request.cycle_id)
        .bind(request.mentee_id)
        .fetch_one(&mut *tx)
        .await?;
        let claimed = if free <= 0 || mentee_busy > 0 {
            0
        } else {
            sqlx::query(
                "UPDATE match_requests SET status = 'accepted', answered_at = $1 \
                 WHERE id = $2 AND status = 'waiting'",
            )
            .bind(at)
            .bind(request.id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
        };
        if claimed == 0 {
            tx.rollback().await?;
            Ok::<Outcome, sqlx::Error>(if free <= 0 {
                Outcome::Full
            } else if mentee_busy > 0 {
                Outcome::MenteeTaken
            } else {
                Outcome::TooLate
            })
        } else {
            let (proposal_id,): (i64,) = sqlx::query_as(
                "INSERT INTO proposals (cycle_id, solver, mentee_id, mentor_id, score, status, \
                 mentee_answer, mentor_answer, published_at, created_at) \
                 VALUES ($1, 'self', $2, $3, $4, 'accepted', 'accepted', 'accepted', $5, $5) \
                 RETURNING id",
            )
            .bind(request.cycle_id)
            .bind(request.mentee_id)
            .bind(request.mentor_id)
            .bind(request.score)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("UPDATE match_requests SET proposal_id = $1 WHERE id = $2")
                .bind(proposal_id)
                .bind(request.id)
                .execute(&mut *tx)
                .await?;
            let (mentorship_id,): (i64,) = sqlx::query_as(
                "INSERT INTO mentorships (cycle_id, proposal_id, mentee_id, mentor_id, \
                 liaison_id, status, started_at) VALUES ($1, $2, $3, $4, $5, 'active', $6) \
                 RETURNING id",
            )
            .bind(request.cycle_id)
            .bind(proposal_id)
            .bind(request.mentee_id)
            .bind(request.mentor_id)
            .bind(liaison)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            // The mentee has a mentor now: their other requests no longer wait.
            sqlx::query(
                "UPDATE match_requests SET status = 'withdrawn', answered_at = $1 \
                 WHERE cycle_id = $2 AND mentee_id = $3 AND status = 'waiting'",
            )
            .bind(at)
            .bind(request.cycle_id)
            .bind(request.mentee_id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Outcome::Mentorship(mentorship_id))
        }
    })?;

    match outcome {
        Outcome::Mentorship(id) => {
            tracing::info!(
                request.id = request.id,
                mentorship.id = id,
                "request accepted"
            );
            notify_accepted(db, request).await?;
        }
        Outcome::MenteeTaken => {
            withdraw(db, request.id).await?;
            tracing::debug!(request.id = request.id, "request refused: mentee taken");
        }
        _ => tracing::debug!(request.id = request.id, ?outcome, "request not accepted"),
    }
    Ok(outcome)
}

async fn withdraw(db: &Db, request_id: i64) -> Result<(), sqlx::Error> {
    crate::execute!(
        db,
        sqlx::query(
            "UPDATE match_requests SET status = 'withdrawn', answered_at = $1 \
             WHERE id = $2 AND status = 'waiting'",
        )
        .bind(now())
        .bind(request_id)
    )?;
    Ok(())
}

async fn notify_accepted(db: &Db, request: &Request) -> Result<(), sqlx::Error> {
    let body = |name: &str, other: &str| {
        format!(
            "Hello {name},\n\nYou and {other} have agreed: your mentorship has begun. Plan \
             your first meeting soon. Your liaison coordinator is there if anything goes \
             wrong.\n"
        )
    };
    let subject = "Your mentorship has begun";
    let to_mentee = body(&request.mentee_name, &request.mentor_name);
    let to_mentor = body(&request.mentor_name, &request.mentee_name);
    mail::enqueue(db, &request.mentee_email, subject, &to_mentee).await?;
    mail::enqueue(db, &request.mentor_email, subject, &to_mentor).await
}

/// Declines a request with an optional reply, and tells the mentee.
pub async fn decline(db: &Db, request: &Request, reply: &str) -> anyhow::Result<Outcome> {
    let changed = crate::execute!(
        db,
        sqlx::query(
            "UPDATE match_requests SET status = 'declined', reply = $1, answered_at = $2 \
             WHERE id = $3 AND status = 'waiting'",
        )
        .bind(reply)
        .bind(now())
        .bind(request.id)
    )?;
    if changed == 0 {
        return Ok(Outcome::TooLate);
    }
    let reply_line = if reply.is_empty() {
        String::new()
    } else {
        format!("They wrote:\n\n{reply}\n\n")
    };
    let body = format!(
        "Hello {},\n\n{} cannot take you on as a mentee this time. {reply_line}\
         Other suggested mentors are waiting for you in Carrel.\n",
        request.mentee_name, request.mentor_name
    );
    mail::enqueue(
        db,
        &request.mentee_email,
        "Your mentor request was declined",
        &body,
    )
    .await?;
    tracing::info!(request.id = request.id, "request declined");
    Ok(Outcome::Declined)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_required_and_kept_short() {
        assert!(validate_message("  ").is_err());
        assert!(validate_message(&"a".repeat(MESSAGE_MAX + 1)).is_err());
        assert_eq!(validate_message("  Hello ").ok().as_deref(), Some("Hello"));
    }

    #[test]
    fn every_refusal_says_what_happened() {
        for outcome in [Outcome::Full, Outcome::MenteeTaken, Outcome::TooLate] {
            assert!(outcome.refusal().is_some_and(|m| !m.is_empty()));
        }
        assert!(Outcome::Declined.refusal().is_none());
    }
}
