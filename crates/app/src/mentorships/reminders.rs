//! The daily round over active mentorships: completes those past their end, asks the fit
//! question at thirty days, sends the month's prompt, reminds late pairs, and raises stalled
//! ones to their liaison.
//!
//! The round runs once per day across instances (claimed by date), and each message is
//! claimed on its own key too, so a round that fails halfway and runs again the next day
//! sends nothing twice for the same quiet spell, month or mentorship.

use chrono::NaiveDate;

use crate::mentorships::notices;
use crate::mentorships::rules::{self, Concerns, Health};
use crate::mentorships::store::{self, PairRow, Scope};
use crate::platform::db::Db;
use crate::platform::jobs::claim_once;
use crate::platform::mail;

/// What one round did, for the log and the tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Round {
    /// Mentorships completed at their planned end.
    pub completed: usize,
    /// Pairs asked whether the match fits.
    pub fit_questions: usize,
    /// Pairs sent their monthly prompt.
    pub prompts: usize,
    /// Late pairs reminded.
    pub reminders: usize,
    /// Stalled pairs raised to their liaison.
    pub raised: usize,
}

/// Runs the day's round unless another instance already did; `None` when it did.
pub async fn daily(db: &Db, base_url: &str, today: NaiveDate) -> anyhow::Result<Option<Round>> {
    if !claim_once(db, &format!("mentorships:daily:{today}")).await? {
        return Ok(None);
    }

    let mut round = Round::default();
    for pair in store::pairs(db, &Scope::National, Some("active")).await? {
        visit(db, base_url, today, &pair, &mut round).await?;
    }
    tracing::info!(
        completed = round.completed,
        fit_questions = round.fit_questions,
        prompts = round.prompts,
        reminders = round.reminders,
        raised = round.raised,
        "mentorship round done"
    );
    Ok(Some(round))
}

async fn visit(
    db: &Db,
    base_url: &str,
    today: NaiveDate,
    pair: &PairRow,
    round: &mut Round,
) -> anyhow::Result<()> {
    let m = &pair.mentorship;
    if today > m.planned_end() {
        if store::close(db, m.id, "completed", "").await? {
            notices::completed(db, base_url, m).await?;
            round.completed += 1;
        }
        return Ok(());
    }

    let link = format!("{base_url}/mentorships/{}", m.id);
    let days_in = (today - m.started_on()).num_days();
    // A pair that both answered already (on the page, before the round got to it) is not
    // asked again.
    if days_in >= rules::FIT_QUESTION_DAY
        && pair.fit_answers < 2
        && claim_once(db, &format!("mentorships:fit:{}", m.id)).await?
    {
        for (to, name) in both(pair) {
            let body = format!(
                "Hello {name},\n\nYou have met for a month now. Does this match fit you? \
                 Your answer helps your coordinator help you; answer here:\n{link}\n"
            );
            mail::enqueue(db, to, "Does your mentorship match fit?", &body).await?;
        }
        round.fit_questions += 1;
    }

    let month = rules::month_of(m.started_on(), today);
    if days_in > 0
        && days_in % 30 == 0
        && claim_once(db, &format!("mentorships:prompt:{}:{month}", m.id)).await?
    {
        let needs = crate::people::profile::topic_codes(db, m.mentee_id, "need").await?;
        let prompt = rules::monthly_prompt(&m.mentee_stage, &needs, month);
        for (to, name) in both(pair) {
            let body = format!(
                "Hello {name},\n\nA question to talk about at this month's meeting:\n\n\
                 {prompt}\n\nLog your meeting afterwards:\n{link}\n"
            );
            mail::enqueue(db, to, "This month's discussion prompt", &body).await?;
        }
        round.prompts += 1;
    }

    // The reminder and the raise answer the quiet alone: a pair at risk only for a poor fit
    // or a difficult check-in has met on time, and a reminder to meet would tell each of the
    // pair that the other had answered so.
    let since = pair.last_met_on.unwrap_or_else(|| m.started_on());
    match rules::health(m.cadence(), since, today, Concerns::default()) {
        Health::AtRisk if claim_once(db, &format!("mentorships:late:{}:{since}", m.id)).await? => {
            for (to, name) in both(pair) {
                let body = format!(
                    "Hello {name},\n\nYour last logged meeting was on {}. It is time to plan \
                     the next one; once you have met, log it here:\n{link}\n",
                    since.format("%B %-d, %Y")
                );
                mail::enqueue(db, to, "Time for your next mentorship meeting", &body).await?;
            }
            round.reminders += 1;
        }
        Health::Stalled
            if claim_once(db, &format!("mentorships:stalled:{}:{since}", m.id)).await? =>
        {
            if let Some(to) = &m.liaison_email {
                let body = format!(
                    "Hello {},\n\nThe mentorship of {} with {} has stalled: no meeting is \
                     logged since {}. A word from you may help them restart:\n{link}\n",
                    m.liaison_name.as_deref().unwrap_or("coordinator"),
                    m.mentee_name,
                    m.mentor_name,
                    since.format("%B %-d, %Y")
                );
                mail::enqueue(db, to, "A mentorship has stalled", &body).await?;
                round.raised += 1;
            }
        }
        _ => {}
    }
    Ok(())
}

fn both(pair: &PairRow) -> [(&String, &String); 2] {
    let m = &pair.mentorship;
    [
        (&m.mentee_email, &m.mentee_name),
        (&m.mentor_email, &m.mentor_name),
    ]
}
