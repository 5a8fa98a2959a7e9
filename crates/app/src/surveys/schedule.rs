//! The cycle's survey schedule: the midpoint surveys open halfway through the mentorships,
//! the end surveys three weeks before they end, and one reminder goes to those who have not
//! answered a week before a survey closes.

use chrono::{DateTime, Days, Duration, NaiveDate, Utc};

use crate::cycles::cycle::{self, Cycle};
use crate::cycles::state::CycleState;
use crate::on_db;
use crate::platform::db::{now, Db};
use crate::platform::jobs::claim_once;
use crate::surveys::builtin::{self, Audience};
use crate::surveys::store::{self, NewSurvey};

/// How long a scheduled survey stays open.
pub const OPEN_DAYS: u64 = 21;

/// How long before a survey closes the reminder goes out.
pub const REMIND_DAYS: i64 = 7;

/// A point of the schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Halfway through: the midpoint check-ins.
    Midpoint,
    /// Near the end: the end-of-mentorship surveys.
    End,
}

impl Phase {
    /// The templates this phase sends, with their audience.
    pub fn templates(self) -> [(&'static str, Audience); 2] {
        match self {
            Phase::Midpoint => [
                ("mentee_midpoint", Audience::Mentees),
                ("mentor_midpoint", Audience::Mentors),
            ],
            Phase::End => [
                ("mentee_end", Audience::Mentees),
                ("mentor_end", Audience::Mentors),
            ],
        }
    }

    /// The key under which one instance claims this phase of a cycle.
    fn claim_key(self, cycle_id: i64) -> String {
        let name = match self {
            Phase::Midpoint => "midpoint",
            Phase::End => "end",
        };
        format!("surveys:open:{cycle_id}:{name}")
    }
}

/// The day a phase opens for mentorships running from `starts_on` to `ends_on`.
pub fn opens_on(phase: Phase, starts_on: NaiveDate, ends_on: NaiveDate) -> NaiveDate {
    match phase {
        Phase::Midpoint => {
            starts_on + Days::new((ends_on - starts_on).num_days().max(0) as u64 / 2)
        }
        Phase::End => (ends_on - Days::new(OPEN_DAYS)).max(starts_on),
    }
}

/// The phase due on a day, if any: a phase stays due until the next one opens (the end
/// phase until the mentorships end), so a scheduler that was down for a while still sends it
/// late rather than never, and never sends a midpoint survey at the end.
pub fn due_phase(starts_on: NaiveDate, ends_on: NaiveDate, today: NaiveDate) -> Option<Phase> {
    let midpoint = opens_on(Phase::Midpoint, starts_on, ends_on);
    let end = opens_on(Phase::End, starts_on, ends_on);
    if today >= end && today <= ends_on {
        Some(Phase::End)
    } else if today >= midpoint && today < end {
        Some(Phase::Midpoint)
    } else {
        None
    }
}

/// Opens the scheduled surveys that are due and sends the reminders that are due; run by
/// the scheduler every hour.
pub async fn run(db: &Db, base_url: &str) -> anyhow::Result<()> {
    let today = now().date_naive();
    for cycle in running_cycles(db).await? {
        if let Some(phase) = due_phase(cycle.starts_on, cycle.ends_on(), today) {
            open_phase(db, &cycle, phase, base_url).await?;
        }
    }
    remind(db, base_url).await?;
    Ok(())
}

async fn running_cycles(db: &Db) -> Result<Vec<Cycle>, sqlx::Error> {
    let ids: Vec<(i64,)> = on_db!(db, |pool| {
        sqlx::query_as("SELECT id FROM cycles WHERE state IN ($1, $2) ORDER BY id")
            .bind(CycleState::Active.code())
            .bind(CycleState::Closing.code())
            .fetch_all(pool)
            .await
    })?;
    let mut cycles = Vec::with_capacity(ids.len());
    for (id,) in ids {
        cycles.extend(cycle::find(db, id).await?);
    }
    Ok(cycles)
}

async fn open_phase(db: &Db, cycle: &Cycle, phase: Phase, base_url: &str) -> anyhow::Result<()> {
    // A coordinator may have sent these surveys by hand already; then the schedule is met.
    let [(first, _), _] = phase.templates();
    if store::exists_for(db, cycle.id, first).await? {
        return Ok(());
    }
    if !claim_once(db, &phase.claim_key(cycle.id)).await? {
        return Ok(());
    }

    let opens_at = now();
    let closes_at = closing(opens_at, cycle.ends_on());
    for (code, audience) in phase.templates() {
        let Some(template) = builtin::template(code) else {
            continue;
        };
        let new = NewSurvey {
            cycle_id: cycle.id,
            template,
            audience,
            opens_at,
            closes_at,
            scheduled: true,
            sent_by: None,
        };
        let (id, _) = store::create(db, &new).await?;
        invite(db, id, template.title, &cycle.name, closes_at, base_url).await?;
    }
    tracing::info!(cycle.id = cycle.id, ?phase, "scheduled surveys opened");
    Ok(())
}

// Three weeks from now, but never past the mentorships' last day (closing at its end).
fn closing(opens_at: DateTime<Utc>, ends_on: NaiveDate) -> DateTime<Utc> {
    let three_weeks = opens_at + Duration::days(OPEN_DAYS as i64);
    let last_day = ends_on
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
        .unwrap_or(three_weeks);
    three_weeks.min(last_day.max(opens_at + Duration::days(REMIND_DAYS + 1)))
}

/// Writes the invitation to everyone a survey asks, as one batch.
pub async fn invite(
    db: &Db,
    survey_id: i64,
    title: &str,
    cycle_name: &str,
    closes_at: DateTime<Utc>,
    base_url: &str,
) -> Result<usize, sqlx::Error> {
    let link = format!("{base_url}/surveys/{survey_id}");
    let by = closes_at.format("%B %-d, %Y");
    let subject = format!("{title}: a few minutes of your time");
    store::mail_unanswered(db, survey_id, &subject, |name| {
        format!(
            "Hello {name},\n\n{cycle_name} asks for your answers to the {title}, open until \
             {by}:\n{link}\n\nAnswers are shown only in aggregate, for groups of five people \
             or more, and never with your name.\n"
        )
    })
    .await
}

async fn remind(db: &Db, base_url: &str) -> anyhow::Result<()> {
    let before = now() + Duration::days(REMIND_DAYS);
    for survey in store::due_reminders(db, before).await? {
        if !claim_once(db, &format!("surveys:reminder:{}", survey.id)).await? {
            continue;
        }
        let link = format!("{base_url}/surveys/{}", survey.id);
        let by = survey.closes_at.format("%B %-d, %Y");
        let subject = format!("Reminder: {}", survey.title);
        let title = survey.title.clone();
        let sent = store::mail_unanswered(db, survey.id, &subject, |name| {
            format!(
                "Hello {name},\n\nThe {title} closes on {by} and we have not heard from you \
                 yet. It takes a few minutes:\n{link}\n"
            )
        })
        .await?;
        store::mark_reminded(db, survey.id).await?;
        tracing::info!(
            survey.id = survey.id,
            reminders = sent,
            "survey reminders sent"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn the_midpoint_opens_halfway_and_the_end_three_weeks_before_the_end() {
        let (starts, ends) = (day(2026, 1, 1), day(2026, 10, 1));
        assert_eq!(opens_on(Phase::Midpoint, starts, ends), day(2026, 5, 17));
        assert_eq!(opens_on(Phase::End, starts, ends), day(2026, 9, 10));
    }

    #[test]
    fn one_phase_is_due_from_its_day_until_the_next_opens() {
        let (starts, ends) = (day(2026, 1, 1), day(2026, 10, 1));
        assert_eq!(due_phase(starts, ends, day(2026, 5, 16)), None);
        assert_eq!(
            due_phase(starts, ends, day(2026, 5, 17)),
            Some(Phase::Midpoint)
        );
        assert_eq!(
            due_phase(starts, ends, day(2026, 9, 9)),
            Some(Phase::Midpoint)
        );
        assert_eq!(due_phase(starts, ends, day(2026, 9, 20)), Some(Phase::End));
        assert_eq!(due_phase(starts, ends, day(2026, 10, 2)), None);
    }

    #[test]
    fn a_scheduled_survey_closes_after_three_weeks_or_when_the_mentorships_end() {
        let opens = day(2026, 9, 20)
            .and_hms_opt(9, 0, 0)
            .unwrap_or_default()
            .and_utc();
        let closes = closing(opens, day(2026, 10, 1));
        assert_eq!(closes.date_naive(), day(2026, 10, 2));
        let early = day(2026, 5, 17)
            .and_hms_opt(9, 0, 0)
            .unwrap_or_default()
            .and_utc();
        assert_eq!(closing(early, day(2026, 10, 1)), early + Duration::days(21));
    }
}
