//! The demo's surveys: last year's New York cycle ran every survey, and most people
//! answered, so their results show; its coordinator check-in had only a few answers, so its
//! results stay hidden, as a visitor should see.

use carrel_matching::synthetic::SplitMix64;
use chrono::{Duration, NaiveTime};

use crate::cycles::cycle;
use crate::on_db;
use crate::platform::db::{now, Db};
use crate::surveys::builtin::{self, Audience};
use crate::surveys::question::{check_answer, QuestionKind};
use crate::surveys::schedule::{self, Phase};
use crate::surveys::store::{self, NewSurvey};

/// The surveys of the closed New York cycle: template, audience, phase, and the percent of
/// people who answer.
const RUN: [(&str, Audience, Phase, u64); 6] = [
    ("mentee_midpoint", Audience::Mentees, Phase::Midpoint, 82),
    ("mentor_midpoint", Audience::Mentors, Phase::Midpoint, 74),
    (
        "coordinator_checkin",
        Audience::Coordinators,
        Phase::Midpoint,
        100,
    ),
    ("mentee_end", Audience::Mentees, Phase::End, 68),
    ("mentor_end", Audience::Mentors, Phase::End, 71),
    ("program_evaluation", Audience::Both, Phase::End, 55),
];

/// The most answers the demo's coordinator check-in gets: under five, so its results hide.
const CHECK_IN_ANSWERS: usize = 3;

/// Builds the demo's survey answers over the demo cycles.
pub async fn build(db: &Db, seed: u64) -> anyhow::Result<()> {
    let Some(cycle_id) = cycle_named(db, "New York 2025").await? else {
        return Ok(());
    };
    let cycle = cycle::find(db, cycle_id)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    let mut dice = SplitMix64::new(seed ^ 0x5A5E_5A5E);
    let (starts, ends) = (cycle.starts_on, cycle.ends_on());

    for (code, audience, phase, answer_percent) in RUN {
        let Some(template) = builtin::template(code) else {
            continue;
        };
        let new = NewSurvey {
            cycle_id,
            template,
            audience,
            opens_at: now(),
            closes_at: now() + Duration::days(1),
            scheduled: code != "coordinator_checkin" && code != "program_evaluation",
            sent_by: None,
        };
        let (survey_id, _) = store::create(db, &new).await?;
        let limit = if audience == Audience::Coordinators {
            CHECK_IN_ANSWERS
        } else {
            usize::MAX
        };
        answer(db, survey_id, answer_percent, limit, &mut dice).await?;

        let opens_on = schedule::opens_on(phase, starts, ends);
        let opens_at = opens_on.and_time(NaiveTime::MIN).and_utc() + Duration::hours(14);
        let closes_at = opens_at + Duration::days(schedule::OPEN_DAYS as i64);
        store::backdate(db, survey_id, opens_at, closes_at).await?;
    }
    tracing::info!("demo surveys built");
    Ok(())
}

async fn cycle_named(db: &Db, name: &str) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = on_db!(db, |pool| {
        sqlx::query_as("SELECT id FROM cycles WHERE name = $1 ORDER BY id LIMIT 1")
            .bind(name)
            .fetch_optional(pool)
            .await
    })?;
    Ok(row.map(|(id,)| id))
}

async fn answer(
    db: &Db,
    survey_id: i64,
    percent: u64,
    limit: usize,
    dice: &mut SplitMix64,
) -> anyhow::Result<()> {
    let questions = store::questions(db, survey_id).await?;
    let mut given = 0;
    for (person_id, role) in store::recipients(db, survey_id).await? {
        if given >= limit || dice.below(100) >= percent {
            continue;
        }
        let mut answers = Vec::new();
        for question in &questions {
            let sent = pick(
                question.kind(),
                question.choice_list().len(),
                question.required,
                dice,
            );
            let sent: Vec<&str> = sent.iter().map(String::as_str).collect();
            let checked = check_answer(question, &sent)
                .map_err(|message| anyhow::anyhow!("demo answer refused: {message}"))?;
            answers.extend(checked.into_iter().map(|value| (question.id, value)));
        }
        store::submit(db, survey_id, person_id, &role, &answers).await?;
        given += 1;
    }
    Ok(())
}

// A believable answer: mostly content, some lukewarm, a few unhappy; optional questions
// often skipped.
fn pick(kind: QuestionKind, choices: usize, required: bool, dice: &mut SplitMix64) -> Vec<String> {
    if !required && dice.below(100) < 35 {
        return Vec::new();
    }
    let weighted = |weights: &[u64], dice: &mut SplitMix64| -> usize {
        let total: u64 = weights.iter().sum();
        let mut roll = dice.below(total);
        for (index, weight) in weights.iter().enumerate() {
            if roll < *weight {
                return index;
            }
            roll -= weight;
        }
        weights.len() - 1
    };
    match kind {
        QuestionKind::Scale => vec![(1 + weighted(&[4, 9, 20, 37, 30], dice)).to_string()],
        QuestionKind::ZeroToTen => {
            let weights = [1, 1, 1, 2, 2, 4, 5, 9, 18, 27, 30];
            vec![weighted(&weights, dice).to_string()]
        }
        QuestionKind::Single => {
            let weights: Vec<u64> = (0..choices as u64).map(|i| 2 + (i * 3) % 7).collect();
            vec![weighted(&weights, dice).to_string()]
        }
        QuestionKind::Multiple => {
            let mut chosen: Vec<String> = (0..choices)
                .filter(|_| dice.below(100) < 35)
                .map(|i| i.to_string())
                .collect();
            if chosen.is_empty() {
                chosen.push(dice.below(choices.max(1) as u64).to_string());
            }
            chosen
        }
        QuestionKind::Text => {
            vec![COMMENTS[dice.below(COMMENTS.len() as u64) as usize].to_owned()]
        }
    }
}

const COMMENTS: [&str; 14] = [
    "Meeting monthly by video worked well; we kept a shared page of questions between calls.",
    "Having a set agenda for each meeting would have helped us use the hour better.",
    "My mentor introduced me to two colleagues at the state association, which mattered most.",
    "The conversation prompts were useful early on; later we followed our own topics.",
    "It was hard to find time during the semester rush; a lighter schedule in the fall would help.",
    "Talking through my first performance reviews as a new supervisor made a real difference.",
    "More guidance on setting goals at the kickoff, please; ours were too broad.",
    "A mid-cycle gathering with other pairs in the region would be welcome.",
    "My mentee asked good questions and kept notes; I learned as much as I taught.",
    "Pair people across library types more often; the outside view was the best part.",
    "The check-in reminder came at a good time; we had drifted for a month.",
    "I would have liked a short guide on ending the mentorship well.",
    "Reviewing my tenure dossier together gave me the confidence to submit it.",
    "Keep the program going; it is the most useful professional support I have had.",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surveys::question::Question;

    #[test]
    fn every_demo_answer_passes_the_answer_rules() {
        let mut dice = SplitMix64::new(1);
        for template in builtin::TEMPLATES {
            for (index, (kind, prompt, choices, required)) in template.questions.iter().enumerate()
            {
                let question = Question {
                    id: 1,
                    position: index as i64 + 1,
                    kind: kind.code().into(),
                    prompt: (*prompt).into(),
                    choices: choices.join("\n"),
                    required: *required,
                };
                for _ in 0..50 {
                    let sent = pick(*kind, choices.len(), *required, &mut dice);
                    let sent: Vec<&str> = sent.iter().map(String::as_str).collect();
                    assert!(check_answer(&question, &sent).is_ok(), "{prompt}: {sent:?}");
                }
            }
        }
    }
}
