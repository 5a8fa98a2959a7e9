//! The career lifecycle: every active person is asked on a schedule (every six months by
//! default, `CARREL_CAREER_CHECK_MONTHS`) to confirm or update their career stage and the
//! needs they have now. Each answer is kept as a check-in, and the check-ins form a timeline
//! on the person's profile. A need that changed since the person's last mentorship began is
//! flagged to the coordinators in the next cycle's list of applications.

use std::collections::HashSet;

use chrono::{DateTime, Months, Utc};
use serde::Deserialize;

use crate::on_db;
use crate::people::profile::{Topic, MAX_NEEDS};
use crate::people::topics::Stage;
use crate::platform::db::{now, Db};
use crate::platform::web::forms::FieldErrors;

/// How many people one run of the reminder task asks at most: the rest are asked at the
/// next run, so a national network's first round is spread over a few days.
pub const BATCH: i64 = 500;

/// One check-in of the timeline.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CheckIn {
    /// The stage code confirmed or chosen.
    pub stage: String,
    /// The need topic codes, most important first, separated by commas.
    pub needs: String,
    /// Whether the stage changed at this check-in.
    pub stage_changed: bool,
    /// Whether the needs changed at this check-in.
    pub needs_changed: bool,
    /// When.
    pub checked_at: DateTime<Utc>,
}

impl CheckIn {
    /// The stage in words.
    pub fn stage_label(&self) -> &'static str {
        Stage::parse(&self.stage).map_or("", Stage::label)
    }

    /// The needs in words, from the taxonomy.
    pub fn need_names(&self, topics: &[Topic]) -> String {
        self.needs
            .split(',')
            .filter_map(|code| topics.iter().find(|t| t.code == code))
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// What happened, in words.
    pub fn summary(&self) -> &'static str {
        match (self.stage_changed, self.needs_changed) {
            (false, false) => "Confirmed",
            (true, false) => "Career stage changed",
            (false, true) => "Needs changed",
            (true, true) => "Career stage and needs changed",
        }
    }
}

/// The check-in form, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CheckInForm {
    /// The stage code.
    pub stage: String,
    /// Needs by rank, topic codes; empty ranks are skipped.
    pub need_1: String,
    /// Second need.
    pub need_2: String,
    /// Third need.
    pub need_3: String,
    /// Fourth need.
    pub need_4: String,
    /// Fifth need.
    pub need_5: String,
}

impl CheckInForm {
    /// The needs as typed, by rank.
    pub fn needs(&self) -> [&str; MAX_NEEDS] {
        [
            &self.need_1,
            &self.need_2,
            &self.need_3,
            &self.need_4,
            &self.need_5,
        ]
    }

    /// The form filled with a person's current stage and needs.
    pub fn current(stage: &str, needs: &[String]) -> Self {
        let need = |i: usize| needs.get(i).cloned().unwrap_or_default();
        CheckInForm {
            stage: stage.to_owned(),
            need_1: need(0),
            need_2: need(1),
            need_3: need(2),
            need_4: need(3),
            need_5: need(4),
        }
    }
}

/// A checked check-in: the stage code and the need topics, most important first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidCheckIn {
    /// The stage code.
    pub stage: String,
    /// The need topics (ids and codes), by rank.
    pub needs: Vec<(i64, String)>,
}

const NEED_FIELDS: [&str; MAX_NEEDS] = ["need_1", "need_2", "need_3", "need_4", "need_5"];

/// Checks a check-in: a known stage, needs from the taxonomy, none twice.
pub fn validate(form: &CheckInForm, topics: &[Topic]) -> Result<ValidCheckIn, FieldErrors> {
    let mut errors = FieldErrors::new();
    if Stage::parse(&form.stage).is_none() {
        errors.add("stage", "Choose your career stage.");
    }
    let mut needs = Vec::new();
    let mut seen = HashSet::new();
    for (field, code) in NEED_FIELDS.into_iter().zip(form.needs()) {
        let code = code.trim();
        if code.is_empty() {
            continue;
        }
        match topics.iter().find(|t| t.code == code) {
            None => errors.add(field, "Choose a topic from the list."),
            Some(_) if !seen.insert(code.to_owned()) => {
                errors.add(field, "This need is already ranked higher.")
            }
            Some(topic) => needs.push((topic.id, topic.code.clone())),
        }
    }
    if errors.is_empty() {
        Ok(ValidCheckIn {
            stage: form.stage.clone(),
            needs,
        })
    } else {
        Err(errors)
    }
}

/// The day before which a check-in is too old: `months` before `at`.
pub fn cutoff(at: DateTime<Utc>, months: u32) -> DateTime<Utc> {
    at.checked_sub_months(Months::new(months)).unwrap_or(at)
}

/// A person's timeline, newest first.
pub async fn timeline(db: &Db, person_id: i64) -> Result<Vec<CheckIn>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT stage, needs, stage_changed, needs_changed, checked_at FROM career_checks \
             WHERE person_id = $1 ORDER BY checked_at DESC, id DESC LIMIT 50",
        )
        .bind(person_id)
        .fetch_all(pool)
        .await
    })
}

// The moment a person's stage and needs were last confirmed: their last check-in, or
// when they joined.
const LAST_CONFIRMED: &str = "COALESCE((SELECT MAX(c.checked_at) FROM career_checks c \
     WHERE c.person_id = p.id), p.created_at)";

/// Whether a person is due to confirm their stage and needs.
pub async fn is_due(db: &Db, person_id: i64, months: u32) -> Result<bool, sqlx::Error> {
    let sql = format!(
        "SELECT COUNT(*) FROM people p WHERE p.id = $1 AND p.status = 'active' \
         AND {LAST_CONFIRMED} <= $2"
    );
    let (due,): (i64,) = on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(person_id)
        .bind(cutoff(now(), months))
        .fetch_one(pool)
        .await)?;
    Ok(due > 0)
}

/// Records a check-in: the profile takes the stage and needs, and the timeline keeps what
/// changed, in one transaction.
pub async fn record(db: &Db, person_id: i64, check: &ValidCheckIn) -> Result<(), sqlx::Error> {
    let at = now();
    let codes: Vec<&str> = check.needs.iter().map(|(_, code)| code.as_str()).collect();
    let needs = codes.join(",");
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        let (stage_before,): (String,) = sqlx::query_as("SELECT stage FROM people WHERE id = $1")
            .bind(person_id)
            .fetch_one(&mut *tx)
            .await?;
        let before: Vec<(String,)> = sqlx::query_as(
            "SELECT t.code FROM person_topics pt JOIN topics t ON t.id = pt.topic_id \
             WHERE pt.person_id = $1 AND pt.kind = 'need' ORDER BY pt.rank",
        )
        .bind(person_id)
        .fetch_all(&mut *tx)
        .await?;
        let needs_before: Vec<&str> = before.iter().map(|(c,)| c.as_str()).collect();
        let stage_changed = stage_before != check.stage;
        let needs_changed = needs_before != codes;

        sqlx::query("UPDATE people SET stage = $1, updated_at = $2 WHERE id = $3")
            .bind(&check.stage)
            .bind(at)
            .bind(person_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM person_topics WHERE person_id = $1 AND kind = 'need'")
            .bind(person_id)
            .execute(&mut *tx)
            .await?;
        for (rank, (topic_id, _)) in check.needs.iter().enumerate() {
            sqlx::query(
                "INSERT INTO person_topics (person_id, topic_id, kind, rank) \
                 VALUES ($1, $2, 'need', $3)",
            )
            .bind(person_id)
            .bind(topic_id)
            .bind(rank as i64 + 1)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO career_checks (person_id, stage, needs, stage_changed, needs_changed, \
             checked_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(person_id)
        .bind(&check.stage)
        .bind(&needs)
        .bind(stage_changed)
        .bind(needs_changed)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    })?;
    tracing::info!(person.id = person_id, "career check-in recorded");
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Due {
    id: i64,
    name: String,
    email: String,
    since: DateTime<Utc>,
}

/// Asks the people who are due to confirm their stage and needs, up to [`BATCH`] a run:
/// each is claimed once per period (the key names the moment they last confirmed), then
/// their emails go to the outbox together in one transaction. Returns how many were asked.
pub async fn ask_due(db: &Db, base_url: &str, months: u32) -> anyhow::Result<usize> {
    let sql = format!(
        "SELECT p.id, p.name, p.email, {LAST_CONFIRMED} AS since FROM people p \
         WHERE p.status = 'active' AND {LAST_CONFIRMED} <= $1 ORDER BY p.id LIMIT $2"
    );
    let due: Vec<Due> = on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(cutoff(now(), months))
        .bind(BATCH)
        .fetch_all(pool)
        .await)?;

    let mut claimed = Vec::new();
    for person in due {
        let key = format!(
            "career-check:{}:{}",
            person.id,
            person.since.format("%Y%m%d%H%M%S")
        );
        if crate::platform::jobs::claim_once(db, &key).await? {
            claimed.push(person);
        }
    }
    if claimed.is_empty() {
        return Ok(0);
    }

    let at = now();
    let subject = "Is your career stage still right? Tell us what you need now";
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        for person in &claimed {
            let body = format!(
                "Hello {},\n\nCareers move, and needs change. Every {months} months Carrel \
                 asks you to confirm your career stage and the needs you have now, so your \
                 next match fits:\n{base_url}/career\n\nIt takes a minute; your answers are \
                 kept as a timeline on your profile.\n",
                person.name
            );
            sqlx::query(
                "INSERT INTO outbox (to_address, subject, body_text, status, \
                 next_attempt_at, created_at) VALUES ($1, $2, $3, 'queued', $4, $4)",
            )
            .bind(&person.email)
            .bind(subject)
            .bind(&body)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await
    })?;
    tracing::info!(people = claimed.len(), "career check-ins requested");
    Ok(claimed.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topics() -> Vec<Topic> {
        ["leadership", "grant_writing"]
            .into_iter()
            .enumerate()
            .map(|(i, code)| Topic {
                id: i as i64 + 1,
                code: code.into(),
                name: code.into(),
            })
            .collect()
    }

    #[test]
    fn a_check_in_needs_a_stage_and_known_needs_each_once() {
        let form = CheckInForm {
            stage: "mid".into(),
            need_1: "leadership".into(),
            need_3: "grant_writing".into(),
            ..CheckInForm::default()
        };
        let valid = validate(&form, &topics()).expect("valid");
        assert_eq!(valid.needs.len(), 2, "empty ranks are skipped");

        let bad = CheckInForm {
            stage: "retired-ish".into(),
            need_1: "leadership".into(),
            need_2: "leadership".into(),
            need_3: "astrology".into(),
            ..CheckInForm::default()
        };
        let errors = validate(&bad, &topics()).expect_err("three problems");
        assert!(errors.get("stage").is_some());
        assert!(errors.get("need_2").is_some_and(|m| m.contains("already")));
        assert!(errors.get("need_3").is_some());
    }

    #[test]
    fn the_cutoff_is_the_interval_before_now() {
        let at = DateTime::parse_from_rfc3339("2026-12-03T12:00:00Z")
            .expect("date")
            .with_timezone(&Utc);
        assert_eq!(cutoff(at, 6).date_naive().to_string(), "2026-06-03");
    }
}
