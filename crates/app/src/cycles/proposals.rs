//! Publication and answers: proposals go out to both people, each accepts or declines
//! before a deadline, and when both accept the pair becomes a mentorship with a liaison.
//!
//! A proposal is `draft` (one of a run's two proposals), `published` (out, waiting for
//! answers), `accepted` (both said yes), `declined` (one said no, with a reason) or
//! `expired` (the deadline passed without both answers). Declined and expired mentees go
//! back to the pool, where the coordinator confirms a next mentor.

use chrono::{DateTime, Duration, Utc};

use crate::cycles::cycle::Cycle;
use crate::cycles::matching::Solver;
use crate::platform::db::{now, Db};
use crate::platform::mail;
use crate::{execute, on_db};

/// Which side of a proposal a person is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The mentee.
    Mentee,
    /// The mentor.
    Mentor,
}

/// A proposal with both people's names and addresses.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Proposal {
    /// Its id.
    pub id: i64,
    /// The cycle.
    pub cycle_id: i64,
    /// The mentee.
    pub mentee_id: i64,
    /// Their name.
    pub mentee_name: String,
    /// Their address.
    pub mentee_email: String,
    /// The mentor.
    pub mentor_id: i64,
    /// Their name.
    pub mentor_name: String,
    /// Their address.
    pub mentor_email: String,
    /// The pair's score when proposed.
    pub score: i64,
    /// The status code.
    pub status: String,
    /// `accepted`, `declined` or empty.
    pub mentee_answer: String,
    /// `accepted`, `declined` or empty.
    pub mentor_answer: String,
    /// Why it was declined.
    pub decline_reason: String,
    /// The deadline to answer.
    pub answer_by: Option<DateTime<Utc>>,
}

impl Proposal {
    /// The side a person is on, if they are one of the pair.
    pub fn side_of(&self, person_id: i64) -> Option<Side> {
        if person_id == self.mentee_id {
            Some(Side::Mentee)
        } else if person_id == self.mentor_id {
            Some(Side::Mentor)
        } else {
            None
        }
    }

    /// A side's answer so far.
    pub fn answer_of(&self, side: Side) -> &str {
        match side {
            Side::Mentee => &self.mentee_answer,
            Side::Mentor => &self.mentor_answer,
        }
    }

    /// A person's answer so far, empty when they have not answered or are not in the pair.
    pub fn answer_of_person(&self, person_id: i64) -> &str {
        self.side_of(person_id)
            .map_or("", |side| self.answer_of(side))
    }

    /// Whether a side may still answer at this moment.
    pub fn awaits(&self, side: Side, at: DateTime<Utc>) -> bool {
        self.status == "published"
            && self.answer_of(side).is_empty()
            && self.answer_by.is_none_or(|by| at <= by)
    }

    /// The status in words.
    pub fn status_label(&self) -> &'static str {
        match self.status.as_str() {
            "published" => "Waiting for answers",
            "accepted" => "Accepted by both",
            "declined" => "Declined",
            "expired" => "Expired without both answers",
            _ => "Draft",
        }
    }
}

const PROPOSAL_SELECT: &str = "SELECT x.id, x.cycle_id, x.mentee_id, e.name AS mentee_name, \
     e.email AS mentee_email, x.mentor_id, m.name AS mentor_name, m.email AS mentor_email, \
     x.score, x.status, x.mentee_answer, x.mentor_answer, x.decline_reason, x.answer_by \
     FROM proposals x JOIN people e ON e.id = x.mentee_id JOIN people m ON m.id = x.mentor_id";

/// One proposal.
pub async fn find(db: &Db, id: i64) -> Result<Option<Proposal>, sqlx::Error> {
    let sql = format!("{PROPOSAL_SELECT} WHERE x.id = $1");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)
}

/// A person's proposals that are out or accepted, newest first, for their home page.
pub async fn of_person(db: &Db, person_id: i64) -> Result<Vec<Proposal>, sqlx::Error> {
    let sql = format!(
        "{PROPOSAL_SELECT} WHERE (x.mentee_id = $1 OR x.mentor_id = $1) \
         AND x.status IN ('published', 'accepted') ORDER BY x.id DESC LIMIT 20"
    );
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(person_id)
        .fetch_all(pool)
        .await)
}

/// A cycle's proposals of one status, by mentee name, a page at a time.
pub async fn of_cycle(
    db: &Db,
    cycle_id: i64,
    status: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<Proposal>, sqlx::Error> {
    let sql = format!(
        "{PROPOSAL_SELECT} WHERE x.cycle_id = $1 AND x.status = $2 \
         ORDER BY e.name, x.id LIMIT $3 OFFSET $4"
    );
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(cycle_id)
        .bind(status)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await)
}

/// How many of a cycle's proposals are in each status.
pub async fn status_counts(db: &Db, cycle_id: i64) -> Result<Vec<(String, i64)>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT status, COUNT(*) FROM proposals WHERE cycle_id = $1 AND status <> 'draft' \
             GROUP BY status ORDER BY status",
        )
        .bind(cycle_id)
        .fetch_all(pool)
        .await
    })
}

/// Publishes one solver's draft proposals: the other's drafts are dropped, each chosen pair
/// gets a deadline, and both people are told. Returns how many pairs went out.
pub async fn publish(
    db: &Db,
    cycle: &Cycle,
    solver: Solver,
    base_url: &str,
) -> Result<usize, sqlx::Error> {
    let at = now();
    let deadline = at + Duration::days(cycle.answer_days);
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        sqlx::query(
            "DELETE FROM proposals WHERE cycle_id = $1 AND status = 'draft' AND solver <> $2",
        )
        .bind(cycle.id)
        .bind(solver.code())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE proposals SET status = 'published', published_at = $1, answer_by = $2 \
             WHERE cycle_id = $3 AND status = 'draft'",
        )
        .bind(at)
        .bind(deadline)
        .bind(cycle.id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    })?;

    let sql = format!(
        "{PROPOSAL_SELECT} WHERE x.cycle_id = $1 AND x.status = 'published' AND x.published_at = $2"
    );
    let published: Vec<Proposal> = on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(cycle.id)
        .bind(at)
        .fetch_all(pool)
        .await)?;
    for proposal in &published {
        notify_published(db, cycle, proposal, base_url).await?;
    }
    tracing::info!(
        cycle.id = cycle.id,
        pairs = published.len(),
        "proposals published"
    );
    Ok(published.len())
}

/// Proposes one pair by hand (a next mentor after a decline, or a waitlisted mentee), out at
/// once with its deadline, and tells both people. Returns the proposal's id, or `None` when
/// the mentor has no free place or the mentee already has a live proposal.
///
/// The mentor's offer row is written first inside the transaction: that takes the row lock
/// on PostgreSQL and the write lock on SQLite, so two coordinators confirming at the same
/// moment cannot both take the last place.
pub async fn propose_now(
    db: &Db,
    cycle: &Cycle,
    mentee_id: i64,
    mentor_id: i64,
    score: u16,
    base_url: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let at = now();
    let deadline = at + Duration::days(cycle.answer_days);
    let id: Option<i64> = on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        sqlx::query(
            "UPDATE offers SET updated_at = updated_at WHERE cycle_id = $1 AND person_id = $2",
        )
        .bind(cycle.id)
        .bind(mentor_id)
        .execute(&mut *tx)
        .await?;
        let (free, mentee_busy): (i64, i64) = sqlx::query_as(
            "SELECT COALESCE((SELECT capacity FROM offers \
               WHERE cycle_id = $1 AND person_id = $2), 0) \
             - (SELECT COUNT(*) FROM proposals WHERE cycle_id = $1 AND mentor_id = $2 \
                AND status IN ('published', 'accepted')), \
             (SELECT COUNT(*) FROM proposals WHERE cycle_id = $1 AND mentee_id = $3 \
                AND status IN ('published', 'accepted'))",
        )
        .bind(cycle.id)
        .bind(mentor_id)
        .bind(mentee_id)
        .fetch_one(&mut *tx)
        .await?;
        if free <= 0 || mentee_busy > 0 {
            tx.rollback().await?;
            Ok::<Option<i64>, sqlx::Error>(None)
        } else {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO proposals (cycle_id, solver, mentee_id, mentor_id, score, status, \
                 published_at, answer_by, created_at) \
                 VALUES ($1, 'coordinator', $2, $3, $4, 'published', $5, $6, $5) RETURNING id",
            )
            .bind(cycle.id)
            .bind(mentee_id)
            .bind(mentor_id)
            .bind(i64::from(score))
            .bind(at)
            .bind(deadline)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Some(id))
        }
    })?;
    let Some(id) = id else {
        tracing::debug!(
            cycle.id = cycle.id,
            "pair refused: no free place or mentee busy"
        );
        return Ok(None);
    };
    if let Some(proposal) = find(db, id).await? {
        notify_published(db, cycle, &proposal, base_url).await?;
    }
    tracing::info!(
        cycle.id = cycle.id,
        proposal.id = id,
        "pair proposed by hand"
    );
    Ok(Some(id))
}

async fn notify_published(
    db: &Db,
    cycle: &Cycle,
    proposal: &Proposal,
    base_url: &str,
) -> Result<(), sqlx::Error> {
    let link = format!("{base_url}/proposals/{}", proposal.id);
    let by = proposal
        .answer_by
        .map(|d| d.format("%B %-d, %Y").to_string())
        .unwrap_or_default();
    let subject = format!("Your proposed match in {}", cycle.name);
    let to_mentee = format!(
        "Hello {},\n\nThe coordinators of {} propose {} as your mentor.\n\n\
         See why, and accept or decline, by {by}:\n{link}\n\n\
         Both of you must accept for the mentorship to begin.\n",
        proposal.mentee_name, cycle.name, proposal.mentor_name
    );
    let to_mentor = format!(
        "Hello {},\n\nThe coordinators of {} propose that you mentor {}.\n\n\
         See what they hope for, and accept or decline, by {by}:\n{link}\n\n\
         Both of you must accept for the mentorship to begin.\n",
        proposal.mentor_name, cycle.name, proposal.mentee_name
    );
    mail::enqueue(db, &proposal.mentee_email, &subject, &to_mentee).await?;
    mail::enqueue(db, &proposal.mentor_email, &subject, &to_mentor).await
}

/// What an answer led to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answered {
    /// Recorded; the other side has not answered yet.
    Waiting,
    /// Both accepted: the mentorship with this id exists.
    Mentorship(i64),
    /// Declined: the mentee is back in the pool.
    Declined,
    /// Nothing changed: the proposal is no longer open to this side.
    TooLate,
}

/// Records one side's answer. An accept that completes the pair creates the mentorship,
/// exactly once even when both accept at the same moment.
pub async fn answer(
    db: &Db,
    proposal: &Proposal,
    side: Side,
    accept: bool,
    reason: &str,
) -> Result<Answered, sqlx::Error> {
    let at = now();
    let column = match side {
        Side::Mentee => "mentee_answer",
        Side::Mentor => "mentor_answer",
    };
    let (status, verdict) = if accept {
        ("published", "accepted")
    } else {
        ("declined", "declined")
    };
    let sql = format!(
        "UPDATE proposals SET {column} = $1, status = $2, decline_reason = $3 \
         WHERE id = $4 AND status = 'published' AND {column} = '' \
         AND (answer_by IS NULL OR answer_by >= $5)"
    );
    let changed = execute!(
        db,
        sqlx::query(&sql)
            .bind(verdict)
            .bind(status)
            .bind(reason)
            .bind(proposal.id)
            .bind(at)
    )?;
    if changed == 0 {
        return Ok(Answered::TooLate);
    }
    if !accept {
        tracing::info!(proposal.id = proposal.id, "proposal declined");
        notify_declined(db, proposal, side).await?;
        return Ok(Answered::Declined);
    }

    // Only the update that finds both answers in place moves the proposal to accepted, so
    // two simultaneous accepts create one mentorship.
    let completed = execute!(
        db,
        sqlx::query(
            "UPDATE proposals SET status = 'accepted' WHERE id = $1 AND status = 'published' \
             AND mentee_answer = 'accepted' AND mentor_answer = 'accepted'",
        )
        .bind(proposal.id)
    )?;
    if completed == 0 {
        return Ok(Answered::Waiting);
    }
    let mentorship = start_mentorship(db, proposal).await?;
    Ok(Answered::Mentorship(mentorship))
}

async fn notify_declined(db: &Db, proposal: &Proposal, side: Side) -> Result<(), sqlx::Error> {
    let (to, name, other) = match side {
        Side::Mentee => (
            &proposal.mentor_email,
            &proposal.mentor_name,
            &proposal.mentee_name,
        ),
        Side::Mentor => (
            &proposal.mentee_email,
            &proposal.mentee_name,
            &proposal.mentor_name,
        ),
    };
    let body = format!(
        "Hello {name},\n\n{other} has declined the proposed match. Thank you for being \
         ready; your coordinator will be in touch about a next step.\n"
    );
    mail::enqueue(db, to, "A proposed match was declined", &body).await
}

/// A mentorship: the pair, its cycle, its liaison.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Mentorship {
    /// Its id.
    pub id: i64,
    /// The cycle.
    pub cycle_id: i64,
    /// The mentee.
    pub mentee_id: i64,
    /// The mentor.
    pub mentor_id: i64,
    /// The liaison coordinator.
    pub liaison_id: Option<i64>,
    /// The liaison's name.
    pub liaison_name: Option<String>,
    /// `active` (the next feature adds its later states).
    pub status: String,
    /// When both had accepted.
    pub started_at: DateTime<Utc>,
}

async fn start_mentorship(db: &Db, proposal: &Proposal) -> Result<i64, sqlx::Error> {
    let liaison = liaison_of(db, proposal.cycle_id, proposal.mentee_id).await?;
    let (id,): (i64,) = on_db!(db, |pool| {
        sqlx::query_as(
            "INSERT INTO mentorships (cycle_id, proposal_id, mentee_id, mentor_id, liaison_id, \
             status, started_at) VALUES ($1, $2, $3, $4, $5, 'active', $6) RETURNING id",
        )
        .bind(proposal.cycle_id)
        .bind(proposal.id)
        .bind(proposal.mentee_id)
        .bind(proposal.mentor_id)
        .bind(liaison)
        .bind(now())
        .fetch_one(pool)
        .await
    })?;
    tracing::info!(mentorship.id = id, "mentorship started");

    let body = |name: &str, other: &str| {
        format!(
            "Hello {name},\n\nYou and {other} have both accepted: your mentorship has begun. \
             Plan your first meeting soon. Your liaison coordinator is there if anything \
             goes wrong.\n"
        )
    };
    let subject = "Your mentorship has begun";
    let to_mentee = body(&proposal.mentee_name, &proposal.mentor_name);
    let to_mentor = body(&proposal.mentor_name, &proposal.mentee_name);
    mail::enqueue(db, &proposal.mentee_email, subject, &to_mentee).await?;
    mail::enqueue(db, &proposal.mentor_email, subject, &to_mentor).await?;
    Ok(id)
}

/// A pair's liaison: the longest-serving coordinator of the cycle's region, or of the
/// mentee's region for a national or group cycle; none when the region has no coordinator.
pub async fn liaison_of(
    db: &Db,
    cycle_id: i64,
    mentee_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT g.person_id FROM grants g JOIN people p ON p.id = g.person_id \
             WHERE g.role = 'coordinator' AND p.status = 'active' AND g.region_id = \
             COALESCE((SELECT region_id FROM cycles WHERE id = $1), \
                      (SELECT region_id FROM people WHERE id = $2)) \
             ORDER BY g.created_at, g.id LIMIT 1",
        )
        .bind(cycle_id)
        .bind(mentee_id)
        .fetch_optional(pool)
        .await
    })?;
    Ok(row.map(|(id,)| id))
}

/// The mentorship that came from a proposal, if both accepted.
pub async fn mentorship_of(db: &Db, proposal_id: i64) -> Result<Option<Mentorship>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT s.id, s.cycle_id, s.mentee_id, s.mentor_id, s.liaison_id, \
             l.name AS liaison_name, s.status, s.started_at \
             FROM mentorships s LEFT JOIN people l ON l.id = s.liaison_id \
             WHERE s.proposal_id = $1",
        )
        .bind(proposal_id)
        .fetch_optional(pool)
        .await
    })
}

/// Returns the mentee of an accepted proposal to the pool after their mentorship ended
/// without a good fit: the proposal reads as declined with the reason, so the mentor's place
/// is free again and the pool never suggests the same pair twice.
pub async fn release_to_pool(db: &Db, proposal_id: i64, reason: &str) -> Result<(), sqlx::Error> {
    let changed = execute!(
        db,
        sqlx::query(
            "UPDATE proposals SET status = 'declined', decline_reason = $1 \
             WHERE id = $2 AND status = 'accepted'",
        )
        .bind(reason)
        .bind(proposal_id)
    )?;
    if changed == 1 {
        tracing::info!(proposal.id = proposal_id, "mentee returned to the pool");
    }
    Ok(())
}

/// How many mentorships a cycle has.
pub async fn mentorship_count(db: &Db, cycle_id: i64) -> Result<i64, sqlx::Error> {
    let (count,): (i64,) = on_db!(db, |pool| {
        sqlx::query_as("SELECT COUNT(*) FROM mentorships WHERE cycle_id = $1")
            .bind(cycle_id)
            .fetch_one(pool)
            .await
    })?;
    Ok(count)
}

/// Sends the reminders due and expires proposals past their deadline; run by the scheduler.
///
/// A reminder goes once per proposal (claimed across instances) to each side that has not
/// answered, when less than two days are left.
pub async fn remind_and_expire(db: &Db, base_url: &str) -> anyhow::Result<()> {
    let at = now();
    let soon = at + Duration::days(2);
    let sql = format!(
        "{PROPOSAL_SELECT} WHERE x.status = 'published' AND x.answer_by IS NOT NULL \
         AND x.answer_by <= $1 ORDER BY x.id LIMIT 1000"
    );
    let due: Vec<Proposal> = on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(soon)
        .fetch_all(pool)
        .await)?;

    for proposal in due {
        if proposal.answer_by.is_some_and(|by| by < at) {
            expire(db, &proposal).await?;
            continue;
        }
        let key = format!("cycles:proposal-reminder:{}", proposal.id);
        if !crate::platform::jobs::claim_once(db, &key).await? {
            continue;
        }
        let link = format!("{base_url}/proposals/{}", proposal.id);
        let subject = "Reminder: please answer your proposed match";
        for side in [Side::Mentee, Side::Mentor] {
            if !proposal.answer_of(side).is_empty() {
                continue;
            }
            let (to, name) = match side {
                Side::Mentee => (&proposal.mentee_email, &proposal.mentee_name),
                Side::Mentor => (&proposal.mentor_email, &proposal.mentor_name),
            };
            let body = format!(
                "Hello {name},\n\nYour proposed match is waiting for your answer, due within \
                 two days:\n{link}\n"
            );
            mail::enqueue(db, to, subject, &body).await?;
        }
        tracing::info!(proposal.id = proposal.id, "answer reminder sent");
    }
    Ok(())
}

async fn expire(db: &Db, proposal: &Proposal) -> Result<(), sqlx::Error> {
    let changed = execute!(
        db,
        sqlx::query(
            "UPDATE proposals SET status = 'expired' WHERE id = $1 AND status = 'published'"
        )
        .bind(proposal.id)
    )?;
    if changed == 1 {
        tracing::info!(proposal.id = proposal.id, "proposal expired");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proposal() -> Proposal {
        Proposal {
            id: 1,
            cycle_id: 1,
            mentee_id: 10,
            mentee_name: "Mentee".into(),
            mentee_email: "e@example.org".into(),
            mentor_id: 20,
            mentor_name: "Mentor".into(),
            mentor_email: "m@example.org".into(),
            score: 500,
            status: "published".into(),
            mentee_answer: String::new(),
            mentor_answer: "accepted".into(),
            decline_reason: String::new(),
            answer_by: Some(now() + Duration::days(1)),
        }
    }

    #[test]
    fn each_side_answers_once_before_the_deadline() {
        let p = proposal();
        assert_eq!(p.side_of(10), Some(Side::Mentee));
        assert_eq!(p.side_of(30), None);
        assert!(p.awaits(Side::Mentee, now()));
        assert!(!p.awaits(Side::Mentor, now()), "already answered");
        assert!(
            !p.awaits(Side::Mentee, now() + Duration::days(2)),
            "too late"
        );
    }
}
